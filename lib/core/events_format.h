/* events_format.h — the events file, declared once for its writer and its
 * reader.
 *
 * `mailsleuth events` and `analyze -o` write events files
 * (output/events_out.c); `analyze` reads them back (input/events_in.c).
 * Both take from here the columns, by name and in order, and the two
 * conventions of a text cell with their inverses (docs/OUTPUTS.md says the
 * same for people):
 *
 *  - Escaping: a byte that is not clean text (output/text.h decides which:
 *    controls, DEL, bytes of invalid UTF-8, C1 and bidi characters) is
 *    written `\xNN`, two upper-case hex digits. Reading turns `\xNN` back
 *    into its byte when that is a byte escaping produces (a control, DEL,
 *    or 0x80 and above) and leaves any other `\xNN` as text. `\` itself is
 *    not escaped, so a name that held the text `\xC3` reads back as the
 *    byte: an ambiguity the format accepts.
 *  - The formula guard (CSV only; every CSV the project writes): a cell
 *    whose text starts with `=`, `+`, `-`, `@`, TAB or CR, after any number
 *    of `'`, gets one more `'` in front, so that no spreadsheet runs it.
 *    Reading drops that one `'` and gets the text back exactly. */
#ifndef MS_EVENTS_FORMAT_H
#define MS_EVENTS_FORMAT_H

#include <stddef.h>
#include <string.h>

/* The columns in the order they are written: the contract's first, then
 * the project's (docs/OUTPUTS.md, events.csv). NDJSON objects use the
 * same names. A reader finds columns by name and takes a missing one as
 * empty, so columns are only ever added, at the end. */
typedef enum ms_evcol {
    MS_EVCOL_TIME,
    MS_EVCOL_IP,
    MS_EVCOL_SERVICE,
    MS_EVCOL_SOURCE,
    MS_EVCOL_OUTCOME,
    MS_EVCOL_USER,
    MS_EVCOL_METHOD,
    MS_EVCOL_FILE,
    MS_EVCOL_LINE,
    MS_EVCOL_REASON,
    MS_EVCOL_ATTEMPTS,
    MS_EVCOL_SESSION,
    MS_EVCOL_HOST,
    MS_EVCOL_DUP_OF,
    MS_EVCOL_SERVER,
    MS_EVCOL__COUNT
} ms_evcol;

/* Their names, by ms_evcol, NULL after the last (a header row). */
extern const char *const ms_evcol_names[MS_EVCOL__COUNT + 1];

/* The column named s (n bytes, exact), or -1. */
int ms_evcol_find(const char *s, size_t n);

/* 1 if escaping may write byte c as `\xNN`. */
static inline int ms_evfmt_escapes(unsigned char c)
{
    return c < 0x20 || c >= 0x7f;
}

/* c as `\xNN` into out. */
static inline void ms_evfmt_escape(char out[4], unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[c >> 4];
    out[3] = hex[c & 15];
}

/* Undo escaping in s, in place; returns the new length. */
size_t ms_evfmt_unescape(char *s, size_t n);

/* 1 if a cell's text t (n bytes) gets the formula guard. */
static inline int ms_evfmt_guarded(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n && t[i] == '\'')
        i++;
    return i < n && t[i] != '\0' && strchr("=+-@\t\r", t[i]) != NULL;
}

/* Drop the guard from a CSV cell s, in place, if it has one; returns the
 * new length. */
size_t ms_evfmt_unguard(char *s, size_t n);

#endif
