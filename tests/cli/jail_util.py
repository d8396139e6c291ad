"""What the scenario tests share: CSV rows, ISO times, and fail2ban's rule.

jail(times) takes, per address, the times of its failures (one per log
line, as fail2ban counts them) and returns the addresses a stock jail
would ban: maxretry failures within findtime seconds.
"""
import csv
from datetime import datetime


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def jail(times, maxretry=5, findtime=600):
    out = set()
    for ip, t in times.items():
        t = sorted(t)
        lo = 0
        for hi in range(len(t)):
            while t[hi] - t[lo] > findtime:
                lo += 1
            if hi - lo + 1 >= maxretry:
                out.add(ip)
                break
    return out
