#!/usr/bin/env bash
# Benchmark: `mailscope-cli check --all-ports` against the real Postfix and Dovecot, each of the
# eight ports behind its own mailscope-delayproxy (fixed one-way delay on loopback), next to the
# eight single-port checks run one after the other. All ports run concurrently, so their wall time
# should be about the slowest single port, not the sum. Prints a table; figures go in the closing
# note. Not a test: it asserts nothing.
#
#   tests/bench/all-ports.sh [BUILD_DIR] [DELAY_MS] [RUNS]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
DELAY=${2:-50}
RUNS=${3:-3}
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
SERVERS=$ROOT/tests/integration/servers
[ -x "$CLI" ] && [ -x "$PROXY" ] || { echo "build first: $CLI and $PROXY are needed" >&2; exit 2; }

STATE=$(mktemp -d /tmp/msb.XXXXXX)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    "$SERVERS/stop-all.sh" "$STATE" >/dev/null 2>&1 || true
    rm -rf "$WORK" "$STATE"
}
trap cleanup EXIT

"$SERVERS/start-all.sh" "$STATE" >"$WORK/servers.log" 2>&1 </dev/null || { cat "$WORK/servers.log"; exit 1; }
# shellcheck disable=SC1091
. "$STATE/servers.env"

# proxy NAME TARGET_PORT: starts a delay proxy; sets PROXIED[NAME] to its port.
declare -A PROXIED
proxy() {
    "$PROXY" --target "127.0.0.1:$2" --delay-ms "$DELAY" >"$WORK/proxy-$1.out" &
    PIDS+=($!)
    for _ in $(seq 100); do grep -q listening "$WORK/proxy-$1.out" 2>/dev/null && break; sleep 0.05; done
    PROXIED[$1]=$(awk '/listening/ {print $2}' "$WORK/proxy-$1.out")
}
proxy 25 "$SMTP_PORT"; proxy 465 "$SMTPS_PORT"; proxy 587 "$SUBMISSION_PORT"; proxy 2525 "$SMTP_TLS12_PORT"
proxy 143 "$IMAP_PORT"; proxy 993 "$IMAPS_PORT"; proxy 110 "$POP3_PORT"; proxy 995 "$POP3S_PORT"
MAP=""
for p in 25 465 587 2525 143 993 110 995; do MAP+="${MAP:+,}$p=${PROXIED[$p]}"; done

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wall COMMAND...: median wall time in ms over RUNS runs.
wall() {
    local times=()
    for _ in $(seq "$RUNS"); do
        local t0; t0=$(now_ms)
        "$@" >/dev/null 2>&1 </dev/null || true
        times+=($(($(now_ms) - t0)))
    done
    printf '%s\n' "${times[@]}" | median
}

echo "Postfix + Dovecot, one-way delay ${DELAY} ms per port (RTT $((2 * DELAY)) ms), median of $RUNS runs"
printf '%-44s %8s\n' "command" "wall ms"
SUM=0; MAX=0
single() {  # single WELL_KNOWN_PORT PROTOCOL TLS
    local ms; ms=$(wall "$CLI" check "localhost:${PROXIED[$1]}" --protocol "$2" --tls "$3" --ca-file "$CA_FILE")
    printf '%-44s %8s\n' "check $1 ($2, $3) alone" "$ms"
    SUM=$((SUM + ms)); [ "$ms" -gt "$MAX" ] && MAX=$ms
    return 0
}
single 25 smtp starttls; single 465 smtp implicit; single 587 smtp starttls; single 2525 smtp starttls
single 143 imap starttls; single 993 imap implicit; single 110 pop3 starttls; single 995 pop3 implicit
ALL=$(wall "$CLI" check localhost --all-ports --ports "$MAP" --ca-file "$CA_FILE")
printf '%-44s %8s\n' "sum of the eight single-port checks" "$SUM"
printf '%-44s %8s\n' "slowest single-port check" "$MAX"
printf '%-44s %8s\n' "check --all-ports (all eight at once)" "$ALL"
