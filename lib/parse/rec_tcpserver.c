/* rec_tcpserver.c — ucspi-tcp's tcpserver (qmail's front door), rblsmtpd and
 * qmail-smtpd's RBL lines.
 *
 * `tcpserver -v` logs each connection on several lines, joined by the child
 * pid (multilog, tai64nlocal or syslog form, `tcpserver[123]:` or
 * `tcpserver:`, also behind splogger's `qmail: 1157520813.485077 `):
 *   status: 200/200                          (state only)
 *   pid 28241 from 24.220.50.36              remember pid -> ip
 *   ok 28241 local:72.3.142.43:110 remote:24.220.50.36:info:41979
 *                                            local port -> service
 *   deny 28241 local:ip:port remote:ip:info:port   refused by tcprules
 *   end 28241 status 256                     the child's wait status
 * The hook keeps one entry per open connection and emits ONE `connect` event
 * per connection, dated and numbered by its first line: at `end` (reason
 * `status N`), at `deny` (reason `deny`), or, for a connection whose end
 * never came, when its pid is reused, when the table must evict it, or from
 * flush at end of input (reason `unfinished`). The remote address is taken
 * from `pid … from` (the whole rest of the line); the `ok` line's remote
 * field is used only when that line was missing, and only when the remote
 * host name (a PTR record, which ucspi-tcp6 does not clean of ':') holds no
 * ':'. The table is a FIFO ring indexed by an open-addressing pid hash; it
 * grows to TCP_CAP_MAX entries, then evicts the oldest.
 *
 * rblsmtpd (`rblsmtpd: 1.2.3.4 pid 19597: 451 …`, and the old
 * `rblsmtpd: relays.ordb.org blocked 1.2.3.4 …`) and the badiprbl patch of
 * qmail-smtpd give `relay_denied` events with source `qmail`. */
#include "parse/families.h"

#include <stdlib.h>
#include <string.h>

enum { T_STATUS, T_PID, T_OK, T_DENY, T_END, T_QMAIL };

#define PFX "^(?:[^\\s:]+ )?(?:[^\\s:]+: (?:@?[0-9a-fA-F.]+ )?)?"
#define TCPS PFX "tcpserver(?:\\[\\d+\\])?: "
#define IP "(?<ip>[0-9a-fA-F.:]+)"
/* local:ip:port remotehost:ip:info:port — the remote ip only when the
 * remote host name is free of ':' and the ip is followed by :info:port. */
#define CONN "(?<pid>\\d+) \\S*:(?<svc>\\d+) (?:[^\\s:]*:(?<ip>(?:\\d{1,3}\\.){3}\\d{1,3}" \
             "|[0-9a-fA-F]{0,4}:[0-9a-fA-F:.]{0,45})(?=:[^:\\s]*:\\d+\\s*$))?"

static const ms_rule rules[] = {
    [T_STATUS] = {"tcpserver-status", "tcpserver",
     TCPS "status: \\d+/\\d+",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, T_STATUS},
    [T_PID] = {"tcpserver-pid", "tcpserver",
     TCPS "pid (?<pid>\\d+) from " IP "\\s*$",
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, T_PID},
    [T_OK] = {"tcpserver-ok", "tcpserver",
     TCPS "ok " CONN,
     MS_OUT_NONE, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, T_OK},
    [T_DENY] = {"tcpserver-deny", "tcpserver",
     TCPS "deny " CONN,
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, "deny", T_DENY},
    [T_END] = {"tcpserver-end", "tcpserver",
     TCPS "end (?<pid>\\d+) (?<reason>status (?<status>\\d+))\\s*$",
     MS_OUT_CONNECT, MS_SVC_UNKNOWN, MS_LAYER_FRONT, NULL, T_END},
    [T_QMAIL] = {"rblsmtpd-reject", "rblsmtpd",
     PFX "rblsmtpd(?:\\[\\d+\\])?: (?:::ffff:)?" IP " pid (?<pid>\\d+)(?: [^\\s:]+)?: [45]\\d\\d",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rbl", T_QMAIL},
    {"rblsmtpd-blocked", "blocked",
     PFX "rblsmtpd(?:\\[\\d+\\])?: \\S+ blocked (?<ip>\\d{1,3}(?:\\.\\d{1,3}){3}) ",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rbl", T_QMAIL},
    {"qmail-smtpd-badiprbl", "badiprbl",
     PFX "qmail-smtpd(?:\\[\\d+\\])?: [45]\\d\\d badiprbl: ip " IP " rbl: ",
     MS_OUT_RELAY_DENIED, MS_SVC_SMTP, MS_LAYER_FRONT, "rbl", T_QMAIL},
};

/* ---- the connection table ---- */

#define TCP_CAP_MIN 256u
#define TCP_CAP_MAX 65536u

typedef struct conn {
    uint32_t pid;
    uint8_t live, has_ip, service;
    ms_ip ip;
    ms_stamp ts;
    uint64_t line;
} conn;

typedef struct tcp_state {
    conn *ring;          /* oldest first from head; dead slots are holes */
    uint32_t cap, head, used, live;
    int32_t *index;      /* pid -> ring slot, -1 empty; 2 * cap slots */
    conn out;            /* the connection an event is being made of */
    char host[64];       /* host of the last line, for flushed events */
    uint32_t host_n;
} tcp_state;

static uint32_t slot_of(const tcp_state *s, uint32_t pid)
{
    return (pid * 2654435761u) & (2 * s->cap - 1);
}

/* Position in the index of pid, or -1. */
static int64_t index_find(const tcp_state *s, uint32_t pid)
{
    uint32_t mask = 2 * s->cap - 1;
    for (uint32_t k = slot_of(s, pid);; k = (k + 1) & mask) {
        int32_t r = s->index[k];
        if (r < 0)
            return -1;
        if (s->ring[r].pid == pid)
            return k;
    }
}

static void index_put(tcp_state *s, uint32_t pid, int32_t ring_slot)
{
    uint32_t mask = 2 * s->cap - 1, k = slot_of(s, pid);
    while (s->index[k] >= 0)
        k = (k + 1) & mask;
    s->index[k] = ring_slot;
}

/* Linear probing deletion without tombstones: shift later keys back. */
static void index_del(tcp_state *s, uint32_t k)
{
    uint32_t mask = 2 * s->cap - 1, j = k;
    for (;;) {
        j = (j + 1) & mask;
        int32_t r = s->index[j];
        if (r < 0)
            break;
        uint32_t home = slot_of(s, s->ring[r].pid);
        /* May r move into the hole at k? Only if home is not in (k, j]. */
        if ((j > k && (home <= k || home > j)) ||
            (j < k && (home <= k && home > j))) {
            s->index[k] = r;
            k = j;
        }
    }
    s->index[k] = -1;
}

static void trim(tcp_state *s)
{
    while (s->used > 0 && !s->ring[s->head].live) {
        s->head = (s->head + 1) % s->cap;
        s->used--;
    }
}

/* Copy the live entries, oldest first, into a ring of new_cap slots. */
static int rebuild(tcp_state *s, uint32_t new_cap)
{
    conn *ring = malloc(new_cap * sizeof *ring);
    int32_t *index = malloc(2 * (size_t)new_cap * sizeof *index);
    if (!ring || !index) {
        free(ring);
        free(index);
        return -1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->used; i++) {
        const conn *c = &s->ring[(s->head + i) % s->cap];
        if (c->live)
            ring[n++] = *c;
    }
    free(s->ring);
    free(s->index);
    s->ring = ring;
    s->index = index;
    s->cap = new_cap;
    s->head = 0;
    s->used = s->live = n;
    memset(index, 0xff, 2 * (size_t)new_cap * sizeof *index);
    for (uint32_t i = 0; i < n; i++)
        index_put(s, ring[i].pid, (int32_t)i);
    return 0;
}

static void drop(tcp_state *s, int64_t k)
{
    conn *c = &s->ring[s->index[k]];
    c->live = 0;
    s->live--;
    index_del(s, (uint32_t)k);
    trim(s);
}

/* A new entry for pid; when the full table must evict its oldest entry,
 * that one is copied to *evicted and 1 returned. NULL *slot: no memory. */
static int push(tcp_state *s, uint32_t pid, conn **slot, conn *evicted)
{
    int ev = 0;
    *slot = NULL;
    if (s->used == s->cap) {
        if (s->live <= s->cap / 2 || s->cap < TCP_CAP_MAX) {
            uint32_t want = s->live <= s->cap / 2 ? s->cap : s->cap * 2;
            if (rebuild(s, want))
                return 0;
        } else {
            *evicted = s->ring[s->head];
            drop(s, index_find(s, evicted->pid));
            ev = 1;
        }
    }
    uint32_t r = (s->head + s->used) % s->cap;
    s->used++;
    s->live++;
    conn *c = &s->ring[r];
    memset(c, 0, sizeof *c);
    c->pid = pid;
    c->live = 1;
    index_put(s, pid, (int32_t)r);
    *slot = c;
    return ev;
}

static void *state_new(void)
{
    tcp_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cap = TCP_CAP_MIN;
    s->ring = calloc(s->cap, sizeof *s->ring);
    s->index = malloc(2 * (size_t)s->cap * sizeof *s->index);
    if (!s->ring || !s->index) {
        free(s->ring);
        free(s->index);
        free(s);
        return NULL;
    }
    memset(s->index, 0xff, 2 * (size_t)s->cap * sizeof *s->index);
    return s;
}

static void state_free(void *st)
{
    tcp_state *s = st;
    if (!s)
        return;
    free(s->ring);
    free(s->index);
    free(s);
}

/* ---- events ---- */

static uint32_t parse_pid(const ms_str *p)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < p->n && i < 10; i++)
        v = v * 10 + (uint32_t)(p->p[i] - '0');
    return v;
}

static void set_reason(ms_capture *c, const char *r)
{
    c->ev.reason.p = r;
    c->ev.reason.n = (uint32_t)strlen(r);
}

/* Turn *c into the connect event of connection k. */
static void emit(ms_capture *c, const conn *k)
{
    c->ev.outcome = MS_OUT_CONNECT;
    c->ev.ip = k->ip;
    if (k->service != MS_SVC_UNKNOWN)
        c->ev.service = k->service;
    c->ts = k->ts;
    c->ev.line = k->line;
    c->ev.user.p = c->ev.method.p = c->ev.session.p = "";
    c->ev.user.n = c->ev.method.n = c->ev.session.n = 0;
}

static int hook(void *st, ms_capture *c)
{
    tcp_state *s = st;
    int tag = c->rule->tag;
    if (tag == T_QMAIL) {
        c->ev.source = "qmail";
        return 1;
    }
    if (c->ev.host.n < sizeof s->host) {
        memcpy(s->host, c->ev.host.p, c->ev.host.n);
        s->host_n = c->ev.host.n;
    }
    if (tag == T_STATUS)
        return 0;
    uint32_t pid = parse_pid(&c->pid);
    int64_t k = index_find(s, pid);
    int have_ip = !ms_ip_is_unset(&c->ev.ip);
    if (tag == T_PID || (tag == T_OK && k < 0)) {
        int out = 0;
        if (k >= 0 && tag == T_PID) {   /* pid reused: the old one never ended */
            s->out = s->ring[s->index[k]];
            drop(s, k);
            out = 1;
        }
        conn *e, evicted;
        if (push(s, pid, &e, &evicted) && !out) {
            s->out = evicted;
            out = 1;
        }
        if (e) {
            e->ip = c->ev.ip;
            e->has_ip = (uint8_t)have_ip;
            e->service = c->ev.service;
            e->ts = c->ts;
            e->line = c->ev.line;
        }
        if (!out || !s->out.has_ip)
            return 0;
        emit(c, &s->out);
        set_reason(c, "unfinished");
        return 1;
    }
    if (tag == T_OK) {
        conn *e = &s->ring[s->index[k]];
        if (c->ev.service != MS_SVC_UNKNOWN)
            e->service = c->ev.service;
        if (!e->has_ip && have_ip) {
            e->ip = c->ev.ip;
            e->has_ip = 1;
        }
        return 0;
    }
    /* T_DENY, T_END: the connection is over. */
    if (k < 0)
        return tag == T_DENY && have_ip;   /* a deny line names its ip */
    s->out = s->ring[s->index[k]];
    drop(s, k);
    if (!s->out.has_ip && have_ip) {
        s->out.ip = c->ev.ip;
        s->out.has_ip = 1;
    }
    if (!s->out.has_ip)
        return 0;
    emit(c, &s->out);
    return 1;
}

static int flush(void *st, ms_capture *c)
{
    tcp_state *s = st;
    while (s->used > 0) {
        conn *k = &s->ring[s->head];
        if (k->live && k->has_ip) {
            s->out = *k;
            drop(s, index_find(s, k->pid));
            memset(c, 0, sizeof *c);
            c->rule = &rules[T_PID];
            c->ev.time = MS_TIME_NONE;
            c->ev.attempts = 1;
            c->ev.service = MS_SVC_UNKNOWN;
            c->ev.host.p = s->host;
            c->ev.host.n = s->host_n;
            c->pid.p = c->status.p = c->svc.p = "";
            c->ev.reason.p = "";
            emit(c, &s->out);
            set_reason(c, "unfinished");
            return 1;
        }
        if (k->live)
            drop(s, index_find(s, k->pid));
        else
            trim(s);
    }
    s->host_n = 0;
    return 0;
}

static const char *const programs[] = {
    "tcpserver", "rblsmtpd", "qmail", "qmail-smtpd", "qmail-pop3d",
    "qmail-popup", "splogger", NULL,
};

const ms_family ms_family_tcpserver = {
    .source = "tcpserver",
    .programs = programs,
    .rules = MS_RULES(rules),
    .state_new = state_new,
    .state_free = state_free,
    .hook = hook,
    .flush = flush,
};
