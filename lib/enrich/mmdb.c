/* mmdb.c — MaxMind-format databases through libmaxminddb (mmdb.h).
 *
 * The file is mapped (MMDB_MODE_MMAP). Vendors name their fields
 * differently, so a record is read by trying each known path in turn
 * (geo.h lists them); what a database has is learnt when it is opened, by
 * walking its search tree depth-first to a sample of data records. An
 * address's record is found with MMDB_lookup_sockaddr (IPv4, mapped or
 * not, as AF_INET, so an IPv6 database that does not alias ::ffff:0:0/96
 * still answers), then decoded once per distinct record: the decoded ids
 * are cached by the record's offset in the data section. */
#include "enrich/mmdb.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const country_paths[][3] = {
    {"country", "iso_code", NULL},              /* GeoLite2, DB-IP */
    {"country_code", NULL, NULL},               /* IPinfo Lite, ip-location-db */
    {"registered_country", "iso_code", NULL},   /* GeoLite2, when no country */
};
static const char *const asn_paths[][2] = {
    {"autonomous_system_number", NULL},         /* GeoLite2-ASN, DB-IP, ip-location-db */
    {"asn", NULL},                              /* IPinfo Lite: "AS174" */
};
static const char *const org_paths[][2] = {
    {"autonomous_system_organization", NULL},
    {"as_name", NULL},                          /* IPinfo Lite */
};

/* 1 found, 0 absent, -1 damaged (err filled). */
static int get(MMDB_entry_s *e, const char *const *path, MMDB_entry_data_s *v,
               const char *file, ms_error *err)
{
    int st = MMDB_aget_value(e, v, path);
    if (st == MMDB_SUCCESS)
        return v->has_data ? 1 : 0;
    if (st == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
        st == MMDB_INVALID_LOOKUP_PATH_ERROR)
        return 0;
    if (st == MMDB_OUT_OF_MEMORY_ERROR)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return ms_fail(err, MS_ERR_DATA, "%s: damaged MaxMind database: %s", file,
                   MMDB_strerror(st));
}

static int is_uint(const MMDB_entry_data_s *v, uint64_t *out)
{
    switch (v->type) {
    case MMDB_DATA_TYPE_UINT16:
        *out = v->uint16;
        return 1;
    case MMDB_DATA_TYPE_UINT32:
        *out = v->uint32;
        return 1;
    case MMDB_DATA_TYPE_UINT64:
        *out = v->uint64;
        return 1;
    case MMDB_DATA_TYPE_INT32:
        *out = v->int32 > 0 ? (uint64_t)v->int32 : 0;
        return 1;
    default:
        return 0;
    }
}

/* Decode one record into ids; *have gets the MS_GEO_* fields found. */
static int decode(geo_strs *t, MMDB_entry_s *e, const char *file, geo_res *r,
                  unsigned *have, ms_error *err)
{
    MMDB_entry_data_s v;
    *r = (geo_res){0, 0, 0};
    *have = 0;
    for (size_t i = 0; i < sizeof country_paths / sizeof *country_paths && !r->country; i++) {
        int k = get(e, country_paths[i], &v, file, err);
        if (k < 0)
            return -1;
        if (k && v.type == MMDB_DATA_TYPE_UTF8_STRING)
            r->country = geo_country(t, v.utf8_string, v.data_size);
    }
    for (size_t i = 0; i < sizeof asn_paths / sizeof *asn_paths && !r->asn; i++) {
        int k = get(e, asn_paths[i], &v, file, err);
        uint64_t num;
        if (k < 0)
            return -1;
        if (k && v.type == MMDB_DATA_TYPE_UTF8_STRING)
            r->asn = geo_asn_str(t, v.utf8_string, v.data_size);
        else if (k && is_uint(&v, &num))
            r->asn = geo_asn_num(t, num);
    }
    for (size_t i = 0; i < sizeof org_paths / sizeof *org_paths && !r->org; i++) {
        int k = get(e, org_paths[i], &v, file, err);
        if (k < 0)
            return -1;
        if (k && v.type == MMDB_DATA_TYPE_UTF8_STRING)
            r->org = geo_org(t, v.utf8_string, v.data_size);
    }
    if (r->country == UINT32_MAX || r->asn == UINT32_MAX || r->org == UINT32_MAX)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    *have = (r->country ? MS_GEO_COUNTRY : 0) | (r->asn ? MS_GEO_ASN : 0) |
            (r->org ? MS_GEO_ORG : 0);
    return 0;
}

/* Depth-first through the search tree to up to 64 data records (at most
 * 20000 nodes read): the fields they hold. */
static int sample_fields(geo_strs *t, geo_db *d, const char *file, unsigned *fields,
                         ms_error *err)
{
    enum { MAXSTACK = 512, MAXNODES = 20000, MAXRECS = 64 };
    uint32_t stack[MAXSTACK];
    size_t sp = 0, nodes = 0, recs = 0;
    *fields = 0;
    stack[sp++] = 0;
    while (sp && nodes < MAXNODES && recs < MAXRECS) {
        uint32_t node = stack[--sp];
        MMDB_search_node_s sn;
        int st = MMDB_read_node(&d->mmdb, node, &sn);
        nodes++;
        if (st != MMDB_SUCCESS)
            return ms_fail(err, MS_ERR_DATA, "%s: damaged MaxMind database: %s",
                           file, MMDB_strerror(st));
        /* Right pushed first: the left (lower addresses) comes out first. */
        const uint64_t rec[2] = {sn.right_record, sn.left_record};
        const uint8_t type[2] = {sn.right_record_type, sn.left_record_type};
        MMDB_entry_s ent[2] = {sn.right_record_entry, sn.left_record_entry};
        for (int j = 0; j < 2; j++) {
            if (type[j] == MMDB_RECORD_TYPE_INVALID)
                return ms_fail(err, MS_ERR_DATA,
                               "%s: damaged MaxMind database: a search-tree "
                               "record points outside the file", file);
            if (type[j] == MMDB_RECORD_TYPE_SEARCH_NODE && sp < MAXSTACK)
                stack[sp++] = (uint32_t)rec[j];
        }
        for (int j = 1; j >= 0 && recs < MAXRECS; j--) {
            if (type[j] != MMDB_RECORD_TYPE_DATA)
                continue;
            geo_res r;
            unsigned have;
            if (decode(t, &ent[j], file, &r, &have, err))
                return -1;
            *fields |= have;
            recs++;
        }
    }
    return 0;
}

static const char *attribution_for(const char *type)
{
    char t[128];
    size_t n = strlen(type);
    if (n >= sizeof t)
        n = sizeof t - 1;
    for (size_t i = 0; i < n; i++)
        t[i] = (char)tolower((unsigned char)type[i]);
    t[n] = '\0';
    if (strstr(t, "geolite"))
        return "This product includes GeoLite2 data created by MaxMind, "
               "available from https://www.maxmind.com.";
    if (strstr(t, "dbip") || strstr(t, "db-ip"))
        return "IP Geolocation by DB-IP (https://db-ip.com), licensed under "
               "CC BY 4.0.";
    if (strstr(t, "ipinfo"))
        return "IP address data powered by IPinfo (https://ipinfo.io), "
               "licensed under CC BY-SA 4.0.";
    return NULL;
}

int geo_mmdb_open(geo_strs *t, geo_db *d, ms_geo_source *s, const char *path,
                  ms_error *err)
{
    int st = MMDB_open(path, MMDB_MODE_MMAP, &d->mmdb);
    if (st != MMDB_SUCCESS) {
        if (st == MMDB_FILE_OPEN_ERROR || st == MMDB_IO_ERROR)
            return ms_fail(err, MS_ERR_IO, "%s: cannot read: %s", path,
                           errno ? strerror(errno) : MMDB_strerror(st));
        if (st == MMDB_OUT_OF_MEMORY_ERROR)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        return ms_fail(err, MS_ERR_DATA,
                       "%s: not a usable MaxMind database (%s)", path,
                       MMDB_strerror(st));
    }
    d->kind = GEO_MMDB;
    d->opened = 1;
    const MMDB_metadata_s *m = &d->mmdb.metadata;
    s->format = "mmdb";
    s->type = geo_keep(t, m->database_type ? m->database_type : "");
    s->built = m->build_epoch > (uint64_t)INT64_MAX ? -1 : (int64_t)m->build_epoch;
    s->entries = m->node_count;
    for (size_t i = 0; i < m->description.count; i++) {
        MMDB_description_s *dsc = m->description.descriptions[i];
        if (dsc && dsc->language && dsc->description &&
            !strcmp(dsc->language, "en")) {
            s->description = geo_keep(t, dsc->description);
            break;
        }
    }
    const char *attr = geo_sidecar_attribution(t, path);
    if (!attr)
        attr = attribution_for(m->database_type ? m->database_type : "");
    s->attribution = attr ? attr : "";
    if (!s->type || !s->description || !s->attribution)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    unsigned fields;
    if (sample_fields(t, d, path, &fields, err))
        return -1;
    s->fields = fields;
    if (!(fields & (MS_GEO_COUNTRY | MS_GEO_ASN)))
        return ms_fail(err, MS_ERR_USAGE,
                       "%s: no country or AS number in this database "
                       "(type \"%s\")", path, s->type);
    return 0;
}

int geo_mmdb_find(geo_strs *t, geo_db *d, const ms_geo_source *s,
                  const ms_ip *ip, geo_res *r, ms_error *err)
{
    *r = (geo_res){0, 0, 0};
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    const struct sockaddr *sa;
    if (ms_ip_is_v4(ip)) {
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        memcpy(&sin.sin_addr, ip->b + 12, 4);
        sa = (const struct sockaddr *)&sin;
    } else {
        if (d->mmdb.metadata.ip_version == 4)
            return 0;   /* an IPv4-only database knows no IPv6 address */
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        memcpy(&sin6.sin6_addr, ip->b, 16);
        sa = (const struct sockaddr *)&sin6;
    }
    int mmdb_err = MMDB_SUCCESS;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&d->mmdb, sa, &mmdb_err);
    if (mmdb_err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
        return 0;
    if (mmdb_err != MMDB_SUCCESS)
        return ms_fail(err, MS_ERR_DATA, "%s: damaged MaxMind database: %s",
                       s->path, MMDB_strerror(mmdb_err));
    if (!res.found_entry)
        return 0;
    uint64_t key = res.entry.offset;
    uint32_t k = ms_u64map_get(&d->cache, key);
    if (k) {
        *r = d->recs[k - 1];
        return 0;
    }
    unsigned have;
    if (decode(t, &res.entry, s->path, r, &have, err))
        return -1;
    if (d->nrecs == d->caprecs) {
        size_t cap = d->caprecs ? d->caprecs * 2 : 256;
        geo_res *v = cap < UINT32_MAX - 1 ? realloc(d->recs, cap * sizeof *v) : NULL;
        if (!v)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        d->recs = v;
        d->caprecs = cap;
    }
    d->recs[d->nrecs++] = *r;
    if (ms_u64map_add(&d->cache, key, (uint32_t)d->nrecs) == UINT32_MAX)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return 0;
}

void geo_mmdb_close(geo_db *d)
{
    if (d->opened)
        MMDB_close(&d->mmdb);
    d->opened = 0;
    ms_u64map_free(&d->cache);
    free(d->recs);
    d->recs = NULL;
}
