/* rec_imapd.c — small IMAP/POP3 servers, one family per daemon name:
 *   imapd, ipop3d   UW IMAP (c-client): `Login failed user=U [domain=D ]
 *                   auth=A host=NAME [IP]`, `AUTHENTICATE M failure host=…`,
 *                   `Authenticated user=…`, `Login user=…`, `… service
 *                   init from IP`;
 *   solid-pop3d     `authentication failed for user U - NAME (IP)`, `user U
 *                   authenticated - IP`, `connect from IP`;
 *   perdition       the proxy's `Auth: IP:port->IP:port … authentication_id=
 *                   "U" … status="…"` and `Connect:` lines;
 *   vm-pop3d        `User 'U' - failed auth, from=IP`.
 * Rows are anchored at the start of the message (HEAD, as in rec_sshd.c)
 * and user names, which the client chooses, are matched greedily up to a
 * suffix that must end the line, so the address is always the server's
 * own, last, field. */
#include "parse/families.h"

#define SYSLOG_HDR "(?:\\S+ )?(?:[\\w./-]+(?:\\[\\d+\\])?:|\\[[\\w.-]+\\]:?) "
#define RFC5424_HDR "\\S+ [\\w./-]+ \\S+ \\S+ " \
    "(?:-|(?:\\[(?:[^\\]\"]|\"(?:[^\"\\\\]|\\\\.)*\")*\\])+) "
#define HEAD "^(?:" SYSLOG_HDR "|" RFC5424_HDR ")"

#define IPC "(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:%[\\w.-]+)?)"
#define IP "(?<ip>" IPC ")"
#define END "\\s*$"

/* ---- UW imapd / ipop3d ------------------------------------------------- */

/* c-client's tcp_clienthost(): `name [ip]` or `[ip]`, cut at 80 bytes (a
 * cut one yields no address). */
#define UW_HOST "host=(?|(?:\\S+ )?\\[" IP "\\]|\\S*(?<ip>)|.*(?<ip>))"
/* cPanel's build logs the virtual domain after the user: `user=U
 * domain=(null) auth=A`. */
#define UW_DOMAIN "(?: domain=\\S*)?"
#define UW_FAIL(word) \
    HEAD "Login " word " user=(?<user>.*?)" UW_DOMAIN " auth=.* " UW_HOST END

static const ms_rule uw_rules[] = {
    {"uw-login-failed", "Login failed user=",
     UW_FAIL("failed"),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "bad_password", 0},
    {"uw-login-refused",
     "Login excessive login failures \nLogin disabled \nLogin SYSTEM BREAK-IN ATTEMPT ",
     UW_FAIL("(?:excessive login failures|disabled|SYSTEM BREAK-IN ATTEMPT)"),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "refused", 0},
    {"uw-override-failed", " override of user=",
     HEAD "Failed .* override of user=(?<user>.*?) +" UW_HOST END,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "override_denied", 0},
    {"uw-authenticate-failure", "AUTHENTICATE ",
     HEAD "AUTHENTICATE (?<method>\\S+) failure " UW_HOST END,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "bad_password", 0},
    {"uw-login-ok", "Login user=\nAuth user=\nAPOP user=\nAuthenticated user=",
     HEAD "(?:(?:Admin )?Login|Auth|APOP|Authenticated) "
     "user=(?<user>\\S*)" UW_DOMAIN " " UW_HOST
     "(?: mech=(?<method>\\S+)| nmsgs=\\d+/\\d+| no mailbox)?" END,
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    {"uw-service-init", "service init from ",
     HEAD "(?:port )?(?<svc>\\S+)(?: SSL)? service init from " IP END,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "connection", 0},
    {"uw-authenticate-invalid", "AUTHENTICATE ",
     HEAD "AUTHENTICATE (?<method>\\S+) invalid " UW_HOST END,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "bad_mechanism", 0},
    {"uw-preauth-error", " before authentication host=",
     HEAD "(?:Line too long|Null command|Missing command) before authentication "
     UW_HOST END,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "protocol_error", 0},
};

/* ---- solid-pop3d --------------------------------------------------------- */

/* ` - NAME (IP)` or ` - IP`, always last (LOG_EXTEND). */
#define SOLID_FROM " - (?|\\S+ \\(" IP "\\)|" IP ")" END

static const ms_rule solid_rules[] = {
    {"solid-unknown-user", "authentication failed: ",
     HEAD "authentication failed: (?:no such user|can't map user name): "
     "(?<user>.*)" SOLID_FROM,
     MS_OUT_AUTH_FAIL, MS_SVC_POP3, MS_LAYER_FRONT, "unknown_user", 0},
    {"solid-auth-failed", "authentication failed for ",
     HEAD "(?:(?<method>APOP) )?authentication failed for (?:mapped )?user "
     "(?<user>.*)" SOLID_FROM,
     MS_OUT_AUTH_FAIL, MS_SVC_POP3, MS_LAYER_FRONT, "bad_password", 0},
    {"solid-no-apop-secret", "can't find APOP secret for user ",
     HEAD "can't find (?<method>APOP) secret for user (?<user>.*)" SOLID_FROM,
     MS_OUT_AUTH_FAIL, MS_SVC_POP3, MS_LAYER_FRONT, "no_apop_secret", 0},
    {"solid-root-refused", "root login not allowed",
     HEAD "root login not allowed" SOLID_FROM,
     MS_OUT_AUTH_FAIL, MS_SVC_POP3, MS_LAYER_FRONT, "root_refused", 0},
    {"solid-auth-ok", " authenticated - ",
     HEAD "(?:mapped )?user (?<user>.*) authenticated" SOLID_FROM,
     MS_OUT_AUTH_OK, MS_SVC_POP3, MS_LAYER_FRONT, NULL, 0},
    {"solid-connect", "connect from ",
     HEAD "connect from (?|\\S+ \\(" IP "\\)|" IP ")" END,
     MS_OUT_CONNECT, MS_SVC_POP3, MS_LAYER_FRONT, "connection", 0},
};

/* ---- perdition ------------------------------------------------------------ */

/* ` IP:port->IP:port` (getnameinfo numeric; IPv6 unbracketed, so the
 * address is all up to the last `:port`). */
#define PERD_FROM "\\[?" IP "\\]?:\\d+->\\S+"
/* perdition_log_auth(): the client's id is quoted raw, so it is matched
 * greedily up to the fixed fields that end the line. */
#define PERD_AUTH(status) HEAD "Auth: " PERD_FROM " client-secure=\\S+ " \
    "authorisation_id=.*? authentication_id=\"(?<user>.*)\"(?: passwd=\".*\")? " \
    "server=\"[^\"]*\" protocol=(?<svc>\\S+) server-secure=\\S+ status=\"" \
    status "\"" END

static const ms_rule perdition_rules[] = {
    {"perdition-auth-failed", "status=\"failed: ",
     PERD_AUTH("failed: (?:local authentication failure|"
               "Re-Authentication Failure)"),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "bad_password", 0},
    {"perdition-auth-error", "status=\"failed: ",
     PERD_AUTH("failed: (?<reason>[^\"]*)"),
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    {"perdition-auth-ok", "status=\"ok\"",
     PERD_AUTH("ok"),
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    {"perdition-no-auth", "authentication information from client ",
     HEAD "Fatal Error(?:: Timeout)? reading authentication information from "
     "client " PERD_FROM,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "no_auth", 0},
    {"perdition-connect", "Connect: ",
     HEAD "Connect: " PERD_FROM,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "connection", 0},
};

/* ---- vm-pop3d ------------------------------------------------------------- */

static const ms_rule vmpop3d_rules[] = {
    {"vmpop3d-auth-failed", "' - failed auth, from=",
     HEAD "User '(?<user>.*)' - failed auth, from=" IP END,
     MS_OUT_AUTH_FAIL, MS_SVC_POP3, MS_LAYER_FRONT, "bad_password", 0},
    {"vmpop3d-no-auth", "Session ended for no user from ",
     HEAD "Session ended for no user from " IP END,
     MS_OUT_CONNECT, MS_SVC_POP3, MS_LAYER_FRONT, "no_auth", 0},
};

static const char *const imapd_programs[] = {"imapd", NULL};
static const char *const ipop3d_programs[] = {"ipop3d", "ipop2d", NULL};
static const char *const solid_programs[] = {"solid-pop3d", NULL};
static const char *const perdition_programs[] = {
    "perdition", "perdition.imap4", "perdition.imap4s", "perdition.imaps",
    "perdition.pop3", "perdition.pop3s", "perdition.managesieve", NULL,
};
static const char *const vmpop3d_programs[] = {"vm-pop3d", NULL};

const ms_family ms_family_imapd = {
    .source = "imapd",
    .programs = imapd_programs,
    .rules = MS_RULES(uw_rules),
};

const ms_family ms_family_ipop3d = {
    .source = "ipop3d",
    .programs = ipop3d_programs,
    .rules = MS_RULES(uw_rules),
};

const ms_family ms_family_solid_pop3d = {
    .source = "solid-pop3d",
    .programs = solid_programs,
    .rules = MS_RULES(solid_rules),
};

const ms_family ms_family_perdition = {
    .source = "perdition",
    .programs = perdition_programs,
    .rules = MS_RULES(perdition_rules),
};

const ms_family ms_family_vm_pop3d = {
    .source = "vm-pop3d",
    .programs = vmpop3d_programs,
    .rules = MS_RULES(vmpop3d_rules),
};
