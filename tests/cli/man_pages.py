#!/usr/bin/env python3
"""The man pages say what --help says, and are installed with the binary.

For every command `mailsleuth --help` lists: docs/man/mailsleuth-CMD.1.scd
exists, mailsleuth.1.scd names it (COMMANDS, SEE ALSO), its SYNOPSIS is the
usage line of `mailsleuth CMD --help`, each option of that --help is in the
page's OPTIONS, and each option the page documents is one --help gives
(`-j, --threads N` in a page answers `-j N` in a --help whose full form is in
another command's). No page for a command the binary lacks; the environment
variables the pages name are the ones cmd/ and lib/ read (getenv), and
those read are in mailsleuth(1). Then `meson install --destdir TMP` of the
build puts bin/mailsleuth and share/man/man1/ one page per source in place,
and each page renders without a warning (groff -ww, else mandoc -Tlint,
else only its .TH line is checked).
Usage: man_pages.py MAILSLEUTH SOURCE_ROOT BUILD_ROOT
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

OPT = re.compile(r"--?[A-Za-z][A-Za-z0-9-]*")
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_|.\[\]]*")
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
            "ENVIRONMENT", "EXAMPLES", "SEE ALSO"]

failures = []


def fail(msg):
    failures.append(msg)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


# ---------------------------------------------------------------- --help

def help_text(exe, *args):
    p = run([exe, *args, "--help"])
    if p.returncode != 0:
        fail(f"`mailsleuth {' '.join(args)} --help` exited {p.returncode}")
    return p.stdout


def help_commands(text):
    """The commands of `mailsleuth --help`, in order."""
    cmds, on = [], False
    for line in text.splitlines():
        if line.strip() == "Commands:":
            on = True
        elif on and not line.strip():
            break
        elif on:
            m = re.match(r"\s+([a-z][a-z0-9-]*)\s", line)
            if m:
                cmds.append(m.group(1))
    return cmds


def help_options(text):
    """The option groups of a command's --help (the rows below Options:,
    Filters and any other heading), each a tuple of aliases: ('-j',
    '--threads'), ('--tz',)..."""
    groups, on = [], False
    for line in text.splitlines():
        if line.strip() == "Options:":
            on = True
            continue
        if not on or not re.match(r" {1,8}-", line):
            continue
        group, joined = [], False
        for tok in line.split():
            bare = tok.rstrip(",")
            if OPT.fullmatch(bare):
                if group and not joined:
                    groups.append(tuple(group))
                    group = []
                group.append(bare)
                joined = tok.endswith(",")
            elif PLACEHOLDER.fullmatch(bare):
                joined = False
            else:
                break
        if group:
            groups.append(tuple(group))
    return groups


def usage_line(text):
    for line in text.splitlines():
        if line.startswith("usage: "):
            return " ".join(line[len("usage: "):].split())
    return None


# ---------------------------------------------------------------- pages

def sections(src):
    """{'OPTIONS': text, ...} of an scdoc page."""
    out, name = {}, None
    for line in src.splitlines():
        m = re.match(r"# (.+)$", line)
        if m:
            name = m.group(1).strip()
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def page_options(sec):
    """Option groups of an OPTIONS section: its term lines (not indented)
    that begin with *-."""
    groups = []
    for line in sec.splitlines():
        if line.startswith("*-"):
            groups.append(tuple(re.findall(r"\*(--?[A-Za-z][A-Za-z0-9-]*)\*", line)))
    return groups


def plain(s):
    """scdoc markup removed: *bold*, _underline_, ++ line breaks."""
    s = s.replace("++", "")
    s = re.sub(r"(?<![\w\\])[*_]|[*_](?![\w])", "", s)
    return " ".join(s.split())


def env_names(sec):
    names = set()
    for line in sec.splitlines():
        if line.startswith("*"):
            names.update(re.findall(r"\*([A-Z][A-Z0-9_]+)\*", line))
    return names


def getenv_names(root):
    names = set()
    for folder in ("cmd", "lib"):
        for path in glob.glob(os.path.join(root, folder, "**", "*.c"), recursive=True):
            with open(path, errors="replace") as f:
                names.update(re.findall(r'getenv\("([A-Z_][A-Z0-9_]*)"\)', f.read()))
    return names


# ---------------------------------------------------------------- checks

def check_pages(exe, root):
    mandir = os.path.join(root, "docs", "man")
    top = help_text(exe)
    cmds = help_commands(top)
    if not cmds:
        fail("no commands found in `mailsleuth --help`")
        return
    sources = {os.path.basename(p)[:-len(".1.scd")]
               for p in glob.glob(os.path.join(mandir, "*.1.scd"))}
    want = {"mailsleuth"} | {"mailsleuth-" + c for c in cmds}
    for name in sorted(want - sources):
        fail(f"docs/man/{name}.1.scd missing")
    for name in sorted(sources - want):
        fail(f"docs/man/{name}.1.scd documents a command `mailsleuth --help` does not list")

    read = getenv_names(root)
    helps = {c: help_text(exe, c) for c in cmds}
    # The aliases an option has in any command's --help (-j and --threads).
    alias = {}
    for text in helps.values():
        for g in help_options(text):
            for o in g:
                alias.setdefault(o, set()).update(g)

    pages = {}
    for name in sorted(want & sources):
        with open(os.path.join(mandir, name + ".1.scd")) as f:
            src = f.read()
        pages[name] = sections(src)
        first = src.splitlines()[0] if src else ""
        if not first.startswith(name.upper() + "(1)"):
            fail(f"{name}.1.scd: first line is not {name.upper()}(1): {first!r}")
        for s in SECTIONS:
            if s not in pages[name]:
                fail(f"{name}.1.scd: no section # {s}")
        ex = pages[name].get("EXIT STATUS", "")
        for status in "0123":
            if f"*{status}*" not in ex:
                fail(f"{name}.1.scd: EXIT STATUS does not give {status}")
        env = env_names(pages[name].get("ENVIRONMENT", ""))
        for v in sorted(env - read - {"TZ"}):
            fail(f"{name}.1.scd: ENVIRONMENT names {v}, which neither cmd/ nor lib/ reads")
        if name != "mailsleuth":
            cmd = name[len("mailsleuth-"):]
            if pages[name].get("NAME", "").split(" - ")[0].strip() != name:
                fail(f"{name}.1.scd: NAME does not start with {name}")
            for v in ("TZ", "MS_SCAN_SLOW") if "MS_SCAN_SLOW" in read else ("TZ",):
                if v not in env:
                    fail(f"{name}.1.scd: ENVIRONMENT does not name {v}")

    # mailsleuth(1): every command, its page in SEE ALSO, the variables read.
    main = pages.get("mailsleuth")
    if main:
        listed = set(re.findall(r"^\*([a-z][a-z0-9-]*)\*$", main.get("COMMANDS", ""), re.M))
        for c in cmds:
            if c not in listed:
                fail(f"mailsleuth.1.scd: COMMANDS does not list {c}")
            if f"*mailsleuth-{c}*(1)" not in main.get("SEE ALSO", ""):
                fail(f"mailsleuth.1.scd: SEE ALSO does not name mailsleuth-{c}(1)")
            if f"*mailsleuth {c}*" not in main.get("SYNOPSIS", ""):
                fail(f"mailsleuth.1.scd: SYNOPSIS has no line for {c}")
        for c in sorted(listed - set(cmds)):
            fail(f"mailsleuth.1.scd: COMMANDS lists {c}, which `mailsleuth --help` does not")
        env = env_names(main.get("ENVIRONMENT", ""))
        for v in sorted(read - env):
            fail(f"mailsleuth.1.scd: ENVIRONMENT does not name {v} (read by getenv)")
        for g in page_options(main.get("OPTIONS", "")):
            for o in g:
                p = run([exe, o])
                if p.returncode != 0 or not p.stdout:
                    fail(f"mailsleuth.1.scd documents `mailsleuth {o}`, which exits "
                         f"{p.returncode} with {len(p.stdout)} bytes out")

    for c in cmds:
        name = "mailsleuth-" + c
        if name not in pages:
            continue
        text = helps[c]
        groups = help_options(text)
        if not groups:
            fail(f"no options parsed from `mailsleuth {c} --help`")
            continue
        given = {o for g in groups for o in g}
        documented = page_options(pages[name].get("OPTIONS", ""))
        in_page = {o for g in documented for o in g}
        for o in sorted(given - in_page):
            fail(f"{name}.1.scd: `mailsleuth {c} --help` has {o}, the page's OPTIONS do not")
        for g in documented:
            if not g:
                fail(f"{name}.1.scd: an OPTIONS entry with no option in *…*")
            elif not set(g) & given:
                fail(f"{name}.1.scd documents {', '.join(g)}, which `mailsleuth {c} "
                     f"--help` does not give")
            else:
                for o in g:
                    if o not in given and not any(o in alias.get(h, ()) for h in g if h in given):
                        fail(f"{name}.1.scd: {o} is not another name of "
                             f"{', '.join(h for h in g if h in given)} in any --help")
        usage = usage_line(text)
        synopsis = plain(pages[name].get("SYNOPSIS", ""))
        if usage and synopsis != usage:
            fail(f"{name}.1.scd: SYNOPSIS {synopsis!r} is not the usage line {usage!r}")


# ---------------------------------------------------------------- install

def check_install(root, build):
    meson = shutil.which("meson")
    if not meson:
        fail("meson not found: the install was not checked")
        return
    sources = sorted(os.path.basename(p)[:-len(".scd")]
                     for p in glob.glob(os.path.join(root, "docs", "man", "*.1.scd")))
    with tempfile.TemporaryDirectory() as dest:
        p = run([meson, "install", "-C", build, "--no-rebuild", "--quiet",
                 "--destdir", dest])
        if p.returncode != 0:
            fail(f"meson install --destdir exited {p.returncode}: {p.stderr[-2000:]}")
            return
        bins = [b for b in glob.glob(os.path.join(dest, "**", "bin", "mailsleuth"),
                                     recursive=True) if os.access(b, os.X_OK)]
        if not bins:
            fail("meson install put no executable bin/mailsleuth in DESTDIR")
        else:
            v = run([bins[0], "--version"])
            if v.returncode != 0 or not v.stdout.startswith("mailsleuth "):
                fail(f"the installed mailsleuth --version: {v.returncode} {v.stdout!r}")
        installed = {os.path.basename(m): m for m in
                     glob.glob(os.path.join(dest, "**", "share", "man", "man1",
                                            "mailsleuth*.1"), recursive=True)}
        for page in sources:
            if page not in installed:
                fail(f"meson install did not put share/man/man1/{page} in place "
                     "(is it in meson.build's man_pages?)")
        for page in sorted(set(installed) - set(sources)):
            fail(f"meson install put man1/{page}, which has no source in docs/man/")
        groff, mandoc = shutil.which("groff"), shutil.which("mandoc")
        for page in sorted(installed):
            path = installed[page]
            with open(path, errors="replace") as f:
                roff = f.read()
            th = re.search(r'^\.TH "?([^" ]+)"? "?1"?', roff, re.M)
            if not th or th.group(1) != page[:-2].upper():
                fail(f"{page}: no .TH {page[:-2].upper()} 1 line")
            if groff:
                r = run([groff, "-man", "-ww", "-z", "-Tutf8", path])
                how = "groff -man -ww"
            elif mandoc:
                r = run([mandoc, "-Tlint", "-Wwarning", path])
                how = "mandoc -Tlint"
            else:
                continue
            if r.returncode != 0 or r.stderr.strip() or (how.startswith("mandoc") and r.stdout.strip()):
                fail(f"{page}: {how} exited {r.returncode}: {(r.stderr + r.stdout)[:1000]}")
        if not groff and not mandoc:
            print("note: neither groff nor mandoc installed: pages checked for .TH only")


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    exe, root, build = sys.argv[1:]
    check_pages(exe, root)
    check_install(root, build)
    for f in failures:
        print("FAIL:", f)
    print(f"man pages: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
