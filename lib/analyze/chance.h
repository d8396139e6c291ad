/* chance.h — how likely chance alone makes a count: the tests the campaign
 * search holds its steps and its members to (docs/ARCHITECTURE.md,
 * "Username-order campaigns"). */
#ifndef MS_CHANCE_H
#define MS_CHANCE_H

#include <stddef.h>
#include <stdint.h>

/* P(X >= k) for X Poisson with mean `expected`: 1 when k is 0, 0 when
 * expected is 0 (or not a number) and k is not. */
double ms_poisson_tail(double expected, uint64_t k);

/* P(X >= k) for X binomial: n trials, each a success with probability q
 * (0 <= q <= 1). 1 when k is 0, 0 when k > n. */
double ms_binomial_tail(uint64_t n, uint64_t k, double q);

/* The count of a pair (u, v) chance predicts when the names that follow u
 * are drawn as names are tried, whatever u: out_u pairs begin with u, in_v
 * end with v, of total pairs. 0 when total is 0. */
double ms_pair_expected(uint64_t out_u, uint64_t in_v, uint64_t total);

/* The Benjamini-Hochberg cut at the false discovery rate `rate`, for the n
 * p-values in p out of `tests` tests (tests >= n; the others count as
 * p = 1): the largest p_(k) of p sorted (k from 1) with
 * p_(k) <= rate * k / tests, or -1 when there is none. The tests with
 * p <= cut are the discoveries; chance ones are expected to be at most
 * that share of them. Sorts p. */
double ms_fdr_cut(double *p, size_t n, size_t tests, double rate);

/* The share of n tests whose null hypothesis holds, estimated from their
 * p-values as Storey's (1 + #{p > 1/2}) / (n / 2): chance's p-values are
 * uniform, so half of them lie above 1/2, while true findings lie near 0.
 * At most 1; 1 when n is 0. Dividing a false discovery rate by it keeps
 * the Benjamini-Hochberg cut from counting true findings as possible
 * chance ones. */
double ms_null_share(const double *p, size_t n);

#endif
