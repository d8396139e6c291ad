#!/usr/bin/env python3
"""Logs found by content, at any depth, each read once.

Lays out the bundled logs (testdata/sample, testdata/seeds) as an
investigator copies them: servers in folders, a multilog folder two levels
down, logs with unusual names, a binary file, an empty file, prose, a
symlink loop, a folder reached twice through a link, a file under two names
(a hard link). Then `analyze -o out TOP` must give the events of `analyze`
on the same logs named one by one, read each log once, exit 0, and name
the files that are not logs on stderr, in the report and in `explain
--summary`. A folder holding no log at all is still an error (exit 1).
Each event's server is the host its line carries, else its file's folder
(events.csv `server`; "" for the files named); ips.csv `servers` lists an
address's servers, and the report's Servers table counts each one's
events, failures, logins, addresses and banned addresses.
Usage: discovery.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

OPTS = ["--tz", "UTC", "--year", "2025", "--no-geo"]


def layout(root, top):
    sample, seeds = os.path.join(root, "testdata", "sample"), os.path.join(root, "testdata", "seeds")
    logs = {  # path below top: the bundled file copied there
        "mx1/mail.log": os.path.join(sample, "mail.log"),
        "mx1/mail.log.1": os.path.join(sample, "mail.log.1"),
        "mx1/mail.log.2.gz": os.path.join(sample, "mail.log.2.gz"),
        "pop/qmail-pop3d/current": os.path.join(sample, "qmail-pop3d", "current"),
        "mx2/smtpd.log": os.path.join(seeds, "002-qmail.log"),
        "imap-2017-05.txt": os.path.join(seeds, "000-dovecot.log"),
    }
    for rel, src in logs.items():
        os.makedirs(os.path.dirname(os.path.join(top, rel)), exist_ok=True)
        shutil.copyfile(src, os.path.join(top, rel))
    for name in ("lock", "state"):   # multilog's own files: not judged
        open(os.path.join(top, "pop", "qmail-pop3d", name), "wb").close()
    os.makedirs(os.path.join(top, "junk"))
    with open(os.path.join(top, "junk", "core.bin"), "wb") as f:
        f.write(bytes(range(256)) * 64)
    open(os.path.join(top, "junk", "empty.log"), "wb").close()
    with open(os.path.join(top, "junk", "README"), "w") as f:
        f.write("Copied from the three servers on the day of the incident.\n")
    os.symlink("..", os.path.join(top, "junk", "loop"))
    os.symlink("mx1", os.path.join(top, "mx1-again"))
    os.link(os.path.join(top, "mx2", "smtpd.log"), os.path.join(top, "mx2", "z-same-inode.log"))
    skipped = {"junk/README": "no time stamp on its first lines",
               "junk/core.bin": "binary", "junk/empty.log": "empty"}
    # Named one by one: each rotation set oldest first.
    named = ["mx1/mail.log.2.gz", "mx1/mail.log.1", "mx1/mail.log",
             "pop/qmail-pop3d", "mx2/smtpd.log", "imap-2017-05.txt"]
    return sorted(logs), skipped, named


def table(out, name):
    with open(os.path.join(out, name), newline="") as f:
        return list(csv.DictReader(f))


def events(out):
    """The events as sorted tuples without their server, and the rows."""
    rows = table(out, "events.csv")
    return sorted(tuple(v for k, v in r.items() if k != "server") for r in rows), rows


def servers_table(report):
    """The report's Servers table: {server: [events, failed, ok, ips, banned]}."""
    part = report[report.find("## Servers"):report.find("## Compromised accounts")]
    rows = [l.strip("|").split("|") for l in part.splitlines() if l.startswith("| ")][1:]
    num = lambda c: int(c.strip().replace(",", ""))
    return {c[0].strip().replace("\\", ""): [num(x) for x in c[1:6]] for c in rows}


def check_servers(check, out, report):
    evs, ips = table(out, "events.csv"), table(out, "ips.csv")
    folder = lambda f: os.path.dirname(f[len("case/"):])
    check(all(r["server"] == (r["host"] or folder(r["file"])) for r in evs),
          "each event's server is its host, else its file's folder")
    by_file = {}
    for r in evs:
        by_file.setdefault(r["file"], set()).add(r["server"])
    check(by_file == {"case/mx1/mail.log": {"mx1"}, "case/mx1/mail.log.1": {"mx1"},
                      "case/mx1/mail.log.2.gz": {"mx1"},
                      "case/pop/qmail-pop3d/current": {"pop/qmail-pop3d"},
                      "case/mx2/smtpd.log": {"mx", "mx2"},
                      "case/imap-2017-05.txt": {"Debussy"}},
          "servers by file: %s" % by_file)
    per_ip, want = {}, {}
    for r in evs:
        per_ip.setdefault(r["ip"], set()).add(r["server"])
        w = want.setdefault(r["server"], [0, 0, 0, set(), 0])
        w[0] += 1
        w[1] += r["outcome"] == "auth_fail"
        w[2] += r["outcome"] == "auth_ok"
        if r["ip"]:
            w[3].add(r["ip"])
    check(all(r["servers"] == "; ".join(sorted(per_ip[r["ip"]] - {""})) for r in ips)
          and any(";" in r["servers"] for r in ips),
          "ips.csv servers: each address's servers, by name")
    banned = {r["ip"] for r in ips if r["verdict"] == "ban"}
    want = {k: [w[0], w[1], w[2], len(w[3]), len(w[3] & banned)] for k, w in want.items()}
    got = servers_table(report)
    check(got == want, "the report's Servers table: %s" % got)


def main():
    binary, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    ok = True

    def check(cond, what):
        nonlocal ok
        print(("ok    " if cond else "FAIL  ") + what)
        ok = ok and cond

    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "case")
        logs, skipped, named = layout(root, top)
        run = lambda args: subprocess.run([binary] + args, cwd=tmp, capture_output=True,
                                          text=True)
        walked = run(["analyze"] + OPTS + ["-o", "walked", "case"])
        direct = run(["analyze"] + OPTS + ["-o", "direct"] + ["case/" + p for p in named])
        check(walked.returncode == 0, "analyze TOP exits 0 (got %d)" % walked.returncode)
        check(direct.returncode == 0, "analyze on the files named exits 0")
        got, rows = events(os.path.join(tmp, "walked"))
        want, direct_rows = events(os.path.join(tmp, "direct"))
        check(len(want) > 1000 and got == want,
              "same %d events as the files named one by one (got %d)" % (len(want), len(got)))
        check(all(r["server"] == r["host"] for r in direct_rows),
              "files named: an event's server is its host")
        files = sorted({r["file"] for r in rows})
        check(files == sorted("case/" + p for p in logs),
              "events from each log, under one name each: %s" % files)
        for rel, why in sorted(skipped.items()):
            line = "mailsleuth:   case/%s: %s" % (rel, why)
            check(line in walked.stderr.splitlines(), "stderr names %s (%s)" % (rel, why))
        check("skipped 3 files that are not logs:" in walked.stderr,
              "stderr counts the files skipped")
        report = open(os.path.join(tmp, "walked", "report.md")).read()
        check_servers(check, os.path.join(tmp, "walked"), report)
        section = report[report.find("### Files not read"):report.find("### Damaged files")]
        check(all("case/" + rel in section for rel in skipped),
              "the report lists the files not read")
        table = [l for l in report.splitlines() if l.startswith("| case/")]
        check(sorted(l.split(" |")[0][2:] for l in table) == sorted("case/" + p for p in logs),
              "the report's files table lists each log once")
        ex = run(["explain", "--summary", "--tz", "UTC", "--year", "2025", "case"])
        check(ex.returncode == 0 and "files read: 6\nskipped 3 files that are not logs:\n"
              in ex.stdout, "explain --summary: 6 files read, 3 skipped")
        # Events files in a folder per server whose rows name the same log
        # (/var/log/qmail/current on every host) and carry no host: each
        # keeps its own folder as server.
        header = ("time,ip,service,source,outcome,user,method,file,line,"
                  "reason,attempts,session,host,dup_of,server\n")
        for k, srv in enumerate(("mx1", "mx2", "mx3")):
            os.makedirs(os.path.join(tmp, "fleet", srv))
            with open(os.path.join(tmp, "fleet", srv, "events.csv"), "w") as f:
                f.write(header)
                for i in range(3):
                    f.write("2025-05-04T0%d:00:0%dZ,192.0.2.%d,pop3,vpopmail,"
                            "auth_fail,u%d,,/var/log/qmail/current,%d,,1,,,,\n"
                            % (k, i, 10 * k + i, i, i + 1))
        fleet = run(["analyze"] + OPTS + ["-o", "fleet-out", "fleet"])
        _, rows = events(os.path.join(tmp, "fleet-out"))
        check(fleet.returncode == 0 and len(rows) == 9 and
              all(r["server"] == "mx%d" % (int(r["ip"].split(".")[3]) // 10 + 1)
                  for r in rows),
              "events files of three servers naming one log path: each event's "
              "server is its events file's folder (%s)" %
              sorted({(r["ip"], r["server"]) for r in rows}))
        # Only files that are not logs: warned, exit 1, and still named.
        os.makedirs(os.path.join(tmp, "nothing"))
        shutil.copyfile(os.path.join(top, "junk", "core.bin"),
                        os.path.join(tmp, "nothing", "core.bin"))
        empty = run(["analyze"] + OPTS + ["-o", "none", "nothing"])
        check(empty.returncode == 1 and
              "nothing: no log files found in this directory" in empty.stderr and
              "nothing/core.bin: binary" in empty.stderr,
              "a folder with no log: warned, exit 1, its files named")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
