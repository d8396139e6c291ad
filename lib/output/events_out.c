/* events_out.c — see events_out.h. JSON goes through jansson so escaping
 * is never hand-rolled; its strings are cleaned first, so they are always
 * valid UTF-8. */
#include "events_out.h"

#include <jansson.h>
#include <string.h>

#include "core/events_format.h"
#include "output/csv_cell.h"
#include "output/text.h"

void ms_events_header(ms_buf *b, ms_format f)
{
    if (f == MS_FMT_CSV)
        ms_csv_header(b, ms_evcol_names);
}

void ms_event_writer_init(ms_event_writer *w, ms_format f)
{
    memset(w, 0, sizeof *w);
    w->fmt = f;
}

void ms_event_writer_free(ms_event_writer *w)
{
    ms_csv_memo_free(&w->file);
    ms_buf_free(&w->msg);
}

/* The event's server: its host, else its file's label. */
static ms_str server_of(const ms_event *e, const char *server)
{
    return e->host.n ? e->host : (ms_str){server, (uint32_t)strlen(server)};
}

/* Column c of e as a CSV cell, without its comma. */
static inline void csv_cell(ms_event_writer *w, ms_buf *b, const ms_event *e,
                            const char *file, ms_str server, ms_evcol c)
{
    char ip[MS_IP_STRLEN];
    switch (c) {
    case MS_EVCOL_TIME:
        if (e->time != MS_TIME_NONE) {
            ms_time_format_memo(&w->time, e->time);
            ms_buf_add(b, w->time.s, w->time.len);
        }
        break;
    case MS_EVCOL_IP:
        if (!ms_ip_is_unset(&e->ip))
            ms_buf_add(b, ip, ms_ip_format(&e->ip, ip));
        break;
    case MS_EVCOL_SERVICE:
        ms_buf_adds(b, ms_service_name(e->service));
        break;
    case MS_EVCOL_SOURCE:
        ms_csv_cells(b, e->source, 0);
        break;
    case MS_EVCOL_OUTCOME:
        ms_buf_adds(b, ms_outcome_name(e->outcome));
        break;
    case MS_EVCOL_USER:
        ms_csv_cell(b, e->user.p, e->user.n, 0);
        break;
    case MS_EVCOL_METHOD:
        ms_csv_cell(b, e->method.p, e->method.n, 0);
        break;
    case MS_EVCOL_FILE:
        ms_csv_cell_memo(b, &w->file, file, strlen(file), 0);
        break;
    case MS_EVCOL_LINE:
        ms_buf_addu(b, e->line);
        break;
    case MS_EVCOL_REASON:
        ms_csv_cell(b, e->reason.p, e->reason.n, 0);
        break;
    case MS_EVCOL_ATTEMPTS:
        ms_buf_addu(b, e->attempts);
        break;
    case MS_EVCOL_SESSION:
        ms_csv_cell(b, e->session.p, e->session.n, 0);
        break;
    case MS_EVCOL_HOST:
        ms_csv_cell(b, e->host.p, e->host.n, 0);
        break;
    case MS_EVCOL_DUP_OF:
        if (e->outcome == MS_OUT_DUPLICATE)
            ms_buf_addi(b, e->dup_of);
        break;
    case MS_EVCOL_SERVER:
        ms_csv_cell(b, server.p, server.n, 0);
        break;
    case MS_EVCOL__COUNT:
        break;
    }
}

static void csv_row(ms_event_writer *w, ms_buf *b, const ms_event *e,
                    const char *file, const char *server)
{
    ms_str sv = server_of(e, server);
    /* Unrolled, each switch above folds to its one case: the row is
     * written as straight-line code, in the declared order. */
#pragma GCC unroll 16
    for (int c = 0; c < MS_EVCOL__COUNT; c++) {
        if (c)
            ms_buf_addc(b, ',');
        csv_cell(w, b, e, file, sv, (ms_evcol)c);
    }
    ms_buf_addc(b, '\n');
}

json_t *ms_json_str(const char *s, size_t n)
{
    if (ms_text_is_clean(s, n))
        return json_stringn(s, n);
    ms_buf tmp = {0};
    ms_text_clean(&tmp, s, n);
    json_t *j = tmp.failed ? NULL : json_stringn(tmp.p, tmp.n);
    ms_buf_free(&tmp);
    return j;
}

static int dump_cb(const char *s, size_t n, void *data)
{
    ms_buf *b = data;
    ms_buf_add(b, s, n);
    return b->failed ? -1 : 0;
}

void ms_json_dump(ms_buf *b, const json_t *o, size_t flags)
{
    if (json_dump_callback(o, dump_cb, b, flags))
        b->failed = 1;
}

/* Column c of e as a JSON value: text cleaned (ms_json_str), numbers as
 * numbers, a missing time or dup_of as null. */
static json_t *json_cell(const ms_event *e, const char *file, ms_str server,
                         ms_evcol c)
{
    char t[MS_TIME_STRLEN > MS_IP_STRLEN ? MS_TIME_STRLEN : MS_IP_STRLEN];
    switch (c) {
    case MS_EVCOL_TIME:
        return e->time != MS_TIME_NONE
               ? json_stringn(t, ms_time_format(e->time, t)) : json_null();
    case MS_EVCOL_IP:
        return json_stringn(t, ms_ip_is_unset(&e->ip) ? 0
                                                      : ms_ip_format(&e->ip, t));
    case MS_EVCOL_SERVICE:
        return json_string(ms_service_name(e->service));
    case MS_EVCOL_SOURCE:
        return json_string(e->source);
    case MS_EVCOL_OUTCOME:
        return json_string(ms_outcome_name(e->outcome));
    case MS_EVCOL_USER:
        return ms_json_str(e->user.p, e->user.n);
    case MS_EVCOL_METHOD:
        return ms_json_str(e->method.p, e->method.n);
    case MS_EVCOL_FILE:
        return ms_json_str(file, strlen(file));
    case MS_EVCOL_LINE:
        return json_integer((json_int_t)e->line);
    case MS_EVCOL_REASON:
        return ms_json_str(e->reason.p, e->reason.n);
    case MS_EVCOL_ATTEMPTS:
        return json_integer(e->attempts);
    case MS_EVCOL_SESSION:
        return ms_json_str(e->session.p, e->session.n);
    case MS_EVCOL_HOST:
        return ms_json_str(e->host.p, e->host.n);
    case MS_EVCOL_DUP_OF:
        return e->outcome == MS_OUT_DUPLICATE ? json_integer(e->dup_of)
                                              : json_null();
    case MS_EVCOL_SERVER:
        return ms_json_str(server.p, server.n);
    case MS_EVCOL__COUNT:
        break;
    }
    return json_null();
}

/* What a Timesketch event's time is, by outcome. */
static const char *timestamp_desc(ms_outcome o)
{
    switch (o) {
    case MS_OUT_AUTH_FAIL:    return "Failed login";
    case MS_OUT_AUTH_OK:      return "Successful login";
    case MS_OUT_RELAY_DENIED: return "Relay refused";
    case MS_OUT_CONNECT:      return "Connection";
    case MS_OUT_DUPLICATE:    return "Login attempt logged again";
    default:                  return "Event";
    }
}

/* The sentence of a Timesketch event into m (raw: cleaned when made a JSON
 * string): "OUTCOME SERVICE[ user=<USER>][ from IP] (SOURCE[: REASON])
 * [N attempts][ on SERVER]". */
static void ts_message(ms_buf *m, const ms_event *e, ms_str server)
{
    char ip[MS_IP_STRLEN];
    m->n = 0;
    ms_buf_adds(m, ms_outcome_name(e->outcome));
    ms_buf_addc(m, ' ');
    ms_buf_adds(m, ms_service_name(e->service));
    if (e->user.n) {
        ms_buf_adds(m, " user=<");
        ms_buf_add(m, e->user.p, e->user.n);
        ms_buf_addc(m, '>');
    }
    if (!ms_ip_is_unset(&e->ip)) {
        ms_buf_adds(m, " from ");
        ms_buf_add(m, ip, ms_ip_format(&e->ip, ip));
    }
    ms_buf_adds(m, " (");
    ms_buf_adds(m, e->source);
    if (e->reason.n) {
        ms_buf_adds(m, ": ");
        ms_buf_add(m, e->reason.p, e->reason.n);
    }
    ms_buf_addc(m, ')');
    if (e->attempts > 1) {
        ms_buf_adds(m, ", ");
        ms_buf_addu(m, e->attempts);
        ms_buf_adds(m, " attempts");
    }
    if (server.n) {
        ms_buf_adds(m, " on ");
        ms_buf_add(m, server.p, server.n);
    }
}

/* o[key] = v (v NULL: memory ran out); b fails when it could not be set,
 * rather than the line going out without the field. */
static void json_put(ms_buf *b, json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, v))
        b->failed = 1;
}

/* An event as NDJSON; ts: a Timesketch line (m: the writer's message
 * buffer), which leaves out an event with no time. */
static void json_row(ms_buf *b, const ms_event *e, const char *file,
                     const char *server, ms_buf *ts)
{
    if (ts && e->time == MS_TIME_NONE)
        return;
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return;
    }
    ms_str sv = server_of(e, server);
    if (ts) {
        ts_message(ts, e, sv);
        if (ts->failed)
            b->failed = 1;
        json_put(b, o, "message", ms_json_str(ts->p, ts->n));
        json_put(b, o, "datetime", json_cell(e, file, sv, MS_EVCOL_TIME));
        json_put(b, o, "timestamp_desc",
                 json_string(timestamp_desc(e->outcome)));
    }
    for (int c = 0; c < MS_EVCOL__COUNT; c++)
        json_put(b, o, ms_evcol_names[c], json_cell(e, file, sv, (ms_evcol)c));
    ms_json_dump(b, o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    ms_buf_addc(b, '\n');
}

void ms_event_write(ms_event_writer *w, ms_buf *b, const ms_event *e,
                    const char *file, const char *server)
{
    if (w->fmt == MS_FMT_CSV)
        csv_row(w, b, e, file, server);
    else
        json_row(b, e, file, server,
                 w->fmt == MS_FMT_TIMESKETCH ? &w->msg : NULL);
}
