/* text.h — make attacker-chosen bytes safe to print anywhere.
 *
 * ms_text_clean appends s to b as valid UTF-8 with no control characters:
 * every byte that is not part of a valid UTF-8 sequence, every C0 control
 * (NUL, TAB, CR, LF, ESC…), DEL, the C1 controls U+0080–U+009F, and
 * the bidi and invisible format characters (U+200B–U+200F, U+202A–U+202E,
 * U+2066–U+2069, U+FEFF) are written as `\xNN` (backslash, x, two
 * upper-case hex digits; C1 as the hex of each UTF-8 byte: the notation of
 * core/events_format.h, which also undoes it). Everything else is copied
 * unchanged, so valid names stay exactly as the log gave them. This one
 * rule serves CSV, JSON, HTML (after HTML escaping) and the terminal. */
#ifndef MS_TEXT_H
#define MS_TEXT_H

#include <stddef.h>

#include "core/buf.h"

void ms_text_clean(ms_buf *b, const char *s, size_t n);

/* 1 if s needs no change from ms_text_clean. */
int ms_text_is_clean(const char *s, size_t n);

#endif
