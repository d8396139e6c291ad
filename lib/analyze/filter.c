/* filter.c — see filter.h. Matching is a few comparisons an event: the
 * time against two bounds, then each list asked is searched linearly
 * (lists are short, as --ignore's are). */
#include "analyze/filter.h"

#include <string.h>

void ms_filter_init(ms_filter *f)
{
    memset(f, 0, sizeof *f);
    f->from = f->to = f->last = MS_TIME_NONE;
}

/* "7d", "12h", "30m", "45s", "2w": the seconds, or 0 if not a span. */
static int64_t parse_span(const char *s)
{
    int64_t v = 0;
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 9)
        v = v * 10 + (s[i++] - '0');
    if (i == 0 || !s[i] || s[i + 1])
        return 0;
    static const char units[] = "smhdw";
    static const int64_t secs[] = {1, 60, 3600, 86400, 7 * 86400};
    const char *u = strchr(units, s[i]);
    return u ? v * secs[u - units] : 0;
}

int ms_filter_parse_when(const char *s, ms_time *t, int64_t *span)
{
    *span = parse_span(s);
    if (*span)
        return 0;
    /* A date alone is its midnight; HH:MM gets :00 (ms_time_parse_iso
     * wants seconds). */
    char buf[64];
    size_t n = strlen(s);
    if (n != 10 && (n < 16 || n > 40))
        return -1;
    if (n == 10) {
        memcpy(buf, s, 10);
        memcpy(buf + 10, "T00:00:00", 10);
    } else if (n == 16 || s[16] != ':') {
        memcpy(buf, s, 16);
        memcpy(buf + 16, ":00", 3);
        memcpy(buf + 19, s + 16, n - 16 + 1);
    } else {
        memcpy(buf, s, n + 1);
    }
    return ms_time_parse_iso(buf, strlen(buf), t);
}

int ms_filter_add(ms_filter *f, ms_filter_kind kind, const char *arg,
                  ms_error *err)
{
    static const char *const names[] = {"--since", "--until", "--user",
                                        "--ip", "--server"};
    size_t *n = kind == MS_FILTER_USER   ? &f->nusers
                : kind == MS_FILTER_IP   ? &f->nips
                : kind == MS_FILTER_SERVER ? &f->nservers
                                           : NULL;
    if (n && *n == MS_FILTER_MAX)
        return ms_fail(err, MS_ERR_USAGE, "at most %d %s options",
                       MS_FILTER_MAX, names[kind]);
    ms_time t;
    int64_t span;
    switch (kind) {
    case MS_FILTER_SINCE:
    case MS_FILTER_UNTIL:
        if (ms_filter_parse_when(arg, &t, &span))
            return ms_fail(err, MS_ERR_USAGE,
                           "%s takes a date (2025-05-04), a date and time "
                           "(2025-05-04T10:00, 2025-05-04 10:00:00+02:00) or "
                           "a span back from the last event (7d, 12h, 30m), "
                           "not '%s'", names[kind], arg);
        *(kind == MS_FILTER_SINCE ? &f->since : &f->until) =
            (ms_filter_when){arg, span};
        return 0;
    case MS_FILTER_IP:
        if (!ms_cidr_parse(arg, strlen(arg), &f->ips[f->nips]))
            return ms_fail(err, MS_ERR_USAGE,
                           "--ip takes an address or a CIDR block, not '%s'",
                           arg);
        f->nips++;
        return 0;
    case MS_FILTER_USER:
    case MS_FILTER_SERVER:
        if (!*arg)
            return ms_fail(err, MS_ERR_USAGE, "%s takes a name, not ''",
                           names[kind]);
        (kind == MS_FILTER_USER ? f->users : f->servers)[(*n)++] = arg;
        return 0;
    }
    return ms_fail(err, MS_ERR_USAGE, "unknown filter");
}

bool ms_filter_active(const ms_filter *f)
{
    return f->since.arg || f->until.arg || f->nusers || f->nips ||
           f->nservers;
}

bool ms_filter_needs_last(const ms_filter *f)
{
    return f->since.span || f->until.span;
}

/* The instant of a bound; MS_TIME_NONE when none is given, or for a span
 * when no event has a time (none is kept then anyway). */
static ms_time bound(const ms_filter_when *w, ms_time last)
{
    ms_time t = MS_TIME_NONE;
    int64_t span;
    if (!w->arg)
        return MS_TIME_NONE;
    if (!w->span) {
        ms_filter_parse_when(w->arg, &t, &span);
        return t;
    }
    return last == MS_TIME_NONE ? MS_TIME_NONE : last - w->span * MS_NS_PER_S;
}

void ms_filter_resolve(ms_filter *f, ms_time last)
{
    f->last = last;
    f->from = bound(&f->since, last);
    f->to = bound(&f->until, last);
}

static bool has(const char *const *v, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) == len && memcmp(v[i], s, len) == 0)
            return true;
    return false;
}

bool ms_filter_match(const ms_filter *f, const ms_event *e, const char *label)
{
    if (f->since.arg || f->until.arg) {
        if (e->time == MS_TIME_NONE ||
            (f->from != MS_TIME_NONE && e->time < f->from) ||
            (f->to != MS_TIME_NONE && e->time >= f->to))
            return false;
    }
    if (f->nusers && !has(f->users, f->nusers, e->user.p, e->user.n))
        return false;
    if (f->nips) {
        size_t i = 0;
        while (i < f->nips && !ms_cidr_contains(&f->ips[i], &e->ip))
            i++;
        if (i == f->nips || ms_ip_is_unset(&e->ip))
            return false;
    }
    if (f->nservers) {
        if (e->host.n)
            return has(f->servers, f->nservers, e->host.p, e->host.n);
        return has(f->servers, f->nservers, label, strlen(label));
    }
    return true;
}

static void when_text(ms_buf *b, const char *name, const ms_filter_when *w,
                      ms_time t, ms_time last)
{
    char s[MS_TIME_STRLEN];
    ms_buf_adds(b, name);
    if (t == MS_TIME_NONE) {
        ms_buf_adds(b, w->arg);
        ms_buf_adds(b, " before the last event (no event has a time)");
        return;
    }
    ms_buf_add(b, s, ms_time_format(t, s));
    if (!w->span)
        return;
    ms_buf_adds(b, " (");
    ms_buf_adds(b, w->arg);
    ms_buf_adds(b, " before the last event, ");
    ms_buf_add(b, s, ms_time_format(last, s));
    ms_buf_addc(b, ')');
}

static void list_text(ms_buf *b, const char *sep, const char *one,
                      const char *many, const char *const *v, size_t n)
{
    ms_buf_adds(b, sep);
    ms_buf_adds(b, n == 1 ? one : many);
    for (size_t i = 0; i < n; i++) {
        ms_buf_adds(b, i == 0 ? "" : i + 1 < n ? ", " : " or ");
        ms_buf_adds(b, v[i]);
    }
}

void ms_filter_describe(const ms_filter *f, ms_buf *b)
{
    const char *sep = "";
    if (f->since.arg) {
        when_text(b, "since ", &f->since, f->from, f->last);
        sep = "; ";
    }
    if (f->until.arg) {
        ms_buf_adds(b, sep);
        when_text(b, "until ", &f->until, f->to, f->last);
        sep = "; ";
    }
    if (f->nusers) {
        list_text(b, sep, "user ", "users ", f->users, f->nusers);
        sep = "; ";
    }
    if (f->nips) {
        char text[MS_FILTER_MAX][MS_IP_STRLEN + 4];
        const char *v[MS_FILTER_MAX];
        for (size_t i = 0; i < f->nips; i++) {
            text[i][ms_cidr_format(&f->ips[i], text[i])] = '\0';
            v[i] = text[i];
        }
        list_text(b, sep, "address ", "addresses ", v, f->nips);
        sep = "; ";
    }
    if (f->nservers)
        list_text(b, sep, "server ", "servers ", f->servers, f->nservers);
}
