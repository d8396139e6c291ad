/* reader.c — open a log file (or stdin) and stream its decompressed bytes.
 *
 * The first raw bytes are read into a 1 MiB input buffer and matched against
 * the gzip, bzip2, xz and zstd magics, without seeking, so a compressed
 * stdin works too. A plain file is then read straight into the caller's
 * buffer; a compressed one is fed from the input buffer to its codec
 * (codec.h). A codec failure is held back until the bytes decoded before it
 * have been returned, then reported once with the compressed byte offset.
 * A systemd journal file ("LPKSHHRH") is decoded by journal_file.c, which
 * reads the file itself through libsystemd, into lines.
 * A stdin reader may give back what it read (ms_reader_give_back): the raw
 * bytes are kept and served first to the next reader of stdin.
 *
 * Decoded bytes looked at ahead (ms_reader_peek) wait in `dec` and are
 * served first. With an unwrapper (ms_reader_unwrap), decoded bytes are
 * gathered in `dec`, its feed turns whole units into lines in `out`, and
 * reads are served from `out`; a decoder error is held back until every
 * line made before it has been returned. */
#include "input/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/codec.h"
#include "input/journal_file.h"

#define IN_BUF (1u << 20)
#define SNIFF 10 /* a gzip header's MTIME ends at byte 8; xz's magic is 6 */

struct ms_reader {
    int fd;
    bool own_fd;
    char *name;
    ms_codec codec;
    const ms_codec_ops *ops;
    void *state;
    ms_journal_file *journal; /* MS_CODEC_JOURNAL's decoder */
    unsigned char *in;
    size_t in_pos, in_len; /* unconsumed raw bytes: in[in_pos .. in_len) */
    bool in_eof;
    bool done;             /* the end was reached or an error reported */
    ms_error pending;      /* a codec failure not yet reported */
    uint64_t raw_off, raw_size;
    int64_t mtime;
    bool is_stdin;
    bool keep;             /* ms_reader_give_back: record raw stdin bytes */
    char *kept;
    size_t kept_len, kept_cap;
    ms_buf dec;            /* decoded bytes not yet served or unwrapped */
    size_t dec_pos;
    bool dec_eof;          /* the decoder has given all it will */
    ms_error late;         /* the decoder's error, after the bytes in dec */
    const ms_unwrap_ops *uw;
    void *uw_state;
    ms_buf out;            /* unwrapped lines: out.p[out_pos .. out.n) */
    size_t out_pos;
};

#define UNWRAP_CHUNK (256u << 10)

/* Raw bytes of standard input read by a reader that gave them back: the
 * next reader of stdin reads them first (stdin is one per process). */
static struct {
    char *buf;
    size_t pos, len;
} stdin_back;

static ms_codec sniff(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return MS_CODEC_GZIP;
    if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
        return MS_CODEC_BZIP2;
    if (n >= 6 && memcmp(p, "\xfd" "7zXZ", 6) == 0) /* includes the NUL */
        return MS_CODEC_XZ;
    if (n >= 4 && (memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0 ||
                   ((p[0] & 0xf0) == 0x50 && memcmp(p + 1, "\x2a\x4d\x18", 3) == 0)))
        return MS_CODEC_ZSTD; /* a frame, or a skippable frame */
    if (n >= 8 && memcmp(p, "LPKSHHRH", 8) == 0)
        return MS_CODEC_JOURNAL;
    return MS_CODEC_PLAIN;
}

const ms_codec_ops *ms_codec_ops_of(ms_codec c)
{
    switch (c) {
    case MS_CODEC_GZIP: return &ms_codec_gzip;
    case MS_CODEC_BZIP2: return &ms_codec_bzip2;
    case MS_CODEC_XZ: return &ms_codec_xz;
    case MS_CODEC_ZSTD: return &ms_codec_zstd;
    case MS_CODEC_JOURNAL: /* not a byte codec: journal_file.c */
    case MS_CODEC_PLAIN: break;
    }
    return NULL;
}

const char *ms_codec_name(ms_codec c)
{
    switch (c) {
    case MS_CODEC_GZIP: return "gzip";
    case MS_CODEC_BZIP2: return "bzip2";
    case MS_CODEC_XZ: return "xz";
    case MS_CODEC_ZSTD: return "zstd";
    case MS_CODEC_JOURNAL: return "journal";
    case MS_CODEC_PLAIN: break;
    }
    return "plain";
}

static ssize_t read_fd(int fd, void *buf, size_t cap)
{
    ssize_t n;
    do
        n = read(fd, buf, cap);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Raw bytes: stdin's given-back bytes first, recorded when r keeps them. */
static ssize_t read_raw(ms_reader *r, void *buf, size_t cap)
{
    ssize_t n;
    if (r->is_stdin && stdin_back.pos < stdin_back.len) {
        n = (ssize_t)(stdin_back.len - stdin_back.pos < cap
                          ? stdin_back.len - stdin_back.pos : cap);
        memcpy(buf, stdin_back.buf + stdin_back.pos, (size_t)n);
        stdin_back.pos += (size_t)n;
        if (stdin_back.pos == stdin_back.len) {
            free(stdin_back.buf);
            memset(&stdin_back, 0, sizeof stdin_back);
        }
    } else {
        n = read_fd(r->fd, buf, cap);
    }
    if (n > 0 && r->keep) {
        if (r->kept_len + (size_t)n > r->kept_cap) {
            size_t cap2 = (r->kept_len + (size_t)n) * 2;
            char *p = realloc(r->kept, cap2);
            if (!p) {
                errno = ENOMEM;
                return -1;
            }
            r->kept = p;
            r->kept_cap = cap2;
        }
        memcpy(r->kept + r->kept_len, buf, (size_t)n);
        r->kept_len += (size_t)n;
    }
    return n;
}

int ms_reader_give_back(ms_reader *r)
{
    if (!r->is_stdin || r->keep)
        return 0;
    /* Opening read the first raw bytes (to sniff the codec): keep those. */
    r->kept_cap = r->in_len ? r->in_len : 1;
    if (!(r->kept = malloc(r->kept_cap)))
        return -1;
    memcpy(r->kept, r->in, r->in_len);
    r->kept_len = r->in_len;
    r->keep = true;
    return 0;
}

/* Append raw bytes to the input buffer, first dropping consumed ones. */
static int fill(ms_reader *r, ms_error *err)
{
    if (r->in_pos == r->in_len)
        r->in_pos = r->in_len = 0;
    ssize_t n = read_raw(r, r->in + r->in_len, IN_BUF - r->in_len);
    if (n < 0)
        return ms_fail(err, MS_ERR_IO, "%s: read error: %s", r->name,
                       strerror(errno));
    if (n == 0)
        r->in_eof = true;
    r->in_len += (size_t)n;
    return 0;
}

ms_reader *ms_reader_open(const char *path, const char *name, ms_error *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    if (!name)
        name = is_stdin ? "(stdin)" : path;
    ms_reader *r = calloc(1, sizeof *r);
    if (!r) {
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    r->fd = -1;
    r->mtime = INT64_MIN;
    r->name = strdup(name);
    r->in = malloc(IN_BUF);
    if (!r->name || !r->in) {
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
        goto fail;
    }
    r->own_fd = !is_stdin;
    r->is_stdin = is_stdin;
    r->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        ms_fail(err, MS_ERR_IO, "%s: %s", name, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            ms_fail(err, MS_ERR_IO, "%s: %s", name, strerror(EISDIR));
            goto fail;
        }
        if (S_ISREG(st.st_mode)) {
            r->raw_size = (uint64_t)st.st_size;
            if (!is_stdin)
                r->mtime = (int64_t)st.st_mtime;
            posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        }
    }
    while (r->in_len < SNIFF && !r->in_eof)
        if (fill(r, err) < 0)
            goto fail;
    r->codec = sniff(r->in, r->in_len);
    if (r->codec == MS_CODEC_GZIP && r->in_len >= 8) {
        uint32_t t = (uint32_t)r->in[4] | (uint32_t)r->in[5] << 8 |
                     (uint32_t)r->in[6] << 16 | (uint32_t)r->in[7] << 24;
        if (t)
            r->mtime = t;
    }
    /* A journal that cannot be read is reported by the first read, as a
     * damaged archive is. */
    if (r->codec == MS_CODEC_JOURNAL && is_stdin)
        ms_fail(&r->pending, MS_ERR_DATA, "%s: a journal file cannot be read "
                "from standard input: give its path, or pipe journalctl -o "
                "export", name);
    else if (r->codec == MS_CODEC_JOURNAL &&
             !(r->journal = ms_journal_file_open(r->fd, name, &r->pending)) &&
             r->pending.code == MS_ERR_NOMEM) {
        if (err)
            *err = r->pending;
        goto fail;
    }
    r->ops = ms_codec_ops_of(r->codec);
    if (r->ops && !(r->state = r->ops->init())) {
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
        goto fail;
    }
    return r;
fail:
    ms_reader_close(r);
    return NULL;
}

static ptrdiff_t read_plain(ms_reader *r, char *buf, size_t cap, ms_error *err)
{
    if (r->in_pos < r->in_len) {
        size_t n = r->in_len - r->in_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, r->in + r->in_pos, n);
        r->in_pos += n;
        r->raw_off += n;
        return (ptrdiff_t)n;
    }
    ssize_t n = r->in_eof ? 0 : read_raw(r, buf, cap);
    if (n <= 0) {
        r->done = true;
        if (n < 0)
            return ms_fail(err, MS_ERR_IO, "%s: read error: %s", r->name,
                           strerror(errno));
        return 0;
    }
    r->raw_off += (uint64_t)n;
    return n;
}

/* The decoder's bytes, straight from the file or the codec. */
static ptrdiff_t decode(ms_reader *r, char *buf, size_t cap, ms_error *err)
{
    if (r->pending.code != MS_OK) {
        if (err)
            *err = r->pending;
        r->pending.code = MS_OK;
        r->done = true;
        return -1;
    }
    if (r->done || cap == 0)
        return 0;
    if (cap > PTRDIFF_MAX)
        cap = PTRDIFF_MAX;
    if (r->journal) {
        ptrdiff_t k = ms_journal_file_read(r->journal, buf, cap, err);
        r->done = k <= 0;
        return k;
    }
    if (!r->ops)
        return read_plain(r, buf, cap, err);
    for (;;) {
        if (r->in_pos == r->in_len && !r->in_eof && fill(r, err) < 0) {
            r->done = true;
            return -1;
        }
        ms_codec_io io = {
            .in = r->in + r->in_pos, .in_len = r->in_len - r->in_pos,
            .in_eof = r->in_eof, .out = buf, .out_cap = cap,
        };
        const char *why = "invalid data";
        ms_dec_status st = r->ops->decode(r->state, &io, &why);
        size_t used = (size_t)(io.in - (r->in + r->in_pos));
        r->in_pos += used;
        r->raw_off += used;
        switch (st) {
        case MS_DEC_MORE:
            if (io.out_len)
                return (ptrdiff_t)io.out_len;
            continue;
        case MS_DEC_END:
            r->done = true;
            return (ptrdiff_t)io.out_len;
        case MS_DEC_TRUNCATED:
            ms_fail(&r->pending, MS_ERR_DATA, "%s: truncated %s data at byte %llu",
                    r->name, ms_codec_name(r->codec),
                    (unsigned long long)r->raw_off);
            break;
        case MS_DEC_CORRUPT:
            ms_fail(&r->pending, MS_ERR_DATA,
                    "%s: corrupt %s data at byte %llu (%s)", r->name,
                    ms_codec_name(r->codec), (unsigned long long)r->raw_off, why);
            break;
        }
        if (io.out_len)
            return (ptrdiff_t)io.out_len;
        return decode(r, buf, cap, err);
    }
}

/* Read more decoded bytes onto the end of dec; at the end or on an error
 * dec_eof is set (the error kept in late). */
static void decode_more(ms_reader *r, size_t want)
{
    if (ms_buf_reserve(&r->dec, want) < 0) {
        ms_fail(&r->late, MS_ERR_NOMEM, "%s: out of memory", r->name);
        r->dec_eof = true;
        return;
    }
    ptrdiff_t k = decode(r, r->dec.p + r->dec.n, r->dec.cap - r->dec.n,
                         &r->late);
    if (k <= 0)
        r->dec_eof = true;
    else
        r->dec.n += (size_t)k;
}

ptrdiff_t ms_reader_peek(ms_reader *r, size_t want, const char **p,
                         ms_error *err)
{
    while (r->dec.n - r->dec_pos < want && !r->dec_eof)
        decode_more(r, want - (r->dec.n - r->dec_pos));
    if (r->late.code == MS_ERR_NOMEM) {
        if (err)
            *err = r->late;
        return -1;
    }
    size_t n = r->dec.n - r->dec_pos;
    *p = r->dec.p ? r->dec.p + r->dec_pos : "";
    return (ptrdiff_t)(n < want ? n : want);
}

/* Up to cap bytes of b from *pos on into buf (some are left). */
static ptrdiff_t serve(const ms_buf *b, size_t *pos, char *buf, size_t cap)
{
    size_t n = b->n - *pos;
    if (n > cap)
        n = cap;
    memcpy(buf, b->p + *pos, n);
    *pos += n;
    return (ptrdiff_t)n;
}

/* What dec holds first, then the held-back error, then the decoder. */
static ptrdiff_t decoded(ms_reader *r, char *buf, size_t cap, ms_error *err)
{
    if (r->dec_pos < r->dec.n)
        return serve(&r->dec, &r->dec_pos, buf, cap);
    if (r->late.code != MS_OK) {
        if (err)
            *err = r->late;
        r->late.code = MS_OK;
        return -1;
    }
    return r->dec_eof ? 0 : decode(r, buf, cap, err);
}

static ptrdiff_t read_unwrapped(ms_reader *r, char *buf, size_t cap,
                                ms_error *err)
{
    while (r->out_pos == r->out.n) {
        r->out.n = r->out_pos = 0;
        if (r->dec_eof && r->dec_pos == r->dec.n)
            return decoded(r, buf, cap, err);
        if (!r->dec_eof && r->dec.n - r->dec_pos < MS_UNWRAP_MAX) {
            if (r->dec_pos) {
                memmove(r->dec.p, r->dec.p + r->dec_pos, r->dec.n - r->dec_pos);
                r->dec.n -= r->dec_pos;
                r->dec_pos = 0;
            }
            decode_more(r, UNWRAP_CHUNK);
        }
        size_t n = r->dec.n - r->dec_pos;
        size_t used = r->uw->feed(r->uw_state, r->dec.p + r->dec_pos, n,
                                  r->dec_eof, &r->out);
        r->dec_pos += r->dec_eof ? n : used;
        if (r->out.failed)
            return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", r->name);
    }
    return serve(&r->out, &r->out_pos, buf, cap);
}

ptrdiff_t ms_reader_read(ms_reader *r, char *buf, size_t cap, ms_error *err)
{
    if (cap == 0)
        return 0;
    if (cap > PTRDIFF_MAX)
        cap = PTRDIFF_MAX;
    return r->uw ? read_unwrapped(r, buf, cap, err) : decoded(r, buf, cap, err);
}

int ms_reader_unwrap(ms_reader *r, const ms_unwrap_ops *ops, ms_error *err)
{
    if (!(r->uw_state = ops->init()))
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", r->name);
    r->uw = ops;
    return 0;
}

const char *ms_reader_framing(const ms_reader *r)
{
    return r->uw ? r->uw->name : NULL;
}

ms_codec ms_reader_codec(const ms_reader *r) { return r->codec; }
int64_t ms_reader_mtime(const ms_reader *r) { return r->mtime; }
uint64_t ms_reader_raw_offset(const ms_reader *r) { return r->raw_off; }
uint64_t ms_reader_raw_size(const ms_reader *r) { return r->raw_size; }

void ms_reader_close(ms_reader *r)
{
    if (!r)
        return;
    if (r->keep && r->kept_len) {
        /* What it read goes back in front of what it had not read yet. */
        size_t rest = stdin_back.len - stdin_back.pos;
        char *p = realloc(r->kept, r->kept_len + rest);
        if (p) {
            if (rest)
                memcpy(p + r->kept_len, stdin_back.buf + stdin_back.pos, rest);
            free(stdin_back.buf);
            stdin_back.buf = p;
            stdin_back.pos = 0;
            stdin_back.len = r->kept_len + rest;
            r->kept = NULL;
        }
    }
    free(r->kept);
    ms_buf_free(&r->dec);
    ms_buf_free(&r->out);
    if (r->uw)
        r->uw->free(r->uw_state);
    if (r->state)
        r->ops->free(r->state);
    ms_journal_file_close(r->journal);
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    free(r->in);
    free(r->name);
    free(r);
}
