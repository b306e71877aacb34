#!/usr/bin/env bash
# The wyn command line (SPEC §1): -e, check, run, '-' for stdin, --emit-c,
# build, --help, --version, --list-builtins, shebang scripts, and clean failures for bad
# invocations.  Exit 0 when every check holds; each failure is printed.
set -u
WYN=${WYN:-$(cd "$(dirname "$0")/../.." && pwd)/wyn}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # NAME WANT GOT
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s\n  want: %q\n  got:  %q\n' "$1" "$2" "$3"
    fails=$((fails + 1))
  fi
}

check "-e prints" "7" "$("$WYN" -e 'println(3 + 4)')"
check "-e args" '["x", "y"]' "$("$WYN" -e 'println(System.args())' x y)"
"$WYN" -e 'return 5'; check "-e exit status" 5 $?

printf 'println("from stdin")\n' >"$tmp/p.wyn"
check "stdin program" "from stdin" "$("$WYN" - <"$tmp/p.wyn")"
check "run subcommand" "from stdin" "$("$WYN" run "$tmp/p.wyn")"

"$WYN" check "$tmp/p.wyn" >"$tmp/out" 2>&1; rc=$?
check "check ok status" 0 $rc
check "check prints nothing" "" "$(cat "$tmp/out")"
printf 'var x: int = "s"\n' >"$tmp/bad.wyn"
"$WYN" check "$tmp/bad.wyn" 2>"$tmp/err"; rc=$?
check "check error status" 1 $rc
grep -q "bad.wyn:1:14: error:" "$tmp/err" || { echo "FAIL check error position: $(cat "$tmp/err")"; fails=$((fails + 1)); }

"$WYN" --help >"$tmp/help"; check "--help status" 0 $?
grep -q "usage: wyn" "$tmp/help" || { echo "FAIL --help text"; fails=$((fails + 1)); }
"$WYN" --version | grep -q '^wyn [0-9]' || { echo "FAIL --version"; fails=$((fails + 1)); }

# --list-builtins: one line per row of the table of built-ins
"$WYN" --list-builtins >"$tmp/builtins"; check "--list-builtins status" 0 $?
grep -qx 'string.split(sep: string) -> \[string\] — the parts between occurrences of sep' "$tmp/builtins" ||
  { echo "FAIL --list-builtins has no string.split line"; fails=$((fails + 1)); }
grep -q '^File.read(path: string) -> string — ' "$tmp/builtins" ||
  { echo "FAIL --list-builtins has no File.read line"; fails=$((fails + 1)); }
[[ $(grep -c ' — ' "$tmp/builtins") -gt 150 ]] || { echo "FAIL --list-builtins lists too few rows"; fails=$((fails + 1)); }

"$WYN" --emit-c "$tmp/p.wyn" -o "$tmp/p.c"; check "--emit-c status" 0 $?
grep -q '#include "wyn_rt.h"' "$tmp/p.c" || { echo "FAIL --emit-c has no runtime include"; fails=$((fails + 1)); }
grep -q '#include <' "$tmp/p.c" && { echo "FAIL --emit-c includes a system header"; fails=$((fails + 1)); }

"$WYN" build "$tmp/p.wyn" -o "$tmp/p.exe" -O1; check "build status" 0 $?
check "built binary output" "from stdin" "$("$tmp/p.exe")"

# wyn build links the libraries that extern blocks name (issue 5)
printf 'extern "libz.so.1" { fn zlibVersion() -> string }\nprintln(zlibVersion().starts_with("1."))\n' >"$tmp/z.wyn"
"$WYN" build "$tmp/z.wyn" -o "$tmp/z.exe"; check "build with a library" 0 $?
check "built binary with a library" "true" "$("$tmp/z.exe")"
ldd "$tmp/z.exe" | grep -q 'libz\.so\.1' || { echo "FAIL wyn build did not link libz.so.1"; fails=$((fails + 1)); }

# the linker would replace a device given as the output: refused
"$WYN" build "$tmp/p.wyn" -o /dev/null 2>"$tmp/err"; check "build -o /dev/null refused" 1 $?
[[ -c /dev/null ]] || { echo "FAIL /dev/null is no longer a device"; fails=$((fails + 1)); }

printf '#!/usr/bin/env wyn\nprintln("shebang")\n' >"$tmp/s.wyn"
chmod +x "$tmp/s.wyn"
check "shebang script" "shebang" "$(PATH="$(dirname "$WYN"):$PATH" "$tmp/s.wyn")"

"$WYN" "$tmp/missing.wyn" 2>"$tmp/err"; rc=$?
check "missing file status" 1 $rc
grep -q "cannot open" "$tmp/err" || { echo "FAIL missing file message"; fails=$((fails + 1)); }
"$WYN" --bogus 2>/dev/null; check "unknown option status" 1 $?
"$WYN" 2>/dev/null; check "no arguments status" 1 $?

echo "$fails failures"
[[ $fails == 0 ]]
