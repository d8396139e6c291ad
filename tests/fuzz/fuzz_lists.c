/* fuzz_lists.c — the two list files a user hands over: --users
 * (analyze/users.c) and --ignore (analyze/cidr.c, a file of addresses and
 * blocks), plus ms_cidr_parse on the raw bytes.
 *
 * The same bytes are loaded as both files. Users: every name kept is
 * non-empty, holds no ',', CR or LF, has no blank at either end and does
 * not start with '#'. Ignore list: all of the file or none of it (an error
 * leaves the list empty and names the file); every block kept prints and
 * parses back to itself and contains its own base. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cidr.h"
#include "analyze/users.h"
#include "core/intern.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_block(const ms_cidr *c)
{
    FZ_CHECK(c->prefix >= 0 && c->prefix <= 128);
    FZ_CHECK(ms_cidr_contains(c, &c->base));
    char buf[MS_IP_STRLEN + 4];
    size_t n = ms_cidr_format(c, buf);
    FZ_CHECK(n > 0 && n < sizeof buf && strlen(buf) == n);
    ms_cidr back;
    FZ_CHECK(ms_cidr_parse(buf, n, &back));
    FZ_CHECK(back.prefix == c->prefix);
    FZ_CHECK(memcmp(back.base.b, c->base.b, 16) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_file(data, size);

    ms_intern users;
    FZ_CHECK(ms_intern_init(&users) == 0);
    ms_error err = {0};
    FZ_CHECK(ms_users_load(&users, path, &err) == 0);
    for (uint32_t id = 1; id < users.n; id++) {
        const char *s = users.str[id];
        size_t n = users.len[id];
        FZ_CHECK(n > 0);
        FZ_CHECK(!memchr(s, ',', n) && !memchr(s, '\r', n) &&
                 !memchr(s, '\n', n));
        FZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[0] != '#');
        FZ_CHECK(s[n - 1] != ' ' && s[n - 1] != '\t');
        FZ_CHECK(ms_intern_get(&users, s, n) == id);
    }
    ms_intern_free(&users);

    ms_cidr_list l = {0};
    int rc = ms_cidr_list_add(&l, path, &err);
    if (rc < 0) {
        FZ_CHECK(l.n == 0);
        FZ_CHECK(err.msg[0] != '\0');
    }
    for (size_t i = 0; i < l.n; i++) {
        check_block(&l.v[i]);
        FZ_CHECK(ms_cidr_list_contains(&l, &l.v[i].base));
    }
    ms_cidr_list_free(&l);

    ms_cidr c;
    if (ms_cidr_parse((const char *)data, size, &c))
        check_block(&c);
    return 0;
}
