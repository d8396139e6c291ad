/* years.c — see years.h. */
#include "years.h"

#include <time.h>

/* Year of the last stamped line, from the mtime (or now). */
static int64_t anchor_year(const ms_file_scan *f, int64_t now)
{
    time_t t = (time_t)(f->mtime != INT64_MIN ? f->mtime : now);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 1970;
    int64_t year = tm.tm_year + 1900;
    const ms_stamp *last = &f->last_stamp;
    if (last->kind == MS_TS_NOYEAR &&
        last->mon * 32 + last->day > (tm.tm_mon + 1) * 32 + tm.tm_mday + 1)
        year--;
    return year;
}

/* Set every time of f with the last stamped line in year last_year (its
 * events take theirs from year0 when read, scan_events.h). */
static void apply(ms_file_scan *f, int64_t last_year)
{
    int64_t base = last_year - f->wraps;
    f->evs.year0 = base;
    f->first = ms_stamp_time(&f->first_stamp, base);
    f->last = ms_stamp_time(&f->last_stamp, last_year);
}

void ms_years_resolve(ms_file_scan *files, size_t n, int year, int64_t now)
{
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && files[e].set_id == files[s].set_id)
            e++;
        for (size_t k = s; k < e; k++) {
            ms_file_scan *f = &files[k];
            f->last_year = year ? year + f->wraps : anchor_year(f, now);
            apply(f, f->last_year);
        }
        for (size_t k = e - 1; k > s && !year; k--) {
            ms_file_scan *older = &files[k - 1], *newer = &files[k];
            for (int tries = 0; tries < 3 &&
                 older->last_stamp.kind == MS_TS_NOYEAR &&
                 newer->first != MS_TIME_NONE &&
                 older->last > newer->first + 86400 * MS_NS_PER_S; tries++)
                apply(older, --older->last_year);
        }
        s = e;
    }
}
