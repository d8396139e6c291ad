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
Exits 77 (skipped) with a message when chromium is not installed.
Usage: render_report.py MAILSLEUTH SOURCE_ROOT
With SHOTS=DIR in the environment the screenshots are kept in DIR.
"""
import os
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
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
