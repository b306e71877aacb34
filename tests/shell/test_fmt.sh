#!/usr/bin/env bash
# wyn fmt (front/fmt.c): the command line, the canonical layout of a sample
# that covers every spacing rule, and the proof over every .wyn program of
# tests/ and of the shared conformance suite (when ../shared/conformance
# exists): formatting is idempotent, keeps every comment, leaves files that
# do not parse untouched, and the formatted program prints the same stdout
# and exits with the same status under the JIT as the original.
#
# The run check covers every file that formatting changes and that has an
# expectation comment (unchanged files trivially behave the same), except
# the copies in tests/fuzz/corpus (their originals are checked); it skips
# programs that read standard input (`// stdin:`) and programs that take
# longer than RUN_TIMEOUT seconds, and prints how many it skipped.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$root/wyn}
[[ "$WYN" == /* ]] || WYN=$PWD/$WYN   # the examples run from other folders
RUN_TIMEOUT=${RUN_TIMEOUT:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # NAME WANT GOT
  [[ "$2" == "$3" ]] || { printf 'FAIL %s\n  want: %q\n  got:  %q\n' "$1" "$2" "$3"; fails=$((fails + 1)); }
}

# --- the layout of a sample ---------------------------------------------
cat >"$tmp/in.wyn" <<'EOF'
#!/usr/bin/env wyn
// spacing
fn   add( a:int,b :int )->int{return a+b}
struct P{x:int,y:int}
var m={"a":1,"b":2}
var xs=[1,2,3]
var p=P{x:1,y:-2}
var q=xs[1:-1]
var r=xs.len()>2?-1:xs[0]
var f=|a:int,b:int|a*b
var g=(n:int)=>n-1
var o:Channel<int?> =channel(1)
var t:int?=none
var s=xs.map(fn(v:int)->int{return -v})


var k=0
k+=1 ;k++
println( add(1,2) , m["a"] ,p.x,q,r,f(2,3),g(1),t,s,k)   // trailing
/* block */ for i in 1..=3{print(i)}
if k>0
println("braceless")
var total=1+
2
var chain=xs
.map(|v|v+1)
println(total,chain)
println(xs.map(|v|v+1).filter(|v|v>1).map(|v|v*1000000000).filter(|v|v>0).map(|v|v+123456789).len())
if xs.len()>0 and xs.contains(2) and xs.contains(3) and not xs.contains(4) and xs.len()<100 {
println("a long line without a list to break stays long")
}
for i in 0..-1{print(i)}
println(very_long_function_name_number_one(1000000), very_long_function_name_number_two(2000000, 3000000))
fn very_long_function_name_number_one(x:int)->int{return x}
fn very_long_function_name_number_two(x:int,y:int)->int{return x+y}
match k{
1|2=>println("small")   // one
_=>println("big")       // other
}
EOF
cat >"$tmp/want.wyn" <<'EOF'
#!/usr/bin/env wyn
// spacing
fn add(a: int, b: int) -> int { return a + b }
struct P { x: int, y: int }
var m = {"a": 1, "b": 2}
var xs = [1, 2, 3]
var p = P { x: 1, y: -2 }
var q = xs[1:-1]
var r = xs.len() > 2 ? -1 : xs[0]
var f = |a: int, b: int| a * b
var g = (n: int) => n - 1
var o: Channel<int?> = channel(1)
var t: int? = none
var s = xs.map(fn(v: int) -> int { return -v })

var k = 0
k += 1; k++
println(add(1, 2), m["a"], p.x, q, r, f(2, 3), g(1), t, s, k) // trailing
/* block */ for i in 1..=3 { print(i) }
if k > 0
    println("braceless")
var total = 1 +
    2
var chain = xs
    .map(|v| v + 1)
println(total, chain)
println(
    xs.map(|v| v + 1)
        .filter(|v| v > 1)
        .map(|v| v * 1000000000)
        .filter(|v| v > 0)
        .map(|v| v + 123456789)
        .len()
)
if xs.len() > 0 and xs.contains(2) and xs.contains(3) and not xs.contains(4) and xs.len() < 100 {
    println("a long line without a list to break stays long")
}
for i in 0..-1 { print(i) }
println(
    very_long_function_name_number_one(1000000),
    very_long_function_name_number_two(2000000, 3000000)
)
fn very_long_function_name_number_one(x: int) -> int { return x }
fn very_long_function_name_number_two(x: int, y: int) -> int { return x + y }
match k {
    1 | 2 => println("small") // one
    _ => println("big")       // other
}
EOF
cp "$tmp/in.wyn" "$tmp/sample.wyn"
chmod 750 "$tmp/sample.wyn"
"$WYN" fmt --check "$tmp/sample.wyn" >"$tmp/diff"; rc=$?
check "--check status when a change is due" 1 "$rc"
grep -q "^--- $tmp/sample.wyn" "$tmp/diff" && grep -q '^@@ -1,' "$tmp/diff" &&
  grep -q '^-fn   add( a:int,b :int )->int{return a+b}$' "$tmp/diff" &&
  grep -q '^+fn add(a: int, b: int) -> int { return a + b }$' "$tmp/diff" ||
  fail "--check prints a unified diff: $(head -8 "$tmp/diff")"
cmp -s "$tmp/in.wyn" "$tmp/sample.wyn" || fail "--check changed the file"
"$WYN" fmt "$tmp/sample.wyn"; check "fmt status" 0 $?
diff -u "$tmp/want.wyn" "$tmp/sample.wyn" >"$tmp/d" || { fail "sample layout:"; cat "$tmp/d"; }
check "fmt keeps the file mode" 750 "$(stat -c %a "$tmp/sample.wyn")"
check "no temporary file left" "" "$(ls -A "$tmp" | grep fmt-)"
check "formatted sample runs like the original" \
  "$("$WYN" "$tmp/in.wyn" 2>&1; echo "exit $?")" "$("$WYN" "$tmp/sample.wyn" 2>&1; echo "exit $?")"
"$WYN" fmt --check "$tmp/sample.wyn" >"$tmp/diff"; rc=$?
check "--check on a formatted file" "0:" "$rc:$(cat "$tmp/diff")"
check "stdin to stdout" "$(cat "$tmp/want.wyn")" "$("$WYN" fmt - <"$tmp/in.wyn")"

printf 'var x = (1 +\n' >"$tmp/bad.wyn"
cp "$tmp/bad.wyn" "$tmp/bad.orig"
"$WYN" fmt "$tmp/bad.wyn" 2>"$tmp/err"; rc=$?
check "syntax error status" 1 "$rc"
grep -q "bad.wyn:2:1: error:" "$tmp/err" || fail "syntax error position: $(cat "$tmp/err")"
cmp -s "$tmp/bad.wyn" "$tmp/bad.orig" || fail "a file that does not parse was changed"
"$WYN" fmt --frob "$tmp/bad.wyn" 2>/dev/null; check "unknown option" 1 $?
"$WYN" fmt 2>/dev/null; check "no files" 1 $?
"$WYN" fmt "$tmp/nonexistent.wyn" 2>/dev/null; check "missing file" 1 $?
mkdir -p "$tmp/dir/sub" "$tmp/dir/.hidden"
printf 'var  a=1\n' >"$tmp/dir/sub/a.wyn"
printf 'var  b=1\n' >"$tmp/dir/.hidden/b.wyn"
printf 'var  c=1\n' >"$tmp/dir/c.txt"
"$WYN" fmt "$tmp/dir"; check "folder status" 0 $?
check "folder: .wyn below it" "var a = 1" "$(cat "$tmp/dir/sub/a.wyn")"
check "folder: hidden and other files untouched" "var  b=1|var  c=1" \
  "$(cat "$tmp/dir/.hidden/b.wyn")|$(cat "$tmp/dir/c.txt")"

# --- every program of tests/ and the conformance suite -------------------
mkdir -p "$tmp/orig" "$tmp/fmt"
cp -r "$root/tests" "$tmp/orig/tests"
rm -rf "$tmp/orig/tests/fuzz/out"
conf=$root/../shared/conformance/tests
[[ -d "$conf" ]] && cp -r "$conf" "$tmp/orig/conformance"
cp -r "$tmp/orig/." "$tmp/fmt/"
(cd "$tmp/fmt" && "$WYN" fmt . >"$tmp/fmt.out" 2>"$tmp/fmt.err"); rc=$?
# 1: the tests of syntax errors do not parse (they are reported and kept)
[[ $rc == 1 ]] && grep -q "errors/.*: error:" "$tmp/fmt.err" || fail "wyn fmt over the tree: status $rc"
grep -q "internal error" "$tmp/fmt.err" && fail "internal errors: $(grep 'internal error' "$tmp/fmt.err" | head -5)"
(cd "$tmp/fmt" && "$WYN" fmt --check . >"$tmp/again.diff" 2>/dev/null)
[[ -s "$tmp/again.diff" ]] && { fail "not idempotent:"; head -40 "$tmp/again.diff"; }

files=$(cd "$tmp/orig" && find . -name '*.wyn' | wc -l)
changed=0 runs=0 skipped=0
while IFS= read -r f; do
  changed=$((changed + 1))
  a=$tmp/orig/$f b=$tmp/fmt/$f
  # the file parsed (a file that does not parse is never changed), so
  # its comments must all still be there
  for mark in '//' '/*'; do
    na=$(grep -o -F -- "$mark" "$a" | wc -l) nb=$(grep -o -F -- "$mark" "$b" | wc -l)
    [[ "$na" == "$nb" ]] || fail "$f: $na '$mark' before formatting, $nb after"
  done
  [[ "$f" == tests/fuzz/corpus/* ]] && continue # copies of the programs run here
  grep -q -E '^[[:space:]]*// (expect|expect-error|expect-runtime-error|expect-exit):' "$a" || continue
  if grep -q '^[[:space:]]*// stdin:' "$a"; then skipped=$((skipped + 1)); continue; fi
  read -r -a args <<<"$(grep -m1 -E '^[[:space:]]*// args:' "$a" | sed 's/^[[:space:]]*\/\/ args://')"
  run() { (cd "$(dirname "$1")" && timeout "$RUN_TIMEOUT" "$WYN" "$(basename "$1")" "${args[@]}" </dev/null 2>/dev/null; echo "exit $?"); }
  out_a=$(run "$a")
  if [[ "$out_a" == *"exit 124" ]]; then skipped=$((skipped + 1)); continue; fi
  out_b=$(run "$b")
  runs=$((runs + 1))
  [[ "$out_a" == "$out_b" ]] || fail "$f behaves differently once formatted"
done < <(cd "$tmp" && diff -rq orig fmt | sed -n 's|^Files orig/\(.*\) and fmt/.* differ$|\1|p' | sort)
echo "fmt: $files files, $changed changed by formatting, $runs run before and after, $skipped not run (stdin or over ${RUN_TIMEOUT}s)"
(( files > 100 )) || fail "only $files .wyn files found"
exit $((fails > 0))
