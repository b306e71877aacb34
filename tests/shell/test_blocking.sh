#!/usr/bin/env bash
# Nothing stalls the scheduler (issue 12, runtime/README.md "Blocking
# calls"): tests/conc/blocking_rhythm.wyn with 1, 2 and 4 workers, under
# the JIT and built.  A ticking task must keep its 10 ms rhythm (each tick
# within BLOCKING_LIMIT_MS, default 200: see the comment in the .wyn)
# while other tasks wait on a FIFO, write and read files and run
# `sleep 0.2` commands.  A loaded machine delays a tick on its own now and
# then (kernel scheduling), so each configuration gets up to 5 attempts.
# Exit 0 when every one passes.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$root/wyn}
prog=$root/tests/conc/blocking_rhythm.wyn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
want=$(sed -n 's|^// expect: \(.*\)$|\1|p' "$prog")
limit=${BLOCKING_LIMIT_MS:-200}
fails=0
"$WYN" build "$prog" -o "$tmp/exe" -O2 || { echo "FAIL build"; exit 1; }
for n in 1 2 4; do
  for how in jit build; do
    for attempt in 1 2 3 4 5; do
      if [[ $how == jit ]]; then
        got=$(cd "$tmp" && WYN_THREADS=$n timeout 60 "$WYN" "$prog" "$limit" 2>&1)
      else
        got=$(cd "$tmp" && WYN_THREADS=$n timeout 60 "$tmp/exe" "$limit" 2>&1)
      fi
      [[ "$got" == "$want" ]] && break
    done
    if [[ "$got" != "$want" ]]; then
      printf 'FAIL WYN_THREADS=%s %s:\n%s\n' "$n" "$how" "$got"
      fails=$((fails + 1))
    fi
  done
done
exit $((fails > 0))
