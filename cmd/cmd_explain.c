/* cmd_explain.c — `mailsleuth explain`: for each line, the recogniser that
 * took it and the fields it read; then what was read, what it gave, and the
 * lines that read like authentication but that no recogniser took. This is
 * how a user finds out that a log format is missing. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output/text.h"

static const char usage[] =
    "usage: mailsleuth explain [OPTIONS] PATH...\n"
    "\n"
    "For every line: which recogniser matched and the fields it took.\n"
    "At the end: files read (and those found in folders that are not\n"
    "logs), lines read, events by source and outcome, and the lines\n"
    "that look authentication-related but matched nothing (up to 10\n"
    "examples per program). PATH may be - to read standard input.\n"
    "\n"
    "Options:\n"
    "      --summary      print only the summary, not every line\n"
    "  -o, --output FILE  write to FILE (atomically) instead of stdout\n"
    "      --tz ZONE, --year YEAR, --patterns FILE, -q  as for `events`\n"
    "  -h, --help         this help\n";

typedef struct explain_ctx {
    ms_buf out;
    int summary_only;
    uint64_t counts[64][MS_OUT__COUNT];
    const char *sources[64];
    size_t nsources;
} explain_ctx;

static void clean(ms_buf *b, const char *s, size_t n)
{
    ms_text_clean(b, s, n);
}

static void field(ms_buf *b, const char *name, const ms_str *s)
{
    if (!s->n)
        return;
    ms_buf_addc(b, ' ');
    ms_buf_adds(b, name);
    ms_buf_addc(b, '=');
    clean(b, s->p, s->n);
}

static void count(explain_ctx *x, const ms_event *ev)
{
    size_t i = 0;
    while (i < x->nsources && strcmp(x->sources[i], ev->source))
        i++;
    if (i == x->nsources) {
        if (x->nsources == 64)
            return;
        x->sources[x->nsources++] = ev->source;
    }
    x->counts[i][ev->outcome]++;
}

static void on_line(void *ctx, const ms_file_scan *f, uint64_t lineno,
                    const char *line, size_t len, const ms_record *rec,
                    const ms_rule *rule, const ms_event *ev)
{
    explain_ctx *x = ctx;
    if (ev)
        count(x, ev);
    if (x->summary_only)
        return;
    ms_buf *b = &x->out;
    clean(b, f->name, strlen(f->name));
    ms_buf_addc(b, ':');
    ms_buf_addu(b, lineno);
    ms_buf_adds(b, ": ");
    if (!rule) {
        ms_buf_adds(b, "- ");
        clean(b, line, len < 160 ? len : 160);
        ms_buf_addc(b, '\n');
        return;
    }
    ms_buf_adds(b, rule->name);
    if (!ev) {
        ms_buf_adds(b, " (state only, no event)\n");
        return;
    }
    ms_buf_adds(b, ": ");
    ms_buf_adds(b, ms_outcome_name(ev->outcome));
    char ip[MS_IP_STRLEN];
    if (!ms_ip_is_unset(&ev->ip)) {
        ms_buf_adds(b, " ip=");
        ms_buf_add(b, ip, ms_ip_format(&ev->ip, ip));
    }
    field(b, "user", &ev->user);
    field(b, "method", &ev->method);
    ms_buf_adds(b, " service=");
    ms_buf_adds(b, ms_service_name(ev->service));
    field(b, "reason", &ev->reason);
    field(b, "session", &ev->session);
    if (ev->attempts > 1) {
        ms_buf_adds(b, " attempts=");
        ms_buf_addu(b, ev->attempts);
    }
    if (ev->outcome == MS_OUT_DUPLICATE) {
        ms_buf_adds(b, " dup_of=");
        ms_buf_addi(b, ev->dup_of);
    }
    if (rec->ts.kind == MS_TS_NONE)
        ms_buf_adds(b, " (no time stamp)");
    ms_buf_addc(b, '\n');
}

static void summary(explain_ctx *x, const ms_source_list *src,
                    const ms_file_scan *files)
{
    ms_buf *b = &x->out;
    uint64_t lines = 0, unstamped = 0, unmatched = 0;
    for (size_t i = 0; i < src->n; i++) {
        lines += files[i].lines;
        unstamped += files[i].unstamped_lines;
        for (size_t k = 0; k < files[i].nunmatched; k++)
            unmatched += files[i].unmatched[k].count;
    }
    ms_buf_adds(b, "\n== coverage ==\nfiles read: ");
    ms_buf_addu(b, src->n);
    ms_buf_addc(b, '\n');
    cli_skipped_text(b, src);
    ms_buf_adds(b, "lines read: ");
    ms_buf_addu(b, lines);
    ms_buf_adds(b, " (without a time stamp: ");
    ms_buf_addu(b, unstamped);
    ms_buf_adds(b, ")\nevents by source and outcome:\n");
    for (size_t s = 0; s < x->nsources; s++)
        for (int o = 1; o < MS_OUT__COUNT; o++)
            if (x->counts[s][o]) {
                ms_buf_adds(b, "  ");
                ms_buf_adds(b, x->sources[s]);
                ms_buf_addc(b, ' ');
                ms_buf_adds(b, ms_outcome_name(o));
                ms_buf_addc(b, ' ');
                ms_buf_addu(b, x->counts[s][o]);
                ms_buf_addc(b, '\n');
            }
    ms_buf_adds(b, "lines that look authentication-related but matched nothing: ");
    ms_buf_addu(b, unmatched);
    ms_buf_addc(b, '\n');
    for (size_t i = 0; i < src->n; i++) {
        for (size_t k = 0; k < files[i].nunmatched; k++) {
            const ms_unmatched *u = &files[i].unmatched[k];
            ms_buf_adds(b, "  program '");
            clean(b, u->prog, strlen(u->prog));
            ms_buf_adds(b, "' in ");
            clean(b, files[i].name, strlen(files[i].name));
            ms_buf_adds(b, ": ");
            ms_buf_addu(b, u->count);
            ms_buf_addc(b, '\n');
            for (unsigned e = 0; e < u->nexamples; e++) {
                ms_buf_adds(b, "    line ");
                ms_buf_addu(b, u->example_line[e]);
                ms_buf_adds(b, ": ");
                clean(b, u->examples[e], strlen(u->examples[e]));
                ms_buf_addc(b, '\n');
            }
        }
    }
}

static int explain_option(void *ctx, int opt, const char *arg)
{
    (void)arg;
    if (opt == 'f' || opt == 'j') {
        cli_error("explain prints text, reading on one thread: it takes no %s",
                  opt == 'f' ? "--format" : "--threads");
        return -1;
    }
    if (opt != OPT_SUMMARY)
        return 0;
    ((explain_ctx *)ctx)->summary_only = 1;
    return 1;
}

int cmd_explain(int argc, char **argv)
{
    cli_common c = {0};
    explain_ctx x = {0};
    static const struct option longopts[] = {
        CLI_COMMON_LONG, {"summary", no_argument, NULL, OPT_SUMMARY}, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, explain_option, &x, &c);
    if (rc >= 0)
        return rc;
    c.threads = 1;   /* lines are printed as they are read, in order */
    cli_run run;
    cli_run_init(&run, &c, argv + optind, argc - optind);
    run.s.scan.coverage = 1;
    run.s.scan.on_line = on_line;
    run.s.scan.ctx = &x;
    rc = cli_run_go(&run);
    if (rc == EXIT_OK) {
        summary(&x, &run.r.src, run.r.files);
        rc = cli_status(cli_write_output(c.output, &x.out), run.r.damaged);
    }
    ms_buf_free(&x.out);
    cli_run_free(&run);
    return rc;
}
