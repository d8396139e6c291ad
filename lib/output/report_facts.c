/* report_facts.c — the figures the report quotes, counted once from the
 * analysis (see report_int.h): the period, servers, files and lines, event
 * counts, verdicts, the fast robots and other attackers, the most tried
 * usernames, failures by hour, geo and ASN totals (from the result tables'
 * geo rows, results_int.h), per-campaign members and origins, and the ban
 * list's make-up. Every list has a total order (ties broken by canonical
 * address or first-seen id), so the report is the same run to run. */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

/* Position of each ip in canonical order, for tie-breaks. */
static uint32_t *ip_pos(const ms_rfacts *f)
{
    uint32_t *pos = malloc((f->s->ips.n + 1) * sizeof *pos);
    if (!pos)
        return NULL;
    for (uint32_t i = 0; i <= f->s->ips.n; i++)
        pos[i] = UINT32_MAX;
    for (size_t i = 0; i < f->rc.nips; i++)
        pos[f->rc.ips[i]] = (uint32_t)i;
    return pos;
}

/* qsort has no context argument: the one sort running at a time reads
 * these (the report is written by one thread). */
static const ms_analysis *g_a;
static const uint32_t *g_pos;

static int cmp_fast(const void *x, const void *y)
{
    uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
    const ms_ipinfo *a = &g_a->ip[p], *b = &g_a->ip[q];
    uint64_t u = (uint64_t)a->failures + a->connects,
             v = (uint64_t)b->failures + b->connects;
    if (u != v)
        return u > v ? -1 : 1;
    return (g_pos[p] > g_pos[q]) - (g_pos[p] < g_pos[q]);
}

static int cmp_other(const void *x, const void *y)
{
    uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
    const ms_ipinfo *a = &g_a->ip[p], *b = &g_a->ip[q];
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->failures != b->failures)
        return a->failures > b->failures ? -1 : 1;
    return (g_pos[p] > g_pos[q]) - (g_pos[p] < g_pos[q]);
}

static int cmp_first(const void *x, const void *y)
{
    uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
    const ms_ipinfo *a = &g_a->ip[p], *b = &g_a->ip[q];
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return (g_pos[p] > g_pos[q]) - (g_pos[p] < g_pos[q]);
}

static int cmp_count(const void *x, const void *y)
{
    const ms_rcount *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->ips != b->ips)
        return a->ips > b->ips ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int cmp_key(const void *x, const void *y)
{
    const ms_rcount *a = x, *b = y;
    return strcmp(a->key, b->key);
}

/* Merge entries of equal key (sorted by key), then order by count. */
static size_t merge(ms_rcount *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_key);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && !strcmp(v[k - 1].key, v[i].key)) {
            v[k - 1].n += v[i].n;
            v[k - 1].ips += v[i].ips;
            v[k - 1].banned += v[i].banned;
            if (!v[k - 1].label[0])
                v[k - 1].label = v[i].label;
        } else {
            v[k++] = v[i];
        }
    }
    qsort(v, k, sizeof *v, cmp_count);
    return k;
}

static int geo_totals(ms_rfacts *f)
{
    size_t n = f->rc.ngeo;
    f->countries = calloc(n ? n : 1, sizeof *f->countries);
    f->asns = calloc(n ? n : 1, sizeof *f->asns);
    if (!f->countries || !f->asns)
        return -1;
    size_t nc = 0, na = 0;
    for (size_t i = 0; i < n; i++) {
        const ms_geo_row *g = &f->rc.geo[i];
        if (g->country[0])
            f->countries[nc++] = (ms_rcount){g->country, "", 0, g->attempts,
                                             g->ips, g->banned};
        if (g->asn[0])
            f->asns[na++] = (ms_rcount){g->asn, g->as_org, 0, g->attempts,
                                        g->ips, g->banned};
    }
    f->ncountries = merge(f->countries, nc);
    f->nasns = merge(f->asns, na);
    f->has_geo = nc || na;
    return 0;
}

/* Top origins of one campaign's members. */
static int camp_origins(ms_rfacts *f, const ms_cluster *c, ms_rcamp *r)
{
    ms_rcount *v = calloc(c->nmembers ? c->nmembers : 1, sizeof *v);
    if (!v)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        size_t n = 0;
        for (size_t m = 0; m < c->nmembers; m++) {
            const ms_ipinfo *in = &f->a->ip[c->members[m]];
            const char *key = ms_rs(pass ? in->asn : in->country);
            if (!pass && (ms_rs(in->country)[0] || ms_rs(in->asn)[0]))
                r->geo_ips++;
            if (key[0])
                v[n++] = (ms_rcount){key, pass ? ms_rs(in->as_org) : "", 0,
                                     in->failures, 1, in->verdict == MS_BAN};
        }
        n = merge(v, n);
        ms_rcount *dst = pass ? r->asns : r->countries;
        size_t k = n < 5 ? n : 5;
        memcpy(dst, v, k * sizeof *v);
        *(pass ? &r->nasns : &r->ncountries) = k;
    }
    free(v);
    return 0;
}

static int camps(ms_rfacts *f, const uint32_t *pos)
{
    const ms_analysis *a = f->a;
    f->camps = calloc(a->nclusters ? a->nclusters : 1, sizeof *f->camps);
    if (!f->camps)
        return -1;
    for (size_t k = 0; k < a->nclusters; k++) {
        const ms_cluster *c = &a->clusters[k];
        ms_rcamp *r = &f->camps[k];
        r->members = malloc((c->nmembers ? c->nmembers : 1) * sizeof *r->members);
        if (!r->members)
            return -1;
        memcpy(r->members, c->members, c->nmembers * sizeof *c->members);
        g_a = a;
        g_pos = pos;
        qsort(r->members, c->nmembers, sizeof *r->members, cmp_first);
        for (size_t m = 0; m < c->nmembers; m++)
            r->banned += a->ip[c->members[m]].verdict == MS_BAN;
        if (camp_origins(f, c, r))
            return -1;
    }
    return 0;
}

/* The most tried names, by failures held against their ips. */
static int usernames(ms_rfacts *f)
{
    const ms_store *s = f->s;
    uint32_t nu = s->users.n;
    uint64_t *cnt = calloc(nu + 1, sizeof *cnt);
    uint32_t *ips = calloc(nu + 1, sizeof *ips);
    uint32_t *stamp = malloc((nu + 1) * sizeof *stamp);
    if (!cnt || !ips || !stamp) {
        free(cnt);
        free(ips);
        free(stamp);
        return -1;
    }
    memset(stamp, 0xff, (nu + 1) * sizeof *stamp);
    for (size_t i = 0; i < f->rc.nips; i++) {
        uint32_t ip = f->rc.ips[i];
        for (uint32_t k = s->ip_start[ip]; k < s->ip_start[ip + 1]; k++) {
            uint32_t e = s->by_ip[k], u = s->user[e];
            if (ms_store_outcome(s, e) != MS_OUT_AUTH_FAIL ||
                (f->a->honest && f->a->honest[e]) || u == 0 || u >= nu)
                continue;
            cnt[u]++;
            if (stamp[u] != ip) {
                stamp[u] = ip;
                ips[u]++;
            }
        }
    }
    /* Top MS_REPORT_TOP by count, ties to the first-seen name. */
    for (uint32_t u = 1; u < nu; u++) {
        if (!cnt[u])
            continue;
        size_t at = f->nusers;
        while (at > 0 && f->users[at - 1].n < cnt[u])
            at--;
        if (at >= MS_REPORT_TOP)
            continue;
        size_t last = f->nusers < MS_REPORT_TOP ? f->nusers : MS_REPORT_TOP - 1;
        memmove(&f->users[at + 1], &f->users[at], (last - at) * sizeof *f->users);
        f->users[at] = (ms_rcount){"", "", u, cnt[u], ips[u], 0};
        if (f->nusers < MS_REPORT_TOP)
            f->nusers++;
    }
    free(cnt);
    free(ips);
    free(stamp);
    return 0;
}

static void inputs(ms_rfacts *f)
{
    const ms_inputs *in = f->in;
    if (!in)
        return;
    f->nfiles = in->n;
    for (size_t i = 0; i < in->n; i++) {
        const ms_input_file *x = &in->v[i];
        if (x->kind && !strcmp(x->kind, "events"))
            f->nevfiles++;
        else
            f->nlogs++;
        f->ndamaged += x->error != NULL;
        f->lines += x->lines;
        f->bytes += x->bytes;
        f->cut_lines += x->cut_lines;
        for (size_t k = 0; k < x->nunmatched; k++)
            f->unmatched += x->unmatched[k].count;
    }
}

/* Each server's events, failures, logins, addresses and banned ones. */
static int servers(ms_rfacts *f)
{
    const ms_store *s = f->s;
    ms_rctx *c = &f->rc;
    f->servers = calloc(c->nservers + 1, sizeof *f->servers);
    if (!f->servers)
        return -1;
    for (size_t r = 0; r <= c->nservers; r++)
        f->servers[r] = (ms_rserver){.id = r < c->nservers ? c->servers[r] : 0,
                                     .first = MS_TIME_NONE,
                                     .last = MS_TIME_NONE};
    ms_store_walk w;
    if (ms_store_walk_open(s, &w))
        return -1;
    for (size_t i; (i = ms_store_walk_next(&w)) != SIZE_MAX;) {
        ms_rserver *v = &f->servers[c->server_rank[ms_store_server(s, i)]];
        v->events++;
        v->fails += ms_store_outcome(s, i) == MS_OUT_AUTH_FAIL;
        v->oks += ms_store_outcome(s, i) == MS_OUT_AUTH_OK;
        if (s->time[i] != MS_TIME_NONE) {
            if (v->first == MS_TIME_NONE)
                v->first = s->time[i];
            v->last = s->time[i];
        }
    }
    ms_store_walk_close(&w);
    if (ms_store_check(s, NULL))
        return -1;
    for (size_t i = 0; i < c->nips; i++) {
        uint32_t ip = c->ips[i];
        size_t n = ms_rctx_ip_servers(c, ip);
        for (size_t k = 0; k < n; k++) {
            f->servers[c->server_row[k]].ips++;
            f->servers[c->server_row[k]].banned += f->a->ip[ip].verdict == MS_BAN;
        }
    }
    f->nservers = c->nservers + (f->servers[c->nservers].events > 0);
    return 0;
}

static void bans(ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    for (size_t i = 0; i < a->nbans; i++) {
        const ms_ban *b = &a->bans[i];
        if (b->net.prefix < 128)
            f->ban_blocks++;
        if (!ms_ip_is_v4(&b->net.base))
            f->ban_v6++;
        const char *c = ms_rs(b->confidence);
        f->ban_conf[!strcmp(c, "high") ? 0 : !strcmp(c, "medium") ? 1 : 2]++;
        if (b->cluster)
            f->ban_camp++;
        else if (b->net.prefix == 128) {
            uint32_t id = ms_intern_get(&f->s->ips, (const char *)b->net.base.b,
                                        sizeof b->net.base.b);
            if (id != UINT32_MAX && a->fast[id])
                f->ban_fast++;
        }
    }
}

int ms_rfacts_init(ms_rfacts *f, const ms_analysis *a, const ms_inputs *in)
{
    memset(f, 0, sizeof *f);
    f->a = a;
    f->s = a->store;
    f->in = in;
    const ms_store *s = f->s;
    ms_rctx_init(&f->rc, a, MS_RCTX_GEO | MS_RCTX_SERVERS);
    if (f->rc.failed)
        return -1;
    f->first = f->last = MS_TIME_NONE;
    f->events = s->nall;
    ms_store_walk w;
    if (ms_store_walk_open(s, &w))
        return -1;
    for (size_t i; (i = ms_store_walk_next(&w)) != SIZE_MAX;) {
        if (s->time[i] != MS_TIME_NONE) {
            if (f->first == MS_TIME_NONE)
                f->first = s->time[i];
            f->last = s->time[i];
        }
        if (ms_store_outcome(s, i) < MS_OUT__COUNT)
            f->by_outcome[ms_store_outcome(s, i)]++;
        if (ms_store_outcome(s, i) == MS_OUT_AUTH_FAIL &&
            s->time[i] != MS_TIME_NONE) {
            int64_t secs = s->time[i] / MS_NS_PER_S;
            int64_t h = secs % 86400 / 3600;
            if (h < 0)
                h += 24;
            f->hours[h][a->honest && a->honest[i] ? 1 : 0]++;
        }
    }
    ms_store_walk_close(&w);
    if (ms_store_check(s, NULL))
        return -1;
    for (int h = 1; h < MS_HONEST__COUNT; h++)
        f->honest += a->honest_count[h];
    inputs(f);
    uint32_t *pos = ip_pos(f);
    f->fast = malloc((f->rc.nips ? f->rc.nips : 1) * sizeof *f->fast);
    f->others = malloc((f->rc.nips ? f->rc.nips : 1) * sizeof *f->others);
    if (!pos || !f->fast || !f->others)
        goto fail;
    for (size_t i = 0; i < f->rc.nips; i++) {
        uint32_t id = f->rc.ips[i];
        const ms_ipinfo *x = &a->ip[id];
        f->nips++;
        f->nban += x->verdict == MS_BAN;
        f->nwatch += x->verdict == MS_WATCH;
        f->nignored += x->ignored != 0;
        f->ncamp_ips += x->cluster != 0;
        if (a->fast[id])
            f->fast[f->nfast++] = id;
        else if (x->verdict == MS_BAN && !x->cluster)
            f->others[f->nothers++] = id;
    }
    g_a = a;
    g_pos = pos;
    qsort(f->fast, f->nfast, sizeof *f->fast, cmp_fast);
    qsort(f->others, f->nothers, sizeof *f->others, cmp_other);
    if (servers(f) || usernames(f) || geo_totals(f) || camps(f, pos))
        goto fail;
    bans(f);
    free(pos);
    return 0;
fail:
    free(pos);
    return -1;
}

void ms_rfacts_free(ms_rfacts *f)
{
    ms_rctx_free(&f->rc);
    free(f->servers);
    free(f->fast);
    free(f->others);
    free(f->countries);
    free(f->asns);
    if (f->camps)
        for (size_t k = 0; k < f->a->nclusters; k++)
            free(f->camps[k].members);
    free(f->camps);
    for (size_t i = 0; i < MS_REPORT_NCHARTS; i++)
        free(f->charts[i].svg);
    memset(f, 0, sizeof *f);
}
