/* benign.c — failures that honest use explains (see analysis.h,
 * ms_honest). Looked at per ip, in time order:
 *   fallback  a success from the same ip within FALLBACK_S seconds, for the
 *             same name (a client trying one auth method, then the next);
 *   typo      the same, for a near-miss name (`dann` then `dan`);
 *   stale     the name succeeds from this ip at some time, and the ip failed
 *             on at most two names that never succeeded here (a phone with
 *             an old password, next to the same user's working devices);
 *   shared    an address where three or more names log in (carrier NAT, an
 *             office), failing for a name that logs in there or, with
 *             --users, for a real account.
 * Everything else counts against the ip. */
#include "ipstats.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define FALLBACK_S 60
#define FALLBACK_LOOKS 64   /* successes a failure is compared with, at most */
#define NO_OK UINT32_MAX
#define OK_NAMES 4097   /* names that succeed at one address, at most kept */

const char *ms_honest_name(ms_honest h)
{
    static const char *const names[MS_HONEST__COUNT] = {
        "", "auth-method fallback", "near-miss username", "stale password",
        "shared address",
    };
    return h < MS_HONEST__COUNT ? names[h] : "";
}

int ms_near_miss(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && strncasecmp(a, b, an) == 0)
        return 1;
    const char *at_a = memchr(a, '@', an), *at_b = memchr(b, '@', bn);
    size_t la = at_a ? (size_t)(at_a - a) : an, lb = at_b ? (size_t)(at_b - b) : bn;
    if (la == lb && la > 0 && memcmp(a, b, la) == 0)
        return 1;
    if (an > 64 || bn > 64)
        return 0;
    /* Levenshtein distance, two rows. */
    unsigned prev[65], cur[65];
    for (size_t j = 0; j <= bn; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= bn; j++) {
            unsigned sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
                                          tolower((unsigned char)b[j - 1]));
            unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (bn + 1) * sizeof *cur);
    }
    size_t shorter = an < bn ? an : bn;
    return prev[bn] <= (shorter <= 4 ? 1u : 2u);
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

/* The successes of one ip, for judge: next_ok[i] is the index of the first
 * success after event i (NO_OK: none); users are the names that succeed,
 * sorted. */
typedef struct ip_oks {
    const uint32_t *next_ok;
    const uint32_t *users;
    size_t nusers;
} ip_oks;

/* A failure is compared with the successes of the next FALLBACK_S seconds
 * only, and with FALLBACK_LOOKS of them at most: a minute of thousands of
 * failures and successes from one address costs no more than that. */
static ms_honest judge(const ms_store *s, const ms_analyze_opts *o,
                       const ms_ipinfo *info, const uint32_t *ev, size_t k,
                       size_t i, const ip_oks *oks)
{
    uint32_t e = ev[i], u = s->user[e];
    ms_time t = s->time[e];
    unsigned looks = 0;
    for (uint32_t j = oks->next_ok[i];
         j != NO_OK && t != MS_TIME_NONE && looks++ < FALLBACK_LOOKS;
         j = oks->next_ok[j]) {
        uint32_t f = ev[j];
        if (s->time[f] - t > FALLBACK_S * MS_NS_PER_S)
            break;
        uint32_t v = s->user[f];
        if (u == v || u == 0)
            return MS_HONEST_FALLBACK;
        if (ms_near_miss(s->users.str[u], s->users.len[u], s->users.str[v],
                         s->users.len[v]))
            return MS_HONEST_TYPO;
    }
    int succeeds_here = u != 0 && oks->nusers &&
                        bsearch(&u, oks->users, oks->nusers, sizeof u,
                                cmp_u32) != NULL;
    if (succeeds_here && info->fail_users <= 2)
        return MS_HONEST_STALE;
    if (info->success_users >= 3) {
        int real = o->real_users && u != 0 &&
                   ms_intern_get(o->real_users, s->users.str[u],
                                 s->users.len[u]) != UINT32_MAX;
        if (succeeds_here || real)
            return MS_HONEST_SHARED;
    }
    return MS_HONEST_NO;
}

int ms_benign(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t next_cap = 0;
    uint32_t *ok = malloc(OK_NAMES * sizeof *ok), *next_ok = NULL;
    int rc = ok ? 0 : -1;
    for (uint32_t ip = 0; ip < s->ips.n && rc == 0; ip++) {
        ms_ipinfo *info = &a->ip[ip];
        if (info->failures == 0)
            continue;
        const uint32_t *ev = s->by_ip + s->ip_start[ip];
        size_t k = s->ip_start[ip + 1] - s->ip_start[ip], nok = 0;
        if (k > next_cap) {
            uint32_t *p = realloc(next_ok, k * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            next_ok = p;
            next_cap = k;
        }
        uint32_t after = NO_OK;
        for (size_t i = k; i-- > 0;) {
            next_ok[i] = after;
            if (s->outcome[ev[i]] == MS_OUT_AUTH_OK)
                after = (uint32_t)i;
        }
        /* The names that succeed here: few, so a plain list will do. */
        for (size_t i = 0; i < k; i++) {
            uint32_t e = ev[i];
            if (s->outcome[e] != MS_OUT_AUTH_OK || has(ok, nok, s->user[e]))
                continue;
            ok[nok++] = s->user[e];
            if (nok == OK_NAMES)   /* a huge shared address: enough to judge */
                break;
        }
        if (nok > 1)
            qsort(ok, nok, sizeof *ok, cmp_u32);
        ip_oks oks = {next_ok, ok, nok};
        for (size_t i = 0; i < k; i++) {
            uint32_t e = ev[i];
            if (s->outcome[e] != MS_OUT_AUTH_FAIL)
                continue;
            ms_honest h = judge(s, o, info, ev, k, i, &oks);
            a->honest[e] = (uint8_t)h;
            if (h != MS_HONEST_NO) {
                info->honest_failures += s->attempts[e];
                a->honest_count[h] += s->attempts[e];
            }
        }
    }
    free(ok);
    free(next_ok);
    return rc;
}
