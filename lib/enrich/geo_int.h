/* geo_int.h — inside lib/enrich: what geo.c (the source list, the lookup
 * order, enrichment), mmdb.c (.mmdb files) and ranges.c (CSV/TSV range
 * tables) share. A lookup answer is three ids in the ms_geo's string table
 * (0 is "", unknown), so answers are small and strings are stored once. */
#ifndef MS_GEO_INT_H
#define MS_GEO_INT_H

#include <maxminddb.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/intern.h"
#include "core/u64map.h"
#include "enrich/geo.h"

typedef struct geo_res {
    uint32_t country, asn, org;    /* ids in ms_geo.strs; 0: unknown */
} geo_res;

typedef struct geo_r4 {
    uint32_t lo, hi;               /* inclusive */
    geo_res r;
} geo_r4;

typedef struct geo_u128 {
    uint64_t hi, lo;
} geo_u128;

typedef struct geo_r6 {
    geo_u128 lo, hi;               /* inclusive */
    geo_res r;
} geo_r6;

enum { GEO_MMDB = 1, GEO_TABLE = 2 };

typedef struct geo_db {
    int kind;
    int usable;                    /* opened, and not found damaged since */
    /* GEO_MMDB */
    int opened;                    /* MMDB_open succeeded: MMDB_close */
    MMDB_s mmdb;
    ms_u64map cache;               /* record offset -> index + 1 in recs */
    geo_res *recs;
    size_t nrecs, caprecs;
    /* GEO_TABLE */
    geo_r4 *r4;
    size_t n4;
    geo_r6 *r6;
    size_t n6;
    int weak_country;              /* a registry country (iptoasn): used
                                      only when no .mmdb has one */
} geo_db;

struct ms_geo {
    ms_intern strs;                /* countries, "AS123", names */
    ms_arena arena;                /* the sources' strings */
    ms_geo_source *src;
    geo_db **db;
    size_t n, cap;
    char **searched;
    size_t nsearched;
    uint64_t last_addresses;
    double last_seconds;
};

/* Strings into g->strs, cleaned: a country upper-cased ("None", "ZZ",
 * "-" are unknown); an AS number as "AS123" (0 is unknown); a name with
 * surrounding blanks trimmed. 0 for unknown or empty, UINT32_MAX when
 * memory ran out. */
uint32_t geo_country(ms_geo *g, const char *s, size_t n);
uint32_t geo_asn_num(ms_geo *g, uint64_t asn);
uint32_t geo_asn_str(ms_geo *g, const char *s, size_t n);
uint32_t geo_org(ms_geo *g, const char *s, size_t n);
/* A copy in g->arena; NULL when memory ran out. */
const char *geo_keep(ms_geo *g, const char *s);

/* mmdb.c. open: fills s (type, built, fields, entries, attribution) and
 * d; -1 with err when the file is not a usable database. find: r gets
 * what the database has for ip (zeros: nothing); -1 with err when the
 * database turned out damaged or memory ran out. */
int geo_mmdb_open(ms_geo *g, geo_db *d, ms_geo_source *s, const char *path,
                  ms_error *err);
int geo_mmdb_find(ms_geo *g, geo_db *d, const ms_geo_source *s,
                  const ms_ip *ip, geo_res *r, ms_error *err);
void geo_mmdb_close(geo_db *d);

/* ranges.c. load: reads, sorts and fills s (format, type, fields,
 * entries, skipped); -1 with err (nothing usable in the file, or memory).
 * find: binary search. */
int geo_table_load(ms_geo *g, geo_db *d, ms_geo_source *s, const char *path,
                   ms_error *err);
void geo_table_find(const geo_db *d, const ms_ip *ip, geo_res *r);
void geo_table_free(geo_db *d);

/* A sidecar PATH.attribution (first lines joined), kept in g; NULL if
 * there is none. */
const char *geo_sidecar_attribution(ms_geo *g, const char *path);

#endif
