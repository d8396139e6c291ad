/* geo_source.h — one geo database as the report lists it: path, format,
 * type, build date, fields, how many addresses it answered, attribution,
 * or why it is not used. Filled by mmdb.c and ranges.c when a database is
 * opened, and by geo.c (geo.h) as lookups use it. */
#ifndef MS_GEO_SOURCE_H
#define MS_GEO_SOURCE_H

#include <stdint.h>

/* ms_geo_source.fields / .used bits. */
enum { MS_GEO_COUNTRY = 1, MS_GEO_ASN = 2, MS_GEO_ORG = 4 };

typedef struct ms_geo_source {
    const char *path;          /* as named, or as found */
    const char *format;        /* "mmdb", "csv" or "tsv" */
    const char *type;          /* mmdb: its database_type ("GeoLite2-ASN");
                                  tables: "ip-location-db asn", "iptoasn"… */
    const char *description;   /* mmdb: its English description, or "" */
    int64_t built;             /* mmdb: build_epoch (s, UTC); -1 for tables */
    int64_t mtime;             /* the file's modification time; -1 unknown */
    unsigned fields;           /* MS_GEO_* the database has */
    unsigned used;             /* MS_GEO_* it gave at least one address */
    uint64_t entries;          /* mmdb: search-tree nodes; tables: ranges */
    uint64_t skipped;          /* tables: rows that were not ranges */
    uint64_t answered;         /* addresses it gave a field (ms_geo_enrich) */
    const char *attribution;   /* what its licence asks to print, or "" */
    int found;                 /* 1: found by discovery; 0: named */
    const char *error;         /* NULL: in use; else why it is not */
} ms_geo_source;

#endif
