/* inputs.c — see inputs.h. */
#include "inputs.h"

#include <stdlib.h>
#include <string.h>

static ms_input_file *grow(ms_inputs *in)
{
    ms_input_file *v = realloc(in->v, (in->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    in->v = v;
    memset(&v[in->n], 0, sizeof v[in->n]);
    return &v[in->n++];
}

int ms_inputs_add_scan(ms_inputs *in, const ms_file_scan *f, uint64_t events)
{
    ms_input_file *x = grow(in);
    if (!x || !(x->name = strdup(f->name)))
        return -1;
    x->kind = f->opened ? ms_codec_name(f->codec) : "unreadable";
    x->lines = f->lines;
    x->bytes = f->bytes;
    x->cut_lines = f->cut_lines;
    x->first = f->first;
    x->last = f->last;
    x->events = events;
    if ((!f->opened || f->damaged) && !(x->error = strdup(f->error.msg)))
        return -1;
    if (f->nunmatched) {
        x->unmatched = calloc(f->nunmatched, sizeof *x->unmatched);
        if (!x->unmatched)
            return -1;
        for (size_t k = 0; k < f->nunmatched; k++) {
            ms_unmatched *u = &x->unmatched[k];
            *u = f->unmatched[k];
            for (unsigned e = 0; e < u->nexamples; e++)
                if (!(u->examples[e] = strdup(f->unmatched[k].examples[e]))) {
                    while (e--)   /* the row is not counted: free its own */
                        free(u->examples[e]);
                    return -1;
                }
            x->nunmatched++;
        }
    }
    return 0;
}

int ms_inputs_add_events(ms_inputs *in, const char *name, uint64_t events,
                         const char *error)
{
    ms_input_file *x = grow(in);
    if (!x || !(x->name = strdup(name)))
        return -1;
    x->kind = "events";
    x->events = events;
    x->first = x->last = MS_TIME_NONE;
    if (error && !(x->error = strdup(error)))
        return -1;
    return 0;
}

int ms_inputs_add_skipped(ms_inputs *in, const char *name, const char *why)
{
    ms_input_skipped *v = realloc(in->skipped, (in->nskipped + 1) * sizeof *v);
    if (!v)
        return -1;
    in->skipped = v;
    ms_input_skipped *x = &v[in->nskipped];
    x->name = strdup(name);
    x->why = strdup(why);
    if (!x->name || !x->why) {
        free(x->name);
        free(x->why);
        return -1;
    }
    in->nskipped++;
    return 0;
}

void ms_inputs_free(ms_inputs *in)
{
    for (size_t i = 0; i < in->n; i++) {
        ms_input_file *x = &in->v[i];
        free(x->name);
        free(x->error);
        for (size_t k = 0; k < x->nunmatched; k++)
            for (unsigned e = 0; e < x->unmatched[k].nexamples; e++)
                free(x->unmatched[k].examples[e]);
        free(x->unmatched);
    }
    free(in->v);
    for (size_t i = 0; i < in->nskipped; i++) {
        free(in->skipped[i].name);
        free(in->skipped[i].why);
    }
    free(in->skipped);
    memset(in, 0, sizeof *in);
}
