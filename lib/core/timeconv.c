/* timeconv.c — see timeconv.h. */
#include "timeconv.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t ms_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void ms_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t ms_secs_from_fields(int64_t y, unsigned mo, unsigned d, unsigned h,
                            unsigned mi, unsigned s)
{
    return ms_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static long offset_at(int64_t utc)
{
    time_t t = (time_t)utc;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return tm.tm_gmtoff;
}

int64_t ms_local_to_utc(int64_t local)
{
    static _Thread_local int64_t cached_hour = INT64_MIN;
    static _Thread_local long cached_off;
    const int64_t hour = local >= 0 ? local / 3600 : (local - 3599) / 3600;
    if (hour == cached_hour)
        return local - cached_off;
    /* Try the offset in force just before and just after; prefer the one
     * that maps back to this wall-clock time, the earlier one on overlap. */
    long off1 = offset_at(local - 86400 / 2);
    long off2 = offset_at(local + 86400 / 2);
    long off = off1;
    if (offset_at(local - off1) != off1 && offset_at(local - off2) == off2)
        off = off2;
    cached_hour = hour;
    cached_off = off;
    /* An hour that straddles a transition cannot be cached. */
    if (offset_at(local - off - 3600) != offset_at(local - off + 3600))
        cached_hour = INT64_MIN;
    return local - off;
}

/* Two decimal digits of v (< 100). */
static char *put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* Written by hand, not with snprintf: every event's time goes through
 * here, and formatting was a tenth of `events`' instructions. */
size_t ms_time_format(ms_time t, char *buf)
{
    int64_t secs = t / MS_NS_PER_S;
    int64_t ns = t % MS_NS_PER_S;
    if (ns < 0) {
        ns += MS_NS_PER_S;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    ms_civil_from_days(days, &y, &m, &d);
    /* Nanoseconds in an int64 reach years 1677 to 2262: four digits. */
    char *p = put2(buf, (unsigned)(y / 100));
    p = put2(p, (unsigned)(y % 100));
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    p = put2(p, d);
    *p++ = 'T';
    p = put2(p, (unsigned)(rem / 3600));
    *p++ = ':';
    p = put2(p, (unsigned)(rem / 60 % 60));
    *p++ = ':';
    p = put2(p, (unsigned)(rem % 60));
    if (ns) {
        *p++ = '.';
        int k = 9;
        while (ns % 10 == 0) {   /* no trailing zeros */
            ns /= 10;
            k--;
        }
        for (int i = k - 1; i >= 0; i--, ns /= 10)
            p[i] = (char)('0' + ns % 10);
        p += k;
    }
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - buf);
}

static int digits(const char *s, size_t n, size_t at, size_t k, unsigned *out)
{
    if (at + k > n)
        return -1;
    unsigned v = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int ms_time_parse_iso(const char *s, size_t n, ms_time *out)
{
    unsigned y, mo, d, h, mi, sec;
    if (digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' ||
        digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d) ||
        (s[10] != 'T' && s[10] != ' ') || digits(s, n, 11, 2, &h) ||
        s[13] != ':' || digits(s, n, 14, 2, &mi) || s[16] != ':' ||
        digits(s, n, 17, 2, &sec))
        return -1;
    /* Years outside 1900-2200 would overflow nanoseconds or are not logs. */
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        h > 23 || mi > 59 || sec > 60)
        return -1;
    size_t i = 19;
    int64_t ns = 0;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        i++;
        int k = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (k < 9) {
                ns = ns * 10 + (s[i] - '0');
                k++;
            }
            i++;
        }
        while (k++ < 9)
            ns *= 10;
    }
    int64_t secs = ms_secs_from_fields(y, mo, d, h, mi, sec);
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        unsigned oh, om = 0;
        int sign = s[i] == '-' ? -1 : 1;
        if (digits(s, n, i + 1, 2, &oh))
            return -1;
        i += 3;
        if (i < n && s[i] == ':')
            i++;
        if (!digits(s, n, i, 2, &om))
            i += 2;
        secs -= sign * (int64_t)(oh * 3600 + om * 60);
    } else {
        secs = ms_local_to_utc(secs);
    }
    if (i != n)
        return -1;
    *out = secs * MS_NS_PER_S + ns;
    return 0;
}

void ms_time_format_memo(ms_time_memo *m, ms_time t)
{
    if (m->len == 0 || m->t != t) {
        m->len = ms_time_format(t, m->s);
        m->t = t;
    }
}

size_t ms_duration_format(double secs, char *buf, size_t n)
{
    static const struct { uint64_t secs; const char *one, *many; } u[] = {
        {86400, "day", "days"}, {3600, "h", "h"}, {60, "min", "min"},
        {1, "s", "s"}};
    if (!(secs >= 0.5)) {
        snprintf(buf, n, "%s", secs >= 0 ? "under 1 s" : "?");
        return strlen(buf);
    }
    /* Round to the smaller unit shown first, so that a part never holds a
     * whole unit of the part above it (59.8 min is 1 h, not 60 min). */
    uint64_t unit = secs < 600 ? 1 : secs < 36000 ? 60 : secs < 864000 ? 3600
                                                                      : 86400;
    uint64_t t = (uint64_t)(secs / (double)unit + 0.5) * unit;
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0, parts = 0; i < 4 && parts < 2 && len + 1 < n; i++) {
        uint64_t v = t / u[i].secs;
        t %= u[i].secs;
        if (!v) {
            if (parts)
                break;
            continue;
        }
        parts++;
        int k = snprintf(buf + len, n - len, "%s%llu %s", len ? " " : "",
                         (unsigned long long)v, v == 1 ? u[i].one : u[i].many);
        len += k < 0 ? 0 : (size_t)k < n - len ? (size_t)k : n - len - 1;
    }
    return len;
}
