/* error.c — fill an ms_error, forward a warning to the caller's callback. */
#include "error.h"

#include <stdio.h>

int ms_fail(ms_error *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void ms_warn(const ms_warner *w, const char *file, uint64_t line,
             const char *fmt, ...)
{
    if (!w || !w->fn)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    w->fn(w->ctx, file, line, buf);
}
