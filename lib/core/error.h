/* error.h — how lib/ reports failure: a code and one human sentence.
 *
 * lib/ never prints or exits. A function that can fail takes an ms_error *
 * (may be NULL) and fills it; the caller decides what to show. Warnings that
 * do not stop the work (a truncated archive, an unreadable file) go to an
 * ms_warn callback, which the CLI turns into stderr lines. */
#ifndef MS_ERROR_H
#define MS_ERROR_H

#include <stdarg.h>
#include <stdint.h>

enum ms_errcode {
    MS_OK = 0,
    MS_ERR_IO,      /* a file could not be opened, read or written */
    MS_ERR_DATA,    /* input was damaged: corrupt or truncated archive */
    MS_ERR_USAGE,   /* a caller-supplied option or pattern is invalid */
    MS_ERR_NOMEM,   /* an allocation failed */
};

typedef struct ms_error {
    int code;
    char msg[512];
} ms_error;

/* Fill e (if not NULL) with code and a printf-style message. Returns -1 so
 * that `return ms_fail(e, ...)` reads naturally. */
int ms_fail(ms_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A non-fatal problem: file is the path as the user gave it, line is 0 when
 * it does not apply. */
typedef void (*ms_warn_fn)(void *ctx, const char *file, uint64_t line,
                           const char *msg);

typedef struct ms_warner {
    ms_warn_fn fn;
    void *ctx;
} ms_warner;

void ms_warn(const ms_warner *w, const char *file, uint64_t line,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
