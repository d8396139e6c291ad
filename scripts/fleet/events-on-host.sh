#!/usr/bin/env bash
# scripts/fleet/events-on-host.sh — the part of scripts/fleet/fleet.yml that
# runs on each mail host: `mailsleuth events` over the host's log paths,
# niced, compressed with zstd into WORKDIR/events.csv.zst. Ansible copies it
# to the host and runs it there; it can be run by hand the same way.
#
# The log paths are linked under WORKDIR/stage as HOST (one folder given) or
# HOST/NAME (several paths, or files), and `events` reads "." from there: so
# each event's `file` is ./HOST/… and a line without a host name has server
# HOST (or HOST/SUBFOLDER), as if the logs had been copied into a folder
# named after the host. Hosts whose logs have the same paths
# (/var/log/qmail/current on every one) stay apart when their events files
# are analysed together.
set -uo pipefail
usage() {
  echo "usage: events-on-host.sh WORKDIR HOST NICE MAILSLEUTH [EVENTS-OPTION...] -- PATH..."
  echo
  echo "Runs MAILSLEUTH events (at nice NICE, with the options given) over the"
  echo "PATHs (folders or files; shell patterns such as /var/log/mail.log* are"
  echo "expanded), labelled HOST, and writes WORKDIR/events.csv.zst (zstd)."
  echo "Exit status: mailsleuth's (0 all read; 1 some input damaged or"
  echo "unreadable, events of the rest written); 10 a PATH not found; 11 the"
  echo "binary not found; 12 zstd missing or failed, or WORKDIR unusable;"
  echo "mailsleuth's 2 or 3 on its failure."
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac
[ $# -ge 5 ] || { usage >&2; exit 2; }
work=$1 host=$2 niceness=$3 ms=$4
shift 4
opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
[ "${1:-}" = "--" ] || { usage >&2; exit 2; }
shift
[ $# -ge 1 ] || { echo "events-on-host.sh: no log path given" >&2; exit 10; }
case "$host" in
  ""|.|..|*/*) echo "events-on-host.sh: bad host label '$host'" >&2; exit 2 ;;
esac

case "$ms" in */*) case "$ms" in /*) ;; *) ms=$PWD/$ms ;; esac ;; esac
if ! command -v "$ms" >/dev/null 2>&1; then
  echo "mailsleuth not found: '$ms' (set mailsleuth_bin)" >&2
  exit 11
fi
command -v zstd >/dev/null 2>&1 || { echo "zstd not found on the host" >&2; exit 12; }

# Each PATH, with shell patterns expanded; relative ones from where we are.
paths=()
for p in "$@"; do
  case "$p" in /*) ;; *) p=$PWD/$p ;; esac
  matched=0
  while IFS= read -r -d '' f; do
    [ -e "$f" ] || continue
    paths+=("$f")
    matched=1
  done < <(compgen -G "$p" | tr '\n' '\0'; [ -e "$p" ] && printf '%s\0' "$p")
  [ $matched -eq 1 ] || { echo "no such log file or folder: $p" >&2; exit 10; }
done
# A path both named and matched by a pattern is linked once.
mapfile -d '' paths < <(printf '%s\0' "${paths[@]}" | sort -zu)

stage=$work/stage
if ! { rm -rf -- "$stage" && mkdir -p -- "$stage"; }; then
  echo "cannot make $stage" >&2
  exit 12
fi
if [ ${#paths[@]} -eq 1 ] && [ -d "${paths[0]}" ]; then
  ln -s -- "${paths[0]}" "$stage/$host"
else
  mkdir -- "$stage/$host"
  for f in "${paths[@]}"; do
    name=$(basename -- "$f") n=1 link=$stage/$host/$name
    while [ -e "$link" ] || [ -L "$link" ]; do n=$((n + 1)); link=$stage/$host/$name-$n; done
    ln -s -- "$f" "$link"
  done
fi

out=$work/events.csv.zst
cd -- "$stage" || exit 12
nice -n "$niceness" "$ms" events "${opts[@]}" . | nice -n "$niceness" zstd -q -c >"$out"
st=("${PIPESTATUS[@]}")
if [ "${st[1]}" -ne 0 ]; then
  echo "zstd failed (exit ${st[1]})" >&2
  exit 12
fi
exit "${st[0]}"
