#!/usr/bin/env python3
"""Check that a report.html is one safe, self-contained page.

Parses the page with the standard library's HTML parser and checks: one
<style> and one <script>, and their SHA-256 hashes are the ones the
content security policy allows (else the browser would drop them); the
policy forbids every other source; no element outside a small allowed set
(so no markup from a log got through); no event-handler or style
attribute; every image is an inline SVG (data:image/svg+xml;base64) and
every link an in-page anchor that exists; a viewport meta and a print
stylesheet. Prints "html ok" or each problem, one per line.
Usage: check_report_html.py report.html
"""
import base64
import hashlib
import sys
from html.parser import HTMLParser

ALLOWED = {"html", "head", "meta", "title", "style", "body", "main", "script",
           "h1", "h2", "h3", "p", "ul", "li", "strong", "code", "span", "a",
           "nav", "div", "table", "thead", "tbody", "tr", "th", "td",
           "details", "summary", "figure", "img", "footer"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.tags = {}
        self.ids = set()
        self.hrefs = []
        self.csp = None
        self.viewport = False
        self.inside = None
        self.text = {"style": "", "script": ""}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in ALLOWED:
            self.problems.append("unexpected element <%s>" % tag)
        a = dict(attrs)
        for k in a:
            if k.startswith("on") or k == "style":
                self.problems.append("attribute %s on <%s>" % (k, tag))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content", "")
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = True
        if tag == "img" and not a.get("src", "").startswith(
                "data:image/svg+xml;base64,"):
            self.problems.append("image not inline: %.60s" % a.get("src"))
        if tag == "a":
            self.hrefs.append(a.get("href", ""))
        for k in ("src", "href", "action", "formaction", "poster", "srcset"):
            if k in a and tag not in ("img", "a"):
                self.problems.append("%s on <%s>" % (k, tag))
        if tag in ("style", "script"):
            self.inside = tag

    def handle_endtag(self, tag):
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside:
            self.text[self.inside] += data


def sha(text):
    return "'sha256-%s'" % base64.b64encode(
        hashlib.sha256(text.encode("utf-8")).digest()).decode()


def main():
    raw = open(sys.argv[1], encoding="utf-8").read()
    p = Page()
    p.feed(raw)
    p.close()
    bad = p.problems
    for tag in ("style", "script"):
        if p.tags.get(tag, 0) != 1:
            bad.append("%d <%s> elements, expected 1" % (p.tags.get(tag, 0), tag))
    if not p.csp:
        bad.append("no content security policy")
    else:
        rules = dict((r.split()[0], r.split()[1:])
                     for r in p.csp.split(";") if r.strip())
        if rules.get("default-src") != ["'none'"]:
            bad.append("default-src is not 'none'")
        if rules.get("style-src") != [sha(p.text["style"])]:
            bad.append("style-src does not allow exactly the page's style")
        if rules.get("script-src") != [sha(p.text["script"])]:
            bad.append("script-src does not allow exactly the page's script")
    if not p.viewport:
        bad.append("no viewport meta")
    if "@media print" not in p.text["style"]:
        bad.append("no print stylesheet")
    for h in p.hrefs:
        if not h.startswith("#") or h[1:] not in p.ids:
            bad.append("link to %r" % h)
    for b in bad:
        print(b)
    if not bad:
        print("html ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
