/* report_int.h — inside the incident report (report.h).
 *
 * Three parts. The figures (ms_rfacts, report_facts.c) are counted once
 * from the analysis. The charts (ms_chart, report_charts.c) are written as
 * gnuplot scripts and data, then drawn by plot.h when gnuplot is there. The
 * text (report_sections.c) is written once, through the small document
 * writer below (report_doc.c), which renders it either as Markdown or as
 * HTML: the same calls make report.md and report.html, so the two cannot
 * say different things.
 *
 * The writer's rule for text: ms_doc_ours and ms_doc_ours_fmt take our own
 * words (written as they are in Markdown, HTML-escaped in HTML); every
 * string that came from a log or a file name goes through
 * ms_doc_untrusted_name, ms_doc_untrusted_text or a table cell of kind
 * MS_RV_STR, which clean it (text.h), hide bidirectional and invisible
 * format characters as \xNN, then escape it for the format: HTML entities
 * for & < > " ', a backslash before every Markdown punctuation character
 * (so no name can open a link, an image, HTML, emphasis, a table cell or an
 * autolink). A name is set apart (monospace in HTML), a text is not. */
#ifndef MS_REPORT_INT_H
#define MS_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "core/buf.h"
#include "output/plot.h"
#include "output/report.h"
#include "output/results_int.h"

/* ---- the document writer (report_doc.c) ------------------------------ */

typedef struct ms_doc {
    ms_buf *b;
    int html;
    size_t ncols, col;       /* in a table: columns, cell being written */
    const char *align;       /* per column, as ms_doc_table's */
    ms_buf tmp;              /* scratch for cleaning */
} ms_doc;

/* Escape attacker text for Markdown or HTML (after cleaning); exposed for
 * the unit test. */
void ms_md_escape(ms_buf *b, const char *s, size_t n);
void ms_html_escape(ms_buf *b, const char *s, size_t n);
/* Clean (text.h) and also show U+200B–U+200F, U+202A–U+202E,
 * U+2060–U+206F and U+FEFF as \xNN (they reorder or hide text). */
void ms_report_clean(ms_buf *b, const char *s, size_t n);

/* A heading; in HTML its id is the GitHub-style slug of text, which is
 * what ms_doc_link points at (Markdown renderers make the same ids). */
void ms_doc_h(ms_doc *d, int level, const char *text);
void ms_doc_p(ms_doc *d);              /* a paragraph begins */
void ms_doc_note(ms_doc *d);           /* a paragraph set apart (a note) */
void ms_doc_lead(ms_doc *d);           /* the headline paragraph */
void ms_doc_pend(ms_doc *d);           /* … and ends */
/* Our own words. */
void ms_doc_ours(ms_doc *d, const char *s);
void ms_doc_ours_fmt(ms_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An untrusted name (a username, a program, a file): escaped, set apart.
 * _n: n bytes; the other NUL-terminated, NULL: "". */
void ms_doc_untrusted_name_n(ms_doc *d, const char *s, size_t n);
void ms_doc_untrusted_name(ms_doc *d, const char *s);
/* Untrusted prose (an analysis sentence, a file name, an error): escaped
 * like a name but shown as ordinary text. */
void ms_doc_untrusted_text(ms_doc *d, const char *s);
void ms_doc_user(ms_doc *d, const ms_store *s, uint32_t user);
void ms_doc_strong(ms_doc *d, const char *s); /* our words, bold */
void ms_doc_code(ms_doc *d, const char *s);   /* our words, code */
void ms_doc_link(ms_doc *d, const char *heading);  /* to a heading */
void ms_doc_num(ms_doc *d, uint64_t v);       /* 12,345 */
void ms_doc_ip(ms_doc *d, const ms_store *s, uint32_t ip);
void ms_doc_time(ms_doc *d, ms_time t);       /* 2025-05-04 00:42:03 */
void ms_doc_day(ms_doc *d, ms_time t);        /* 4 May 2025 00:42 */
void ms_doc_dur(ms_doc *d, double secs);      /* ms_duration_format */
void ms_doc_ul(ms_doc *d);
void ms_doc_li(ms_doc *d);
void ms_doc_liend(ms_doc *d);
void ms_doc_ulend(ms_doc *d);
/* HTML: a <details> block (everything in it is shown when printing);
 * Markdown: a paragraph in bold. */
void ms_doc_details(ms_doc *d, const char *summary);
void ms_doc_details_end(ms_doc *d);
/* A table: cols NULL-terminated, align one letter per column: 'l' short
 * text, 'r' a number, 'p' a name or path (broken anywhere when long), 'w'
 * prose (given room: an evidence or reasons column). Cells are typed
 * (results_int.h): text is attacker text; MS_RV_MS is a duration. */
void ms_doc_table(ms_doc *d, const char *const *cols, const char *align);
void ms_doc_row(ms_doc *d, const ms_rv *v);
void ms_doc_tend(ms_doc *d);
void ms_doc_free(ms_doc *d);

/* A whole page around body (report_doc.c): the HTML head with its style,
 * sort script and content security policy, or nothing for Markdown. */
void ms_doc_page(ms_buf *out, const char *title, const ms_buf *body, int html);

/* For the unit test: SHA-256 as base64 (44 chars + NUL). */
void ms_sha256_b64(const void *data, size_t n, char out[45]);
void ms_base64(ms_buf *b, const void *data, size_t n);

/* ---- charts (report_charts.c) ---------------------------------------- */

typedef enum ms_chart_state {
    MS_CHART_NONE = 0,       /* nothing to draw (no data) */
    MS_CHART_SCRIPT,         /* .gp and .dat written, not drawn */
    MS_CHART_DRAWN,          /* .png written, svg held */
    MS_CHART_FAILED,         /* gnuplot failed or timed out (why) */
} ms_chart_state;

enum {
    MS_CH_ACTIVITY,          /* tries over time, stacked by kind */
    MS_CH_HOURS,             /* failures by hour of day */
    MS_CH_RASTER,            /* largest campaign, one row per ip */
    MS_CH_COUNTRIES,
    MS_CH_ASNS,
    MS_CH_CAMPAIGN,          /* … one per campaign, up to MS_REPORT_CAMP_CHARTS */
};
#define MS_REPORT_CAMP_CHARTS 8
#define MS_REPORT_NCHARTS (MS_CH_CAMPAIGN + MS_REPORT_CAMP_CHARTS)

typedef struct ms_chart {
    char name[40];           /* "chart-activity": files NAME.gp, .dat, .png */
    char alt[200];           /* what it shows, our words */
    ms_chart_state state;
    char *svg;               /* when drawn */
    size_t nsvg;
    char why[200];           /* when failed */
} ms_chart;

/* The chart (HTML: its SVG as an image; Markdown: its PNG), or a note
 * saying why it was not drawn and how to draw it. */
void ms_doc_chart(ms_doc *d, const ms_chart *c);

/* ---- the figures (report_facts.c) ------------------------------------ */

/* A count for a name: a country, an ASN, a username. */
typedef struct ms_rcount {
    const char *key, *label;   /* label: as_org for an ASN */
    uint32_t id;               /* a user id */
    uint64_t n, ips, banned;
} ms_rcount;

/* One server's figures (its name: strs id; 0 for the events with none). */
typedef struct ms_rserver {
    uint32_t id;
    uint64_t events, fails, oks;
    uint32_t ips, banned;
    ms_time first, last;
} ms_rserver;

typedef struct ms_rcamp {
    ms_rcount countries[5], asns[5];
    size_t ncountries, nasns;
    uint32_t geo_ips;          /* members with a country or an ASN */
    uint32_t banned;           /* members with verdict ban */
    uint32_t *members;         /* ip ids by first try */
} ms_rcamp;

#define MS_REPORT_TOP 15

typedef struct ms_rfacts {
    const ms_analysis *a;
    const ms_store *s;
    const ms_inputs *in;
    ms_rctx rc;                /* ips in canonical order, geo rows */
    ms_time first, last;       /* of the events, MS_TIME_NONE if none */
    ms_rserver *servers;       /* rc.servers' figures, in that order, then
                                  the events with no server (id 0), if any */
    size_t nservers;
    size_t nfiles, nlogs, nevfiles, ndamaged;
    uint64_t lines, bytes, unmatched, cut_lines;
    uint64_t events, by_outcome[MS_OUT__COUNT];
    uint64_t honest;           /* failures explained as honest */
    uint32_t nips, nban, nwatch, nignored, ncamp_ips, nfast;
    uint32_t *fast;            /* ip ids: fast robots and brute forcers */
    uint32_t *others;          /* banned, neither fast nor in a campaign */
    size_t nothers;
    ms_rcount users[MS_REPORT_TOP];  /* most tried names (failures held) */
    size_t nusers;
    uint64_t hours[24][2];     /* failures by UTC hour: held, honest */
    int has_geo;
    ms_rcount *countries, *asns;    /* all, by attempts */
    size_t ncountries, nasns;
    ms_rcamp *camps;           /* by cluster index */
    /* Ban list figures. */
    uint32_t ban_blocks, ban_v6, ban_conf[3], ban_camp, ban_fast;
    ms_chart charts[MS_REPORT_NCHARTS];
    int gnuplot_state;         /* 0 not looked for, 1 found, -1 not found */
    char gnuplot[256];         /* the program used, or why not */
    size_t ndrawn, nscripts, nfailed;
} ms_rfacts;

int ms_rfacts_init(ms_rfacts *f, const ms_analysis *a, const ms_inputs *in);
void ms_rfacts_free(ms_rfacts *f);

/* Write the charts' scripts and data into dir, then draw them when
 * o->gnuplot allows (report_charts.c). -1 only when a file could not be
 * written or memory ran out (err); gnuplot's failures are kept per chart.
 * ms_report_charts_unwind removes the scripts and data it left, for a
 * report that failed after it. */
int ms_report_charts(ms_rfacts *f, const char *dir, const ms_report_opts *o,
                     ms_error *err);
void ms_report_charts_unwind(ms_rfacts *f, const char *dir);

/* The report's text (report_sections.c). */
void ms_report_body(ms_doc *d, const ms_rfacts *f, const ms_report_opts *o);
/* The title, "Mail server attacks, 4 to 5 May 2025", into title[n] (n at
 * least MS_REPORT_TITLE: it allocates nothing). */
#define MS_REPORT_TITLE 160
void ms_report_title(char *title, size_t n, const ms_rfacts *f);

#endif
