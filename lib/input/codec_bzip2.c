/* codec_bzip2.c — bzip2 decoding with libbz2.
 *
 * pbzip2 and `cat a.bz2 b.bz2` produce several streams in one file; when
 * BZ2_bzDecompress reports a stream's end, the decoder is ended and started
 * afresh for the next one. Zero padding after a stream is skipped. */
#include <bzlib.h>
#include <limits.h>
#include <stdlib.h>

#include "input/codec.h"

typedef struct bz_state {
    bz_stream s;
    bool live; /* s is initialised for a stream */
} bz_state;

static void *bz_init(void)
{
    bz_state *b = calloc(1, sizeof *b);
    if (b && BZ2_bzDecompressInit(&b->s, 0, 0) != BZ_OK) {
        free(b);
        return NULL;
    }
    if (b)
        b->live = true;
    return b;
}

static const char *bz_reason(int ret)
{
    switch (ret) {
    case BZ_DATA_ERROR: return "data integrity error";
    case BZ_DATA_ERROR_MAGIC: return "bad stream header";
    case BZ_MEM_ERROR: return "out of memory";
    default: return "decoder error";
    }
}

static ms_dec_status bz_decode(void *state, ms_codec_io *io, const char **why)
{
    bz_state *b = state;
    for (;;) {
        if (!b->live) {
            while (io->in_len && *io->in == 0) {
                io->in++;
                io->in_len--;
            }
            if (!io->in_len)
                return io->in_eof ? MS_DEC_END : MS_DEC_MORE;
            int ret = BZ2_bzDecompressInit(&b->s, 0, 0);
            if (ret != BZ_OK) {
                *why = bz_reason(ret);
                return MS_DEC_CORRUPT;
            }
            b->live = true;
        }
        unsigned in_n = io->in_len > UINT_MAX ? UINT_MAX : (unsigned)io->in_len;
        size_t room = io->out_cap - io->out_len;
        unsigned out_n = room > UINT_MAX ? UINT_MAX : (unsigned)room;
        b->s.next_in = (char *)io->in;
        b->s.avail_in = in_n;
        b->s.next_out = io->out + io->out_len;
        b->s.avail_out = out_n;
        int ret = BZ2_bzDecompress(&b->s);
        unsigned produced = out_n - b->s.avail_out;
        io->in += in_n - b->s.avail_in;
        io->in_len -= in_n - b->s.avail_in;
        io->out_len += produced;
        if (ret == BZ_STREAM_END) {
            BZ2_bzDecompressEnd(&b->s);
            b->live = false;
            continue;
        }
        if (ret != BZ_OK) {
            *why = bz_reason(ret);
            return MS_DEC_CORRUPT;
        }
        if (io->out_len == io->out_cap || (!io->in_len && !io->in_eof))
            return MS_DEC_MORE;
        if (!io->in_len && !produced)
            return MS_DEC_TRUNCATED;
    }
}

static void bz_free(void *state)
{
    bz_state *b = state;
    if (b->live)
        BZ2_bzDecompressEnd(&b->s);
    free(b);
}

const ms_codec_ops ms_codec_bzip2 = {bz_init, bz_decode, bz_free};
