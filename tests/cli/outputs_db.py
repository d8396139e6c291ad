#!/usr/bin/env python3
"""results.sqlite and results.xlsx hold what the CSV files hold.

Runs `analyze --format csv,json,sqlite,xlsx` on the bundled sample plus a
log of hostile usernames (formulas, control characters, invalid UTF-8, a
name longer than a spreadsheet cell), then:

- results.sqlite, read with Python's sqlite3 (not mailsleuth's code): every
  table has the CSV file's columns (plus NAME_epoch after each time) and the
  same rows in the same order, values compared as text once formatted as
  the CSV formats them; columns hold their declared types; the indexes on
  address, user and time exist; the views agree with sums made here from
  events.csv.
- results.xlsx, read with zipfile and the sheet XML (not libxlsxwriter):
  the summary sheet first, then one sheet per table with the CSV's header
  and rows; text cells are strings (inline or shared; OOXML's `_xHHHH_`
  read as its character, as spreadsheets do), numbers numbers,
  times numbers with a date format; no cell is a formula, hostile names are
  strings without a `'`; the header is frozen and filtered.
- A sheet longer than MS_XLSX_MAX_ROWS (the tests' stand-in for 1,048,576)
  keeps its first rows and a last row naming events.csv and results.sqlite;
  the summary says so too.
- The files are written atomically: no temporary file is left, and a run
  that fails (a file size limit) leaves the previous results.sqlite and
  results.xlsx as they were.
- --format still takes csv, json and both, and a bad word is a usage error.

Usage: outputs_db.py MAILSLEUTH SOURCE_ROOT
"""
import csv
import datetime
import math
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

OPTS = ["-q", "--tz", "UTC", "--year", "2025", "--no-geo"]
TABLES = ["events", "timeline", "ips", "clusters", "cluster_members", "geo",
          "bans", "compromised"]
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HOSTILE = ["=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2", "'=x",
           "esc\x1b[31mred", "tab\there", "cr\rx", "del\x7f", "_x003D_x",
           "bad\xff\xfeutf8", "ünïcødé", "L" * 40000]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def run(exe, args, **kw):
    return subprocess.run([exe] + args, capture_output=True, **kw)


def hostile_log(path):
    with open(path, "wb") as f:
        for i, u in enumerate(HOSTILE):
            ub = u.encode("latin-1") if "\xff" in u else u.encode()
            f.write(b"May  4 10:00:%02d mx dovecot: imap-login: Disconnected "
                    b"(auth failed, 1 attempts in 2 secs): user=<" % i + ub +
                    b">, method=PLAIN, rip=192.0.2.%d, lip=10.0.0.1\n" % (i + 1))
        f.write(b"May  4 10:01:00 mx dovecot: imap-login: Login: user=<+1>, "
                b"method=PLAIN, rip=192.0.2.2, lip=10.0.0.1\n")


def read_csv(out, name):
    with open(os.path.join(out, name + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def guarded(s):
    t = s.lstrip("'")
    return t != "" and t[0] in "=+-@\t\r"


def unguard(s):
    return s[1:] if s.startswith("'") and guarded(s[1:]) else s


def as_csv(v):
    """A database value formatted as the CSV writes it."""
    if v is None:
        return ""
    if isinstance(v, float):
        return ("%.3f" % v).rstrip("0").rstrip(".")
    if isinstance(v, int):
        return str(v)
    return "'" + v if guarded(v) else v


def epoch_of(iso):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z", iso)
    d = datetime.datetime(*map(int, m.groups()[:6]), tzinfo=datetime.timezone.utc)
    return int(d.timestamp()), float(m.group(7) or 0)


def check_sqlite(out):
    db = sqlite3.connect(os.path.join(out, "results.sqlite"))
    for t in TABLES:
        header, rows = read_csv(out, t)
        info = db.execute('PRAGMA table_info("%s")' % t).fetchall()
        cols = [c[1] for c in info]
        types = {c[1]: c[2] for c in info}
        plain = [c for c in cols if not (c.endswith("_epoch") and c[:-6] in cols)]
        check(plain == header, "sqlite %s: columns %s, csv %s" % (t, plain, header))
        got = db.execute('SELECT %s FROM "%s" ORDER BY rowid'
                         % (", ".join('"%s"' % c for c in cols), t)).fetchall()
        check(len(got) == len(rows), "sqlite %s: %d rows, csv %d" % (t, len(got), len(rows)))
        for n, (g, r) in enumerate(zip(got, rows)):
            v = dict(zip(cols, g))
            text = [as_csv(v[c]) for c in header]
            if text != r:
                check(False, "sqlite %s row %d: %r, csv %r" % (t, n + 1, text, r))
                break
            for c in cols:
                decl = types[c]
                x = v[c]
                ok = x is None or (decl == "INTEGER" and isinstance(x, int)) or \
                    (decl == "REAL" and isinstance(x, float)) or \
                    (decl == "TEXT" and isinstance(x, str))
                if not ok:
                    check(False, "sqlite %s.%s: %r is not %s" % (t, c, x, decl))
                if c.endswith("_epoch") and c[:-6] in v:
                    iso = v[c[:-6]]
                    want = None if iso is None else epoch_of(iso)[0]
                    if x != want:
                        check(False, "sqlite %s.%s: %r for %r" % (t, c, x, iso))
    idx = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for i in ("events_ip", "events_user", "events_time_epoch", "timeline_ip",
              "ips_ip", "compromised_user", "cluster_members_ip"):
        check(i in idx, "sqlite: no index " + i)
    # The views, against sums made here.
    _, ev = read_csv(out, "events")
    h, _ = read_csv(out, "events")
    col = {c: i for i, c in enumerate(h)}
    by_user = {}
    for r in ev:
        if r[col["outcome"]] == "auth_fail":
            u = unguard(r[col["user"]])
            by_user[u] = by_user.get(u, 0) + int(r[col["attempts"]])
    view = dict(db.execute("SELECT user, failures FROM failures_by_user"))
    check(view == by_user, "sqlite: failures_by_user differs from events.csv")
    failed, after = set(), {}
    for r in ev:
        ip, o = r[col["ip"]], r[col["outcome"]]
        if ip and o == "auth_fail":
            failed.add(ip)
        elif ip and o == "auth_ok" and ip in failed:
            after[ip] = after.get(ip, 0) + 1
    view = dict(db.execute("SELECT ip, successes FROM successes_after_failures"))
    check(view == after, "sqlite: successes_after_failures differs: %d addresses, %d here"
          % (len(view), len(after)))
    check(len(after) > 0, "sqlite: the sample has logins after failures")
    servers = dict(db.execute("SELECT server, events FROM events_by_server"))
    here = {}
    for r in ev:
        s = unguard(r[col["server"]])
        here[s] = here.get(s, 0) + 1
    check(servers == here, "sqlite: events_by_server differs")
    check(db.execute("SELECT COUNT(*) FROM failures_by_day").fetchone()[0] > 0,
          "sqlite: failures_by_day is empty")
    # Hostile names are text, cleaned, with no guard.
    users = {r[0] for r in db.execute("SELECT user FROM events")}
    for u in ("=cmd|' /C calc'!A0", "+1", "@SUM(1)", "esc\\x1B[31mred",
              "tab\\x09here", "bad\\xFF\\xFEutf8"):
        check(u in users, "sqlite: events.user lacks %r" % u)
    check(db.execute("PRAGMA journal_mode").fetchone()[0] != "off",
          "sqlite: the journal is left off for readers")
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "sqlite: integrity_check")
    db.close()


class Workbook:
    """The sheets of an .xlsx, read from its XML."""

    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = ET.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        self.sheets = [(s.get("name"), "xl/" + target[s.get(RNS + "id")].lstrip("/").replace("xl/", ""))
                       for s in wb.iter(NS + "sheet")]
        self.shared = []
        if "xl/sharedStrings.xml" in self.z.namelist():
            for si in ET.fromstring(self.z.read("xl/sharedStrings.xml")).iter(NS + "si"):
                self.shared.append("".join(t.text or "" for t in si.iter(NS + "t")))
        styles = ET.fromstring(self.z.read("xl/styles.xml"))
        fmts = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(NS + "numFmt")}
        xfs = styles.find(NS + "cellXfs")
        self.date_style = set()
        for i, xf in enumerate(xfs):
            code = fmts.get(xf.get("numFmtId"), "")
            if "yy" in code and "hh" in code:
                self.date_style.add(str(i))

    def sheet(self, name):
        """(root, {row number: {column letters: (kind, value)}})"""
        path = dict(self.sheets)[name]
        root = ET.fromstring(self.z.read(path))
        rows = {}
        for row in root.iter(NS + "row"):
            cells = {}
            for c in row.iter(NS + "c"):
                ref = re.match(r"([A-Z]+)(\d+)", c.get("r"))
                t = c.get("t", "n")
                if c.find(NS + "f") is not None:
                    cells[ref.group(1)] = ("formula", None)
                elif t == "inlineStr":
                    cells[ref.group(1)] = ("str", ooxml_text("".join(x.text or "" for x in c.iter(NS + "t"))))
                elif t == "s":
                    cells[ref.group(1)] = ("str", ooxml_text(self.shared[int(c.find(NS + "v").text)]))
                elif t == "n":
                    kind = "date" if c.get("s") in self.date_style else "num"
                    cells[ref.group(1)] = (kind, float(c.find(NS + "v").text))
                else:
                    cells[ref.group(1)] = (t, None)
            rows[int(row.get("r"))] = cells
        return root, rows


def ooxml_text(s):
    """A string as a spreadsheet shows it: OOXML's `_xHHHH_` is U+HHHH."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)


def letters(j):
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_matches(cell, text):
    """A workbook cell against the CSV's text for it."""
    if text == "":
        return cell is None
    if cell is None:
        return False
    kind, v = cell
    if kind == "str":
        return v == unguard(text) or (len(text) > 32767 and v.endswith("\u2026")
                                       and text.startswith(v[:-1]))
    if kind == "num":
        return math.isclose(v, float(text), rel_tol=0, abs_tol=1e-9)
    if kind == "date":
        secs, frac = epoch_of(text)
        return abs((v - 25569) * 86400 - (secs + frac)) < 1e-3
    return False


def check_xlsx(out, max_rows=1048576, cut_expected=False):
    wb = Workbook(os.path.join(out, "results.xlsx"))
    names = [n for n, _ in wb.sheets]
    check(names == ["summary"] + TABLES, "xlsx: sheets %s" % names)
    _, summary = wb.sheet("summary")
    labels = {c["A"][1]: c.get("B") for c in summary.values() if "A" in c and c["A"][0] == "str"}
    _, ev = read_csv(out, "events")
    check(labels.get("Authentication events") == ("num", float(len(ev))),
          "xlsx summary: events %r, csv %d" % (labels.get("Authentication events"), len(ev)))
    check(labels.get("First event (UTC)", ("", 0))[0] == "date", "xlsx summary: first event is a date")
    kinds = set()
    for t in TABLES:
        header, rows = read_csv(out, t)
        root, sheet = wb.sheet(t)
        check([sheet[1].get(letters(j), ("", None))[1] for j in range(len(header))] == header,
              "xlsx %s: header" % t)
        pane = root.find(".//" + NS + "pane")
        check(pane is not None and pane.get("ySplit") == "1" and pane.get("state") == "frozen",
              "xlsx %s: header not frozen" % t)
        keep = len(rows) if len(rows) + 1 <= max_rows else max_rows - 2
        af = root.find(NS + "autoFilter")
        check(af is not None and af.get("ref") == "A1:%s%d" % (letters(len(header) - 1), keep + 1),
              "xlsx %s: autofilter %r" % (t, af is not None and af.get("ref")))
        data = [r for r in sheet if r > 1]
        check(len(data) == keep + (keep < len(rows)),
              "xlsx %s: %d rows, csv %d (kept %d)" % (t, len(data), len(rows), keep))
        for n, r in enumerate(rows[:keep]):
            cells = sheet.get(n + 2, {})
            for j, text in enumerate(r):
                c = cells.get(letters(j))
                if c:
                    kinds.add(c[0])
                if not cell_matches(c, text):
                    check(False, "xlsx %s row %d %s: %r, csv %r" % (t, n + 2, header[j], c, text[:80]))
                    break
        if keep < len(rows):
            note = sheet.get(max_rows, {}).get("A", ("", ""))[1]
            check(t + ".csv" in note and "results.sqlite" in note and str(len(rows)) in note,
                  "xlsx %s: the last row's note: %r" % (t, note))
        for r in sheet.values():
            for c in r.values():
                check(c[0] != "formula", "xlsx %s: a formula cell" % t)
    check(kinds >= {"str", "num", "date"}, "xlsx: cell kinds %s" % kinds)
    if cut_expected:
        notes = [c["C"][1] for c in summary.values() if "C" in c]
        check(any("events.csv" in n and "results.sqlite" in n for n in notes),
              "xlsx summary: no note of the cut events sheet")
    if cut_expected:
        return
    # The hostile names: string cells, exactly as cleaned, no `'`.
    _, events = wb.sheet("events")
    hdr, _ = read_csv(out, "events")
    ucol = letters(hdr.index("user"))
    users = {c[ucol] for c in events.values() if ucol in c}
    for u in ("=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2", "'=x", "esc\\x1B[31mred",
              "tab\\x09here", "cr\\x0Dx", "del\\x7F", "bad\\xFF\\xFEutf8", "_x003D_x"):
        check(("str", u) in users, "xlsx: events.user lacks the string %r" % u)
    for name in wb.z.namelist():
        if name.endswith(".xml"):
            raw = wb.z.read(name)
            check(not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw),
                  "xlsx: a control character in " + name)


def leftovers(out):
    return [f for f in os.listdir(out) if f.startswith(".")]


def main():
    exe, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.chdir(root)
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "hostile.log")
        hostile_log(log)
        inputs = ["testdata/sample", log]
        out = os.path.join(tmp, "out")
        r = run(exe, ["analyze"] + OPTS + ["-f", "csv,json,sqlite,xlsx", "-o", out] + inputs)
        check(r.returncode == 0, "analyze: exit %d %s" % (r.returncode, r.stderr[-300:]))
        check_sqlite(out)
        check_xlsx(out)
        check(leftovers(out) == [], "temporary files left: %s" % leftovers(out))

        # The CSV and JSON files are those of --format both.
        both = os.path.join(tmp, "both")
        run(exe, ["analyze"] + OPTS + ["-f", "both", "-o", both] + inputs)
        for t in TABLES:
            for ext in (".csv", ".json"):
                with open(os.path.join(out, t + ext), "rb") as a, \
                        open(os.path.join(both, t + ext), "rb") as b:
                    check(a.read() == b.read(), "%s%s differs from --format both's" % (t, ext))
        check(not os.path.exists(os.path.join(both, "results.sqlite")),
              "--format both wrote results.sqlite")

        # A sheet cut at the row limit (lowered for the test).
        cut = os.path.join(tmp, "cut")
        env = dict(os.environ, MS_XLSX_MAX_ROWS="100")
        r = run(exe, ["analyze"] + OPTS + ["-f", "csv,sqlite,xlsx", "-o", cut] + inputs, env=env)
        check(r.returncode == 0, "analyze (cut): exit %d" % r.returncode)
        check_xlsx(cut, max_rows=100, cut_expected=True)

        # Atomic: a run that fails half way (files may not exceed 100 kB)
        # leaves the previous results.sqlite and results.xlsx whole.
        before = {f: open(os.path.join(out, f), "rb").read()
                  for f in ("results.sqlite", "results.xlsx")}

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (100000, 100000))
        r = subprocess.run([exe, "analyze"] + OPTS + ["-f", "sqlite,xlsx", "-o", out] + inputs,
                           capture_output=True, preexec_fn=limit)
        check(r.returncode == 3, "analyze over the size limit: exit %d" % r.returncode)
        check(b"results.sqlite" in r.stderr, "the error names results.sqlite: %r" % r.stderr[-300:])
        for f, data in before.items():
            with open(os.path.join(out, f), "rb") as g:
                check(g.read() == data, f + " changed by a failed run")
        check(leftovers(out) == [], "temporary files left after a failure: %s" % leftovers(out))

        # --format: single words, lists, a bad word.
        one = os.path.join(tmp, "one")
        r = run(exe, ["analyze"] + OPTS + ["-f", "sqlite", "-o", one] + inputs)
        files = set(os.listdir(one))
        check(r.returncode == 0 and "results.sqlite" in files and "events.csv" not in files
              and "results.xlsx" not in files, "--format sqlite: %s" % sorted(files))
        r = run(exe, ["analyze"] + OPTS + ["-f", "csv,bogus", "-o", one] + inputs)
        check(r.returncode == 2 and b"bogus" in r.stderr, "--format csv,bogus: exit %d %r"
              % (r.returncode, r.stderr))
        r = run(exe, ["analyze"] + OPTS + ["-f", "csv,", "-o", one] + inputs)
        check(r.returncode == 2, "--format 'csv,': exit %d" % r.returncode)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
