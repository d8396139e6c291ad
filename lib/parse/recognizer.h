/* recognizer.h — compile every recogniser once, match lines against them.
 *
 * ms_recognizers holds the compiled rows (built-in families plus any loaded
 * with --patterns); it is read-only after loading and shared by threads.
 * ms_matcher is one thread's (one file's) working state: PCRE2 match data
 * and the join state of stateful families. Matching a line: look up the
 * families that log under its program tag (all of them for an unknown tag,
 * none for a known noise program), and in each, the first row whose literal
 * is in the body and whose pattern matches wins. */
#ifndef MS_RECOGNIZER_H
#define MS_RECOGNIZER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "parse/prefilter.h"
#include "parse/record.h"
#include "parse/rule.h"

typedef struct ms_recognizers ms_recognizers;
typedef struct ms_matcher ms_matcher;

ms_recognizers *ms_recognizers_new(ms_error *err);
void ms_recognizers_free(ms_recognizers *r);

/* Add user rules from a --patterns file (format in docs/FORMATS.md).
 * Errors name the file and line. */
int ms_recognizers_load(ms_recognizers *r, const char *path, ms_error *err);

/* Add one family (the built-ins and the --patterns loader use this). The
 * family and its strings must outlive r. */
int ms_recognizers_add(ms_recognizers *r, const ms_family *f, ms_error *err);

/* Make r free p with release when r is freed (memory behind a family
 * added with ms_recognizers_add). On error p is released at once. */
int ms_recognizers_adopt(ms_recognizers *r, void *p, void (*release)(void *),
                         ms_error *err);

/* Prefilter databases compiled ahead (parse/prebuilt.h; the CLI's are
 * compiled by the build): blob, n bytes, must outlive r. A database is
 * taken from it only for exactly the keys it was compiled from, and only
 * if this Hyperscan and CPU accept it; otherwise compiled as usual. */
void ms_recognizers_prebuilt(ms_recognizers *r, const void *blob, size_t n);

/* Compile r's prefilter databases (the rows' keys, and those with the
 * coverage words) and append them to out in the form ms_recognizers_prebuilt
 * takes. Appends nothing when r has no prefilter (built without Hyperscan).
 * 0, or -1 with err. */
int ms_recognizers_export_prefilter(ms_recognizers *r, ms_buf *out,
                                    ms_error *err);

ms_matcher *ms_matcher_new(const ms_recognizers *r);
/* The recognisers m was made from. */
const ms_recognizers *ms_matcher_recognizers(const ms_matcher *m);
void ms_matcher_free(ms_matcher *m);

/* Match one parsed line. Returns 1 with *out filled (strings point into the
 * line) when it yields an event, 0 otherwise. *rule_out (may be NULL) names
 * the row that matched even when nothing is emitted (state-only rows). -1
 * when memory ran out (compiling a row's pattern, or matching it). */
int ms_match(ms_matcher *m, const ms_record *rec, uint64_t line,
             ms_capture *out, const ms_rule **rule_out);

/* r's block prefilter (prefilter.h), built by the first to ask (the first
 * ms_matcher_new): every row's literal — or, for a row without one that can
 * yield an event, its pattern — is a key. A line with no key on it yields
 * no event and changes no state: ms_match would try no row on it but rows
 * that only take lines. NULL when there is none (built without Hyperscan,
 * or a row that can yield an event has no key). */
ms_prefilter *ms_recognizers_prefilter(const ms_recognizers *r);

/* m's own scratch for that prefilter; NULL when there is none. */
ms_prefilter_scratch *ms_matcher_scratch(ms_matcher *m);

/* The keys ms_prefilter_scan found in one line: key[i] ends at
 * base + end[i] (end may be NULL: where is not known). */
typedef struct ms_line_keys {
    const uint16_t *key;
    const uint32_t *end;
    const char *base;
    size_t n;
} ms_line_keys;

/* ms_match for a line whose keys are known (the hits ending in it): the
 * same result, without searching for the rows whose key is not there, nor
 * for a literal whose key was found inside the body. */
int ms_match_hits(ms_matcher *m, const ms_record *rec, uint64_t line,
                  const ms_line_keys *keys, ms_capture *out,
                  const ms_rule **rule_out);

/* At end of a file: 1 and an event while stateful families hold pending
 * ones (a tcpserver connection with no `end` line), then 0. Pending state
 * is cleared, ready for the next file. */
int ms_match_flush(ms_matcher *m, ms_capture *out);

#endif
