/* why.c — one address's rules and their events (see why.h). */
#include "why.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/ipstats.h"

typedef struct collect {
    ms_why *w;
    size_t cap;
    int failed;
} collect;

static void on_rule(void *ctx, ms_vrule r, int against, int detail,
                    const char *text)
{
    collect *c = ctx;
    ms_why *w = c->w;
    if (c->failed)
        return;
    if (w->nrules == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 16;
        ms_why_rule *p = realloc(w->rules, ncap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return;
        }
        w->rules = p;
        c->cap = ncap;
    }
    ms_why_rule *x = &w->rules[w->nrules];
    memset(x, 0, sizeof *x);
    x->rule = r;
    x->against = against;
    x->detail = detail;
    x->text = ms_arena_strndup(&w->arena, text, strlen(text));
    if (!x->text)
        c->failed = 1;
    else
        w->nrules++;
}

static void take(const ms_store *s, ms_why_rule *x, uint32_t e)
{
    if (x->nevents < MS_WHY_EVENTS)
        ms_store_event(s, e, &x->events[x->nevents++]);
    else
        x->more++;
}

static int fail_or_connect(const ms_store *s, const ms_analysis *a, uint32_t e)
{
    (void)a;
    uint8_t out = ms_store_outcome(s, e);
    return out == MS_OUT_AUTH_FAIL || out == MS_OUT_CONNECT;
}

/* The events of ip's densest window of secs seconds that keep holds for. */
static void window(const ms_analysis *a, uint32_t ip, int64_t secs,
                   ms_keep_fn keep, ms_why_rule *x)
{
    const ms_store *s = a->store;
    uint32_t span;
    size_t start;
    ms_densest(s, a, ip, secs, keep, &span, &start);
    /* keep holds for failures and connections, all in memory (store.h) */
    const uint32_t *ev = s->by_ip + s->ip_start[ip];
    size_t k = s->ip_start[ip + 1] - s->ip_start[ip];
    for (size_t i = start; i < k; i++) {
        uint32_t e = ev[i];
        if (s->time[e] == MS_TIME_NONE || !keep(s, a, e))
            continue;
        if (s->time[e] - s->time[ev[start]] > secs * MS_NS_PER_S)
            break;
        take(s, x, e);
    }
}

/* A name (or day) not met before among the events taken for this rule;
 * seen holds up to MS_WHY_EVENTS of them, the rest count as more. */
static int first_of(uint64_t *seen, size_t *n, uint64_t v)
{
    for (size_t i = 0; i < *n; i++)
        if (seen[i] == v)
            return 0;
    if (*n < MS_WHY_EVENTS)
        seen[(*n)++] = v;
    return 1;
}

static int is_real(const ms_analyze_opts *o, const ms_store *s, uint32_t u)
{
    return o->real_users &&
           ms_intern_get(o->real_users, s->users.str[u], s->users.len[u]) !=
               UINT32_MAX;
}

static void supports(const ms_analysis *a, const ms_analyze_opts *o,
                     uint32_t ip, ms_store_view *v, ms_why_rule *x)
{
    const ms_store *s = a->store;
    const ms_ipinfo *in = &a->ip[ip];
    size_t k, nseen = 0;
    const uint32_t *ev = ms_store_ip_events(v, ip, &k);
    uint64_t seen[MS_WHY_EVENTS];
    uint32_t target = in->typo_of
        ? ms_intern_get(&s->users, in->typo_of, in->typo_of_len) : UINT32_MAX;
    if (x->rule == MS_RULE_FAST) {
        window(a, ip, 3600, fail_or_connect, x);
        return;
    }
    if (x->rule == MS_RULE_BURST) {
        window(a, ip, MS_BURST_WINDOW_S, ms_held, x);
        return;
    }
    for (size_t i = 0; i < k; i++) {
        uint32_t e = ev[i], u = s->user[e];
        int held = ms_held(s, a, e);
        int ok = ms_store_outcome(s, e) == MS_OUT_AUTH_OK;
        int64_t day = s->time[e] / (86400 * MS_NS_PER_S);
        switch (x->rule) {
        case MS_RULE_CAMPAIGN:
        case MS_RULE_FEW:
            if (held)
                take(s, x, e);
            break;
        case MS_RULE_NAMES:
            if (held && u && first_of(seen, &nseen, u))
                take(s, x, e);
            break;
        case MS_RULE_UNKNOWN:
            if (held && u && !is_real(o, s, u) && first_of(seen, &nseen, u))
                take(s, x, e);
            break;
        case MS_RULE_RELAY:
            if (ms_store_outcome(s, e) == MS_OUT_RELAY_DENIED)
                take(s, x, e);
            break;
        case MS_RULE_HONEST:
            if ((ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL &&
                 a->honest[e] == x->detail) ||
                (ok && x->detail == MS_HONEST_TYPO && u == target &&
                 first_of(seen, &nseen, u)))
                take(s, x, e);
            break;
        case MS_RULE_TRUSTED:
            if (ok && s->time[e] != MS_TIME_NONE &&
                first_of(seen, &nseen, (uint64_t)day))
                take(s, x, e);
            break;
        case MS_RULE_SHARED:
            if (ok && first_of(seen, &nseen, u))
                take(s, x, e);
            break;
        case MS_RULE_LOGGED_IN:
            if (ok)
                take(s, x, e);
            break;
        default:
            break;
        }
    }
}

/* The campaign rule says how its steps compare with chance. */
static int with_steps(ms_why *w, ms_why_rule *x, const ms_cluster *c)
{
    size_t lt = strlen(x->text), ls = strlen(c->steps);
    if (!ls)
        return 0;
    char *t = ms_arena_alloc(&w->arena, lt + 2 + ls + 1);
    if (!t)
        return -1;
    memcpy(t, x->text, lt);
    memcpy(t + lt, "; ", 2);
    memcpy(t + lt + 2, c->steps, ls + 1);
    x->text = t;
    return 0;
}

int ms_why_ip(const ms_analysis *a, const ms_analyze_opts *o, uint32_t ip,
              ms_why *w)
{
    memset(w, 0, sizeof *w);
    ms_arena_init(&w->arena);
    collect c = {w, 0, 0};
    int strong;
    w->score = ms_judge_ip(a, o, ip, on_rule, &c, NULL, &strong);
    for (size_t i = 0; i < a->ncompromised && !c.failed; i++) {
        const ms_compromise *k = &a->compromised[i];
        if (k->ip != ip)
            continue;
        on_rule(&c, MS_RULE_COMPROMISE, 1, 0, k->evidence);
        if (!c.failed) {
            ms_why_rule *x = &w->rules[w->nrules - 1];
            x->events[x->nevents++] = k->event;
        }
    }
    ms_store_view v;
    int opened = !c.failed && ms_store_view_open(a->store, &v) == 0;
    c.failed |= !opened;
    for (size_t i = 0; i < w->nrules && !c.failed; i++) {
        if (w->rules[i].rule == MS_RULE_CAMPAIGN &&
            with_steps(w, &w->rules[i], &a->clusters[a->ip[ip].cluster - 1]))
            c.failed = 1;
        if (w->rules[i].rule != MS_RULE_COMPROMISE)
            supports(a, o, ip, &v, &w->rules[i]);
    }
    if (opened)
        ms_store_view_close(&v);
    if (c.failed || w->score < 0 || ms_store_check(a->store, NULL)) {
        ms_why_free(w);
        return -1;
    }
    return 0;
}

void ms_why_free(ms_why *w)
{
    free(w->rules);
    ms_arena_free(&w->arena);
    memset(w, 0, sizeof *w);
}
