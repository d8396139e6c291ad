/* geo_harness.h — what the two geo test programs share: a temporary folder
 * made by setup and removed by teardown, paths inside it, and a lookup
 * check. Include it in exactly one test program each. */
#ifndef GEO_HARNESS_H
#define GEO_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrich/geo.h"

static char tmpdir[64];

/* name inside the temporary folder (eight results stay valid at once) */
static const char *tmp_path(const char *name)
{
    static char p[8][256];
    static int k;
    char *s = p[k++ % 8];
    snprintf(s, 256, "%s/%s", tmpdir, name);
    return s;
}

/* Look up ip; country, asn and org must be as given. */
static void expect(ms_geo *g, const char *ip, const char *country,
                   const char *asn, const char *org)
{
    ms_ip x;
    assert_true(ms_ip_parse(ip, strlen(ip), &x));
    ms_geo_info in;
    ms_error err = {0};
    assert_int_equal(ms_geo_lookup(g, &x, &in, &err), 0);
    if (strcmp(in.country, country) || strcmp(in.asn, asn) || strcmp(in.as_org, org))
        fail_msg("%s: got (%s, %s, %s), want (%s, %s, %s)", ip, in.country,
                 in.asn, in.as_org, country, asn, org);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ms_test_geo_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
