/* cidr.h — address blocks: parse `1.2.3.0/24`, `2001:db8::/32` or one
 * address, test membership, print canonically. Lists (--ignore) are kept
 * unsorted and searched linearly: they are short. */
#ifndef MS_CIDR_H
#define MS_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/ip.h"

typedef struct ms_cidr {
    ms_ip base;        /* host bits cleared */
    int prefix;        /* over 128 bits: IPv4 /24 is 96 + 24 */
} ms_cidr;

typedef struct ms_cidr_list {
    ms_cidr *v;
    size_t n;
} ms_cidr_list;

bool ms_cidr_parse(const char *s, size_t n, ms_cidr *out);
bool ms_cidr_contains(const ms_cidr *c, const ms_ip *ip);
/* "1.2.3.0/24", or the bare address for a /32 (/128). */
size_t ms_cidr_format(const ms_cidr *c, char *buf);   /* MS_IP_STRLEN + 4 */
ms_cidr ms_cidr_of(const ms_ip *ip, int prefix);

/* --ignore: a CIDR, or a file of CIDRs (one per line, # comments). */
int ms_cidr_list_add(ms_cidr_list *l, const char *arg, ms_error *err);
bool ms_cidr_list_contains(const ms_cidr_list *l, const ms_ip *ip);
void ms_cidr_list_free(ms_cidr_list *l);

#endif
