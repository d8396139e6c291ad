/* rec_dovecot.c — dovecot 2.2, 2.3 and 2.4 wordings.
 *
 * Two parts of dovecot log an attempt: the login process (imap-login,
 * pop3-login, managesieve-login, submission-login) once per connection,
 * with the attempt count, method and service; and, with auth_verbose, the
 * auth process or worker once per attempt, naming the passdb
 * (`pam(user,ip)`, `passwd-file(…)`, `sql(…)`, `ldap(…)`) and the reason.
 * Both are recognised; dedup.c counts an attempt logged by both once. */
#include "parse/families.h"

/* login_log_format_elements are joined with ", ", and login_log_format
 * puts ": " before them; a custom format or a log shipper may leave spaces
 * (or another mark) only. A <name> is read up
 * to the last `>` before `method=`/`rip=` (greedy), a bare one up to the
 * first (lazy). */
#define SEP "[\\s,;|]+"
#define USER "user=(?|<(?<user>.*)>|(?<user>[^,<]*?))" SEP
#define METHOD "(?:method=(?<method>[^\\s,;|]*)" SEP ")?"
/* Lines start at the program tag: "dovecot[1]: imap-login: …", "imap-login:
 * …", "auth-worker(5): …". Anchoring there keeps text planted further on
 * (an exim recipient, say) from reading as a dovecot line. */
#define LEAD "^(?:[\\w./-]+(?:\\[\\d+\\]|\\(\\w+\\))?: ){0,3}"
#define RIP "rip=(?<ip>[0-9a-fA-F.:]+)"
/* The first "session=" after the address: found by a possessive scan for
 * its 's' (a lazy .*? tried the rest of the pattern at every byte). */
#define SESSION "(?:[^s]*+(?:s(?!ession=)[^s]*+)*+(?<=[\\s,;|])session=<?" \
    "(?<session>[^>\\s,;|]*))?"
#define PASSDB LEAD "(?:\\w+: )?(?:conn unix:\\S+ \\([^)]*\\): auth-worker<\\d+>: )?(?:pam|passwd-file|passwd|shadow|sql|ldap|checkpassword|bsdauth|vpopmail|lua|oauth2|static|dict|imap|auth|auth-worker)"
#define WHO "\\((?<user>[^,()]*),(?<ip>[0-9a-fA-F.:]+)(?:,<(?<session>[^>]*)>)?(?:,[^()]*)?\\)(?:<[^>]*>)?:(?: [\\w-]+:)* "

static const ms_rule rules[] = {
    {"dovecot-login-fail", "(auth failed, \n(tried to use dis\n(proxy dest auth failed)",
     LEAD "(?<svc>[\\w-]+)-login: .*?\\((?:auth failed, (?<attempts>\\d+) attempts?[^)]*"
     "|tried to use dis\\w+ [^)]*auth|proxy dest auth failed)\\)(?: \\(\\w+\\))?:?"
     SEP "(?:" USER ")?" METHOD RIP SESSION,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "auth_failed", 0},
    {"dovecot-login-noauth",
     "(no auth attempts\n(disconnected before auth was ready\n"
     "(client didn't finish SASL auth\n(disconnected during TLS handshake",
     LEAD "(?<svc>[\\w-]+)-login: .*?\\((?:no auth attempts|disconnected before auth was ready"
     "|client didn't finish SASL auth|disconnected during TLS handshake)[^)]*\\)"
     "(?: \\(\\w+\\))?:?" SEP "(?:" USER ")?" METHOD RIP SESSION,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "no_auth", 0},
    {"dovecot-login-ok", "Login: user=",
     LEAD "(?<svc>[\\w-]+)-login: (?:\\w+: )?Login: " USER METHOD RIP SESSION,
     MS_OUT_AUTH_OK, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, 0},
    /* The passdb rows' literals drop a first letter that dovecot or PAM
     * write either way ("Password mismatch", "password mismatch"). With
     * literals, start-up compiles no regular expression for the prefilter
     * (a 2 MB file: 100 -> 86 M instructions). */
    {"dovecot-passdb-unknown-user",
     "unknown user\npam_authenticate() failed: User not known",
     PASSDB WHO "(?:unknown user|pam_authenticate\\(\\) failed: User not known)",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_AUTHDB, "unknown_user", 0},
    {"dovecot-passdb-fail",
     "assword mismatch\nnvalid credentials\nam_authenticate() failed\n"
     "uthentication fail",
     PASSDB WHO "(?:(?i)password mismatch|invalid credentials"
     "|pam_authenticate\\(\\) failed|authentication fail)",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_AUTHDB, "bad_password", 0},
};

static const char *const programs[] = {
    "dovecot", "imap-login", "pop3-login", "managesieve-login",
    "submission-login", "lmtp-login", "auth", "auth-worker", "dovecot-auth",
    NULL,
};

const ms_family ms_family_dovecot = {
    .source = "dovecot",
    .programs = programs,
    .rules = MS_RULES(rules),
};
