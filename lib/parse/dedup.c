/* dedup.c — see dedup.h. A ring keeps the last MS_DEDUP_RING failures;
 * those of one address hash are chained newest first, so a search visits
 * only the entries that may share the new failure's address, and stops at
 * the first one older than the window (or overwritten in the ring).
 *
 * Times are compared as resolved (a stamp with a year is its own time). A
 * year-less stamp lies in its file's first year plus the Dec->Jan wraps
 * before it (scan_events.h); that first year is the same for every line of
 * the file and only known after the scan, so it drops out of a difference
 * but for its length: years are taken as 365 days (a year-less Feb 29 reads
 * as Mar 1), and local time as written (the hour a clock goes back
 * repeats). */
#include "dedup.h"

#include <string.h>

#include "parse/families.h"

void ms_dedup_init(ms_dedup *d)
{
    d->next = 1;
    memset(d->last, 0, sizeof d->last);
}

static uint32_t ip_hash(const ms_ip *ip)
{
    uint64_t a, b;
    memcpy(&a, ip->b, 8);
    memcpy(&b, ip->b + 8, 8);
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return (uint32_t)(h >> 32);
}

static int64_t stamp_secs(const ms_stamp *ts, uint16_t wrap)
{
    if (ts->kind == MS_TS_ABS)
        return ts->time / MS_NS_PER_S;
    if (ts->kind == MS_TS_NOYEAR)
        return ((int64_t)wrap * 365 +
                ms_days_from_civil(1970, ts->mon, ts->day)) * 86400 + ts->sod;
    return INT64_MIN;
}

/* The daemon whose attempt the line is part of: its source, or for a PAM
 * module's line the daemon its PAM service names; NULL when it names none. */
static const char *server_of(const ms_scan_events *s, const ms_sev *e,
                             ms_str pam_service)
{
    const char *src = s->sources[e->source];
    if (src != ms_family_pam.source)
        return src;
    for (const ms_family *const *f = ms_builtin_families;
         *f && pam_service.n; f++) {
        const char *name = (*f)->source;
        if (name[0] == pam_service.p[0] && *f != &ms_family_pam &&
            strncmp(name, pam_service.p, pam_service.n) == 0 &&
            name[pam_service.n] == '\0')
            return name;
    }
    return NULL;
}

static unsigned service_kind(unsigned svc)
{
    return svc == MS_SVC_SUBMISSION ? MS_SVC_SMTP : svc;
}

/* A password database's line of no known service, beside another daemon's
 * SMTP line: dovecot's auth process answers postfix's and exim's SASL too. */
static int sasl_backend(unsigned layer, unsigned svc, unsigned other_svc)
{
    return layer == MS_LAYER_AUTHDB && svc == MS_SVC_UNKNOWN &&
           other_svc == MS_SVC_SMTP;
}

/* Whether lines of servers a and b with services x and y, of layers la and
 * lb, can be layers of one attempt: a line without a server goes with any
 * daemon's line of the same known service. */
static int same_attempt(const char *a, unsigned x, unsigned la, const char *b,
                        unsigned y, unsigned lb)
{
    x = service_kind(x);
    y = service_kind(y);
    if (a && b)
        return (a == b || strcmp(a, b) == 0)
                   ? x == y || x == MS_SVC_UNKNOWN || y == MS_SVC_UNKNOWN
                   : sasl_backend(la, x, y) || sasl_backend(lb, y, x);
    return (a || b) && x == y && x != MS_SVC_UNKNOWN;
}

static int same_user(const ms_scan_events *s, uint32_t a, uint32_t b)
{
    if (a == 0 || b == 0 || a == b)
        return 1;
    ms_str x = ms_scan_events_str(s, a), y = ms_scan_events_str(s, b);
    return x.n == y.n && memcmp(x.p, y.p, x.n) == 0;
}

void ms_dedup_check(ms_dedup *d, ms_scan_events *s, const ms_capture *c)
{
    size_t idx = s->n - 1;
    ms_sev *e = &s->ev[idx];
    int64_t secs = stamp_secs(&c->ts, e->wrap);
    if (e->outcome != MS_OUT_AUTH_FAIL || ms_ip_is_unset(&e->ip) ||
        secs == INT64_MIN)
        return;   /* without a time there is no window to compare */
    uint8_t layer = c->rule ? c->rule->layer : 0;
    const char *server = server_of(s, e, c->svc);
    unsigned want = e->attempts ? e->attempts : 1, found = 0;
    size_t first = idx;
    uint32_t iph = ip_hash(&e->ip);
    uint32_t *bucket = &d->last[iph % MS_DEDUP_HASHES];
    for (uint32_t q = *bucket;
         q && d->next - q <= MS_DEDUP_RING && found < want;
         q = d->ring[q % MS_DEDUP_RING].prev) {
        unsigned slot = q % MS_DEDUP_RING;
        int64_t age = secs - d->ring[slot].secs;
        if (age > MS_DEDUP_WINDOW)
            break;
        if (d->ring[slot].iph != iph)
            continue;
        ms_sev *p = &s->ev[d->ring[slot].idx];
        if (d->ring[slot].layer == layer || age < -1 ||
            (d->ring[slot].absorbed & (1u << layer)) ||
            p->outcome != MS_OUT_AUTH_FAIL ||
            ms_ip_cmp(&p->ip, &e->ip) != 0 ||
            !same_attempt(d->ring[slot].server, p->service,
                          d->ring[slot].layer, server, e->service, layer) ||
            !same_user(s, p->str[MS_SEV_USER], e->str[MS_SEV_USER]))
            continue;
        d->ring[slot].absorbed |= (uint8_t)(1u << layer);
        if (p->service == MS_SVC_UNKNOWN)
            p->service = e->service;
        if (p->str[MS_SEV_METHOD] == 0)
            p->str[MS_SEV_METHOD] = e->str[MS_SEV_METHOD];
        if (p->str[MS_SEV_USER] == 0)
            p->str[MS_SEV_USER] = e->str[MS_SEV_USER];
        first = d->ring[slot].idx;
        found++;
    }
    if (found) {
        e->outcome = MS_OUT_DUPLICATE;
        e->dup = (uint32_t)(idx - first);
        return;
    }
    if (d->next == UINT32_MAX) {   /* seqs would wrap: start a new ring */
        ms_dedup_init(d);
        bucket = &d->last[iph % MS_DEDUP_HASHES];
    }
    unsigned slot = d->next % MS_DEDUP_RING;
    d->ring[slot].iph = iph;
    d->ring[slot].prev = *bucket;
    d->ring[slot].idx = idx;
    d->ring[slot].secs = secs;
    d->ring[slot].server = server;
    d->ring[slot].layer = layer;
    d->ring[slot].absorbed = 0;
    *bucket = d->next++;
}
