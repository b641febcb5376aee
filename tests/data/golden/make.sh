#!/usr/bin/env bash
# Makes one set of golden bundles with one build of tothon, as a commune
# and its team 3 would: the commune imports worklist.csv and sends team 3
# its work; team 3 works one item, opens a case of its own and sends its
# bundle; the commune returns a case for correction and sends team 3 its
# next bundle. Kept: both public keys and the two bundles the tests import
# on a fresh commune and a fresh team 3 device.
#
#   tests/data/golden/make.sh OUT_DIR COMMAND...
#   tests/data/golden/make.sh windows wine target/x86_64-pc-windows-gnu/release/tothon.exe
#   tests/data/golden/make.sh linux target/release/tothon
#
# Under Wine 8, tothon.exe needs the stand-in bcryptprimitives.dll built from
# windows/wine-bcryptprimitives.c in the Wine prefix's system32.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TOTHON_PASSPHRASE=golden-bundles
tothon() {
  local dir=$1
  shift
  "${RUN[@]}" --data-dir "$work/$dir" "$@"
}
RUN=("$@")
commune="Xã Tân Phong"

tothon commune init commune --name "$commune"
tothon commune key show >"$work/commune.pub"
tothon team3 init team --team 3 --commune "$commune" --commune-key "$work/commune.pub"
tothon team3 key show >"$work/team3.pub"
tothon commune trust --team 3 "$work/team3.pub"

tothon commune worklist import "$here/worklist.csv" --form activation --yes
mkdir -p "$work/round1" "$work/round2" "$work/round3"
tothon commune bundle export --out "$work/round1"
tothon team3 bundle import "$work"/round1/*-to-team3-*.zip

tothon team3 case new --form activation --work-item AC-00001 --set status=activated_level2 --set visit_date=20/11/2026 \
  --set "checker=Phạm Thị Hoa" --set "note=Đã cài VNeID, mức 2"
tothon team3 case new --form activation --set person_id=034192004567 \
  --set "full_name=Đỗ Thị Mai" --set birth_date=20/11/1992 --set sex=Nữ \
  --set phone=0977123456 --set target_level=level2 --set status=failed \
  --set blocker=no_smartphone --set visit_date=21/11/2026 --set "checker=Phạm Thị Hoa"
tothon team3 bundle export --out "$work/round2"
tothon commune bundle import "$work"/round2/*.zip
tothon commune case return AC-00001 --comment "Thiếu ngày thực hiện"
tothon commune bundle export --out "$work/round3"

rm -rf "$out"
mkdir -p "$out"
cp "$work/commune.pub" "$work/team3.pub" "$out/"
cp "$work"/round2/*.zip "$out/"
cp "$work"/round3/*-to-team3-*.zip "$out/"
ls "$out"
