/* fuzz_reader.c — the decompressing reader (input/reader.c, codec_*.c) on
 * raw file bytes: whatever the magic says (gzip, bzip2, xz, zstd, a
 * journal file, else plain), damaged, truncated or a bomb.
 *
 * The input is written to a memfd and opened by path, as a log file is. It
 * is read with a changing buffer size (1 byte to 1 MiB) until the end, an
 * error, or 4 MiB of output (a bomb is bounded in memory, not in time; the
 * harness stops it). Checks:
 *  - a plain file reads back byte for byte; a read never returns more than
 *    asked; an error is MS_ERR_DATA or MS_ERR_IO naming the file, and every
 *    read after it returns 0; the raw offset never passes the file's size;
 *  - no more than 512 MiB is ever allocated: a header must not make a codec
 *    reserve gigabytes (libFuzzer's -malloc_limit_mb catches it when
 *    fuzzing, glibc's mallinfo2 in the plain replay build, ASan's
 *    max_allocation_size_mb, set by replay.c, in the sanitised one);
 *  - a second read, with other garbage in fresh allocations (glibc's
 *    M_PERTURB), gives the same bytes: output must not depend on memory
 *    nobody initialised;
 *  - the codec alone, driven with the input cut into pieces of 1-16 bytes
 *    and small output buffers (the reader hands it 1 MiB at a time, so
 *    small inputs never cross a refill), never consumes more than it was
 *    given, never stalls, reaches the reader's verdict, and agrees with its
 *    bytes (all of them, on a sound file);
 *  - gzip decodes as zlib does (the build may use ISA-L's inflater): on a
 *    file zlib reads cleanly the reader gives the same bytes and no error;
 *    on a damaged one neither gives a byte the other contradicts. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_util.h"
#include "input/codec.h"
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

/* zlib's reading of a gzip file, as codec_gzip.c's zlib path reads it:
 * every member, zero bytes between and after members skipped. Returns the
 * bytes (up to limit) in *out; *clean: the input ended after a whole
 * member. */
static size_t zlib_gunzip(const uint8_t *in, size_t n, char *out,
                          size_t limit, int *clean)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    FZ_CHECK(inflateInit2(&z, 16 + 15) == Z_OK);
    size_t pos = 0, len = 0;
    *clean = 0;
    for (;;) {
        z.next_in = (Bytef *)(in + pos);
        z.avail_in = (uInt)(n - pos);
        z.next_out = (Bytef *)(out + len);
        z.avail_out = (uInt)(limit - len);
        int ret = inflate(&z, Z_NO_FLUSH);
        pos = n - z.avail_in;
        len = limit - z.avail_out;
        if (ret == Z_STREAM_END) {
            while (pos < n && in[pos] == 0)
                pos++;
            if (pos == n) {
                *clean = 1;
                break;
            }
            inflateReset(&z);
            continue;
        }
        if (ret != Z_OK || len == limit)
            break;   /* an error, the end of input inside a member, or full */
    }
    inflateEnd(&z);
    return len;
}

/* The codec alone, fed in small pieces. Returns the bytes made (up to
 * limit) in out; *st the last status. */
static size_t drive_codec(const ms_codec_ops *ops, const uint8_t *data,
                          size_t size, char *out, size_t limit,
                          ms_dec_status *status)
{
    void *state = ops->init();
    FZ_CHECK(state != NULL);
    uint32_t x = (uint32_t)size * 2654435761u + 1;
    size_t pos = 0, fed = 0, len = 0;
    int stalls = 0;
    ms_dec_status st = MS_DEC_MORE;
    while (len < limit) {
        if (pos == fed && fed < size) {
            x = x * 1103515245u + 12345u;
            size_t piece = 1 + (x >> 16 & 15);
            fed = size - fed < piece ? size : fed + piece;
        }
        x = x * 1103515245u + 12345u;
        size_t room = 1 + (x >> 16 & 255);
        if (room > limit - len)
            room = limit - len;
        ms_codec_io io = {
            .in = data + pos, .in_len = fed - pos, .in_eof = fed == size,
            .out = out + len, .out_cap = room, .out_len = 0,
        };
        const char *why = "";
        st = ops->decode(state, &io, &why);
        FZ_CHECK(io.in >= data + pos && io.in <= data + fed);
        size_t used = (size_t)(io.in - (data + pos));
        FZ_CHECK(io.in_len == fed - pos - used);
        FZ_CHECK(io.out_len <= room);
        FZ_CHECK(why != NULL);
        pos += used;
        len += io.out_len;
        if (st != MS_DEC_MORE)
            break;
        /* MORE without progress, all input given: the reader would spin. */
        stalls = used || io.out_len || fed < size ? 0 : stalls + 1;
        FZ_CHECK(stalls < 3);
    }
    ops->free(state);
    *status = st;
    return len;
}

/* Fill fresh allocations with another byte (glibc's M_PERTURB): the reader
 * and the direct drive run with different garbage in memory they did not
 * initialise, so a codec that outputs such memory gives two different
 * answers. A no-op elsewhere, and under ASan (which fills with 0xbe). */
static void perturb(int byte)
{
#ifdef M_PERTURB
    mallopt(M_PERTURB, byte);
#else
    (void)byte;
#endif
}

static const size_t caps[] = {1, 3, 64, 4093, 65536, 1u << 20};
#define NCAPS (sizeof caps / sizeof caps[0])

/* Read the whole file through ms_reader into out (up to OUT_LIMIT and a
 * last read), checking each call. Returns the bytes; *failed: an error
 * ended it; *codec the codec chosen. */
static size_t read_all(const char *path, const uint8_t *data, size_t size,
                       char *buf, char *out, int *failed, ms_codec *codec)
{
    ms_error err = {0};
    ms_reader *r = ms_reader_open(path, "fuzz.log", &err);
    FZ_CHECK(r != NULL);
    ms_codec c = ms_reader_codec(r);
    FZ_CHECK(c <= MS_CODEC_JOURNAL);
    FZ_CHECK(ms_codec_name(c) != NULL);
    FZ_CHECK(ms_reader_raw_size(r) == size);
    (void)ms_reader_mtime(r);

    size_t total = 0, k = size % NCAPS;
    *failed = 0;
    for (;;) {
        size_t cap = caps[k++ % NCAPS];
        ptrdiff_t got = ms_reader_read(r, buf, cap, &err);
        FZ_CHECK(ms_reader_raw_offset(r) <= size);
        FZ_CHECK(mapped_now() < MEM_LIMIT);
        if (got < 0) {
            FZ_CHECK(err.code == MS_ERR_DATA || err.code == MS_ERR_IO);
            FZ_CHECK(strstr(err.msg, "fuzz.log") != NULL);
            FZ_CHECK(c != MS_CODEC_PLAIN);
            *failed = 1;
            break;
        }
        FZ_CHECK((size_t)got <= cap);
        if (got == 0)
            break;
        if (c == MS_CODEC_PLAIN) {
            FZ_CHECK(total + (size_t)got <= size);
            FZ_CHECK(memcmp(buf, data + total, (size_t)got) == 0);
        }
        memcpy(out + total, buf, (size_t)got);
        total += (size_t)got;
        if (total >= OUT_LIMIT)
            break;
    }
    if (c == MS_CODEC_PLAIN)
        FZ_CHECK(total == size);
    if (*failed || total < OUT_LIMIT) {
        /* Over: every later call says so with 0. */
        FZ_CHECK(ms_reader_read(r, buf, 4096, &err) == 0);
        FZ_CHECK(ms_reader_read(r, buf, 1, &err) == 0);
    }
    ms_reader_close(r);
    *codec = c;
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *buf, *got_all, *again, *want;
    if (!buf) {
        buf = malloc(1u << 20);
        got_all = malloc(OUT_LIMIT + (1u << 20));
        again = malloc(OUT_LIMIT + (1u << 20));
        want = malloc(OUT_LIMIT);
        FZ_CHECK(buf && got_all && again && want);
    }
    const char *path = fz_file(data, size);
    int failed, failed2;
    ms_codec codec, codec2;
    perturb(0x41);
    size_t total = read_all(path, data, size, buf, got_all, &failed, &codec);
    if (codec == MS_CODEC_PLAIN) {
        perturb(0);
        return 0;
    }
    /* Again, with other garbage in fresh memory: the same answer. */
    perturb(0x5a);
    size_t total2 = read_all(path, data, size, buf, again, &failed2, &codec2);
    FZ_CHECK(codec2 == codec && failed2 == failed && total2 == total);
    FZ_CHECK(memcmp(again, got_all, total) == 0);
    if (codec == MS_CODEC_JOURNAL) {   /* libsystemd's, no byte codec */
        perturb(0);
        return 0;
    }

    ms_dec_status st;
    size_t dn = drive_codec(ms_codec_ops_of(codec), data, size, want, OUT_LIMIT, &st);
    perturb(0);
    size_t common = dn < total ? dn : total;
    FZ_CHECK(memcmp(want, got_all, common) == 0);
    if (total < OUT_LIMIT && dn < OUT_LIMIT) {
        /* Both read to the end: the same verdict, and on a sound file the
         * same bytes. (On a damaged one the amount decoded before the
         * break may differ: zstd, given a whole frame at once, checks it
         * before giving anything.) */
        FZ_CHECK((st == MS_DEC_END) == !failed);
        if (!failed)
            FZ_CHECK(dn == total);
    }
    if (codec == MS_CODEC_GZIP) {
        int clean;
        size_t wn = zlib_gunzip(data, size, want, OUT_LIMIT, &clean);
        common = wn < total ? wn : total;
        FZ_CHECK(memcmp(want, got_all, common) == 0);
        if (clean && wn < OUT_LIMIT) {
            FZ_CHECK(!failed);
            FZ_CHECK(total == wn);
        }
    }
    return 0;
}
