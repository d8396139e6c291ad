/* prefilter.c — see prefilter.h. The keys are kept as Hyperscan
 * expressions with their flags, in order (a key's id is its index): a
 * literal as \xHH bytes (so a literal key is found again by its
 * expression), a pattern with HS_FLAG_PREFILTER, a coverage word caseless.
 * The database of the rows' keys is compiled by ms_prefilter_compile, the
 * one with the coverage words by the first scan (or export) that asks for
 * it, under the lock. A scratch grows to fit that second database the
 * first time it scans with it. Hits are gathered by Hyperscan's callback
 * into two arrays, sorted by end should Hyperscan not give them in
 * order. */
#include "prefilter.h"

const char *const ms_coverage_words[] = {
    "auth", "login", "logon", "passw", "sasl", "fail", "invalid user",
    "denied", NULL,
};

#include "ms_config.h"

#if MS_HAVE_HYPERSCAN
#include <hs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/prebuilt.h"
#include "parse/prefilter_form.h"

struct ms_prefilter {
    char **expr;              /* every key's expression, the coverage */
    unsigned *flags;          /* words last */
    size_t n, cap;
    size_t nrow;              /* keys of rows; coverage words come after */
    hs_database_t *db;        /* the rows' keys; NULL when there is none */
    pthread_mutex_t lock;     /* over cov_db and cov_state */
    hs_database_t *cov_db;    /* the same keys plus the coverage words */
    int cov_state;            /* 0: not built, 1: ready, -1: unavailable */
    const void *blob;         /* databases compiled ahead (prebuilt.h) */
    size_t blob_n;
};

struct ms_prefilter_scratch {
    ms_prefilter *p;
    hs_scratch_t *s;
    int cov;                  /* 1: s fits cov_db, -1: it cannot */
    uint32_t *end;
    uint16_t *key;
    size_t n, cap;
    int unsorted, nomem;
};

ms_prefilter *ms_prefilter_new(const void *blob, size_t n)
{
    if (hs_valid_platform() != HS_SUCCESS)
        return NULL;
    ms_prefilter *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->blob = blob;
    p->blob_n = n;
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void ms_prefilter_free(ms_prefilter *p)
{
    if (!p)
        return;
    hs_free_database(p->db);
    hs_free_database(p->cov_db);
    for (size_t k = 0; k < p->n; k++)
        free(p->expr[k]);
    free(p->expr);
    free(p->flags);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Add expression e (taken over) with its flags: its key, or -1. */
static int add_key(ms_prefilter *p, char *e, unsigned flags)
{
    if (!e)
        return -1;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        char **x = realloc(p->expr, cap * sizeof *x);
        if (x)
            p->expr = x;
        unsigned *f = realloc(p->flags, cap * sizeof *f);
        if (f)
            p->flags = f;
        if (!x || !f) {
            free(e);
            return -1;
        }
        p->cap = cap;
    }
    p->expr[p->n] = e;
    p->flags[p->n] = flags;
    return (int)p->n++;
}

/* A literal as a Hyperscan expression: every byte as \xHH. */
static char *literal_expr(const char *lit, size_t n)
{
    char *e = malloc(4 * n + 1);
    if (!e)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(e + 4 * i, 5, "\\x%02x", (unsigned char)lit[i]);
    return e;
}

int ms_prefilter_literal(ms_prefilter *p, const char *lit, size_t n)
{
    char *e = literal_expr(lit, n);
    if (!e)
        return -1;
    for (size_t k = 0; k < p->n; k++)
        if (p->flags[k] == 0 && strcmp(p->expr[k], e) == 0) {
            free(e);
            return (int)k;
        }
    return add_key(p, e, 0);
}

int ms_prefilter_pattern(ms_prefilter *p, const char *pattern)
{
    for (int reduce = 1; reduce >= 0; reduce--) {
        char *e = ms_prefilter_form(pattern, reduce);
        if (!e)
            continue;
        hs_database_t *db = NULL;
        hs_compile_error_t *ce = NULL;
        if (hs_compile(e, HS_FLAG_PREFILTER, HS_MODE_BLOCK, NULL, &db, &ce) ==
            HS_SUCCESS) {
            hs_free_database(db);
            return add_key(p, e, HS_FLAG_PREFILTER);
        }
        hs_free_compile_error(ce);
        free(e);
    }
    return -1;
}

/* The database of the first n keys: compiled ahead, when the blob holds
 * one for exactly these keys, else compiled now. NULL when it cannot be. */
static hs_database_t *keys_db(const ms_prefilter *p, size_t n)
{
    const char *const *expr = (const char *const *)p->expr;
    hs_database_t *db = ms_prebuilt_find(p->blob, p->blob_n,
                                         ms_prebuilt_key(expr, p->flags, n));
    if (db)
        return db;
    unsigned *ids = malloc(n * sizeof *ids);
    hs_compile_error_t *ce = NULL;
    for (size_t k = 0; ids && k < n; k++)
        ids[k] = (unsigned)k;
    if (!ids || hs_compile_multi(expr, p->flags, ids, (unsigned)n,
                                 HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
        hs_free_compile_error(ce);
        db = NULL;
    }
    free(ids);
    return db;
}

int ms_prefilter_compile(ms_prefilter *p)
{
    p->nrow = p->n;
    for (size_t w = 0; ms_coverage_words[w]; w++)
        if (add_key(p, literal_expr(ms_coverage_words[w],
                                    strlen(ms_coverage_words[w])),
                    HS_FLAG_CASELESS) < 0)
            return -1;
    if (p->n > (size_t)UINT16_MAX + 1)   /* a hit's key is 16 bits */
        return -1;
    return p->nrow && !(p->db = keys_db(p, p->nrow)) ? -1 : 0;
}

size_t ms_prefilter_nkeys(const ms_prefilter *p)
{
    return p->n;
}

int ms_prefilter_coverage(const ms_prefilter *p, const uint16_t *keys,
                          size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i] >= p->nrow)
            return 1;
    return 0;
}

/* cov_db, compiled by the first to ask; NULL when it cannot be had. */
static hs_database_t *cov_db(ms_prefilter *p)
{
    pthread_mutex_lock(&p->lock);
    if (p->cov_state == 0) {
        p->cov_db = p->n ? keys_db(p, p->n) : NULL;
        p->cov_state = p->cov_db ? 1 : -1;
    }
    hs_database_t *cov = p->cov_state == 1 ? p->cov_db : NULL;
    pthread_mutex_unlock(&p->lock);
    return cov;
}

int ms_prefilter_export(ms_prefilter *p, ms_buf *out)
{
    if (!p->db || !cov_db(p))
        return 0;
    const char *const *expr = (const char *const *)p->expr;
    return ms_prebuilt_append(out, ms_prebuilt_key(expr, p->flags, p->nrow),
                              p->db) ||
           ms_prebuilt_append(out, ms_prebuilt_key(expr, p->flags, p->n),
                              p->cov_db) ? -1 : 0;
}

ms_prefilter_scratch *ms_prefilter_scratch_new(ms_prefilter *p)
{
    ms_prefilter_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = p;
    if (p->db && hs_alloc_scratch(p->db, &s->s) != HS_SUCCESS) {
        ms_prefilter_scratch_free(s);
        return NULL;
    }
    return s;
}

void ms_prefilter_scratch_free(ms_prefilter_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->s);
    free(s->end);
    free(s->key);
    free(s);
}

/* The scratch grown to fit cov_db. 0, or -1 when it cannot be had. */
static int cov_ready(ms_prefilter_scratch *s)
{
    if (!s->cov) {
        hs_database_t *cov = cov_db(s->p);
        s->cov = cov && hs_alloc_scratch(cov, &s->s) == HS_SUCCESS ? 1 : -1;
    }
    return s->cov > 0 ? 0 : -1;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to,
                  unsigned flags, void *ctx)
{
    ms_prefilter_scratch *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        uint32_t *e = realloc(s->end, cap * sizeof *e);
        if (e)
            s->end = e;
        uint16_t *k = realloc(s->key, cap * sizeof *k);
        if (k)
            s->key = k;
        if (!e || !k) {
            s->nomem = 1;
            return 1;   /* stops the scan */
        }
        s->cap = cap;
    }
    if (s->n && s->end[s->n - 1] > to)
        s->unsorted = 1;
    s->end[s->n] = (uint32_t)to;
    s->key[s->n++] = (uint16_t)id;
    return 0;
}

typedef struct hit { uint32_t end; uint16_t key; } hit;

static int hit_cmp(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Hyperscan promises matches in order of end offset; sort anyway if not. */
static int sort_hits(ms_prefilter_scratch *s)
{
    hit *h = malloc(s->n * sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        h[i].end = s->end[i];
        h[i].key = s->key[i];
    }
    qsort(h, s->n, sizeof *h, hit_cmp);
    for (size_t i = 0; i < s->n; i++) {
        s->end[i] = h[i].end;
        s->key[i] = h[i].key;
    }
    free(h);
    return 0;
}

int ms_prefilter_scan(ms_prefilter_scratch *s, const char *text, size_t len,
                      int coverage, ms_hits *hits)
{
    s->n = 0;
    s->unsorted = s->nomem = 0;
    if (len > UINT32_MAX || (coverage && cov_ready(s)))
        return -1;
    hs_database_t *db = coverage ? s->p->cov_db : s->p->db;
    if (db && len &&
        hs_scan(db, text, (unsigned)len, 0, s->s, on_hit, s) != HS_SUCCESS &&
        !s->nomem)
        return -1;
    if (s->nomem || (s->unsorted && sort_hits(s)))
        return -1;
    hits->end = s->end;
    hits->key = s->key;
    hits->n = s->n;
    return 0;
}

#else   /* built without Hyperscan: no prefilter, every line its own way */

ms_prefilter *ms_prefilter_new(const void *blob, size_t n)
{
    return NULL;
}

void ms_prefilter_free(ms_prefilter *p) {}
int ms_prefilter_literal(ms_prefilter *p, const char *lit, size_t n) { return -1; }
int ms_prefilter_pattern(ms_prefilter *p, const char *pattern) { return -1; }
int ms_prefilter_compile(ms_prefilter *p) { return -1; }
size_t ms_prefilter_nkeys(const ms_prefilter *p) { return 0; }
int ms_prefilter_coverage(const ms_prefilter *p, const uint16_t *keys,
                          size_t n) { return 0; }
int ms_prefilter_export(ms_prefilter *p, ms_buf *out) { return 0; }
ms_prefilter_scratch *ms_prefilter_scratch_new(ms_prefilter *p) { return NULL; }
void ms_prefilter_scratch_free(ms_prefilter_scratch *s) {}
int ms_prefilter_scan(ms_prefilter_scratch *s, const char *text, size_t len,
                      int coverage, ms_hits *hits) { return -1; }
#endif
