/* verdict.c — score each ip 0-100 from what it did, in words.
 *
 * Evidence, strongest first: campaign membership (85); a fast robot or
 * brute forcer, by its busiest hour (75, or 90 from 100 an hour); failures
 * on many names that never worked here (60 + one per name); names that do
 * not exist (--users); relay attempts (50 + 5 each); a few failures (20 +
 * 5 each). The score is the strongest, plus 5 per further kind. Honest
 * failures count for nothing. An ip with successful logins is capped at 40
 * (watch) unless the evidence is strong (campaign, fast, many names) —
 * and then its success is a likely compromised account. An address where
 * three or more names log in is capped at 30; --ignore caps at 0.
 * Verdict: ban from 60, watch from 20, else benign. */
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/bans.h"
#include "core/buf.h"

typedef struct why {
    ms_buf text;
    int best, kinds;
} why;

static void add(why *w, int score, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(why *w, int score, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (w->text.n)
        ms_buf_adds(&w->text, "; ");
    ms_buf_adds(&w->text, buf);
    if (score > w->best)
        w->best = score;
    w->kinds++;
}

static void span(char *buf, size_t n, uint32_t secs)
{
    if (secs < 120)
        snprintf(buf, n, "%u s", secs);
    else
        snprintf(buf, n, "%u min", (secs + 30) / 60);
}

/* Sentences and the raw score; *strong: evidence enough to ban an ip that
 * also logged in. */
static int judge(const ms_analysis *a, const ms_analyze_opts *o, uint32_t ip,
                 why *w, int *strong)
{
    const ms_ipinfo *in = &a->ip[ip];
    uint32_t held = in->failures - in->honest_failures;
    *strong = 0;
    if (in->cluster) {
        const ms_cluster *c = &a->clusters[in->cluster - 1];
        add(w, 85, "member of campaign %u: %zu IPs walking the same %zu-name order",
            c->id, c->nmembers, c->norder);
        *strong = 1;
    }
    if (a->fast[ip]) {
        char d[32];
        span(d, sizeof d, in->peak_hour_span_s);
        const char *what = in->connects > 2 * in->failures ? "connections"
                           : in->connects ? "failed logins and connections"
                                          : "failed logins";
        add(w, in->peak_hour >= 100 ? 90 : 75, "%u %s in %s", in->peak_hour,
            what, d);
        *strong = 1;
    }
    if (in->fail_users >= 5) {
        add(w, 60 + (int)(in->fail_users < 30 ? in->fail_users : 30),
            "failed on %u different usernames", in->fail_users);
        *strong = 1;
    }
    if (in->unknown_users && in->successes == 0)
        add(w, 55 + (int)(in->unknown_users < 5 ? 5 * in->unknown_users : 25),
            "tried %u username%s that do not exist", in->unknown_users,
            in->unknown_users == 1 ? "" : "s");
    if (in->relays)
        add(w, 50 + (int)(in->relays < 8 ? 5 * in->relays : 40),
            "%u relay attempt%s", in->relays, in->relays == 1 ? "" : "s");
    if (held && w->kinds == 0)
        add(w, 20 + (int)(held < 8 ? 5 * held : 35), "%u failed login%s", held,
            held == 1 ? "" : "s");
    if (in->honest_failures)
        add(w, 0, "%u failure%s explained as honest use", in->honest_failures,
            in->honest_failures == 1 ? "" : "s");
    int score = w->best + 5 * (w->kinds > 1 ? w->kinds - 1 : 0);
    if (score > 100)
        score = 100;
    (void)o;
    return score;
}

static int compromise(const ms_store *s, ms_analysis *a, uint32_t ip,
                      size_t *cap)
{
    const uint32_t *ev = s->by_ip + s->ip_start[ip];
    size_t k = s->ip_start[ip + 1] - s->ip_start[ip];
    uint32_t fails = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t e = ev[i];
        if (s->outcome[e] == MS_OUT_AUTH_FAIL && a->honest[e] == MS_HONEST_NO)
            fails += s->attempts[e];
        if (s->outcome[e] != MS_OUT_AUTH_OK)
            continue;
        /* One row per name: its first success after the attack began. */
        int seen = 0;
        for (size_t c = 0; c < a->ncompromised; c++)
            if (a->compromised[c].ip == ip && a->compromised[c].user == s->user[e])
                seen = 1;
        if (seen || (fails == 0 && !a->ip[ip].cluster))
            continue;
        if (a->ncompromised == *cap) {
            size_t ncap = *cap ? *cap * 2 : 16;
            ms_compromise *p = realloc(a->compromised, ncap * sizeof *p);
            if (!p)
                return -1;
            a->compromised = p;
            *cap = ncap;
        }
        char buf[512];
        const ms_ipinfo *in = &a->ip[ip];
        int n = snprintf(buf, sizeof buf, "logged in after %u failed tries "
                         "from this IP on %u usernames", fails, in->fail_users);
        if (in->cluster)
            snprintf(buf + n, sizeof buf - (size_t)n,
                     "; the IP is a member of campaign %u", in->cluster);
        else if (a->fast[ip])
            snprintf(buf + n, sizeof buf - (size_t)n,
                     "; the IP is a brute forcer (%u tries in an hour)",
                     in->peak_hour);
        ms_compromise *c = &a->compromised[a->ncompromised++];
        c->ip = ip;
        c->user = s->user[e];
        c->time = s->time[e];
        c->event = e;
        c->evidence = ms_arena_strndup(&a->arena, buf, strlen(buf));
        if (!c->evidence)
            return -1;
    }
    return 0;
}

static int cmp_bans(const void *x, const void *y)
{
    const ms_ban *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return ms_ip_cmp(&a->net.base, &b->net.base);
}

static int cmp_comp(const void *x, const void *y)
{
    const ms_compromise *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->event < b->event ? -1 : a->event > b->event;
}

int ms_verdicts(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t comp_cap = 0;
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        ms_ipinfo *in = &a->ip[ip];
        if (!ms_store_ip_real(s, ip))
            continue;
        why w = {0};
        int strong;
        int score = judge(a, o, ip, &w, &strong);
        if (in->successes && !strong && score > 40)
            score = 40;
        if (in->success_users >= 3 && !strong && score > 30)
            score = 30;
        if (in->successes && strong && compromise(s, a, ip, &comp_cap)) {
            ms_buf_free(&w.text);
            return -1;
        }
        if (in->ignored) {
            score = 0;
            if (w.text.n)
                ms_buf_adds(&w.text, "; ");
            ms_buf_adds(&w.text, "never banned: in the --ignore list");
        }
        in->score = score;
        in->verdict = score >= 60 ? MS_BAN : score >= 20 ? MS_WATCH : MS_BENIGN;
        in->confidence = score >= 85 ? "high" : score >= 60 ? "medium" : "low";
        int failed = w.text.failed;
        in->reasons = w.text.n ? ms_arena_strndup(&a->arena, w.text.p, w.text.n) : "";
        ms_buf_free(&w.text);
        if (!in->reasons || failed)
            return -1;
    }
    if (a->ncompromised)
        qsort(a->compromised, a->ncompromised, sizeof *a->compromised, cmp_comp);
    if (ms_ban_list(s, o, a))
        return -1;
    qsort(a->bans, a->nbans, sizeof *a->bans, cmp_bans);
    return 0;
}
