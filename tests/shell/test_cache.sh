#!/usr/bin/env bash
# The optimized tier and its cache (codegen/tier.h): entries keyed by
# content, loaded on later runs, verified (a corrupt one is rebuilt),
# written atomically (concurrent runs), bounded (least recently used go
# first), emptied by `wyn cache clean`, off with WYN_CACHE=off; background
# compiles start only after WYN_CACHE_DELAY_MS and die with the script.
# Exit 0 when every check holds; each failure is printed.
set -u
WYN=${WYN:-$(cd "$(dirname "$0")/../.." && pwd)/wyn}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" WYN_CACHE_LOG=1
unset WYN_CACHE WYN_CACHE_DELAY_MS WYN_CACHE_MAX_MB
C="$tmp/cache/wyn"
fails=0
check() { # NAME WANT GOT
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s\n  want: %q\n  got:  %q\n' "$1" "$2" "$3"
    fails=$((fails + 1))
  fi
}
entries() { ls "$C" 2>/dev/null | grep -c '\.so$'; }
tmpfiles() { ls -A "$C" 2>/dev/null | grep -c '^\.tmp-'; }
has_log() { grep -q "$1" "$tmp/err" && echo yes || echo no; }

cat >"$tmp/a.wyn" <<'W'
fn fib(n: int) -> int {
    if n < 2 { return n }
    return fib(n - 1) + fib(n - 2)
}
var parts = []
for i in 0..5 { parts.push("${i}:${fib(i + 10)}") }
println(parts.join(" "))
W
want="0:55 1:89 2:144 3:233 4:377"

# 1. sync: compiled, stored, run from the cache; the next default run loads it
check "off output" "$want" "$(WYN_CACHE=off "$WYN" "$tmp/a.wyn" 2>/dev/null)"
check "off writes nothing" 0 "$(entries)"
check "sync output" "$want" "$(WYN_CACHE=sync "$WYN" "$tmp/a.wyn" 2>"$tmp/err")"
check "sync stored" yes "$(has_log 'stored optimized code')"
check "sync ran optimized" yes "$(has_log 'running optimized code')"
check "one entry" 1 "$(entries)"
check "cached output" "$want" "$("$WYN" "$tmp/a.wyn" 2>"$tmp/err")"
check "cached run loads the entry" yes "$(has_log 'running optimized code')"

# 2. keys are content: a new mtime hits, a changed program misses
touch -d '2001-01-01' "$tmp/a.wyn"
"$WYN" "$tmp/a.wyn" >/dev/null 2>"$tmp/err"
check "touched file still hits" yes "$(has_log 'running optimized code')"
sed 's/0\.\.5/0..4/' "$tmp/a.wyn" >"$tmp/b.wyn"
check "changed program output" "0:55 1:89 2:144 3:233" "$(WYN_CACHE_DELAY_MS=600000 "$WYN" "$tmp/b.wyn" 2>"$tmp/err")"
check "changed program misses" yes "$(has_log 'running under tcc')"

# 3. a corrupt entry is ignored, removed and rebuilt
so=$(ls "$C"/*.so | head -n 1)
printf 'garbage' >"$so"
check "corrupt entry output" "$want" "$(WYN_CACHE_DELAY_MS=600000 "$WYN" "$tmp/a.wyn" 2>"$tmp/err")"
check "corrupt entry noticed" yes "$(has_log 'corrupt cache entry')"
check "corrupt entry removed" 0 "$(entries)"
check "rebuilt output" "$want" "$(WYN_CACHE=sync "$WYN" "$tmp/a.wyn" 2>"$tmp/err")"
check "rebuilt" yes "$(has_log 'stored optimized code')"
sum=$(ls "$C"/*.sum | head -n 1)
printf '%064d\n' 0 >"$sum"
check "bad checksum output" "$want" "$(WYN_CACHE_DELAY_MS=600000 "$WYN" "$tmp/a.wyn" 2>"$tmp/err")"
check "bad checksum noticed" yes "$(has_log 'corrupt cache entry')"

# 4. concurrent runs of a new program: all right, one whole entry, no leftovers
"$WYN" cache clean >/dev/null
for i in 1 2 3 4; do WYN_CACHE=sync "$WYN" "$tmp/a.wyn" >"$tmp/par.$i" 2>/dev/null & done
wait
for i in 1 2 3 4; do check "concurrent run $i" "$want" "$(cat "$tmp/par.$i")"; done
check "concurrent: one entry" 1 "$(entries)"
check "concurrent: no work files left" 0 "$(tmpfiles)"

# 5. the bound: least recently used entries go first
"$WYN" cache clean >/dev/null
for p in x y z; do sed "s/println(parts/println(\"$p\", parts/" "$tmp/a.wyn" >"$tmp/$p.wyn"; done
WYN_CACHE=sync "$WYN" "$tmp/x.wyn" >/dev/null 2>&1
sleep 0.05
WYN_CACHE=sync "$WYN" "$tmp/y.wyn" >/dev/null 2>&1
sleep 0.05
"$WYN" "$tmp/x.wyn" >/dev/null 2>&1            # x is now the most recent use
size=$(du -cb "$C"/* | tail -n 1 | cut -f1)     # two entries
max=$(awk -v s="$size" 'BEGIN {printf "%.6f", s * 1.25 / 1048576}')  # room for two entries, not three
sleep 0.05
WYN_CACHE_MAX_MB=$max WYN_CACHE=sync "$WYN" "$tmp/z.wyn" >/dev/null 2>"$tmp/err"
check "bound: an entry removed" yes "$(has_log 'cache over its bound')"
check "bound: two entries left" 2 "$(entries)"
"$WYN" "$tmp/x.wyn" >/dev/null 2>"$tmp/err"
check "bound: recently used x kept" yes "$(has_log 'running optimized code')"
WYN_CACHE_DELAY_MS=600000 "$WYN" "$tmp/y.wyn" >/dev/null 2>"$tmp/err"
check "bound: least recently used y removed" yes "$(has_log 'running under tcc')"

# 6. wyn cache clean, WYN_CACHE=off, a bad WYN_CACHE
check "clean" "removed 4 files from $C" "$("$WYN" cache clean)"  # two entries, .so + .sum
check "clean empties" 0 "$(ls -A "$C" | wc -l)"
WYN_CACHE=off "$WYN" "$tmp/a.wyn" >/dev/null 2>&1
check "off writes nothing" 0 "$(ls -A "$C" | wc -l)"
WYN_CACHE=maybe "$WYN" "$tmp/a.wyn" >/dev/null 2>"$tmp/err"; rc=$?
check "bad WYN_CACHE status" 2 $rc
check "bad WYN_CACHE message" yes "$(has_log 'WYN_CACHE must be on, off or sync')"

# 7. background compiles: none for a short script; one for a long script,
#    which a later run then loads; a compile dies with its script
WYN_CACHE_DELAY_MS=1000 "$WYN" -e 'println(1)' >/dev/null 2>&1
sleep 0.3
check "a script shorter than the delay starts no compile" 0 "$(ls -A "$C" | wc -l)"
cat >"$tmp/long.wyn" <<W
// runs until its own optimized build is in the cache (at most 60 s)
var waited = 0
while File.list("$C").filter((f) => f.ends_with(".so") and not f.starts_with(".")).len() == 0 and waited < 60000 {
    Time.sleep(20)
    waited += 20
}
println("done")
W
check "long script output" done "$("$WYN" "$tmp/long.wyn" 2>"$tmp/err")"
check "long script stored" yes "$(has_log 'stored optimized code')"
"$WYN" "$tmp/long.wyn" >/dev/null 2>"$tmp/err"
check "long script loads it next time" yes "$(has_log 'running optimized code')"
"$WYN" cache clean >/dev/null
# started after 10 ms, killed when the script ends 200 ms later: no cc left.
# The compiler is a wrapper that takes 3 s, so the kill always comes first
# (a real cc may finish a tiny program within 200 ms on an idle machine).
printf '#!/bin/sh\nsleep 3\nexec cc "$@"\n' >"$tmp/slowcc"
chmod +x "$tmp/slowcc"
CC="$tmp/slowcc" WYN_CACHE_DELAY_MS=10 "$WYN" -e 'Time.sleep(200)
println("bye")' >/dev/null 2>&1
sleep 0.2
check "no compile outlives its script" "" "$(pgrep -f "$C/.tmp-|$tmp/slowcc" || true)"
check "killed compile stores nothing" 0 "$(entries)"

((fails == 0)) && echo "cache: all checks passed"
exit $((fails > 0))
