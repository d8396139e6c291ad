/* recsort.h — sort fixed-size records in memory with a comparator that
 * takes a context (qsort_r's contract, everywhere): the runs of
 * core/extsort.h. Not stable; no allocation; O(n log n) at worst. */
#ifndef MS_RECSORT_H
#define MS_RECSORT_H

#include <stddef.h>

/* <0, 0, >0 like memcmp. */
typedef int (*ms_recsort_cmp)(const void *a, const void *b, void *ctx);

/* Sort n records of size bytes at base. */
void ms_recsort(void *base, size_t n, size_t size, ms_recsort_cmp cmp,
                void *ctx);

#endif
