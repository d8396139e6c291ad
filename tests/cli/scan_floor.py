#!/usr/bin/env python3
"""scan-floor (scripts/scan_floor.c, the bench's floor rows) does the work
of the scan it claims to: on plain logs its passes count every line, the
walk and match passes find the same candidate lines, and the match pass
finds as many events as `mailsleuth events` writes rows. A floor that
skipped lines or rows would time less than the scan's first steps.
Usage: scan_floor.py SCAN_FLOOR MAILSLEUTH SOURCE_ROOT
"""
import csv
import io
import os
import subprocess
import sys
import tempfile

FILES = ["testdata/sample/mail.log", "testdata/sample/mail.log.1",
         "testdata/seeds/000-dovecot.log", "testdata/seeds/002-qmail.log"]


def floor(exe, what, path):
    p = subprocess.run([exe, what, path], capture_output=True, text=True,
                       timeout=120)
    if p.returncode == 2:
        print("skipped: scan-floor has no prefilter (built without Hyperscan)")
        sys.exit(77)
    assert p.returncode == 0, (what, path, p.stderr)
    return [int(x) for x in p.stdout.split()]


def main():
    exe, ms, root = sys.argv[1:4]
    tmp = tempfile.TemporaryDirectory()
    # A tcpserver connection with no end line: an event only at the end.
    pending = os.path.join(tmp.name, "pending.log")
    with open(os.path.join(root, "testdata/seeds/002-qmail.log"), "rb") as f:
        head = f.readlines()[:3]
    with open(pending, "wb") as f:
        f.writelines(head)
    # The same lines ended by CRLF: the same events.
    crlf = os.path.join(tmp.name, "crlf.log")
    with open(os.path.join(root, FILES[0]), "rb") as f, open(crlf, "wb") as o:
        o.write(f.read().replace(b"\n", b"\r\n"))
    for name in FILES + [pending, crlf]:
        path = os.path.join(root, name)
        with open(path, "rb") as f:
            data = f.read()
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        rows = subprocess.run([ms, "events", path], capture_output=True,
                              check=True, timeout=120).stdout
        events = len(list(csv.reader(io.StringIO(rows.decode())))) - 1
        got = {w: floor(exe, w, path) for w in ("read", "walk", "match")}
        assert got["read"] == [0, 0, 0], (name, got)
        assert got["walk"][0] == lines, (name, got, lines)
        assert got["walk"][1] == got["match"][1] > 0, (name, got)
        assert got["match"][0] == lines, (name, got, lines)
        assert got["match"][2] == events > 0, (name, got, events)
        print(f"{name}: {lines} lines, {got['match'][1]} candidates, "
              f"{events} events")
    bad = subprocess.run([exe, "match", os.path.join(root, "no-such-file")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "no-such-file" in bad.stderr, bad
    return 0


if __name__ == "__main__":
    sys.exit(main())
