#!/usr/bin/env bash
# Foreign calls into a library built by the test itself (SPEC §12).
#
# tests/ffi/lib/wyntest.c is compiled with `cc -shared -fPIC` into a
# temporary libwyntest.so. Each tests/ffi/lib/NAME.wyn.in becomes a program
# with @LIB@ replaced by that library's absolute path. The program runs under
# the JIT ($WYN FILE) and is also built with `$WYN build`. Both runs must exit
# with status 0 and print exactly the file's `// expect:` lines.
# Exit 0 when everything passed; each failure is printed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$ROOT/wyn}
SRC=$ROOT/tests/ffi/lib
CC=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wyn-ffi-lib.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0

lib="$tmp/libwyntest.so"
if ! $CC -shared -fPIC -O2 -Wall -o "$lib" "$SRC"/*.c -lpthread -lm 2>"$tmp/cc.log"; then
  echo "FAIL: cannot build $lib"; cat "$tmp/cc.log"; exit 1
fi

for tpl in "$SRC"/*.wyn.in; do
  name=$(basename "$tpl" .wyn.in)
  prog="$tmp/$name.wyn"
  sed "s|@LIB@|$lib|g" "$tpl" >"$prog"
  sed -n 's|^.*// expect: \{0,1\}\(.*\)$|\1|p' "$tpl" >"$tmp/$name.want"

  # judge MODE RC: compare the run's stdout and status with the expectations
  judge() {
    local mode=$1 rc=$2 why=""
    [[ $rc == 0 ]] || why="exit code $rc"
    cmp -s "$tmp/$name.want" "$tmp/$name.$mode.out" || why="${why:+$why; }stdout differs"
    if [[ -n $why ]]; then
      echo "FAIL $name [$mode]: $why"
      diff "$tmp/$name.want" "$tmp/$name.$mode.out" | head -n 15 | sed 's/^/    /'
      head -n 5 "$tmp/$name.$mode.err" | sed 's/^/    [stderr] /'
      fails=$((fails + 1))
    else
      passes=$((passes + 1))
    fi
  }

  (cd "$tmp" && timeout -k 2 60 "$WYN" "$prog" >"$tmp/$name.jit.out" 2>"$tmp/$name.jit.err")
  judge jit $?

  if (cd "$tmp" && timeout -k 2 120 "$WYN" build "$prog" -o "$tmp/$name.exe" -O2 \
        >"$tmp/$name.build.log" 2>&1); then
    (cd "$tmp" && timeout -k 2 60 "$tmp/$name.exe" >"$tmp/$name.build.out" 2>"$tmp/$name.build.err")
    judge build $?
  else
    echo "FAIL $name [build]: wyn build failed"
    head -n 10 "$tmp/$name.build.log" | sed 's/^/    /'
    fails=$((fails + 1))
  fi
done

# The library can also be named relative to nothing: a missing absolute path
# is reported by name before the program runs.
printf 'println("must not print")\nextern "%s/nope/libwyntest.so" { fn wt_u32_max() -> u32 }\nprintln(wt_u32_max())\n' \
  "$tmp" >"$tmp/missing.wyn"
"$WYN" "$tmp/missing.wyn" >"$tmp/missing.out" 2>"$tmp/missing.err"
rc=$?
if [[ $rc != 1 || -s $tmp/missing.out ]] || ! grep -qF "$tmp/nope/libwyntest.so" "$tmp/missing.err"; then
  echo "FAIL missing library path: exit $rc, stdout '$(cat "$tmp/missing.out")', stderr '$(head -n 2 "$tmp/missing.err")'"
  fails=$((fails + 1))
else
  passes=$((passes + 1))
fi
# A symbol missing from the custom library names both.
printf 'println("must not print")\nextern "%s" { fn wt_not_there() -> int }\nprintln(wt_not_there())\n' \
  "$lib" >"$tmp/nosym.wyn"
"$WYN" "$tmp/nosym.wyn" >"$tmp/nosym.out" 2>"$tmp/nosym.err"
rc=$?
if [[ $rc != 1 || -s $tmp/nosym.out ]] || ! grep -qF "symbol wt_not_there not found in $lib" "$tmp/nosym.err"; then
  echo "FAIL missing symbol in custom library: exit $rc, stdout '$(cat "$tmp/nosym.out")', stderr '$(head -n 2 "$tmp/nosym.err")'"
  fails=$((fails + 1))
else
  passes=$((passes + 1))
fi

echo "$passes passed, $fails failed"
[[ $fails == 0 ]]
