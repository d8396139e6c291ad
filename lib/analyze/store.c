/* store.c — see store.h. Sorting permutes every column through one index
 * array sorted by (time, file, line); events without a time sort first. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "core/prefault.h"

#define READY_AHEAD 16384   /* rows mapped in ahead of the writes */

int ms_store_init(ms_store *s)
{
    memset(s, 0, sizeof *s);
    if (ms_intern_init(&s->ips) || ms_intern_init(&s->users) ||
        ms_intern_init(&s->strs)) {
        ms_store_free(s);
        return -1;
    }
    return 0;
}

void ms_store_free(ms_store *s)
{
    free(s->time);
    free(s->ip);
    free(s->user);
    free(s->method);
    free(s->reason);
    free(s->source);
    free(s->host);
    free(s->file);
    free(s->line);
    free(s->outcome);
    free(s->service);
    free(s->attempts);
    free(s->by_ip);
    free(s->ip_start);
    ms_intern_free(&s->ips);
    ms_intern_free(&s->users);
    ms_intern_free(&s->strs);
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    free(s->file_server);
    memset(s, 0, sizeof *s);
}

int64_t ms_store_add_file(ms_store *s, const char *name)
{
    char **f = realloc(s->files, (s->nfiles + 1) * sizeof *f);
    if (!f)
        return -1;
    s->files = f;
    uint32_t *l = realloc(s->file_server, (s->nfiles + 1) * sizeof *l);
    if (!l)
        return -1;
    s->file_server = l;
    l[s->nfiles] = 0;
    if (!(f[s->nfiles] = strdup(name)))
        return -1;
    return (int64_t)s->nfiles++;
}

int ms_store_set_server(ms_store *s, uint32_t file, const char *name,
                        size_t n)
{
    uint32_t id = ms_intern_put(&s->strs, name, n);
    if (id == UINT32_MAX)
        return -1;
    if (file < s->nfiles)
        s->file_server[file] = id;
    return 0;
}

#define GROW(field) do {                                              \
        void *p_ = realloc(s->field, cap * sizeof *s->field);         \
        if (!p_)                                                      \
            return -1;                                                \
        s->field = p_;                                                \
    } while (0)

static int grow(ms_store *s, size_t cap)
{
    s->ready = s->n;   /* columns may move: nothing past n is mapped in */
    GROW(time);
    GROW(ip);
    GROW(user);
    GROW(method);
    GROW(reason);
    GROW(source);
    GROW(host);
    GROW(file);
    GROW(line);
    GROW(outcome);
    GROW(service);
    GROW(attempts);
    s->cap = cap;
    return 0;
}

int ms_store_reserve(ms_store *s, size_t more)
{
    if (more <= s->cap - s->n)
        return 0;
    size_t cap = s->n + more;
    return grow(s, s->cap && cap < 2 * s->cap ? 2 * s->cap : cap);
}

/* The id of s in t; *last is the id this column got the event before,
 * taken again without hashing when its text is the same. */
static uint32_t put(ms_intern *t, uint32_t *last, const char *str, size_t n)
{
    if (*last < t->n && t->len[*last] == n &&
        (n == 0 || memcmp(t->str[*last], str, n) == 0))
        return *last;
    return *last = ms_intern_put(t, str, n);
}

#define READY(field) \
    ms_prefault(s->field + from, (to - from) * sizeof *s->field)

/* Map in the rows of the next window of every column, in one call per
 * column rather than a trap per page (core/prefault.h). */
static void get_ready(ms_store *s)
{
    size_t from = s->n, to = s->cap - from > READY_AHEAD ? from + READY_AHEAD : s->cap;
    READY(time);
    READY(ip);
    READY(user);
    READY(method);
    READY(reason);
    READY(source);
    READY(host);
    READY(file);
    READY(line);
    READY(outcome);
    READY(service);
    READY(attempts);
    s->ready = to;
}

int ms_store_add(ms_store *s, const ms_event *e, uint32_t file)
{
    if (e->outcome == MS_OUT_DUPLICATE || e->outcome == MS_OUT_NONE)
        return 0;
    if (s->n == s->cap && grow(s, s->cap ? s->cap * 2 : 4096))
        return -1;
    if (s->n == s->ready)
        get_ready(s);
    size_t i = s->n;
    uint32_t *last = s->last;
    uint32_t ids[6] = {
        put(&s->ips, &last[0], (const char *)e->ip.b, sizeof e->ip.b),
        put(&s->users, &last[1], e->user.p, e->user.n),
        put(&s->strs, &last[2], e->method.p, e->method.n),
        put(&s->strs, &last[3], e->reason.p, e->reason.n),
        put(&s->strs, &last[4], e->source, strlen(e->source)),
        put(&s->strs, &last[5], e->host.p, e->host.n),
    };
    for (int k = 0; k < 6; k++)
        if (ids[k] == UINT32_MAX)
            return -1;
    s->time[i] = e->time;
    s->ip[i] = ids[0];
    s->user[i] = ids[1];
    s->method[i] = ids[2];
    s->reason[i] = ids[3];
    s->source[i] = ids[4];
    s->host[i] = ids[5];
    s->file[i] = file;
    s->line[i] = e->line;
    s->outcome[i] = e->outcome;
    s->service[i] = e->service;
    s->attempts[i] = e->attempts;
    s->n++;
    return 0;
}

static const ms_store *sort_store;

static int by_time(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    const ms_store *s = sort_store;
    if (s->time[i] != s->time[j])
        return s->time[i] < s->time[j] ? -1 : 1;
    if (s->file[i] != s->file[j])
        return s->file[i] < s->file[j] ? -1 : 1;
    if (s->line[i] != s->line[j])
        return s->line[i] < s->line[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}

#define PERMUTE(field) do {                                            \
        void *p_ = malloc(s->n * sizeof *s->field);                   \
        if (!p_)                                                      \
            goto fail;                                                \
        __typeof__(s->field) dst_ = p_;                                \
        for (size_t k_ = 0; k_ < s->n; k_++)                          \
            dst_[k_] = s->field[perm[k_]];                            \
        free(s->field);                                               \
        s->field = dst_;                                              \
    } while (0)

/* Sort perm by by_time with insertion sort if it is nearly sorted already
 * (a log is, but for the odd line written a second late): 1 when done; 0
 * when it took too many moves (perm is then a permutation to sort). */
static int nearly_sorted(uint32_t *perm, size_t n)
{
    size_t budget = 4 * n + 1024;
    for (size_t i = 1; i < n; i++) {
        uint32_t x = perm[i];
        size_t j = i;
        while (j > 0 && by_time(&perm[j - 1], &x) > 0) {
            if (budget-- == 0) {
                perm[j] = x;
                return 0;
            }
            perm[j] = perm[j - 1];
            j--;
        }
        perm[j] = x;
    }
    return 1;
}

int ms_store_finish(ms_store *s)
{
    uint32_t *perm = malloc((s->n ? s->n : 1) * sizeof *perm);
    if (!perm)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        perm[i] = (uint32_t)i;
    sort_store = s;
    if (!nearly_sorted(perm, s->n))
        qsort(perm, s->n, sizeof *perm, by_time);
    size_t moved = 0;
    while (moved < s->n && perm[moved] == moved)
        moved++;
    if (moved == s->n)
        goto by_ip;   /* already in order: nothing to move */
    PERMUTE(time);
    PERMUTE(ip);
    PERMUTE(user);
    PERMUTE(method);
    PERMUTE(reason);
    PERMUTE(source);
    PERMUTE(host);
    PERMUTE(file);
    PERMUTE(line);
    PERMUTE(outcome);
    PERMUTE(service);
    PERMUTE(attempts);
by_ip:
    free(perm);
    /* Counting sort by ip keeps time order within each ip. */
    free(s->ip_start);
    free(s->by_ip);
    s->ip_start = calloc(s->ips.n + 1, sizeof *s->ip_start);
    s->by_ip = malloc((s->n ? s->n : 1) * sizeof *s->by_ip);
    if (!s->ip_start || !s->by_ip)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        s->ip_start[s->ip[i] + 1]++;
    for (uint32_t k = 0; k < s->ips.n; k++)
        s->ip_start[k + 1] += s->ip_start[k];
    uint32_t *fill = malloc((s->ips.n + 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, s->ip_start, (s->ips.n + 1) * sizeof *fill);
    for (size_t i = 0; i < s->n; i++)
        s->by_ip[fill[s->ip[i]]++] = (uint32_t)i;
    free(fill);
    return 0;
fail:
    free(perm);
    return -1;
}

int ms_store_keep_window(ms_store *s, ms_time from, ms_time to)
{
    size_t i = 0;
    while (i < s->n && s->time[i] != MS_TIME_NONE &&
           (from == MS_TIME_NONE || s->time[i] >= from) &&
           (to == MS_TIME_NONE || s->time[i] < to))
        i++;
    if (i == s->n)
        return 0;
    /* Added again, the kept rows in their order, into a new store: ids as
     * if only they had been added. */
    ms_store t;
    if (ms_store_init(&t))
        return -1;
    for (size_t f = 0; f < s->nfiles; f++) {
        uint32_t l = s->file_server[f];
        if (ms_store_add_file(&t, s->files[f]) < 0 ||
            ms_store_set_server(&t, (uint32_t)f, s->strs.str[l], s->strs.len[l]))
            goto fail;
    }
    for (i = 0; i < s->n; i++) {
        ms_time tm = s->time[i];
        if (tm == MS_TIME_NONE || (from != MS_TIME_NONE && tm < from) ||
            (to != MS_TIME_NONE && tm >= to))
            continue;
#define STR(tab, id) {(tab).str[id], (tab).len[id]}
        ms_event e = {
            .time = tm,
            .ip = *ms_store_ip(s, s->ip[i]),
            .outcome = s->outcome[i],
            .service = s->service[i],
            .attempts = s->attempts[i],
            .line = s->line[i],
            .source = s->strs.str[s->source[i]],
            .user = STR(s->users, s->user[i]),
            .method = STR(s->strs, s->method[i]),
            .reason = STR(s->strs, s->reason[i]),
            .host = STR(s->strs, s->host[i]),
        };
#undef STR
        if (ms_store_add(&t, &e, s->file[i]))
            goto fail;
    }
    ms_store_free(s);
    *s = t;
    return 0;
fail:
    ms_store_free(&t);
    return -1;
}
