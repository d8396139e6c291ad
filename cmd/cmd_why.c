/* cmd_why.c — `mailsleuth why ADDRESS PATH...`: for one address, its
 * verdict and every rule that fired against it or spared it, each with
 * the log lines behind it. The analysis runs as for `analyze`; the rules
 * are taken again for that address alone (analyze/why.h); then the logs
 * are read a second time for the text of the lines cited (run/cited.h: an
 * events file or standard input cannot be read again, their lines are
 * cited by file and number only). Everything from
 * the logs goes through ms_text_clean before it reaches the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_cli.h"
#include "analyze/why.h"
#include "commands.h"
#include "core/timeconv.h"
#include "output/text.h"
#include "run/cited.h"

#define LINE_MAX_SHOWN 400   /* bytes of a cited line shown */

static const char usage[] =
    "usage: mailsleuth why ADDRESS [OPTIONS] PATH...\n"
    "\n"
    "Why ADDRESS got its verdict: every rule that fired against it (a\n"
    "campaign, a fast robot, a burst, many usernames, names that do not\n"
    "exist, relay attempts, failed logins) and every one that spared it\n"
    "(failures explained as honest use: fallbacks, typos, stale passwords,\n"
    "shared addresses; a history of logins; the --ignore list), each with\n"
    "the log lines behind it (file:line and the line), and the logins\n"
    "reported as compromised accounts. The input and its options are those\n"
    "of `analyze` (docs/ARCHITECTURE.md states each rule and its numbers).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n";

static void clean(ms_buf *b, const char *s, size_t n)
{
    ms_text_clean(b, s, n);
}

static void cite(ms_buf *b, const ms_store *s, const ms_cited_lines *lines,
                 const ms_event *e)
{
    const ms_cited *c = ms_cited_find(lines, e);
    const char *name = e->file < s->nfiles ? s->files[e->file] : "?";
    ms_buf_adds(b, "    ");
    clean(b, name, strlen(name));
    ms_buf_addc(b, ':');
    ms_buf_addu(b, e->line);
    if (c && c->text) {
        ms_buf_adds(b, ": ");
        clean(b, c->text, c->len);
    } else {
        char t[40];
        ms_buf_adds(b, ": (line not read again) ");
        ms_buf_adds(b, ms_outcome_name(e->outcome));
        ms_buf_adds(b, " at ");
        ms_buf_add(b, t, ms_time_format(e->time, t));
        ms_buf_adds(b, " user=");
        clean(b, e->user.p, e->user.n);
    }
    ms_buf_addc(b, '\n');
}

static void print(ms_buf *b, const ms_analysis *a, const char *addr,
                  uint32_t ip, const ms_why *w, const ms_cited_lines *lines)
{
    const ms_store *s = a->store;
    const ms_ipinfo *in = &a->ip[ip];
    char t0[40], t1[40];
    ms_buf_adds(b, addr);
    ms_buf_adds(b, ": ");
    ms_buf_adds(b, ms_verdict_name(in->verdict));
    ms_buf_adds(b, ", score ");
    ms_buf_addi(b, w->score);
    ms_buf_adds(b, " (");
    ms_buf_adds(b, in->confidence);
    ms_buf_adds(b, " confidence)\n  ");
    ms_buf_addu(b, in->failures);
    ms_buf_adds(b, " failed logins (");
    ms_buf_addu(b, in->honest_failures);
    ms_buf_adds(b, " explained as honest use), ");
    ms_buf_addu(b, in->successes);
    ms_buf_adds(b, " logins on ");
    ms_buf_addu(b, in->success_days);
    ms_buf_adds(b, in->success_days == 1 ? " day, " : " days, ");
    ms_buf_addu(b, in->distinct_users);
    ms_buf_adds(b, " usernames; seen ");
    ms_buf_add(b, t0, ms_time_format(in->first, t0));
    ms_buf_adds(b, " to ");
    ms_buf_add(b, t1, ms_time_format(in->last, t1));
    ms_buf_addc(b, '\n');
    if (!w->nrules)
        ms_buf_adds(b, "no rule fired and none was needed: nothing held against it\n");
    for (size_t i = 0; i < w->nrules; i++) {
        const ms_why_rule *k = &w->rules[i];
        ms_buf_adds(b, k->against ? "fired  " : "spared ");
        ms_buf_adds(b, ms_vrule_name(k->rule));
        ms_buf_adds(b, ": ");
        clean(b, k->text, strlen(k->text));
        ms_buf_addc(b, '\n');
        for (size_t j = 0; j < k->nevents; j++)
            cite(b, s, lines, &k->events[j]);
        if (k->more) {
            ms_buf_adds(b, "    … and ");
            ms_buf_addu(b, k->more);
            ms_buf_adds(b, " more\n");
        }
    }
}

static int why_option(void *ctx, int opt, const char *arg)
{
    if (opt == 'f') {
        cli_error("why prints text: it takes no --format");
        return -1;
    }
    return cli_analysis_option(ctx, opt, arg);
}

int cmd_why(int argc, char **argv)
{
    cli_analysis x = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, why_option, &x, &x.c);
    if (rc >= 0)
        return rc;
    const char *addr = argv[optind];
    ms_ip want;
    if (!ms_ip_parse(addr, strlen(addr), &want)) {
        cli_error("why takes an IP address first, not '%s'", addr);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (argc - optind < 2) {
        cli_error("why needs PATH... after the address");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    cli_run run;
    cli_analysis_init(&run, &x, argv + optind + 1, argc - optind - 1);
    rc = cli_run_go(&run);
    if (rc != EXIT_OK) {
        cli_run_free(&run);
        return rc;
    }
    const ms_store *s = &run.r.store;
    char canon[MS_IP_STRLEN];
    canon[ms_ip_format(&want, canon)] = '\0';
    uint32_t ip = ms_intern_get(&s->ips, (const char *)want.b, sizeof want.b);
    ms_buf b = {0};
    ms_why w = {0};
    ms_cited_lines lines = {0};
    if (ip == UINT32_MAX || !ms_store_ip_real(s, ip)) {
        ms_buf_adds(&b, canon);
        ms_buf_adds(&b, ms_filter_active(&run.r.filter)
                            ? ": not among the events the filters chose\n"
                            : ": not in these logs\n");
    } else if (ms_why_ip(&run.r.an, &run.r.opts, ip, &w)) {
        ms_error e;
        ms_store_fail(s, &e);
        cli_error("%s", e.msg);
        rc = EXIT_FATAL;
    } else {
        ms_error e = {0};
        if (ms_cited_read(&run.s, s, &w, LINE_MAX_SHOWN, &lines, &e)) {
            cli_error("%s", e.msg);
            rc = EXIT_FATAL;
        } else {
            print(&b, &run.r.an, canon, ip, &w, &lines);
        }
    }
    if (rc == EXIT_OK)
        rc = cli_status(cli_write_output(x.c.output, &b), run.r.damaged);
    ms_cited_free(&lines);
    ms_why_free(&w);
    ms_buf_free(&b);
    cli_run_free(&run);
    return rc;
}
