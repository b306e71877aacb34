#!/usr/bin/env bash
# libFuzzer runs over the I/O library's parsers (needs clang):
#   bash tests/fuzz/io_fuzz.sh [SECONDS] [json|http]     (default: 60 json)
#
#   json  tests/fuzz/json_fuzz.c over io_json_parse_owned (runtime/io_json.c:
#         rt_json_parse_checked without keeping the tree until exit)
#   http  tests/fuzz/http_fuzz.c over io_http_parse (runtime/io_http.c)
#
# The whole runtime (the real memory.c included) is compiled with
# -fsanitize=fuzzer-no-link,address,undefined.  Each target releases what
# an input made through the runtime's ownership rules (pool drain, freeing
# the parsed tree or request) and checks rt_mem_live_objects(); the run has
# LeakSanitizer on, so a block leaked by one input is a finding too.
# Crashers (and leak reports) are written to tests/fuzz/TARGET_crashers/
# (kept in the repository; test_io_json.c and test_io_http.c replay
# them); the corpus grows in tests/fuzz/out/TARGET/corpus
# (not kept), seeded from tests/fuzz/TARGET_seeds/.  Results: JSON_FUZZ.md.
set -eu
SECS=${1:-60}
TARGET=${2:-json}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$HERE/out/$TARGET
mkdir -p "$OUT/obj" "$OUT/corpus" "$HERE/${TARGET}_crashers"
cd "$ROOT"
FL="-std=gnu11 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -Iruntime"
# objects built with other flags (older versions of this script compiled
# with -Dfree=rt_fuzz_free) are rebuilt
if [[ "$(cat "$OUT/obj/flags" 2>/dev/null)" != "$FL" ]]; then
  rm -f "$OUT"/obj/*.o
  printf '%s\n' "$FL" > "$OUT/obj/flags"
fi
objs=()
for f in runtime/*.c; do
  b=$(basename "$f" .c)
  o="$OUT/obj/$b.o"
  newer=0
  for h in runtime/*.h; do [[ $h -nt $o ]] && newer=1; done
  if [[ ! -f $o || $f -nt $o || $newer == 1 ]]; then
    clang $FL -c "$f" -o "$o"
  fi
  objs+=("$o")
done
for f in runtime/coro_*.S; do   # each is empty except on its own architecture
  clang -c "$f" -o "$OUT/obj/$(basename "$f" .S).o"
  objs+=("$OUT/obj/$(basename "$f" .S).o")
done
clang $FL -fsanitize=fuzzer "tests/fuzz/${TARGET}_fuzz.c" "${objs[@]}" -lpcre2-8 -lsqlite3 -lcrypto -lpthread -lm -ldl -o "$OUT/fuzz"
if [[ -d $HERE/${TARGET}_seeds ]]; then cp -n "$HERE/${TARGET}_seeds"/* "$OUT/corpus/" 2>/dev/null || true; fi
ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=32 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  nice -n 10 "$OUT/fuzz" -max_total_time="$SECS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
  -artifact_prefix="$HERE/${TARGET}_crashers/" -print_final_stats=1 "$OUT/corpus" "$HERE/${TARGET}_crashers"
