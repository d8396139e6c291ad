/* verdict.c — score each ip 0-100 from what it did, in words.
 *
 * Evidence against an ip, strongest first: campaign membership (85); a
 * fast robot or brute forcer, by its busiest hour (75, or 90 from 100 an
 * hour); a burst, MS_BURST_FAILS or more failures held against it within
 * MS_BURST_WINDOW_S (60 + one per failure, at most 85), not for a trusted
 * or shared address; failures on MS_MANY_NAMES or more names that never
 * worked here and are not typos (60 + one per name); names that do not
 * exist (--users), from an ip that never logged in (55 + 5 each); relay
 * attempts (50 + 5 each); a few failures (20 + 5 each). The score is the
 * strongest, plus 5 per further kind. Honest failures count for nothing.
 * Strong evidence: a campaign, a fast robot, a burst, many names. An ip
 * that logged in is capped at 40 (watch) without strong evidence; one
 * where three or more names log in (shared) at 30; --ignore caps at 0.
 * A trusted ip (logins on MS_TRUST_DAYS or more days) or a shared one is
 * never banned for a burst. Verdict: ban from 60, watch from 20.
 *
 * A success is a likely compromised account when the evidence before it
 * is what an owner's typos and fallbacks cannot explain (compromise):
 * the ip is in a campaign that had begun; or is a fast robot, or (not
 * trusted, not shared) made a burst or failed on many names, and failed
 * before this success. Rows rank by that strength. */
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/bans.h"
#include "analyze/ipstats.h"
#include "core/timeconv.h"
#include "core/u64map.h"

const char *ms_vrule_name(ms_vrule r)
{
    static const char *const names[MS_RULE__COUNT] = {
        "campaign", "fast robot", "burst", "many usernames", "unknown usernames",
        "relay attempts", "failed logins", "honest failures", "trusted history",
        "shared address", "logged in", "ignore list", "compromised account",
    };
    return r < MS_RULE__COUNT ? names[r] : "";
}

typedef struct why {
    ms_buf *text;
    int best, kinds;
    ms_vrule_fn fn;
    void *ctx;
} why;

static void add(why *w, ms_vrule r, int against, int detail, int score,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(why *w, ms_vrule r, int against, int detail, int score,
                const char *fmt, ...)
{
    char buf[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (w->text) {
        if (w->text->n)
            ms_buf_adds(w->text, "; ");
        ms_buf_adds(w->text, buf);
    }
    if (w->fn)
        w->fn(w->ctx, r, against, detail, buf);
    if (!against)
        return;
    if (score > w->best)
        w->best = score;
    w->kinds++;
}

/* Tries within one second are "within 1 s". */
static void span(char *buf, size_t n, uint32_t secs)
{
    ms_duration_format(secs ? secs : 1, buf, n);
}

static const char *s_(uint32_t n)
{
    return n == 1 ? "" : "s";
}

/* Failures explained as honest, by kind, in one sentence each. */
static void honest(const ms_analysis *a, uint32_t ip, why *w)
{
    const ms_store *s = a->store;
    const ms_ipinfo *in = &a->ip[ip];
    uint32_t by[MS_HONEST__COUNT] = {0};
    const uint32_t *ev = s->by_ip + s->ip_start[ip];
    size_t k = s->ip_start[ip + 1] - s->ip_start[ip];
    for (size_t i = 0; i < k && in->honest_failures; i++)
        if (ms_store_outcome(s, ev[i]) == MS_OUT_AUTH_FAIL)
            by[a->honest[ev[i]]] += ms_store_attempts(s, ev[i]);
    for (int h = 1; h < MS_HONEST__COUNT; h++) {
        if (!by[h])
            continue;
        if (h == MS_HONEST_TYPO)
            add(w, MS_RULE_HONEST, 0, h, 0,
                "%u failure%s explained as honest use: typo%s of %.*s", by[h],
                s_(by[h]), s_(by[h]),
                (int)(in->typo_of_len < 64 ? in->typo_of_len : 64), in->typo_of);
        else
            add(w, MS_RULE_HONEST, 0, h, 0,
                "%u failure%s explained as honest use: %s", by[h], s_(by[h]),
                ms_honest_name((ms_honest)h));
    }
}

int ms_judge_ip(const ms_analysis *a, const ms_analyze_opts *o, uint32_t ip,
                ms_vrule_fn fn, void *ctx, ms_buf *reasons, int *strong)
{
    const ms_ipinfo *in = &a->ip[ip];
    why w = {reasons, 0, 0, fn, ctx};
    uint32_t held = in->failures - in->honest_failures;
    uint32_t names = in->fail_users - in->typo_users;
    uint32_t unknown = in->unknown_users - in->typo_unknown;
    int trusted = in->success_days >= MS_TRUST_DAYS;
    int shared = in->success_users >= 3;
    int burst = in->burst >= MS_BURST_FAILS;
    char d[32];
    *strong = 0;
    if (in->cluster) {
        const ms_cluster *c = &a->clusters[in->cluster - 1];
        add(&w, MS_RULE_CAMPAIGN, 1, 0, 85,
            "member of campaign %u: %zu IPs walking the same %zu-name order",
            c->id, c->nmembers, c->norder);
        *strong = 1;
    }
    if (a->fast[ip]) {
        span(d, sizeof d, in->peak_hour_span_s);
        const char *what = in->connects > 2 * in->failures ? "connections"
                           : in->connects ? "failed logins and connections"
                                          : "failed logins";
        add(&w, MS_RULE_FAST, 1, 0, in->peak_hour >= 100 ? 90 : 75,
            "%u %s in %s", in->peak_hour, what, d);
        *strong = 1;
    }
    span(d, sizeof d, in->burst_span_s);
    if (burst && !trusted && !shared) {
        add(&w, MS_RULE_BURST, 1, 0, 60 + (int)(in->burst < 25 ? in->burst : 25),
            "%u failed logins within %s%s (a stock fail2ban jail bans at %d "
            "in %d min)", in->burst, d,
            in->successes ? "" : ", and it never logged in", MS_BURST_FAILS,
            MS_BURST_WINDOW_S / 60);
        *strong = 1;
    }
    if (names >= MS_MANY_NAMES) {
        add(&w, MS_RULE_NAMES, 1, 0, 60 + (int)(names < 30 ? names : 30),
            "failed on %u different usernames", names);
        *strong = 1;
    }
    if (unknown && in->successes == 0)
        add(&w, MS_RULE_UNKNOWN, 1, 0,
            55 + (int)(unknown < 5 ? 5 * unknown : 25),
            "tried %u username%s that do%s not exist", unknown, s_(unknown),
            unknown == 1 ? "es" : "");
    if (in->relays)
        add(&w, MS_RULE_RELAY, 1, 0, 50 + (int)(in->relays < 8 ? 5 * in->relays : 40),
            "%u relay attempt%s", in->relays, s_(in->relays));
    if (held && w.kinds == 0)
        add(&w, MS_RULE_FEW, 1, 0, 20 + (int)(held < 8 ? 5 * held : 35),
            "%u failed login%s", held, s_(held));
    honest(a, ip, &w);
    int score = w.best + 5 * (w.kinds > 1 ? w.kinds - 1 : 0);
    if (score > 100)
        score = 100;
    if (held && !*strong && trusted) {
        add(&w, MS_RULE_TRUSTED, 0, 0, 0,
            "its other failures are taken as honest use: it logged in on %u "
            "different days%s, and only strong evidence (a campaign, a fast "
            "robot, %d or more other names) bans such an address",
            in->success_days, burst ? " (so its burst is not held)" : "",
            MS_MANY_NAMES);
    } else if (held && !*strong && shared) {
        add(&w, MS_RULE_SHARED, 0, 0, 0,
            "its other failures are taken as honest use: %u names log in from "
            "this address (shared: carrier NAT or office), and only strong "
            "evidence bans it", in->success_users);
    } else if (in->successes && !*strong && score > 40) {
        add(&w, MS_RULE_LOGGED_IN, 0, 0, 0,
            "not banned: it logged in, and nothing strong is held against it");
    }
    if (in->successes && !*strong && score > 40)
        score = 40;
    if (shared && !*strong && score > 30)
        score = 30;
    if (in->ignored) {
        score = 0;
        add(&w, MS_RULE_IGNORED, 0, 0, 0, "never banned: in the --ignore list");
    }
    (void)o;
    return reasons && reasons->failed ? -1 : score;
}

/* ---- compromised accounts -------------------------------------------- */

enum { BY_NAMES = 1, BY_BURST, BY_FAST, BY_CAMPAIGN };

/* The first try of each name by a campaign's members: by name (to find
 * one) and by time (to count those before a moment). */
typedef struct first_try {
    uint32_t user;
    ms_time t;
} first_try;

typedef struct campaign_names {
    first_try *by_user;
    ms_time *times;
    size_t n;
} campaign_names;

static int cmp_try(const void *x, const void *y)
{
    const first_try *a = x, *b = y;
    if (a->user != b->user)
        return a->user < b->user ? -1 : 1;
    return a->t < b->t ? -1 : a->t > b->t;
}

static int cmp_time(const void *x, const void *y)
{
    ms_time a = *(const ms_time *)x, b = *(const ms_time *)y;
    return a < b ? -1 : a > b;
}

static int campaign_names_of(const ms_store *s, const ms_cluster *c,
                             campaign_names *cn)
{
    size_t n = 0;
    for (size_t m = 0; m < c->nmembers; m++)
        n += s->ip_start[c->members[m] + 1] - s->ip_start[c->members[m]];
    cn->by_user = malloc((n ? n : 1) * sizeof *cn->by_user);
    cn->times = malloc((n ? n : 1) * sizeof *cn->times);
    if (!cn->by_user || !cn->times)
        return -1;
    n = 0;
    for (size_t m = 0; m < c->nmembers; m++) {
        uint32_t ip = c->members[m];
        for (uint32_t i = s->ip_start[ip]; i < s->ip_start[ip + 1]; i++) {
            uint32_t e = s->by_ip[i];
            if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && s->user[e] &&
                s->time[e] != MS_TIME_NONE)
                cn->by_user[n++] = (first_try){s->user[e], s->time[e]};
        }
    }
    qsort(cn->by_user, n, sizeof *cn->by_user, cmp_try);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cn->by_user[k - 1].user != cn->by_user[i].user)
            cn->by_user[k++] = cn->by_user[i];
    for (size_t i = 0; i < k; i++)
        cn->times[i] = cn->by_user[i].t;
    qsort(cn->times, k, sizeof *cn->times, cmp_time);
    cn->n = k;
    return 0;
}

/* Names other than u the campaign tried before t. */
static uint32_t tried_before(const campaign_names *cn, uint32_t u, ms_time t)
{
    size_t lo = 0, hi = cn->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cn->times[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    first_try key = {u, INT64_MIN};
    size_t a = 0, b = cn->n;
    while (a < b) {   /* the first entry not below key */
        size_t mid = (a + b) / 2;
        if (cmp_try(&cn->by_user[mid], &key) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    int own = a < cn->n && cn->by_user[a].user == u && cn->by_user[a].t < t;
    return (uint32_t)(lo - (size_t)own);
}

typedef struct comp_ctx {
    campaign_names *names;   /* by campaign id - 1, filled when needed */
    size_t cap;
} comp_ctx;

static int push(ms_analysis *a, comp_ctx *cx, uint32_t ip, uint32_t e,
                int strength, uint32_t held, const char *text)
{
    if (a->ncompromised == cx->cap) {
        size_t ncap = cx->cap ? cx->cap * 2 : 16;
        ms_compromise *p = realloc(a->compromised, ncap * sizeof *p);
        if (!p)
            return -1;
        a->compromised = p;
        cx->cap = ncap;
    }
    const ms_store *s = a->store;
    ms_compromise *c = &a->compromised[a->ncompromised++];
    c->ip = ip;
    c->user = s->user[e];
    c->time = s->time[e];
    ms_store_event(s, e, &c->event);
    c->order = s->seq ? s->seq[e] : e;
    c->strength = strength;
    c->held = held;
    c->evidence = ms_arena_strndup(&a->arena, text, strlen(text));
    return c->evidence ? 0 : -1;
}

/* The evidence before success e, in words, and its strength (0: none).
 * held: failures held against the ip before e; names: distinct names of
 * those. */
static int evidence(ms_analysis *a, comp_ctx *cx, uint32_t ip, uint32_t e,
                    uint32_t held, uint32_t names, char *buf, size_t n)
{
    const ms_store *s = a->store;
    const ms_ipinfo *in = &a->ip[ip];
    int weak_ok = in->success_days < MS_TRUST_DAYS && in->success_users < 3;
    char also[96] = "";
    if (held)
        snprintf(also, sizeof also, "; this address failed %u time%s before it",
                 held, s_(held));
    if (in->cluster) {
        const ms_cluster *c = &a->clusters[in->cluster - 1];
        campaign_names *cn = &cx->names[in->cluster - 1];
        if (c->first != MS_TIME_NONE && s->time[e] >= c->first) {
            if (!cn->times && campaign_names_of(s, c, cn))
                return -1;
            uint32_t k = tried_before(cn, s->user[e], s->time[e]);
            char tried[32] = "no other name";
            if (k)
                snprintf(tried, sizeof tried, "%u other name%s", k, s_(k));
            snprintf(buf, n, "the address belongs to campaign %u, which tried "
                     "%s before this success%s", c->id, tried, also);
            return BY_CAMPAIGN;
        }
    }
    if (a->fast[ip] && held) {
        snprintf(buf, n, "logged in after %u failed login%s from this address, "
                 "a robot with %u tries in its busiest hour", held, s_(held),
                 in->peak_hour);
        return BY_FAST;
    }
    if (weak_ok && in->burst >= MS_BURST_FAILS && held >= MS_BURST_FAILS) {
        char d[32];
        span(d, sizeof d, in->burst_span_s);
        snprintf(buf, n, "logged in after %u failed login%s from this address, "
                 "%u of them within %s", held, s_(held), in->burst, d);
        return BY_BURST;
    }
    if (weak_ok && names >= MS_MANY_NAMES) {
        snprintf(buf, n, "logged in after %u failed login%s from this address "
                 "on %u other usernames that are no slip of this one", held,
                 s_(held), names);
        return BY_NAMES;
    }
    return 0;
}

static int compromise(const ms_store *s, ms_analysis *a, uint32_t ip,
                      ms_store_view *v, comp_ctx *cx)
{
    size_t k;
    const uint32_t *ev = ms_store_ip_events(v, ip, &k);
    uint32_t held = 0, names = 0;
    ms_u64map seen = {0};   /* held names (key u), reported names (1<<32|u) */
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        uint32_t e = ev[i], u = s->user[e];
        if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL &&
            a->honest[e] == MS_HONEST_NO) {
            held += ms_store_attempts(s, e);
            if (u && ms_u64map_get(&seen, u) == 0) {
                names++;
                if (ms_u64map_add(&seen, u, 1) == UINT32_MAX)
                    rc = -1;
            }
        }
        if (ms_store_outcome(s, e) != MS_OUT_AUTH_OK ||
            ms_u64map_get(&seen, ms_pair(1, u)))
            continue;
        char buf[400];
        uint32_t others = names - (ms_u64map_get(&seen, u) ? 1 : 0);
        int strength = evidence(a, cx, ip, e, held, others, buf, sizeof buf);
        if (strength < 0 ||
            (strength > 0 && (push(a, cx, ip, e, strength, held, buf) ||
                              ms_u64map_add(&seen, ms_pair(1, u), 1) == UINT32_MAX)))
            rc = -1;
    }
    ms_u64map_free(&seen);
    return rc;
}

static int cmp_bans(const void *x, const void *y)
{
    const ms_ban *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return ms_ip_cmp(&a->net.base, &b->net.base);
}

/* Strongest evidence first, then the most failures before, then time. */
static int cmp_comp(const void *x, const void *y)
{
    const ms_compromise *a = x, *b = y;
    if (a->strength != b->strength)
        return a->strength > b->strength ? -1 : 1;
    if (a->held != b->held)
        return a->held > b->held ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->event.file != b->event.file)
        return a->event.file < b->event.file ? -1 : 1;
    if (a->event.line != b->event.line)
        return a->event.line < b->event.line ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

int ms_verdicts(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    comp_ctx cx = {calloc(a->nclusters + 1, sizeof *cx.names), 0};
    ms_store_view v;
    int rc = cx.names ? ms_store_view_open(s, &v) : -1;
    int opened = rc == 0;
    for (uint32_t ip = 0; ip < s->ips.n && rc == 0; ip++) {
        ms_ipinfo *in = &a->ip[ip];
        if (!ms_store_ip_real(s, ip))
            continue;
        ms_buf text = {0};
        int strong;
        int score = ms_judge_ip(a, o, ip, NULL, NULL, &text, &strong);
        if (score < 0 || (in->successes && strong && compromise(s, a, ip, &v, &cx))) {
            rc = -1;
        } else {
            in->score = score;
            in->verdict = score >= 60 ? MS_BAN : score >= 20 ? MS_WATCH : MS_BENIGN;
            in->confidence = score >= 85 ? "high" : score >= 60 ? "medium" : "low";
            in->reasons = text.n ? ms_arena_strndup(&a->arena, text.p, text.n) : "";
            if (!in->reasons)
                rc = -1;
        }
        ms_buf_free(&text);
    }
    for (size_t c = 0; cx.names && c < a->nclusters; c++) {
        free(cx.names[c].by_user);
        free(cx.names[c].times);
    }
    free(cx.names);
    if (opened)
        ms_store_view_close(&v);
    if (rc || ms_store_check(s, NULL))
        return -1;
    if (a->ncompromised)
        qsort(a->compromised, a->ncompromised, sizeof *a->compromised, cmp_comp);
    if (ms_ban_list(s, o, a))
        return -1;
    qsort(a->bans, a->nbans, sizeof *a->bans, cmp_bans);
    return 0;
}
