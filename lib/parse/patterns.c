/* patterns.c — user recognisers from a --patterns file.
 *
 * The file is a list of blocks, one recogniser each:
 *
 *     # comment
 *     [myimapd-fail]
 *     source  = myimapd              (default: custom)
 *     program = myimapd imapd-ssl    (tags it logs under; default: any)
 *     outcome = auth_fail            (auth_fail, auth_ok, relay_denied, connect)
 *     service = imap                 (default: guessed from svc/program)
 *     literal = login failed         (optional prefilter)
 *     pattern = login failed for (?<user>\S*) from (?<ip>[0-9a-f.:]+)
 *
 * The pattern must have an `ip` group; `user`, `method`, `svc`, `session`,
 * `attempts` and `reason` are read when present. Each block becomes a
 * family of one row, tried after the built-in ones. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "recognizer.h"

#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

typedef struct user_family {
    ms_family fam;
    ms_rule rule;
    const char *programs[9];
} user_family;

typedef struct loaded {
    ms_arena arena;
} loaded;

static void release(void *p)
{
    loaded *l = p;
    ms_arena_free(&l->arena);
    free(l);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int finish(ms_recognizers *r, user_family *u, const char *path,
                  unsigned line, ms_error *err)
{
    if (!u)
        return 0;
    if (!u->rule.pattern)
        return ms_fail(err, MS_ERR_USAGE, "%s:%u: [%s] has no pattern", path,
                       line, u->rule.name);
    if (u->rule.outcome == MS_OUT_NONE)
        return ms_fail(err, MS_ERR_USAGE, "%s:%u: [%s] has no outcome", path,
                       line, u->rule.name);
    if (!strstr(u->rule.pattern, "(?<ip>") && !strstr(u->rule.pattern, "(?P<ip>"))
        return ms_fail(err, MS_ERR_USAGE, "%s:%u: [%s]: the pattern needs an "
                       "(?<ip>…) group", path, line, u->rule.name);
    ms_error e2 = {0};
    if (ms_recognizers_add(r, &u->fam, &e2))
        return ms_fail(err, MS_ERR_USAGE, "%s:%u: %s", path, line, e2.msg);
    return 0;
}

static int set_key(user_family *u, ms_arena *a, const char *key, char *val,
                   const char *path, unsigned line, ms_error *err)
{
    char *copy = ms_arena_strndup(a, val, strlen(val));
    if (!copy)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    if (!strcmp(key, "source")) {
        u->fam.source = copy;
    } else if (!strcmp(key, "program")) {
        size_t n = 0;
        for (char *tok = strtok(copy, " \t,"); tok && n < 8;
             tok = strtok(NULL, " \t,"))
            u->programs[n++] = tok;
        u->programs[n] = NULL;
    } else if (!strcmp(key, "outcome")) {
        int o = ms_outcome_parse(copy, strlen(copy));
        if (o <= MS_OUT_NONE || o == MS_OUT_DUPLICATE)
            return ms_fail(err, MS_ERR_USAGE, "%s:%u: unknown outcome '%s'",
                           path, line, copy);
        u->rule.outcome = (uint8_t)o;
    } else if (!strcmp(key, "service")) {
        int s = ms_service_parse(copy, strlen(copy));
        if (s < 0)
            return ms_fail(err, MS_ERR_USAGE, "%s:%u: unknown service '%s'",
                           path, line, copy);
        u->rule.service = (uint8_t)s;
    } else if (!strcmp(key, "literal")) {
        u->rule.literal = copy;
    } else if (!strcmp(key, "pattern")) {
        u->rule.pattern = copy;
    } else {
        return ms_fail(err, MS_ERR_USAGE, "%s:%u: unknown key '%s'", path,
                       line, key);
    }
    return 0;
}

int ms_recognizers_load(ms_recognizers *r, const char *path, ms_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ms_fail(err, MS_ERR_IO, "%s: %s", path, strerror(errno));
    loaded *l = calloc(1, sizeof *l);
    if (!l) {
        fclose(fp);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    ms_arena_init(&l->arena);
    if (ms_recognizers_adopt(r, l, release, err)) {
        fclose(fp);
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0;
    unsigned lineno = 0, start = 0;
    user_family *u = NULL;
    int rc = 0;
    while (rc == 0 && getline(&buf, &cap, fp) != -1) {
        lineno++;
        char *s = trim(buf);
        if (*s == '\0' || *s == '#')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || end == s + 1) {
                rc = ms_fail(err, MS_ERR_USAGE, "%s:%u: expected [name]",
                             path, lineno);
                break;
            }
            if ((rc = finish(r, u, path, start, err)))
                break;
            u = ms_arena_alloc(&l->arena, sizeof *u);
            char *name = ms_arena_strndup(&l->arena, s + 1, (size_t)(end - s - 1));
            if (!u || !name) {
                rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
                break;
            }
            memset(u, 0, sizeof *u);
            u->rule.name = name;
            u->fam.source = "custom";
            u->fam.programs = u->programs;
            u->fam.rules = &u->rule;
            u->fam.nrules = 1;
            start = lineno;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq || !u) {
            rc = ms_fail(err, MS_ERR_USAGE, "%s:%u: expected key = value "
                         "inside a [name] block", path, lineno);
            break;
        }
        *eq = '\0';
        rc = set_key(u, &l->arena, trim(s), trim(eq + 1), path, lineno, err);
    }
    if (rc == 0 && ferror(fp))
        rc = ms_fail(err, MS_ERR_IO, "%s: %s", path, strerror(errno));
    if (rc == 0)
        rc = finish(r, u, path, start, err);
    free(buf);
    fclose(fp);
    return rc;
}
