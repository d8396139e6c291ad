/* campaigns.h — username-order clusters: slow distributed campaigns.
 * The method, its parameters and its limits are in docs/ARCHITECTURE.md. */
#ifndef MS_CAMPAIGNS_H
#define MS_CAMPAIGNS_H

#include "analyze/analysis.h"

/* Fill a->clusters and a->ip[*].cluster. Needs ipstats, benign and
 * a->fast. -1 when memory ran out. */
int ms_campaigns(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

#endif
