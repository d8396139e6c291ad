/* dedup.h — one attempt logged by two parts of a server is counted once.
 *
 * dovecot's auth worker, PAM and the login process may each log the same
 * failed attempt; so may pam_unix and sshd. A failure is a duplicate when an
 * earlier failure of a different layer (rule.h) has the same ip, the same
 * user (or one of the two names is empty) and lies at most MS_DEDUP_WINDOW
 * seconds before it. The earlier line stays the counted event (it is the
 * per-attempt record) and takes from the later one what it lacked: service,
 * method, user. One counted event absorbs at most one line of each other
 * layer per attempt the later line reports. */
#ifndef MS_DEDUP_H
#define MS_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "parse/record.h"
#include "parse/scan_events.h"

#define MS_DEDUP_WINDOW 300
#define MS_DEDUP_RING 256

#define MS_DEDUP_HASHES 1024

typedef struct ms_dedup {
    struct {
        size_t idx;
        int64_t secs;
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

/* The last event of s was just appended, with its stamp and layer. Marks
 * it MS_OUT_DUPLICATE (and enriches the counted event) when it repeats
 * one. */
void ms_dedup_check(ms_dedup *d, ms_scan_events *s, const ms_stamp *ts,
                    uint8_t layer);

#endif
