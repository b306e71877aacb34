#!/usr/bin/env bash
# `wyn build` links each standard-library library only into programs that
# use it (runtime/README.md, "Standard library"):
#   1. a program calling no library module needs none of libpcre2-8,
#      libsqlite3, libcrypto (readelf -d shows no NEEDED entry for them);
#   2. C code calling rt_regex_match / rt_db_open, linked against
#      libwynrt.a with the same library flags as `wyn build`, needs exactly
#      the library of each call it makes (the lib_*.o files are separate
#      archive members, and --as-needed keeps unused libraries out).
# Exit 0 when everything passed; 77 (skip) without readelf.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$ROOT/wyn}
command -v readelf >/dev/null || { echo "skip: readelf is not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wyn-stdlib-link.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
needed() { readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' '; }
check() {  # NAME EXE WANT-REGEX UNWANTED-REGEX
  local got
  got=$(needed "$2")
  if [[ -n $3 ]] && ! [[ $got =~ $3 ]]; then echo "FAIL $1: needs [$got], lacks $3"; fails=$((fails + 1)); fi
  if [[ -n $4 ]] && [[ $got =~ $4 ]]; then echo "FAIL $1: needs [$got], should not need $4"; fails=$((fails + 1)); fi
}

echo 'print("hello")' >"$tmp/hello.wyn"
if "$WYN" build "$tmp/hello.wyn" -o "$tmp/hello" && [[ $("$tmp/hello") == hello ]]; then
  check hello "$tmp/hello" "" "pcre2|sqlite|crypto"
else
  echo "FAIL hello: wyn build or run failed"; fails=$((fails + 1))
fi

link() {  # NAME C-BODY: a C main against libwynrt.a, wyn build's library flags
  printf '#include "wyn_rt.h"\nint main(void) { %s }\n' "$2" >"$tmp/$1.c"
  cc -I"$ROOT/runtime" "$tmp/$1.c" "$ROOT/build/libwynrt.a" -o "$tmp/$1" \
     -Wl,--as-needed -lpcre2-8 -lsqlite3 -lcrypto -lffi -ldl -lpthread -lm 2>"$tmp/$1.log" &&
    "$tmp/$1"
}
if link regex 'return !rt_regex_match(rt_str_cstr("abc"), rt_str_cstr("b+"), 0);'; then
  check regex "$tmp/regex" "libpcre2-8" "sqlite|crypto"
else echo "FAIL regex: link or run failed"; cat "$tmp/regex.log"; fails=$((fails + 1)); fi
if link db 'rt_db_close(rt_db_open(rt_str_cstr(":memory:"), 0), 0); return 0;'; then
  check db "$tmp/db" "libsqlite3" "pcre2|crypto"
else echo "FAIL db: link or run failed"; cat "$tmp/db.log"; fails=$((fails + 1)); fi
if link sha 'return rt_crypto_sha256(rt_str_cstr("abc"))->len != 64;'; then
  check sha "$tmp/sha" "libcrypto" "pcre2|sqlite"
else echo "FAIL sha: link or run failed"; cat "$tmp/sha.log"; fails=$((fails + 1)); fi
if link rand 'return rt_uuid_v4(0)->len != 36;'; then
  check rand "$tmp/rand" "" "pcre2|sqlite|crypto"
else echo "FAIL rand: link or run failed"; cat "$tmp/rand.log"; fails=$((fails + 1)); fi
[[ $fails == 0 ]] && echo "stdlib link: ok"
exit $((fails > 0))
