#!/usr/bin/env bash
# Benchmark: `mailscope-cli send` next to `swaks` with the same message, against a private Postfix
# on loopback (never any outside host). Not a test: it asserts nothing; figures go in the note.
#   1. an authenticated send (submission: STARTTLS + AUTH PLAIN) through mailscope-delayproxy
#      (DELAY_MS each way): wall time and round trips (flights), mailscope with PIPELINING on and
#      off, swaks with and without --pipeline;
#   2. a 25 MB message over STARTTLS straight to Postfix: throughput and peak RSS (GNU time).
#
# swaks needs libnet-ssleay-perl and libio-socket-ssl-perl for --tls (and verifies nothing).
#
#   tests/bench/send-bench.sh [BUILD_DIR] [DELAY_MS] [RUNS]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
DELAY=${2:-50}
RUNS=${3:-3}
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
SERVERS=$ROOT/tests/integration/servers
[ -x "$CLI" ] && [ -x "$PROXY" ] || { echo "build first: $CLI and $PROXY are needed" >&2; exit 2; }
command -v swaks >/dev/null || { echo "swaks is needed (apt-get install swaks)" >&2; exit 2; }

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
# Room for the 25 MB message (Postfix's default limit is 10240000); this instance only.
postconf -c "$POSTFIX_CONFIG_DIR" -e message_size_limit=104857600
postfix -c "$POSTFIX_CONFIG_DIR" reload >/dev/null 2>&1
PASSWORD=$(cat "$TEST_PASSWORD_FILE")

"$PROXY" --target "127.0.0.1:$SUBMISSION_PORT" --delay-ms "$DELAY" --stats "$WORK/stats.jsonl" >"$WORK/proxy.out" &
PROXY_PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/proxy.out" 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/listening/ {print $2}' "$WORK/proxy.out")

printf 'Hello from the send benchmark.\n' >"$WORK/body.txt"
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bench() {
    local name=$1; shift
    local times=()
    for _ in $(seq "$RUNS"); do
        : >"$WORK/stats.jsonl"
        local t0; t0=$(now_ms)
        "$@" >"$WORK/last.out" 2>&1 </dev/null || true
        local t1; t1=$(now_ms)
        times+=($((t1 - t0)))
        for _ in $(seq 100); do [ -s "$WORK/stats.jsonl" ] && break; sleep 0.02; done
    done
    local med; med=$(printf '%s\n' "${times[@]}" | median)
    local flights; flights=$(tail -n 1 "$WORK/stats.jsonl" 2>/dev/null || echo '{}')
    local c s
    c=$(sed -n 's/.*"client_flights":\([0-9]*\).*/\1/p' <<<"$flights")
    s=$(sed -n 's/.*"server_flights":\([0-9]*\).*/\1/p' <<<"$flights")
    printf '%-52s %8s ms %8s %8s  %s\n' "$name" "$med" "${c:-?}" "${s:-?}" "$(IFS=,; echo "${times[*]}")"
}

echo "1. Authenticated send through the delay proxy: one-way ${DELAY} ms (RTT $((2 * DELAY)) ms), median of $RUNS"
printf '%-52s %11s %8s %8s  %s\n' "command" "wall" "C-flights" "S-flights" "all runs (ms)"
export MS_PW=$PASSWORD
bench "mailscope-cli send (PIPELINING auto)" \
    "$CLI" send "localhost:$PORT" --ca-file "$CA_FILE" --user "$TEST_USER" --password-env MS_PW \
    --from "$TEST_USER" --to "$TEST_USER" --subject bench --body-file "$WORK/body.txt"
bench "mailscope-cli send --pipelining off" \
    "$CLI" send "localhost:$PORT" --ca-file "$CA_FILE" --user "$TEST_USER" --password-env MS_PW \
    --from "$TEST_USER" --to "$TEST_USER" --subject bench --body-file "$WORK/body.txt" --pipelining off
bench "swaks --tls --auth PLAIN (swaks verifies nothing)" \
    swaks --server "127.0.0.1:$PORT" --tls \
    --auth PLAIN --auth-user "$TEST_USER" --auth-password "$PASSWORD" \
    --from "$TEST_USER" --to "$TEST_USER" --header "Subject: bench" --body "$WORK/body.txt"
bench "swaks --tls --auth PLAIN --pipeline" \
    swaks --server "127.0.0.1:$PORT" --tls \
    --auth PLAIN --auth-user "$TEST_USER" --auth-password "$PASSWORD" --pipeline \
    --from "$TEST_USER" --to "$TEST_USER" --header "Subject: bench" --body "$WORK/body.txt"
echo "C-flights/S-flights: bursts of bytes client->server and server->client (a round trip is one of each)."

echo
echo "2. A 25 MB attachment over STARTTLS to Postfix (port $SMTP_PORT, no proxy)"
head -c $((25 * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
big() {
    local name=$1; shift
    local t0; t0=$(now_ms)
    /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/big.out" 2>&1 </dev/null || true
    local t1; t1=$(now_ms)
    local ms=$((t1 - t0))
    printf '%-52s %8s ms %8s KB peak RSS  %s MB/s (25 MiB of file)\n' "$name" "$ms" "$(cat "$WORK/rss")" \
        "$(awk -v ms="$ms" 'BEGIN {printf "%.1f", 25 * 1000 / ms}')"
}
big "mailscope-cli send --attach (DATA)" \
    "$CLI" send "localhost:$SMTP_PORT" --ca-file "$CA_FILE" --from "$TEST_USER" --to "$TEST_USER" \
    --subject big --attach "$WORK/big.bin"
tail -n 3 "$WORK/big.out" | sed 's/^/    /'
big "mailscope-cli send --attach --bdat" \
    "$CLI" send "localhost:$SMTP_PORT" --ca-file "$CA_FILE" --from "$TEST_USER" --to "$TEST_USER" \
    --subject big --attach "$WORK/big.bin" --bdat
big "swaks --tls --attach" \
    swaks --server "127.0.0.1:$SMTP_PORT" --tls \
    --from "$TEST_USER" --to "$TEST_USER" --header "Subject: big" --attach "@$WORK/big.bin"
tail -n 3 "$WORK/big.out" | sed 's/^/    /'
