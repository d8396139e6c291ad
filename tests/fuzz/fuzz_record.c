/* fuzz_record.c — the line-header parser (parse/record.c) and the ISO time
 * parser (core/timeconv.c) on arbitrary bytes.
 *
 * The whole input is one line for ms_record_parse (the line reader never
 * hands it a '\n', but NULs and invalid UTF-8 pass). Checks: host, prog and
 * body point inside the line, the body runs to its end, a year-less stamp
 * holds a real month, day and time of day, an absolute one formats, and
 * ms_record_stamp (the scan's stamp-only path) gives the same stamp, and
 * so does its memo for lines that start like this one. Then
 * ms_time_parse_iso on the same bytes: whatever it accepts must survive
 * ms_time_format and parse back to the same instant. A zone with summer
 * time is set so the local-time path (no offset in the stamp) is taken. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeconv.h"
#include "fuzz_util.h"
#include "parse/record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    return 0;
}

static void check_time(ms_time t)
{
    char buf[MS_TIME_STRLEN];
    size_t n = ms_time_format(t, buf);
    FZ_CHECK(n > 0 && n < MS_TIME_STRLEN && buf[n] == '\0');
    FZ_CHECK(strlen(buf) == n);
    ms_time back;
    if (ms_time_parse_iso(buf, n, &back) == 0) {
        FZ_CHECK(back == t);
    } else {
        /* Only a year the parser refuses (outside 1900-2200) may fail: an
         * offset or a TAI64N label can move a stamp past those. */
        long y = strtol(buf, NULL, 10);
        FZ_CHECK(y < 1900 || y > 2200);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    ms_record r;
    ms_tskind k = ms_record_parse(line, size, &r);
    FZ_CHECK(k == r.ts.kind);
    FZ_CHECK(r.host && r.prog && r.body);
    FZ_CHECK(r.body_len <= size);
    FZ_CHECK(r.body + r.body_len == line + size);
    if (r.host_len)
        FZ_CHECK(fz_inside(r.host, r.host_len, line, size));
    if (r.prog_len) {
        FZ_CHECK(fz_inside(r.prog, r.prog_len, line, size));
        FZ_CHECK(r.prog == r.body);   /* the body starts at the tag */
    }
    switch (k) {
    case MS_TS_NONE:
        FZ_CHECK(r.ts.time == MS_TIME_NONE);
        FZ_CHECK(r.host_len == 0);
        break;
    case MS_TS_NOYEAR:
        FZ_CHECK(r.ts.mon >= 1 && r.ts.mon <= 12);
        FZ_CHECK(r.ts.day >= 1 && r.ts.day <= 31);
        FZ_CHECK(r.ts.sod <= 86400);
        FZ_CHECK(r.ts.ns < 1000000000u);
        break;
    case MS_TS_ABS:
        FZ_CHECK(r.ts.time != MS_TIME_NONE);
        check_time(r.ts.time);
        break;
    default:
        FZ_CHECK(0);
    }

    ms_stamp st;
    FZ_CHECK(ms_record_stamp(line, size, &st) == k);
    FZ_CHECK(st.kind == r.ts.kind && st.time == r.ts.time &&
             st.mon == r.ts.mon && st.day == r.ts.day && st.sod == r.ts.sod &&
             st.ns == r.ts.ns);

    /* The stamp memo of skipped lines: after this line, a line with the
     * same first bytes (this one cut shorter, or with a later byte
     * changed) must get what parsing it gives. */
    ms_stamp_memo memo = {0};
    FZ_CHECK(ms_record_stamp_memo(&memo, line, size, &st) == k);
    if (size > MS_STAMP_MEMO) {
        char *other = malloc(size);
        FZ_CHECK(other != NULL);
        memcpy(other, line, size);
        other[size - 1] ^= 0x01;
        size_t lens[] = {MS_STAMP_MEMO, MS_STAMP_MEMO + 1, size - 1, size};
        for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
            const char *l = i == 3 ? other : line;
            ms_stamp a, b;
            FZ_CHECK(ms_record_stamp_memo(&memo, l, lens[i], &a) ==
                     ms_record_stamp(l, lens[i], &b));
            FZ_CHECK(a.kind == b.kind && a.time == b.time && a.mon == b.mon &&
                     a.day == b.day && a.sod == b.sod && a.ns == b.ns);
        }
        free(other);
    }

    ms_time t;
    if (ms_time_parse_iso(line, size, &t) == 0)
        check_time(t);
    return 0;
}
