/* bans.h — the suggested ban list from the ips' verdicts. */
#ifndef MS_BANS_H
#define MS_BANS_H

#include "analyze/analysis.h"

/* a->bans: one entry per ip with verdict ban; with o->aggregate, the ips of
 * an IPv4 /24 or IPv6 /64 with two or more banned ips and no ip that
 * logged in successfully become one block. Sorted by score, then address. */
int ms_ban_list(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a);

#endif
