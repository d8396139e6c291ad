/* rand_harness.h — a small, fast, seeded generator for the tests' random
 * data (xorshift64): the same seed gives the same data on every run. */
#ifndef RAND_HARNESS_H
#define RAND_HARNESS_H

#include <stdint.h>

static inline uint64_t xorshift64(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#endif
