#!/usr/bin/env bash
# tests/shell/test_aarch64.sh — the runtime's C tests on AArch64, under qemu.
#
# Cross-compiles the runtime (runtime/*.c and the context switch
# runtime/coro_aarch64.S, nothing else from runtime/*.S) with aarch64-linux-gnu-gcc into build/aarch64/,
# links the C tests of tests/runtime against it and runs each one under
# qemu-aarch64 user-mode emulation.  This is how the AArch64 context switch
# is tested on an x86-64 machine.
#
#   bash tests/shell/test_aarch64.sh       (or: make cross-aarch64, which
#                                           first installs the tools)
#
# Needs the Debian packages gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and
# qemu-user (or qemu-user-static).  Without them it prints why and exits 77,
# which tests/run_all.sh (make test) reports as a skip, neither passed nor
# failed.  With them, make test runs it too: about 15 s, plus ~20 s the
# first time for compiling the runtime (the objects are reused until a
# runtime source or header changes).
#
# Tests run: every tests/runtime/test_*.c except
#   test_ffi     needs libffi built for arm64 and the FFI bridge (ffi/),
#                which the cross packages do not provide;
#   test_values  the value runtime, not concurrency; ~100 forked children
#                make it take ~30 s under qemu: AARCH64_ALL=1 runs it too;
#   test_lib_*   the standard library (runtime/lib_*.c, not compiled here
#                either): PCRE2, SQLite and OpenSSL for arm64 are not in
#                the cross packages, and none of it is concurrency code.
# Each test runs its scenarios with WYN_THREADS 1, 2 and 4 itself.
#
# Knobs: AARCH64_CC (default aarch64-linux-gnu-gcc), AARCH64_QEMU (default
# qemu-aarch64, else qemu-aarch64-static), AARCH64_SYSROOT (default
# /usr/aarch64-linux-gnu), AARCH64_ALL=1, AARCH64_TIMEOUT (seconds per test,
# default 120), AARCH64_FILTER=TEXT (only tests whose name contains TEXT).
#
# The last line is "N passed, N failed"; the exit status is 1 if any
# failed, 77 if skipped.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2

XCC=${AARCH64_CC:-aarch64-linux-gnu-gcc}
SYSROOT=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}
QEMU=${AARCH64_QEMU:-}
if [[ -z $QEMU ]]; then
  for q in qemu-aarch64 qemu-aarch64-static; do
    command -v "$q" >/dev/null && { QEMU=$q; break; }
  done
fi
LIMIT=${AARCH64_TIMEOUT:-120}
FILTER=${AARCH64_FILTER:-}
OUT=$ROOT/build/aarch64

missing=()
command -v "$XCC" >/dev/null || missing+=(gcc-aarch64-linux-gnu)
[[ -f $SYSROOT/include/stdio.h ]] || missing+=(libc6-dev-arm64-cross)
[[ -n $QEMU ]] && command -v "$QEMU" >/dev/null || missing+=(qemu-user)
if ((${#missing[@]})); then
  echo "skip: the AArch64 cross test needs ${missing[*]} (make cross-aarch64 installs them)"
  exit 77
fi

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }

# --- the runtime, cross-compiled -------------------------------------------
# An object is rebuilt when it is missing or older than its source or than
# any runtime header.  Written to a temporary name and renamed, so two runs
# in one tree never link a half-written object.
mkdir -p "$OUT/obj"
newest_h=$(ls -t runtime/*.h | head -n 1)
stale=()
for src in runtime/*.c runtime/coro_aarch64.S; do
  [[ $src == runtime/lib_* ]] && continue
  obj="$OUT/obj/$(basename "$src" | tr . _).o"
  if [[ ! -f $obj || $src -nt $obj || $newest_h -nt $obj ]]; then
    stale+=("$src")
  fi
done
compile_one() {  # $1 = source; prints nothing on success
  local src=$1 obj tmp
  obj="$OUT/obj/$(basename "$src" | tr . _).o"
  tmp="$obj.tmp.$$"
  if "$XCC" -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Iruntime \
       -c "$src" -o "$tmp" 2>"$tmp.log"; then
    mv -f "$tmp" "$obj"
    rm -f "$tmp.log"
  else
    echo "build $src:"; sed 's/^/      /' "$tmp.log" | head -n 20
    rm -f "$tmp" "$tmp.log"
  fi
}
export -f compile_one
export XCC OUT
t0=$(date +%s)
if ((${#stale[@]})); then
  errs=$(printf '%s\n' "${stale[@]}" | xargs -d '\n' -n 1 -P 2 bash -c 'compile_one "$1"' _)
  if [[ -n $errs ]]; then
    bad "cross-compiling the runtime for aarch64"
    echo "$errs"
    echo "$pass passed, $fail failed"
    exit 1
  fi
fi
# The objects of today's sources only (not those of a file since removed).
objs=()
for src in runtime/*.c runtime/coro_aarch64.S; do
  [[ $src == runtime/lib_* ]] && continue
  objs+=("$OUT/obj/$(basename "$src" | tr . _).o")
done
echo "runtime: ${#objs[@]} objects in build/aarch64 ($((${#stale[@]})) compiled, $(($(date +%s) - t0)) s)"

# --- the tests ----------------------------------------------------------------
# Executables and logs in a directory of this run's own (removed at exit), so
# that two runs in one tree do not overwrite each other's.
RUN=$(mktemp -d "$OUT/run.XXXXXX") || exit 2
trap 'rm -rf "$RUN"' EXIT
is_aarch64() {  # ELF e_machine 183 = EM_AARCH64
  [[ $(od -An -tu2 -j18 -N2 "$1" 2>/dev/null | tr -d ' ') == 183 ]]
}
for t in tests/runtime/test_*.c; do
  name=$(basename "$t" .c)
  [[ -n $FILTER && $name != *"$FILTER"* ]] && continue
  case $name in
    test_ffi|test_lib_*) continue ;;
    test_values) [[ -n ${AARCH64_ALL:-} ]] || continue ;;
  esac
  exe="$RUN/$name"
  if ! "$XCC" -std=gnu11 -O1 -g -Iruntime "$t" "${objs[@]}" -lpthread -lm -ldl \
       -o "$exe" 2>"$exe.cc"; then
    bad "$name (aarch64): does not compile"; sed 's/^/      /' "$exe.cc" | head -n 20
    continue
  fi
  if ! is_aarch64 "$exe"; then
    bad "$name: $XCC did not produce an AArch64 executable"; continue
  fi
  s=$(date +%s%N)
  timeout -k 2 "$LIMIT" "$QEMU" -L "$SYSROOT" "$exe" >"$exe.log" 2>&1
  rc=$?
  ms=$((($(date +%s%N) - s) / 1000000))
  if [[ $rc == 0 ]]; then
    ok "$name (aarch64, qemu, $((ms / 1000)).$((ms % 1000 / 100)) s)"
  else
    why="exit code $rc"
    [[ $rc == 124 || $rc == 137 ]] && why="timed out after ${LIMIT}s"
    bad "$name (aarch64, qemu): $why"; tail -n 20 "$exe.log" | sed 's/^/      /'
  fi
done

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
