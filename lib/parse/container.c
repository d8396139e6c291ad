/* container.c — unwrap container runtimes' log lines (see container.h).
 *
 * Each filter splits its input into lines, takes the message, the runtime's
 * stamp and (compose) the container's name from a line, joins a long
 * message's pieces, and hands the message to emit(), which reads its header
 * with ms_record_parse and writes it back stamped and tagged. A line that
 * is not of the file's wrapping (compose's "name exited with code 0", a
 * line that is not JSON) is passed on as it is. */
#include "parse/container.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse/families.h"
#include "parse/record.h"

enum kind { K_JSON, K_CRI, K_COMPOSE, K_STAMPED };

#define STAMP_MAX 64
#define NAME_MAX_LEN 128

typedef struct state {
    enum kind kind;
    ms_buf part;            /* a long message's pieces so far */
    char stamp[STAMP_MAX];  /* the stamp of its first piece */
    size_t stamp_len;
    bool open;              /* part holds pieces of an unfinished message */
    char name[NAME_MAX_LEN];/* compose: the last container's name */
    size_t name_len;
    const char *hint;       /* and the program tag it gives */
} state;

/* Length of an RFC 3339 stamp at s, up to the first space; 0 if none. */
static size_t stamp_token(const char *s, size_t n)
{
    const char *sp = memchr(s, ' ', n);
    size_t k = sp ? (size_t)(sp - s) : n;
    ms_stamp ts;
    if (k < 20 || k >= STAMP_MAX || !isdigit((unsigned char)s[0]) ||
        s[10] != 'T' || ms_record_stamp(s, k, &ts) != MS_TS_ABS)
        return 0;
    return k;
}

static void pass(const char *s, size_t n, ms_buf *out)
{
    ms_buf_add_oneline(out, s, n);
    ms_buf_addc(out, '\n');
}

/* One message out: the runtime's stamp unless the line has an absolute
 * one of its own, then the line's host and tag (or the hint as its tag). */
static void emit(const char *stamp, size_t stamp_len, const char *hint,
                 const char *s, size_t n, ms_buf *out)
{
    ms_record rec;
    ms_record_parse(s, n, &rec);
    const char *rest = rec.host_len ? rec.host : rec.body;
    if (rec.ts.kind == MS_TS_ABS || stamp_len == 0) {
        ms_buf_add(out, s, (size_t)(rest - s));
    } else {
        ms_buf_add(out, stamp, stamp_len);
        ms_buf_addc(out, ' ');
    }
    if (rec.prog_len == 0 && hint) {
        ms_buf_adds(out, hint);
        ms_buf_add(out, ": ", 2);
    }
    pass(rest, n - (size_t)(rest - s), out);
}

/* The message whose pieces part holds. */
static void finish(state *st, ms_buf *out)
{
    emit(st->stamp, st->stamp_len, st->hint, st->part.p ? st->part.p : "",
         st->part.n, out);
    st->open = false;
}

/* A piece of a message; last says whether it ends the message. */
static void piece(state *st, const char *stamp, size_t stamp_len,
                  const char *s, size_t n, bool last, ms_buf *out)
{
    if (!st->open && last) {
        emit(stamp, stamp_len, st->hint, s, n, out);
        return;
    }
    if (!st->open) {
        memcpy(st->stamp, stamp, stamp_len);
        st->stamp_len = stamp_len;
        st->part.n = 0;
        st->open = true;
    }
    if (st->part.n + n > MS_UNWRAP_MAX)   /* cut, as an over-long line is */
        n = MS_UNWRAP_MAX - st->part.n;
    ms_buf_add(&st->part, s, n);
    if (last)
        finish(st, out);
}

static void json_line(state *st, const char *s, size_t n, ms_buf *out)
{
    json_error_t jerr;
    json_t *o = json_loadb(s, n, JSON_ALLOW_NUL, &jerr);
    json_t *log = json_object_get(o, "log"), *t = json_object_get(o, "time");
    if (!json_is_string(log)) {
        pass(s, n, out);
        json_decref(o);
        return;
    }
    const char *m = json_string_value(log);
    size_t mn = json_string_length(log);
    const char *ts = json_is_string(t) ? json_string_value(t) : "";
    bool last = mn && m[mn - 1] == '\n';
    if (last)
        mn--;
    if (last && mn && m[mn - 1] == '\r')
        mn--;
    piece(st, ts, stamp_token(ts, strlen(ts)), m, mn, last, out);
    json_decref(o);
}

/* The word at s[*i] up to a space, and the space: its length, 0 if none. */
static size_t word(const char *s, size_t n, size_t *i)
{
    size_t b = *i;
    while (*i < n && s[*i] != ' ')
        (*i)++;
    size_t k = *i - b;
    if (*i < n)
        (*i)++;
    return k;
}

/* "<stamp> stdout|stderr F|P": where the message starts, 0 if not so. */
static size_t cri_head(const char *s, size_t n, size_t *stamp_len, bool *last)
{
    size_t i = 0;
    if (!(*stamp_len = stamp_token(s, n)))
        return 0;
    i = *stamp_len + 1;
    size_t b = i, k = word(s, n, &i);
    if (k != 6 || (memcmp(s + b, "stdout", 6) != 0 &&
                   memcmp(s + b, "stderr", 6) != 0))
        return 0;
    b = i;
    k = word(s, n, &i);
    if (k == 0 || !isupper((unsigned char)s[b]))
        return 0;
    *last = s[b] != 'P';
    return i;
}

static void cri_line(state *st, const char *s, size_t n, ms_buf *out)
{
    size_t stamp_len;
    bool last;
    size_t i = cri_head(s, n, &stamp_len, &last);
    if (!i)
        pass(s, n, out);
    else
        piece(st, s, stamp_len, s + i, n - i, last, out);
}

static size_t skip_ansi(const char *s, size_t n, size_t i)
{
    while (i + 1 < n && s[i] == '\x1b' && s[i + 1] == '[') {
        i += 2;
        while (i < n && !isalpha((unsigned char)s[i]))
            i++;
        if (i < n)
            i++;
    }
    return i;
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

/* "<name> | " (colours allowed): where the line starts, 0 if not so. */
static size_t compose_head(const char *s, size_t n, size_t *name_at,
                           size_t *name_len)
{
    size_t i = skip_ansi(s, n, 0);
    *name_at = i;
    while (i < n && name_char(s[i]))
        i++;
    *name_len = i - *name_at;
    if (*name_len == 0 || *name_len >= NAME_MAX_LEN)
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    i = skip_ansi(s, n, i);
    if (i >= n || s[i] != '|' || i == *name_at + *name_len)
        return 0;
    i = skip_ansi(s, n, i + 1);
    if (i < n && s[i] == ' ')
        i++;
    return i;
}

static bool contains_nocase(const char *s, size_t n, const char *w, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, w, k) == 0)
            return true;
    return false;
}

/* The longest daemon's program tag (of 4 letters or more) in the name. */
static const char *program_hint(const char *name, size_t n)
{
    const char *best = NULL;
    size_t best_len = 3;
    for (const ms_family *const *f = ms_builtin_families; *f; f++)
        for (const char *const *p = (*f)->programs; p && *p; p++) {
            size_t k = strlen(*p);
            if (k > best_len && contains_nocase(name, n, *p, k)) {
                best = *p;
                best_len = k;
            }
        }
    return best;
}

static void compose_line(state *st, const char *s, size_t n, ms_buf *out)
{
    size_t name_at, name_len, i = compose_head(s, n, &name_at, &name_len);
    if (!i) {
        pass(s, n, out);
        return;
    }
    if (name_len != st->name_len || memcmp(st->name, s + name_at, name_len)) {
        memcpy(st->name, s + name_at, name_len);
        st->name_len = name_len;
        st->hint = program_hint(st->name, name_len);
    }
    size_t stamp_len = stamp_token(s + i, n - i);
    const char *stamp = s + i;
    if (stamp_len && i + stamp_len < n)
        i += stamp_len + 1;
    else
        stamp_len = 0;
    emit(stamp, stamp_len, st->hint, s + i, n - i, out);
}

static void stamped_line(state *st, const char *s, size_t n, ms_buf *out)
{
    size_t stamp_len = stamp_token(s, n);
    if (!stamp_len || stamp_len + 1 >= n)
        pass(s, n, out);
    else
        emit(s, stamp_len, st->hint, s + stamp_len + 1, n - stamp_len - 1,
             out);
}

static void line(state *st, const char *s, size_t n, ms_buf *out)
{
    switch (st->kind) {
    case K_JSON: json_line(st, s, n, out); break;
    case K_CRI: cri_line(st, s, n, out); break;
    case K_COMPOSE: compose_line(st, s, n, out); break;
    case K_STAMPED: stamped_line(st, s, n, out); break;
    }
}

static size_t feed(void *vst, const char *in, size_t n, bool eof, ms_buf *out)
{
    state *st = vst;
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(in + pos, '\n', n - pos);
        if (!nl && !eof && n < MS_UNWRAP_MAX)
            break;
        size_t end = nl ? (size_t)(nl - in) : n, len = end - pos;
        if (len && in[pos + len - 1] == '\r')
            len--;
        if (len)
            line(st, in + pos, len, out);
        pos = nl ? end + 1 : n;
    }
    if (eof && st->open)
        finish(st, out);
    return pos;
}

static void *new_state(enum kind k)
{
    state *st = calloc(1, sizeof *st);
    if (st)
        st->kind = k;
    return st;
}

static void free_state(void *vst)
{
    state *st = vst;
    ms_buf_free(&st->part);
    free(st);
}

static void *init_json(void) { return new_state(K_JSON); }
static void *init_cri(void) { return new_state(K_CRI); }
static void *init_compose(void) { return new_state(K_COMPOSE); }
static void *init_stamped(void) { return new_state(K_STAMPED); }

const ms_unwrap_ops ms_unwrap_docker_json = {"docker-json", init_json, feed,
                                             free_state};
const ms_unwrap_ops ms_unwrap_cri = {"cri", init_cri, feed, free_state};
const ms_unwrap_ops ms_unwrap_compose = {"docker-compose", init_compose, feed,
                                         free_state};
const ms_unwrap_ops ms_unwrap_stamped = {"docker-stamped", init_stamped, feed,
                                         free_state};

const ms_unwrap_ops *ms_container_detect(const char *s, size_t n)
{
    size_t a, b;
    bool last;
    if (n && s[0] == '{' && memmem(s, n, "\"log\":", 6))
        return &ms_unwrap_docker_json;
    if (cri_head(s, n, &a, &last))
        return &ms_unwrap_cri;
    if (compose_head(s, n, &a, &b))
        return &ms_unwrap_compose;
    ms_stamp ts;
    size_t k = stamp_token(s, n);
    if (k && k + 1 < n && ms_record_stamp(s + k + 1, n - k - 1, &ts) != MS_TS_NONE)
        return &ms_unwrap_stamped;
    return NULL;
}
