/* scan_events.c — see scan_events.h. The event array and the pool grow by
 * doubling; past 1 MiB a block jumps to 32 MiB, which glibc maps by itself
 * and grows with mremap, without copying. Their pages are mapped in ahead
 * of the writes, a window at a time (prefault.h); asking for huge pages
 * instead made the kernel compact memory and cost more than it saved
 * (docs/PERFORMANCE.md). */
#include "scan_events.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/prefault.h"

#define READY_AHEAD (2u << 20)   /* bytes mapped in ahead of the writes */
#define UNIT 4u                  /* pool offsets count these */
#define NEAR (1u << 20)   /* a string is shared only this far back (bytes) */
#define MARK_EVERY 4096   /* events between two marks of the pool's end */

/* A block's new size in bytes for n bytes of content. */
static size_t block_bytes(size_t n)
{
    return n <= (1u << 20) || n >= (32u << 20) ? n : 32u << 20;
}

/* Make room for `need` bytes in *p (cap: its bytes so far); a new block
 * has nothing mapped in ahead (ready). */
static int grow(void *pp, size_t *cap, size_t need, size_t *ready)
{
    void **p = pp;
    if (need <= *cap)
        return 0;
    size_t want = *cap ? *cap : 64 * 1024;
    while (want < need)
        want *= 2;
    if (block_bytes(want) == block_bytes(*cap) && *p) {
        *cap = want;   /* the block already has room */
        return 0;
    }
    void *q = realloc(*p, block_bytes(want));
    if (!q)
        return -1;
    if (q != *p)
        *ready = 0;
    *p = q;
    *cap = want;
    return 0;
}

/* Map in the next window of a block written up to `used` bytes. */
static void get_ready(char *base, size_t used, size_t cap, size_t *ready)
{
    if (used < *ready)
        return;
    size_t to = cap - used > READY_AHEAD ? used + READY_AHEAD : cap;
    ms_prefault(base + used, to - used);
    *ready = to;
}

void ms_scan_events_init(ms_scan_events *s)
{
    memset(s, 0, sizeof *s);
}

void ms_scan_events_free(ms_scan_events *s)
{
    free(s->ev);
    free(s->pool);
    free(s->marks);
    ms_scan_events_init(s);
}

ms_str ms_scan_events_str(const ms_scan_events *s, uint32_t off)
{
    if (!off)
        return (ms_str){"", 0};
    const char *at = s->pool + (size_t)off * UNIT;
    uint32_t n;
    memcpy(&n, at, sizeof n);
    return (ms_str){at + sizeof n, n};
}

/* The pool offset of str: the previous event's in this column when equal
 * and at most NEAR bytes back (so that every string of an event lies
 * within NEAR of the pool's end when it was added: ms_scan_events_release
 * relies on it), else a new entry. 0 (the empty string) needs no entry.
 * -1: no memory. */
static int64_t put_str(ms_scan_events *s, int col, ms_str str)
{
    if (str.n == 0)
        return 0;
    if (s->n) {
        uint32_t prev = s->ev[s->n - 1].str[col];
        ms_str p = ms_scan_events_str(s, prev);
        if (prev && s->pool_len - (size_t)prev * UNIT <= NEAR &&
            p.n == str.n && memcmp(p.p, str.p, str.n) == 0)
            return prev;
    }
    if (str.n > UINT32_MAX - 2 * UNIT)
        return -1;
    size_t at = s->pool_len ? s->pool_len : UNIT;   /* offset 0: "" */
    size_t size = (sizeof(uint32_t) + str.n + 1 + UNIT - 1) & ~(size_t)(UNIT - 1);
    if ((at + size) / UNIT > UINT32_MAX ||
        grow(&s->pool, &s->pool_cap, at + size, &s->pool_ready))
        return -1;
    get_ready(s->pool, at, block_bytes(s->pool_cap), &s->pool_ready);
    uint32_t n = (uint32_t)str.n;
    char *p = s->pool + at;
    memcpy(p, &n, sizeof n);
    memcpy(p + sizeof n, str.p, str.n);
    memset(p + sizeof n + str.n, 0, size - sizeof n - str.n);
    s->pool_len = at + size;
    return (int64_t)(at / UNIT);
}

/* Year-less stamps: month 4 bits, day 5, second of day 17, ns 30. */
static ms_time pack(const ms_stamp *ts)
{
    return (ms_time)((uint64_t)ts->mon << 52 | (uint64_t)ts->day << 47 |
                     (uint64_t)ts->sod << 30 | ts->ns);
}

static ms_stamp unpack(ms_time t)
{
    uint64_t v = (uint64_t)t;
    ms_stamp ts = {
        .kind = MS_TS_NOYEAR,
        .mon = (uint8_t)(v >> 52 & 15), .day = (uint8_t)(v >> 47 & 31),
        .sod = (uint32_t)(v >> 30 & 0x1ffff), .ns = (uint32_t)(v & 0x3fffffff),
    };
    return ts;
}

static int source_index(ms_scan_events *s, const char *src)
{
    for (unsigned i = s->nsources; i-- > 0;)
        if (s->sources[i] == src)
            return (int)i;
    /* Sources are the families', at most 64 (their masks are 64 bits). */
    if (s->nsources == sizeof s->sources / sizeof *s->sources)
        return -1;
    s->sources[s->nsources] = src;
    return (int)s->nsources++;
}

int ms_scan_events_add(ms_scan_events *s, const ms_event *e,
                       const ms_stamp *ts, uint16_t wrap)
{
    if (grow(&s->ev, &s->cap, (s->n + 1) * sizeof *s->ev, &s->ready))
        return -1;
    if (s->n % MARK_EVERY == 0) {
        size_t *m = realloc(s->marks, (s->nmarks + 1) * sizeof *m);
        if (!m)
            return -1;
        s->marks = m;
        s->marks[s->nmarks++] = s->pool_len;
    }
    get_ready((char *)s->ev, s->n * sizeof *s->ev, block_bytes(s->cap),
              &s->ready);
    int src = source_index(s, e->source);
    const ms_str *strs[MS_SEV_NSTR] = {
        [MS_SEV_USER] = &e->user, [MS_SEV_METHOD] = &e->method,
        [MS_SEV_REASON] = &e->reason, [MS_SEV_SESSION] = &e->session,
        [MS_SEV_HOST] = &e->host,
    };
    uint32_t off[MS_SEV_NSTR];
    for (int c = 0; c < MS_SEV_NSTR; c++) {
        int64_t o = put_str(s, c, *strs[c]);
        if (o < 0)
            return -1;
        off[c] = (uint32_t)o;
    }
    if (src < 0)
        return -1;
    ms_sev *v = &s->ev[s->n++];
    v->time = ts->kind == MS_TS_ABS ? ts->time
            : ts->kind == MS_TS_NOYEAR ? pack(ts) : MS_TIME_NONE;
    v->pending = ts->kind == MS_TS_NOYEAR;
    v->ip = e->ip;
    v->line = e->line;
    memcpy(v->str, off, sizeof off);
    v->dup = 0;
    v->attempts = e->attempts;
    v->wrap = wrap;
    v->outcome = e->outcome;
    v->service = e->service;
    v->source = (uint8_t)src;
    return 0;
}

/* Give the whole pages of p[from .. to) back to the system. The block stays
 * allocated: those pages read as zeros if touched again. */
static void give_back(char *p, size_t from, size_t to)
{
    long ps = sysconf(_SC_PAGESIZE);
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
    uintptr_t a = ((uintptr_t)p + from + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + to) & ~(page - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_DONTNEED);
}

void ms_scan_events_release(ms_scan_events *s, size_t upto)
{
    if (upto == 0 || upto > s->n)
        return;
    size_t ev_to = upto * sizeof *s->ev;
    if (ev_to > s->released_ev) {
        give_back((char *)s->ev, s->released_ev, ev_to);
        s->released_ev = ev_to;
    }
    /* Events from upto on have their strings no further back than NEAR
     * before the pool's end when the last mark before upto was set. */
    size_t mark = s->marks[upto < s->n ? upto / MARK_EVERY : s->nmarks - 1];
    size_t pool_to = upto == s->n ? s->pool_len : mark > NEAR ? mark - NEAR : 0;
    if (pool_to > s->released_pool) {
        give_back(s->pool, s->released_pool, pool_to);
        s->released_pool = pool_to;
    }
}

void ms_scan_events_get(const ms_scan_events *s, size_t i, uint32_t file,
                        ms_event *out)
{
    const ms_sev *v = &s->ev[i];
    ms_stamp ts;
    if (!v->pending)
        out->time = v->time;
    else if (!s->year0)
        out->time = MS_TIME_NONE;
    else {
        ts = unpack(v->time);
        out->time = ms_stamp_time(&ts, s->year0 + v->wrap);
    }
    out->ip = v->ip;
    out->outcome = v->outcome;
    out->service = v->service;
    out->attempts = v->attempts;
    out->file = file;
    out->line = v->line;
    out->source = s->sources[v->source];
    out->user = ms_scan_events_str(s, v->str[MS_SEV_USER]);
    out->method = ms_scan_events_str(s, v->str[MS_SEV_METHOD]);
    out->reason = ms_scan_events_str(s, v->str[MS_SEV_REASON]);
    out->session = ms_scan_events_str(s, v->str[MS_SEV_SESSION]);
    out->host = ms_scan_events_str(s, v->str[MS_SEV_HOST]);
    out->dup_of = v->dup ? (int64_t)s->ev[i - v->dup].line : 0;
}
