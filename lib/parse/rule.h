/* rule.h — how a recogniser is written: one table row per log line shape.
 *
 * A family groups the rows of one daemon, with the program tags that daemon
 * logs under. A row says: the literal the line body must contain (a cheap
 * prefilter; "a\nb" means a or b, at most four, since no line holds a
 * newline), a PCRE2 pattern with named groups, and the outcome.
 * Named groups the engine reads (all optional):
 *   ip, user, method, svc (any word naming the service: "imap-login",
 *   "vchkpw-pop3", a port), session, attempts, reason, and for stateful
 *   families pid and status.
 * A family that must join lines (tcpserver: pid <-> ip) supplies a state and
 * a hook that sees every match of its rows and decides what is emitted. */
#ifndef MS_RULE_H
#define MS_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "parse/record.h"

/* Which part of a daemon logged the attempt. Two lines of different layers
 * of one daemon and service about the same ip and user seconds apart are
 * one attempt (see dedup.h). */
typedef enum ms_layer {
    MS_LAYER_FRONT = 0,   /* the protocol server (login process, smtpd, sshd) */
    MS_LAYER_AUTHDB,      /* the password database (dovecot auth worker) */
    MS_LAYER_PAM,         /* the PAM module (pam_unix) */
} ms_layer;

typedef struct ms_rule {
    const char *name;       /* shown by `explain`, e.g. "dovecot-login-fail" */
    const char *literal;    /* the body must contain it (or one of its
                               '\n'-separated alternatives); NULL: none */
    const char *pattern;    /* PCRE2, searched (unanchored) in the body */
    uint8_t outcome;        /* ms_outcome; MS_OUT_NONE: state only */
    uint8_t service;        /* ms_service when the line does not say */
    uint8_t layer;          /* ms_layer */
    const char *reason;     /* reason when no (?<reason>) group */
    int tag;                /* family-specific meaning, for the hook */
} ms_rule;

typedef struct ms_capture {
    const ms_rule *rule;
    ms_stamp ts;            /* time of the event (a hook may carry one over) */
    ms_event ev;            /* from the groups; strings point into the line,
                               ev.time is left for the scanner to set */
    ms_str pid, status, svc;
} ms_capture;

typedef struct ms_family {
    const char *source;              /* "dovecot": the event's source */
    const char *const *programs;     /* program tags, NULL-terminated */
    const ms_rule *rules;
    size_t nrules;
    /* Optional state for families that join lines. */
    void *(*state_new)(void);
    void (*state_free)(void *st);
    /* Sees each match of this family; returns 1 if *c (possibly changed) is
     * to be emitted, 0 if not. */
    int (*hook)(void *st, ms_capture *c);
    /* At end of input: 1 and an event in *c while anything is pending. */
    int (*flush)(void *st, ms_capture *c);
} ms_family;

#endif
