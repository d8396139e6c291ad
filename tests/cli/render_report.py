#!/usr/bin/env python3
"""Render report.html in headless Chromium and check what a reader sees.

Writes the report of the bundled sample plus a log of hostile usernames
(<script>, <img onerror>, a formula, ANSI escapes), then, with Debian's
chromium:
  - takes a screenshot at desktop and at phone width and decodes the PNG
    (zlib only): the page must not be blank, and the style must have been
    applied (the red rule beside the headline is drawn: the content
    security policy let the page's own style through);
  - dumps the DOM after scripts ran: the sort script must have run (table
    headings get tabindex), no element came from a log (no <script>alert,
    no <img src=x), and the hostile names are there as text.
Then the report of a server's log over two years (2024 and 2025), kept
in a folder with a long path, with a campaign in each spring, a takeover,
a burst and an address whose reasons run long:
  - every tick label of the time charts (the SVGs inside report.html)
    carries its year, and the labels stand apart; the charts' gnuplot
    scripts (left when gnuplot is not found) format the axis with %Y;
  - at 1280 pixels, no table is wider than the page's column (measured
    by a script in a copy of the page without its security policy, the
    widths written into the DOM), and every evidence or reasons column
    is at least 240 pixels wide.
Exits 77 (skipped) with a message when chromium is not installed.
Usage: render_report.py MAILSLEUTH SOURCE_ROOT
With SHOTS=DIR in the environment the screenshots are kept in DIR.
"""
import base64
import datetime
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>',
           '=HYPERLINK("http://x","y")', '\x1b[31mred\x1b[0m', '[a](http://e)']


def find_chromium():
    for p in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if p and os.access(p, os.X_OK):
            return p
    return None


def chromium(exe, args, profile):
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--hide-scrollbars",
           "--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, timeout=180)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("PNG type %d/%d not handled" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def look(path):
    """Share of non-white pixels, and whether the headline's red rule
    (#b42318) is drawn."""
    w, h, bpp, rows = png_pixels(path)
    ink = red = 0
    for line in rows:
        for x in range(0, w * bpp, bpp):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 235 or g < 235 or b < 235:
                ink += 1
            if abs(r - 0xb4) < 24 and abs(g - 0x23) < 24 and abs(b - 0x18) < 24:
                red += 1
    return ink / float(w * h), red


def years_corpus(path):
    """A log over two years, ISO stamps: a campaign walking one name list
    in spring 2024 and again in spring 2025, one member then logging in, a
    user logging in all along, a burst without usernames, and an address
    failing on many names (one of them long), then logging in."""
    lines = []

    def at(t, msg):
        lines.append(t.strftime("%Y-%m-%dT%H:%M:%S+00:00 mx dovecot[1]: imap-login: ")
                     + msg)

    def fail(t, user, ip):
        at(t, "Disconnected (auth failed, 1 attempts in 2 secs): user=<%s>, "
              "method=PLAIN, rip=%s, lip=10.0.0.1, session=<x>" % (user, ip))

    def ok(t, user, ip):
        at(t, "Login: user=<%s>, method=PLAIN, rip=%s, lip=10.0.0.1, mpid=1, "
              "TLS, session=<y>" % (user, ip))

    day, minute = datetime.timedelta(days=1), datetime.timedelta(minutes=1)
    names = ["admin", "info", "sales", "office", "support", "test", "web",
             "mail", "contact", "john", "anna", "backup"]
    ips = ["203.0.113.%d" % (10 + i) for i in range(8)]
    for start in (datetime.datetime(2024, 3, 4, 2), datetime.datetime(2025, 4, 14, 3)):
        for k in range(6 * len(names)):
            fail(start + 3 * k * minute, names[k % len(names)] + "@example.org",
                 ips[k % len(ips)])
    ok(datetime.datetime(2025, 4, 15, 9), "anna@example.org", ips[2])
    for d in range(0, 480, 6):
        ok(datetime.datetime(2024, 2, 1, 8) + d * day, "anna@example.org",
           "198.51.100.7")
    t = datetime.datetime(2024, 11, 2, 22, 10)
    for i in range(9):
        fail(t + i * minute / 3, "", "192.0.2.77")
    t = datetime.datetime(2024, 8, 20, 14)
    many = ["root", "oracle", "postgres", "guest", "ftp", "nagios",
            "x" * 90 + "@very-long-domain-name.example.org"]
    for i, n in enumerate(many * 2):
        fail(t + i * minute, n, "198.51.100.200")
    ok(t + day, "bob@example.org", "198.51.100.200")
    lines.sort()
    with open(path, "w") as f:
        f.writelines(line + "\n" for line in lines)


def chart_texts(html):
    """(alt, [(x, text)]) of each chart drawn inside report.html."""
    out = []
    for alt, src in re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;'
                               r'base64,([^"]*)"', html):
        svg = base64.b64decode(src).decode("utf-8", "replace")
        texts = []
        for m in re.finditer(r"<text[^>]*>(.*?)</text>", svg, re.S):
            # gnuplot places a label by the translate() of its group.
            x = re.findall(r"translate\(([-0-9.]+),", svg[:m.start()])
            texts.append((float(x[-1]) if x else 0.0,
                          re.sub(r"<[^>]+>", "", m.group(1)).strip()))
        out.append((alt, texts))
    return out


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
          "Nov", "Dec")

MEASURE = """<script>
window.addEventListener('load', function () {
  var d = document.querySelectorAll('details'), out = [];
  for (var i = 0; i < d.length; i++) d[i].open = true;
  var page = document.documentElement;
  out.push(['page', page.clientWidth, page.scrollWidth].join(' '));
  var ts = document.querySelectorAll('table');
  for (var i = 0; i < ts.length; i++) {
    var t = ts[i].getBoundingClientRect(), w = ts[i].parentNode.getBoundingClientRect();
    var hs = ts[i].tHead.rows[0].cells, cols = [];
    for (var j = 0; j < hs.length; j++)
      cols.push(hs[j].textContent + '=' + Math.round(hs[j].getBoundingClientRect().width));
    out.push(['table', Math.round(t.width), Math.round(w.width), cols.join('|')].join(' '));
  }
  var p = document.createElement('pre');
  p.id = 'measure';
  p.textContent = out.join('\\n');
  document.body.appendChild(p);
});
</script>"""


def measure(exe, html_path, tmp):
    """The widths at 1280 pixels: ("page", client, scroll) and, per table,
    ("table", width, its box's width, [(heading, width)])."""
    html = open(html_path, encoding="utf-8").read()
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    copy = os.path.join(tmp, "measure.html")
    with open(copy, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", MEASURE + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        r = chromium(exe, ["--window-size=1280,2000", "--dump-dom",
                           "file://" + copy], profile)
    m = re.search(r'<pre id="measure">(.*?)</pre>', r.stdout.decode("utf-8", "replace"),
                  re.S)
    rows = []
    for line in (m.group(1).split("\n") if m else []):
        kind, a, b, *rest = line.split(" ", 3) + [""]
        cols = [(c.rsplit("=", 1)[0], int(c.rsplit("=", 1)[1]))
                for c in rest[0].split("|") if "=" in c]
        rows.append((kind, int(a), int(b), cols))
    return rows


def check_years(binary, exe, tmp, shots):
    """The two-year report: year on the time axes, tables within the page
    at 1280 pixels, room for the evidence. Returns the failures."""
    failures = []
    folder = os.path.join(tmp, "logs", "archived_by_the_nightly_backup_job_of_"
                          "the_mail_servers", "mx.example.org_2024_2025")
    os.makedirs(folder)
    years_corpus(os.path.join(folder, "mail.log"))
    users = os.path.join(tmp, "users.txt")
    with open(users, "w") as f:
        f.write("anna@example.org\nbob@example.org\n")
    args = ["report", "-q", "--tz", "UTC", "--no-geo", "--users", users]
    out = os.path.join(tmp, "years")
    p = subprocess.run([binary] + args + ["-o", out, folder], capture_output=True)
    if p.returncode != 0:
        return ["years: report failed: %d %s" % (p.returncode, p.stderr.decode())]
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    # The year on the time axes, in the SVGs...
    timed = [(alt, t) for alt, t in chart_texts(html)
             if "over time" in alt or "one row per IP" in alt]
    if shutil.which("gnuplot") and len(timed) < 3:
        failures.append("years: %d time charts drawn, expected 3" % len(timed))
    for alt, texts in timed:
        ticks = sorted(x for x, s in texts if any(s.startswith(m) or s.endswith(m)
                                                  for m in MONTHS))
        years = [s for x, s in texts if re.fullmatch(r"20\d\d", s)]
        gap = min((b - a for a, b in zip(ticks, ticks[1:])), default=0)
        print("years: %s: %d tick labels, %d with a year (%s), %.0f px apart" % (
            alt, len(ticks), len(years), " ".join(sorted(set(years))), gap))
        if not ticks or len(years) < len(ticks) or not {"2024", "2025"} <= set(years):
            failures.append("years: %s: the time axis does not carry the year" % alt)
        if not 3 <= len(ticks) <= 12 or gap < 60:
            failures.append("years: %s: %d tick labels %.0f px apart" % (
                alt, len(ticks), gap))
    # ... and in the scripts, left when gnuplot is not found.
    nog = os.path.join(tmp, "years-nognuplot")
    subprocess.run([binary] + args + ["-o", nog, folder], capture_output=True,
                   env=dict(os.environ, PATH="/nonexistent"))
    for name in ("chart-activity", "chart-campaign-1", "chart-raster"):
        try:
            gp = open(os.path.join(nog, name + ".gp")).read()
        except OSError:
            gp = ""
        fmt = re.search(r'^set format x "(.*)"$', gp, re.M)
        print("years: %s.gp: set format x %s" % (name, fmt.group(1) if fmt else "-"))
        if not fmt or "%Y" not in fmt.group(1):
            failures.append("years: %s.gp: no year in the time axis' format" % name)
    # The tables at 1280 pixels.
    rows = measure(exe, os.path.join(out, "report.html"), tmp)
    if not rows or rows[0][0] != "page":
        return failures + ["years: the page could not be measured"]
    _, client, scroll, _ = rows[0]
    print("years: page at 1280 px: %d px wide, %d px of content" % (client, scroll))
    if scroll > client:
        failures.append("years: the page scrolls sideways (%d > %d px)" % (scroll, client))
    tables = [r for r in rows if r[0] == "table"]
    if len(tables) < 5:
        failures.append("years: %d tables measured, expected 5 or more" % len(tables))
    for _, width, box, cols in tables:
        if width > box + 1:
            failures.append("years: a table is %d px wide in a column of %d px (%s)" % (
                width, box, ", ".join(c for c, _ in cols)))
        for c, w in cols:
            if c in ("evidence", "reasons"):
                print("years: %s column: %d px" % (c, w))
                if w < 240:
                    failures.append("years: the %s column is squeezed to %d px" % (c, w))
    png = os.path.join(tmp, "years.png")
    with tempfile.TemporaryDirectory() as profile:
        chromium(exe, ["--screenshot=" + png, "--window-size=1280,2400",
                       "file://" + os.path.join(out, "report.html")], profile)
    if shots and os.path.exists(png):
        shutil.copy(png, os.path.join(shots, "report-years-1280.png"))
    return failures


def main():
    binary, root = sys.argv[1:3]
    exe = find_chromium()
    if not exe:
        print("skipped: chromium is not installed (apt-get install chromium)")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "hostile.log")
        with open(log, "wb") as f:
            for i in range(40):
                u = HOSTILE[i % len(HOSTILE)].encode()
                f.write(b"May  4 10:%02d:%02d mx dovecot: imap-login: Disconnected "
                        b"(auth failed, 1 attempts in 2 secs): user=<" % (i // 60, i % 60)
                        + u + b">, method=PLAIN, rip=192.0.2.9, lip=10.0.0.1\n")
        out = os.path.join(tmp, "r")
        p = subprocess.run([binary, "report", "-q", "--tz", "UTC", "--year", "2025",
                            "--no-geo", "-o", out,
                            os.path.join(root, "testdata", "sample"), log],
                           capture_output=True)
        if p.returncode != 0:
            print("report failed: %d\n%s" % (p.returncode, p.stderr.decode()))
            return 1
        url = "file://" + os.path.join(out, "report.html")
        shots = os.environ.get("SHOTS")
        for name, size in (("desktop", "1200,2000"), ("phone", "390,1600")):
            png = os.path.join(tmp, name + ".png")
            for attempt in range(2):   # a loaded machine can starve chromium once
                with tempfile.TemporaryDirectory() as profile:
                    r = chromium(exe, ["--screenshot=" + png, "--window-size=" + size,
                                       url], profile)
                if os.path.exists(png):
                    break
            if not os.path.exists(png):
                failures.append("%s: no screenshot (exit %d): %s" % (
                    name, r.returncode, r.stderr.decode(errors="replace")[-500:]))
                continue
            if shots:
                shutil.copy(png, os.path.join(shots, "report-%s.png" % name))
            ink, red = look(png)
            print("%s screenshot: %.1f%% of pixels drawn, headline rule %s" % (
                name, 100 * ink, "drawn" if red > 100 else "missing"))
            if ink < 0.02:
                failures.append("%s: the page looks blank" % name)
            if red <= 100:
                failures.append("%s: the page's style was not applied" % name)
        with tempfile.TemporaryDirectory() as profile:
            r = chromium(exe, ["--dump-dom", url], profile)
        dom = r.stdout.decode("utf-8", "replace")
        checks = [
            ("the page rendered", "Mail server attacks" in dom),
            ("the sort script ran", 'tabindex="0"' in dom),
            ("no <script>alert element", "<script>alert" not in dom),
            ("no <img src=x element", "<img src=x" not in dom and
             '<img src="x"' not in dom),
            ("hostile names shown as text", "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
             and "&lt;img src=x onerror=alert(2)&gt;" in dom),
            ("one script element", dom.count("<script") == 1),
        ]
        for what, ok in checks:
            print("%s: %s" % (what, "yes" if ok else "NO"))
            if not ok:
                failures.append(what)
        failures += check_years(binary, exe, tmp, shots)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
