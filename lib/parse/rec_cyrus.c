/* rec_cyrus.c — Cyrus IMAP: imapd, pop3d and timsieved (sieve).
 *
 * Cyrus logs under tags such as `cyrus/imap[5355]`, `imaps`, `pop3`,
 * `imapd`, `cyrus/timsieved`, `sieve` (looked up by the part after the last
 * '/'). The client is `hostname [ADDR]`, `[ADDR]` or, from timsieved,
 * `hostname[ADDR]`; hostname is a reverse-DNS name, so it may not hold
 * spaces or brackets here and the address is the first bracket after it.
 *   badlogin: CLIENT plaintext USER SASL(-13): authentication failure: …
 *   badlogin: CLIENT plaintext USER invalid user
 *   badlogin: CLIENT MECH [SASL(-13): user not found: …]   (AUTHENTICATE)
 *   badlogin: CLIENT PLAIN authentication failure          (timsieved)
 *   login: CLIENT USER MECH[+TLS] User logged in SESSIONID=<…>
 * Cyrus 3.12 and later write logfmt instead: `event=login.bad
 * r.clienthost="host [ADDR]" u.username=USER login.mech=PLAIN error=…` and
 * `event=login.good …` (the anonymous login's `login.password` is never
 * read). Patterns start at the program tag. */
#include "parse/families.h"

/* The tag; a host word before it when the header parser could not split
 * it off. */
#define PFX "^(?:[^\\s:]+ )?[^\\s:]+: "
#define CLIENT "(?:[^\\s\\[\\]\"]+ ?)?\\[(?<ip>[0-9a-fA-F.:]+)\\]"
#define LF_CLIENT "(?:(?:sessionid|r\\.tid)=\\S++ ){0,4}r\\.clienthost=\"?" CLIENT "\"?"
#define LF_USER "(?: u\\.username=(?|\"(?<user>[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"|(?<user>[^\\s\"]*)))?"
#define LF_MECH "(?: login\\.mech=\"?(?<method>[\\w+-]+))?"

static const ms_rule rules[] = {
    {"cyrus-badlogin-unknown-user", "badlogin: ",
     PFX "badlogin: " CLIENT " (?<method>plaintext\\S*) (?<user>\\S+) "
     "(?:SASL\\(-?\\d+\\): user not found|invalid user\\s*$)",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "unknown_user", 0},
    {"cyrus-badlogin-user", "badlogin: ",
     PFX "badlogin: " CLIENT " (?<method>plaintext\\S*) (?<user>\\S+)",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "auth_failed", 0},
    {"cyrus-badlogin-sasl-unknown-user", "user not found",
     PFX "badlogin: " CLIENT " (?<method>[\\w+-]+) \\[?SASL\\(-?\\d+\\): user not found"
     "(?:: user: (?<user>\\S+) property:)?",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "unknown_user", 0},
    {"cyrus-badlogin", "badlogin: ",
     PFX "badlogin: " CLIENT "(?: (?<method>[\\w+-]+))?",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "auth_failed", 0},
    {"cyrus-login-ok", "User logged in",
     PFX "login: " CLIENT " (?<user>\\S+) (?<method>[\\w+-]{1,40}) User logged in",
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    {"cyrus-logfmt-bad", "event=login.bad ",
     PFX "event=login\\.bad " LF_CLIENT LF_USER LF_MECH,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "auth_failed", 0},
    {"cyrus-logfmt-good", "event=login.good ",
     PFX "event=login\\.good " LF_CLIENT LF_USER LF_MECH,
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
};

static const char *const programs[] = {
    "imap", "imaps", "imapd", "pop3", "pop3s", "pop3d", "sieve", "sieved",
    "timsieved", "cyrus", "cyrus-imapd", "cyrmaster", NULL,
};

const ms_family ms_family_cyrus = {
    .source = "cyrus",
    .programs = programs,
    .rules = MS_RULES(rules),
};
