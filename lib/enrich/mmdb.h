/* mmdb.h — MaxMind-format databases (mmdb.c), one geo_db each.
 * open: fills s (type, built, fields, entries, attribution) and d; -1
 * with err when the file is not a usable database. find: r gets what the
 * database has for ip (zeros: nothing); -1 with err when the database
 * turned out damaged or memory ran out. Strings go into t. */
#ifndef MS_MMDB_H
#define MS_MMDB_H

#include "core/error.h"
#include "core/ip.h"
#include "enrich/geo_db.h"
#include "enrich/geo_source.h"
#include "enrich/geo_strs.h"

int geo_mmdb_open(geo_strs *t, geo_db *d, ms_geo_source *s, const char *path,
                  ms_error *err);
int geo_mmdb_find(geo_strs *t, geo_db *d, const ms_geo_source *s,
                  const ms_ip *ip, geo_res *r, ms_error *err);
void geo_mmdb_close(geo_db *d);

#endif
