#!/usr/bin/env bash
# Runs every benchmark in one go and rewrites benchmarks/RESULTS.md and
# benchmarks/spawn_capacity.svg.  What `make bench` runs; from the root:
#
#   bash benchmarks/run.sh
#
# Each program prints a checked result on its first line (a sum, a count,
# a length) and, for in-program timing, nanoseconds on its second line.  A
# program that fails, times out or prints a wrong result shows as "failed"
# in the tables, with the reason under "Failures"; the run goes on.
#
# Environment:
#   BENCH_RUNS=N       repetitions of each timed run (default 5; the median
#                      and the range are reported).  Fewer than 5 runs give
#                      no verdicts: the summary then says "n/a (N runs)".
#   BENCH_TIMEOUT=S    limit per program run (default 120)
#   BENCH_STARTUP_RUNS hyperfine runs for startup (default 200)
#   BENCH_FIB_RUNS     hyperfine runs for fib(35) (default 10)
#   BENCH_NO_INSTALL=1 do not apt-get install missing tools when root
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
B=benchmarks
RESULTS=$B/RESULTS.md
CHART=$B/spawn_capacity.svg
RUNS=${BENCH_RUNS:-5}
# A verdict is the median of at least this many runs of the same benchmark.
VERDICT_RUNS=5
LIMIT=${BENCH_TIMEOUT:-120}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-200}
FIB_RUNS=${BENCH_FIB_RUNS:-10}
WYN=./wyn

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wyn-bench.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
# Every "JIT" figure is tcc's code: the optimized tier (codegen/tier.h) is
# off except in its own section, which uses a cache folder of this run.
export XDG_CACHE_HOME="$TMP/cache" WYN_CACHE=off
trap 'exit 130' INT TERM

log() { printf '[bench] %s\n' "$*" >&2; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# --- tools -----------------------------------------------------------------
# command -> Debian package; installed with apt-get when missing and root.
declare -A PKG=([hyperfine]=hyperfine [go]=golang-go [gnuplot]=gnuplot-nox
                [tcc]=tcc [gcc]=gcc [/usr/bin/time]=time [python3]=python3 [cargo]=cargo)
missing=()
for c in "${!PKG[@]}"; do
  command -v "$c" >/dev/null 2>&1 || missing+=("${PKG[$c]}")
done
# The tokio peers build offline from Debian's packaged crates.
TOKIO_REGISTRY=/usr/share/cargo/registry
compgen -G "$TOKIO_REGISTRY/tokio-1.*" >/dev/null || missing+=(librust-tokio-dev)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 && -z ${BENCH_NO_INSTALL:-} ]] && command -v apt-get >/dev/null; then
    log "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null 2>&1; } ||
      log "could not install ${missing[*]}; those benchmarks will show as failed"
  else
    log "missing: ${missing[*]}; those benchmarks will show as failed"
  fi
fi
have() { command -v "$1" >/dev/null 2>&1; }

PY=/usr/bin/python3
PY_NOTE="/usr/bin/python3"
if [[ ! -x $PY ]]; then
  PY=$(command -v python3 || echo python3)
  PY_NOTE="$PY (no /usr/bin/python3 on this machine)"
fi

# --- result store ------------------------------------------------------------
# V[key] holds a measured number, F[key] the reason a measurement failed.
declare -A V=() F=()
fail() {  # KEY REASON (temporary copies of Wyn programs named by their source)
  local why=${2//"$TMP/wynsrc/"/"$B/wyn/"}
  F[$1]=$why; log "FAILED $1: $why"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
# store_stats KEY FILE: V[KEY] = median of the numbers in FILE, V[KEY.min],
# V[KEY.max] = their range, V[KEY.n] = how many.
store_stats() {
  [[ -s $2 ]] || return 0
  V[$1]=$(median <"$2")
  V[$1.min]=$(sort -n "$2" | head -n 1)
  V[$1.max]=$(sort -n "$2" | tail -n 1)
  V[$1.n]=$(wc -l <"$2")
}

# measure KEY EXPECT REPS CMD...: run CMD REPS times; its first output line
# must match the glob EXPECT.  Stores medians with their ranges (store_stats):
# V[KEY.ns] (second output line), V[KEY.wall] (whole process, ns),
# V[KEY.rss] (peak RSS, KB).
measure() {
  local key=$1 expect=$2 reps=$3; shift 3
  local r t0 t1 rc first ns
  : >"$TMP/ns"; : >"$TMP/wall"; : >"$TMP/rss"
  for ((r = 0; r < reps; r++)); do
    t0=$(date +%s%N)
    /usr/bin/time -f %M -o "$TMP/time" timeout -k 2 "$LIMIT" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    t1=$(date +%s%N)
    first=$(sed -n 1p "$TMP/out")
    if [[ $rc != 0 ]]; then
      local why="exit code $rc"
      [[ $rc == 124 || $rc == 137 ]] && why="timed out after ${LIMIT}s"
      why="$why: $(grep -v '^Command exited' "$TMP/err" | head -n 2 | tr '\n' ' ' | cut -c1-160)"
      fail "$key" "$why"; return 1
    fi
    # shellcheck disable=SC2053  # EXPECT is a glob on purpose
    if [[ $first != $expect ]]; then
      fail "$key" "printed '$(printf %s "$first" | cut -c1-60)', want '$expect'"; return 1
    fi
    ns=$(sed -n 2p "$TMP/out")
    [[ $ns =~ ^[0-9]+$ ]] && echo "$ns" >>"$TMP/ns"
    echo $((t1 - t0)) >>"$TMP/wall"
    tail -n 1 "$TMP/time" >>"$TMP/rss"
  done
  store_stats "$key.ns" "$TMP/ns"
  store_stats "$key.wall" "$TMP/wall"
  store_stats "$key.rss" "$TMP/rss"
  return 0
}

# Programs per language.  wyn_cmd/go_cmd/py_cmd NAME print the command.
WYN_OK=1
if [[ ! -x $WYN ]]; then WYN_OK=; log "./wyn is not built (make): Wyn benchmarks fail"; fi
# The Wyn programs take their sizes from `const NAME = VALUE` lines (so they
# need no argument parsing); wyn_src NAME [CONST=VALUE...] writes a copy of
# benchmarks/wyn/NAME.wyn with those lines rewritten and prints its path.
wyn_src() {
  local name=$1 kv; shift
  local out="$TMP/wynsrc/$name.wyn" sedargs=(-e '')
  for kv; do sedargs+=(-e "s|^const ${kv%%=*} = .*\$|const ${kv%%=*} = ${kv#*=}|"); done
  mkdir -p "$TMP/wynsrc"
  sed "${sedargs[@]}" "$B/wyn/$name.wyn" >"$out"
  for kv; do
    grep -qxF "const ${kv%%=*} = ${kv#*=}" "$out" || log "warning: $name.wyn has no line 'const ${kv%%=*} = ...'"
  done
  echo "$out"
}
run_wyn() {  # KEY EXPECT REPS NAME [CONST=VALUE...]
  local key=$1 expect=$2 reps=$3 name=$4; shift 4
  [[ -n $WYN_OK ]] || { fail "$key" "./wyn not built"; return 1; }
  measure "$key" "$expect" "$reps" "$WYN" "$(wyn_src "$name" "$@")"
}
declare -A BUILD_WHY=()
wyn_build() {  # NAME [CONST=VALUE...]: $TMP/wynb/NAME by `wyn build -O2`
  local name=$1; shift
  mkdir -p "$TMP/wynb"
  [[ -n $WYN_OK ]] || { BUILD_WHY[$name]="./wyn not built"; return 1; }
  if ! timeout -k 2 "$LIMIT" "$WYN" build "$(wyn_src "$name" "$@")" -o "$TMP/wynb/$name" -O2 \
        >"$TMP/wb.err" 2>&1; then
    BUILD_WHY[$name]="wyn build failed: $(head -n 2 "$TMP/wb.err" | tr '\n' ' ' | cut -c1-160)"
    rm -f "$TMP/wynb/$name"
    return 1
  fi
}
run_wynb() {  # KEY EXPECT REPS NAME: run the `wyn build -O2` binary
  local key=$1 expect=$2 reps=$3 name=$4
  [[ -x $TMP/wynb/$name ]] || { fail "$key" "${BUILD_WHY[$name]:-wyn build failed}"; return 1; }
  measure "$key" "$expect" "$reps" "$TMP/wynb/$name"
}
run_go() {
  local key=$1 expect=$2 reps=$3 name=$4; shift 4
  [[ -x $TMP/go/$name ]] || { fail "$key" "${GO_WHY:-go build failed}"; return 1; }
  measure "$key" "$expect" "$reps" "$TMP/go/$name" "$@"
}
run_py() {
  local key=$1 expect=$2 reps=$3 name=$4; shift 4
  measure "$key" "$expect" "$reps" "$PY" "$B/python/$name.py" "$@"
}
TOKIO_BIN=$ROOT/build/bench-tokio/release
run_tk() {
  local key=$1 expect=$2 reps=$3 name=$4; shift 4
  [[ -x $TOKIO_BIN/$name ]] || { fail "$key" "${TOKIO_WHY:-tokio peers not built}"; return 1; }
  measure "$key" "$expect" "$reps" "$TOKIO_BIN/$name" "$@"
}

# --- build what needs building ------------------------------------------------
mkdir -p "$TMP/go"
GO_WHY=""
if have go; then
  log "building the Go programs"
  for f in "$B"/go/*.go; do
    n=$(basename "$f" .go)
    GO111MODULE=off GOFLAGS='' go build -o "$TMP/go/$n" "$f" 2>"$TMP/gobuild.err" ||
      log "go build $f failed: $(head -n 3 "$TMP/gobuild.err")"
  done
else
  GO_WHY="go not installed"
fi
# Tokio: benchmarks/tokio built offline against Debian's crates (source
# replacement to $TOKIO_REGISTRY), in a copy so the tree stays clean; the
# target folder under build/ is kept between runs.
TOKIO_WHY=""
if ! have cargo; then
  TOKIO_WHY="cargo not installed"
elif ! compgen -G "$TOKIO_REGISTRY/tokio-1.*" >/dev/null; then
  TOKIO_WHY="no tokio crate in $TOKIO_REGISTRY (Debian package librust-tokio-dev)"
else
  log "building the tokio programs (offline, Debian's crates)"
  rm -rf "$TMP/tokio" && cp -r "$B/tokio" "$TMP/tokio"
  if ! (cd "$TMP/tokio" && CARGO_TARGET_DIR="$ROOT/build/bench-tokio" cargo build --release --offline \
          --config "source.crates-io.replace-with=\"debian\"" \
          --config "source.debian.directory=\"$TOKIO_REGISTRY\"") >"$TMP/cargo.log" 2>&1; then
    TOKIO_WHY="cargo build failed: $(grep -m 2 -i error "$TMP/cargo.log" | tr '\n' ' ' | cut -c1-160)"
  fi
fi
[[ -z $TOKIO_WHY ]] || log "tokio peers: $TOKIO_WHY"
wyn_build fib
# The C peer of `wyn build -O2` is built with exactly the flags `wyn build`
# passes to cc (codegen/main.c, build_binary); plain `gcc -O2` is shown too,
# labelled, because -fno-optimize-sibling-calls changes what gcc does with
# fib's recursion.
WYN_CC_FLAGS=(-O2 -fwrapv -fno-optimize-sibling-calls)
have gcc && gcc "${WYN_CC_FLAGS[@]}" -o "$TMP/fib_gcc" "$B/c/fib.c"
have gcc && gcc -O2 -o "$TMP/fib_gcc_plain" "$B/c/fib.c"
have gcc && gcc "${WYN_CC_FLAGS[@]}" -o "$TMP/collatz_gcc" "$B/c/collatz.c"

# --- startup ---------------------------------------------------------------------
# hyperfine_medians JSON: prints one median per command, in ms.
hyperfine_medians() {  # JSON: "median min max" per command, in ms
  "$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(" ".join("%.3f" % (r[k] * 1000) for k in ("median", "min", "max")))' "$1"
}

# check_cmd KEY WANT CMD...: the command must print WANT as its first line.
check_cmd() {
  local key=$1 want=$2 first rc; shift 2
  timeout -k 2 "$LIMIT" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [[ $rc != 0 ]]; then
    fail "$key" "exit code $rc: $(head -n 2 "$TMP/err" | tr '\n' ' ' | cut -c1-160)"; return 1
  fi
  first=$(sed -n 1p "$TMP/out")
  [[ $first == "$want" ]] || { fail "$key" "printed '$first', want '$want'"; return 1; }
}

# hyperfine_group RUNS WARMUP KEY1 CMD1 KEY2 CMD2 ...: time the commands
# that passed check_cmd (F unset) in one hyperfine run; V[KEY] = median ms,
# V[KEY.min], V[KEY.max] its range, V[KEY.n] the number of runs.
hyperfine_group() {
  local runs=$1 warm=$2; shift 2
  local keys=() cmds=() k
  while (($#)); do
    k=$1
    [[ -z ${F[$k]:-} ]] && { keys+=("$k"); cmds+=("$2"); }
    shift 2
  done
  ((${#cmds[@]})) || return
  have hyperfine || { for k in "${keys[@]}"; do fail "$k" "hyperfine not installed"; done; return; }
  if hyperfine -N --warmup "$warm" --runs "$runs" --export-json "$TMP/hf.json" "${cmds[@]}" \
       >"$TMP/hf.log" 2>&1; then
    local i=0 m lo hi
    while read -r m lo hi; do
      V[${keys[$i]}]=$m V[${keys[$i]}.min]=$lo V[${keys[$i]}.max]=$hi V[${keys[$i]}.n]=$runs
      i=$((i + 1))
    done < <(hyperfine_medians "$TMP/hf.json")
  else
    for k in "${keys[@]}"; do fail "$k" "hyperfine failed: $(tail -n 2 "$TMP/hf.log" | tr '\n' ' ')"; done
  fi
}

log "startup (hyperfine, $STARTUP_RUNS runs each)"
if [[ -n $WYN_OK ]]; then check_cmd startup.wyn "Hello, World!" "$WYN" "$B/wyn/hello.wyn"
else fail startup.wyn "./wyn not built"; fi
if have tcc; then check_cmd startup.tcc "Hello, World!" tcc -run "$B/c/hello.c"
else fail startup.tcc "tcc not installed"; fi
check_cmd startup.py 1 "$PY" -c 'print(1)'
hyperfine_group "$STARTUP_RUNS" 5 \
  startup.wyn "$WYN $B/wyn/hello.wyn" \
  startup.tcc "tcc -run $B/c/hello.c" \
  startup.py "$PY -c 'print(1)'"

# --- fib(35) ---------------------------------------------------------------------
log "fib(35) (hyperfine, $FIB_RUNS runs each)"
FIB=9227465
if [[ -n $WYN_OK ]]; then check_cmd fib.jit $FIB "$WYN" "$B/wyn/fib.wyn" 35; else fail fib.jit "./wyn not built"; fi
if [[ -x $TMP/wynb/fib ]]; then check_cmd fib.build $FIB "$TMP/wynb/fib" 35; else fail fib.build "${BUILD_WHY[fib]}"; fi
if have tcc; then check_cmd fib.tcc $FIB tcc -run "$B/c/fib.c" 35; else fail fib.tcc "tcc not installed"; fi
if [[ -x $TMP/fib_gcc ]]; then check_cmd fib.gcc $FIB "$TMP/fib_gcc" 35; else fail fib.gcc "gcc build failed"; fi
if [[ -x $TMP/fib_gcc_plain ]]; then check_cmd fib.gccplain $FIB "$TMP/fib_gcc_plain" 35
else fail fib.gccplain "gcc build failed"; fi
hyperfine_group "$FIB_RUNS" 1 \
  fib.jit "$WYN $B/wyn/fib.wyn 35" \
  fib.build "$TMP/wynb/fib 35" \
  fib.tcc "tcc -run $B/c/fib.c 35" \
  fib.gcc "$TMP/fib_gcc 35" \
  fib.gccplain "$TMP/fib_gcc_plain 35"

# --- the optimized tier ----------------------------------------------------------
# The second run of a script: its cc -O2 build is in the cache (primed by a
# WYN_CACHE=sync run), so `wyn` loads it instead of compiling.  Against C
# built with the same flags; hello with the cache on against off.
log "optimized tier: cached second runs (hyperfine, $FIB_RUNS runs each)"
COLLATZ_N=3000000 COLLATZ="2298025 559"
if [[ -n $WYN_OK ]]; then
  WYN_CACHE=sync "$WYN" "$B/wyn/collatz.wyn" $COLLATZ_N >/dev/null 2>&1
  WYN_CACHE=sync "$WYN" "$B/wyn/fib.wyn" 35 >/dev/null 2>&1
  check_cmd tier.collatz.cached "$COLLATZ" env WYN_CACHE=on "$WYN" "$B/wyn/collatz.wyn" $COLLATZ_N
  check_cmd tier.collatz.tcc "$COLLATZ" "$WYN" "$B/wyn/collatz.wyn" $COLLATZ_N
  check_cmd tier.fib.cached $FIB env WYN_CACHE=on "$WYN" "$B/wyn/fib.wyn" 35
  check_cmd tier.hello.on "Hello, World!" env WYN_CACHE=on "$WYN" "$B/wyn/hello.wyn"
  check_cmd tier.hello.off "Hello, World!" env WYN_CACHE=off "$WYN" "$B/wyn/hello.wyn"
else
  for k in collatz.cached collatz.tcc fib.cached hello.on hello.off; do fail tier.$k "./wyn not built"; done
fi
if [[ -x $TMP/collatz_gcc ]]; then check_cmd tier.collatz.gcc "$COLLATZ" "$TMP/collatz_gcc" $COLLATZ_N
else fail tier.collatz.gcc "gcc build failed"; fi
hyperfine_group "$FIB_RUNS" 1 \
  tier.collatz.cached "env WYN_CACHE=on $WYN $B/wyn/collatz.wyn $COLLATZ_N" \
  tier.collatz.gcc "$TMP/collatz_gcc $COLLATZ_N" \
  tier.collatz.tcc "$WYN $B/wyn/collatz.wyn $COLLATZ_N" \
  tier.fib.cached "env WYN_CACHE=on $WYN $B/wyn/fib.wyn 35"
hyperfine_group "$STARTUP_RUNS" 5 \
  tier.hello.on "env WYN_CACHE=on $WYN $B/wyn/hello.wyn" \
  tier.hello.off "env WYN_CACHE=off $WYN $B/wyn/hello.wyn"

# --- concurrency -------------------------------------------------------------------
spawn_sum() { local n=$1; echo $((21 * (n / 7) + (n % 7) * (n % 7 - 1) / 2)); }
tri() { echo $(($1 * ($1 - 1) / 2)); }

log "(a) sequential spawn+await"
for n in 10000 100000; do
  e=$(spawn_sum $n)
  run_wyn seq.wyn.$n "$e" "$RUNS" spawn_seq N=$n
  run_go seq.go.$n "$e" "$RUNS" spawn_seq $n
  run_tk seq.tk.$n "$e" "$RUNS" spawn_seq $n
  run_py seq.py.$n "$e" "$RUNS" spawn_seq $n
done

log "(b) create N then await all; (c) peak RSS alive"
CAP_NS=(1000 10000 50000 100000)
for n in 0 "${CAP_NS[@]}"; do
  e=$(spawn_sum $n)
  run_wyn many.wyn.$n "$e" "$RUNS" spawn_many N=$n
  run_go many.go.$n "$e" "$RUNS" spawn_many $n
  run_go many.gowg.$n "$e" "$RUNS" spawn_many $n wg
  run_tk many.tk.$n "$e" "$RUNS" spawn_many $n
  run_py many.py.$n "$e" "$RUNS" spawn_many $n
done

log "(c) tasks parked on one channel"
for n in 0 100000; do
  run_wyn parked.wyn.$n "$(tri $n)" "$RUNS" parked N=$n
  run_go parked.go.$n "$(tri $n)" "$RUNS" parked $n
  run_tk parked.tk.$n "$(tri $n)" "$RUNS" parked $n
  run_py parked.py.$n "$(tri $n)" "$RUNS" parked $n
done

log "(d) deep recursion in a task"
run_wyn deep.wyn.1000000 1000000 "$RUNS" deep DEPTH=1000000
# Beyond the limit the program must stop with a clean "stack overflow".
if [[ -n $WYN_OK ]]; then
  timeout -k 2 "$LIMIT" "$WYN" "$(wyn_src deep DEPTH=1000000000)" </dev/null >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [[ $rc != 0 && $rc != 124 && $rc != 137 ]] && grep -q 'stack overflow' "$TMP/err"; then
    V[deep.wyn.overflow]="clean \`stack overflow\` (exit $rc)"
  else
    fail deep.wyn.overflow "depth 10^9: exit code $rc, stderr: $(head -n 2 "$TMP/err" | tr '\n' ' ' | cut -c1-120)"
  fi
else
  fail deep.wyn.overflow "./wyn not built"
fi
run_go deep.go.1000000 1000000 1 deep 1000000
run_go deep.go.10000000 10000000 1 deep 10000000
run_py deep.py '[1-9]*' 1 deep 1000000 && V[deep.py.depth]=$(sed -n 1p "$TMP/out")
V[py.recursionlimit]=$("$PY" -c 'import sys; print(sys.getrecursionlimit())')

log "(e) fire-and-forget spawns"
FIRE_N=1000000 FIRE_PY_N=100000
run_wyn fire.wyn $FIRE_N "$RUNS" fire N=$FIRE_N
run_go fire.go $FIRE_N "$RUNS" fire $FIRE_N
run_tk fire.tk $FIRE_N "$RUNS" fire $FIRE_N
run_py fire.py $FIRE_PY_N "$RUNS" fire $FIRE_PY_N

log "(f) unbuffered ping-pong"
PP_N=100000
run_wyn pp.wyn $PP_N "$RUNS" pingpong N=$PP_N
run_go pp.go $PP_N "$RUNS" pingpong $PP_N
run_tk pp.tk $PP_N "$RUNS" pingpong $PP_N
run_py pp.py $PP_N "$RUNS" pingpong $PP_N

log "(g) 10 000 tasks sleeping 100 ms"
run_wyn sleep.wyn "$(tri 10000)" "$RUNS" sleep N=10000
run_go sleep.go "$(tri 10000)" "$RUNS" sleep 10000
run_tk sleep.tk "$(tri 10000)" "$RUNS" sleep 10000
run_py sleep.py "$(tri 10000)" "$RUNS" sleep 10000

# --- language benchmarks -----------------------------------------------------
log "language: string building, word count, sort"
SB_N=1000000
SB_LEN=$((SB_N / 100 * 390 + (SB_N % 100 <= 10 ? SB_N % 100 * 3 : 30 + (SB_N % 100 - 10) * 4)))
SORT_CHECK=53206063966083788   # sort of 1 000 000 LCG ints; see sort.py
read -r WC_KEY WC_DISTINCT WC_COUNT < <("$PY" "$B/python/gen_text.py" "$TMP/text.txt")
WC_EXPECT="$WC_DISTINCT $WC_COUNT"
SB_CONST=("N=$SB_N") WC_CONST=("PATH=\"$TMP/text.txt\"" "KEY=\"$WC_KEY\"") SORT_CONST=(N=1000000)
wyn_build strbuild "${SB_CONST[@]}"
wyn_build wordcount "${WC_CONST[@]}"
wyn_build sort "${SORT_CONST[@]}"
wyn_build sort_by "${SORT_CONST[@]}"
run_wyn sb.wyn "$SB_LEN" "$RUNS" strbuild "${SB_CONST[@]}"
run_wynb sb.wynb "$SB_LEN" "$RUNS" strbuild
run_py sb.py "$SB_LEN" "$RUNS" strbuild $SB_N
run_go sb.go "$SB_LEN" "$RUNS" strbuild $SB_N
run_wyn wc.wyn "$WC_EXPECT" "$RUNS" wordcount "${WC_CONST[@]}"
run_wynb wc.wynb "$WC_EXPECT" "$RUNS" wordcount
run_py wc.py "$WC_EXPECT" "$RUNS" wordcount "$TMP/text.txt" "$WC_KEY"
run_go wc.go "$WC_EXPECT" "$RUNS" wordcount "$TMP/text.txt" "$WC_KEY"
run_wyn sort.wyn "$SORT_CHECK" "$RUNS" sort "${SORT_CONST[@]}"
run_wynb sort.wynb "$SORT_CHECK" "$RUNS" sort
run_py sort.py "$SORT_CHECK" "$RUNS" sort 1000000
run_go sort.go "$SORT_CHECK" "$RUNS" sort 1000000
run_wyn sortby.wyn "$SORT_CHECK" "$RUNS" sort_by "${SORT_CONST[@]}"
run_wynb sortby.wynb "$SORT_CHECK" "$RUNS" sort_by

# --- report -----------------------------------------------------------------------
# Formatting helpers; every one prints "failed" for a missing number.
num() { [[ -n ${V[$1]:-} ]]; }
ms() { num "$1" && awk -v v="${V[$1]}" 'BEGIN {printf (v >= 100e6 ? "%.0f" : "%.1f"), v / 1e6}' || echo failed; }
us_op() { num "$1" && awk -v v="${V[$1]}" -v n="$2" 'BEGIN {printf "%.3f", v / n / 1e3}' || echo failed; }
ns_op() { num "$1" && awk -v v="${V[$1]}" -v n="$2" 'BEGIN {printf "%.0f", v / n}' || echo failed; }
mb() { num "$1" && awk -v v="${V[$1]}" 'BEGIN {printf "%.1f", v / 1024}' || echo failed; }
per_task() {  # KEY_N KEY_0 N: bytes per task above the baseline
  num "$1" && num "$2" && awk -v a="${V[$1]}" -v b="${V[$2]}" -v n="$3" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}' ||
    echo failed
}
isnum() { [[ $1 =~ ^[0-9.]+$ ]]; }
# span KEY DIV: " (lo–hi)", the range of V[KEY] divided by DIV, in the same
# style as the median (see ms); "" when there is no range.
span() {
  [[ -n ${V[$1.min]:-} && -n ${V[$1.max]:-} ]] || return 0
  awk -v lo="${V[$1.min]}" -v hi="${V[$1.max]}" -v d="$2" 'BEGIN {
    lo /= d; hi /= d
    f = (hi >= 100) ? "%.0f" : (hi >= 1) ? "%.1f" : "%.3f"
    printf " (" f "–" f ")", lo, hi }'
}
# The range of each measurement that the tables show next to the median.
ms_r() { echo "$(ms "$1")$(span "$1" 1e6)"; }
us_r() { echo "$(us_op "$1" "$2")$(span "$1" "$(($2 * 1000))")"; }
ns_r() { echo "$(ns_op "$1" "$2")$(span "$1" "$2")"; }
mb_r() { echo "$(mb "$1")$(span "$1" 1024)"; }
hf_r() { echo "${V[$1]:-failed}$(span "$1" 1)"; }
u() { isnum "$1" && echo "$1 $2" || echo "$1"; }  # VALUE UNIT, or just "failed"
ratio() { isnum "$1" && isnum "$2" && awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}' || echo n/a; }
# verdict RUNS A OP B: "met" if A OP B holds, "missed" if not, "n/a" without
# numbers or when the medians come from fewer than VERDICT_RUNS runs.
verdict() {
  local runs=$1; shift
  ((runs >= VERDICT_RUNS)) || { echo "n/a ($runs runs)"; return; }
  isnum "$1" && isnum "$3" || { echo n/a; return; }
  awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
    ok = (op == "<=") ? a <= b : (op == "<") ? a < b : (op == ">=") ? a >= b : a > b
    print ok ? "**met**" : "**missed**" }'
}
minof() {  # smallest numeric argument
  local m="" x
  for x in "$@"; do isnum "$x" || continue
    if [[ -z $m ]] || awk -v a="$x" -v b="$m" 'BEGIN {exit !(a < b)}'; then m=$x; fi
  done
  echo "${m:-n/a}"
}

startup_wyn=${V[startup.wyn]:-failed} startup_tcc=${V[startup.tcc]:-failed} startup_py=${V[startup.py]:-failed}
fib_jit=${V[fib.jit]:-failed} fib_build=${V[fib.build]:-failed}
fib_tcc=${V[fib.tcc]:-failed} fib_gcc=${V[fib.gcc]:-failed}
py_quarter=$(isnum "$startup_py" && awk -v p="$startup_py" 'BEGIN {printf "%.3f", p / 4}' || echo n/a)

seq_w10=$(us_op seq.wyn.10000.ns 10000) seq_g10=$(us_op seq.go.10000.ns 10000) seq_p10=$(us_op seq.py.10000.ns 10000)
seq_w100=$(us_op seq.wyn.100000.ns 100000) seq_g100=$(us_op seq.go.100000.ns 100000)
seq_p100=$(us_op seq.py.100000.ns 100000)
seq_t10=$(us_op seq.tk.10000.ns 10000)
cap_w=$(ms many.wyn.100000.ns) cap_g=$(ms many.go.100000.ns) cap_gw=$(ms many.gowg.100000.ns) cap_p=$(ms many.py.100000.ns)
cap_t=$(ms many.tk.100000.ns)
cap_best=$(minof "$cap_g" "$cap_gw" "$cap_p" "$cap_t")
rss_w=$(mb many.wyn.100000.rss) rss_g=$(mb many.go.100000.rss) rss_p=$(mb many.py.100000.rss)
park_w=$(per_task parked.wyn.100000.rss parked.wyn.0.rss 100000)
park_g=$(per_task parked.go.100000.rss parked.go.0.rss 100000)
park_p=$(per_task parked.py.100000.rss parked.py.0.rss 100000)
park_t=$(per_task parked.tk.100000.rss parked.tk.0.rss 100000)
fire_t=$(ms fire.tk.ns)
fire_w=$(ms fire.wyn.ns) fire_g=$(ms fire.go.ns) fire_p=$(ms fire.py.ns)
pp_w=$(ns_op pp.wyn.ns $PP_N) pp_g=$(ns_op pp.go.ns $PP_N) pp_p=$(ns_op pp.py.ns $PP_N)
sl_w=$(ms sleep.wyn.ns) sl_g=$(ms sleep.go.ns) sl_p=$(ms sleep.py.ns)
sl_ww=$(ms sleep.wyn.wall) sl_gw=$(ms sleep.go.wall) sl_pw=$(ms sleep.py.wall)
deep_w=$( [[ -n ${V[deep.wyn.1000000.wall]:-} ]] && echo "1 000 000 ok" || echo failed)
deep_verdict=n/a
if [[ -n $WYN_OK ]]; then
  deep_verdict="**missed**"
  ((RUNS >= VERDICT_RUNS)) || deep_verdict="n/a ($RUNS runs)"
  [[ -n ${V[deep.wyn.1000000.wall]:-} && -n ${V[deep.wyn.overflow]:-} ]] && ((RUNS >= VERDICT_RUNS)) &&
    deep_verdict="**met**"
fi

# The chart: spawn capacity, ms against N, log-log.
{
  echo "# N wyn go_future go_waitgroup python_asyncio tokio (ms)"
  for n in "${CAP_NS[@]}"; do
    row="$n"
    for k in wyn go gowg py tk; do
      v=$(ms many.$k.$n.ns); [[ $v == failed ]] && v="?"
      row="$row $v"
    done
    echo "$row"
  done
} >"$TMP/cap.dat"
CHART_NOTE=""
rm -f "$CHART"
series=() col=2
for t in "Wyn:#d62728" "Go (channel per task):#1f77b4" "Go (WaitGroup):#17becf" "Python asyncio:#2ca02c" "tokio:#9467bd"; do
  # a series with no number at all would make gnuplot give up on the plot
  awk -v c=$col '!/^#/ && $c != "?" {found = 1} END {exit !found}' "$TMP/cap.dat" &&
    series+=("\"$TMP/cap.dat\" using 1:$col with linespoints lw 2 pt 7 ps 0.8 lc rgb \"${t#*:}\" title \"${t%:*}\"")
  col=$((col + 1))
done
if ! have gnuplot; then
  CHART_NOTE="gnuplot not installed: no chart"
elif ((${#series[@]} == 0)); then
  CHART_NOTE="no spawn-capacity numbers: no chart"
else
  plot=$(IFS=,; echo "${series[*]}")
  gnuplot <<EOF 2>"$TMP/gnuplot.err" || CHART_NOTE="gnuplot failed: $(head -n 2 "$TMP/gnuplot.err")"
set terminal svg size 760,460 dynamic font "sans,12" background "white"
set output "$CHART"
set title "Spawn capacity: create N tasks, then await all (lower is better)"
set xlabel "N (tasks)"
set ylabel "time (ms)"
set logscale xy
set grid
set key top left
set datafile missing "?"
set xrange [700:140000]
set xtics ("1k" 1000, "10k" 10000, "50k" 50000, "100k" 100000)
plot $plot
EOF
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
ver() { "$@" 2>&1 | head -n 1; }
{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (\`benchmarks/run.sh\`); do not edit by hand, rerun it."
  echo "All numbers below come from this one run. Times are medians of $RUNS runs"
  echo "(hyperfine: $STARTUP_RUNS for startup, $FIB_RUNS for fib) with the range of"
  echo "the runs beside them; \"in-program\" times are taken by the program around the"
  echo "measured work, \"whole process\" times from outside. Notes on other runs"
  echo "and on run-to-run variance are in benchmarks/README.md, not here."
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| CPU | ${cpu:-unknown}, $(nproc) cores |"
  echo "| kernel | $(uname -sr) |"
  echo "| load average | ${LOAD_START:-?} at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the end (1, 5, 15 min) |"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| wyn | $( [[ -n $WYN_OK ]] && ver "$WYN" --version || echo 'not built') |"
  echo "| go | $(have go && ver go version || echo 'not installed') |"
  echo "| tokio | $(compgen -G "$TOKIO_REGISTRY/tokio-1.*" | head -n 1 | xargs -r basename || echo 'not installed') (Debian's crate), $(have cargo && ver rustc --version || echo 'no rustc') |"
  echo "| python | $PY_NOTE: $(ver "$PY" --version) |"
  echo "| tcc | $(have tcc && ver tcc -v || echo 'not installed') |"
  echo "| gcc | $(have gcc && ver gcc --version || echo 'not installed') |"
  echo "| hyperfine | $(have hyperfine && ver hyperfine --version || echo 'not installed') |"
  echo
  echo "## Summary against the targets of DESIGN.md"
  echo
  echo "| benchmark | target | Wyn | peers (this run) | ratio | verdict |"
  echo "|---|---|---|---|---|---|"
  echo "| \`wyn hello.wyn\`, whole process | ≤ \`tcc -run hello.c\`, ≤ 1/4 python3 | $(hf_r startup.wyn) ms | tcc $(hf_r startup.tcc) ms, python3 $(hf_r startup.py) ms | $(ratio "$startup_wyn" "$startup_tcc") × tcc, $(ratio "$startup_wyn" "$startup_py") × python3 | $(verdict "$STARTUP_RUNS" "$startup_wyn" "<=" "$startup_tcc") / $(verdict "$STARTUP_RUNS" "$startup_wyn" "<=" "$py_quarter") |"
  echo "| fib(35) JIT | ≤ 1.2 × \`tcc -run fib.c\` | $(hf_r fib.jit) ms | tcc -run $(hf_r fib.tcc) ms | $(ratio "$fib_jit" "$fib_tcc") | $(verdict "$FIB_RUNS" "$(ratio "$fib_jit" "$fib_tcc")" "<=" 1.2) |"
  echo "| fib(35) \`wyn build -O2\` | ≤ 1.2 × C with the same cc flags | $(hf_r fib.build) ms | gcc ${WYN_CC_FLAGS[*]} $(hf_r fib.gcc) ms (plain gcc -O2: $(hf_r fib.gccplain) ms) | $(ratio "$fib_build" "$fib_gcc") | $(verdict "$FIB_RUNS" "$(ratio "$fib_build" "$fib_gcc")" "<=" 1.2) |"
  tc=${V[tier.collatz.cached]:-failed} tg=${V[tier.collatz.gcc]:-failed} tfc=${V[tier.fib.cached]:-failed}
  tho=${V[tier.hello.on]:-failed} thf=${V[tier.hello.off]:-failed}
  echo "| collatz < 3 000 000, second run (cached cc -O2 build) | ≤ 1.15 × C, same flags | $(hf_r tier.collatz.cached) ms | C $(hf_r tier.collatz.gcc) ms; tcc tier $(hf_r tier.collatz.tcc) ms | $(ratio "$tc" "$tg") × C | $(verdict "$FIB_RUNS" "$(ratio "$tc" "$tg")" "<=" 1.15) |"
  echo "| fib(35), second run (cached) | ≤ 1.15 × C, same flags | $(hf_r tier.fib.cached) ms | C $(hf_r fib.gcc) ms | $(ratio "$tfc" "$fib_gcc") × C | $(verdict "$FIB_RUNS" "$(ratio "$tfc" "$fib_gcc")" "<=" 1.15) |"
  echo "| hello with the cache on | ≤ 1.05 × cache off, ≤ \`tcc -run\` | $(hf_r tier.hello.on) ms | cache off $(hf_r tier.hello.off) ms, tcc -run $(hf_r startup.tcc) ms | $(ratio "$tho" "$thf") × off | $(verdict "$STARTUP_RUNS" "$(ratio "$tho" "$thf")" "<=" 1.05) / $(verdict "$STARTUP_RUNS" "$tho" "<=" "$startup_tcc") |"
  echo "| (a) 10 000 sequential spawn+await | ≤ 0.15 µs/op, ≥ 10 × Go, ≥ 2 × tokio | $(us_r seq.wyn.10000.ns 10000) µs/op | Go $(us_r seq.go.10000.ns 10000) µs, tokio $(us_r seq.tk.10000.ns 10000) µs, Python $(us_r seq.py.10000.ns 10000) µs | Go/Wyn $(ratio "$seq_g10" "$seq_w10"), tokio/Wyn $(ratio "$seq_t10" "$seq_w10") | $(verdict "$RUNS" "$(ratio "$seq_g10" "$seq_w10")" ">=" 10) / $(verdict "$RUNS" "$(ratio "$seq_t10" "$seq_w10")" ">=" 2) |"
  echo "| (b) create 100 000, await all | ≥ 2 × faster than the fastest peer | $(ms_r many.wyn.100000.ns) ms | Go $(ms_r many.go.100000.ns) ms (WaitGroup $(ms_r many.gowg.100000.ns) ms), tokio $(ms_r many.tk.100000.ns) ms, Python $(ms_r many.py.100000.ns) ms | best peer/Wyn $(ratio "$cap_best" "$cap_w") | $(verdict "$RUNS" "$(ratio "$cap_best" "$cap_w")" ">=" 2) |"
  echo "| (c) peak RSS, 100 000 tasks alive | ≤ 16 MB | $(mb_r many.wyn.100000.rss) MB | Go $(mb_r many.go.100000.rss) MB, tokio $(mb_r many.tk.100000.rss) MB, Python $(mb_r many.py.100000.rss) MB | Wyn/Go $(ratio "$rss_w" "$rss_g") | $(verdict "$RUNS" "$rss_w" "<=" 16) |"
  echo "| (c) bytes per parked task | below Go, then below Python | $(u "$park_w" B) | Go $(u "$park_g" B), tokio $(u "$park_t" B), Python $(u "$park_p" B) | Wyn/Go $(ratio "$park_w" "$park_g") | $(verdict "$RUNS" "$park_w" "<" "$park_g") / $(verdict "$RUNS" "$park_w" "<" "$park_p") |"
  echo "| (d) recursion in a task | ≥ 1 000 000 frames, clean \`stack overflow\` beyond | $deep_w | Go $( [[ -n ${V[deep.go.10000000.wall]:-} ]] && echo '10 000 000 ok' || echo failed), Python ${V[deep.py.depth]:-failed} | | $deep_verdict |"
  echo "| (e) 1 000 000 fire-and-forget | faster than tokio (and Go) | $(ms_r fire.wyn.ns) ms | tokio $(ms_r fire.tk.ns) ms, Go $(ms_r fire.go.ns) ms | tokio/Wyn $(ratio "$fire_t" "$fire_w"), Go/Wyn $(ratio "$fire_g" "$fire_w") | $(verdict "$RUNS" "$fire_w" "<" "$fire_t") / $(verdict "$RUNS" "$fire_w" "<" "$fire_g") |"
  echo "| (f) unbuffered ping-pong | ≥ 2 × faster than Go | $(ns_r pp.wyn.ns $PP_N) ns | Go $(ns_r pp.go.ns $PP_N) ns, tokio $(ns_r pp.tk.ns $PP_N) ns (channel(1)), Python $(ns_r pp.py.ns $PP_N) ns | Go/Wyn $(ratio "$pp_g" "$pp_w") | $(verdict "$RUNS" "$(ratio "$pp_g" "$pp_w")" ">=" 2) |"
  echo "| (g) 10 000 tasks sleep 100 ms | ≤ 120 ms wall | $(ms_r sleep.wyn.ns) ms | Go $(ms_r sleep.go.ns) ms, tokio $(ms_r sleep.tk.ns) ms, Python $(ms_r sleep.py.ns) ms | Wyn/Go $(ratio "$sl_w" "$sl_g") | $(verdict "$RUNS" "$sl_w" "<=" 120) |"
  echo
  if [[ -n $TOKIO_WHY ]]; then echo "Tokio was not measured in this run: $TOKIO_WHY."
  else echo "The tokio peers are Rust programs on the multi-threaded tokio runtime (benchmarks/tokio)."; fi
  echo "The verdicts compare with the peers of this run only."
  echo
  echo "Every cell is the median of this run's repetitions, with the range"
  echo "(fastest–slowest) in brackets; a verdict compares medians of at least"
  echo "$VERDICT_RUNS runs of both sides, taken in this run."
  echo
  echo "## What each benchmark really exercises"
  echo
  echo "- **(a)** spawns one task and awaits it at once, N times. \`await\` of a task"
  echo "  that has not started yet runs its body inline on the awaiting coroutine, so"
  echo "  (a) measures the task record (allocation, result slot, recycling), not a"
  echo "  coroutine switch; Go always starts a goroutine and switches to it."
  echo "- **(b)** and **(c) peak RSS with 100 000 tasks alive** create N tasks, then"
  echo "  await them in order: with few workers most tasks have not started when"
  echo "  they are awaited, so they too run inline and never get a stack of their"
  echo "  own. They measure task records, not coroutine memory."
  echo "- **(c) bytes per parked task** is the coroutine-memory figure: every task"
  echo "  really starts and parks on one channel, so each holds a stack."
  echo "- **(e)** fire-and-forget spawns go through the run queues and the workers."
  echo "- **(f)** ping-pong is two coroutines switching through an unbuffered"
  echo "  channel: the coroutine-switch figure."
  echo "- **(g)** exercises the timer heap and the parking of 10 000 sleepers."
  echo "- **sort** compares Wyn's \`sort()\` on ints, which is an LSD radix sort, with"
  echo "  Go's and Python's comparison sorts; **sort_by** sorts the same ints through"
  echo "  a key function with Wyn's comparison sort (a stable merge sort), the fair"
  echo "  comparison with the peers' sorts."
  echo "- **The optimized tier rows** run a script a second time, when its"
  echo "  \`cc -O2\` build is in the cache (primed by a \`WYN_CACHE=sync\` run): the"
  echo "  whole process, including the lookup and the loading of the cached object."
  echo "  Every other Wyn JIT figure here runs with \`WYN_CACHE=off\` (tcc's code)."
  echo "- **fib(35)** \`wyn build -O2\` is compared with C built with exactly the flags"
  echo "  \`wyn build\` gives cc (${WYN_CC_FLAGS[*]}). gcc compiles fib's recursion"
  echo "  differently with and without -fno-optimize-sibling-calls, so plain"
  echo "  \`gcc -O2\` is a different program: it is shown separately, labelled."
  echo
  echo "## Startup: whole process (hyperfine -N, --warmup 5, $STARTUP_RUNS runs, median)"
  echo
  echo "| command | median ms (range) | vs Wyn |"
  echo "|---|---|---|"
  echo "| \`./wyn $B/wyn/hello.wyn\` | $(hf_r startup.wyn) | 1 |"
  echo "| \`tcc -run $B/c/hello.c\` | $(hf_r startup.tcc) | $(ratio "$startup_tcc" "$startup_wyn") |"
  echo "| \`$PY -c 'print(1)'\` | $(hf_r startup.py) | $(ratio "$startup_py" "$startup_wyn") |"
  echo
  echo "## fib(35): whole process (hyperfine -N, $FIB_RUNS runs, median)"
  echo
  echo "| how | median ms (range) | ratio |"
  echo "|---|---|---|"
  echo "| Wyn JIT \`./wyn fib.wyn\` | $(hf_r fib.jit) | $(ratio "$fib_jit" "$fib_tcc") × tcc -run |"
  echo "| C \`tcc -run fib.c\` | $(hf_r fib.tcc) | 1 |"
  echo "| Wyn \`wyn build -O2\` | $(hf_r fib.build) | $(ratio "$fib_build" "$fib_gcc") × C with the same flags |"
  echo "| C \`gcc ${WYN_CC_FLAGS[*]}\` (the flags of \`wyn build -O2\`) | $(hf_r fib.gcc) | 1 |"
  echo "| C \`gcc -O2\` (plain; other flags, shown for reference) | $(hf_r fib.gccplain) | $(ratio "${V[fib.gccplain]:-failed}" "$fib_gcc") |"
  echo
  echo "## Concurrency"
  echo
  echo "Each cell: median (range) of $RUNS runs."
  echo
  echo "(a) Sequential spawn+await (in-program, µs per spawn+await):"
  echo
  echo "| N | Wyn | Go | tokio | Python asyncio | Go/Wyn |"
  echo "|---|---|---|---|---|---|"
  for n in 10000 100000; do
    echo "| $n | $(us_r seq.wyn.$n.ns $n) | $(us_r seq.go.$n.ns $n) | $(us_r seq.tk.$n.ns $n) | $(us_r seq.py.$n.ns $n) | $(ratio "$(us_op seq.go.$n.ns $n)" "$(us_op seq.wyn.$n.ns $n)") |"
  done
  echo
  echo "(b) Create N tasks, then await all (in-program ms, range in round brackets;"
  echo "whole-process median in square brackets):"
  echo
  echo "| N | Wyn | Go (channel per task) | Go (WaitGroup) | tokio | Python asyncio | best peer/Wyn |"
  echo "|---|---|---|---|---|---|---|"
  for n in "${CAP_NS[@]}"; do
    a=$(ms many.wyn.$n.ns) b=$(ms many.go.$n.ns) c=$(ms many.gowg.$n.ns) d=$(ms many.py.$n.ns) t=$(ms many.tk.$n.ns)
    echo "| $n | $(ms_r many.wyn.$n.ns) [$(ms many.wyn.$n.wall)] | $(ms_r many.go.$n.ns) [$(ms many.go.$n.wall)] | $(ms_r many.gowg.$n.ns) [$(ms many.gowg.$n.wall)] | $(ms_r many.tk.$n.ns) [$(ms many.tk.$n.wall)] | $(ms_r many.py.$n.ns) [$(ms many.py.$n.wall)] | $(ratio "$(minof "$b" "$c" "$d" "$t")" "$a") |"
  done
  echo
  if [[ -z $CHART_NOTE ]]; then echo "![spawn capacity](spawn_capacity.svg)"; else echo "$CHART_NOTE"; fi
  echo
  echo "(c) Memory: peak RSS (\`/usr/bin/time -f %M\`) of the program with 100 000 tasks and"
  echo "with 0 tasks (the baseline); per task = (median peak − median baseline) / 100 000."
  echo
  echo "| program | Wyn | Go | tokio | Python asyncio |"
  echo "|---|---|---|---|---|"
  echo "| create 100 000 then await: peak MB | $(mb_r many.wyn.100000.rss) | $(mb_r many.go.100000.rss) | $(mb_r many.tk.100000.rss) | $(mb_r many.py.100000.rss) |"
  echo "| same, 0 tasks: peak MB | $(mb_r many.wyn.0.rss) | $(mb_r many.go.0.rss) | $(mb_r many.tk.0.rss) | $(mb_r many.py.0.rss) |"
  echo "| same, bytes per task | $(per_task many.wyn.100000.rss many.wyn.0.rss 100000) | $(per_task many.go.100000.rss many.go.0.rss 100000) | $(per_task many.tk.100000.rss many.tk.0.rss 100000) | $(per_task many.py.100000.rss many.py.0.rss 100000) |"
  echo "| 100 000 parked on one channel: peak MB | $(mb_r parked.wyn.100000.rss) | $(mb_r parked.go.100000.rss) | $(mb_r parked.tk.100000.rss) | $(mb_r parked.py.100000.rss) |"
  echo "| same, 0 tasks: peak MB | $(mb_r parked.wyn.0.rss) | $(mb_r parked.go.0.rss) | $(mb_r parked.tk.0.rss) | $(mb_r parked.py.0.rss) |"
  echo "| **bytes per parked task** | $park_w | $park_g | $park_t | $park_p |"
  echo
  echo "(d) Deepest recursion inside a task:"
  echo
  echo "| | result |"
  echo "|---|---|"
  echo "| Wyn, depth 1 000 000, default stack, $RUNS runs | $( [[ -n ${V[deep.wyn.1000000.wall]:-} ]] && echo "ok, $(ms_r deep.wyn.1000000.ns) ms, peak RSS $(mb_r deep.wyn.1000000.rss) MB" || echo failed) |"
  echo "| Wyn, depth 10⁹ (beyond any default) | ${V[deep.wyn.overflow]:-failed} |"
  echo "| Go, depth 1 000 000 | $( [[ -n ${V[deep.go.1000000.wall]:-} ]] && echo "ok, $(ms deep.go.1000000.ns) ms, peak RSS $(mb deep.go.1000000.rss) MB" || echo failed) |"
  echo "| Go, depth 10 000 000 (its stacks grow to 1 GB, then a fatal error) | $( [[ -n ${V[deep.go.10000000.wall]:-} ]] && echo "ok, $(ms deep.go.10000000.ns) ms, peak RSS $(mb deep.go.10000000.rss) MB" || echo failed) |"
  echo "| Python, recursion until RecursionError | ${V[deep.py.depth]:-failed} frames (sys.getrecursionlimit() = ${V[py.recursionlimit]:-?}) |"
  echo
  echo "(e) Fire-and-forget spawns; each task adds 1 to a shared counter, main waits"
  echo "for the counter (in-program ms with range; whole-process median in square brackets):"
  echo
  echo "| | N | ms |"
  echo "|---|---|---|"
  echo "| Wyn \`spawn bump(c)\` | 1 000 000 | $(ms_r fire.wyn.ns) [$(ms fire.wyn.wall)] |"
  echo "| Go \`go bump()\` | 1 000 000 | $(ms_r fire.go.ns) [$(ms fire.go.wall)] |"
  echo "| tokio \`tokio::spawn\` | 1 000 000 | $(ms_r fire.tk.ns) [$(ms fire.tk.wall)] |"
  echo "| Python \`create_task\` | 100 000 (1 000 000 pending tasks would need ~1 GB) | $(ms_r fire.py.ns) [$(ms fire.py.wall)] |"
  echo
  echo "(f) Unbuffered channel ping-pong, $PP_N round trips (ns per round trip):"
  echo
  echo "| Wyn | Go | tokio (two mpsc::channel(1): tokio has no unbuffered channel) | Python asyncio (two Queue(1)) | Go/Wyn |"
  echo "|---|---|---|---|---|"
  echo "| $(ns_r pp.wyn.ns $PP_N) | $(ns_r pp.go.ns $PP_N) | $(ns_r pp.tk.ns $PP_N) | $(ns_r pp.py.ns $PP_N) | $(ratio "$pp_g" "$pp_w") |"
  echo
  echo "(g) 10 000 tasks each sleeping 100 ms, then awaited (ms; ideal 100):"
  echo
  echo "| | Wyn | Go | tokio | Python asyncio |"
  echo "|---|---|---|---|---|"
  echo "| in-program | $(ms_r sleep.wyn.ns) | $(ms_r sleep.go.ns) | $(ms_r sleep.tk.ns) | $(ms_r sleep.py.ns) |"
  echo "| whole process | $(ms_r sleep.wyn.wall) | $(ms_r sleep.go.wall) | $(ms_r sleep.tk.wall) | $(ms_r sleep.py.wall) |"
  echo
  echo "## Language: strings, maps, sorting"
  echo
  echo "In-program ms, median (range) of $RUNS runs; whole-process median in square"
  echo "brackets. Word count reads a ${WC_DISTINCT:-?}-word-vocabulary, 10 MB text made by"
  echo "\`python/gen_text.py\`; sort times only the sort of 1 000 000 ints. Wyn's \`sort()\`"
  echo "on ints is a radix sort; the sort_by row sorts the same ints with Wyn's"
  echo "comparison sort (the Python and Go cells of both rows are the same"
  echo "programs, \`list.sort()\` and \`sort.Ints\`, both comparison sorts)."
  echo "Aim (issue 4): JIT faster than Python on all three, \`wyn build -O2\` within 2 × Go."
  echo
  echo "| benchmark | Wyn JIT | Wyn build -O2 | Python | Go | Python/JIT | build/Go |"
  echo "|---|---|---|---|---|---|---|"
  for b in sb wc sort sortby; do
    case $b in sb) t="StringBuilder, 1 000 000 appends" ;; wc) t="word count, 10 MB" ;;
      sort) t="sort 1 000 000 ints (Wyn: radix)" ;; sortby) t="sort_by 1 000 000 ints (Wyn: merge)" ;; esac
    pk=$b; [[ $b == sortby ]] && pk=sort  # the peers' sorts are comparison sorts already
    j=$(ms $b.wyn.ns) w=$(ms $b.wynb.ns) p=$(ms $pk.py.ns) g=$(ms $pk.go.ns)
    echo "| $t | $(ms_r $b.wyn.ns) [$(ms $b.wyn.wall)] | $(ms_r $b.wynb.ns) [$(ms $b.wynb.wall)] | $(ms_r $pk.py.ns) [$(ms $pk.py.wall)] | $(ms_r $pk.go.ns) [$(ms $pk.go.wall)] | $(ratio "$p" "$j") | $(ratio "$w" "$g") |"
  done
  echo
  echo "## Failures"
  echo
  if ((${#F[@]} == 0)); then
    echo "None: every program ran and printed its checked result."
  else
    for k in $(printf '%s\n' "${!F[@]}" | sort); do echo "- \`$k\`: ${F[$k]}"; done
  fi
} >"$RESULTS"

log "wrote $RESULTS${CHART_NOTE:+ ($CHART_NOTE)}"
((${#F[@]} == 0)) || log "${#F[@]} measurements failed; see the Failures section"
# Foreign calls: its own script, which appends its section to RESULTS.md.
bash "$B/ffi_bench.sh" || log "benchmarks/ffi_bench.sh failed"
bash "$B/http_bench.sh" || log "benchmarks/http_bench.sh failed"
exit 0
