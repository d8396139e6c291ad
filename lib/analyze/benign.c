/* benign.c — failures that honest use explains (see analysis.h,
 * ms_honest). Looked at per ip, in time order:
 *   fallback  a success from the same ip within FALLBACK_S seconds, for the
 *             same name (a client trying one auth method, then the next);
 *   typo      the name is a near miss (typos.h) of a name that logs in
 *             from this ip at any time, before or after (among the first
 *             TYPO_TARGETS names that do): the user's own slip. A typo is
 *             not "another username" for the ip;
 *   stale     the name succeeds from this ip at some time, and the ip failed
 *             on at most two names that never succeeded here and are not
 *             typos (a phone with an old password, next to the same user's
 *             working devices);
 *   shared    an address where three or more names log in (carrier NAT, an
 *             office), failing for a name that logs in there or, with
 *             --users, for a real account.
 * After campaigns (ms_benign_real), an address that never logs in may
 * still be a real user's: when every name it failed on is one real
 * account (--users) or a near miss of it, at least one a near miss, at
 * most MS_TYPO_NAMES names, in no campaign and no fast robot, its named
 * failures are that user's typos; with a single name, only when slower
 * than a burst (one name hammered is a robot's as much as a person's).
 * Real accounts are found through a near-miss index (typos.h), each name
 * looked up once. The rule runs once before campaigns too, for addresses
 * with EARLY_TRIES failures on two or more names (a session of a person
 * trying their name and slips of it), so that such a session, held
 * against nobody, is not taken for the tries of a campaign it happens to
 * overlap; a campaign member tries a name or two, hours apart.
 * Everything else counts against the ip. */
#include "ipstats.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/typos.h"

#define FALLBACK_S 60
#define FALLBACK_LOOKS 64   /* successes a failure is compared with, at most */
#define NO_OK UINT32_MAX
#define OK_NAMES 4097   /* names that succeed at one address, at most kept */
#define TYPO_TARGETS 64 /* … of them, the first, that typos are compared with */
#define EARLY_TRIES 3   /* failures of a user's session, before campaigns */

const char *ms_honest_name(ms_honest h)
{
    static const char *const names[MS_HONEST__COUNT] = {
        "", "auth-method fallback", "near-miss username", "stale password",
        "shared address",
    };
    return h < MS_HONEST__COUNT ? names[h] : "";
}

static int has(const uint32_t *v, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int is_real(const ms_store *s, const ms_analyze_opts *o, uint32_t u)
{
    return o->real_users && u != 0 &&
           ms_intern_get(o->real_users, s->users.str[u], s->users.len[u]) !=
               UINT32_MAX;
}

/* One ip's names, for judge: next_ok[i] is the index of the first success
 * after event i (NO_OK: none); ok are the names that succeed, sorted;
 * failed the names that fail, sorted, with typo[j] the name failed[j] is
 * a slip of (0: none). */
typedef struct ip_names {
    uint32_t *next_ok;
    uint32_t *ok, *targets;
    size_t nok, ntargets;
    uint32_t *failed, *typo;
    size_t nfailed;
} ip_names;

static uint32_t typo_of(const ip_names *n, uint32_t u)
{
    const uint32_t *p = bsearch(&u, n->failed, n->nfailed, sizeof u, cmp_u32);
    return p ? n->typo[p - n->failed] : 0;
}

/* A failure is compared with the successes of the next FALLBACK_S seconds
 * only, and with FALLBACK_LOOKS of them at most: a minute of thousands of
 * failures and successes from one address costs no more than that. */
static ms_honest judge(const ms_store *s, const ms_analyze_opts *o,
                       const ms_ipinfo *info, const uint32_t *ev, size_t i,
                       const ip_names *n)
{
    uint32_t e = ev[i], u = s->user[e];
    ms_time t = s->time[e];
    unsigned looks = 0;
    for (uint32_t j = n->next_ok[i];
         j != NO_OK && t != MS_TIME_NONE && looks++ < FALLBACK_LOOKS;
         j = n->next_ok[j]) {
        uint32_t f = ev[j];
        if (s->time[f] - t > FALLBACK_S * MS_NS_PER_S)
            break;
        if (u == s->user[f] || u == 0)
            return MS_HONEST_FALLBACK;
    }
    if (u != 0 && typo_of(n, u))
        return MS_HONEST_TYPO;
    int succeeds_here = u != 0 && n->nok &&
                        bsearch(&u, n->ok, n->nok, sizeof u, cmp_u32) != NULL;
    if (succeeds_here && info->fail_users - info->typo_users <= 2)
        return MS_HONEST_STALE;
    if (info->success_users >= 3 && (succeeds_here || is_real(s, o, u)))
        return MS_HONEST_SHARED;
    return MS_HONEST_NO;
}

/* The ip's names (n's arrays have room for k), and its typo figures. */
static void gather(const ms_store *s, const ms_analyze_opts *o,
                   const uint32_t *ev, size_t k, ip_names *n, ms_ipinfo *info)
{
    uint32_t after = NO_OK;
    for (size_t i = k; i-- > 0;) {
        n->next_ok[i] = after;
        if (ms_store_outcome(s, ev[i]) == MS_OUT_AUTH_OK)
            after = (uint32_t)i;
    }
    n->nok = n->ntargets = n->nfailed = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t e = ev[i], u = s->user[e];
        if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && u != 0)
            n->failed[n->nfailed++] = u;
        /* The names that succeed here: few, so a plain list will do; a
         * huge shared address keeps enough of them to judge. */
        if (ms_store_outcome(s, e) != MS_OUT_AUTH_OK || n->nok == OK_NAMES ||
            has(n->ok, n->nok, u))
            continue;
        n->ok[n->nok++] = u;
        if (n->ntargets < TYPO_TARGETS)
            n->targets[n->ntargets++] = u;
    }
    qsort(n->ok, n->nok, sizeof *n->ok, cmp_u32);
    qsort(n->failed, n->nfailed, sizeof *n->failed, cmp_u32);
    size_t m = 0;
    for (size_t j = 0; j < n->nfailed; j++)
        if (m == 0 || n->failed[m - 1] != n->failed[j])
            n->failed[m++] = n->failed[j];
    n->nfailed = m;
    for (size_t j = 0; j < m; j++) {
        uint32_t u = n->failed[j];
        n->typo[j] = 0;
        if (bsearch(&u, n->ok, n->nok, sizeof u, cmp_u32))
            continue;   /* it logs in here: not a slip */
        for (size_t t = 0; t < n->ntargets && !n->typo[j]; t++) {
            uint32_t v = n->targets[t];
            if (ms_near_miss(s->users.str[u], s->users.len[u],
                             s->users.str[v], s->users.len[v]))
                n->typo[j] = v;
        }
        if (!n->typo[j])
            continue;
        info->typo_users++;
        if (o->real_users && !is_real(s, o, u))
            info->typo_unknown++;
        if (!info->typo_of) {
            info->typo_of = s->users.str[n->typo[j]];
            info->typo_of_len = s->users.len[n->typo[j]];
        }
    }
}

static void mark(const ms_store *s, ms_analysis *a, uint32_t e, ms_honest h)
{
    a->honest[e] = (uint8_t)h;
    if (h != MS_HONEST_NO) {
        a->ip[s->ip[e]].honest_failures += ms_store_attempts(s, e);
        a->honest_count[h] += ms_store_attempts(s, e);
    }
}

int ms_benign(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t cap = 0;
    ip_names n = {0};
    n.ok = malloc(OK_NAMES * sizeof *n.ok);
    n.targets = malloc(TYPO_TARGETS * sizeof *n.targets);
    ms_store_view v;
    int rc = n.ok && n.targets ? ms_store_view_open(s, &v) : -1;
    int opened = rc == 0;
    for (uint32_t at = 0; at < s->ips.n && rc == 0; at++) {
        uint32_t ip = ms_store_ip_at(s, at);
        ms_ipinfo *info = &a->ip[ip];
        if (info->failures == 0)
            continue;
        size_t k;
        const uint32_t *ev = ms_store_ip_events(&v, ip, &k);
        if (k > cap) {
            uint32_t *p = realloc(n.next_ok, k * sizeof *p);
            uint32_t *f = p ? realloc(n.failed, k * sizeof *f) : NULL;
            uint32_t *t = f ? realloc(n.typo, k * sizeof *t) : NULL;
            n.next_ok = p ? p : n.next_ok;
            n.failed = f ? f : n.failed;
            n.typo = t ? t : n.typo;
            if (!t) {
                rc = -1;
                break;
            }
            cap = k;
        }
        gather(s, o, ev, k, &n, info);
        for (size_t i = 0; i < k; i++)
            if (ms_store_outcome(s, ev[i]) == MS_OUT_AUTH_FAIL)
                mark(s, a, ev[i], judge(s, o, info, ev, i, &n));
    }
    if (opened)
        ms_store_view_close(&v);
    free(n.ok);
    free(n.targets);
    free(n.next_ok);
    free(n.failed);
    free(n.typo);
    return rc;
}

/* ---- after campaigns: a real account's owner who cannot log in --------- */

static int may_be_a_user(const ms_store *s, const ms_analysis *a, uint32_t ip,
                         int early)
{
    const ms_ipinfo *in = &a->ip[ip];
    return ms_store_ip_real(s, ip) && in->failures && !in->successes &&
           !in->honest_failures && !in->cluster && !a->fast[ip] &&
           in->fail_users >= (early ? 2u : 1u) && in->fail_users <= MS_TYPO_NAMES &&
           (!early || in->failures >= EARLY_TRIES);
}

/* The real account u is a slip of, or UINT32_MAX; each name looked up
 * once (seen: name id -> account id + 2, 1 for none). */
static uint32_t real_typo(const ms_store *s, const ms_typo_index *x,
                          ms_u64map *seen, uint32_t u, int *fail)
{
    uint32_t v = ms_u64map_get(seen, u);
    if (v)
        return v - 2;
    uint32_t r = ms_typo_index_find(x, s->users.str[u], s->users.len[u]);
    if (ms_u64map_add(seen, u, r + 2) == UINT32_MAX)
        *fail = 1;
    return r;
}

/* The real account all of the ip's names are (itself, or near misses of
 * it), as a string of o->real_users, or NULL. *nnames: distinct names. */
static const char *one_account(const ms_store *s, const ms_analyze_opts *o,
                               const ms_typo_index *x, ms_u64map *seen,
                               uint32_t ip, uint32_t *names, size_t *nnames,
                               size_t *rlen, int *fail)
{
    size_t n = 0;
    for (uint32_t i = s->ip_start[ip]; i < s->ip_start[ip + 1]; i++) {
        uint32_t e = s->by_ip[i], u = s->user[e];
        if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && u &&
            !has(names, n, u))
            names[n++] = u;   /* fail_users <= MS_TYPO_NAMES: room enough */
    }
    *nnames = n;
    uint32_t r = UINT32_MAX;
    for (size_t j = 0; j < n && r == UINT32_MAX; j++)
        r = ms_intern_get(o->real_users, s->users.str[names[j]],
                          s->users.len[names[j]]);
    if (r == UINT32_MAX && n)
        r = real_typo(s, x, seen, names[0], fail);
    if (r == UINT32_MAX)
        return NULL;
    const char *rs = o->real_users->str[r];
    *rlen = o->real_users->len[r];
    for (size_t j = 0; j < n; j++) {
        uint32_t u = names[j];
        int same = s->users.len[u] == *rlen && !memcmp(s->users.str[u], rs, *rlen);
        if (!same && (is_real(s, o, u) ||
                      !ms_near_miss(s->users.str[u], s->users.len[u], rs, *rlen)))
            return NULL;
    }
    return rs;
}

int ms_benign_real(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a,
                   int early)
{
    for (uint32_t ip = 0; ip < s->ips.n && !early; ip++)
        ms_burst(s, a, ip);
    if (!o->real_users || o->real_users->n < 2)
        return 0;
    ms_typo_index x;
    ms_u64map seen = {0};
    int built = 0, fail = 0;
    for (uint32_t ip = 0; ip < s->ips.n && !fail; ip++) {
        if (!may_be_a_user(s, a, ip, early))
            continue;
        if (!built && ms_typo_index_init(&x, o->real_users))
            return -1;
        built = 1;
        uint32_t names[MS_TYPO_NAMES];
        size_t n, rlen = 0;
        const char *r = one_account(s, o, &x, &seen, ip, names, &n, &rlen, &fail);
        ms_ipinfo *in = &a->ip[ip];
        /* One name, tried as fast as a burst, is a robot's as much as a
         * person's; two forms of one account are a person's. */
        uint32_t slips = 0;
        for (size_t j = 0; r && j < n; j++)
            slips += !(s->users.len[names[j]] == rlen &&
                       !memcmp(s->users.str[names[j]], r, rlen));
        if (!r || !slips || (n < 2 && in->burst >= MS_BURST_FAILS))
            continue;
        for (uint32_t i = s->ip_start[ip]; i < s->ip_start[ip + 1]; i++) {
            uint32_t e = s->by_ip[i];
            if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && s->user[e])
                mark(s, a, e, MS_HONEST_TYPO);
        }
        in->typo_users = in->typo_unknown = slips;
        in->typo_of = r;
        in->typo_of_len = (uint32_t)rlen;
        ms_burst(s, a, ip);
    }
    if (built)
        ms_typo_index_free(&x);
    ms_u64map_free(&seen);
    return fail ? -1 : 0;
}
