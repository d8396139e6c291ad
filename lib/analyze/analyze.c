/* analyze.c — run the analyses in order (see analysis.h) and mark fast
 * robots: an ip whose busiest hour holds at least fast_per_hour failures
 * (most of them not honest), or ten times that many connections (a POP3
 * scanner seen only in tcpserver lines). */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/campaigns.h"
#include "analyze/ipstats.h"
#include "analyze/verdict.h"

const char *ms_verdict_name(ms_verdict v)
{
    return v == MS_BAN ? "ban" : v == MS_WATCH ? "watch" : "benign";
}

void ms_analyze_defaults(ms_analyze_opts *o)
{
    memset(o, 0, sizeof *o);
    o->handoff_window_s = 600;
    o->lookahead = 8;
    o->min_step_support = 3;
    o->min_cluster_ips = 5;
    o->fast_per_hour = 30;
}

static void mark_fast(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a)
{
    for (uint32_t ip = 0; ip < s->ips.n; ip++) {
        const ms_ipinfo *in = &a->ip[ip];
        uint32_t held = in->failures - in->honest_failures;
        int brute = in->peak_hour >= (uint32_t)o->fast_per_hour &&
                    held * 2 > in->failures && held >= (uint32_t)o->fast_per_hour;
        int robot = in->connects > in->failures &&
                    in->peak_hour >= 10u * (uint32_t)o->fast_per_hour;
        a->fast[ip] = (uint8_t)(ms_store_ip_real(s, ip) && (brute || robot));
    }
}

int ms_analyze(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a,
               ms_error *err)
{
    memset(a, 0, sizeof *a);
    a->store = s;
    ms_arena_init(&a->arena);
    a->ip = calloc(s->ips.n + 1, sizeof *a->ip);
    a->honest = calloc(s->nidx + 1, 1);
    a->fast = calloc(s->ips.n + 1, 1);
    if (!a->ip || !a->honest || !a->fast || ms_ipstats(s, o, a) ||
        ms_benign(s, o, a))
        goto nomem;
    mark_fast(s, o, a);
    if (ms_benign_real(s, o, a, 1) || ms_campaigns(s, o, a) ||
        ms_benign_real(s, o, a, 0) || ms_verdicts(s, o, a))
        goto nomem;
    return 0;
nomem:
    ms_analysis_free(a);
    if (ms_store_check(s, err))   /* spilled events not read back */
        return -1;
    return ms_fail(err, MS_ERR_NOMEM, "out of memory during analysis");
}

void ms_analysis_free(ms_analysis *a)
{
    free(a->ip);
    free(a->honest);
    free(a->fast);
    free(a->compromised);
    ms_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}
