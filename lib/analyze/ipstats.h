/* ipstats.h — per-ip figures: counts, distinct names, gaps, peak rate,
 * days with a login, bursts. benign.c — which failures were honest. Both
 * work on the store's per-ip event lists (store.h), one ip at a time. */
#ifndef MS_IPSTATS_H
#define MS_IPSTATS_H

#include "analyze/analysis.h"

/* Fill a->ip[*] counts, first/last, distinct names, median gap, peak hour.
 * honest_failures and the verdict fields are left for later stages. */
int ms_ipstats(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

/* Failures within one burst window: a stock fail2ban jail bans an
 * address at MS_BURST_FAILS failures within MS_BURST_WINDOW_S seconds. */
#define MS_BURST_FAILS 5
#define MS_BURST_WINDOW_S 600

/* The most events e of ip with keep(s, a, e) within secs seconds, counted
 * by attempts; *span_s gets the time they took and *start the index in
 * the ip's event list of the first. */
typedef int (*ms_keep_fn)(const ms_store *s, const ms_analysis *a, uint32_t e);
uint32_t ms_densest(const ms_store *s, const ms_analysis *a, uint32_t ip,
                    int64_t secs, ms_keep_fn keep, uint32_t *span_s,
                    size_t *start);

/* A failure held against its ip (a->honest says it is not honest). */
int ms_held(const ms_store *s, const ms_analysis *a, uint32_t e);

/* a->ip[ip].burst and burst_span_s: the most held failures within
 * MS_BURST_WINDOW_S seconds. */
void ms_burst(const ms_store *s, ms_analysis *a, uint32_t ip);

/* Set a->honest[event] for every failure that honest use explains, and
 * a->ip[*].honest_failures and typo figures. Needs ms_ipstats first. */
int ms_benign(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

/* With --users, the failures of an address that never logs in, in no
 * campaign and no fast robot, whose names (at most MS_TYPO_NAMES) are all
 * one real account or near misses of it, one at least a near miss (and,
 * for a single name, slower than a burst): a user mistyping their own name
 * (benign.c). early: before campaigns, for sessions of several tries on
 * two or more names only; else after them, for the rest, and every ip's
 * burst first. */
#define MS_TYPO_NAMES 5
int ms_benign_real(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a,
                   int early);

#endif
