/* events_format.c — the events file's column names and the inverses of its
 * cell conventions (see events_format.h). */
#include "events_format.h"

const char *const ms_evcol_names[MS_EVCOL__COUNT + 1] = {
    [MS_EVCOL_TIME] = "time",
    [MS_EVCOL_IP] = "ip",
    [MS_EVCOL_SERVICE] = "service",
    [MS_EVCOL_SOURCE] = "source",
    [MS_EVCOL_OUTCOME] = "outcome",
    [MS_EVCOL_USER] = "user",
    [MS_EVCOL_METHOD] = "method",
    [MS_EVCOL_FILE] = "file",
    [MS_EVCOL_LINE] = "line",
    [MS_EVCOL_REASON] = "reason",
    [MS_EVCOL_ATTEMPTS] = "attempts",
    [MS_EVCOL_SESSION] = "session",
    [MS_EVCOL_HOST] = "host",
    [MS_EVCOL_DUP_OF] = "dup_of",
    [MS_EVCOL_SERVER] = "server",
    [MS_EVCOL__COUNT] = NULL,
};

int ms_evcol_find(const char *s, size_t n)
{
    for (int i = 0; i < MS_EVCOL__COUNT; i++)
        if (strlen(ms_evcol_names[i]) == n &&
            memcmp(ms_evcol_names[i], s, n) == 0)
            return i;
    return -1;
}

static int hexup(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t ms_evfmt_unescape(char *s, size_t n)
{
    char *bs = n ? memchr(s, '\\', n) : NULL;
    if (!bs)
        return n;
    size_t j = (size_t)(bs - s);
    for (size_t i = j; i < n;) {
        if (s[i] == '\\' && i + 4 <= n && s[i + 1] == 'x') {
            int hi = hexup(s[i + 2]), lo = hexup(s[i + 3]);
            int v = hi >= 0 && lo >= 0 ? hi << 4 | lo : -1;
            if (v >= 0 && ms_evfmt_escapes((unsigned char)v)) {
                s[j++] = (char)v;
                i += 4;
                continue;
            }
        }
        s[j++] = s[i++];
    }
    return j;
}

size_t ms_evfmt_unguard(char *s, size_t n)
{
    if (n < 2 || s[0] != '\'' || !ms_evfmt_guarded(s + 1, n - 1))
        return n;
    memmove(s, s + 1, n - 1);
    return n - 1;
}
