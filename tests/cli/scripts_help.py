#!/usr/bin/env python3
"""Every script in scripts/ answers --help with its usage and does nothing
else: exit 0, usage on stdout, nothing on stderr, and nothing written to
the folder it runs in. (scripts/bench once ran `mailsleuth analyze` inside
its help text; scripts/demo and scripts/test took --help for a run.)
Usage: scripts_help.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile


def main():
    root = sys.argv[1]
    folder = os.path.join(root, "scripts")
    # Executable files (scripts/fleet, a folder, holds the playbook).
    names = sorted(n for n in os.listdir(folder)
                   if os.path.isfile(os.path.join(folder, n))
                   and os.access(os.path.join(folder, n), os.X_OK))
    assert len(names) >= 5, names
    failed = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                p = subprocess.run([os.path.join(folder, name), "--help"], cwd=tmp,
                                   stdin=subprocess.DEVNULL, capture_output=True,
                                   timeout=30)
            except subprocess.TimeoutExpired:
                failed.append(f"{name}: --help still running after 30 s")
                continue
            problems = []
            if p.returncode != 0:
                problems.append(f"exit {p.returncode}")
            if b"usage" not in p.stdout.lower():
                problems.append("no usage on stdout")
            if p.stderr:
                problems.append("stderr: " + p.stderr.decode(errors="replace")[:200])
            if os.listdir(tmp):
                problems.append(f"wrote {sorted(os.listdir(tmp))}")
            if problems:
                failed.append(f"{name}: " + "; ".join(problems))
    for f in failed:
        print("FAIL", f)
    print(f"{len(names) - len(failed)}/{len(names)} scripts answer --help")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
