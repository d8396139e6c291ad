/* recognizer.c — compiled rows, program dispatch and matching.
 *
 * Each row is compiled once with PCRE2 (bytes, not UTF: logs hold invalid
 * UTF-8) and JIT-compiled; the numbers of its named groups are looked up at
 * compile time. Program tags map to a bitmask of families through a small
 * open-addressing table, so a line costs one hash of its tag before any
 * literal or pattern is tried. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "recognizer.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/families.h"

#define MAX_FAMILIES 64
#define PROG_SLOTS 512
#define PROG_MAX 32

enum { G_IP, G_USER, G_METHOD, G_SVC, G_SESSION, G_ATTEMPTS, G_REASON,
       G_PID, G_STATUS, G__COUNT };
static const char *const group_names[G__COUNT] = {
    "ip", "user", "method", "svc", "session", "attempts", "reason", "pid",
    "status",
};

typedef struct compiled_rule {
    const ms_rule *rule;
    pcre2_code *code;
    size_t lit_len;
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
};

struct ms_matcher {
    const ms_recognizers *r;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *stack;   /* the default 32 KiB fails on long lines */
    void *state[MAX_FAMILIES];
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

static int compile_rule(const ms_rule *rule, compiled_rule *c, uint32_t *pairs,
                        ms_error *err)
{
    int code;
    PCRE2_SIZE off;
    c->rule = rule;
    c->lit_len = rule->literal ? strlen(rule->literal) : 0;
    c->code = pcre2_compile((PCRE2_SPTR)rule->pattern, PCRE2_ZERO_TERMINATED,
                            0, &code, &off, NULL);
    if (!c->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return ms_fail(err, MS_ERR_USAGE, "pattern of '%s' at offset %zu: %s",
                       rule->name, (size_t)off, (char *)msg);
    }
    pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE); /* else the interpreter */
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

int ms_recognizers_add(ms_recognizers *r, const ms_family *f, ms_error *err)
{
    if (r->nfam >= MAX_FAMILIES)
        return ms_fail(err, MS_ERR_USAGE, "too many recogniser families");
    compiled_family *cf = &r->fam[r->nfam];
    cf->fam = f;
    cf->rules = calloc(f->nrules ? f->nrules : 1, sizeof *cf->rules);
    if (!cf->rules)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < f->nrules; i++) {
        if (compile_rule(&f->rules[i], &cf->rules[i], &r->max_pairs, err)) {
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

ms_recognizers *ms_recognizers_new(ms_error *err)
{
    ms_recognizers *r = calloc(1, sizeof *r);
    if (!r) {
        ms_fail(err, MS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->max_pairs = 1;
    for (size_t i = 0; ms_builtin_families[i]; i++) {
        if (ms_recognizers_add(r, ms_builtin_families[i], err)) {
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

static void fill(const compiled_family *cf, const compiled_rule *c,
                 pcre2_match_data *md, const ms_record *rec, uint64_t line,
                 ms_capture *out)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
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
    ms_service svc = ms_service_guess(out->svc.p, out->svc.n);
    if (svc == MS_SVC_UNKNOWN)
        svc = ms_service_guess(rec->prog, rec->prog_len);
    ev->service = svc != MS_SVC_UNKNOWN ? svc : rule->service;
    ev->host.p = rec->host;
    ev->host.n = (uint32_t)rec->host_len;
}

static uint64_t families_for(const ms_recognizers *r, const ms_record *rec)
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

int ms_match(ms_matcher *m, const ms_record *rec, uint64_t line,
             ms_capture *out, const ms_rule **rule_out)
{
    const ms_recognizers *r = m->r;
    uint64_t mask = families_for(r, rec);
    if (rule_out)
        *rule_out = NULL;
    for (size_t f = 0; mask && f < r->nfam; f++, mask >>= 1) {
        if (!(mask & 1))
            continue;
        const compiled_family *cf = &r->fam[f];
        for (size_t i = 0; i < cf->fam->nrules; i++) {
            const compiled_rule *c = &cf->rules[i];
            if (c->lit_len &&
                !memmem(rec->body, rec->body_len, c->rule->literal, c->lit_len))
                continue;
            if (pcre2_match(c->code, (PCRE2_SPTR)rec->body, rec->body_len, 0,
                            0, m->md, m->mc) < 0)
                continue;
            fill(cf, c, m->md, rec, line, out);
            if (rule_out)
                *rule_out = c->rule;
            if (cf->fam->hook)
                return cf->fam->hook(m->state[f], out);
            return out->ev.outcome != MS_OUT_NONE;
        }
    }
    return 0;
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
