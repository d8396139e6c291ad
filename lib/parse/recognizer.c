/* recognizer.c — compiled rows, program dispatch and matching.
 *
 * Each row is compiled once with PCRE2 (bytes, not UTF: logs hold invalid
 * UTF-8): a built-in row, and its JIT code, the first time a line reaches
 * it (most rows never see a line of a given log); a row of --patterns at
 * load, so that its errors come first. The numbers of its named groups
 * are looked up at compile time. Program tags
 * map to a bitmask of families through a small open-addressing table, so a
 * line costs one hash of its tag before any literal or pattern is tried
 * (and a matcher remembers the tags it saw lately).
 *
 * The block prefilter (prefilter.h): the first ms_matcher_new gives every
 * row its keys (one per literal alternative, or its pattern for a row that
 * can yield an event without a literal) and has the prefilter compiled;
 * each key knows the families whose rows use it. Each matcher has its own
 * prefilter scratch, and marks the keys found on the line it matches. A
 * line none of whose keys occur cannot yield an event, and on a line with
 * hits ms_match_hits skips the rows whose key is missing, and the memmem of
 * a literal whose key was found inside the body, then decides exactly as
 * ms_match does (memmem, PCRE2). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "recognizer.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/families.h"

#define MAX_FAMILIES 64
#define PROG_SLOTS 512
#define PROG_MAX 32
#define SVC_MEMO 256
#define TAG_MEMO 64
#define SVC_MEMO_LEN 46

enum { G_IP, G_USER, G_METHOD, G_SVC, G_SESSION, G_ATTEMPTS, G_REASON,
       G_PID, G_STATUS, G__COUNT };
static const char *const group_names[G__COUNT] = {
    "ip", "user", "method", "svc", "session", "attempts", "reason", "pid",
    "status",
};

#define MAX_LITERALS 4

typedef struct compiled_rule {
    const ms_rule *rule;
    pcre2_code *code;
    const char *lit[MAX_LITERALS];   /* the literal's alternatives (rule.h) */
    uint16_t lit_len[MAX_LITERALS];
    int nlit;
    int key[MAX_LITERALS];    /* prefilter keys, one per alternative (or one
                                 for a pattern); none: always tried */
    int nkey;
    atomic_int jitted;        /* 0: not yet, 1: JIT failed, 2: JIT code,
                                 -1: the pattern did not compile */
    int group[G__COUNT];
} compiled_rule;

typedef struct compiled_family {
    const ms_family *fam;
    compiled_rule *rules;
} compiled_family;

typedef struct prog_slot {
    char name[PROG_MAX];
    uint64_t mask;
} prog_slot;

struct ms_recognizers {
    compiled_family fam[MAX_FAMILIES];
    size_t nfam;
    prog_slot progs[PROG_SLOTS];
    uint32_t max_pairs;
    struct owned { void *p; void (*release)(void *); } owned[MAX_FAMILIES];
    size_t nowned;
    pthread_mutex_t jit_lock;   /* one row JIT-compiled at a time */
    /* The block prefilter, built once by the first ms_matcher_new. */
    pthread_mutex_t pf_lock;
    bool pf_built;
    ms_prefilter *pf;         /* NULL: none (pf_build) */
    size_t nkeys;             /* every key of pf */
    uint64_t *key_fams;       /* the families whose rows use each key */
    uint64_t unkeyed_fams;    /* families with a row that has no key */
    const void *prebuilt;     /* databases compiled ahead (prebuilt.h) */
    size_t prebuilt_n;
};

struct ms_matcher {
    const ms_recognizers *r;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *stack;   /* the default 32 KiB fails on long lines */
    void *state[MAX_FAMILIES];
    /* ms_service_guess of recent words (svc groups, tags), by hash. */
    struct svc_memo { uint8_t len, svc; char s[SVC_MEMO_LEN]; } svc_memo[SVC_MEMO];
    /* Program tags looked up lately and their families, by hash: the tags
     * of a log alternate line by line among a few. */
    struct tag_memo {
        uint8_t len;
        char s[PROG_MAX];
        uint64_t mask;
    } tag_memo[TAG_MEMO];
    /* Prefilter: this thread's scratch, the keys seen on a line. */
    ms_prefilter_scratch *scratch;   /* NULL: no prefilter */
    uint32_t *seen;           /* seen[key] == gen: the key is on the line */
    uint32_t *key_end;        /* and ends there, from key_base */
    const char *key_base;     /* NULL: where keys end is not known */
    uint32_t gen;
};

static uint32_t prog_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)(s[i] | 0x20)) * 16777619u;
    return h;
}

/* The slot for a program name: its own, or the empty one where it goes. */
static prog_slot *prog_find(const ms_recognizers *r, const char *s, size_t n)
{
    if (n == 0 || n >= PROG_MAX)
        return NULL;
    uint32_t h = prog_hash(s, n);
    for (uint32_t k = 0; k < PROG_SLOTS; k++) {
        prog_slot *p = (prog_slot *)&r->progs[(h + k) % PROG_SLOTS];
        if (p->name[0] == '\0' ||
            (strlen(p->name) == n && strncasecmp(p->name, s, n) == 0))
            return p;
    }
    return NULL;
}

static int prog_add(ms_recognizers *r, const char *name, uint64_t mask,
                    ms_error *err)
{
    size_t n = strlen(name);
    prog_slot *p = prog_find(r, name, n);
    if (!p)
        return ms_fail(err, MS_ERR_USAGE, "program tag '%s' is too long or "
                       "there are too many tags", name);
    if (p->name[0] == '\0')
        memcpy(p->name, name, n + 1);
    p->mask |= mask;
    return 0;
}

/* A row's literals, and its pattern now or (lazy: a built-in row, known
 * to compile) when a line first reaches it. */
static int compile_rule(const ms_rule *rule, compiled_rule *c, uint32_t *pairs,
                        bool lazy, ms_error *err)
{
    int code;
    PCRE2_SIZE off;
    c->rule = rule;
    c->nlit = c->nkey = 0;
    for (const char *l = rule->literal; l && *l;) {
        size_t n = strcspn(l, "\n");
        if (n > UINT16_MAX || c->nlit == MAX_LITERALS)
            return ms_fail(err, MS_ERR_USAGE, "literal of '%s': at most %d "
                           "alternatives of at most %u bytes", rule->name,
                           MAX_LITERALS, UINT16_MAX);
        if (n) {
            c->lit[c->nlit] = l;
            c->lit_len[c->nlit++] = (uint16_t)n;
        }
        l += n + (l[n] == '\n');
    }
    if (lazy) {
        /* Compiled on its first line (row_code); its groups are at most
         * its opening parentheses. */
        uint32_t open = 1;
        for (const char *p = rule->pattern; *p; p++)
            open += *p == '(';
        if (open > *pairs)
            *pairs = open;
        return 0;
    }
    c->code = pcre2_compile((PCRE2_SPTR)rule->pattern, PCRE2_ZERO_TERMINATED,
                            0, &code, &off, NULL);
    if (!c->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return ms_fail(err, MS_ERR_USAGE, "pattern of '%s' at offset %zu: %s",
                       rule->name, (size_t)off, (char *)msg);
    }
    for (int g = 0; g < G__COUNT; g++) {
        int num = pcre2_substring_number_from_name(
            c->code, (PCRE2_SPTR)group_names[g]);
        c->group[g] = num > 0 ? num : -1;
    }
    uint32_t cap = 0;
    pcre2_pattern_info(c->code, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap + 1 > *pairs)
        *pairs = cap + 1;
    return 0;
}

static int add_family(ms_recognizers *r, const ms_family *f, bool lazy,
                      ms_error *err)
{
    if (r->nfam >= MAX_FAMILIES)
        return ms_fail(err, MS_ERR_USAGE, "too many recogniser families");
    compiled_family *cf = &r->fam[r->nfam];
    cf->fam = f;
    cf->rules = calloc(f->nrules ? f->nrules : 1, sizeof *cf->rules);
    if (!cf->rules)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < f->nrules; i++) {
        if (compile_rule(&f->rules[i], &cf->rules[i], &r->max_pairs, lazy,
                         err)) {
            while (i--)
                pcre2_code_free(cf->rules[i].code);
            free(cf->rules);
            return -1;
        }
    }
    uint64_t bit = UINT64_C(1) << r->nfam;
    r->nfam++;
    for (const char *const *p = f->programs; p && *p; p++)
        if (prog_add(r, *p, bit, err))
            return -1;
    return 0;
}

int ms_recognizers_add(ms_recognizers *r, const ms_family *f, ms_error *err)
{
    return add_family(r, f, false, err);
}

ms_recognizers *ms_recognizers_new(ms_error *err)
{
    ms_recognizers *r = calloc(1, sizeof *r);
    if (!r) {
        ms_fail(err, MS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->max_pairs = 1;
    pthread_mutex_init(&r->pf_lock, NULL);
    pthread_mutex_init(&r->jit_lock, NULL);
    for (size_t i = 0; ms_builtin_families[i]; i++) {
        if (add_family(r, ms_builtin_families[i], true, err)) {
            ms_recognizers_free(r);
            return NULL;
        }
    }
    /* Programs that never log an authentication verdict: no family runs. */
    for (size_t i = 0; ms_noise_programs[i]; i++) {
        prog_slot *p = prog_find(r, ms_noise_programs[i],
                                 strlen(ms_noise_programs[i]));
        if (p && p->name[0] == '\0')
            strcpy(p->name, ms_noise_programs[i]);
    }
    return r;
}

void ms_recognizers_free(ms_recognizers *r)
{
    if (!r)
        return;
    for (size_t f = 0; f < r->nfam; f++) {
        for (size_t i = 0; i < r->fam[f].fam->nrules; i++)
            pcre2_code_free(r->fam[f].rules[i].code);
        free(r->fam[f].rules);
    }
    for (size_t i = 0; i < r->nowned; i++)
        r->owned[i].release(r->owned[i].p);
    ms_prefilter_free(r->pf);
    free(r->key_fams);
    pthread_mutex_destroy(&r->pf_lock);
    pthread_mutex_destroy(&r->jit_lock);
    free(r);
}

int ms_recognizers_adopt(ms_recognizers *r, void *p, void (*release)(void *),
                         ms_error *err)
{
    if (r->nowned >= MAX_FAMILIES) {
        release(p);
        return ms_fail(err, MS_ERR_USAGE, "too many pattern files");
    }
    r->owned[r->nowned].p = p;
    r->owned[r->nowned].release = release;
    r->nowned++;
    return 0;
}

/* Give every row its prefilter keys, have the prefilter compiled, and
 * note the families whose rows use each key. NULL when there is no
 * prefilter: no Hyperscan, a row that can yield an event has neither a
 * literal nor a pattern Hyperscan takes, or memory ran out. Called once,
 * under pf_lock. */
static ms_prefilter *pf_build(ms_recognizers *r)
{
    ms_prefilter *p = ms_prefilter_new(r->prebuilt, r->prebuilt_n);
    int ok = p != NULL;
    for (size_t f = 0; ok && f < r->nfam; f++) {
        compiled_family *cf = &r->fam[f];
        for (size_t i = 0; ok && i < cf->fam->nrules; i++) {
            compiled_rule *c = &cf->rules[i];
            c->nkey = 0;
            for (int a = 0; ok && a < c->nlit; a++)
                ok = (c->key[c->nkey++] = ms_prefilter_literal(
                          p, c->lit[a], c->lit_len[a])) >= 0;
            if (c->nlit)
                continue;
            if (c->rule->outcome == MS_OUT_NONE && !cf->fam->hook)
                r->unkeyed_fams |= UINT64_C(1) << f;   /* takes lines,
                                                          yields nothing */
            else
                ok = (c->key[c->nkey++] =
                          ms_prefilter_pattern(p, c->rule->pattern)) >= 0;
        }
    }
    ok = ok && ms_prefilter_compile(p) == 0 &&
         (r->key_fams = calloc(ms_prefilter_nkeys(p), sizeof *r->key_fams));
    if (!ok) {
        ms_prefilter_free(p);
        return NULL;
    }
    r->nkeys = ms_prefilter_nkeys(p);
    for (size_t f = 0; f < r->nfam; f++)
        for (size_t i = 0; i < r->fam[f].fam->nrules; i++) {
            const compiled_rule *c = &r->fam[f].rules[i];
            for (int a = 0; a < c->nkey; a++)
                r->key_fams[c->key[a]] |= UINT64_C(1) << f;
        }
    return p;
}

ms_prefilter *ms_recognizers_prefilter(const ms_recognizers *cr)
{
    ms_recognizers *r = (ms_recognizers *)cr;   /* built once, under lock */
    pthread_mutex_lock(&r->pf_lock);
    if (!r->pf_built) {
        r->pf = pf_build(r);
        r->pf_built = true;
    }
    ms_prefilter *p = r->pf;
    pthread_mutex_unlock(&r->pf_lock);
    return p;
}

/* m's scratch for r's prefilter, and its marks of the keys on a line. */
static void prefilter_setup(ms_matcher *m)
{
    ms_prefilter *p = ms_recognizers_prefilter(m->r);
    if (!p)
        return;
    m->scratch = ms_prefilter_scratch_new(p);
    m->seen = calloc(m->r->nkeys, sizeof *m->seen);
    m->key_end = calloc(m->r->nkeys, sizeof *m->key_end);
    if (!m->scratch || !m->seen || !m->key_end) {
        ms_prefilter_scratch_free(m->scratch);
        free(m->seen);
        free(m->key_end);
        m->scratch = NULL;
        m->seen = NULL;
        m->key_end = NULL;
    }
}

void ms_recognizers_prebuilt(ms_recognizers *r, const void *blob, size_t n)
{
    r->prebuilt = blob;
    r->prebuilt_n = n;
}

int ms_recognizers_export_prefilter(ms_recognizers *r, ms_buf *out,
                                    ms_error *err)
{
    ms_prefilter *p = ms_recognizers_prefilter(r);
    if (p && ms_prefilter_export(p, out))
        return ms_fail(err, MS_ERR_NOMEM, "cannot serialize the prefilter");
    return 0;
}

ms_prefilter_scratch *ms_matcher_scratch(ms_matcher *m)
{
    return m->scratch;
}

const ms_recognizers *ms_matcher_recognizers(const ms_matcher *m)
{
    return m->r;
}

ms_matcher *ms_matcher_new(const ms_recognizers *r)
{
    ms_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->r = r;
    m->md = pcre2_match_data_create(r->max_pairs, NULL);
    m->mc = pcre2_match_context_create(NULL);
    m->stack = pcre2_jit_stack_create(64 * 1024, 4 * 1024 * 1024, NULL);
    if (!m->md || !m->mc || !m->stack) {
        ms_matcher_free(m);
        return NULL;
    }
    pcre2_jit_stack_assign(m->mc, NULL, m->stack);
    /* A hostile line cannot make one pattern run away: it just fails. */
    pcre2_set_match_limit(m->mc, 1000000);
    for (size_t f = 0; f < r->nfam; f++) {
        const ms_family *fam = r->fam[f].fam;
        if (fam->state_new && !(m->state[f] = fam->state_new())) {
            ms_matcher_free(m);
            return NULL;
        }
    }
    prefilter_setup(m);   /* without it, scans take every line's way */
    return m;
}

void ms_matcher_free(ms_matcher *m)
{
    if (!m)
        return;
    for (size_t f = 0; f < m->r->nfam; f++)
        if (m->state[f])
            m->r->fam[f].fam->state_free(m->state[f]);
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mc);
    pcre2_jit_stack_free(m->stack);
    ms_prefilter_scratch_free(m->scratch);
    free(m->seen);
    free(m->key_end);
    free(m);
}

static ms_str group(const compiled_rule *c, PCRE2_SIZE *ov, const char *body,
                    int g)
{
    ms_str s = {"", 0};
    int num = c->group[g];
    if (num < 0 || ov[2 * num] == PCRE2_UNSET)
        return s;
    s.p = body + ov[2 * num];
    s.n = (uint32_t)(ov[2 * num + 1] - ov[2 * num]);
    return s;
}

/* ms_service_guess(s, n), remembered: it searches for a dozen words at
 * every offset, and the same words come again and again. A word ending in
 * a `[pid]:` part (a whole tag caught by a svc group) is remembered without
 * it: digits in brackets never name a service, so the guess is the same. */
static ms_service guess_service(ms_matcher *m, const char *s, size_t n)
{
    if (n == 0)
        return MS_SVC_UNKNOWN;
    size_t k = n;
    while (k && (s[k - 1] == ' ' || s[k - 1] == ':'))
        k--;
    if (k && s[k - 1] == ']') {
        size_t d = k - 1;
        while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
            d--;
        if (d > 1 && d < k - 1 && s[d - 1] == '[' &&
            strspn(s, "0123456789") < d - 1)
            n = d - 1;
    }
    if (n > SVC_MEMO_LEN)
        return ms_service_guess(s, n);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    struct svc_memo *e = &m->svc_memo[h % SVC_MEMO];
    if (e->len == n && memcmp(e->s, s, n) == 0)
        return (ms_service)e->svc;
    ms_service svc = ms_service_guess(s, n);
    e->len = (uint8_t)n;
    e->svc = (uint8_t)svc;
    memcpy(e->s, s, n);
    return svc;
}

static void fill(ms_matcher *m, const compiled_family *cf,
                 const compiled_rule *c, const ms_record *rec, uint64_t line,
                 ms_capture *out)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    const char *b = rec->body;
    const ms_rule *rule = c->rule;
    memset(out, 0, sizeof *out);
    out->rule = rule;
    out->ts = rec->ts;
    ms_event *ev = &out->ev;
    ev->time = MS_TIME_NONE;
    ev->line = line;
    ev->outcome = rule->outcome;
    ev->source = cf->fam->source;
    ev->attempts = 1;
    ms_str ip = group(c, ov, b, G_IP);
    if (!ms_ip_parse(ip.p, ip.n, &ev->ip))
        memset(&ev->ip, 0, sizeof ev->ip);
    ev->user = group(c, ov, b, G_USER);
    ev->method = group(c, ov, b, G_METHOD);
    ev->session = group(c, ov, b, G_SESSION);
    ev->reason = group(c, ov, b, G_REASON);
    if (ev->reason.n == 0 && rule->reason) {
        ev->reason.p = rule->reason;
        ev->reason.n = (uint32_t)strlen(rule->reason);
    }
    ms_str att = group(c, ov, b, G_ATTEMPTS);
    if (att.n > 0 && att.n < 5) {
        unsigned a = 0;
        for (uint32_t i = 0; i < att.n; i++)
            a = a * 10 + (unsigned)(att.p[i] - '0');
        ev->attempts = (uint16_t)(a ? a : 1);
    }
    out->svc = group(c, ov, b, G_SVC);
    out->pid = group(c, ov, b, G_PID);
    out->status = group(c, ov, b, G_STATUS);
    ms_service svc = guess_service(m, out->svc.p, out->svc.n);
    if (svc == MS_SVC_UNKNOWN)
        svc = guess_service(m, rec->prog, rec->prog_len);
    ev->service = svc != MS_SVC_UNKNOWN ? svc : rule->service;
    ev->host.p = rec->host;
    ev->host.n = (uint32_t)rec->host_len;
}

static uint64_t families_lookup(const ms_recognizers *r, const ms_record *rec)
{
    uint64_t all = r->nfam >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << r->nfam) - 1;
    if (rec->prog_len == 0)
        return all;
    const char *name = rec->prog;
    size_t n = rec->prog_len;
    const prog_slot *p = prog_find(r, name, n);
    if (!(p && p->name[0])) {   /* postfix/smtpd -> smtpd */
        const char *slash = memrchr(name, '/', n);
        if (slash) {
            n -= (size_t)(slash + 1 - name);
            name = slash + 1;
            p = prog_find(r, name, n);
        }
    }
    return p && p->name[0] ? p->mask : all;
}

/* The families that log under rec's program; the last tag is remembered
 * (consecutive lines often share it). */
static uint64_t families_for(ms_matcher *m, const ms_record *rec)
{
    size_t n = rec->prog_len;
    if (n == 0 || n >= PROG_MAX)
        return families_lookup(m->r, rec);
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + (uint8_t)rec->prog[i];
    struct tag_memo *t = &m->tag_memo[(h ^ (h >> 7)) % TAG_MEMO];
    if (t->len == n && memcmp(t->s, rec->prog, n) == 0)
        return t->mask;
    t->mask = families_lookup(m->r, rec);
    t->len = (uint8_t)n;
    memcpy(t->s, rec->prog, n);
    return t->mask;
}

static int key_seen(const compiled_rule *c, const uint32_t *seen, uint32_t gen)
{
    for (int a = 0; a < c->nkey; a++)
        if (seen[c->key[a]] == gen)
            return 1;
    return 0;
}

/* Was one of the row's literals found (as its key) inside the body? */
static int key_in_body(const ms_matcher *m, const compiled_rule *c,
                       const ms_record *rec)
{
    size_t from = (size_t)(rec->body - m->key_base), to = from + rec->body_len;
    for (int a = 0; a < c->nlit && a < c->nkey; a++) {
        uint32_t e = m->key_end[c->key[a]];
        if (m->seen[c->key[a]] == m->gen && e >= from + c->lit_len[a] &&
            e <= to)
            return 1;
    }
    return 0;
}

static int has_literal(const compiled_rule *c, const ms_record *rec)
{
    for (int a = 0; a < c->nlit; a++)
        if (memmem(rec->body, rec->body_len, c->lit[a], c->lit_len[a]))
            return 1;
    return 0;
}

/* The rows of the families in mask, in order; with seen, a row none of
 * whose keys is on the line is skipped (its literal or pattern cannot
 * match). */
/* A built-in row's pattern, on its first line (under jit_lock): the
 * code and its groups. -1 when it does not compile (a test holds every
 * built-in row to compiling) or has more groups than the bound that sized
 * every matcher's match data; -2 when memory ran out (nothing kept: the
 * run fails). */
static int lazy_compile(compiled_rule *c, uint32_t max_pairs)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *p = pcre2_compile((PCRE2_SPTR)c->rule->pattern,
                                  PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
    if (!p && code == PCRE2_ERROR_HEAP_FAILED)
        return -2;
    uint32_t cap = 0;
    if (!p || pcre2_pattern_info(p, PCRE2_INFO_CAPTURECOUNT, &cap) != 0 ||
        cap + 1 > max_pairs) {
        pcre2_code_free(p);
        return -1;
    }
    for (int g = 0; g < G__COUNT; g++) {
        int num = pcre2_substring_number_from_name(
            p, (PCRE2_SPTR)group_names[g]);
        c->group[g] = num > 0 ? num : -1;
    }
    c->code = p;
    return 0;
}

/* Does the row's pattern match the body? Compiles (a built-in row) and
 * JIT-compiles it on first use: the row is shared by every matcher, so
 * under the lock, and no thread matches with it before both are done
 * (without JIT, PCRE2 interprets; a row that does not compile matches
 * nothing). -1 when memory ran out (compiling or matching): no "no match",
 * which would lose the line's event. */
static int row_matches(ms_matcher *m, const compiled_rule *c,
                       const ms_record *rec)
{
    int jit = atomic_load_explicit(&c->jitted, memory_order_acquire);
    if (!jit) {
        pthread_mutex_t *lock = (pthread_mutex_t *)&m->r->jit_lock;
        pthread_mutex_lock(lock);
        if (!(jit = atomic_load_explicit(&c->jitted, memory_order_relaxed))) {
            compiled_rule *w = (compiled_rule *)c;
            int rc = w->code ? 0 : lazy_compile(w, m->r->max_pairs);
            if (rc == -2) {
                pthread_mutex_unlock(lock);
                return -1;
            }
            if (rc)
                jit = -1;
            else
                jit = pcre2_jit_compile(w->code, PCRE2_JIT_COMPLETE) == 0 ? 2 : 1;
            atomic_store_explicit(&w->jitted, jit, memory_order_release);
        }
        pthread_mutex_unlock(lock);
    }
    if (jit < 0)
        return 0;
    PCRE2_SPTR body = (PCRE2_SPTR)rec->body;
    int rc = jit == 2 ? pcre2_jit_match(c->code, body, rec->body_len, 0, 0,
                                        m->md, m->mc)
                      : pcre2_match(c->code, body, rec->body_len, 0, 0, m->md,
                                    m->mc);
    if (rc == PCRE2_ERROR_NOMEMORY)
        return -1;
    return rc >= 0;
}

static int match_rows(ms_matcher *m, const ms_record *rec, uint64_t line,
                      uint64_t mask, const uint32_t *seen, uint32_t gen,
                      ms_capture *out, const ms_rule **rule_out)
{
    const ms_recognizers *r = m->r;
    if (rule_out)
        *rule_out = NULL;
    for (size_t f = 0; mask && f < r->nfam; f++, mask >>= 1) {
        if (!(mask & 1))
            continue;
        const compiled_family *cf = &r->fam[f];
        for (size_t i = 0; i < cf->fam->nrules; i++) {
            const compiled_rule *c = &cf->rules[i];
            if (seen && c->nkey && !key_seen(c, seen, gen))
                continue;
            if (c->nlit && !(seen && m->key_base && key_in_body(m, c, rec)) &&
                !has_literal(c, rec))
                continue;
            int ok = row_matches(m, c, rec);
            if (ok < 0)
                return -1;
            if (!ok)
                continue;
            fill(m, cf, c, rec, line, out);
            if (rule_out)
                *rule_out = c->rule;
            if (cf->fam->hook)
                return cf->fam->hook(m->state[f], out);
            return out->ev.outcome != MS_OUT_NONE;
        }
    }
    return 0;
}

int ms_match(ms_matcher *m, const ms_record *rec, uint64_t line,
             ms_capture *out, const ms_rule **rule_out)
{
    return match_rows(m, rec, line, families_for(m, rec), NULL, 0, out,
                      rule_out);
}

int ms_match_hits(ms_matcher *m, const ms_record *rec, uint64_t line,
                  const ms_line_keys *keys, ms_capture *out,
                  const ms_rule **rule_out)
{
    const ms_recognizers *r = m->r;
    if (!m->seen)
        return ms_match(m, rec, line, out, rule_out);
    if (++m->gen == 0) {   /* wrapped: forget every mark */
        memset(m->seen, 0, r->nkeys * sizeof *m->seen);
        m->gen = 1;
    }
    /* Only families with a key on the line, or a row without key, can
     * take it; the others are skipped before the tag is looked up. */
    uint64_t maybe = r->unkeyed_fams;
    m->key_base = keys->end ? keys->base : NULL;
    for (size_t i = 0; i < keys->n; i++) {
        uint16_t k = keys->key[i];
        m->seen[k] = m->gen;
        if (keys->end)
            m->key_end[k] = keys->end[i];
        maybe |= r->key_fams[k];
    }
    if (rule_out)
        *rule_out = NULL;
    uint64_t mask = maybe ? families_for(m, rec) & maybe : 0;
    if (!mask)
        return 0;
    return match_rows(m, rec, line, mask, m->seen, m->gen, out, rule_out);
}

int ms_match_flush(ms_matcher *m, ms_capture *out)
{
    for (size_t f = 0; f < m->r->nfam; f++) {
        const ms_family *fam = m->r->fam[f].fam;
        if (fam->flush && fam->flush(m->state[f], out)) {
            out->ev.source = fam->source;
            return 1;
        }
    }
    return 0;
}
