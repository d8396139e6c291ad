/* results_tables.c — the result tables (see results_int.h): for each file
 * its columns and the function that fills one row from the analysis.
 *
 * Orders are fixed so output is byte-identical run to run: ips in canonical
 * address order (IPv4 numerically, then IPv6 by bytes), each ip's events in
 * the store's time order, clusters, bans and compromises as the analysis
 * lists them, geo groups by attempts (failures) descending, then country,
 * then asn. Times are kept as ms_time and printed by the renderer. The
 * events table is the store's events in its (time) order. */
#include "results_int.h"

#include <pthread.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/events_format.h"

/* The events file's columns: names from core/events_format.h, the kind of
 * each here, by column. */
static const ms_rv_kind ev_kind[MS_EVCOL__COUNT] = {
    [MS_EVCOL_TIME] = MS_RV_TIME,    [MS_EVCOL_IP] = MS_RV_IP,
    [MS_EVCOL_SERVICE] = MS_RV_STR,  [MS_EVCOL_SOURCE] = MS_RV_STR,
    [MS_EVCOL_OUTCOME] = MS_RV_STR,  [MS_EVCOL_USER] = MS_RV_STR,
    [MS_EVCOL_METHOD] = MS_RV_STR,   [MS_EVCOL_FILE] = MS_RV_STR,
    [MS_EVCOL_LINE] = MS_RV_INT,     [MS_EVCOL_REASON] = MS_RV_STR,
    [MS_EVCOL_ATTEMPTS] = MS_RV_INT, [MS_EVCOL_SESSION] = MS_RV_STR,
    [MS_EVCOL_HOST] = MS_RV_STR,     [MS_EVCOL_DUP_OF] = MS_RV_INT,
    [MS_EVCOL_SERVER] = MS_RV_STR,
};
static ms_col ev_cols[MS_EVCOL__COUNT + 1];
static pthread_once_t ev_once = PTHREAD_ONCE_INIT;

static void ev_cols_fill(void)
{
    for (int j = 0; j < MS_EVCOL__COUNT; j++)
        ev_cols[j] = (ms_col){ms_evcol_names[j],
                              ev_kind[j] ? ev_kind[j] : MS_RV_STR};
}

/* ---- preparation ------------------------------------------------------ */

typedef struct ipkey {
    uint8_t v6;        /* IPv4 sorts before IPv6 */
    uint8_t b[16];
    uint32_t id;
} ipkey;

static int cmp_ipkey(const void *x, const void *y)
{
    const ipkey *p = x, *q = y;
    if (p->v6 != q->v6)
        return p->v6 < q->v6 ? -1 : 1;
    int r = memcmp(p->b, q->b, 16);
    return r ? r : (p->id > q->id) - (p->id < q->id);
}

static int sort_ips(ms_rctx *c)
{
    const ms_store *s = c->s;
    ipkey *k = malloc((s->ips.n ? s->ips.n : 1) * sizeof *k);
    c->ips = malloc((s->ips.n ? s->ips.n : 1) * sizeof *c->ips);
    if (!k || !c->ips) {
        free(k);
        return -1;
    }
    size_t n = 0;
    for (uint32_t id = 0; id < s->ips.n; id++) {
        if (!ms_store_ip_real(s, id) || ms_store_ip_count(s, id) == 0)
            continue;
        const ms_ip *ip = ms_store_ip(s, id);
        k[n].v6 = !ms_ip_is_v4(ip);
        memcpy(k[n].b, ip->b, 16);
        k[n++].id = id;
    }
    qsort(k, n, sizeof *k, cmp_ipkey);
    for (size_t i = 0; i < n; i++)
        c->ips[i] = k[i].id;
    c->nips = n;
    free(k);
    return 0;
}

static void count_timeline(ms_rctx *c)
{
    const ms_store *s = c->s;
    for (size_t i = 0; i < c->nips; i++)
        c->ntl += ms_store_ip_count(s, c->ips[i]);
}

static size_t ip_events(const ms_rctx *c, size_t pos)
{
    return ms_store_ip_count(c->s, c->ips[pos]);
}

/* The timeline's row i < ntl, read through the cursor's view (without a
 * spill, the per-ip index itself): the cursor k moves to the ip that holds
 * the row, an ip a step, so rows asked for in order cost a step each.
 * Every ip of ips has events. UINT32_MAX (c->failed set) when they could
 * not be read back. */
static uint32_t tl_event(ms_rctx *c, ms_tl_cursor *k, size_t i)
{
    if (c->failed)
        return UINT32_MAX;
    if (!k->open && ms_store_view_open(c->s, &k->view) == 0)
        k->open = 1;
    if (!k->open) {
        c->failed = 1;
        return UINT32_MAX;
    }
    if (i - k->first >= k->len) {   /* not the cursor's ip (i < first too) */
        while (i < k->first) {
            k->pos--;
            k->first -= ip_events(c, k->pos);
        }
        while (i >= k->first + ip_events(c, k->pos)) {
            k->first += ip_events(c, k->pos);
            k->pos++;
        }
        size_t n;
        k->ev = ms_store_ip_events(&k->view, c->ips[k->pos], &n);
        k->len = (uint32_t)n;
        if (!k->ev || i - k->first >= n) {
            c->failed = 1;
            k->len = 0;
            return UINT32_MAX;
        }
    }
    return k->ev[i - k->first];
}

/* "AS123" and "123" sort numerically against their kind; other text by
 * bytes. */
static int cmp_asn(const char *x, const char *y)
{
    const char *dx = x + (strncmp(x, "AS", 2) == 0 ? 2 : 0);
    const char *dy = y + (strncmp(y, "AS", 2) == 0 ? 2 : 0);
    size_t lx = strlen(dx), ly = strlen(dy);
    if (lx && ly && strspn(dx, "0123456789") == lx &&
        strspn(dy, "0123456789") == ly && lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x, y);
}

typedef struct geokey {
    const char *country, *asn;
    size_t pos;        /* in canonical ip order */
} geokey;

static int cmp_geokey(const void *x, const void *y)
{
    const geokey *p = x, *q = y;
    int r = strcmp(p->country, q->country);
    if (!r)
        r = strcmp(p->asn, q->asn);
    return r ? r : (p->pos > q->pos) - (p->pos < q->pos);
}

static int cmp_georow(const void *x, const void *y)
{
    const ms_geo_row *p = x, *q = y;
    if (p->attempts != q->attempts)
        return p->attempts > q->attempts ? -1 : 1;
    int r = strcmp(p->country, q->country);
    return r ? r : cmp_asn(p->asn, q->asn);
}

static int build_geo(ms_rctx *c)
{
    size_t n = c->nips;
    geokey *k = malloc((n ? n : 1) * sizeof *k);
    c->geo = malloc((n ? n : 1) * sizeof *c->geo);
    if (!k || !c->geo) {
        free(k);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const ms_ipinfo *in = &c->a->ip[c->ips[i]];
        k[i] = (geokey){ms_rs(in->country), ms_rs(in->asn), i};
    }
    qsort(k, n, sizeof *k, cmp_geokey);
    ms_geo_row *g = NULL;
    for (size_t i = 0; i < n; i++) {
        const ms_ipinfo *in = &c->a->ip[c->ips[k[i].pos]];
        if (!g || strcmp(g->country, k[i].country) || strcmp(g->asn, k[i].asn)) {
            g = &c->geo[c->ngeo++];
            *g = (ms_geo_row){k[i].country, k[i].asn, "", 0, 0, 0};
        }
        if (!g->as_org[0])
            g->as_org = ms_rs(in->as_org);
        g->ips++;
        g->attempts += in->failures;
        g->banned += in->verdict == MS_BAN;
    }
    free(k);
    qsort(c->geo, c->ngeo, sizeof *c->geo, cmp_georow);
    return 0;
}

typedef struct srvkey {
    const char *p;
    uint32_t n, id;
} srvkey;

static int cmp_srvkey(const void *x, const void *y)
{
    const srvkey *p = x, *q = y;
    int r = memcmp(p->p, q->p, p->n < q->n ? p->n : q->n);
    return r ? r : (p->n > q->n) - (p->n < q->n);
}

/* Every named server (ms_store_server), sorted by name. */
static int build_servers(ms_rctx *c)
{
    const ms_store *s = c->s;
    uint32_t nstr = s->strs.n;
    c->server_rank = malloc((nstr ? nstr : 1) * sizeof *c->server_rank);
    if (!c->server_rank)
        return -1;
    memset(c->server_rank, 0, nstr * sizeof *c->server_rank);
    ms_store_walk w;
    if (ms_store_walk_open(s, &w))
        return -1;
    for (size_t i; (i = ms_store_walk_next(&w)) != SIZE_MAX;)
        c->server_rank[ms_store_server(s, i)] = 1;
    ms_store_walk_close(&w);
    if (ms_store_check(s, NULL))
        return -1;
    size_t n = 0;
    for (uint32_t id = 1; id < nstr; id++)
        n += c->server_rank[id];
    srvkey *k = malloc((n ? n : 1) * sizeof *k);
    c->servers = malloc((n ? n : 1) * sizeof *c->servers);
    c->server_mark = calloc(n + 1, sizeof *c->server_mark);
    c->server_row = malloc((n + 1) * sizeof *c->server_row);
    if (!k || !c->servers || !c->server_mark || !c->server_row) {
        free(k);
        return -1;
    }
    for (uint32_t id = 1; id < nstr; id++)
        if (c->server_rank[id])
            k[c->nservers++] = (srvkey){s->strs.str[id], s->strs.len[id], id};
    qsort(k, n, sizeof *k, cmp_srvkey);
    memset(c->server_rank, 0xff, nstr * sizeof *c->server_rank);
    c->server_rank[0] = (uint32_t)n;
    for (size_t r = 0; r < n; r++) {
        c->servers[r] = k[r].id;
        c->server_rank[k[r].id] = (uint32_t)r;
    }
    free(k);
    return 0;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
    return (p > q) - (p < q);
}

size_t ms_rctx_ip_servers(ms_rctx *c, uint32_t id)
{
    const ms_store *s = c->s;
    if (!c->server_rank)
        return 0;
    if (!c->sview_open && ms_store_view_open(s, &c->sview) == 0)
        c->sview_open = 1;
    size_t k, n = 0;
    const uint32_t *ev = c->sview_open ? ms_store_ip_events(&c->sview, id, &k) : NULL;
    if (!ev) {
        c->failed = 1;
        return 0;
    }
    c->server_calls++;   /* once per ip at most: it never wraps */
    for (size_t j = 0; j < k; j++) {
        uint32_t r = c->server_rank[ms_store_server(s, ev[j])];
        if (c->server_mark[r] != c->server_calls) {
            c->server_mark[r] = c->server_calls;
            c->server_row[n++] = r;
        }
    }
    qsort(c->server_row, n, sizeof *c->server_row, cmp_u32);
    return n;
}

void ms_rctx_init(ms_rctx *c, const ms_analysis *a, unsigned need)
{
    pthread_once(&ev_once, ev_cols_fill);
    memset(c, 0, sizeof *c);
    c->a = a;
    c->s = a->store;
    if (sort_ips(c))
        c->failed = 1;
    else if (need & MS_RCTX_TIMELINE)
        count_timeline(c);
    if (c->failed || ((need & MS_RCTX_GEO) && build_geo(c)) ||
        ((need & MS_RCTX_SERVERS) && build_servers(c)))
        c->failed = 1;
}

int ms_rctx_row(ms_rctx *c, const ms_table *t, size_t i, ms_rv *v)
{
    t->row(c, i, v);
    return c->scratch[0].failed || c->scratch[1].failed || c->failed ? -1 : 0;
}

void ms_rctx_free(ms_rctx *c)
{
    for (int k = 0; k < 3; k++)
        if (c->tl[k].open)
            ms_store_view_close(&c->tl[k].view);
    if (c->walking)
        ms_store_walk_close(&c->walk);
    if (c->sview_open)
        ms_store_view_close(&c->sview);
    free(c->ips);
    free(c->geo);
    free(c->servers);
    free(c->server_rank);
    free(c->server_mark);
    free(c->server_row);
    ms_buf_free(&c->scratch[0]);
    ms_buf_free(&c->scratch[1]);
    memset(c, 0, sizeof *c);
}

static const char *file_name(const ms_store *s, uint32_t f)
{
    return f < s->nfiles ? s->files[f] : "";
}

/* A table's columns, each with the kind of its values. */
#define COLS(...) (const ms_col[]){__VA_ARGS__, {NULL, MS_RV_NULL}}
#define TEXT(name) {name, MS_RV_STR}
#define INT(name) {name, MS_RV_INT}
#define SECS(name) {name, MS_RV_MS}
#define TIME(name) {name, MS_RV_TIME}
#define IP(name) {name, MS_RV_IP}

size_t ms_table_ncols(const ms_table *t, const char **names)
{
    size_t n = 0;
    for (; t->cols[n].name && n < MS_RES_MAXCOLS; n++)
        if (names)
            names[n] = t->cols[n].name;
    if (names)
        names[n] = NULL;
    return n;
}

/* ---- events ----------------------------------------------------------- */

static size_t events_count(const ms_rctx *c)
{
    return c->s->nall;
}

/* The event of the events table's row i: row i itself without a spill;
 * with one, the walk's, rows asked for in order (another order starts it
 * again). SIZE_MAX (c->failed set) when reading back failed. */
static size_t event_at(ms_rctx *c, size_t i)
{
    if (!ms_store_spilled(c->s))
        return i;
    if (c->walking && i + 1 == c->walk_i)
        return c->walk_e;
    if (c->walking && i < c->walk_i) {
        ms_store_walk_close(&c->walk);
        c->walking = 0;
    }
    if (!c->walking) {
        if (ms_store_walk_open(c->s, &c->walk)) {
            c->failed = 1;
            return SIZE_MAX;
        }
        c->walking = 1;
        c->walk_i = 0;
    }
    while (c->walk_i <= i) {
        c->walk_e = ms_store_walk_next(&c->walk);
        c->walk_i++;
        if (c->walk_e == SIZE_MAX) {
            c->failed = 1;
            return SIZE_MAX;
        }
    }
    return c->walk_e;
}

static void events_row(ms_rctx *c, size_t r, ms_rv *v)
{
    const ms_store *s = c->s;
    size_t i = event_at(c, r);
    if (i == SIZE_MAX)
        i = 0;   /* any row: c->failed drops it */
    v[MS_EVCOL_TIME] = v_time(s->time[i]);
    v[MS_EVCOL_IP] = v_ip(s, s->ip[i]);
    v[MS_EVCOL_SERVICE] = v_str(ms_service_name(ms_store_service(s, i)));
    v[MS_EVCOL_SOURCE] = v_sstr(s, ms_store_shape(s, i)->source);
    v[MS_EVCOL_OUTCOME] = v_str(ms_outcome_name(ms_store_outcome(s, i)));
    v[MS_EVCOL_USER] = v_user(s, s->user[i]);
    v[MS_EVCOL_METHOD] = v_sstr(s, ms_store_shape(s, i)->method);
    v[MS_EVCOL_FILE] = v_str(file_name(s, ms_store_file(s, i)));
    v[MS_EVCOL_LINE] = v_int((int64_t)ms_store_line(s, i));
    v[MS_EVCOL_REASON] = v_sstr(s, ms_store_shape(s, i)->reason);
    v[MS_EVCOL_ATTEMPTS] = v_int((int64_t)ms_store_attempts(s, i));
    v[MS_EVCOL_SESSION] = v_str("");        /* the store keeps none */
    v[MS_EVCOL_HOST] = v_sstr(s, ms_store_shape(s, i)->host);
    v[MS_EVCOL_DUP_OF] = (ms_rv){.k = MS_RV_NULL};   /* no duplicates */
    v[MS_EVCOL_SERVER] = v_sstr(s, ms_store_server(s, i));
}

const ms_table ms_tab_events = {"events", ev_cols, events_count, events_row};

/* ---- timeline --------------------------------------------------------- */

static size_t timeline_count(const ms_rctx *c)
{
    return c->ntl;
}

/* The timeline walks the store by address, so each row's cells are
 * scattered across the columns: ask for the cells of the row ROWS_AHEAD
 * on, and the strings of one nearer, while this one is written (the
 * timeline took a quarter less time to write, alone on one core). */
#define ROWS_AHEAD 32
#define STRINGS_AHEAD 8
static void prefetch_rows(ms_rctx *c, size_t i)
{
    const ms_store *s = c->s;
    if (ms_store_spilled(s))   /* rows read back are at hand already */
        return;
    if (i + ROWS_AHEAD < c->ntl) {
        uint32_t f = tl_event(c, &c->tl[2], i + ROWS_AHEAD);
        __builtin_prefetch(&s->ip[f]);
        __builtin_prefetch(&s->time[f]);
        __builtin_prefetch(&s->user[f]);
        __builtin_prefetch(&s->shape[f]);
        __builtin_prefetch(&s->line_lo[f]);
        if (c->a->honest)
            __builtin_prefetch(&c->a->honest[f]);
    }
    if (i + STRINGS_AHEAD < c->ntl) {
        uint32_t f = tl_event(c, &c->tl[1], i + STRINGS_AHEAD);
        __builtin_prefetch(s->users.str[s->user[f]]);
        __builtin_prefetch(ms_store_ip(s, s->ip[f]));
    }
}

static void timeline_row(ms_rctx *c, size_t i, ms_rv *v)
{
    const ms_store *s = c->s;
    uint32_t e = tl_event(c, &c->tl[0], i);
    if (e == UINT32_MAX)
        e = 0;   /* any row: c->failed drops it */
    prefetch_rows(c, i);
    ms_rv gap = {.k = MS_RV_NULL};
    if (i > c->tl[0].first && !c->failed) {   /* the row before is of the same ip */
        ms_time prev = s->time[tl_event(c, &c->tl[0], i - 1)];
        ms_time t = s->time[e];
        if (prev != MS_TIME_NONE && t != MS_TIME_NONE && t >= prev)
            gap = (ms_rv){.k = MS_RV_MS,
                          .i = (int64_t)(((uint64_t)t - (uint64_t)prev +
                                          500000) / 1000000)};
    }
    uint8_t h = c->a->honest ? c->a->honest[e] : MS_HONEST_NO;
    v[0] = v_ip(s, s->ip[e]);
    v[1] = v_time(s->time[e]);
    v[2] = v_str(ms_outcome_name(ms_store_outcome(s, e)));
    v[3] = v_user(s, s->user[e]);
    v[4] = v_str(ms_service_name(ms_store_service(s, e)));
    v[5] = gap;
    v[6] = v_sstr(s, ms_store_shape(s, e)->source);
    v[7] = v_sstr(s, ms_store_shape(s, e)->method);
    v[8] = v_str(h != MS_HONEST_NO ? ms_honest_name(h) : "");
    v[9] = v_str(file_name(s, ms_store_file(s, e)));
    v[10] = v_int((int64_t)ms_store_line(s, e));
}

const ms_table ms_tab_timeline = {
    "timeline",
    COLS(IP("ip"), TIME("time"), TEXT("outcome"), TEXT("user"),
         TEXT("service"), SECS("gap_s"), TEXT("source"), TEXT("method"),
         TEXT("honest"), TEXT("file"), INT("line")),
    timeline_count, timeline_row,
};

/* ---- ips -------------------------------------------------------------- */

static size_t ips_count(const ms_rctx *c)
{
    return c->nips;
}

/* At most this many servers are named in a cell, then "+N more". */
#define SERVERS_NAMED 10

static void ips_row(ms_rctx *c, size_t i, ms_rv *v)
{
    uint32_t id = c->ips[i];
    const ms_ipinfo *in = &c->a->ip[id];
    ms_buf *srv = &c->scratch[0];
    srv->n = 0;
    size_t n = ms_rctx_ip_servers(c, id);
    if (n && c->server_row[n - 1] == c->nservers)
        n--;   /* events with no server */
    for (size_t k = 0; k < n && k < SERVERS_NAMED; k++) {
        if (k)
            ms_buf_adds(srv, "; ");
        uint32_t sid = c->servers[c->server_row[k]];
        ms_buf_add(srv, c->s->strs.str[sid], c->s->strs.len[sid]);
    }
    if (n > SERVERS_NAMED) {
        ms_buf_adds(srv, "; +");
        ms_buf_addu(srv, n - SERVERS_NAMED);
        ms_buf_adds(srv, " more");
    }
    v[0] = v_ip(c->s, id);
    v[1] = v_time(in->first);
    v[2] = v_time(in->last);
    v[3] = v_int(in->failures);
    v[4] = v_int(in->successes);
    v[5] = v_int(in->distinct_users);
    v[6] = v_cluster(in->cluster);
    v[7] = v_str(in->country);
    v[8] = v_str(in->asn);
    v[9] = v_str(in->as_org);
    v[10] = v_int(in->score);
    v[11] = v_str(ms_verdict_name(in->verdict));
    v[12] = v_int(in->relays);
    v[13] = v_int(in->connects);
    v[14] = v_int(in->honest_failures);
    v[15] = v_int(in->peak_hour);
    v[16] = v_secs(in->median_gap_s);
    v[17] = v_str(in->confidence);
    v[18] = v_str(in->reasons);
    v[19] = v_strn(srv->p ? srv->p : "", srv->n);
}

const ms_table ms_tab_ips = {
    "ips",
    COLS(IP("ip"), TIME("first_seen"), TIME("last_seen"), INT("failures"),
         INT("successes"), INT("distinct_users"), INT("cluster_id"),
         TEXT("country"), TEXT("asn"), TEXT("as_org"), INT("score"),
         TEXT("verdict"), INT("relays"), INT("connects"),
         INT("honest_failures"), INT("peak_hour"), SECS("median_gap_s"),
         TEXT("confidence"), TEXT("reasons"), TEXT("servers")),
    ips_count, ips_row,
};

/* ---- clusters, cluster_members ---------------------------------------- */

static size_t clusters_count(const ms_rctx *c)
{
    return c->a->nclusters;
}

/* A campaign's most common countries (asn: 0) or networks (asn: 1) among
 * its members, appended to out: "CN (12); US (3); FR (1)" or "AS4134
 * CHINANET-BACKBONE (10); AS16276 OVH SAS (3)". Three at most, by members
 * then by name; unknown ones are left out. */
static int cmp_country_of(const void *x, const void *y)
{
    const ms_ipinfo *p = *(const ms_ipinfo *const *)x, *q = *(const ms_ipinfo *const *)y;
    return strcmp(ms_rs(p->country), ms_rs(q->country));
}

static int cmp_asn_of(const void *x, const void *y)
{
    const ms_ipinfo *p = *(const ms_ipinfo *const *)x, *q = *(const ms_ipinfo *const *)y;
    return cmp_asn(ms_rs(p->asn), ms_rs(q->asn));
}

static void top_geo(const ms_analysis *a, const ms_cluster *k, int asn,
                    ms_buf *out)
{
    const ms_ipinfo **v = malloc((k->nmembers ? k->nmembers : 1) * sizeof *v);
    if (!v) {
        out->failed = 1;
        return;
    }
    size_t n = 0;
    for (size_t j = 0; j < k->nmembers; j++) {
        const ms_ipinfo *in = &a->ip[k->members[j]];
        if (ms_rs(asn ? in->asn : in->country)[0])
            v[n++] = in;
    }
    qsort(v, n, sizeof *v, asn ? cmp_asn_of : cmp_country_of);
    size_t top[3], cnt[3], ntop = 0;
    for (size_t i = 0, run; i < n; i += run) {
        const char *key = asn ? v[i]->asn : v[i]->country;
        for (run = 1; i + run < n &&
                      !strcmp(key, asn ? v[i + run]->asn : v[i + run]->country);
             run++)
            ;
        size_t at = ntop;   /* ties keep the earlier name first */
        while (at > 0 && cnt[at - 1] < run)
            at--;
        if (at == 3)
            continue;
        size_t last = ntop < 3 ? ntop : 2;
        for (size_t m = last; m > at; m--) {
            top[m] = top[m - 1];
            cnt[m] = cnt[m - 1];
        }
        top[at] = i;
        cnt[at] = run;
        if (ntop < 3)
            ntop++;
    }
    for (size_t t = 0; t < ntop; t++) {
        const ms_ipinfo *in = v[top[t]];
        if (t)
            ms_buf_adds(out, "; ");
        ms_buf_adds(out, asn ? in->asn : in->country);
        if (asn && ms_rs(in->as_org)[0]) {
            ms_buf_addc(out, ' ');
            ms_buf_adds(out, in->as_org);
        }
        ms_buf_adds(out, " (");
        ms_buf_addu(out, cnt[t]);
        ms_buf_addc(out, ')');
    }
    free(v);
}

static void clusters_row(ms_rctx *c, size_t i, ms_rv *v)
{
    const ms_cluster *k = &c->a->clusters[i];
    ms_buf *order = &c->scratch[0], *svc = &c->scratch[1];
    order->n = svc->n = 0;
    for (size_t j = 0; j < k->norder; j++) {
        if (j)
            ms_buf_adds(order, " > ");
        ms_buf_add(order, c->s->users.str[k->order[j]],
                   c->s->users.len[k->order[j]]);
    }
    for (int sv = 0; sv < MS_SVC__COUNT; sv++)
        if (k->services & (1u << sv)) {
            if (svc->n)
                ms_buf_addc(svc, ' ');
            ms_buf_adds(svc, ms_service_name((ms_service)sv));
        }
    /* Countries go after the order, networks after the services: two
     * scratch buffers, four cells. */
    size_t norder = order->n, nsvc = svc->n;
    top_geo(c->a, k, 0, order);
    top_geo(c->a, k, 1, svc);
    v[0] = v_cluster(k->id);
    v[1] = v_int((int64_t)k->nmembers);
    v[2] = v_int((int64_t)k->attempts);
    v[3] = v_time(k->first);
    v[4] = v_time(k->last);
    v[5] = v_strn(order->p ? order->p : "", norder);
    v[6] = v_str(k->evidence);
    v[7] = v_secs(k->median_handoff_s);
    v[8] = v_secs(k->median_ip_gap_s);
    v[9] = v_strn(svc->p ? svc->p : "", nsvc);
    v[10] = v_strn(order->p ? order->p + norder : "", order->n - norder);
    v[11] = v_strn(svc->p ? svc->p + nsvc : "", svc->n - nsvc);
}

const ms_table ms_tab_clusters = {
    "clusters",
    COLS(INT("cluster_id"), INT("ips"), INT("attempts"), TIME("first_seen"),
         TIME("last_seen"), TEXT("user_order"), TEXT("evidence"),
         SECS("median_handoff_s"), SECS("median_ip_gap_s"), TEXT("services"),
         TEXT("top_countries"), TEXT("top_asns")),
    clusters_count, clusters_row,
};

static size_t members_count(const ms_rctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->a->nclusters; i++)
        n += c->a->clusters[i].nmembers;
    return n;
}

static void members_row(ms_rctx *c, size_t i, ms_rv *v)
{
    /* Rows are asked for in order: walk on from the last row's cluster. */
    if (i < c->mbase)
        c->mcluster = c->mbase = 0;
    while (i - c->mbase >= c->a->clusters[c->mcluster].nmembers)
        c->mbase += c->a->clusters[c->mcluster++].nmembers;
    const ms_cluster *k = &c->a->clusters[c->mcluster];
    v[0] = v_cluster(k->id);
    v[1] = v_ip(c->s, k->members[i - c->mbase]);
}

const ms_table ms_tab_members = {
    "cluster_members",
    COLS(INT("cluster_id"), IP("ip")),
    members_count, members_row,
};

/* ---- geo -------------------------------------------------------------- */

static size_t geo_count(const ms_rctx *c)
{
    return c->ngeo;
}

static void geo_row(ms_rctx *c, size_t i, ms_rv *v)
{
    const ms_geo_row *g = &c->geo[i];
    v[0] = v_str(g->country);
    v[1] = v_str(g->asn);
    v[2] = v_str(g->as_org);
    v[3] = v_int((int64_t)g->ips);
    v[4] = v_int((int64_t)g->attempts);
    v[5] = v_int((int64_t)g->banned);
}

const ms_table ms_tab_geo = {
    "geo",
    COLS(TEXT("country"), TEXT("asn"), TEXT("as_org"), INT("ips"),
         INT("attempts"), INT("banned_ips")),
    geo_count, geo_row,
};

/* ---- bans ------------------------------------------------------------- */

static size_t bans_count(const ms_rctx *c)
{
    return c->a->nbans;
}

static void bans_row(ms_rctx *c, size_t i, ms_rv *v)
{
    const ms_ban *b = &c->a->bans[i];
    v[0] = v_strn(c->net, ms_cidr_format(&b->net, c->net));
    v[1] = v_int(b->score);
    v[2] = v_str(b->confidence);
    v[3] = v_str(b->reasons);
    v[4] = v_time(b->first);
    v[5] = v_time(b->last);
    v[6] = v_int((int64_t)b->failures);
    v[7] = v_cluster(b->cluster);
    v[8] = v_int(b->nips);
}

const ms_table ms_tab_bans = {
    "bans",
    COLS(TEXT("ip"), INT("score"), TEXT("confidence"), TEXT("reasons"),
         TIME("first_seen"), TIME("last_seen"), INT("failures"),
         INT("cluster_id"), INT("ips")),
    bans_count, bans_row,
};

/* ---- compromised ------------------------------------------------------ */

static size_t compromised_count(const ms_rctx *c)
{
    return c->a->ncompromised;
}

static void compromised_row(ms_rctx *c, size_t i, ms_rv *v)
{
    const ms_compromise *k = &c->a->compromised[i];
    const ms_store *s = c->s;
    v[0] = v_ip(s, k->ip);
    v[1] = v_user(s, k->user);
    v[2] = v_time(k->time);
    v[3] = v_str(k->evidence);
    v[4] = v_str(ms_service_name(k->event.service));
    v[5] = v_str(file_name(s, k->event.file));
    v[6] = v_int((int64_t)k->event.line);
}

const ms_table ms_tab_compromised = {
    "compromised",
    COLS(IP("ip"), TEXT("user"), TIME("time"), TEXT("evidence"),
         TEXT("service"), TEXT("file"), INT("line")),
    compromised_count, compromised_row,
};

const ms_table *const ms_tables[] = {
    &ms_tab_events, &ms_tab_timeline, &ms_tab_ips, &ms_tab_clusters,
    &ms_tab_members, &ms_tab_geo, &ms_tab_bans, &ms_tab_compromised, NULL,
};
