#!/usr/bin/env bash
# tests/sanitize.sh — what `make sanitize` runs.
#
# Builds the whole runtime (runtime/*.c, ffi/*.c + the coroutine switch) twice, with
# ThreadSanitizer and with AddressSanitizer (the runtime annotates its stack
# switches with the sanitizers' fiber hooks, see runtime/sched.c), links every
# C test in tests/runtime/test_*.c against each build and runs it with
# WYN_THREADS=1, 2 and 4 (RT_TEST_SMALL=1 shrinks the big scenarios: TSan
# keeps one fiber per live coroutine; RT_TEST_NO_DEEP=1 under TSan skips
# deep recursion and stack-overflow cases).  Then, when ./wyn can be rebuilt with
# the sanitizer, runs the concurrency .wyn programs with it (see
# run_wyn_programs below), and under AddressSanitizer runs every .wyn
# program of tests/ and of the conformance suite with LeakSanitizer on
# (run_leak_check): no leak and no memory error anywhere.
#
#   bash tests/sanitize.sh            (or: make sanitize)
#   SAN_ONLY=thread|address           one sanitizer only
#   SAN_CC=clang|gcc                  compiler (default: clang if present)
#   SAN_FILTER=REGEX                  only tests whose name/path matches REGEX
#   SAN_LEAKS=0                       skip the LeakSanitizer pass over every
#                                     .wyn program (on by default, with address)
#   SAN_LEAKS_ONLY=1                  only that pass
#                                     (e.g. 'sched|chan|deque')
#
# The last line is exactly "N passed, N failed"; exit status 1 if any failed.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

CC=${SAN_CC:-$(command -v clang >/dev/null && echo clang || echo gcc)}
SANS=${SAN_ONLY:-"thread address"}
FILTER=${SAN_FILTER:-}
pass=0
fail=0

# Leak checking is on only in the leak pass (run_leak_check): the C tests
# and stress programs end through paths that skip cleanup on purpose.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0:allow_user_segv_handler=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"
export RT_TEST_SMALL=1
# Sanitized programs run under tcc only: no optimized builds (codegen/tier.h).
export WYN_CACHE=off

ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }

build_runtime() { # $1 = sanitizer, $2 = output dir
  local san=$1 out=$2 f
  mkdir -p "$out"
  for f in runtime/*.c ffi/*.c; do
    [[ -f $f ]] || continue
    if ! $CC -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize="$san" \
         -Iruntime -Iffi -c "$f" -o "$out/$(basename "${f%.c}").o" 2>"$out/cc.log"; then
      bad "$san: build $f"; sed 's/^/      /' "$out/cc.log" | head -n 20
      return 1
    fi
  done
  for f in runtime/*.S; do
    $CC -c "$f" -o "$out/$(basename "${f%.S}").o" || { bad "$san: build $f"; return 1; }
  done
  # An archive: a test pulls only the objects it needs, so unfinished work
  # elsewhere in the runtime does not break unrelated tests.
  ar rcs "$out/librt.a" "$out"/*.o
}

run_c_tests() { # $1 = sanitizer, $2 = dir with the runtime objects
  local san=$1 out=$2 t name exe n rc
  for t in tests/runtime/test_*.c; do
    name=$(basename "$t" .c)
    [[ -n $FILTER && ! $name =~ $FILTER ]] && continue
    exe="$out/$name"
    if ! $CC -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize="$san" -Iruntime \
         "$t" "$out/librt.a" -lffi -lpcre2-8 -lsqlite3 -lcrypto -lpthread -lm -ldl -o "$exe" 2>"$exe.cc"; then
      bad "$san: $name does not compile"; sed 's/^/      /' "$exe.cc" | head -n 20
      continue
    fi
    for n in 1 2 4; do
      # TSan: no million-frame recursion (its shadow memory for it fails)
      # and no stack-overflow tests (its signal wrapper does not survive
      # running off a coroutine stack); ASan runs both.
      RT_TEST_NO_DEEP=$([[ $san == thread ]] && echo 1) \
      WYN_THREADS=$n timeout -k 5 300 "$exe" >"$exe.log.$n" 2>&1
      rc=$?
      if [[ $rc == 0 ]] && ! grep -q "Sanitizer" "$exe.log.$n"; then
        ok "$san: $name (WYN_THREADS=$n)"
      else
        bad "$san: $name (WYN_THREADS=$n): exit $rc"
        grep -A 30 -m 1 "Sanitizer\|FAIL\|failed" "$exe.log.$n" | head -n 40 | sed 's/^/      /'
      fi
    done
  done
}

# Hook for the .wyn programs: rebuilds ./wyn with the sanitized runtime
# (front end, code generator and FFI instrumented too; tcc-generated code is
# not, but every runtime call it makes is) and runs the concurrency
# conformance programs plus tests/**/conc* with it.  Skipped (not failed)
# while ./wyn cannot be built.
# Links ./wyn against a sanitized runtime into $2/wyn (front end, code
# generator and FFI instrumented too; tcc-generated code is not, but every
# runtime call it makes is).  Returns 1 (after saying why) when it cannot.
build_wyn() { # $1 = sanitizer, $2 = dir with the runtime objects
  local san=$1 out=$2 f objs=()
  [[ -f wyn && -f build/gen/rt_symbols.c && -f build/gen/rt_header.c ]] || {
    echo "skip  $san: .wyn programs (./wyn not built yet; run make first)"; return 1; }
  for f in front/*.c codegen/*.c build/gen/rt_symbols.c build/gen/rt_header.c; do
    [[ -f $f ]] || continue
    local o="$out/wyn_$(echo "$f" | tr / _).o"
    if ! $CC -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize="$san" \
         -Iruntime -Ifront -Icodegen -Iffi -Ibuild/gen -c "$f" -o "$o" 2>"$out/wyn.cc"; then
      echo "skip  $san: .wyn programs ($f does not build with $CC)"; return 1
    fi
    objs+=("$o")
  done
  if ! $CC -fsanitize="$san" -rdynamic -o "$out/wyn" "${objs[@]}" \
       -Wl,--whole-archive "$out/librt.a" -Wl,--no-whole-archive \
       /usr/lib/x86_64-linux-gnu/tcc/libtcc1.a -ltcc -lffi -lpcre2-8 -lsqlite3 -lcrypto -ldl -lpthread -lm \
       -Wl,-z,noexecstack 2>"$out/wyn.ld"; then
    echo "skip  $san: .wyn programs (link failed: $(head -n 1 "$out/wyn.ld"))"; return 1
  fi
}

run_wyn_programs() { # $1 = sanitizer, $2 = dir with the runtime objects
  local san=$1 out=$2 f conf="$ROOT/../shared/conformance"
  build_wyn "$san" "$out" || return 0
  local progs=()
  [[ -d $conf/tests/conc ]] && progs+=("$conf/tests/conc"/*.wyn)
  for f in "$conf"/tests/errors/{panic_in_task,deadlock,deadlock_tasks,closed_channel_send,capacity}.wyn; do
    [[ -f $f ]] && progs+=("$f")
  done
  while IFS= read -r f; do progs+=("$f"); done < <(find tests -path '*conc*' -not -path 'tests/fuzz/*' -name '*.wyn' 2>/dev/null | sort)
  for f in "${progs[@]}"; do
    [[ -n $FILTER && ! $f =~ $FILTER ]] && continue
    for n in 1 2 4; do
      local log="$out/prog.log"
      (cd "$(dirname "$f")" && WYN_THREADS=$n timeout -k 5 300 "$out/wyn" "$(basename "$f")") \
        >"$log" 2>&1
      if grep -q "Sanitizer" "$log"; then
        bad "$san: $f (WYN_THREADS=$n)"; grep -A 30 -m 1 "Sanitizer" "$log" | head -n 40 | sed 's/^/      /'
      else
        ok "$san: $f (WYN_THREADS=$n)"
      fi
    done
  done
}

# LeakSanitizer over every .wyn program of the test suite and of the
# conformance suite (issue 4: no leaks): each must exit without a leak
# report.  Programs that end through a runtime error or exit() leave by
# _exit, which skips the check, like any C program's abort path.
# SAN_LEAKS_ONLY=1 runs just this pass (address sanitizer only).
run_leak_check() { # $1 = dir with the runtime objects and wyn
  local out=$1 f args log
  local conf="$ROOT/../shared/conformance"
  local progs=()
  while IFS= read -r f; do progs+=("$f"); done < <(
    { find tests -name '*.wyn' -not -path 'tests/fuzz/*' -not -path 'tests/errors/*'
      [[ -d $conf/tests ]] && find "$conf/tests" -name '*.wyn' -not -path '*/errors/*'; } |
      xargs grep -lE '// (expect|expect-exit):' | sort)
  for f in "${progs[@]}"; do
    [[ -n $FILTER && ! $f =~ $FILTER ]] && continue
    log="$out/leak.log"
    args=$(sed -n 's|^.*// args: \(.*\)$|\1|p' "$f" | head -n 1)
    # shellcheck disable=SC2086  # args are split on spaces, as in run_all.sh
    (cd "$(dirname "$f")" && sed -n 's|^.*// stdin: \(.*\)$|\1|p' "$(basename "$f")" |
       ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1}" \
       timeout -k 5 300 "$out/wyn" "$(basename "$f")" $args) >"$log" 2>&1
    if grep -q "Sanitizer" "$log"; then
      bad "leaks: $f"
      # one line per leak: its size and the first frame that is ours
      awk '/leak of/ { what = $0; getline; while ($0 ~ /#[0-9]/ && ($4 ~ /^__interceptor|^malloc|^calloc|^realloc|^rt_alloc$|^rt_malloc_raw$|^rt_realloc$|^xrealloc$|^xmalloc$/)) getline
             if (what != "") { print "      " what " <- " $4 " " $5; what = "" } }
           /SUMMARY/ { print "      " $0 }' "$log"
    else
      ok "leaks: $f"
    fi
  done
}

# A private build directory per run, so that concurrent runs (several
# people in one tree) cannot clobber each other; SAN_KEEP=1 keeps it.
mkdir -p "$ROOT/build"
for san in $SANS; do
  out=$(mktemp -d "$ROOT/build/san-$san.XXXXXX")
  if [[ -n ${SAN_LEAKS_ONLY:-} ]]; then
    [[ $san == address ]] && build_runtime "$san" "$out" && build_wyn "$san" "$out" &&
      run_leak_check "$out"
  elif build_runtime "$san" "$out"; then
    run_c_tests "$san" "$out"
    run_wyn_programs "$san" "$out"
    [[ $san == address && ${SAN_LEAKS:-1} != 0 ]] && build_wyn "$san" "$out" && run_leak_check "$out"
  fi
  [[ -n ${SAN_KEEP:-} ]] && echo "kept $out" || rm -rf "$out"
done

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
