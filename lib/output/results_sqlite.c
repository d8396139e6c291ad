/* results_sqlite.c — results.sqlite: the events and every result table of
 * `analyze -o DIR` in one SQLite database, for queries the tables do not
 * answer (docs/OUTPUTS.md, "results.sqlite").
 *
 * Each table of ms_tables (results_int.h) becomes a table of the same name
 * and columns, typed by the columns' kinds: text TEXT (cleaned as text.h
 * says; no formula guard, a database runs nothing), counts INTEGER, seconds
 * REAL, an address TEXT, a time TEXT (ISO 8601, as in the CSV) followed by
 * NAME_epoch INTEGER (whole seconds since 1970, UTC, rounded down). Empty
 * values are as in JSON: NULL for no time, campaign, seconds, dup_of or
 * line, '' for empty text. Rows go in the files' order, so rowid gives it
 * back. Then the indexes (address, user, time) and the views.
 *
 * Speed: one transaction, one prepared INSERT per table, no journal and no
 * syncing while the temporary file is written; it is synced and renamed
 * once complete (atomic.h), so a crash leaves the old file or none. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/atomic.h"
#include "output/results_int.h"
#include "output/text.h"

/* Views an investigator would otherwise write (docs/OUTPUTS.md). */
static const char views_sql[] =
    /* Failed logins per username: attempts, from how many addresses and
     * servers, first and last. */
    "CREATE VIEW failures_by_user AS\n"
    "SELECT user, SUM(attempts) AS failures, COUNT(*) AS events,\n"
    "  COUNT(DISTINCT ip) AS addresses, COUNT(DISTINCT server) AS servers,\n"
    "  strftime('%Y-%m-%dT%H:%M:%SZ', MIN(time_epoch), 'unixepoch') AS first_seen,\n"
    "  strftime('%Y-%m-%dT%H:%M:%SZ', MAX(time_epoch), 'unixepoch') AS last_seen\n"
    "FROM events WHERE outcome = 'auth_fail'\n"
    "GROUP BY user ORDER BY failures DESC, user;\n"
    /* Addresses that logged in after failing: how often, as whom, after
     * how many failures since when, and the verdict. Events are in time
     * order, so rowid orders them. */
    "CREATE VIEW successes_after_failures AS\n"
    "WITH ok AS (\n"
    "  SELECT e.ip, e.rowid AS r, e.time_epoch, e.user FROM events e\n"
    "  WHERE e.outcome = 'auth_ok' AND e.ip <> '' AND EXISTS (\n"
    "    SELECT 1 FROM events f WHERE f.ip = e.ip\n"
    "    AND f.outcome = 'auth_fail' AND f.rowid < e.rowid)),\n"
    "per_ip AS (\n"
    "  SELECT ip, COUNT(*) AS successes, MIN(r) AS first_r,\n"
    "    MIN(time_epoch) AS first_success_epoch,\n"
    "    group_concat(DISTINCT user) AS users\n"
    "  FROM ok GROUP BY ip)\n"
    "SELECT p.ip, p.successes, p.users,\n"
    "  (SELECT SUM(f.attempts) FROM events f WHERE f.ip = p.ip\n"
    "   AND f.outcome = 'auth_fail' AND f.rowid < p.first_r) AS failures_before,\n"
    "  (SELECT COUNT(DISTINCT f.user) FROM events f WHERE f.ip = p.ip\n"
    "   AND f.outcome = 'auth_fail' AND f.rowid < p.first_r) AS users_failed_before,\n"
    "  (SELECT f.time FROM events f WHERE f.ip = p.ip\n"
    "   AND f.outcome = 'auth_fail' ORDER BY f.rowid LIMIT 1) AS first_failure,\n"
    "  (SELECT e.time FROM events e WHERE e.rowid = p.first_r) AS first_success,\n"
    "  i.score, i.verdict, i.cluster_id\n"
    "FROM per_ip p LEFT JOIN ips i ON i.ip = p.ip\n"
    "ORDER BY p.first_r;\n"
    /* Each server's events, logins, addresses, first and last. */
    "CREATE VIEW events_by_server AS\n"
    "SELECT server, COUNT(*) AS events,\n"
    "  SUM(CASE WHEN outcome = 'auth_fail' THEN attempts ELSE 0 END) AS failures,\n"
    "  SUM(outcome = 'auth_ok') AS successes,\n"
    "  SUM(outcome = 'relay_denied') AS relays_refused,\n"
    "  COUNT(DISTINCT NULLIF(ip, '')) AS addresses,\n"
    "  strftime('%Y-%m-%dT%H:%M:%SZ', MIN(time_epoch), 'unixepoch') AS first_seen,\n"
    "  strftime('%Y-%m-%dT%H:%M:%SZ', MAX(time_epoch), 'unixepoch') AS last_seen\n"
    "FROM events GROUP BY server ORDER BY server;\n"
    /* Failed logins per UTC day. */
    "CREATE VIEW failures_by_day AS\n"
    "SELECT date(time_epoch, 'unixepoch') AS day, SUM(attempts) AS failures,\n"
    "  COUNT(DISTINCT ip) AS addresses, COUNT(DISTINCT user) AS users\n"
    "FROM events WHERE outcome = 'auth_fail' AND time_epoch IS NOT NULL\n"
    "GROUP BY day ORDER BY day;\n";

/* Columns that get an index wherever a table has them. */
static const char *const indexed[] = {"ip", "user", "time_epoch", NULL};

typedef struct sq {
    sqlite3 *db;
    const char *path;     /* the target, for messages */
    ms_error *err;
} sq;

static int sq_fail(sq *q, const char *what)
{
    int code = q->db ? sqlite3_errcode(q->db) : SQLITE_NOMEM;
    return ms_fail(q->err, code == SQLITE_NOMEM ? MS_ERR_NOMEM : MS_ERR_IO,
                   "%s: %s: %s", q->path, what,
                   q->db ? sqlite3_errmsg(q->db) : "out of memory");
}

static int sq_exec(sq *q, const char *sql)
{
    if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    return sq_fail(q, "cannot write");
}

/* A column's SQL declaration. */
static const char *sql_type(ms_rv_kind k)
{
    switch (k) {
    case MS_RV_INT:
        return "INTEGER";
    case MS_RV_MS:
        return "REAL";
    default:
        return "TEXT";
    }
}

/* Whole seconds since 1970, rounded down. */
static int64_t epoch_of(ms_time t)
{
    return t / MS_NS_PER_S - (t % MS_NS_PER_S < 0);
}

/* The CREATE TABLE and the INSERT of t; pos[j]: column j's first
 * parameter (a time has two). */
static int table_sql(const ms_table *t, size_t ncols, ms_buf *create,
                     ms_buf *insert, int *pos)
{
    ms_buf_adds(create, "CREATE TABLE \"");
    ms_buf_adds(create, t->name);
    ms_buf_adds(create, "\" (");
    ms_buf_adds(insert, "INSERT INTO \"");
    ms_buf_adds(insert, t->name);
    ms_buf_adds(insert, "\" VALUES (");
    int p = 1;
    for (size_t j = 0; j < ncols; j++) {
        const ms_col *col = &t->cols[j];
        pos[j] = p;
        for (int epoch = 0; epoch <= (col->kind == MS_RV_TIME); epoch++) {
            if (p > 1) {
                ms_buf_adds(create, ", ");
                ms_buf_addc(insert, ',');
            }
            ms_buf_addc(create, '"');
            ms_buf_adds(create, col->name);
            ms_buf_adds(create, epoch ? "_epoch\" INTEGER" : "\" ");
            if (!epoch)
                ms_buf_adds(create, sql_type(col->kind));
            ms_buf_addc(insert, '?');
            p++;
        }
    }
    ms_buf_adds(create, ");");
    ms_buf_addc(insert, ')');
    ms_buf_addc(create, '\0');
    ms_buf_addc(insert, '\0');
    return create->failed || insert->failed ? -1 : 0;
}

/* Per column: text made clean, a time or an address as text. Bound
 * SQLITE_STATIC: they stay until the row is stepped. */
typedef struct colbuf {
    ms_buf clean;
    ms_time_memo time;
    char ip[MS_IP_STRLEN];
} colbuf;

static int bind_row(sqlite3_stmt *st, const ms_col *cols, const ms_rv *v,
                    size_t ncols, const int *pos, colbuf *cb)
{
    int rc = SQLITE_OK;
    for (size_t j = 0; j < ncols && rc == SQLITE_OK; j++) {
        const ms_rv *x = &v[j];
        int p = pos[j];
        switch (x->k) {
        case MS_RV_STR:
            if (ms_text_is_clean(x->s, x->n)) {
                rc = sqlite3_bind_text(st, p, x->s, (int)x->n, SQLITE_STATIC);
                break;
            }
            cb[j].clean.n = 0;
            ms_text_clean(&cb[j].clean, x->s, x->n);
            if (cb[j].clean.failed)
                return SQLITE_NOMEM;
            rc = sqlite3_bind_text(st, p, cb[j].clean.p, (int)cb[j].clean.n,
                                   SQLITE_STATIC);
            break;
        case MS_RV_INT:
            rc = sqlite3_bind_int64(st, p, x->i);
            break;
        case MS_RV_MS:
            rc = sqlite3_bind_double(st, p, (double)x->i / 1000);
            break;
        case MS_RV_TIME:
            if (x->i == MS_TIME_NONE) {
                rc = sqlite3_bind_null(st, p);
                break;
            }
            ms_time_format_memo(&cb[j].time, x->i);
            rc = sqlite3_bind_text(st, p, cb[j].time.s, (int)cb[j].time.len,
                                   SQLITE_STATIC);
            break;
        case MS_RV_IP:
            rc = sqlite3_bind_text(st, p, cb[j].ip,
                                   ms_ip_is_unset(x->ip)
                                       ? 0 : (int)ms_ip_format(x->ip, cb[j].ip),
                                   SQLITE_STATIC);
            break;
        default:
            rc = sqlite3_bind_null(st, p);
            break;
        }
        if (cols[j].kind == MS_RV_TIME && rc == SQLITE_OK)
            rc = x->k == MS_RV_TIME && x->i != MS_TIME_NONE
                     ? sqlite3_bind_int64(st, p + 1, epoch_of(x->i))
                     : sqlite3_bind_null(st, p + 1);
    }
    return rc;
}

/* One table: created, filled, indexed. */
static int write_table(sq *q, ms_rctx *c, const ms_table *t)
{
    size_t ncols = ms_table_ncols(t, NULL);
    int pos[MS_RES_MAXCOLS];
    ms_buf create = {0}, insert = {0};
    ms_rv v[MS_RES_MAXCOLS];
    colbuf *cb = calloc(ncols ? ncols : 1, sizeof *cb);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (!cb || t->cols[ncols].name || table_sql(t, ncols, &create, &insert, pos)) {
        ms_fail(q->err, MS_ERR_NOMEM, "%s: out of memory", q->path);
        goto out;
    }
    if (sq_exec(q, create.p))
        goto out;
    if (sqlite3_prepare_v2(q->db, insert.p, -1, &st, NULL) != SQLITE_OK) {
        sq_fail(q, "cannot write");
        goto out;
    }
    size_t n = t->count(c);
    for (size_t i = 0; i < n; i++) {
        int r = ms_rctx_row(c, t, i, v) ? SQLITE_NOMEM
                : bind_row(st, t->cols, v, ncols, pos, cb);
        if (r == SQLITE_OK)
            r = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        if (r == SQLITE_NOMEM) {
            ms_fail(q->err, MS_ERR_NOMEM, "%s: out of memory", q->path);
            goto out;
        }
        if (r != SQLITE_OK) {
            sq_fail(q, "cannot write");
            goto out;
        }
        sqlite3_reset(st);
    }
    for (size_t k = 0; indexed[k]; k++) {
        char col[64], sql[256];
        for (size_t j = 0; j < ncols; j++) {
            int time = t->cols[j].kind == MS_RV_TIME;
            snprintf(col, sizeof col, "%s%s", t->cols[j].name,
                     time ? "_epoch" : "");
            if (strcmp(col, indexed[k]))
                continue;
            snprintf(sql, sizeof sql,
                     "CREATE INDEX \"%s_%s\" ON \"%s\" (\"%s\");", t->name,
                     col, t->name, col);
            if (sq_exec(q, sql))
                goto out;
        }
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    if (cb)
        for (size_t j = 0; j < ncols; j++)
            ms_buf_free(&cb[j].clean);
    free(cb);
    ms_buf_free(&create);
    ms_buf_free(&insert);
    return rc;
}

int ms_results_sqlite(const char *dir, ms_rctx *c, ms_error *err)
{
    char *path = ms_results_path(dir, "results.sqlite");
    if (!path)
        return ms_fail(err, MS_ERR_NOMEM, "%s/results.sqlite: out of memory",
                       dir);
    sq q = {.path = path, .err = err};
    ms_atomic f;
    int rc = -1;
    if (c->failed) {
        ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", path);
        free(path);
        return -1;
    }
    if (ms_atomic_open_path(&f, path, err)) {
        free(path);
        return -1;
    }
    if (sqlite3_open_v2(f.tmp, &q.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sq_fail(&q, "cannot create");
        goto out;
    }
    /* A fresh temporary file that nobody else reads until it is renamed:
     * nothing to journal, nothing to sync before the end. */
    if (sq_exec(&q, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                    "PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;"
                    "PRAGMA cache_size = -65536; BEGIN;"))
        goto out;
    for (size_t i = 0; ms_tables[i]; i++)
        if (write_table(&q, c, ms_tables[i]))
            goto out;
    if (sq_exec(&q, views_sql) || sq_exec(&q, "COMMIT;"))
        goto out;
    int closed = sqlite3_close(q.db);
    q.db = NULL;
    if (closed != SQLITE_OK) {
        ms_fail(err, MS_ERR_IO, "%s: cannot close the database", path);
        goto out;
    }
    rc = ms_atomic_commit(&f, err);
out:
    if (q.db)
        sqlite3_close(q.db);
    if (rc)
        ms_atomic_abort(&f);
    free(path);
    return rc;
}
