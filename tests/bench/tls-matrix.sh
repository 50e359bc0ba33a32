#!/usr/bin/env bash
# Benchmark: wall time of the full TLS audit matrix (4 TLS versions + cipher enumeration, with
# `mailscope-cli check --tls-versions --ciphers`) next to one plain check against the same local
# Postfix (TLS 1.2-only and TLS 1.3-only listeners, and the default one), optionally through
# mailscope-delayproxy adding a one-way delay; and next to `testssl.sh -t smtp --protocols`
# where it is installed. Prints a table; asserts nothing. Everything stays on 127.0.0.1.
#
#   tests/bench/tls-matrix.sh [BUILD_DIR] [RUNS] [DELAY_MS]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
RUNS=${2:-5}
DELAY=${3:-0}
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
SERVERS=$ROOT/tests/integration/servers
[ -x "$CLI" ] || { echo "build first: $CLI is needed" >&2; exit 2; }

STATE=$(mktemp -d /tmp/msm.XXXXXX)
WORK=$(mktemp -d)
PROXY_PIDS=()
cleanup() {
    for p in "${PROXY_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    "$SERVERS/stop-all.sh" "$STATE" >/dev/null 2>&1 || true
    rm -rf "$WORK" "$STATE"
}
trap cleanup EXIT

"$SERVERS/start-all.sh" "$STATE" >"$WORK/servers.log" 2>&1 </dev/null || { cat "$WORK/servers.log"; exit 1; }
# shellcheck disable=SC1091
. "$STATE/servers.env"

# through PORT: sets PORT_USED to the port to use (a delay proxy in front of PORT when DELAY > 0).
# Not a command substitution: the proxy's pid must reach cleanup().
through() {
    PORT_USED=$1
    [ "$DELAY" -eq 0 ] && return
    [ -x "$PROXY" ] || { echo "mailscope-delayproxy not built" >&2; exit 2; }
    local out=$WORK/proxy-$1.out
    "$PROXY" --target "127.0.0.1:$1" --delay-ms "$DELAY" >"$out" 2>&1 </dev/null &
    PROXY_PIDS+=($!)
    for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.05; done
    PORT_USED=$(awk '/listening/ {print $2}' "$out")
}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wall NAME COMMAND...: median wall ms over RUNS runs
wall() {
    local i t0 t1
    shift
    for i in $(seq "$RUNS"); do
        t0=$(now_ms); "$@" >"$WORK/last.out" 2>&1 || true; t1=$(now_ms)
        echo $((t1 - t0))
    done | median
}

printf 'TLS audit benchmark: %s run(s) each, median wall time, one-way delay %s ms\n\n' "$RUNS" "$DELAY"
printf '%-11s %10s %15s %6s %15s %6s %7s %13s\n' listener "check ms" "+versions ms" ratio "+matrix ms" ratio probes "testssl ms"
for key in SMTP_PORT SMTP_TLS12_PORT SMTP_TLS13_PORT; do
    through "${!key}"
    port=$PORT_USED
    plain=$(wall plain "$CLI" check "localhost:$port" --ca-file "$CA_FILE")
    versions=$(wall versions "$CLI" check "localhost:$port" --ca-file "$CA_FILE" --tls-versions)
    full=$(wall full "$CLI" check "localhost:$port" --ca-file "$CA_FILE" --tls-versions --ciphers)
    probes=$(sed -n 's/.* \([0-9]*\) probe(s), \([0-9]*\) ms.*/\1/p' "$WORK/last.out" | tail -n 1)
    ts=-
    if command -v testssl.sh >/dev/null 2>&1 || command -v testssl >/dev/null 2>&1; then
        bin=$(command -v testssl.sh || command -v testssl)
        # Local only: an IP literal, no DNS, no update checks.
        ts=$(wall testssl "$bin" --quiet --color 0 --warnings off --ip one -t smtp --protocols "127.0.0.1:$port")
    fi
    rv=$(awk -v a="$versions" -v b="$plain" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    rf=$(awk -v a="$full" -v b="$plain" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    printf '%-11s %10s %15s %6s %15s %6s %7s %13s\n' "${key%_PORT}" "$plain" "$versions" "$rv" "$full" "$rf" "${probes:-?}" "$ts"
done
echo
echo "+versions = check --tls-versions (4 version probes + OCSP probe beside the check);"
echo "+matrix = check --tls-versions --ciphers (versions + cipher enumeration and order);"
echo "testssl = testssl.sh -t smtp --protocols (versions only, no ciphers) where installed."
