/* chance.c — Poisson and binomial tails, the count two independent
 * margins predict, the Benjamini-Hochberg cut and the share of chance
 * among tests (see chance.h).
 *
 * A tail is summed from its first term towards the far end, each term from
 * the one before (Poisson: t(i + 1) = t(i) * mean / (i + 1)), the first in
 * logs, and stops when the terms no longer change the sum: a count far
 * beyond its expectation gets its tiny probability, not 1 minus a sum that
 * rounds to 1, and no sum runs over millions of terms. When the count is at
 * or below the distribution's mode, the tail is 1 minus the other side,
 * summed the same way from the count downwards. */
#include "chance.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* log(k!) for the small counts nearly every tail starts from: lgamma's own
 * values, taken once (the campaign search asks for millions). */
#define LOG_FACT_N 4096
static double log_fact_tab[LOG_FACT_N];
static pthread_once_t log_fact_once = PTHREAD_ONCE_INIT;

static void log_fact_fill(void)
{
    for (int k = 0; k < LOG_FACT_N; k++)
        log_fact_tab[k] = lgamma((double)k + 1);
}

/* log(x!) of a whole x >= 0. */
static double log_fact(double x)
{
    if (x < LOG_FACT_N) {
        pthread_once(&log_fact_once, log_fact_fill);
        return log_fact_tab[(size_t)x];
    }
    return lgamma(x + 1);
}

/* Terms smaller than this share of the sum so far end a sum. */
#define NEGLIGIBLE 1e-17

double ms_poisson_tail(double expected, uint64_t k)
{
    if (k == 0)
        return 1;
    if (!(expected > 0))
        return 0;
    double m = expected, s = 0;
    if ((double)k > m) {   /* the terms decrease from k on */
        double t = exp(-m + (double)k * log(m) - log_fact((double)k));
        for (double i = (double)k; t > s * NEGLIGIBLE; i++) {
            s += t;
            t *= m / (i + 1);
        }
        return clamp01(s);
    }
    /* 1 - P(X <= k - 1): the terms decrease from k - 1 down to 0. */
    double t = exp(-m + ((double)k - 1) * log(m) - log_fact((double)k - 1));
    for (double i = (double)k - 1; i >= 0 && t > s * NEGLIGIBLE; i--) {
        s += t;
        t *= i / m;
    }
    return clamp01(1 - s);
}

double ms_binomial_tail(uint64_t n, uint64_t k, double q)
{
    if (k == 0)
        return 1;
    if (k > n || !(q > 0))
        return 0;
    if (!(q < 1))
        return 1;
    double dn = (double)n, dk = (double)k, odds = q / (1 - q), s = 0;
    if (dk > dn * q) {   /* the terms decrease from k to n */
        double t = exp(log_fact(dn) - log_fact(dk) - log_fact(dn - dk) +
                       dk * log(q) + (dn - dk) * log1p(-q));
        for (double i = dk; i <= dn && t > s * NEGLIGIBLE; i++) {
            s += t;
            t *= (dn - i) / (i + 1) * odds;
        }
        return clamp01(s);
    }
    /* 1 - P(X <= k - 1): the terms decrease from k - 1 down to 0. */
    double j = dk - 1;
    double t = exp(log_fact(dn) - log_fact(j) - log_fact(dn - j) +
                   j * log(q) + (dn - j) * log1p(-q));
    for (double i = j; i >= 0 && t > s * NEGLIGIBLE; i--) {
        s += t;
        t *= i / (dn - i + 1) / odds;
    }
    return clamp01(1 - s);
}

double ms_pair_expected(uint64_t out_u, uint64_t in_v, uint64_t total)
{
    return total ? (double)out_u * (double)in_v / (double)total : 0;
}

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

double ms_null_share(const double *p, size_t n)
{
    size_t above = 0;
    for (size_t k = 0; k < n; k++)
        above += p[k] > 0.5;
    double share = n ? (double)(above + 1) / ((double)n / 2) : 1;
    return share < 1 ? share : 1;
}

double ms_fdr_cut(double *p, size_t n, size_t tests, double rate)
{
    qsort(p, n, sizeof *p, cmp_dbl);
    double cut = -1;
    for (size_t k = 0; k < n; k++)
        if (p[k] <= rate * (double)(k + 1) / (double)tests)
            cut = p[k];
    return cut;
}
