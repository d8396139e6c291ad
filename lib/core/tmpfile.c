/* tmpfile.c — see tmpfile.h. */
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALIGN ((size_t)MS_TMPFILE_ALIGN)
#define STEP ((size_t)1 << 20)          /* bytes a write (and a bounce) at most */
#define READ_STEP ((size_t)1 << 30)     /* bytes a read at most */

int ms_tmpfile(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
    int fd = -1;
    errno = EOPNOTSUPP;
#endif
    if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return fd;
    if (fd < 0) {   /* no O_TMPFILE here: a named file, unlinked at once */
        size_t n = strlen(dir);
        static const char tail[] = "/mailsleuth-tmp-XXXXXX";
        char *path = malloc(n + sizeof tail);
        if (!path)
            return -1;
        memcpy(path, dir, n);
        memcpy(path + n, tail, sizeof tail);
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0 && unlink(path) != 0) {
            int e = errno;
            close(fd);
            fd = -1;
            errno = e;
        }
        free(path);
    }
    return fd;
}

void *ms_tmpfile_buf(size_t n)
{
    size_t r = n ? (n + ALIGN - 1) / ALIGN * ALIGN : ALIGN;
    return r < n ? NULL : aligned_alloc(ALIGN, r);
}

static int is_direct(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && (fl & O_DIRECT);
}

void ms_tmpfile_direct(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT);
}

/* n bytes at off, STEP a call: 0, or -1 with errno set. */
static int put(int fd, const char *c, size_t n, uint64_t off)
{
    while (n) {
        size_t k = n < STEP ? n : STEP;
        ssize_t w = pwrite(fd, c, k, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        c += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* Up to n bytes at off: the bytes read before the file ended, or -1. */
static ssize_t get(int fd, char *c, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        size_t k = n - got < READ_STEP ? n - got : READ_STEP;
        ssize_t r = pread(fd, c + got, k, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Whether p, off and n (at least a block) can go straight. */
static int straight(const char *p, size_t n, uint64_t off)
{
    return off % ALIGN == 0 && (uintptr_t)p % ALIGN == 0 && n >= ALIGN;
}

/* The block at off into b, zeros past the file's end: 0 or -1. */
static int fill_block(int fd, char *b, uint64_t off)
{
    ssize_t r = get(fd, b, ALIGN, off);
    if (r < 0)
        return -1;
    memset(b + r, 0, ALIGN - (size_t)r);
    return 0;
}

static int write_direct(int fd, const char *p, size_t n, uint64_t off)
{
    char *b = NULL;
    int rc = 0;
    while (n && rc == 0) {
        if (straight(p, n, off)) {
            size_t k = n - n % ALIGN;
            rc = put(fd, p, k, off);
            p += k, n -= k, off += k;
            continue;
        }
        if (!b && !(b = ms_tmpfile_buf(STEP)))
            return -1;
        uint64_t at = off - off % ALIGN;
        size_t head = (size_t)(off - at);
        size_t k = n < STEP - head ? n : STEP - head;
        size_t span = (head + k + ALIGN - 1) / ALIGN * ALIGN;
        /* Blocks partly covered keep the bytes around the new ones. */
        if (head && fill_block(fd, b, at))
            rc = -1;
        else if ((head + k) % ALIGN && (span > ALIGN || !head) &&
                 fill_block(fd, b + span - ALIGN, at + span - ALIGN))
            rc = -1;
        else {
            memcpy(b + head, p, k);
            rc = put(fd, b, span, at);
        }
        p += k, n -= k, off += k;
    }
    int e = errno;
    free(b);
    errno = e;
    return rc;
}

static int read_direct(int fd, char *p, size_t n, uint64_t off)
{
    char *b = NULL;
    int rc = 0;
    while (n && rc == 0) {
        uint64_t at = off - off % ALIGN;
        size_t head = (size_t)(off - at), k, need;
        ssize_t r;
        if (straight(p, n, off)) {
            k = need = n - n % ALIGN;
            r = get(fd, p, k, off);
        } else {
            if (!b && !(b = ms_tmpfile_buf(STEP)))
                return -1;
            k = n < STEP - head ? n : STEP - head;
            need = head + k;
            r = get(fd, b, (need + ALIGN - 1) / ALIGN * ALIGN, at);
            if (r >= 0 && (size_t)r >= need)
                memcpy(p, b + head, k);
        }
        if (r < 0)
            rc = -1;
        else if ((size_t)r < need)
            rc = 1;
        p += k, n -= k, off += k;
    }
    int e = errno;
    free(b);
    errno = e;
    return rc;
}

int ms_write_at(int fd, const void *p, size_t n, uint64_t off)
{
    if (off > (uint64_t)INT64_MAX - ALIGN ||
        n > (uint64_t)INT64_MAX - ALIGN - off) {
        errno = EFBIG;
        return -1;
    }
    if (is_direct(fd)) {
        if (write_direct(fd, p, n, off) == 0)
            return 0;
        if (errno != EINVAL)
            return -1;
        ms_tmpfile_direct(fd, 0);   /* the filesystem refuses direct transfers */
    }
    return put(fd, p, n, off);
}

int ms_read_at(int fd, void *p, size_t n, uint64_t off)
{
    if (is_direct(fd)) {
        int rc = read_direct(fd, p, n, off);
        if (rc >= 0 || errno != EINVAL)
            return rc;
        ms_tmpfile_direct(fd, 0);
    }
    ssize_t r = get(fd, p, n, off);
    return r < 0 ? -1 : (size_t)r < n;
}
