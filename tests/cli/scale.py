#!/usr/bin/env python3
"""Ten million distinct usernames: memory stays proportional.

Pipes a generated events CSV (one failure per line, every username new,
50,000 addresses, one second apart) into `mailsleuth clusters -`, which
runs the whole analysis, first with 1 million events, then with 10 million,
and reads each run's peak resident memory. Checks: both runs succeed and
find no campaign (no name recurs, so no step can); the 10 M run takes at
most 11x the memory of the 1 M run (linear, with a fixed base, not worse);
and at most 200 bytes per event.

Skipped (exit 77) in a sanitised build, whose allocator changes every
figure; the plain build runs it. Prints the figures.
Usage: scale.py MAILSLEUTH SANITIZE_OPTION
"""
import datetime
import os
import subprocess
import sys

ADDRESSES = 50_000


def feed(out, n):
    """Write n events to the file object out, in blocks."""
    out.write(b"time,ip,service,source,outcome,user\n")
    day0 = datetime.date(2025, 1, 1)
    block = []
    for i in range(n):
        day, sec = divmod(i, 86400)
        if sec == 0:
            date = (day0 + datetime.timedelta(days=day)).isoformat()
        a = i % ADDRESSES
        block.append("%sT%02d:%02d:%02dZ,10.%d.%d.%d,imap,dovecot,auth_fail,user%d@example.org\n"
                     % (date, sec // 3600, sec // 60 % 60, sec % 60,
                        a >> 16, (a >> 8) & 255, a & 255, i))
        if len(block) == 10000:
            out.write("".join(block).encode())
            block = []
    out.write("".join(block).encode())


def run(binary, n):
    """(exit status, stdout lines, peak RSS in bytes) of one run."""
    p = subprocess.Popen([binary, "clusters", "-q", "-j", "2", "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    feed(p.stdin, n)
    p.stdin.close()
    out = p.stdout.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out.splitlines(), usage.ru_maxrss * 1024


def main():
    binary, sanitize = sys.argv[1:3]
    if sanitize not in ("", "none"):
        print("skipped: memory figures mean nothing under -fsanitize=%s" % sanitize)
        return 77
    ok = True
    peak = {}
    for n in (1_000_000, 10_000_000):
        rc, lines, rss = run(binary, n)
        peak[n] = rss
        print("%10d events: exit %d, %d cluster(s), peak %.0f MB, %.0f bytes/event"
              % (n, rc, len(lines) - 1, rss / 1e6, rss / n))
        if rc != 0 or len(lines) != 1:
            print("FAIL: expected exit 0 and no cluster")
            ok = False
        if rss / n > 200:
            print("FAIL: more than 200 bytes per event")
            ok = False
    ratio = peak[10_000_000] / peak[1_000_000]
    print("10 M / 1 M peak memory: %.2fx" % ratio)
    if ratio > 11:
        print("FAIL: memory grows faster than the events")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
