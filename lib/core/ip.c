/* ip.c — parse and print addresses (IPv6 with inet_pton/inet_ntop, dotted
 * quads by hand, as inet_pton would).
 *
 * glibc's inet_ntop already follows RFC 5952 for IPv6 (longest zero run
 * compressed, never a single zero field, lower case); the only canonical
 * step left is printing mapped IPv4 as a dotted quad. */
#include "ip.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* A dotted quad as inet_pton takes it (four decimal octets up to 255, no
 * leading zero), by hand: every event's address is parsed. */
static bool parse_v4(const char *s, size_t n, uint8_t *o)
{
    size_t i = 0;
    for (int k = 0; k < 4; k++) {
        if (k && (i >= n || s[i++] != '.'))
            return false;
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
            return false;
        o[k] = (uint8_t)v;
    }
    return i == n;
}

bool ms_ip_parse(const char *s, size_t n, ms_ip *out)
{
    char buf[64];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    const char *zone = memchr(s, '%', n);
    if (zone)
        n = (size_t)(zone - s);
    if (n == 0 || n >= sizeof buf || memchr(s, '\0', n))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (memchr(buf, ':', n)) {
        return inet_pton(AF_INET6, buf, out->b) == 1;
    }
    memcpy(out->b, v4_prefix, 12);
    return parse_v4(buf, n, out->b + 12);
}

bool ms_ip_is_v4(const ms_ip *ip)
{
    return memcmp(ip->b, v4_prefix, 12) == 0;
}

bool ms_ip_is_unset(const ms_ip *ip)
{
    static const uint8_t zero[16];
    return memcmp(ip->b, zero, 16) == 0;
}

int ms_ip_cmp(const ms_ip *a, const ms_ip *b)
{
    return memcmp(a->b, b->b, 16);
}

size_t ms_ip_format(const ms_ip *ip, char *buf)
{
    if (ms_ip_is_v4(ip)) {   /* by hand: every event's address comes here */
        char *p = buf;
        for (int i = 12; i < 16; i++) {
            unsigned v = ip->b[i];
            if (v >= 100)
                *p++ = (char)('0' + v / 100);
            if (v >= 10)
                *p++ = (char)('0' + v / 10 % 10);
            *p++ = (char)('0' + v % 10);
            *p++ = '.';
        }
        p[-1] = '\0';
        return (size_t)(p - 1 - buf);
    }
    if (!inet_ntop(AF_INET6, ip->b, buf, MS_IP_STRLEN)) {
        buf[0] = '\0';
        return 0;
    }
    return strlen(buf);
}
