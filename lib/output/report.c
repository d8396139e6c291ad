/* report.c — write report.md and report.html (see report.h).
 *
 * Count the figures (report_facts.c), write and draw the charts
 * (report_charts.c), then render the one text (report_sections.c) twice
 * through the document writer (report_doc.c): as Markdown, and as the body
 * of the HTML page. Each file is written whole or not at all. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "output/report_int.h"
#include "output/results.h"

static int render(const char *dir, const ms_rfacts *f, const ms_report_opts *o,
                  int html, ms_error *err)
{
    ms_buf body = {0}, page = {0};
    ms_doc d = {.b = &body, .html = html};
    ms_report_body(&d, f, o);
    char title[MS_REPORT_TITLE];
    ms_report_title(title, sizeof title, f);
    ms_doc_page(&page, title, &body, html);
    int rc;
    if (body.failed || page.failed || d.tmp.failed)
        rc = ms_fail(err, MS_ERR_NOMEM, "%s/report.%s: out of memory", dir,
                     html ? "html" : "md");
    else
        rc = ms_plot_save(dir, html ? "report.html" : "report.md", &page, err);
    ms_doc_free(&d);
    ms_buf_free(&body);
    ms_buf_free(&page);
    return rc;
}

int ms_report_write(const char *dir, const ms_analysis *a,
                    const ms_report_opts *o, ms_report_result *res,
                    ms_error *err)
{
    static const ms_report_opts none = {0};
    if (!o)
        o = &none;
    if (res)
        memset(res, 0, sizeof *res);
    if (ms_results_mkdir(dir, err))
        return -1;
    ms_rfacts *f = calloc(1, sizeof *f);
    if (!f)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    int rc = -1;
    if (ms_rfacts_init(f, a, o->inputs)) {
        ms_fail(err, MS_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (ms_report_charts(f, dir, o, err) || render(dir, f, o, 0, err) ||
        render(dir, f, o, 1, err)) {
        ms_report_charts_unwind(f, dir);
        goto out;
    }
    if (res) {
        res->charts = (int)f->nscripts;
        res->drawn = (int)f->ndrawn;
        res->gnuplot_found = f->gnuplot_state == 1;
    }
    rc = 0;
out:
    ms_rfacts_free(f);
    free(f);
    return rc;
}
