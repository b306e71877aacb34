#!/usr/bin/env bash
# Every example in docs/*.md runs (docs/README.md explains the markup):
#   ```wyn                 a program; what follows it says how to check it:
#   ```output              ... its standard output, exactly; exit status 0
#   ```error               ... it fails (compile or runtime error, exit status
#                          not 0) and stderr contains each line of the block
#   (nothing)              ... it must compile (`wyn check`): programs that
#                          serve, read standard input or run forever
#   ```wyn file=NAME.wyn   a module: written next to the programs that follow
#                          in the same document, not run by itself
# Programs run as example.wyn from a fresh folder holding the modules, so
# messages read example.wyn:LINE:COL.  Exit 0 when every example holds.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
WYN=${WYN:-$root/wyn}
[[ "$WYN" == /* ]] || WYN=$PWD/$WYN   # the examples run from other folders
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 count=0

# Splits a document into numbered pieces: for each fenced block a file
# $tmp/N.kind (kind: wyn, output, error, file:NAME) holding its lines.
split_doc() {
  awk -v dir="$1" '
    /^```/ && !inside { inside = 1; n++; kind = substr($0, 4); sub(/[ \t]+$/, "", kind)
                        if (kind ~ /^wyn file=/) kind = "file:" substr(kind, 10)
                        file = sprintf("%s/%04d.%s", dir, n, kind); printf "" > file; next }
    /^```/ && inside  { inside = 0; close(file); next }
    inside            { print > file }
  ' "$2"
}

for doc in "$root"/docs/*.md; do
  name=${doc#"$root"/}
  rm -rf "$tmp/pieces" "$tmp/run"
  mkdir -p "$tmp/pieces" "$tmp/run"
  split_doc "$tmp/pieces" "$doc"
  pieces=()
  for p in "$tmp"/pieces/*; do pieces+=("$p"); done
  for ((i = 0; i < ${#pieces[@]}; i++)); do
    p=${pieces[$i]}
    kind=${p##*/????.}
    case "$kind" in
      file:*) cp "$p" "$tmp/run/${kind#file:}"; continue ;;
      wyn) ;;
      *) continue ;;
    esac
    count=$((count + 1))
    first=$(head -1 "$p")
    cp "$p" "$tmp/run/example.wyn"
    next=${pieces[$((i + 1))]:-}
    nkind=${next##*/????.}
    where="$name: example $count ($first)"
    if [[ -n "$next" && "$nkind" == output ]]; then
      got=$(cd "$tmp/run" && timeout 20 "$WYN" example.wyn </dev/null 2>"$tmp/err"; echo "exit $?")
      want="$(cat "$next")"$'\n'"exit 0"
      if [[ "$got" != "$want" ]]; then
        fails=$((fails + 1))
        echo "FAIL $where"
        diff <(echo "$want") <(echo "$got") | head -20
        head -5 "$tmp/err"
      fi
    elif [[ -n "$next" && "$nkind" == error ]]; then
      (cd "$tmp/run" && timeout 20 "$WYN" example.wyn </dev/null >/dev/null 2>"$tmp/err"); rc=$?
      if [[ $rc == 0 || $rc == 124 ]]; then
        fails=$((fails + 1)); echo "FAIL $where: exit status $rc, expected an error"
      fi
      while IFS= read -r line; do
        grep -q -F -- "$line" "$tmp/err" ||
          { fails=$((fails + 1)); echo "FAIL $where: stderr lacks: $line"; head -5 "$tmp/err"; }
      done <"$next"
    else
      (cd "$tmp/run" && "$WYN" check example.wyn 2>"$tmp/err") ||
        { fails=$((fails + 1)); echo "FAIL $where: does not compile"; head -5 "$tmp/err"; }
    fi
  done
done
echo "docs: $count examples, $fails failed"
(( count > 40 )) || { echo "FAIL only $count examples found in docs/"; exit 1; }
exit $((fails > 0))
