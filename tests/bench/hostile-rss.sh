#!/usr/bin/env bash
# Benchmark: peak memory (maximum resident set size) of `mailscope-cli check` against hostile
# servers on 127.0.0.1 (tests/bench/hostile-servers.py): a 100 MB line, a million-line reply, a
# banner of 511 x 65 KB lines, and a flood inside TLS; each plain and with the full TLS audit
# (--tls-versions --ciphers --injection-test). Prints a table; figures go in the closing note.
# Not a test: it asserts nothing. Every server stops by itself (lifetime and byte bounds).
#
#   tests/bench/hostile-rss.sh [BUILD_DIR] [MODE...]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
shift || true
MODES=("$@")
[ ${#MODES[@]} -eq 0 ] && MODES=(long-line million-lines wide-banner tls-flood)
CLI=$BUILD/app/mailscope-cli
[ -x "$CLI" ] || { echo "build first: $CLI is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (Debian package time)" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

printf '%-14s %-6s %10s %8s %6s %12s\n' mode audit "peak RSS" "wall s" exit "report B"
for mode in "${MODES[@]}"; do
    for audit in no yes; do
        python3 "$ROOT/tests/bench/hostile-servers.py" "$mode" --lifetime 150 >"$WORK/server.out" \
            2>"$WORK/server.err" &
        SERVER_PID=$!
        for _ in $(seq 100); do grep -q '^listening' "$WORK/server.out" 2>/dev/null && break; sleep 0.05; done
        PORT=$(awk '/^listening/ {print $2; exit}' "$WORK/server.out")
        extra=()
        [ "$audit" = yes ] && extra=(--tls-versions --ciphers --injection-test)
        status=0
        /usr/bin/time -v -o "$WORK/time.txt" "$CLI" check "127.0.0.1:$PORT" --timeout 5 --insecure \
            "${extra[@]}" --json >"$WORK/report.json" 2>"$WORK/cli.err" || status=$?
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        wall=$(awk -F'): ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
        printf '%-14s %-6s %7s MB %8s %6s %12s\n' "$mode" "$audit" "$((rss / 1024))" "$wall" "$status" \
            "$(stat -c %s "$WORK/report.json")"
    done
done
