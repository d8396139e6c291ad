/* geo_strs.h — the strings of geo answers, shared by every database of an
 * ms_geo: countries, "AS123" and network names interned once (an answer
 * is three ids, 0 for unknown), and the sources' own strings in an arena.
 * Databases' values are cleaned on the way in. */
#ifndef MS_GEO_STRS_H
#define MS_GEO_STRS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/intern.h"

typedef struct geo_strs {
    ms_intern ids;                 /* countries, "AS123", names */
    ms_arena arena;                /* the sources' strings */
} geo_strs;

int geo_strs_init(geo_strs *t);
void geo_strs_free(geo_strs *t);

/* Cleaned into t->ids: a country upper-cased ("None", "ZZ", "-" are
 * unknown); an AS number as "AS123" (0 is unknown); a name with
 * surrounding blanks trimmed. 0 for unknown or empty, UINT32_MAX when
 * memory ran out. */
uint32_t geo_country(geo_strs *t, const char *s, size_t n);
uint32_t geo_asn_num(geo_strs *t, uint64_t asn);
uint32_t geo_asn_str(geo_strs *t, const char *s, size_t n);
uint32_t geo_org(geo_strs *t, const char *s, size_t n);

/* A copy in t->arena; NULL when memory ran out. */
const char *geo_keep(geo_strs *t, const char *s);

/* A sidecar PATH.attribution (first lines joined), kept in t->arena; NULL
 * if there is none. */
const char *geo_sidecar_attribution(geo_strs *t, const char *path);

#endif
