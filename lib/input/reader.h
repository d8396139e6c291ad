/* reader.h — a byte stream of one log file, decompressed on the fly.
 *
 * The codec is chosen by the file's first bytes (magic), never by its name:
 * gzip (every concatenated member), bzip2 (every stream), xz, zstd (every
 * frame), a systemd journal file (its entries as lines; not on stdin),
 * else plain. A damaged or truncated archive yields all the bytes
 * that could be decoded, then an MS_ERR_DATA error whose message names the
 * file and the compressed byte offset where decoding broke. Memory use is
 * bounded whatever the compression ratio. */
#ifndef MS_READER_H
#define MS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

typedef enum ms_codec {
    MS_CODEC_PLAIN,
    MS_CODEC_GZIP,
    MS_CODEC_BZIP2,
    MS_CODEC_XZ,
    MS_CODEC_ZSTD,
    MS_CODEC_JOURNAL,  /* a systemd journal file: input/journal_file.h */
} ms_codec;

typedef struct ms_reader ms_reader;

/* path "-" reads standard input. name is what messages call the file. */
ms_reader *ms_reader_open(const char *path, const char *name, ms_error *err);

/* Up to cap decompressed bytes into buf: >0 bytes read, 0 at the end, -1 on
 * an I/O or data error (err filled; bytes returned before stay valid; every
 * later call returns 0). */
ptrdiff_t ms_reader_read(ms_reader *r, char *buf, size_t cap, ms_error *err);

ms_codec ms_reader_codec(const ms_reader *r);
const char *ms_codec_name(ms_codec c);

/* Modification time in seconds: the gzip header's MTIME when set, else the
 * file's mtime; INT64_MIN when unknown (stdin, a pipe). */
int64_t ms_reader_mtime(const ms_reader *r);

/* Raw (compressed) bytes consumed so far and the file's size (0 if unknown),
 * for progress display. */
uint64_t ms_reader_raw_offset(const ms_reader *r);
uint64_t ms_reader_raw_size(const ms_reader *r);

/* For a reader of stdin, called before its first ms_reader_read: when it is
 * closed, every raw byte it read is given back, and the next reader of
 * stdin reads them again first (so the start of a pipe can be looked at,
 * then read from the beginning). Nothing for other files, which can be
 * opened again. 0, or -1 when out of memory. */
int ms_reader_give_back(ms_reader *r);

/* A log wrapped in another format (a container runtime's JSON lines,
 * journalctl's export form) is unwrapped into plain lines by a filter that
 * sits between the decoder and the reader's caller. */
#define MS_UNWRAP_MAX (4u << 20)
typedef struct ms_unwrap_ops {
    const char *name;       /* the format, for messages ("docker-json") */
    void *(*init)(void);    /* NULL when out of memory */
    /* Consume a prefix of in[0 .. n): whole units (lines, entries), all of
     * it when eof; append the unwrapped lines, each ending in '\n', to out.
     * When n >= MS_UNWRAP_MAX something must be consumed (a unit that long
     * is cut). Returns the bytes consumed. */
    size_t (*feed)(void *st, const char *in, size_t n, bool eof, ms_buf *out);
    void (*free)(void *st);
} ms_unwrap_ops;

/* Up to want decoded bytes from the start of the stream, without consuming
 * them (fewer only at the end); call before the first ms_reader_read. The
 * bytes stay valid until the next call on r. Returns their count or -1. */
ptrdiff_t ms_reader_peek(ms_reader *r, size_t want, const char **p,
                         ms_error *err);

/* From now on ms_reader_read returns what ops makes of the decoded bytes
 * (call before the first ms_reader_read). 0, or -1 when out of memory. */
int ms_reader_unwrap(ms_reader *r, const ms_unwrap_ops *ops, ms_error *err);

/* The unwrapping format's name, or NULL when the lines are read as they are. */
const char *ms_reader_framing(const ms_reader *r);

void ms_reader_close(ms_reader *r);

#endif
