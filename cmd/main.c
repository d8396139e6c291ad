/* main.c — `mailsleuth COMMAND …`: find the subcommand and run it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ms_config.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"events", cmd_events, "print every authentication event (CSV, NDJSON or a Timesketch timeline)"},
    {"explain", cmd_explain, "show which recogniser took each line, and what none took"},
    {"analyze", cmd_analyze, "write every result file (events, ips, clusters, bans…) into a folder"},
    {"timeline", cmd_timeline, "print each ip's events in time order, with gaps"},
    {"clusters", cmd_clusters, "print the campaigns: ips walking one username list in one order"},
    {"bans", cmd_bans, "print the suggested ban list (csv, json, plain, nft, ipset, crowdsec, fail2ban)"},
    {"why", cmd_why, "show why one address got its verdict: each rule, with its log lines"},
    {"report", cmd_report, "write the incident report (Markdown and HTML, with charts) into a folder"},
    {"geo", cmd_geo, "print where attempts come from: by country and network (AS), offline"},
};

static void usage(FILE *to)
{
    fputs("usage: mailsleuth COMMAND [OPTIONS] [PATH...]\n\n"
          "Investigate attacks on a mail server from its logs.\n\n"
          "Commands:\n", to);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(to, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n`mailsleuth COMMAND --help` describes each command;\n"
          "`mailsleuth --version` prints the version.\n"
          "Exit status: 0 all inputs read; 1 some input damaged or unreadable\n"
          "(results written); 2 usage error; 3 fatal error.\n", to);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("mailsleuth %s\n", MS_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
