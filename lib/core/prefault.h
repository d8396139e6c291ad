/* prefault.h — map fresh memory in before it is written.
 *
 * The first write to each page of new memory traps into the kernel; on a
 * virtual machine that trap can cost several microseconds a page (3 µs
 * measured here, docs/PERFORMANCE.md). Memory that is about to be filled
 * anyway is cheaper to map in one call: Linux's MADV_POPULATE_WRITE (5.14
 * and later). Elsewhere, or when it fails, this does nothing and the
 * pages fault in as usual. */
#ifndef MS_PREFAULT_H
#define MS_PREFAULT_H

#include <stddef.h>

/* The whole pages inside p[0 .. n). */
void ms_prefault(void *p, size_t n);

#endif
