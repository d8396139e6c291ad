/* cli.c — shared option handling, the run as the CLI makes it, messages
 * and output. */
#include "cli.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "output/text.h"
#include "prefilter_blob.h"

int cli_common_option(cli_common *c, int opt, const char *arg)
{
    char *end;
    long v;
    switch (opt) {
    case 'f':
        if (strcmp(arg, "csv") && strcmp(arg, "json")) {
            cli_error("--format takes csv or json, not '%s'", arg);
            return -1;
        }
        c->format = arg;
        return 1;
    case 'o':
        c->output = arg;
        return 1;
    case 'j':
        v = strtol(arg, &end, 10);
        if (*end || v < 1 || v > 64) {
            cli_error("--threads takes a number from 1 to 64");
            return -1;
        }
        c->threads = (int)v;
        return 1;
    case 'q':
        c->quiet = 1;
        return 1;
    case OPT_TZ:
        c->tz = arg;
        return 1;
    case OPT_YEAR:
        v = strtol(arg, &end, 10);
        if (*end || v < 1970 || v > 9999) {
            cli_error("--year takes a year from 1970 to 9999");
            return -1;
        }
        c->year = (int)v;
        return 1;
    case OPT_PATTERNS:
        if (c->npatterns == 16) {
            cli_error("at most 16 --patterns files");
            return -1;
        }
        c->patterns[c->npatterns++] = arg;
        return 1;
    case OPT_SINCE:
    case OPT_UNTIL:
    case OPT_USER:
    case OPT_IP:
    case OPT_SERVER: {
        ms_error err = {0};
        if (ms_filter_add(&c->filter, (ms_filter_kind)(opt - OPT_SINCE), arg, &err)) {
            cli_error("%s", err.msg);
            return -1;
        }
        return 1;
    }
    }
    return 0;
}

int cli_parse(int argc, char **argv, const struct option *longopts,
              const char *usage, cli_option_fn own, void *ctx, cli_common *c)
{
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        int r = own ? own(ctx, opt, optarg) : 0;
        if (r == 0)
            r = cli_common_option(c, opt, optarg);
        if (r <= 0) {
            if (r == 0)
                fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* Apply --tz; -1 (message printed) if the zone is unknown. */
static int apply_tz(const cli_common *c)
{
    if (!c->tz)
        return 0;
    /* glibc takes an unknown zone for UTC without a word: check first. */
    int posix = strpbrk(c->tz, "0123456789") != NULL;
    if (!posix && strcmp(c->tz, "UTC") && strcmp(c->tz, "GMT")) {
        const char *dirs[] = {getenv("TZDIR"), "/usr/share/zoneinfo"};
        int found = 0;
        for (int i = 0; i < 2 && !found; i++) {
            if (!dirs[i] || strstr(c->tz, ".."))
                continue;
            char path[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", dirs[i], c->tz);
            found = stat(path, &st) == 0 && S_ISREG(st.st_mode);
        }
        if (!found) {
            cli_error("unknown time zone '%s'", c->tz);
            return -1;
        }
    }
    setenv("TZ", c->tz, 1);
    tzset();
    return 0;
}

static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;

static void print_clean(const char *s)
{
    ms_buf b = {0};
    ms_text_clean(&b, s, strlen(s));
    if (!b.failed)
        fwrite(b.p, 1, b.n, stderr);
    ms_buf_free(&b);
}

void cli_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&stderr_lock);
    fputs("mailsleuth: ", stderr);
    print_clean(msg);
    fputc('\n', stderr);
    pthread_mutex_unlock(&stderr_lock);
}

static void warn_print(void *ctx, const char *file, uint64_t line,
                       const char *msg)
{
    (void)ctx;
    if (file && line)
        cli_error("%s:%llu: %s", file, (unsigned long long)line, msg);
    else if (file)
        cli_error("%s: %s", file, msg);
    else
        cli_error("%s", msg);
}

ms_warner cli_warner(const cli_common *c)
{
    ms_warner w = {c->quiet ? NULL : warn_print, NULL};
    return w;
}

enum { SKIPPED_NAMED = 20 };

void cli_skipped_text(ms_buf *b, const ms_source_list *src)
{
    size_t n = src->nskipped;
    if (!n)
        return;
    ms_buf_adds(b, "skipped ");
    ms_buf_addu(b, n);
    ms_buf_adds(b, n == 1 ? " file that is not a log:\n"
                          : " files that are not logs:\n");
    for (size_t i = 0; i < n && i < SKIPPED_NAMED; i++) {
        const ms_skipped *s = &src->skipped[i];
        ms_buf_adds(b, "  ");
        ms_text_clean(b, s->path, strlen(s->path));
        ms_buf_adds(b, ": ");
        ms_text_clean(b, s->why, strlen(s->why));
        ms_buf_addc(b, '\n');
    }
    if (n > SKIPPED_NAMED) {
        ms_buf_adds(b, "  and ");
        ms_buf_addu(b, n - SKIPPED_NAMED);
        ms_buf_adds(b, " more\n");
    }
}

/* Name the files that are not logs, a message a line; a failed
 * allocation leaves only the count. */
static void say_skipped(void *ctx, const ms_source_list *src)
{
    const cli_run *run = ctx;
    if (run->c->quiet || !src->nskipped)
        return;
    ms_buf b = {0};
    cli_skipped_text(&b, src);
    for (size_t at = 0; !b.failed && at < b.n;) {
        const char *nl = memchr(b.p + at, '\n', b.n - at);
        cli_error("%.*s", (int)(nl - (b.p + at)), b.p + at);
        at = (size_t)(nl - b.p) + 1;
    }
    if (b.failed)
        cli_error("skipped %zu files that are not logs", src->nskipped);
    ms_buf_free(&b);
}

static void progress_begin(void *ctx, size_t nfiles)
{
    cli_run *run = ctx;
    cli_progress_start(&run->progress, run->c->quiet, nfiles);
}

static void progress_end(void *ctx)
{
    cli_run *run = ctx;
    cli_progress_stop(&run->progress);
}

/* MS_SCAN_SLOW=1 (set, not empty, not "0"): every line its own way, to
 * compare with the prefilter's (ms_scan_opts.slow). */
static int scan_slow(void)
{
    const char *v = getenv("MS_SCAN_SLOW");
    return v && *v && strcmp(v, "0") != 0;
}

void cli_run_init(cli_run *run, const cli_common *c, char **paths, int npaths)
{
    memset(run, 0, sizeof *run);
    run->c = c;
    run->s = (ms_run_settings){
        .paths = (const char *const *)paths,
        .npaths = (size_t)npaths,
        .prebuilt = ms_prefilter_blob,
        .prebuilt_size = ms_prefilter_blob_size,
        .patterns = c->patterns,
        .npatterns = (size_t)c->npatterns,
        .scan = {.progress = &run->progress.counters, .slow = scan_slow()},
        .threads = c->threads,
        .year = c->year,
        .filter = &c->filter,
        .hooks = {run, say_skipped, progress_begin, progress_end},
    };
}

int cli_run_go(cli_run *run)
{
    if (apply_tz(run->c))
        return EXIT_USAGE;
    ms_warner w = cli_warner(run->c);
    ms_error err = {0};
    if (ms_run(&run->s, &run->r, &w, &err) == 0)
        return EXIT_OK;
    cli_error("%s", err.msg);
    return err.code == MS_ERR_USAGE ? EXIT_USAGE : EXIT_FATAL;
}

void cli_run_free(cli_run *run)
{
    ms_run_free(&run->r);
}

int cli_status(int failed, int damaged)
{
    return failed ? EXIT_FATAL : damaged ? EXIT_PARTIAL : EXIT_OK;
}

int cli_out_open(cli_out *o, const char *path)
{
    ms_error err = {0};
    memset(o, 0, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return 0;
    }
    if (ms_atomic_open(&o->a, path, &err)) {
        cli_error("%s", err.msg);
        return -1;
    }
    o->fp = o->a.fp;
    o->atomic = 1;
    return 0;
}

int cli_out_write(cli_out *o, ms_buf *b)
{
    if (b->failed) {
        cli_error("out of memory while formatting output");
        o->failed = 1;
    }
    if (!o->failed && b->n && fwrite(b->p, 1, b->n, o->fp) != b->n)
        o->failed = 1;
    b->n = 0;
    return o->failed ? -1 : 0;
}

int cli_out_close(cli_out *o)
{
    ms_error err = {0};
    if (!o->atomic) {
        if (o->failed || fflush(stdout) != 0) {
            cli_error("standard output: write failed");
            return -1;
        }
        return 0;
    }
    if (o->failed) {
        ms_atomic_abort(&o->a);
        cli_error("%s: write failed", o->a.target ? o->a.target : "output");
        return -1;
    }
    if (ms_atomic_commit(&o->a, &err)) {
        cli_error("%s", err.msg);
        return -1;
    }
    return 0;
}

int cli_write_output(const char *path, ms_buf *b)
{
    cli_out o;
    if (cli_out_open(&o, path))
        return -1;
    cli_out_write(&o, b);
    return cli_out_close(&o);
}
