#!/usr/bin/env bash
# Fault test for the HTTP server (issue 6): 1000 misbehaving clients, then
# normal requests must still be served and the server's open descriptors
# must not have grown.  Bounded: about 30 s at most.  Loopback only.
#
#   bash tests/io/fault_test.sh            (from anywhere; needs python3)
#   FAULT_SERVER=c bash tests/io/fault_test.sh   use the C twin of the server
#
# Server: ./wyn tests/io/fault_server.wyn (the C twin tests/io/fault_server.c
# when ./wyn is missing or cannot run it).  Prints PASS or FAIL last, exit
# status 0 on PASS.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wyn-fault.XXXXXX")
SPID=
cleanup() { [[ -n $SPID ]] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "fault_test: $*"; echo FAIL; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed"

start_server() { # $1 = wyn | c
  rm -f "$TMP/port"
  if [[ $1 == wyn ]]; then
    ./wyn tests/io/fault_server.wyn "$TMP/port" >"$TMP/server.log" 2>&1 &
  else
    "$TMP/fault_server" "$TMP/port" >"$TMP/server.log" 2>&1 &
  fi
  SPID=$!
  for _ in $(seq 1 100); do
    [[ -s $TMP/port ]] && return 0
    kill -0 "$SPID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

KIND=${FAULT_SERVER:-wyn}
if [[ $KIND == wyn ]] && ! { [[ -x ./wyn ]] && start_server wyn; }; then
  [[ -n ${FAULT_STRICT:-} ]] && { cat "$TMP/server.log" 2>/dev/null; fail "./wyn cannot run fault_server.wyn"; }
  echo "fault_test: ./wyn cannot run fault_server.wyn; using the C server"
  [[ -n $SPID ]] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=; }
  KIND=c
fi
if [[ $KIND == c ]]; then
  gcc -std=gnu11 -O2 -Iruntime tests/io/fault_server.c build/runtime/*.o build/ffi/*.o \
      -lffi -lpthread -lm -ldl -o "$TMP/fault_server" 2>"$TMP/cc.log" || { cat "$TMP/cc.log"; fail "cannot build the C server"; }
  start_server c || { cat "$TMP/server.log"; fail "the server did not start"; }
fi
PORT=$(cat "$TMP/port")
fds() { ls "/proc/$SPID/fd" 2>/dev/null | wc -l; }

# warm up (lazily made descriptors), then take the baseline
warm=$(python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /warm HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
d = b""
while True:
    c = s.recv(4096)
    if not c: break
    d += c
print("ok" if d.startswith(b"HTTP/1.1 200") else "bad")
PY
)
[[ $warm == ok ]] || fail "warm-up request failed"
sleep 0.2
before=$(fds)

timeout -k 2 40 python3 tests/io/fault_clients.py "$PORT" ${FAULT_CLIENTS:-1000} 20
crc=$?
kill -0 "$SPID" 2>/dev/null || { cat "$TMP/server.log"; fail "the server died"; }

# the server closes what the clients left behind as it sees FIN/RST
after=$(fds)
for _ in $(seq 1 30); do
  [[ $after -le $((before + 2)) ]] && break
  sleep 0.1
  after=$(fds)
done
echo "fault_test: server ($KIND) descriptors: $before before, $after after"
[[ $crc == 0 ]] || fail "normal requests were not all served (clients exit $crc)"
[[ $after -le $((before + 2)) ]] || { ls -l "/proc/$SPID/fd"; fail "descriptor count grew"; }
echo PASS
