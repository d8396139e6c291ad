#!/usr/bin/env python3
"""The fleet playbook (scripts/fleet/fleet.yml) gives one analysis's answer.

The bundled sample's logs are split by client address among three local
hosts (ansible_connection=local), each host's syslog lines renamed to it,
the multilog's by tcpserver pid: each host sees part of the campaigns.
mx1's logs are one folder; mx2's a shell pattern and a folder; mx3's a
folder holding a folder, and a gzip file cut short (mx3 is included, with
a warning). Three more hosts fail: mx4's log folder does not exist, mx5's
binary does not, mx6 cannot be reached (ssh to a closed port).
ansible-playbook must go on, name the failed hosts and why (its output and
hosts.csv), exit 2, keep the fetched files whose SHA-256 is the host's
(SHA256SUMS), and write an analysis equal to ONE `mailsleuth analyze` of
all the hosts' logs (run in their parent folder, so the file names
./HOST/… and the servers HOST… are those the hosts' events files carry):
clusters.csv, cluster_members.csv, bans.csv, compromised.csv and ips.csv
byte for byte, none left out. Its report (analyze --hosts hosts.csv)
says before its summary that mx4, mx5 and mx6 were left out and why (the
headline names them too), the summary names the hosts included and left
out, and input coverage lists every host with its status, events file and
reason; report.md names each included host's file (input coverage) and
server (Servers table). Ansible runs offline:
its config, temporary and async folders are in the test's temporary
folder. Without ansible-playbook the test fails, saying to run
scripts/deps --optional.
Usage: fleet.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import filecmp
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import zlib

HOSTS = ["mx1", "mx2", "mx3"]
IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
SYSLOG = re.compile(r"^(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) ")


def pick(key):
    return HOSTS[zlib.crc32(key.encode()) % len(HOSTS)]


def split_sample(sample, hosts_dir):
    """The sample's logs, split among HOSTS as each would have logged them."""
    out = {h: {} for h in HOSTS}   # host -> relative name -> lines
    for name in ("mail.log.2.gz", "mail.log.1", "mail.log"):
        path = os.path.join(sample, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="surrogateescape") as f:
            for line in f.read().splitlines():
                m = IPV4.search(line[16:])
                h = pick(m.group(1) if m else line)
                line = SYSLOG.sub(lambda s: "%s %s " % (s.group(1), h), line, count=1)
                out[h].setdefault(name, []).append(line)
    # tcpserver: a connection's lines share its pid; "pid N from ADDR" names
    # the address.
    pids = {}
    with open(os.path.join(sample, "qmail-pop3d", "current"), encoding="utf-8") as f:
        for line in f.read().splitlines():
            m = re.search(r"tcpserver: pid (\d+) from (\S+)", line)
            if m:
                pids[m.group(1)] = pick(m.group(2))
            m = re.search(r"tcpserver: (?:pid|ok|end|deny) (\d+)", line)
            h = pids.get(m.group(1), HOSTS[0]) if m else HOSTS[0]
            out[h].setdefault(os.path.join("qmail-pop3d", "current"), []).append(line)
    # mx3's logs one level further down: the folder given holds "var-log".
    for h, files in out.items():
        for name, lines in files.items():
            rel = os.path.join("var-log", name) if h == "mx3" else name
            path = os.path.join(hosts_dir, h, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
            if name.endswith(".gz"):
                data = gzip.compress(data, mtime=0)
            with open(path, "wb") as f:
                f.write(data)
    # A damaged file on mx3 (gzip cut short): its host is included, with a
    # warning, and both analyses read what can be read of it.
    lines = ["May  5 %02d:%02d:17 mx3 dovecot[%d]: imap-login: Disconnected (auth failed, "
             "1 attempts in 2 secs): user=<guess%d>, method=PLAIN, rip=203.0.113.9, "
             "lip=198.51.100.25, session=<s%06d>" % (3 + i // 60, i % 60, 4000 + i, i, i)
             for i in range(400)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    with open(os.path.join(hosts_dir, "mx3", "var-log", "dovecot.log.gz"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def zstd_rows(path):
    p = subprocess.run(["zstd", "-dcq", path], capture_output=True, check=True)
    return list(csv.DictReader(io.StringIO(p.stdout.decode("utf-8", "surrogateescape"))))


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    playbook = shutil.which("ansible-playbook")
    if not playbook:
        print("FAIL: ansible-playbook not found: run scripts/deps --optional "
              "(as root) to install ansible-core")
        return 1
    failures = []

    def check(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        hosts_dir = os.path.join(tmp, "hosts")
        split_sample(os.path.join(root, "testdata", "sample"), hosts_dir)
        other = os.path.join(tmp, "other", "mx5")   # logs mx5 never reads
        os.makedirs(other)
        shutil.copy(os.path.join(hosts_dir, "mx1", "mail.log"), other)
        dest = os.path.join(tmp, "fleet")
        users = os.path.join(root, "testdata", "sample", "users.txt")
        ev_opts = ["--tz", "UTC", "--year", "2025"]
        an_opts = ["-q", "--tz", "UTC", "--no-geo", "--users", users]

        def logs(*paths):
            return "mailsleuth_logs='%s'" % json.dumps(list(paths))

        h = lambda *p: os.path.join(hosts_dir, *p)
        inventory = os.path.join(tmp, "inventory.ini")
        with open(inventory, "w") as f:
            f.write("[mailsleuth]\n")
            f.write("mx1 ansible_connection=local %s\n" % logs(h("mx1")))
            f.write("mx2 ansible_connection=local %s\n"
                    % logs(h("mx2", "mail.log*"), h("mx2", "qmail-pop3d")))
            f.write("mx3 ansible_connection=local %s\n" % logs(h("mx3")))
            f.write("mx4 ansible_connection=local %s\n" % logs(os.path.join(tmp, "missing")))
            f.write("mx5 ansible_connection=local mailsleuth_bin=%s %s\n"
                    % (os.path.join(tmp, "no-such-mailsleuth"), logs(other)))
            f.write("mx6 ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=%d "
                    "%s\n" % (closed_port(), logs(h("mx1"))))
            # Extra vars (-e) would override mx5's own binary: a group's.
            f.write("[all:vars]\nmailsleuth_bin=%s\n" % binary)
        extra = {"mailsleuth_events_options": ev_opts,
                 "mailsleuth_analyze_options": an_opts, "fleet_dest": dest,
                 "mailsleuth_remote_tmp": tmp, "mailsleuth_poll": 1}
        cfg = os.path.join(tmp, "ansible.cfg")
        open(cfg, "w").close()
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        env = dict(os.environ, HOME=home, LC_ALL="C.UTF-8",
                   ANSIBLE_CONFIG=cfg,
                   ANSIBLE_HOST_KEY_CHECKING="False",
                   ANSIBLE_RETRY_FILES_ENABLED="False",
                   ANSIBLE_GATHERING="explicit",
                   ANSIBLE_PYTHON_INTERPRETER="auto_silent",
                   ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "ansible-local"),
                   ANSIBLE_REMOTE_TEMP=os.path.join(tmp, "ansible-remote"),
                   ANSIBLE_ASYNC_DIR=os.path.join(tmp, "ansible-async"),
                   ANSIBLE_SSH_CONTROL_PATH_DIR=os.path.join(tmp, "ansible-cp"),
                   ANSIBLE_SSH_ARGS="-o BatchMode=yes -o ConnectTimeout=5 "
                                    "-o UserKnownHostsFile=/dev/null",
                   ANSIBLE_TIMEOUT="5",
                   ANSIBLE_FORKS="6",
                   ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCALHOST_WARNING="False",
                   ANSIBLE_DEPRECATION_WARNINGS="False",
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(tmp, "collections"))
        env.pop("ANSIBLE_INVENTORY", None)
        cmd = [playbook, "-i", inventory, os.path.join(root, "scripts", "fleet", "fleet.yml"),
               "-e", json.dumps(extra)]
        p = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, timeout=600)
        out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        print(out)

        check(p.returncode == 2, "ansible-playbook exits 2 (hosts left out), got %d"
              % p.returncode)
        check("included 3 of 6 hosts: mx1, mx2, mx3" in out, "summary: 3 of 6 hosts included")
        check("failed: mx4, mx5, mx6" in out, "summary: mx4, mx5, mx6 failed")

        rows = {}
        hosts_csv = os.path.join(dest, "hosts.csv")
        if os.path.exists(hosts_csv):
            rows = {r["host"]: r for r in csv.DictReader(open(hosts_csv, encoding="utf-8"))}
        check(sorted(rows) == ["mx%d" % i for i in range(1, 7)], "hosts.csv lists the 6 hosts")
        for host in HOSTS:
            r = rows.get(host, {})
            check(r.get("status") == "included"
                  and r.get("events_file") == "events/%s.csv.zst" % host,
                  "hosts.csv: %s included, events/%s.csv.zst" % (host, host))
        warn = "some input damaged or unreadable"
        check(not rows.get("mx1", {}).get("why") and not rows.get("mx2", {}).get("why")
              and warn in rows.get("mx3", {}).get("why", "")
              and "dovecot.log.gz" in rows.get("mx3", {}).get("why", ""),
              "hosts.csv: mx3's damaged file noted (%s)" % rows.get("mx3", {}).get("why"))
        check("mx3 warning: " + warn in out, "the run's output notes mx3's damaged file")
        why = {"mx4": "no such log file or folder", "mx5": "mailsleuth not found",
               "mx6": "unreachable"}
        for host, text in why.items():
            r = rows.get(host, {})
            check(r.get("status") == "failed" and text in r.get("why", ""),
                  "hosts.csv: %s failed, '%s' (%s)" % (host, text, r.get("why")))
            check(text in out, "the run's output says why %s failed" % host)
            check(not os.path.exists(os.path.join(dest, "events", host + ".csv.zst")),
                  "no events file kept for %s" % host)

        # The checksums: SHA256SUMS holds the host's SHA-256 of each file.
        sums = {}
        if os.path.exists(os.path.join(dest, "SHA256SUMS")):
            for line in open(os.path.join(dest, "SHA256SUMS")):
                digest, name = line.split()
                sums[name] = digest
        check(sorted(sums) == ["events/%s.csv.zst" % x for x in HOSTS],
              "SHA256SUMS names the 3 included hosts' files")
        for name, digest in sums.items():
            with open(os.path.join(dest, name), "rb") as f:
                data = f.read()
            check(hashlib.sha256(data).hexdigest() == digest == rows.get(
                  name[7:-8], {}).get("sha256"), "%s: SHA-256 as on the host" % name)
            check(data[:4] == b"\x28\xb5\x2f\xfd", "%s is zstd" % name)

        # Each host's events name their host: files ./HOST/…, servers HOST….
        for host in HOSTS:
            path = os.path.join(dest, "events", host + ".csv.zst")
            if not os.path.exists(path):
                check(False, "%s's events file fetched" % host)
                continue
            evs = zstd_rows(path)
            check(len(evs) > 100 and all(e["file"].startswith("./%s/" % host) for e in evs),
                  "%s: %d events, every file ./%s/…" % (host, len(evs), host))
            check(all(e["server"] == host or e["server"].startswith(host + "/")
                      for e in evs), "%s: every event's server is %s or below it"
                  % (host, host))

        # One analysis of all the logs, where they are.
        single = os.path.join(tmp, "single")
        p = subprocess.run([binary, "analyze", "-o", single] + an_opts + ["--year", "2025", "."],
                           cwd=hosts_dir)
        check(p.returncode == 1, "one analysis of all logs: exit 1 (mx3's damaged file)")
        fleet = os.path.join(dest, "analysis")
        for f in ("clusters.csv", "cluster_members.csv", "bans.csv", "compromised.csv",
                  "ips.csv"):
            a, b = os.path.join(single, f), os.path.join(fleet, f)
            same = os.path.exists(b) and filecmp.cmp(a, b, shallow=False)
            check(same, "%s: fleet analysis identical to one analysis of all logs" % f)
            if not same and os.path.exists(b):
                subprocess.run(["diff", a, b])
        # … and it is worth comparing: campaigns seen across hosts, a compromise.
        ips = list(csv.DictReader(open(os.path.join(single, "ips.csv"), encoding="utf-8")))
        seen = set()
        for r in ips:
            if r["cluster_id"]:
                seen.update(s.split("/")[0] for s in r["servers"].split("; "))
        check(seen == set(HOSTS), "campaign members logged on %s" % sorted(seen))
        n = sum(1 for _ in open(os.path.join(single, "compromised.csv"))) - 1
        check(n >= 1, "%d compromised account(s)" % n)

        # The report names the hosts' files it read, and the servers.
        report = open(os.path.join(fleet, "report.md"), encoding="utf-8").read() \
            if os.path.exists(os.path.join(fleet, "report.md")) else ""
        for host in HOSTS:
            check("events/%s.csv.zst" % host in report,
                  "report.md's input coverage names events/%s.csv.zst" % host)
        check(all("events/%s.csv.zst" % x not in report for x in why),
              "report.md names no failed host's file")
        check("## Servers" in report and all("| %s |" % x in report for x in HOSTS),
              "report.md's Servers table has mx1, mx2, mx3")

        # The report says which hosts were left out, and why, before its
        # summary (in the headline, and a note listing each with its
        # reason); the summary and the input coverage list them all.
        top = report.split("## Summary")[0]
        lead = next((l for l in top.splitlines() if l.startswith("From ")), "")
        said = re.search(r"The logs of .*? were not read\.", lead)
        check(said and said.group(0) == "The logs of 3 other hosts (mx4, mx5 and mx6) "
              "were not read.", "report.md's headline: mx4, mx5 and mx6 not read (%s)"
              % (said.group(0) if said else "no such sentence"))
        check("> **Hosts were left out.** This analysis covers 3 of the 6 hosts listed "
              "in " in top, "report.md: a note at the top, 3 of 6 hosts covered")
        for host, text in why.items():
            item = next((l for l in top.splitlines() if l.startswith("- %s: " % host)), "")
            check(text in item, "report.md's top note: %s left out, '%s' (%s)"
                  % (host, text, item))
        summary = next((l for l in report.splitlines() if l.startswith("- **Hosts:**")), "")
        check(re.search(r"3 of the 6 in .*hosts\.csv included \(mx1, mx2 and mx3\); "
                        r"left out, their logs not read: mx4, mx5 and mx6$", summary),
              "report.md's summary names the hosts included and left out (%s)" % summary)
        coverage = report.split("## Input coverage")[-1].split("### Damaged files")[0]
        check("### Hosts" in coverage, "report.md's input coverage has a Hosts part")
        for host in HOSTS:
            check("| %s | included | events/%s.csv.zst |" % (host, host) in coverage,
                  "report.md's Hosts table: %s included, with its file" % host)
        check(warn in next((l for l in coverage.splitlines() if l.startswith("| mx3 |")), ""),
              "report.md's Hosts table: mx3's warning")
        for host, text in why.items():
            row = next((l for l in coverage.splitlines() if l.startswith("| %s |" % host)), "")
            check(row.startswith("| %s | left out |" % host) and text in row,
                  "report.md's Hosts table: %s left out, '%s' (%s)" % (host, text, row))
        html = open(os.path.join(fleet, "report.html"), encoding="utf-8").read() \
            if os.path.exists(os.path.join(fleet, "report.html")) else ""
        top = html.split('<h2 id="summary">')[0]
        check('<p class="note"><strong>Hosts were left out.</strong>' in top
              and all('<li><span class="u">%s</span>: ' % h in top for h in why),
              "report.html: the note and mx4, mx5, mx6 before the summary")
        left = [n for n in os.listdir(tmp) if n.startswith("mailsleuth-fleet.")]
        check(not left, "the hosts' work folders removed (%s)" % left)

    print("%s: fleet playbook, %d failure(s)" % ("FAIL" if failures else "PASS",
                                                  len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
