/* report_sections.c — the words of the report, section by section, most
 * important first: the headline (sentences to paste into a post), with a
 * hosts file (--hosts) a note on the fleet's hosts left out, the
 * compromised accounts, each campaign, the top attackers, honest failures,
 * the ban list, where the attacks came from, what was read, and the method.
 *
 * Everything is written through the document writer (report_int.h), once
 * for both formats. Names, addresses' origins, file names and analysis
 * sentences are untrusted and go through ms_doc_untrusted_name(_n),
 * ms_doc_untrusted_text or text cells; our own words go through ms_doc_ours
 * and ms_doc_ours_fmt and never contain Markdown markup. Long lists are cut at
 * a fixed length, naming the result file that holds them all. */
#include "report_int.h"

#include "analyze/fleet.h"
#include "enrich/geo.h"

#include <stdio.h>
#include <string.h>

#define CAMP_DETAILED 20     /* campaigns with a section of their own */
#define MEMBER_ROWS 200
#define ORDER_NAMES 12
#define TOP_ROWS 15
#define FILE_ROWS 60
#define HOSTS_NAMED 20       /* left-out hosts in the note at the top */
#define UNMATCHED_EXAMPLES 2

/* ---- small helpers ---------------------------------------------------- */

#define COLS(...) (const char *const[]){__VA_ARGS__, NULL}

/* "1 file" / "3 files", the number with separators. */
static void count(ms_doc *d, uint64_t n, const char *one, const char *many)
{
    ms_doc_num(d, n);
    ms_doc_ours(d, " ");
    ms_doc_ours(d, n == 1 ? one : many);
}

/* A figure in a list of figures: the number, or "none". */
static void num_or_none(ms_doc *d, uint64_t n)
{
    if (n)
        ms_doc_num(d, n);
    else
        ms_doc_ours(d, "none");
}

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void human_bytes(ms_doc *d, uint64_t b)
{
    if (b < 1000000)
        ms_doc_ours_fmt(d, "%.1f kB", (double)b / 1e3);
    else if (b < 1000000000)
        ms_doc_ours_fmt(d, "%.1f MB", (double)b / 1e6);
    else
        ms_doc_ours_fmt(d, "%.1f GB", (double)b / 1e9);
}

static void cut_note(ms_doc *d, size_t shown, size_t all, const char *file)
{
    if (shown >= all)
        return;
    ms_doc_note(d);
    ms_doc_ours_fmt(d, "The first %zu of %zu are shown; ", shown, all);
    ms_doc_code(d, file);
    ms_doc_ours(d, " lists them all.");
    ms_doc_pend(d);
}

/* ---- title and headline ----------------------------------------------- */

static const char *const months[] = {"January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December"};

static void day_of(ms_time t, int64_t *y, unsigned *m, unsigned *dd)
{
    int64_t secs = t / MS_NS_PER_S - (t % MS_NS_PER_S < 0);
    ms_civil_from_days(secs / 86400 - (secs % 86400 < 0), y, m, dd);
}

void ms_report_title(char *title, size_t n, const ms_rfacts *f)
{
    snprintf(title, n, "Mail server attacks");
    if (f->first == MS_TIME_NONE)
        return;
    int64_t y1, y2;
    unsigned m1, d1, m2, d2;
    day_of(f->first, &y1, &m1, &d1);
    day_of(f->last, &y2, &m2, &d2);
    char t[128];
    if (y1 == y2 && m1 == m2 && d1 == d2)
        snprintf(t, sizeof t, ", %u %s %lld", d1, months[m1 - 1], (long long)y1);
    else if (y1 == y2 && m1 == m2)
        snprintf(t, sizeof t, ", %u to %u %s %lld", d1, d2, months[m1 - 1],
                 (long long)y1);
    else if (y1 == y2)
        snprintf(t, sizeof t, ", %u %s to %u %s %lld", d1, months[m1 - 1], d2,
                 months[m2 - 1], (long long)y1);
    else
        snprintf(t, sizeof t, ", %u %s %lld to %u %s %lld", d1, months[m1 - 1],
                 (long long)y1, d2, months[m2 - 1], (long long)y2);
    snprintf(title, n, "Mail server attacks%s", t);
}

/* The named servers: host names, else folders (ms_store_server). */
static void server_list(ms_doc *d, const ms_rfacts *f, size_t max)
{
    size_t n = f->rc.nservers;
    for (size_t i = 0; i < n && i < max; i++) {
        if (i)
            ms_doc_ours(d, i + 1 == n ? " and " : ", ");
        ms_doc_untrusted_text(d, f->s->strs.str[f->rc.servers[i]]);
    }
    if (n > max)
        ms_doc_ours_fmt(d, " and %zu more", n - max);
}

/* ---- the fleet's hosts (--hosts) -------------------------------------- */

/* The hosts file given, or NULL. */
static const ms_fleet *fleet_of(const ms_rfacts *f)
{
    return f->in ? f->in->fleet : NULL;
}

/* A host whose events are not in the analysis: failed, or included but
 * its events file not read. */
static int left_out(const ms_fleet_host *h)
{
    return !h->included || h->unread;
}

/* The names of the hosts left out (out 1) or covered (out 0), up to max:
 * "a, b and c", "a, b and 3 more". */
static void host_names(ms_doc *d, const ms_fleet *fl, int out, size_t max)
{
    size_t n = 0, all = 0;
    for (size_t k = 0; k < fl->n; k++)
        all += left_out(&fl->v[k]) == out;
    for (size_t k = 0; k < fl->n && n < max; k++) {
        if (left_out(&fl->v[k]) != out)
            continue;
        if (n)
            ms_doc_ours(d, n + 1 == all ? " and " : ", ");
        ms_doc_untrusted_name(d, fl->v[k].name);
        n++;
    }
    if (all > n)
        ms_doc_ours_fmt(d, " and %zu more", all - n);
}

/* Why a host was left out. */
static void host_why(ms_doc *d, const ms_fleet_host *h)
{
    if (h->included) {
        ms_doc_ours(d, "listed as included, but its events file ");
        ms_doc_untrusted_name(d, h->events_file);
        ms_doc_ours(d, " was not among the files read");
    } else if (h->why[0]) {
        ms_doc_untrusted_text(d, h->why);
    } else {
        ms_doc_ours(d, "no reason given");
    }
}

/* At the top, when hosts of the fleet were left out: which, why, and what
 * that means for the reader. */
static void fleet_note(ms_doc *d, const ms_rfacts *f)
{
    const ms_fleet *fl = fleet_of(f);
    size_t covered = fl ? ms_fleet_covered(fl) : 0;
    if (!fl || covered == fl->n)
        return;
    size_t out = fl->n - covered;
    ms_doc_note(d);
    ms_doc_strong(d, out == 1 ? "A host was left out." : "Hosts were left out.");
    ms_doc_ours_fmt(d, " This analysis covers %zu of the %zu hosts listed in ",
                    covered, fl->n);
    ms_doc_untrusted_name(d, fl->path);
    ms_doc_ours(d, "; the logs of ");
    ms_doc_ours(d, out == 1 ? "the other were" : "the others were");
    ms_doc_ours(d, " not read: attacks seen only there are missing, a "
                   "campaign may be larger and an address's figures higher "
                   "than shown here, and an account compromised there is not "
                   "found. Left out:");
    ms_doc_pend(d);
    ms_doc_ul(d);
    size_t n = 0;
    for (size_t k = 0; k < fl->n && n < HOSTS_NAMED; k++) {
        const ms_fleet_host *h = &fl->v[k];
        if (!left_out(h))
            continue;
        ms_doc_li(d);
        ms_doc_untrusted_name(d, h->name);
        ms_doc_ours(d, ": ");
        host_why(d, h);
        ms_doc_liend(d);
        n++;
    }
    ms_doc_ulend(d);
    if (n < out) {
        ms_doc_note(d);
        ms_doc_ours_fmt(d, "The first %zu of %zu are listed; ", n, out);
        ms_doc_link(d, "Input coverage");
        ms_doc_ours(d, " lists more.");
        ms_doc_pend(d);
    }
}

static void headline(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    uint64_t fails = f->by_outcome[MS_OUT_AUTH_FAIL];
    ms_doc_lead(d);
    if (!f->events) {
        ms_doc_ours(d, "No authentication event was found");
        if (f->nfiles) {
            ms_doc_ours(d, " in the ");
            count(d, f->lines, "line", "lines");
            ms_doc_ours(d, " of ");
            count(d, f->nfiles, "file", "files");
            ms_doc_ours(d, " read");
        }
        ms_doc_ours(d, ": nothing to report.");
        ms_doc_pend(d);
        return;
    }
    /* 1: what was read. */
    if (f->first != MS_TIME_NONE) {
        ms_doc_ours(d, "From ");
        ms_doc_day(d, f->first);
        ms_doc_ours(d, " to ");
        ms_doc_day(d, f->last);
        ms_doc_ours(d, " (UTC), ");
    } else {
        ms_doc_ours(d, "In logs without usable time stamps, ");
    }
    if (f->rc.nservers) {
        count(d, f->rc.nservers, "mail server", "mail servers");
        ms_doc_ours(d, " (");
        server_list(d, f, 3);
        ms_doc_ours(d, ") logged ");
    } else {
        ms_doc_ours(d, "the logs held ");
    }
    count(d, f->events, "authentication event", "authentication events");
    ms_doc_ours(d, ", ");
    ms_doc_num(d, fails);
    ms_doc_ours(d, fails == 1 ? " of them a failed login"
                              : " of them failed logins");
    if (f->nlogs) {
        ms_doc_ours(d, " (");
        count(d, f->lines, "line", "lines");
        ms_doc_ours(d, " read from ");
        count(d, f->nlogs, "log file", "log files");
        if (f->nevfiles) {
            ms_doc_ours(d, " and ");
            count(d, f->nevfiles, "events file", "events files");
        }
        ms_doc_ours(d, ")");
    } else if (f->nevfiles) {
        ms_doc_ours(d, " (read from ");
        count(d, f->nevfiles, "events file", "events files");
        ms_doc_ours(d, ")");
    }
    ms_doc_ours(d, ". ");
    const ms_fleet *fl = fleet_of(f);
    size_t covered = fl ? ms_fleet_covered(fl) : 0;
    if (fl && covered < fl->n) {
        ms_doc_ours(d, "The logs of ");
        count(d, fl->n - covered, "other host", "other hosts");
        ms_doc_ours(d, " (");
        host_names(d, fl, 1, 3);
        ms_doc_ours(d, ") were not read. ");
    }
    /* 2: who attacked. */
    if (!f->nban && !a->nclusters) {
        ms_doc_ours(d, "No address did enough to be banned");
        if (f->nwatch) {
            ms_doc_ours(d, "; ");
            count(d, f->nwatch, "is", "are");
            ms_doc_ours(d, " worth watching");
        }
        ms_doc_ours(d, ". ");
    } else {
        count(d, f->nban, "IP address was", "IP addresses were");
        ms_doc_ours(d, " attacking");
        if (f->nwatch) {
            ms_doc_ours(d, " and ");
            ms_doc_num(d, f->nwatch);
            ms_doc_ours(d, f->nwatch == 1 ? " more is" : " more are");
            ms_doc_ours(d, " worth watching");
        }
        if (a->nclusters) {
            ms_doc_ours(d, ": ");
            ms_doc_num(d, f->ncamp_ips);
            if (a->nclusters == 1) {
                ms_doc_ours(d, " in one coordinated campaign taking turns "
                               "through one username list");
            } else {
                ms_doc_ours(d, " in ");
                count(d, a->nclusters, "coordinated campaign",
                      "coordinated campaigns");
                ms_doc_ours(d, " (");
                for (size_t k = 0; k < a->nclusters && k < 3; k++) {
                    if (k)
                        ms_doc_ours(d, k + 1 == a->nclusters ? " and " : ", ");
                    ms_doc_num(d, a->clusters[k].nmembers);
                }
                if (a->nclusters > 3)
                    ms_doc_ours(d, ", \xE2\x80\xA6");
                ms_doc_ours(d, " addresses), each taking turns through one "
                               "username list");
            }
            ms_doc_ours(d, ", each address too slow for a per-address limit "
                           "such as fail2ban to notice");
            if (f->nfast) {
                ms_doc_ours(d, ", and ");
                count(d, f->nfast, "fast robot or brute forcer",
                      "fast robots or brute forcers");
            }
        } else {
            ms_doc_ours(d, "; no coordinated campaign was found");
            if (f->nfast) {
                ms_doc_ours(d, ", and ");
                count(d, f->nfast, "was a fast robot or brute forcer",
                      "were fast robots or brute forcers");
            }
        }
        ms_doc_ours(d, ". ");
    }
    /* 3: what to do, and what was forgiven. */
    ms_doc_ours(d, "The suggested ban list has ");
    count(d, a->nbans, "entry", "entries");
    if (f->honest) {
        ms_doc_ours(d, "; ");
        count(d, f->honest, "failed login", "failed logins");
        ms_doc_ours_fmt(d, " (%.1f%%) ", pct(f->honest, fails));
        ms_doc_ours(d, f->honest == 1
                           ? "was an honest mistake or a client fallback and "
                             "was not held against anyone"
                           : "were honest mistakes or client fallbacks and "
                             "were not held against anyone");
    }
    ms_doc_ours(d, ". ");
    /* Where from, when known. */
    if (f->ncountries) {
        ms_doc_ours(d, "Most failed logins came from ");
        for (size_t i = 0; i < f->ncountries && i < 3; i++) {
            if (i)
                ms_doc_ours(d,
                            i + 1 == f->ncountries || i == 2 ? " and " : ", ");
            ms_doc_untrusted_text(d, f->countries[i].key);
        }
        ms_doc_ours(d, f->nasns ? "; " : ". ");
    }
    if (f->nasns) {
        ms_doc_ours(d, f->ncountries ? "the busiest networks were "
                                     : "The busiest networks were ");
        for (size_t i = 0; i < f->nasns && i < 3; i++) {
            if (i)
                ms_doc_ours(d, i + 1 == f->nasns || i == 2 ? " and " : ", ");
            ms_doc_untrusted_text(d, f->asns[i].key);
            if (f->asns[i].label[0]) {
                ms_doc_ours(d, " (");
                ms_doc_untrusted_text(d, f->asns[i].label);
                ms_doc_ours(d, ")");
            }
        }
        ms_doc_ours(d, ". ");
    }
    /* 4: compromised accounts. */
    if (!a->ncompromised) {
        ms_doc_ours(d, "No account looks compromised.");
    } else if (a->ncompromised == 1) {
        const ms_compromise *c = &a->compromised[0];
        ms_doc_ours(d, "One account looks compromised: ");
        ms_doc_user(d, f->s, c->user);
        ms_doc_ours(d, " logged in from ");
        ms_doc_ip(d, f->s, c->ip);
        ms_doc_ours(d, " on ");
        ms_doc_day(d, c->time);
        ms_doc_ours(d, " (");
        ms_doc_untrusted_text(d, c->evidence);
        ms_doc_ours(d, ").");
    } else {
        count(d, a->ncompromised, "account looks", "accounts look");
        ms_doc_ours(d, " compromised: ");
        for (size_t i = 0; i < a->ncompromised && i < 3; i++) {
            if (i)
                ms_doc_ours(d, i + 1 == a->ncompromised ? " and " : ", ");
            ms_doc_user(d, f->s, a->compromised[i].user);
        }
        if (a->ncompromised > 3)
            ms_doc_ours_fmt(d, " and %zu more", a->ncompromised - 3);
        ms_doc_ours(d, " (see below).");
    }
    ms_doc_pend(d);
}

static void contents(ms_doc *d, const ms_rfacts *f)
{
    static const char *const sections[] = {"Summary", "Servers",
        "Compromised accounts", "Campaigns", "Top attackers",
        "Honest failures", "Ban list", "Where the attacks came from",
        "Input coverage", "Method"};
    if (d->html)
        ms_buf_adds(d->b, "<nav aria-label=\"Contents\">\n");
    ms_doc_ul(d);
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        if (!strcmp(sections[i], "Servers") && f->nservers < 2)
            continue;
        ms_doc_li(d);
        ms_doc_link(d, sections[i]);
        ms_doc_liend(d);
    }
    ms_doc_ulend(d);
    if (d->html)
        ms_buf_adds(d->b, "</nav>\n");
}

static void charts_note(ms_doc *d, const ms_rfacts *f)
{
    if (!f->nscripts || f->ndrawn == f->nscripts)
        return;
    ms_doc_note(d);
    if (f->gnuplot_state == 1) {
        ms_doc_ours_fmt(
            d,
            "%zu of %zu charts could not be drawn by gnuplot (see the "
            "notes where they belong); their scripts and data were left "
            "in the report's folder.",
            f->nfailed, f->nscripts);
    } else {
        ms_doc_ours(d,
                    f->gnuplot_state == -2
                        ? "Charts were not drawn (turned off). "
                        : "Charts were not drawn: gnuplot is not installed (it "
                          "was not found in PATH). ");
        ms_doc_ours(d,
                    "The report is complete but for the pictures. Each chart's "
                    "script and data are in the report's folder (");
        ms_doc_code(d, "chart-*.gp");
        ms_doc_ours(d, ", ");
        ms_doc_code(d, "chart-*.dat");
        ms_doc_ours(d, "); after installing gnuplot, run ");
        ms_doc_code(d, "for f in chart-*.gp; do gnuplot \"$f\"; done");
        ms_doc_ours(d, " there to draw them as PNG files, which this report's "
                       "Markdown version shows, or run the analysis again.");
    }
    ms_doc_pend(d);
}

/* The summary's line on the fleet's hosts, when a hosts file was given. */
static void hosts_summary(ms_doc *d, const ms_rfacts *f)
{
    const ms_fleet *fl = fleet_of(f);
    if (!fl)
        return;
    size_t covered = ms_fleet_covered(fl);
    ms_doc_li(d);
    ms_doc_strong(d, "Hosts:");
    ms_doc_ours(d, " ");
    if (covered == 1 && fl->n == 1)
        ms_doc_ours(d, "the one host of ");
    else if (covered == fl->n)
        ms_doc_ours_fmt(d, "all %zu hosts of ", fl->n);
    else
        ms_doc_ours_fmt(d, "%zu of the %zu in ", covered, fl->n);
    ms_doc_untrusted_name(d, fl->path);
    ms_doc_ours(d, " included");
    if (covered) {
        ms_doc_ours(d, " (");
        host_names(d, fl, 0, 10);
        ms_doc_ours(d, ")");
    }
    if (covered < fl->n) {
        ms_doc_ours(d, "; left out, their logs not read: ");
        host_names(d, fl, 1, 10);
    }
    ms_doc_liend(d);
}

static void summary(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    ms_doc_h(d, 2, "Summary");
    ms_doc_ul(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Period:");
    ms_doc_ours(d, " ");
    if (f->first != MS_TIME_NONE) {
        ms_doc_time(d, f->first);
        ms_doc_ours(d, " to ");
        ms_doc_time(d, f->last);
        ms_doc_ours(d, " UTC (");
        ms_doc_dur(d, (double)(f->last - f->first) / 1e9);
        ms_doc_ours(d, ")");
    } else {
        ms_doc_ours(d, "unknown (no time stamps)");
    }
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Servers:");
    ms_doc_ours(d, " ");
    if (f->rc.nservers) {
        ms_doc_num(d, f->rc.nservers);
        ms_doc_ours(d, " (");
        server_list(d, f, 10);
        ms_doc_ours(d, ")");
        if (f->nservers > f->rc.nservers)
            ms_doc_ours(d, ", and events of no named server");
    } else {
        ms_doc_ours(d, "not named (no host names in the lines, no folders)");
    }
    ms_doc_liend(d);
    hosts_summary(d, f);
    ms_doc_li(d);
    ms_doc_strong(d, "Read:");
    ms_doc_ours(d, " ");
    count(d, f->nfiles, "file", "files");
    if (f->nevfiles) {
        ms_doc_ours(d, " (");
        count(d, f->nevfiles, "of them an events file",
              "of them events files");
        ms_doc_ours(d, ")");
    }
    ms_doc_ours(d, ", ");
    count(d, f->lines, "line", "lines");
    ms_doc_ours(d, ", ");
    human_bytes(d, f->bytes);
    if (f->ndamaged) {
        ms_doc_ours(d, "; ");
        count(d, f->ndamaged, "file was", "files were");
        ms_doc_ours(d, " damaged or unreadable");
    }
    if (f->in && f->in->nskipped) {
        ms_doc_ours(d, "; ");
        count(d, f->in->nskipped, "file found was", "files found were");
        ms_doc_ours(d, " not logs");
    }
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Events:");
    ms_doc_ours(d, " ");
    ms_doc_num(d, f->events);
    ms_doc_ours(d, ": ");
    count(d, f->by_outcome[MS_OUT_AUTH_FAIL], "failed login", "failed logins");
    ms_doc_ours(d, ", ");
    count(d, f->by_outcome[MS_OUT_AUTH_OK], "successful login",
          "successful logins");
    if (f->by_outcome[MS_OUT_RELAY_DENIED]) {
        ms_doc_ours(d, ", ");
        count(d, f->by_outcome[MS_OUT_RELAY_DENIED], "relay refused",
              "relays refused");
    }
    if (f->by_outcome[MS_OUT_CONNECT]) {
        ms_doc_ours(d, ", ");
        count(d, f->by_outcome[MS_OUT_CONNECT], "bare connection",
              "bare connections");
    }
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Addresses:");
    ms_doc_ours(d, " ");
    ms_doc_num(d, f->nips);
    ms_doc_ours(d, " seen; ");
    num_or_none(d, f->nban);
    ms_doc_ours(d, " to ban, ");
    num_or_none(d, f->nwatch);
    ms_doc_ours(d, " to watch, ");
    num_or_none(d, f->nips - f->nban - f->nwatch);
    ms_doc_ours(d, " benign");
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Campaigns:");
    ms_doc_ours(d, " ");
    num_or_none(d, a->nclusters);
    if (a->nclusters) {
        ms_doc_ours(d, " (");
        count(d, f->ncamp_ips, "address", "addresses");
        ms_doc_ours(d, ")");
    }
    ms_doc_ours(d, "; fast robots and brute forcers: ");
    num_or_none(d, f->nfast);
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Ban list:");
    ms_doc_ours(d, " ");
    count(d, a->nbans, "entry", "entries");
    ms_doc_ours(d, "; compromised accounts: ");
    num_or_none(d, a->ncompromised);
    ms_doc_liend(d);
    ms_doc_ulend(d);
    ms_doc_chart(d, &f->charts[MS_CH_ACTIVITY]);
}

/* ---- servers ---------------------------------------------------------- */

/* Each server's share, when the logs are of more than one: a server is the
 * host name a line carries, else the folder its file was found in. */
static void servers(ms_doc *d, const ms_rfacts *f)
{
    if (f->nservers < 2)
        return;
    ms_doc_h(d, 2, "Servers");
    ms_doc_p(d);
    ms_doc_ours(d,
                "A server is the host name a log line carries, else the folder "
                "its file was found in. An address may have tried several "
                "servers; ");
    ms_doc_code(d, "ips.csv");
    ms_doc_ours(d, " names them (");
    ms_doc_code(d, "servers");
    ms_doc_ours(d, "), and ");
    ms_doc_code(d, "events.csv");
    ms_doc_ours(d, " each event's (");
    ms_doc_code(d, "server");
    ms_doc_ours(d, ").");
    ms_doc_pend(d);
    ms_doc_table(d, COLS("server", "events", "failed logins",
                         "successful logins", "IPs", "banned IPs",
                         "first event", "last event"), "prrrrrll");
    for (size_t r = 0; r < f->nservers; r++) {
        const ms_rserver *v = &f->servers[r];
        ms_rv row[8] = {
            v->id ? v_sstr(f->s, v->id) : v_str("(no host name, no folder)"),
            v_int((int64_t)v->events), v_int((int64_t)v->fails),
            v_int((int64_t)v->oks), v_int(v->ips), v_int(v->banned),
            v_time(v->first), v_time(v->last)};
        ms_doc_row(d, row);
    }
    ms_doc_tend(d);
}

/* ---- compromised accounts --------------------------------------------- */

static void compromised(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    const ms_store *s = f->s;
    ms_doc_h(d, 2, "Compromised accounts");
    if (!a->ncompromised) {
        ms_doc_p(d);
        ms_doc_ours(d, "None found: no login succeeded from an address after "
                       "strong evidence against it (a campaign, a brute force "
                       "run, or failures on many usernames).");
        ms_doc_pend(d);
        return;
    }
    ms_doc_p(d);
    ms_doc_ours(d,
                "A login succeeded from an address after strong evidence "
                "against it. Change these passwords, look at what the "
                "accounts did after the time shown, and check the address in ");
    ms_doc_code(d, "timeline.csv");
    ms_doc_ours(d, ".");
    ms_doc_pend(d);
    ms_doc_table(d, COLS("account", "from", "time (UTC)", "service", "log line",
                         "evidence"), "plllpw");
    for (size_t i = 0; i < a->ncompromised; i++) {
        const ms_compromise *c = &a->compromised[i];
        char where[64];
        const char *file = c->event.file < s->nfiles ? s->files[c->event.file] : "";
        snprintf(where, sizeof where, ":%llu", (unsigned long long)c->event.line);
        ms_buf loc = {0};
        ms_buf_adds(&loc, file);
        ms_buf_adds(&loc, where);
        ms_rv v[6] = {v_user(s, c->user), v_ip(s, c->ip), v_time(c->time),
                      v_str(ms_service_name(c->event.service)),
                      {.k = MS_RV_STR, .s = loc.p ? loc.p : "", .n = loc.n},
                      v_str(c->evidence)};
        ms_doc_row(d, v);
        d->b->failed |= loc.failed;   /* no row without its place */
        ms_buf_free(&loc);
    }
    ms_doc_tend(d);
}

/* ---- campaigns -------------------------------------------------------- */

static void origins(ms_doc *d, const ms_rcount *v, size_t n, int asn)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ms_doc_ours(d, ", ");
        ms_doc_untrusted_text(d, v[i].key);
        if (asn && v[i].label[0]) {
            ms_doc_ours(d, " ");
            ms_doc_untrusted_text(d, v[i].label);
        }
        ms_doc_ours(d, " (");
        count(d, v[i].ips, "IP", "IPs");
        ms_doc_ours(d, ")");
    }
}

static void walk_order(ms_doc *d, const ms_store *s, const ms_cluster *c,
                       size_t max)
{
    for (size_t j = 0; j < c->norder && j < max; j++) {
        if (j)
            ms_doc_ours(d, " \xE2\x86\x92 ");
        ms_doc_user(d, s, c->order[j]);
    }
    if (c->norder > max)
        ms_doc_ours_fmt(d, " \xE2\x80\xA6 (%zu more)", c->norder - max);
}

static void services(ms_doc *d, uint32_t mask)
{
    int any = 0;
    for (int sv = 0; sv < MS_SVC__COUNT; sv++)
        if (mask & (1u << sv)) {
            if (any++)
                ms_doc_ours(d, ", ");
            ms_doc_ours(d, ms_service_name((ms_service)sv));
        }
    if (!any)
        ms_doc_ours(d, "unknown");
}

static void campaign(ms_doc *d, const ms_rfacts *f, size_t k)
{
    const ms_cluster *c = &f->a->clusters[k];
    const ms_rcamp *r = &f->camps[k];
    const ms_store *s = f->s;
    char h[64];
    snprintf(h, sizeof h, "Campaign %u", c->id);
    ms_doc_h(d, 3, h);
    ms_doc_p(d);
    ms_doc_untrusted_text(d, c->evidence);
    ms_doc_ours(d, ".");
    ms_doc_pend(d);
    ms_doc_ul(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Members:");
    ms_doc_ours(d, " ");
    count(d, c->nmembers, "IP address", "IP addresses");
    ms_doc_ours(d, " (");
    if (r->banned == c->nmembers)
        ms_doc_ours(d, c->nmembers == 1 ? "it" : "all");
    else
        num_or_none(d, r->banned);
    ms_doc_ours(d, " on the ban list)");
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Active:");
    ms_doc_ours(d, " ");
    ms_doc_time(d, c->first);
    ms_doc_ours(d, " to ");
    ms_doc_time(d, c->last);
    if (c->first != MS_TIME_NONE) {
        ms_doc_ours(d, " (");
        ms_doc_dur(d, (double)(c->last - c->first) / 1e9);
        ms_doc_ours(d, ")");
    }
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Tries:");
    ms_doc_ours(d, " ");
    ms_doc_num(d, c->attempts);
    if (c->nmembers) {
        /* 18 per address, 2.5 per address */
        double per = (double)c->attempts / (double)c->nmembers;
        int whole = (uint64_t)(per * 10 + 0.5) % 10 == 0;
        ms_doc_ours_fmt(d, ", %.*f per address", whole ? 0 : 1, per);
    }
    ms_doc_ours(d, "; services: ");
    services(d, c->services);
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Pace:");
    ms_doc_ours(d, " each address waited a median ");
    ms_doc_dur(d, c->median_ip_gap_s);
    ms_doc_ours(d, " between its own tries, while consecutive tries came from "
                   "different addresses a median ");
    ms_doc_dur(d, c->median_handoff_s);
    ms_doc_ours(d, " apart");
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Username order:");
    ms_doc_ours(d, " ");
    if (c->norder) {
        walk_order(d, s, c, ORDER_NAMES);
        if (c->domain_then_bare)
            ms_doc_ours(d, " (each name tried with the domain, then without)");
    } else {
        ms_doc_ours(d, "none inferred");
    }
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Countries:");
    ms_doc_ours(d, " ");
    if (r->ncountries)
        origins(d, r->countries, r->ncountries, 0);
    else
        ms_doc_ours(d, "unknown (no geo data for these addresses)");
    ms_doc_liend(d);
    ms_doc_li(d);
    ms_doc_strong(d, "Networks:");
    ms_doc_ours(d, " ");
    if (r->nasns)
        origins(d, r->asns, r->nasns, 1);
    else
        ms_doc_ours(d, "unknown (no ASN data for these addresses)");
    ms_doc_liend(d);
    ms_doc_ulend(d);
    if (k < MS_REPORT_CAMP_CHARTS)
        ms_doc_chart(d, &f->charts[MS_CH_CAMPAIGN + k]);
    if (k == 0 && f->charts[MS_CH_RASTER].state != MS_CHART_NONE) {
        ms_doc_p(d);
        ms_doc_ours(
            d, "Below, each row is one member address and each dot one of "
               "its tries. Few dots per row, spread over the whole period, "
               "is what a per-address limit cannot see; the campaign "
               "shows up only when the rows are put together.");
        if (c->nmembers > 300)
            ms_doc_ours_fmt(d,
                            " (300 of the %zu members are drawn, evenly spread "
                            "by first try.)",
                            c->nmembers);
        ms_doc_pend(d);
        ms_doc_chart(d, &f->charts[MS_CH_RASTER]);
    }
    char sum[64];
    snprintf(sum, sizeof sum, "Members of campaign %u (%zu)", c->id, c->nmembers);
    ms_doc_details(d, sum);
    /* Country and ASN columns only when there are any. */
    const char *cols[] = {"IP", "failed logins", "first try", "last try",
                          "verdict", "country", "ASN", NULL};
    if (!f->has_geo)
        cols[5] = NULL;
    ms_doc_table(d, cols, "lrlllll");
    size_t n = c->nmembers < MEMBER_ROWS ? c->nmembers : MEMBER_ROWS;
    for (size_t m = 0; m < n; m++) {
        uint32_t id = r->members[m];
        const ms_ipinfo *in = &f->a->ip[id];
        ms_rv v[7] = {v_ip(s, id), v_int(in->failures), v_time(in->first),
                      v_time(in->last), v_str(ms_verdict_name(in->verdict)),
                      v_str(in->country), v_str(in->asn)};
        ms_doc_row(d, v);
    }
    ms_doc_tend(d);
    cut_note(d, n, c->nmembers, "cluster_members.csv");
    ms_doc_details_end(d);
}

static void campaigns(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    ms_doc_h(d, 2, "Campaigns");
    ms_doc_p(d);
    if (!a->nclusters) {
        ms_doc_ours(d, "No coordinated campaign was found: no group of five or "
                       "more addresses took turns through one username list in "
                       "one order.");
        ms_doc_pend(d);
        return;
    }
    ms_doc_ours(
        d, "A campaign is a group of addresses that take turns through one "
           "list of usernames in one order: each address tries rarely, so "
           "no per-address limit sees it, but the order gives the group "
           "away. ");
    count(d, a->nclusters, "campaign was", "campaigns were");
    ms_doc_ours(d, " found, largest first.");
    ms_doc_pend(d);
    for (size_t k = 0; k < a->nclusters && k < CAMP_DETAILED; k++)
        campaign(d, f, k);
    if (a->nclusters <= CAMP_DETAILED)
        return;
    ms_doc_h(d, 3, "Smaller campaigns");
    ms_doc_table(d, COLS("campaign", "IPs", "tries", "first try", "last try",
                         "first names"), "rrrllw");
    ms_buf names = {0};
    for (size_t k = CAMP_DETAILED; k < a->nclusters; k++) {
        const ms_cluster *c = &a->clusters[k];
        names.n = 0;
        for (size_t j = 0; j < c->norder && j < 4; j++) {
            if (j)
                ms_buf_adds(&names, " > ");
            ms_buf_add(&names, f->s->users.str[c->order[j]],
                       f->s->users.len[c->order[j]]);
        }
        ms_rv v[6] = {v_int(c->id), v_int((int64_t)c->nmembers),
                      v_int((int64_t)c->attempts), v_time(c->first),
                      v_time(c->last),
                      {.k = MS_RV_STR, .s = names.p ? names.p : "", .n = names.n}};
        ms_doc_row(d, v);
        d->b->failed |= names.failed;
    }
    ms_buf_free(&names);
    ms_doc_tend(d);
}

/* ---- top attackers ---------------------------------------------------- */

static void attackers(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    const ms_store *s = f->s;
    ms_doc_h(d, 2, "Top attackers");
    ms_doc_h(d, 3, "Fast robots and brute force");
    ms_doc_p(d);
    if (!f->nfast) {
        ms_doc_ours(d,
                    "None: no address failed 30 or more times in an hour (or "
                    "opened hundreds of connections).");
        ms_doc_pend(d);
    } else {
        count(d, f->nfast, "address", "addresses");
        ms_doc_ours(
            d, " hammered the server: 30 or more failures in an hour (brute "
               "force), or hundreds of connections (a robot scanning, as "
               "tcpserver logs it). A per-address limit such as fail2ban "
               "catches these.");
        ms_doc_pend(d);
        const char *cols[] = {"IP", "kind", "failed logins", "connections",
                              "usernames", "busiest hour", "first seen",
                              "last seen", "country", "ASN", NULL};
        if (!f->has_geo)
            cols[8] = NULL;
        ms_doc_table(d, cols, "llrrrrllll");
        size_t n = f->nfast < TOP_ROWS ? f->nfast : TOP_ROWS;
        for (size_t i = 0; i < n; i++) {
            uint32_t id = f->fast[i];
            const ms_ipinfo *in = &a->ip[id];
            ms_rv v[10] = {v_ip(s, id),
                           v_str(in->connects > in->failures ? "robot"
                                                             : "brute force"),
                           v_int(in->failures), v_int(in->connects),
                           v_int(in->distinct_users), v_int(in->peak_hour),
                           v_time(in->first), v_time(in->last),
                           v_str(in->country), v_str(in->asn)};
            ms_doc_row(d, v);
        }
        ms_doc_tend(d);
        cut_note(d, n, f->nfast, "ips.csv");
    }
    ms_doc_h(d, 3, "Other addresses to ban");
    ms_doc_p(d);
    if (!f->nothers) {
        ms_doc_ours(d,
                    "None: every address on the ban list is in a campaign or "
                    "above.");
        ms_doc_pend(d);
    } else {
        count(d, f->nothers, "more address", "more addresses");
        ms_doc_ours(d, " earned a ban on other evidence (failures on many "
                       "usernames, names that do not exist, relay attempts), "
                       "highest score first.");
        ms_doc_pend(d);
        ms_doc_table(d, COLS("IP", "score", "failed logins", "usernames",
                             "first seen", "last seen", "reasons"),
                     "lrrrllw");
        size_t n = f->nothers < TOP_ROWS ? f->nothers : TOP_ROWS;
        for (size_t i = 0; i < n; i++) {
            uint32_t id = f->others[i];
            const ms_ipinfo *in = &a->ip[id];
            ms_rv v[7] = {v_ip(s, id), v_int(in->score), v_int(in->failures),
                          v_int(in->distinct_users), v_time(in->first),
                          v_time(in->last), v_str(in->reasons)};
            ms_doc_row(d, v);
        }
        ms_doc_tend(d);
        cut_note(d, n, f->nothers, "ips.csv");
    }
    ms_doc_h(d, 3, "Most tried usernames");
    ms_doc_p(d);
    if (!f->nusers) {
        ms_doc_ours(d, "No failed login named a user (honest failures aside).");
        ms_doc_pend(d);
    } else {
        ms_doc_ours(d, "Failed logins held against their address, by the name "
                       "tried. Names are shown exactly as logged (control "
                       "characters and invalid bytes as ");
        ms_doc_code(d, "\\xNN");
        ms_doc_ours(d, ").");
        ms_doc_pend(d);
        ms_doc_table(d, COLS("username", "failed logins", "IPs"), "prr");
        for (size_t i = 0; i < f->nusers; i++) {
            ms_rv v[3] = {v_user(s, f->users[i].id), v_int((int64_t)f->users[i].n),
                          v_int((int64_t)f->users[i].ips)};
            ms_doc_row(d, v);
        }
        ms_doc_tend(d);
    }
    ms_doc_h(d, 3, "Time of day");
    ms_doc_p(d);
    ms_doc_ours(d,
                "Failed logins by hour of the day (UTC). Robots keep no office "
                "hours; honest failures follow the users' day.");
    ms_doc_pend(d);
    ms_doc_chart(d, &f->charts[MS_CH_HOURS]);
}

/* ---- honest failures -------------------------------------------------- */

static void honest(ms_doc *d, const ms_rfacts *f)
{
    static const char *const what[MS_HONEST__COUNT] = {
        [MS_HONEST_FALLBACK] = " from method fallbacks: a client failed "
            "with one authentication method and the same user logged in from "
            "the same address within a minute (such as a POP3 client trying "
            "APOP or CRAM-MD5 before PLAIN)",
        [MS_HONEST_TYPO] = " from typing mistakes: a near miss (case, a "
            "dropped domain or dot, a letter or two off) of a name that logs "
            "in from the same address, or of a real account the address only "
            "ever tried",
        [MS_HONEST_STALE] = " from stale passwords: a user who logs in from "
            "that address failing a few times, as a phone with an old "
            "password does",
        [MS_HONEST_SHARED] = " behind shared addresses: a real user failing "
            "behind an address many users log in from (carrier or office NAT)",
    };
    const ms_analysis *a = f->a;
    uint64_t fails = f->by_outcome[MS_OUT_AUTH_FAIL];
    ms_doc_h(d, 2, "Honest failures");
    ms_doc_p(d);
    if (!f->honest) {
        ms_doc_ours(d, "No failed login was explained as honest use");
        if (fails)
            ms_doc_ours(
                d, ": every failure counted as evidence against its address");
        ms_doc_ours(d, ".");
        ms_doc_pend(d);
        return;
    }
    ms_doc_ours(d, "Of ");
    count(d, fails, "failed login", "failed logins");
    ms_doc_ours(d, ", ");
    ms_doc_num(d, f->honest);
    ms_doc_ours_fmt(d, " (%.1f%%) ", pct(f->honest, fails));
    ms_doc_ours(d, f->honest == 1 ? "was explained by honest use and was not "
                                    "held against anyone:"
                                  : "were explained by honest use and were "
                                    "not held against anyone:");
    ms_doc_pend(d);
    ms_doc_ul(d);
    for (int h = 1; h < MS_HONEST__COUNT; h++) {
        if (!a->honest_count[h])
            continue;
        ms_doc_li(d);
        count(d, a->honest_count[h], "failure", "failures");
        ms_doc_ours(d, what[h]);
        ms_doc_liend(d);
    }
    ms_doc_ulend(d);
    uint32_t only = 0;
    for (size_t i = 0; i < f->rc.nips; i++) {
        const ms_ipinfo *in = &a->ip[f->rc.ips[i]];
        only += in->failures && in->honest_failures == in->failures;
    }
    if (only) {
        ms_doc_p(d);
        ms_doc_ours(d, "All the failures of ");
        count(d, only, "address were", "addresses were");
        ms_doc_ours(d,
                    " honest: a threshold on failures alone would have banned "
                    "real users there.");
        ms_doc_pend(d);
    }
}

/* ---- ban list --------------------------------------------------------- */

static void banlist(ms_doc *d, const ms_rfacts *f)
{
    const ms_analysis *a = f->a;
    ms_doc_h(d, 2, "Ban list");
    ms_doc_p(d);
    if (!a->nbans) {
        ms_doc_ours(d, "Empty: no address did enough to be banned.");
        ms_doc_pend(d);
        return;
    }
    static const char *const levels[3] = {"high", "medium", "low"};
    ms_doc_ours(d, "The suggested ban list has ");
    count(d, a->nbans, "entry", "entries");
    if (f->ban_blocks || f->ban_v6) {
        ms_doc_ours(d, " (");
        count(d, a->nbans - f->ban_blocks, "single address",
              "single addresses");
        if (f->ban_blocks) {
            ms_doc_ours(d, ", ");
            count(d, f->ban_blocks, "block", "blocks");
        }
        if (f->ban_v6) {
            ms_doc_ours(d, "; ");
            ms_doc_num(d, f->ban_v6);
            ms_doc_ours(d, " IPv6");
        }
        ms_doc_ours(d, ")");
    }
    ms_doc_ours(d, ". Confidence:");
    for (int i = 0, any = 0; i < 3; i++)
        if (f->ban_conf[i]) {
            ms_doc_ours(d, any++ ? ", " : " ");
            ms_doc_num(d, f->ban_conf[i]);
            ms_doc_ours(d, " ");
            ms_doc_ours(d, levels[i]);
        }
    ms_doc_ours(d, ".");
    if (f->ban_camp || f->ban_fast)
        ms_doc_ours(d, " Of them,");
    if (f->ban_camp) {
        ms_doc_ours(d, " ");
        count(d, f->ban_camp, "is a campaign member", "are campaign members");
    }
    if (f->ban_fast) {
        ms_doc_ours(d, f->ban_camp ? " and " : " ");
        count(d, f->ban_fast, "is a fast robot or brute forcer",
              "are fast robots or brute forcers");
    }
    if (f->ban_camp || f->ban_fast)
        ms_doc_ours(d, ".");
    if (f->nignored) {
        ms_doc_ours(d, " ");
        count(d, f->nignored, "address on the ignore list was",
              "addresses on the ignore list were");
        ms_doc_ours(d, " left off.");
    }
    ms_doc_ours(d, " The whole list is in ");
    ms_doc_code(d, "bans.csv");
    ms_doc_ours(d, "; ");
    ms_doc_code(d, "mailsleuth bans --as nft");
    ms_doc_ours(d, " (or ");
    ms_doc_code(d, "--as ipset");
    ms_doc_ours(d, ", ");
    ms_doc_code(d, "--as plain");
    ms_doc_ours(d, ") prints it as a firewall script.");
    ms_doc_pend(d);
    ms_doc_table(d, COLS("entry", "score", "confidence", "failed logins",
                         "campaign", "first seen", "last seen", "reasons"),
                 "lrlrrllw");
    size_t n = a->nbans < TOP_ROWS ? a->nbans : TOP_ROWS;
    char net[MS_IP_STRLEN + 8];
    for (size_t i = 0; i < n; i++) {
        const ms_ban *b = &a->bans[i];
        size_t k = ms_cidr_format(&b->net, net);
        ms_rv v[8] = {{.k = MS_RV_STR, .s = net, .n = k}, v_int(b->score),
                      v_str(b->confidence), v_int((int64_t)b->failures),
                      v_cluster(b->cluster), v_time(b->first), v_time(b->last),
                      v_str(b->reasons)};
        ms_doc_row(d, v);
    }
    ms_doc_tend(d);
    cut_note(d, n, a->nbans, "bans.csv");
}

/* ---- geo -------------------------------------------------------------- */

/* The databases the figures come from, with their licences' credit. */
static void geo_sources(ms_doc *d, const ms_report_opts *o)
{
    size_t n = 0, nd = 0;
    const ms_geo_source *src = o->geo ? ms_geo_sources(o->geo, &n) : NULL;
    const char *const *dirs = o->geo ? ms_geo_searched(o->geo, &nd) : NULL;
    if (!n) {
        if (!nd)
            return;
        ms_doc_p(d);
        ms_doc_ours(d, "Looked for databases in ");
        for (size_t i = 0; i < nd; i++) {
            if (i)
                ms_doc_ours(d, i + 1 == nd ? " and " : ", ");
            ms_doc_untrusted_text(d, dirs[i]);
        }
        ms_doc_ours(d, " and found none; name one with ");
        ms_doc_code(d, "--geoip FILE");
        ms_doc_ours(d, " (a GeoLite2, DB-IP or IPinfo .mmdb) or ");
        ms_doc_code(d, "--asn-csv FILE");
        ms_doc_ours(d, ".");
        ms_doc_pend(d);
        return;
    }
    ms_doc_p(d);
    ms_doc_ours(d, "Sources:");
    ms_doc_pend(d);
    ms_doc_ul(d);
    for (size_t i = 0; i < n; i++) {
        const ms_geo_source *g = &src[i];
        ms_doc_li(d);
        ms_doc_untrusted_text(d, g->type && g->type[0] ? g->type : g->format);
        ms_doc_ours(d, " (");
        ms_doc_untrusted_text(d, g->path);
        if (g->built >= 0) {
            ms_doc_ours(d, ", built ");
            ms_doc_time(d, (ms_time)g->built * MS_NS_PER_S);
        }
        ms_doc_ours(d, ")");
        if (g->error) {
            ms_doc_ours(d, ": not used, ");
            ms_doc_untrusted_text(d, g->error);
        } else {
            ms_doc_ours(d, ": answered for ");
            count(d, g->answered, "address", "addresses");
        }
        if (g->attribution && g->attribution[0]) {
            ms_doc_ours(d, ". ");
            ms_doc_untrusted_text(d, g->attribution);
        }
        ms_doc_liend(d);
    }
    ms_doc_ulend(d);
}

static void geo(ms_doc *d, const ms_rfacts *f, const ms_report_opts *o)
{
    ms_doc_h(d, 2, "Where the attacks came from");
    if (!f->has_geo) {
        ms_doc_note(d);
        if (!o->geo)
            ms_doc_ours(d,
                        "Unknown: addresses were not looked up in a GeoIP or "
                        "ASN database for this run, so there are no countries "
                        "or networks to show.");
        else
            ms_doc_ours(d, "Unknown: no GeoIP or ASN database knew these "
                           "addresses (or none was found), so there are no "
                           "countries or networks to show.");
        ms_doc_pend(d);
        geo_sources(d, o);
        return;
    }
    uint32_t known = 0;
    for (size_t i = 0; i < f->rc.nips; i++) {
        const ms_ipinfo *in = &f->a->ip[f->rc.ips[i]];
        known += ms_rs(in->country)[0] || ms_rs(in->asn)[0];
    }
    ms_doc_p(d);
    ms_doc_ours(d,
                "Failed logins by the country and the network (ASN) of their "
                "address; ");
    ms_doc_num(d, known);
    ms_doc_ours(d, " of ");
    ms_doc_num(d, f->nips);
    ms_doc_ours(d, " addresses were found in the database.");
    ms_doc_pend(d);
    ms_doc_h(d, 3, "Countries");
    if (!f->ncountries) {
        ms_doc_note(d);
        ms_doc_ours(d, "No country data.");
        ms_doc_pend(d);
    } else {
        ms_doc_table(d, COLS("country", "IPs", "banned", "failed logins"), "lrrr");
        size_t n = f->ncountries < TOP_ROWS ? f->ncountries : TOP_ROWS;
        for (size_t i = 0; i < n; i++) {
            const ms_rcount *c = &f->countries[i];
            ms_rv v[4] = {v_str(c->key), v_int((int64_t)c->ips),
                          v_int((int64_t)c->banned), v_int((int64_t)c->n)};
            ms_doc_row(d, v);
        }
        ms_doc_tend(d);
        cut_note(d, n, f->ncountries, "geo.csv");
        ms_doc_chart(d, &f->charts[MS_CH_COUNTRIES]);
    }
    ms_doc_h(d, 3, "Networks");
    if (!f->nasns) {
        ms_doc_note(d);
        ms_doc_ours(d, "No ASN data.");
        ms_doc_pend(d);
    } else {
        ms_doc_table(d, COLS("ASN", "organisation", "IPs", "banned",
                             "failed logins"), "llrrr");
        size_t n = f->nasns < TOP_ROWS ? f->nasns : TOP_ROWS;
        for (size_t i = 0; i < n; i++) {
            const ms_rcount *c = &f->asns[i];
            ms_rv v[5] = {v_str(c->key), v_str(c->label), v_int((int64_t)c->ips),
                          v_int((int64_t)c->banned), v_int((int64_t)c->n)};
            ms_doc_row(d, v);
        }
        ms_doc_tend(d);
        cut_note(d, n, f->nasns, "geo.csv");
        ms_doc_chart(d, &f->charts[MS_CH_ASNS]);
    }
    geo_sources(d, o);
}

/* ---- input coverage --------------------------------------------------- */

/* The filters the run applied, when any, as a note: lead, the filters,
 * then tail. */
static void filters_note(ms_doc *d, const ms_rfacts *f, const char *lead,
                         const char *tail)
{
    if (!f->in || !f->in->filter)
        return;
    ms_buf b = {0};
    ms_filter_describe(f->in->filter, &b);
    ms_buf_addc(&b, '\0');
    ms_doc_note(d);
    ms_doc_ours(d, lead);
    ms_doc_untrusted_text(d, b.failed ? "(out of memory)" : b.p);
    ms_doc_ours(d, tail);
    ms_doc_pend(d);
    ms_buf_free(&b);
}

/* The files found in the folders given that are not logs, when any. */
static void skipped(ms_doc *d, const ms_inputs *in)
{
    if (!in->nskipped)
        return;
    ms_doc_h(d, 3, "Files not read");
    ms_doc_p(d);
    count(d, in->nskipped, "file", "files");
    ms_doc_ours(d,
                in->nskipped == 1
                    ? " found in the folders given is not a log and was not "
                      "read (name a file to read it anyway):"
                    : " found in the folders given are not logs and were not "
                      "read (name a file to read it anyway):");
    ms_doc_pend(d);
    size_t n = in->nskipped < FILE_ROWS ? in->nskipped : FILE_ROWS;
    ms_doc_ul(d);
    for (size_t i = 0; i < n; i++) {
        ms_doc_li(d);
        ms_doc_untrusted_name(d, in->skipped[i].name);
        ms_doc_ours(d, ": ");
        ms_doc_untrusted_text(d, in->skipped[i].why);
        ms_doc_liend(d);
    }
    ms_doc_ulend(d);
    if (n < in->nskipped) {
        ms_doc_note(d);
        ms_doc_ours_fmt(d, "The first %zu of %zu are listed.", n, in->nskipped);
        ms_doc_pend(d);
    }
}

/* The hosts file's hosts, those left out first, when it was given. */
static void hosts(ms_doc *d, const ms_rfacts *f)
{
    const ms_fleet *fl = fleet_of(f);
    if (!fl)
        return;
    size_t covered = ms_fleet_covered(fl);
    ms_doc_h(d, 3, "Hosts");
    ms_doc_p(d);
    ms_doc_ours(d, "The hosts listed in ");
    ms_doc_untrusted_name(d, fl->path);
    ms_doc_ours_fmt(d, ": %zu included, %zu left out (their logs not read)",
                    covered, fl->n - covered);
    ms_doc_ours(d, covered < fl->n ? "; those left out come first." : ".");
    ms_doc_pend(d);
    ms_doc_table(d, COLS("host", "status", "events file", "why / warning"),
                 "plpw");
    size_t shown = 0;
    for (int out = 1; out >= 0; out--)
        for (size_t k = 0; k < fl->n && shown < FILE_ROWS; k++) {
            const ms_fleet_host *h = &fl->v[k];
            if (left_out(h) != out)
                continue;
            ms_rv v[4] = {v_str(h->name),
                          v_str(!out ? "included"
                                : h->included ? "left out: its events file "
                                                "was not read"
                                              : "left out"),
                          v_str(h->events_file), v_str(h->why)};
            ms_doc_row(d, v);
            shown++;
        }
    ms_doc_tend(d);
    if (shown < fl->n) {
        ms_doc_note(d);
        ms_doc_ours_fmt(d, "The first %zu of %zu hosts are shown; ", shown,
                        fl->n);
        ms_doc_untrusted_name(d, fl->path);
        ms_doc_ours(d, " lists them all.");
        ms_doc_pend(d);
    }
}

static void coverage(ms_doc *d, const ms_rfacts *f)
{
    const ms_inputs *in = f->in;
    ms_doc_h(d, 2, "Input coverage");
    if (!in) {
        ms_doc_note(d);
        ms_doc_ours(d, "The list of files read was not kept for this report.");
        ms_doc_pend(d);
        return;
    }
    ms_doc_p(d);
    count(d, f->nfiles, "file", "files");
    ms_doc_ours(d, " read: ");
    count(d, f->lines, "line", "lines");
    ms_doc_ours(d, " (");
    human_bytes(d, f->bytes);
    ms_doc_ours(d, " after decompression), ");
    count(d, f->events, "event", "events");
    ms_doc_ours(d, " kept. Time stamps are those of the lines, in UTC.");
    ms_doc_pend(d);
    filters_note(d, f, "Filters applied: ",
                 ". The events kept are those they "
                 "chose; each file's count below is of all its events.");
    ms_doc_table(d, COLS("file", "format", "lines", "events", "first line",
                         "last line", "problem"), "plrrllw");
    size_t n = in->n < FILE_ROWS ? in->n : FILE_ROWS;
    for (size_t i = 0; i < n; i++) {
        const ms_input_file *x = &in->v[i];
        ms_rv v[7] = {v_str(x->name), v_str(x->kind), v_int((int64_t)x->lines),
                      v_int((int64_t)x->events), v_time(x->first),
                      v_time(x->last), v_str(x->error)};
        if (!strcmp(ms_rs(x->kind), "events"))
            v[2] = v_str("");
        ms_doc_row(d, v);
    }
    ms_doc_tend(d);
    if (n < in->n) {
        ms_doc_note(d);
        ms_doc_ours_fmt(d, "The first %zu of %zu files are shown.", n, in->n);
        ms_doc_pend(d);
    }
    hosts(d, f);
    skipped(d, in);
    ms_doc_h(d, 3, "Damaged files");
    ms_doc_p(d);
    if (!f->ndamaged) {
        ms_doc_ours(d, "None: every file was read to its end.");
        ms_doc_pend(d);
    } else {
        count(d, f->ndamaged, "file was", "files were");
        ms_doc_ours(d, " damaged or unreadable; what could be read was used:");
        ms_doc_pend(d);
        ms_doc_ul(d);
        for (size_t i = 0; i < in->n; i++)
            if (in->v[i].error) {
                ms_doc_li(d);
                ms_doc_untrusted_text(d, in->v[i].error);
                ms_doc_liend(d);
            }
        ms_doc_ulend(d);
    }
    if (f->cut_lines) {
        ms_doc_p(d);
        count(d, f->cut_lines, "line longer than 1 MiB was", "lines longer than "
              "1 MiB were");
        ms_doc_ours(d, " cut to 1 MiB.");
        ms_doc_pend(d);
    }
    ms_doc_h(d, 3, "Lines not recognised");
    ms_doc_p(d);
    if (!f->unmatched) {
        ms_doc_ours(d, "Every line that looked authentication-related was "
                       "recognised.");
        ms_doc_pend(d);
        return;
    }
    count(d, f->unmatched, "line looks", "lines look");
    ms_doc_ours(d,
                " authentication-related (a login, a password, a failure) but "
                "no recogniser took ");
    ms_doc_ours(d, f->unmatched == 1 ? "it" : "them");
    ms_doc_ours(d, ", so ");
    ms_doc_ours(d, f->unmatched == 1 ? "it is" : "they are");
    ms_doc_ours(d, " not in this report. ");
    ms_doc_code(d, "mailsleuth explain");
    ms_doc_ours(d, " shows them all; ");
    ms_doc_code(d, "--patterns");
    ms_doc_ours(d, " adds recognisers. By program and file, with examples:");
    ms_doc_pend(d);
    ms_doc_ul(d);
    size_t items = 0;
    for (size_t i = 0; i < in->n && items < 40; i++) {
        const ms_input_file *x = &in->v[i];
        for (size_t k = 0; k < x->nunmatched && items < 40; k++, items++) {
            const ms_unmatched *u = &x->unmatched[k];
            ms_doc_li(d);
            ms_doc_untrusted_name_n(d, u->prog,
                                    strnlen(u->prog, sizeof u->prog));
            ms_doc_ours(d, " in ");
            ms_doc_untrusted_text(d, x->name);
            ms_doc_ours(d, ": ");
            ms_doc_num(d, u->count);
            for (unsigned e = 0; e < u->nexamples && e < UNMATCHED_EXAMPLES; e++) {
                const char *ex = u->examples[e] ? u->examples[e] : "";
                size_t len = strlen(ex);
                ms_doc_ours_fmt(
                    d, "; line %llu: ", (unsigned long long)u->example_line[e]);
                if (len > 160) {
                    /* Cut on a character boundary. */
                    len = 160;
                    while (len && ((unsigned char)ex[len] & 0xC0) == 0x80)
                        len--;
                }
                ms_doc_untrusted_name_n(d, ex, len);
                if (len < strlen(ex))
                    ms_doc_ours(d, "\xE2\x80\xA6");
            }
            ms_doc_liend(d);
        }
    }
    ms_doc_ulend(d);
}

/* ---- method ----------------------------------------------------------- */

static void method(ms_doc *d, const ms_rfacts *f, const ms_report_opts *o)
{
    ms_doc_h(d, 2, "Method");
    static const char *const paras[] = {
        "Every log line is matched against recognisers for dovecot, postfix, "
        "vpopmail, qmail (tcpserver), courier, cyrus, exim, sendmail and sshd, "
        "which turn it into an event: a time, an address, a username and an "
        "outcome (a failed or successful login, a refused relay, a bare "
        "connection). One attempt logged by two layers of a server counts "
        "once. Year-less time stamps get their year from the file's date and "
        "the order of the lines.",
        "Honest failures come first, so that no real user is banned. A failure "
        "is honest when the same user logged in from the same address within "
        "a minute (a client falling back to another method); when its name is "
        "a near miss of a name that logs in from that address at any time, "
        "before or after (a typo: another case, a dropped domain or dot, one "
        "wrong, missing, doubled or swapped letter in a name of up to five "
        "letters, two from six); when its user logs in from that address and "
        "the address failed on at most two other names (a stale password); "
        "when three or more users log in from the address and this one is one "
        "of them or a real account (a shared address); or, with the list of "
        "real accounts, when an address that never logs in tried only one "
        "real account and near misses of it (at most five names; a single "
        "name only if never tried five times in ten minutes). Honest failures "
        "count for nothing.",
        "An address that logged in on two or more days, or where three or more "
        "users log in, has earned trust: a burst or a few failures do not ban "
        "it, only strong evidence does.",
        "Fast robots and brute forcers are addresses with 30 or more failures "
        "(not honest) within an hour, or hundreds of connections; any "
        "per-address limit catches them. A burst is 5 or more failures (not "
        "honest, with or without a username) within ten minutes, which a "
        "stock fail2ban jail bans; an address that is not trusted is banned "
        "for it.",
        "Campaigns are the slow ones. All remaining failures are taken in time "
        "order, and for each, the next few failures from other addresses "
        "within ten minutes give pairs of names (this name, then that one). "
        "Pairs that recur, because a list is being walked again and again, "
        "are steps of a dictionary: a pair counts only when it recurs far "
        "more often than chance predicts from how often each of its names is "
        "tried, or far more often than the same pair the other way round "
        "(random scanners drawing from one popular dictionary make every "
        "pair now and then, in both directions). Each step links the two "
        "addresses that made it; addresses with enough such links, more "
        "where scanners are many (the number at which shuffled names would "
        "bring in hardly anyone), are grouped, and a group of five or more "
        "whose order holds two names or more is a campaign. Its username "
        "order is followed from its first name along the most frequent next "
        "name. Limits: a campaign that shuffles its "
        "list or never repeats a step is not seen this way, though its "
        "members may still be banned for failing on many names.",
        "Each address then gets a score from 0 to 100 from its strongest "
        "evidence (campaign membership 85, a brute-force hour 75 to 90, a "
        "burst 65 to 85, failures on five or more names that are not typos "
        "60 to 90, names that do not exist, relay attempts), with reasons in "
        "words: 60 and above is a ban, 20 and above is worth watching. An "
        "address that also logged in is only banned on strong evidence (a "
        "campaign, a brute-force hour, a burst, many names). Its login is "
        "reported as a likely compromised account only when the evidence "
        "before it is what a user's own typos and fallbacks cannot explain: "
        "its address belongs to a campaign, is a brute forcer, or (without a "
        "history of logins) made a burst or failed on five or more other "
        "names first; the strongest evidence is listed first. The command "
        "mailsleuth why ADDRESS shows every rule that fired or spared one "
        "address, with its log lines.",
    };
    for (size_t i = 0; i < sizeof paras / sizeof *paras; i++) {
        ms_doc_p(d);
        ms_doc_ours(d, paras[i]);
        ms_doc_pend(d);
    }
    filters_note(d, f,
                 "The analyses saw only the events chosen by the "
                 "filters (",
                 "): a campaign outside them is not found, and "
                 "each verdict rests on those events alone.");
    ms_doc_p(d);
    ms_doc_ours(d,
                "All times are UTC. Usernames and other text from the logs "
                "are shown exactly as logged, except that control characters "
                "and invalid bytes appear as ");
    ms_doc_code(d, "\\xNN");
    ms_doc_ours(d, ". The result files beside this report (");
    ms_doc_code(d, "ips.csv");
    ms_doc_ours(d, ", ");
    ms_doc_code(d, "clusters.csv");
    ms_doc_ours(d, ", ");
    ms_doc_code(d, "bans.csv");
    ms_doc_ours(d, ", ");
    ms_doc_code(d, "timeline.csv");
    ms_doc_ours(d, "…) hold every figure in full. ");
    if (f->nscripts && f->ndrawn == f->nscripts)
        ms_doc_ours(d, "Charts were drawn with gnuplot.");
    else if (f->nscripts)
        ms_doc_ours(d, "Charts are gnuplot scripts (see the note at the top).");
    ms_doc_pend(d);
    if (d->html)
        ms_buf_adds(d->b, "<footer>");
    else
        ms_buf_adds(d->b, "---\n\n");
    ms_doc_ours(d, "Written by ");
    ms_doc_ours(d, o && o->version ? o->version : "mailsleuth");
    ms_doc_ours(d, " from the files listed above; the same files give the same "
                   "report.");
    ms_buf_adds(d->b, d->html ? "</footer>\n" : "\n");
}

void ms_report_body(ms_doc *d, const ms_rfacts *f, const ms_report_opts *o)
{
    char title[MS_REPORT_TITLE];
    ms_report_title(title, sizeof title, f);
    ms_doc_h(d, 1, title);
    headline(d, f);
    fleet_note(d, f);
    filters_note(d, f,
                 "Only the events chosen by these filters were "
                 "analysed: ",
                 ".");
    charts_note(d, f);
    contents(d, f);
    summary(d, f);
    servers(d, f);
    compromised(d, f);
    campaigns(d, f);
    attackers(d, f);
    honest(d, f);
    banlist(d, f);
    geo(d, f, o);
    coverage(d, f);
    method(d, f, o);
}
