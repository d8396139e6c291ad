#!/usr/bin/env python3
"""The external conformance suite (../shared/conformance/score.py) as a test.

Passes when at least 95% of the expected lines are recognised with the right
IP, user and time, with at most 2 false alarms, over score.py's default file
set. Skips (exit 77) with a message when ../shared is not beside the repo.
Usage: conformance.py MAILSLEUTH SOURCE_ROOT
"""
import os
import re
import subprocess
import sys


def main():
    binary, root = sys.argv[1:3]
    score = os.path.join(root, "..", "shared", "conformance", "score.py")
    if not os.path.exists(score):
        print("SKIP: %s not found (../shared is not beside the repo)" % score)
        return 77
    p = subprocess.run([sys.executable, score, "--tool", os.path.abspath(binary)],
                       capture_output=True, text=True, timeout=1200)
    print(p.stdout[-4000:])
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    m = re.search(r"recognized=(\d+)/(\d+).*ip_ok=(\d+)/(\d+).*?"
                  r"false_alarms=(\d+).*errors=(\d+)", last)
    if not m:
        print("FAIL: no CONFORMANCE line\n" + p.stderr)
        return 1
    rec, exp, ip_ok, ip_n, fa, errors = map(int, m.groups())
    ok = rec >= 0.95 * exp and ip_ok >= 0.95 * ip_n and fa <= 2 and errors == 0
    print("%s: recognised %d/%d, ip %d/%d, false alarms %d, errors %d"
          % ("PASS" if ok else "FAIL", rec, exp, ip_ok, ip_n, fa, errors))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
