/* analysis.h — what the analyses find, and the options that steer them.
 *
 * ms_analyze runs, in order: per-ip figures (ipstats.c), honest failures
 * (benign.c), fast robots, username-order campaigns (campaigns.c), near
 * misses of real accounts and bursts (benign.c, ipstats.c), then scores,
 * verdicts, compromised accounts and the ban list (verdict.c). Everything found is in
 * ms_analysis, indexed by the store's ids, with strings in its arena. The
 * same store gives the same analysis, byte for byte. */
#ifndef MS_ANALYSIS_H
#define MS_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/cidr.h"
#include "analyze/store.h"
#include "core/arena.h"
#include "core/error.h"

typedef enum ms_verdict { MS_BENIGN = 0, MS_WATCH, MS_BAN } ms_verdict;

const char *ms_verdict_name(ms_verdict v);

/* Why a failure was not held against its ip (benign.c). */
typedef enum ms_honest {
    MS_HONEST_NO = 0,
    MS_HONEST_FALLBACK,   /* same user succeeded from the ip seconds later */
    MS_HONEST_TYPO,       /* a near miss of a name that logs in here, or
                             of a real account (typos.h) */
    MS_HONEST_STALE,      /* a valid user's old password, from an ip the user logs in from */
    MS_HONEST_SHARED,     /* a real user behind an address many real users share */
    MS_HONEST__COUNT
} ms_honest;

const char *ms_honest_name(ms_honest h);

typedef struct ms_ipinfo {
    ms_time first, last;
    uint32_t events, failures, successes, relays, connects;
    uint32_t distinct_users;       /* names tried, failed or not */
    uint32_t fail_users;           /* names that failed and never succeeded here */
    uint32_t success_users;        /* names that succeeded here */
    uint32_t unknown_users;        /* failed names not in --users (0 without it) */
    uint32_t typo_users;           /* failed names that are near misses (typos) */
    uint32_t typo_unknown;         /* … of them, not in --users */
    const char *typo_of;           /* the name the first typo is a slip of */
    uint32_t typo_of_len;
    uint32_t success_days;         /* distinct UTC days with a success */
    uint32_t honest_failures;
    uint32_t burst;                /* most held failures within 10 min */
    uint32_t burst_span_s;         /* the span those took */
    uint32_t peak_hour;            /* most failures+connects in any 60 min */
    uint32_t peak_hour_span_s;     /* the span those took */
    double median_gap_s;           /* between consecutive events; -1 if < 2 */
    uint32_t cluster;              /* campaign id, 0 for none */
    int score;                     /* 0..100 */
    ms_verdict verdict;
    const char *confidence;        /* "high", "medium", "low" */
    const char *reasons;           /* "; "-separated sentences, "" if none */
    int ignored;                   /* in --ignore */
    /* Filled by enrichment (geo), "" when unknown. */
    const char *country, *asn, *as_org;
} ms_ipinfo;

typedef struct ms_cluster {
    uint32_t id;                   /* 1.. by size, then first seen */
    uint32_t *members;             /* ip ids, ordered by canonical address */
    size_t nmembers;
    uint64_t attempts;             /* failures of the members */
    ms_time first, last;
    uint32_t *order;               /* user ids, the inferred walking order */
    size_t norder;
    double median_handoff_s;       /* between consecutive tries, different ips */
    double median_ip_gap_s;        /* between one member's own tries */
    uint32_t services;             /* bit per ms_service seen */
    int domain_then_bare;          /* the order tries name@domain then name */
    const char *steps;             /* the order's steps against chance, in
                                      words ("" when none recurred) */
    const char *evidence;          /* a sentence that holds steps */
} ms_cluster;

typedef struct ms_ban {
    ms_cidr net;                   /* one address (/32, /128) or a block */
    int score;
    const char *confidence;
    const char *reasons;
    ms_time first, last;
    uint64_t failures;
    uint32_t cluster;              /* 0: none, or mixed in a block */
    uint32_t nips;                 /* addresses folded in */
} ms_ban;

typedef struct ms_compromise {
    uint32_t ip, user;             /* store ids */
    ms_time time;
    ms_event event;                /* the success (ms_store_event) */
    uint32_t order;                /* its place among equal (time, file,
                                      line): the store's add order */
    int strength;                  /* ms_compromise_why: rows rank by it */
    uint32_t held;                 /* failures held against the ip before */
    const char *evidence;
} ms_compromise;

typedef struct ms_analyze_opts {
    const ms_intern *real_users;   /* --users: the real accounts, or NULL */
    const ms_cidr_list *ignore;    /* --ignore: never banned, or NULL */
    int aggregate;                 /* --aggregate: fold bans into blocks */
    /* Campaign detection (docs/ARCHITECTURE.md explains each). */
    int handoff_window_s;          /* default 600 */
    int lookahead;                 /* default 8 */
    int min_step_support;          /* default 3 */
    int min_cluster_ips;           /* default 5 */
    /* A fast ip: at least this many failures (or connections) in 60 min. */
    int fast_per_hour;             /* default 30 */
    /* 1: the analyses use the calling thread alone; else they may start
     * one more (default 0). */
    int threads;
} ms_analyze_opts;

void ms_analyze_defaults(ms_analyze_opts *o);

typedef struct ms_analysis {
    const ms_store *store;
    ms_ipinfo *ip;                 /* by ip id; ips.n entries */
    uint8_t *honest;               /* by event: an ms_honest */
    uint64_t honest_count[MS_HONEST__COUNT];
    uint8_t *fast;                 /* by ip id: 1 if a fast robot or brute forcer */
    ms_cluster *clusters;
    size_t nclusters;
    ms_ban *bans;
    size_t nbans;
    ms_compromise *compromised;
    size_t ncompromised;
    ms_arena arena;
} ms_analysis;

int ms_analyze(const ms_store *s, const ms_analyze_opts *o, ms_analysis *a,
               ms_error *err);
void ms_analysis_free(ms_analysis *a);

/* The id is a real address (not the "no address" id). */
int ms_store_ip_real(const ms_store *s, uint32_t id);

#endif
