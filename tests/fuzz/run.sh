#!/usr/bin/env bash
# Mutation fuzzer over Wyn's front end and C emitter (what `make fuzz` runs).
#
#   bash tests/fuzz/run.sh [SECONDS]        (default 60)
#
# 1. Builds a copy of the compiler with AddressSanitizer + UBSan in
#    tests/fuzz/out/asan/ (rebuilt when a source file changed; if the build
#    fails, an older copy or ./wyn is used).  WYN_FUZZ_ASAN=0 fuzzes ./wyn.
# 2. Refreshes the seed corpus tests/fuzz/corpus/ from ../shared/conformance/
#    tests, tests/ and examples/ when those exist (the corpus is kept in the
#    repository so the fuzzer works without ../shared).
# 3. Runs tests/fuzz/fuzz.py: mutants made by tests/fuzz/mutate.py go
#    through `wyn --emit-c` (10 s timeout) and the C through `tcc -c`.
#    Findings land in tests/fuzz/crashers/ (see fuzz.py for the kinds);
#    tests/fuzz/out/summary.json keeps the running totals.
# The exit status is 0 unless the harness itself failed: findings are
# reported, not treated as errors (the reproducers in tests/fuzz/regressions/
# are what `make test` checks).
set -u
SECONDS_WANTED=${1:-60}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 2
OUT=$HERE/out
mkdir -p "$OUT" "$HERE/corpus" "$HERE/crashers"

command -v tcc >/dev/null || { echo "run.sh: tcc is needed"; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: python3 is needed"; exit 2; }

# --- seed corpus --------------------------------------------------------
refresh() {   # refresh SRC_DIR PREFIX
  local src=$1 pre=$2 f rel
  [ -d "$src" ] || return 0
  while IFS= read -r f; do
    rel=${f#"$src"/}
    mkdir -p "$HERE/corpus/$pre/$(dirname "$rel")"
    cmp -s "$f" "$HERE/corpus/$pre/$rel" || cp "$f" "$HERE/corpus/$pre/$rel"
  done < <(find "$src" -name '*.wyn' -not -path '*/fuzz/*' -size -200k)
}
refresh "$ROOT/../shared/conformance/tests" conformance
refresh "$ROOT/tests" tests
refresh "$ROOT/examples" examples

# --- sanitizer build ----------------------------------------------------
WYN_BIN=$ROOT/wyn
if [ "${WYN_FUZZ_ASAN:-1}" != 0 ]; then
  A=$OUT/asan
  mkdir -p "$A/obj" "$A/gen"
  srcs=$(ls front/*.c front/*.h codegen/*.c codegen/*.h codegen/*.sh runtime/*.c runtime/*.h runtime/*.S ffi/*.c ffi/*.h 2>/dev/null)
  # shellcheck disable=SC2086
  stamp=$(cat $srcs | sha1sum | cut -c1-40)
  if [ ! -x "$A/wyn-asan" ] || [ "$(cat "$A/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "[fuzz] building the ASan+UBSan compiler in ${A#"$ROOT"/}"
    ok=1
    sh codegen/gen_symbols.sh runtime/wyn_rt.h > "$A/gen/rt_symbols.c" &&
    sh codegen/gen_header.sh runtime/wyn_rt.h > "$A/gen/rt_header.c" || ok=0
    rm -f "$A"/obj/*.o
    if [ $ok = 1 ]; then
      # shellcheck disable=SC2046
      printf '%s\n' front/*.c codegen/*.c runtime/*.c $(ls ffi/*.c 2>/dev/null) "$A"/gen/*.c |
        xargs -P 2 -I{} sh -c 'o=$(echo "{}" | tr / _ | sed "s/\.c\$/.o/"); \
          nice -n 10 gcc -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
          -w -Iruntime -Ifront -Icodegen -Iffi -I"$0/gen" -c "{}" -o "$0/obj/$o"' "$A" || ok=0
    fi
    if [ $ok = 1 ]; then
      for s in runtime/*.S; do gcc -c "$s" -o "$A/obj/S_$(basename "$s" .S).o" || ok=0; done
    fi
    if [ $ok = 1 ] && gcc -fsanitize=address,undefined -rdynamic -o "$A/wyn-asan.new" "$A"/obj/*.o \
         /usr/lib/x86_64-linux-gnu/tcc/libtcc1.a -ltcc -lffi -lpcre2-8 -lsqlite3 -lcrypto -ldl -lpthread -lm 2>"$A/link.log"; then
      mv "$A/wyn-asan.new" "$A/wyn-asan"
      echo "$stamp" > "$A/stamp"
    else
      echo "[fuzz] the sanitizer build failed (sources mid-change?); using an older binary"
    fi
  fi
  [ -x "$A/wyn-asan" ] && WYN_BIN=$A/wyn-asan
fi
[ -x "$WYN_BIN" ] || { echo "run.sh: no compiler binary (run make)"; exit 2; }

echo "[fuzz] fuzzing ${WYN_BIN#"$ROOT"/} for $SECONDS_WANTED s"
exec nice -n 10 python3 "$HERE/fuzz.py" --wyn "$WYN_BIN" --plain "$ROOT/wyn" --seconds "$SECONDS_WANTED"
