/* rec_sshd.c — OpenSSH's sshd (and sshd-session, sshd-auth), all versions.
 *
 * Every row is anchored at the start of the message (HEAD: after the
 * program tag, a journal export's host, RFC 5424's header, or nothing when
 * the line has no tag; then Solaris'
 * `[ID n fac.lvl]`, a kernel time, `error:`/`fatal:`), so a user name can
 * never start a second message inside the line. User names are the
 * client's and may hold anything, spaces and ` from 1.2.3.4 port 1`
 * included; the address is therefore taken from the END of the line: the
 * last ` from IP port N[ sshV][: key info]` for `invalid user` names, the
 * first one after a valid account's name (which has no spaces). Outcomes:
 *   auth_fail  a credential was tried and refused, or the user was refused
 *              (`Invalid user`, `not allowed`, `ROOT LOGIN REFUSED`, too
 *              many attempts, the client's own `Auth fail`);
 *   auth_ok    `Accepted …`;
 *   connect    a connection or protocol event without a verdict (closed,
 *              reset, timed out, no identification, no common algorithm,
 *              `Failed none`, a valid user's rejected key).
 * One attempt is logged on several lines: `Invalid user` (layer AUTHDB),
 * pam_unix (PAM, rec_pam.c) and `Failed password` (FRONT) are three layers,
 * so dedup.c counts them once; `maximum authentication attempts exceeded`,
 * `PAM: Authentication failure` and the client's `Auth fail` are AUTHDB
 * too and fold into the failure they summarise. Lines that name no address
 * or only restate another line are taken without an event (outcome none),
 * so `explain` does not list them as unrecognised. */
#include "parse/families.h"

/* Where the message starts (see the top comment). */
#define SYSLOG_HDR "(?:\\S+ ){0,2}(?:[\\w./-]+(?:\\[\\d+\\])?:|\\[[\\w.-]+\\]:?) "
#define RFC5424_HDR "\\S+ [\\w./-]+ \\S+ \\S+ " \
    "(?:-|(?:\\[(?:[^\\]\"]|\"(?:[^\"\\\\]|\\\\.)*\")*\\])+) "
/* None: `sshd -e` under daemontools or runit (multilog, svlogd) writes
 * the bare message, and record.c leaves a line without a tag whole. */
#define HEAD "^(?:" SYSLOG_HDR "|" RFC5424_HDR ")?" \
    "(?:\\[ID \\d+ [\\w.]+\\] |kernel: ?\\[ *[\\d.]+\\]:? )?(?:(?:error|fatal): )?"

#define IPC "(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:%[\\w.-]+)?)"
#define IP "(?<ip>" IPC ")"
#define HOST "(?<ip>[\\w.:%-]+)"          /* an address or a DNS name */
#define PORT "(?: port \\d+)?"
#define PREAUTH "(?: \\[preauth\\])?"
#define END "\\s*$"

/* rsyslog's `message repeated 5 times: [ Failed password for …]`. */
#define REPEAT "(?:message repeated (?<attempts>\\d+) times: \\[ ?)?"
#define REPEAT_END "(?(<attempts>)\\]?)"
/* What follows the address of an auth_log() line, to the end. */
#define AFTER_FROM_(x) PORT "(?: on \\S+ port \\d+)?(?: ssh\\d?)?(?:: .*?)?" \
    PREAUTH x END
#define AFTER_FROM AFTER_FROM_("")
#define AFTER_FROM_R AFTER_FROM_(REPEAT_END)
/* `invalid user NAME` (greedy: the last ` from`) or a valid account. */
#define INVALID "(?:invalid|illegal) user "
#define ANY_USER "(?|" INVALID "(?<user>.*)|(?<user>\\S+))"
/* sshd's connection id: `[invalid |authenticating ]user NAME ADDR port N`. */
#define CONN_ID(greed) "(?:(?:invalid |authenticating )?user (?<user>.*" greed ") )?" IP

static const ms_rule rules[] = {
    /* Failed … : probes first (no credential), then real failures. */
    {"sshd-fail-none", "Failed none for ",
     HEAD REPEAT "Failed (?<method>none) for " ANY_USER " from " HOST AFTER_FROM_R,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "method_probe", 0},
    {"sshd-fail-key", "Failed publickey \nFailed gssapi",
     HEAD REPEAT "Failed (?<method>publickey|gssapi-with-mic|gssapi-keyex|gssapi) "
     "for (?<user>\\S+) from " HOST AFTER_FROM_R,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "key_rejected", 0},
    {"sshd-fail-invalid-user", " for invalid user \n for illegal user \n<invalid username>",
     HEAD REPEAT "Failed (?<method>[\\w@./-]+) for (?:" INVALID "(?<user>.*)"
     "|<invalid username>) from " HOST AFTER_FROM_R,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_FRONT, "unknown_user", 0},
    {"sshd-fail", "Failed ",
     HEAD REPEAT "Failed (?<method>[\\w@./-]+) for (?|(?<user>\\S+)|(?<user>[^:]*))"
     " from " HOST AFTER_FROM_R,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_FRONT, "bad_password", 0},

    /* The user is refused before any password is checked. */
    {"sshd-invalid-user", "Invalid user \nIllegal user ",
     HEAD "(?:Invalid|Illegal) user (?<user>.*) from " HOST PORT PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "unknown_user", 0},
    {"sshd-not-allowed", " not allowed because ",
     HEAD "User (?<user>\\S+) from " HOST " not allowed because (?:not listed in "
     "AllowUsers|listed in DenyUsers|not in any group|a group is listed in "
     "DenyGroups|none of user's groups are listed in AllowGroups)" PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "not_allowed", 0},
    {"sshd-root-refused", "ROOT LOGIN REFUSED FROM ",
     HEAD "ROOT LOGIN REFUSED FROM " HOST PORT PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "root_refused", 0},

    /* Summaries of failures already logged one by one: AUTHDB, so each
     * folds into the last per-attempt line when there is one. */
    {"sshd-max-attempts", "maximum authentication attempts exceeded for ",
     HEAD "maximum authentication attempts exceeded for (?:" INVALID ")?"
     "(?<user>.*) from " IP AFTER_FROM,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "too_many_attempts", 0},
    {"sshd-pam-unknown-user", "PAM: User not known \nPAM: unknown user ",
     HEAD "PAM: (?:User not known to the underlying authentication module|unknown user) for "
     "(?:" INVALID ")?(?<user>.*) from " HOST "(?: via \\S+)?" PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_PAM, "unknown_user", 0},
    {"sshd-pam-fail", "PAM: Authentication \nPAM: authentication ",
     HEAD "PAM: [Aa]uthentication (?:failure|error) for (?:" INVALID ")?"
     "(?<user>.*) from " HOST "(?: via \\S+)?" PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "bad_password", 0},
    {"sshd-change-user", "Change of username or service not allowed",
     HEAD "Disconnecting (?:invalid|authenticating) user (?<user>.*?) " IP
     " port \\d+: Change of username or service not allowed",
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "user_change", 0},
    {"sshd-client-auth-fail", "Auth fail",
     HEAD "Received disconnect from " IP "(?: port \\d+)?: ?\\d+: .*Auth fail"
     PREAUTH END,
     MS_OUT_AUTH_FAIL, MS_SVC_SSH, MS_LAYER_AUTHDB, "client_auth_fail", 0},

    {"sshd-accepted", "Accepted ",
     HEAD "Accepted (?<method>[\\w@./-]+) for (?<user>\\S+) from " HOST
     PORT "(?: ssh\\d?)?(?:: .*)?" END,
     MS_OUT_AUTH_OK, MS_SVC_SSH, MS_LAYER_FRONT, NULL, 0},

    {"sshd-accepted-solaris", ", coming from ",
     HEAD "User (?<user>\\S+), coming from " HOST ",\\s+-\\s+authenticated\\." END,
     MS_OUT_AUTH_OK, MS_SVC_SSH, MS_LAYER_FRONT, NULL, 0},

    /* Connections and protocol failures: no verdict. */
    {"sshd-received-disconnect", "Received disconnect from ",
     HEAD "Received disconnect from " IP "(?: port \\d+)?: ?\\d+: ",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "client_disconnect", 0},
    {"sshd-closed", "Connection closed by \nConnection reset by \nDisconnected from ",
     HEAD "(?:Connection (?:closed|reset) by|Disconnected from) " CONN_ID("")
     PORT PREAUTH END,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "closed", 0},
    {"sshd-disconnecting", "Disconnecting ",
     HEAD "Disconnecting " CONN_ID("?") " port \\d+(?:: |" PREAUTH END ")",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "server_disconnect", 0},
    {"sshd-read-error", "Read error from remote host ",
     HEAD "Read error from remote host " IP "(?: port \\d+)?: ",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "read_error", 0},
    {"sshd-no-ident", "Did not receive identification string from ",
     HEAD "Did not receive identification string from " IP PORT
     "(?: on \\S+ port \\d+)?" END,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "no_identification", 0},
    {"sshd-bad-version", "Bad protocol version identification '",
     HEAD "Bad protocol version identification '.*' (?:from )?" IP PORT PREAUTH END,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "bad_protocol", 0},
    {"sshd-kex-fail", "Unable to negotiate with ",
     HEAD "Unable to negotiate with " IP "(?: port \\d+)?: no matching ",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "kex_failed", 0},
    {"sshd-conn-error", "Connection from ",
     HEAD "(?:[\\w ]+: )?Connection from " CONN_ID("?") " port \\d+(?:: | timed out)",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "protocol_error", 0},
    {"sshd-timeout", "Timeout before authentication for ",
     HEAD "Timeout before authentication for (?:connection from )?" IP
     "(?: port \\d+|,| to |\\s*$)",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "timeout", 0},
    {"sshd-refused-connect", "refused connect from ",
     HEAD "refused connect from (?|\\S+ \\(" IP "\\)|" IP ")" END,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "tcp_wrappers", 0},
    {"sshd-bad-handshake", " on obfuscated handshake from ",
     HEAD "Magic value check failed \\(\\d+\\) on obfuscated handshake from " IP,
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "bad_handshake", 0},
    {"sshd-dropped", "drop connection #",
     HEAD "drop connection #\\d+ from \\[" IP "\\]:\\d+ on ",
     MS_OUT_CONNECT, MS_SVC_SSH, MS_LAYER_FRONT, "dropped", 0},

    /* Taken, no event: the start of a connection (LogLevel VERBOSE), and
     * lines that name no address or repeat one that does. */
    {"sshd-connection-from", "Connection from ",
     HEAD "Connection from " IP " port \\d+ on ",
     MS_OUT_NONE, MS_SVC_SSH, MS_LAYER_FRONT, NULL, 0},
    {"sshd-no-address", NULL,
     HEAD "(?:input_userauth_request: invalid user |Postponed |Partial "
     "|Disconnecting: |kex_exchange_identification: |Bad remote protocol "
     "version identification|Unable to negotiate a |no matching [\\w ]+ found"
     "|reverse mapping checking getaddrinfo for |Address \\S+ maps to "
     "|User \\S+ not allowed because |Write failed: |Read from socket failed: "
     "|srclimit_penalise: |Authentication refused|Nasty PTR record "
     "|Corrupted MAC on input|Bad packet length |debug\\d: |Could not "
     "|subsystem request for |pam_\\w+\\([\\w-]+:(?:session|account|setcred)\\): )",
     MS_OUT_NONE, MS_SVC_SSH, MS_LAYER_FRONT, NULL, 0},
};

static const char *const programs[] = {
    "sshd", "sshd-session", "sshd-auth", NULL,
};

const ms_family ms_family_sshd = {
    .source = "sshd",
    .programs = programs,
    .rules = MS_RULES(rules),
};
