/* geo.h — the country and the network (AS number and name) of each
 * address, from local databases, offline.
 *
 * Two kinds of database, any number of each:
 *  - MaxMind-format .mmdb files, read with libmaxminddb (mmdb.c): GeoLite2
 *    Country/City/ASN, DB-IP Lite, IPinfo Lite, ip-location-db. Fields are
 *    found by name, whatever the vendor: the country in country.iso_code,
 *    country_code or registered_country.iso_code; the AS number in
 *    autonomous_system_number (a number) or asn ("AS174"); its name in
 *    autonomous_system_organization or as_name. Which of them a database
 *    has is read from a sample of its records when it is opened.
 *  - IP-range tables, CSV or TSV (plain or compressed), read with libcsv
 *    (ranges.c): ip-location-db's `start,end,asn,org` (dotted or numeric
 *    bounds, IPv4 and IPv6, inclusive), its `start,end,country`, and
 *    iptoasn's ip2asn-v4.tsv / ip2asn-combined.tsv
 *    (`start\tend\tASnum\tcountry\tdescription`). Rows are sorted once,
 *    then binary-searched.
 *
 * An address gets its country from the first database (in the order they
 * were added) that has one for it, looking at .mmdb databases before the
 * registry country of an iptoasn table; its AS number and name come
 * together from the first database that knows the AS number. IPv4-mapped
 * addresses (::ffff:a.b.c.d) are looked up as IPv4. Unknown is "".
 *
 * Enrichment (ms_geo_enrich) looks up each distinct address of an analysis
 * once (the store interns addresses) and caches each .mmdb record it has
 * decoded by its offset, so the many addresses of one network cost one
 * decode. Strings land in the analysis' arena, so the ms_geo can be freed
 * before the analysis.
 *
 * For the report: ms_geo_sources lists every database that was named or
 * found — path, format, type, build date (from .mmdb metadata), the fields
 * it has, how many addresses it answered, its licence's attribution line,
 * and, when it could not be used, why. ms_geo_searched lists the folders
 * looked in when none was named; no usable source means "no geo database
 * found" and every country/asn cell stays empty.
 *
 * A damaged database (not an mmdb, truncated, a corrupt search tree, a
 * table with no ranges) is reported through ms_error naming the file and
 * left out; the others, and the run, go on. */
#ifndef MS_GEO_H
#define MS_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/analysis.h"
#include "core/error.h"
#include "core/ip.h"
#include "enrich/geo_source.h"

typedef struct ms_geo ms_geo;

/* NULL when out of memory. */
ms_geo *ms_geo_new(void);
void ms_geo_free(ms_geo *g);

/* Open a database and add it after the others; found marks one found by
 * discovery. 0, or -1 with err naming the file (the source is still
 * listed, with its error, unless memory ran out: MS_ERR_NOMEM). An .mmdb
 * with no country or AS field is refused (MS_ERR_DATA). */
int ms_geo_add_mmdb(ms_geo *g, const char *path, int found, ms_error *err);
int ms_geo_add_table(ms_geo *g, const char *path, int found, ms_error *err);
/* By content: .mmdb when the file holds the MaxMind metadata marker,
 * else a table. */
int ms_geo_add(ms_geo *g, const char *path, int found, ms_error *err);

/* The folders searched when no database is named, in this order:
 * /usr/share/GeoIP, /var/lib/GeoIP, ${XDG_DATA_HOME:-$HOME/.local/share}/
 * mailsleuth, and exe_dir/../data (the folder scripts/fetch-geodb fills
 * in a checkout; skipped when exe_dir is NULL). Returns how many were put
 * in dirs (at most 8), each malloc'ed (free them). */
size_t ms_geo_default_dirs(const char *exe_dir, char **dirs);

/* Add the databases in each folder (missing folders are skipped): every
 * *.mmdb with a country or AS field, and the range tables whose names say
 * what they are (asn*.csv, *-asn*.csv, ip2asn-*.tsv, each optionally
 * compressed; a `-num` table is skipped beside its dotted twin). Files
 * are taken in name order. The folders are remembered (ms_geo_searched).
 * Returns how many sources failed to open (err: the first one's problem),
 * or -1 when memory ran out. */
int ms_geo_discover(ms_geo *g, const char *const *dirs, size_t ndirs,
                    ms_error *err);

/* Every database named or found, in lookup order. */
const ms_geo_source *ms_geo_sources(const ms_geo *g, size_t *n);
/* The folders ms_geo_discover looked in (none if it was not called). */
const char *const *ms_geo_searched(const ms_geo *g, size_t *n);
/* Databases in use (no error). 0: no geo figures. */
size_t ms_geo_usable(const ms_geo *g);

typedef struct ms_geo_info {
    const char *country;       /* "CN", or "" */
    const char *asn;           /* "AS4134", or "" */
    const char *as_org;        /* "CHINANET-BACKBONE", or "" */
} ms_geo_info;

/* One address. Strings belong to g. 0, or -1 when a database turned out
 * damaged (it is then left out for good, its error set, err filled; out
 * still holds what the others gave) or memory ran out (MS_ERR_NOMEM). */
int ms_geo_lookup(ms_geo *g, const ms_ip *ip, ms_geo_info *out, ms_error *err);

/* Fill a->ip[id].country, asn, as_org for every real address of the
 * analysis, strings copied into a->arena, and count each source's
 * answers. 0; or the number of databases found damaged on the way (err:
 * the first), which are left out while the others go on; or -1 when
 * memory ran out. */
int ms_geo_enrich(ms_geo *g, ms_analysis *a, ms_error *err);

/* Addresses looked up by the last ms_geo_enrich, and its wall time. */
void ms_geo_stats(const ms_geo *g, uint64_t *addresses, double *seconds);

#endif
