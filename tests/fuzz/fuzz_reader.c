/* fuzz_reader.c — the decompressing reader (input/reader.c, codec_*.c) on
 * raw file bytes: whatever the magic says (gzip, bzip2, xz, zstd, else
 * plain), damaged, truncated or a bomb.
 *
 * The input is written to a memfd and opened by path, as a log file is. It
 * is read with a changing buffer size (1 byte to 1 MiB) until the end, an
 * error, or 4 MiB of output (a bomb is bounded in memory, not in time; the
 * harness stops it). Checks: a plain file reads back byte for byte; a read
 * never returns more than asked; an error is MS_ERR_DATA or MS_ERR_IO with
 * the file's name in its message, and every read after it returns 0; the
 * raw offset never passes the file's size; no more than 512 MiB is ever
 * allocated (a header must not make a codec reserve gigabytes: libFuzzer's
 * -malloc_limit_mb catches it when fuzzing, glibc's mallinfo2 in the plain
 * replay build; under ASan mallinfo2 reads 0 and only libFuzzer checks). */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "input/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_LIMIT (4u << 20)
#define MEM_LIMIT ((size_t)512 << 20)

/* Bytes held in mmapped blocks now (glibc serves big requests so). */
static size_t mapped_now(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return mallinfo2().hblkhd;
#else
    return 0;
#endif
}

static const size_t caps[] = {1, 3, 64, 4093, 65536, 1u << 20};
#define NCAPS (sizeof caps / sizeof caps[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *buf;
    if (!buf) {
        buf = malloc(1u << 20);
        FZ_CHECK(buf != NULL);
    }
    const char *path = fz_file(data, size);
    ms_error err = {0};
    ms_reader *r = ms_reader_open(path, "fuzz.log", &err);
    FZ_CHECK(r != NULL);
    ms_codec codec = ms_reader_codec(r);
    FZ_CHECK(codec <= MS_CODEC_ZSTD);
    FZ_CHECK(ms_codec_name(codec) != NULL);
    FZ_CHECK(ms_reader_raw_size(r) == size);
    (void)ms_reader_mtime(r);

    size_t total = 0, k = size % NCAPS;
    int failed = 0;
    for (;;) {
        size_t cap = caps[k++ % NCAPS];
        ptrdiff_t got = ms_reader_read(r, buf, cap, &err);
        FZ_CHECK(ms_reader_raw_offset(r) <= size);
        FZ_CHECK(mapped_now() < MEM_LIMIT);
        if (got < 0) {
            FZ_CHECK(err.code == MS_ERR_DATA || err.code == MS_ERR_IO);
            FZ_CHECK(strstr(err.msg, "fuzz.log") != NULL);
            FZ_CHECK(codec != MS_CODEC_PLAIN);
            failed = 1;
            break;
        }
        FZ_CHECK((size_t)got <= cap);
        if (got == 0)
            break;
        if (codec == MS_CODEC_PLAIN) {
            FZ_CHECK(total + (size_t)got <= size);
            FZ_CHECK(memcmp(buf, data + total, (size_t)got) == 0);
        }
        total += (size_t)got;
        if (total >= OUT_LIMIT)
            break;
    }
    if (codec == MS_CODEC_PLAIN)
        FZ_CHECK(total == size);
    if (failed || total < OUT_LIMIT) {
        /* Over: every later call says so with 0. */
        FZ_CHECK(ms_reader_read(r, buf, 4096, &err) == 0);
        FZ_CHECK(ms_reader_read(r, buf, 1, &err) == 0);
    }
    ms_reader_close(r);
    return 0;
}
