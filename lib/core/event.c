/* event.c — names of the event vocabularies, and guessing a service from a
 * daemon's own word for it. */
#include "event.h"

#include <string.h>
#include <strings.h>

static const char *const outcome_names[MS_OUT__COUNT] = {
    [MS_OUT_NONE] = "none",
    [MS_OUT_AUTH_FAIL] = "auth_fail",
    [MS_OUT_AUTH_OK] = "auth_ok",
    [MS_OUT_RELAY_DENIED] = "relay_denied",
    [MS_OUT_CONNECT] = "connect",
    [MS_OUT_DUPLICATE] = "duplicate",
};

static const char *const service_names[MS_SVC__COUNT] = {
    [MS_SVC_UNKNOWN] = "unknown", [MS_SVC_IMAP] = "imap",
    [MS_SVC_POP3] = "pop3",       [MS_SVC_SMTP] = "smtp",
    [MS_SVC_SUBMISSION] = "submission", [MS_SVC_SIEVE] = "sieve",
    [MS_SVC_SSH] = "ssh",
};

const char *ms_outcome_name(ms_outcome o)
{
    return o < MS_OUT__COUNT ? outcome_names[o] : "none";
}

const char *ms_service_name(ms_service s)
{
    return s < MS_SVC__COUNT ? service_names[s] : "unknown";
}

static int lookup(const char *const *names, int count, const char *s, size_t n)
{
    for (int i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return i;
    return -1;
}

int ms_outcome_parse(const char *s, size_t n)
{
    return lookup(outcome_names, MS_OUT__COUNT, s, n);
}

int ms_service_parse(const char *s, size_t n)
{
    return lookup(service_names, MS_SVC__COUNT, s, n);
}

static int contains(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, word, k) == 0)
            return 1;
    return 0;
}

ms_service ms_service_guess(const char *s, size_t n)
{
    static const struct { unsigned port; ms_service svc; } ports[] = {
        {110, MS_SVC_POP3}, {995, MS_SVC_POP3},  {143, MS_SVC_IMAP},
        {993, MS_SVC_IMAP}, {25, MS_SVC_SMTP},   {465, MS_SVC_SUBMISSION},
        {587, MS_SVC_SUBMISSION}, {4190, MS_SVC_SIEVE}, {2000, MS_SVC_SIEVE},
        {22, MS_SVC_SSH},
    };
    if (n > 0 && n <= 5 && strspn(s, "0123456789") >= n) {
        unsigned port = 0;
        for (size_t i = 0; i < n; i++)
            port = port * 10 + (unsigned)(s[i] - '0');
        for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
            if (ports[i].port == port)
                return ports[i].svc;
        return MS_SVC_UNKNOWN;
    }
    if (contains(s, n, "sieve"))
        return MS_SVC_SIEVE;
    if (contains(s, n, "submission") || contains(s, n, "smtps"))
        return MS_SVC_SUBMISSION;
    if (contains(s, n, "imap"))
        return MS_SVC_IMAP;
    if (contains(s, n, "pop3") || contains(s, n, "pops"))
        return MS_SVC_POP3;
    if (contains(s, n, "smtp") || contains(s, n, "sendmail") ||
        contains(s, n, "sm-mta") || contains(s, n, "exim"))
        return MS_SVC_SMTP;
    if (contains(s, n, "ssh"))
        return MS_SVC_SSH;
    return MS_SVC_UNKNOWN;
}
