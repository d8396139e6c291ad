/* prefilter_blob.h — the built-in recognisers' prefilter databases,
 * compiled by the build (cmd/gen_prefilter_blob.c writes
 * prefilter_blob.c into the build folder); see lib/parse/prebuilt.h. */
#ifndef MS_PREFILTER_BLOB_H
#define MS_PREFILTER_BLOB_H

#include <stddef.h>

extern const unsigned char ms_prefilter_blob[];
extern const size_t ms_prefilter_blob_size;

#endif
