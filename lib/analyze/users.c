/* users.c — read the --users list (see users.h). */
#include "users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ms_users_load(ms_intern *t, const char *path, ms_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)   /* out of memory is fatal, not a bad setting */
        return ms_fail(err, errno == ENOMEM ? MS_ERR_NOMEM : MS_ERR_IO,
                       "%s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((errno = 0, n = getline(&line, &cap, fp)) != -1) {
        size_t len = strcspn(line, ",\r\n");
        const char *p = line;
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0 || p[0] == '#')
            continue;
        if (ms_intern_put(t, p, len) == UINT32_MAX) {
            rc = ms_fail(err, MS_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (rc == 0 && errno == ENOMEM)   /* getline could not grow line */
        rc = ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", path);
    else if (rc == 0 && ferror(fp))
        rc = ms_fail(err, MS_ERR_IO, "%s: %s", path, strerror(errno));
    free(line);
    fclose(fp);
    return rc;
}
