/* ahead.h — the prefilter of a block's chunks, run ahead in a second thread.
 *
 * The block way of scan.c runs the prefilter (one Hyperscan scan) over a
 * chunk, then walks the chunk's lines. The scan is a third of the work and
 * needs nothing from the walk, so when a core is spare a helper thread
 * scans the chunks ahead of the walk, into a few slots of its own (each
 * with a prefilter scratch), while the caller walks earlier
 * chunks. Either side takes the next chunk not yet taken: a caller that
 * finds its chunk untouched scans it itself rather than wait. A slot is
 * used again only after the caller is done with the chunk it held, and the
 * block's memory is left alone once ms_ahead_end returns. The hits are the
 * ones ms_prefilter_scan gives; only who computes them changes. */
#ifndef MS_AHEAD_H
#define MS_AHEAD_H

#include <stddef.h>

#include "parse/prefilter.h"

typedef struct ms_ahead ms_ahead;

/* NULL when a thread or memory cannot be had (scan alone, then). */
ms_ahead *ms_ahead_new(ms_prefilter *p, int coverage);
void ms_ahead_free(ms_ahead *a);

/* Give the helper other work for when no chunk is free to scan: idle(ctx)
 * returns 1 when it did some, 0 when there was none; ms_ahead_kick(a)
 * says some may have come. idle runs in the helper, without a's lock,
 * until ms_ahead_free. */
void ms_ahead_idle(ms_ahead *a, int (*idle)(void *), void *ctx);
void ms_ahead_kick(void *a);

/* A block of n chunks: chunk k is text[ends[k-1] .. ends[k]) (from 0 for
 * the first). text and ends stay unchanged until ms_ahead_end. */
void ms_ahead_begin(ms_ahead *a, const char *text, const size_t *ends,
                    size_t n);

/* The hits of chunk k, taken in order 0, 1, …: 0, or -1 when there are
 * none to give (walk the chunk line by line). Valid until ms_ahead_done. */
int ms_ahead_hits(ms_ahead *a, size_t k, ms_hits *hits);

/* The caller is done with chunk k's hits. */
void ms_ahead_done(ms_ahead *a, size_t k);

/* No chunk of the block is scanned after this returns. */
void ms_ahead_end(ms_ahead *a);

#endif
