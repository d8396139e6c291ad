/* results_xlsx.c — results.xlsx: the result tables as one workbook, for
 * people who open results in a spreadsheet (docs/OUTPUTS.md,
 * "results.xlsx").
 *
 * A summary sheet first: the report's headline figures (report_facts.c),
 * the fleet's hosts included and left out (--hosts, analyze/fleet.h), the
 * sheets with their rows, and where a table too long for a sheet is
 * whole. Then one sheet per table of ms_tables (results_int.h), named as
 * the table, its header row frozen and filtered. Cells by kind: counts and
 * seconds are numbers, times spreadsheet dates (UTC, format yyyy-mm-dd
 * hh:mm:ss; a time before 1 March 1900 or after 9999 stays ISO text), an
 * address text; text from the logs is cleaned as text.h says (the format
 * cannot hold control characters) and written as a string cell, which no
 * spreadsheet evaluates, so it needs no formula guard and gets no `'`
 * (and `_xHHHH_`, which OOXML reads as a character, is escaped as such).
 * Text over a cell's 32,767 characters is cut, with "…". A sheet holds at
 * most max_rows rows (1,048,576): a longer table gets its first rows and a
 * last row saying where the rest is (events.csv, results.sqlite).
 *
 * libxlsxwriter in constant-memory mode writes each row out as it goes (so
 * strings are inline, not shared) to temporary files in DIR (unlinked at
 * once), then the workbook into a temporary file renamed once it is
 * complete (atomic.h). The creation date is the last event's,
 * so the same input gives the same workbook.
 *
 * libxlsxwriter does not report every allocation it fails: a cell, a
 * string's copy or a format's index may be dropped (or kept NULL, to be
 * dereferenced later) while the call returns LXW_NO_ERROR. malloc sets
 * errno to ENOMEM, so errno is cleared before each call into the library
 * and looked at after it (check). After the first failure no call is made
 * but lxw_workbook_free (never workbook_close, which would write out what
 * is left): the workbook is dropped with its temporary files. What the
 * library drops or dereferences inside workbook_close, or within a call,
 * no caller can catch (docs/SECURITY.md, "Running out of memory"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "analyze/fleet.h"
#include "output/atomic.h"
#include "output/report_int.h"
#include "output/results.h"
#include "output/results_int.h"
#include "output/text.h"

#define CELL_MAX 32767   /* characters in a cell */

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *bold, *date;
    ms_buf text;          /* a cell's cleaned text, NUL-terminated */
    ms_buf esc;           /* the same with `_x005F` added */
    lxw_error bad;        /* the first failure */
    lxw_worksheet *ws[16];
    size_t nws;
} xl;

/* After a call into libxlsxwriter made with errno cleared: its result, or
 * the allocation it failed without saying. */
static void check(xl *x, lxw_error e)
{
    if (e == LXW_NO_ERROR && errno == ENOMEM)
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (e != LXW_NO_ERROR && x->bad == LXW_NO_ERROR)
        x->bad = e;
}

/* A call returning lxw_error, checked. */
#define XL(x, call) (errno = 0, check((x), (call)))

static lxw_worksheet *add_sheet(xl *x, const char *name)
{
    if (x->bad != LXW_NO_ERROR)
        return NULL;
    if (x->nws == sizeof x->ws / sizeof *x->ws) {
        check(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
        return NULL;
    }
    errno = 0;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    /* Its quoted name's copy failing is not told, even by errno (the
     * sheet's temporary file, made after it, clears errno). */
    check(x, ws && ws->quoted_name ? LXW_NO_ERROR
                                   : LXW_ERROR_MEMORY_MALLOC_FAILED);
    if (ws)
        x->ws[x->nws++] = ws;
    return x->bad == LXW_NO_ERROR ? ws : NULL;
}

/* libxlsxwriter does not check its writes of a sheet's rows to their
 * temporary file (a full disk would give a cut sheet in a whole file):
 * write out each sheet's last row, then look. */
static int rows_written(xl *x)
{
    for (size_t i = 0; i < x->nws && x->bad == LXW_NO_ERROR; i++) {
        FILE *tmp = x->ws[i]->optimize_tmpfile;
        errno = 0;
        lxw_worksheet_write_single_row(x->ws[i]);
        check(x, LXW_NO_ERROR);
        if (tmp && (fflush(tmp) != 0 || ferror(tmp)))
            return -1;
    }
    return 0;
}

/* The workbook given up: workbook_close would close each sheet's
 * temporary file (as it writes the sheet out), lxw_workbook_free does
 * not. */
static void drop(xl *x)
{
    for (size_t i = 0; i < x->nws; i++)
        if (x->ws[i]->optimize_tmpfile) {
            fclose(x->ws[i]->optimize_tmpfile);
            x->ws[i]->optimize_tmpfile = x->ws[i]->file = NULL;
        }
    lxw_workbook_free(x->wb);
}

static void put_num(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                    double v, lxw_format *f)
{
    if (x->bad == LXW_NO_ERROR)
        XL(x, worksheet_write_number(ws, r, col, v, f));
}

static void set_width(xl *x, lxw_worksheet *ws, lxw_col_t col, double w,
                      lxw_format *f)
{
    if (x->bad == LXW_NO_ERROR)
        XL(x, worksheet_set_column(ws, col, col, w, f));
}

/* OOXML reads `_xHHHH_` in a string as the character U+HHHH: such a
 * `_` is written `_x005F_`, so the cell shows the text as it is. */
static int ooxml_escape(const char *p, size_t i, size_t n)
{
    if (i + 7 > n || p[i] != '_' || p[i + 1] != 'x' || p[i + 6] != '_')
        return 0;
    for (size_t k = i + 2; k < i + 6; k++)
        if (!strchr("0123456789abcdefABCDEF", p[k]) || !p[k])
            return 0;
    return 1;
}

static void escape_ooxml(ms_buf *b, ms_buf *tmp)
{
    tmp->n = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (ooxml_escape(b->p, i, b->n))
            ms_buf_adds(tmp, "_x005F");
        ms_buf_addc(tmp, b->p[i]);
    }
    ms_buf swap = *b;
    *b = *tmp;
    *tmp = swap;
}

/* Text from the logs (or ours) as a string cell. */
static void put_text(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                     const char *s, size_t n, lxw_format *f)
{
    if (!n || x->bad != LXW_NO_ERROR)
        return;
    ms_buf *b = &x->text;
    b->n = 0;
    ms_text_clean(b, s, n);
    if (b->n >= 7 && memmem(b->p, b->n, "_x", 2))
        escape_ooxml(b, &x->esc);
    if (b->n > CELL_MAX) {   /* bytes >= characters: cut at a character */
        size_t k = CELL_MAX - 3;
        while (k > 0 && ((unsigned char)b->p[k] & 0xC0) == 0x80)
            k--;
        b->n = k;
        ms_buf_adds(b, "\xE2\x80\xA6");
    }
    ms_buf_addc(b, '\0');
    if (b->failed) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    XL(x, worksheet_write_string(ws, r, col, b->p, f));
}

static void put_ours(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                     const char *s, lxw_format *f)
{
    put_text(x, ws, r, col, s, strlen(s), f);
}

/* A time as a spreadsheet date (days since 1899-12-30, the 1900 system),
 * or as ISO text outside the dates a spreadsheet shows. */
static void put_time(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                     ms_time t)
{
    static const int64_t day_ns = 86400 * MS_NS_PER_S;
    /* 1900-03-01 (before it, the 1900 system's phantom 29 February shifts
     * the dates) to 9999-12-31. */
    static const int64_t first = -25508, last = 2932896;
    if (t == MS_TIME_NONE)
        return;
    int64_t days = t / day_ns - (t % day_ns < 0);
    if (days < first || days > last) {
        char iso[MS_TIME_STRLEN];
        put_text(x, ws, r, col, iso, ms_time_format(t, iso), NULL);
        return;
    }
    double serial = (double)(days + 25569) + (double)(t - days * day_ns) / (double)day_ns;
    put_num(x, ws, r, col, serial, x->date);
}

static void put_cell(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                     const ms_rv *v)
{
    char ip[MS_IP_STRLEN];
    switch (v->k) {
    case MS_RV_STR:
        put_text(x, ws, r, col, v->s, v->n, NULL);
        break;
    case MS_RV_INT:
        put_num(x, ws, r, col, (double)v->i, NULL);
        break;
    case MS_RV_MS:
        put_num(x, ws, r, col, (double)v->i / 1000, NULL);
        break;
    case MS_RV_TIME:
        put_time(x, ws, r, col, v->i);
        break;
    case MS_RV_IP:
        if (!ms_ip_is_unset(v->ip))
            put_text(x, ws, r, col, ip, ms_ip_format(v->ip, ip), NULL);
        break;
    default:
        break;
    }
}

/* The note of a cut sheet, at (r, col): its rows kept, and where every
 * row is besides this workbook ("events.csv, events.json, results.sqlite":
 * the files of this run). */
static void cut_note(xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                     const char *name, size_t rows, size_t n,
                     unsigned formats, lxw_format *f)
{
    static const struct { unsigned bit; const char *ext; } files[] = {
        {MS_RES_CSV, ".csv"}, {MS_RES_JSON, ".json"}, {MS_RES_SQLITE, NULL},
    };
    ms_buf b = {0};
    char num[128];
    snprintf(num, sizeof num, "Only the first %zu of the %zu rows fit in a "
             "sheet; all are in ", rows, n);
    ms_buf_adds(&b, num);
    size_t k = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        if (!(formats & files[i].bit))
            continue;
        ms_buf_adds(&b, k++ ? ", " : "");
        ms_buf_adds(&b, files[i].ext ? name : "results.sqlite");
        ms_buf_adds(&b, files[i].ext ? files[i].ext : "");
    }
    if (!k)
        ms_buf_adds(&b, "no other file of this run (run analyze with "
                        "--format csv,sqlite,xlsx to have them)");
    ms_buf_addc(&b, '.');
    if (b.failed)
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        put_text(x, ws, r, col, b.p, b.n, f);
    ms_buf_free(&b);
}

/* The rows of table t that fit a sheet of max_rows rows. */
static size_t fitting(size_t n, size_t max_rows)
{
    return n + 1 <= max_rows ? n : max_rows - 2;
}

/* One sheet per table. */
static void table_sheet(xl *x, ms_rctx *c, const ms_table *t, size_t n,
                        unsigned formats, size_t max_rows)
{
    lxw_worksheet *ws = add_sheet(x, t->name);
    if (!ws)
        return;
    size_t ncols = ms_table_ncols(t, NULL), rows = fitting(n, max_rows);
    for (size_t j = 0; j < ncols; j++) {
        ms_rv_kind k = t->cols[j].kind;
        double w = k == MS_RV_TIME ? 20 : k == MS_RV_IP ? 16 : k == MS_RV_STR ? 18 : 10;
        set_width(x, ws, (lxw_col_t)j, w, k == MS_RV_TIME ? x->date : NULL);
        put_ours(x, ws, 0, (lxw_col_t)j, t->cols[j].name, x->bold);
    }
    if (x->bad != LXW_NO_ERROR)
        return;
    errno = 0;
    worksheet_freeze_panes(ws, 1, 0);
    check(x, LXW_NO_ERROR);
    if (ncols && x->bad == LXW_NO_ERROR)
        XL(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows,
                                      (lxw_col_t)(ncols - 1)));
    ms_rv v[MS_RES_MAXCOLS];
    for (size_t i = 0; i < rows && x->bad == LXW_NO_ERROR; i++) {
        if (ms_rctx_row(c, t, i, v)) {
            x->bad = LXW_ERROR_MEMORY_MALLOC_FAILED;
            break;
        }
        for (size_t j = 0; j < ncols; j++)
            put_cell(x, ws, (lxw_row_t)(i + 1), (lxw_col_t)j, &v[j]);
    }
    if (rows < n)
        cut_note(x, ws, (lxw_row_t)(rows + 1), 0, t->name, rows, n, formats,
                 x->bold);
}

/* A line of the summary: our label, a number (or a time, or nothing). */
static void fig(xl *x, lxw_worksheet *ws, lxw_row_t *r, const char *label,
                double v)
{
    put_ours(x, ws, *r, 0, label, NULL);
    put_num(x, ws, *r, 1, v, NULL);
    ++*r;
}

static void fig_time(xl *x, lxw_worksheet *ws, lxw_row_t *r, const char *label,
                     ms_time t)
{
    put_ours(x, ws, *r, 0, label, NULL);
    put_time(x, ws, *r, 1, t);
    ++*r;
}

/* The summary's lines on the fleet's hosts (--hosts): how many were
 * included, how many left out, then each left out with why. */
static void hosts(xl *x, lxw_worksheet *ws, lxw_row_t *r, const ms_fleet *fl)
{
    size_t covered = ms_fleet_covered(fl);
    fig(x, ws, r, "Hosts included", (double)covered);
    fig(x, ws, r, "Hosts left out (their logs not read)",
        (double)(fl->n - covered));
    for (size_t k = 0; k < fl->n; k++) {
        const ms_fleet_host *h = &fl->v[k];
        if (h->included && !h->unread)
            continue;
        put_text(x, ws, *r, 0, h->name, strlen(h->name), NULL);
        if (h->included)
            put_ours(x, ws, *r, 2, "listed as included, but its events file "
                                   "was not read", NULL);
        else if (h->why[0])
            put_text(x, ws, *r, 2, h->why, strlen(h->why), NULL);
        else
            put_ours(x, ws, *r, 2, "no reason given", NULL);
        ++*r;
    }
}

/* The summary sheet: the report's headline figures, then the sheets. */
static void summary(xl *x, const ms_rfacts *f, const ms_inputs *in,
                    const size_t *counts, unsigned formats, size_t max_rows)
{
    const ms_analysis *a = f->a;
    lxw_worksheet *ws = add_sheet(x, "summary");
    if (!ws)
        return;
    set_width(x, ws, 0, 44, NULL);
    set_width(x, ws, 1, 20, NULL);
    set_width(x, ws, 2, 90, NULL);
    lxw_row_t r = 0;
    put_ours(x, ws, r++, 0, "mailsleuth analysis", x->bold);
    fig_time(x, ws, &r, "First event (UTC)", f->first);
    fig_time(x, ws, &r, "Last event (UTC)", f->last);
    if (in) {
        fig(x, ws, &r, "Log files read", (double)f->nlogs);
        fig(x, ws, &r, "Events files read", (double)f->nevfiles);
        fig(x, ws, &r, "Lines read", (double)f->lines);
        fig(x, ws, &r, "Files damaged or unreadable", (double)f->ndamaged);
        if (in->fleet)
            hosts(x, ws, &r, in->fleet);
    }
    fig(x, ws, &r, "Servers", (double)f->rc.nservers);
    fig(x, ws, &r, "Authentication events", (double)f->events);
    fig(x, ws, &r, "Failed logins", (double)f->by_outcome[MS_OUT_AUTH_FAIL]);
    fig(x, ws, &r, "Successful logins", (double)f->by_outcome[MS_OUT_AUTH_OK]);
    fig(x, ws, &r, "Relays refused", (double)f->by_outcome[MS_OUT_RELAY_DENIED]);
    fig(x, ws, &r, "Connections without a verdict",
        (double)f->by_outcome[MS_OUT_CONNECT]);
    fig(x, ws, &r, "Failures taken as honest users'", (double)f->honest);
    fig(x, ws, &r, "Addresses", (double)f->nips);
    fig(x, ws, &r, "Addresses to ban", (double)f->nban);
    fig(x, ws, &r, "Addresses to watch", (double)f->nwatch);
    fig(x, ws, &r, "Coordinated campaigns", (double)a->nclusters);
    fig(x, ws, &r, "Addresses in campaigns", (double)f->ncamp_ips);
    fig(x, ws, &r, "Fast robots and brute forcers", (double)f->nfast);
    fig(x, ws, &r, "Logins that look compromised", (double)a->ncompromised);
    fig(x, ws, &r, "Ban list entries (bans sheet)", (double)a->nbans);
    r++;
    put_ours(x, ws, r, 0, "Sheet", x->bold);
    put_ours(x, ws, r, 1, "Rows", x->bold);
    put_ours(x, ws, r++, 2, "Note", x->bold);
    for (size_t i = 0; ms_tables[i]; i++) {
        const ms_table *t = ms_tables[i];
        size_t rows = fitting(counts[i], max_rows);
        put_ours(x, ws, r, 0, t->name, NULL);
        put_num(x, ws, r, 1, (double)rows, NULL);
        if (rows < counts[i])
            cut_note(x, ws, r, 2, t->name, rows, counts[i], formats, NULL);
        r++;
    }
    r++;
    put_ours(x, ws, r++, 0,
             "Times are UTC. Text from the logs is as logged, each control "
             "character written \\xNN; no cell is a formula. The columns are "
             "those of the CSV files (docs/OUTPUTS.md).", NULL);
}

int ms_results_xlsx(const char *dir, ms_rctx *c, const ms_inputs *in,
                    unsigned formats, size_t max_rows, ms_error *err)
{
    char *path = ms_results_path(dir, "results.xlsx");
    if (!path)
        return ms_fail(err, MS_ERR_NOMEM, "%s/results.xlsx: out of memory",
                       dir);
    ms_rfacts f;
    int facts = ms_rfacts_init(&f, c->a, in);
    size_t counts[16] = {0}, most = 0;
    for (size_t i = 0; ms_tables[i] && i < 16; i++) {
        counts[i] = ms_tables[i]->count(c);
        most = counts[i] > most ? counts[i] : most;
    }
    ms_atomic at;
    xl x = {0};
    int rc = -1;
    if (facts || c->failed) {
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    if (ms_atomic_open_path(&at, path, err))
        goto out;
    lxw_workbook_options o = {
        .constant_memory = LXW_TRUE,
        .tmpdir = (char *)dir,
        /* Past 4 GB of XML a sheet needs ZIP64; under it, leave it off
         * (some readers complain of it on small files). */
        .use_zip64 = most > 2000000 ? LXW_TRUE : LXW_FALSE,
    };
    errno = 0;
    x.wb = workbook_new_opt(at.tmp, &o);
    check(&x, x.wb ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED);
    if (x.bad == LXW_NO_ERROR) {
        lxw_doc_properties props = {
            .title = "mailsleuth analysis",
            .created = f.last != MS_TIME_NONE ? (time_t)(f.last / MS_NS_PER_S)
                                              : 1,
        };
        XL(&x, workbook_set_properties(x.wb, &props));
        /* Failing, it has freed the workbook's old properties but left
         * the pointer to them, which lxw_workbook_free would free again. */
        if (x.bad != LXW_NO_ERROR)
            x.wb->properties = NULL;
    }
    if (x.bad == LXW_NO_ERROR) {
        errno = 0;
        x.bold = workbook_add_format(x.wb);
        x.date = x.bold ? workbook_add_format(x.wb) : NULL;
        check(&x, x.date ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    if (x.bad == LXW_NO_ERROR) {
        format_set_bold(x.bold);
        format_set_num_format(x.date, "yyyy-mm-dd hh:mm:ss");
    }
    summary(&x, &f, in, counts, formats, max_rows);
    for (size_t i = 0; ms_tables[i] && x.bad == LXW_NO_ERROR; i++)
        table_sheet(&x, c, ms_tables[i], counts[i], formats, max_rows);
    int cut = x.bad == LXW_NO_ERROR && rows_written(&x);
    if (x.bad == LXW_NO_ERROR && !cut)
        XL(&x, workbook_close(x.wb));   /* frees the workbook, whatever it says */
    else
        drop(&x);
    if (x.bad != LXW_NO_ERROR || cut) {
        ms_atomic_abort(&at);
        if (cut)
            ms_fail(err, MS_ERR_IO, "%s: cannot write a temporary file in %s",
                    path, dir);
        else
            ms_fail(err, x.bad == LXW_ERROR_MEMORY_MALLOC_FAILED ? MS_ERR_NOMEM
                                                                 : MS_ERR_IO,
                    "%s: cannot write: %s", path, lxw_strerror(x.bad));
        goto out;
    }
    rc = ms_atomic_commit(&at, err);
out:
    ms_buf_free(&x.text);
    ms_buf_free(&x.esc);
    ms_rfacts_free(&f);
    free(path);
    return rc;
}
