/* store_harness.h — for the analysis tests: one IMAP event of the dovecot
 * source into a store, at second t, from ip, for user, with outcome o
 * (store_event); or at ms_time t (MS_TIME_NONE: no stamp), counting n
 * attempts (store_event_at). */
#ifndef MS_STORE_HARNESS_H
#define MS_STORE_HARNESS_H

#include <string.h>

#include "analyze/store.h"

static void store_event_at(ms_store *st, ms_time t, const char *ip,
                           const char *user, ms_outcome o, uint16_t n)
{
    ms_event e = {0};
    e.time = t;
    assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    e.outcome = (uint8_t)o;
    e.service = MS_SVC_IMAP;
    e.attempts = n;
    e.source = "dovecot";
    e.user = (ms_str){user, strlen(user)};
    e.method.p = e.reason.p = e.session.p = e.host.p = "";
    assert_int_equal(ms_store_add(st, &e, 0), 0);
}

static inline void store_event(ms_store *st, int64_t t, const char *ip,
                               const char *user, ms_outcome o)
{
    store_event_at(st, t * MS_NS_PER_S, ip, user, o, 1);
}

#endif
