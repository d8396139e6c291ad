/* store.c — see store.h. Sorting sorts an array of event indexes by
 * (time, file, line), events without a time first (insertion for a nearly
 * sorted store, else a merge of the runs already in order: one a file),
 * then moves the columns' rows along its cycles in place (a bit a row marks
 * those moved), so no column is ever copied whole. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/spill.h"
#include "core/prefault.h"

#define READY_AHEAD 16384   /* rows mapped in ahead of the writes */

int ms_store_init(ms_store *s)
{
    memset(s, 0, sizeof *s);
    _Static_assert(sizeof(ms_shape) == 28, "ms_shape has padding");
    if (ms_intern_init(&s->ips) || ms_intern_init(&s->users) ||
        ms_intern_init(&s->strs) || ms_intern_init(&s->shape_ids) ||
        !(s->shapes = calloc(16, sizeof *s->shapes)) ||
        !(s->ipv = calloc(16, sizeof *s->ipv))) {
        ms_store_free(s);
        return -1;
    }
    s->shapes_cap = 16;
    s->ipv_cap = 16;
    s->nipv = 1;   /* id 0, "": no address */
    return 0;
}

void ms_store_free(ms_store *s)
{
    free(s->time);
    free(s->ip);
    free(s->user);
    free(s->shape);
    free(s->line_lo);
    free(s->seq);
    if (s->spill) {
        ms_spill_free(s->spill);
        free(s->spill);
    }
    free(s->by_ip);
    free(s->ip_start);
    ms_intern_free(&s->ips);
    ms_intern_free(&s->users);
    ms_intern_free(&s->strs);
    ms_intern_free(&s->shape_ids);
    free(s->shapes);
    free(s->ipv);
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
    GROW(shape);
    GROW(line_lo);
    if (s->seq)
        GROW(seq);
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
 * taken again without hashing when its text is the same. h: the text's
 * hash when known, else NULL. */
static uint32_t put(ms_intern *t, uint32_t *last, const char *str, size_t n,
                    const uint32_t *h)
{
    if (*last < t->n && t->len[*last] == n &&
        (n == 0 || memcmp(t->str[*last], str, n) == 0))
        return *last;
    return *last = h ? ms_intern_put_hashed(t, str, n, *h)
                     : ms_intern_put(t, str, n);
}

/* Room for the shape ids the table may give next (its ids are dense). */
static int grow_shapes(ms_store *s)
{
    size_t cap = 2 * s->shapes_cap > s->shape_ids.n ? 2 * s->shapes_cap
                                                     : s->shape_ids.n + 16;
    ms_shape *p = realloc(s->shapes, cap * sizeof *p);
    if (!p)
        return -1;
    memset(p + s->shapes_cap, 0, (cap - s->shapes_cap) * sizeof *p);
    s->shapes = p;
    s->shapes_cap = cap;
    return 0;
}

/* The id of shape h: a few shapes take turns in most logs (successes and
 * failures, two services), so a small table of recent ones, indexed by a
 * cheap mix of the fields, spares most events the hash of 28 bytes.
 * UINT32_MAX when memory ran out. */
static uint32_t shape_id(ms_store *s, const ms_shape *h)
{
    uint32_t mix = h->method * 0x9e3779b1u ^ h->reason * 0x85ebca6bu ^
                   h->source * 0xc2b2ae35u ^ h->host * 0x27d4eb2fu ^
                   h->file * 0x165667b1u ^ h->line_hi ^
                   ((uint32_t)h->attempts << 16 | (uint32_t)h->outcome << 8 |
                    h->service) * 0x61c88647u;
    uint32_t *slot = &s->recent[(mix >> 26) & 63];
    if (*slot && memcmp(&s->shapes[*slot], h, sizeof *h) == 0)
        return *slot;
    uint32_t id = ms_intern_put(&s->shape_ids, (const char *)h, sizeof *h);
    if (id == UINT32_MAX || (id >= s->shapes_cap && grow_shapes(s)))
        return UINT32_MAX;
    s->shapes[id] = *h;
    return *slot = id;
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
    READY(shape);
    READY(line_lo);
    if (s->seq)
        READY(seq);
    s->ready = to;
}

/* Row from of every column into row to. */
static void copy_row(ms_store *s, size_t to, size_t from)
{
    s->time[to] = s->time[from];
    s->ip[to] = s->ip[from];
    s->user[to] = s->user[from];
    s->shape[to] = s->shape[from];
    s->line_lo[to] = s->line_lo[from];
    if (s->seq)
        s->seq[to] = s->seq[from];
}

/* Rows [from, n) of the columns that are successes into the sort, the
 * others moved down over them. -1 when that failed. */
static int spill_rows(ms_store *s, size_t from)
{
    size_t k = from;
    for (size_t i = from; i < s->n; i++) {
        if (ms_store_outcome(s, i) == MS_OUT_AUTH_OK) {
            if (ms_spill_add(s->spill, s, i))
                return -1;
            continue;
        }
        copy_row(s, k++, i);
    }
    s->n = k;
    return 0;
}

/* The success just added (row n - 1): kept while the budget lasts; past
 * it, every success in memory goes to the sort, and each one after.
 * Spilling, every row carries its add order. -1 when that failed. */
static int spill_success(ms_store *s)
{
    ms_spill *p = s->spill;
    if (!p->active && ++p->kept <= p->keep)
        return 0;
    if (!p->active) {
        if (!(s->seq = malloc(s->cap * sizeof *s->seq)))
            return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < s->n; i++)
            s->seq[i] = (uint32_t)i;
        s->ready = s->n;
        p->active = 1;
        /* The columns give back the room the successes took: the sort's
         * budget takes its place. */
        return spill_rows(s, 0) || grow(s, s->n + s->n / 2 + 4096)
                   ? ms_spill_fail(p, MS_ERR_NOMEM, "out of memory")
                   : 0;
    }
    return spill_rows(s, s->n - 1);
}

/* Address id s->nipv, the next, is ip. -1 when memory ran out. */
static int add_ipv(ms_store *s, const ms_ip *ip)
{
    if (s->nipv == s->ipv_cap) {
        ms_ip *p = realloc(s->ipv, 2 * s->ipv_cap * sizeof *p);
        if (!p)
            return -1;
        s->ipv = p;
        s->ipv_cap *= 2;
    }
    s->ipv[s->nipv++] = *ip;
    return 0;
}

/* ms_store_add; h: the hashes of the event's address and user, or NULL. */
static int add(ms_store *s, const ms_event *e, uint32_t file,
               const uint32_t h[2])
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
        put(&s->ips, &last[0], (const char *)e->ip.b, sizeof e->ip.b,
            h ? &h[0] : NULL),
        put(&s->users, &last[1], e->user.p, e->user.n, h ? &h[1] : NULL),
        put(&s->strs, &last[2], e->method.p, e->method.n, NULL),
        put(&s->strs, &last[3], e->reason.p, e->reason.n, NULL),
        put(&s->strs, &last[4], e->source, strlen(e->source), NULL),
        put(&s->strs, &last[5], e->host.p, e->host.n, NULL),
    };
    for (int k = 0; k < 6; k++)
        if (ids[k] == UINT32_MAX)
            return -1;
    if (ids[0] == s->nipv && add_ipv(s, &e->ip))
        return -1;
    ms_shape sh = {
        .method = ids[2], .reason = ids[3], .source = ids[4], .host = ids[5],
        .file = file, .line_hi = (uint32_t)(e->line >> 32),
        .attempts = e->attempts, .outcome = e->outcome, .service = e->service,
    };
    uint32_t shape = shape_id(s, &sh);
    if (shape == UINT32_MAX)
        return -1;
    if (s->seq)
        s->seq[i] = (uint32_t)s->nall;
    s->time[i] = e->time;
    s->ip[i] = ids[0];
    s->user[i] = ids[1];
    s->shape[i] = shape;
    s->line_lo[i] = (uint32_t)e->line;
    s->n++;
    s->nall++;
    return s->spill && e->outcome == MS_OUT_AUTH_OK ? spill_success(s) : 0;
}

int ms_store_add(ms_store *s, const ms_event *e, uint32_t file)
{
    return add(s, e, file, NULL);
}

/* Events a pass of ms_store_add_many looks up together. */
#define BATCH 16

int ms_store_add_many(ms_store *s, const ms_event *e, const uint32_t *file,
                      size_t k)
{
    uint32_t h[BATCH][2];
    for (size_t i = 0; i < k; i += BATCH) {
        size_t m = k - i < BATCH ? k - i : BATCH;
        for (size_t j = 0; j < m; j++) {
            const ms_event *v = &e[i + j];
            h[j][0] = ms_intern_hash((const char *)v->ip.b, sizeof v->ip.b);
            h[j][1] = ms_intern_hash(v->user.p, v->user.n);
            ms_intern_prefetch(&s->ips, h[j][0]);
            ms_intern_prefetch(&s->users, h[j][1]);
        }
        for (size_t j = 0; j < m; j++) {
            ms_intern_prefetch_str(&s->ips, h[j][0]);
            ms_intern_prefetch_str(&s->users, h[j][1]);
        }
        for (size_t j = 0; j < m; j++)
            if (add(s, &e[i + j], file[i + j], h[j]))
                return -1;
    }
    return 0;
}

int ms_store_spill(ms_store *s, size_t mem, const char *tmpdir,
                   int background, ms_error *err)
{
    if (!(s->spill = malloc(sizeof *s->spill)))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    if (ms_spill_init(s->spill, s, mem, tmpdir, background, err)) {
        free(s->spill);
        s->spill = NULL;
        return -1;
    }
    return 0;
}

int ms_store_check(const ms_store *s, ms_error *err)
{
    if (!s->spill)
        return 0;
    pthread_mutex_lock(&s->spill->lock);
    ms_error e = s->spill->err;
    pthread_mutex_unlock(&s->spill->lock);
    if (e.code == MS_OK)
        return 0;
    if (err)
        *err = e;
    return -1;
}

int ms_store_fail(const ms_store *s, ms_error *err)
{
    if (ms_store_check(s, err) == 0)
        ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return -1;
}

void ms_store_event(const ms_store *s, size_t i, ms_event *e)
{
    const ms_shape *h = ms_store_shape(s, i);
#define STR(tab, id) {(tab).str[id], (tab).len[id]}
    *e = (ms_event){
        .time = s->time[i],
        .ip = *ms_store_ip(s, s->ip[i]),
        .outcome = h->outcome,
        .service = h->service,
        .attempts = h->attempts,
        .file = h->file,
        .line = ms_store_line(s, i),
        .source = s->strs.str[h->source],
        .user = STR(s->users, s->user[i]),
        .method = STR(s->strs, h->method),
        .reason = STR(s->strs, h->reason),
        .host = STR(s->strs, h->host),
        .session = {"", 0},
    };
#undef STR
}

static const ms_store *sort_store;

static int by_time(const void *a, const void *b)
{
    return ms_store_cmp(sort_store, *(const uint32_t *)a, *(const uint32_t *)b);
}

int ms_store_cmp(const ms_store *s, size_t i, size_t j)
{
    if (s->time[i] != s->time[j])
        return s->time[i] < s->time[j] ? -1 : 1;
    uint32_t fi = ms_store_shape(s, i)->file, fj = ms_store_shape(s, j)->file;
    if (fi != fj)
        return fi < fj ? -1 : 1;
    uint64_t li = ms_store_line(s, i), lj = ms_store_line(s, j);
    if (li != lj)
        return li < lj ? -1 : 1;
    if (s->seq)
        return s->seq[i] < s->seq[j] ? -1 : s->seq[i] > s->seq[j];
    return i < j ? -1 : i > j;
}

/* Row k of every column takes row perm[k]'s, following perm's cycles;
 * done has a bit a row, all clear. */
static void permute(ms_store *s, const uint32_t *perm, uint8_t *done)
{
    for (size_t i = 0; i < s->n; i++) {
        if (done[i >> 3] & (1u << (i & 7)))
            continue;
        ms_time time = s->time[i];
        uint32_t ip = s->ip[i], user = s->user[i], shape = s->shape[i],
                 line = s->line_lo[i], seq = s->seq ? s->seq[i] : 0;
        size_t j = i;
        for (;;) {
            done[j >> 3] |= (uint8_t)(1u << (j & 7));
            size_t k = perm[j];
            if (k == i)
                break;
            copy_row(s, j, k);
            j = k;
        }
        s->time[j] = time;
        s->ip[j] = ip;
        s->user[j] = user;
        s->shape[j] = shape;
        s->line_lo[j] = line;
        if (s->seq)
            s->seq[j] = seq;
    }
}

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

/* Merge the sorted runs src[b[j] .. b[j+1]) two by two into dst; b then
 * holds the merged runs' bounds. Returns their number. */
static size_t merge_pass(const uint32_t *src, uint32_t *dst, size_t *b,
                         size_t runs)
{
    size_t out = 0;
    for (size_t j = 0; j < runs; j += 2) {
        size_t lo = b[j], mid = b[j + 1], hi = j + 2 <= runs ? b[j + 2] : mid;
        size_t x = lo, y = mid, k = lo;
        while (x < mid && y < hi)
            dst[k++] = by_time(&src[y], &src[x]) < 0 ? src[y++] : src[x++];
        memcpy(dst + k, src + x, (mid - x) * sizeof *dst);
        memcpy(dst + k + (mid - x), src + y, (hi - y) * sizeof *dst);
        b[out++] = lo;
    }
    b[out] = b[runs];
    return out;
}

/* Sort perm by by_time. The rows are added file by file, and the events of
 * each events file or log are mostly in time order already: runs that a
 * bottom-up merge joins in log2(runs) passes, where a sort would take
 * log2(n). Many short runs: qsort. -1 when memory ran out. */
static int sort_perm(uint32_t *perm, size_t n)
{
    size_t runs = 1;
    for (size_t i = 1; i < n; i++)
        runs += by_time(&perm[i - 1], &perm[i]) > 0;
    if (runs > n / 64 + 1) {
        qsort(perm, n, sizeof *perm, by_time);
        return 0;
    }
    uint32_t *tmp = malloc(n * sizeof *tmp);
    size_t *b = malloc((runs + 1) * sizeof *b);
    if (!tmp || !b) {
        free(tmp);
        free(b);
        return -1;
    }
    size_t r = 0;
    b[r++] = 0;
    for (size_t i = 1; i < n; i++)
        if (by_time(&perm[i - 1], &perm[i]) > 0)
            b[r++] = i;
    b[r] = n;
    uint32_t *src = perm, *dst = tmp;
    while (runs > 1) {
        runs = merge_pass(src, dst, b, runs);
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != perm)
        memcpy(perm, src, n * sizeof *perm);
    free(tmp);
    free(b);
    return 0;
}

int ms_store_finish(ms_store *s)
{
    uint32_t *perm = malloc((s->n ? s->n : 1) * sizeof *perm);
    if (!perm)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        perm[i] = (uint32_t)i;
    sort_store = s;
    if (!nearly_sorted(perm, s->n) && sort_perm(perm, s->n)) {
        free(perm);
        return -1;
    }
    size_t moved = 0;
    while (moved < s->n && perm[moved] == moved)
        moved++;
    if (moved < s->n) {   /* not already in order */
        uint8_t *done = calloc(s->n / 8 + 1, 1);
        if (!done) {
            free(perm);
            return -1;
        }
        permute(s, perm, done);
        free(done);
    }
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
    s->nidx = s->n;
    if (!s->spill || !s->spill->active)
        return 0;
    /* The spilled rows to their files, and room after the rows for each
     * reader to read them back into. */
    if (ms_spill_finish(s->spill, s))
        return -1;
    size_t rows = s->n + MS_SPILL_SLOTS * s->spill->tail;
    if (grow(s, rows))
        return ms_spill_fail(s->spill, MS_ERR_NOMEM, "out of memory");
    s->nidx = rows;
    return 0;
}

size_t ms_store_ip_count(const ms_store *s, uint32_t ip)
{
    size_t n = s->ip_start[ip + 1] - s->ip_start[ip];
    if (s->spill && s->spill->active)
        n += s->spill->ip_rows[ip];
    return n;
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
        ms_event e;
        ms_store_event(s, i, &e);
        if (ms_store_add(&t, &e, e.file))
            goto fail;
    }
    ms_store_free(s);
    *s = t;
    return 0;
fail:
    ms_store_free(&t);
    return -1;
}
