/* events_out.c — see events_out.h. JSON goes through jansson so escaping
 * is never hand-rolled; its strings are cleaned first, so they are always
 * valid UTF-8. */
#include "events_out.h"

#include <jansson.h>
#include <string.h>

#include "output/csv_cell.h"
#include "output/text.h"

const char *const ms_event_columns[] = {
    "time", "ip", "service", "source", "outcome", "user", "method", "file",
    "line", "reason", "attempts", "session", "host", "dup_of", "server", NULL,
};

void ms_events_header(ms_buf *b, ms_format f)
{
    if (f == MS_FMT_CSV)
        ms_csv_header(b, ms_event_columns);
}

void ms_event_writer_init(ms_event_writer *w, ms_format f)
{
    memset(w, 0, sizeof *w);
    w->fmt = f;
}

void ms_event_writer_free(ms_event_writer *w)
{
    ms_csv_memo_free(&w->file);
}

/* The event's server: its host, else its file's label. */
static ms_str server_of(const ms_event *e, const char *server)
{
    return e->host.n ? e->host : (ms_str){server, (uint32_t)strlen(server)};
}

static void csv_row(ms_event_writer *w, ms_buf *b, const ms_event *e,
                    const char *file, const char *server)
{
    char ip[MS_IP_STRLEN];
    if (e->time != MS_TIME_NONE) {
        ms_time_format_memo(&w->time, e->time);
        ms_buf_add(b, w->time.s, w->time.len);
    }
    ms_buf_addc(b, ',');
    if (!ms_ip_is_unset(&e->ip))
        ms_buf_add(b, ip, ms_ip_format(&e->ip, ip));
    ms_buf_addc(b, ',');
    ms_buf_adds(b, ms_service_name(e->service));
    ms_csv_cells(b, e->source, 1);
    ms_buf_addc(b, ',');
    ms_buf_adds(b, ms_outcome_name(e->outcome));
    ms_csv_cell(b, e->user.p, e->user.n, 1);
    ms_csv_cell(b, e->method.p, e->method.n, 1);
    ms_csv_cell_memo(b, &w->file, file, strlen(file), 1);
    ms_buf_addc(b, ',');
    ms_buf_addu(b, e->line);
    ms_csv_cell(b, e->reason.p, e->reason.n, 1);
    ms_buf_addc(b, ',');
    ms_buf_addu(b, e->attempts);
    ms_csv_cell(b, e->session.p, e->session.n, 1);
    ms_csv_cell(b, e->host.p, e->host.n, 1);
    ms_buf_addc(b, ',');
    if (e->outcome == MS_OUT_DUPLICATE)
        ms_buf_addi(b, e->dup_of);
    ms_str sv = server_of(e, server);
    ms_csv_cell(b, sv.p, sv.n, 1);
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

static void json_row(ms_buf *b, const ms_event *e, const char *file,
                     const char *server)
{
    char t[MS_TIME_STRLEN], ip[MS_IP_STRLEN];
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return;
    }
    json_object_set_new(o, "time", e->time != MS_TIME_NONE
                        ? json_stringn(t, ms_time_format(e->time, t))
                        : json_null());
    size_t ipn = ms_ip_is_unset(&e->ip) ? 0 : ms_ip_format(&e->ip, ip);
    json_object_set_new(o, "ip", json_stringn(ip, ipn));
    json_object_set_new(o, "service", json_string(ms_service_name(e->service)));
    json_object_set_new(o, "source", json_string(e->source));
    json_object_set_new(o, "outcome", json_string(ms_outcome_name(e->outcome)));
    json_object_set_new(o, "user", ms_json_str(e->user.p, e->user.n));
    json_object_set_new(o, "method", ms_json_str(e->method.p, e->method.n));
    json_object_set_new(o, "file", ms_json_str(file, strlen(file)));
    json_object_set_new(o, "line", json_integer((json_int_t)e->line));
    json_object_set_new(o, "reason", ms_json_str(e->reason.p, e->reason.n));
    json_object_set_new(o, "attempts", json_integer(e->attempts));
    json_object_set_new(o, "session", ms_json_str(e->session.p, e->session.n));
    json_object_set_new(o, "host", ms_json_str(e->host.p, e->host.n));
    json_object_set_new(o, "dup_of", e->outcome == MS_OUT_DUPLICATE
                        ? json_integer(e->dup_of) : json_null());
    ms_str sv = server_of(e, server);
    json_object_set_new(o, "server", ms_json_str(sv.p, sv.n));
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
        json_row(b, e, file, server);
}
