/* ip.h — one remote address, IPv4 or IPv6, in a fixed 16-byte form.
 *
 * IPv4 is stored IPv4-mapped (::ffff:a.b.c.d), so an address logged as
 * `::ffff:1.2.3.4` and one logged as `1.2.3.4` are the same key. Printing is
 * canonical: dotted quad for IPv4 (mapped or not), RFC 5952 for IPv6. */
#ifndef MS_IP_H
#define MS_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ms_ip {
    uint8_t b[16];
} ms_ip;

#define MS_IP_STRLEN 48

/* Parse an address of n bytes (not NUL-terminated). Accepts IPv4, IPv6,
 * IPv4-mapped IPv6, a zone suffix (`%eth0`, dropped) and surrounding
 * brackets. False for anything else, including an empty string. */
bool ms_ip_parse(const char *s, size_t n, ms_ip *out);

/* Canonical text into buf (MS_IP_STRLEN bytes); returns its length. */
size_t ms_ip_format(const ms_ip *ip, char *buf);

bool ms_ip_is_v4(const ms_ip *ip);
bool ms_ip_is_unset(const ms_ip *ip);   /* all zero: no address */
int ms_ip_cmp(const ms_ip *a, const ms_ip *b);

#endif
