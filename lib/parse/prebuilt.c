/* prebuilt.c — see prebuilt.h. The fingerprint is FNV-1a over the count,
 * then each key's flags and its expression with its terminating NUL (so no
 * two lists share a byte stream). A database found is proven before use:
 * Hyperscan checks its version, platform and checksum on deserializing, and
 * a scratch is allocated and an empty buffer scanned with it. */
#include "prebuilt.h"

#include <stdlib.h>
#include <string.h>

#include "ms_config.h"

#if MS_HAVE_HYPERSCAN
#include <hs.h>
#endif

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * UINT64_C(0x100000001b3);
    return h;
}

uint64_t ms_prebuilt_key(const char *const *expr, const unsigned *flags,
                         size_t n)
{
    uint64_t h = fnv(UINT64_C(0xcbf29ce484222325), &(uint64_t){n}, 8);
    for (size_t i = 0; i < n; i++) {
        h = fnv(h, &(uint32_t){flags[i]}, 4);
        h = fnv(h, expr[i], strlen(expr[i]) + 1);
    }
    return h;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

#if MS_HAVE_HYPERSCAN
static void put64(ms_buf *b, uint64_t v)
{
    unsigned char p[8];
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> 8 * i);
    ms_buf_add(b, p, 8);
}

static int no_hit(unsigned id, unsigned long long from, unsigned long long to,
                  unsigned flags, void *ctx)
{
    return 0;
}

/* Will db scan here? Hyperscan checks the platform when asked to scan. */
static int scans_here(const hs_database_t *db)
{
    hs_scratch_t *s = NULL;
    int ok = hs_alloc_scratch(db, &s) == HS_SUCCESS &&
             hs_scan(db, "", 0, 0, s, no_hit, NULL) == HS_SUCCESS;
    hs_free_scratch(s);
    return ok;
}
#endif

/* The entry after *off in blob: its key and bytes; 0 at the end or at a
 * cut entry. */
static int entry(const unsigned char *p, size_t n, size_t *off, uint64_t *key,
                 const unsigned char **bytes, size_t *size)
{
    if (!p || n - *off < 16)
        return 0;
    uint64_t k = get64(p + *off), len = get64(p + *off + 8);
    if (len > n - *off - 16)
        return 0;
    *key = k;
    *bytes = p + *off + 16;
    *size = (size_t)len;
    *off += 16 + (size_t)len;
    return 1;
}

size_t ms_prebuilt_keys(const void *blob, size_t n, uint64_t *keys,
                        size_t max)
{
    size_t off = 0, count = 0, size;
    uint64_t k;
    const unsigned char *bytes;
    while (entry(blob, n, &off, &k, &bytes, &size)) {
        if (count < max)
            keys[count] = k;
        count++;
    }
    return count;
}

void *ms_prebuilt_find(const void *blob, size_t n, uint64_t key)
{
#if MS_HAVE_HYPERSCAN
    size_t off = 0, size;
    uint64_t k;
    const unsigned char *bytes;
    while (entry(blob, n, &off, &k, &bytes, &size)) {
        if (k != key)
            continue;
        hs_database_t *db = NULL;
        if (hs_deserialize_database((const char *)bytes, size, &db) !=
            HS_SUCCESS)
            return NULL;
        if (scans_here(db))
            return db;
        hs_free_database(db);
        return NULL;
    }
#else
    (void)blob, (void)n, (void)key;
#endif
    return NULL;
}

int ms_prebuilt_append(ms_buf *out, uint64_t key, const void *db)
{
#if MS_HAVE_HYPERSCAN
    char *bytes = NULL;
    size_t size = 0;
    if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS)
        return -1;
    put64(out, key);
    put64(out, size);
    ms_buf_add(out, bytes, size);
    free(bytes);
    return out->failed ? -1 : 0;
#else
    (void)out, (void)key, (void)db;
    return -1;
#endif
}
