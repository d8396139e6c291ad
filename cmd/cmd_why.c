/* cmd_why.c — `mailsleuth why ADDRESS PATH...`: for one address, its
 * verdict and every rule that fired against it or spared it, each with
 * the log lines behind it. The analysis runs as for `analyze`; the rules
 * are taken again for that address alone (analyze/why.h); then the logs
 * are read a second time, line by line on one thread, to fetch the text
 * of the lines cited (an events file or standard input cannot be read
 * again: their lines are cited by file and number only). Everything from
 * the logs goes through ms_text_clean before it reaches the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_cli.h"
#include "analyze/why.h"
#include "commands.h"
#include "core/timeconv.h"
#include "output/text.h"

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

/* A cited line: the store's file index and line number, and its text
 * once read again. */
typedef struct cited {
    uint32_t file;
    uint64_t line;
    char *text;
    size_t len;
} cited;

typedef struct reread {
    const ms_store *s;
    cited *v;
    size_t n;
    const struct ms_file_scan *last;
    uint32_t last_file;
} reread;

static int cmp_cited(const void *x, const void *y)
{
    const cited *a = x, *b = y;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static void on_line(void *ctx, const ms_file_scan *f, uint64_t lineno,
                    const char *line, size_t len, const ms_record *rec,
                    const ms_rule *rule, const ms_event *ev)
{
    (void)rec;
    (void)rule;
    (void)ev;
    reread *r = ctx;
    if (f != r->last) {
        r->last = f;
        r->last_file = UINT32_MAX;
        for (size_t i = 0; i < r->s->nfiles; i++)
            if (!strcmp(r->s->files[i], f->name))
                r->last_file = (uint32_t)i;
    }
    cited key = {r->last_file, lineno, NULL, 0};
    cited *c = bsearch(&key, r->v, r->n, sizeof *r->v, cmp_cited);
    if (!c || c->text)
        return;
    c->len = len < LINE_MAX_SHOWN ? len : LINE_MAX_SHOWN;
    c->text = malloc(c->len + 1);
    if (c->text)
        memcpy(c->text, line, c->len);
}

/* Read the logs again for the text of the lines the rules cite. */
static void fetch_lines(const cli_analysis *x, const ms_why *w, char **paths,
                        int npaths, reread *r)
{
    const ms_store *s = &x->store;
    size_t n = 0;
    for (size_t i = 0; i < w->nrules; i++)
        n += w->rules[i].nevents;
    r->s = s;
    r->v = calloc(n ? n : 1, sizeof *r->v);
    if (!r->v)
        return;
    for (size_t i = 0; i < w->nrules; i++)
        for (size_t k = 0; k < w->rules[i].nevents; k++) {
            uint32_t e = w->rules[i].events[k];
            r->v[r->n++] = (cited){s->file[e], s->line[e], NULL, 0};
        }
    qsort(r->v, r->n, sizeof *r->v, cmp_cited);
    cli_common c = x->c;
    c.threads = 1;   /* on_line is not shared between threads */
    c.quiet = 1;     /* the analysis said it all */
    ms_recognizers *rec = cli_recognizers(&c);
    ms_scan_opts so = {.max_line = 1 << 20, .on_line = on_line, .ctx = r};
    ms_source_list src;
    ms_file_scan *files;
    int damaged;
    if (rec && n && cli_scan(&c, rec, paths, npaths, &so, &src, &files, &damaged) == 0)
        cli_scan_free(&src, files);
    ms_recognizers_free(rec);
}

static void clean(ms_buf *b, const char *s, size_t n)
{
    ms_text_clean(b, s, n);
}

static void cite(ms_buf *b, const ms_store *s, const reread *r, uint32_t e)
{
    cited key = {s->file[e], s->line[e], NULL, 0};
    const cited *c = r->v ? bsearch(&key, r->v, r->n, sizeof *r->v, cmp_cited) : NULL;
    const char *name = s->file[e] < s->nfiles ? s->files[s->file[e]] : "?";
    ms_buf_adds(b, "    ");
    clean(b, name, strlen(name));
    ms_buf_addc(b, ':');
    ms_buf_addu(b, s->line[e]);
    if (c && c->text) {
        ms_buf_adds(b, ": ");
        clean(b, c->text, c->len);
    } else {
        char t[40];
        ms_buf_adds(b, ": (line not read again) ");
        ms_buf_adds(b, ms_outcome_name(s->outcome[e]));
        ms_buf_adds(b, " at ");
        ms_buf_add(b, t, ms_time_format(s->time[e], t));
        ms_buf_adds(b, " user=");
        clean(b, s->users.str[s->user[e]], s->users.len[s->user[e]]);
    }
    ms_buf_addc(b, '\n');
}

static void print(ms_buf *b, const cli_analysis *x, const char *addr,
                  uint32_t ip, const ms_why *w, const reread *r)
{
    const ms_store *s = &x->store;
    const ms_ipinfo *in = &x->an.ip[ip];
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
            cite(b, s, r, k->events[j]);
        if (k->more) {
            ms_buf_adds(b, "    … and ");
            ms_buf_addu(b, k->more);
            ms_buf_adds(b, " more\n");
        }
    }
}

int cmd_why(int argc, char **argv)
{
    cli_analysis x = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage,
                       (cli_option_fn)cli_analysis_option, &x, &x.c);
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
    char **paths = argv + optind + 1;
    int npaths = argc - optind - 1;
    rc = cli_analysis_run(&x, paths, npaths);
    if (rc != EXIT_OK) {
        cli_analysis_free(&x);
        return rc;
    }
    char canon[MS_IP_STRLEN];
    canon[ms_ip_format(&want, canon)] = '\0';
    uint32_t ip = ms_intern_get(&x.store.ips, (const char *)want.b, sizeof want.b);
    ms_buf b = {0};
    ms_why w = {0};
    reread r = {0};
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    o.real_users = x.users ? &x.real_users : NULL;
    o.ignore = &x.ignore_list;
    if (ip == UINT32_MAX || !ms_store_ip_real(&x.store, ip)) {
        ms_buf_adds(&b, canon);
        ms_buf_adds(&b, ": not in these logs\n");
    } else if (ms_why_ip(&x.an, &o, ip, &w)) {
        cli_error("out of memory");
        rc = EXIT_FATAL;
    } else {
        fetch_lines(&x, &w, paths, npaths, &r);
        print(&b, &x, canon, ip, &w, &r);
    }
    if (rc == EXIT_OK)
        rc = cli_write_output(x.c.output, &b) ? EXIT_FATAL
             : x.damaged                     ? EXIT_PARTIAL
                                             : EXIT_OK;
    for (size_t i = 0; i < r.n; i++)
        free(r.v[i].text);
    free(r.v);
    ms_why_free(&w);
    ms_buf_free(&b);
    cli_analysis_free(&x);
    return rc;
}
