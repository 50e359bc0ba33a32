#!/bin/bash
# The domain check's two benchmarks, all on loopback (no outside host, no root servers):
#  1. a domain with 4 MX hosts (127.0.0.11-14), each behind mailscope-delayproxy with a different
#     one-way delay in front of the built-in demo server: the domain costs about its slowest MX
#     (the runs are concurrent), not the sum;
#  2. a batch of N domains (*.batch.good.test, default 1000) with --jobs 50: wall time, peak RSS.
# DNS is a private Knot (tests/integration/servers/start-knot.sh) on 127.0.0.1.
# Usage: domain-bench.sh BUILD_DIR [N]
set -euo pipefail
BUILD=$(cd "${1:?build dir}" && pwd)
N=${2:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
WORK=$(mktemp -d /tmp/msdb.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    "$HERE/../integration/servers/stop-knot.sh" "$WORK/knot" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$WORK/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/certs/leaf.key" \
    -out "$WORK/certs/leaf.pem" -subj /CN=bench.invalid -days 1 2>/dev/null
"$HERE/../integration/servers/start-knot.sh" "$WORK/knot" "$WORK/certs" >/dev/null
. "$WORK/knot/knot.env"
DEMO_PORT=$(free_port)
"$CLI" demo --port "$DEMO_PORT" >"$WORK/demo.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $DEMO_PORT), 1)" 2>/dev/null && break
    sleep 0.1
done
MX_PORT=$(free_port)
i=0
for delay in 25 50 75 100; do
    i=$((i + 1))
    "$PROXY" --target "127.0.0.1:$DEMO_PORT" --delay-ms "$delay" --bind "127.0.0.1$i" --listen "$MX_PORT" \
        >"$WORK/proxy$i.log" 2>&1 &
    PIDS+=($!)
done
sleep 0.5
COMMON=(--dns-server "127.0.0.1@$DNS_PORT" --trust-anchor "$TRUST_ANCHOR" --timeout 20)
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
timed() { local t0; t0=$(ms); "$@" >/dev/null 2>&1 || true; echo $(( $(ms) - t0 )); }

echo "== 4 MX hosts behind delays of 25/50/75/100 ms one way (median of 3)"
for d in b1.bench b2.bench b3.bench b4.bench bench; do
    runs=()
    for _ in 1 2 3; do runs+=("$(timed "$CLI" domain "$d.good.test" --smtp-port "$MX_PORT" "${COMMON[@]}")"); done
    printf '%-18s %s ms   (runs: %s)\n' "$d.good.test" "$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)" "${runs[*]}"
done

echo "== batch of $N domains, --jobs 50, straight to the demo server"
seq 1 "$N" | sed 's/^/d/; s/$/.batch.good.test/' > "$WORK/domains.txt"
/usr/bin/time -f '%e s wall, %M KiB peak RSS' "$CLI" domain --input "$WORK/domains.txt" --jobs 50 \
    --smtp-port "$DEMO_PORT" "${COMMON[@]}" >"$WORK/out.jsonl" 2>"$WORK/err.txt" || true
tail -n 1 "$WORK/err.txt"
grep -m1 ' domains: ' "$WORK/err.txt"
echo "JSON lines: $(wc -l < "$WORK/out.jsonl")"
