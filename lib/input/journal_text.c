/* journal_text.c — journalctl's json and export forms unwrapped into lines
 * (see journal_text.h).
 *
 * json: each whole line is parsed with jansson and its fields picked.
 * export: an entry is parsed from its first byte to its empty line each
 * time feed is called, and consumed only when that line is in, so a value
 * split across calls is simply read again whole; binary values are taken
 * by their length, newlines and all. An entry longer than MS_UNWRAP_MAX is
 * cut: what was read of it makes its line, and the state remembers how to
 * drop the rest (the binary bytes left, then up to a newline, then its
 * other fields up to the empty line). */
#include "input/journal_text.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeconv.h"

static const char *const field_names[MS_JF_N] = {
    [MS_JF_REALTIME] = "__REALTIME_TIMESTAMP",
    [MS_JF_HOSTNAME] = "_HOSTNAME",
    [MS_JF_IDENT] = "SYSLOG_IDENTIFIER",
    [MS_JF_COMM] = "_COMM",
    [MS_JF_SYSLOG_PID] = "SYSLOG_PID",
    [MS_JF_PID] = "_PID",
    [MS_JF_MESSAGE] = "MESSAGE",
};

int ms_journal_field(const char *s, size_t n)
{
    for (int k = 0; k < MS_JF_N; k++)
        if (strlen(field_names[k]) == n && memcmp(s, field_names[k], n) == 0)
            return k;
    return -1;
}

/* A journal field name: [A-Z_][A-Z0-9_]*. */
static bool name_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

static size_t name_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && name_char(s[i], i == 0))
        i++;
    return i;
}

static bool is_name(const char *s, size_t n)
{
    return n > 0 && name_len(s, n) == n;
}

static bool has(const ms_journal_entry *e, int k)
{
    return e->v[k] && e->len[k];
}

static uint64_t parse_usec(const char *s, size_t n)
{
    if (n == 0 || n > 19)
        return MS_JOURNAL_NO_TIME;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return MS_JOURNAL_NO_TIME;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

void ms_journal_line(ms_buf *out, uint64_t usec, const ms_journal_entry *e)
{
    size_t start = out->n;
    if (usec == MS_JOURNAL_NO_TIME && has(e, MS_JF_REALTIME))
        usec = parse_usec(e->v[MS_JF_REALTIME], e->len[MS_JF_REALTIME]);
    if (usec != MS_JOURNAL_NO_TIME) {
        uint64_t secs = usec / 1000000;
        int64_t y;
        unsigned mo, d, sod = (unsigned)(secs % 86400);
        ms_civil_from_days((int64_t)(secs / 86400), &y, &mo, &d);
        char t[48];
        int k = snprintf(t, sizeof t, "%04lld-%02u-%02uT%02u:%02u:%02u.%06uZ",
                         (long long)y, mo, d, sod / 3600, sod / 60 % 60,
                         sod % 60, (unsigned)(usec % 1000000));
        ms_buf_add(out, t, (size_t)k);
    }
    if (has(e, MS_JF_HOSTNAME)) {
        if (out->n > start)
            ms_buf_addc(out, ' ');
        ms_buf_add_oneline(out, e->v[MS_JF_HOSTNAME], e->len[MS_JF_HOSTNAME]);
    }
    int id = has(e, MS_JF_IDENT) ? MS_JF_IDENT : has(e, MS_JF_COMM) ? MS_JF_COMM : -1;
    if (id >= 0) {
        if (out->n > start)
            ms_buf_addc(out, ' ');
        ms_buf_add_oneline(out, e->v[id], e->len[id]);
        int pid = has(e, MS_JF_SYSLOG_PID) ? MS_JF_SYSLOG_PID
                : has(e, MS_JF_PID) ? MS_JF_PID : -1;
        if (pid >= 0) {
            ms_buf_addc(out, '[');
            ms_buf_add_oneline(out, e->v[pid], e->len[pid]);
            ms_buf_addc(out, ']');
        }
        ms_buf_addc(out, ':');
    }
    if (has(e, MS_JF_MESSAGE)) {
        if (out->n > start)
            ms_buf_addc(out, ' ');
        ms_buf_add_oneline(out, e->v[MS_JF_MESSAGE], e->len[MS_JF_MESSAGE]);
    }
    ms_buf_addc(out, '\n');
}

/* ---- json ---- */

typedef struct json_state {
    bool skip_line;    /* the rest of a cut line is dropped */
    ms_buf bytes;      /* binary values of the current line */
} json_state;

static void *json_init(void)
{
    return calloc(1, sizeof(json_state));
}

static void json_free(void *st)
{
    json_state *s = st;
    if (s)
        ms_buf_free(&s->bytes);
    free(s);
}

/* The bytes of a value: a string (*s), or an array of byte numbers
 * appended to b (*off says where). A field given several times is an
 * array of values: the first is taken. false for null or anything else. */
static bool json_bytes(json_t *v, ms_buf *b, const char **s, size_t *n,
                       size_t *off)
{
    if (json_is_array(v) && json_array_size(v) &&
        (json_is_string(json_array_get(v, 0)) || json_is_array(json_array_get(v, 0))))
        v = json_array_get(v, 0);
    if (json_is_string(v)) {
        *s = json_string_value(v);
        *n = json_string_length(v);
        return true;
    }
    if (!json_is_array(v))
        return false;
    size_t start = b->n, i;
    json_t *x;
    json_array_foreach(v, i, x) {
        json_int_t c = json_integer_value(x);
        if (!json_is_integer(x) || c < 0 || c > 255) {
            b->n = start;
            return false;
        }
        ms_buf_addc(b, (char)c);
    }
    *off = start;
    *n = b->n - start;
    return true;
}

static void json_line(json_state *s, const char *p, size_t n, ms_buf *out)
{
    json_t *o = json_loadb(p, n, JSON_ALLOW_NUL, NULL);
    if (!json_is_object(o)) {
        ms_buf_add(out, p, n);   /* not of the form: passed on */
        ms_buf_addc(out, '\n');
        json_decref(o);
        return;
    }
    ms_journal_entry e = {0};
    size_t off[MS_JF_N];
    s->bytes.n = 0;
    for (int k = 0; k < MS_JF_N; k++) {
        json_t *v = json_object_get(o, field_names[k]);
        off[k] = SIZE_MAX;
        if (v)
            json_bytes(v, &s->bytes, &e.v[k], &e.len[k], &off[k]);
    }
    /* Now that the binary values are all in, their places are known. */
    for (int k = 0; k < MS_JF_N; k++)
        if (off[k] != SIZE_MAX)
            e.v[k] = s->bytes.failed ? NULL : s->bytes.p + off[k];
    ms_journal_line(out, MS_JOURNAL_NO_TIME, &e);
    json_decref(o);
}

static size_t json_feed(void *st, const char *in, size_t n, bool eof,
                        ms_buf *out)
{
    json_state *s = st;
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(in + pos, '\n', n - pos);
        if (!nl && !eof && !(pos == 0 && n >= MS_UNWRAP_MAX))
            break;
        size_t end = nl ? (size_t)(nl - in) : n;
        if (s->skip_line)
            s->skip_line = false;
        else if (end > pos)
            json_line(s, in + pos, end - pos, out);
        if (!nl && !eof)
            s->skip_line = true;   /* cut */
        pos = nl ? end + 1 : n;
    }
    return pos;
}

const ms_unwrap_ops ms_unwrap_journal_json = {
    "journal-json", json_init, json_feed, json_free,
};

/* ---- export ---- */

typedef struct export_state {
    uint64_t skip;     /* bytes of a cut binary value still to drop */
    bool skip_line;    /* then drop up to a newline */
    bool cut;          /* the entry's line is out: drop up to its end */
} export_state;

static void *export_init(void)
{
    return calloc(1, sizeof(export_state));
}

/* What parsing an entry found. */
typedef struct entry_scan {
    ms_journal_entry e;
    size_t fields;     /* fields read (any name) */
    size_t end;        /* whole: just after the entry's empty line */
    bool whole;        /* the empty line was reached */
    bool mid;          /* else: stopped inside a line or a binary value */
    uint64_t bin_left; /* stopped inside a binary value: its bytes not in */
} entry_scan;

static uint64_t le64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | (unsigned char)p[i];
    return v;
}

/* Parse the entry at in[0 .. n), after what x says to drop first. When
 * last, no more input follows: a last line without its newline counts. */
static void export_scan(const export_state *x, const char *in, size_t n,
                        bool last, entry_scan *r)
{
    memset(r, 0, sizeof *r);
    r->mid = true;
    size_t p = 0;
    if (x->skip) {
        p = x->skip < n ? (size_t)x->skip : n;
        if (p < x->skip) {
            r->bin_left = x->skip - p;
            return;
        }
    }
    if (x->skip_line) {
        const char *nl = memchr(in + p, '\n', n - p);
        if (!nl)
            return;
        p = (size_t)(nl - in) + 1;
    }
    while (p < n) {
        const char *nl = memchr(in + p, '\n', n - p);
        if (!nl && !last)
            return;
        size_t eol = nl ? (size_t)(nl - in) : n;
        if (eol == p) {
            r->end = eol + 1;
            r->whole = true;
            return;
        }
        const char *eq = memchr(in + p, '=', eol - p);
        size_t name_end = eq ? (size_t)(eq - in) : eol;
        const char *v;
        size_t vlen, next;
        if (!is_name(in + p, name_end - p)) {
            p = eol + 1;   /* not a field: dropped */
            continue;
        }
        if (eq) {
            v = eq + 1;
            vlen = eol - name_end - 1;
            next = eol + 1;
        } else {
            if (eol == n || n - (eol + 1) < 8)
                return;    /* its length is not in yet */
            uint64_t len = le64(in + eol + 1);
            size_t data = eol + 9;
            v = in + data;
            if (len >= n - data) {   /* not all in, or its newline not yet */
                vlen = n - data;
                r->bin_left = len - vlen;
                next = n;
            } else {
                vlen = (size_t)len;
                next = data + vlen + (in[data + vlen] == '\n');
            }
        }
        int k = ms_journal_field(in + p, name_end - p);
        if (k >= 0 && !r->e.v[k]) {
            r->e.v[k] = v;
            r->e.len[k] = vlen;
        }
        r->fields++;
        if (!eq && next == n)
            return;
        p = next;
    }
    r->mid = p > n;   /* a last line without its newline */
}

static size_t export_feed(void *st, const char *in, size_t n, bool eof,
                          ms_buf *out)
{
    export_state *x = st;
    size_t pos = 0;
    while (pos < n) {
        bool must = eof || (pos == 0 && n >= MS_UNWRAP_MAX);
        entry_scan r;
        export_scan(x, in + pos, n - pos, must, &r);
        if (!r.whole && !must)
            break;
        if (!x->cut && r.fields)
            ms_journal_line(out, MS_JOURNAL_NO_TIME, &r.e);
        if (!r.whole && !eof) {
            /* Cut: the rest of this entry is dropped as it comes. */
            x->skip = r.bin_left;
            x->skip_line = r.mid;
            x->cut = true;
            return n;
        }
        memset(x, 0, sizeof *x);
        pos += r.whole ? r.end : n - pos;
    }
    return pos;
}

const ms_unwrap_ops ms_unwrap_journal_export = {
    "journal-export", export_init, export_feed, free,
};

const ms_unwrap_ops *ms_journal_text_detect(const char *p, size_t n)
{
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    size_t k = name_len(p, len);
    if (k && k < len && p[k] == '=')
        return &ms_unwrap_journal_export;
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < len && p[i] == '{' &&
        (memmem(p, len, "\"__REALTIME_TIMESTAMP\"", 22) ||
         memmem(p, len, "\"__CURSOR\"", 10)))
        return &ms_unwrap_journal_json;
    return NULL;
}
