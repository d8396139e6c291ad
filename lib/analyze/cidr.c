/* cidr.c — address blocks (see cidr.h).
 *
 * A block is an ms_ip with its host bits cleared and a prefix length over
 * all 128 bits. IPv4 addresses are IPv4-mapped (ip.h), so an IPv4 `/n` is
 * stored as 96 + n and one membership test serves both families: compare
 * the first prefix/8 bytes, then the top prefix%8 bits of the next byte.
 * Whether a prefix is read over 32 or 128 bits depends on how the address
 * was written: dotted (`10.0.0.0/8`) or with colons (`::ffff:10.0.0.0/104`).
 * A list argument that is not an address or block is taken as a file name
 * (one entry per line, `#` comments, blank lines allowed); a bad entry is an
 * error naming the file and line, and leaves the list as it was. */
#include "cidr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_host_bits(ms_ip *ip, int prefix)
{
    for (int i = 0; i < 16; i++) {
        int keep = prefix - 8 * i;   /* bits of byte i inside the prefix */
        if (keep >= 8)
            continue;
        ip->b[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    }
}

ms_cidr ms_cidr_of(const ms_ip *ip, int prefix)
{
    ms_cidr c;
    if (prefix < 0)
        prefix = 0;
    if (prefix > 128)
        prefix = 128;
    c.base = *ip;
    c.prefix = prefix;
    clear_host_bits(&c.base, prefix);
    return c;
}

bool ms_cidr_parse(const char *s, size_t n, ms_cidr *out)
{
    if (memchr(s, '\0', n))
        return false;   /* inet_pton would stop there and accept a prefix */
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    ms_ip ip;
    if (!ms_ip_parse(s, an, &ip))
        return false;
    bool dotted = memchr(s, ':', an) == NULL;
    int max = dotted ? 32 : 128;
    int prefix = max;
    if (slash) {
        const char *p = slash + 1;
        size_t pn = n - an - 1;
        /* 1–3 digits, no sign, no spaces, no leading zero. */
        if (pn == 0 || pn > 3 || (pn > 1 && p[0] == '0'))
            return false;
        prefix = 0;
        for (size_t i = 0; i < pn; i++) {
            if (p[i] < '0' || p[i] > '9')
                return false;
            prefix = prefix * 10 + (p[i] - '0');
        }
        if (prefix > max)
            return false;
    }
    *out = ms_cidr_of(&ip, dotted ? 96 + prefix : prefix);
    return true;
}

bool ms_cidr_contains(const ms_cidr *c, const ms_ip *ip)
{
    int whole = c->prefix / 8, rest = c->prefix % 8;
    if (memcmp(c->base.b, ip->b, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (ip->b[whole] & mask) == c->base.b[whole];
}

size_t ms_cidr_format(const ms_cidr *c, char *buf)
{
    size_t n = ms_ip_format(&c->base, buf);
    /* A mapped base implies prefix >= 96: shorter prefixes clear 0xffff. */
    bool v4 = ms_ip_is_v4(&c->base) && c->prefix >= 96;
    int shown = v4 ? c->prefix - 96 : c->prefix;
    if (c->prefix == 128)
        return n;
    n += (size_t)snprintf(buf + n, 5, "/%d", shown);
    return n;
}

static int add_one(ms_cidr_list *l, const ms_cidr *c, ms_error *err)
{
    /* Grow in powers of two from 8: n alone tells the capacity. */
    if (l->n == 0 || (l->n >= 8 && (l->n & (l->n - 1)) == 0)) {
        size_t cap = l->n < 8 ? 8 : l->n * 2;
        ms_cidr *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        l->v = v;
    }
    l->v[l->n++] = *c;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

/* A short printable rendering of a bad entry for a message. */
static void quote_entry(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (k + 4 >= cap && n > k) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = '\0';
}

static int add_file(ms_cidr_list *l, const char *path, ms_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ms_fail(err, MS_ERR_USAGE,
                       "%s: not an address or CIDR block, and not a readable "
                       "file (%s)", path, strerror(errno));
    size_t n0 = l->n;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    uint64_t lineno = 0;
    int rc = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        const char *hash = memchr(line, '#', n);
        if (hash)
            n = (size_t)(hash - line);
        size_t b = 0;
        while (b < n && is_blank(line[b]))
            b++;
        while (n > b && is_blank(line[n - 1]))
            n--;
        if (n == b)
            continue;
        ms_cidr c;
        if (!ms_cidr_parse(line + b, n - b, &c)) {
            char shown[64];
            quote_entry(shown, sizeof shown, line + b, n - b);
            rc = ms_fail(err, MS_ERR_USAGE,
                         "%s:%llu: \"%s\" is not an address or CIDR block",
                         path, (unsigned long long)lineno, shown);
            break;
        }
        if ((rc = add_one(l, &c, err)) < 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = ms_fail(err, MS_ERR_IO, "%s: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (rc < 0)
        l->n = n0;   /* all of the file or none of it */
    return rc;
}

int ms_cidr_list_add(ms_cidr_list *l, const char *arg, ms_error *err)
{
    ms_cidr c;
    if (ms_cidr_parse(arg, strlen(arg), &c))
        return add_one(l, &c, err);
    return add_file(l, arg, err);
}

bool ms_cidr_list_contains(const ms_cidr_list *l, const ms_ip *ip)
{
    for (size_t i = 0; i < l->n; i++)
        if (ms_cidr_contains(&l->v[i], ip))
            return true;
    return false;
}

void ms_cidr_list_free(ms_cidr_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
