#!/usr/bin/env python3
"""The formats made for other tools import as those tools expect.

- `events --format timesketch` on the sample logs: every line a JSON object
  with Timesketch's three required fields (message, datetime as ISO 8601
  with Z, timestamp_desc) and then every column of the events CSV, by the
  same names; one line per event that has a time; hostile usernames come
  out neutral (no control byte, no bidi character, in the message too).
- `bans --as crowdsec`: the header and values `cscli decisions import`
  reads (duration, reason, scope, type, value; ip for an address, range
  for a block, with --aggregate), the addresses of `--as plain`.
- `bans --as fail2ban`: passes `bash -n`, one banip per ban, the jail given.
- Bad --jail and --duration values are usage errors (exit status 2).
Usage: tool_formats.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def ms(exe, *args, rc=0):
    p = subprocess.run([exe, *args], capture_output=True, timeout=600)
    check(p.returncode == rc, f"{' '.join(args)}: exit {p.returncode}, not {rc}: "
          + p.stderr.decode("utf-8", "replace")[:300])
    return p.stdout.decode("utf-8")


COMMON = ["-q", "--tz", "UTC", "--year", "2025"]
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def timesketch(exe, paths):
    rows = list(csv.DictReader(io.StringIO(ms(exe, "events", *COMMON, *paths))))
    cols = list(rows[0].keys()) if rows else []
    lines = ms(exe, "events", *COMMON, "--format", "timesketch", *paths).splitlines()
    check(len(lines) == sum(1 for r in rows if r["time"]),
          f"timesketch: {len(lines)} lines for {len(rows)} events")
    for n, line in enumerate(lines, 1):
        o = json.loads(line)
        keys = list(o.keys())
        check(keys[:3] == ["message", "datetime", "timestamp_desc"],
              f"line {n}: fields begin {keys[:3]}")
        check(keys[3:] == cols, f"line {n}: columns {keys[3:]} not {cols}")
        for k in ("message", "datetime", "timestamp_desc"):
            check(isinstance(o[k], str) and o[k], f"line {n}: empty {k}")
        check(o["datetime"].endswith("Z") and o["datetime"] == o["time"],
              f"line {n}: datetime {o['datetime']}")
        datetime.fromisoformat(re.sub(r"(\.\d{1,6})\d*Z$", r"\1", o["datetime"])
                               .rstrip("Z"))
        check(o["message"].startswith(o["outcome"] + " " + o["service"]),
              f"line {n}: message {o['message']!r}")
        for k, v in o.items():
            if isinstance(v, str):
                check(not UNSAFE.search(v), f"line {n}: {k} not neutral: {v!r}")
    return lines


def main():
    exe, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.chdir(root)
    sample = ["testdata/sample"]
    timesketch(exe, sample)

    with tempfile.TemporaryDirectory() as tmp:
        # Hostile usernames: controls, bidi, invalid UTF-8, quotes, a
        # would-be second field.
        log = os.path.join(tmp, "hostile.log")
        with open(log, "wb") as f:
            for i, u in enumerate([b"a\x1b[31mred", b"evil\xe2\x80\xaeright", b"bad\xff",
                                   b'q"uote,comma', b"x\ry", b'a","datetime":"1970',
                                   b"nul\x00byte"]):
                f.write(b"May  4 10:00:0%d mx dovecot: imap-login: Disconnected "
                        b"(auth failed, 1 attempts in 2 secs): user=<%s>, "
                        b"method=PLAIN, rip=192.0.2.%d, lip=10.0.0.1\n" % (i, u, i + 1))
        lines = timesketch(exe, [log])
        check(len(lines) == 7, f"hostile: {len(lines)} lines")
        check(all(json.loads(l)["datetime"].startswith("2025-05-04T10:00:0")
                  for l in lines), "hostile: a datetime was overridden")

        # CrowdSec, with blocks from --aggregate.
        brute = os.path.join(tmp, "brute.log")
        with open(brute, "w") as f:
            for host in (10, 11, 12):
                for i in range(10, 50):
                    f.write(f"May  4 10:{i}:0{host % 10} mx sshd[1]: Failed password "
                            f"for root from 203.0.113.{host} port 4{i} ssh2\n")
        for paths, extra in ((sample, []), ([brute], ["--aggregate"]),
                             (sample + [brute], ["--aggregate"])):
            plain = ms(exe, "bans", *COMMON, *extra, "--as", "plain", *paths).split()
            out = ms(exe, "bans", *COMMON, *extra, "--as", "crowdsec",
                     "--duration", "7d", *paths)
            r = csv.reader(io.StringIO(out, newline=""))
            header = next(r)
            check(header == ["duration", "reason", "scope", "type", "value"],
                  f"crowdsec header {header}")
            rows = [dict(zip(header, row)) for row in r]
            check([x["value"] for x in rows] == plain, "crowdsec values != plain")
            for x in rows:
                check(x["duration"] == "168h", f"duration {x['duration']}")
                check(x["type"] == "ban", f"type {x['type']}")
                check(x["scope"] == ("range" if "/" in x["value"] else "ip"),
                      f"scope {x['scope']} for {x['value']}")
                check(x["reason"].startswith("mailsleuth") and len(x["reason"].encode()) <= 255,
                      f"reason {x['reason']!r}")
                check(not UNSAFE.search(x["reason"]), f"reason {x['reason']!r}")
            if extra:
                check(any(x["scope"] == "range" for x in rows), "no range from --aggregate")

            # fail2ban
            script = ms(exe, "bans", *COMMON, *extra, "--as", "fail2ban",
                        "--jail", "postfix-sasl", *paths)
            path = os.path.join(tmp, "f2b.sh")
            open(path, "w").write(script)
            p = subprocess.run(["bash", "-n", path], capture_output=True)
            check(p.returncode == 0, "bash -n: " + p.stderr.decode())
            check(script.startswith("#!/bin/sh\n"), "no shebang")
            body = [l for l in script.splitlines() if not l.startswith("#")]
            check(body == [f"fail2ban-client set postfix-sasl banip {a}" for a in plain],
                  "fail2ban lines != plain")

        # Bad values: usage errors, nothing written.
        for bad in ("a;b", "-x", "", "a b", "$(touch x)", "j`id`", "x" * 65):
            out = ms(exe, "bans", *COMMON, "--as", "fail2ban", "--jail", bad, brute, rc=2)
            check(out == "", f"--jail {bad!r} wrote output")
        for bad in ("0h", "4", "4x", "1.5h", "4h;rm", "3651d", ""):
            ms(exe, "bans", *COMMON, "--as", "crowdsec", "--duration", bad, brute, rc=2)
        ms(exe, "events", *COMMON, "--format", "splunk", brute, rc=2)
        ms(exe, "timeline", *COMMON, "--jail", "x", brute, rc=2)

    for f in failures[:30]:
        print("FAIL:", f)
    print(f"{len(failures)} failures" if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
