/* ipstats.c — per-ip figures (see ipstats.h). Each ip's events are already
 * in time order (store.h); distinct names come from sorting a copy of the
 * ip's user ids, so the cost is O(k log k) for an ip with k events. Days
 * with a login and bursts are one pass each over the ip's events (a
 * window of two pointers for the burst). */
#include "ipstats.h"

#include <stdint.h>
#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median of n values (sorted in place), in seconds; -1 when n == 0. */
static double median_ns(int64_t *v, size_t n)
{
    if (n == 0)
        return -1;
    qsort(v, n, sizeof *v, cmp_i64);
    double m = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + v[n / 2]) / 2;
    return m / 1e9;
}

int ms_store_ip_real(const ms_store *s, uint32_t id)
{
    return s->ips.len[id] == sizeof(ms_ip) && !ms_ip_is_unset(ms_store_ip(s, id));
}

/* Names of the ip's events: distinct, and split by outcome. *tmp has room
 * for 2k ids. */
static void names(const ms_store *s, const ms_analyze_opts *o, const uint32_t *ev,
                  size_t k, uint32_t *tmp, ms_ipinfo *info)
{
    size_t nf = 0, nok = 0, nall = 0;
    uint32_t *ok = tmp + k;
    for (size_t i = 0; i < k; i++) {
        uint32_t e = ev[i], u = s->user[e];
        if (ms_store_outcome(s, e) == MS_OUT_AUTH_OK)
            ok[nok++] = u;
        else if (ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL && u != 0)
            tmp[nf++] = u;
    }
    qsort(tmp, nf, sizeof *tmp, cmp_u32);
    qsort(ok, nok, sizeof *ok, cmp_u32);
    size_t i = 0, j = 0;
    while (i < nf || j < nok) {
        int from_f = j >= nok || (i < nf && tmp[i] <= ok[j]);
        uint32_t u = from_f ? tmp[i] : ok[j];
        int failed = i < nf && tmp[i] == u, succeeded = j < nok && ok[j] == u;
        while (i < nf && tmp[i] == u)
            i++;
        while (j < nok && ok[j] == u)
            j++;
        nall++;
        if (succeeded)
            info->success_users++;
        if (failed && !succeeded) {
            info->fail_users++;
            if (o->real_users && ms_intern_get(o->real_users, s->users.str[u],
                                               s->users.len[u]) == UINT32_MAX)
                info->unknown_users++;
        }
    }
    info->distinct_users = (uint32_t)nall;
}

/* Most failures + connections within any 60-minute window; t has room
 * for k times. */
static void peak(const ms_store *s, const uint32_t *ev, size_t k, int64_t *t,
                 ms_ipinfo *info)
{
    const int64_t hour = 3600 * MS_NS_PER_S;
    size_t n = 0, lo = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t e = ev[i];
        uint8_t out = ms_store_outcome(s, e);
        if ((out == MS_OUT_AUTH_FAIL || out == MS_OUT_CONNECT) &&
            s->time[e] != MS_TIME_NONE)
            t[n++] = s->time[e];
    }
    for (size_t hi = 0; hi < n; hi++) {
        while (t[hi] - t[lo] >= hour)
            lo++;
        if (hi - lo + 1 > info->peak_hour) {
            info->peak_hour = (uint32_t)(hi - lo + 1);
            info->peak_hour_span_s = (uint32_t)((t[hi] - t[lo]) / MS_NS_PER_S);
        }
    }
}

int ms_held(const ms_store *s, const ms_analysis *a, uint32_t e)
{
    return ms_store_outcome(s, e) == MS_OUT_AUTH_FAIL &&
           a->honest[e] == MS_HONEST_NO;
}

uint32_t ms_densest(const ms_store *s, const ms_analysis *a, uint32_t ip,
                    int64_t secs, ms_keep_fn keep, uint32_t *span_s,
                    size_t *start)
{
    const int64_t win = secs * MS_NS_PER_S;
    const uint32_t *ev = s->by_ip + s->ip_start[ip];
    size_t k = s->ip_start[ip + 1] - s->ip_start[ip], lo = 0;
    uint64_t sum = 0, best = 0;
    *span_s = 0;
    *start = 0;
#define IN(i) (s->time[ev[i]] != MS_TIME_NONE && keep(s, a, ev[i]))
    for (size_t hi = 0; hi < k; hi++) {
        if (!IN(hi))
            continue;
        sum += ms_store_attempts(s, ev[hi]);
        while (!IN(lo) || s->time[ev[hi]] - s->time[ev[lo]] > win) {
            if (IN(lo))
                sum -= ms_store_attempts(s, ev[lo]);
            lo++;
        }
        if (sum > best) {
            best = sum;
            *span_s = (uint32_t)((s->time[ev[hi]] - s->time[ev[lo]]) / MS_NS_PER_S);
            *start = lo;
        }
    }
#undef IN
    return best > UINT32_MAX ? UINT32_MAX : (uint32_t)best;
}

void ms_burst(const ms_store *s, ms_analysis *a, uint32_t ip)
{
    size_t start;
    ms_ipinfo *in = &a->ip[ip];
    in->burst = ms_densest(s, a, ip, MS_BURST_WINDOW_S, ms_held,
                           &in->burst_span_s, &start);
}

int ms_ipstats(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t maxk = 0;
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        size_t k = ms_store_ip_count(s, ip);
        if (k > maxk)
            maxk = k;
    }
    uint32_t *tmp = malloc((2 * maxk + 1) * sizeof *tmp);
    int64_t *gaps = malloc((maxk + 1) * sizeof *gaps);
    ms_store_view v;
    if (!tmp || !gaps || ms_store_view_open(s, &v)) {
        free(tmp);
        free(gaps);
        return -1;
    }
    for (uint32_t at = 0; at < s->ips.n; at++) {
        uint32_t ip = ms_store_ip_at(s, at);
        ms_ipinfo *info = &a->ip[ip];
        size_t k, ng = 0;
        const uint32_t *ev = ms_store_ip_events(&v, ip, &k);
        int64_t last_day = INT64_MIN;
        info->first = info->last = MS_TIME_NONE;
        info->median_gap_s = -1;
        info->country = info->asn = info->as_org = "";
        info->reasons = "";
        info->confidence = "low";
        info->events = (uint32_t)k;
        for (size_t i = 0; i < k; i++) {
            uint32_t e = ev[i];
            switch (ms_store_outcome(s, e)) {
            case MS_OUT_AUTH_FAIL:
                info->failures += ms_store_attempts(s, e);
                break;
            case MS_OUT_AUTH_OK:
                info->successes++;
                if (s->time[e] != MS_TIME_NONE) {
                    const int64_t d = 86400 * MS_NS_PER_S;
                    int64_t day = s->time[e] / d - (s->time[e] % d < 0);
                    info->success_days += day != last_day;
                    last_day = day;
                }
                break;
            case MS_OUT_RELAY_DENIED: info->relays++; break;
            case MS_OUT_CONNECT: info->connects++; break;
            default: break;
            }
            ms_time t = s->time[e];
            if (t == MS_TIME_NONE)
                continue;
            if (info->first == MS_TIME_NONE)
                info->first = t;
            else
                gaps[ng++] = t - info->last;
            info->last = t;
        }
        info->median_gap_s = median_ns(gaps, ng);
        names(s, o, ev, k, tmp, info);
        peak(s, ev, k, gaps, info);
        if (o->ignore && ms_store_ip_real(s, ip) &&
            ms_cidr_list_contains(o->ignore, ms_store_ip(s, ip)))
            info->ignored = 1;
    }
    ms_store_view_close(&v);
    free(tmp);
    free(gaps);
    return ms_store_check(s, NULL);
}
