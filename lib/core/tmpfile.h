/* tmpfile.h — nameless temporary files for data that does not fit in
 * memory, and whole reads and writes at an offset.
 *
 * ms_tmpfile opens a file in dir with O_TMPFILE, else creates one with
 * mkostemp and unlinks it at once: only the descriptor names it, so
 * nothing is left behind even on a crash.
 *
 * ms_tmpfile_direct turns direct I/O (O_DIRECT) on or off, where the
 * filesystem allows it, for a file moved in large pieces: gigabytes
 * written once and read back once gain nothing from the page cache, and
 * on a virtual machine whose host backs guest memory lazily, copying them
 * through it costs more than the disk (PERFORMANCE.md); small pieces, and
 * pieces read twice, are cheaper through the page cache. ms_write_at and
 * ms_read_at take any offset, length and buffer: on a direct file what
 * is not aligned to MS_TMPFILE_ALIGN goes through an aligned bounce
 * buffer (a write into a partly covered block reads that block first), so
 * the file's size may be rounded up past the last byte written; a buffer,
 * offset and length all aligned go straight. When the filesystem refuses
 * a direct transfer (EINVAL), the file goes back to the page cache.
 * Writes to one file must come from one thread at a time and not beside
 * its reads; reads may be concurrent, but not beside ms_tmpfile_direct.
 * The transfers loop over short ones and EINTR; writes go 1 MiB a call
 * (one 64 MiB pwrite took ten times the system time on ext4). */
#ifndef MS_TMPFILE_H
#define MS_TMPFILE_H

#include <stddef.h>
#include <stdint.h>

#define MS_TMPFILE_ALIGN 4096    /* buffers, offsets, lengths that go straight */

/* A descriptor open for reading and writing, or -1 with errno set. */
int ms_tmpfile(const char *dir);

/* n bytes at off: 0, or -1 with errno set (ENOSPC for a write that made
 * no progress, EFBIG past the largest offset). */
int ms_write_at(int fd, const void *p, size_t n, uint64_t off);

/* n bytes at off: 0, -1 with errno set, or 1 when the file ended first. */
int ms_read_at(int fd, void *p, size_t n, uint64_t off);

/* Direct I/O on fd on (where allowed) or off. */
void ms_tmpfile_direct(int fd, int on);

/* n bytes aligned to MS_TMPFILE_ALIGN (free with free), for buffers that
 * go straight; NULL when out of memory. */
void *ms_tmpfile_buf(size_t n);

#endif
