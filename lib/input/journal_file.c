/* journal_file.c — a systemd journal file as lines (see journal_file.h).
 *
 * libsystemd opens the one file on the reader's descriptor
 * (sd_journal_open_files_fd) and walks its entries with sd_journal_next;
 * for each, the fields a line needs are copied out as they are enumerated
 * (a value stays valid only until the next call) and the line is made
 * (journal_text.h) and handed out. The data threshold is raised to
 * MS_UNWRAP_MAX so long messages are not cut (the line reader cuts them at
 * its own limit).
 *
 * Truncation: libsystemd refuses a file shorter than its header's
 * header_size + arena_size (little-endian at bytes 88 and 96) with ENODATA,
 * and inside a file it stops quietly where objects stop being readable. So
 * the header is read here: a truncated file is copied to a temporary file
 * (in $TMPDIR or /tmp, unlinked as soon as libsystemd has opened it) whose
 * header claims only the bytes there are, libsystemd reads the entries it
 * can from that, and the truncation is reported after them. */
#include "input/journal_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "core/buf.h"
#include "input/journal_text.h"
#include "input/reader.h"

/* Header fields, little-endian: offsets in the file. */
#define H_HEADER_SIZE 88
#define H_ARENA_SIZE 96
#define H_TAIL_OBJECT 136
#define HEADER_MIN 144

struct ms_journal_file {
    sd_journal *j;
    int copy;             /* the patched copy of a truncated file, or -1 */
    char *name;
    uint64_t size, want;  /* the file's size; what its header wants it to be */
    uint64_t entries;     /* handed out so far */
    ms_buf line;          /* the current entry's line: line.p[pos .. n) */
    size_t pos;
    ms_buf vals;          /* its field values */
    bool done;            /* no entry follows */
    ms_error late;        /* why, when not the end: told after the lines */
};

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int put_le64(int fd, uint64_t v, off_t at)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return pwrite(fd, b, 8, at) == 8 ? 0 : -1;
}

/* A copy of the size bytes on fd, header h, whose arena ends where the
 * bytes do (and whose tail object lies inside it), in *path (unlinked by
 * the caller once libsystemd has it open: it refuses a file that has no
 * name); -1 if none was made. */
static int patched_copy(int fd, uint64_t size, const unsigned char *h,
                        char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, cap, "%s/mailsleuth-journal-XXXXXX", dir && *dir ? dir : "/tmp");
    int c = mkostemp(path, O_CLOEXEC);
    if (c < 0)
        return -1;
    off_t at = 0;
    while ((uint64_t)at < size) {
        ssize_t k = sendfile(c, fd, &at, size - (uint64_t)at);
        if (k <= 0 && !(k < 0 && errno == EINTR))
            break;
    }
    uint64_t hs = le64(h + H_HEADER_SIZE), end = hs + ((size - hs) & ~UINT64_C(7));
    if ((uint64_t)at != size ||
        put_le64(c, end - hs, H_ARENA_SIZE) < 0 ||
        (le64(h + H_TAIL_OBJECT) > end && put_le64(c, hs, H_TAIL_OBJECT) < 0)) {
        unlink(path);
        close(c);
        return -1;
    }
    return c;
}

/* Whether the file is shorter than its header says, and then how, in t. */
static bool truncated(const ms_journal_file *j, char *t, size_t cap)
{
    if (j->size >= j->want)
        return false;
    if (j->want == HEADER_MIN)
        snprintf(t, cap, "truncated journal file (%llu bytes, no whole header)",
                 (unsigned long long)j->size);
    else
        snprintf(t, cap, "truncated journal file (%llu of %llu bytes)",
                 (unsigned long long)j->size, (unsigned long long)j->want);
    return true;
}

ms_journal_file *ms_journal_file_open(int fd, const char *name, ms_error *err)
{
    ms_journal_file *j = calloc(1, sizeof *j);
    if (!j || !(j->name = strdup(name))) {
        free(j);
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    j->copy = -1;
    char copy[4096] = "";
    unsigned char h[HEADER_MIN];
    struct stat st;
    if (fstat(fd, &st) == 0) {
        j->size = (uint64_t)st.st_size;
        if (pread(fd, h, sizeof h, 0) == (ssize_t)sizeof h) {
            uint64_t hs = le64(h + H_HEADER_SIZE), arena = le64(h + H_ARENA_SIZE);
            j->want = hs + arena < hs ? UINT64_MAX : hs + arena;
            if (j->size < j->want && j->size > hs && hs >= HEADER_MIN &&
                (j->copy = patched_copy(fd, j->size, h, copy, sizeof copy)) >= 0)
                fd = j->copy;
        } else {
            j->want = HEADER_MIN;   /* not even a header */
        }
    }
    int rc = sd_journal_open_files_fd(&j->j, &fd, 1, 0);
    if (j->copy >= 0)
        unlink(copy);
    if (rc < 0) {
        /* Truncation is the reason when libsystemd says so (ENODATA), or
         * when not even the header is there; else the header is garbage. */
        char t[96];
        if ((rc == -ENODATA || j->want == HEADER_MIN) && truncated(j, t, sizeof t))
            ms_fail(err, MS_ERR_DATA, "%s: %s", name, t);
        else
            ms_fail(err, MS_ERR_DATA, "%s: unreadable journal file: %s", name,
                    strerror(-rc));
        ms_journal_file_close(j);
        return NULL;
    }
    sd_journal_set_data_threshold(j->j, MS_UNWRAP_MAX);
    return j;
}

/* The current entry's line into j->line. */
static int make_line(ms_journal_file *j, ms_error *err)
{
    ms_journal_entry e = {0};
    size_t off[MS_JF_N];
    for (int k = 0; k < MS_JF_N; k++)
        off[k] = SIZE_MAX;
    j->vals.n = 0;
    const void *d;
    size_t l;
    sd_journal_restart_data(j->j);
    while (sd_journal_enumerate_available_data(j->j, &d, &l) > 0) {
        const char *eq = memchr(d, '=', l);
        int k = eq ? ms_journal_field(d, (size_t)(eq - (const char *)d)) : -1;
        if (k < 0 || off[k] != SIZE_MAX)
            continue;   /* a field given twice: the first value */
        off[k] = j->vals.n;
        e.len[k] = l - (size_t)(eq + 1 - (const char *)d);
        ms_buf_add(&j->vals, eq + 1, e.len[k]);
    }
    for (int k = 0; k < MS_JF_N; k++)
        if (off[k] != SIZE_MAX)
            e.v[k] = j->vals.p ? j->vals.p + off[k] : "";
    uint64_t usec;
    if (sd_journal_get_realtime_usec(j->j, &usec) < 0)
        usec = MS_JOURNAL_NO_TIME;
    j->line.n = j->pos = 0;
    ms_journal_line(&j->line, usec, &e);
    if (j->vals.failed || j->line.failed) {
        j->line.n = 0;
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", j->name);
    }
    return 0;
}

/* The next entry's line into j->line: 1, or 0 at the end (done set; the
 * damage or truncation found there, if any, in j->late). */
static int next_entry(ms_journal_file *j)
{
    int rc = sd_journal_next(j->j);
    char t[96];
    if (rc > 0 && make_line(j, &j->late) == 0) {
        j->entries++;
        return 1;
    }
    j->done = true;
    if (rc > 0)
        return 0;   /* out of memory: make_line said so */
    if (truncated(j, t, sizeof t))
        ms_fail(&j->late, MS_ERR_DATA, "%s: %s after %llu entries", j->name, t,
                (unsigned long long)j->entries);
    else if (rc < 0)
        ms_fail(&j->late, MS_ERR_DATA,
                "%s: damaged journal file after %llu entries: %s", j->name,
                (unsigned long long)j->entries, strerror(-rc));
    return 0;
}

ptrdiff_t ms_journal_file_read(ms_journal_file *j, char *buf, size_t cap,
                               ms_error *err)
{
    size_t got = 0;
    while (got < cap) {
        if (j->pos == j->line.n && (j->done || !next_entry(j)))
            break;
        size_t n = j->line.n - j->pos;
        if (n > cap - got)
            n = cap - got;
        memcpy(buf + got, j->line.p + j->pos, n);
        j->pos += n;
        got += n;
    }
    if (got || j->late.code == MS_OK)
        return (ptrdiff_t)got;
    if (err)
        *err = j->late;
    j->late.code = MS_OK;
    return -1;
}

void ms_journal_file_close(ms_journal_file *j)
{
    if (!j)
        return;
    sd_journal_close(j->j);
    if (j->copy >= 0)
        close(j->copy);
    ms_buf_free(&j->line);
    ms_buf_free(&j->vals);
    free(j->name);
    free(j);
}
