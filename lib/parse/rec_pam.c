/* rec_pam.c — PAM modules' own lines, whoever loaded them.
 *
 * pam_unix (and pam_sss, pam_ldap…) log `authentication failure; logname=
 * uid= euid= tty= ruser=R rhost=H[ user=U]` under the program that called
 * PAM (sshd, dovecot, vsftpd, pure-ftpd…), as `pam_unix(svc:auth):`,
 * `pam_unix:` or, before Linux-PAM 0.99.2, `(pam_unix)`. R is the remote
 * user the application passed in, often the name the client typed, so it
 * may hold ` rhost=6.6.6.6`; U is printed only for an existing account.
 * The address is therefore the first rhost when R is empty, else the LAST
 * rhost (nothing the client types can come after it). The user is U, or R
 * when U is absent. H may be a host name (UseDNS): the event then has no
 * address. `PAM N more authentication failures` repeats N failures the
 * daemon logged itself. All are layer PAM: dedup.c counts an attempt that
 * sshd or dovecot also logged once. A line with an empty rhost (sudo, su)
 * is not a remote login and gives no event. */
#include "parse/families.h"

#define HOST "(?<ip>[\\w.:%-]+)"
#define MODULE "\\(?pam_\\w+(?:\\((?<svc>[\\w.-]*)(?::\\w+)?\\))?\\)?:?"
#define FIELDS "(?:\\s+(?:logname|e?uid)=\\S*){0,3}\\s+tty=\\S*\\s+"
#define TAIL_END "(?: \\[preauth\\])?\\s*$"
/* ruser= rhost= [user=]: the three cases of the top comment, each giving
 * ip then user (the lookahead takes the last rhost before the ruser). */
#define REMOTE "(?|ruser= rhost=" HOST "(?:\\s+user=(?<user>.*?))?" \
    "|ruser=.* rhost=" HOST "\\s+user=(?<user>\\S*)" \
    "|ruser=(?=.* rhost=" HOST TAIL_END ")(?<user>.*) rhost=\\S+)" TAIL_END

static const ms_rule rules[] = {
    {"pam-auth-failure", "authentication failure;",
     MODULE " +authentication failure;" FIELDS REMOTE,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    {"pam-more-failures", " more authentication failure",
     "PAM (?<attempts>\\d+) more authentication failures?;" FIELDS REMOTE,
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    {"pam-unknown-user", "check pass; user unknown",
     "pam_\\w+\\((?<svc>[\\w.-]+):auth\\): check pass; user unknown",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, "unknown_user", 0},
    {"pam-ignoring-max-retries", "ignoring max retries",
     "PAM service\\((?<svc>[\\w.-]+)\\) ignoring max retries",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, NULL, 0},
};

static const char *const programs[] = {
    "sshd", "sshd-session", "dovecot", "dovecot-auth", "auth", "auth-worker",
    "saslauthd", "imapd", "ipop3d", "pop3d", "imap", "pop3", "login",
    "courier-imap", "authdaemond", "cyrus", "perdition", "solid-pop3d",
    "vsftpd", "proftpd", "pure-ftpd", "su", NULL,
};

const ms_family ms_family_pam = {
    .source = "pam",
    .programs = programs,
    .rules = MS_RULES(rules),
};
