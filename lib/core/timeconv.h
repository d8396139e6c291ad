/* timeconv.h — calendar arithmetic, local-to-UTC conversion, ISO printing.
 *
 * Times are int64 nanoseconds since the Unix epoch, UTC (ms_time). Civil
 * dates are converted with Howard Hinnant's days-from-civil algorithm, so no
 * libc call is made per line. Local wall-clock times are turned into UTC with
 * the process time zone (TZ, set once by the caller before any thread
 * starts); the zone's offset is cached per hour, per thread. */
#ifndef MS_TIMECONV_H
#define MS_TIMECONV_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t ms_time;

#define MS_NS_PER_S INT64_C(1000000000)
#define MS_TIME_NONE INT64_MIN
#define MS_TIME_STRLEN 40

int64_t ms_days_from_civil(int64_t y, unsigned m, unsigned d);
void ms_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Seconds since the epoch of a wall-clock reading taken as if it were UTC. */
int64_t ms_secs_from_fields(int64_t y, unsigned mo, unsigned d, unsigned h,
                            unsigned mi, unsigned s);

/* The UTC seconds of a local wall-clock reading (given as if UTC) in the
 * process time zone. In a DST gap or overlap the earlier offset wins. */
int64_t ms_local_to_utc(int64_t local_as_utc);

/* ISO 8601 UTC with `Z`; the fraction is printed only when non-zero, without
 * trailing zeros. Returns the length. */
size_t ms_time_format(ms_time t, char *buf);

/* ms_time_format of the last time given, kept: rows that share a second
 * format it once. Zero it to start. */
typedef struct ms_time_memo {
    ms_time t;
    size_t len;         /* 0: nothing kept yet */
    char s[MS_TIME_STRLEN];
} ms_time_memo;

/* The text of t (m->s, m->len bytes), formatted only when t changed. */
void ms_time_format_memo(ms_time_memo *m, ms_time t);

/* A length of time as a person says it, in at most two units, rounded to
 * the smaller: "40 s", "4 min 10 s", "37 min", "7 h 30 min", "14 h",
 * "1 day 14 h", "406 days"; "under 1 s" below half a second, "?" when
 * negative or not a number. Returns the length (cut to fit n). */
size_t ms_duration_format(double secs, char *buf, size_t n);

/* Parse what ms_time_format writes (and offsets like +02:00). */
int ms_time_parse_iso(const char *s, size_t n, ms_time *out);

#endif
