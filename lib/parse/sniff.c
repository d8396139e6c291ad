/* sniff.c — is a file a log? (sniff.h). The first bytes are read through
 * the log reader, unwrapped as the scan unwraps them (frame.h: container
 * and journal forms give their inner lines), 8 KiB at a time, until 20 non-empty lines are in or
 * 64 KiB were read; the lines are then held to the stamp rule. A file that
 * fails it is told apart for the reason given: binary (a NUL byte, or over
 * a quarter of the bytes controls or outside valid UTF-8), blank, or text
 * without time stamps. */
#include "parse/sniff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/events_in.h"
#include "input/reader.h"
#include "parse/frame.h"
#include "parse/record.h"

enum {
    SNIFF_BYTES = 64 * 1024,
    SNIFF_STEP = 8 * 1024,
    SNIFF_LINES = 20,   /* lines judged */
    SNIFF_FIRST = 5,    /* one of these must carry a stamp */
};

/* Bytes that are not text: controls other than tab, LF, VT, FF, CR and ESC,
 * and bytes outside a valid UTF-8 sequence (a sequence cut by the end of
 * the sample counts as valid). *nul tells whether a NUL was seen. */
static size_t not_text(const unsigned char *s, size_t n, bool *nul)
{
    size_t bad = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            *nul |= c == 0;
            bad += (c < 0x20 && (c < '\t' || c > '\r') && c != 0x1b) || c == 0x7f;
            i++;
            continue;
        }
        size_t k = c >= 0xC2 && c <= 0xDF ? 1
                 : c >= 0xE0 && c <= 0xEF ? 2
                 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
        size_t j = 1;
        while (j <= k && i + j < n && (s[i + j] & 0xC0) == 0x80)
            j++;
        if (k && (j == k + 1 || i + j == n)) {
            i += j;
        } else {
            bad++;
            i++;
        }
    }
    return bad;
}

int ms_sniff(const char *buf, size_t n, bool whole, const ms_sniff_opts *o,
             char *why, size_t why_len)
{
    if (n == 0) {
        snprintf(why, why_len, "empty");
        return 0;
    }
    if (ms_events_sniff(buf, n) != MS_EVFILE_NONE) {
        if (o && o->events_files)
            return 1;
        snprintf(why, why_len, "an events file (analyze reads it)");
        return 0;
    }
    const char *s = buf;
    size_t left = n;
    if (left >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        left -= 3;
    }
    int lines = 0, stamped = 0, early = 0;
    while (left && lines < SNIFF_LINES) {
        const char *nl = memchr(s, '\n', left);
        size_t len = nl ? (size_t)(nl - s) : left;
        if (!nl && !whole && lines > 0)
            break;   /* cut by the bound: judged only when alone */
        const char *line = s;
        s += nl ? len + 1 : len;
        left -= nl ? len + 1 : len;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
            len--;
        if (!len)
            continue;
        ms_stamp ts;
        int ok = ms_record_stamp(line, len, &ts) != MS_TS_NONE;
        stamped += ok;
        if (lines < SNIFF_FIRST)
            early += ok;
        lines++;
    }
    if (early && stamped * 2 >= lines)
        return 1;
    bool nul = false;
    size_t bad = not_text((const unsigned char *)buf, n, &nul);
    if (nul || bad * 4 > n)
        snprintf(why, why_len, "binary");
    else if (lines == 0)
        snprintf(why, why_len, "blank lines only");
    else if (stamped == 0 || !early)
        snprintf(why, why_len, "no time stamp on its first lines");
    else
        snprintf(why, why_len, "time stamps on only %d of its first %d lines",
                 stamped, lines);
    return 0;
}

/* The reader's message without the "path: " it starts with; -1, or -2
 * when memory ran out. */
static int fail(const ms_error *err, const char *path, char *why,
                size_t why_len)
{
    const char *m = err->msg;
    size_t pl = strlen(path);
    if (strncmp(m, path, pl) == 0 && m[pl] == ':' && m[pl + 1] == ' ')
        m += pl + 2;
    snprintf(why, why_len, "%s", m);
    return err->code == MS_ERR_NOMEM ? -2 : -1;
}

int ms_sniff_file(void *ctx, const char *path, char *why, size_t why_len)
{
    ms_error err = {0};
    ms_reader *r = ms_reader_open(path, path, &err);
    if (!r)
        return fail(&err, path, why, why_len);
    if (ms_frame_attach(r, &err) < 0) {
        ms_reader_close(r);
        return fail(&err, path, why, why_len);
    }
    char *buf = malloc(SNIFF_BYTES);
    if (!buf) {
        ms_reader_close(r);
        snprintf(why, why_len, "out of memory");
        return -2;
    }
    size_t n = 0, line_start = 0;
    int full = 0;   /* non-empty lines read whole */
    ptrdiff_t k = 1;
    while (n < SNIFF_BYTES && full < SNIFF_LINES) {
        size_t step = SNIFF_BYTES - n < SNIFF_STEP ? SNIFF_BYTES - n : SNIFF_STEP;
        if ((k = ms_reader_read(r, buf + n, step, &err)) <= 0)
            break;
        for (size_t i = n; i < n + (size_t)k; i++)
            if (buf[i] == '\n') {
                full += i > line_start;
                line_start = i + 1;
            }
        n += (size_t)k;
    }
    /* A file that broke part-way is judged on what could be read. */
    int rc = k < 0 && (n == 0 || err.code == MS_ERR_NOMEM)
                 ? fail(&err, path, why, why_len)
                 : ms_sniff(buf, n, k <= 0, ctx, why, why_len);
    free(buf);
    ms_reader_close(r);
    return rc;
}
