/* dedup.h — one attempt logged by several parts of one server counts once.
 *
 * dovecot's login process, its auth process and PAM (for dovecot) may each
 * log the same failed attempt; so may sshd and PAM (for sshd), and postfix
 * and the PAM module saslauthd ran for it. A failure is a duplicate when an
 * earlier failure of the same file
 *   - comes from a different layer (rule.h),
 *   - has the same ip, and the same user (or one of the two names is empty),
 *   - lies at most MS_DEDUP_WINDOW seconds before it (the stamps' resolved
 *     times, see dedup.c; at most a second after it: lines a little out of
 *     order),
 *   - and is an attempt of the same daemon and service: both lines come
 *     from the same daemon (source), with the same service or one of them
 *     not knowing it (submission counts as smtp). A PAM module's line
 *     (source pam) counts as a line of the daemon its PAM service names
 *     (`pam_unix(dovecot:auth)`, `pam_unix(sshd:auth)`); one whose PAM
 *     service names no daemon, or that has none, goes with a line of any
 *     daemon of the same known service: `pam_unix(smtp:auth)` under
 *     saslauthd with postfix's smtp line, sshd's `PAM 1 more
 *     authentication failure` with sshd's. A password database's line of
 *     no known service (dovecot's auth process, which also answers
 *     postfix's and exim's SASL) goes with another daemon's smtp line too.
 * So an ssh failure and an imap or smtp failure of one address are two
 * attempts, however close, and a PAM failure of neither a daemon nor a
 * service known here (vsftpd's) is an attempt of its own. The earlier line
 * stays the counted event (it is the per-attempt record) and takes from the
 * later one what it lacked: service, method, user. One counted event
 * absorbs at most one line of each other layer per attempt the later line
 * reports. */
#ifndef MS_DEDUP_H
#define MS_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "parse/rule.h"
#include "parse/scan_events.h"

#define MS_DEDUP_WINDOW 300
#define MS_DEDUP_RING 256

#define MS_DEDUP_HASHES 1024

typedef struct ms_dedup {
    struct {
        size_t idx;
        int64_t secs;
        const char *server; /* its daemon's source; NULL: the service's */
        uint32_t iph;       /* hash of the address */
        uint32_t prev;      /* seq of the bucket's entry before it; 0: none */
        uint8_t layer;
        uint8_t absorbed;   /* bit per layer already folded in */
    } ring[MS_DEDUP_RING];  /* entry with seq s in slot s % MS_DEDUP_RING */
    uint32_t next;          /* seq the next entry gets; seqs start at 1 */
    /* Newest entry per address hash (mod MS_DEDUP_HASHES): each entry links
     * to the one before it in its bucket, so a search walks only them. */
    uint32_t last[MS_DEDUP_HASHES];
} ms_dedup;

void ms_dedup_init(ms_dedup *d);

/* The last event of s was just appended from capture c (its stamp, its
 * rule's layer, its svc word). Marks it MS_OUT_DUPLICATE (and enriches the
 * counted event) when it repeats one. */
void ms_dedup_check(ms_dedup *d, ms_scan_events *s, const ms_capture *c);

#endif
