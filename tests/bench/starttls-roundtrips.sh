#!/usr/bin/env bash
# Benchmark: wall time and round trips of `mailscope-cli check` against a real Postfix, next to
# `openssl s_client -starttls smtp`, both through mailscope-delayproxy adding a fixed one-way delay
# on loopback. Prints a table; figures go in the closing note. Not a test: it asserts nothing.
#
#   tests/bench/starttls-roundtrips.sh [BUILD_DIR] [DELAY_MS] [RUNS]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
DELAY=${2:-50}
RUNS=${3:-5}
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
SERVERS=$ROOT/tests/integration/servers
[ -x "$CLI" ] && [ -x "$PROXY" ] || { echo "build first: $CLI and $PROXY are needed" >&2; exit 2; }

STATE=$(mktemp -d /tmp/msb.XXXXXX)
WORK=$(mktemp -d)
cleanup() {
    [ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null || true
    "$SERVERS/stop-all.sh" "$STATE" >/dev/null 2>&1 || true
    rm -rf "$WORK" "$STATE"
}
trap cleanup EXIT

"$SERVERS/start-all.sh" "$STATE" >"$WORK/servers.log" 2>&1 </dev/null || { cat "$WORK/servers.log"; exit 1; }
# shellcheck disable=SC1091
. "$STATE/servers.env"

"$PROXY" --target "127.0.0.1:$SMTP_PORT" --delay-ms "$DELAY" --stats "$WORK/stats.jsonl" >"$WORK/proxy.out" &
PROXY_PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/proxy.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/listening/ {print $2}' "$WORK/proxy.out")

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# bench NAME COMMAND...: runs RUNS times; prints median wall ms and the last run's flights.
bench() {
    local name=$1; shift
    local times=()
    for _ in $(seq "$RUNS"); do
        : >"$WORK/stats.jsonl"
        local t0; t0=$(now_ms)
        "$@" >/dev/null 2>&1 </dev/null || true
        local t1; t1=$(now_ms)
        times+=($((t1 - t0)))
        # The proxy reports a connection when both sides closed.
        for _ in $(seq 100); do [ -s "$WORK/stats.jsonl" ] && break; sleep 0.02; done
    done
    local med; med=$(printf '%s\n' "${times[@]}" | median)
    local flights; flights=$(tail -n 1 "$WORK/stats.jsonl" 2>/dev/null || echo '{}')
    local c s
    c=$(sed -n 's/.*"client_flights":\([0-9]*\).*/\1/p' <<<"$flights")
    s=$(sed -n 's/.*"server_flights":\([0-9]*\).*/\1/p' <<<"$flights")
    printf '%-58s %8s ms %8s %8s  %s\n' "$name" "$med" "${c:-?}" "${s:-?}" "$(IFS=,; echo "${times[*]}")"
}

echo "Postfix $(postconf -d mail_version 2>/dev/null | awk '{print $3}'), one-way delay ${DELAY} ms (RTT $((2 * DELAY)) ms), median of $RUNS runs"
printf '%-58s %11s %8s %8s  %s\n' "command" "wall" "C-flights" "S-flights" "all runs (ms)"
bench "mailscope-cli check (full: EHLO, STARTTLS, EHLO again, QUIT)" \
    "$CLI" check "localhost:$PORT" --ca-file "$CA_FILE"
bench "mailscope-cli check --stop-after tls-handshake" \
    "$CLI" check "localhost:$PORT" --ca-file "$CA_FILE" --stop-after tls-handshake
bench "openssl s_client -starttls smtp (EHLO, STARTTLS, handshake)" \
    openssl s_client -connect "127.0.0.1:$PORT" -starttls smtp -CAfile "$CA_FILE" -verify_return_error -brief
echo "C-flights/S-flights: bursts of bytes client->server and server->client (a round trip is one of each)."
