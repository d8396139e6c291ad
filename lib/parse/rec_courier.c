/* rec_courier.c — Courier-IMAP (imapd, pop3d, their -ssl and *login forms)
 * and Courier's ESMTP server (courieresmtpd).
 *
 * The IMAP/POP3 servers log `LOGIN FAILED, user=NAME, ip=[ADDR]` (or
 * `method=MECH, ` for SASL, older ones no name at all, newer ones a trailing
 * `, port=[N]`) and `LOGIN, user=NAME, ip=[ADDR], port=[N], protocol=IMAP`.
 * NAME is the client's and may hold `, ip=[…]`: the user group is greedy,
 * so the address is the LAST ` ip=[…]`, the one the server appended.
 * Addresses come as `::ffff:a.b.c.d` (some builds print `::ffff::a.b.c.d`).
 * courieresmtpd logs rejected commands as `error,relay=ADDR,…`: `msg="535
 * …",cmd: AUTH MECH …` is a failed SMTP AUTH (the base64 after the
 * mechanism may hold the credentials: it is never captured), and
 * `…to=<rcpt>: 5xx …` a rejected recipient, a relay_denied event whose user
 * is the recipient. Patterns start at the program tag, so text the client
 * put further into a line cannot pose as one of these lines. */
#include "parse/families.h"

/* The tag; a host word before it when the header parser could not split
 * it off (`Oct  8 19:10:30 (none) imapd-ssl: …`). */
#define PFX "^(?:[^\\s:]+ )?[^\\s:]+: (?:INFO: )?"
#define CIP "(?:::ffff::?)?(?<ip>[0-9a-fA-F.:]+)"
#define RELAY PFX "error,relay=" CIP ",(?:port=\\d+,)?(?:ident=[^,]*,)?"

static const ms_rule rules[] = {
    {"courier-login-fail", "LOGIN FAILED, ",
     PFX "LOGIN FAILED, (?:method=(?<method>[\\w-]*), )?(?:user=(?<user>.*), )?"
     "ip=\\[" CIP "\\](?:, \\w+=[^,]*+)*+\\s*$",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "auth_failed", 0},
    {"courier-login-ok", "LOGIN, user=",
     PFX "LOGIN, user=(?<user>.*), ip=\\[" CIP "\\](?:, port=\\[\\d*\\])?"
     "(?:, protocol=(?<svc>\\w+))?\\s*$",
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    {"courier-connection-limit", "connection limit",
     PFX "Maximum connection limit reached for " CIP "\\s*$",
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "connection_limit", 0},
    {"courieresmtpd-auth-fail", "msg=\"535 ",
     RELAY "msg=\"535 [^\"]*\",cmd:(?: AUTH (?<method>[\\w-]+))?",
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_failed", 0},
    {"courieresmtpd-unknown-rcpt", "error,relay=",
     RELAY "(?:from=<.*?>,)?to=<(?<user>[^>]*)>: 5\\d\\d User (?:<.*> )?unknown",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "unknown_recipient", 0},
    {"courieresmtpd-relay-denied", "error,relay=",
     RELAY "(?:from=<.*?>,)?to=<(?<user>[^>]*)>: 5\\d\\d Relaying denied",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "relay_denied", 0},
    {"courieresmtpd-reject", "error,relay=",
     RELAY "(?:from=<.*?>)?(?:,?to=<(?<user>[^>]*)>)?: 5\\d\\d ",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
};

static const char *const programs[] = {
    "imapd", "imapd-ssl", "pop3d", "pop3d-ssl", "imaplogin", "pop3login",
    "courierimapd", "courierpop3d", "courierimaplogin", "courierpop3login",
    "courier-imap", "courier-imapd", "courier-pop3", "courier-pop3d",
    "courieresmtpd", "couriertcpd", "courier", NULL,
};

const ms_family ms_family_courier = {
    .source = "courier",
    .programs = programs,
    .rules = MS_RULES(rules),
};
