#!/usr/bin/env python3
"""The campaign search at a provider's volume, held to its ground truth.

Makes a provider week with scripts/gen-corpus --scenario provider-week
(by default seed 3, scale 0.5, 4 days: about 120,000 lines; honest accounts
polling every few minutes, 2,000 scanners drawing a few names each from the
dictionary a slow campaign of 150 addresses walks in order, a third of them
coming back), runs `mailsleuth analyze` on it and checks: the campaign is
one cluster holding >= 90% of its addresses, with at most 2% of its
members scanners; no other cluster; no cluster whose username order is a
single name; no honest account's address in a cluster or banned. Prints
the figures. Without the campaign search's tests against chance (steps and
members, docs/ARCHITECTURE.md) the scanners join the campaign by the
hundred.
Usage: scenario_volume.py MAILSLEUTH SOURCE_ROOT [SEED [SCALE [DAYS]]]
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

from jail_util import rows


def main():
    binary, root = sys.argv[1:3]
    given = sys.argv[3:6]
    seed, scale, days = given + ["3", "0.5", "4"][len(given):]
    gen = os.path.join(root, "scripts", "gen-corpus")
    with tempfile.TemporaryDirectory() as tmp:
        logs, out = os.path.join(tmp, "logs"), os.path.join(tmp, "out")
        subprocess.run([sys.executable, gen, "--scenario", "provider-week", "--seed", seed,
                        "--scale", scale, "--days", days, "--out", logs], check=True,
                       stdout=subprocess.DEVNULL)
        truth = json.load(open(os.path.join(logs, "truth.json")))
        p = subprocess.run([binary, "analyze", "-q", "--tz", "UTC", "--format", "csv",
                            "-o", out, logs])
        if p.returncode != 0:
            print("FAIL: analyze exited with %d" % p.returncode)
            return 1
        clusters = rows(os.path.join(out, "clusters.csv"))
        members = rows(os.path.join(out, "cluster_members.csv"))
        bans = {r["ip"] for r in rows(os.path.join(out, "bans.csv"))}
    actors = {k: set(v) for k, v in truth["actors"].items()}
    print("info  %d lines: %d honest accounts, %d scanners, a campaign of %d addresses"
          % (truth["lines"], len(actors["honest"]), len(actors["scanners"]),
             len(actors["campaign"])))
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("ok    " if cond else "FAIL  ") + msg)
        ok = ok and cond

    by_cluster = {}
    for m in members:
        by_cluster.setdefault(m["cluster_id"], set()).add(m["ip"])
    camp = actors["campaign"]
    counts = Counter(m["cluster_id"] for m in members if m["ip"] in camp)
    best, found = counts.most_common(1)[0] if counts else ("", 0)
    got = by_cluster.get(best, set())
    scanners_in = len(got & actors["scanners"])
    check(found >= 0.9 * len(camp), "campaign: %d of %d addresses in cluster %s"
          % (found, len(camp), best or "-"))
    check(scanners_in <= 0.02 * max(1, len(got)),
          "campaign cluster: %d members, %d of them scanners" % (len(got), scanners_in))
    check(len(by_cluster) == 1, "%d clusters in all (want 1)" % len(by_cluster))
    lone = [c["cluster_id"] for c in clusters if " > " not in c["user_order"]]
    check(not lone, "clusters whose order is one name: %d" % len(lone))
    honest_in = actors["honest"] & {m["ip"] for m in members}
    check(not honest_in, "honest addresses in clusters: %d" % len(honest_in))
    check(not (actors["honest"] & bans), "honest addresses banned: %d of %d"
          % (len(actors["honest"] & bans), len(actors["honest"])))
    print("info  scanners in any cluster: %d of %d"
          % (len(actors["scanners"] & {m["ip"] for m in members}), len(actors["scanners"])))
    print("%s: provider week seed %s, scale %s, %s days" % ("PASS" if ok else "FAIL", seed, scale, days))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
