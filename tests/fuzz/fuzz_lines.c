/* fuzz_lines.c — the line splitter (input/lines.c) against a plain model,
 * both ways: ms_lines_next (one line a call) and ms_lines_block (all whole
 * lines of a slot at once, cut by the caller as lines.h says).
 *
 * Byte 0 picks max_line (1-64, or 1 MiB when its top bit is set), byte 1
 * the slot size (1-32 bytes, or the default 2 MiB when its top bit is set)
 * and, with bit 6, the block way, so a line's rest is carried from slot to
 * slot, and cut there, on small inputs. The rest, after a '\n' (so the
 * file never sniffs as compressed), is the file.
 * The model: split at '\n', drop one '\r' before it (or at the very end), a
 * last line without '\n' counts unless empty; a line longer than max_line
 * comes back as its first max_line bytes, flagged. Every returned line,
 * its length, its flag and its number must equal the model's. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "input/lines.h"
#include "input/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The block way: the pieces of the current block, cut as ms_lines_next
 * cuts. */
typedef struct blocks {
    ms_lines *l;
    size_t max_line;
    const char *p;   /* rest of the current block */
    size_t n;
    bool cut;
} blocks;

static int block_next(blocks *b, const char **line, size_t *len, ms_error *err)
{
    if (b->n == 0) {
        int rc = ms_lines_block(b->l, &b->p, &b->n, err);
        if (rc <= 0)
            return rc;
        FZ_CHECK(b->n > 0);
    }
    const char *nl = memchr(b->p, '\n', b->n);
    /* Only the last piece of a block may lack its '\n'. */
    size_t k = nl ? (size_t)(nl - b->p) : b->n;
    *line = b->p;
    b->p += k + (nl != NULL);
    b->n -= k + (nl != NULL);
    if (!nl)
        FZ_CHECK(b->n == 0);
    if (k && (*line)[k - 1] == '\r')
        k--;
    b->cut = k > b->max_line;
    *len = b->cut ? b->max_line : k;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t max_line = data[0] & 0x80 ? (size_t)1 << 20 : (size_t)1 + (data[0] & 63);
    size_t slot = data[1] & 0x80 ? 0 : (size_t)1 + (data[1] & 31);
    bool block = data[1] & 0x40;
    const uint8_t *text = data + 2;
    size_t n = size - 2;

    uint8_t *file = malloc(n + 1);
    FZ_CHECK(file != NULL);
    file[0] = '\n';
    memcpy(file + 1, text, n);
    const char *path = fz_file(file, n + 1);

    ms_error err = {0};
    ms_reader *r = ms_reader_open(path, "fuzz.log", &err);
    FZ_CHECK(r != NULL);
    FZ_CHECK(ms_reader_codec(r) == MS_CODEC_PLAIN);
    ms_lines *l = ms_lines_new(r, &(ms_lines_opts){max_line, slot, false});
    FZ_CHECK(l != NULL);
    blocks bl = {l, max_line, NULL, 0, false};

    const char *s = (const char *)file, *end = s + n + 1;
    uint64_t no = 0;
    for (;;) {
        /* The model's next line. */
        const char *want = NULL;
        size_t want_len = 0;
        bool want_cut = false;
        if (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
            want = s;
            s += len + (nl != NULL);
            if (len && want[len - 1] == '\r')
                len--;
            want_cut = len > max_line;
            want_len = want_cut ? max_line : len;
        }
        const char *line;
        size_t len;
        int rc = block ? block_next(&bl, &line, &len, &err)
                       : ms_lines_next(l, &line, &len, &err);
        FZ_CHECK(rc >= 0);   /* a memfd does not fail */
        if (!want) {
            FZ_CHECK(rc == 0);
            break;
        }
        FZ_CHECK(rc == 1);
        no++;
        FZ_CHECK(len == want_len);
        FZ_CHECK(len == 0 || memcmp(line, want, len) == 0);
        if (block) {
            FZ_CHECK(bl.cut == want_cut);
        } else {
            FZ_CHECK(ms_lines_was_cut(l) == want_cut);
            FZ_CHECK(ms_lines_number(l) == no);
        }
    }
    if (block)
        FZ_CHECK(ms_lines_block(l, &(const char *){NULL}, &(size_t){0}, &err) == 0);
    else
        FZ_CHECK(ms_lines_next(l, &(const char *){NULL}, &(size_t){0}, &err) == 0);
    ms_lines_free(l);
    ms_reader_close(r);
    free(file);
    return 0;
}
