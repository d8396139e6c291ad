#!/usr/bin/env python3
"""Allocation failures, injected as SQLite's tests do.

Usage: allocfail.py MAILSLEUTH_ALLOCFAIL SOURCE_ROOT [SCENARIO...]

MAILSLEUTH_ALLOCFAIL is the CLI linked with tests/alloc/shim.c: with
MS_ALLOC_FAIL=N in its environment the Nth allocation of the run fails (any
caller: ours, libc's, a library's). Each scenario below is a command of the
CLI cases on small inputs. It is run once whole, which gives its allocation
count and its complete results, then once for each N of a spread of 1..count
(all of them when there are at most LIMIT), and for the N of REGRESSIONS.
Each of those runs must end either

  - in a clean error: exit status 3, a message on stderr; or
  - as the whole run does (the failure was absorbed): same exit status,
    same standard output, same files;

with no signal, no sanitizer report (the ASan build checks leaks too), and
in its output folder no temporary file (.NAME.XXXXXX) and no file that is
neither the whole new result nor the old one that was there before (half
the runs start with old files in place, the other half with none).
Exit status 0 when every run passed; the failures are listed, each with
the first functions of ours in the failing call's stack.

One failure is not ours and is let pass: AddressSanitizer's own start of a
thread (the reading-ahead helper) calls pthread_getattr_np, which
allocates; when that allocation is the one failed, the sanitizer stops on
an internal CHECK before any of our code runs in the thread.

Nor are the faults of libxlsxwriter 1.1.4 (Debian 12), and of the minizip
it calls, listed in LIBRARY_FAULTS: allocations of their own that they do
not check (a crash inside the library), whose failure they drop without
telling (a results.xlsx missing a part), or after whose failure they leak
what they had (the ASan build). A run whose failed allocation was made in
one of them (the library functions innermost in its trace) may end as
that fault makes it, and only so.

Run by meson (suite cli) in both builds of scripts/test; by hand:
tests/alloc/allocfail.py build/tests/mailsleuth-allocfail . [SCENARIO...]
"""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

LIMIT = 300          # Ns tried per scenario, spread over its count
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
             "runtime error:")
SANITIZER_OWN = re.compile(r"CHECK failed:.*pthread_getattr_np")
SHIM = {"malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc",
        "strdup", "strndup"}
SEED = "testdata/seeds/000-dovecot.log"
QMAIL = "testdata/seeds/002-qmail.log"
COMMON = ["-q", "--tz", "UTC", "--year", "2025"]

# name: (argv after the binary, stdin file or None, output path in the run's
# folder or None for stdout only, gnuplot on PATH). {D} is the run's folder,
# {W} the test's, which holds events.csv (the seeds' events) to read back
# and hosts.csv (a fleet's hosts: one included, one failed, one whose
# events file was not read).
SCENARIOS = {
    "events": (["events", "-j", "1", *COMMON, SEED, QMAIL], None, None, False),
    "events-o": (["events", "-j", "1", *COMMON, "-f", "json", "-o", "{D}/ev.json",
                  SEED], None, "ev.json", False),
    "stdin": (["events", "-j", "1", *COMMON, "-"], SEED, None, False),
    "analyze-both": (["analyze", "-j", "1", *COMMON, "--no-geo", "-f", "both",
                      "--users", "testdata/sample/users.txt", "-o", "{D}/out",
                      SEED, QMAIL], None, "out", False),
    "analyze-geo": (["analyze", "-j", "1", *COMMON, "--asn-csv",
                     "testdata/geo/asn-ipv4.csv", "-o", "{D}/out",
                     "testdata/geo/geo.log"], None, "out", False),
    "analyze-sample": (["analyze", "-j", "1", *COMMON, "--no-geo", "-o",
                        "{D}/out", "testdata/sample"], None, "out", True),
    "events-file": (["analyze", "-j", "1", "-q", "--no-geo", "-o", "{D}/out",
                     "{W}/events.csv"], None, "out", False),
    # The same, read ahead on a thread (input/events_ahead.c).
    "events-file-ahead": (["analyze", "-j", "2", "-q", "--no-geo", "-o",
                           "{D}/out", "{W}/events.csv"], None, "out", False),
    "hosts": (["analyze", "-j", "1", "-q", "--no-geo", "--hosts",
               "{W}/hosts.csv", "-o", "{D}/out", "{W}/events.csv"], None, "out",
              False),
    "analyze-spill": (["analyze", "-j", "1", *COMMON, "--no-geo", "-f", "both",
                       "--buffer-size", "1", "-o", "{D}/out", SEED, QMAIL], None,
                      "out", False),
    "why-spill": (["why", "-j", "1", *COMMON, "--no-geo", "--buffer-size", "1",
                   "67.161.162.12", SEED, QMAIL], None, None, False),
    "analyze-xlsx": (["analyze", "-j", "1", *COMMON, "--no-geo", "-f", "xlsx",
                      "-o", "{D}/out", SEED, QMAIL], None, "out", False),
    "report": (["report", "-j", "1", *COMMON, "--no-geo", "-o", "{D}/rep",
                SEED], None, "rep", True),
    "bans": (["bans", "-j", "1", *COMMON, "--no-geo", "--aggregate", "--as",
              "nft", SEED, QMAIL], None, None, False),
    "explain": (["explain", *COMMON, SEED], None, None, False),
}

# libxlsxwriter's faults, each a regular expression on the library
# functions of the failed allocation's trace (innermost first, " < "
# between) and what the fault may do to the run: "crash" (a signal, or the
# sanitizer's stop: exit status 1, and .results.xlsx.XXXXXX left), "drop"
# (the run ends as the whole one, but results.xlsx lacks what was dropped)
# or "leak" (a LeakSanitizer report, exit status 1, after our clean exit).
# Our side (lib/output/results_xlsx.c) catches what the library drops in the
# calls it makes; these are the faults inside calls it cannot look into.
LIBRARY_FAULTS = [
    # xmlwriter.c: an XML attribute and a text's escaped copy are written
    # into a malloc not checked (every tag with attributes, every string
    # cell as its row is written out).
    (r"^(lxw_new_attribute_(str|int|dbl)|lxw_escape_data) <", {"crash"}),
    # lxw_has_control_characters takes the terminating NUL for one, so
    # worksheet_write_string copies every string with
    # lxw_escape_control_characters, whose calloc is not checked.
    (r"^lxw_escape_control_characters < worksheet_write_string", {"crash"}),
    # workbook_add_worksheet: the name's lxw_strdup is not checked
    # (workbook_validate_sheet_name reads NULL); a failure in
    # lxw_worksheet_new frees the name twice.
    (r"^(lxw_strdup|lxw_worksheet_new) < workbook_add_worksheet", {"crash"}),
    # ... and when the sheet's own calloc fails, it frees the new worksheet
    # with free(), leaking all it holds.
    (r"^workbook_add_worksheet$", {"leak"}),
    # worksheet_write_string leaks the string's copy when the cell's calloc
    # fails; lxw_format_get_xf_index the format's key when it is not
    # stored.
    (r"^(_new_inline_string_cell < worksheet_write_string|"
     r"lxw_insert_hash_element < lxw_format_get_xf_index)", {"leak"}),
    # minizip's zipOpenNewFileInZip4_64 (workbook_close's _add_file_to_zip)
    # does not check its buffer, and leaks it when zlib's deflateInit2_
    # fails.
    (r"^zipOpenNewFileInZip4_64 < _add_file_to_zip", {"crash"}),
    (r"^deflateInit2_ < zipOpenNewFileInZip4_64 < _add_file_to_zip", {"leak"}),
    # workbook_close's style tables: _prepare_fonts, _num_formats,
    # _borders, _fills take lxw_hash_new's NULL and an index's calloc
    # unchecked, or drop a font, fill or border.
    (r"^((lxw_hash_new|lxw_format_get_font_key|lxw_insert_hash_element) < )?"
     r"_prepare_(fonts|num_formats|borders|fills) <", {"crash", "drop"}),
    # workbook_close drops a content type (lxw_ct_add_override,
    # lxw_ct_add_default), a relationship (_add_relationship), the
    # autofilter's defined name (_store_defined_name) or a frozen pane's
    # selection (_worksheet_write_freeze_panes) it could not allocate.
    (r"^(lxw_strdup < )?(lxw_ct_add_override|lxw_ct_add_default|"
     r"_add_relationship|_store_defined_name|_worksheet_write_freeze_panes) <",
     {"drop"}),
]
LIBRARIES = ("libxlsxwriter.so", "libminizip.so", "libz.so")
CRASH = re.compile(r"killed by signal|sanitizer report|exit status \d+ \(whole"
                   r"|temporary file left: \.results\.xlsx\.")

# Ns that once crashed, leaked or left a partial file (each fixed by a
# commit that names it); tried whatever the spread.
REGRESSIONS = {
    # scan.c: a file not opened, or a read stopped, for lack of memory was
    # taken for unreadable or damaged input (exit 1).
    # recognizer.c: a pattern not compiled or matched for lack of memory
    # was "no match" (events lost).
    "events": (252, 253, 257, 278, 279, 280, 283, 356,
               261, 293, 302, 336, 346),
    "stdin": (244, 245, 246, 249, 269, 253),
    "explain": (247, 248, 249, 252, 270, 253),
    "bans": (288, 289, 293, 317, 319, 320, 396,
             # intern.c: ms_intern_init failing kept what it had allocated
             # (leaks, ASan build).
             60, 61, 62, 63),
    # sniff.c, sources.c: a file met in a folder not judged for lack of
    # memory was left out as unreadable (exit 1).
    "analyze-sample": (48, 59, 60, 61, 63, 67, 68, 69, 71, 81, 87, 104, 110,
                       122, 371, 655, 695,
                       # inputs.c: a row of unmatched examples cut short by
                       # lack of memory leaked its copies (ASan build).
                       771, 777, 783, 788, 800, 806, 812, 823, 829, 835),
    # events_in.c, run_store.c: out of memory sniffing or reading an events
    # file back (its reader, its interned names, a CSV field) was a damaged
    # file (exit 1).
    "events-file": (53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 66, 67,
                    68, 69, 71, 73,
                    # results: a cell built in the tables' scratch space
                    # cut short by lack of memory (a partial ips.csv).
                    179,
                    # intern.c, as for bans (ASan build).
                    46, 47, 48, 49, 70),
    # users.c: --users not opened for lack of memory was a usage error
    # (exit 2).
    "analyze-both": (31,
                     # events_out.c: a JSON field jansson could not make was
                     # left out of the line (a partial events.json).
                     455, 465, 476, 486, 507, 517, 527, 537),
    "events-o": (249, 252, 282, 285, 288, 291, 294, 297, 299, 302, 305, 308),
    # results_xlsx.c: a number or string cell (_new_number_cell,
    # _new_inline_string_cell) or a format's index that libxlsxwriter
    # dropped without telling was a cut results.xlsx; a failed
    # workbook_set_properties left its freed properties to be freed again.
    "analyze-xlsx": (519, 520, 581, 673, 524, 525),
}


def files_of(path):
    """{relative name: bytes} of a file or a folder's files, or {}."""
    if os.path.isfile(path):
        return {"": open(path, "rb").read()}
    out = {}
    for top, _, names in os.walk(path):
        for n in names:
            p = os.path.join(top, n)
            out[os.path.relpath(p, path)] = open(p, "rb").read()
    return out


def run(binary, root, scenario, folder, n):
    argv, stdin, _, gnuplot = SCENARIOS[scenario]
    work = os.environ["ALLOCFAIL_WORK"]
    env = dict(os.environ, LC_ALL="C", MS_ALLOC_FAIL=str(n),
               MS_ALLOC_TRACE="1", MS_ALLOC_COUNT=os.path.join(folder, ".count"))
    if not gnuplot:
        env["PATH"] = "/nonexistent"
    args = [binary] + [a.replace("{D}", folder).replace("{W}", work)
                      for a in argv]
    with open(os.path.join(root, stdin) if stdin else os.devnull, "rb") as f:
        try:
            p = subprocess.run(args, cwd=root, env=env, stdin=f,
                               capture_output=True, timeout=60)
        except subprocess.TimeoutExpired as e:   # killed: a hang
            p = subprocess.CompletedProcess(args, -9, e.stdout or b"",
                                            (e.stderr or b"") + b"hung\n")
    count = None
    if os.path.exists(os.path.join(folder, ".count")):
        count = int(open(os.path.join(folder, ".count")).read())
        os.unlink(os.path.join(folder, ".count"))
    return p, count


def check(binary, root, scenario, whole, n, old):
    """One run failing allocation n; a list of problems (empty: passed)."""
    _, _, output, _ = SCENARIOS[scenario]
    rc0, out0, files0 = whole
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, output) if output else None
        if target and old:     # the old results, in place
            for name in files0:
                p = os.path.join(target, name) if name else target
                os.makedirs(os.path.dirname(p), exist_ok=True)
                open(p, "wb").write(b"old " + name.encode() + b"\n")
        p, _ = run(binary, root, scenario, d, n)
        trace, _, err = p.stderr.decode("utf-8", "replace").rpartition(
            "(end of trace)\n")
        bad = []
        if SANITIZER_OWN.search(err):
            return []
        if p.returncode < 0:
            bad.append("hung for 60 s" if err.endswith("hung\n") else
                       "killed by signal %d" % -p.returncode)
        if any(s in err for s in SANITIZER):
            bad.append("sanitizer report")
        if p.returncode == 3:
            if not err.strip():
                bad.append("exit status 3 without a message")
        elif p.returncode >= 0:
            if p.returncode != rc0:
                bad.append("exit status %d (whole run: %d)" % (p.returncode, rc0))
            elif p.stdout != out0:
                bad.append("exit status %d but standard output differs" % rc0)
        if target:
            got = files_of(target)
            for name, data in got.items():
                base = os.path.basename(name)
                if base.startswith("."):
                    bad.append("temporary file left: %s" % name)
                elif name not in files0:
                    bad.append("unexpected file: %s" % name)
                elif data != files0[name] and \
                        not (old and data == b"old " + name.encode() + b"\n"):
                    bad.append("partial file: %s" % (name or output))
            if p.returncode == rc0 and not bad and got != files0:
                bad.append("exit status %d but files missing" % rc0)
        bad = [b for b in bad if not library_fault(trace, err, b)]
        if bad:
            where = callers(trace)
            tail = "\n".join(err.strip().splitlines()[-12:])
            return ["%s N=%d%s: %s\n  in %s\n%s" % (
                scenario, n, " (old files)" if old else "", "; ".join(bad),
                " < ".join(where), tail)]
    return []


def library_fault(trace, err, problem):
    """Whether problem is what a fault of LIBRARY_FAULTS does, and the
    failed allocation (trace) was made where it is; err: the stderr after
    the trace."""
    names = []
    for lib, name in re.findall(r"^(\S+)\((\w+)\+0x", trace, re.M):
        if os.path.basename(lib).startswith(LIBRARIES):
            names.append(name)
        elif names or name not in SHIM:
            break
    chain = " < ".join(names)
    kinds = set().union(*[k for pat, k in LIBRARY_FAULTS if re.match(pat, chain)])
    leak_only = "ERROR: LeakSanitizer" in err and \
        not any(s in err for s in SANITIZER if "Leak" not in s)
    return ("crash" in kinds and CRASH.match(problem) is not None) or \
        ("drop" in kinds and problem == "partial file: results.xlsx") or \
        ("leak" in kinds and leak_only and
         re.match(r"sanitizer report$|exit status 1 \(whole", problem) is not None)


def callers(trace):
    """The first named functions of ours in a failing call's stack."""
    names = re.findall(r"mailsleuth-allocfail\((\w+)\+0x", trace)
    return [f for f in names if f not in SHIM][:3]


def spread(count, limit):
    if count <= limit:
        return list(range(1, count + 1))
    # The first calls (start-up), then evenly over the rest.
    head = limit // 4
    step = (count - head) / (limit - head)
    return sorted(set(list(range(1, head + 1)) +
                      [head + 1 + int(i * step) for i in range(limit - head)]))


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    names = sys.argv[3:] or list(SCENARIOS)
    failures, runs = [], 0
    work = tempfile.TemporaryDirectory()
    os.environ["ALLOCFAIL_WORK"] = work.name
    with open(os.path.join(work.name, "events.csv"), "wb") as f:
        subprocess.run([binary, "events", *COMMON, SEED, QMAIL], cwd=root,
                       stdout=f, check=True)
    with open(os.path.join(work.name, "hosts.csv"), "w") as f:
        f.write('host,status,events_file,bytes,sha256,why\n'
                '"mx1","included","events.csv","","",""\n'
                '"mx2","failed","","","","unreachable: <b>no</b>"\n'
                '"mx3","included","missing.csv","","",""\n')
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    for name in names:
        with tempfile.TemporaryDirectory() as d:
            p, count = run(binary, root, name, d, 0)
            output = SCENARIOS[name][2]
            whole = (p.returncode, p.stdout,
                     files_of(os.path.join(d, output)) if output else {})
        if p.returncode not in (0, 1) or count is None or \
                any(s in p.stderr.decode("utf-8", "replace") for s in SANITIZER):
            failures.append("%s: the whole run failed (exit status %d):\n%s" %
                            (name, p.returncode, p.stderr.decode()))
            continue
        ns = sorted(set(spread(count, LIMIT)) | set(REGRESSIONS.get(name, ())))
        jobs = [pool.submit(check, binary, root, name, whole, n, n % 2 == 0)
                for n in ns]
        for j in jobs:
            failures += j.result()
        runs += len(ns)
        print("%s: %d allocations, %d runs" % (name, count, len(ns)), flush=True)
    for f in failures:
        print("FAIL", f)
    print("allocfail: %d runs, %d failed" % (runs, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
