/* ranges.c — IP-range tables, CSV or TSV, read with libcsv (ranges.h).
 *
 * Forms, told apart by the first data row (a header row is skipped):
 *   start,end,asn[,org]          ip-location-db asn (org may be quoted)
 *   start,end,country[,...]      ip-location-db country / city tables
 *   start\tend\tasn\tcountry\tdescription   iptoasn ip2asn-*.tsv
 * Bounds are inclusive, dotted/IPv6 text or decimal numbers (a number is
 * IPv6 when the file's name says ipv6/v6 or it does not fit 32 bits). AS
 * number 0 ("Not routed") is no answer; lines starting with # are
 * comments. The file goes through the log reader, so .gz/.bz2/.xz/.zst
 * tables work. IPv4 ranges (and IPv6 ones inside ::ffff:0:0/96) are kept
 * as 32-bit pairs, the rest as 128-bit pairs; each list is sorted by start
 * once, and a lookup is a binary search for the last range starting at or
 * before the address, stepping back a few ranges when nested ones
 * overlap. */
#include "enrich/ranges.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "input/reader.h"

enum { MAP_NONE, MAP_IPTOASN, MAP_ASN, MAP_COUNTRY };
enum { MAXF = 8 };

typedef struct rctx {
    geo_strs *t;
    geo_db *d;
    ms_geo_source *s;
    int v6num;                 /* numeric bounds are IPv6 */
    int map;
    char *buf;                 /* this row's fields, back to back */
    size_t n, cap;
    size_t off[MAXF], len[MAXF], nf;
    uint64_t rows;
    size_t cap4, cap6;
    int nomem;
} rctx;

static void on_field(void *s, size_t len, void *data)
{
    rctx *c = data;
    if (c->nomem)
        return;
    if (c->nf < MAXF) {
        if (c->n + len + 1 > c->cap) {
            size_t cap = (c->n + len + 1) * 2;
            char *b = realloc(c->buf, cap);
            if (!b) {
                c->nomem = 1;
                return;
            }
            c->buf = b;
            c->cap = cap;
        }
        if (len)
            memcpy(c->buf + c->n, s, len);
        c->off[c->nf] = c->n;
        c->len[c->nf] = len;
        c->n += len;
        c->buf[c->n++] = '\0';
    }
    c->nf++;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int asn_like(const char *s, size_t n)
{
    if (n > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
        return all_digits(s + 2, n - 2);
    return all_digits(s, n);
}

static int country_like(const char *s, size_t n)
{
    if (n == 4 && !strncmp(s, "None", 4))
        return 1;
    return n == 2 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
           ((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z'));
}

/* v = v * 10 + d; 0 on overflow. */
static int mul10_add(geo_u128 *v, unsigned d)
{
    uint64_t a = (v->lo >> 32) * 10, b = (v->lo & 0xffffffffu) * 10;
    uint64_t lo = (a << 32) + b;
    uint64_t carry = (a >> 32) + (lo < b);
    if (v->hi > (UINT64_MAX - carry) / 10)
        return 0;
    uint64_t hi = v->hi * 10 + carry;
    lo += d;
    if (lo < d) {
        if (hi == UINT64_MAX)
            return 0;
        hi++;
    }
    v->hi = hi;
    v->lo = lo;
    return 1;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static geo_u128 to_u128(const ms_ip *ip)
{
    geo_u128 v = {0, 0};
    for (int i = 0; i < 8; i++) {
        v.hi = v.hi << 8 | ip->b[i];
        v.lo = v.lo << 8 | ip->b[8 + i];
    }
    return v;
}

static uint32_t to_u32(const ms_ip *ip)
{
    return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 |
           (uint32_t)ip->b[14] << 8 | ip->b[15];
}

/* One bound: text address or decimal number. */
static int parse_bound(const char *s, size_t n, int v6num, ms_ip *out)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (!all_digits(s, n))
        return ms_ip_parse(s, n, out);
    if (n > 39)
        return 0;
    geo_u128 v = {0, 0};
    for (size_t i = 0; i < n; i++)
        if (!mul10_add(&v, (unsigned)(s[i] - '0')))
            return 0;
    if (!v6num && v.hi == 0 && v.lo <= 0xffffffffu) {
        memset(out->b, 0, 10);
        out->b[10] = out->b[11] = 0xff;
        out->b[12] = (uint8_t)(v.lo >> 24);
        out->b[13] = (uint8_t)(v.lo >> 16);
        out->b[14] = (uint8_t)(v.lo >> 8);
        out->b[15] = (uint8_t)v.lo;
        return 1;
    }
    put_be64(out->b, v.hi);
    put_be64(out->b + 8, v.lo);
    return 1;
}

static int cmp_u128(geo_u128 a, geo_u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    return (a.lo > b.lo) - (a.lo < b.lo);
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(*v, c * size);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

#define F(i) (c->buf + c->off[i])

static void on_row(int term, void *data)
{
    rctx *c = data;
    size_t nf = c->nf < MAXF ? c->nf : MAXF;
    c->nf = 0;
    c->n = 0;
    if (c->nomem || nf == 0 || (nf == 1 && c->len[0] == 0))
        return;
    if (F(0)[0] == '#')
        return;   /* a comment line */
    c->rows++;
    ms_ip lo, hi;
    if (nf < 3 || !parse_bound(F(0), c->len[0], c->v6num, &lo) ||
        !parse_bound(F(1), c->len[1], c->v6num, &hi)) {
        if (c->rows > 1)
            c->s->skipped++;   /* the first row may be a header */
        return;
    }
    if (c->map == MAP_NONE) {
        if (asn_like(F(2), c->len[2]))
            c->map = nf >= 5 && country_like(F(3), c->len[3]) ? MAP_IPTOASN
                                                               : MAP_ASN;
        else if (country_like(F(2), c->len[2]))
            c->map = MAP_COUNTRY;
        else {
            c->s->skipped++;
            return;
        }
    }
    geo_res r = {0, 0, 0};
    geo_strs *t = c->t;
    switch (c->map) {
    case MAP_IPTOASN:
        if (nf < 5 || !asn_like(F(2), c->len[2])) {
            c->s->skipped++;
            return;
        }
        r.asn = geo_asn_str(t, F(2), c->len[2]);
        if (r.asn == 0)
            return;   /* not routed */
        r.country = geo_country(t, F(3), c->len[3]);
        r.org = geo_org(t, F(4), c->len[4]);
        break;
    case MAP_ASN:
        if (!asn_like(F(2), c->len[2])) {
            c->s->skipped++;
            return;
        }
        r.asn = geo_asn_str(t, F(2), c->len[2]);
        if (r.asn == 0)
            return;
        r.org = nf >= 4 ? geo_org(t, F(3), c->len[3]) : 0;
        break;
    default:
        r.country = geo_country(t, F(2), c->len[2]);
        if (r.country == 0)
            return;
        break;
    }
    if (r.asn == UINT32_MAX || r.org == UINT32_MAX || r.country == UINT32_MAX) {
        c->nomem = 1;
        return;
    }
    geo_db *d = c->d;
    int v4 = ms_ip_is_v4(&lo);
    if (v4 != ms_ip_is_v4(&hi)) {
        c->s->skipped++;
        return;
    }
    if (v4) {
        uint32_t a = to_u32(&lo), b = to_u32(&hi);
        if (a > b) {
            c->s->skipped++;
            return;
        }
        if (grow((void **)&d->r4, &c->cap4, d->n4, sizeof *d->r4)) {
            c->nomem = 1;
            return;
        }
        d->r4[d->n4++] = (geo_r4){a, b, r};
    } else {
        geo_u128 a = to_u128(&lo), b = to_u128(&hi);
        if (cmp_u128(a, b) > 0) {
            c->s->skipped++;
            return;
        }
        if (grow((void **)&d->r6, &c->cap6, d->n6, sizeof *d->r6)) {
            c->nomem = 1;
            return;
        }
        d->r6[d->n6++] = (geo_r6){a, b, r};
    }
    (void)term;
}

static int cmp_r4(const void *x, const void *y)
{
    const geo_r4 *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return (a->hi < b->hi) - (a->hi > b->hi);   /* wider first */
}

static int cmp_r6(const void *x, const void *y)
{
    const geo_r6 *a = x, *b = y;
    int r = cmp_u128(a->lo, b->lo);
    return r ? r : -cmp_u128(a->hi, b->hi);
}

static int only_space(unsigned char ch)
{
    return ch == ' ';
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int geo_table_load(geo_strs *t, geo_db *d, ms_geo_source *s, const char *path,
                   ms_error *err)
{
    d->kind = GEO_TABLE;
    ms_reader *rd = ms_reader_open(path, path, err);
    if (!rd)
        return -1;
    const char *base = base_name(path);
    struct csv_parser p;
    if (csv_init(&p, 0)) {
        ms_reader_close(rd);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    rctx c = {.t = t, .d = d, .s = s};
    c.v6num = strstr(base, "ipv6") || strstr(base, "v6");
    enum { CHUNK = 1 << 16 };
    char *buf = malloc(CHUNK);
    int rc = 0, first = 1;
    ptrdiff_t k;
    while (buf && (k = ms_reader_read(rd, buf, CHUNK, err)) > 0) {
        if (first) {
            /* Tabs and no comma on the first line: TSV, with no quoting
             * (iptoasn's descriptions hold bare quotes). */
            const char *l = buf, *end = buf + k, *nl;
            while ((nl = memchr(l, '\n', (size_t)(end - l))) && l[0] == '#')
                l = nl + 1;
            size_t line = nl ? (size_t)(nl - l) : (size_t)(end - l);
            int tsv = strstr(base, ".tsv") ||
                      (memchr(l, '\t', line) && !memchr(l, ',', line));
            if (tsv) {
                csv_set_delim(&p, CSV_TAB);
                csv_set_quote(&p, '\0');
                csv_set_space_func(&p, only_space);
                s->format = "tsv";
            } else {
                s->format = "csv";
            }
            first = 0;
        }
        if (csv_parse(&p, buf, (size_t)k, on_field, on_row, &c) != (size_t)k) {
            rc = ms_fail(err, csv_error(&p) == CSV_ENOMEM ? MS_ERR_NOMEM : MS_ERR_DATA,
                         "%s: %s", path, csv_strerror(csv_error(&p)));
            break;
        }
        if (c.nomem)
            break;
    }
    if (!buf)
        rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
    else if (rc == 0 && k < 0)
        rc = -1;   /* err filled by the reader: a damaged archive */
    if (rc == 0)
        csv_fini(&p, on_field, on_row, &c);
    if (rc == 0 && c.nomem)
        rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
    csv_free(&p);
    free(buf);
    free(c.buf);
    ms_reader_close(rd);
    if (rc)
        return -1;
    if (d->n4 + d->n6 == 0)
        return ms_fail(err, MS_ERR_DATA,
                       "%s: no IP ranges found (%llu rows; expected "
                       "start,end,asn,org or iptoasn's TSV)",
                       path, (unsigned long long)c.rows);
    if (d->n4)
        qsort(d->r4, d->n4, sizeof *d->r4, cmp_r4);
    if (d->n6)
        qsort(d->r6, d->n6, sizeof *d->r6, cmp_r6);
    s->entries = d->n4 + d->n6;
    switch (c.map) {
    case MAP_IPTOASN:
        s->type = "iptoasn ip2asn";
        s->fields = MS_GEO_ASN | MS_GEO_ORG | MS_GEO_COUNTRY;
        d->weak_country = 1;
        break;
    case MAP_ASN:
        s->type = "asn ranges";
        s->fields = MS_GEO_ASN | MS_GEO_ORG;
        break;
    default:
        s->type = "country ranges";
        s->fields = MS_GEO_COUNTRY;
        break;
    }
    const char *attr = geo_sidecar_attribution(t, path);
    if (!attr && c.map == MAP_IPTOASN)
        attr = "IP-to-ASN data from iptoasn.com.";
    if (!attr && !strncmp(base, "asn-ipv", 7))
        attr = "ASN data from ip-location-db (RouteViews, DB-IP, NRO), "
               "licensed under CC BY 4.0.";
    s->attribution = attr ? attr : "";
    return 0;
}

/* Index of the last range starting at or before x, or -1. */
#define LAST_AT_OR_BEFORE(v, n, le)              \
    do {                                         \
        size_t lo_ = 0, hi_ = (n);               \
        while (lo_ < hi_) {                      \
            size_t mid_ = lo_ + (hi_ - lo_) / 2; \
            if (le(v[mid_]))                     \
                lo_ = mid_ + 1;                  \
            else                                 \
                hi_ = mid_;                      \
        }                                        \
        at = (ptrdiff_t)lo_ - 1;                 \
    } while (0)

enum { NESTED_STEPS = 8 };

void geo_table_find(const geo_db *d, const ms_ip *ip, geo_res *r)
{
    *r = (geo_res){0, 0, 0};
    ptrdiff_t at;
    if (ms_ip_is_v4(ip)) {
        uint32_t x = to_u32(ip);
#define LE4(e) ((e).lo <= x)
        LAST_AT_OR_BEFORE(d->r4, d->n4, LE4);
        for (int k = 0; at >= 0 && k < NESTED_STEPS; at--, k++)
            if (d->r4[at].hi >= x) {
                *r = d->r4[at].r;
                return;
            }
    } else {
        geo_u128 x = to_u128(ip);
#define LE6(e) (cmp_u128((e).lo, x) <= 0)
        LAST_AT_OR_BEFORE(d->r6, d->n6, LE6);
        for (int k = 0; at >= 0 && k < NESTED_STEPS; at--, k++)
            if (cmp_u128(d->r6[at].hi, x) >= 0) {
                *r = d->r6[at].r;
                return;
            }
    }
}

void geo_table_free(geo_db *d)
{
    free(d->r4);
    free(d->r6);
    d->r4 = NULL;
    d->r6 = NULL;
    d->n4 = d->n6 = 0;
}
