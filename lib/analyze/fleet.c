/* fleet.c — read the --hosts file and check it against the files read
 * (see fleet.h).
 *
 * The file is read whole (at most 16 MiB) and fed to libcsv a line at a
 * time, so that the line each row begins on is known; the field callback
 * copies each field into one row buffer, the row callback takes the header
 * (the columns found by name) or a host. The first problem stops the
 * reading with its message. Repeated names are found by sorting pointers
 * to the hosts by name. */
#include "fleet.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"

#define MAX_BYTES (16u << 20)
#define MAX_FIELDS 64

/* libcsv's parser state before the first byte of a row (ROW_NOT_BEGUN in
 * libcsv.c; struct csv_parser is public in csv.h). */
#define CSV_ROW_NOT_BEGUN 0

enum { COL_HOST, COL_STATUS, COL_WHY, COL_FILE, NCOLS };
static const char *const col_names[NCOLS] = {"host", "status", "why",
                                             "events_file"};
#define REQUIRED 3   /* the first three */

typedef struct rd {
    ms_fleet *f;
    ms_error *err;
    int failed;
    uint64_t row_line;
    int have_header;
    size_t ncols;              /* the header's width */
    int col[NCOLS];            /* the field of each column; -1: none */
    ms_buf row;                /* the row's fields, each NUL-terminated */
    size_t off[MAX_FIELDS], nf;
    int too_many;
} rd;

static void bad(rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void bad(rd *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ms_fail(r->err, MS_ERR_USAGE, "%s:%llu: %s", r->f->path,
            (unsigned long long)r->row_line, what);
    r->failed = 1;
}

static void nomem(rd *r)
{
    if (!r->failed)
        ms_fail(r->err, MS_ERR_NOMEM, "%s: out of memory", r->f->path);
    r->failed = 1;
}

static void on_field(void *s, size_t n, void *data)
{
    rd *r = data;
    if (r->failed)
        return;
    if (r->nf == MAX_FIELDS) {
        r->too_many = 1;
        return;
    }
    r->off[r->nf++] = r->row.n;
    ms_buf_add(&r->row, s, n);
    ms_buf_addc(&r->row, '\0');
    if (r->row.failed)
        nomem(r);
}

static const char *field(const rd *r, int col)
{
    return r->col[col] < 0 ? "" : r->row.p + r->off[r->col[col]];
}

static void header(rd *r)
{
    if (r->too_many) {
        bad(r, "not a hosts file (over %d columns)", MAX_FIELDS);
        return;
    }
    for (int k = 0; k < NCOLS; k++)
        r->col[k] = -1;
    for (size_t i = 0; i < r->nf; i++) {
        const char *name = r->row.p + r->off[i];
        if (i == 0 && !strncmp(name, "\xEF\xBB\xBF", 3))
            name += 3;
        for (int k = 0; k < NCOLS; k++)
            if (!strcmp(name, col_names[k])) {
                if (r->col[k] >= 0) {
                    bad(r, "the header names the %s column twice", col_names[k]);
                    return;
                }
                r->col[k] = (int)i;
            }
    }
    for (int k = 0; k < REQUIRED; k++)
        if (r->col[k] < 0) {
            bad(r, "not a hosts file: the header has no %s column (the fleet "
                   "playbook's hosts.csv begins "
                   "host,status,events_file,bytes,sha256,why)", col_names[k]);
            return;
        }
    r->ncols = r->nf;
    r->have_header = 1;
}

static void host(rd *r)
{
    if (r->too_many || r->nf != r->ncols) {
        bad(r, "%s%zu fields, the header has %zu", r->too_many ? "over " : "",
            r->nf, r->ncols);
        return;
    }
    const char *name = field(r, COL_HOST), *status = field(r, COL_STATUS);
    if (!*name) {
        bad(r, "no host name");
        return;
    }
    int included = !strcmp(status, "included");
    if (!included && strcmp(status, "failed")) {
        bad(r, "status '%.40s': neither included nor failed", status);
        return;
    }
    ms_fleet *f = r->f;
    ms_fleet_host *v = realloc(f->v, (f->n + 1) * sizeof *v);
    if (!v) {
        nomem(r);
        return;
    }
    f->v = v;
    ms_fleet_host *h = &v[f->n++];
    *h = (ms_fleet_host){
        .name = strdup(name),
        .events_file = strdup(field(r, COL_FILE)),
        .why = strdup(field(r, COL_WHY)),
        .line = r->row_line,
        .included = included,
    };
    if (!h->name || !h->events_file || !h->why)
        nomem(r);
}

static void on_row(int c, void *data)
{
    (void)c;
    rd *r = data;
    if (r->failed)
        return;
    if (r->have_header)
        host(r);
    else
        header(r);
    r->nf = 0;
    r->row.n = 0;
    r->too_many = 0;
}

static int by_name(const void *a, const void *b)
{
    const ms_fleet_host *x = *(const ms_fleet_host *const *)a,
                        *y = *(const ms_fleet_host *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A host listed twice: the later row is the error. */
static void repeated(rd *r)
{
    ms_fleet *f = r->f;
    const ms_fleet_host **ix = malloc(f->n * sizeof *ix);
    if (!ix) {
        nomem(r);
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        ix[i] = &f->v[i];
    qsort(ix, f->n, sizeof *ix, by_name);
    for (size_t i = 1; i < f->n; i++) {
        const ms_fleet_host *a = ix[i - 1], *b = ix[i];
        if (!strcmp(a->name, b->name)) {
            r->row_line = b->line;
            bad(r, "host %.60s is listed twice (first on line %llu)",
                b->name, (unsigned long long)a->line);
            break;
        }
    }
    free(ix);
}

/* The whole file into b (at most MAX_BYTES; a pipe too). */
static int slurp(rd *r, const char *path, ms_buf *b)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)   /* out of memory is fatal, not a bad setting */
        return ms_fail(r->err, errno == ENOMEM ? MS_ERR_NOMEM : MS_ERR_IO,
                       "%s: %s", path, strerror(errno));
    size_t got = 0;
    do {
        if (ms_buf_reserve(b, 65536) < 0)
            break;
        got = fread(b->p + b->n, 1, 65536, fp);
        b->n += got;
    } while (got && b->n <= MAX_BYTES);
    int rc = 0;
    if (b->failed)
        rc = ms_fail(r->err, MS_ERR_NOMEM, "%s: out of memory", path);
    else if (ferror(fp))
        rc = ms_fail(r->err, MS_ERR_IO, "%s: %s", path, strerror(errno));
    else if (b->n > MAX_BYTES)
        rc = ms_fail(r->err, MS_ERR_USAGE,
                     "%s: over 16 MiB: not a hosts file", path);
    fclose(fp);
    return rc;
}

int ms_fleet_load(ms_fleet *f, const char *path, ms_error *err)
{
    rd r = {.f = f, .err = err};
    if (!(f->path = strdup(path)))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    ms_buf file = {0};
    if (slurp(&r, path, &file)) {
        ms_buf_free(&file);
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        ms_buf_free(&file);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    const char *buf = file.p;
    size_t n = file.n;
    uint64_t lineno = 0;
    for (size_t at = 0; at < n && !r.failed;) {
        const char *nl = memchr(buf + at, '\n', n - at);
        size_t len = nl ? (size_t)(nl - (buf + at)) + 1 : n - at;
        lineno++;
        if (p.pstate == CSV_ROW_NOT_BEGUN)
            r.row_line = lineno;
        if (memchr(buf + at, '\0', len)) {
            r.row_line = lineno;
            bad(&r, "a NUL byte: not a text file");
        } else if (csv_parse(&p, buf + at, len, on_field, on_row, &r) < len &&
                   !r.failed) {
            if (csv_error(&p) == CSV_EPARSE)
                bad(&r, "malformed quoting (a quote in a field not quoted, "
                        "or text after a closing quote)");
            else
                nomem(&r);
        }
        at += len;
    }
    if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0 && !r.failed)
        bad(&r, "a quote not closed at the end of the file");
    csv_free(&p);
    ms_buf_free(&file);
    if (!r.failed && !r.have_header) {
        r.row_line = 1;
        bad(&r, "empty: no header, no host");
    } else if (!r.failed && !f->n) {
        bad(&r, "no host listed after the header");
    }
    if (!r.failed && f->n > 1)
        repeated(&r);
    ms_buf_free(&r.row);
    return r.failed ? -1 : 0;
}

/* The host's events file as a path from here: beside the hosts file. */
static char *resolve(const ms_fleet *f, const char *file)
{
    const char *slash = strrchr(f->path, '/');
    int dir = file[0] == '/' || !slash ? 0 : (int)(slash - f->path) + 1;
    size_t n = (size_t)dir + strlen(file) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s%s", dir, f->path, file);
    return p;
}

typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int ok;
} file_id;

static file_id id_of(const char *path)
{
    struct stat st;
    file_id id = {0};
    if (path && stat(path, &st) == 0)
        id = (file_id){st.st_dev, st.st_ino, 1};
    return id;
}

int ms_fleet_check(ms_fleet *f, const ms_inputs *in, const ms_warner *w,
                   ms_error *err)
{
    file_id *read = calloc(in->n + 1, sizeof *read);
    if (!read)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < in->n; i++)
        read[i] = id_of(in->v[i].name);
    int rc = 0;
    for (size_t k = 0; k < f->n && !rc; k++) {
        ms_fleet_host *h = &f->v[k];
        if (!h->included || !h->events_file[0])
            continue;
        char *path = resolve(f, h->events_file);
        if (!path) {
            rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
            break;
        }
        file_id id = id_of(path);
        size_t i = 0;
        while (id.ok && i < in->n &&
               !(read[i].ok && read[i].dev == id.dev && read[i].ino == id.ino))
            i++;
        h->unread = !id.ok || i == in->n;
        if (h->unread)
            ms_warn(w, f->path, h->line,
                    "host %s is listed as included, but its events file %s "
                    "was not among the files read (the report counts it as "
                    "left out)", h->name, path);
        free(path);
    }
    free(read);
    return rc;
}

size_t ms_fleet_covered(const ms_fleet *f)
{
    size_t n = 0;
    for (size_t k = 0; k < f->n; k++)
        n += f->v[k].included && !f->v[k].unread;
    return n;
}

void ms_fleet_free(ms_fleet *f)
{
    for (size_t k = 0; k < f->n; k++) {
        free(f->v[k].name);
        free(f->v[k].events_file);
        free(f->v[k].why);
    }
    free(f->v);
    free(f->path);
    memset(f, 0, sizeof *f);
}
