/* test_prefault.c — core/prefault.h: the whole pages of a range are mapped
 * in (where the kernel has MADV_POPULATE_WRITE), the partial pages at its
 * ends are left alone, and odd ranges are harmless. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/prefault.h"

static size_t resident(unsigned char *p, size_t pages)
{
    unsigned char vec[64];
    assert_true(pages <= sizeof vec);
    assert_int_equal(mincore(p, pages * (size_t)sysconf(_SC_PAGESIZE), vec), 0);
    size_t n = 0;
    for (size_t i = 0; i < pages; i++)
        n += vec[i] & 1;
    return n;
}

static void test_maps_whole_pages(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *p = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    assert_int_equal(resident(p, 16), 0);
    /* From the middle of page 1 to the middle of page 9: pages 2..8. */
    ms_prefault(p + page + page / 2, 8 * page);
#ifdef MADV_POPULATE_WRITE
    if (madvise(p, page, MADV_POPULATE_WRITE) == 0) {   /* the kernel has it */
        assert_int_equal(resident(p + 2 * page, 7), 7);
        assert_int_equal(resident(p + page, 1), 0);
        assert_int_equal(resident(p + 9 * page, 7), 0);
    }
#endif
    for (size_t i = 0; i < 16 * page; i++)
        assert_int_equal(p[i], 0);   /* mapped in, still zero */
    munmap(p, 16 * page);
}

static void test_odd_ranges(void **state)
{
    (void)state;
    char small[100];
    memset(small, 1, sizeof small);
    ms_prefault(small, sizeof small);   /* no whole page: nothing */
    ms_prefault(small, 0);
    ms_prefault(NULL, 0);
    for (size_t i = 0; i < sizeof small; i++)
        assert_int_equal(small[i], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_whole_pages),
        cmocka_unit_test(test_odd_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
