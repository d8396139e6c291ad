/* run_int.h — the steps of ms_run (run.h) that have files of their own:
 * filling the store (run_store.c), the geo enrichment (run_geo.c) and
 * writing analyze's and report's files (run_write.c). */
#ifndef MS_RUN_INT_H
#define MS_RUN_INT_H

#include <stdbool.h>

#include "output/results.h"
#include "run/run.h"

/* Read the events files among src into the store (each damaged one
 * warned about and counted; ahead: each read on a thread of its own,
 * input/events_ahead.h); the logs are left in *logs (its v allocated, its
 * strings src's). -1 when memory ran out. */
int ms_run_store_events_files(ms_run_result *r, const ms_source_list *src,
                              ms_source_list *logs, int ahead,
                              const ms_warner *w, ms_error *err);

/* Move one log's events into the store (its server label the folder it
 * was found in), freeing the scan's copy as they go, and note the file
 * in the inputs. -1 when memory ran out. */
int ms_run_store_scan(ms_run_result *r, ms_file_scan *f, const char *folder,
                      ms_error *err);

/* Open the geo databases and fill each address's country and AS; each
 * database left out is warned about and counted. -1 when memory ran out. */
int ms_run_geo(const ms_run_settings *s, ms_run_result *r, const ms_warner *w,
               ms_error *err);

/* Writing into s->dir: the events file begun on the complete store,
 * then the rest once the analysis is done. */
typedef struct ms_run_write {
    unsigned formats;          /* with MS_RES_THREAD when threads > 1 */
    bool begun;
    ms_results_events ev;
} ms_run_write;

void ms_run_write_begin(ms_run_write *wr, const ms_run_settings *s,
                        const ms_store *st);
/* The events file alone, when the run failed before the rest: 0 or -1. */
int ms_run_write_abort(ms_run_write *wr, ms_error *err);
/* The other result files and the report; 0 or -1 with the first error. */
int ms_run_write_finish(ms_run_write *wr, const ms_run_settings *s,
                        ms_run_result *r, ms_error *err);

#endif
