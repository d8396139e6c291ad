#!/usr/bin/env python3
"""Analyse a generated attack scenario and hold the result to its truth.

Makes a scenario with scripts/gen-corpus --scenario (fixed seed, rotated,
with a qmail multilog folder), runs `mailsleuth analyze` on it, and checks
what the analysis must do: each campaign's IPs (>= 98%) in one cluster of >= 95%
purity, the two campaigns apart, >= 98% of campaign IPs and every fast or
brute-force IP banned, no honest IP banned, the compromised account found.
Prints the figures next to those of a fail2ban-style jail (5 failures in 10
minutes per IP) run on the same events. The addresses of the honest actors
(users mistyping their own name, a near miss of a --users name, bursts with
and without usernames) are held to the same rules: honest ones never
banned, bursts always; tests/cli/honest.py checks them in depth.
Usage: scenario.py MAILSLEUTH SOURCE_ROOT [SEED]
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

import jail_util
from jail_util import rows, ts

HONEST = ("legit", "fallback", "typo", "self_typo", "typo_no_success", "stale_phone", "nat")
MUST_BAN = ("fast_pop3", "smtp_brute", "ssh_brute", "burst_named", "burst_nameless")


def jail(events, maxretry=5, findtime=600):
    """fail2ban's rule: maxretry failures of one IP within findtime."""
    times = defaultdict(list)
    for e in events:
        if e["outcome"] == "auth_fail" and e["ip"] and e["time"]:
            times[e["ip"]].append(ts(e["time"]))
    return jail_util.jail(times, maxretry, findtime)


def main():
    binary, root = sys.argv[1:3]
    seed = sys.argv[3] if len(sys.argv) > 3 else "7"
    gen = os.path.join(root, "scripts", "gen-corpus")
    with tempfile.TemporaryDirectory() as tmp:
        logs, out = os.path.join(tmp, "logs"), os.path.join(tmp, "out")
        subprocess.run([sys.executable, gen, "--scenario", "--rotate", "--seed", seed,
                        "--days", "3", "--out", logs], check=True,
                       stdout=subprocess.DEVNULL)
        truth = json.load(open(os.path.join(logs, "truth.json")))
        p = subprocess.run([binary, "analyze", "-q", "--tz", "UTC", "-o", out,
                            "--users", os.path.join(logs, "users.txt"), logs])
        if p.returncode != 0:
            print("FAIL: analyze exited with %d" % p.returncode)
            return 1
        members = rows(os.path.join(out, "cluster_members.csv"))
        bans = {r["ip"] for r in rows(os.path.join(out, "bans.csv"))}
        comp = rows(os.path.join(out, "compromised.csv"))
        events = rows(os.path.join(out, "events.csv"))
    actors = truth["actors"]
    cluster_of = {r["ip"]: r["cluster_id"] for r in members}
    by_cluster = defaultdict(set)
    for ip, c in cluster_of.items():
        by_cluster[c].add(ip)
    jailed = jail(events)
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("ok    " if cond else "FAIL  ") + msg)
        ok = ok and cond

    best = {}
    for name in ("campaign_a", "campaign_b"):
        ips = set(actors[name])
        counts = defaultdict(int)
        for ip in ips:
            if ip in cluster_of:
                counts[cluster_of[ip]] += 1
        c, n = max(counts.items(), key=lambda kv: kv[1]) if counts else ("", 0)
        best[name] = c
        purity = n / len(by_cluster[c]) if c else 0
        check(n >= 0.98 * len(ips),
              "%s: %d of %d IPs in cluster %s" % (name, n, len(ips), c or "-"))
        check(purity >= 0.95, "%s: cluster %s purity %.1f%% (%d members)"
              % (name, c or "-", 100 * purity, len(by_cluster[c]) if c else 0))
        banned = len(ips & bans)
        check(banned >= 0.98 * len(ips), "%s: %d of %d IPs banned (fail2ban jail: %d)"
              % (name, banned, len(ips), len(ips & jailed)))
    check(best["campaign_a"] != best["campaign_b"], "the two campaigns are two clusters")
    scanners = set(actors["scanners"])
    glued = {c for ip in scanners for c in [cluster_of.get(ip)] if c}
    print("info  one-off scanners in clusters: %d of %d"
          % (sum(1 for ip in scanners if ip in cluster_of), len(scanners)))
    check(len(by_cluster) == 2, "%d clusters in all (want 2; scanners glued into %d)"
          % (len(by_cluster), len(glued)))
    for name in MUST_BAN:
        ips = set(actors[name])
        check(ips <= bans, "%s: %d of %d banned (fail2ban jail: %d)"
              % (name, len(ips & bans), len(ips), len(ips & jailed)))
    for name in HONEST:
        ips = set(actors[name])
        check(not (ips & bans), "%s: %d of %d banned (fail2ban jail: %d)"
              % (name, len(ips & bans), len(ips), len(ips & jailed)))
    want = {(c["ip"], c["user"]) for c in truth["compromised"]}
    got = {(c["ip"], c["user"]) for c in comp}
    check(want <= got, "compromised: found %d of %d (%d reported)"
          % (len(want & got), len(want), len(got)))
    relay = set(actors["relay"])
    print("info  relay IPs banned: %d of %d" % (len(relay & bans), len(relay)))
    print("%s: scenario seed %s" % ("PASS" if ok else "FAIL", seed))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
