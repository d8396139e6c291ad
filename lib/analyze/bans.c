/* bans.c — see bans.h. Banned ips are sorted by address, so the ips of one
 * block are adjacent; a block is folded only when every ip of the store in
 * it that logged in is absent, which the same sort by address makes a
 * single pass over all ips. */
#include "bans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ms_store *sort_store;

static int cmp_ip_ids(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return ms_ip_cmp(ms_store_ip(sort_store, a), ms_store_ip(sort_store, b));
}

static ms_cidr block_of(const ms_ip *ip)
{
    return ms_cidr_of(ip, ms_ip_is_v4(ip) ? 96 + 24 : 64);
}

static void single(const ms_store *s, const ms_analysis *a, uint32_t ip, ms_ban *b)
{
    const ms_ipinfo *in = &a->ip[ip];
    memset(b, 0, sizeof *b);
    b->net = ms_cidr_of(ms_store_ip(s, ip), 128);
    b->score = in->score;
    b->confidence = in->confidence;
    b->reasons = in->reasons;
    b->first = in->first;
    b->last = in->last;
    b->failures = in->failures;
    b->cluster = in->cluster;
    b->nips = 1;
}

/* Fold banned ips [lo, hi) of one block into b. */
static int fold(const ms_store *s, ms_analysis *a, const uint32_t *ids,
                size_t lo, size_t hi, ms_ban *b)
{
    single(s, a, ids[lo], b);
    b->net = block_of(ms_store_ip(s, ids[lo]));
    b->nips = (uint32_t)(hi - lo);
    for (size_t i = lo + 1; i < hi; i++) {
        const ms_ipinfo *in = &a->ip[ids[i]];
        if (in->score > b->score) {
            b->score = in->score;
            b->confidence = in->confidence;
            b->reasons = in->reasons;
        }
        if (in->first != MS_TIME_NONE && (b->first == MS_TIME_NONE || in->first < b->first))
            b->first = in->first;
        if (in->last > b->last)
            b->last = in->last;
        b->failures += in->failures;
        if (in->cluster != b->cluster)
            b->cluster = 0;
    }
    char buf[640];
    snprintf(buf, sizeof buf, "%u banned addresses in this block, none that "
             "logged in; strongest: %s", b->nips, b->reasons);
    b->reasons = ms_arena_strndup(&a->arena, buf, strlen(buf));
    return b->reasons ? 0 : -1;
}

int ms_ban_list(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    size_t nb = 0, nall = 0;
    uint32_t *ids = malloc((s->ips.n + 1) * sizeof *ids);
    uint32_t *all = malloc((s->ips.n + 1) * sizeof *all);
    if (!ids || !all) {
        free(ids);
        free(all);
        return -1;
    }
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        if (!ms_store_ip_real(s, ip))
            continue;
        all[nall++] = ip;
        if (a->ip[ip].verdict == MS_BAN)
            ids[nb++] = ip;
    }
    sort_store = s;
    qsort(ids, nb, sizeof *ids, cmp_ip_ids);
    qsort(all, nall, sizeof *all, cmp_ip_ids);
    a->bans = ms_arena_alloc(&a->arena, (nb ? nb : 1) * sizeof *a->bans);
    if (!a->bans) {
        free(ids);
        free(all);
        return -1;
    }
    size_t j = 0;   /* walks all[] in step with the blocks */
    for (size_t i = 0; i < nb;) {
        size_t hi = i + 1;
        ms_cidr blk = block_of(ms_store_ip(s, ids[i]));
        while (o->aggregate && hi < nb && ms_cidr_contains(&blk, ms_store_ip(s, ids[hi])))
            hi++;
        int clean = 1;
        if (hi - i >= 2) {
            while (j < nall && ms_ip_cmp(ms_store_ip(s, all[j]), &blk.base) < 0)
                j++;
            for (size_t k = j; k < nall && ms_cidr_contains(&blk, ms_store_ip(s, all[k])); k++)
                if (a->ip[all[k]].successes)
                    clean = 0;
        }
        if (hi - i >= 2 && clean) {
            if (fold(s, a, ids, i, hi, &a->bans[a->nbans++])) {
                free(ids);
                free(all);
                return -1;
            }
        } else {
            for (size_t k = i; k < hi; k++)
                single(s, a, ids[k], &a->bans[a->nbans++]);
        }
        i = hi;
    }
    free(ids);
    free(all);
    return 0;
}
