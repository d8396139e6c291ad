/* rec_exim.c — exim's main log (no program tag) and exim under syslog.
 *
 * Failures: `NAME authenticator failed for host (helo) [ip]:port: 535
 * Incorrect authentication data (set_id=user)` (4.99 and later: `for
 * H=host …`, and a 435 `(set_id=user): why` when the server could not
 * check). Successes: the `<=` line of
 * a message sent by an authenticated client carries `A=authenticator:user`
 * (so does `no MAIL in SMTP connection … A=…`, a login that sent nothing).
 * Rejections (`rejected RCPT`, `sender verify fail`, `rejected after DATA`,
 * ACL drops) are relay_denied; for RCPT the user is the recipient, for a
 * sender verification the sender (crowdsec's convention). Protocol abuse
 * (synchronization errors, AUTH when not advertised, too many bad commands,
 * no MAIL) gives connect events.
 *
 * exim's own log has no program tag, so its lines are offered to every
 * family; and sender, recipient, helo and command text are the client's.
 * Every pattern is therefore anchored at the start of the message (after
 * the optional `exim[pid]: `, inner time stamp, `[pid]` and message id),
 * and the host is read with exim's grammar `H=name (helo) [ip]:port`
 * where helo holds no space: a line that does not fit gives no event
 * rather than an address taken from planted text. The local port of
 * `I=[addr]:port` names the service (587/465: submission). */
#include "parse/families.h"

/* [exim[pid]: ][inner stamp ][log_timezone offset ][[pid] ] */
#define HEAD "^(?:<[\\w.]+> )?(?:(?:[\\w.-]+ )?exim\\w*(?:\\[\\d+\\])?: )?" \
    "(?:\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? )?(?:[-+]\\d{4} )?" \
    "(?:\\[\\d+\\] )?"
#define MSGID "(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} )?"
#define IPCH "[0-9a-fA-F.:]+"
/* host_and_ident(): [name ][(helo) ][ip][:port][ U=ident][ I=[ip]:port] */
#define HOST "(?:[\\w.-]+ )?(?:\\([^()\\s]*\\) )?\\[(?<ip>" IPCH ")\\](?::\\d+)?" \
    "(?: U=\\S+)?(?: I=\\[" IPCH "\\](?::(?<svc>\\d+))?)?"
/* Further NAME=value fields. A value is "quoted" (T= escapes \" inside),
 * <bracketed> or a plain word; each field starts with a space, so there is
 * little to backtrack. */
#define VAL "(?:\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|<[^<>]*>|[^\\s\"<]\\S*|)"
#define FIELDS "(?: [A-Za-z]+=" VAL ")*"
/* Before A=: a <= line logs A= before S=, and the message id and
 * subject, which the client wrote, after it. Bare flags come between the
 * fields (`L.`, `L*-`: pipelining; `TFO*`; `DS`). */
#define FIELDS_NOT_A \
    "(?: (?:(?!A=|S=)[A-Za-z]+=" VAL "|[A-Z]+[.*-]{0,2}(?= )))*"
/* A sender before H= (local_scan lines) must be one plain word. */
#define FROM "(?:F=(?:<[^<>\"\\s]*>|[^<>\"\\s]+) )?"
/* `(set_id=NAME)` ends the line; NAME may hold anything, even `)`. */
#define SET_ID "(?:(?:[^(]|\\((?!set_id=))*+\\(set_id=(?<user>.*)\\)\\s*$)?"
/* A 435 says why after it: `(set_id=NAME): why`. */
#define SET_ID_WHY \
    "(?:(?:[^(]|\\((?!set_id=))*+\\(set_id=(?<user>.*?)\\)(?:: |\\s*$))?"
/* host_and_ident(): exim 4.99 flags the host `H=`. */
#define AUTH_FAILED HEAD MSGID \
    "(?<method>[\\w-]+) authenticator failed for (?:H=)?" HOST FIELDS
/* The recipient, <bracketed> or bare. */
#define RCPT "(?|<(?<user>[^<>\\s]*)>|(?<user>[^<>\\s]*?))"
#define AUTH_ID "A=(?<method>[\\w-]+)(?::(?<user>\\S+?)(?::\\S*)?)?(?= |$)"

static const ms_rule rules[] = {
    {"exim-auth-fail", "authenticator failed for ",
     AUTH_FAILED ": 535\\b" SET_ID,
     MS_OUT_AUTH_FAIL, MS_SVC_SMTP, MS_LAYER_FRONT, "auth_failed", 0},
    /* 435 "Unable to authenticate at present": the server's trouble. */
    {"exim-auth-tempfail", "authenticator failed for ",
     AUTH_FAILED ": [0-9]{3}\\b" SET_ID_WHY,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "no_verdict", 0},
    {"exim-auth-ok", " A=",
     HEAD MSGID "[<(]= (?:<>|[^\\s\"<>]\\S*) (?:R=\\S+ )?(?:DS )?H=" HOST
     FIELDS_NOT_A " " AUTH_ID,
     MS_OUT_AUTH_OK, MS_SVC_SMTP, MS_LAYER_FRONT, NULL, 0},
    {"exim-nomail-auth-ok", "no MAIL in ",
     HEAD MSGID "no MAIL in (?:TFO\\*? )?SMTP connection from " HOST
     FIELDS_NOT_A " " AUTH_ID,
     MS_OUT_AUTH_OK, MS_SVC_SMTP, MS_LAYER_FRONT, NULL, 0},
    {"exim-nomail", "no MAIL in ",
     HEAD MSGID "no MAIL in (?:TFO\\*? )?SMTP connection from " HOST,
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "no_mail", 0},
    {"exim-rcpt-relay", "relay not permitted",
     HEAD MSGID "H=" HOST FIELDS " (?:temporarily )?rejected RCPT "
     RCPT ": relay not permitted",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "relay", 0},
    {"exim-rcpt-reject", "rejected RCPT ",
     HEAD MSGID "H=" HOST FIELDS " (?:temporarily )?rejected RCPT "
     RCPT ":",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
    {"exim-sender-verify", "sender verify ",
     HEAD MSGID "H=" HOST FIELDS " sender verify (?:fail|defer) for "
     "<(?<user>[^\\s<>]*)>",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "sender_verify", 0},
    /* rejected MAIL / after DATA / connection / by local_scan(). */
    {"exim-reject", "rejected ",
     HEAD MSGID FROM "H=" HOST FIELDS " (?:temporarily )?rejected ",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rejected", 0},
    {"exim-helo-reject", "rejected ",
     HEAD MSGID "rejected (?:EHLO|HELO) from " HOST ": ",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "helo", 0},
    {"exim-acl-drop", " dropped by '",
     HEAD MSGID "H=" HOST FIELDS " dropped by '[^']*' ACL",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "acl_drop", 0},
    {"exim-acl-drop-conn", "closed by DROP in ACL",
     HEAD MSGID "SMTP connection from " HOST FIELDS " closed by DROP in ACL",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "acl_drop", 0},
    {"exim-call-dropped", "SMTP call from ",
     HEAD MSGID "SMTP call from " HOST FIELDS " dropped: ",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "too_many_errors", 0},
    /* The quoted command is the client's: the host is after the last `" H=`. */
    {"exim-sync-error", "SMTP protocol synchronization error",
     HEAD MSGID "SMTP protocol synchronization error \\([^)]*\\): rejected "
     "(?:connection from |\".*\" )H=" HOST FIELDS " (?:next )?input=",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "pipelining", 0},
    {"exim-protocol-error", "SMTP protocol error in ",
     HEAD MSGID "SMTP protocol error in \".*\" H=" HOST FIELDS " ",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "protocol_error", 0},
    {"exim-no-ptr", "no host name found for IP address ",
     HEAD MSGID "no host name found for IP address (?<ip>" IPCH ")\\s*$",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "dns_mismatch", 0},
    {"exim-no-a", "no IP address found for host ",
     HEAD MSGID "no IP address found for host \\S+ \\(during SMTP connection "
     "from " HOST FIELDS "\\)\\s*$",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "dns_mismatch", 0},
    /* sa-exim. Message-Id and sender are the client's; the host is in the
     * last `(host=…)` before ` for RCPT` at the end. */
    {"exim-sa-tossed", "SA: Action: ",
     HEAD MSGID "SA: Action: silently tossed message: .*\\. From \\S* "
     "\\(host=(?:\\S+ )?\\[(?<ip>" IPCH ")\\]\\) for \\S+\\s*$",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "spam", 0},
    {"exim-sa-flagged", "SA: Action: ",
     HEAD MSGID "SA: Action: flagged as Spam but accepted: .*\\. From \\S* "
     "\\(host=(?:\\S+ )?\\[(?<ip>" IPCH ")\\]\\) for \\S+\\s*$",
     MS_OUT_CONNECT, MS_SVC_SMTP, MS_LAYER_FRONT, "spam", 0},
};

static const char *const programs[] = {
    "exim", "exim4", NULL,
};

const ms_family ms_family_exim = {
    .source = "exim",
    .programs = programs,
    .rules = MS_RULES(rules),
};
