/* event.h — the authentication event, the unit every stage exchanges.
 *
 * One event is one login attempt (or a connection, or a relay rejection) as
 * one log line recorded it. Strings point into the arena of the batch that
 * holds the event. The vocabularies below are the output contract's
 * (docs/OUTPUTS.md): their names are printed, their numbers are internal. */
#ifndef MS_EVENT_H
#define MS_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ip.h"
#include "core/timeconv.h"

typedef enum ms_outcome {
    MS_OUT_NONE = 0,      /* not an event (state-only line) */
    MS_OUT_AUTH_FAIL,
    MS_OUT_AUTH_OK,
    MS_OUT_RELAY_DENIED,
    MS_OUT_CONNECT,
    MS_OUT_DUPLICATE,     /* another line's record of an attempt already counted */
    MS_OUT__COUNT
} ms_outcome;

typedef enum ms_service {
    MS_SVC_UNKNOWN = 0,
    MS_SVC_IMAP,
    MS_SVC_POP3,
    MS_SVC_SMTP,
    MS_SVC_SUBMISSION,
    MS_SVC_SIEVE,
    MS_SVC_SSH,
    MS_SVC__COUNT
} ms_service;

const char *ms_outcome_name(ms_outcome o);
const char *ms_service_name(ms_service s);
/* Parse a printed name back; -1 if unknown. */
int ms_outcome_parse(const char *s, size_t n);
int ms_service_parse(const char *s, size_t n);
/* The service a daemon's word names ("imap-login", "vchkpw-pop3", "pop3s",
 * "esmtp", a port number such as "995"...); MS_SVC_UNKNOWN when none. */
ms_service ms_service_guess(const char *s, size_t n);

typedef struct ms_str {
    const char *p;
    uint32_t n;
} ms_str;

typedef struct ms_event {
    ms_time time;         /* UTC; MS_TIME_NONE when the line had no stamp */
    ms_ip ip;
    uint8_t outcome, service;
    uint16_t attempts;    /* attempts the line reports (dovecot "3 attempts"), >= 1 */
    uint32_t file;        /* index of the source file */
    uint64_t line;        /* 1-based line in the (decompressed) file */
    const char *source;   /* daemon that wrote the line: static string */
    ms_str user, method, reason, session, host;
    int64_t dup_of;       /* for MS_OUT_DUPLICATE: line of the counted event */
} ms_event;

#endif
