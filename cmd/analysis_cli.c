/* analysis_cli.c — the analysis' options, and the run they make
 * (analysis_cli.h). */
#include "analysis_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SIZE as --buffer-size takes it: digits, then K, M, G or T (powers of
 * 1024) or nothing. 0, or -1 when it is no size. */
static int parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || *v == '-' || errno)
        return -1;
    int shift = 0;
    if (*end) {
        const char *units = "KMGT", *u = strchr(units, *end & ~0x20);
        if (!u || end[1])
            return -1;
        shift = 10 * (int)(u - units + 1);
    }
    if (n > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)(n << shift);
    return 0;
}

int cli_analysis_option(cli_analysis *x, int opt, const char *arg)
{
    switch (opt) {
    case OPT_USERS:
        x->users = arg;
        return 1;
    case OPT_HOSTS:
        x->hosts = arg;
        return 1;
    case OPT_IGNORE:
        if (x->nignore == 16) {
            cli_error("at most 16 --ignore options");
            return -1;
        }
        x->ignore[x->nignore++] = arg;
        return 1;
    case OPT_AGGREGATE:
        x->aggregate = 1;
        return 1;
    case OPT_GEOIP:
    case OPT_ASN_CSV:
        if (x->ngeodb == 16) {
            cli_error("at most 16 --geoip and --asn-csv options");
            return -1;
        }
        x->geodb[x->ngeodb].path = arg;
        x->geodb[x->ngeodb++].table = opt == OPT_ASN_CSV;
        return 1;
    case OPT_NO_GEO:
        x->no_geo = 1;
        return 1;
    case OPT_TMPDIR:
        x->tmpdir = arg;
        return 1;
    case OPT_BUFFER_SIZE:
        if (parse_size(arg, &x->sort_mem)) {
            cli_error("--buffer-size '%s' is no size (digits, then K, M, G "
                      "or T)", arg);
            return -1;
        }
        x->buffer_size = 1;
        return 1;
    }
    return cli_common_option(&x->c, opt, arg);
}

/* The folder of the binary, or NULL. */
static const char *exe_dir(cli_analysis *x)
{
    ssize_t k = readlink("/proc/self/exe", x->exe_dir, sizeof x->exe_dir - 1);
    if (k <= 0)
        return NULL;
    x->exe_dir[k] = '\0';
    char *slash = strrchr(x->exe_dir, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return x->exe_dir;
}

/* --buffer-size, else $MAILSLEUTH_BUFFER_SIZE (warned about and left
 * when it is no size), else 1 GiB. */
static size_t buffer_size(const cli_analysis *x)
{
    size_t n = (size_t)1 << 30;
    if (x->buffer_size)
        return x->sort_mem;
    const char *v = getenv("MAILSLEUTH_BUFFER_SIZE");
    if (v && *v && parse_size(v, &n)) {
        cli_error("MAILSLEUTH_BUFFER_SIZE '%s' is no size (digits, then K, "
                  "M, G or T): 1G taken", v);
        n = (size_t)1 << 30;
    }
    return n;
}

void cli_analysis_init(cli_run *run, cli_analysis *x, char **paths,
                       int npaths)
{
    cli_run_init(run, &x->c, paths, npaths);
    ms_run_settings *s = &run->s;
    s->analyse = 1;
    s->users = x->users;
    s->hosts = x->hosts;
    s->ignore = x->ignore;
    s->nignore = (size_t)x->nignore;
    s->aggregate = x->aggregate;
    s->no_geo = x->no_geo;
    s->geodb = x->geodb;
    s->ngeodb = (size_t)x->ngeodb;
    s->exe_dir = x->no_geo || x->ngeodb ? NULL : exe_dir(x);
    s->tmpdir = x->tmpdir;
    s->sort_mem = buffer_size(x);
}
