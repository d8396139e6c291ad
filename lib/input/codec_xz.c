/* codec_xz.c — xz decoding with liblzma.
 *
 * lzma_stream_decoder with LZMA_CONCATENATED reads every stream of the file
 * and its stream padding; LZMA_FINISH is passed once the input has ended,
 * so liblzma itself tells a clean end (LZMA_STREAM_END) from a truncated one
 * (LZMA_BUF_ERROR). A hostile header may ask for a dictionary of up to
 * 4 GiB: memory is capped at XZ_MEMLIMIT (xz -9 needs 65 MiB), and a file
 * asking for more is reported as corrupt. */
#include <lzma.h>
#include <stdlib.h>

#include "input/codec.h"

#define XZ_MEMLIMIT ((uint64_t)256 << 20)

static void *xz_init(void)
{
    lzma_stream *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    *s = (lzma_stream)LZMA_STREAM_INIT;
    if (lzma_stream_decoder(s, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
        free(s);
        return NULL;
    }
    return s;
}

static ms_dec_status xz_decode(void *state, ms_codec_io *io, const char **why)
{
    lzma_stream *s = state;
    size_t room = io->out_cap - io->out_len;
    s->next_in = io->in;
    s->avail_in = io->in_len;
    s->next_out = (uint8_t *)io->out + io->out_len;
    s->avail_out = room;
    lzma_ret ret = lzma_code(s, io->in_eof ? LZMA_FINISH : LZMA_RUN);
    io->in = s->next_in;
    io->in_len = s->avail_in;
    io->out_len += room - s->avail_out;
    switch (ret) {
    case LZMA_OK: return MS_DEC_MORE;
    case LZMA_STREAM_END: return MS_DEC_END;
    case LZMA_BUF_ERROR: return MS_DEC_TRUNCATED;
    case LZMA_FORMAT_ERROR: *why = "not in xz format"; break;
    case LZMA_OPTIONS_ERROR: *why = "unsupported options"; break;
    case LZMA_DATA_ERROR: *why = "compressed data is corrupt"; break;
    case LZMA_MEM_ERROR: *why = "out of memory"; break;
    case LZMA_MEMLIMIT_ERROR: *why = "asks for more than 256 MiB of memory"; break;
    default: *why = "decoder error"; break;
    }
    return MS_DEC_CORRUPT;
}

static void xz_free(void *state)
{
    lzma_end(state);
    free(state);
}

const ms_codec_ops ms_codec_xz = {xz_init, xz_decode, xz_free};
