/* bans_out.h — the ban list for the tools that enforce it: a CSV for
 * CrowdSec's `cscli decisions import -i FILE`, and a script of
 * `fail2ban-client set JAIL banip ADDR` lines (docs/OUTPUTS.md, bans.csv,
 * says what each holds). The nft, ipset and plain styles stay in
 * results.c; these two take a setting of their own (a ban length, a jail),
 * checked here so that nothing a shell or a CSV reader would read
 * differently can reach the output. */
#ifndef MS_BANS_OUT_H
#define MS_BANS_OUT_H

#include <stddef.h>

#include "analyze/analysis.h"
#include "core/buf.h"

/* The longest duration taken, and room for its text. */
#define MS_BAN_DURATION_MAX_S (3650LL * 86400)
#define MS_BAN_DURATION_STRLEN 24

/* A ban length as CrowdSec takes it: s ("24h", "7d", "1h30m": numbers each
 * followed by s, m, h or d), from one second to 3650 days, into out as one
 * Go duration in the largest unit that divides it ("168h" for "7d", "90m"
 * for "1h30m"). 0, or -1 when s is not such a length. */
int ms_ban_duration(const char *s, char out[MS_BAN_DURATION_STRLEN]);

/* 1 if s is a jail name the script may hold: 1 to 64 of [A-Za-z0-9._-],
 * not starting with '-' (fail2ban-client would take it for an option). */
int ms_ban_jail_ok(const char *s);

/* The CrowdSec CSV into b: header duration,reason,scope,type,value, one
 * row per ban; scope "ip" for an address, "range" for a block; type
 * "ban"; reason "mailsleuth: " and the ban's reasons (cleaned, cut at a
 * sentence to 255 bytes). duration: as ms_ban_duration gives it. */
void ms_bans_crowdsec(ms_buf *b, const ms_analysis *a, const char *duration);

/* The fail2ban script into b: a shebang, a comment, then one
 * `fail2ban-client set JAIL banip ADDR` line per ban (a block as its
 * CIDR). jail: checked with ms_ban_jail_ok. */
void ms_bans_fail2ban(ms_buf *b, const ms_analysis *a, const char *jail);

#endif
