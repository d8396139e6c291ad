/* rec_vpopmail.c — vpopmail's vchkpw (qmail POP3/IMAP/SMTP-AUTH checker).
 *
 * vchkpw logs through syslog as `vpopmail[pid]: vchkpw-SERVICE: …` (SERVICE
 * is pop3, pop3s, imap, imaps, smtp, smtps, submission, webmail or the local
 * port number), or bare `vchkpw-SERVICE: …` in a multilog file. Every line
 * ends in `NAME:IP` where NAME is what the client typed (`user@domain`,
 * `user@` when no domain was given, or a bare name) — attacker-chosen, so
 * it may hold ':' and addresses. vchkpw rewrites every ':' of the address
 * itself to '_' (and drops a leading `::ffff:`), so the address is what
 * follows the LAST ':' when that runs to the end of the line: the tail
 * pattern below only accepts an address that reaches the end, which leaves
 * exactly one place to split. A mangled IPv6 address (`2001_db8__1`) is
 * caught in the `status` group and rebuilt by the hook.
 * With ENABLE_LOGGING 3/4 a failure carries `(pass: '…')`: it is matched up
 * to the last `') ` so that no part of it can reach the user field. */
#include "parse/families.h"

#include <string.h>

/* From the tag on; a host word first when the tag was too broken to be
 * split off (`srv vpopmail[18917: vchkpw-smtp: …`). */
#define HEAD "^(?:[^\\s:]+ )?(?:[^\\s:]+: )?vchkpw(?:-(?<svc>[\\w-]+))?:? "
#define TAIL "(?<user>.*?)@?:(?:::ffff:)?(?:(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3})" \
             "|(?<status>[0-9a-fA-F_]{0,40}_[0-9a-fA-F_]{0,40}))\\s*$"
#define PASS "(?:\\(pass: '.*'\\) |(?!\\(pass: ))"

static const ms_rule rules[] = {
    {"vpopmail-password-fail", "password fail",
     HEAD "(?:system )?password fail " PASS TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "bad_password", 0},
    {"vpopmail-unknown-user", " not found",
     HEAD "(?:vpopmail|system) user (?:shadow entry )?not found " TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "unknown_user", 0},
    {"vpopmail-null-password", "null password given",
     HEAD "null password given " TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "null_password", 0},
    {"vpopmail-null-user", "null user name given",
     HEAD "null user name given " TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "null_user", 0},
    {"vpopmail-invalid-user", "invalid user/domain characters",
     HEAD "invalid user/domain characters " TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "invalid_user", 0},
    /* The password was right but the account may not use this service. */
    {"vpopmail-access-denied", "access denied",
     HEAD "\\w+ access denied " TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "access_denied", 0},
    {"vpopmail-login-ok", "login success",
     HEAD "(?:\\((?<method>[\\w-]+)\\) |system password )login success " TAIL,
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
};

/* The service comes from the vchkpw-SERVICE word alone: the engine's
 * fallback, the program tag, would read "vpopmail" as pop3. vchkpw writes
 * an IPv6 address with '_' for ':'; put the colons back. */
static int hook(void *st, ms_capture *c)
{
    (void)st;
    c->ev.service = ms_service_guess(c->svc.p, c->svc.n);
    if (c->status.n > 0 && c->status.n < MS_IP_STRLEN) {
        char buf[MS_IP_STRLEN];
        for (uint32_t i = 0; i < c->status.n; i++)
            buf[i] = c->status.p[i] == '_' ? ':' : c->status.p[i];
        if (!ms_ip_parse(buf, c->status.n, &c->ev.ip))
            memset(&c->ev.ip, 0, sizeof c->ev.ip);
    }
    c->status.p = "";
    c->status.n = 0;
    return 1;
}

static const char *const programs[] = {
    "vpopmail", "vchkpw", "vchkpw-pop3", "vchkpw-pop3s", "vchkpw-imap",
    "vchkpw-imaps", "vchkpw-smtp", "vchkpw-smtps", "vchkpw-submission",
    "vchkpw-webmail", NULL,
};

const ms_family ms_family_vpopmail = {
    .source = "vpopmail",
    .programs = programs,
    .rules = MS_RULES(rules),
    .hook = hook,
};
