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

echo "tothon.exe: $(stat -c %s "$exe") bytes (budget 6,000,000)"
run --help | grep -q "tothon"
run demo --no-tui --people 300 --dir "$work/demo" >"$work/demo.txt"
grep -q "demo" "$work/demo.txt"

export TOTHON_PASSPHRASE=demo
commune="$work/demo"
run --data-dir "$commune" cases --format csv >"$work/cases.csv"
# A byte-order mark, then the header.
head -c 9 "$work/cases.csv" | grep -q "record" 
test "$(head -c 3 "$work/cases.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf"
run --data-dir "$commune" report | grep -q "ĐỀ ÁN 06"
run --data-dir "$commune" cases --format xlsx --out "$work/cases.xlsx" >/dev/null
test "$(head -c 2 "$work/cases.xlsx")" = "PK"

bundle="$(ls "$commune"/bundles/*-to-team3-*.zip | head -1)"
run --data-dir "$commune/team-3" bundle verify "$bundle" | tee "$work/verify.txt"
echo "smoke under Wine: ok"
