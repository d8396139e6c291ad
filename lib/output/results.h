/* results.h — the analysis written out: the result files of `analyze -o DIR`
 * and the quick views of the `timeline`, `clusters` and `bans` commands.
 *
 * Files (their columns are the output contract, docs/OUTPUTS.md): events,
 * timeline, ips, clusters, cluster_members, geo, bans, compromised, each as
 * NAME.csv and/or NAME.json, and all of them in results.sqlite and/or
 * results.xlsx. Every table's columns are the contract's
 * required ones, in the contract's order, then extra ones. JSON files hold an
 * array of objects with the same field names as the CSV columns, except
 * events.json, which holds NDJSON (one object per line, no enclosing array):
 * the contract allows NDJSON for events, and it can be read as a stream.
 * Empty cells (no time, no cluster, no gap) are null in JSON; numbers are
 * numbers. Every file is written atomically (atomic.h). The same analysis
 * gives byte-identical files. */
#ifndef MS_RESULTS_H
#define MS_RESULTS_H

#include <pthread.h>
#include <stddef.h>

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/ip.h"

/* MS_RES_THREAD: the events file may be written by a thread of its own
 * while this one writes the others (the bytes are the same).
 * MS_RES_SQLITE: every table in results.sqlite; MS_RES_XLSX: in
 * results.xlsx, a summary sheet first (docs/OUTPUTS.md). */
enum { MS_RES_CSV = 1, MS_RES_JSON = 2, MS_RES_THREAD = 4, MS_RES_SQLITE = 8,
       MS_RES_XLSX = 16 };

/* Write every result file into dir (created, with parents, mode 0755, if
 * missing) in the formats of the bitmask formats. A file that fails does not
 * stop the others; -1 then, with err naming the first file that failed
 * (the events file's first, when written by its own thread). */
int ms_results_write(const char *dir, const ms_analysis *a, unsigned formats,
                     ms_error *err);

/* ms_results_write in two steps, for a caller with a core to spare while
 * it analyses: the events file needs only the finished store, so it can be
 * begun before the analyses run (in a thread of its own with
 * MS_RES_THREAD, else written at once), and ms_results_finish writes the
 * other files, waits for it and reports as ms_results_write does. The
 * store must stay unchanged until then. */
typedef struct ms_results_events {
    const char *dir;
    const ms_store *s;
    unsigned formats;
    const ms_inputs *inputs;   /* what was read, for results.xlsx's summary:
                                  set before ms_results_finish (NULL: none) */
    int rc, threaded;
    pthread_t tid;
    ms_error err;
} ms_results_events;

void ms_results_events_begin(ms_results_events *ev, const char *dir,
                             const ms_store *s, unsigned formats);
int ms_results_finish(const char *dir, const ms_analysis *a, unsigned formats,
                      ms_results_events *ev, ms_error *err);
/* Wait for the events file alone (when the analyses failed): 0, or -1
 * with its error in err. */
int ms_results_events_end(ms_results_events *ev, ms_error *err);

/* timeline.csv (json: 0) or timeline.json (json: 1) into b. */
void ms_results_timeline(ms_buf *b, const ms_analysis *a, int json);

/* clusters.csv or clusters.json into b. */
void ms_results_clusters(ms_buf *b, const ms_analysis *a, int json);

/* The groups of the `geo` command: one row per country and AS, or one
 * level only (the other left empty). */
typedef enum ms_geo_by { MS_GEO_BY_BOTH, MS_GEO_BY_COUNTRY, MS_GEO_BY_ASN } ms_geo_by;

/* geo.csv or geo.json into b (the `geo` command), grouped by. */
void ms_results_geo(ms_buf *b, const ms_analysis *a, ms_geo_by by, int json);

typedef enum ms_ban_style {
    MS_BANS_CSV,     /* bans.csv */
    MS_BANS_JSON,    /* bans.json */
    MS_BANS_PLAIN,   /* one address or CIDR per line */
    MS_BANS_NFT,     /* an `nft -f` script: sets mailsleuth_ban4/_ban6 */
    MS_BANS_IPSET,   /* an `ipset restore` script: the same two sets */
} ms_ban_style;

/* The ban list into b. The nft and ipset scripts create the sets if
 * missing, empty them and add the list, so they can be re-run. */
void ms_results_bans(ms_buf *b, const ms_analysis *a, ms_ban_style style);

/* mkdir -p dir (mode 0755); 0, or -1 with err. The report uses it too. */
int ms_results_mkdir(const char *dir, ms_error *err);

#endif
