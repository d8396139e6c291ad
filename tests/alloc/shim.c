/* shim.c — an allocator that fails on request, linked into the test build
 * of the CLI (build/tests/mailsleuth-allocfail, tests/meson.build), as
 * SQLite's test allocator does. The executable defines malloc, calloc,
 * realloc, posix_memalign, aligned_alloc, strdup and strndup, so every call
 * (ours, the C library's and the shared libraries': PCRE2, Hyperscan,
 * jansson, zlib, libsystemd…) comes here, and each is passed on to the
 * allocator that would have served it (libc's, or AddressSanitizer's),
 * found with dlsym(RTLD_NEXT).
 *
 * Calls are counted from the executable's start-up (after the shared
 * libraries' own): with MS_ALLOC_FAIL=N the Nth call returns NULL, once
 * (realloc to 0 bytes is not counted). MS_ALLOC_COUNT=PATH writes the
 * count at exit; MS_ALLOC_TRACE=1 prints the failing call's stack on
 * stderr, up to a line "(end of trace)" (the executable exports its
 * symbols, so the functions are named). */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

/* While dlsym runs it may allocate (and so may the sanitizer's start-up
 * that calls it): those calls are served from here, never freed. */
static _Alignas(max_align_t) char boot[1 << 16];
static size_t boot_used;
static int resolving;

static atomic_ulong calls;
static unsigned long fail_at;
static int counting;

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot - boot_used)
        return NULL;
    void *p = boot + boot_used;
    boot_used += n;
    return p;
}

static int in_boot(const void *p)
{
    return (const char *)p >= boot && (const char *)p < boot + sizeof boot;
}

static void resolve(void)
{
    if (real_free || resolving)
        return;
    resolving = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign =
        (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc =
        (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    resolving = 0;
}

__attribute__((constructor)) static void start(void)
{
    resolve();
    const char *n = getenv("MS_ALLOC_FAIL");
    fail_at = n ? strtoul(n, NULL, 10) : 0;
    counting = 1;
}

__attribute__((destructor)) static void finish(void)
{
    const char *path = getenv("MS_ALLOC_COUNT");
    unsigned long n = atomic_load(&calls);
    counting = 0;
    FILE *fp = path ? fopen(path, "w") : NULL;
    if (fp) {
        fprintf(fp, "%lu\n", n);
        fclose(fp);
    }
}

/* Whether this call is the one to fail. */
static int fails(void)
{
    if (!counting || atomic_fetch_add(&calls, 1) + 1 != fail_at)
        return 0;
    if (getenv("MS_ALLOC_TRACE")) {
        void *frames[64];
        int n = backtrace(frames, 64);
        dprintf(2, "allocation %lu fails here:\n", fail_at);
        backtrace_symbols_fd(frames, n, 2);
        dprintf(2, "(end of trace)\n");
    }
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    resolve();
    if (resolving)
        return boot_alloc(n);
    return fails() ? NULL : real_malloc(n);
}

void *calloc(size_t k, size_t n)
{
    resolve();
    if (resolving)
        return boot_alloc(k * n);   /* boot is zeroed and never reused */
    return fails() ? NULL : real_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
    resolve();
    if (resolving || in_boot(p)) {
        /* Only start-up blocks, which are small: copy what fits. */
        void *q = resolving ? boot_alloc(n) : malloc(n);
        if (q && p)
            memcpy(q, p, n < 256 ? n : 256);
        return q;
    }
    if (p && n == 0)
        return real_realloc(p, n);
    return fails() ? NULL : real_realloc(p, n);
}

void free(void *p)
{
    if (!p || in_boot(p))
        return;
    resolve();
    real_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    resolve();
    return fails() ? ENOMEM : real_posix_memalign(out, align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    resolve();
    return fails() ? NULL : real_aligned_alloc(align, n);
}

char *strdup(const char *s)
{
    return strndup(s, SIZE_MAX);
}

char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
