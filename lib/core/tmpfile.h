/* tmpfile.h — nameless temporary files for data that does not fit in
 * memory, and whole reads and writes at an offset.
 *
 * ms_tmpfile opens a file in dir with O_TMPFILE, else creates one with
 * mkostemp and unlinks it at once: only the descriptor names it, so
 * nothing is left behind even on a crash. The reads and writes loop over
 * short transfers and EINTR; writes go 1 MiB a call (one 64 MiB pwrite took
 * ten times the system time on ext4). */
#ifndef MS_TMPFILE_H
#define MS_TMPFILE_H

#include <stddef.h>
#include <stdint.h>

/* A descriptor open for reading and writing, or -1 with errno set. */
int ms_tmpfile(const char *dir);

/* n bytes at off: 0, or -1 with errno set (ENOSPC for a write that made
 * no progress, EFBIG past the largest offset). */
int ms_write_at(int fd, const void *p, size_t n, uint64_t off);

/* n bytes at off: 0, -1 with errno set, or 1 when the file ended first. */
int ms_read_at(int fd, void *p, size_t n, uint64_t off);

#endif
