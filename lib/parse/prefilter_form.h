/* prefilter_form.h — a row's PCRE2 pattern rewritten as a Hyperscan
 * prefilter: an expression that matches wherever the pattern could match a
 * body inside a line (it may match more, never less).
 *
 * Every anchor (^ $ \A \z \Z \G) is dropped, since a body is part of a
 * line, and branch resets "(?|" become plain groups (the same language).
 * With reduce, only the last top-level group is kept, when the pattern is
 * one sequence (no top-level '|' nor option setting) and that group is
 * required (not followed by ?, * or {0): any part of a sequence matches
 * where the whole does. Syntax this does not follow (\Q, extended mode,
 * comments, verbs, conditionals, unbalanced groups) is refused. Plain
 * string work: whether Hyperscan takes the result is the caller's to try. */
#ifndef MS_PREFILTER_FORM_H
#define MS_PREFILTER_FORM_H

/* The rewritten pattern (the caller frees it), or NULL: refused, or
 * memory ran out. */
char *ms_prefilter_form(const char *pattern, int reduce);

#endif
