/* record.c — header parsing by hand (see record.h): a few byte comparisons
 * per line, no regex, no allocation. */
#include "record.h"

#include <stdbool.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int num(const char *s, size_t k, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < k; i++) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static int month_of(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int m;
    switch (s[0]) {   /* one or two candidates by the first letter */
    case 'J': m = s[1] == 'a' ? 0 : s[2] == 'n' ? 5 : 6; break;
    case 'F': m = 1; break;
    case 'M': m = s[2] == 'r' ? 2 : 4; break;
    case 'A': m = s[1] == 'p' ? 3 : 7; break;
    case 'S': m = 8; break;
    case 'O': m = 9; break;
    case 'N': m = 10; break;
    case 'D': m = 11; break;
    default: return 0;
    }
    return memcmp(s, names + 3 * m, 3) == 0 ? m + 1 : 0;
}

/* "HH:MM:SS" at s; returns seconds of day or -1. */
static long hms(const char *s, size_t n)
{
    unsigned h, m, sec;
    if (n < 8 || s[2] != ':' || s[5] != ':' || !num(s, 2, &h) ||
        !num(s + 3, 2, &m) || !num(s + 6, 2, &sec) || h > 23 || m > 59 ||
        sec > 60)
        return -1;
    return (long)(h * 3600 + m * 60 + sec);
}

/* Optional ".digits" fraction at s; advances *i, returns nanoseconds. */
static uint32_t fraction(const char *s, size_t n, size_t *i)
{
    if (*i >= n || (s[*i] != '.' && s[*i] != ','))
        return 0;
    if (*i + 1 >= n || !is_digit(s[*i + 1]))
        return 0;
    (*i)++;
    uint32_t ns = 0;
    int k = 0;
    while (*i < n && is_digit(s[*i])) {
        if (k < 9) {
            ns = ns * 10 + (uint32_t)(s[*i] - '0');
            k++;
        }
        (*i)++;
    }
    while (k++ < 9)
        ns *= 10;
    return ns;
}

static size_t classic(const char *s, size_t n, ms_record *r)
{
    if (n < 15 || s[3] != ' ')
        return 0;
    int mon = month_of(s);
    if (!mon)
        return 0;
    size_t i = 4;
    unsigned day;
    if (s[i] == ' ' && is_digit(s[i + 1])) {
        day = (unsigned)(s[i + 1] - '0');
        i += 2;
    } else if (is_digit(s[i]) && is_digit(s[i + 1])) {
        day = (unsigned)((s[i] - '0') * 10 + (s[i + 1] - '0'));
        i += 2;
    } else if (is_digit(s[i]) && s[i + 1] == ' ') {
        day = (unsigned)(s[i] - '0');
        i += 1;
    } else {
        return 0;
    }
    if (day < 1 || day > 31 || i >= n || s[i] != ' ')
        return 0;
    i++;
    long sod = hms(s + i, n - i);
    if (sod < 0)
        return 0;
    i += 8;
    r->ts.ns = fraction(s, n, &i);
    r->ts.kind = MS_TS_NOYEAR;
    r->ts.mon = (uint8_t)mon;
    r->ts.day = (uint8_t)day;
    r->ts.sod = (uint32_t)sod;
    return i;
}

/* *offset: the stamp gave its offset (`Z` too). */
/* "YYYY-MM-DD[T _]HH:MM:SS[.frac]" at s: *secs the wall-clock reading taken
 * as if UTC. Returns its length, 0 if s is none. */
static size_t iso_wall(const char *s, size_t n, int64_t *secs, uint32_t *ns)
{
    unsigned y, mo, d;
    if (n < 19 || !num(s, 4, &y) || s[4] != '-' || !num(s + 5, 2, &mo) ||
        s[7] != '-' || !num(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != ' ' && s[10] != '_'))
        return 0;
    long sod = hms(s + 11, n - 11);
    if (sod < 0 || y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;   /* other years are not log stamps, and would overflow */
    size_t i = 19;
    *ns = fraction(s, n, &i);
    *secs = ms_days_from_civil(y, mo, d) * 86400 + sod;
    return i;
}

/* A numeric zone at s, "+HH", "+HHMM" or "+HH:MM" (or '-'): *east its
 * seconds east of UTC. Returns its length, 0 if s is none. */
static size_t zone_offset(const char *s, size_t n, int64_t *east)
{
    if (n < 3 || (s[0] != '+' && s[0] != '-') || !is_digit(s[1]) ||
        !is_digit(s[2]))
        return 0;
    unsigned oh = (unsigned)((s[1] - '0') * 10 + (s[2] - '0')), om = 0;
    size_t i = 3;
    if (i < n && s[i] == ':')
        i++;
    if (i + 2 <= n && num(s + i, 2, &om))
        i += 2;
    *east = (s[0] == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
    return i;
}

static void set_abs(ms_record *r, int64_t secs, uint32_t ns)
{
    r->ts.kind = MS_TS_ABS;
    r->ts.time = secs * MS_NS_PER_S + ns;
}

/* *offset: the stamp gave its offset (`Z` too). */
static size_t iso(const char *s, size_t n, ms_record *r, bool *offset)
{
    int64_t secs, east;
    uint32_t ns;
    size_t i = iso_wall(s, n, &secs, &ns), k;
    if (!i)
        return 0;
    *offset = true;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if ((k = zone_offset(s + i, n - i, &east))) {
        i += k;
        secs -= east;
    } else {
        *offset = false;
        if (s[10] != '_')   /* svlogd -tt's stamp is UTC */
            secs = ms_local_to_utc(secs);
    }
    set_abs(r, secs, ns);
    return i;
}

/* journalctl -o short-full: "Mon 2025-05-05 00:47:41 CEST". UTC, GMT and a
 * numeric zone ("+03", which %Z gives for a zone without a name) are exact;
 * any other name (one to six capitals) is read in the local zone, as a
 * stamp without a zone is: "CEST" does not say which zone it belongs to. */
static size_t full(const char *s, size_t n, ms_record *r)
{
    static const char days[] = "MonTueWedThuFriSatSun";
    if (n < 25 || s[3] != ' ' || !is_digit(s[4]))
        return 0;
    int day = 0;
    while (day < 7 && memcmp(s, days + 3 * day, 3) != 0)
        day++;
    int64_t secs, east;
    uint32_t ns;
    size_t i = day < 7 ? iso_wall(s + 4, n - 4, &secs, &ns) : 0, k = 0;
    if (!i || 4 + i >= n || s[4 + i] != ' ')
        return 0;
    const char *z = s + 5 + i;
    size_t zn = n - 5 - i;
    while (k < zn && k < 7 && z[k] >= 'A' && z[k] <= 'Z')
        k++;
    if (k == 0 && (k = zone_offset(z, zn, &east)))
        secs -= east;
    else if (k < 1 || k > 6)
        return 0;
    else if (!(k == 3 && (memcmp(z, "UTC", 3) == 0 || memcmp(z, "GMT", 3) == 0)))
        secs = ms_local_to_utc(secs);
    if (k < zn && z[k] != ' ')
        return 0;
    set_abs(r, secs, ns);
    return 5 + i + k;
}

/* journalctl -o short-unix: "1746398861.123456", seconds since 1970. */
static size_t unix_stamp(const char *s, size_t n, ms_record *r)
{
    size_t i = 0;
    int64_t secs = 0;
    while (i < n && i < 12 && is_digit(s[i]))
        secs = secs * 10 + (s[i++] - '0');
    if (i < 9 || i > 11 || i >= n || s[i] != '.' ||
        secs >= INT64_C(7258118400))   /* 2200, as iso_wall */
        return 0;
    size_t dot = i;
    uint32_t ns = fraction(s, n, &i);
    if (i == dot || (i < n && s[i] != ' '))
        return 0;
    set_abs(r, secs, ns);
    return i;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t tai64n(const char *s, size_t n, ms_record *r)
{
    if (n < 25 || s[0] != '@')
        return 0;
    uint64_t secs = 0;
    uint32_t ns = 0;
    for (int i = 0; i < 24; i++) {
        int v = hexval(s[1 + i]);
        if (v < 0)
            return 0;
        if (i < 16)
            secs = secs << 4 | (uint64_t)v;
        else
            ns = ns << 4 | (uint32_t)v;
    }
    const uint64_t base = UINT64_C(1) << 62;
    /* Up to 2^33 s after 1970 (year 2242): later would overflow. */
    if (secs < base || secs - base > (UINT64_C(1) << 33) || ns >= 1000000000u)
        return 0;
    r->ts.kind = MS_TS_ABS;
    r->ts.time = ((int64_t)(secs - base) - 10) * MS_NS_PER_S + ns;
    return 25;
}

/* Character classes of the header, by byte: bit 1 a program name's
 * [A-Za-z0-9_./-], bit 2 a host name's [A-Za-z0-9._:%-]. */
enum { C_PROG = 1, C_HOST = 2 };
static const unsigned char cclass[256] = {
    ['0' ... '9'] = C_PROG | C_HOST, ['a' ... 'z'] = C_PROG | C_HOST,
    ['A' ... 'Z'] = C_PROG | C_HOST, ['_'] = C_PROG | C_HOST,
    ['.'] = C_PROG | C_HOST, ['-'] = C_PROG | C_HOST, ['/'] = C_PROG,
    [':'] = C_HOST, ['%'] = C_HOST,
};

/* Length of a program tag at s (through its ':'), 0 if s is none. The name
 * is [A-Za-z0-9_./-]+, then an optional [pid] or (x) and <x> group, then ':'
 * followed by a space or the end. */
static size_t prog_tag(const char *s, size_t n, size_t *name_len)
{
    size_t i = 0;
    while (i < n && (cclass[(unsigned char)s[i]] & C_PROG))
        i++;
    if (i == 0)
        return 0;
    *name_len = i;
    while (i < n && (s[i] == '[' || s[i] == '(' || s[i] == '<')) {
        char close = s[i] == '[' ? ']' : s[i] == '(' ? ')' : '>';
        const char *e = memchr(s + i, close, n - i < 256 ? n - i : 256);
        if (!e)
            return 0;
        i = (size_t)(e - s) + 1;
    }
    if (i >= n || s[i] != ':' || (i + 1 < n && s[i + 1] != ' '))
        return 0;
    return i + 1;
}

static int hostname_char(char c)
{
    return cclass[(unsigned char)c] & C_HOST;
}

/* Where the word at s ends when it is one of at most max bytes ending in
 * ": " (after that space), else 0. */
static size_t colon_word(const char *s, size_t n, size_t max)
{
    const char *sp = memchr(s, ' ', n < max ? n : max);
    return sp && sp > s + 1 && sp[-1] == ':' ? (size_t)(sp - s) + 1 : 0;
}

/* Length of socklog's `facility.level: ` at s (after `a.b.c.d: `, the
 * sender, in inet mode), 0 if s has none. The names are syslog.h's: a
 * facility has at most 8 letters and digits, a level at most 7 letters. */
static size_t socklog_prefix(const char *s, size_t n)
{
    static const char *const levels[] = {
        "emerg", "panic", "alert", "crit", "err", "error", "warn",
        "warning", "notice", "info", "debug", "unknown",
    };
    size_t i = 0;
    if (n > 0 && is_digit(s[0])) {
        if (!(i = colon_word(s, n, 17)))
            return 0;
        for (size_t k = 0; k + 2 < i; k++)
            if (!is_digit(s[k]) && s[k] != '.')
                return 0;
    }
    const char *f = s + i, *dot = memchr(f, '.', n - i < 9 ? n - i : 9);
    if (!dot || dot == f)
        return 0;
    for (const char *c = f; c < dot; c++)
        if (!(*c >= 'a' && *c <= 'z') && !is_digit(*c))
            return 0;
    size_t l = (size_t)(dot + 1 - s), w = colon_word(s + l, n - l, 9);
    for (size_t k = 0; w && k < sizeof levels / sizeof levels[0]; k++)
        if (strlen(levels[k]) == w - 2 && memcmp(levels[k], s + l, w - 2) == 0)
            return l + w;
    return 0;
}

/* socklog writes its prefix before the syslog message it received, which
 * starts with the client's classic stamp: the line's stamp when it has
 * none of its own (multilog without `t`). Returns where that ends, or i
 * when the line has no prefix at i. */
static size_t socklog(const char *line, size_t len, size_t i, ms_record *r)
{
    size_t k = i;
    while (k < len && line[k] == ' ')
        k++;
    size_t p = socklog_prefix(line + k, len - k);
    if (!p)
        return i;
    k += p;
    ms_record inner;
    return k + classic(line + k, len - k,
                       r->ts.kind == MS_TS_NONE ? r : &inner);
}

/* The stamp at the start of line into r->ts; returns where it ends (where
 * it would start, after any <PRI> and version, when there is none). */
static size_t stamp(const char *line, size_t len, ms_record *r)
{
    size_t i = 0;
    if (len > 2 && line[0] == '<') {   /* <PRI>, then RFC 5424's version */
        size_t k = 1;
        while (k < len && k < 5 && is_digit(line[k]))
            k++;
        if (k > 1 && k < len && line[k] == '>') {
            i = k + 1;
            if (i + 1 < len && line[i] == '1' && line[i + 1] == ' ')
                i += 2;
        }
    }
    const char *s = line + i;
    size_t n = len - i, used;
    bool offset = false;
    /* socklog's prefix follows no stamp, or one of multilog, svlogd or
     * tai64nlocal (TAI64N, ISO without offset), never a syslogd's. */
    if ((used = tai64n(s, n, r)) || (used = iso(s, n, r, &offset)))
        return offset ? i + used : socklog(line, len, i + used, r);
    if ((used = unix_stamp(s, n, r)) || (used = full(s, n, r)))
        return i + used;
    used = classic(s, n, r);
    return used ? i + used : socklog(line, len, i, r);
}

static size_t stamp_only(const char *line, size_t len, ms_stamp *ts)
{
    ms_record r;
    r.ts.kind = MS_TS_NONE;
    r.ts.time = MS_TIME_NONE;
    r.ts.mon = r.ts.day = 0;
    r.ts.sod = r.ts.ns = 0;
    size_t used = stamp(line, len, &r);
    *ts = r.ts;
    return used;
}

ms_tskind ms_record_stamp(const char *line, size_t len, ms_stamp *ts)
{
    stamp_only(line, len, ts);
    return ts->kind;
}

/* Whether line's first MS_STAMP_MEMO bytes give the memo's stamp. */
static int memo_hit(const ms_stamp_memo *m, const char *line, size_t len)
{
    return m->ok && len >= MS_STAMP_MEMO &&
           memcmp(line, m->head, MS_STAMP_MEMO) == 0;
}

/* After a parse that read used bytes of stamp: keep it when it can be given
 * again. A classic stamp of exactly 15 bytes, no fraction after it: the
 * parse read those 15 bytes and the 16th, so 16 equal bytes give it again. */
static void memo_keep(ms_stamp_memo *m, const char *line, size_t len,
                      size_t used, const ms_stamp *ts)
{
    m->ok = ts->kind == MS_TS_NOYEAR && used == 15 && len >= MS_STAMP_MEMO &&
            line[15] != '.' && line[15] != ',';
    if (m->ok) {
        memcpy(m->head, line, MS_STAMP_MEMO);
        m->ts = *ts;
    }
}

ms_tskind ms_record_stamp_memo(ms_stamp_memo *m, const char *line, size_t len,
                               ms_stamp *ts)
{
    if (memo_hit(m, line, len)) {
        *ts = m->ts;
        return ts->kind;
    }
    memo_keep(m, line, len, stamp_only(line, len, ts), ts);
    return ts->kind;
}

/* The host and program tag after the stamp's used bytes. */
static void header(const char *line, size_t len, size_t used, ms_record *r)
{
    while (used < len && line[used] == ' ')
        used++;
    const char *s = line + used;
    size_t n = len - used;

    /* A first word of host characters then a space, not ending in ':', is
     * no program tag (a tag's name stops at ':', '[', '(' or '<', and its
     * ':' is followed by a space): only a host can be there. */
    size_t h = 0;
    while (h < n && hostname_char(s[h]))
        h++;
    bool host_only = h > 0 && h < n && s[h] == ' ' && s[h - 1] != ':';
    size_t name_len = 0, tag = host_only ? 0 : prog_tag(s, n, &name_len);
    if (!tag && r->ts.kind != MS_TS_NONE) {
        if (h > 0 && h < n && s[h] == ' ') {
            size_t k = h;
            while (k < n && s[k] == ' ')
                k++;
            tag = prog_tag(s + k, n - k, &name_len);
            if (tag) {
                r->host = s;
                r->host_len = h;
                s += k;
                n -= k;
            }
        }
    }
    if (tag) {
        r->prog = s;
        r->prog_len = name_len;
    }
    r->body = s;
    r->body_len = n;
}

static void record_init(ms_record *r)
{
    memset(r, 0, sizeof *r);
    r->ts.time = MS_TIME_NONE;
    r->prog = r->host = "";
}

ms_tskind ms_record_parse(const char *line, size_t len, ms_record *r)
{
    record_init(r);
    header(line, len, stamp(line, len, r), r);
    return r->ts.kind;
}

ms_tskind ms_record_parse_memo(ms_stamp_memo *m, const char *line, size_t len,
                               ms_record *r)
{
    record_init(r);
    size_t used;
    if (memo_hit(m, line, len)) {
        r->ts = m->ts;
        used = 15;
    } else {
        used = stamp(line, len, r);
        memo_keep(m, line, len, used, &r->ts);
    }
    header(line, len, used, r);
    return r->ts.kind;
}

ms_time ms_stamp_time(const ms_stamp *ts, int64_t year)
{
    if (ts->kind == MS_TS_ABS)
        return ts->time;
    if (ts->kind != MS_TS_NOYEAR)
        return MS_TIME_NONE;
    int64_t local = ms_days_from_civil(year, ts->mon, ts->day) * 86400 + ts->sod;
    return ms_local_to_utc(local) * MS_NS_PER_S + ts->ns;
}
