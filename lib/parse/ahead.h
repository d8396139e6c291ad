/* ahead.h — a helper thread for a file's scan, when a core is spare: it
 * runs the prefilter of a block's chunks ahead of the walk and, with no
 * chunk to scan, reads the input ahead.
 *
 * The block way of scan.c runs the prefilter (one Hyperscan scan) over a
 * chunk, then walks the chunk's lines. The scan is a third of the work and
 * needs nothing from the walk, so the helper scans the chunks ahead of the
 * walk, into a few slots of its own (each with a prefilter scratch), while
 * the caller walks earlier chunks. Either side takes the next chunk not yet
 * taken: a caller that finds its chunk untouched scans it itself rather
 * than wait. A slot is used again only after the caller is done with the
 * chunk it held, and the block's memory is left alone once ms_ahead_end
 * returns. The hits are the ones ms_prefilter_scan gives; only who
 * computes them changes.
 *
 * With no chunk free, the helper fills the next slot of the file's lines
 * (ms_lines_step; made with `helped`, they have no thread of their own), so
 * a compressed file takes two threads, not three: a third runnable thread
 * on two cores cost the walk more than the work it took over. When the
 * ring is full it waits; a new block (the reading gave back a slot to get
 * it) sends it reading again. */
#ifndef MS_AHEAD_H
#define MS_AHEAD_H

#include <stddef.h>

#include "input/lines.h"
#include "parse/prefilter.h"

typedef struct ms_ahead ms_ahead;

/* A helper for the chunks of the blocks of l (read ahead by the helper
 * until ms_ahead_free; l outlives a). NULL when a thread or memory cannot
 * be had (scan alone, then). */
ms_ahead *ms_ahead_new(ms_prefilter *p, int coverage, ms_lines *l);
void ms_ahead_free(ms_ahead *a);

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
