/* bans_out.c — see bans_out.h. CrowdSec reads the CSV with Go's
 * encoding/csv (through csvutil) by the header's names, so the cells are
 * RFC 4180 ones from csv_cell.h; the script's only variable parts are the
 * checked jail name and addresses in canonical form, so nothing in it needs
 * quoting. */
#include "bans_out.h"

#include <stdio.h>
#include <string.h>

#include "analyze/cidr.h"
#include "output/csv_cell.h"
#include "output/text.h"

int ms_ban_duration(const char *s, char out[MS_BAN_DURATION_STRLEN])
{
    long long total = 0;
    const char *p = s;
    if (!*p)
        return -1;
    while (*p) {
        long long v = 0;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p++ - '0');
            if (v > MS_BAN_DURATION_MAX_S)
                return -1;
        }
        const char *units = "smhd";
        static const long long secs[] = {1, 60, 3600, 86400};
        const char *u = *p ? strchr(units, *p) : NULL;
        if (!u)
            return -1;
        p++;
        total += v * secs[u - units];
        if (total > MS_BAN_DURATION_MAX_S)
            return -1;
    }
    if (total < 1)
        return -1;
    if (total % 3600 == 0)
        snprintf(out, MS_BAN_DURATION_STRLEN, "%lldh", total / 3600);
    else if (total % 60 == 0)
        snprintf(out, MS_BAN_DURATION_STRLEN, "%lldm", total / 60);
    else
        snprintf(out, MS_BAN_DURATION_STRLEN, "%llds", total);
    return 0;
}

int ms_ban_jail_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64 || s[0] == '-')
        return 0;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-") == n;
}

/* A CrowdSec reason: "mailsleuth: " and the reasons, cleaned, then cut to
 * 255 bytes at the last "; " that fits (else at a character). */
static void crowdsec_reason(ms_buf *r, const char *reasons)
{
    enum { MAX = 255 };
    ms_buf_adds(r, "mailsleuth");
    if (reasons && *reasons) {
        ms_buf_adds(r, ": ");
        ms_text_clean(r, reasons, strlen(reasons));
    }
    if (r->failed || r->n <= MAX)
        return;
    size_t cut = MAX - 1;   /* keeps p[0, cut): at most MAX bytes */
    while (cut > 0 && !(r->p[cut] == ';' && r->p[cut + 1] == ' '))
        cut--;
    if (cut == 0) {   /* one long sentence: end on a character */
        cut = MAX;
        while (cut > 0 && ((unsigned char)r->p[cut] & 0xC0) == 0x80)
            cut--;
    }
    r->n = cut;
}

void ms_bans_crowdsec(ms_buf *b, const ms_analysis *a, const char *duration)
{
    static const char *const header[] = {"duration", "reason", "scope", "type",
                                         "value", NULL};
    ms_csv_header(b, header);
    char net[MS_IP_STRLEN + 8];
    ms_buf r = {0};
    for (size_t i = 0; i < a->nbans; i++) {
        const ms_ban *ban = &a->bans[i];
        r.n = 0;
        crowdsec_reason(&r, ban->reasons);
        if (r.failed)
            b->failed = 1;
        ms_csv_cells(b, duration, 0);
        ms_csv_cell(b, r.p, r.n, 1);
        ms_csv_cells(b, ban->net.prefix == 128 ? "ip" : "range", 1);
        ms_csv_cells(b, "ban", 1);
        ms_csv_cell(b, net, ms_cidr_format(&ban->net, net), 1);
        ms_buf_addc(b, '\n');
    }
    ms_buf_free(&r);
}

void ms_bans_fail2ban(ms_buf *b, const ms_analysis *a, const char *jail)
{
    ms_buf_adds(b, "#!/bin/sh\n"
                   "# mailsleuth ban list for fail2ban: run as root where the "
                   "jail '");
    ms_buf_adds(b, jail);
    ms_buf_adds(b, "' is enabled.\n"
                   "# Each ban lasts the jail's bantime. A block (CIDR) is "
                   "passed as it is: the\n"
                   "# jail's banaction must take one (the iptables, nftables "
                   "and ipset actions do).\n");
    char net[MS_IP_STRLEN + 8];
    for (size_t i = 0; i < a->nbans; i++) {
        ms_buf_adds(b, "fail2ban-client set ");
        ms_buf_adds(b, jail);
        ms_buf_adds(b, " banip ");
        ms_buf_add(b, net, ms_cidr_format(&a->bans[i].net, net));
        ms_buf_addc(b, '\n');
    }
}
