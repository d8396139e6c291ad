/* test_report.c — the incident report's parts (lib/output/report*.c,
 * plot.c): Markdown and HTML escaping of hostile names (markup, links,
 * autolinks, bidi controls, invalid UTF-8), SHA-256 and base64 (the HTML
 * page's content security policy depends on them), finding a program in
 * PATH, running a fake gnuplot (success, failure with its message, a hang
 * stopped by the time limit), and a whole report of a small analysis with
 * charts turned off: both files written, chart scripts and data left,
 * the same bytes twice, no raw markup from the names (users, hosts,
 * folders), a table of its two servers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/analysis.h"
#include "output/plot.h"
#include "output/report.h"
#include "output/report_int.h"

static char *esc(int html, const char *s, size_t n)
{
    ms_buf t = {0}, b = {0};
    ms_report_clean(&t, s, n);
    if (html)
        ms_html_escape(&b, t.p ? t.p : "", t.n);
    else
        ms_md_escape(&b, t.p ? t.p : "", t.n);
    ms_buf_addc(&b, '\0');
    ms_buf_free(&t);
    return b.p;
}

static void check(int html, const char *in, const char *want)
{
    char *got = esc(html, in, strlen(in));
    assert_string_equal(got, want);
    free(got);
}

static void test_md_escape(void **state)
{
    (void)state;
    check(0, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    check(0, "[x](http://evil)", "\\[x\\](http\\://evil)");
    check(0, "![i](x.png)", "\\!\\[i\\](x.png)");
    check(0, "**b**|`c`_d_~e~", "\\*\\*b\\*\\*\\|\\`c\\`\\_d\\_\\~e\\~");
    check(0, "=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")");
    check(0, "bob@example.org", "bob\\@example.org");
    check(0, "www.evil.example", "www\\.evil.example");
    check(0, "a&lt;b", "a&amp;lt;b");
    check(0, "\x1b[31mred", "\\\\x1B\\[31mred");
    check(0, "bad\xff", "bad\\\\xFF");
    check(0, "12:30 ok", "12:30 ok");
    /* U+202E (right-to-left override) is shown, not obeyed. */
    check(0, "rl\xe2\x80\xaeo", "rl\\\\xE2\\\\x80\\\\xAEo");
    check(0, "\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9",
          "\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9");
}

static void test_html_escape(void **state)
{
    (void)state;
    check(1, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    check(1, "<img src=x onerror=\"a('1')\">",
          "&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;");
    check(1, "a&b", "a&amp;b");
    check(1, "\x1b[0m\r\n", "\\x1B[0m\\x0D\\x0A");
    check(1, "x\xef\xbb\xbfy\xe2\x80\x8bz", "x\\xEF\\xBB\\xBFy\\xE2\\x80\\x8Bz");
    char *nul = esc(1, "a\0b", 3);
    assert_string_equal(nul, "a\\x00b");
    free(nul);
}

static void test_sha256_base64(void **state)
{
    (void)state;
    char out[45];
    ms_sha256_b64("abc", 3, out);
    assert_string_equal(out, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    ms_sha256_b64("", 0, out);
    assert_string_equal(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    /* 56 bytes: the padding spills into a second block. */
    ms_sha256_b64("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
    assert_string_equal(out, "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=");
    ms_buf b = {0};
    ms_base64(&b, "foobar", 6);
    ms_base64(&b, "fo", 2);
    ms_buf_addc(&b, '\0');
    assert_string_equal(b.p, "Zm9vYmFyZm8=");
    ms_buf_free(&b);
}

/* Durations as the report and the reasons say them. */
static void test_duration(void **state)
{
    (void)state;
    static const struct { double secs; const char *text; } cases[] = {
        {-1, "?"}, {0, "under 1 s"}, {0.4, "under 1 s"}, {1, "1 s"},
        {59.4, "59 s"}, {59.6, "1 min"}, {250, "4 min 10 s"},
        {599.4, "9 min 59 s"}, {600, "10 min"}, {2370, "40 min"},
        {3590, "1 h"}, {27000, "7 h 30 min"}, {50400, "14 h"},
        {86000, "1 day"}, {136800, "1 day 14 h"}, {172800, "2 days"},
        {86400 * 474.4, "474 days"}};
    char buf[48];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = ms_duration_format(cases[i].secs, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
    }
    char small[6];   /* cut, still terminated */
    assert_int_equal(ms_duration_format(250, small, sizeof small), 5);
    assert_string_equal(small, "4 min");
}

/* ---- running gnuplot -------------------------------------------------- */

static void write_exec(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, 0755), 0);
}

/* A fake gnuplot: -d, then per chart -e "…pngout='P'; svgout='S'" NAME.gp;
 * it writes P and S (an SVG naming the script) for each. */
static const char fake_ok[] =
    "#!/bin/sh\n"
    "shift\n"
    "while [ $# -ge 3 ]; do\n"
    "  png=$(printf %s \"$2\" | sed \"s/.*pngout='\\([^']*\\)'.*/\\1/\")\n"
    "  svg=$(printf %s \"$2\" | sed \"s/.*svgout='\\([^']*\\)'.*/\\1/\")\n"
    "  [ -f \"$3\" ] || exit 3\n"
    "  printf 'PNG' > \"$png\"\n"
    "  printf '<svg>%s</svg>' \"$3\" > \"$svg\"\n"
    "  shift 3\n"
    "done\n";
static const char fake_fail[] =
    "#!/bin/sh\necho >&2\necho 'plot oops' >&2\necho '     ^' >&2\n"
    "echo '\"chart-x.gp\" line 3: undefined variable: oops' >&2\n"
    "echo >&2\nexit 1\n";
static const char fake_hang[] = "#!/bin/sh\nexec sleep 20\n";

static void test_plot(void **state)
{
    (void)state;
    char dir[] = "/tmp/ms-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], prog[256];
    snprintf(path, sizeof path, "%s/chart-x.gp", dir);
    write_exec(path, "plot x\n");

    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", dir, 1);
    char *found = NULL;
    assert_int_equal(ms_plot_find("no-such-gnuplot", &found), -1);
    assert_null(found);
    snprintf(prog, sizeof prog, "%s/fakeplot", dir);
    write_exec(prog, fake_ok);
    assert_int_equal(ms_plot_find("fakeplot", &found), 0);
    assert_non_null(found);
    assert_string_equal(found, prog);
    free(found);
    assert_int_equal(ms_plot_find(prog, &found), 0);
    assert_string_equal(found, prog);
    free(found);
    setenv("PATH", "", 1);
    assert_int_equal(ms_plot_find("fakeplot", &found), -1);
    assert_null(found);
    if (old)
        setenv("PATH", old, 1);
    free(old);

    char *svg = NULL, why[200];
    size_t nsvg = 0;
    assert_int_equal(ms_plot_draw(prog, dir, "chart-x", 10, &svg, &nsvg, why,
                                  sizeof why), 0);
    assert_int_equal(nsvg, 21);
    assert_memory_equal(svg, "<svg>chart-x.gp</svg>", 21);
    free(svg);
    snprintf(path, sizeof path, "%s/chart-x.png", dir);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);

    /* Two charts in one run, each collected; a missing script fails the
     * run, and nothing of it is left. */
    snprintf(path, sizeof path, "%s/chart-y.gp", dir);
    write_exec(path, "plot x\n");
    const char *both[] = {"chart-x", "chart-y"};
    ms_plot_job j;
    assert_int_equal(ms_plot_start(&j, prog, dir, both, 2, 10, why,
                                   sizeof why), 0);
    assert_int_equal(ms_plot_wait(&j, why, sizeof why), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ms_plot_take(&j, dir, i, &svg, &nsvg, why,
                                      sizeof why), 0);
        char want[64];
        snprintf(want, sizeof want, "<svg>%s.gp</svg>", both[i]);
        assert_int_equal(nsvg, strlen(want));
        assert_memory_equal(svg, want, nsvg);
        free(svg);
        snprintf(path, sizeof path, "%s/%s.png", dir, both[i]);
        assert_int_equal(access(path, F_OK), 0);
        unlink(path);
    }
    ms_plot_done(&j);
    const char *gone[] = {"chart-x", "chart-none"};
    assert_int_equal(ms_plot_start(&j, prog, dir, gone, 2, 10, why,
                                   sizeof why), 0);
    assert_int_equal(ms_plot_wait(&j, why, sizeof why), -1);
    assert_non_null(strstr(why, "exit status 3"));
    ms_plot_done(&j);
    snprintf(path, sizeof path, "%s/chart-y.gp", dir);
    unlink(path);

    write_exec(prog, fake_fail);
    assert_int_equal(ms_plot_draw(prog, dir, "chart-x", 10, &svg, &nsvg, why,
                                  sizeof why), -1);
    assert_null(svg);
    assert_non_null(strstr(why, "undefined variable: oops"));
    assert_int_not_equal(access(path, F_OK), 0);

    write_exec(prog, fake_hang);
    assert_int_equal(ms_plot_draw(prog, dir, "chart-x", 1, &svg, &nsvg, why,
                                  sizeof why), -1);
    assert_non_null(strstr(why, "longer than 1 s"));

    /* Names that could break out of the -e string are refused. */
    assert_int_equal(ms_plot_draw(prog, dir, "x'; system('id", 1, &svg, &nsvg,
                                  why, sizeof why), -1);

    /* Nothing but the script and the fake are left. */
    unlink(prog);
    snprintf(path, sizeof path, "%s/chart-x.gp", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- a whole report --------------------------------------------------- */

/* An event of file, whose line carries host ("" none). */
static void add_on(ms_store *s, uint32_t file, const char *host,
                   const char *ip, int at, ms_outcome o, const char *user,
                   uint64_t line)
{
    ms_event e = {.time = (ms_secs_from_fields(2025, 5, 4, 1, 0, 0) + at) *
                          MS_NS_PER_S,
                  .outcome = (uint8_t)o, .service = MS_SVC_IMAP,
                  .attempts = 1, .line = line, .source = "dovecot"};
    assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    e.user = (ms_str){user, (uint32_t)strlen(user)};
    e.method = (ms_str){"PLAIN", 5};
    e.host = (ms_str){host, (uint32_t)strlen(host)};
    e.reason = e.session = (ms_str){"", 0};
    assert_int_equal(ms_store_add(s, &e, file), 0);
}

static void add(ms_store *s, const char *ip, int at, ms_outcome o,
                const char *user, uint64_t line)
{
    add_on(s, 0, "mx<1>", ip, at, o, user, line);
}

static char *slurp(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    ms_buf b = {0};
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        ms_buf_add(&b, chunk, k);
    fclose(fp);
    ms_buf_addc(&b, '\0');
    return b.p;
}

/* The store finished and analysed with the default options. */
static void analyze_store(ms_store *s, ms_analysis *a)
{
    assert_int_equal(ms_store_finish(s), 0);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    assert_int_equal(ms_analyze(s, &o, a, NULL), 0);
}

/* The end of a report test: its folder removed, its analysis freed. */
static void finish(const char *dir, ms_analysis *a, ms_store *s)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    ms_analysis_free(a);
    ms_store_free(s);
}

static void test_report(void **state)
{
    (void)state;
    static const char *const names[] = {"<script>alert(1)</script>",
        "=HYPERLINK(\"x\")", "\x1b[31mred", "[a](http://e)", "root", "admin"};
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_int_equal(ms_store_add_file(&s, "mail<b>.log"), 0);
    uint64_t line = 1;
    /* One address failing on many hostile names, one honest user. */
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 6; i++)
            add(&s, "192.0.2.7", r * 600 + i * 30, MS_OUT_AUTH_FAIL, names[i],
                line++);
    add(&s, "198.51.100.2", 100, MS_OUT_AUTH_FAIL, "alice", line++);
    add(&s, "198.51.100.2", 105, MS_OUT_AUTH_OK, "alice", line++);
    /* A second server: a file in a folder with a hostile name, lines
     * without a host. */
    assert_int_equal(ms_store_add_file(&s, "pop/current"), 1);
    const char *pop = "[pop](http://e)<i>";
    assert_int_equal(ms_store_set_server(&s, 1, pop, strlen(pop)), 0);
    add_on(&s, 1, "", "192.0.2.7", 50, MS_OUT_AUTH_FAIL, "root", 1);
    add_on(&s, 1, "", "203.0.113.9", 60, MS_OUT_AUTH_OK, "bob", 2);
    ms_analysis a;
    analyze_store(&s, &a);

    char dir[] = "/tmp/ms-report-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[64];
    snprintf(out, sizeof out, "%.30s/new/folder", dir);
    ms_report_opts ro = {.gnuplot = "", .version = "mailsleuth test"};
    ms_report_result res;
    ms_error err = {0};
    assert_int_equal(ms_report_write(out, &a, &ro, &res, &err), 0);
    assert_true(res.charts >= 2);
    assert_int_equal(res.drawn, 0);
    char *md = slurp(out, "report.md"), *html = slurp(out, "report.html");
    assert_non_null(md);
    assert_non_null(html);
    assert_non_null(strstr(md, "# Mail server attacks, 4 May 2025"));
    assert_non_null(strstr(md, "Charts were not drawn (turned off)"));
    assert_non_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(md, "<script"));
    assert_null(strstr(md, "[a](http"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(html, "<script>alert"));
    assert_null(strstr(html, "mail<b>"));
    assert_null(strstr(html, "mx<1>"));
    assert_null(strchr(md, '\x1b'));
    assert_null(strchr(html, '\x1b'));
    assert_non_null(strstr(html, "Content-Security-Policy"));
    /* The servers: counted in the headline, a row each, names escaped. */
    assert_non_null(strstr(md, "2 mail servers (\\[pop\\](http\\://e)&lt;i&gt; and "
                           "mx&lt;1&gt;)"));
    assert_non_null(strstr(md, "\n## Servers\n"));
    assert_non_null(strstr(md, "| mx&lt;1&gt; | 20 | 19 | 1 | 2 |"));
    assert_non_null(strstr(md, "(http\\://e)&lt;i&gt; | 2 | 1 | 1 | 2 |"));
    assert_null(strstr(html, "<i>"));
    char *gp = slurp(out, "chart-activity.gp"), *dat = slurp(out, "chart-activity.dat");
    assert_non_null(gp);
    assert_non_null(dat);
    assert_null(strstr(gp, "script"));

    /* Same analysis, same bytes. */
    assert_int_equal(ms_report_write(out, &a, &ro, NULL, &err), 0);
    char *md2 = slurp(out, "report.md"), *html2 = slurp(out, "report.html");
    assert_string_equal(md, md2);
    assert_string_equal(html, html2);
    free(md);
    free(html);
    free(md2);
    free(html2);
    free(gp);
    free(dat);

    finish(dir, &a, &s);
}

/* A fake gnuplot that draws every chart but chart-hours. */
static const char fake_no_hours[] =
    "#!/bin/sh\n"
    "shift\n"
    "while [ $# -ge 3 ]; do\n"
    "  if [ \"$3\" = chart-hours.gp ]; then\n"
    "    echo '\"chart-hours.gp\" line 9: no hours today' >&2; exit 1\n"
    "  fi\n"
    "  png=$(printf %s \"$2\" | sed \"s/.*pngout='\\([^']*\\)'.*/\\1/\")\n"
    "  svg=$(printf %s \"$2\" | sed \"s/.*svgout='\\([^']*\\)'.*/\\1/\")\n"
    "  printf 'PNG' > \"$png\"\n"
    "  printf '<svg>%s</svg>' \"$3\" > \"$svg\"\n"
    "  shift 3\n"
    "done\n";

/* Charts go to gnuplot several to a run; when a run fails, its charts are
 * drawn one by one, so only the chart at fault is missing, with its own
 * reason. */
static void test_report_chart_fails(void **state)
{
    (void)state;
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_int_equal(ms_store_add_file(&s, "mail.log"), 0);
    for (int i = 0; i < 40; i++)
        add(&s, i % 2 ? "192.0.2.7" : "192.0.2.8", i * 700, MS_OUT_AUTH_FAIL,
            i % 3 ? "root" : "admin", (uint64_t)i + 1);
    ms_analysis a;
    analyze_store(&s, &a);

    char dir[] = "/tmp/ms-charts-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char prog[256], out[256];
    snprintf(prog, sizeof prog, "%s/fakeplot", dir);
    write_exec(prog, fake_no_hours);
    snprintf(out, sizeof out, "%s/out", dir);
    ms_report_opts ro = {.gnuplot = prog, .version = "mailsleuth test"};
    ms_report_result res;
    ms_error err = {0};
    assert_int_equal(ms_report_write(out, &a, &ro, &res, &err), 0);
    assert_true(res.charts >= 2);
    assert_int_equal(res.drawn, res.charts - 1);
    char *md = slurp(out, "report.md"), *hours = slurp(out, "chart-hours.gp");
    assert_non_null(md);
    assert_non_null(strstr(md, "no hours today"));
    assert_non_null(hours);   /* kept, to be drawn by hand */
    char *act = slurp(out, "chart-activity.png");
    assert_non_null(act);
    free(md);
    free(hours);
    free(act);

    /* A gnuplot that hangs: each run is stopped at its limit, and its
     * charts are not waited for again one by one. */
    write_exec(prog, "#!/bin/sh\necho run >> \"$0.runs\"\nexec sleep 20\n");
    ro.chart_timeout_s = 1;
    assert_int_equal(ms_report_write(out, &a, &ro, &res, &err), 0);
    assert_int_equal(res.drawn, 0);
    md = slurp(out, "report.md");
    assert_non_null(strstr(md, "longer than"));
    free(md);
    char *runs = slurp(dir, "fakeplot.runs");
    assert_non_null(runs);
    int nruns = 0;
    for (const char *p = runs; (p = strstr(p, "run")); p += 3)
        nruns++;
    assert_true(nruns >= 1 && nruns <= res.charts);   /* no run again */
    free(runs);

    finish(dir, &a, &s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md_escape),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_sha256_base64),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_plot),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_report_chart_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
