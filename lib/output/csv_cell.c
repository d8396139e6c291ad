/* csv_cell.c — see csv_cell.h. Text that needs cleaning is cleaned into a
 * buffer of its own first, since both neutralising and quoting depend on
 * what the clean text holds. */
#include "csv_cell.h"

#include <string.h>

#include "core/events_format.h"
#include "output/text.h"

/* Clean text t as one cell: neutralised, quoted when it must be. */
static void clean_cell(ms_buf *b, const char *t, size_t tn)
{
    int formula = ms_evfmt_guarded(t, tn);
    int quote = formula || t[0] == ' ' || t[tn - 1] == ' ' ||
                memchr(t, ',', tn) || memchr(t, '"', tn);
    if (!quote) {
        ms_buf_add(b, t, tn);
        return;
    }
    ms_buf_addc(b, '"');
    if (formula)
        ms_buf_addc(b, '\'');
    for (size_t i = 0; i < tn; i++) {
        if (t[i] == '"')
            ms_buf_addc(b, '"');
        ms_buf_addc(b, t[i]);
    }
    ms_buf_addc(b, '"');
}

void ms_csv_cell(ms_buf *b, const char *s, size_t n, int sep)
{
    if (sep)
        ms_buf_addc(b, ',');
    if (n == 0)
        return;
    /* The common cell, printable ASCII with no comma or quote, in one pass. */
    static const unsigned char is_plain[256] = {
        [' ' ... '!'] = 1, ['#' ... '+'] = 1, ['-' ... '~'] = 1,
    };
    size_t plain = 0;
    while (plain < n && is_plain[(unsigned char)s[plain]])
        plain++;
    if (plain == n && s[0] != ' ' && s[n - 1] != ' ' && !ms_evfmt_guarded(s, n)) {
        ms_buf_add(b, s, n);
        return;
    }
    if (ms_text_is_clean(s, n)) {
        clean_cell(b, s, n);
        return;
    }
    /* Rare (hostile bytes): a buffer of its own, no state kept between
     * cells or threads. */
    ms_buf tmp = {0};
    ms_text_clean(&tmp, s, n);
    if (tmp.failed)
        b->failed = 1;
    else
        clean_cell(b, tmp.p, tmp.n);
    ms_buf_free(&tmp);
}

#define MEMO_MIN 16   /* shorter cells are escaped anew: as cheap */

void ms_csv_cell_memo(ms_buf *b, ms_csv_memo *m, const char *s, size_t n,
                      int sep)
{
    if (n < MEMO_MIN) {
        ms_csv_cell(b, s, n, sep);
        return;
    }
    if (m->src.failed || m->cell.failed || m->src.n != n ||
        memcmp(m->src.p, s, n) != 0) {
        m->src.n = m->cell.n = 0;
        m->src.failed = m->cell.failed = 0;
        ms_buf_add(&m->src, s, n);
        ms_csv_cell(&m->cell, s, n, 0);
    }
    if (m->src.failed || m->cell.failed) {
        ms_csv_cell(b, s, n, sep);   /* no room to remember: write it */
        return;
    }
    if (sep)
        ms_buf_addc(b, ',');
    ms_buf_add(b, m->cell.p, m->cell.n);
}

void ms_csv_memo_free(ms_csv_memo *m)
{
    ms_buf_free(&m->src);
    ms_buf_free(&m->cell);
}

void ms_csv_cells(ms_buf *b, const char *s, int sep)
{
    ms_csv_cell(b, s, strlen(s), sep);
}

void ms_csv_header(ms_buf *b, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        ms_csv_cells(b, names[i], i > 0);
    ms_buf_addc(b, '\n');
}
