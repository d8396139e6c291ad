/* atomic.c — temp file + fsync + rename (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ms_atomic_open(ms_atomic *a, const char *path, ms_error *err)
{
    memset(a, 0, sizeof *a);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    size_t len = strlen(path);
    a->target = strdup(path);
    a->tmp = malloc(len + 16);
    if (!a->target || !a->tmp) {
        ms_atomic_abort(a);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    memcpy(a->tmp, path, dirlen);
    snprintf(a->tmp + dirlen, len + 16 - dirlen, ".%s.XXXXXX", path + dirlen);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        ms_atomic_abort(a);
        return ms_fail(err, MS_ERR_IO, "%s: cannot create: %s", path,
                       strerror(e));
    }
    /* mkstemp makes 0600; results are meant to be shared like any file. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->fp = fdopen(fd, "w");
    if (!a->fp) {
        close(fd);
        ms_atomic_abort(a);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    setvbuf(a->fp, NULL, _IOFBF, 1 << 16);
    return 0;
}

int ms_atomic_open_path(ms_atomic *a, const char *path, ms_error *err)
{
    if (ms_atomic_open(a, path, err))
        return -1;
    if (fclose(a->fp) != 0) {
        int e = errno;
        a->fp = NULL;
        ms_fail(err, MS_ERR_IO, "%s: cannot create: %s", path, strerror(e));
        ms_atomic_abort(a);
        return -1;
    }
    a->fp = NULL;
    return 0;
}

/* The file written by name (ms_atomic_open_path) onto the disk. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int ms_atomic_commit(ms_atomic *a, ms_error *err)
{
    int bad, e;
    if (!a->fp) {
        bad = sync_path(a->tmp) != 0;
        e = errno;
    } else {
        bad = ferror(a->fp) || fflush(a->fp) != 0 || fsync(fileno(a->fp)) != 0;
        e = errno;
        if (fclose(a->fp) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
    }
    a->fp = NULL;
    if (!bad && rename(a->tmp, a->target) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        ms_fail(err, MS_ERR_IO, "%s: write failed: %s", a->target,
                strerror(e));
        ms_atomic_abort(a);
        return -1;
    }
    free(a->tmp);
    free(a->target);
    a->tmp = a->target = NULL;
    return 0;
}

void ms_atomic_abort(ms_atomic *a)
{
    if (a->fp)
        fclose(a->fp);
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    free(a->target);
    memset(a, 0, sizeof *a);
}
