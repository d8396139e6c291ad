#!/usr/bin/env python3
"""Container logs give the same events as the bare lines.

The bundled sample log's lines are wrapped as docker's json-file driver
(some messages in two pieces, as docker splits long lines), `docker logs
-t`, `docker compose logs` with and without -t, and Kubernetes' CRI form
(some messages as P then F). Each wrapped file, and the json-file one
through standard input, must give the events of the bare lines: the
runtime's stamp stands for the year-less one when there is a runtime stamp
(compared with the lines restamped in ISO form), else the year-less stamps
are resolved as in the plain log (same file time). The file and line
columns are left out of the comparison; dup_of is a line number too.
Usage: containers.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
YEAR = 2025


def iso(line):
    """The line's classic stamp as RFC 3339 UTC (nanoseconds, as docker
    writes them), and the rest of the line after the stamp."""
    mon = MONTHS.index(line[:3]) + 1
    day = int(line[4:6])
    return ("%04d-%02d-%02dT%s.000000000Z" % (YEAR, mon, day, line[7:15]),
            line[16:])


def events(binary, path, stdin=None):
    p = subprocess.run([binary, "events", "-q", "--tz", "UTC", "--year", str(YEAR), path],
                       input=stdin, capture_output=True)
    if p.returncode != 0:
        raise SystemExit("FAIL: events %s: exit %d\n%s" % (path, p.returncode,
                                                          p.stderr.decode()))
    rows = list(csv.DictReader(io.StringIO(p.stdout.decode("utf-8"))))
    for r in rows:
        for k in ("file", "line", "dup_of"):
            r.pop(k, None)
    return rows


def main():
    binary, root = sys.argv[1:3]
    with open(os.path.join(root, "testdata", "sample", "mail.log"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    stamp = time.mktime((YEAR, 12, 31, 0, 0, 0, 0, 0, -1))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            os.utime(path, (stamp, stamp))
            return path

        bare_iso = write("bare-iso.log", "".join("%s %s\n" % iso(l) for l in lines))
        bare = write("bare.log", "".join(l + "\n" for l in lines))
        dj = []
        cri = []
        for i, l in enumerate(lines):
            t = iso(l)[0]
            if i % 7 == 3:   # in two pieces
                dj.append(json.dumps({"log": l[:20], "stream": "stdout", "time": t}))
                dj.append(json.dumps({"log": l[20:] + "\n", "stream": "stdout", "time": t}))
                cri.append("%s stdout P %s" % (t, l[:20]))
                cri.append("%s stdout F %s" % (t, l[20:]))
            else:
                dj.append(json.dumps({"log": l + "\n", "stream": "stderr", "time": t}))
                cri.append("%s stdout F %s" % (t, l))
        docker_json = write("c0ffee-json.log", "\n".join(dj) + "\n")
        cases = [
            ("docker json-file", docker_json, None, bare_iso),
            ("docker json-file on stdin", "-", open(docker_json, "rb").read(), bare_iso),
            ("CRI", write("0.log", "\n".join(cri) + "\n"), None, bare_iso),
            ("docker logs -t", write("logs-t.txt", "".join(
                "%s %s\n" % (iso(l)[0], l) for l in lines)), None, bare_iso),
            ("compose -t", write("compose-t.txt", "".join(
                "mailserver-1  | %s %s\n" % (iso(l)[0], l) for l in lines)), None, bare_iso),
            ("compose", write("compose.txt", "Attaching to mailserver-1\n" + "".join(
                "mailserver-1  | %s\n" % l for l in lines)), None, bare),
        ]
        want = {}
        for name, path, stdin, ref in cases:
            if ref not in want:
                want[ref] = events(binary, ref)
                if len(want[ref]) < 100:
                    print("FAIL: %s gives only %d events" % (ref, len(want[ref])))
                    ok = False
            got = events(binary, path, stdin)
            if got != want[ref]:
                ok = False
                diff = next((i for i, (a, b) in enumerate(zip(got, want[ref])) if a != b),
                            min(len(got), len(want[ref])))
                print("FAIL: %s: %d events, %d expected; first difference at row %d:\n"
                      "  got  %s\n  want %s" % (
                          name, len(got), len(want[ref]), diff,
                          got[diff] if diff < len(got) else None,
                          want[ref][diff] if diff < len(want[ref]) else None))
            else:
                print("ok: %s (%d events)" % (name, len(got)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
