/* text.c — UTF-8 validation and \xNN escaping (see text.h). */
#include "text.h"

#include <stdint.h>

#include "core/events_format.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if s starts an
 * invalid one; controls count as invalid here. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x20 || c == 0x7f)
        return 0;
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    /* Bidi controls and invisible marks can make a name look like another
     * (or reverse the text after it): escape them like controls. */
    if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
        return 0;
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return len;
}

int ms_text_is_clean(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] >= 0x20 && u[i] < 0x7f) {
            i++;
            continue;
        }
        size_t k = valid_seq(u + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

void ms_text_clean(ms_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;   /* start of the pending clean run */
    for (size_t i = 0; i < n;) {
        if (u[i] >= 0x20 && u[i] < 0x7f) {
            i++;
            continue;
        }
        size_t k = valid_seq(u + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        ms_buf_add(b, s + run, i - run);
        char esc[4];
        ms_evfmt_escape(esc, u[i]);
        ms_buf_add(b, esc, 4);
        i++;
        run = i;
    }
    ms_buf_add(b, s + run, n - run);
}
