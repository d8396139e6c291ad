/* codec_zstd.c — zstd decoding with ZSTD_decompressStream.
 *
 * The streaming decoder runs from one frame into the next and skips
 * skippable frames by itself; it returns 0 exactly when a frame has been
 * decoded and flushed, so input that ends there ends cleanly and input that
 * ends anywhere else is truncated. The end of input may be learnt only on
 * the call after a frame's last bytes, hence `last`. The window limit stays
 * at libzstd's default (128 MiB), which bounds memory. */
#include <stdlib.h>
#include <zstd.h>

#include "input/codec.h"

typedef struct zs_state {
    ZSTD_DCtx *d;
    size_t last; /* last return of ZSTD_decompressStream: 0 between frames */
} zs_state;

static void *zs_init(void)
{
    zs_state *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->last = 1;
    if (!(s->d = ZSTD_createDCtx())) {
        free(s);
        return NULL;
    }
    return s;
}

static ms_dec_status zs_decode(void *state, ms_codec_io *io, const char **why)
{
    zs_state *s = state;
    if (!io->in_len && io->in_eof && s->last == 0)
        return MS_DEC_END;
    ZSTD_inBuffer in = {io->in, io->in_len, 0};
    ZSTD_outBuffer out = {io->out, io->out_cap, io->out_len};
    size_t ret = ZSTD_decompressStream(s->d, &out, &in);
    size_t produced = out.pos - io->out_len;
    io->in += in.pos;
    io->in_len -= in.pos;
    io->out_len = out.pos;
    if (ZSTD_isError(ret)) {
        *why = ZSTD_getErrorName(ret);
        return MS_DEC_CORRUPT;
    }
    s->last = ret;
    if (!io->in_len && io->in_eof) {
        if (ret == 0)
            return MS_DEC_END;
        if (!in.pos && !produced && out.pos < out.size)
            return MS_DEC_TRUNCATED;
    }
    return MS_DEC_MORE;
}

static void zs_free(void *state)
{
    zs_state *s = state;
    ZSTD_freeDCtx(s->d);
    free(s);
}

const ms_codec_ops ms_codec_zstd = {zs_init, zs_decode, zs_free};
