/* geo_strs.c — the strings of geo answers (geo_strs.h): values from the
 * databases cleaned and interned, the sources' strings kept. */
#include "enrich/geo_strs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int geo_strs_init(geo_strs *t)
{
    ms_arena_init(&t->arena);
    return ms_intern_init(&t->ids);
}

void geo_strs_free(geo_strs *t)
{
    ms_intern_free(&t->ids);
    ms_arena_free(&t->arena);
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

uint32_t geo_country(geo_strs *t, const char *s, size_t n)
{
    trim(&s, &n);
    /* An ISO 3166 alpha-2 code; "None", "-", ZZ or anything else (a
     * damaged or hostile database) is unknown. */
    if (n != 2)
        return 0;
    char up[2] = {(char)(s[0] & ~0x20), (char)(s[1] & ~0x20)};
    if (up[0] < 'A' || up[0] > 'Z' || up[1] < 'A' || up[1] > 'Z')
        return 0;
    if (up[0] == 'Z' && up[1] == 'Z')
        return 0;
    return ms_intern_put(&t->ids, up, 2);
}

uint32_t geo_asn_num(geo_strs *t, uint64_t asn)
{
    if (asn == 0)
        return 0;
    char as[32];
    int k = snprintf(as, sizeof as, "AS%llu", (unsigned long long)asn);
    return ms_intern_put(&t->ids, as, (size_t)k);
}

uint32_t geo_asn_str(geo_strs *t, const char *s, size_t n)
{
    trim(&s, &n);
    if (n >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
        s += 2;
        n -= 2;
    }
    if (n == 0 || n > 19)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return geo_asn_num(t, v);
}

uint32_t geo_org(geo_strs *t, const char *s, size_t n)
{
    trim(&s, &n);
    return n ? ms_intern_put(&t->ids, s, n) : 0;
}

const char *geo_keep(geo_strs *t, const char *s)
{
    return ms_arena_strndup(&t->arena, s, strlen(s));
}

const char *geo_sidecar_attribution(geo_strs *t, const char *path)
{
    size_t n = strlen(path);
    char *side = malloc(n + 13);
    if (!side)
        return NULL;
    memcpy(side, path, n);
    memcpy(side + n, ".attribution", 13);
    FILE *fp = fopen(side, "r");
    free(side);
    if (!fp)
        return NULL;
    char buf[2048];
    size_t k = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    /* Lines joined by one space; blank lines and control bytes dropped. */
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c < 0x20 || c == 0x7f || (c == ' ' && (o == 0 || buf[o - 1] == ' ')))
            continue;
        buf[o++] = (char)c;
    }
    while (o && buf[o - 1] == ' ')
        o--;
    buf[o] = '\0';
    return o ? ms_arena_strndup(&t->arena, buf, o) : NULL;
}

