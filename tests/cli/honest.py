#!/usr/bin/env python3
"""Never accuse an honest user; never let a plain burst through.

For several seeds, makes a scenario with scripts/gen-corpus --scenario (its
truth.json labels every actor's addresses; auth_events.csv lists every
authentication line the actors wrote), runs `mailsleuth analyze --users
users.txt` on it and checks:

  scenario     the generator made what the checks rely on: users who mistype
               their own name (>= 4 different near misses, >= 100 logins of
               the right name from that address), a near miss of a --users
               name never followed by a success, bursts of >= 5 failures in
               10 minutes with and without usernames and no success, a
               campaign member that logs in, at least 3 daemons
  honest       no honest address (legit, fallback, typo, self_typo,
               typo_no_success, stale_phone, nat) has verdict ban in ips.csv
               or is covered by bans.csv (an address or a CIDR block)
  accusation   every compromised.csv row is the real takeover: none names an
               honest account or address
  bursts       every burst address (named and nameless) is in bans.csv
  campaign     the slow campaign (A, the seed's) is whole: >= 98% of its
               addresses in one cluster, outsiders <= 5% of that cluster
  takeover     the campaign member's login is in compromised.csv
  fail2ban     every address a stock jail (maxretry 5, findtime 600, one
               failure per log line, from auth_events.csv) would ban is in
               bans.csv, or is explained as honest: verdict not ban and
               ips.csv's honest_failures leaves fewer than 5 failures
               unexplained (the reasons column words it: "N failures
               explained as honest use"); an attacker explained as honest
               fails too

Then, on the first seed's results, each check is run against a deliberately
wrong expectation and must fail (the "selftest" lines): a check that cannot
fail proves nothing.
Usage: honest.py MAILSLEUTH SOURCE_ROOT [SEED ...]
"""
import bisect
import copy
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

import jail_util
from jail_util import rows, ts

# seed: extra gen-corpus arguments (timing, rotation and stamps vary too)
SEEDS = {
    "11": ["--days", "3", "--rotate"],
    "23": ["--days", "4", "--start", "2025-02-10"],
    "42": ["--days", "3", "--rotate", "--start", "2025-09-01",
           "--multilog-stamps", "tai64nlocal"],
}
HONEST = ("legit", "fallback", "typo", "self_typo", "typo_no_success", "stale_phone", "nat")
BURSTS = ("burst_named", "burst_nameless")
ATTACKERS = ("fast_pop3", "smtp_brute", "ssh_brute", "burst_named", "burst_nameless",
             "campaign_a", "campaign_b", "scanners", "relay")




def norm(ip):
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def jail(events, maxretry=5, findtime=600):
    """fail2ban: maxretry failures (log lines) of one address within findtime."""
    times = defaultdict(list)
    for e in events:
        if e["outcome"] == "fail":
            times[e["ip"]].append(ts(e["time"]))
    return jail_util.jail(times, maxretry, findtime)


class Results:
    """mailsleuth's answer: ips.csv, bans.csv (addresses and blocks),
    compromised.csv, cluster_members.csv."""

    def __init__(self, out):
        self.ips = {norm(r["ip"]): r for r in rows(os.path.join(out, "ips.csv"))}
        self.bans, self.blocks = set(), []
        for r in rows(os.path.join(out, "bans.csv")):
            if "/" in r["ip"]:
                self.blocks.append(ipaddress.ip_network(r["ip"], strict=False))
            else:
                self.bans.add(norm(r["ip"]))
        self.comp = rows(os.path.join(out, "compromised.csv"))
        self.cluster = {norm(r["ip"]): r["cluster_id"]
                        for r in rows(os.path.join(out, "cluster_members.csv"))}

    def banned(self, ip):
        if ip in self.bans:
            return "bans.csv"
        a = ipaddress.ip_address(ip)
        for n in self.blocks:
            if a.version == n.version and a in n:
                return "bans.csv block " + str(n)
        r = self.ips.get(ip)
        if r and r["verdict"] == "ban":
            return "ips.csv verdict ban"
        return None

    def explained(self, ip):
        """Verdict not ban and fewer than 5 failures left unexplained."""
        r = self.ips.get(ip)
        if not r or r["verdict"] == "ban":
            return False
        f, h = int(r["failures"] or 0), int(r["honest_failures"] or 0)
        return h > 0 and f - h < 5


def describe(res, ip):
    r = res.ips.get(ip)
    if not r:
        return ip + " (not in ips.csv)"
    return "%s %s score %s: %s" % (ip, r["verdict"], r["score"], r["reasons"][:150])


class Case:
    """One seed's truth and events."""

    def __init__(self, logs):
        self.truth = json.load(open(os.path.join(logs, "truth.json")))
        self.events = rows(os.path.join(logs, "auth_events.csv"))
        for e in self.events:
            e["ip"] = norm(e["ip"])
        self.actors = {k: {norm(ip) for ip in v} for k, v in self.truth["actors"].items()}
        self.users = set(open(os.path.join(logs, "users.txt")).read().split())


# -- the checks: each returns [(ok, message)] ---------------------------------

def check_scenario(case):
    out, lab, ev = [], case.truth["labels"], case.events
    by_ip = defaultdict(list)
    for e in ev:
        by_ip[e["ip"]].append(e)
    for u in lab["self_typo"]:
        es = by_ip[norm(u["ip"])]
        ok_n = sum(1 for e in es if e["outcome"] == "ok" and e["user"] == u["user"])
        # besides slips: the right name with a wrong password, and postfix's
        # nameless failures of the same (old wording) - honest too
        bad = {e["user"] for e in es if e["outcome"] == "fail"} - {u["user"], ""}
        slips = {s["name"] for s in u["slips"]}
        out.append((ok_n >= 100 and len(bad) >= 4 and bad <= slips,
                    "self_typo %s (%s, %s): %d logins, %d different slips %s"
                    % (u["ip"], u["user"], u["daemon"], ok_n, len(bad), sorted(bad)[:4])))
    for u in lab["typo_no_success"]:
        es = by_ip[norm(u["ip"])]
        ok_n = sum(1 for e in es if e["outcome"] == "ok")
        out.append((ok_n == 0 and u["user"] in case.users and len(es) >= 3,
                    "typo_no_success %s (%s, %s): %d failures, no success, right name in "
                    "--users" % (u["ip"], u["user"], u["daemon"], len(es))))
    jailed = jail(ev)
    kinds = defaultdict(set)
    for b in lab["bursts"]:
        ip = norm(b["ip"])
        es = by_ip[ip]
        named = {bool(e["user"]) for e in es if e["outcome"] == "fail"}
        good = (ip in jailed and not any(e["outcome"] == "ok" for e in es)
                and named == {b["named"]})
        kinds[b["named"]].add(b["daemon"])
        out.append((good, "burst %s: %d %s failures on %s in %d s, jail bans it, no success"
                    % (ip, len(es), "named" if b["named"] else "nameless", b["daemon"],
                       b["seconds"])))
    out.append((bool(kinds[True]) and bool(kinds[False]),
                "bursts with usernames (%s) and without (%s)"
                % (",".join(sorted(kinds[True])), ",".join(sorted(kinds[False])))))
    daemons = {e["daemon"] for e in ev if e["actor"] in HONEST + BURSTS}
    out.append((len(daemons) >= 3, "daemons of honest users and bursts: %s"
                % ",".join(sorted(daemons))))
    want = case.truth["compromised"]
    got = [c for c in want if any(e["ip"] == norm(c["ip"]) and e["user"] == c["user"]
                                  and e["outcome"] == "ok" for e in ev)]
    out.append((len(want) >= 1 and len(got) == len(want),
                "campaign member logs in: %s" % ", ".join("%s as %s" % (c["ip"], c["user"])
                                                          for c in want)))
    return out


def check_honest(case, res):
    out = []
    for k in HONEST:
        ips = case.actors.get(k, set())
        hit = sorted(ip for ip in ips if res.banned(ip))
        out.append((not hit, "%s: %d of %d banned%s" % (k, len(hit), len(ips), "".join(
            "\n        " + res.banned(ip) + ": " + describe(res, ip) for ip in hit[:5]))))
    return out


def check_accusation(case, res):
    want = {(norm(c["ip"]), c["user"]) for c in case.truth["compromised"]}
    honest_ips = set().union(*(case.actors.get(k, set()) for k in HONEST))
    extra = [c for c in res.comp if (norm(c["ip"]), c["user"]) not in want]
    lines = []
    for c in extra[:5]:
        who = "honest address" if norm(c["ip"]) in honest_ips else "address"
        lines.append("\n        %s %s as %s: %s" % (who, c["ip"], c["user"], c["evidence"][:140]))
    return [(not extra, "compromised.csv: %d row(s) beyond the real takeover%s"
             % (len(extra), "".join(lines)))]


def check_bursts(case, res):
    out = []
    for k in BURSTS:
        ips = case.actors.get(k, set())
        miss = sorted(ip for ip in ips if not (ip in res.bans or any(
            ipaddress.ip_address(ip) in n for n in res.blocks
            if n.version == ipaddress.ip_address(ip).version)))
        out.append((bool(ips) and not miss, "%s: %d of %d in bans.csv%s" % (
            k, len(ips) - len(miss), len(ips),
            "".join("\n        missed " + describe(res, ip) for ip in miss[:6]))))
    return out


def check_campaign(case, res, name="campaign_a"):
    ips = case.actors[name]
    counts = defaultdict(int)
    for ip in ips:
        if ip in res.cluster:
            counts[res.cluster[ip]] += 1
    c, n = max(counts.items(), key=lambda kv: kv[1]) if counts else ("", 0)
    members = {ip for ip, x in res.cluster.items() if x == c} if c else set()
    outsiders = members - ips
    of = defaultdict(int)
    for ip in outsiders:
        of[next((k for k, v in case.actors.items() if ip in v), "?")] += 1
    return [(n >= 0.98 * len(ips) and len(outsiders) <= 0.05 * max(1, len(members)),
             "%s: %d of %d addresses in cluster %s, %d outsiders (%s)"
             % (name, n, len(ips), c or "-", len(outsiders),
                ", ".join("%d %s" % (v, k) for k, v in sorted(of.items())) or "none"))]


def check_takeover(case, res):
    want = {(norm(c["ip"]), c["user"]) for c in case.truth["compromised"]}
    got = {(norm(c["ip"]), c["user"]) for c in res.comp}
    return [(bool(want) and want <= got, "takeover: found %d of %d (%s)"
             % (len(want & got), len(want), ", ".join("%s as %s" % w for w in sorted(want))))]


def check_fail2ban(case, res, honest_counts=True):
    jailed = jail(case.events)
    actor = {ip: k for k, v in case.actors.items() for ip in v}
    bad, how = [], defaultdict(int)
    for ip in sorted(jailed):
        if res.banned(ip):
            how["banned"] += 1
        elif honest_counts and res.explained(ip):
            how["explained as honest"] += 1
            if actor.get(ip) in ATTACKERS:
                bad.append("attacker (%s) explained as honest: %s" % (actor[ip], describe(res, ip)))
        else:
            bad.append("neither banned nor explained (%s): %s"
                       % (actor.get(ip, "?"), describe(res, ip)))
    return [(not bad, "fail2ban jail (5 in 600 s) bans %d: %s%s"
             % (len(jailed), ", ".join("%d %s" % (v, k) for k, v in sorted(how.items())),
                "".join("\n        " + b for b in bad[:8])))]


CHECKS = [("scenario", lambda c, r: check_scenario(c)), ("honest", check_honest),
          ("accusation", check_accusation), ("bursts", check_bursts),
          ("campaign", check_campaign), ("takeover", check_takeover),
          ("fail2ban", check_fail2ban)]


def selftest(case, res):
    """Each check against a deliberately wrong expectation: must fail."""
    def honest_bursts():   # "the bursts are honest"
        c = copy.copy(case)
        c.actors = dict(case.actors)
        c.actors["legit"] = case.actors["legit"] | case.actors["burst_named"] | \
            case.actors["burst_nameless"] | case.actors["campaign_a"]
        return check_honest(c, res)

    def accuse():          # "there is no takeover" (or one more row than there is)
        c = copy.copy(case)
        c.truth = dict(case.truth, compromised=[])
        r = copy.copy(res)
        u = case.truth["labels"]["self_typo"][0]
        r.comp = res.comp + [{"ip": u["ip"], "user": u["user"], "evidence": "(selftest row)"}]
        return check_accusation(c, r)

    def bursts_are_honest():   # "the honest typists are bursts"
        c = copy.copy(case)
        c.actors = dict(case.actors)
        c.actors["burst_named"] = case.actors["burst_named"] | case.actors["self_typo"] | \
            case.actors["stale_phone"]
        return check_bursts(c, res)

    def one_campaign():    # "campaigns A and B are one"
        c = copy.copy(case)
        c.actors = dict(case.actors, campaign_a=case.actors["campaign_a"] |
                        case.actors["campaign_b"])
        return check_campaign(c, res)

    def wrong_takeover():  # "the campaign took over another account too"
        c = copy.copy(case)
        took = case.truth["compromised"][0] if case.truth["compromised"] else {"ip": "192.0.2.1"}
        c.truth = dict(case.truth, compromised=case.truth["compromised"] +
                       [{"ip": took["ip"], "user": "selftest-nobody@invalid"}])
        return check_takeover(c, res)

    def no_honest_reason():   # "honest explanations do not count" + an empty ban list
        r = copy.copy(res)
        r.bans, r.blocks, r.ips = set(), [], {
            ip: dict(x, verdict="watch") for ip, x in res.ips.items()}
        return check_fail2ban(case, r)

    def scenario_lies():   # "the honest typists' addresses are bursts"
        c = copy.copy(case)
        lab = dict(case.truth["labels"])
        lab["bursts"] = lab["bursts"] + [{"ip": u["ip"], "named": True, "daemon": u["daemon"],
                                          "seconds": 0} for u in lab["self_typo"]]
        c.truth = dict(case.truth, labels=lab)
        return check_scenario(c)
    ok = True
    for name, f in (("scenario", scenario_lies), ("honest", honest_bursts),
                    ("accusation", accuse), ("bursts", bursts_are_honest),
                    ("campaign", one_campaign), ("takeover", wrong_takeover),
                    ("fail2ban", no_honest_reason)):
        failed = not all(good for good, _ in f())
        print("%s selftest %-10s fails against a wrong expectation"
              % ("ok   " if failed else "FAIL ", name))
        ok = ok and failed
    return ok


def main():
    binary, root = sys.argv[1:3]
    seeds = sys.argv[3:] or list(SEEDS)
    gen = os.path.join(root, "scripts", "gen-corpus")
    summary, all_ok, self_ok = [], True, True
    with tempfile.TemporaryDirectory() as tmp:
        for i, seed in enumerate(seeds):
            logs, out = os.path.join(tmp, "logs" + seed), os.path.join(tmp, "out" + seed)
            subprocess.run([sys.executable, gen, "--scenario", "--seed", seed, "--out", logs]
                           + SEEDS.get(seed, ["--days", "3"]), check=True,
                           stdout=subprocess.DEVNULL)
            p = subprocess.run([binary, "analyze", "-q", "--tz", "UTC", "-o", out,
                                "--users", os.path.join(logs, "users.txt"), logs])
            if p.returncode != 0:
                print("FAIL  seed %s: analyze exited with %d" % (seed, p.returncode))
                all_ok = False
                summary.append((seed, {n: False for n, _ in CHECKS}))
                continue
            case, res = Case(logs), Results(out)
            print("== seed %s (%s)" % (seed, " ".join(SEEDS.get(seed, []))))
            verdicts = {}
            for name, f in CHECKS:
                good = True
                for ok, msg in f(case, res):
                    print("%s %-10s %s" % ("ok   " if ok else "FAIL ", name, msg))
                    good = good and ok
                verdicts[name] = good
                all_ok = all_ok and good
            if i == 0:
                self_ok = selftest(case, res)
            summary.append((seed, verdicts))
    print("\nsummary (check: result per seed)")
    for name, _ in CHECKS:
        print("  %-10s %s" % (name, "  ".join("%s=%s" % (s, "pass" if v[name] else "FAIL")
                                              for s, v in summary)))
    print("  %-10s %s" % ("selftest", "pass" if self_ok else "FAIL"))
    ok = all_ok and self_ok
    print("%s: honest-user and burst checks, seeds %s" % ("PASS" if ok else "FAIL",
                                                          " ".join(seeds)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
