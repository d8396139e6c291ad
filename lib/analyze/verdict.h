/* verdict.h — scores, verdicts and reasons per ip, compromised accounts,
 * and the ban list. Runs last: needs ipstats, benign, fast and campaigns.
 * ms_judge_ip gives the same decision for one ip, rule by rule, for
 * `mailsleuth why`. */
#ifndef MS_VERDICT_H
#define MS_VERDICT_H

#include "analyze/analysis.h"
#include "core/buf.h"

/* An address that logged in on this many distinct UTC days is trusted. */
#define MS_TRUST_DAYS 2
/* Failures on this many names (not typos) that never logged in here. */
#define MS_MANY_NAMES 5

typedef enum ms_vrule {
    /* against the ip */
    MS_RULE_CAMPAIGN, MS_RULE_FAST, MS_RULE_BURST, MS_RULE_NAMES,
    MS_RULE_UNKNOWN, MS_RULE_RELAY, MS_RULE_FEW,
    /* for it */
    MS_RULE_HONEST, MS_RULE_TRUSTED, MS_RULE_SHARED, MS_RULE_LOGGED_IN,
    MS_RULE_IGNORED,
    MS_RULE_COMPROMISE,   /* a login after the evidence (why.h lists it) */
    MS_RULE__COUNT
} ms_vrule;

const char *ms_vrule_name(ms_vrule r);

/* One rule that fired against the ip (against = 1) or spared it; detail
 * is the ms_honest kind for MS_RULE_HONEST; text the sentence of the
 * reasons. */
typedef void (*ms_vrule_fn)(void *ctx, ms_vrule r, int against, int detail,
                           const char *text);

/* The ip's score (as in a->ip[ip].score), calling fn (may be NULL) for
 * each rule that fired or spared it; *reasons (may be NULL) gets the
 * reasons. -1 when memory ran out. */
int ms_judge_ip(const ms_analysis *a, const ms_analyze_opts *o, uint32_t ip,
                ms_vrule_fn fn, void *ctx, ms_buf *reasons, int *strong);

int ms_verdicts(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

#endif
