/* ipstats.h — per-ip figures: counts, distinct names, gaps, peak rate.
 * benign.h — which failures were honest. Both work on the store's per-ip
 * event lists (store.h), one ip at a time. */
#ifndef MS_IPSTATS_H
#define MS_IPSTATS_H

#include "analyze/analysis.h"

/* Fill a->ip[*] counts, first/last, distinct names, median gap, peak hour.
 * honest_failures and the verdict fields are left for later stages. */
int ms_ipstats(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

/* Set a->honest[event] for every failure that honest use explains, and
 * a->ip[*].honest_failures. Needs ms_ipstats first. */
int ms_benign(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

/* 1 when a and b are near misses of one name: equal but for case, or the
 * same local part with another domain, or an edit distance of at most 2
 * (at most 1 for names of up to 4 characters). */
int ms_near_miss(const char *a, size_t an, const char *b, size_t bn);

#endif
