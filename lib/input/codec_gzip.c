/* codec_gzip.c — gzip decoding with zlib's inflate, or with ISA-L's.
 *
 * When the build has libisal, ms_codec_gzip is codec_gzip_isal.c's faster
 * inflater and zlib's below is left out; zlib is the fallback.
 *
 * windowBits 15+32 accepts a gzip (or zlib) header. A file may hold several
 * members (`cat a.gz b.gz`, pigz -i): when one ends, inflateReset starts the
 * next; zero bytes between or after members (tape padding) are skipped. Only
 * this file knows zlib, so a faster inflater can replace it behind the same
 * ms_codec_ops contract. */
#include <limits.h>
#include <stdlib.h>
#include <zlib.h>

#include "input/codec.h"
#include "ms_config.h"

#if MS_HAVE_ISAL
void *ms_isal_init(void);
ms_dec_status ms_isal_decode(void *state, ms_codec_io *io, const char **why);
void ms_isal_free(void *state);

const ms_codec_ops ms_codec_gzip = {ms_isal_init, ms_isal_decode, ms_isal_free};
#else

typedef struct gz_state {
    z_stream z;
    bool between; /* a member ended and the next has not begun */
} gz_state;

static void *gz_init(void)
{
    gz_state *s = calloc(1, sizeof *s);
    if (s && inflateInit2(&s->z, 15 + 32) != Z_OK) {
        free(s);
        return NULL;
    }
    return s;
}

static ms_dec_status gz_decode(void *state, ms_codec_io *io, const char **why)
{
    gz_state *s = state;
    z_stream *z = &s->z;
    for (;;) {
        if (s->between) {
            ms_dec_status st;
            if (!ms_gzip_next_member(io, &st))
                return st;
            inflateReset(z);
            s->between = false;
        }
        uInt in_n = io->in_len > UINT_MAX ? UINT_MAX : (uInt)io->in_len;
        size_t room = io->out_cap - io->out_len;
        uInt out_n = room > UINT_MAX ? UINT_MAX : (uInt)room;
        z->next_in = (Bytef *)io->in;
        z->avail_in = in_n;
        z->next_out = (Bytef *)io->out + io->out_len;
        z->avail_out = out_n;
        int ret = inflate(z, Z_NO_FLUSH);
        io->in += in_n - z->avail_in;
        io->in_len -= in_n - z->avail_in;
        io->out_len += out_n - z->avail_out;
        switch (ret) {
        case Z_STREAM_END:
            s->between = true;
            break;
        case Z_OK:
            break;
        case Z_BUF_ERROR: /* no progress: input or output ran out */
            if (!io->in_len && io->in_eof && io->out_len < io->out_cap)
                return MS_DEC_TRUNCATED;
            return MS_DEC_MORE;
        default:
            *why = z->msg ? z->msg : "inflate failed";
            return MS_DEC_CORRUPT;
        }
    }
}

static void gz_free(void *state)
{
    gz_state *s = state;
    inflateEnd(&s->z);
    free(s);
}

const ms_codec_ops ms_codec_gzip = {gz_init, gz_decode, gz_free};
#endif
