/* test_campaigns_chance.c — the tests the campaign search holds steps and
 * members to (analyze/chance.h): Poisson and binomial tails at their
 * edges (a count of 0, a mean of 0, either side of the mode, far tails that
 * must not round to 0 or 1), the count two margins predict, and the
 * Benjamini-Hochberg cut (step-up, ties, no discovery) and the share of
 * chance among tests estimated from their p-values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "analyze/chance.h"

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * (fabs(want) > 1 ? fabs(want) : 1)) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

static void test_poisson_tail(void **state)
{
    (void)state;
    near(ms_poisson_tail(0, 0), 1);
    near(ms_poisson_tail(2.5, 0), 1);
    near(ms_poisson_tail(0, 1), 0);
    near(ms_poisson_tail(-1, 3), 0);
    near(ms_poisson_tail(NAN, 3), 0);
    near(ms_poisson_tail(1, 1), 1 - exp(-1));
    /* Either side of the mean, and at it. */
    near(ms_poisson_tail(3, 3), 1 - exp(-3) * (1 + 3 + 4.5));
    near(ms_poisson_tail(3, 4), 1 - exp(-3) * (1 + 3 + 4.5 + 4.5));
    near(ms_poisson_tail(0.5, 3), 0.014387677966970713);
    near(ms_poisson_tail(10, 5), 0.970747311923039);
    near(ms_poisson_tail(0.12, 2), 0.006649110876783659);
    /* A count far beyond its expectation is tiny, not 0. */
    double far = ms_poisson_tail(1e-3, 40);
    assert_true(far > 0 && far < 1e-160);
    near(log10(ms_poisson_tail(1, 100)), -158.39997718844901);
    /* A large mean: about one half at the mean. */
    assert_true(fabs(ms_poisson_tail(1000, 1000) - 0.5042) < 1e-3);
    double prev = 1;
    for (uint64_t k = 0; k < 30; k++) {
        double p = ms_poisson_tail(7.3, k);
        assert_true(p <= prev && p >= 0);
        prev = p;
    }
}

static void test_binomial_tail(void **state)
{
    (void)state;
    near(ms_binomial_tail(5, 0, 0.5), 1);
    near(ms_binomial_tail(5, 6, 0.5), 0);
    near(ms_binomial_tail(5, 1, 0), 0);
    near(ms_binomial_tail(5, 5, 1), 1);
    near(ms_binomial_tail(4, 4, 0.5), 0.0625);
    near(ms_binomial_tail(2, 1, 0.5), 0.75);
    near(ms_binomial_tail(5, 4, 0.5), 0.1875);
    near(ms_binomial_tail(10, 5, 0.5), 0.623046875);
    near(ms_binomial_tail(10, 3, 0.1), 0.07019082640000002);
    /* Millions of trials: no sum over all of them, and the right size. */
    assert_true(fabs(ms_binomial_tail(1000000, 500000, 0.5) - 0.5004) < 1e-3);
    assert_true(ms_binomial_tail(1000000, 600000, 0.5) < 1e-300);
    assert_true(ms_binomial_tail(1000000, 400000, 0.5) > 1 - 1e-12);
}

static void test_pair_expected(void **state)
{
    (void)state;
    near(ms_pair_expected(16, 16, 0), 0);
    near(ms_pair_expected(16, 16, 2100), 256.0 / 2100);
    near(ms_pair_expected(0, 9, 10), 0);
}

static void test_fdr_cut(void **state)
{
    (void)state;
    double a[] = {0.2, 0.04, 0.01, 0.03};
    /* Sorted 0.01 0.03 0.04 0.2 against 0.025 0.05 0.075 0.1. */
    near(ms_fdr_cut(a, 4, 4, 0.1), 0.04);
    double b[] = {0.01, 0.03, 0.04, 0.2};
    assert_true(ms_fdr_cut(b, 4, 40, 0.1) < 0);   /* more tests, none */
    /* Step-up: the first fails its own bound, the second carries it. */
    double c[] = {0.045, 0.04};
    near(ms_fdr_cut(c, 2, 2, 0.05), 0.045);
    double d[] = {1, 1, 1};
    assert_true(ms_fdr_cut(d, 3, 3, 0.1) < 0);
    assert_true(ms_fdr_cut(d, 0, 0, 0.1) < 0);
    double e[] = {0.001, 0.001, 0.001};
    near(ms_fdr_cut(e, 3, 3, 0.001), 0.001);   /* ties, at the bound */
}

static void test_null_share(void **state)
{
    (void)state;
    near(ms_null_share(NULL, 0), 1);
    double all_found[] = {1e-9, 1e-6, 0.01, 0.2};   /* none above 1/2 */
    near(ms_null_share(all_found, 4), 0.5);
    double mixed[] = {1e-9, 1e-9, 1e-9, 1e-9, 0.3, 0.6, 0.7, 0.9};
    near(ms_null_share(mixed, 8), 1);             /* (1 + 3) / 4 */
    double some[] = {1e-9, 1e-9, 1e-9, 1e-9, 1e-9, 1e-9, 0.1, 0.6, 0.7, 0.9};
    near(ms_null_share(some, 10), 0.8);           /* (1 + 3) / 5 */
    double chance[] = {0.9, 0.8, 0.7, 0.6};
    near(ms_null_share(chance, 4), 1);            /* capped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_tail),
        cmocka_unit_test(test_binomial_tail),
        cmocka_unit_test(test_pair_expected),
        cmocka_unit_test(test_fdr_cut),
        cmocka_unit_test(test_null_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
