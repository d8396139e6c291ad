/* users.h — the --users list: the server's real accounts, one per line
 * (blank lines and # comments skipped; a CSV line counts by its first
 * field). Stored interned, for membership tests. */
#ifndef MS_USERS_H
#define MS_USERS_H

#include "core/error.h"
#include "core/intern.h"

int ms_users_load(ms_intern *t, const char *path, ms_error *err);

#endif
