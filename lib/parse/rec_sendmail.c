/* rec_sendmail.c — sendmail (sendmail, sm-mta, sm-msp-queue tags).
 *
 * Failures: `AUTH failure (MECH): authentication failure (-13) SASL(-13):
 * …[, user=NAME], relay=host [ip]` (the user since 8.16; an older line
 * without `relay=` names no address and is left out), and `[ip]: possible
 * SMTP attack: command=AUTH, count=N` (N AUTH commands in one session: the
 * only trace of a brute force when LogLevel hides the AUTH failures; with
 * them it repeats one). Successes: `AUTH=server, relay=…, authid=NAME,
 * mech=…`. `ruleset=check_rcpt/check_mail/check_relay …, reject=` lines
 * are relay_denied (user: the rejected address). Sessions that tried
 * nothing (`did not issue MAIL/EXPN/VRFY/ETRN`, pre-greeting traffic, lost
 * input channel, `nrcpts=0` envelopes) are connect events.
 *
 * Every pattern is anchored at the program tag (and the queue id), so a
 * planted ` relay=[6.6.6.6]` cannot start a match. Where a client-chosen
 * name comes before the address (`user=`, `arg1=`), the address is the
 * `relay=` that ends the line, or arg1 must be one plain token. */
#include "parse/families.h"

/* `<mail.info> host ` is left in the body when a header was not split;
 * Solaris adds `[ID 801593 mail.notice] `. */
#define HEAD "^(?:<[\\w.]+> [\\w.-]+ )?(?:sendmail|sm-[\\w-]+)(?:\\[\\d+\\])?: " \
    "(?:\\[ID \\d+ [\\w.]+\\] )?(?:\\w{8,20}: )?"
#define IPCH "[0-9a-fA-F.:]+"
/* CurSmtpClient: `name [ip]`, `[ip]`, `[IPv6:…]`, maybe ` (may be forged)` */
#define ADDR(g) "(?:[^\\s\\[\\]]+ +)?\\[(?:IPv6:)?" g "\\](?: \\(may be forged\\))?"
#define RELAY ADDR("(?<ip>" IPCH ")")
#define RELAY_NOCAP ADDR(IPCH)
/* `…[, user=NAME], relay=CLIENT` at the end of the line: the last relay=
 * is the client, and the user is all between the first `, user=` and it. */
#define AUTH_TAIL "(?=.*, relay=" RELAY "\\s*$)" \
    "(?:.*?, user=(?<user>.*), relay=" RELAY_NOCAP "\\s*$)?"

static const ms_rule rules[] = {
    {"sendmail-auth-unknown-user", "AUTH failure (",
     HEAD "AUTH failure \\((?<method>[^)\\s]*)\\): user not found " AUTH_TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "unknown_user", 0},
    {"sendmail-auth-fail", "AUTH failure (",
     HEAD "AUTH failure \\((?<method>[^)\\s]*)\\): " AUTH_TAIL,
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "bad_password", 0},
    {"sendmail-auth-ok", "AUTH=server, relay=",
     HEAD "AUTH=server, relay=" RELAY ", authid=(?<user>.*), "
     "mech=(?<method>[^,\\s]+), bits=\\d+\\s*$",
     MS_OUT_AUTH_OK, MS_SVC_SMTP, MS_LAYER_FRONT, NULL, 0},
    {"sendmail-auth-flood", "possible SMTP attack: command=AUTH,",
     HEAD RELAY ": possible SMTP attack: command=AUTH, count=\\d+",
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_flood", 0},
    {"sendmail-smtp-attack", "possible SMTP attack: ",
     HEAD RELAY ": possible SMTP attack: command=\\w+, count=\\d+",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "command_flood", 0},
    {"sendmail-relay-denied", "Relaying ",
     HEAD "ruleset=check_rcpt, arg1=<?(?<user>[^\\s<>\",]*)>?, relay=" RELAY
     ", reject=[45]\\d\\d [45]\\.\\d+\\.\\d+ .*Relaying (?:temporarily )?denied",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "relay", 0},
    {"sendmail-reject-address", "ruleset=check_",
     HEAD "ruleset=check_(?:rcpt|mail), arg1=<?(?<user>[^\\s<>\",]*)>?, relay="
     RELAY ", reject=",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
    {"sendmail-reject", "ruleset=check_",
     HEAD "ruleset=check_\\w+(?:, arg\\d+=[^\\s,\"]*)*+, relay=" RELAY ", reject=",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
    {"sendmail-expn-vrfy", "[rejected]",
     HEAD RELAY ": (?i:expn|vrfy) (?<user>\\S*) \\[rejected\\]",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "expn_vrfy", 0},
    {"sendmail-pregreet", "pre-greeting traffic",
     HEAD "rejecting commands from +" RELAY " due to pre-greeting traffic",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "pregreet", 0},
    {"sendmail-no-command", " did not issue ",
     HEAD RELAY " did not issue \\S+ during connection to ",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "no_mail", 0},
    {"sendmail-lost-input", "lost input channel from ",
     HEAD "lost input channel from " RELAY " to \\S+ after \\w+",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "lost_connection", 0},
    /* An envelope no recipient was accepted for. */
    {"sendmail-no-rcpt", "nrcpts=0,",
     HEAD "from=<[^<>\"]*>, size=\\d+, class=-?\\d+, nrcpts=0, .*?relay=" RELAY
     "\\s*$",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "no_rcpt", 0},
};

static const char *const programs[] = {
    "sendmail", "sm-mta", "sm-msp-queue", "sm-acceptingconnections", NULL,
};

const ms_family ms_family_sendmail = {
    .source = "sendmail",
    .programs = programs,
    .rules = MS_RULES(rules),
};
