/* codec.h — the interface between the reader and one decompressor.
 *
 * The reader owns the file and a raw input buffer; a codec turns the bytes
 * it is handed into output, never reads the file itself and keeps only its
 * library's fixed-size state, so memory stays bounded whatever the ratio.
 * Every codec decodes all concatenated members/streams/frames. */
#ifndef MS_CODEC_H
#define MS_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "input/reader.h"

typedef struct ms_codec_io {
    const unsigned char *in;  /* advanced past what the codec consumed */
    size_t in_len;
    bool in_eof;              /* no input will follow in_len bytes */
    char *out;
    size_t out_cap;
    size_t out_len;           /* set by decode: bytes written to out */
} ms_codec_io;

typedef enum ms_dec_status {
    MS_DEC_MORE,       /* call again (with more input once in_len is 0) */
    MS_DEC_END,        /* input ended cleanly after a complete stream */
    MS_DEC_TRUNCATED,  /* input ended inside a stream */
    MS_DEC_CORRUPT,    /* invalid data; *why says what the library saw */
} ms_dec_status;

typedef struct ms_codec_ops {
    /* NULL when out of memory. */
    void *(*init)(void);
    /* Decode from io->in into io->out until the output is full, the input
     * runs out, or the data ends or breaks. */
    ms_dec_status (*decode)(void *state, ms_codec_io *io, const char **why);
    void (*free)(void *state);
} ms_codec_ops;

/* Between two gzip members (either inflater): skip the zero padding some
 * writers leave. 1 when the next member starts at io->in, 0 when the input
 * is used up for now (*st says whether that is the end). */
static inline int ms_gzip_next_member(ms_codec_io *io, ms_dec_status *st)
{
    while (io->in_len && *io->in == 0) {
        io->in++;
        io->in_len--;
    }
    if (io->in_len)
        return 1;
    *st = io->in_eof ? MS_DEC_END : MS_DEC_MORE;
    return 0;
}

extern const ms_codec_ops ms_codec_gzip;
extern const ms_codec_ops ms_codec_bzip2;
extern const ms_codec_ops ms_codec_xz;
extern const ms_codec_ops ms_codec_zstd;

/* The codec of c; NULL for plain (reader.c). */
const ms_codec_ops *ms_codec_ops_of(ms_codec c);

#endif
