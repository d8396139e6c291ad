/* sources.c — expand the user's paths into rotation sets, oldest first.
 *
 * Paths are taken in the order given: "-" is stdin, a set of its own; a
 * file is taken as named; a directory is walked depth first, entries in
 * name order, each subfolder where its name falls, every directory's
 * device and inode kept so that one reached again (a link, a loop) is not
 * walked twice. A regular file met on the way is handed to the caller's
 * judge, which reads its content; the rest go to the skipped list. Each
 * file taken is keyed by the real path of its directory plus its name
 * without rotation suffixes (multilog files share the base "current"); a
 * key's set is numbered when first seen. Each file also gets a rank: dated
 * or TAI64N-labelled files by their date or label, then numbered ones by
 * descending number, then the live file. At the end, a file reached twice
 * (same device and inode) is kept once, where it was first seen, and every
 * set is sorted by rank.
 *
 * Debian's rsyslog writes every mail line to mail.log and again to
 * mail.info, mail.warn, mail.err (by level) and syslog; reading them all
 * would count each attempt several times. So in a folder that holds
 * mail.log or maillog those sets are skipped, by name, before any judging
 * (mail.info likewise hides mail.warn and mail.err, and so on), with a
 * warning; named files are always read. */
#include "input/sources.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MULTILOG_BASE[] = "current";

typedef struct rank {
    const char *base;  /* the name, or MULTILOG_BASE */
    size_t base_len;
    int group;         /* 0: dated or labelled, 1: numbered, 2: live */
    unsigned long num; /* group 1 */
    char ord[25];      /* group 0: YYYYMMDDHH or the lowercase TAI64N label */
} rank;

typedef struct file {
    char *path;
    char *folder;      /* ms_source.folder */
    size_t name_off;   /* where the file's name starts in path */
    size_t set;        /* index in builder.keys */
    size_t seq;        /* discovery order */
    rank rk;
    bool has_id;
    dev_t dev;
    ino_t ino;
} file;

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct builder {
    file *f;
    size_t nf, capf;
    char **keys;       /* set keys by first appearance; NULL for stdin */
    size_t nk, capk;
    ms_skipped *skip;
    size_t nskip, capskip;
    dir_id *dirs;      /* directories walked */
    size_t ndirs, capdirs;
    const ms_sources_opts *o;
    const ms_warner *w;
    size_t unreadable;
} builder;

/* v with room for one more than n elements of size (moved, *cap grown), or
 * NULL when memory ran out (v is then still valid). */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 16;
    if (!(v = realloc(v, c * size)))
        return NULL;
    *cap = c;
    return v;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool is_label(const char *name)
{
    if (strlen(name) != 27 || name[0] != '@' || name[25] != '.' ||
        (name[26] != 's' && name[26] != 'u'))
        return false;
    for (int i = 1; i < 25; i++)
        if (!isxdigit((unsigned char)name[i]))
            return false;
    return true;
}

static bool date_sep(char c)
{
    return c == '-' || c == '.';
}

/* A -YYYYMMDD, -YYYYMMDDHH or -YYYY-MM-DD ending of name[0 .. *len) ('.'
 * may stand for the first '-'): cut it off and write YYYYMMDDHH into ord. */
static bool date_suffix(const char *name, size_t *len, char ord[25])
{
    const char *s;
    char d[11];
    size_t cut = 0;
    if (*len > 11 && date_sep((s = name + *len - 11)[0]) &&
        all_digits(s + 1, 4) && s[5] == '-' && all_digits(s + 6, 2) &&
        s[8] == '-' && all_digits(s + 9, 2)) {
        memcpy(d, s + 1, 4);
        memcpy(d + 4, s + 6, 2);
        memcpy(d + 6, s + 9, 2);
        memcpy(d + 8, "00", 2);
        cut = 11;
    } else if (*len > 11 && date_sep((s = name + *len - 11)[0]) &&
               all_digits(s + 1, 10)) {
        memcpy(d, s + 1, 10);
        cut = 11;
    } else if (*len > 9 && date_sep((s = name + *len - 9)[0]) &&
               all_digits(s + 1, 8)) {
        memcpy(d, s + 1, 8);
        memcpy(d + 8, "00", 2);
        cut = 9;
    } else {
        return false;
    }
    int month = two(d + 4), day = two(d + 6), hour = two(d + 8);
    if (d[0] < '1' || month < 1 || month > 12 || day < 1 || day > 31 ||
        hour > 23)
        return false;
    memcpy(ord, d, 10);
    ord[10] = '\0';
    *len -= cut;
    return true;
}

static rank classify(const char *name)
{
    rank r = {.base = name, .base_len = strlen(name), .group = 2};
    if (is_label(name)) {
        r.base = MULTILOG_BASE;
        r.base_len = sizeof MULTILOG_BASE - 1;
        r.group = 0;
        for (int i = 0; i < 24; i++)
            r.ord[i] = (char)tolower((unsigned char)name[i + 1]);
        return r;
    }
    if (strcmp(name, MULTILOG_BASE) == 0) {
        r.base = MULTILOG_BASE;
        return r;
    }
    static const char *const zips[] = {".gz", ".bz2", ".xz", ".zst"};
    for (size_t i = 0; i < sizeof zips / sizeof *zips; i++) {
        size_t z = strlen(zips[i]);
        if (r.base_len > z && strcmp(name + r.base_len - z, zips[i]) == 0) {
            r.base_len -= z;
            break;
        }
    }
    const char *dot = memrchr(name, '.', r.base_len);
    size_t digits = dot ? (size_t)(name + r.base_len - dot - 1) : 0;
    if (dot && dot > name && digits <= 6 && all_digits(dot + 1, digits)) {
        r.group = 1;
        r.num = strtoul(dot + 1, NULL, 10);
        r.base_len = (size_t)(dot - name);
    } else if (date_suffix(name, &r.base_len, r.ord)) {
        r.group = 0;
    }
    return r;
}

static bool base_is(const rank *r, const char *s)
{
    return r->base_len == strlen(s) && memcmp(r->base, s, r->base_len) == 0;
}

/* How completely a file holds the mail lines (0 = all); -1: not a mail log. */
static int mail_level(const rank *r)
{
    if (base_is(r, "mail.log") || base_is(r, "maillog"))
        return 0;
    if (base_is(r, "mail.info"))
        return 1;
    if (base_is(r, "mail.warn"))
        return 2;
    if (base_is(r, "mail.err"))
        return 3;
    return -1;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    bool slash = dir[n - 1] != '/';
    size_t m = strlen(name);
    char *p = malloc(n + slash + m + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, n);
    if (slash)
        p[n] = '/';
    memcpy(p + n + slash, name, m + 1);
    return p;
}

static int new_set(builder *b, char *key)
{
    char **k = grow(b->keys, b->nk, &b->capk, sizeof *k);
    if (!k)
        return -1;
    b->keys = k;
    b->keys[b->nk++] = key;
    return 0;
}

/* Take ownership of path; the file's set is keyed by keydir and its base
 * (its own set when keydir is NULL). */
static int add_file(builder *b, const char *keydir, char *path, size_t name_off,
                    const struct stat *st, const char *folder)
{
    file *v = grow(b->f, b->nf, &b->capf, sizeof *v);
    if (!v)
        goto nomem;
    b->f = v;
    file *f = &b->f[b->nf];
    *f = (file){.path = path, .name_off = name_off, .seq = b->nf};
    if (!(f->folder = strdup(folder)))
        goto nomem;
    if (st) {
        f->has_id = true;
        f->dev = st->st_dev;
        f->ino = st->st_ino;
    }
    if (keydir) {
        f->rk = classify(path + name_off);
        size_t dn = strlen(keydir), bn = f->rk.base_len;
        char *key = malloc(dn + 1 + bn + 1);
        if (!key)
            goto nomem;
        memcpy(key, keydir, dn);
        key[dn] = '/';
        memcpy(key + dn + 1, f->rk.base, bn);
        key[dn + 1 + bn] = '\0';
        for (f->set = 0; f->set < b->nk; f->set++)
            if (b->keys[f->set] && strcmp(b->keys[f->set], key) == 0)
                break;
        if (f->set < b->nk) {
            free(key);
        } else if (new_set(b, key) < 0) {
            free(key);
            goto nomem;
        }
    } else {
        f->set = b->nk;
        if (new_set(b, NULL) < 0)
            goto nomem;
    }
    b->nf++;
    return 0;
nomem:
    if (v)
        free(b->f[b->nf].folder);
    free(path);
    return -1;
}

/* Take ownership of path: a file found and not read, and why. */
static int add_skipped(builder *b, char *path, const char *why)
{
    ms_skipped *v = grow(b->skip, b->nskip, &b->capskip, sizeof *v);
    char *w = v ? strdup(why) : NULL;
    if (v)
        b->skip = v;
    if (!w) {
        free(path);
        return -1;
    }
    b->skip[b->nskip++] = (ms_skipped){path, w};
    return 0;
}

/* Take ownership of path: a file or folder that could not be read. */
static void left_out(builder *b, char *path, const char *why)
{
    ms_warn(b->w, path, 0, "%s", why);
    b->unreadable++;
    free(path);
}

/* 1 if the directory was walked before; else it is recorded, 0 (-1 when
 * memory ran out). */
static int dir_seen(builder *b, const struct stat *st)
{
    for (size_t i = 0; i < b->ndirs; i++)
        if (b->dirs[i].dev == st->st_dev && b->dirs[i].ino == st->st_ino)
            return 1;
    dir_id *v = grow(b->dirs, b->ndirs, &b->capdirs, sizeof *v);
    if (!v)
        return -1;
    b->dirs = v;
    b->dirs[b->ndirs++] = (dir_id){st->st_dev, st->st_ino};
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The visible entries of dir, sorted. 0, -1 (cannot open: errno), -2 (out of
 * memory). */
static int list_names(const char *dir, char ***out, size_t *nout)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOMEM ? -2 : -1;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char **nv = grow(v, n, &cap, sizeof *nv);
        if (!nv)
            goto nomem;
        v = nv;
        if (!(v[n] = strdup(e->d_name)))
            goto nomem;
        n++;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, cmp_name);
    *out = v;
    *nout = n;
    return 0;
nomem:
    closedir(d);
    free_names(v, n);
    return -2;
}

static char *real_dir(const char *dir)
{
    char *r = realpath(dir, NULL);
    return r ? r : strdup(dir);
}

/* A folder being walked. */
typedef struct walk_ctx {
    const char *dir;     /* as reached: the user's path joined with names */
    const char *keydir;  /* its real path, for set keys */
    const char *folder;  /* below the user's path ("" at the top) */
    bool multilog;       /* holds `current`: its lock and state are not logs */
    int best;            /* mail level of the fullest mail log present */
    rank primary;        /* that log */
    bool copies[5];      /* by mail level, [4] syslog: skipped as copies */
} walk_ctx;

static int walk(builder *b, const char *dir, const char *folder);

/* One entry of a folder: a folder is walked, a file judged. */
static int visit(builder *b, walk_ctx *c, const char *name)
{
    char *path = join(c->dir, name);
    if (!path)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ELOOP)
            return add_skipped(b, path, "a link to nothing");
        left_out(b, path, strerror(errno));
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        int rc = dir_seen(b, &st);
        if (rc == 0) {
            char *sub = c->folder[0] ? join(c->folder, name) : strdup(name);
            rc = sub ? walk(b, path, sub) : -1;
            free(sub);
        }
        free(path);
        return rc < 0 ? -1 : 0;
    }
    if (!S_ISREG(st.st_mode))
        return add_skipped(b, path, "not a regular file");
    if (c->multilog && (strcmp(name, "lock") == 0 || strcmp(name, "state") == 0)) {
        free(path);
        return 0;
    }
    rank r = classify(name);
    int lvl = mail_level(&r);
    bool syslog_copy = c->best == 0 && base_is(&r, "syslog");
    if (lvl > c->best || syslog_copy) {
        c->copies[syslog_copy ? 4 : lvl] = true;
        free(path);
        return 0;
    }
    if (access(path, R_OK) != 0) {
        left_out(b, path, strerror(errno));
        return 0;
    }
    if (b->o && b->o->judge) {
        char why[256] = "";
        int j = b->o->judge(b->o->judge_ctx, path, why, sizeof why);
        if (j == -2) {
            free(path);
            return -1;
        }
        if (j < 0) {
            left_out(b, path, why);
            return 0;
        }
        if (j == 0)
            return add_skipped(b, path, why);
    }
    return add_file(b, c->keydir, path, strlen(path) - strlen(name), &st,
                    c->folder);
}

/* Walk dir, found at folder below the user's path. 0; 1 when it could not
 * be read (warned about); -1 when memory ran out. */
static int walk(builder *b, const char *dir, const char *folder)
{
    char **names;
    size_t n;
    int rc = list_names(dir, &names, &n);
    if (rc == -1) {
        ms_warn(b->w, dir, 0, "%s", strerror(errno));
        b->unreadable++;
        return 1;
    }
    if (rc == -2)
        return -1;
    walk_ctx c = {.dir = dir, .folder = folder, .best = 4};
    if (!(c.keydir = real_dir(dir))) {
        free_names(names, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        rank r = classify(names[i]);
        int lvl = mail_level(&r);
        if (lvl >= 0 && lvl < c.best) {
            c.best = lvl;
            c.primary = r;
        }
        c.multilog |= strcmp(names[i], MULTILOG_BASE) == 0;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = visit(b, &c, names[i]);
    static const char *const copy_names[5] = {
        "", "mail.info", "mail.warn", "mail.err", "syslog"};
    for (int i = 1; i < 5 && rc == 0; i++)
        if (c.copies[i])
            ms_warn(b->w, dir, 0,
                    "skipped %s*: its mail lines repeat those of %.*s* "
                    "(name its files to read them anyway)",
                    copy_names[i], (int)c.primary.base_len, c.primary.base);
    free((char *)c.keydir);
    free_names(names, n);
    return rc;
}

static int add_path(builder *b, const char *p)
{
    if (strcmp(p, "-") == 0) {
        char *path = strdup(p);
        return path ? add_file(b, NULL, path, 0, NULL, "") : -1;
    }
    struct stat st;
    if (stat(p, &st) != 0) {
        ms_warn(b->w, p, 0, "%s", strerror(errno));
        b->unreadable++;
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        /* Walked even if seen inside an earlier path: it is warned about
         * when it holds no log, not when its logs were met before. */
        size_t before = b->nf;
        int rc = dir_seen(b, &st) < 0 ? -1 : walk(b, p, "");
        if (rc == 0 && b->nf == before) {
            ms_warn(b->w, p, 0, "no log files found in this directory");
            b->unreadable++;
        }
        return rc < 0 ? -1 : 0;
    }
    if (access(p, R_OK) != 0) {
        ms_warn(b->w, p, 0, "%s", strerror(errno));
        b->unreadable++;
        return 0;
    }
    const char *slash = strrchr(p, '/');
    size_t name_off = slash ? (size_t)(slash - p) + 1 : 0;
    char *dir = slash == p ? strdup("/")
              : slash      ? strndup(p, (size_t)(slash - p))
                           : strdup(".");
    char *keydir = dir ? real_dir(dir) : NULL;
    char *path = strdup(p);
    int rc = -1;
    if (keydir && path)
        rc = add_file(b, keydir, path, name_off, &st, "");
    else
        free(path);
    free(keydir);
    free(dir);
    return rc;
}

static int cmp_id(const void *pa, const void *pb)
{
    const file *a = pa, *b = pb;
    if (a->has_id != b->has_id)
        return a->has_id ? -1 : 1;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_order(const void *pa, const void *pb)
{
    const file *a = pa, *b = pb;
    if (a->set != b->set)
        return a->set < b->set ? -1 : 1;
    if (a->rk.group != b->rk.group)
        return a->rk.group - b->rk.group;
    int c = 0;
    if (a->rk.group == 0)
        c = strcmp(a->rk.ord, b->rk.ord);
    else if (a->rk.group == 1 && a->rk.num != b->rk.num)
        c = a->rk.num > b->rk.num ? -1 : 1;
    if (c == 0)
        c = strcmp(a->path + a->name_off, b->path + b->name_off);
    return c;
}

/* Drop files seen before, sort each set oldest first, fill out. */
static int finish(builder *b, ms_source_list *out)
{
    if (b->nf == 0)
        return 0;
    qsort(b->f, b->nf, sizeof *b->f, cmp_id);
    size_t kept = 0;
    for (size_t i = 0; i < b->nf; i++) {
        file *f = &b->f[i];
        if (i > 0 && f->has_id && b->f[i - 1].has_id &&
            f->dev == b->f[i - 1].dev && f->ino == b->f[i - 1].ino) {
            free(f->path);
            free(f->folder);
            continue;
        }
        b->f[kept++] = *f;
    }
    b->nf = kept;
    qsort(b->f, b->nf, sizeof *b->f, cmp_order);
    if (!(out->v = malloc(b->nf * sizeof *out->v)))
        return -1;
    int set_id = -1, pos = 0;
    for (size_t i = 0; i < b->nf; i++) {
        if (i == 0 || b->f[i].set != b->f[i - 1].set) {
            set_id++;
            pos = 0;
        }
        out->v[i] = (ms_source){b->f[i].path, b->f[i].folder, set_id, pos++};
    }
    out->n = b->nf;
    b->nf = 0;
    return 0;
}

int ms_sources_expand(const char *const *paths, size_t npaths,
                      const ms_sources_opts *o, ms_source_list *out,
                      const ms_warner *w, ms_error *err)
{
    builder b = {.o = o, .w = w};
    memset(out, 0, sizeof *out);
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = add_path(&b, paths[i]);
    if (rc == 0)
        rc = finish(&b, out);
    out->unreadable = b.unreadable;
    out->skipped = b.skip;
    out->nskipped = b.nskip;
    for (size_t i = 0; i < b.nf; i++) {
        free(b.f[i].path);
        free(b.f[i].folder);
    }
    free(b.f);
    for (size_t i = 0; i < b.nk; i++)
        free(b.keys[i]);
    free(b.keys);
    free(b.dirs);
    if (rc < 0) {
        ms_sources_free(out);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    return 0;
}

void ms_sources_free(ms_source_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].folder);
    }
    free(l->v);
    for (size_t i = 0; i < l->nskipped; i++) {
        free(l->skipped[i].path);
        free(l->skipped[i].why);
    }
    free(l->skipped);
    memset(l, 0, sizeof *l);
}
