/* prefilter_form.c — see prefilter_form.h. One pass over the pattern,
 * copying it: escapes and classes are copied whole (a '^', '$' or '(' in
 * them is not syntax), anchors are left out, and at depth 0 the last
 * required group's place in the copy is remembered for reduce. */
#include "prefilter_form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* pat[i] opens a group: does it set options for what follows ("(?i)")? */
static int option_group(const char *pat, size_t i)
{
    if (pat[i + 1] != '?')
        return 0;
    size_t k = i + 2;
    while ((pat[k] >= 'a' && pat[k] <= 'z') || (pat[k] >= 'A' && pat[k] <= 'Z') ||
           pat[k] == '-' || pat[k] == '^')
        k++;
    return pat[k] == ')';
}

char *ms_prefilter_form(const char *pat, int reduce)
{
    static const char *const refuse[] = {"\\Q", "(?#", "(*", "(?(", NULL};
    for (size_t k = 0; refuse[k]; k++)
        if (strstr(pat, refuse[k]))
            return NULL;
    for (const char *q = strstr(pat, "(?"); q; q = strstr(q + 1, "(?")) {
        for (const char *f = q + 2; (*f >= 'a' && *f <= 'z') ||
                                    (*f >= 'A' && *f <= 'Z') || *f == '-'; f++)
            if (*f == 'x')
                return NULL;   /* extended mode: '#' comments, spaces */
    }
    size_t n = strlen(pat), j = 0, open_at = 0, keep_from = SIZE_MAX, keep_to = 0;
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    int depth = 0, sequence = 1;
    for (size_t i = 0; i < n; i++) {
        char c = pat[i];
        if (c == '\\') {
            if (i + 1 >= n)
                goto refused;
            char d = pat[++i];
            if (d == 'A' || d == 'z' || d == 'Z' || d == 'G')
                continue;
            o[j++] = c;
            o[j++] = d;
            continue;
        }
        if (c == '[') {   /* a class, copied through its ']' */
            size_t k = i + 1;
            if (k < n && pat[k] == '^')
                k++;
            if (k < n && pat[k] == ']')
                k++;
            while (k < n && pat[k] != ']') {
                if (pat[k] == '\\') {
                    k += 2;
                    continue;
                }
                if (pat[k] == '[' && k + 1 < n && pat[k + 1] == ':') {
                    const char *e = strstr(pat + k + 2, ":]");
                    if (!e)
                        goto refused;
                    k = (size_t)(e - pat) + 2;
                    continue;
                }
                k++;
            }
            if (k >= n)
                goto refused;
            memcpy(o + j, pat + i, k - i + 1);
            j += k - i + 1;
            i = k;
            continue;
        }
        if (c == '^' || c == '$')
            continue;
        if (c == '(') {
            if (depth == 0) {
                open_at = j;
                if (option_group(pat, i))
                    sequence = 0;
            }
            depth++;
            if (pat[i + 1] == '?' && pat[i + 2] == '|') {
                memcpy(o + j, "(?:", 3);
                j += 3;
                i += 2;
                continue;
            }
            o[j++] = c;
            continue;
        }
        if (c == ')') {
            if (depth == 0)
                goto refused;
            o[j++] = c;
            if (--depth == 0) {
                char q = pat[i + 1];
                int optional = q == '?' || q == '*' ||
                               (q == '{' && (pat[i + 2] == '0' || pat[i + 2] == ','));
                const char *g = o + open_at;
                int look = strncmp(g, "(?=", 3) == 0 || strncmp(g, "(?!", 3) == 0 ||
                           strncmp(g, "(?<=", 4) == 0 || strncmp(g, "(?<!", 4) == 0;
                if (!optional && !look && !option_group(o, open_at)) {
                    keep_from = open_at;
                    keep_to = j;
                }
            }
            continue;
        }
        if (c == '|' && depth == 0)
            sequence = 0;
        o[j++] = c;
    }
    if (depth)
        goto refused;
    o[j] = '\0';
    if (reduce) {
        if (!sequence || keep_from == SIZE_MAX)
            goto refused;
        memmove(o, o + keep_from, keep_to - keep_from);
        o[keep_to - keep_from] = '\0';
    }
    return o;
refused:
    free(o);
    return NULL;
}
