#!/usr/bin/env bash
# The whole test suite: what `make test` runs.  From the project root:
#
#   bash tests/run_all.sh            (or: make test)
#
# 1. C unit tests: every tests/runtime/test_*.c is compiled against the
#    runtime objects in build/ and run; exit status 0 passes.
# 2. Every .wyn program under tests/ that carries an expectation comment is
#    run by ./wyn (the JIT) from its own folder and checked the way
#    ../shared/conformance/run.sh checks (see tests/README.md).  Unless it
#    expects a compile error, it is also built with `./wyn build FILE -o EXE`
#    and EXE is run with the same arguments and input: its stdout and exit
#    status must equal the JIT run's and the expectations.
# 3. ../shared/conformance/run.sh ./wyn, when ../shared/conformance exists.
#
# Environment knobs:
#   WYN_TEST_FILTER=TEXT   only tests whose path contains TEXT (the
#                          conformance suite runs the subfolders whose
#                          "conformance/NAME/" contains TEXT)
#   WYN_TEST_NOBUILD=1     skip the `wyn build` runs
#   WYN_TEST_NOCONF=1      skip ../shared/conformance
#   WYN_TEST_TIMEOUT=S     seconds per program run (default 30); a build
#                          gets twice that
#   WYN_TEST_JOBS=N        programs run in parallel (default 2)
#   WYN_TEST_BUILD_FLAGS   flags for `wyn build` (default -O2)
#   WYN_TEST_VERBOSE=1     print passing tests, and diffs for failures
#   WYN_TEST_CACHE=sync    run every program on the optimized tier: each is
#                          compiled by cc -O2 into the cache first (WYN_CACHE=
#                          sync, codegen/tier.h); `make test-cache`
#
# Programs run with the cache of optimized builds in a folder of this run
# (XDG_CACHE_HOME), never the user's.  By default they run under tcc with
# the cache on but WYN_CACHE_DELAY_MS so high that no background compile
# starts: the same tcc path a user's script takes, without 2 cores' worth
# of cc processes racing the tests.
#
# The last line of output is exactly "N passed, N failed"; the exit status
# is non-zero when anything failed.  A shell test that exits 77 is skipped
# (a tool it needs is missing): one "skip" line, counted in neither number.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

export WYN="$ROOT/wyn"
export LIMIT=${WYN_TEST_TIMEOUT:-30}
export NOBUILD=${WYN_TEST_NOBUILD:-}
export BUILD_FLAGS=${WYN_TEST_BUILD_FLAGS:--O2}
export VERBOSE=${WYN_TEST_VERBOSE:-}
FILTER=${WYN_TEST_FILTER:-}
JOBS=${WYN_TEST_JOBS:-2}
CONF="$ROOT/../shared/conformance"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wyn-tests.XXXXXX") || exit 2
export TMP
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
export RES="$TMP/results"
mkdir -p "$RES"
export XDG_CACHE_HOME="$TMP/cache"
if [[ ${WYN_TEST_CACHE:-} == sync ]]; then
  export WYN_CACHE=sync
else
  export WYN_CACHE=on WYN_CACHE_DELAY_MS=600000
fi

# Every job writes its results to $RES/<index>, one line per result:
#   "ok<TAB>label", "FAIL<TAB>label<TAB>why" or "SKIP<TAB>label<TAB>why",
#   followed by detail lines that start with a TAB (shown in verbose mode).

# --- job: one C unit test --------------------------------------------------
run_c_test() {
  local idx=$1 file=$2
  local out="$RES/$idx" work exe objs
  work=$(mktemp -d "$TMP/c.XXXXXX")
  exe="$work/$(basename "$file" .c)"
  objs=(build/runtime/*.o)
  if [[ ! -e ${objs[0]} ]]; then
    printf 'FAIL\t%s\tno build/runtime/*.o (run make first)\n' "$file" >"$out"
    return
  fi
  local ffi=()
  for o in build/ffi/*.o; do [[ -e $o ]] && ffi+=("$o"); done
  if ! gcc -std=gnu11 -O1 -g -Iruntime "$file" "${objs[@]}" "${ffi[@]}" \
        -lffi -lpcre2-8 -lsqlite3 -lcrypto -lpthread -lm -ldl -o "$exe" >"$work/cc" 2>&1; then
    { printf 'FAIL\t%s\tdoes not compile\n' "$file"; sed 's/^/\t/' "$work/cc" | head -n 20; } >"$out"
    return
  fi
  timeout -k 2 60 "$exe" >"$work/log" 2>&1
  local rc=$?
  if [[ $rc == 0 ]]; then
    printf 'ok\t%s\n' "$file" >"$out"
  else
    local why="exit code $rc"
    [[ $rc == 124 || $rc == 137 ]] && why="timed out after 60s"
    { printf 'FAIL\t%s\t%s\n' "$file" "$why"; tail -n 20 "$work/log" | sed 's/^/\t/'; } >"$out"
  fi
  rm -rf "$work"
}

# --- job: one shell test (tests/shell/test_*.sh): exit 0 = pass, 77 = skip
# (something it needs is not installed: neither passed nor failed; its last
# line of output says why) -------------------------------------------------
run_sh_test() {
  local idx=$1 file=$2
  local out="$RES/$idx" log
  log=$(mktemp "$TMP/sh.XXXXXX")
  WYN="$WYN" timeout -k 2 120 bash "$file" >"$log" 2>&1
  local rc=$?
  if [[ $rc == 0 ]]; then
    printf 'ok\t%s\n' "$file" >"$out"
  elif [[ $rc == 77 ]]; then
    local why
    why=$(tail -n 1 "$log")
    printf 'SKIP\t%s\t%s\n' "$file" "${why#skip: }" >"$out"
  else
    { printf 'FAIL\t%s\texit code %s\n' "$file" "$rc"; tail -n 20 "$log" | sed 's/^/\t/'; } >"$out"
  fi
  rm -f "$log"
}

# --- job: one .wyn program, JIT and built --------------------------------
# check_run MODE: judge $work/out.MODE, $work/err.MODE, $work/rc.MODE against
# the expectations; prints the reason for a failure (empty when it passed).
check_run() {
  local m=$1 got why=""
  got=$(cat "$work/rc.$m")
  if [[ -n $err ]]; then
    [[ $got == 1 ]] || why="exit code $got, want 1 (compile error)"
    grep -qF -- "$err" "$work/err.$m" || why="${why:+$why; }stderr lacks: $err"
    grep -qE "$base:[0-9]+:[0-9]+" "$work/err.$m" || why="${why:+$why; }stderr lacks $base:LINE:COL"
  elif [[ -n $rerr ]]; then
    if [[ $got == 124 || $got == 137 ]]; then why="timed out after ${LIMIT}s"
    elif [[ $got == 0 ]]; then why="exit code 0, want a runtime error"; fi
    grep -qF -- "$rerr" "$work/err.$m" || why="${why:+$why; }stderr lacks: $rerr"
    cmp -s "$work/want" "$work/out.$m" || why="${why:+$why; }stdout differs from expect lines"
  else
    [[ $got == "${code:-0}" ]] || why="exit code $got, want ${code:-0}"
    [[ $got == 124 || $got == 137 ]] && why="timed out after ${LIMIT}s"
    cmp -s "$work/want" "$work/out.$m" || why="${why:+$why; }stdout differs from expect lines"
  fi
  printf '%s' "$why"
}

# details MODE: diff and stderr, indented, for verbose output.
details() {
  diff "$work/want" "$work/out.$1" | head -n 20 | sed 's/^/\t/'
  head -n 8 "$work/err.$1" | sed 's/^/\t[stderr] /'
}

run_wyn_test() {
  local idx=$1 file=$2
  local out="$RES/$idx" dir base args why work err rerr code
  work=$(mktemp -d "$TMP/w.XXXXXX")
  dir=$(dirname "$file") base=$(basename "$file")
  sed -n 's|^.*// expect: \{0,1\}\(.*\)$|\1|p' "$file" >"$work/want"
  err=$(sed -n 's|^.*// expect-error: \(.*\)$|\1|p' "$file" | head -n 1)
  rerr=$(sed -n 's|^.*// expect-runtime-error: \(.*\)$|\1|p' "$file" | head -n 1)
  code=$(sed -n 's|^.*// expect-exit: \([0-9]*\).*$|\1|p' "$file" | head -n 1)
  args=$(sed -n 's|^.*// args: \(.*\)$|\1|p' "$file" | head -n 1)
  sed -n 's|^.*// stdin: \(.*\)$|\1|p' "$file" >"$work/stdin"

  if [[ ! -x $WYN ]]; then
    printf 'FAIL\t%s [jit]\t./wyn not built\n' "$file" >"$out"
    rm -rf "$work"; return
  fi
  # shellcheck disable=SC2086  # args are split on spaces, as in run.sh
  (cd "$dir" && timeout -k 2 "$LIMIT" "$WYN" "$base" $args \
      <"$work/stdin" >"$work/out.jit" 2>"$work/err.jit")
  echo $? >"$work/rc.jit"
  why=$(check_run jit)
  if [[ -z $why ]]; then
    printf 'ok\t%s [jit]\n' "$file" >"$out"
  else
    { printf 'FAIL\t%s [jit]\t%s\n' "$file" "$why"; details jit; } >"$out"
  fi

  # Both ways: build with cc and compare with the JIT run.
  if [[ -z $err && -z $NOBUILD ]]; then
    local exe="$work/exe" brc jrc
    # shellcheck disable=SC2086
    (cd "$dir" && timeout -k 2 $((LIMIT * 2)) "$WYN" build "$base" -o "$exe" $BUILD_FLAGS \
        </dev/null >"$work/build.log" 2>&1)
    brc=$?
    if [[ $brc != 0 || ! -x $exe ]]; then
      why="wyn build failed (exit code $brc)"
      [[ $brc == 124 || $brc == 137 ]] && why="wyn build timed out"
      { printf 'FAIL\t%s [build]\t%s\n' "$file" "$why"; head -n 12 "$work/build.log" | sed 's/^/\t/'; } >>"$out"
    else
      # shellcheck disable=SC2086
      (cd "$dir" && timeout -k 2 "$LIMIT" "$exe" $args \
          <"$work/stdin" >"$work/out.build" 2>"$work/err.build")
      echo $? >"$work/rc.build"
      why=$(check_run build)
      brc=$(cat "$work/rc.build") jrc=$(cat "$work/rc.jit")
      [[ $brc == "$jrc" ]] || why="${why:+$why; }exit code $brc, JIT gave $jrc"
      cmp -s "$work/out.jit" "$work/out.build" || why="${why:+$why; }stdout differs from the JIT run"
      if [[ -z $why ]]; then
        printf 'ok\t%s [build]\n' "$file" >>"$out"
      else
        { printf 'FAIL\t%s [build]\t%s\n' "$file" "$why"; details build
          diff "$work/out.jit" "$work/out.build" | head -n 10 | sed 's/^/\t[jit vs build] /'; } >>"$out"
      fi
    fi
  fi
  rm -rf "$work"
}

run_job() {  # "INDEX KIND PATH"
  local idx=${1%% *} rest=${1#* }
  local kind=${rest%% *} file=${rest#* }
  case $kind in
    c) run_c_test "$idx" "$file" ;;
    wyn) run_wyn_test "$idx" "$file" ;;
    sh) run_sh_test "$idx" "$file" ;;
  esac
}
export -f run_job run_c_test run_sh_test run_wyn_test check_run details

# --- collect the jobs -------------------------------------------------------
has_expectation() {
  grep -qE '// (expect|expect-error|expect-runtime-error|expect-exit):' "$1"
}
matches() { [[ -z $FILTER || $1 == *"$FILTER"* ]]; }

jobs=()
n=0
while IFS= read -r f; do
  matches "$f" || continue
  n=$((n + 1)); jobs+=("$(printf '%05d' "$n") c $f")
done < <(find tests/runtime -name 'test_*.c' 2>/dev/null | LC_ALL=C sort)
while IFS= read -r f; do
  matches "$f" || continue
  n=$((n + 1)); jobs+=("$(printf '%05d' "$n") sh $f")
done < <(find tests/shell -name 'test_*.sh' 2>/dev/null | LC_ALL=C sort)
# The fuzzer's corpus and its output, modules-lib folders, and (in a git
# checkout) anything .gitignore'd are not tests.
list_programs() {
  find tests -path tests/fuzz/corpus -prune -o -path tests/fuzz/out -prune \
       -o -type d -name modules-lib -prune -o -name '*.wyn' -type f -print 2>/dev/null |
    LC_ALL=C sort >"$TMP/programs"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git check-ignore --stdin <"$TMP/programs" >"$TMP/ignored" 2>/dev/null
    grep -vxF -f "$TMP/ignored" "$TMP/programs"
  else
    cat "$TMP/programs"
  fi
}
while IFS= read -r f; do
  matches "$f" || continue
  has_expectation "$f" || continue
  n=$((n + 1)); jobs+=("$(printf '%05d' "$n") wyn $f")
done < <(list_programs)

pass=0 fail=0 skip=0
if [[ ! -x $WYN ]]; then
  echo "note: ./wyn is not built (run make); every .wyn program fails"
fi
if ((${#jobs[@]} > 0)); then
  echo "running ${#jobs[@]} test files, $JOBS at a time${NOBUILD:+ (no wyn build runs)}..."
  printf '%s\n' "${jobs[@]}" | xargs -d '\n' -n 1 -P "$JOBS" bash -c 'run_job "$1"' _
fi

# --- report in a fixed order --------------------------------------------
declare -A kpass=() kfail=()
kind_of() {  # the summary bucket of a result label
  case $1 in *'[build]') echo build ;; *'[jit]') echo jit ;; *) echo c ;; esac
}
for j in "${jobs[@]}"; do
  idx=${j%% *}
  if [[ ! -s $RES/$idx ]]; then
    echo "FAIL ${j#* * }: the runner lost this test"
    fail=$((fail + 1)); continue
  fi
  while IFS= read -r line; do
    case $line in
      ok$'\t'*)
        label=${line#ok$'\t'} k=$(kind_of "$label")
        pass=$((pass + 1)) kpass[$k]=$((${kpass[$k]:-0} + 1))
        [[ -n $VERBOSE ]] && echo "ok   $label" ;;
      FAIL$'\t'*)
        rest=${line#FAIL$'\t'}
        label=${rest%%$'\t'*} why=${rest#*$'\t'} k=$(kind_of "$label")
        fail=$((fail + 1)) kfail[$k]=$((${kfail[$k]:-0} + 1))
        echo "FAIL $label: $why" ;;
      SKIP$'\t'*)
        rest=${line#SKIP$'\t'}
        skip=$((skip + 1))
        echo "skip ${rest%%$'\t'*}: ${rest#*$'\t'}" ;;
      *)
        [[ -n $VERBOSE ]] && echo "     ${line#$'\t'}" ;;
    esac
  done <"$RES/$idx"
done

# --- the shared conformance suite -----------------------------------------
if [[ -d $CONF && -z ${WYN_TEST_NOCONF:-} ]]; then
  dirs=()
  if [[ -z $FILTER ]]; then
    dirs=("$CONF/tests")
  else
    for d in "$CONF"/tests/*/; do
      d=${d%/}
      [[ "conformance/$(basename "$d")/" == *"$FILTER"* ]] && dirs+=("$d")
    done
  fi
  for d in "${dirs[@]}"; do
    prefix="conformance/"
    [[ $d != "$CONF/tests" ]] && prefix="conformance/$(basename "$d")/"
    bash "$CONF/run.sh" "$WYN" "$d" ${VERBOSE:+-v} >"$TMP/conf.log" 2>&1
    summary=$(tail -n 1 "$TMP/conf.log")
    sed '$d' "$TMP/conf.log" | sed -e "s|^FAIL |FAIL $prefix|" -e "s|^ok   |ok   $prefix|"
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
      kpass[conformance]=$((${kpass[conformance]:-0} + BASH_REMATCH[1]))
      kfail[conformance]=$((${kfail[conformance]:-0} + BASH_REMATCH[2]))
      pass=$((pass + BASH_REMATCH[1])) fail=$((fail + BASH_REMATCH[2]))
    else
      echo "FAIL $prefix: run.sh gave no summary line: $summary"
      kfail[conformance]=$((${kfail[conformance]:-0} + 1))
      fail=$((fail + 1))
    fi
  done
fi

for k in c jit build conformance; do
  p=${kpass[$k]:-0} f=${kfail[$k]:-0}
  ((p + f > 0)) || continue
  case $k in
    c) what="C unit tests" ;; jit) what="wyn programs (JIT)" ;;
    build) what="wyn programs (wyn build)" ;; conformance) what="conformance" ;;
  esac
  printf '  %-26s %5d passed, %d failed\n' "$what:" "$p" "$f"
done
((skip > 0)) && printf '  %-26s %5d (counted neither as passed nor failed)\n' "skipped:" "$skip"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
