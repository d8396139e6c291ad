/* report_charts.c — the report's charts as gnuplot scripts and data files.
 *
 * Each chart is NAME.gp (the picture: our words only) and NAME.dat (the
 * numbers; the only text in it is country and network labels, cut down to
 * letters, digits and a little punctuation). The script writes NAME.png,
 * and an SVG too when the variable svgout is set, which is how
 * ms_plot_draw asks for the copy that goes inside report.html. Stacked bars
 * are drawn as boxes of cumulative height, tallest first. Times are Unix
 * seconds on a UTC time axis; buckets are a round length (minutes to
 * weeks) giving at most ~150 bars. After a chart is drawn its script and
 * data are removed; without gnuplot they stay, to be drawn later. */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const camp_colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                          "#9467bd", "#8c564b", "#17becf"};
#define C_ROBOT "#d62728"
#define C_OTHER "#8c959f"
#define C_HONEST "#57ab5a"

static int64_t secs_of(ms_time t)
{
    return t / MS_NS_PER_S - (t % MS_NS_PER_S < 0);
}

static int64_t floor_to(int64_t v, int64_t step)
{
    return (v / step - (v % step < 0)) * step;
}

typedef struct bucket {
    int64_t secs;
    const char *per;     /* "tries per …" */
} bucket;

static bucket pick_bucket(int64_t span)
{
    static const bucket steps[] = {
        {60, "minute"}, {300, "5 min"}, {600, "10 min"}, {900, "15 min"},
        {1800, "30 min"}, {3600, "hour"}, {7200, "2 hours"},
        {10800, "3 hours"}, {21600, "6 hours"}, {43200, "12 hours"},
        {86400, "day"}, {604800, "week"}, {2592000, "30 days"},
        {31536000, "365 days"}};
    size_t n = sizeof steps / sizeof *steps;
    for (size_t i = 0; i < n; i++)
        if (span / steps[i].secs < 150)
            return steps[i];
    return steps[n - 1];
}

static void gp_head(ms_buf *b, const ms_chart *c, int w, int h)
{
    char t[1024];
    snprintf(t, sizeof t,
             "# %.39s.gp: %.199s.\n"
             "# Written by mailsleuth. Draw it in this folder with\n"
             "#   gnuplot %.39s.gp\n"
             "# It reads %.39s.dat and writes %.39s.png.\n"
             "if (!exists(\"pngout\")) pngout = \"%.39s.png\"\n"
             "set terminal pngcairo size %d,%d font \"sans,10\" noenhanced\n"
             "set output pngout\n"
             "set encoding utf8\n",
             c->name, c->alt, c->name, c->name, c->name, c->name, w, h);
    ms_buf_adds(b, t);
    ms_buf_adds(b, "set border 3 lc rgb \"#57606a\"\n"
                   "set tics nomirror textcolor rgb \"#24292f\"\n"
                   "set grid ytics lc rgb \"#d0d7de\" dt 2\n"
                   "set key outside right top vertical Left reverse "
                   "samplen 1.5 textcolor rgb \"#24292f\"\n"
                   "set style fill solid 0.9 noborder\n");
    snprintf(t, sizeof t, "set title \"%.199s\"\n", c->alt);
    ms_buf_adds(b, t);
}

static void gp_tail(ms_buf *b, int w, int h)
{
    char t[256];
    snprintf(t, sizeof t,
             "if (exists(\"svgout\")) {\n"
             "    set terminal svg size %d,%d font \"sans,13\" noenhanced "
             "background rgb \"white\"\n"
             "    set output svgout\n"
             "    replot\n"
             "}\n"
             "set output\n", w, h);
    ms_buf_adds(b, t);
}

/* The time axis from lo to hi (Unix seconds): its labels say what the
 * period leaves open. Within a day, hours, the day named below the axis;
 * within three days, day and hour; within a year, day and month, the year
 * below the axis; across years, the year on every label (day, month and
 * year over up to four months, else month and year). gnuplot places the
 * ticks, on round days or months, at a spacing that keeps labels apart. */
static void gp_time_axis(ms_buf *b, int64_t lo, int64_t hi)
{
    int64_t y1, y2;
    unsigned m1, d1, m2, d2;
    ms_civil_from_days(floor_to(lo, 86400) / 86400, &y1, &m1, &d1);
    ms_civil_from_days(floor_to(hi, 86400) / 86400, &y2, &m2, &d2);
    int day = y1 == y2 && m1 == m2 && d1 == d2, year = y1 == y2;
    int64_t span = hi - lo;
    const char *fmt = day                ? "%H:%M"
                      : span <= 3 * 86400 ? (year ? "%d %b\\n%H:%M"
                                                  : "%d %b %Y\\n%H:%M")
                      : year              ? "%d %b"
                      : span <= 122 * 86400 ? "%d %b\\n%Y"
                                            : "%b\\n%Y";
    char t[160];
    snprintf(t, sizeof t, "set xdata time\nset timefmt \"%%s\"\n"
                          "set format x \"%s\"\n", fmt);
    ms_buf_adds(b, t);
    if (!day && !year && span <= 3 * 86400) {
        /* Wide labels: at most six, on round hours. */
        static const int64_t steps[] = {3600, 7200, 10800, 21600, 43200};
        int64_t step = 86400;
        for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
            if (span / steps[i] < 6) {
                step = steps[i];
                break;
            }
        snprintf(t, sizeof t, "set xtics \"%lld\", %lld\n",
                 (long long)floor_to(lo, step), (long long)step);
        ms_buf_adds(b, t);
    }
    if (day || year)
        snprintf(t, sizeof t,
                 "set xlabel \"time (UTC), \".strftime(\"%s\", %lld)\n",
                 day ? "%d %B %Y" : "%Y", (long long)lo);
    else
        snprintf(t, sizeof t, "set xlabel \"time (UTC)\"\n");
    ms_buf_adds(b, t);
}

/* Add the line "%lld" and n more numbers. */
static void dat_row(ms_buf *b, int64_t x, const uint64_t *v, size_t n)
{
    ms_buf_addi(b, x);
    for (size_t i = 0; i < n; i++) {
        ms_buf_addc(b, ' ');
        ms_buf_addu(b, v[i]);
    }
    ms_buf_addc(b, '\n');
}

/* A label for a data file: cleaned, then only letters, digits, UTF-8
 * letters and .,-()/+:_ kept (others become '?'), at most 36 bytes. */
static void dat_label(ms_buf *b, const char *s)
{
    ms_buf t = {0};
    ms_report_clean(&t, s, strlen(s));
    ms_buf_addc(b, '"');
    size_t n = 0;
    for (size_t i = 0; i < t.n && n < 36; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if (c >= 0x80) {
            size_t k = 1;
            while (i + k < t.n && ((unsigned char)t.p[i + k] & 0xC0) == 0x80)
                k++;
            if (n + k > 36)
                break;
            ms_buf_add(b, t.p + i, k);
            n += k;
            i += k - 1;
            continue;
        }
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || (c && strchr(" .,-()/+:_'", c));
        ms_buf_addc(b, ok ? (char)c : c == '"' ? '\'' : '?');
        n++;
    }
    ms_buf_addc(b, '"');
    if (t.failed)
        b->failed = 1;
    ms_buf_free(&t);
}

static ms_chart *chart(ms_rfacts *f, int k, const char *name, const char *alt)
{
    ms_chart *c = &f->charts[k];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->alt, sizeof c->alt, "%s", alt);
    return c;
}

/* ---- attempts over time, stacked by kind ------------------------------ */

enum { K_CAMP = 0, K_CAMP_OTHER = 5, K_ROBOT = 6, K_OTHER = 7, K_N = 8 };

static int kind_of(const ms_rfacts *f, uint32_t ip)
{
    uint32_t c = f->a->ip[ip].cluster;
    if (c)
        return c <= 5 ? K_CAMP + (int)c - 1 : K_CAMP_OTHER;
    return f->a->fast[ip] ? K_ROBOT : K_OTHER;
}

/* An event counted as an attack try, and its weight (0: not one). */
static uint64_t attack_weight(const ms_rfacts *f, size_t e)
{
    const ms_store *s = f->s;
    if (s->time[e] == MS_TIME_NONE || !ms_store_ip_real(s, s->ip[e]))
        return 0;
    switch (ms_store_outcome(s, e)) {
    case MS_OUT_AUTH_FAIL:
        if (f->a->honest && f->a->honest[e])
            return 0;
        return ms_store_attempts(s, e) ? ms_store_attempts(s, e) : 1;
    case MS_OUT_RELAY_DENIED:
        return 1;
    case MS_OUT_CONNECT:
        return f->a->fast[s->ip[e]] ? 1 : 0;
    default:
        return 0;
    }
}

static int activity(ms_rfacts *f, ms_buf *gp, ms_buf *dat)
{
    const ms_store *s = f->s;
    int64_t lo = 0, hi = 0;
    int any = 0;
    uint64_t tot[K_N] = {0};
    for (size_t e = 0; e < s->n; e++) {
        uint64_t w = attack_weight(f, e);
        if (!w)
            continue;
        int64_t t = secs_of(s->time[e]);
        if (!any || t < lo)
            lo = t;
        if (!any || t > hi)
            hi = t;
        any = 1;
        tot[kind_of(f, s->ip[e])] += w;
    }
    if (!any)
        return 0;
    bucket bk = pick_bucket(hi - lo);
    int64_t b0 = floor_to(lo, bk.secs);
    size_t nb = (size_t)((floor_to(hi, bk.secs) - b0) / bk.secs) + 1;
    uint64_t *cnt = calloc(nb * K_N, sizeof *cnt);
    if (!cnt)
        return -1;
    for (size_t e = 0; e < s->n; e++) {
        uint64_t w = attack_weight(f, e);
        if (w)
            cnt[(size_t)((secs_of(s->time[e]) - b0) / bk.secs) * K_N +
                kind_of(f, s->ip[e])] += w;
    }
    /* The series present, bottom to top; data columns are cumulative. */
    int kinds[K_N], nk = 0;
    for (int k = 0; k < K_N; k++)
        if (tot[k])
            kinds[nk++] = k;
    ms_buf_adds(dat, "# bucket start (Unix seconds, UTC), then cumulative tries:");
    for (int j = 0; j < nk; j++) {
        char t[40];
        int k = kinds[j];
        if (k < K_CAMP_OTHER)
            snprintf(t, sizeof t, " +campaign %d", k + 1);
        else
            snprintf(t, sizeof t, " +%s", k == K_CAMP_OTHER ? "other campaigns"
                                          : k == K_ROBOT    ? "robots"
                                                            : "other");
        ms_buf_adds(dat, t);
    }
    ms_buf_addc(dat, '\n');
    uint64_t row[K_N];
    for (size_t i = 0; i < nb; i++) {
        uint64_t sum = 0;
        for (int j = 0; j < nk; j++)
            row[j] = sum += cnt[i * K_N + kinds[j]];
        dat_row(dat, b0 + (int64_t)i * bk.secs, row, (size_t)nk);
    }
    free(cnt);
    ms_chart *c = &f->charts[MS_CH_ACTIVITY];
    gp_head(gp, c, 960, 400);
    gp_time_axis(gp, lo, hi);
    char t[512];
    snprintf(t, sizeof t, "set ylabel \"tries per %s\"\nset yrange [0:*]\n"
                          "set xrange [\"%lld\":\"%lld\"]\n"
                          "set boxwidth %lld absolute\nB = %lld\n",
             bk.per, (long long)b0, (long long)(b0 + (int64_t)nb * bk.secs),
             (long long)bk.secs, (long long)bk.secs);
    ms_buf_adds(gp, t);
    ms_buf_adds(gp, "plot ");
    for (int j = nk - 1; j >= 0; j--) {
        int k = kinds[j];
        char title[40];
        const char *color = k < K_CAMP_OTHER  ? camp_colors[k]
                            : k == K_CAMP_OTHER ? camp_colors[5]
                            : k == K_ROBOT      ? C_ROBOT
                                                : C_OTHER;
        if (k < K_CAMP_OTHER)
            snprintf(title, sizeof title, "campaign %d", k + 1);
        else
            snprintf(title, sizeof title, "%s",
                     k == K_CAMP_OTHER ? "other campaigns"
                     : k == K_ROBOT    ? "robots and brute force"
                                       : "other attackers");
        snprintf(t, sizeof t,
                 "%s\"%.39s.dat\" using ($1+B/2):%d with boxes lc rgb \"%s\" "
                 "title \"%s\"", j == nk - 1 ? "" : ", \\\n     ", c->name,
                 j + 2, color, title);
        ms_buf_adds(gp, t);
    }
    ms_buf_addc(gp, '\n');
    gp_tail(gp, 960, 400);
    return 1;
}

/* ---- failures by hour of day ------------------------------------------ */

static int hours(ms_rfacts *f, ms_buf *gp, ms_buf *dat)
{
    uint64_t all = 0;
    for (int h = 0; h < 24; h++)
        all += f->hours[h][0] + f->hours[h][1];
    if (!all)
        return 0;
    ms_buf_adds(dat, "# hour (UTC), failures held against the address, "
                     "held + honest\n");
    for (int h = 0; h < 24; h++) {
        uint64_t v[2] = {f->hours[h][0], f->hours[h][0] + f->hours[h][1]};
        dat_row(dat, h, v, 2);
    }
    ms_chart *c = &f->charts[MS_CH_HOURS];
    gp_head(gp, c, 960, 340);
    char t[512];
    snprintf(t, sizeof t,
             "set xlabel \"hour of day (UTC)\"\nset ylabel \"failed logins\"\n"
             "set xrange [-0.6:23.6]\nset xtics 0,1,23\nset yrange [0:*]\n"
             "set boxwidth 0.8\n"
             "plot \"%.39s.dat\" using 1:3 with boxes lc rgb \"%s\" "
             "title \"honest (not held against anyone)\", \\\n"
             "     \"%.39s.dat\" using 1:2 with boxes lc rgb \"%s\" "
             "title \"held against the address\"\n",
             c->name, C_HONEST, c->name, C_ROBOT);
    ms_buf_adds(gp, t);
    gp_tail(gp, 960, 340);
    return 1;
}

/* ---- the largest campaign, one row per ip ----------------------------- */

#define RASTER_ROWS 300

static int raster(ms_rfacts *f, ms_buf *gp, ms_buf *dat)
{
    if (!f->a->nclusters)
        return 0;
    const ms_store *s = f->s;
    const ms_cluster *k = &f->a->clusters[0];
    const uint32_t *mem = f->camps[0].members;
    size_t rows = k->nmembers < RASTER_ROWS ? k->nmembers : RASTER_ROWS;
    ms_buf_adds(dat, "# try time (Unix seconds, UTC), row (members by "
                     "first try, from 0; evenly sampled when over "
                     "300), address\n");
    char ip[MS_IP_STRLEN];
    /* A large campaign is sampled evenly along its members' first tries,
     * so the picture still spans its whole recruitment. */
    for (size_t r = 0; r < rows; r++) {
        uint32_t id = mem[rows < k->nmembers ? r * k->nmembers / rows : r];
        size_t nip = ms_ip_format(ms_store_ip(s, id), ip);
        for (uint32_t j = s->ip_start[id]; j < s->ip_start[id + 1]; j++) {
            uint32_t e = s->by_ip[j];
            if (ms_store_outcome(s, e) != MS_OUT_AUTH_FAIL ||
                s->time[e] == MS_TIME_NONE)
                continue;
            ms_buf_addi(dat, secs_of(s->time[e]));
            ms_buf_addc(dat, ' ');
            ms_buf_addu(dat, r);
            ms_buf_addc(dat, ' ');
            ms_buf_add(dat, ip, nip);
            ms_buf_addc(dat, '\n');
        }
    }
    ms_chart *c = &f->charts[MS_CH_RASTER];
    int h = rows > 60 ? 560 : 420;
    gp_head(gp, c, 960, h);
    int64_t span = secs_of(k->last) - secs_of(k->first);
    gp_time_axis(gp, secs_of(k->first), secs_of(k->last));
    size_t step = (rows / 5 + 9) / 10 * 10;   /* about five labelled rows */
    if (!step)
        step = 10;
    char t[512];
    snprintf(t, sizeof t,
             "set ylabel \"member (one row per IP, by first try)\"\n"
             "set yrange [%zu:-1]\nset ytics 0,%zu\nunset key\n"
             "set xrange [\"%lld\":\"%lld\"]\n"
             "set grid xtics ytics lc rgb \"#eaeef2\" dt 1\n"
             "plot \"%.39s.dat\" using 1:2 with points pt 7 ps 0.45 "
             "lc rgb \"%s\"\n",
             rows, step,
             (long long)(secs_of(k->first) - span / 50 - 60),
             (long long)(secs_of(k->last) + span / 50 + 60),
             c->name, camp_colors[0]);
    ms_buf_adds(gp, t);
    gp_tail(gp, 960, h);
    return 1;
}

/* ---- one campaign's tries over time ----------------------------------- */

static int campaign(ms_rfacts *f, size_t ki, ms_chart *c, ms_buf *gp,
                    ms_buf *dat)
{
    const ms_store *s = f->s;
    const ms_cluster *k = &f->a->clusters[ki];
    if (k->first == MS_TIME_NONE)
        return 0;
    int64_t lo = secs_of(k->first), hi = secs_of(k->last);
    bucket bk = pick_bucket(hi - lo);
    int64_t b0 = floor_to(lo, bk.secs);
    size_t nb = (size_t)((floor_to(hi, bk.secs) - b0) / bk.secs) + 1;
    uint64_t *cnt = calloc(nb, sizeof *cnt);
    if (!cnt)
        return -1;
    for (size_t m = 0; m < k->nmembers; m++) {
        uint32_t id = k->members[m];
        for (uint32_t j = s->ip_start[id]; j < s->ip_start[id + 1]; j++) {
            uint32_t e = s->by_ip[j];
            if (ms_store_outcome(s, e) != MS_OUT_AUTH_FAIL ||
                s->time[e] == MS_TIME_NONE)
                continue;
            int64_t t = secs_of(s->time[e]);
            if (t >= b0 && (size_t)((t - b0) / bk.secs) < nb)
                cnt[(t - b0) / bk.secs] +=
                    ms_store_attempts(s, e) ? ms_store_attempts(s, e) : 1;
        }
    }
    ms_buf_adds(dat, "# bucket start (Unix seconds, UTC), tries\n");
    for (size_t i = 0; i < nb; i++)
        dat_row(dat, b0 + (int64_t)i * bk.secs, &cnt[i], 1);
    free(cnt);
    gp_head(gp, c, 960, 300);
    gp_time_axis(gp, lo, hi);
    char t[512];
    snprintf(t, sizeof t,
             "set ylabel \"tries per %s\"\nset yrange [0:*]\nunset key\n"
             "set xrange [\"%lld\":\"%lld\"]\n"
             "set boxwidth %lld absolute\nB = %lld\n"
             "plot \"%.39s.dat\" using ($1+B/2):2 with boxes lc rgb \"%s\"\n",
             bk.per, (long long)b0, (long long)(b0 + (int64_t)nb * bk.secs),
             (long long)bk.secs, (long long)bk.secs, c->name,
             camp_colors[ki < 5 ? ki : 5]);
    ms_buf_adds(gp, t);
    gp_tail(gp, 960, 300);
    return 1;
}

/* ---- countries and networks ------------------------------------------- */

static int bars(ms_rfacts *f, int asn, ms_buf *gp, ms_buf *dat)
{
    const ms_rcount *v = asn ? f->asns : f->countries;
    size_t n = asn ? f->nasns : f->ncountries;
    if (!n)
        return 0;
    if (n > 12)
        n = 12;
    ms_buf_adds(dat, "# label, failed logins, IP addresses\n");
    for (size_t i = 0; i < n; i++) {
        ms_buf t = {0};
        ms_buf_adds(&t, v[i].key);
        if (asn && v[i].label[0]) {
            ms_buf_addc(&t, ' ');
            ms_buf_adds(&t, v[i].label);
        }
        ms_buf_addc(&t, '\0');
        if (t.failed)
            dat->failed = 1;
        else
            dat_label(dat, t.p);
        ms_buf_free(&t);
        uint64_t x[2] = {v[i].n, v[i].ips};
        ms_buf_addc(dat, ' ');
        ms_buf_addu(dat, x[0]);
        ms_buf_addc(dat, ' ');
        ms_buf_addu(dat, x[1]);
        ms_buf_addc(dat, '\n');
    }
    ms_chart *c = &f->charts[asn ? MS_CH_ASNS : MS_CH_COUNTRIES];
    int h = 120 + 26 * (int)n;
    gp_head(gp, c, 960, h);
    char t[512];
    snprintf(t, sizeof t,
             "unset key\nunset grid\nset grid xtics lc rgb \"#d0d7de\" dt 2\n"
             "set xlabel \"failed logins\"\nset xrange [0:*]\n"
             "set yrange [%zu.4:-0.6]\nset ytics scale 0\n"
             "plot \"%.39s.dat\" using (0.5*$2):0:(0.5*$2):(0.38):yticlabels(1) "
             "with boxxyerror lc rgb \"%s\"\n",
             n - 1, c->name, asn ? "#9467bd" : "#1f77b4");
    ms_buf_adds(gp, t);
    gp_tail(gp, 960, h);
    return 1;
}

/* ---- writing and drawing ---------------------------------------------- */

static int save_chart(ms_rfacts *f, ms_chart *c, const char *dir,
                      const ms_buf *gp, const ms_buf *dat, ms_error *err)
{
    char file[64];
    snprintf(file, sizeof file, "%s.dat", c->name);
    if (ms_plot_save(dir, file, dat, err))
        return -1;
    snprintf(file, sizeof file, "%s.gp", c->name);
    if (ms_plot_save(dir, file, gp, err)) {
        snprintf(file, sizeof file, "%s.dat", c->name);
        ms_plot_remove(dir, file);
        return -1;
    }
    c->state = MS_CHART_SCRIPT;
    f->nscripts++;
    return 0;
}
static void remove_script(const ms_chart *c, const char *dir)
{
    char file[64];
    snprintf(file, sizeof file, "%s.gp", c->name);
    ms_plot_remove(dir, file);
    snprintf(file, sizeof file, "%s.dat", c->name);
    ms_plot_remove(dir, file);
}

void ms_report_charts_unwind(ms_rfacts *f, const char *dir)
{
    for (int i = 0; i < MS_REPORT_NCHARTS; i++)
        if (f->charts[i].state == MS_CHART_SCRIPT ||
            f->charts[i].state == MS_CHART_FAILED)
            remove_script(&f->charts[i], dir);
}

/* After gnuplot: the chart drawn (rc 0; its script and data removed) or
 * failed; out of memory is left to the caller (rc MS_PLOT_NOMEM: the
 * chart stays a script). Returns rc. */
static int took(ms_rfacts *f, ms_chart *c, int rc, const char *dir)
{
    if (rc == MS_PLOT_NOMEM)
        return rc;
    if (rc) {
        c->state = MS_CHART_FAILED;
        f->nfailed++;
        return rc;
    }
    c->state = MS_CHART_DRAWN;
    f->ndrawn++;
    remove_script(c, dir);
    return 0;
}

int ms_report_charts(ms_rfacts *f, const char *dir, const ms_report_opts *o,
                     ms_error *err)
{
    chart(f, MS_CH_ACTIVITY, "chart-activity",
          "Attack tries over time, by kind of attacker");
    chart(f, MS_CH_HOURS, "chart-hours", "Failed logins by hour of day (UTC)");
    if (f->a->nclusters) {
        char alt[160];
        snprintf(alt, sizeof alt,
                 "Campaign 1, one row per IP and one dot per try");
        chart(f, MS_CH_RASTER, "chart-raster", alt);
    }
    chart(f, MS_CH_COUNTRIES, "chart-countries",
          "Failed logins by country (top 12)");
    chart(f, MS_CH_ASNS, "chart-asns", "Failed logins by network (ASN, top 12)");
    for (size_t k = 0; k < f->a->nclusters && k < MS_REPORT_CAMP_CHARTS; k++) {
        char name[40], alt[160];
        snprintf(name, sizeof name, "chart-campaign-%u", f->a->clusters[k].id);
        snprintf(alt, sizeof alt, "Campaign %u, tries over time",
                 f->a->clusters[k].id);
        chart(f, MS_CH_CAMPAIGN + (int)k, name, alt);
    }
    int rc = 0;
    for (int i = 0; i < MS_REPORT_NCHARTS && rc == 0; i++) {
        ms_chart *c = &f->charts[i];
        if (!c->name[0])
            continue;
        ms_buf gp = {0}, dat = {0};
        int have;
        switch (i) {
        case MS_CH_ACTIVITY: have = activity(f, &gp, &dat); break;
        case MS_CH_HOURS: have = hours(f, &gp, &dat); break;
        case MS_CH_RASTER: have = raster(f, &gp, &dat); break;
        case MS_CH_COUNTRIES: have = bars(f, 0, &gp, &dat); break;
        case MS_CH_ASNS: have = bars(f, 1, &gp, &dat); break;
        default:
            have = campaign(f, (size_t)(i - MS_CH_CAMPAIGN), c, &gp, &dat);
            break;
        }
        if (have < 0)
            rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
        else if (have > 0)
            rc = save_chart(f, c, dir, &gp, &dat, err);
        ms_buf_free(&gp);
        ms_buf_free(&dat);
    }
    if (rc || !f->nscripts)
        return rc;
    /* Draw them. */
    char *prog = NULL;
    if (o && o->gnuplot && !o->gnuplot[0]) {
        f->gnuplot_state = -2;
    } else {
        if (ms_plot_find(o && o->gnuplot ? o->gnuplot : "gnuplot", &prog) ==
                MS_PLOT_NOMEM)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        f->gnuplot_state = prog ? 1 : -1;
    }
    if (prog)
        snprintf(f->gnuplot, sizeof f->gnuplot, "%s", prog);
    /* The charts in one gnuplot run per core (a start-up is most of a
     * chart's time); the charts of a run that failed are drawn again one
     * by one, so that each failure has its own reason. */
    int timeout = o && o->chart_timeout_s ? o->chart_timeout_s : 30;
    int todo[MS_REPORT_NCHARTS], ntodo = 0;
    for (int i = 0; prog && i < MS_REPORT_NCHARTS; i++)
        if (f->charts[i].state == MS_CHART_SCRIPT)
            todo[ntodo++] = i;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nruns = cores < 1 ? 1 : cores > 4 ? 4 : (int)cores;
    if (nruns > ntodo)
        nruns = ntodo;
    _Static_assert(MS_REPORT_NCHARTS <= MS_PLOT_BATCH,
                   "a gnuplot run takes every chart");
    ms_plot_job jobs[4];
    int member[4][MS_PLOT_BATCH], nmember[4] = {0}, started[4] = {0};
    int nomem = 0;
    for (int k = 0; k < ntodo; k++) {
        int r = k % nruns;
        member[r][nmember[r]++] = todo[k];
    }
    for (int r = 0; r < nruns; r++) {
        const char *names[MS_PLOT_BATCH];
        for (int i = 0; i < nmember[r]; i++)
            names[i] = f->charts[member[r][i]].name;
        char why[200];
        int s = ms_plot_start(&jobs[r], prog, dir, names, nmember[r], timeout,
                              why, sizeof why);
        started[r] = s == 0;
        nomem |= s == MS_PLOT_NOMEM;
    }
    for (int r = 0; r < nruns; r++) {
        char why[200];
        int done = started[r] ? ms_plot_wait(&jobs[r], why, sizeof why) : -1;
        for (int i = 0; i < nmember[r] && !nomem; i++) {
            ms_chart *c = &f->charts[member[r][i]];
            int got;
            if (done == 0) {
                got = ms_plot_take(&jobs[r], dir, i, &c->svg, &c->nsvg,
                                   c->why, sizeof c->why);
            } else if (done == MS_PLOT_TOO_LONG) {   /* no second wait */
                snprintf(c->why, sizeof c->why, "%s", why);
                got = -1;
            } else {
                got = ms_plot_draw(prog, dir, c->name, timeout, &c->svg,
                                   &c->nsvg, c->why, sizeof c->why);
            }
            nomem |= took(f, c, got, dir) == MS_PLOT_NOMEM;
        }
        if (started[r])
            ms_plot_done(&jobs[r]);
    }
    free(prog);
    return nomem ? ms_fail(err, MS_ERR_NOMEM, "out of memory") : 0;
}
