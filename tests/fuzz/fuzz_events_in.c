/* fuzz_events_in.c — the events-file reader (input/events_in.c): CSV through
 * libcsv and NDJSON through jansson, sniffed from the first bytes, plain or
 * compressed (the bytes go through ms_reader like any file).
 *
 * The input is the file. ms_events_sniff also runs on the raw bytes. Every
 * emitted event is checked: an outcome and a service in range, at least
 * one attempt, a source and a file name, each string of its stated length
 * readable (ASan sees a short one), the file index dense in first-seen
 * order (0 for the empty name).
 * Warnings must name the file. The return is 0, -1 with a message, or
 * nothing else (the emit function never stops the read). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/event.h"
#include "fuzz_util.h"
#include "input/events_in.h"

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

typedef struct ctx {
    uint64_t events;
    uint32_t max_file;
    volatile unsigned sink;
} ctx;

static void touch(ctx *c, ms_str s)
{
    if (s.n)
        FZ_CHECK(s.p != NULL);
    for (uint32_t i = 0; i < s.n; i++)
        c->sink += (unsigned char)s.p[i];
}

static int emit(void *p, const ms_event *e, const char *file_column,
                const ms_str *server)
{
    ctx *c = p;
    FZ_CHECK(e->outcome > MS_OUT_NONE && e->outcome < MS_OUT__COUNT);
    FZ_CHECK(e->service < MS_SVC__COUNT);
    FZ_CHECK(e->attempts <= UINT16_MAX);
    FZ_CHECK(e->source != NULL && file_column != NULL);
    c->sink += (unsigned)strlen(e->source) + (unsigned)strlen(file_column);
    touch(c, e->user);
    touch(c, e->method);
    touch(c, e->reason);
    touch(c, e->session);
    touch(c, e->host);
    if (server)
        touch(c, *server);
    /* Files are numbered densely in first-seen order; 0 is always the empty
     * name (an interned id), so the first other name is 1. */
    FZ_CHECK(e->file <= c->max_file + 1);
    if (e->file == c->max_file + 1)
        c->max_file++;
    FZ_CHECK((e->file == 0) == (file_column[0] == '\0'));
    c->events++;
    return 0;
}

static void warn(void *p, const char *file, uint64_t line, const char *msg)
{
    (void)p;
    (void)line;
    FZ_CHECK(file != NULL && strcmp(file, "fuzz-events") == 0);
    FZ_CHECK(msg != NULL && msg[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int kind = ms_events_sniff((const char *)data, size);
    FZ_CHECK(kind == MS_EVFILE_NONE || kind == MS_EVFILE_CSV ||
             kind == MS_EVFILE_JSON);

    const char *path = fz_file(data, size);
    ctx c = {0};
    ms_warner w = {warn, NULL};
    ms_error err = {0};
    int rc = ms_events_read(path, "fuzz-events", emit, &c, &w, &err);
    FZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FZ_CHECK(err.code != MS_OK);
        FZ_CHECK(err.msg[0] != '\0');
    }
    return 0;
}
