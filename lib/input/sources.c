/* sources.c — expand the user's paths into rotation sets, oldest first.
 *
 * Paths are taken in the order given: "-" is stdin, a set of its own; a
 * file is taken as named; a directory is scanned (entries in name order) for
 * files named like mail or auth logs, for its own multilog files (`current`,
 * `@` + 24 hex digits + `.s`/`.u`) and for multilog subfolders one level
 * down. Each file is keyed by the real path of its directory plus its name
 * without rotation suffixes (multilog files share the base "current"); a
 * key's set is numbered when first seen. Each file also gets a rank: dated
 * or TAI64N-labelled files by their date or label, then numbered ones by
 * descending number, then the live file. At the end, a file reached twice
 * (same device and inode) is kept once, where it was first seen, and every
 * set is sorted by rank.
 *
 * Debian's rsyslog writes every mail line to mail.log and again to
 * mail.info, mail.warn, mail.err (by level) and syslog; reading them all
 * would count each attempt several times. So a directory scan that finds
 * mail.log or maillog skips those sets (mail.info likewise hides mail.warn
 * and mail.err, and so on), with a warning; named files are always read. */
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
    size_t name_off;   /* where the file's name starts in path */
    size_t set;        /* index in builder.keys */
    size_t seq;        /* discovery order */
    rank rk;
    bool has_id;
    dev_t dev;
    ino_t ino;
} file;

typedef struct builder {
    file *f;
    size_t nf, capf;
    char **keys;       /* set keys by first appearance; NULL for stdin */
    size_t nk, capk;
    const ms_warner *w;
    size_t unreadable;
} builder;

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

static bool is_log_name(const char *name)
{
    static const char *const prefixes[] = {
        "mail.log", "maillog", "mail.err", "mail.warn", "mail.info",
        "auth.log", "secure", "syslog", "messages",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
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
    if (b->nk == b->capk) {
        size_t cap = b->capk ? b->capk * 2 : 16;
        char **k = realloc(b->keys, cap * sizeof *k);
        if (!k)
            return -1;
        b->keys = k;
        b->capk = cap;
    }
    b->keys[b->nk++] = key;
    return 0;
}

/* Take ownership of path; the file's set is keyed by keydir and its base. */
static int add_file(builder *b, const char *keydir, char *path, size_t name_off,
                    const struct stat *st)
{
    if (b->nf == b->capf) {
        size_t cap = b->capf ? b->capf * 2 : 64;
        file *f = realloc(b->f, cap * sizeof *f);
        if (!f)
            goto nomem;
        b->f = f;
        b->capf = cap;
    }
    file *f = &b->f[b->nf];
    *f = (file){.path = path, .name_off = name_off, .seq = b->nf};
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
    free(path);
    return -1;
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
        return -1;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                goto nomem;
            v = nv;
        }
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

/* Add the multilog files (`current`, `@…`) of a subfolder, if any. */
static int scan_multilog(builder *b, const char *dir)
{
    char **names;
    size_t n;
    int rc = list_names(dir, &names, &n);
    if (rc != 0)
        return rc == -2 ? -1 : 0;
    char *keydir = NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (strcmp(names[i], MULTILOG_BASE) != 0 && !is_label(names[i]))
            continue;
        char *path = join(dir, names[i]);
        if (!path || (!keydir && !(keydir = real_dir(dir)))) {
            free(path);
            rc = -1;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
            access(path, R_OK) != 0) {
            free(path);
            continue;
        }
        rc = add_file(b, keydir, path, strlen(path) - strlen(names[i]), &st);
    }
    free(keydir);
    free_names(names, n);
    return rc;
}

static int scan_dir(builder *b, const char *dir)
{
    char **names;
    size_t n;
    int rc = list_names(dir, &names, &n);
    if (rc == -1) {
        ms_warn(b->w, dir, 0, "%s", strerror(errno));
        b->unreadable++;
        return 0;
    }
    if (rc == -2)
        return -1;
    char *keydir = real_dir(dir);
    if (!keydir) {
        free_names(names, n);
        return -1;
    }
    rank primary = {.base_len = 0}; /* the fullest mail log present */
    int best = 4;
    for (size_t i = 0; i < n; i++) {
        rank r = classify(names[i]);
        int lvl = is_log_name(names[i]) ? mail_level(&r) : -1;
        if (lvl >= 0 && lvl < best) {
            best = lvl;
            primary = r;
        }
    }
    bool skipped[5] = {false}; /* by mail level; [4] is syslog */
    size_t before = b->nf;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *path = join(dir, names[i]);
        if (!path) {
            rc = -1;
            break;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = scan_multilog(b, path);
            free(path);
            continue;
        }
        rank r = classify(names[i]);
        bool multilog = r.base == MULTILOG_BASE;
        if (!S_ISREG(st.st_mode) || (!multilog && !is_log_name(names[i]))) {
            free(path);
            continue;
        }
        int lvl = multilog ? -1 : mail_level(&r);
        bool is_syslog = best == 0 && base_is(&r, "syslog");
        if (lvl > best || is_syslog) {
            skipped[is_syslog ? 4 : lvl] = true;
            free(path);
            continue;
        }
        if (access(path, R_OK) != 0) {
            ms_warn(b->w, path, 0, "%s", strerror(errno));
            b->unreadable++;
            free(path);
            continue;
        }
        rc = add_file(b, keydir, path, strlen(path) - strlen(names[i]), &st);
    }
    if (rc == 0) {
        static const char *const skip_names[5] = {
            "", "mail.info", "mail.warn", "mail.err", "syslog"};
        for (int i = 1; i < 5; i++)
            if (skipped[i])
                ms_warn(b->w, dir, 0,
                        "skipped %s*: its mail lines repeat those of %.*s* "
                        "(name its files to read them anyway)",
                        skip_names[i], (int)primary.base_len, primary.base);
        if (b->nf == before) {
            ms_warn(b->w, dir, 0, "no log files found in this directory");
            b->unreadable++;
        }
    }
    free(keydir);
    free_names(names, n);
    return rc;
}

static int add_path(builder *b, const char *p)
{
    if (strcmp(p, "-") == 0) {
        char *path = strdup(p);
        return path ? add_file(b, NULL, path, 0, NULL) : -1;
    }
    struct stat st;
    if (stat(p, &st) != 0) {
        ms_warn(b->w, p, 0, "%s", strerror(errno));
        b->unreadable++;
        return 0;
    }
    if (S_ISDIR(st.st_mode))
        return scan_dir(b, p);
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
        rc = add_file(b, keydir, path, name_off, &st);
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
        out->v[i] = (ms_source){b->f[i].path, set_id, pos++};
    }
    out->n = b->nf;
    b->nf = 0;
    return 0;
}

int ms_sources_expand(const char *const *paths, size_t npaths,
                      ms_source_list *out, const ms_warner *w, ms_error *err)
{
    builder b = {.w = w};
    out->v = NULL;
    out->n = 0;
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = add_path(&b, paths[i]);
    if (rc == 0)
        rc = finish(&b, out);
    out->unreadable = b.unreadable;
    for (size_t i = 0; i < b.nf; i++)
        free(b.f[i].path);
    free(b.f);
    for (size_t i = 0; i < b.nk; i++)
        free(b.keys[i]);
    free(b.keys);
    if (rc < 0)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return 0;
}

void ms_sources_free(ms_source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
