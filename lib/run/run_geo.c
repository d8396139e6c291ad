/* run_geo.c — the run's country and AS figures (enrich/geo.h): the
 * databases named, or else those found in the usual folders, then every
 * address of the analysis looked up. A database that is damaged or
 * missing, found so when opened or while looking up, is warned about,
 * counted as a damaged input and left out; the run goes on. */
#include <stdlib.h>

#include "run/run_int.h"

/* Warn about each database that has a problem. */
static void problems(ms_run_result *r, const ms_warner *w)
{
    size_t n;
    const ms_geo_source *src = ms_geo_sources(r->geo, &n);
    for (size_t i = 0; i < n; i++) {
        if (src[i].error) {
            r->damaged++;
            ms_warn(w, NULL, 0, "%s; going on without it", src[i].error);
        } else if (src[i].skipped) {
            ms_warn(w, src[i].path, 0, "%llu rows that are not IP ranges skipped",
                    (unsigned long long)src[i].skipped);
        }
    }
}

static int open_databases(const ms_run_settings *s, ms_run_result *r,
                          const ms_warner *w)
{
    ms_error err = {0};
    if (!(r->geo = ms_geo_new()))
        return -1;
    for (size_t i = 0; i < s->ngeodb; i++) {
        int rc = s->geodb[i].table
                     ? ms_geo_add_table(r->geo, s->geodb[i].path, 0, &err)
                     : ms_geo_add_mmdb(r->geo, s->geodb[i].path, 0, &err);
        if (rc && err.code == MS_ERR_NOMEM)
            return -1;
    }
    if (s->ngeodb == 0) {
        char *dirs[8];
        size_t n = ms_geo_default_dirs(s->exe_dir, dirs);
        int rc = ms_geo_discover(r->geo, (const char *const *)dirs, n, &err);
        for (size_t i = 0; i < n; i++)
            free(dirs[i]);
        if (rc < 0)
            return -1;
    }
    problems(r, w);
    return 0;
}

int ms_run_geo(const ms_run_settings *s, ms_run_result *r, const ms_warner *w,
               ms_error *err)
{
    if (open_databases(s, r, w))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    size_t n;
    const ms_geo_source *src = ms_geo_sources(r->geo, &n);
    char *had_error = calloc(n ? n : 1, 1);
    if (!had_error)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        had_error[i] = src[i].error != NULL;
    ms_error e = {0};
    int rc = ms_geo_enrich(r->geo, &r->an, &e);
    for (size_t i = 0; rc > 0 && i < n; i++)
        if (src[i].error && !had_error[i]) {
            r->damaged++;
            ms_warn(w, NULL, 0, "%s; going on without it", src[i].error);
        }
    free(had_error);
    return rc < 0 ? ms_fail(err, MS_ERR_NOMEM, "out of memory") : 0;
}
