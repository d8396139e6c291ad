/* results_int.h — inside the result writers: tables as data.
 *
 * Each result file is one ms_table: its columns (names, the contract's
 * first, each with the kind of value it holds) and a function that fills
 * one row as typed values (ms_rv). results_tables.c defines the tables;
 * results.c renders any of them as CSV or as JSON, results_sqlite.c as a
 * table of results.sqlite and results_xlsx.c as a sheet of results.xlsx,
 * all from those values, so every format comes from the one list of
 * columns and none can drift from the others. (events.csv and events.json
 * are written by events_out.c, which `mailsleuth events` shares; the
 * events table here takes its column names from core/events_format.h.)
 * Row functions may point strings into the context's scratch space; a row
 * is rendered before the next one is filled. */
#ifndef MS_RESULTS_INT_H
#define MS_RESULTS_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/ip.h"

typedef enum ms_rv_kind {
    MS_RV_NULL,   /* empty cell; null in JSON */
    MS_RV_STR,    /* s, n: any text, cleaned and neutralised on output */
    MS_RV_INT,    /* i */
    MS_RV_MS,     /* i milliseconds, printed as seconds with <= 3 decimals */
    MS_RV_TIME,   /* i: an ms_time, ISO UTC; MS_TIME_NONE is empty */
    MS_RV_IP,     /* ip; an unset address is empty */
} ms_rv_kind;

typedef struct ms_rv {
    ms_rv_kind k;
    const char *s;
    size_t n;
    int64_t i;
    const ms_ip *ip;
} ms_rv;

#define MS_RES_MAXCOLS 24

/* A column: its name, and the kind of its values (a cell may also be
 * MS_RV_NULL, and an MS_RV_IP column's cell an empty MS_RV_STR). */
typedef struct ms_col {
    const char *name;
    ms_rv_kind kind;
} ms_col;

/* A geo.csv row: one (country, asn) group. */
typedef struct ms_geo_row {
    const char *country, *asn, *as_org;
    uint64_t ips, attempts, banned;
} ms_geo_row;

/* Where the timeline's row `first` begins: at the first event of ips[pos],
 * whose len events are ev[0 ..) (len 0: not looked up yet), read through
 * view (open: opened). */
typedef struct ms_tl_cursor {
    size_t pos, first;
    const uint32_t *ev;
    uint32_t len;
    int open;
    ms_store_view view;
} ms_tl_cursor;

typedef struct ms_rctx {
    const ms_analysis *a;
    const ms_store *s;
    int failed;                 /* out of memory while preparing */
    uint32_t *ips;              /* real ips with events, canonical order */
    size_t nips;
    size_t ntl;                 /* timeline: every event, by ip then time */
    ms_tl_cursor tl[3];         /* its row written, and two read ahead */
    ms_store_walk walk;         /* the events table's rows, when spilled */
    int walking;
    size_t walk_i, walk_e;      /* rows walked, and the last one's event */
    ms_store_view sview;        /* ms_rctx_ip_servers' (sview_open: opened) */
    int sview_open;
    ms_geo_row *geo;
    size_t ngeo;
    size_t mcluster, mbase;     /* cluster_members: where the last row was */
    uint32_t *servers;          /* strs ids of the named servers, by name */
    size_t nservers;
    uint32_t *server_rank;      /* by strs id: index in servers; nservers
                                   for "" (no server); UINT32_MAX: not a
                                   server */
    uint32_t *server_mark;      /* by index: the call that last saw it */
    uint32_t server_calls;
    uint32_t *server_row;       /* one row's server indexes */
    ms_buf scratch[2];
    char net[MS_IP_STRLEN + 8];
} ms_rctx;

typedef struct ms_table {
    const char *name;                        /* file name without extension */
    const ms_col *cols;                      /* ends with a NULL name */
    size_t (*count)(const ms_rctx *c);
    void (*row)(ms_rctx *c, size_t i, ms_rv *v);
} ms_table;

/* ms_tab_events: analyze's events (no duplicates, no session), as the
 * store holds them; its columns are filled by the first ms_rctx_init. */
extern const ms_table ms_tab_events, ms_tab_timeline, ms_tab_ips,
    ms_tab_clusters, ms_tab_members, ms_tab_geo, ms_tab_bans,
    ms_tab_compromised;

/* Every table of `analyze -o`, events first, in the order of
 * docs/OUTPUTS.md; NULL after the last. */
extern const ms_table *const ms_tables[];

/* t's columns: how many; names (when not NULL) gets their names and a NULL
 * (room for MS_RES_MAXCOLS + 1). */
size_t ms_table_ncols(const ms_table *t, const char **names);

enum { MS_RCTX_TIMELINE = 1, MS_RCTX_GEO = 2, MS_RCTX_SERVERS = 4 };

/* Prepare what the tables read (need: MS_RCTX_* bits). Sets c->failed when
 * memory ran out; ms_rctx_free is always needed. */
void ms_rctx_init(ms_rctx *c, const ms_analysis *a, unsigned need);
void ms_rctx_free(ms_rctx *c);

/* t's row i into v; -1 when memory ran out filling it (a cell built in the
 * scratch space would be cut short: the write must fail). */
int ms_rctx_row(ms_rctx *c, const ms_table *t, size_t i, ms_rv *v);

/* The servers the events of ip id came from (MS_RCTX_SERVERS), as indexes
 * into c->servers, ascending (so by name), into c->server_row; returns how
 * many. Events with no server give index nservers, last. */
size_t ms_rctx_ip_servers(ms_rctx *c, uint32_t id);


/* "dir/file", malloc'd; NULL when memory ran out. */
char *ms_results_path(const char *dir, const char *file);

/* results.sqlite into dir: every table of ms_tables (results_sqlite.c).
 * 0, or -1 with err naming the file (no file then, or the old one). */
int ms_results_sqlite(const char *dir, ms_rctx *c, ms_error *err);

/* results.xlsx into dir (results_xlsx.c): a summary sheet, then a sheet
 * per table of ms_tables, each at most max_rows rows (the header and a
 * last row saying where the whole table is included); formats: the files
 * written beside it (MS_RES_*), named in that note; in: what was read,
 * for the summary (NULL: left out). 0, or -1 with err. */
int ms_results_xlsx(const char *dir, ms_rctx *c, const ms_inputs *in,
                    unsigned formats, size_t max_rows, ms_error *err);

/* An attacker-controlled string may be NULL in a half-filled analysis. */
static inline const char *ms_rs(const char *s)
{
    return s ? s : "";
}

/* Cell values, shared by the result tables and the report's tables. */

static inline ms_rv v_str(const char *s)
{
    s = ms_rs(s);
    return (ms_rv){.k = MS_RV_STR, .s = s, .n = strlen(s)};
}

static inline ms_rv v_strn(const char *s, size_t n)
{
    return (ms_rv){.k = MS_RV_STR, .s = s, .n = n};
}

static inline ms_rv v_int(int64_t i)
{
    return (ms_rv){.k = MS_RV_INT, .i = i};
}

static inline ms_rv v_time(ms_time t)
{
    return (ms_rv){.k = MS_RV_TIME, .i = t};
}

/* An ip id; the store's non-address ids print as "". */
static inline ms_rv v_ip(const ms_store *s, uint32_t id)
{
    if (!ms_store_ip_real(s, id))
        return (ms_rv){.k = MS_RV_STR, .s = "", .n = 0};
    return (ms_rv){.k = MS_RV_IP, .ip = ms_store_ip(s, id)};
}

static inline ms_rv v_cluster(uint32_t id)
{
    return id ? v_int(id) : (ms_rv){.k = MS_RV_NULL};
}

/* Seconds (negative: unknown) rounded to milliseconds. */
static inline ms_rv v_secs(double s)
{
    if (!(s >= 0) || s > 9e15 / 1000)
        return (ms_rv){.k = MS_RV_NULL};
    return (ms_rv){.k = MS_RV_MS, .i = (int64_t)llround(s * 1000)};
}

static inline ms_rv v_user(const ms_store *s, uint32_t u)
{
    return v_strn(s->users.str[u], s->users.len[u]);
}

static inline ms_rv v_sstr(const ms_store *s, uint32_t id)
{
    return v_strn(s->strs.str[id], s->strs.len[id]);
}

#endif
