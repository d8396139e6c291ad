/* run_write.c — what `analyze` and `report` write into their folder: the
 * result files (output/results.h) and the report (output/report.h). The
 * events file needs only the finished store: begun as soon as it is (in a
 * thread of its own when threads > 1), it is written while the analyses
 * run. The report reads only the analysis: with a core to spare it is
 * written in a thread beside the other result files. */
#include <pthread.h>
#include <string.h>

#include "parse/pool.h"
#include "run/run_int.h"

void ms_run_write_begin(ms_run_write *wr, const ms_run_settings *s,
                        const ms_store *st)
{
    memset(wr, 0, sizeof *wr);
    if (!s->dir || !s->formats)
        return;
    wr->formats = s->formats;
    if (ms_threads(s->threads) > 1)
        wr->formats |= MS_RES_THREAD;
    ms_results_events_begin(&wr->ev, s->dir, st, wr->formats);
    wr->begun = true;
}

int ms_run_write_abort(ms_run_write *wr, ms_error *err)
{
    return wr->begun ? ms_results_events_end(&wr->ev, err) : 0;
}

typedef struct report_job {
    const ms_run_settings *s;
    ms_run_result *r;
    int rc;
    ms_error err;
} report_job;

static void *report_main(void *arg)
{
    report_job *j = arg;
    ms_report_opts o = {
        .inputs = &j->r->inputs,
        .geo = j->r->geo,
        .version = j->s->version,
    };
    j->rc = ms_report_write(j->s->dir, &j->r->an, &o, &j->r->report, &j->err);
    return NULL;
}

int ms_run_write_finish(ms_run_write *wr, const ms_run_settings *s,
                        ms_run_result *r, ms_error *err)
{
    if (!s->dir)
        return 0;
    report_job rj = {.s = s, .r = r};
    pthread_t tid;
    bool beside = s->report && (wr->formats & MS_RES_THREAD) &&
                  pthread_create(&tid, NULL, report_main, &rj) == 0;
    wr->ev.inputs = &r->inputs;   /* results.xlsx's summary */
    int results = wr->begun
                      ? ms_results_finish(s->dir, &r->an, wr->formats, &wr->ev, err)
                      : 0;
    if (beside)
        pthread_join(tid, NULL);
    else if (s->report && !results)
        report_main(&rj);
    if (ms_store_check(&r->store, err))   /* spilled events not read back */
        return -1;
    if (results)
        return -1;
    if (s->report && rj.rc) {
        if (err)
            *err = rj.err;
        return -1;
    }
    return 0;
}
