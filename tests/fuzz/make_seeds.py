#!/usr/bin/env python3
"""make_seeds.py — (re)write the seed corpora of testdata/fuzz/NAME/.

usage: tests/fuzz/make_seeds.py MAILSLEUTH [CONFORMANCE_DIR]

MAILSLEUTH is a built binary: `mailsleuth explain` says which recogniser
takes each line of testdata/ and of the conformance corpora (default
/work/shared/conformance, skipped when absent), and two real lines per
recogniser become the recognizers seeds (their headers the record seeds).
The rest is written here: tiny archives of every codec, whole, truncated,
concatenated and corrupt (xz, zstd, gzip and bzip2 from their command-line
tools), events CSV/NDJSON snippets, list files, hostile names. Only files
named seed-* are replaced; crash-*, timeout-*, oom-* and inputs the fuzzer
added are kept. The output is deterministic for the same inputs.
"""
import gzip
import hashlib
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "fuzz")


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear(target):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    for n in os.listdir(d):
        if n.startswith("seed-"):
            os.unlink(os.path.join(d, n))


def tool(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def log_files(conf):
    files = [os.path.join(ROOT, "testdata", p) for p in (
        "seeds/000-dovecot.log", "seeds/002-qmail.log", "sample/mail.log",
        "sample/mail.log.1", "sample/qmail-pop3d/current")]
    if conf and os.path.isdir(conf):
        for sub in ("fail2ban/logs", "ossec/log-entries", "crowdsec/tests", "loghub"):
            for dp, dns, fns in os.walk(os.path.join(conf, sub)):
                dns.sort()
                for fn in sorted(fns):
                    if sub != "crowdsec/tests" or fn.endswith(".log"):
                        if fn.endswith((".md", ".tsv", ".csv")):
                            continue
                        files.append(os.path.join(dp, fn))
    return [f for f in files if os.path.isfile(f)]


def unit_test_lines():
    """Log lines quoted in tests/unit/test_rec_*.c (adjacent literals joined),
    into one temporary file: they reach the recognisers real logs miss."""
    start = re.compile(r"^(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"|\d{4}-\d\d-\d\d|@4000|<\d+>)")
    out = []
    udir = os.path.join(ROOT, "tests", "unit")
    for fn in sorted(os.listdir(udir)):
        if not (fn.startswith("test_rec_") or fn == "test_record.c"):
            continue
        src = open(os.path.join(udir, fn), encoding="utf-8").read()
        for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*', src):
            parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
            text = "".join(parts)
            if not start.match(text):
                continue
            try:
                raw = text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")
            except (UnicodeDecodeError, UnicodeEncodeError):
                continue
            if b"\n" not in raw:
                out.append(raw)
    path = os.path.join(OUT, ".unit-lines.tmp")
    os.makedirs(OUT, exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"\n".join(out) + b"\n")
    return path


def recogniser_lines(exe, files):
    """{rule: [line bytes, ...]} from `mailsleuth explain`, first two each."""
    picked = {}
    for path in files:
        out = subprocess.run([exe, "explain", "-q", path], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode("utf-8", "replace")
        with open(path, "rb") as f:
            raw = f.read().split(b"\n")
        for m in re.finditer(r"^.*:(\d+): ([a-z0-9_.-]+): ", out, re.M):
            no, rule = int(m.group(1)), m.group(2)
            if rule == "-" or no > len(raw):
                continue
            lst = picked.setdefault(rule, [])
            line = raw[no - 1].rstrip(b"\r")
            if len(lst) < 2 and line not in lst:
                lst.append(line)
    return picked


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = sys.argv[1]
    conf = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/conformance"

    # ---- recognizers and record ----
    unit = unit_test_lines()
    picked = recogniser_lines(exe, log_files(conf) + [unit])
    os.unlink(unit)
    clear("recognizers")
    clear("record")
    for rule in sorted(picked):
        put("recognizers", rule, b"\n".join(picked[rule]) + b"\n")
    with open(os.path.join(ROOT, "testdata/seeds/002-qmail.log"), "rb") as f:
        put("recognizers", "multi-qmail", f.read())
    with open(os.path.join(ROOT, "testdata/sample/qmail-pop3d/current"), "rb") as f:
        put("recognizers", "multi-multilog", b"".join(f.readlines()[:40]))
    # tcpserver program (see fuzz_recognizers.c): pid, ok, end; a reused
    # pid; a burst of 64 x 4 + 1 pids that never end (the table grows).
    put("recognizers", "program-tcpserver",
        bytes([1, 0, 0x10, 0x01, 1, 0x10, 0x01, 3, 0x10, 0x01, 0, 0x20, 0x02,
               0, 0x20, 0x02, 2, 0x30, 0x03, 0xfc, 0x40, 0x00]))
    headers = set()
    for rule in sorted(picked):
        for line in picked[rule]:
            # One line per header shape: letters and digits folded.
            key = re.sub(rb"[0-9]+", b"0", re.sub(rb"[A-Za-z]+", b"a", line[:32]))
            if key not in headers:
                headers.add(key)
                put("record", hashlib.sha1(line).hexdigest()[:12], line)
    for i, s in enumerate([
            "May  4 00:47:41 host prog[12]: body",
            "May 14 00:47:41.123456 host postfix/smtpd[1]: x",
            "May 4 00:47:41 prog: no host",
            "Dec 31 23:59:60 h p(x)<y>: leap",
            "2023-05-04T00:47:41.123+02:00 host sshd[7]: x",
            "2023-05-04T00:47:41Z host prog: x",
            "2023-05-04T00:47:41+0200 host prog: x",
            "2007-01-21 09:51:25.570281500 tcpserver: status: 1/200",
            "2007-01-21 09:51:25 1hAbcD-000123-Ab login authenticator failed",
            "@400000006816b0db026ca4c4 tcpserver: status: 1/200",
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - - x",
            "<13>May  4 00:47:41 host prog: x",
            "no stamp at all: prog[1]: x",
            "2200-12-31T23:59:59-23:59",
            "1900-01-01T00:00:00+14:00",
            "2023-02-30T25:61:61Z",
            "@4000000200000000000000000000",
            "2023-05-04 00:47:41,5 x",
    ]):
        put("record", "form-%02d" % i, s)

    # ---- reader: every codec, whole, concatenated, truncated, corrupt ----
    clear("reader")
    text = (b"May  4 00:47:41 mx dovecot: imap-login: Disconnected (auth failed, "
            b"1 attempts in 2 secs): user=<a@b>, method=PLAIN, rip=192.0.2.7\n") * 3
    comp = {
        "gz": tool(["gzip", "-9n"], text),
        "bz2": tool(["bzip2", "-9"], text),
        "xz": tool(["xz", "-9", "--check=crc64"], text),
        "zst": tool(["zstd", "-q", "-19", "--no-progress"], text),
    }
    put("reader", "plain", text)
    put("reader", "empty", b"")
    put("reader", "xz-crc32", tool(["xz", "--check=crc32", "--lzma2=dict=4KiB"], b"x\n"))
    put("reader", "lzma-legacy", tool(["xz", "--format=lzma"], text))
    for ext, data in comp.items():
        put("reader", ext, data)
        put("reader", ext + "-twice", data + data)
        put("reader", ext + "-trunc-half", data[:len(data) // 2])
        put("reader", ext + "-trunc-tail", data[:-3])
        put("reader", ext + "-magic-only", data[:6])
        bad = bytearray(data)
        bad[len(bad) // 2] ^= 0x55
        put("reader", ext + "-corrupt", bytes(bad))
        put("reader", ext + "-then-junk", data + b"junk\n")
    put("reader", "gz-zero-padding", comp["gz"] + b"\0" * 16)
    put("reader", "gz-mtime", gzip.compress(b"x\n", mtime=1700000000))
    put("reader", "gz-bomb", tool(["gzip", "-9n"], b"\0" * (1 << 20)))
    put("reader", "zst-skippable", b"\x50\x2a\x4d\x18\x04\x00\x00\x00abcd" + comp["zst"])
    put("reader", "zst-bomb", tool(["zstd", "-q", "-19"], b"A" * (4 << 20)))

    # ---- lines: 2 parameter bytes (max_line; buffer size and, with 0x40,
    # ms_lines_block), then the text ----
    clear("lines")
    for name, p0, p1, body in [
            ("crlf", 8, 3, b"ab\r\ncd\r\n\r\nlast"),
            ("long", 4, 1, b"short\nmuch longer than four\nx\r\n"),
            ("cut-cr", 3, 2, b"abc\r\nabcd\r\nabcde\r"),
            ("nul", 63, 31, b"a\0b\nc\0\0\n\xff\xfe\n"),
            ("big", 0x80, 0x80, text * 4),
            ("smallbuf", 0x80, 0, text),
            ("no-newline", 10, 5, b"x" * 40)]:
        put("lines", name, bytes([p0, p1]) + body)
        put("lines", name + "-block", bytes([p0, p1 | 0x40]) + body)

    # ---- events files ----
    clear("events_in")
    with open(os.path.join(ROOT, "testdata/seeds/002-qmail.expected.csv"), "rb") as f:
        csv = f.read()
    put("events_in", "csv-qmail", csv)
    head = (b"time,ip,service,source,outcome,user,method,file,line,reason,"
            b"attempts,session,host,dup_of\n")
    put("events_in", "csv-full", head +
        b"2023-05-04T00:47:41.5Z,192.0.2.7,imap,dovecot,auth_fail,\"'=cmd|' /C calc'!A0\","
        b"PLAIN,mail.log,12,auth failed,3,abc,mx1,\n"
        b"2023-05-04T00:47:42Z,2001:db8::1,smtp,postfix,duplicate,a\\x00b\\xC3\\x28,"
        b"LOGIN,mail.log,13,,1,,mx1,12\n"
        b",,,,connect,\"quoted, comma \"\"and quote\"\"\",,other.log,1,,1,,,\n"
        b"bad,row\n"
        b"2023-05-04T00:47:43Z,300.1.1.1,imap,dovecot,auth_fail,x,,m,1,,1,,,\n"
        b"2023-05-04T00:47:43Z,192.0.2.9,imap,dovecot,nope,x,,m,1,,70000,,,\n"
        b"\"unterminated,quote\n")
    put("events_in", "csv-bom-crlf", b"\xef\xbb\xbf" + head.replace(b"\n", b"\r\n") +
        b"2023-05-04T00:47:41Z,192.0.2.7,pop3,vpopmail,auth_ok,u,,f,1,,1,,,\r\n")
    put("events_in", "csv-reordered", b"outcome,ip,time,extra\nauth_fail,192.0.2.1,"
        b"2023-01-01T00:00:00+02:00,zz\nauth_fail,::ffff:1.2.3.4,,\n")
    put("events_in", "csv-header-only", b"time,ip,outcome")
    put("events_in", "ndjson",
        b'{"time":"2023-05-04T00:47:41Z","ip":"192.0.2.7","service":"imap",'
        b'"source":"dovecot","outcome":"auth_fail","user":"a\\\\xFFb","method":"PLAIN",'
        b'"file":"mail.log","line":12,"reason":"auth failed","attempts":3,'
        b'"session":"","host":"mx1","dup_of":null}\n'
        b'\n{"outcome":"connect","ip":"2001:db8::2","time":null}\n'
        b'[1,2]\n{"outcome":"auth_fail","user":7,"line":-1}\n'
        b'{"outcome":"auth_fail","user":{"x":1}}\n{"outcome": broken\n'
        b'{"outcome":"auth_fail","user":"nul\\u0000byte"}')
    put("events_in", "ndjson-bom", b"\xef\xbb\xbf" + b'{"outcome":"auth_ok","ip":"10.0.0.1"}\n')
    put("events_in", "csv-gz", gzip.compress(csv, mtime=0))
    put("events_in", "not-events", b"May  4 00:47:41 mx dovecot: hello\n")

    # ---- lists: --users and --ignore files ----
    clear("lists")
    for name in ("users.txt", "ignore.txt"):
        with open(os.path.join(ROOT, "testdata/sample", name), "rb") as f:
            put("lists", name.split(".")[0], f.read())
    put("lists", "cidrs", b"# blocks\n10.0.0.0/8\n192.0.2.7\n  2001:db8::/32  # doc\n"
        b"::ffff:1.2.3.0/120\n[2001:db8::1]\nfe80::1%eth0\n0.0.0.0/0\n::/0\n\n")
    put("lists", "cidr-bad", b"10.0.0.0/8\n10.0.0.0/33\n")
    put("lists", "users-csv", b"alice,Alice A.\n bob \t\n#carol\n\"dave\",x\r\neve\0hidden\n")
    put("lists", "one-cidr", b"198.51.100.0/24")

    # ---- text: hostile names ----
    clear("text")
    for i, s in enumerate([
            b"alice@example.org", b"=HYPERLINK(\"http://x\",\"y\")", b"+1", b"-2+3",
            b"@SUM(A1)", b"\tTAB", b"\rCR", b"<script>alert(1)</script>",
            b"\x1b[31mred\x1b[0m", b"a\x00b", b"\xc3\x28", b"\xc2\x85next-line",
            b"\xed\xa0\x80surrogate", b"\xf4\x90\x80\x80", b"\xe2\x80\xaeRLO",
            b"quote\"comma,newline\n", b" spaced ", b"caf\xc3\xa9 \xf0\x9f\x98\x80",
            b"\x7fdel", b"\\x41 literal", b"", b"'quoted"]):
        put("text", "name-%02d" % i, s)

    # ---- geo: databases (the test tables, the test .mmdb files when perl's
    # MaxMind::DB::Writer is there, a country table, a compressed table) ----
    clear("geo")
    geo = os.path.join(ROOT, "testdata", "geo")
    tables = {}
    for name in ("asn-ipv4.csv", "asn-ipv6-num.csv", "ip2asn-combined.tsv"):
        with open(os.path.join(geo, name), "rb") as f:
            tables[name] = f.read()
        put("geo", name, tables[name])
    put("geo", "asn-ipv4.csv.gz", gzip.compress(tables["asn-ipv4.csv"], mtime=0))
    put("geo", "country.csv", b"192.0.2.0,192.0.2.255,CN\n2001:db8::,2001:db8::ffff,DE\n")
    with tempfile.TemporaryDirectory() as tmp:
        if subprocess.run(["perl", os.path.join(geo, "make-test-mmdb.pl"), tmp],
                          capture_output=True).returncode == 0:
            for name in ("country", "asn", "flat", "other"):
                with open(os.path.join(tmp, name + ".mmdb"), "rb") as f:
                    put("geo", name + ".mmdb", f.read())

    # ---- unwrap: first byte = filter (mod 6: docker json, CRI, compose,
    # docker logs -t, journal json, journal export) and piece size, then a
    # wrapped log ----
    clear("unwrap")
    line = b"May  4 00:47:41 mx sshd[1]: Failed password for root from 192.0.2.7 port 22 ssh2"
    t = b"2025-05-04T00:47:41.123456789Z"
    put("unwrap", "docker-json", b"\x00" + b'{"log":"' + line[:30] + b'","time":"' + t
        + b'"}\n{"log":"' + line[30:] + b'\\n","stream":"stdout","time":"' + t
        + b'"}\n{"log":"a\\u0000\\u003c\\n"}\nnot json\n')
    put("unwrap", "cri", b"\x07" + t + b" stdout P " + line[:30] + b"\n" + t
        + b" stderr F " + line[30:] + b"\n" + t + b" stdout F\n")
    put("unwrap", "compose", b"\x08" + b"Attaching to mx-sshd-1\n\x1b[36mmx-sshd-1  |\x1b[0m "
        + line[28:] + b"\nmx-postfix-1  | " + t + b" " + line + b"\nmx exited with code 0")
    put("unwrap", "stamped", b"\x09" + t + b" " + line + b"\n" + t
        + b" 2025-05-04T02:47:41+02:00 mx dovecot: x\n" + t + b"\n")
    put("unwrap", "journal-json", b"\x0a" + b'{"__REALTIME_TIMESTAMP":"1746319661123456",'
        b'"_HOSTNAME":"mx","SYSLOG_IDENTIFIER":"sshd","SYSLOG_PID":"1","MESSAGE":"'
        + line[28:] + b'"}\n{"MESSAGE":[97,0,10,98],"__REALTIME_TIMESTAMP":"1"}\nnot json\n')
    put("unwrap", "journal-export", b"\x0b" + b"__CURSOR=s=1\n__REALTIME_TIMESTAMP=1746319661123456\n"
        b"_HOSTNAME=mx\nSYSLOG_IDENTIFIER=sshd\nMESSAGE=" + line[28:] + b"\n\n"
        b"__REALTIME_TIMESTAMP=1746319662000000\nMESSAGE\n\x05\x00\x00\x00\x00\x00\x00\x00a\nb\x00c\n\n")

    # ---- patterns: --patterns files, then "%%" and lines to match ----
    clear("patterns")
    pats = os.path.join(ROOT, "testdata", "patterns")
    with open(os.path.join(pats, "myauthd.patterns"), "rb") as f:
        put("patterns", "myauthd", f.read() + b"%%\n"
            b"Jan  1 00:00:00 host myauthd[1]: login failed for bob from 192.0.2.7\n"
            b"Jan  1 00:00:01 host myauthd[1]: login ok for =cmd from 2001:db8::1\n")
    with open(os.path.join(pats, "broken.patterns"), "rb") as f:
        put("patterns", "broken", f.read())
    put("patterns", "groups", b"[all-groups]\nprogram = x\noutcome = relay_denied\n"
        b"pattern = (?<svc>\\w*) (?<method>\\w*) (?<session>\\w*) (?<attempts>\\d*) "
        b"(?<reason>.*?) (?<user>\\S*) (?<ip>\\S*)$\n"
        b"[empty]\noutcome = connect\nliteral =\npattern = (?<ip>)\n%%\n"
        b"Jan  1 00:00:00 host x[1]: imap PLAIN abc 99999999999999999999 bad pass alice 192.0.2.1\n"
        b"Jan  1 00:00:00 host x[1]: pop3    0  bob ::1\n"
        b"2026-01-01T00:00:00Z host other: anything\n")


if __name__ == "__main__":
    main()
