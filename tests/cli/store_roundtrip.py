#!/usr/bin/env python3
"""Every field of every event comes back out of the store as it went in.

Writes an events CSV of 6,000 events far out of time order (so the store
sorts them and moves every column), spread over four log files, with
varied outcomes, services, sources, methods, reasons and hosts, attempts
up to 65535, line numbers past 2^32, names with commas, quotes, a formula
sign and UTF-8, IPv4 and IPv6 addresses; runs `mailsleuth analyze` on it
and checks that events.csv holds the same rows, in (time, file, line)
order, where the file's rank is the order files were first seen. The
server column is what analyze gives each event: its host, else the server
of its file's first row with no host, else none.
Usage: store_roundtrip.py MAILSLEUTH
"""
import csv
import io
import os
import random
import subprocess
import sys
import tempfile

N = 6000
COLS = ("time,ip,service,source,outcome,user,method,file,line,reason,"
        "attempts,session,host,dup_of,server").split(",")


def rows():
    """The events, as lists of cells in COLS order, in the order written."""
    r = random.Random(11)
    ips = ["192.0.2.%d" % k for k in range(1, 40)] + \
          ["2001:db8::%x" % k for k in range(1, 20)]
    users = ["alice", "bob@example.org", "a,b", 'say "hi"', "'=cmd", "", "zoë",
             "x" * 200] + ["u%d" % k for k in range(300)]
    files = ["mx1/mail.log", "mx2/mail.log", "pop/current", "mail.log.1"]
    out = []
    for k in range(N):
        line = r.choice([r.randrange(1, 5000), (1 << 32) + r.randrange(10),
                         (1 << 40) + k])
        out.append([
            "2025-05-%02dT%02d:%02d:%02dZ" % (r.randrange(1, 4), r.randrange(24),
                                              r.randrange(60), r.randrange(60)),
            r.choice(ips),
            r.choice(["imap", "pop3", "smtp", "sieve"]),
            r.choice(["dovecot", "postfix", "exim"]),
            r.choice(["auth_ok", "auth_fail", "auth_fail", "connect",
                      "relay_denied"]),
            r.choice(users),
            r.choice(["PLAIN", "LOGIN", "CRAM-MD5", ""]),
            r.choice(files),
            str(line),
            r.choice(["", "bad_password", "unknown_user", "locked"]),
            str(r.choice([1, 1, 2, 3, 65535])),
            "",
            r.choice(["", "", "mx1", "mx2.example.org"]),
            "",
            r.choice(["", "north", "south"]),
        ])
    return out


def expected(written):
    """What events.csv should hold for the rows written."""
    rank, label = {}, {}
    for row in written:
        f = row[7]
        rank.setdefault(f, len(rank))
        if f not in label and not row[12] and row[14]:
            label[f] = row[14]
    want = []
    for row in written:
        row = list(row)
        row[14] = row[12] or label.get(row[7], "")
        want.append(row)
    want.sort(key=lambda x: (x[0], rank[x[7]], int(x[8])))
    return want


def main():
    binary = sys.argv[1]
    written = rows()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.csv")
        with open(src, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(COLS)
            w.writerows(written)
        out = os.path.join(tmp, "out")
        subprocess.run([binary, "analyze", "-q", "-o", out, src], check=True)
        with open(os.path.join(out, "events.csv"), encoding="utf-8") as f:
            got = list(csv.reader(io.StringIO(f.read())))
    if got[0] != COLS:
        print("header: %r" % got[0], file=sys.stderr)
        return 1
    want = expected(written)
    got = got[1:]
    if len(got) != len(want):
        print("%d events out, %d in" % (len(got), len(want)), file=sys.stderr)
        return 1
    bad = [k for k in range(len(want)) if got[k] != want[k]]
    for k in bad[:5]:
        print("row %d:\n  want %r\n  got  %r" % (k, want[k], got[k]), file=sys.stderr)
    if bad:
        print("%d of %d rows differ" % (len(bad), len(want)), file=sys.stderr)
        return 1
    print("%d events back as written" % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
