#!/usr/bin/env python3
"""Spilled successes give the same results, byte for byte.

On the generated corpora the analysis tests use (a small server's attack
scenario with --users, a provider's week, a provider's events file from
scripts/gen-events), `mailsleuth analyze` runs once with every event in
memory (--buffer-size 0) and again with budgets that spill from the first
success (1 byte), after a few thousand (64K: many sorted runs, merged in
passes) and after most (4M); every result file (CSV, JSON, report) must be
the same, and so must `why` for the addresses it names and `timeline`;
and again on 1.6 M provider events with a budget whose sort runs are
sorted on a thread of their own.
That the small budgets do write temporary files is seen by running them
where no file may grow (RLIMIT_FSIZE 0, results to standard output): they
fail naming the folder, the in-memory run does not. A bad --buffer-size
is a usage error, a bad $MAILSLEUTH_BUFFER_SIZE a warning, a missing
--tmpdir an error naming it.
Usage: spill.py MAILSLEUTH SOURCE_ROOT
"""
import filecmp
import os
import resource
import signal
import subprocess
import sys
import tempfile

BUDGETS = ("1", "64K", "4M")


def corpora(root, tmp):
    """(name, paths, extra options) of each corpus, made in tmp."""
    py, gen = sys.executable, os.path.join(root, "scripts", "gen-corpus")
    small, week = os.path.join(tmp, "small"), os.path.join(tmp, "week")
    events = os.path.join(tmp, "provider.csv.zst")
    subprocess.run([py, gen, "--scenario", "--rotate", "--seed", "7", "--days", "3",
                    "--out", small], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([py, gen, "--scenario", "provider-week", "--seed", "3",
                    "--scale", "0.2", "--days", "2", "--out", week], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([py, os.path.join(root, "scripts", "gen-events"), "--mix", "provider",
                    "--events", "200000", "--out", events], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [("scenario", [small], ["--users", os.path.join(small, "users.txt")]),
            ("provider-week", [week], []),
            ("provider-events", [events], [])]


def run(binary, args, **kw):
    return subprocess.run([binary, *args], capture_output=True, **kw)


def no_growth():
    """No file may grow; a write past the limit fails (EFBIG), no signal."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))


def main():
    binary, root = sys.argv[1:3]
    common = ["-q", "--tz", "UTC", "--year", "2025", "--no-geo"]
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("ok    " if cond else "FAIL  ") + msg)
        ok = ok and cond

    with tempfile.TemporaryDirectory() as tmp:
        seed = os.path.join(root, "testdata", "seeds", "000-dovecot.log")
        p = run(binary, ["clusters", *common, "--buffer-size", "12X", seed])
        check(p.returncode == 2 and b"--buffer-size '12X'" in p.stderr,
              "--buffer-size 12X is a usage error (exit %d)" % p.returncode)
        want = run(binary, ["clusters", *common, seed])
        p = run(binary, ["clusters", *common, seed],
                env=dict(os.environ, MAILSLEUTH_BUFFER_SIZE="lots"))
        check(p.returncode == 0 and b"MAILSLEUTH_BUFFER_SIZE 'lots'" in p.stderr
              and p.stdout == want.stdout,
              "a bad MAILSLEUTH_BUFFER_SIZE is warned about, 1G taken")
        gone = os.path.join(tmp, "no-such-folder")
        p = run(binary, ["clusters", *common, "--tmpdir", gone, seed])
        check(p.returncode == 3 and gone.encode() in p.stderr,
              "a missing --tmpdir fails naming it (exit %d)" % p.returncode)
        for name, paths, extra in corpora(root, tmp):
            outs = {}
            for budget in ("0",) + BUDGETS:
                for fmt in ("csv", "json"):
                    out = os.path.join(tmp, "%s-%s-%s" % (name, budget, fmt))
                    p = run(binary, ["analyze", *common, *extra, "-f", fmt,
                                     "--buffer-size", budget, "-o", out, *paths])
                    check(p.returncode == 0, "%s: analyze -f %s --buffer-size %s "
                          "exits 0 (%s)" % (name, fmt, budget, p.stderr.decode()[-200:]))
                    outs[budget, fmt] = out
            for budget in BUDGETS:
                for fmt in ("csv", "json"):
                    a, b = outs["0", fmt], outs[budget, fmt]
                    files = sorted(os.listdir(a))
                    match, differ, missing = filecmp.cmpfiles(a, b, files, shallow=False)
                    check(not differ and not missing and sorted(os.listdir(b)) == files,
                          "%s: %d %s files the same with --buffer-size %s%s"
                          % (name, len(match), fmt, budget,
                             "" if not (differ or missing) else
                             " (differ: %s)" % ", ".join(differ + missing)))
            ips = []
            with open(os.path.join(outs["0", "csv"], "bans.csv")) as f:
                ips += [line.split(",")[0] for line in f.readlines()[1:4]]
            with open(os.path.join(outs["0", "csv"], "compromised.csv")) as f:
                ips += [line.split(",")[0] for line in f.readlines()[1:3]]
            for ip in ips:
                want = run(binary, ["why", *common, *extra, "--buffer-size", "0", ip, *paths])
                got = run(binary, ["why", *common, *extra, "--buffer-size", "1", ip, *paths])
                check(want.returncode == 0 and want.stdout == got.stdout,
                      "%s: why %s the same when spilled" % (name, ip))
            want = run(binary, ["timeline", *common, *extra, "--buffer-size", "0", *paths])
            got = run(binary, ["timeline", *common, *extra, "--buffer-size", "64K", *paths])
            check(want.returncode == 0 and want.stdout == got.stdout and want.stdout,
                  "%s: timeline the same when spilled" % name)
            for budget, spills in (("0", False), ("1", True), ("64K", True)):
                p = run(binary, ["clusters", *common, *extra, "--buffer-size", budget,
                                 "--tmpdir", tmp, *paths], preexec_fn=no_growth)
                said = p.stderr.decode()
                check((p.returncode != 0 and tmp in said) == spills,
                      "%s: --buffer-size %s %s temporary files (exit %d%s)"
                      % (name, budget, "writes" if spills else "writes no",
                         p.returncode, ": " + said.strip()[-160:] if said else ""))
        check(same_through_the_sorts_thread(binary, root, tmp, common),
              "provider-big: every file the same when its runs are sorted on "
              "the sort's own thread (--buffer-size 33M)")
    return 0 if ok else 1


def same_through_the_sorts_thread(binary, root, tmp, common):
    """A budget of 33M gives the sort halves of 8.25 MiB, large enough for
    a thread of its own and direct I/O (core/extsort.h); 1.6 M provider
    events spill ~1.55 M successes, several runs of ~309,000, past the
    ~720,000 kept first."""
    big = os.path.join(tmp, "provider-big.csv.zst")
    subprocess.run([sys.executable, os.path.join(root, "scripts", "gen-events"),
                    "--mix", "provider", "--events", "1600000", "--seed", "5",
                    "--out", big], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    outs = []
    for budget in ("0", "33M"):
        out = os.path.join(tmp, "provider-big-" + budget)
        p = run(binary, ["analyze", *common, "--buffer-size", budget, "-o", out, big])
        if p.returncode != 0:
            print(p.stderr.decode()[-300:])
            return False
        outs.append(out)
    files = sorted(os.listdir(outs[0]))
    match, differ, missing = filecmp.cmpfiles(outs[0], outs[1], files, shallow=False)
    if differ or missing:
        print("differ: " + ", ".join(differ + missing))
    return len(match) == len(files) and sorted(os.listdir(outs[1])) == files


if __name__ == "__main__":
    sys.exit(main())
