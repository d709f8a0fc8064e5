#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Brings translations/*.ts up to date with the sources (lupdate), or with
# --check says whether they are: exit 1 when lupdate would add or drop an
# entry, or when a shipped language has an unfinished entry.
#   tools/update_translations.sh [--check]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lupdate=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
# Every place with user-visible strings of the studio; core/ speaks English
# only (its messages are data passed through, and the CLI's).
sources=("$root/app/studio" "$root/widgets")
options=(-locations none -no-obsolete -extensions cpp,h -silent)

if [ "${1:-}" != "--check" ]; then
  "$lupdate" "${options[@]}" "${sources[@]}" -ts "$root"/translations/*.ts
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for ts in "$root"/translations/*.ts; do
  copy=$work/$(basename "$ts")
  cp "$ts" "$copy"
  "$lupdate" "${options[@]}" "${sources[@]}" -ts "$copy" >/dev/null
  if ! diff -u "$ts" "$copy" >"$work/diff"; then
    echo "$(basename "$ts") is stale: run tools/update_translations.sh and translate the new entries" >&2
    grep '^[-+] *<source>' "$work/diff" | head -20 >&2
    status=1
  fi
  unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
  if [ "$unfinished" -gt 0 ]; then
    echo "$(basename "$ts") has $unfinished unfinished entries, for example:" >&2
    grep -B3 'type="unfinished"' "$ts" | grep '<source>' | head -5 >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "translations up to date and complete"
exit $status
