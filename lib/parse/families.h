/* families.h — the built-in recogniser families, one file each (rec_*.c). */
#ifndef MS_FAMILIES_H
#define MS_FAMILIES_H

#include "parse/rule.h"

extern const ms_family ms_family_dovecot;
extern const ms_family ms_family_postfix;
extern const ms_family ms_family_vpopmail;
extern const ms_family ms_family_tcpserver;
extern const ms_family ms_family_courier;
extern const ms_family ms_family_cyrus;
extern const ms_family ms_family_exim;
extern const ms_family ms_family_sendmail;
extern const ms_family ms_family_sshd;
extern const ms_family ms_family_pam;
extern const ms_family ms_family_imapd;
extern const ms_family ms_family_ipop3d;
extern const ms_family ms_family_solid_pop3d;
extern const ms_family ms_family_perdition;
extern const ms_family ms_family_vm_pop3d;

/* NULL-terminated, in matching order. */
extern const ms_family *const ms_builtin_families[];

/* Program tags known never to log an authentication verdict. */
extern const char *const ms_noise_programs[];

#define MS_RULES(a) (a), (sizeof(a) / sizeof((a)[0]))

#endif
