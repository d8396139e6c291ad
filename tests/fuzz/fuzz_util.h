/* fuzz_util.h — what the harnesses share: a check that survives NDEBUG, a
 * memfd holding the input as a file (for the APIs that take a path), and a
 * strict UTF-8 test for "output is valid UTF-8 without control bytes".
 * Header-only (static functions) so each harness is one compilation unit
 * plus replay.c or libFuzzer's main. */
#ifndef MS_FUZZ_UTIL_H
#define MS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* assert() is compiled out in release builds; a harness check must not be. */
#define FZ_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* One memfd per process, rewritten for each input; its /proc path is what
 * the library opens (a fresh open file description, offset 0). */
static int fz_memfd = -1;
static char fz_path[64];

__attribute__((unused)) static const char *fz_file(const uint8_t *data,
                                                   size_t size)
{
    if (fz_memfd < 0) {
        fz_memfd = memfd_create("fuzz-input", MFD_CLOEXEC);
        FZ_CHECK(fz_memfd >= 0);
        snprintf(fz_path, sizeof fz_path, "/proc/self/fd/%d", fz_memfd);
    }
    FZ_CHECK(ftruncate(fz_memfd, 0) == 0);
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(fz_memfd, data + off, size - off, (off_t)off);
        FZ_CHECK(w > 0);
        off += (size_t)w;
    }
    return fz_path;
}

/* Valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF) with
 * no C0 control, DEL, C1 control, bidi control or invisible mark (U+200B-
 * U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF): what ms_text_clean
 * promises (text.h). */
__attribute__((unused)) static int fz_clean_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            len = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (u[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            (cp >= 0x80 && cp <= 0x9f))
            return 0;
        /* Bidi controls and invisible marks (text.h): escaped too. */
        if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
            return 0;
        i += len;
    }
    return 1;
}

/* p[0..n) lies inside [base, base + len]. */
__attribute__((unused)) static int fz_inside(const char *p, size_t n,
                                             const char *base, size_t len)
{
    if (n == 0)
        return 1;
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
    return a >= b && a - b <= len && n <= len - (a - b);
}

#endif
