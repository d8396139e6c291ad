/* campaigns.c — find campaigns by the order in which they walk usernames.
 *
 * 1. The stream: every failure not explained as honest, from an ip that is
 *    not a fast robot, with a name, in time order.
 * 2. Steps: for each failure, the next failures within `handoff_window_s`
 *    that come from other ips, in bands: the first `lookahead`, then the
 *    next `lookahead`, then the next 2x and 4x as many (MS_BANDS), each
 *    band searched on its own, so that a campaign whose next try comes
 *    dozens of tries later among dense scanning is held against the chance
 *    of that band, not of everything up to it. A pair of names (u, v) seen
 *    in a band may be a dictionary step of it when it recurs at least
 *    `min_step_support` times (twice for `name@domain` -> `name`), at least
 *    a quarter as often as u's most frequent next name in the band, and
 *    neither u has a step from it nor v one to it in a narrower band; it is
 *    one when it also recurs far more often than chance gives: more than
 *    the count its names' frequencies predict, or than its reverse (v, u),
 *    each judged by its tail probability, and the pairs kept chosen among
 *    all the band's recurring ones at a false discovery rate of
 *    MS_STEP_FDR (chance.h). Only pairs of names tried twice or more that
 *    are seen twice are counted: in a table of every such pair when those
 *    names are few (scanners share dictionaries of a few hundred), else
 *    through a filter (core/seen.h), so memory follows the pairs that
 *    recur, not every pair.
 * 3. Edges: each observed dictionary step joins the two ips, and makes both
 *    tries fit the list. An ip needs two such edges to take part, and two
 *    tests against chance: its fits must fall at k moments or more (fits
 *    more than `handoff_window_s` apart are two), for the least k at which
 *    chance brings in at most MS_MEMBER_CHANCE as many ips, measured by
 *    shuffling the names of the ips with fewer (keep_members): 1 on a small
 *    server, more among thousands of scanners trying a few names each; and
 *    it must fit more often than a try of the background (the tries that
 *    fit nothing) would with a name drawn from the background's, at a
 *    false discovery rate of MS_MEMBER_CHANCE (keep_above_chance): among
 *    scanners that try the list's names many times each, every one fits at
 *    many moments, but at the background's rate, a member nearly always.
 * 4. Groups: union-find over the edges in time order; a group of three or
 *    more ips joins another group of three or more only when two or more
 *    edges join them, so one chance handoff cannot fuse two campaigns.
 * 5. Groups of at least `min_cluster_ips` ips whose walking order (the chain
 *    of the most frequent next names among their own consecutive tries,
 *    from the first name another member's try followed) holds two names or
 *    more are campaigns; each gets its pace and a sentence of evidence,
 *    with its steps' counts next to chance's. */
#include "campaigns.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/chance.h"
#include "core/seen.h"
#include "core/timeconv.h"
#include "core/u64map.h"

/* The share of chance steps expected among the steps kept. */
#define MS_STEP_FDR 0.1
/* The most members chance may bring in, as a share of the members; and how
 * many shuffles measure it. */
#define MS_MEMBER_CHANCE 0.02
#define MS_SHUFFLES 4

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

/* The lookahead's bands: band b holds the (lo, hi]-th next tries from other
 * ips, (0, lookahead] then each twice as far as the one before. */
#define MS_BANDS 4

static int band_lo(const ms_analyze_opts *o, int b)
{
    return b ? o->lookahead << (b - 1) : 0;
}

/* Runs BODY for every step pair of the stream (step 2) in bands b0 to b1:
 * i, then j, one of the next tries from other ips within
 * `handoff_window_s`, the off-th of them, in band `band`, whose names
 * ui = names[i] and uj = names[j] differ (ei, ej: their events). start
 * (band_starts) says where band b0 begins for each i; NULL when b0 is 0. */
#define FOR_STEPS(s, o, st, names, n, start, b0, b1, BODY) do {            \
        const int64_t win_ = (int64_t)(o)->handoff_window_s * MS_NS_PER_S; \
        const int lo_ = band_lo(o, b0), hi_ = band_lo(o, (b1) + 1);        \
        const uint32_t *start_ = (start);                                  \
        for (size_t i = 0; i < (n); i++) {                                 \
            uint32_t ei = (st)[i], ui = (names)[i];                        \
            int off = lo_, band = (b0);                                    \
            size_t j0_ = start_ ? start_[i] : i + 1;                       \
            for (size_t j = j0_; j < (n) && off < hi_; j++) {              \
                uint32_t ej = (st)[j], uj = (names)[j];                    \
                if ((s)->time[ej] - (s)->time[ei] > win_)                  \
                    break;                                                 \
                if ((s)->ip[ej] == (s)->ip[ei])                            \
                    continue;                                              \
                if (++off > band_lo(o, band + 1))                          \
                    band++;                                                \
                if (uj == ui)                                              \
                    continue;                                              \
                BODY                                                       \
            }                                                              \
        }                                                                  \
    } while (0)

/* For bands 1 and up, where each try's band begins: start[b][i] is the
 * index of the first try of band b after try i (n: none). -1 when memory
 * ran out. */
static int band_starts(const ms_store *s, const ms_analyze_opts *o,
                       const uint32_t *st, size_t n, uint32_t *start[MS_BANDS])
{
    const int64_t win = (int64_t)o->handoff_window_s * MS_NS_PER_S;
    start[0] = NULL;
    for (int b = 1; b < MS_BANDS; b++)
        if (!(start[b] = malloc((n ? n : 1) * sizeof *start[b])))
            return -1;
    for (size_t i = 0; i < n; i++) {
        int off = 0, b = 1;
        for (int k = 1; k < MS_BANDS; k++)
            start[k][i] = (uint32_t)n;
        for (size_t j = i + 1; j < n && b < MS_BANDS; j++) {
            if (s->time[st[j]] - s->time[st[i]] > win)
                break;
            if (s->ip[st[j]] == s->ip[st[i]])
                continue;
            if (off++ == band_lo(o, b))
                start[b++][i] = (uint32_t)j;
        }
    }
    return 0;
}

/* The pairs of step 2: how often each name begins and ends one, and all of
 * them (what chance predicts of a pair); the recurring pairs' counts (with
 * their reverses'); and the dictionary steps among them. */
typedef struct pairs {
    int band;                    /* of the lookahead */
    const uint32_t *start;       /* where it begins (band_starts) */
    const uint32_t *rank;        /* by user id: the name's rank among those
                                    tried twice+, or NO_RANK */
    const uint32_t *byrank;      /* the names tried twice+, by rank */
    uint64_t nrecur;             /* such names */
    const ms_u64map *from, *to;  /* the names with a step from them (to
                                    them) in a narrower band, value 1 */
    uint32_t *out, *in, *best;   /* by user id; best: u's most common pair;
                                    kept for band 0 only (describe) */
    uint64_t total, recurring;   /* pairs; those of two recurring names */
    ms_u64map count;
    ms_u64map kept;              /* the dictionary steps: 1 + index in fig */
    double *fig;                 /* each step's count expected() */
    ms_u64map near;              /* the pairs that would be steps with one
                                    more occurrence, value 1 */
} pairs;

static void pairs_free(pairs *p)
{
    for (int b = 0; b < MS_BANDS; b++) {
        free(p[b].out);
        free(p[b].in);
        free(p[b].best);
        free(p[b].fig);
        ms_u64map_free(&p[b].count);
        ms_u64map_free(&p[b].kept);
        ms_u64map_free(&p[b].near);
    }
}

static void add_sat(uint32_t *x)
{
    if (*x != UINT32_MAX)
        ++*x;
}

/* The count of (u, v) chance predicts from how often u begins a pair and v
 * ends one. */
static double expected(const pairs *p, uint32_t u, uint32_t v)
{
    return ms_pair_expected(p->out[u], p->in[v], p->total);
}

/* How likely chance makes pair (u, v) recur as it does in p's band, seen
 * `more` times more than it was: 1 unless it recurs enough
 * (min_step_support times, twice for `name@domain` -> `name`), at least a
 * quarter as often as u's most common next name (two campaigns
 * interleaving in time pair each other's names too, but spread over a
 * whole list, so far less often), and u has no step from it nor v one to
 * it in a narrower band; else the smaller of two tails: its count where
 * chance predicts expected(), and its count out of its own and its
 * reverse's where each way is as likely (chance pairs two names both ways;
 * a list walked in order, one way). */
static double step_chance(const ms_store *s, const ms_analyze_opts *o,
                          const pairs *p, uint32_t u, uint32_t v, uint32_t more)
{
    uint32_t c = ms_u64map_get(&p->count, ms_pair(u, v)) + more;
    if (c * 4 < p->best[u] || ms_u64map_get(p->from, u) || ms_u64map_get(p->to, v))
        return 1;
    if (c < (uint32_t)o->min_step_support && !(c >= 2 && domain_form(s, u, v)))
        return 1;
    uint32_t r = ms_u64map_get(&p->count, ms_pair(v, u));
    double a = ms_poisson_tail(expected(p, u, v), c);
    double b = ms_binomial_tail((uint64_t)c + r, c, 0.5);
    return a < b ? a : b;
}

/* Keys in flight: each is hinted to the memory as it comes and used RING
 * keys later, in the order they came: the same work, with the cache
 * misses of a filter and a map far larger than the caches overlapped. */
#define RING 16
/* Tables smaller than this fit the caches: their keys are used at once. */
#define RING_FROM ((size_t)4 << 20)
typedef struct ring {
    uint64_t key[RING];
    size_t n;
} ring;

/* Add k; the key that leaves, RING keys older, or UINT64_MAX (no pair
 * of ids makes it) while the ring fills. */
static uint64_t ring_push(ring *r, uint64_t k)
{
    uint64_t out = r->n >= RING ? r->key[r->n % RING] : UINT64_MAX;
    r->key[r->n++ % RING] = k;
    return out;
}

/* BODY for each key k left in r, oldest first; r is emptied. */
#define RING_DRAIN(r, k, BODY) do {                                                for (size_t q_ = (r)->n > RING ? (r)->n - RING : 0; q_ < (r)->n;                q_++) {                                                                   uint64_t k = (r)->key[q_ % RING];                                          BODY                                                                   }                                                                          (r)->n = 0;                                                            } while (0)

/* Pair key seen again: counted from now on. -1 when memory ran out. */
static int mark_pair(ms_seen *once, ms_u64map *count, uint64_t key)
{
    return ms_seen_mark(once, key) && ms_u64map_add(count, key, 0) == UINT32_MAX
               ? -1 : 0;
}

static void count_pair(ms_u64map *count, uint64_t key)
{
    uint32_t *c = ms_u64map_find(count, key);
    if (c)
        ++*c;
}

#define NO_RANK UINT32_MAX
#define RECURRING(p, u) ((p)->rank[u] != NO_RANK)

/* The most counts the table of count_dense holds: 16 MiB. */
#define DENSE_CELLS ((size_t)4 << 20)

/* Whether the pairs of p's band are counted in a table of every pair of
 * recurring names: when there are few such names (scanners share a
 * dictionary of a few hundred) and no more pairs of them than the band's
 * steps could fill. */
static int dense(const ms_analyze_opts *o, const pairs *p, size_t n)
{
    uint64_t cells = p->nrecur * p->nrecur;
    uint64_t width = (uint64_t)(band_lo(o, p->band + 1) - band_lo(o, p->band));
    return cells <= DENSE_CELLS && cells <= (uint64_t)n * width;
}

/* Step 2's counts, in one pass: every pair of two recurring names in a
 * table by their ranks, then those seen twice or more (and their
 * reverses) into p->count. */
static int count_dense(const ms_store *s, const ms_analyze_opts *o,
                       const uint32_t *st, const uint32_t *names, size_t n,
                       pairs *p)
{
    size_t nr = p->nrecur;
    uint32_t *cell = calloc(nr ? nr * nr : 1, sizeof *cell);
    if (!cell)
        return -1;
    FOR_STEPS(s, o, st, names, n, p->start, p->band, p->band, {
        add_sat(&p->out[ui]);
        add_sat(&p->in[uj]);
        p->total++;
        if (RECURRING(p, ui) && RECURRING(p, uj)) {
            p->recurring++;
            add_sat(&cell[(size_t)p->rank[ui] * nr + p->rank[uj]]);
        }
    });
    int fail = 0;
    for (size_t a = 0; a < nr && !fail; a++)
        for (size_t b = 0; b < nr && !fail; b++) {
            uint32_t c = cell[a * nr + b];
            if ((c >= 2 || cell[b * nr + a] >= 2) &&
                ms_u64map_add(&p->count, ms_pair(p->byrank[a], p->byrank[b]), c) ==
                    UINT32_MAX)
                fail = 1;
        }
    free(cell);
    return fail ? -1 : 0;
}

/* Step 2's counts where the recurring names are many: most pairs occur
 * once (with many distinct names, nearly all), so a filter of a few bits
 * per pair picks the recurring ones, which alone (and their reverses) are
 * then counted exactly. Three passes. */
static int count_filtered(const ms_store *s, const ms_analyze_opts *o,
                          const uint32_t *st, const uint32_t *names, size_t n,
                          pairs *p)
{
    FOR_STEPS(s, o, st, names, n, p->start, p->band, p->band, {
        add_sat(&p->out[ui]);
        add_sat(&p->in[uj]);
        p->total++;
        p->recurring += RECURRING(p, ui) && RECURRING(p, uj);
    });
    /* Room for the distinct pairs there can be: a few hundred names
     * tried over and over (scanners share dictionaries) make far fewer
     * than their tries, and a filter that fits the caches is faster. Its
     * size changes no count: the pairs it lets through are counted
     * exactly below. */
    ms_seen once;
    uint64_t distinct = p->nrecur * p->nrecur;
    if (ms_seen_init(&once, distinct < p->recurring ? distinct : p->recurring))
        return -1;
    int fail = 0;
    ring r = {.n = 0};
    int hint = (once.mask + 1) * sizeof *once.word > RING_FROM;
    FOR_STEPS(s, o, st, names, n, p->start, p->band, p->band, {
        if (RECURRING(p, ui) && RECURRING(p, uj)) {
            uint64_t key = ms_pair(ui, uj);
            uint64_t k0 = key;
            if (hint) {
                ms_seen_prefetch(&once, key);
                ms_u64map_prefetch(&p->count, key);
                k0 = ring_push(&r, key);
            }
            if (k0 != UINT64_MAX && !fail &&
                mark_pair(&once, &p->count, k0))
                fail = 1;
        }
    });
    RING_DRAIN(&r, k0, {
        if (!fail && mark_pair(&once, &p->count, k0))
            fail = 1;
    });
    ms_seen_free(&once);
    ms_u64map *m = &p->count;
    size_t nk = 0;
    uint64_t *keys = fail ? NULL : malloc((m->n ? m->n : 1) * sizeof *keys);
    for (size_t k = 0; keys && k < m->cap; k++)
        if (m->key[k] != UINT64_MAX)
            keys[nk++] = m->key[k];
    for (size_t k = 0; keys && k < nk; k++)
        if (ms_u64map_add(m, keys[k] << 32 | keys[k] >> 32, 0) == UINT32_MAX)
            fail = 1;
    free(keys);
    if (fail || !keys)
        return -1;
    /* Only pairs of recurring names (and their reverses) are in m. */
    hint = m->cap * (sizeof *m->key + sizeof *m->val) > RING_FROM;
    FOR_STEPS(s, o, st, names, n, p->start, p->band, p->band, {
        if (RECURRING(p, ui) && RECURRING(p, uj)) {
            uint64_t key = ms_pair(ui, uj);
            uint64_t k0 = key;
            if (hint) {
                ms_u64map_prefetch(m, key);
                k0 = ring_push(&r, key);
            }
            if (k0 != UINT64_MAX)
                count_pair(m, k0);
        }
    });
    RING_DRAIN(&r, k0, count_pair(m, k0););
    return 0;
}

/* Step 2: count the pairs and pick the dictionary steps. Only a step seen
 * twice can count: the pairs of two names tried twice or more that recur
 * are counted exactly, with their reverses (count_dense or
 * count_filtered), and each is weighed against chance. */
static int find_steps(const ms_store *s, const ms_analyze_opts *o,
                      const uint32_t *st, const uint32_t *names, size_t n,
                      pairs *p)
{
    p->out = calloc(s->users.n + 1, sizeof *p->out);
    p->in = calloc(s->users.n + 1, sizeof *p->in);
    p->best = calloc(s->users.n + 1, sizeof *p->best);
    if (!p->out || !p->in || !p->best ||
        (dense(o, p, n) ? count_dense : count_filtered)(s, o, st, names, n, p))
        return -1;
    ms_u64map *m = &p->count;
    int fail = 0;
    for (size_t k = 0; k < m->cap; k++) {
        uint32_t u = (uint32_t)(m->key[k] >> 32);
        if (m->key[k] != UINT64_MAX && m->val[k] > p->best[u])
            p->best[u] = m->val[k];
    }
    /* Each pair that recurs is a test; the others cannot be steps. */
    double *pv = malloc((m->n ? m->n : 1) * sizeof *pv);
    double *sorted = malloc((m->n ? m->n : 1) * sizeof *sorted);
    if (!pv || !sorted) {
        free(pv);
        free(sorted);
        return -1;
    }
    size_t np = 0;
    for (size_t k = 0; k < m->cap; k++)
        if (m->key[k] != UINT64_MAX && m->val[k] >= 2)
            pv[np++] = step_chance(s, o, p, (uint32_t)(m->key[k] >> 32),
                                   (uint32_t)m->key[k], 0);
    memcpy(sorted, pv, np * sizeof *pv);
    double cut = ms_fdr_cut(sorted, np, np, MS_STEP_FDR);
    size_t nf = 0, test = 0;
    p->fig = sorted;   /* its room, no longer needed, holds the steps' figures */
    for (size_t k = 0; k < m->cap && !fail; k++) {
        uint32_t u = (uint32_t)(m->key[k] >> 32), v = (uint32_t)m->key[k];
        if (m->key[k] == UINT64_MAX)
            continue;
        double chance = m->val[k] >= 2 ? pv[test++] : step_chance(s, o, p, u, v, 0);
        if (chance <= cut) {
            sorted[nf++] = expected(p, u, v);
            fail = ms_u64map_add(&p->kept, m->key[k], (uint32_t)nf) == UINT32_MAX;
        }
        if (!fail && step_chance(s, o, p, u, v, 1) <= cut)
            fail = ms_u64map_add(&p->near, m->key[k], 1) == UINT32_MAX;
    }
    free(pv);
    if (fail)
        return -1;
    if (p->band) {   /* only band 0's are described pair by pair */
        free(p->out);
        free(p->in);
        free(p->best);
        p->out = p->in = p->best = NULL;
    }
    return 0;
}

/* Step 2 in each band of the lookahead, the narrowest first. A name with
 * a step in one band has none in wider ones: a list walked so slowly among
 * other failures that its next name is farther than the lookahead is
 * found in a wider band, while the names of a list found nearer are not
 * paired again with what happens to come minutes later (another campaign
 * keeping nearly the same pace would be). A pair can recur only when both
 * its names do: only those go through the filter. */
static int find_band_steps(const ms_store *s, const ms_analyze_opts *o,
                           const uint32_t *st, const uint32_t *names, size_t n,
                           uint32_t *const start[MS_BANDS], pairs *p)
{
    uint32_t *rank = calloc(s->users.n + 1, sizeof *rank);
    uint32_t *byrank = malloc((s->users.n + 1) * sizeof *byrank);
    ms_u64map from = {0}, to = {0};
    if (!rank || !byrank) {
        free(rank);
        free(byrank);
        return -1;
    }
    for (size_t i = 0; i < n; i++)   /* tries, up to 2 */
        rank[names[i]] += rank[names[i]] < 2;
    uint32_t nrecur = 0;
    for (uint32_t u = 0; u <= s->users.n; u++) {
        if (rank[u] == 2)
            byrank[nrecur] = u;
        rank[u] = rank[u] == 2 ? nrecur++ : NO_RANK;
    }
    int rc = 0;
    for (int b = 0; b < MS_BANDS && !rc; b++) {
        p[b].band = b;
        p[b].start = start[b];
        p[b].rank = rank;
        p[b].byrank = byrank;
        p[b].nrecur = nrecur;
        p[b].from = &from;
        p[b].to = &to;
        rc = find_steps(s, o, st, names, n, &p[b]);
        const ms_u64map *m = &p[b].kept;
        for (size_t k = 0; !rc && k < m->cap; k++)
            if (m->key[k] != UINT64_MAX &&
                (ms_u64map_add(&from, m->key[k] >> 32, 1) == UINT32_MAX ||
                 ms_u64map_add(&to, (uint32_t)m->key[k], 1) == UINT32_MAX))
                rc = -1;
    }
    for (int b = 0; b < MS_BANDS; b++) {
        p[b].rank = p[b].byrank = NULL;
        p[b].from = p[b].to = NULL;
        p[b].start = NULL;
    }
    ms_u64map_free(&from);
    ms_u64map_free(&to);
    free(rank);
    free(byrank);
    return rc;
}

/* Step 3: each ip's degree, which tries of the stream fit the list (have a
 * dictionary step to or from another ip's try) and, when out is not NULL,
 * the edges in time order. */
static int find_edges(const ms_store *s, const ms_analyze_opts *o,
                      const uint32_t *st, const uint32_t *names, size_t n,
                      const pairs *p, edge **out, size_t *nout, uint32_t *deg,
                      uint8_t *fit)
{
    size_t cap = 0, ne = 0;
    edge *ev = NULL;
    int fail = 0;
    FOR_STEPS(s, o, st, names, n, NULL, 0, MS_BANDS - 1, {
        if (fail || !ms_u64map_get(&p[band].kept, ms_pair(ui, uj)))
            continue;
        deg[s->ip[ei]]++;
        deg[s->ip[ej]]++;
        fit[i] = fit[j] = 1;
        if (!out)
            continue;
        if (ne == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            edge *q = realloc(ev, ncap * sizeof *q);
            if (!q) {
                fail = 1;
                continue;
            }
            ev = q;
            cap = ncap;
        }
        ev[ne].a = s->ip[ei];
        ev[ne].b = s->ip[ej];
        ne++;
    });
    if (fail) {
        free(ev);
        return -1;
    }
    if (out) {
        *out = ev;
        *nout = ne;
    }
    return 0;
}

/* Each ip's moments: its tries that fit, counted once per stretch of fits
 * no more than handoff_window_s apart. */
static void count_moments(const ms_store *s, const ms_analyze_opts *o,
                          const uint32_t *st, size_t n, const uint8_t *fit,
                          uint32_t *moments, ms_time *last)
{
    const int64_t win = (int64_t)o->handoff_window_s * MS_NS_PER_S;
    for (size_t i = 0; i < n; i++) {
        uint32_t ip = s->ip[st[i]];
        if (!fit[i])
            continue;
        if (last[ip] == MS_TIME_NONE || s->time[st[i]] - last[ip] > win)
            moments[ip]++;
        last[ip] = s->time[st[i]];
    }
}

/* One shuffled stream's search (chance_members): how many of the ips
 * with fewer than k moments reach k moments and two edges on it. */
typedef struct shuffle {
    const ms_store *s;
    const ms_analyze_opts *o;
    const uint32_t *st;
    size_t n;
    uint32_t *const *start;
    const uint32_t *moments;
    uint32_t k;
    uint32_t *names;            /* the stream's names, some shuffled */
    uint32_t *deg, *mom;        /* by ip id */
    ms_time *last;
    uint8_t *fit;               /* by try */
    uint64_t found;
    int fail;
    pthread_t tid;
} shuffle;

static void *search_shuffle(void *arg)
{
    shuffle *j = arg;
    const ms_store *s = j->s;
    size_t nips = s->ips.n + 1;
    memset(j->deg, 0, nips * sizeof *j->deg);
    memset(j->mom, 0, nips * sizeof *j->mom);
    memset(j->fit, 0, j->n ? j->n : 1);
    for (size_t i = 0; i < nips; i++)
        j->last[i] = MS_TIME_NONE;
    pairs p[MS_BANDS] = {0};
    j->fail = find_band_steps(s, j->o, j->st, j->names, j->n, j->start, p) ||
              find_edges(s, j->o, j->st, j->names, j->n, p, NULL, NULL, j->deg, j->fit);
    pairs_free(p);
    if (j->fail)
        return NULL;
    count_moments(s, j->o, j->st, j->n, j->fit, j->mom, j->last);
    j->found = 0;
    for (uint32_t ip = 0; ip < s->ips.n; ip++)
        j->found += j->moments[ip] < j->k && j->deg[ip] >= 2 && j->mom[ip] >= j->k;
    return NULL;
}

/* How many of the ips with fewer than k moments would reach k moments and
 * two edges by chance: the names of their tries are shuffled among those
 * tries (the others keep theirs), and the steps and fits are found again
 * on that stream; the mean over MS_SHUFFLES shuffles (one seed, each
 * shuffle going on from the one before). Two shuffles are searched at
 * once, one on a thread of its own, unless o->threads is 1. -1 when
 * memory ran out. */
#define MS_SHUFFLES_AT_ONCE 2
static double chance_members(const ms_store *s, const ms_analyze_opts *o,
                             const uint32_t *st, const uint32_t *names,
                             size_t n, uint32_t *const start[MS_BANDS],
                             const uint32_t *moments, uint32_t k)
{
    size_t nips = s->ips.n + 1;
    int nj = o->threads == 1 ? 1 : MS_SHUFFLES_AT_ONCE;
    shuffle job[MS_SHUFFLES_AT_ONCE] = {{0}};
    uint32_t *pool = malloc((n ? n : 1) * sizeof *pool);
    double e = -1;
    int ok = pool != NULL;
    for (int j = 0; j < nj; j++) {
        job[j] = (shuffle){.s = s, .o = o, .st = st, .n = n, .start = start,
                           .moments = moments, .k = k};
        job[j].names = malloc((n ? n : 1) * sizeof *job[j].names);
        job[j].deg = malloc(nips * sizeof *job[j].deg);
        job[j].mom = malloc(nips * sizeof *job[j].mom);
        job[j].last = malloc(nips * sizeof *job[j].last);
        job[j].fit = malloc(n ? n : 1);
        ok = ok && job[j].names && job[j].deg && job[j].mom && job[j].last && job[j].fit;
    }
    if (!ok)
        goto out;
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (moments[s->ip[st[i]]] < k)
            pool[np++] = names[i];
    uint64_t rng = 0x9e3779b97f4a7c15u, found = 0;
    /* No try in the pool: no ip that could come in. */
    for (int r = 0; np && r < MS_SHUFFLES; r += nj) {
        int m = MS_SHUFFLES - r < nj ? MS_SHUFFLES - r : nj;
        for (int j = 0; j < m; j++) {
            for (size_t x = np; x > 1; x--) {   /* Fisher-Yates, xorshift64 */
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                size_t y = (size_t)(rng % x);
                uint32_t t = pool[x - 1];
                pool[x - 1] = pool[y];
                pool[y] = t;
            }
            for (size_t i = 0, x = 0; i < n; i++)
                job[j].names[i] = moments[s->ip[st[i]]] < k ? pool[x++] : names[i];
        }
        int started[MS_SHUFFLES_AT_ONCE] = {0};
        for (int j = 1; j < m; j++)
            started[j] = pthread_create(&job[j].tid, NULL, search_shuffle, &job[j]) == 0;
        for (int j = 0; j < m; j++) {
            if (started[j])
                pthread_join(job[j].tid, NULL);
            else
                search_shuffle(&job[j]);
        }
        for (int j = 0; j < m; j++) {
            if (job[j].fail)
                goto out;
            found += job[j].found;
        }
    }
    e = (double)found / MS_SHUFFLES;
out:
    free(pool);
    for (int j = 0; j < nj; j++) {
        free(job[j].names);
        free(job[j].deg);
        free(job[j].mom);
        free(job[j].last);
        free(job[j].fit);
    }
    return e;
}

/* The chance that a try of the background (the tries that fit nothing)
 * fits the list, were its name drawn from the background's names: for
 * each such try, m is the share of the background whose names would make
 * a dictionary step with one of its neighbours, band by band (a pair
 * counted as a step when it would be one with the occurrence that try
 * adds: chance pairs that nearly made a step are pushed over by it, as a
 * scanner's own try is counted in the steps it fits); its chance is
 * 1 - exp(-m); *rate is their mean. -1 when memory ran out. */
static int background_rate(const ms_store *s, const ms_analyze_opts *o,
                           const uint32_t *st, const uint32_t *names, size_t n,
                           const pairs *p, const uint8_t *fit, double *rate)
{
    uint32_t *bg = calloc(s->users.n + 1, sizeof *bg);
    double *m = calloc(n ? n : 1, sizeof *m);
    ms_u64map from[MS_BANDS] = {{0}}, to[MS_BANDS] = {{0}};
    size_t total = 0;
    int rc = -1;
    if (!bg || !m)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (!fit[i]) {
            bg[names[i]]++;
            total++;
        }
    /* from[b]: u -> how many tries of the background have a name v with
     * (u, v) a step of band b; to[b]: v -> those with a name u. */
    for (int b = 0; b < MS_BANDS; b++) {
        const ms_u64map *c = &p[b].near;
        for (size_t k = 0; k < c->cap; k++) {
            uint32_t u = (uint32_t)(c->key[k] >> 32), v = (uint32_t)c->key[k];
            if (c->key[k] != UINT64_MAX &&
                (ms_u64map_add(&from[b], u, bg[v]) == UINT32_MAX ||
                 ms_u64map_add(&to[b], v, bg[u]) == UINT32_MAX))
                goto out;
        }
    }
    FOR_STEPS(s, o, st, names, n, NULL, 0, MS_BANDS - 1, {
        m[j] += ms_u64map_get(&from[band], ui);
        m[i] += ms_u64map_get(&to[band], uj);
    });
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!fit[i])
            sum += 1 - exp(-m[i] / (double)total);
    *rate = total ? sum / (double)total : 0;
    rc = 0;
out:
    free(bg);
    free(m);
    for (int b = 0; b < MS_BANDS; b++) {
        ms_u64map_free(&from[b]);
        ms_u64map_free(&to[b]);
    }
    return rc;
}

/* Step 3, the addresses, first test. An ip with two edges takes part when
 * its fits fall at k moments or more, for the least k at which chance
 * brings in at most MS_MEMBER_CHANCE as many ips as there are such ips
 * (chance_members). A member of a slow campaign comes back hours later
 * and fits again, a scanner tries its names within seconds: on a small
 * server, where hardly anything but the campaign tries its names, k is 1
 * (a campaign may use each address once); among thousands of scanners
 * trying the same names, k grows until their chance fits are left out.
 * Drops the others' degree to 0. */
static int keep_members(const ms_store *s, const ms_analyze_opts *o,
                        const uint32_t *st, const uint32_t *names, size_t n,
                        uint32_t *const start[MS_BANDS], const uint8_t *fit,
                        uint32_t *deg)
{
    size_t nips = s->ips.n + 1;
    uint32_t *moments = calloc(nips, sizeof *moments);
    ms_time *last = malloc(nips * sizeof *last);
    int rc = -1;
    if (!moments || !last)
        goto out;
    for (size_t i = 0; i < nips; i++)
        last[i] = MS_TIME_NONE;
    count_moments(s, o, st, n, fit, moments, last);
    uint32_t k = 1;
    for (;; k++) {
        uint64_t members = 0;
        for (uint32_t ip = 0; ip < s->ips.n; ip++)
            members += deg[ip] >= 2 && moments[ip] >= k;
        if (!members)
            break;
        double e = chance_members(s, o, st, names, n, start, moments, k);
        if (e < 0)
            goto out;
        if (e <= MS_MEMBER_CHANCE * (double)members)
            break;
    }
    for (uint32_t ip = 0; ip < s->ips.n; ip++)
        if (moments[ip] < k)
            deg[ip] = 0;
    rc = 0;
out:
    free(moments);
    free(last);
    return rc;
}

/* Step 3, second test. Among thousands of scanners trying the list's names
 * many times each, nearly every one fits at many moments by chance, so
 * the first test's chance pool (the ips that fit nothing) is empty; but a
 * scanner fits at the background's rate and a member nearly every time.
 * Each ip left gets the chance that n tries fitting at the background's
 * rate (background_rate) fit as often as its tries did, binomially; the
 * members are those the Benjamini-Hochberg rule keeps at a false discovery
 * rate of MS_MEMBER_CHANCE, over the share of them that could be chance
 * (ms_null_share): on a small server, where the background rarely fits,
 * all of them. Drops the others' degree to 0. */
static int keep_above_chance(const ms_store *s, const ms_analyze_opts *o,
                             const uint32_t *st, const uint32_t *names,
                             size_t n, const pairs *p, const uint8_t *fit,
                             uint32_t *deg)
{
    size_t nips = s->ips.n + 1, np = 0;
    uint32_t *tries = calloc(nips, sizeof *tries), *fits = calloc(nips, sizeof *fits);
    double *pv = malloc(nips * sizeof *pv), *sorted = malloc(nips * sizeof *sorted);
    double rate;
    int rc = -1;
    if (!tries || !fits || !pv || !sorted ||
        background_rate(s, o, st, names, n, p, fit, &rate))
        goto out;
    for (size_t i = 0; i < n; i++) {
        tries[s->ip[st[i]]]++;
        fits[s->ip[st[i]]] += fit[i];
    }
    for (uint32_t ip = 0; ip < s->ips.n; ip++)
        if (deg[ip] >= 2)
            sorted[np++] = pv[ip] = ms_binomial_tail(tries[ip], fits[ip], rate);
    double cut = ms_fdr_cut(sorted, np, np,
                            MS_MEMBER_CHANCE / ms_null_share(sorted, np));
    for (uint32_t ip = 0; ip < s->ips.n; ip++)
        if (deg[ip] >= 2 && pv[ip] > cut)
            deg[ip] = 0;
    rc = 0;
out:
    free(tries);
    free(fits);
    free(pv);
    free(sorted);
    return rc;
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

/* The walking order: from the first name tried that another member's try
 * followed (a lone try before the walk is no part of it), follow the most
 * frequent next name not yet in the order. */
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
        if (prev != UINT32_MAX && s->ip[e] != prev_ip &&
            s->time[e] - prev_t <= (int64_t)o->handoff_window_s * MS_NS_PER_S) {
            handoffs[nh++] = s->time[e] - prev_t;
            if (prev != s->user[e] &&
                ms_u64map_add(&next, ms_pair(prev, s->user[e]), 1) == UINT32_MAX)
                goto fail;
            if (prev != s->user[e] && start == UINT32_MAX)
                start = prev;
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

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median_d(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The steps of c's order as the whole stream counted them, each in the
 * first band of the lookahead in which it is a dictionary step (else in
 * the first band): the median count, the median count chance predicts,
 * and the median count of their reverses; all -1 when no step of the
 * order recurred. */
static int order_steps(const pairs *p, const ms_cluster *c, double fig[3])
{
    fig[0] = fig[1] = fig[2] = -1;
    size_t n = c->norder ? c->norder - 1 : 0, k = 0;
    double *v = malloc((3 * n + 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = c->order[i], b = c->order[i + 1], f = 0;
        const pairs *q = p;
        for (int band = 0; band < MS_BANDS && !f; band++)
            if ((f = ms_u64map_get(&p[band].kept, ms_pair(a, b))))
                q = &p[band];
        uint32_t got = ms_u64map_get(&q->count, ms_pair(a, b));
        if (!got)
            continue;
        v[k] = got;
        v[n + k] = f ? q->fig[f - 1] : expected(p, a, b);
        v[2 * n + k++] = ms_u64map_get(&q->count, ms_pair(b, a));
    }
    for (int f = 0; k && f < 3; f++)
        fig[f] = median_d(v + (size_t)f * n, k);
    free(v);
    return 0;
}

static int describe(const ms_store *s, const pairs *p, ms_cluster *c,
                    ms_analysis *a, int64_t *gaps)
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
    double fig[3];
    if (order_steps(p, c, fig))
        return -1;
    char span[32], hand[32], gap[32], buf[1024], steps[256] = "";
    if (fig[0] >= 0)
        snprintf(steps, sizeof steps,
                 "each step of that order was taken a median %.3g times "
                 "from one IP to the next, where chance predicts %.2g from "
                 "how often its names were tried, and %.3g times the other "
                 "way round", fig[0], fig[1], fig[2]);
    c->steps = ms_arena_strndup(&a->arena, steps, strlen(steps));
    if (!c->steps)
        return -1;
    ms_duration_format(c->first == MS_TIME_NONE
                           ? -1 : (double)(c->last - c->first) / 1e9,
                       span, sizeof span);
    ms_duration_format(c->median_handoff_s, hand, sizeof hand);
    ms_duration_format(c->median_ip_gap_s, gap, sizeof gap);
    snprintf(buf, sizeof buf,
             "%zu IPs walked one list of %zu%s usernames in the same order%s%s%s; "
             "%llu tries over %s; consecutive tries came from different IPs "
             "a median %s apart, while each IP waited a median %s between "
             "its own tries",
             c->nmembers, c->norder, c->norder == 256 ? "+" : "",
             c->domain_then_bare ? " (name@domain, then name)" : "",
             *steps ? "; " : "", steps,
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
    pairs p[MS_BANDS] = {0};
    uint32_t *start[MS_BANDS] = {NULL};
    uint32_t *st = build_stream(s, a, &n);
    uint32_t *deg = calloc(s->ips.n + 1, sizeof *deg);
    uint8_t *fit = calloc(n + 1, 1);
    uint32_t *names = malloc((n + 1) * sizeof *names);
    u.parent = malloc((s->ips.n + 1) * sizeof *u.parent);
    u.size = malloc((s->ips.n + 1) * sizeof *u.size);
    if (!st || !deg || !fit || !names || !u.parent || !u.size)
        goto out;
    for (size_t i = 0; i < n; i++)
        names[i] = s->user[st[i]];
    for (uint32_t i = 0; i < s->ips.n; i++) {
        u.parent[i] = i;
        u.size[i] = 1;
    }
    if (band_starts(s, o, st, n, start) ||
        find_band_steps(s, o, st, names, n, start, p) ||
        find_edges(s, o, st, names, n, p, &ev, &ne, deg, fit) ||
        keep_members(s, o, st, names, n, start, fit, deg) ||
        keep_above_chance(s, o, st, names, n, p, fit, deg) || group(&u, ev, ne, deg))
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
    for (size_t g = 0; g < ng; g++)
        if (infer_order(s, o, st, n, a, a->clusters[g].id, &a->clusters[g], &a->arena))
            goto out;
    /* A list of one name is no order: such a group is no campaign. */
    size_t kept_n = 0;
    for (size_t g = 0; g < ng; g++) {
        ms_cluster c = a->clusters[g];
        c.id = c.norder >= 2 ? (uint32_t)kept_n + 1 : 0;
        for (size_t m = 0; m < c.nmembers; m++)
            a->ip[c.members[m]].cluster = c.id;
        if (c.id)
            a->clusters[kept_n++] = c;
    }
    a->nclusters = kept_n;
    for (size_t g = 0; g < kept_n; g++)
        if (describe(s, p, &a->clusters[g], a, gaps))
            goto out;
    rc = 0;
out:
    pairs_free(p);
    for (int b = 1; b < MS_BANDS; b++)
        free(start[b]);
    free(st);
    free(deg);
    free(fit);
    free(names);
    free(ev);
    free(u.parent);
    free(u.size);
    free(groups);
    free(gaps);
    return rc;
}
