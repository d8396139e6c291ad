/* fuzz_patterns.c — the --patterns loader (parse/patterns.c) and the rows
 * it adds, matched like the built-in ones (parse/recognizer.c).
 *
 * The input is a patterns file, then optionally a line "%%" and log lines.
 * Loading gives 0, or -1 with a message naming the file and a line. When
 * the file loaded, a matcher (with the block prefilter, when the build has
 * one) takes each log line through the record parser and ms_match, as
 * scan.c does: a user's pattern may capture anything, or nothing, in any
 * of the named groups (ip, user, method, svc, session, attempts, reason),
 * and every captured string must still point into its line, the outcome
 * and service be in range and the attempts at least one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "parse/recognizer.h"
#include "parse/record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);
    return 0;
}

static void check_str(ms_str s, const char *line, size_t len)
{
    if (s.n == 0)
        return;
    FZ_CHECK(s.p != NULL);
    FZ_CHECK(fz_inside(s.p, s.n, line, len) || strlen(s.p) == s.n);
}

static void match_lines(ms_matcher *m, const char *text, size_t size)
{
    uint64_t no = 0;
    for (size_t pos = 0; pos < size;) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
        char *copy = malloc(len ? len : 1);
        FZ_CHECK(copy != NULL);
        memcpy(copy, text + pos, len);
        ms_record rec;
        ms_record_parse(copy, len, &rec);
        ms_capture cap;
        const ms_rule *rule = NULL;
        int got = ms_match(m, &rec, ++no, &cap, &rule);
        FZ_CHECK(got == 0 || got == 1);
        if (got) {
            FZ_CHECK(rule != NULL);
            FZ_CHECK(cap.ev.outcome > 0 && cap.ev.outcome < MS_OUT__COUNT);
            FZ_CHECK(cap.ev.service < MS_SVC__COUNT);
            FZ_CHECK(cap.ev.attempts >= 1);
            FZ_CHECK(cap.ev.source != NULL);
            check_str(cap.ev.user, copy, len);
            check_str(cap.ev.method, copy, len);
            check_str(cap.ev.session, copy, len);
            check_str(cap.ev.reason, copy, len);
        }
        free(copy);
        pos += len + (nl != NULL);
    }
    ms_capture cap;
    while (ms_match_flush(m, &cap) == 1)
        FZ_CHECK(cap.ev.outcome > 0 && cap.ev.outcome < MS_OUT__COUNT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t file_len = size, lines_at = size;
    for (size_t i = 0; i + 3 <= size; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "%%", 2) == 0 &&
            text[i + 2] == '\n') {
            file_len = i;
            lines_at = i + 3;
            break;
        }
    }
    const char *path = fz_file(data, file_len);
    ms_error err = {0};
    ms_recognizers *r = ms_recognizers_new(&err);
    FZ_CHECK(r != NULL);
    int rc = ms_recognizers_load(r, path, &err);
    FZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FZ_CHECK(strstr(err.msg, path) != NULL);
    } else {
        ms_matcher *m = ms_matcher_new(r);
        FZ_CHECK(m != NULL);
        match_lines(m, text + lines_at, size - lines_at);
        ms_matcher_free(m);
    }
    ms_recognizers_free(r);
    return 0;
}
