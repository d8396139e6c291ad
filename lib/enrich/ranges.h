/* ranges.h — IP-range tables, CSV or TSV (ranges.c), one geo_db each.
 * load: reads, sorts and fills s (format, type, fields, entries,
 * skipped), strings into t; -1 with err (nothing usable in the file, or
 * memory). find: binary search. */
#ifndef MS_RANGES_H
#define MS_RANGES_H

#include "core/error.h"
#include "core/ip.h"
#include "enrich/geo_db.h"
#include "enrich/geo_source.h"
#include "enrich/geo_strs.h"

int geo_table_load(geo_strs *t, geo_db *d, ms_geo_source *s, const char *path,
                   ms_error *err);
void geo_table_find(const geo_db *d, const ms_ip *ip, geo_res *r);
void geo_table_free(geo_db *d);

#endif
