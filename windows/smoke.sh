#!/usr/bin/env bash
# The Windows release build, as a user runs it, under Wine: help, a demo
# commune built from scratch, its listings, the report, an Excel export and
# a bundle checked. Called by .ci/windows with the .exe's path; exits
# non-zero at the first command that fails or says something wrong.
set -euo pipefail
exe="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# WINE= (empty) runs a native build the same way, to try the script.
run() { ${WINE-wine} "$exe" "$@"; }

size="$(stat -c %s "$exe")"
echo "tothon.exe: $size bytes (budget 6,000,000)"
test "$size" -le 6000000
run --help >"$work/help.txt"
grep "tothon" "$work/help.txt" >/dev/null
run demo --no-tui --people 300 --dir "$work/demo" >"$work/demo.txt"
grep "demo" "$work/demo.txt" >/dev/null

export TOTHON_PASSPHRASE=demo
commune="$work/demo"
run --data-dir "$commune" cases --format csv >"$work/cases.csv"
# A byte-order mark, then the header.
test "$(head -c 3 "$work/cases.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf"
test "$(head -c 9 "$work/cases.csv" | tail -c 6)" = "record"
run --data-dir "$commune" report >"$work/report.txt"
grep "ĐỀ ÁN 06" "$work/report.txt" >/dev/null
run --data-dir "$commune" cases --format xlsx --out "$work/cases.xlsx" >/dev/null
test "$(head -c 2 "$work/cases.xlsx")" = "PK"

bundle="$(ls "$commune"/bundles/*-to-team3-*.zip | head -1)"
run --data-dir "$commune/team-3" bundle verify "$bundle" | tee "$work/verify.txt"
grep "hợp lệ" "$work/verify.txt" >/dev/null
echo "smoke under Wine: ok"
