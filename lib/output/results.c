/* results.c — write the result files and the quick views (see results.h).
 *
 * A table (results_int.h) is rendered by one loop: fill a row of typed
 * values, print it as a CSV row (csv_cell.h cleans and neutralises every text
 * cell) or as a JSON object (jansson, strings cleaned by ms_json_str). JSON
 * tables are `[`, one compact object per line, `]`. Events are not a table:
 * their rows come from events_out.c, given an ms_event rebuilt from the
 * store. Files are written through ms_atomic, the buffer spilled to the file
 * every megabyte, so memory stays flat however many events there are.
 * results.sqlite and results.xlsx hold every table, events too
 * (results_sqlite.c, results_xlsx.c), and are written after the others. */
#include "results.h"

#include <pthread.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/atomic.h"
#include "output/csv_cell.h"
#include "output/events_out.h"
#include "output/results_int.h"

#define SPILL (1u << 20)
#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/* Move what b holds to fp (if any) once it is large. */
static void spill(ms_buf *b, FILE *fp, int force)
{
    if (fp && !b->failed && (force || b->n >= SPILL)) {
        if (b->n)
            fwrite(b->p, 1, b->n, fp);   /* errors: ferror, at commit */
        b->n = 0;
    }
}

/* Milliseconds as seconds: "12", "0.5", "3.25", "1.125". */
static void add_ms(ms_buf *b, int64_t ms)
{
    if (ms < 0) {
        ms_buf_addc(b, '-');
        ms = -ms;
    }
    ms_buf_addi(b, ms / 1000);
    int frac = (int)(ms % 1000);
    if (!frac)
        return;
    char d[4] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
                 (char)('0' + frac % 10)};
    size_t n = 4;
    while (d[n - 1] == '0')
        n--;
    ms_buf_add(b, d, n);
}

/* A column's last long string and time, as written: the rows of a table
 * repeat them (a file name, a second). */
typedef struct col_memo {
    ms_csv_memo str;
    ms_time_memo time;
} col_memo;

static void csv_row(ms_buf *b, col_memo *memo, const ms_rv *v, size_t ncols)
{
    char t[MS_IP_STRLEN];
    for (size_t j = 0; j < ncols; j++) {
        if (v[j].k == MS_RV_STR) {
            ms_csv_cell_memo(b, &memo[j].str, v[j].s, v[j].n, j > 0);
            continue;
        }
        if (j > 0)
            ms_buf_addc(b, ',');
        switch (v[j].k) {
        case MS_RV_INT:
            ms_buf_addi(b, v[j].i);
            break;
        case MS_RV_MS:
            add_ms(b, v[j].i);
            break;
        case MS_RV_TIME:
            if (v[j].i == MS_TIME_NONE)
                break;
            ms_time_format_memo(&memo[j].time, v[j].i);
            ms_buf_add(b, memo[j].time.s, memo[j].time.len);
            break;
        case MS_RV_IP:
            if (!ms_ip_is_unset(v[j].ip))
                ms_buf_add(b, t, ms_ip_format(v[j].ip, t));
            break;
        default:
            break;
        }
    }
    ms_buf_addc(b, '\n');
}

static json_t *json_value(const ms_rv *v)
{
    char t[MS_TIME_STRLEN > MS_IP_STRLEN ? MS_TIME_STRLEN : MS_IP_STRLEN];
    switch (v->k) {
    case MS_RV_STR:
        return ms_json_str(v->s, v->n);
    case MS_RV_INT:
        return json_integer((json_int_t)v->i);
    case MS_RV_MS:
        /* Whole seconds as integers, like the CSV; precision 15 prints a
         * value rounded to milliseconds without binary noise. */
        return v->i % 1000 ? json_real((double)v->i / 1000)
                           : json_integer((json_int_t)(v->i / 1000));
    case MS_RV_TIME:
        return v->i == MS_TIME_NONE ? json_null()
                                    : json_stringn(t, ms_time_format(v->i, t));
    case MS_RV_IP:
        return json_stringn(t, ms_ip_is_unset(v->ip) ? 0
                                                     : ms_ip_format(v->ip, t));
    default:
        return json_null();
    }
}

static void json_row(ms_buf *b, const char *const *cols, const ms_rv *v,
                     size_t ncols)
{
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return;
    }
    for (size_t j = 0; j < ncols; j++)
        if (json_object_set_new(o, cols[j], json_value(&v[j])))
            b->failed = 1;
    ms_json_dump(b, o, JSON_FLAGS);
    json_decref(o);
}

/* The whole table t onto b (spilled to fp when given). */
static void render(ms_buf *b, FILE *fp, ms_rctx *c, const ms_table *t,
                   int json)
{
    const char *names[MS_RES_MAXCOLS + 1];
    size_t ncols = ms_table_ncols(t, names);
    if (c->failed || t->cols[ncols].name) {
        b->failed = 1;
        return;
    }
    ms_rv v[MS_RES_MAXCOLS];
    col_memo memo[MS_RES_MAXCOLS];
    memset(memo, 0, sizeof memo);
    size_t n = t->count(c);
    if (!json)
        ms_csv_header(b, names);
    else
        ms_buf_adds(b, n ? "[\n" : "[]\n");
    for (size_t i = 0; i < n && !b->failed; i++) {
        if (ms_rctx_row(c, t, i, v)) {
            b->failed = 1;
            break;
        }
        if (json) {
            json_row(b, names, v, ncols);
            ms_buf_adds(b, i + 1 < n ? ",\n" : "\n]\n");
        } else {
            csv_row(b, memo, v, ncols);
        }
        spill(b, fp, 0);
    }
    for (size_t j = 0; j < ncols; j++)
        ms_csv_memo_free(&memo[j].str);
}

/* events.csv, or events.json as NDJSON, through events_out.c's rows. */
static void render_events(ms_buf *b, FILE *fp, const ms_store *s, int json)
{
    ms_format f = json ? MS_FMT_JSON : MS_FMT_CSV;
    ms_event_writer w;
    ms_event_writer_init(&w, f);
    ms_events_header(b, f);
    ms_store_walk walk;
    if (ms_store_walk_open(s, &walk)) {
        b->failed = 1;
        ms_event_writer_free(&w);
        return;
    }
    for (size_t i; !b->failed && (i = ms_store_walk_next(&walk)) != SIZE_MAX;) {
        ms_event e;
        ms_store_event(s, i, &e);
        if (!ms_store_ip_real(s, s->ip[i]))
            e.ip = (ms_ip){0};
        int known = e.file < s->nfiles;
        ms_event_write(&w, b, &e, known ? s->files[e.file] : "",
                       known ? s->strs.str[s->file_server[e.file]] : "");
        spill(b, fp, 0);
    }
    ms_store_walk_close(&walk);
    b->failed |= ms_store_check(s, NULL) != 0;
    ms_event_writer_free(&w);
}

/* mkdir -p dir, mode 0755 (results_int.h). */
int ms_results_mkdir(const char *dir, ms_error *err)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            return ms_fail(err, MS_ERR_IO, "%s: cannot create directory: %s",
                           dir, strerror(e));
        }
        p[i] = c;
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ms_fail(err, MS_ERR_IO, "%s: not a directory", dir);
    return 0;
}

char *ms_results_path(const char *dir, const char *file)
{
    size_t len = strlen(dir) + strlen(file) + 2;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", dir, file);
    return path;
}

/* One file: dir/name.ext, written whole or not at all. */
static int write_file(const char *dir, const char *name, int json,
                      ms_rctx *c, const ms_table *t, const ms_store *s,
                      ms_error *err)
{
    char file[64];
    snprintf(file, sizeof file, "%s.%s", name, json ? "json" : "csv");
    char *path = ms_results_path(dir, file);
    if (!path)
        return ms_fail(err, MS_ERR_NOMEM, "%s/%s: out of memory", dir, file);
    ms_atomic f;
    int rc = -1;
    if (ms_atomic_open(&f, path, err) == 0) {
        ms_buf b = {0};
        if (t)
            render(&b, f.fp, c, t, json);
        else
            render_events(&b, f.fp, s, json);
        spill(&b, f.fp, 1);
        if (b.failed) {
            ms_atomic_abort(&f);
            ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", path);
        } else {
            rc = ms_atomic_commit(&f, err);
        }
        ms_buf_free(&b);
    }
    free(path);
    return rc;
}

static void *write_events(void *arg)
{
    ms_results_events *j = arg;
    for (int json = 0; json < 2; json++) {
        ms_error e2;
        if ((j->formats & (json ? MS_RES_JSON : MS_RES_CSV)) &&
            write_file(j->dir, "events", json, NULL, NULL, j->s,
                       j->rc ? &e2 : &j->err))
            j->rc = -1;
    }
    return NULL;
}

void ms_results_events_begin(ms_results_events *ev, const char *dir,
                             const ms_store *s, unsigned formats)
{
    *ev = (ms_results_events){.dir = dir, .s = s, .formats = formats};
    if (ms_results_mkdir(dir, &ev->err)) {
        ev->rc = -1;
        return;
    }
    ev->threaded = (formats & MS_RES_THREAD) &&
                   pthread_create(&ev->tid, NULL, write_events, ev) == 0;
    if (!ev->threaded)
        write_events(ev);
}

/* A sheet's rows, header included: the format's limit, or fewer for the
 * tests (MS_XLSX_MAX_ROWS, from 3), which cannot write a million rows. */
static size_t xlsx_rows(void)
{
    size_t max = 1048576;
    const char *v = getenv("MS_XLSX_MAX_ROWS");
    if (v) {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*end && n >= 3 && n < max)
            max = (size_t)n;
    }
    return max;
}

int ms_results_finish(const char *dir, const ms_analysis *a, unsigned formats,
                      ms_results_events *ev, ms_error *err)
{
    int rc = ms_results_mkdir(dir, err), made = rc == 0;
    ms_rctx c;
    ms_rctx_init(&c, a, MS_RCTX_TIMELINE | MS_RCTX_GEO | MS_RCTX_SERVERS);
    /* ms_tables[0], the events, is written by ms_results_events_begin. */
    for (size_t i = 1; made && ms_tables[i]; i++)
        for (int json = 0; json < 2; json++) {
            if (!(formats & (json ? MS_RES_JSON : MS_RES_CSV)))
                continue;
            ms_error e2;
            if (write_file(dir, ms_tables[i]->name, json, &c, ms_tables[i], NULL,
                           rc ? &e2 : err))
                rc = -1;
        }
    ms_error e3;
    if (made && (formats & MS_RES_SQLITE) &&
        ms_results_sqlite(dir, &c, rc ? &e3 : err))
        rc = -1;
    if (made && (formats & MS_RES_XLSX) &&
        ms_results_xlsx(dir, &c, ev->inputs, formats, xlsx_rows(),
                        rc ? &e3 : err))
        rc = -1;
    if (ms_results_events_end(ev, err))
        rc = -1;   /* the events file's error comes first */
    ms_rctx_free(&c);
    return rc;
}

int ms_results_events_end(ms_results_events *ev, ms_error *err)
{
    if (ev->threaded)
        pthread_join(ev->tid, NULL);
    ev->threaded = 0;
    if (ev->rc)
        *err = ev->err;
    return ev->rc;
}

int ms_results_write(const char *dir, const ms_analysis *a, unsigned formats,
                     ms_error *err)
{
    ms_results_events ev;
    ms_results_events_begin(&ev, dir, a->store, formats);
    return ms_results_finish(dir, a, formats, &ev, err);
}

void ms_results_timeline(ms_buf *b, const ms_analysis *a, int json)
{
    ms_rctx c;
    ms_rctx_init(&c, a, MS_RCTX_TIMELINE);
    render(b, NULL, &c, &ms_tab_timeline, json);
    ms_rctx_free(&c);
}

void ms_results_clusters(ms_buf *b, const ms_analysis *a, int json)
{
    ms_rctx c;
    ms_rctx_init(&c, a, 0);
    render(b, NULL, &c, &ms_tab_clusters, json);
    ms_rctx_free(&c);
}

void ms_results_geo(ms_buf *b, const ms_analysis *a, ms_geo_by by, int json)
{
    /* One level only: the same table over a copy of the per-ip figures
     * with the other level blanked. */
    ms_analysis view = *a;
    size_t nips = a->store->ips.n;
    ms_ipinfo *ip = NULL;
    if (by != MS_GEO_BY_BOTH && nips) {
        if (!(ip = malloc(nips * sizeof *ip))) {
            b->failed = 1;
            return;
        }
        memcpy(ip, a->ip, nips * sizeof *ip);
        for (size_t i = 0; i < nips; i++) {
            if (by == MS_GEO_BY_COUNTRY)
                ip[i].asn = ip[i].as_org = "";
            else
                ip[i].country = "";
        }
        view.ip = ip;
    }
    ms_rctx c;
    ms_rctx_init(&c, &view, MS_RCTX_GEO);
    render(b, NULL, &c, &ms_tab_geo, json);
    ms_rctx_free(&c);
    free(ip);
}

/* The bans of one family as nft or ipset lines. */
static void ban_script(ms_buf *b, const ms_analysis *a, int v6, int nft)
{
    const char *set = v6 ? "mailsleuth_ban6" : "mailsleuth_ban4";
    if (nft) {
        ms_buf_adds(b, "add set inet filter ");
        ms_buf_adds(b, set);
        ms_buf_adds(b, v6 ? " { type ipv6_addr; flags interval; }\n"
                          : " { type ipv4_addr; flags interval; }\n");
        ms_buf_adds(b, "flush set inet filter ");
    } else {
        ms_buf_adds(b, "create ");
        ms_buf_adds(b, set);
        ms_buf_adds(b, v6 ? " hash:net family inet6 -exist\n"
                          : " hash:net family inet -exist\n");
        ms_buf_adds(b, "flush ");
    }
    ms_buf_adds(b, set);
    ms_buf_addc(b, '\n');
    char net[MS_IP_STRLEN + 8];
    for (size_t i = 0; i < a->nbans; i++) {
        if (ms_ip_is_v4(&a->bans[i].net.base) == v6)
            continue;
        ms_buf_adds(b, nft ? "add element inet filter " : "add ");
        ms_buf_adds(b, set);
        ms_buf_adds(b, nft ? " { " : " ");
        ms_buf_add(b, net, ms_cidr_format(&a->bans[i].net, net));
        ms_buf_adds(b, nft ? " }\n" : " -exist\n");
    }
}

void ms_results_bans(ms_buf *b, const ms_analysis *a, ms_ban_style style)
{
    char net[MS_IP_STRLEN + 8];
    switch (style) {
    case MS_BANS_CSV:
    case MS_BANS_JSON: {
        ms_rctx c;
        ms_rctx_init(&c, a, 0);
        render(b, NULL, &c, &ms_tab_bans, style == MS_BANS_JSON);
        ms_rctx_free(&c);
        break;
    }
    case MS_BANS_PLAIN:
        for (size_t i = 0; i < a->nbans; i++) {
            ms_buf_add(b, net, ms_cidr_format(&a->bans[i].net, net));
            ms_buf_addc(b, '\n');
        }
        break;
    case MS_BANS_NFT:
        ms_buf_adds(b, "#!/usr/sbin/nft -f\n"
                       "# mailsleuth ban list: load with `nft -f FILE`; the "
                       "sets are emptied, then refilled.\n"
                       "add table inet filter\n");
        ban_script(b, a, 0, 1);
        ban_script(b, a, 1, 1);
        break;
    case MS_BANS_IPSET:   /* for `ipset restore`: no comments, to be safe */
        ban_script(b, a, 0, 0);
        ban_script(b, a, 1, 0);
        break;
    }
}
