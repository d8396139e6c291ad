/* prefilter.h — the scan's block prefilter: every key of every row found in
 * one Hyperscan pass over a buffer of whole lines.
 *
 * A key is a row's literal (one key per distinct literal) or, for a row
 * that can yield an event without a literal, its pattern in Hyperscan's
 * prefilter mode (prefilter_form.h). recognizer.c gives the keys, in row
 * order, and keeps which rows use which; here they become a database, the
 * keys alone and, compiled on the first scan that asks, the same keys with
 * the coverage words after them (caseless, keys of no row). A database is
 * taken from the blob compiled ahead (prebuilt.h) when it holds one for
 * exactly these keys. Hits come back as end offsets, ascending, with their
 * key. Each thread scans with a scratch of its own; the prefilter is
 * read-only once compiled (but for the coverage database, made under its
 * lock). Built without Hyperscan, there is no prefilter: ms_prefilter_new
 * gives NULL. */
#ifndef MS_PREFILTER_H
#define MS_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct ms_prefilter ms_prefilter;
typedef struct ms_prefilter_scratch ms_prefilter_scratch;

/* Words that make an unrecognised line "look like authentication" for the
 * coverage summary (matched without regard to case); NULL-terminated. */
extern const char *const ms_coverage_words[];

/* An empty prefilter; blob (n bytes, prebuilt.h, may be NULL) must outlive
 * it. NULL without Hyperscan, on a CPU it does not run on, or without
 * memory. */
ms_prefilter *ms_prefilter_new(const void *blob, size_t n);
void ms_prefilter_free(ms_prefilter *p);

/* The key of a literal of n bytes (the same key for the same literal), or
 * -1 when memory ran out. */
int ms_prefilter_literal(ms_prefilter *p, const char *lit, size_t n);

/* A new key for a row's pattern, in the form Hyperscan takes (its last
 * group alone when that compiles, else the whole); -1 when neither does. */
int ms_prefilter_pattern(ms_prefilter *p, const char *pattern);

/* After the last key: the database. 0, or -1 (too many keys, or it does
 * not compile). */
int ms_prefilter_compile(ms_prefilter *p);

/* Every key: the rows' and the coverage words after them. */
size_t ms_prefilter_nkeys(const ms_prefilter *p);

/* 1 when one of keys[0 .. n) is a coverage word. */
int ms_prefilter_coverage(const ms_prefilter *p, const uint16_t *keys,
                          size_t n);

/* Append both databases to out in the form prebuilt.h files them: 0
 * (nothing appended when there is no key, or the coverage database cannot
 * be compiled), or -1 when one cannot be serialized. */
int ms_prefilter_export(ms_prefilter *p, ms_buf *out);

/* One thread's scratch and hit arrays; NULL without memory. */
ms_prefilter_scratch *ms_prefilter_scratch_new(ms_prefilter *p);
void ms_prefilter_scratch_free(ms_prefilter_scratch *s);

typedef struct ms_hits {
    const uint32_t *end;    /* offset just past the hit, ascending */
    const uint16_t *key;
    size_t n;
} ms_hits;

/* Every key hit in text[0 .. len) into *hits (valid until the next scan
 * with s). coverage: the coverage words are keys too, so lines that only
 * look like authentication are not skipped. -1 when len is 4 GiB or more,
 * the coverage database cannot be had, or memory ran out. */
int ms_prefilter_scan(ms_prefilter_scratch *s, const char *text, size_t len,
                      int coverage, ms_hits *hits);

#endif
