/* test_results.c — the result writers (lib/output/results.c) on a store and
 * an analysis built by hand: two ips (IPv4, IPv6) and an event with no
 * address, one cluster, a ban block and a single ban, one compromise, and
 * hostile names (a spreadsheet formula; invalid UTF-8 with a newline), and
 * servers (a file's hostile folder label, one line's host).
 * Checks the contract's headers, neutralisation, JSON that parses back with
 * the same fields as the CSV, byte-identical rewrites, the quick views and
 * the nft / ipset / plain ban lists, and that one failing file does not
 * stop the others. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/analysis.h"
#include "output/csv_cell.h"
#include "output/results.h"

#define FORMULA "=HYPERLINK(\"x\")"
#define BADNAME "bad\xff\nname"

typedef struct fixture {
    ms_store s;
    ms_analysis a;
    uint32_t ip4, ip6;
    char dir[64];
} fixture;

static ms_time t0(double plus)
{
    return ms_secs_from_fields(2007, 1, 21, 9, 51, 25) * MS_NS_PER_S +
           (ms_time)(plus * 1e9);
}

static void add_on(ms_store *s, const char *host, const char *ip, double at,
                   ms_outcome o, ms_service svc, const char *src,
                   const char *user, uint64_t line)
{
    ms_event e = {.time = t0(at), .outcome = (uint8_t)o, .service = (uint8_t)svc,
                  .attempts = 1, .line = line, .source = src};
    if (ip)
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    e.user = (ms_str){user, (uint32_t)strlen(user)};
    e.method = (ms_str){"PLAIN", 5};
    e.reason = e.session = (ms_str){"", 0};
    e.host = (ms_str){host, (uint32_t)strlen(host)};
    assert_int_equal(ms_store_add(s, &e, 0), 0);
}



static uint32_t ip_id(const ms_store *s, const char *text)
{
    ms_ip ip;
    assert_true(ms_ip_parse(text, strlen(text), &ip));
    uint32_t id = ms_intern_get(&s->ips, (const char *)ip.b, sizeof ip.b);
    assert_int_not_equal(id, UINT32_MAX);
    return id;
}

static uint32_t user_id(const ms_store *s, const char *u)
{
    uint32_t id = ms_intern_get(&s->users, u, strlen(u));
    assert_int_not_equal(id, UINT32_MAX);
    return id;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ms_store *s = &f->s;
    assert_int_equal(ms_store_init(s), 0);
    assert_int_equal(ms_store_add_file(s, "/var/log/mail.log"), 0);
    /* The file's server label (a folder) is hostile; one line names its
     * host, which is that event's server. */
    assert_int_equal(ms_store_set_server(s, 0, "=mx1", 4), 0);
    /* The IPv6 address is seen first, so its id is lower: output order
     * must still put IPv4 first. */
    add_on(s, "", "2001:db8::5", 0, MS_OUT_AUTH_FAIL, MS_SVC_IMAP, "dovecot", "admin", 1);
    add_on(s, "", "192.0.2.10", 1, MS_OUT_AUTH_FAIL, MS_SVC_SMTP, "postfix", FORMULA, 2);
    add_on(s, "", "::ffff:192.0.2.10", 2.5, MS_OUT_AUTH_FAIL, MS_SVC_SMTP, "postfix",
        BADNAME, 3);
    add_on(s, "", NULL, 3, MS_OUT_CONNECT, MS_SVC_SMTP, "tcpserver", "", 4);
    add_on(s, "", "192.0.2.10", 10, MS_OUT_AUTH_OK, MS_SVC_IMAP, "dovecot", FORMULA, 5);
    add_on(s, "pop.example", "2001:db8::5", 12.25, MS_OUT_AUTH_FAIL, MS_SVC_IMAP,
           "dovecot", "root", 6);
    assert_int_equal(ms_store_finish(s), 0);

    ms_analysis *a = &f->a;
    a->store = s;
    f->ip4 = ip_id(s, "192.0.2.10");
    f->ip6 = ip_id(s, "2001:db8::5");
    a->ip = calloc(s->ips.n, sizeof *a->ip);
    a->honest = calloc(s->n, 1);
    assert_non_null(a->ip);
    assert_non_null(a->honest);
    a->ip[f->ip4] = (ms_ipinfo){
        .first = t0(1), .last = t0(10), .events = 3, .failures = 2,
        .successes = 1, .distinct_users = 2, .peak_hour = 2,
        .median_gap_s = 4.75, .cluster = 1, .score = 90, .verdict = MS_BAN,
        .confidence = "high", .reasons = FORMULA " then a success; 2 failures",
        .country = "US", .asn = "AS64500", .as_org = "Example, Inc."};
    a->ip[f->ip6] = (ms_ipinfo){
        .first = t0(0), .last = t0(12.25), .events = 2, .failures = 2,
        .distinct_users = 2, .median_gap_s = -1, .cluster = 1, .score = 40,
        .verdict = MS_WATCH, .confidence = "low", .reasons = "",
        .country = "DE", .asn = "AS64501", .as_org = "Beispiel GmbH"};

    static uint32_t members[2], order[2];
    members[0] = f->ip4;
    members[1] = f->ip6;
    order[0] = user_id(s, "admin");
    order[1] = user_id(s, FORMULA);
    static ms_cluster cl;
    cl = (ms_cluster){.id = 1, .members = members, .nmembers = 2,
                      .attempts = 4, .first = t0(0), .last = t0(12.25),
                      .order = order, .norder = 2, .median_handoff_s = 1,
                      .median_ip_gap_s = 6.125,
                      .services = 1u << MS_SVC_IMAP | 1u << MS_SVC_SMTP,
                      .evidence = FORMULA " tried in the same order by 2 ips"};
    a->clusters = &cl;
    a->nclusters = 1;

    static ms_ban bans[2];
    ms_ip v4, v6;
    ms_ip_parse("192.0.2.10", 10, &v4);
    ms_ip_parse("2001:db8::5", 11, &v6);
    bans[0] = (ms_ban){.net = ms_cidr_of(&v4, 96 + 24), .score = 90,
                       .confidence = "high", .reasons = "-1 block of " BADNAME,
                       .first = t0(1), .last = t0(10), .failures = 2,
                       .cluster = 1, .nips = 1};
    bans[1] = (ms_ban){.net = ms_cidr_of(&v6, 128), .score = 40,
                       .confidence = "low", .reasons = "campaign member",
                       .first = t0(0), .last = t0(12.25), .failures = 2,
                       .cluster = 0, .nips = 1};
    a->bans = bans;
    a->nbans = 2;

    static ms_compromise comp;
    comp = (ms_compromise){.ip = f->ip4, .user = user_id(s, FORMULA),
                           .time = t0(10), .order = 4,
                           .evidence = "success after 2 failures"};
    ms_store_event(s, 4, &comp.event);
    a->compromised = &comp;
    a->ncompromised = 1;

    strcpy(f->dir, "/tmp/ms_results_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f->a.ip);
    free(f->a.honest);
    ms_store_free(&f->s);
    free(f);
    return 0;
}

/* The whole file, NUL-terminated; *n its length. */
static char *slurp(const char *dir, const char *name, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, fp), (size_t)len);
    p[len] = '\0';
    fclose(fp);
    if (n)
        *n = (size_t)len;
    return p;
}

static size_t count_lines(const char *p)
{
    size_t n = 0;
    for (; *p; p++)
        n += *p == '\n';
    return n;
}

static const char *const names[] = {
    "events", "timeline", "ips", "clusters", "cluster_members", "geo",
    "bans", "compromised",
};

/* docs/OUTPUTS.md's contract columns, word for word. */
static const char *const contract[] = {
    "time,ip,service,source,outcome,user,method,file,line",
    "ip,time,outcome,user,service,gap_s",
    "ip,first_seen,last_seen,failures,successes,distinct_users,cluster_id,"
    "country,asn,as_org,score,verdict",
    "cluster_id,ips,attempts,first_seen,last_seen,user_order,evidence",
    "cluster_id,ip",
    "country,asn,as_org,ips,attempts",
    "ip,score,confidence,reasons,first_seen,last_seen,failures,cluster_id",
    "ip,user,time,evidence",
};

/* Data rows expected in each file. */
static const size_t rows[] = {6, 5, 2, 1, 2, 2, 2, 1};

static void test_write_csv_and_json(void **state)
{
    fixture *f = *state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/out/sub", f->dir);   /* parents created */
    ms_error err = {0};
    assert_int_equal(ms_results_write(dir, &f->a, MS_RES_CSV | MS_RES_JSON,
                                      &err), 0);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755);

    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char file[64];
        snprintf(file, sizeof file, "%s.csv", names[k]);
        char *csv = slurp(dir, file, NULL);
        size_t hn = strlen(contract[k]);
        if (strncmp(csv, contract[k], hn) != 0 ||
            (csv[hn] != ',' && csv[hn] != '\n'))
            fail_msg("%s: header %.*s", file, (int)strcspn(csv, "\n"), csv);
        /* No cell broke a row: one line per row, plus the header. */
        assert_int_equal(count_lines(csv), rows[k] + 1);
        assert_null(strstr(csv, ",=HYPERLINK"));
        assert_null(strchr(csv, '\r'));

        /* JSON: same fields, same order, same number of rows. */
        snprintf(file, sizeof file, "%s.json", names[k]);
        char *js = slurp(dir, file, NULL);
        json_error_t je;
        json_t *arr;
        if (k == 0) {   /* events.json is NDJSON */
            arr = json_array();
            for (char *line = js; *line;) {
                char *nl = strchr(line, '\n');
                assert_non_null(nl);
                json_t *o = json_loadb(line, (size_t)(nl - line), 0, &je);
                if (!o)
                    fail_msg("%s: %s", file, je.text);
                json_array_append_new(arr, o);
                line = nl + 1;
            }
        } else {
            arr = json_loads(js, 0, &je);
            if (!arr)
                fail_msg("%s: %s", file, je.text);
        }
        assert_true(json_is_array(arr));
        assert_int_equal(json_array_size(arr), rows[k]);
        json_t *first = json_array_get(arr, 0);
        const char *col = csv;
        const char *key;
        json_t *val;
        json_object_foreach(first, key, val) {
            size_t cn = strcspn(col, ",\n");
            if (strlen(key) != cn || strncmp(key, col, cn) != 0)
                fail_msg("%s: key %s, column %.*s", file, key, (int)cn, col);
            col += cn + (col[cn] == ',');
        }
        assert_int_equal(*col, '\n');
        json_decref(arr);
        free(js);
        free(csv);
    }

    /* Neutralised, escaped, quoted. */
    char *ev = slurp(dir, "events.csv", NULL);
    assert_non_null(strstr(ev, ",\"'=HYPERLINK(\"\"x\"\")\","));
    assert_non_null(strstr(ev, ",bad\\xFF\\x0Aname,"));
    assert_non_null(strstr(ev, "\n2007-01-21T09:51:28Z,,smtp,tcpserver,"
                               "connect,,PLAIN,/var/log/mail.log,4,"));
    assert_non_null(strstr(ev, ",/var/log/mail.log,1,,1,,,,\"'=mx1\"\n"));
    assert_non_null(strstr(ev, ",/var/log/mail.log,6,,1,,pop.example,,"
                               "pop.example\n"));
    free(ev);
    char *tl = slurp(dir, "timeline.csv", NULL);
    const char *want_tl =
        "192.0.2.10,2007-01-21T09:51:26Z,auth_fail,\"'=HYPERLINK(\"\"x\"\")\",smtp,,postfix,PLAIN,,/var/log/mail.log,2\n"
        "192.0.2.10,2007-01-21T09:51:27.5Z,auth_fail,bad\\xFF\\x0Aname,smtp,1.5,postfix,PLAIN,,/var/log/mail.log,3\n"
        "192.0.2.10,2007-01-21T09:51:35Z,auth_ok,\"'=HYPERLINK(\"\"x\"\")\",imap,7.5,dovecot,PLAIN,,/var/log/mail.log,5\n"
        "2001:db8::5,2007-01-21T09:51:25Z,auth_fail,admin,imap,,dovecot,PLAIN,,/var/log/mail.log,1\n"
        "2001:db8::5,2007-01-21T09:51:37.25Z,auth_fail,root,imap,12.25,dovecot,PLAIN,,/var/log/mail.log,6\n";
    assert_string_equal(strchr(tl, '\n') + 1, want_tl);
    free(tl);
    char *ips = slurp(dir, "ips.csv", NULL);
    assert_string_equal(
        strchr(ips, '\n') + 1,
        "192.0.2.10,2007-01-21T09:51:26Z,2007-01-21T09:51:35Z,2,1,2,1,US,AS64500,\"Example, Inc.\",90,ban,0,0,0,2,4.75,high,\"'=HYPERLINK(\"\"x\"\") then a success; 2 failures\",\"'=mx1\"\n"
        "2001:db8::5,2007-01-21T09:51:25Z,2007-01-21T09:51:37.25Z,2,0,2,1,DE,AS64501,Beispiel GmbH,40,watch,0,0,0,0,,low,,\"'=mx1; pop.example\"\n");
    free(ips);
    char *cl = slurp(dir, "clusters.csv", NULL);
    assert_string_equal(
        strchr(cl, '\n') + 1,
        "1,2,4,2007-01-21T09:51:25Z,2007-01-21T09:51:37.25Z,"
        "\"admin > =HYPERLINK(\"\"x\"\")\",\"'=HYPERLINK(\"\"x\"\") tried in the same order by 2 ips\",1,6.125,imap smtp,"
        "DE (1); US (1),\"AS64500 Example, Inc. (1); AS64501 Beispiel GmbH (1)\"\n");
    free(cl);
    char *mem = slurp(dir, "cluster_members.csv", NULL);
    assert_string_equal(mem, "cluster_id,ip\n1,192.0.2.10\n1,2001:db8::5\n");
    free(mem);
    char *geo = slurp(dir, "geo.csv", NULL);
    assert_string_equal(geo, "country,asn,as_org,ips,attempts,banned_ips\n"
                             "DE,AS64501,Beispiel GmbH,1,2,0\n"
                             "US,AS64500,\"Example, Inc.\",1,2,1\n");
    free(geo);
    char *bans = slurp(dir, "bans.csv", NULL);
    assert_string_equal(
        strchr(bans, '\n') + 1,
        "192.0.2.0/24,90,high,\"'-1 block of bad\\xFF\\x0Aname\",2007-01-21T09:51:26Z,2007-01-21T09:51:35Z,2,1,1\n"
        "2001:db8::5,40,low,campaign member,2007-01-21T09:51:25Z,2007-01-21T09:51:37.25Z,2,,1\n");
    free(bans);
    char *co = slurp(dir, "compromised.csv", NULL);
    assert_string_equal(
        strchr(co, '\n') + 1,
        "192.0.2.10,\"'=HYPERLINK(\"\"x\"\")\",2007-01-21T09:51:35Z,success after 2 failures,imap,/var/log/mail.log,5\n");
    free(co);

    /* JSON values: cleaned strings, numbers, nulls. */
    char *js = slurp(dir, "timeline.json", NULL);
    json_t *arr = json_loads(js, 0, NULL);
    assert_non_null(arr);
    json_t *r0 = json_array_get(arr, 0), *r1 = json_array_get(arr, 1);
    assert_true(json_is_null(json_object_get(r0, "gap_s")));
    assert_string_equal(json_string_value(json_object_get(r0, "user")), FORMULA);
    assert_string_equal(json_string_value(json_object_get(r1, "user")),
                        "bad\\xFF\\x0Aname");
    assert_true(json_is_real(json_object_get(r1, "gap_s")));
    assert_true(json_real_value(json_object_get(r1, "gap_s")) == 1.5);
    assert_non_null(strstr(js, "\"gap_s\":1.5,"));
    assert_non_null(strstr(js, "\"gap_s\":12.25,"));
    json_decref(arr);
    free(js);
    js = slurp(dir, "bans.json", NULL);
    arr = json_loads(js, 0, NULL);
    assert_non_null(arr);
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "ip")),
                        "192.0.2.0/24");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "cluster_id")), 1);
    assert_true(json_is_null(json_object_get(json_array_get(arr, 1), "cluster_id")));
    json_decref(arr);
    free(js);
}

/* Every result file of d1 and d2 is the same, byte for byte. */
static void same_files(const char *d1, const char *d2)
{
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        for (int j = 0; j < 2; j++) {
            char file[64];
            size_t n1, n2;
            snprintf(file, sizeof file, "%s.%s", names[k], j ? "json" : "csv");
            char *a = slurp(d1, file, &n1), *b = slurp(d2, file, &n2);
            assert_int_equal(n1, n2);
            assert_memory_equal(a, b, n1);
            free(a);
            free(b);
        }
}

static void test_deterministic(void **state)
{
    fixture *f = *state;
    char d1[128], d2[128];
    snprintf(d1, sizeof d1, "%s/one", f->dir);
    snprintf(d2, sizeof d2, "%s/two", f->dir);
    ms_error err;
    assert_int_equal(ms_results_write(d1, &f->a, MS_RES_CSV | MS_RES_JSON, &err), 0);
    /* The events file by a thread of its own: the same bytes. */
    assert_int_equal(ms_results_write(d2, &f->a, MS_RES_CSV | MS_RES_JSON |
                                      MS_RES_THREAD, &err), 0);
    /* And over existing files. */
    assert_int_equal(ms_results_write(d2, &f->a, MS_RES_CSV | MS_RES_JSON, &err), 0);
    same_files(d1, d2);
    /* In two steps, the events file begun from the store alone, in a
     * thread or not: the same bytes. */
    for (int thread = 0; thread < 2; thread++) {
        char d3[128];
        snprintf(d3, sizeof d3, "%s/steps%d", f->dir, thread);
        unsigned fm = MS_RES_CSV | MS_RES_JSON | (thread ? MS_RES_THREAD : 0);
        ms_results_events ev;
        ms_results_events_begin(&ev, d3, f->a.store, fm);
        assert_int_equal(ms_results_finish(d3, &f->a, fm, &ev, &err), 0);
        same_files(d1, d3);
    }
}

/* The events file alone, when the analyses fail after it was begun: it is
 * written whole, nothing else is; its own failure comes back from end. */
static void test_events_alone(void **state)
{
    fixture *f = *state;
    char d[128], path[192];
    ms_error err = {0};
    ms_results_events ev;
    snprintf(d, sizeof d, "%s/alone", f->dir);
    ms_results_events_begin(&ev, d, f->a.store, MS_RES_CSV | MS_RES_THREAD);
    assert_int_equal(ms_results_events_end(&ev, &err), 0);
    size_t n;
    char *csv = slurp(d, "events.csv", &n);
    assert_true(n > 0 && csv[n - 1] == '\n');
    free(csv);
    snprintf(path, sizeof path, "%s/timeline.csv", d);
    assert_int_not_equal(access(path, F_OK), 0);

    snprintf(path, sizeof path, "%s/events.csv", d);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    ms_results_events_begin(&ev, d, f->a.store, MS_RES_CSV | MS_RES_THREAD);
    assert_int_equal(ms_results_events_end(&ev, &err), -1);
    assert_non_null(strstr(err.msg, "events.csv"));
}

static void test_formats_and_failure(void **state)
{
    fixture *f = *state;
    char d[128], path[192];
    ms_error err = {0};
    snprintf(d, sizeof d, "%s/csvonly", f->dir);
    assert_int_equal(ms_results_write(d, &f->a, MS_RES_CSV, &err), 0);
    snprintf(path, sizeof path, "%s/ips.csv", d);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/ips.json", d);
    assert_int_not_equal(access(path, F_OK), 0);

    /* ips.csv cannot replace a directory: that file fails, the rest are
     * written, err names it. */
    snprintf(d, sizeof d, "%s/broken", f->dir);
    assert_int_equal(mkdir(d, 0755), 0);
    snprintf(path, sizeof path, "%s/ips.csv", d);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(ms_results_write(d, &f->a, MS_RES_CSV | MS_RES_JSON, &err), -1);
    assert_non_null(strstr(err.msg, "ips.csv"));
    snprintf(path, sizeof path, "%s/compromised.json", d);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/ips.json", d);
    assert_int_equal(access(path, F_OK), 0);

    /* The events file fails in its own thread: err names it, the others
     * are written. */
    snprintf(d, sizeof d, "%s/broken-events", f->dir);
    assert_int_equal(mkdir(d, 0755), 0);
    snprintf(path, sizeof path, "%s/events.csv", d);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(ms_results_write(d, &f->a, MS_RES_CSV | MS_RES_THREAD,
                                      &err), -1);
    assert_non_null(strstr(err.msg, "events.csv"));
    snprintf(path, sizeof path, "%s/timeline.csv", d);
    assert_int_equal(access(path, F_OK), 0);

    /* A directory under a file cannot be made. */
    snprintf(d, sizeof d, "%s/csvonly/ips.csv/x", f->dir);
    assert_int_equal(ms_results_write(d, &f->a, MS_RES_CSV, &err), -1);
    assert_non_null(strstr(err.msg, "ips.csv/x"));
}

static void test_quick_views(void **state)
{
    fixture *f = *state;
    ms_buf b = {0};
    ms_results_timeline(&b, &f->a, 0);
    ms_buf_addc(&b, '\0');
    assert_false(b.failed);
    static const char head[] =
        "ip,time,outcome,user,service,gap_s,source,method,honest,file,line\n";
    assert_memory_equal(b.p, head, sizeof head - 1);
    /* An ip's events together, in time order, with the gap since the last. */
    assert_non_null(strstr(
        b.p,
        "2001:db8::5,2007-01-21T09:51:25Z,auth_fail,admin,imap,,dovecot,PLAIN,,/var/log/mail.log,1\n"
        "2001:db8::5,2007-01-21T09:51:37.25Z,auth_fail,root,imap,12.25,dovecot,PLAIN,,/var/log/mail.log,6\n"));
    b.n = 0;
    ms_results_timeline(&b, &f->a, 1);
    ms_buf_addc(&b, '\0');
    json_t *j = json_loads(b.p, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 5);
    json_decref(j);

    b.n = 0;
    ms_results_clusters(&b, &f->a, 1);
    ms_buf_addc(&b, '\0');
    j = json_loads(b.p, 0, NULL);
    assert_non_null(j);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(j, 0), "user_order")),
        "admin > " FORMULA);
    assert_true(json_real_value(json_object_get(json_array_get(j, 0),
                                                "median_ip_gap_s")) == 6.125);
    json_decref(j);

    b.n = 0;
    ms_results_bans(&b, &f->a, MS_BANS_PLAIN);
    ms_buf_addc(&b, '\0');
    assert_string_equal(b.p, "192.0.2.0/24\n2001:db8::5\n");

    b.n = 0;
    ms_results_bans(&b, &f->a, MS_BANS_NFT);
    ms_buf_addc(&b, '\0');
    assert_string_equal(
        b.p,
        "#!/usr/sbin/nft -f\n"
        "# mailsleuth ban list: load with `nft -f FILE`; the sets are emptied, then refilled.\n"
        "add table inet filter\n"
        "add set inet filter mailsleuth_ban4 { type ipv4_addr; flags interval; }\n"
        "flush set inet filter mailsleuth_ban4\n"
        "add element inet filter mailsleuth_ban4 { 192.0.2.0/24 }\n"
        "add set inet filter mailsleuth_ban6 { type ipv6_addr; flags interval; }\n"
        "flush set inet filter mailsleuth_ban6\n"
        "add element inet filter mailsleuth_ban6 { 2001:db8::5 }\n");

    b.n = 0;
    ms_results_bans(&b, &f->a, MS_BANS_IPSET);
    ms_buf_addc(&b, '\0');
    assert_string_equal(
        b.p,
        "create mailsleuth_ban4 hash:net family inet -exist\n"
        "flush mailsleuth_ban4\n"
        "add mailsleuth_ban4 192.0.2.0/24 -exist\n"
        "create mailsleuth_ban6 hash:net family inet6 -exist\n"
        "flush mailsleuth_ban6\n"
        "add mailsleuth_ban6 2001:db8::5 -exist\n");

    b.n = 0;
    ms_results_bans(&b, &f->a, MS_BANS_CSV);
    ms_buf_addc(&b, '\0');
    assert_int_equal(strncmp(b.p, contract[6], strlen(contract[6])), 0);
    assert_int_equal(count_lines(b.p), 3);

    b.n = 0;
    ms_results_bans(&b, &f->a, MS_BANS_JSON);
    ms_buf_addc(&b, '\0');
    j = json_loads(b.p, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 2);
    json_decref(j);
    ms_buf_free(&b);
}

static void test_empty(void **state)
{
    fixture *f = *state;
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_int_equal(ms_store_finish(&s), 0);
    ms_analysis a = {.store = &s};
    char d[128];
    snprintf(d, sizeof d, "%s/empty", f->dir);
    ms_error err;
    assert_int_equal(ms_results_write(d, &a, MS_RES_CSV | MS_RES_JSON, &err), 0);
    char *p = slurp(d, "geo.json", NULL);
    assert_string_equal(p, "[]\n");
    free(p);
    p = slurp(d, "events.json", NULL);
    assert_string_equal(p, "");
    free(p);
    p = slurp(d, "timeline.csv", NULL);
    assert_string_equal(p, "ip,time,outcome,user,service,gap_s,source,method,"
                           "honest,file,line\n");
    free(p);
    ms_buf b = {0};
    ms_results_bans(&b, &a, MS_BANS_PLAIN);
    assert_int_equal(b.n, 0);
    ms_buf_free(&b);
    ms_store_free(&s);
}

/* A column memo writes what a fresh cell would, whatever buffer the text
 * comes in: the same buffer with new text, hostile text, short text. */
static void test_csv_memo(void **state)
{
    (void)state;
    static const char *const cells[] = {
        "/var/log/mail.log.1", "/var/log/mail.log.1", "=cmd|' /C calc'!A0 xx",
        "/var/log/mail,log.2", "short", "/var/log/mail.log.1",
        "/var/log/mail.log.1 ", "/var/log/mail.log.1",
    };
    ms_csv_memo m = {0};
    char buf[64];   /* one buffer for every cell, as a row's scratch */
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        size_t n = strlen(cells[i]);
        memcpy(buf, cells[i], n);
        ms_buf got = {0}, want = {0};
        ms_csv_cell_memo(&got, &m, buf, n, i > 0);
        ms_csv_cell(&want, cells[i], n, i > 0);
        assert_int_equal(got.n, want.n);
        assert_memory_equal(got.p, want.p, want.n);
        ms_buf_free(&got);
        ms_buf_free(&want);
    }
    ms_csv_memo_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_csv_and_json),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_formats_and_failure),
        cmocka_unit_test(test_events_alone),
        cmocka_unit_test(test_quick_views),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_csv_memo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
