/* verdict.h — scores, verdicts and reasons per ip, compromised accounts,
 * and the ban list. Runs last: needs ipstats, benign, fast and campaigns. */
#ifndef MS_VERDICT_H
#define MS_VERDICT_H

#include "analyze/analysis.h"

int ms_verdicts(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

#endif
