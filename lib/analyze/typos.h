/* typos.h — when a failed username is a slip of another name.
 *
 * ms_near_miss is the rule (docs/ARCHITECTURE.md, "Honest failures and
 * verdicts"): two names are near misses when, ignoring ASCII case, their
 * local parts (before the first '@') are equal or equal once dots are
 * dropped and they have the same domain or one has none (a dropped
 * domain), or the same local part with another domain, or the local parts
 * are within a Damerau-Levenshtein distance (adjacent transpositions) of
 * 1 when the shorter has 3 to 5 bytes, 2 when it has 6 or more, with the
 * same domain or one missing. Local parts under 3 bytes or over
 * MS_TYPO_MAX_LEN are compared for equality only. Bytes are compared as
 * bytes, so invalid UTF-8 is harmless. The distance is computed in a band
 * of width 2 around the diagonal and given up as soon as a row exceeds
 * the threshold: at most 5 cells a byte.
 *
 * ms_typo_index finds, among many names (the --users list), one that a
 * name is a near miss of, without comparing it with each: every local
 * part is indexed under itself, its dot-less form and every form with one
 * byte deleted (two for local parts of 6 or more), so two names within
 * the threshold share a key; candidates are then checked with
 * ms_near_miss. */
#ifndef MS_TYPOS_H
#define MS_TYPOS_H

#include <stddef.h>
#include <stdint.h>

#include "core/intern.h"
#include "core/u64map.h"

#define MS_TYPO_MAX_LEN 64

int ms_near_miss(const char *a, size_t an, const char *b, size_t bn);

/* The edit threshold for a local part of n bytes (0: equality only). */
unsigned ms_typo_edits(size_t n);

typedef struct ms_typo_index {
    const ms_intern *names;
    ms_u64map keys;          /* key hash -> name id + 1 */
} ms_typo_index;

/* Index every name of t (kept by reference); -1 when memory ran out. */
int ms_typo_index_init(ms_typo_index *x, const ms_intern *t);
void ms_typo_index_free(ms_typo_index *x);

/* The id in x->names of a name that s is a near miss of (s itself is
 * never one of them), or UINT32_MAX. */
uint32_t ms_typo_index_find(const ms_typo_index *x, const char *s, size_t n);

#endif
