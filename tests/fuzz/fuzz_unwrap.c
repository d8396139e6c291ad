/* fuzz_unwrap.c — the unwrapping filters (parse/container.h,
 * input/journal_text.h) and their detection through a reader
 * (parse/frame.h) on arbitrary bytes.
 *
 * The first byte picks a filter and the size of the pieces the rest is fed
 * in. Checks: a feed never consumes more than it was given and consumes
 * everything at the end; the lines come out whole (the output, if any,
 * ends in '\n'); they do not depend on how the input was cut (fed whole
 * gives the same bytes); the output stays within a bound of the input; and
 * a reader on the input as a file, with the wrapping ms_frame_attach picks,
 * reads to the end, or to a damaged archive's MS_ERR_DATA. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "input/journal_text.h"
#include "parse/container.h"
#include "parse/frame.h"
#include "../unit/unwrap_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ms_unwrap_ops *const filters[] = {
    &ms_unwrap_docker_json, &ms_unwrap_cri, &ms_unwrap_compose,
    &ms_unwrap_stamped, &ms_unwrap_journal_json, &ms_unwrap_journal_export,
};
#define NFILTERS (sizeof filters / sizeof *filters)

static ms_buf run(const ms_unwrap_ops *ops, const char *in, size_t n,
                  size_t step)
{
    ms_buf out = {0};
    FZ_CHECK(unwrap_in_steps(ops, in, n, step, &out) == 0);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const ms_unwrap_ops *ops = filters[data[0] % NFILTERS];
    size_t step = 1 + data[0] / NFILTERS % 17;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    ms_buf a = run(ops, in, n, step), b = run(ops, in, n, n ? n : 1);
    FZ_CHECK(a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0));
    FZ_CHECK(a.n <= 2 * n + 128 * (n + 1) / 2);
    ms_buf_free(&a);
    ms_buf_free(&b);

    ms_error err = {0};
    ms_reader *r = ms_reader_open(fz_file(data + 1, n), "fuzz", &err);
    FZ_CHECK(r);
    FZ_CHECK(ms_frame_attach(r, &err) == 0);
    char buf[4096];
    ptrdiff_t k;
    while ((k = ms_reader_read(r, buf, 1 + data[0] % sizeof buf, &err)) > 0)
        ;
    FZ_CHECK(k == 0 || err.code == MS_ERR_DATA);
    ms_reader_close(r);
    return 0;
}
