/* events_in.c — events files back into ms_event values (see events_in.h).
 *
 * The file is read through ms_reader: a first chunk of up to 64 KiB,
 * sniffed to tell CSV from NDJSON, then blocks of whole lines from
 * ms_lines (input/lines.h: a compressed file is decompressed ahead by a
 * thread of its own). Chunks are cut at each '\n' so the
 * physical line number is always known: CSV segments are fed to libcsv
 * (which handles quoting, embedded commas, quotes and newlines), whose
 * field callback copies each field, decoded, into one reused row buffer
 * and whose row callback turns the row into an event; NDJSON segments are
 * gathered into one reused line buffer and parsed with jansson. Both end in
 * the same place: one (text, length) value per known column, validated and
 * converted by build_event. Source and file names are interned (core/intern.h)
 * in tables that live for the call. Nothing is allocated per CSV row;
 * jansson allocates per JSON line. Memory is bounded: a row or line over
 * MAX_ROW bytes (say, an unterminated quote) is dropped and reading picks
 * up again at the next line. */
#include "events_in.h"

#include <csv.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/events_format.h"
#include "core/intern.h"
#include "input/lines.h"
#include "input/reader.h"

#define CHUNK (64 * 1024)
#define MAX_ROW (1024 * 1024)   /* bytes of one CSV row or JSON line */
#define MAX_FIELDS 256          /* fields of one CSV row */
#define MAX_WARN 10             /* bad-row warnings per file, then a count */

/* The columns a CSV header must name to be an events file's. */
static const ms_evcol need[] = {MS_EVCOL_TIME, MS_EVCOL_IP, MS_EVCOL_OUTCOME};

/* libcsv's parser state before the first byte of a row (ROW_NOT_BEGUN in
 * libcsv.c; struct csv_parser is public in csv.h). */
#define CSV_ROW_NOT_BEGUN 0

/* ---- the reading state -------------------------------------------- */

typedef struct val {
    const char *p;
    size_t n;
    int present;
} val;

typedef struct rd {
    const char *name;
    const ms_warner *w;
    ms_events_emit_fn emit;
    void *ctx;
    int format;
    int stop;             /* emit's non-zero value */
    int fatal;            /* -1 once err is filled */
    ms_error *err;
    uint64_t lineno;      /* physical line being read, 1-based */
    uint64_t row_line;    /* line where the current row began */
    uint64_t bad;         /* rows skipped */
    ms_intern sources, files;   /* names live for the call */
    /* CSV */
    struct csv_parser p;
    int parser_live;
    int have_header;
    size_t ncols;
    int8_t colmap[MAX_FIELDS];   /* header field -> ms_evcol, or -1 */
    ms_buf row;                  /* this row's fields, decoded, NUL after each */
    size_t off[MAX_FIELDS];
    size_t flen[MAX_FIELDS];
    size_t nf;
    int too_many;                /* more than MAX_FIELDS fields */
    size_t row_bytes;            /* raw bytes fed since the row began */
    int skipping;                /* dropping the rest of a physical line */
    /* JSON */
    ms_buf line;
    int line_cut;
    ms_buf scratch;
} rd;

static void bad_row(rd *r, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Count a skipped row; warn about the first MAX_WARN of them. */
static void bad_row(rd *r, uint64_t line, const char *fmt, ...)
{
    r->bad++;
    if (r->bad > MAX_WARN)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ms_warn(r->w, r->name, line, "%s: row skipped", msg);
}

static int nomem(rd *r)
{
    r->fatal = ms_fail(r->err, MS_ERR_NOMEM, "%s: out of memory", r->name);
    return -1;
}

static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_i64(const char *s, size_t n, int64_t *out)
{
    int neg = n > 0 && s[0] == '-';
    uint64_t v;
    if (parse_u64(s + neg, n - (size_t)neg,
                  neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v))
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* int64 nanoseconds reach from 1677-09-21 to 2262-04-11: outside whole
 * years 1678-2261 ms_time_parse_iso would overflow. */
static int time_in_range(const char *s, size_t n)
{
    uint64_t y;
    return n >= 4 && parse_u64(s, 4, 9999, &y) == 0 && y >= 1678 && y <= 2261;
}

static ms_str str_of(const val *v)
{
    ms_str s = {"", 0};
    if (v->present && v->n) {
        s.p = v->p;
        s.n = (uint32_t)v->n;
    }
    return s;
}

/* Validate and convert one row's values, then hand the event on. */
static void build_event(rd *r, const val *v, uint64_t line)
{
    ms_event e;
    memset(&e, 0, sizeof e);
    const val *c;

    c = &v[MS_EVCOL_OUTCOME];
    int o = c->present ? ms_outcome_parse(c->p, c->n) : -1;
    if (o <= MS_OUT_NONE) {
        bad_row(r, line, "%s outcome", c->present && c->n ? "unknown" : "no");
        return;
    }
    e.outcome = (uint8_t)o;

    c = &v[MS_EVCOL_TIME];
    e.time = MS_TIME_NONE;
    if (c->present && c->n &&
        (!time_in_range(c->p, c->n) ||
         ms_time_parse_iso(c->p, c->n, &e.time) < 0)) {
        bad_row(r, line, "bad %s value", "time");
        return;
    }
    c = &v[MS_EVCOL_IP];
    if (c->present && c->n && !ms_ip_parse(c->p, c->n, &e.ip)) {
        bad_row(r, line, "bad %s value", "ip");
        return;
    }
    c = &v[MS_EVCOL_SERVICE];
    int s = c->present ? ms_service_parse(c->p, c->n) : -1;
    e.service = (uint8_t)(s < 0 ? MS_SVC_UNKNOWN : s);

    uint64_t u;
    c = &v[MS_EVCOL_LINE];
    if (c->present && c->n) {
        if (parse_u64(c->p, c->n, UINT64_MAX, &u)) {
            bad_row(r, line, "bad %s value", "line");
            return;
        }
        e.line = u;
    }
    c = &v[MS_EVCOL_ATTEMPTS];
    e.attempts = 1;
    if (c->present && c->n) {
        if (parse_u64(c->p, c->n, UINT16_MAX, &u)) {
            bad_row(r, line, "bad %s value", "attempts");
            return;
        }
        e.attempts = (uint16_t)u;
    }
    c = &v[MS_EVCOL_DUP_OF];
    if (c->present && c->n && parse_i64(c->p, c->n, &e.dup_of)) {
        bad_row(r, line, "bad %s value", "dup_of");
        return;
    }

    c = &v[MS_EVCOL_SOURCE];
    uint32_t id = ms_intern_put(&r->sources, c->present ? c->p : "",
                                c->present ? c->n : 0);
    if (id == UINT32_MAX) {
        nomem(r);
        return;
    }
    e.source = r->sources.str[id];
    c = &v[MS_EVCOL_FILE];
    if (c->present && memchr(c->p, '\0', c->n)) {   /* no file is named so */
        bad_row(r, line, "bad %s value", "file");
        return;
    }
    id = ms_intern_put(&r->files, c->present ? c->p : "", c->present ? c->n : 0);
    if (id == UINT32_MAX) {
        nomem(r);
        return;
    }
    e.file = id;

    e.user = str_of(&v[MS_EVCOL_USER]);
    e.method = str_of(&v[MS_EVCOL_METHOD]);
    e.reason = str_of(&v[MS_EVCOL_REASON]);
    e.session = str_of(&v[MS_EVCOL_SESSION]);
    e.host = str_of(&v[MS_EVCOL_HOST]);

    ms_str server = str_of(&v[MS_EVCOL_SERVER]);
    int rc = r->emit(r->ctx, &e, r->files.str[id],
                     v[MS_EVCOL_SERVER].present ? &server : NULL);
    if (rc)
        r->stop = rc;
}

/* ---- CSV ----------------------------------------------------------- */

static void row_reset(rd *r)
{
    r->row.n = 0;
    r->nf = 0;
    r->too_many = 0;
}

static void csv_field(void *s, size_t n, void *data)
{
    rd *r = data;
    if (r->stop || r->fatal)
        return;
    if (r->nf == MAX_FIELDS) {
        r->too_many = 1;
        return;
    }
    size_t at = r->row.n;
    if (ms_buf_reserve(&r->row, n + 1) < 0) {
        nomem(r);
        return;
    }
    if (n)
        memcpy(r->row.p + at, s, n);
    if (r->have_header) {
        n = ms_evfmt_unguard(r->row.p + at, n);
        n = ms_evfmt_unescape(r->row.p + at, n);
    }
    r->row.p[at + n] = '\0';
    r->row.n = at + n + 1;
    r->off[r->nf] = at;
    r->flen[r->nf] = n;
    r->nf++;
}

static void csv_header(rd *r)
{
    if (r->too_many) {
        r->fatal = ms_fail(r->err, MS_ERR_DATA,
                           "%s: not an events file (more than %d columns)",
                           r->name, MAX_FIELDS);
        return;
    }
    int seen[MS_EVCOL__COUNT] = {0};
    for (size_t i = 0; i < r->nf; i++) {
        const char *f = r->row.p + r->off[i];
        size_t n = r->flen[i];
        if (i == 0 && n >= 3 && memcmp(f, "\xEF\xBB\xBF", 3) == 0) {
            f += 3;
            n -= 3;
        }
        int k = ms_evcol_find(f, n);
        if (k >= 0 && seen[k])
            k = -1;   /* a repeated name: the first one counts */
        if (k >= 0)
            seen[k] = 1;
        r->colmap[i] = (int8_t)k;
    }
    r->ncols = r->nf;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!seen[need[i]]) {
            r->fatal = ms_fail(r->err, MS_ERR_DATA,
                               "%s: not an events file (the header has no "
                               "%s column)", r->name, ms_evcol_names[need[i]]);
            return;
        }
    r->have_header = 1;
}

static void csv_row(int c, void *data)
{
    (void)c;
    rd *r = data;
    if (r->stop || r->fatal)
        return;
    if (!r->have_header) {
        csv_header(r);
    } else if (r->too_many || r->nf != r->ncols) {
        bad_row(r, r->row_line, "%s%zu fields, the header has %zu",
                r->too_many ? "over " : "", r->nf, r->ncols);
    } else {
        val v[MS_EVCOL__COUNT];
        memset(v, 0, sizeof v);
        for (size_t i = 0; i < r->nf; i++) {
            int k = r->colmap[i];
            if (k >= 0)
                v[k] = (val){r->row.p + r->off[i], r->flen[i], 1};
        }
        build_event(r, v, r->row_line);
    }
    row_reset(r);
}

static int parser_start(rd *r)
{
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return nomem(r);
    /* libcsv grows its field buffer linearly, by this much at a time: the
     * default 128 bytes makes a long field cost quadratic copying. */
    csv_set_blk_size(&r->p, CHUNK);
    r->parser_live = 1;
    return 0;
}

/* Drop the row under way and restart the parser at the next line. */
static int csv_resync(rd *r, int at_eol)
{
    csv_free(&r->p);
    r->parser_live = 0;
    row_reset(r);
    r->row_bytes = 0;
    r->skipping = !at_eol;
    return parser_start(r);
}

/* A data row's field as csv_field would leave it: most need neither the
 * guard taken off nor an escape undone, and are used where they lie; the
 * others are decoded into r->row (at *at: its buffer may move). */
static void plain_value(rd *r, const char *f, size_t n, val *v, size_t *at)
{
    if (!(n >= 2 && f[0] == '\'') && !memchr(f, '\\', n)) {
        *v = (val){f, n, 1};
        *at = SIZE_MAX;
        return;
    }
    *at = r->row.n;
    if (ms_buf_reserve(&r->row, n) < 0) {
        nomem(r);
        return;
    }
    memcpy(r->row.p + *at, f, n);
    n = ms_evfmt_unguard(r->row.p + *at, n);
    n = ms_evfmt_unescape(r->row.p + *at, n);
    r->row.n = *at + n;
    *v = (val){NULL, n, 1};
}

/* Read a whole line that libcsv would read as plain fields: no quote, no
 * '\r' but in a final "\r\n", no space or tab at either end of a field
 * (libcsv trims those), not blank. 0 when it is not one: libcsv reads it.
 * Nearly every row of an events file is one; this costs a few
 * instructions a byte where libcsv takes a call a byte. */
static int csv_plain_line(rd *r, const char *s, size_t n)
{
    n -= n && s[n - 1] == '\n';
    n -= n && s[n - 1] == '\r';
    if (n == 0 || memchr(s, '"', n) || memchr(s, '\r', n))
        return 0;
    val v[MS_EVCOL__COUNT];
    size_t at[MS_EVCOL__COUNT];
    memset(v, 0, sizeof v);
    size_t nf = 0;
    for (size_t a = 0;; nf++) {
        const char *comma = memchr(s + a, ',', n - a);
        size_t b = comma ? (size_t)(comma - s) : n;
        if (b > a && (s[a] == ' ' || s[a] == '\t' || s[b - 1] == ' ' ||
                      s[b - 1] == '\t')) {
            row_reset(r);
            return 0;
        }
        if (!r->have_header)
            csv_field((void *)(s + a), b - a, r);
        else if (nf < r->ncols && r->colmap[nf] >= 0)
            plain_value(r, s + a, b - a, &v[r->colmap[nf]], &at[r->colmap[nf]]);
        if (!comma)
            break;
        a = b + 1;
    }
    nf++;
    if (!r->fatal && !r->have_header) {
        csv_row('\n', r);
    } else if (!r->fatal && nf != r->ncols) {
        bad_row(r, r->lineno, "%s%zu fields, the header has %zu",
                nf > MAX_FIELDS ? "over " : "",
                nf > MAX_FIELDS ? (size_t)MAX_FIELDS : nf, r->ncols);
    } else if (!r->fatal) {
        for (size_t k = 0; k < MS_EVCOL__COUNT; k++)
            if (v[k].present && at[k] != SIZE_MAX)
                v[k].p = r->row.p + at[k];
        build_event(r, v, r->lineno);
    }
    row_reset(r);
    return 1;
}

static void csv_segment(rd *r, const char *s, size_t n, int eol)
{
    if (r->skipping) {
        r->skipping = !eol;
        return;
    }
    if (r->p.pstate == CSV_ROW_NOT_BEGUN) {
        r->row_line = r->lineno;
        r->row_bytes = 0;
    }
    if (r->row_bytes + n > MAX_ROW) {   /* its bytes as read, '\n's too */
        bad_row(r, r->row_line, "row over 1 MiB (an unterminated quote?)");
        csv_resync(r, eol);
        return;
    }
    if (r->p.pstate == CSV_ROW_NOT_BEGUN && eol && csv_plain_line(r, s, n))
        return;
    r->row_bytes += n;
    size_t used = csv_parse(&r->p, s, n, csv_field, csv_row, r);
    if (r->fatal || r->stop)
        return;
    if (used < n) {
        if (csv_error(&r->p) != CSV_EPARSE) {
            nomem(r);
            return;
        }
        /* The rest of this piece is dropped, its '\n' too; without one,
         * the rest of the line is still to come and is dropped as well. */
        bad_row(r, r->row_line, "malformed quoting");
        csv_resync(r, eol);
    }
}

static void csv_end(rd *r)
{
    if (r->skipping || r->fatal || r->stop)
        return;
    if (csv_fini(&r->p, csv_field, csv_row, r) != 0 && !r->fatal && !r->stop)
        bad_row(r, r->row_line, "unterminated quote at the end of the file");
}

/* ---- NDJSON -------------------------------------------------------- */

static void json_value(rd *r, json_t *j, val *v, size_t *off, int *bad)
{
    char num[32];
    const char *s = NULL;
    size_t n = 0;
    int decode = 0;
    if (!j)
        return;                   /* missing: not present */
    if (json_is_null(j)) {
        s = "";
    } else if (json_is_string(j)) {
        s = json_string_value(j);
        n = json_string_length(j);
        decode = 1;
    } else if (json_is_integer(j)) {
        n = (size_t)snprintf(num, sizeof num, "%lld",
                             (long long)json_integer_value(j));
        s = num;
    } else {
        *bad = 1;
        return;
    }
    size_t at = r->scratch.n;
    if (ms_buf_reserve(&r->scratch, n + 1) < 0) {
        nomem(r);
        return;
    }
    if (n)
        memcpy(r->scratch.p + at, s, n);
    if (decode)
        n = ms_evfmt_unescape(r->scratch.p + at, n);
    r->scratch.p[at + n] = '\0';
    r->scratch.n = at + n + 1;
    *off = at;
    v->n = n;
    v->present = 1;
}

static void json_line(rd *r, char *s, size_t n)
{
    uint64_t line = r->lineno;
    if (r->line_cut) {
        bad_row(r, line, "line over 1 MiB");
        return;
    }
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    if (i == n)
        return;                   /* blank */
    json_error_t jerr;
    json_t *o = json_loadb(s, n, JSON_ALLOW_NUL, &jerr);
    if (!o || !json_is_object(o)) {
        if (o)
            bad_row(r, line, "not a JSON object");
        else
            bad_row(r, line, "not valid JSON (%s)", jerr.text);
        json_decref(o);
        return;
    }
    val v[MS_EVCOL__COUNT];
    size_t off[MS_EVCOL__COUNT];
    memset(v, 0, sizeof v);
    r->scratch.n = 0;
    for (int k = 0; k < MS_EVCOL__COUNT && !r->fatal; k++) {
        int bad = 0;
        json_value(r, json_object_get(o, ms_evcol_names[k]), &v[k], &off[k],
                   &bad);
        if (bad) {
            json_decref(o);
            bad_row(r, line, "the %s value has the wrong type",
                    ms_evcol_names[k]);
            return;
        }
    }
    json_decref(o);
    if (r->fatal)
        return;
    for (int k = 0; k < MS_EVCOL__COUNT; k++)
        if (v[k].present)
            v[k].p = r->scratch.p + off[k];
    build_event(r, v, line);
}

static void json_segment(rd *r, const char *s, size_t n, int eol)
{
    if (!r->line_cut) {
        if (r->line.n + n > MAX_ROW) {
            r->line_cut = 1;
        } else {
            ms_buf_add(&r->line, s, n);
            if (r->line.failed) {
                nomem(r);
                return;
            }
        }
    }
    if (eol) {
        json_line(r, r->line.p, r->line.n);
        r->line.n = 0;
        r->line_cut = 0;
    }
}

/* ---- sniffing ------------------------------------------------------ */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int ms_events_sniff(const char *s, size_t n)
{
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    size_t i = 0;
    while (i < n && is_ws(s[i]))
        i++;
    if (i < n && s[i] == '{') {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
        json_t *o = json_loadb(s + i, len, JSON_ALLOW_NUL, NULL);
        if (o) {
            int ok = json_is_object(o) &&
                     json_is_string(json_object_get(o, "outcome"));
            json_decref(o);
            return ok ? MS_EVFILE_JSON : MS_EVFILE_NONE;
        }
        if (!nl && memmem(s + i, len, "\"outcome\"", 9))
            return MS_EVFILE_JSON;   /* a first line longer than the sample */
        return MS_EVFILE_NONE;
    }
    /* CSV: the first line's cells, unquoted, trimmed. */
    const char *nl = memchr(s, '\n', n);
    size_t len = nl ? (size_t)(nl - s) : n;
    int seen[MS_EVCOL__COUNT] = {0};
    for (size_t a = 0; a <= len;) {
        const char *comma = memchr(s + a, ',', len - a);
        size_t b = comma ? (size_t)(comma - s) : len, x = a, y = b;
        while (x < y && is_ws(s[x]))
            x++;
        while (y > x && is_ws(s[y - 1]))
            y--;
        if (y - x >= 2 && s[x] == '"' && s[y - 1] == '"') {
            x++;
            y--;
        }
        int k = ms_evcol_find(s + x, y - x);
        if (k >= 0)
            seen[k] = 1;
        a = b + 1;
    }
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
        if (!seen[need[k]])
            return MS_EVFILE_NONE;
    return MS_EVFILE_CSV;
}

/* ---- the loop ------------------------------------------------------ */

/* Cut a chunk at each '\n' and hand the pieces on. */
static void feed(rd *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n && !r->stop && !r->fatal;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t k = nl ? (size_t)(nl - (s + i)) + 1 : n - i;
        if (r->format == MS_EVFILE_CSV)
            csv_segment(r, s + i, k, nl != NULL);
        else
            json_segment(r, s + i, k, nl != NULL);
        if (nl)
            r->lineno++;
        i += k;
    }
}

/* Fill buf until it holds a '\n' after some non-blank byte, is full, or the
 * input ends; returns the bytes held. *broke: the reader failed (err
 * filled) after those bytes. */
static size_t fill_first(ms_reader *rdr, char *buf, size_t cap, int *broke,
                         ms_error *err)
{
    size_t n = 0;
    int content = 0;
    while (n < cap) {
        ptrdiff_t got = ms_reader_read(rdr, buf + n, cap - n, err);
        if (got < 0)
            *broke = 1;
        if (got <= 0)
            break;
        for (size_t i = n; i < n + (size_t)got; i++) {
            if (!is_ws(buf[i]))
                content = 1;
            else if (buf[i] == '\n' && content)
                return n + (size_t)got;
        }
        n += (size_t)got;
    }
    return n;
}

int ms_events_sniff_file(const char *path)
{
    ms_error err = {0};
    ms_reader *rdr = ms_reader_open(path, path, &err);
    if (!rdr)
        return err.code == MS_ERR_NOMEM ? -1 : MS_EVFILE_NONE;
    char *buf = malloc(CHUNK);
    int kind = -1;
    if (buf && ms_reader_give_back(rdr) == 0) {
        int broke = 0;
        size_t n = fill_first(rdr, buf, CHUNK, &broke, &err);
        kind = broke && err.code == MS_ERR_NOMEM ? -1 : ms_events_sniff(buf, n);
    }
    free(buf);
    ms_reader_close(rdr);
    return kind;
}

int ms_events_read(const char *path, const char *name, ms_events_emit_fn emit,
                   void *ctx, const ms_warner *w, ms_error *err)
{
    ms_reader *rdr = ms_reader_open(path, name, err);
    if (!rdr)
        return -1;
    char *buf = malloc(CHUNK);
    if (!buf) {
        ms_reader_close(rdr);
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
    }
    rd *r = calloc(1, sizeof *r);
    if (!r) {
        free(buf);
        ms_reader_close(rdr);
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
    }
    r->name = name;
    r->w = w;
    r->emit = emit;
    r->ctx = ctx;
    r->err = err;
    r->lineno = 1;
    if (ms_intern_init(&r->sources) || ms_intern_init(&r->files)) {
        ms_intern_free(&r->sources);
        free(r);
        free(buf);
        ms_reader_close(rdr);
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
    }

    int ret = 0, broke = 0;
    ms_lines *lines = NULL;
    size_t first = fill_first(rdr, buf, CHUNK, &broke, err);
    size_t i = 0;
    while (i < first && is_ws(buf[i]))
        i++;
    if (i == first) {             /* empty or blank: no events */
        ret = broke ? -1 : 0;
        goto out;
    }
    r->format = ms_events_sniff(buf, first);
    if (r->format == MS_EVFILE_NONE) {
        ret = ms_fail(err, MS_ERR_DATA,
                      "%s: not an events file (neither a CSV header with "
                      "time, ip and outcome columns nor NDJSON events)", name);
        goto out;
    }
    if (r->format == MS_EVFILE_CSV && parser_start(r) < 0)
        goto done;
    /* A BOM before the JSON: skip it (CSV drops it from the header). */
    size_t start = 0;
    if (r->format == MS_EVFILE_JSON && first >= 3 &&
        memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    feed(r, buf + start, first - start);
    /* The rest in blocks of whole lines, decompressed ahead by a thread of
     * their own. A line too long for a block comes cut, without its '\n':
     * given one, it is a row too long, dropped. */
    ms_lines_opts lo = {.max_line = MAX_ROW + 1};
    if (!broke && !(lines = ms_lines_new(rdr, &lo))) {
        ret = ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    for (int cut = 0; !broke && !r->stop && !r->fatal;) {
        const char *text;
        size_t len;
        int got = ms_lines_block(lines, &text, &len, err);
        if (got < 0) {
            broke = 1;
            break;
        }
        if (got == 0)
            break;
        if (cut)
            feed(r, "\n", 1);
        feed(r, text, len);
        cut = len && text[len - 1] != '\n';
    }
    if (!broke && !r->stop && !r->fatal) {
        /* The last line may lack its '\n'. */
        if (r->format == MS_EVFILE_CSV)
            csv_end(r);
        else if (r->line.n || r->line_cut)
            json_segment(r, "", 0, 1);
    }
done:
    if (r->fatal)
        ret = -1;
    else if (r->stop)
        ret = r->stop;
    else if (broke)
        ret = -1;                 /* err holds the reader's message */
    if (r->bad > MAX_WARN)
        ms_warn(w, name, 0, "%llu more bad rows skipped",
                (unsigned long long)(r->bad - MAX_WARN));
out:
    if (r->parser_live)
        csv_free(&r->p);
    ms_buf_free(&r->row);
    ms_buf_free(&r->line);
    ms_buf_free(&r->scratch);
    ms_intern_free(&r->sources);
    ms_intern_free(&r->files);
    free(r);
    free(buf);
    ms_lines_free(lines);
    ms_reader_close(rdr);
    return ret;
}
