#!/usr/bin/env bash
# Issue 6 fault test in `make test`: 1 000 clients that connect and vanish
# mid-request, send garbage or oversized headers must leave the Wyn HTTP
# server (tests/io/fault_server.wyn, run by ./wyn) serving normal requests
# with no growth in its open descriptors.  Bounded by fault_test.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
FAULT_SERVER=wyn FAULT_STRICT=1 exec bash tests/io/fault_test.sh
