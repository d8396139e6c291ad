/* campaigns.c — find campaigns by the order in which they walk usernames.
 *
 * 1. The stream: every failure not explained as honest, from an ip that is
 *    not a fast robot, with a name, in time order.
 * 2. Steps: for each failure, the next `lookahead` failures within
 *    `handoff_window_s` that come from other ips. A pair of names (u, v)
 *    seen this way is a dictionary step when it recurs at least
 *    `min_step_support` times (twice for `name@domain` -> `name`) and at
 *    least a quarter as often as u's most frequent next name. Only pairs
 *    seen twice (core/seen.h) are counted, so memory follows the steps
 *    that recur, not every pair.
 * 3. Edges: each observed dictionary step joins the two ips. An ip needs two
 *    such edges to take part, so a one-off scanner whose single try happens
 *    to fit the list is not pulled in.
 * 4. Groups: union-find over the edges in time order; a group of three or
 *    more ips joins another group of three or more only when two or more
 *    edges join them, so one chance handoff cannot fuse two campaigns.
 * 5. Groups of at least `min_cluster_ips` ips are campaigns; each gets its
 *    walking order (the chain of the most frequent next names among its own
 *    consecutive tries), its pace and a sentence of evidence. */
#include "campaigns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/seen.h"
#include "core/timeconv.h"
#include "core/u64map.h"

typedef struct edge {
    uint32_t a, b;
} edge;

typedef struct uf {
    uint32_t *parent, *size;
} uf;

static uint32_t uf_find(uf *u, uint32_t x)
{
    while (u->parent[x] != x) {
        u->parent[x] = u->parent[u->parent[x]];
        x = u->parent[x];
    }
    return x;
}

static void uf_union(uf *u, uint32_t a, uint32_t b)
{
    a = uf_find(u, a);
    b = uf_find(u, b);
    if (a == b)
        return;
    if (u->size[a] < u->size[b] || (u->size[a] == u->size[b] && a > b)) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    u->parent[b] = a;
    u->size[a] += u->size[b];
}

/* a is b followed by "@something": the list's `name@domain` then `name`. */
static int domain_form(const ms_store *s, uint32_t a, uint32_t b)
{
    size_t la = s->users.len[a], lb = s->users.len[b];
    return la > lb + 1 && memcmp(s->users.str[a], s->users.str[b], lb) == 0 &&
           s->users.str[a][lb] == '@';
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static double median_s(int64_t *v, size_t n)
{
    if (!n)
        return -1;
    qsort(v, n, sizeof *v, cmp_i64);
    double m = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + v[n / 2]) / 2;
    return m / 1e9;
}

/* The stream of step 1. */
static uint32_t *build_stream(const ms_store *s, const ms_analysis *a, size_t *n)
{
    uint32_t *st = malloc((s->n ? s->n : 1) * sizeof *st);
    if (!st)
        return NULL;
    size_t k = 0;
    for (size_t e = 0; e < s->n; e++)
        if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && a->honest[e] == MS_HONEST_NO &&
            !a->fast[s->ip[e]] && s->user[e] != 0 && s->time[e] != MS_TIME_NONE &&
            ms_store_ip_real(s, s->ip[e]))
            st[k++] = (uint32_t)e;
    *n = k;
    return st;
}

/* Calls fn(ctx, i, j) for every step pair of the stream (step 2). */
#define FOR_STEPS(s, o, st, n, BODY) do {                                  \
        const int64_t win_ = (int64_t)(o)->handoff_window_s * MS_NS_PER_S; \
        for (size_t i = 0; i < (n); i++) {                                 \
            uint32_t ei = (st)[i];                                         \
            int seen_ = 0;                                                 \
            for (size_t j = i + 1; j < (n) && seen_ < (o)->lookahead; j++) { \
                uint32_t ej = (st)[j];                                     \
                if ((s)->time[ej] - (s)->time[ei] > win_)                  \
                    break;                                                 \
                if ((s)->ip[ej] == (s)->ip[ei])                            \
                    continue;                                              \
                seen_++;                                                   \
                if ((s)->user[ej] == (s)->user[ei])                        \
                    continue;                                              \
                BODY                                                       \
            }                                                              \
        }                                                                  \
    } while (0)

/* A step must recur, and be at least a quarter as common as u's most
 * common next name: two campaigns interleaving in time pair each other's
 * names too, but spread over a whole list, so far less often. */
static int kept(const ms_store *s, const ms_analyze_opts *o,
                const ms_u64map *steps, const uint32_t *best, uint32_t u,
                uint32_t v)
{
    uint32_t c = ms_u64map_get(steps, ms_pair(u, v));
    if (c * 4 < best[u])
        return 0;
    return c >= (uint32_t)o->min_step_support || (c >= 2 && domain_form(s, u, v));
}

/* Steps 2-3: the edges, in time order, and each ip's degree. */
static int find_edges(const ms_store *s, const ms_analyze_opts *o,
                      const uint32_t *st, size_t n, edge **out, size_t *nout,
                      uint32_t *deg)
{
    /* Only a step seen twice can count, and most pairs occur once (with
     * many distinct names, nearly all): a filter of a few bits per pair
     * picks the recurring ones, which alone are then counted exactly. */
    size_t npairs = 0;
    FOR_STEPS(s, o, st, n, { npairs++; });
    ms_u64map steps = {0};
    ms_seen once;
    int fail = ms_seen_init(&once, npairs) != 0;
    FOR_STEPS(s, o, st, n, {
        uint64_t key = ms_pair(s->user[ei], s->user[ej]);
        if (!fail && ms_seen_mark(&once, key) &&
            ms_u64map_add(&steps, key, 0) == UINT32_MAX)
            fail = 1;
    });
    ms_seen_free(&once);
    FOR_STEPS(s, o, st, n, {
        uint32_t *c = ms_u64map_find(&steps, ms_pair(s->user[ei], s->user[ej]));
        if (c)
            ++*c;
    });
    uint32_t *best = calloc(s->users.n + 1, sizeof *best);
    if (!best)
        fail = 1;
    for (size_t k = 0; !fail && k < steps.cap; k++) {
        uint32_t u = (uint32_t)(steps.key[k] >> 32);
        if (steps.key[k] != UINT64_MAX && steps.val[k] > best[u])
            best[u] = steps.val[k];
    }
    size_t cap = 0, ne = 0;
    edge *ev = NULL;
    FOR_STEPS(s, o, st, n, {
        if (fail || !kept(s, o, &steps, best, s->user[ei], s->user[ej]))
            continue;
        if (ne == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            edge *p = realloc(ev, ncap * sizeof *p);
            if (!p) {
                fail = 1;
                continue;
            }
            ev = p;
            cap = ncap;
        }
        ev[ne].a = s->ip[ei];
        ev[ne].b = s->ip[ej];
        deg[ev[ne].a]++;
        deg[ev[ne].b]++;
        ne++;
    });
    ms_u64map_free(&steps);
    free(best);
    if (fail) {
        free(ev);
        return -1;
    }
    *out = ev;
    *nout = ne;
    return 0;
}

/* Step 4. */
static int group(uf *u, const edge *ev, size_t ne, const uint32_t *deg)
{
    for (size_t i = 0; i < ne; i++) {
        if (deg[ev[i].a] < 2 || deg[ev[i].b] < 2)
            continue;
        uint32_t ra = uf_find(u, ev[i].a), rb = uf_find(u, ev[i].b);
        if (ra != rb && (u->size[ra] < 3 || u->size[rb] < 3))
            uf_union(u, ra, rb);
    }
    for (int round = 0; round < 32; round++) {
        ms_u64map between = {0};
        int merged = 0, fail = 0;
        for (size_t i = 0; i < ne && !fail; i++) {
            if (deg[ev[i].a] < 2 || deg[ev[i].b] < 2)
                continue;
            uint32_t ra = uf_find(u, ev[i].a), rb = uf_find(u, ev[i].b);
            if (ra == rb)
                continue;
            uint64_t key = ra < rb ? ms_pair(ra, rb) : ms_pair(rb, ra);
            uint32_t c = ms_u64map_add(&between, key, 1);
            if (c == UINT32_MAX)
                fail = 1;
            else if (c == 2) {
                uf_union(u, ra, rb);
                merged = 1;
            }
        }
        ms_u64map_free(&between);
        if (fail)
            return -1;
        if (!merged)
            break;
    }
    return 0;
}

typedef struct group_ref {
    uint32_t root, size;
    ms_time first;
    uint32_t min_ip;   /* the member with the lowest address */
} group_ref;

static const ms_store *cmp_store;

static int cmp_ip_ids(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return ms_ip_cmp(ms_store_ip(cmp_store, a), ms_store_ip(cmp_store, b));
}

static int cmp_groups(const void *x, const void *y)
{
    const group_ref *a = x, *b = y;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return ms_ip_cmp(ms_store_ip(cmp_store, a->min_ip),
                     ms_store_ip(cmp_store, b->min_ip));
}

/* The walking order: from the first name tried, follow the most frequent
 * next name not yet in the order. */
static int infer_order(const ms_store *s, const ms_analyze_opts *o,
                       const uint32_t *st, size_t n, const ms_analysis *a,
                       uint32_t id, ms_cluster *c, ms_arena *arena)
{
    ms_u64map next = {0}, inorder = {0};
    uint32_t start = UINT32_MAX, prev = UINT32_MAX, prev_ip = 0;
    ms_time prev_t = 0;
    size_t nh = 0, steps = 0, dom = 0;
    int64_t *handoffs = malloc((n ? n : 1) * sizeof *handoffs);
    if (!handoffs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t e = st[i];
        if (a->ip[s->ip[e]].cluster != id)
            continue;
        if (start == UINT32_MAX)
            start = s->user[e];
        if (prev != UINT32_MAX && s->ip[e] != prev_ip &&
            s->time[e] - prev_t <= (int64_t)o->handoff_window_s * MS_NS_PER_S) {
            handoffs[nh++] = s->time[e] - prev_t;
            if (prev != s->user[e] &&
                ms_u64map_add(&next, ms_pair(prev, s->user[e]), 1) == UINT32_MAX)
                goto fail;
        }
        prev = s->user[e];
        prev_ip = s->ip[e];
        prev_t = s->time[e];
    }
    c->median_handoff_s = median_s(handoffs, nh);
    free(handoffs);
    handoffs = NULL;
    size_t cap = 256;
    c->order = ms_arena_alloc(arena, cap * sizeof *c->order);
    if (!c->order)
        goto fail;
    for (uint32_t cur = start; cur != UINT32_MAX && c->norder < cap;) {
        c->order[c->norder++] = cur;
        if (ms_u64map_add(&inorder, ms_pair(cur, 0), 1) == UINT32_MAX)
            goto fail;
        uint32_t best = UINT32_MAX, best_n = 0;
        for (size_t k = 0; k < next.cap; k++) {
            if (next.key[k] == UINT64_MAX || (uint32_t)(next.key[k] >> 32) != cur)
                continue;
            uint32_t v = (uint32_t)next.key[k];
            if (ms_u64map_get(&inorder, ms_pair(v, 0)))
                continue;
            if (next.val[k] > best_n || (next.val[k] == best_n && v < best)) {
                best = v;
                best_n = next.val[k];
            }
        }
        if (best != UINT32_MAX) {
            steps++;
            dom += domain_form(s, cur, best);
        }
        cur = best;
    }
    c->domain_then_bare = steps >= 2 && dom * 4 >= steps;
    ms_u64map_free(&next);
    ms_u64map_free(&inorder);
    return 0;
fail:
    free(handoffs);
    ms_u64map_free(&next);
    ms_u64map_free(&inorder);
    return -1;
}

static int describe(const ms_store *s, ms_cluster *c, ms_analysis *a,
                    int64_t *gaps)
{
    size_t ng = 0;
    c->first = c->last = MS_TIME_NONE;
    for (size_t m = 0; m < c->nmembers; m++) {
        uint32_t ip = c->members[m];
        const uint32_t *ev = s->by_ip + s->ip_start[ip];
        size_t k = s->ip_start[ip + 1] - s->ip_start[ip];
        ms_time prev = MS_TIME_NONE;
        for (size_t i = 0; i < k; i++) {
            uint32_t e = ev[i];
            if (ms_store_outcome(s, e) != MS_OUT_AUTH_FAIL || s->time[e] == MS_TIME_NONE)
                continue;
            c->attempts += ms_store_attempts(s, e);
            c->services |= 1u << ms_store_service(s, e);
            if (c->first == MS_TIME_NONE || s->time[e] < c->first)
                c->first = s->time[e];
            if (c->last == MS_TIME_NONE || s->time[e] > c->last)
                c->last = s->time[e];
            if (prev != MS_TIME_NONE)
                gaps[ng++] = s->time[e] - prev;
            prev = s->time[e];
        }
    }
    c->median_ip_gap_s = median_s(gaps, ng);
    char span[32], hand[32], gap[32], buf[768];
    ms_duration_format(c->first == MS_TIME_NONE
                           ? -1 : (double)(c->last - c->first) / 1e9,
                       span, sizeof span);
    ms_duration_format(c->median_handoff_s, hand, sizeof hand);
    ms_duration_format(c->median_ip_gap_s, gap, sizeof gap);
    snprintf(buf, sizeof buf,
             "%zu IPs walked one list of %zu%s usernames in the same order%s; "
             "%llu tries over %s; consecutive tries came from different IPs "
             "a median %s apart, while each IP waited a median %s between "
             "its own tries",
             c->nmembers, c->norder, c->norder == 256 ? "+" : "",
             c->domain_then_bare ? " (name@domain, then name)" : "",
             (unsigned long long)c->attempts, span, hand, gap);
    c->evidence = ms_arena_strndup(&a->arena, buf, strlen(buf));
    return c->evidence ? 0 : -1;
}

int ms_campaigns(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t n = 0, ne = 0;
    edge *ev = NULL;
    uf u = {0};
    group_ref *groups = NULL;
    int64_t *gaps = NULL;
    int rc = -1;
    uint32_t *st = build_stream(s, a, &n);
    uint32_t *deg = calloc(s->ips.n + 1, sizeof *deg);
    u.parent = malloc((s->ips.n + 1) * sizeof *u.parent);
    u.size = malloc((s->ips.n + 1) * sizeof *u.size);
    if (!st || !deg || !u.parent || !u.size)
        goto out;
    for (uint32_t i = 0; i < s->ips.n; i++) {
        u.parent[i] = i;
        u.size[i] = 1;
    }
    if (find_edges(s, o, st, n, &ev, &ne, deg) || group(&u, ev, ne, deg))
        goto out;

    /* Step 5: groups big enough, in a stable order. */
    size_t ng = 0;
    groups = calloc(s->ips.n + 1, sizeof *groups);
    if (!groups)
        goto out;
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        if (deg[ip] < 2 || u.parent[ip] != ip || u.size[ip] < (uint32_t)o->min_cluster_ips)
            continue;
        groups[ng].root = ip;
        groups[ng].size = u.size[ip];
        groups[ng].first = MS_TIME_NONE;
        groups[ng].min_ip = ip;
        ng++;
    }
    /* Root -> group index, reusing deg's sibling array size. */
    uint32_t *gi = malloc((s->ips.n + 1) * sizeof *gi);
    if (!gi)
        goto out;
    memset(gi, 0xff, (s->ips.n + 1) * sizeof *gi);
    for (size_t g = 0; g < ng; g++)
        gi[groups[g].root] = (uint32_t)g;
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        uint32_t g = deg[ip] >= 2 ? gi[uf_find(&u, ip)] : UINT32_MAX;
        if (g == UINT32_MAX)
            continue;
        ms_time f = a->ip[ip].first;
        if (groups[g].first == MS_TIME_NONE || (f != MS_TIME_NONE && f < groups[g].first))
            groups[g].first = f;
        if (ms_ip_cmp(ms_store_ip(s, ip), ms_store_ip(s, groups[g].min_ip)) < 0)
            groups[g].min_ip = ip;
    }
    cmp_store = s;
    qsort(groups, ng, sizeof *groups, cmp_groups);
    a->clusters = ms_arena_alloc(&a->arena, (ng ? ng : 1) * sizeof *a->clusters);
    gaps = malloc((s->n ? s->n : 1) * sizeof *gaps);
    if (!a->clusters || !gaps) {
        free(gi);
        goto out;
    }
    memset(a->clusters, 0, (ng ? ng : 1) * sizeof *a->clusters);
    a->nclusters = ng;
    for (size_t g = 0; g < ng; g++) {
        ms_cluster *c = &a->clusters[g];
        c->id = (uint32_t)g + 1;
        c->members = ms_arena_alloc(&a->arena, groups[g].size * sizeof *c->members);
        if (!c->members) {
            free(gi);
            goto out;
        }
        gi[groups[g].root] = (uint32_t)g;   /* the sort moved the groups */
    }
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        uint32_t g = deg[ip] >= 2 ? gi[uf_find(&u, ip)] : UINT32_MAX;
        if (g == UINT32_MAX)
            continue;
        ms_cluster *c = &a->clusters[g];
        c->members[c->nmembers++] = ip;
        a->ip[ip].cluster = c->id;
    }
    free(gi);
    for (size_t g = 0; g < ng; g++)
        qsort(a->clusters[g].members, a->clusters[g].nmembers,
              sizeof *a->clusters[g].members, cmp_ip_ids);
    for (size_t g = 0; g < ng; g++) {
        ms_cluster *c = &a->clusters[g];
        if (infer_order(s, o, st, n, a, c->id, c, &a->arena) ||
            describe(s, c, a, gaps))
            goto out;
    }
    rc = 0;
out:
    free(st);
    free(deg);
    free(ev);
    free(u.parent);
    free(u.size);
    free(groups);
    free(gaps);
    return rc;
}
