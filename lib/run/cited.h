/* cited.h — the text of the log lines an address's verdict cites (`why`), read
 * again: the logs are scanned a second time, line by line on one thread,
 * and the lines of the events asked for are kept. An events file or
 * standard input cannot be read again: their lines get no text. */
#ifndef MS_CITED_H
#define MS_CITED_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/why.h"
#include "run/run.h"

typedef struct ms_cited {
    uint32_t file;             /* the store's file index */
    uint64_t line;
    char *text;                /* NULL when not read again */
    size_t len;
} ms_cited;

typedef struct ms_cited_lines {
    ms_cited *v;               /* by file, then line */
    size_t n;
} ms_cited_lines;

/* The lines the rules of w cite (analyze/why.h), in the store of the run
 * s made: read again with s's paths and recognisers, quietly, each cut to
 * max bytes. Lines not found (a file gone or changed since) have no text.
 * 0, or -1 with err when memory ran out. */
int ms_cited_read(const ms_run_settings *s, const ms_store *st,
                  const ms_why *w, size_t max, ms_cited_lines *out,
                  ms_error *err);

/* The cited line of event e (one of a rule's), or NULL. */
const ms_cited *ms_cited_find(const ms_cited_lines *c, const ms_event *e);

void ms_cited_free(ms_cited_lines *c);

#endif
