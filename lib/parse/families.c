/* families.c — the list of built-in families and of noise programs.
 *
 * Order matters only for lines whose program tag is unknown or absent:
 * every family is then tried in this order and the first match wins. */
#include "families.h"

#include <stddef.h>

const ms_family *const ms_builtin_families[] = {
    &ms_family_dovecot,
    &ms_family_postfix,
    &ms_family_exim,
    &ms_family_sendmail,
    &ms_family_vpopmail,
    &ms_family_tcpserver,
    &ms_family_courier,
    &ms_family_cyrus,
    &ms_family_sshd,
    &ms_family_imapd,
    &ms_family_ipop3d,
    &ms_family_solid_pop3d,
    &ms_family_perdition,
    &ms_family_vm_pop3d,
    &ms_family_pam,
    NULL,
};

const char *const ms_noise_programs[] = {
    "qmgr", "cleanup", "pickup", "local", "virtual", "pipe", "bounce",
    "trivial-rewrite", "anvil", "scache", "lmtp", "error", "discard",
    "showq", "proxymap", "tlsmgr", "verify", "flush", "postsuper",
    "postfix-script", "postmap", "tlsproxy", "dnsblog", "amavis",
    "amavisd", "amavisd-new", "opendkim", "opendmarc", "spamd", "clamd",
    "freshclam", "cron", "CRON", "anacron", "kernel", "systemd",
    "systemd-logind", "rsyslogd", "policyd-spf", "postgrey", "named",
    "ntpd", "chronyd", "dhclient", "spamass-milter", "milter-greylist",
    NULL,
};
