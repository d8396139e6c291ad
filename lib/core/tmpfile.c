/* tmpfile.c — see tmpfile.h. */
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ms_tmpfile(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#else
    int fd = -1;
    errno = EOPNOTSUPP;
#endif
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    /* No O_TMPFILE here: a named file, unlinked at once. */
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
    return fd;
}

int ms_write_at(int fd, const void *p, size_t n, uint64_t off)
{
    const char *c = p;
    if (off > (uint64_t)INT64_MAX || n > (uint64_t)INT64_MAX - off) {
        errno = EFBIG;
        return -1;
    }
    while (n) {
        size_t k = n < ((size_t)1 << 20) ? n : (size_t)1 << 20;
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

int ms_read_at(int fd, void *p, size_t n, uint64_t off)
{
    char *c = p;
    while (n) {
        size_t k = n < ((size_t)1 << 30) ? n : (size_t)1 << 30;
        ssize_t r = pread(fd, c, k, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 1;
        c += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}
