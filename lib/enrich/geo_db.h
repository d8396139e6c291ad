/* geo_db.h — one open geo database as geo.c asks it: an .mmdb file
 * (mmdb.h) or a range table (ranges.h). A lookup answer is three ids in
 * the ms_geo's geo_strs, so answers are small and strings stored once. */
#ifndef MS_GEO_DB_H
#define MS_GEO_DB_H

#include <maxminddb.h>
#include <stddef.h>
#include <stdint.h>

#include "core/u64map.h"

typedef struct geo_res {
    uint32_t country, asn, org;    /* ids in geo_strs.ids; 0: unknown */
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

#endif
