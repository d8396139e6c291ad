/* prebuilt.h — Hyperscan databases compiled ahead of time, filed by the
 * exact keys they were compiled from.
 *
 * Compiling the prefilter's ~150 keys is most of a short run's start-up
 * (26 of 34 M instructions on a one-line file). The build compiles the
 * built-in keys once (cmd/gen_prefilter_blob.c) into a blob the CLI hands
 * to its recognisers; a database is taken from it only when its key is the
 * fingerprint of the very expressions and flags about to be compiled, and
 * only when this Hyperscan and this CPU accept it (another version, another
 * platform, a damaged copy: compiled as usual). Blob: entries of an 8-byte
 * key, an 8-byte size (both little-endian) and Hyperscan's serialized
 * database. */
#ifndef MS_PREBUILT_H
#define MS_PREBUILT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The fingerprint of n expressions with their flags, in order. */
uint64_t ms_prebuilt_key(const char *const *expr, const unsigned *flags,
                         size_t n);

/* The database filed under key in blob, deserialized and checked to scan
 * here (a hs_database_t the caller frees), or NULL. */
void *ms_prebuilt_find(const void *blob, size_t n, uint64_t key);

/* The keys filed in blob, in order, into keys[0 .. max): how many there
 * are (a cut last entry is not counted). */
size_t ms_prebuilt_keys(const void *blob, size_t n, uint64_t *keys,
                        size_t max);

/* File database db (a hs_database_t) under key at the end of out. 0, or -1
 * when it cannot be serialized or memory ran out. */
int ms_prebuilt_append(ms_buf *out, uint64_t key, const void *db);

#endif
