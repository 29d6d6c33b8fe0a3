#!/usr/bin/env bash
# Builds hale-supervisor (the per-container holder of the process runtime)
# into dist/bin/, or $OUT. Needs a C compiler (Debian: gcc).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:-$root/dist/bin/hale-supervisor}"
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "hale: building the container supervisor needs a C compiler ($cc not found): apt-get install gcc" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
"$cc" -O2 -Wall -Wextra -std=gnu11 -o "$out" "$root"/supervisor/src/*.c
