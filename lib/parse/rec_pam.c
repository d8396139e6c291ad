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
 * when U is absent. `PAM N more authentication failures` repeats N
 * failures the daemon logged itself. All are layer PAM: dedup.c counts an
 * attempt that sshd or dovecot also logged once. H may be a host name
 * (UseDNS): the event then has no address, and under sshd (tty=ssh) it is
 * written as a duplicate at once, since dedup.c can only pair addresses
 * and sshd's own line has the address. A line with an empty rhost (sudo,
 * su) is not a remote login: taken, no event. */
#include "parse/families.h"

#define IP "(?<ip>(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:%[\\w.-]+)?))"
#define HOST "(?<ip>[\\w.:%-]+)"
#define MODULE "\\(?pam_\\w+(?:\\((?<svc>[\\w.-]*)(?::\\w+)?\\))?\\)?:?"
#define FAILURE MODULE " +authentication failure;"
#define MORE "PAM (?<attempts>\\d+) more authentication failures?;"
#define FIELDS(tty) "(?:\\s+(?:logname|e?uid)=\\S*){0,3}\\s+tty=" tty "\\s+"
#define TAIL_END "(?: \\[preauth\\])?\\s*$"
/* ruser= rhost= [user=]: the three cases of the top comment, each giving
 * ip then user (the lookahead takes the last rhost before the ruser). */
#define REMOTE(h) "(?|ruser= rhost=" h "(?:\\s+user=(?<user>.*?))?" \
    "|ruser=.* rhost=" h "\\s+user=(?<user>\\S*)" \
    "|ruser=(?=.* rhost=" h TAIL_END ")(?<user>.*) rhost=\\S+)" TAIL_END

static const ms_rule rules[] = {
    {"pam-auth-failure", "authentication failure;",
     FAILURE FIELDS("\\S*") REMOTE(IP),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    {"pam-more-failures", " more authentication failure",
     MORE FIELDS("\\S*") REMOTE(IP),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    /* A host name from sshd (tty=ssh, UseDNS yes): sshd logs the same
     * attempt with its address, so this line is a duplicate by nature. */
    {"pam-ssh-host-name", "ssh ruser=",
     "(?:" FAILURE "|" MORE ")" FIELDS("(?:NODEV)?ssh") REMOTE(HOST),
     MS_OUT_DUPLICATE, MS_SVC_SSH, MS_LAYER_PAM, "bad_password", 0},
    /* Linux-PAM before 0.99.2 (`sshd(pam_unix)[pid]:`) under sshd: the
     * same; other daemons' lines of that age are not taken. */
    {"pam-old-ssh", "sshd(pam_",
     "sshd\\(pam_\\w+\\)(?:\\[\\d+\\])?: (?:\\d+ more )?authentication failures?;"
     FIELDS("(?:NODEV)?ssh") REMOTE(HOST),
     MS_OUT_DUPLICATE, MS_SVC_SSH, MS_LAYER_PAM, "bad_password", 0},
    {"pam-host-name", "authentication failure",
     "(?:" FAILURE "|" MORE ")" FIELDS("\\S*") REMOTE(HOST),
     MS_OUT_AUTH_FAIL, MS_SVC_UNKNOWN, MS_LAYER_PAM, "bad_password", 0},
    {"pam-unknown-user", "check pass; user unknown",
     "pam_\\w+\\((?<svc>[\\w.-]+):auth\\): check pass; user unknown",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, "unknown_user", 0},
    /* Taken, no event: no remote host (sudo, su), counters, notices. */
    {"pam-local", "authentication failure",
     "(?:" FAILURE "|" MORE "|\\w+\\(pam_\\w+\\)(?:\\[\\d+\\])?: "
     "authentication failure;.* rhost= *(?:user=\\S*)?\\s*$)",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, NULL, 0},
    {"pam-tally", "pam_tally\npam_faillock",
     "pam_(?:tally2?|faillock)\\((?<svc>[\\w.-]+):auth\\): ",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, NULL, 0},
    {"pam-ignoring-max-retries", "ignoring max retries",
     "PAM service\\((?<svc>[\\w.-]+)\\) ignoring max retries",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_PAM, NULL, 0},
};

static const char *const programs[] = {
    "sshd", "sshd-session", "dovecot", "dovecot-auth", "auth", "auth-worker",
    "saslauthd", "imapd", "ipop3d", "pop3d", "imap", "pop3", "login",
    "courier-imap", "authdaemond", "cyrus", "perdition", "solid-pop3d",
    "vsftpd", "proftpd", "pure-ftpd", "su", "sudo", NULL,
};

const ms_family ms_family_pam = {
    .source = "pam",
    .programs = programs,
    .rules = MS_RULES(rules),
};
