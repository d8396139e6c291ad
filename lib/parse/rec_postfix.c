/* rec_postfix.c — postfix smtpd and postscreen.
 *
 * smtpd logs a failed SASL login as one `warning: name[ip]: SASL LOGIN
 * authentication failed: …` line (postfix 3.x appends `, sasl_username=`),
 * a successful one on the queue-id line `client=name[ip], sasl_method=…,
 * sasl_username=…`, and every policy rejection as `reject: RCPT from
 * name[ip]: 554 …` (relay_denied; the user is the recipient `to=<…>`).
 * Lines that show a client misbehaving without an authentication verdict
 * (pipelining, too many errors, lost connection, postscreen's PREGREET…)
 * are `connect` events. `lost connection after AUTH` is one of them: the
 * attempt itself, when it was judged, has its own SASL line, and fail2ban
 * too leaves it out to avoid counting the attempt twice.
 *
 * Every pattern is anchored at the program tag (`postfix/smtpd[pid]: `,
 * `postfix-in/submission/smtpd: `…), so text a client planted in a name or
 * an address later in the line can never be read as the line's own start.
 * The client address is the first `[ip]` after the tag: postfix prints
 * only verified host names there (no spaces, no brackets). The service is
 * the tag's path: submission when it says so, else smtp. */
#include "parse/families.h"

/* `<mail.info> host ` is left in the body when a header was not split. */
#define PRE "^(?:<[\\w.]+> [\\w.-]+ )?"
#define TAGNAME(p) "(?:[\\w.-]+/)*" p "(?:\\[\\d+\\])?: "
#define SMTPD PRE "(?<svc>" TAGNAME("smtpd") ")"
#define SMTPD_NOSVC PRE TAGNAME("smtpd")
#define SCREEN PRE "(?<svc>" TAGNAME("postscreen") ")"
#define ANYD PRE "(?<svc>" TAGNAME("(?:smtpd|postscreen)") ")"
#define QID "(?:NOQUEUE|[0-9A-Za-z]+): "
#define IP "(?<ip>[0-9a-fA-F.:]+)"
/* name[ip] or name[ip]:port; postscreen has no name: [ip]:port */
#define CLIENT "[^\\s\\[\\]]*\\[" IP "\\](?::\\d+)?"
#define SASL_HEAD SMTPD "warning: " CLIENT ": SASL (?<method>[\\w-]+) authentication "
#define AFTER(what) SMTPD "(?:" QID ")?" what " after [\\w-]+(?: \\(\\d+ bytes\\))? from " CLIENT

static const ms_rule rules[] = {
    /* The server, not the client, failed: no verdict on the password. */
    {"postfix-sasl-noverdict",
     "failed: Connection lost to authentication server\nfailed: Invalid authentication mechanism",
     SASL_HEAD "failed: (?:Connection lost to authentication server"
     "|Invalid authentication mechanism)",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "no_verdict", 0},
    {"postfix-sasl-aborted", "authentication aborted",
     SASL_HEAD "aborted",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_aborted", 0},
    {"postfix-sasl-fail", "authentication failed",
     SASL_HEAD "failed(?::.*?, sasl_username=(?<user>.*?)\\s*$)?",
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_failed", 0},
    {"postfix-sasl-ok", "sasl_username=",
     SMTPD QID "client=" CLIENT ", sasl_method=(?<method>[^,\\s]*), "
     "sasl_username=(?<user>[^,]*?)\\s*(?:,|$)",
     MS_OUT_AUTH_OK, MS_SVC_SMTP, MS_LAYER_FRONT, NULL, 0},
    /* postscreen turns a client away before any test: its own
     * concurrency limit, or no free smtpd (the server's load). */
    {"postscreen-conn-limit", ": too many connections",
     SCREEN "(?:" QID ")?reject: CONNECT from " CLIENT ": too many connections",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "rate_limit", 0},
    {"postscreen-busy", " ports busy",
     SCREEN "(?:" QID ")?reject: (?:CONNECT|connect) from " CLIENT
     ": all (?:server|screening) ports busy",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "server_busy", 0},
    {"postfix-reject-relay", "Relay access denied",
     ANYD QID "(?:milter-)?reject: [A-Z]+ from " CLIENT ": [45]\\d\\d [45]\\.\\d+\\.\\d+ "
     "(?:<[^>\\s]*>: )?Relay access denied"
     "(?:.*?; from=<[^>\\s]*>,? to=<(?<user>[^>\\s]*)>)?",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "relay", 0},
    {"postfix-reject", "reject: ",
     ANYD QID "(?:milter-)?reject: [A-Z]+ from " CLIENT ": [45]\\d\\d "
     "(?:.*?; from=<[^>\\s]*>,? to=<(?<user>[^>\\s]*)>)?",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
    {"postfix-bad-address", "Illegal address syntax from ",
     SMTPD "warning: Illegal address syntax from " CLIENT " in [A-Z]+ command",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "bad_address", 0},
    {"postfix-pipelining", "improper command pipelining after ",
     AFTER("improper command pipelining"),
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "pipelining", 0},
    {"postfix-too-many-errors", "too many errors after ",
     AFTER("too many errors"),
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "too_many_errors", 0},
    {"postfix-lost-connection", "lost connection after ",
     AFTER("lost connection"),
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "lost_connection", 0},
    {"postfix-timeout", "timeout after ",
     AFTER("timeout"),
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "timeout", 0},
    /* The session summary: auth=0/N, N attempts and none succeeded. The
     * attempts have their own SASL lines, so this is no second failure. */
    {"postfix-disconnect-authfail", " auth=0/",
     SMTPD "disconnect from " CLIENT "(?: (?!auth=)[a-z]+=\\d+(?:/\\d+)?)*+ auth=0/[1-9]",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_failed_session", 0},
    {"postfix-non-smtp", "non-SMTP command from ",
     SMTPD "warning: non-SMTP command from " CLIENT,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "non_smtp", 0},
    {"postfix-ssl-error", "SSL_accept error from ",
     SMTPD "SSL_accept error from " CLIENT,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "tls_error", 0},
    {"postfix-dns-mismatch", "does not resolve to address ",
     SMTPD "warning: hostname \\S+ does not resolve to address "
     "(?<ip>[0-9a-fA-F.:]*[0-9a-fA-F])",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "dns_mismatch", 0},
    {"postfix-rate-limit", " limit exceeded: ",
     SMTPD_NOSVC "warning: [\\w -]{1,40}? limit exceeded: \\d+ from " CLIENT
     " for service (?<svc>[\\w.-]+)",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "rate_limit", 0},
    {"postscreen-dnsbl", "DNSBL rank ",
     SCREEN "DNSBL rank \\d+ for " CLIENT,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "dnsbl", 0},
    {"postscreen-violation", "PREGREET \nHANGUP after \nCOMMAND \nBARE NEWLINE",
     SCREEN "(?:PREGREET \\d+ after \\S+|HANGUP after \\S+"
     "|COMMAND (?:TIME|COUNT|LENGTH) LIMIT|COMMAND PIPELINING|BARE NEWLINE"
     "|NON-SMTP COMMAND) from " CLIENT,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "protocol_violation", 0},
};

static const char *const programs[] = {
    "smtpd", "postscreen", "postfix", NULL,
};

const ms_family ms_family_postfix = {
    .source = "postfix",
    .programs = programs,
    .rules = MS_RULES(rules),
};
