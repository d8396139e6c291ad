#!/usr/bin/env python3
"""The systemd journal as input gives the events of the same lines as a
text log.

The lines of testdata/sample/mail.log are written as a text log with ISO
stamps in UTC, and as journal entries with the same realtime stamps, host,
identifier, pid and message: export text, from which systemd-journal-remote
builds a journal file (then copied under an archived name, and under a
dirty name left online, and cut short), and journalctl -o json text;
journalctl's short-* forms with its separator lines. `mailsleuth events` on
each, from files and from standard input (plain and gzip), must give the
text log's events, file and line columns aside. The cut journal gives a
prefix of them, names the file on stderr and exits 1; a journal file on
standard input is refused with a message. Without systemd-journal-remote
the test fails: scripts/deps installs it.
Usage: journal.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import datetime
import gzip
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

REMOTE = "/lib/systemd/systemd-journal-remote"
HEAD = re.compile(r"^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\S+) ([^ \[:]+)(?:\[(\d+)\])?: (.*)$")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def entries(path):
    """(usec, host, ident, pid, message) of each line, in 2025 and on."""
    out, year, last = [], 2025, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = HEAD.match(line.rstrip("\n"))
            assert m, line
            mon = MONTHS.index(m[1]) + 1
            if mon < last:
                year += 1
            last = mon
            t = datetime.datetime(year, mon, int(m[2]), int(m[3]), int(m[4]), int(m[5]),
                                  tzinfo=datetime.timezone.utc)
            out.append((int(t.timestamp()) * 1000000, m[6], m[7], m[8], m[9]))
    return out


def when(usec):
    return datetime.datetime.fromtimestamp(usec / 1e6, datetime.timezone.utc)


def tag(e):
    return e[2] + (f"[{e[3]}]" if e[3] else "")


def text_log(es):
    return "".join(f"{when(e[0]).strftime('%Y-%m-%dT%H:%M:%SZ')} {e[1]} {tag(e)}: {e[4]}\n"
                   for e in es).encode()


def fields(e):
    f = [("_HOSTNAME", e[1]), ("SYSLOG_IDENTIFIER", e[2]), ("_COMM", "x"),
         ("_PID", "1"), ("PRIORITY", "6"), ("_TRANSPORT", "syslog")]
    if e[3]:
        f.append(("SYSLOG_PID", e[3]))
    return f + [("MESSAGE", e[4])]


def export_text(es):
    out = bytearray()
    for i, e in enumerate(es):
        f = [("__CURSOR", f"s=0;i={i + 1}"), ("__REALTIME_TIMESTAMP", str(e[0])),
             ("__MONOTONIC_TIMESTAMP", str(1000 + i)),
             ("_BOOT_ID", "0123456789abcdef0123456789abcdef")] + fields(e)
        for name, v in f:
            b = v.encode()
            if any(c < 0x20 for c in b):
                out += name.encode() + b"\n" + struct.pack("<Q", len(b)) + b + b"\n"
            else:
                out += name.encode() + b"=" + b + b"\n"
        out += b"\n"
    return bytes(out)


def json_text(es):
    return "".join(json.dumps(dict([("__CURSOR", "s=0"), ("__REALTIME_TIMESTAMP", str(e[0]))]
                                   + fields(e)), separators=(",", ":")) + "\n"
                   for e in es).encode()


def short_forms(es):
    """journalctl's short forms (in UTC) of the entries, with its lines."""
    forms = {
        "short": lambda t: t.strftime("%b %d %H:%M:%S"),
        "short-precise": lambda t: t.strftime("%b %d %H:%M:%S.%f"),
        "short-iso": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "short-iso-precise": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "short-full": lambda t: t.strftime("%a %Y-%m-%d %H:%M:%S UTC"),
        "short-unix": lambda t: "%d.%06d" % (t.timestamp(), t.microsecond),
    }
    out = {}
    for name, stamp in forms.items():
        lines = ["-- Journal begins at Mon 2025-05-05 06:25:46 UTC, ends at "
                 "Tue 2025-05-06 00:00:00 UTC. --\n"]
        for i, e in enumerate(es):
            if i == len(es) // 2:
                lines.append("-- Boot 0123456789abcdef0123456789abcdef --\n")
            lines.append(f"{stamp(when(e[0]))} {e[1]} {tag(e)}: {e[4]}\n")
        lines.append("-- No entries --\n")
        out[name] = "".join(lines).encode()
    return out


def events(ms, args, stdin=None, want_rc=0):
    p = subprocess.run([ms, "events", "--tz", "UTC", "--year", "2025"] + args,
                       input=stdin, capture_output=True, timeout=300)
    assert p.returncode == want_rc, (args, p.returncode, p.stderr.decode())
    rows = list(csv.reader(io.StringIO(p.stdout.decode())))
    head = rows[0]
    keep = [i for i, c in enumerate(head) if c not in ("file", "line")]
    return [[r[i] for i in keep] for r in rows[1:]], p.stderr.decode()


def main():
    ms, root = sys.argv[1:3]
    if not os.access(REMOTE, os.X_OK):
        print(f"FAIL: {REMOTE} is missing; the journal test needs it to build its "
              "journal files (Debian package systemd-journal-remote: run scripts/deps)")
        return 1
    es = entries(os.path.join(root, "testdata", "sample", "mail.log"))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        def put(name, data):
            p = os.path.join(tmp, name)
            with open(p, "wb") as f:
                f.write(data)
            return p

        ref, _ = events(ms, [put("mail.log", text_log(es))])
        assert len(ref) > 100, len(ref)

        export = put("mail.export", export_text(es))
        active = os.path.join(tmp, "system.journal")
        subprocess.run([REMOTE, "--output=" + active, export], check=True,
                       capture_output=True, timeout=300)
        archived = os.path.join(
            tmp, "system@0123456789abcdef0123456789abcdef-0000000000000001-0005f0e1d2c3b4a5.journal")
        shutil.copyfile(active, archived)
        with open(active, "rb") as f:
            data = bytearray(f.read())
        data[16] = 1   # online: left so by a crash
        dirty = put("system@0005f0e1d2c3b4a5-0123456789abcdef.journal~", bytes(data))
        tables = struct.unpack_from("<Q", data, 104)[0] + struct.unpack_from("<Q", data, 112)[0]
        tail = struct.unpack_from("<Q", data, 136)[0]
        cut = put("cut.journal", bytes(data[:(tables + tail) // 2]))
        jsn = put("mail.json", json_text(es))

        cases = [("active journal", [active], None), ("archived journal", [archived], None),
                 ("dirty journal", [dirty], None), ("export file", [export], None),
                 ("json file", [jsn], None),
                 ("export on stdin", ["-"], export_text(es)),
                 ("json on stdin", ["-"], json_text(es)),
                 ("gzip export on stdin", ["-"], gzip.compress(export_text(es))),
                 ("gzip json file", [put("mail.json.gz", gzip.compress(json_text(es)))], None)]
        for name, data in short_forms(es).items():
            cases.append((name, [put(name + ".txt", data)], None))
        for name, args, stdin in cases:
            got, _ = events(ms, args, stdin)
            same = got == ref
            ok = ok and same
            print(("ok    " if same else "FAIL  ") + f"{name}: {len(got)} events"
                  + ("" if same else f", want {len(ref)}"))

        got, err = events(ms, [cut], want_rc=1)
        good = 0 < len(got) < len(ref) and got == ref[:len(got)] and cut in err
        ok = ok and good
        print(("ok    " if good else "FAIL  ")
              + f"cut journal: the first {len(got)} events, exit 1, {err.strip()!r}")

        with open(active, "rb") as f:
            _, err = events(ms, ["-"], f.read(), want_rc=1)
        good = "standard input" in err
        ok = ok and good
        print(("ok    " if good else "FAIL  ") + f"journal file on stdin refused: {err.strip()!r}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
