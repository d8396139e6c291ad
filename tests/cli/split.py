#!/usr/bin/env python3
"""A fleet-style run gives the same answer as one run on the raw logs.

Generates a small scenario, runs `mailsleuth events` on each half of its
files (as two hosts would), then `mailsleuth analyze` on the two events
files (one CSV, one NDJSON), and compares clusters.csv, cluster_members.csv,
bans.csv, compromised.csv and ips.csv with those of `analyze` on the raw
logs. The events files are laid out as the logs were (the multilog's in a
folder qmail-pop3d), so their events without a host name the same server.
Usage: split.py MAILSLEUTH SOURCE_ROOT
"""
import filecmp
import os
import subprocess
import sys
import tempfile


def main():
    binary, root = sys.argv[1:3]
    gen = os.path.join(root, "scripts", "gen-corpus")
    with tempfile.TemporaryDirectory() as tmp:
        logs = os.path.join(tmp, "logs")
        subprocess.run([sys.executable, gen, "--scenario", "--rotate", "--seed", "5",
                        "--days", "3", "--scale", "0.4", "--out", logs], check=True,
                       stdout=subprocess.DEVNULL)
        names = sorted(n for n in os.listdir(logs) if n.startswith("mail.log"))
        half_a = [os.path.join(logs, n) for n in names[: len(names) // 2]]
        half_b = [os.path.join(logs, n) for n in names[len(names) // 2:]]
        half_b.append(os.path.join(logs, "qmail-pop3d"))
        evs = os.path.join(tmp, "events")
        os.makedirs(os.path.join(evs, "qmail-pop3d"))
        ev_a = os.path.join(evs, "a.csv")
        ev_b = os.path.join(evs, "qmail-pop3d", "b.ndjson")
        ms = [binary]
        subprocess.run(ms + ["events", "-q", "--tz", "UTC", "-o", ev_a] + half_a, check=True)
        subprocess.run(ms + ["events", "-q", "--tz", "UTC", "--format", "json", "-o", ev_b]
                       + half_b, check=True)
        raw, split = os.path.join(tmp, "raw"), os.path.join(tmp, "split")
        subprocess.run(ms + ["analyze", "-q", "--tz", "UTC", "-o", raw, logs], check=True)
        subprocess.run(ms + ["analyze", "-q", "--tz", "UTC", "-o", split, evs],
                       check=True)
        ok = True
        for f in ("clusters.csv", "cluster_members.csv", "bans.csv", "compromised.csv",
                  "ips.csv"):
            same = filecmp.cmp(os.path.join(raw, f), os.path.join(split, f), shallow=False)
            print(("ok    " if same else "FAIL  ") + f + (" identical" if same else " differs"))
            if not same:
                subprocess.run(["diff", os.path.join(raw, f), os.path.join(split, f)])
            ok = ok and same
        n = sum(1 for _ in open(os.path.join(raw, "cluster_members.csv"))) - 1
        print("%s: %d cluster members, split run identical to raw run"
              % ("PASS" if ok else "FAIL", n))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
