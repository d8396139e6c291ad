/* analysis_cli.c — the analysis' options, and the run they make
 * (analysis_cli.h). */
#include "analysis_cli.h"

#include <string.h>
#include <unistd.h>

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
}
