/* rec_pam.c — PAM modules' own lines, whoever loaded them.
 *
 * pam_unix (and pam_sss, pam_ldap…) log `authentication failure; …
 * rhost=IP user=NAME` under the program that called PAM (sshd, dovecot,
 * saslauthd…). The last ` rhost=` wins, so a name like `ruser=rhost=1.2.3.4`
 * cannot plant an address. These lines repeat what the daemon itself logs
 * about the same attempt; dedup.c counts the pair once. */
#include "parse/families.h"

static const ms_rule rules[] = {
    {"pam-auth-failure", "authentication failure",
     "pam_\\w+\\((?<svc>[\\w.-]+):auth\\):? authentication failure;.*\\srhost=(?<ip>[0-9a-fA-F.:]+)"
     "(?:\\s+user=(?<user>\\S*))?\\s*$",
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    {"pam-unknown-user", "check pass; user unknown",
     "pam_\\w+\\((?<svc>[\\w.-]+):auth\\): check pass; user unknown",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, "unknown_user", 0},
};

static const char *const programs[] = {
    "sshd", "sshd-session", "dovecot", "dovecot-auth", "auth", "auth-worker",
    "saslauthd", "imapd", "ipop3d", "pop3d", "imap", "pop3", "login",
    "courier-imap", "authdaemond", "cyrus", "perdition", "solid-pop3d",
    "vsftpd", "su", NULL,
};

const ms_family ms_family_pam = {
    .source = "pam",
    .programs = programs,
    .rules = MS_RULES(rules),
};
