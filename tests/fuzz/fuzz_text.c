/* fuzz_text.c — the output side's promise about attacker-chosen bytes
 * (output/text.c, output/csv_cell.c, output/events_out.c): whatever a username
 * holds, what is written is valid UTF-8 without control bytes, safe in a
 * spreadsheet, and reads back to the same bytes.
 *
 * The input is one string. Checks:
 *  - ms_text_clean: the result is clean (valid UTF-8, no C0/DEL/C1), it is
 *    the input itself exactly when ms_text_is_clean says so, and
 *    ms_evfmt_unescape (core/events_format.h) gives the input back (unless
 *    the input itself held `\x`: the documented ambiguity);
 *  - ms_csv_cell: the cell is clean, libcsv (strict) reads it back as the
 *    cleaned text (with one more leading `'` exactly when that text starts
 *    with = + - @ after any number of `'`), and its first character is
 *    never a formula trigger;
 *  - ms_json_str / events rows: a CSV row and an NDJSON line with the string
 *    as user, method, reason, session and host are clean text, and
 *    ms_events_read gives the original bytes back in all five (unless the
 *    input held `\x`). */
#include <csv.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/events_format.h"
#include "core/ip.h"
#include "fuzz_util.h"
#include "input/events_in.h"
#include "output/csv_cell.h"
#include "output/events_out.h"
#include "output/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- reading a CSV row back with libcsv ---- */

typedef struct fields {
    char *f[4];
    size_t n[4];
    int nf, rows;
} fields;

static void on_field(void *s, size_t n, void *p)
{
    fields *fl = p;
    FZ_CHECK(fl->nf < 4);
    fl->f[fl->nf] = malloc(n + 1);
    FZ_CHECK(fl->f[fl->nf] != NULL);
    if (n)
        memcpy(fl->f[fl->nf], s, n);
    fl->n[fl->nf++] = n;
}

static void on_row(int c, void *p)
{
    (void)c;
    ((fields *)p)->rows++;
}

static void check_cell(const char *s, size_t n)
{
    ms_buf clean = {0}, row = {0};
    ms_text_clean(&clean, s, n);
    FZ_CHECK(!clean.failed);

    ms_csv_cell(&row, "x", 1, 0);
    ms_csv_cell(&row, s, n, 1);
    FZ_CHECK(!row.failed);
    FZ_CHECK(row.n >= 2 && memcmp(row.p, "x,", 2) == 0);
    const char *cell = row.p + 2;
    size_t cn = row.n - 2;
    FZ_CHECK(fz_clean_utf8(cell, cn));
    /* What a spreadsheet sees first, inside the quotes if any. */
    size_t first = cn && cell[0] == '"' ? 1 : 0;
    if (first < cn)
        FZ_CHECK(!strchr("=+-@\t\r", cell[first]) || cell[first] == '\0');

    fields fl = {0};
    struct csv_parser p;
    FZ_CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
    ms_buf_addc(&row, '\n');
    FZ_CHECK(csv_parse(&p, row.p, row.n, on_field, on_row, &fl) == row.n);
    FZ_CHECK(csv_fini(&p, on_field, on_row, &fl) == 0);
    csv_free(&p);
    FZ_CHECK(fl.rows == 1 && fl.nf == 2);
    /* The guard (core/events_format.h): one more `'` before a text that starts
     * with = + - @ TAB or CR after any number of `'`. */
    size_t q = 0;
    while (q < clean.n && clean.p[q] == '\'')
        q++;
    int formula = q < clean.n && strchr("=+-@\t\r", clean.p[q]) != NULL;
    FZ_CHECK(fl.n[1] == clean.n + (size_t)formula);
    if (formula)
        FZ_CHECK(fl.f[1][0] == '\'');
    FZ_CHECK(clean.n == 0 || memcmp(fl.f[1] + formula, clean.p, clean.n) == 0);
    for (int i = 0; i < fl.nf; i++)
        free(fl.f[i]);
    ms_buf_free(&clean);
    ms_buf_free(&row);
}

/* ---- the events round trip ---- */

typedef struct want {
    const char *s;
    size_t n;
    int exact;
    int events;
} want;

static void same(const want *w, ms_str got)
{
    if (!w->exact)
        return;
    FZ_CHECK(got.n == w->n);
    FZ_CHECK(w->n == 0 || memcmp(got.p, w->s, w->n) == 0);
}

static int on_event(void *p, const ms_event *e, const char *file,
                    const ms_str *server)
{
    want *w = p;
    (void)file;
    w->events++;
    same(w, e->user);
    same(w, e->method);
    same(w, e->reason);
    same(w, e->session);
    same(w, e->host);
    FZ_CHECK(server != NULL);
    if (e->host.n)
        same(w, *server);   /* the server is the host when there is one */
    return 0;
}

static void check_lines_clean(const ms_buf *b)
{
    const char *s = b->p, *end = b->p + b->n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        FZ_CHECK(nl != NULL);   /* every row ends with LF */
        FZ_CHECK(fz_clean_utf8(s, (size_t)(nl - s)));
        s = nl + 1;
    }
}

static void round_trip(const char *s, size_t n, ms_format f)
{
    ms_event e;
    memset(&e, 0, sizeof e);
    e.time = INT64_C(1700000000) * MS_NS_PER_S;
    FZ_CHECK(ms_ip_parse("192.0.2.7", 9, &e.ip));
    e.outcome = MS_OUT_AUTH_FAIL;
    e.service = MS_SVC_IMAP;
    e.attempts = 1;
    e.line = 7;
    e.source = "dovecot";
    e.user = e.method = e.reason = e.session = e.host =
        (ms_str){s, (uint32_t)n};

    ms_buf b = {0};
    ms_event_writer ew;
    ms_event_writer_init(&ew, f);
    ms_events_header(&b, f);
    ms_event_write(&ew, &b, &e, "mail.log", "mx1");
    ms_event_writer_free(&ew);
    FZ_CHECK(!b.failed);
    check_lines_clean(&b);

    const char *path = fz_file((const uint8_t *)b.p, b.n);
    want w = {s, n, !memmem(s, n, "\\x", 2), 0};
    ms_error err = {0};
    int rc = ms_events_read(path, "roundtrip", on_event, &w, NULL, &err);
    FZ_CHECK(rc == 0);
    FZ_CHECK(w.events == 1);
    ms_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ms_buf b = {0};
    ms_text_clean(&b, s, size);
    FZ_CHECK(!b.failed);
    FZ_CHECK(fz_clean_utf8(b.p, b.n));
    int is_clean = ms_text_is_clean(s, size);
    FZ_CHECK(is_clean == fz_clean_utf8(s, size));
    if (is_clean)
        FZ_CHECK(b.n == size && (size == 0 || memcmp(b.p, s, size) == 0));
    else
        FZ_CHECK(b.n > size);
    if (!memmem(s, size, "\\x", 2)) {
        size_t un = ms_evfmt_unescape(b.p, b.n);
        FZ_CHECK(un == size && (size == 0 || memcmp(b.p, s, size) == 0));
    }
    ms_buf_free(&b);

    check_cell(s, size);

    json_t *j = ms_json_str(s, size);
    FZ_CHECK(j != NULL);
    FZ_CHECK(fz_clean_utf8(json_string_value(j), json_string_length(j)));
    json_decref(j);

    if (size <= 65536) {
        round_trip(s, size, MS_FMT_CSV);
        round_trip(s, size, MS_FMT_JSON);
    }
    return 0;
}
