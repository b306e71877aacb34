#!/usr/bin/env bash
# diag_internal (front/diag.c), the one report of an unhandled case inside
# the compiler: `file:line:col: internal error: ...`, the source line and
# a caret, a "please report" line, exit status 70.  A case the checker or
# the emitter does not handle cannot be reached from a .wyn program (that
# is the point), so a small C driver calls the helper directly.  Also
# checks that `wyn check` on import cycles ends with a diagnostic, not a
# crash, and names the files of a cycle among imported modules.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$ROOT/wyn}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # NAME WANT GOT
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s\n  want: %q\n  got:  %q\n' "$1" "$2" "$3"
    fails=$((fails + 1))
  fi
}

cat >"$tmp/driver.c" <<'C'
#include "diag.h"
#include <string.h>
int main(void)
{
    const char *src = "var x = 1\nprintln(x)\n";
    int f = diag_add_file("prog.wyn", src, (int)strlen(src));
    diag_internal(f, 2, 9, "check_expr: unhandled expression kind '%s'", "widget");
}
C
if ! cc -std=gnu11 -Wall -Wextra -I"$ROOT/front" "$tmp/driver.c" "$ROOT/front/diag.c" \
     "$ROOT/front/common.c" -o "$tmp/driver" 2>"$tmp/cc"; then
  echo "FAIL driver does not compile"; cat "$tmp/cc"; exit 1
fi
"$tmp/driver" 2>"$tmp/err"; rc=$?
check "internal error exit status" 70 $rc
check "internal error message" \
  "prog.wyn:2:9: internal error: check_expr: unhandled expression kind 'widget'" "$(sed -n 1p "$tmp/err")"
check "internal error source line" "    println(x)" "$(sed -n 2p "$tmp/err")"
check "internal error caret" "            ^" "$(sed -n 3p "$tmp/err")"
grep -q "please report" "$tmp/err"; check "internal error asks for a report" 0 $?

# import cycles: a diagnostic naming the cycle, exit 1, no crash
mkdir "$tmp/m"
printf 'import b\nprintln(1)\n' >"$tmp/m/a.wyn"
printf 'import c\npub fn f() -> int { return 1 }\n' >"$tmp/m/b.wyn"
printf 'import b\npub fn g() -> int { return 2 }\n' >"$tmp/m/c.wyn"
"$WYN" check "$tmp/m/a.wyn" 2>"$tmp/err"; rc=$?
check "cycle among modules status" 1 $rc
check "cycle among modules message" "$tmp/m/b.wyn:1:1: error: import cycle: b.wyn imports c.wyn imports b.wyn" \
  "$(sed -n 1p "$tmp/err")"
printf 'import a\nprintln(1)\n' >"$tmp/m/a.wyn"
"$WYN" check "$tmp/m/a.wyn" 2>"$tmp/err"; rc=$?
check "self import status" 1 $rc
check "self import message" "$tmp/m/a.wyn:1:1: error: import cycle: a.wyn imports a.wyn" "$(sed -n 1p "$tmp/err")"

[[ $fails == 0 ]] && echo "ok"
exit $((fails > 0))
