#!/usr/bin/env bash
# Sums the <Counters> of every TRX file under a folder and prints the closing line "N passed, N failed, N skipped".
# Exits 1 when there is no TRX file or when no test was executed.
set -euo pipefail
dir="${1:-TestResults}"
passed=0; failed=0; total=0; found=0
while IFS= read -r -d '' trx; do
  found=1
  c=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { local v; v=$(grep -oE " $1=\"[0-9]+\"" <<<"$c" | grep -oE '[0-9]+' || true); echo "${v:-0}"; }
  total=$((total + $(get total)))
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
done < <(find "$dir" -name '*.trx' -print0)
if [ "$found" = 0 ]; then echo "no TRX file under $dir" >&2; echo "0 passed, 0 failed"; exit 1; fi
echo "$passed passed, $failed failed, $((total - passed - failed)) skipped"
[ $((passed + failed)) -gt 0 ] || { echo "no test was executed" >&2; exit 1; }
