/* geo.c — the list of geo databases, the order they are asked in, and the
 * enrichment of an analysis (see geo.h). Each source is a geo_db read by
 * mmdb.c or ranges.c; an answer is three string ids (geo_db.h). A lookup
 * asks the databases in order and stops once it has a country (not only a
 * registry one) and an AS number. */
#include "enrich/geo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "enrich/geo_db.h"
#include "enrich/geo_strs.h"
#include "enrich/mmdb.h"
#include "enrich/ranges.h"

struct ms_geo {
    geo_strs t;                    /* the answers' and sources' strings */
    ms_geo_source *src;
    geo_db **db;
    size_t n, cap;
    char **searched;
    size_t nsearched;
    uint64_t last_addresses;
    double last_seconds;
};

/* ---- the list ------------------------------------------------------------ */

ms_geo *ms_geo_new(void)
{
    ms_geo *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (geo_strs_init(&g->t)) {
        free(g);
        return NULL;
    }
    return g;
}

static void db_free(geo_db *d)
{
    if (!d)
        return;
    if (d->kind == GEO_MMDB)
        geo_mmdb_close(d);
    else
        geo_table_free(d);
    free(d);
}

void ms_geo_free(ms_geo *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        db_free(g->db[i]);
    for (size_t i = 0; i < g->nsearched; i++)
        free(g->searched[i]);
    free(g->searched);
    free(g->db);
    free(g->src);
    geo_strs_free(&g->t);
    free(g);
}

/* Open path as kind and append it; on failure the source stays listed
 * with its error (unless memory ran out). */
static int add(ms_geo *g, const char *path, int found, int kind, ms_error *err)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        ms_geo_source *src = realloc(g->src, cap * sizeof *src);
        if (src)
            g->src = src;
        geo_db **db = src ? realloc(g->db, cap * sizeof *db) : NULL;
        if (!db)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        g->db = db;
        g->cap = cap;
    }
    geo_db *d = calloc(1, sizeof *d);
    ms_geo_source *s = &g->src[g->n];
    *s = (ms_geo_source){.path = geo_keep(&g->t, path),
                         .format = kind == GEO_MMDB ? "mmdb" : "csv",
                         .type = "", .description = "", .built = -1,
                         .mtime = -1, .attribution = "", .found = found};
    if (!d || !s->path) {
        free(d);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    d->kind = kind;
    struct stat st;
    if (stat(path, &st) == 0)
        s->mtime = (int64_t)st.st_mtime;
    ms_error e = {0};
    int rc = kind == GEO_MMDB ? geo_mmdb_open(&g->t, d, s, path, &e)
                              : geo_table_load(&g->t, d, s, path, &e);
    if (rc == 0) {
        d->usable = 1;
    } else {
        if (e.code == MS_ERR_NOMEM) {
            db_free(d);
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        }
        s->error = geo_keep(&g->t, e.msg);
        if (!s->error) {
            db_free(d);
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        }
        if (err)
            *err = e;
        /* Listed, never asked: give back its memory now. */
        if (kind == GEO_MMDB)
            geo_mmdb_close(d);
        else
            geo_table_free(d);
    }
    g->db[g->n++] = d;
    return rc;
}

int ms_geo_add_mmdb(ms_geo *g, const char *path, int found, ms_error *err)
{
    return add(g, path, found, GEO_MMDB, err);
}

int ms_geo_add_table(ms_geo *g, const char *path, int found, ms_error *err)
{
    return add(g, path, found, GEO_TABLE, err);
}

/* The MaxMind metadata marker sits in the last 128 KiB of the file. */
static int looks_mmdb(const char *path)
{
    size_t n = strlen(path);
    if (n >= 5 && !strcmp(path + n - 5, ".mmdb"))
        return 1;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    static const char marker[] = "\xab\xcd\xefMaxMind.com";
    enum { TAIL = 128 * 1024 };
    char *buf = malloc(TAIL);
    int yes = 0;
    if (buf && fseek(fp, 0, SEEK_END) == 0) {
        long size = ftell(fp);
        long from = size > TAIL ? size - TAIL : 0;
        if (size > 0 && fseek(fp, from, SEEK_SET) == 0) {
            size_t k = fread(buf, 1, TAIL, fp);
            yes = memmem(buf, k, marker, sizeof marker - 1) != NULL;
        }
    }
    free(buf);
    fclose(fp);
    return yes;
}

int ms_geo_add(ms_geo *g, const char *path, int found, ms_error *err)
{
    return add(g, path, found, looks_mmdb(path) ? GEO_MMDB : GEO_TABLE, err);
}

/* ---- discovery ------------------------------------------------------------ */

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = malloc(na + nb + 2);
    if (!p)
        return NULL;
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    return p;
}

size_t ms_geo_default_dirs(const char *exe_dir, char **dirs)
{
    size_t n = 0;
    dirs[n] = strdup("/usr/share/GeoIP");
    n += dirs[n] != NULL;
    dirs[n] = strdup("/var/lib/GeoIP");
    n += dirs[n] != NULL;
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        dirs[n] = join(xdg, "mailsleuth");
    else if (home && home[0])
        dirs[n] = join(home, ".local/share/mailsleuth");
    else
        dirs[n] = NULL;
    n += dirs[n] != NULL;
    const char *slash = exe_dir ? strrchr(exe_dir, '/') : NULL;
    if (slash && slash > exe_dir) {   /* the binary's folder's parent */
        char *parent = strndup(exe_dir, (size_t)(slash - exe_dir));
        dirs[n] = parent ? join(parent, "data") : NULL;
        free(parent);
        n += dirs[n] != NULL;
    }
    return n;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

/* A table's name with any compression suffix removed, lower-cased, into
 * t (cap bytes); 0 if it is not a .csv/.tsv. */
static int table_name(const char *name, char *t, size_t cap)
{
    size_t n = strlen(name);
    if (n >= cap)
        return 0;
    for (size_t i = 0; i <= n; i++)
        t[i] = (char)tolower((unsigned char)name[i]);
    static const char *const zips[] = {".gz", ".bz2", ".xz", ".zst"};
    for (size_t i = 0; i < 4; i++)
        if (ends_with(t, zips[i])) {
            t[strlen(t) - strlen(zips[i])] = '\0';
            break;
        }
    return ends_with(t, ".csv") || ends_with(t, ".tsv");
}

/* asn*.csv, *-asn*.csv, ip2asn-*.tsv, a `-num` twin excepted. */
static int wanted_table(const char *name, char *const *names, size_t n)
{
    char t[256];
    if (!table_name(name, t, sizeof t))
        return 0;
    if (!(strncmp(t, "asn", 3) == 0 || strstr(t, "-asn") || strstr(t, "_asn") ||
          strncmp(t, "ip2asn-", 7) == 0))
        return 0;
    char *num = strstr(t, "-num.");
    if (num) {
        memmove(num, num + 4, strlen(num + 4) + 1);
        for (size_t i = 0; i < n; i++) {
            char u[256];
            if (names[i] != name && table_name(names[i], u, sizeof u) &&
                !strcmp(u, t))
                return 0;
        }
    }
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of one folder, sorted; -1 out of memory, 0 missing. */
static int list_dir(const char *dir, char ***out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 16;
            char **v2 = realloc(v, c2 * sizeof *v2);
            if (!v2) {
                rc = -1;
                break;
            }
            v = v2;
            cap = c2;
        }
        if (!(v[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    *nout = n;
    return rc;
}

/* One folder's databases; .mmdb files first, then tables (a registry
 * country is a fallback). *failed counts those that would not open (err:
 * the first). -1 when memory ran out. */
static int discover_dir(ms_geo *g, const char *dir, char **names, size_t n,
                        int *failed, ms_error *err)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < n; k++) {
            int mmdb = ends_with(names[k], ".mmdb");
            if (pass == 0 ? !mmdb : (mmdb || !wanted_table(names[k], names, n)))
                continue;
            char *path = join(dir, names[k]);
            if (!path)
                return -1;
            struct stat st;
            if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
                free(path);
                continue;
            }
            ms_error e = {0};
            int rc = add(g, path, 1, mmdb ? GEO_MMDB : GEO_TABLE, &e);
            free(path);
            if (rc == 0)
                continue;
            if (e.code == MS_ERR_NOMEM)
                return -1;
            if (e.code == MS_ERR_USAGE) {
                /* Another kind of mmdb (anonymous ip, connection type…):
                 * not a geo source, not listed. */
                db_free(g->db[--g->n]);
                continue;
            }
            if ((*failed)++ == 0 && err)
                *err = e;
        }
    return 0;
}

int ms_geo_discover(ms_geo *g, const char *const *dirs, size_t ndirs,
                    ms_error *err)
{
    int failed = 0;
    char **sv = realloc(g->searched, (g->nsearched + ndirs + 1) * sizeof *sv);
    if (!sv)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    g->searched = sv;
    for (size_t i = 0; i < ndirs; i++) {
        if (!(g->searched[g->nsearched] = strdup(dirs[i])))
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        g->nsearched++;
        char **names;
        size_t n;
        int rc = list_dir(dirs[i], &names, &n);
        if (rc == 0)
            rc = discover_dir(g, dirs[i], names, n, &failed, err);
        for (size_t k = 0; k < n; k++)
            free(names[k]);
        free(names);
        if (rc)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    return failed;
}

const ms_geo_source *ms_geo_sources(const ms_geo *g, size_t *n)
{
    *n = g->n;
    return g->src;
}

const char *const *ms_geo_searched(const ms_geo *g, size_t *n)
{
    *n = g->nsearched;
    return (const char *const *)g->searched;
}

size_t ms_geo_usable(const ms_geo *g)
{
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++)
        k += g->db[i]->usable;
    return k;
}

/* ---- lookups ---------------------------------------------------------------- */

/* Ask the databases in order. who[0]: the source of the country, who[1]:
 * of the AS (SIZE_MAX: none). Returns the number of databases found
 * damaged (left out), or -1 when memory ran out. */
static int lookup(ms_geo *g, const ms_ip *ip, geo_res *out, size_t who[2],
                  ms_error *err)
{
    *out = (geo_res){0, 0, 0};
    who[0] = who[1] = SIZE_MAX;
    uint32_t weak = 0;
    size_t weak_who = SIZE_MAX;
    int damaged = 0;
    for (size_t i = 0; i < g->n; i++) {
        geo_db *d = g->db[i];
        if (!d->usable)
            continue;
        if (out->country && out->asn)
            break;
        geo_res r;
        if (d->kind == GEO_MMDB) {
            ms_error e = {0};
            if (geo_mmdb_find(&g->t, d, &g->src[i], ip, &r, &e)) {
                if (e.code == MS_ERR_NOMEM)
                    return ms_fail(err, MS_ERR_NOMEM, "out of memory");
                d->usable = 0;
                g->src[i].error = geo_keep(&g->t, e.msg);
                if (!g->src[i].error)
                    return ms_fail(err, MS_ERR_NOMEM, "out of memory");
                if (damaged++ == 0 && err)
                    *err = e;
                continue;
            }
        } else {
            geo_table_find(d, ip, &r);
        }
        if (!out->country && r.country) {
            if (!d->weak_country) {
                out->country = r.country;
                who[0] = i;
            } else if (!weak) {
                weak = r.country;
                weak_who = i;
            }
        }
        if (!out->asn && r.asn) {
            out->asn = r.asn;
            out->org = r.org;
            who[1] = i;
        }
    }
    if (!out->country && weak) {
        out->country = weak;
        who[0] = weak_who;
    }
    return damaged;
}

int ms_geo_lookup(ms_geo *g, const ms_ip *ip, ms_geo_info *out, ms_error *err)
{
    geo_res r;
    size_t who[2];
    int rc = lookup(g, ip, &r, who, err);
    out->country = g->t.ids.str[r.country];
    out->asn = g->t.ids.str[r.asn];
    out->as_org = g->t.ids.str[r.org];
    return rc ? -1 : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ms_geo_enrich(ms_geo *g, ms_analysis *a, ms_error *err)
{
    double t0 = now_s();
    const ms_store *s = a->store;
    size_t nips = s->ips.n;
    g->last_addresses = 0;
    for (size_t i = 0; i < g->n; i++) {
        g->src[i].answered = 0;
        g->src[i].used = 0;
    }
    if (!ms_geo_usable(g) || !nips || !a->ip) {
        g->last_seconds = now_s() - t0;
        return 0;
    }
    geo_res *res = malloc(nips * sizeof *res);
    if (!res)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    int damaged = 0;
    for (uint32_t id = 0; id < nips; id++) {
        res[id] = (geo_res){0, 0, 0};
        if (!ms_store_ip_real(s, id))
            continue;
        size_t who[2];
        ms_error e = {0};
        int k = lookup(g, ms_store_ip(s, id), &res[id], who, &e);
        if (k < 0) {
            free(res);
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        }
        if (k && damaged == 0 && err)
            *err = e;
        damaged += k;
        g->last_addresses++;
        if (who[0] != SIZE_MAX) {
            g->src[who[0]].used |= MS_GEO_COUNTRY;
            g->src[who[0]].answered++;
        }
        if (who[1] != SIZE_MAX) {
            g->src[who[1]].used |= MS_GEO_ASN | (res[id].org ? MS_GEO_ORG : 0);
            g->src[who[1]].answered += who[1] != who[0];
        }
    }
    /* Each distinct string copied into the analysis' arena once. */
    const char **copy = calloc(g->t.ids.n ? g->t.ids.n : 1, sizeof *copy);
    if (!copy) {
        free(res);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    copy[0] = "";
    int nomem = 0;
    for (uint32_t id = 0; id < nips && !nomem; id++) {
        uint32_t k[3] = {res[id].country, res[id].asn, res[id].org};
        const char **dst[3] = {&a->ip[id].country, &a->ip[id].asn,
                               &a->ip[id].as_org};
        for (int j = 0; j < 3; j++) {
            if (!copy[k[j]])
                copy[k[j]] = ms_arena_strndup(&a->arena, g->t.ids.str[k[j]],
                                              g->t.ids.len[k[j]]);
            if (!copy[k[j]]) {
                nomem = 1;
                break;
            }
            *dst[j] = copy[k[j]];
        }
    }
    free(copy);
    free(res);
    g->last_seconds = now_s() - t0;
    if (nomem)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return damaged;
}

void ms_geo_stats(const ms_geo *g, uint64_t *addresses, double *seconds)
{
    *addresses = g->last_addresses;
    *seconds = g->last_seconds;
}
