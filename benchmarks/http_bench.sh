#!/usr/bin/env bash
# HTTP server load test: wrk against the Wyn server (wyn/http_server.wyn,
# under the JIT, with the default worker count and with WYN_THREADS=1) and
# against a Go net/http server (go/http_server.go) answering the same
# 14-byte body, in the same run.  From the project root, after make:
#
#   bash benchmarks/http_bench.sh
#
# Each server listens on a free loopback port (port 0) and reports it; the
# script checks with curl that it answers 200 "hello from wyn" (twice over
# one keep-alive connection), warms it up with a short wrk run, then runs
#   wrk -t2 -c100 -d5s --latency http://127.0.0.1:PORT/
# five times (HTTP_BENCH_RUNS) and checks it still answers.  Requests/s and
# latencies are the medians of those runs (requests/s with its range);
# requests, bytes and errors are summed over them.  It records requests/s, latency percentiles
# (50/90/99, and the max), and errors (non-2xx/3xx responses and socket
# errors), replaces the "## HTTP server (wrk)" section of RESULTS.md
# (appending it when absent), and prints a one-line summary.  Servers are
# stopped with GET /quit, killed if they linger.
#
# Environment: HTTP_BENCH_DURATION (seconds per run, default 5),
# HTTP_BENCH_RUNS (wrk runs per server, default 5; fewer give no verdict), HTTP_BENCH_CONNS
# (default 100), HTTP_BENCH_THREADS (wrk threads, default 2),
# HTTP_BENCH_WARMUP (seconds, default 2), HTTP_BENCH_TASKS (accepting tasks
# in the Wyn server, default 4).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
B=benchmarks
RESULTS=$B/RESULTS.md
DUR=${HTTP_BENCH_DURATION:-5}
RUNS=${HTTP_BENCH_RUNS:-5}
VERDICT_RUNS=5
CONNS=${HTTP_BENCH_CONNS:-100}
WTHREADS=${HTTP_BENCH_THREADS:-2}
WARM=${HTTP_BENCH_WARMUP:-2}
TASKS=${HTTP_BENCH_TASKS:-4}
BODY="hello from wyn"
WYN=./wyn
WRK_ARGS=(-t"$WTHREADS" -c"$CONNS" -d"${DUR}s" --latency)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wyn-httpbench.XXXXXX") || exit 2
# Wyn's JIT figures are tcc's code: no optimized tier (codegen/tier.h).
export XDG_CACHE_HOME="$TMP/cache" WYN_CACHE=off
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[http-bench] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

declare -A V=() WHY=()   # V[impl.field] = number; WHY[impl] = why it failed
IMPLS=(go wyn wyn1)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
NPROC=$(nproc)
declare -A LABEL=([go]="Go net/http" [wyn]="Wyn, default workers ($NPROC)" [wyn1]="Wyn, \`WYN_THREADS=1\`")

# start_server IMPL PORTFILE CMD...: start CMD in the background (its stdout
# in $TMP/IMPL.out); the port is the first line of PORTFILE (Go: its
# stdout; Wyn: the file it is given, as its stdout is block-buffered).
PORT=""
start_server() {
  local impl=$1 pf=$2 i; shift 2
  PORT=""
  "$@" </dev/null >"$TMP/$impl.out" 2>"$TMP/$impl.err" &
  SERVER_PID=$!
  for ((i = 0; i < 100; i++)); do   # up to 10 s
    PORT=$(head -n 1 "$pf" 2>/dev/null)
    [[ $PORT =~ ^[0-9]+$ ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  WHY[$impl]="server did not report a port: $(head -n 2 "$TMP/$impl.err" | tr '\n' ' ' | cut -c1-160)"
  stop_server
  return 1
}

# stop_server: GET /quit, then wait up to 3 s for the exit, then kill -9.
stop_server() {
  local i
  [[ -n $SERVER_PID ]] || return 0
  [[ -n $PORT ]] && curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/quit"
  for ((i = 0; i < 30; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server $SERVER_PID ignored /quit; killing it"
    kill -9 "$SERVER_PID" 2>/dev/null
  fi
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# check IMPL WHEN: two GETs over one keep-alive connection must both be
# 200 with the body.
check() {
  local impl=$1 when=$2 got
  got=$(curl -s -m 5 -w '[%{http_code}]' "http://127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/b?x=1" 2>&1)
  [[ $got == "${BODY}[200]${BODY}[200]" ]] && return 0
  WHY[$impl]="$when: curl got '$(printf %s "$got" | cut -c1-120)', want '${BODY}[200]${BODY}[200]'"
  return 1
}

# to_ms VALUE-WITH-UNIT (wrk prints us, ms, s, m)
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) print "?"; else printf "%.2f", n * f }'
}

# parse IMPL FILE: wrk output -> V[IMPL.*]
parse() {
  local impl=$1 f=$2 x
  V[$impl.rps]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
  for p in 50 75 90 99; do
    x=$(awk -v p="$p%" '$1 == p {print $2; exit}' "$f")
    [[ -n $x ]] && V[$impl.p$p]=$(to_ms "$x")
  done
  x=$(awk '$1 == "Latency" && NF >= 4 {print $4; exit}' "$f")
  [[ -n $x ]] && V[$impl.max]=$(to_ms "$x")
  read -r "V[$impl.reqs]" "V[$impl.bytes]" < <(awk '/requests in/ {
      b = $5; sub(/,$/, "", b); n = b + 0; u = b; sub(/^[0-9.]+/, "", u)
      m = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1
      printf "%s %.0f\n", $1, n * m }' "$f")
  V[$impl.non2xx]=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2 + 0}' "$f")
  V[$impl.non2xx]=${V[$impl.non2xx]:-0}
  # "Socket errors: connect 0, read 0, write 0, timeout 0" (absent when all 0)
  read -r "V[$impl.econnect]" "V[$impl.eread]" "V[$impl.ewrite]" "V[$impl.etimeout]" < <(awk '
    /Socket errors:/ { gsub(/,/, ""); print $4 + 0, $6 + 0, $8 + 0, $10 + 0; f = 1 }
    END { if (!f) print 0, 0, 0, 0 }' "$f")
  V[$impl.errors]=$((V[$impl.non2xx] + V[$impl.econnect] + V[$impl.eread] + V[$impl.ewrite] + V[$impl.etimeout]))
  [[ -n ${V[$impl.rps]} ]] || { WHY[$impl]="could not parse wrk output: $(head -n 3 "$f" | tr '\n' ' ')"; return 1; }
}

# bench IMPL PORTFILE CMD...: start, check, warm up, measure, check, stop.
bench() {
  bench_one "$@"
  [[ -z ${WHY[$1]:-} ]] || log "FAILED ${LABEL[$1]}: ${WHY[$1]}"
}
bench_one() {
  local impl=$1 pf=$2; shift 2
  log "${LABEL[$impl]}"
  start_server "$impl" "$pf" "$@" || return 1
  if ! check "$impl" "before the run"; then stop_server; return 1; fi
  timeout -k 2 $((WARM + 20)) wrk -t"$WTHREADS" -c"$CONNS" -d"${WARM}s" "http://127.0.0.1:$PORT/" \
    >"$TMP/$impl.warm" 2>&1
  local r
  for ((r = 0; r < RUNS; r++)); do
    if ! timeout -k 2 $((DUR + 30)) wrk "${WRK_ARGS[@]}" "http://127.0.0.1:$PORT/" >"$TMP/$impl.wrk.$r" 2>&1; then
      WHY[$impl]="wrk failed: $(tail -n 2 "$TMP/$impl.wrk.$r" | tr '\n' ' ' | cut -c1-160)"
      stop_server; return 1
    fi
    parse "$impl.r$r" "$TMP/$impl.wrk.$r" || { WHY[$impl]=${WHY[$impl.r$r]}; stop_server; return 1; }
  done
  combine "$impl"
  check "$impl" "after the runs"
  stop_server
}

# combine IMPL: the runs IMPL.r0..r(RUNS-1) -> medians (rps with its range,
# latencies) and sums (requests, bytes, errors) in V[IMPL.*].
combine() {
  local impl=$1 k r
  for k in rps p50 p75 p90 p99 max; do
    for ((r = 0; r < RUNS; r++)); do echo "${V[$impl.r$r.$k]:-}"; done | grep . | sort -n >"$TMP/vals"
    [[ -s $TMP/vals ]] || continue
    V[$impl.$k]=$(awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}' "$TMP/vals")
    V[$impl.$k.min]=$(head -n 1 "$TMP/vals") V[$impl.$k.max]=$(tail -n 1 "$TMP/vals")
  done
  for k in reqs bytes non2xx econnect eread ewrite etimeout errors; do
    V[$impl.$k]=0
    for ((r = 0; r < RUNS; r++)); do V[$impl.$k]=$((V[$impl.$k] + ${V[$impl.r$r.$k]:-0})); done
  done
}

have wrk || { log "wrk not installed (Debian package wrk)"; WHY[go]="wrk not installed"; WHY[wyn]="wrk not installed"; WHY[wyn1]="wrk not installed"; }
have curl || { log "curl not installed"; exit 1; }

if [[ -z ${WHY[go]:-} ]]; then
  if ! have go; then
    WHY[go]="go not installed"
  else
    mkdir -p "$TMP/gosrc"
    cp "$B/go/http_server.go" "$TMP/gosrc/"
    if (cd "$TMP/gosrc" && GO111MODULE=off GOFLAGS='' go build -o "$TMP/go_http_server" http_server.go) \
         >"$TMP/gobuild.err" 2>&1; then
      bench go "$TMP/go.out" "$TMP/go_http_server"
    else
      WHY[go]="go build failed: $(head -n 2 "$TMP/gobuild.err" | tr '\n' ' ')"
    fi
  fi
fi
if [[ -z ${WHY[wyn]:-} ]]; then
  if [[ ! -x $WYN ]]; then
    WHY[wyn]="./wyn not built"; WHY[wyn1]="./wyn not built"
  else
    sed "s|^const TASKS = .*\$|const TASKS = $TASKS|" "$B/wyn/http_server.wyn" >"$TMP/http_server.wyn"
    bench wyn "$TMP/wyn.port" "$WYN" "$TMP/http_server.wyn" "$TMP/wyn.port"
    bench wyn1 "$TMP/wyn1.port" env WYN_THREADS=1 "$WYN" "$TMP/http_server.wyn" "$TMP/wyn1.port"
  fi
fi

val() { local v=${V[$1]:-}; [[ -n $v ]] && echo "$v" || echo failed; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "–" }'; }
per_resp() { awk -v b="${V[$1.bytes]:-0}" -v n="${V[$1.reqs]:-0}" 'BEGIN { if (n > 0) printf "%.0f", b / n; else print "–" }'; }
errs() {
  local i=$1
  [[ -n ${V[$i.rps]:-} ]] || { echo failed; return; }
  echo "${V[$i.errors]} (non-2xx/3xx ${V[$i.non2xx]}; connect ${V[$i.econnect]}, read ${V[$i.eread]}, write ${V[$i.ewrite]}, timeout ${V[$i.etimeout]})"
}
verdict() {  # IMPL: met when rps >= Go's and no errors
  local i=$1
  ((RUNS >= VERDICT_RUNS)) || { echo "n/a ($RUNS runs)"; return; }
  [[ -n ${V[$i.rps]:-} && -n ${V[go.rps]:-} ]] || { echo n/a; return; }
  [[ -z ${WHY[$i]:-} ]] || { echo "**missed** (failed)"; return; }
  local rps=${V[$i.rps]%.*} errors=${V[$i.errors]}
  local go=${V[go.rps]%.*}
  if ((rps >= go && errors == 0)); then echo "**met**"; else echo "**missed**"; fi
}

section() {
  local cpu i
  cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
  echo "## HTTP server (wrk)"
  echo
  echo "Written by \`benchmarks/http_bench.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'); ${cpu:-unknown CPU}, $NPROC cores;"
  echo "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the end;"
  echo "$(have wrk && wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2 || echo 'wrk not installed'), $(have go && go version | cut -d' ' -f3 || echo 'go not installed'))."
  echo "\`wrk ${WRK_ARGS[*]} http://127.0.0.1:PORT/\` on loopback, keep-alive, after a ${WARM} s"
  echo "warm-up; $RUNS runs per server: requests/s and latencies are medians of the runs"
  echo "(requests/s range in brackets), requests, bytes and errors are totals over the runs;"
  echo "wrk and the server share the machine's $NPROC cores."
  echo "Every request is answered 200 \`$BODY\` (14 bytes). Wyn: \`wyn/http_server.wyn\` under"
  echo "the JIT, $TASKS tasks looping \`Http.accept\` / \`Http.respond\`; Go: \`go/http_server.go\`,"
  echo "\`http.Serve\` with one handler (default GOMAXPROCS; its responses also carry a \`Date\`"
  echo "header). Both answered curl correctly before and after the run unless noted below."
  echo
  echo "| server | requests/s | p50 ms | p90 ms | p99 ms | max ms | requests | bytes/response | errors |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for i in "${IMPLS[@]}"; do
    echo "| ${LABEL[$i]} | $(val $i.rps)$( [[ -n ${V[$i.rps.min]:-} ]] && echo " (${V[$i.rps.min]}–${V[$i.rps.max]})") | $(val $i.p50) | $(val $i.p90) | $(val $i.p99) | $(val $i.max) | $(val $i.reqs) | $(per_resp $i) | $(errs $i) |"
  done
  for i in wyn wyn1; do
    echo "| Wyn/Go, ${LABEL[$i]#Wyn, } | $(ratio "$(val $i.rps)" "$(val go.rps)") | $(ratio "$(val $i.p50)" "$(val go.p50)") | $(ratio "$(val $i.p90)" "$(val go.p90)") | $(ratio "$(val $i.p99)" "$(val go.p99)") | $(ratio "$(val $i.max)" "$(val go.max)") | | | |"
  done
  echo
  echo "Aim (issue 6): at least Go's throughput with zero failed requests —"
  echo "default workers: $(verdict wyn); \`WYN_THREADS=1\`: $(verdict wyn1)."
  if ((${#WHY[@]})); then
    echo
    for i in "${IMPLS[@]}"; do [[ -n ${WHY[$i]:-} ]] && echo "- ${LABEL[$i]} failed: ${WHY[$i]}"; done
  fi
}
section >"$TMP/section.md"

# Replace the old section (up to the next "## " heading) or append.
if [[ -f $RESULTS ]]; then
  awk -v new="$TMP/section.md" '
    /^## HTTP server \(wrk\)[[:space:]]*$/ { skip = 1; if (!done) { while ((getline l < new) > 0) print l; print ""; done = 1 }; next }
    skip && /^## / { skip = 0 }
    !skip { print }
    END { if (!done) { print ""; while ((getline l < new) > 0) print l } }
  ' "$RESULTS" >"$TMP/results.md" && cp "$TMP/results.md" "$RESULTS"
else
  cp "$TMP/section.md" "$RESULTS"
fi
log "updated $RESULTS"

summ() {  # IMPL: "N req/s (E errors[, R × Go])", or the failure
  local i=$1
  if [[ -n ${WHY[$i]:-} ]]; then echo "FAILED (${WHY[$i]})"; return; fi
  printf '%s req/s (%s errors' "$(val $i.rps)" "$(val $i.errors)"
  [[ $i != go ]] && printf ', %s × Go' "$(ratio "$(val $i.rps)" "$(val go.rps)")"
  echo ")"
}
summary="http: Go $(summ go); Wyn $(summ wyn); Wyn WYN_THREADS=1 $(summ wyn1)"
echo "$summary"
((${#WHY[@]} == 0))
