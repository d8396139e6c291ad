/* why.h — for one address, every rule that fired against it or spared it,
 * with the events that support each (`mailsleuth why`).
 *
 * Nothing is recorded for millions of addresses during the analysis: the
 * decision is taken again for the one address asked (verdict.h,
 * ms_judge_ip), and each rule's events are picked from the address's own
 * list: the failures held against it, those in its densest burst or hour,
 * the first failure of each name, the honest failures of each kind with
 * the success that explains them, a login of each day, its compromised
 * logins. */
#ifndef MS_WHY_H
#define MS_WHY_H

#include "analyze/verdict.h"

#define MS_WHY_EVENTS 8   /* events shown for one rule, at most */

typedef struct ms_why_rule {
    ms_vrule rule;
    int against;                    /* 1: fired against it; 0: spared it */
    int detail;                     /* the ms_honest kind of MS_RULE_HONEST */
    const char *text;
    ms_event events[MS_WHY_EVENTS]; /* in time order (ms_store_event: the
                                       strings are the store's) */
    size_t nevents;
    uint64_t more;                  /* supporting events not listed */
} ms_why_rule;

typedef struct ms_why {
    int score;
    ms_why_rule *rules;
    size_t nrules;
    ms_arena arena;
} ms_why;

/* Explain ip (a store id with events); -1 when memory ran out or its
 * spilled events could not be read back (ms_store_fail says which). */
int ms_why_ip(const ms_analysis *a, const ms_analyze_opts *o, uint32_t ip,
              ms_why *w);
void ms_why_free(ms_why *w);

#endif
