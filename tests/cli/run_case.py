#!/usr/bin/env python3
"""Run one CLI test case against the real binary and compare its output.

A case is a folder tests/cli/cases/NAME/ holding:
  cmd       a bash snippet; $MS is the mailsleuth binary, $TMP a fresh
            temporary folder; it runs in the source root, so paths such as
            testdata/seeds/000-dovecot.log appear in the output as written
  expected  what the snippet must print on stdout, byte for byte
  rc        the exit status it must end with (default 0)
Usage: run_case.py MAILSLEUTH SOURCE_ROOT CASE_DIR
With UPDATE=1 in the environment, expected and rc are rewritten instead.
"""
import difflib
import os
import subprocess
import sys
import tempfile


def main():
    binary, root, case = sys.argv[1:4]
    with open(os.path.join(case, "cmd")) as f:
        script = f.read()
    rc_path = os.path.join(case, "rc")
    want_rc = int(open(rc_path).read()) if os.path.exists(rc_path) else 0
    exp_path = os.path.join(case, "expected")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, MS=os.path.abspath(binary), TMP=tmp, LC_ALL="C")
        p = subprocess.run(["bash", "-c", "set -o pipefail\n" + script],
                           cwd=root, env=env, capture_output=True, timeout=600)
    out = p.stdout.decode("utf-8", "backslashreplace")
    if os.environ.get("UPDATE") == "1":
        open(exp_path, "w").write(out)
        if p.returncode:
            open(rc_path, "w").write("%d\n" % p.returncode)
        elif os.path.exists(rc_path):
            os.unlink(rc_path)
        print("updated", case)
        return 0
    want = open(exp_path).read() if os.path.exists(exp_path) else ""
    ok = True
    if out != want:
        ok = False
        sys.stdout.writelines(difflib.unified_diff(
            want.splitlines(True), out.splitlines(True), "expected", "got"))
    if p.returncode != want_rc:
        ok = False
        print("exit status %d, expected %d" % (p.returncode, want_rc))
    if not ok:
        sys.stdout.write("stderr:\n" + p.stderr.decode("utf-8", "replace"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
