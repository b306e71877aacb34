#!/usr/bin/env bash
# Foreign-call benchmark: nanoseconds per extern call and per callback, Wyn
# against the same calls made from C. From the project root, after make:
#
#   bash benchmarks/ffi_bench.sh
#
# Builds libffibench.so from c/ffi_call.c (-DFFI_BENCH_LIB), then runs
# wyn/ffi_call.wyn under the JIT and as a `wyn build -O2` binary, and
# c/ffi_call.c built by gcc with the flags of `wyn build -O2` and under tcc -run. Each prints the time of
#   extern    N calls of labs through the extern pointer (loop included)
#   callback  C's ffib_call_n calling a Wyn (or C) function N times
#   qsort     qsort of 200 000 ints, per comparator call
# Prints ns/call for each and replaces the "## Foreign calls" section of
# RESULTS.md (appending it when absent).
#
# Environment: BENCH_RUNS=N (default 5; the median and the range are kept),
# FFI_BENCH_N (calls per loop, default 10 000 000), BENCH_TIMEOUT=S.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
B=benchmarks
RESULTS=$B/RESULTS.md
RUNS=${BENCH_RUNS:-5}
N=${FFI_BENCH_N:-10000000}
LIMIT=${BENCH_TIMEOUT:-120}
WYN=./wyn
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wyn-ffibench.XXXXXX") || exit 2
# Wyn's JIT figures are tcc's code: no optimized tier (codegen/tier.h).
export XDG_CACHE_HOME="$TMP/cache" WYN_CACHE=off
trap 'rm -rf "$TMP"' EXIT
log() { printf '[ffi-bench] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# The checksum every program must print first: sum |i - N/2| + sum (i & 7).
H=$((N / 2))
WANT=$((H * (H + 1) / 2 + (N - 1 - H) * (N - H) / 2 + (N / 8) * 28))
for ((r = N / 8 * 8; r < N; r++)); do WANT=$((WANT + (r & 7))); done

declare -A NS=() WHY=()   # NS[impl.kind] = median ns per call; WHY[impl] = failure
if ! cc -shared -fPIC -DFFI_BENCH_LIB -O2 -o "$TMP/libffibench.so" $B/c/ffi_call.c 2>"$TMP/cc.err"; then
  log "cannot build libffibench.so: $(head -n 2 "$TMP/cc.err")"; exit 1
fi
sed "s|^const N = .*\$|const N = $N|" $B/wyn/ffi_call.wyn >"$TMP/ffi_call.wyn"

# run IMPL CMD...: run CMD RUNS times; keep the median ns/call of each kind.
run() {
  local impl=$1 r rc kind ns calls; shift
  : >"$TMP/$impl.all"
  for ((r = 0; r < RUNS; r++)); do
    LD_LIBRARY_PATH="$TMP${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout -k 2 "$LIMIT" "$@" \
      </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [[ $rc != 0 ]]; then
      WHY[$impl]="exit code $rc: $(head -n 2 "$TMP/err" | tr '\n' ' ' | cut -c1-160)"; return 1
    fi
    if [[ $(sed -n 1p "$TMP/out") != "$WANT" ]]; then
      WHY[$impl]="printed '$(sed -n 1p "$TMP/out")', want '$WANT'"; return 1
    fi
    sed -n '2,$p' "$TMP/out" >>"$TMP/$impl.all"
  done
  for kind in extern callback qsort; do
    # "median (min–max)" of the runs' ns per call
    NS[$impl.$kind]=$(awk -v k=$kind '$1 == k && $3 > 0 {printf "%.2f\n", $2 / $3}' "$TMP/$impl.all" |
      sort -n | awk '{a[NR]=$1} END {if (NR) printf "%s (%s–%s)\n", a[int((NR+1)/2)], a[1], a[NR]}')
  done
}

IMPLS=(wyn.jit wyn.build c.gcc c.tcc)
declare -A LABEL=([wyn.jit]="Wyn JIT (\`wyn ffi_call.wyn\`)" [wyn.build]="Wyn \`wyn build -O2\`"
                  [c.gcc]="C, gcc -O2 -fwrapv -fno-optimize-sibling-calls (the flags of \`wyn build -O2\`)"
                  [c.tcc]="C, \`tcc -run\`")
if [[ -x $WYN ]]; then
  log "Wyn JIT"
  run wyn.jit "$WYN" "$TMP/ffi_call.wyn"
  log "Wyn build -O2"
  if "$WYN" build "$TMP/ffi_call.wyn" -o "$TMP/ffi_wyn" -O2 >"$TMP/build.log" 2>&1; then
    run wyn.build "$TMP/ffi_wyn"
  else
    WHY[wyn.build]="wyn build failed: $(head -n 2 "$TMP/build.log" | tr '\n' ' ')"
  fi
else
  WHY[wyn.jit]="./wyn not built"; WHY[wyn.build]="./wyn not built"
fi
log "C, gcc with the flags of wyn build -O2"
if have gcc && gcc -O2 -fwrapv -fno-optimize-sibling-calls -o "$TMP/ffi_gcc" $B/c/ffi_call.c -ldl 2>"$TMP/gcc.err"; then
  run c.gcc "$TMP/ffi_gcc" "$TMP/libffibench.so" "$N"
else
  WHY[c.gcc]="gcc missing or failed"
fi
log "C, tcc -run"
if have tcc; then
  run c.tcc tcc -ldl -run $B/c/ffi_call.c "$TMP/libffibench.so" "$N"
else
  WHY[c.tcc]="tcc not installed"
fi

val() { local v=${NS[$1]:-}; [[ -n $v ]] && echo "$v" || echo failed; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1f", a / b; else print "–" }'; }
med() { local v; v=$(val "$1"); echo "${v%% *}"; }  # the median alone

section() {
  local cpu
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
  echo "## Foreign calls"
  echo
  echo "Written by \`benchmarks/ffi_bench.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'); ${cpu:-unknown CPU}, $(nproc) cores;"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)). Nanoseconds per call, median (range) of $RUNS runs."
  echo "\`extern\`: $N calls of \`labs\` in a loop (loop included), through the pointer"
  echo "resolved at load (C: the same, through \`dlsym\`). \`callback\`: C's \`ffib_call_n\`"
  echo "(libffibench.so, gcc -O2) calling a Wyn function $N times through its libffi closure"
  echo "(C: a plain C function). \`qsort\`: glibc qsort of 200 000 ints, per comparator call"
  echo "(the Wyn comparator reads both ints with \`Ptr.read_int\`)."
  echo
  echo "| | extern call (labs) | callback | qsort comparator |"
  echo "|---|---|---|---|"
  for i in "${IMPLS[@]}"; do
    echo "| ${LABEL[$i]} | $(val $i.extern) | $(val $i.callback) | $(val $i.qsort) |"
  done
  echo "| Wyn JIT / C gcc (medians) | $(ratio "$(med wyn.jit.extern)" "$(med c.gcc.extern)") × | $(ratio "$(med wyn.jit.callback)" "$(med c.gcc.callback)") × | $(ratio "$(med wyn.jit.qsort)" "$(med c.gcc.qsort)") × |"
  echo "| Wyn JIT / tcc -run (medians) | $(ratio "$(med wyn.jit.extern)" "$(med c.tcc.extern)") × | $(ratio "$(med wyn.jit.callback)" "$(med c.tcc.callback)") × | $(ratio "$(med wyn.jit.qsort)" "$(med c.tcc.qsort)") × |"
  if ((${#WHY[@]})); then
    echo
    for i in "${!WHY[@]}"; do echo "- ${LABEL[$i]} failed: ${WHY[$i]}"; done
  fi
}
section >"$TMP/section.md"
cat "$TMP/section.md"

# Replace the old section (up to the next "## " heading) or append.
if [[ -f $RESULTS ]]; then
  awk -v new="$TMP/section.md" '
    /^## Foreign calls[[:space:]]*$/ { skip = 1; if (!done) { while ((getline l < new) > 0) print l; print ""; done = 1 }; next }
    skip && /^## / { skip = 0 }
    !skip { print }
    END { if (!done) { print ""; while ((getline l < new) > 0) print l } }
  ' "$RESULTS" >"$TMP/results.md" && cp "$TMP/results.md" "$RESULTS"
else
  cp "$TMP/section.md" "$RESULTS"
fi
log "updated $RESULTS"
