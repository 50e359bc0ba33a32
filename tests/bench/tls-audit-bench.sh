#!/usr/bin/env bash
# Benchmark (issue 11): the full TLS audit (`mailscope-cli check --tls-versions --ciphers`: the
# version matrix SSLv2 ... TLS 1.3 and every registered cipher suite per accepted version, with
# raw ClientHello probes) of the test Postfix's default listener and of its server-order listener
# (tls_preempt_cipherlist = yes), on loopback and through
# mailscope-delayproxy (a one-way delay in each direction), next to a plain check through the
# same proxy; the number of connections comes from the proxy's per-connection log. Where
# installed, `sslscan --starttls-smtp` and `testssl --each-cipher -t smtp` are timed against the
# same server (once each: they take long). Prints figures; asserts nothing. Loopback only.
#
#   tests/bench/tls-audit-bench.sh [BUILD_DIR] [RUNS] [DELAY_MS] [--no-external]
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
RUNS=${2:-3}
DELAY=${3:-50}
EXTERNAL=1
[ "${4:-}" = --no-external ] && EXTERNAL=0
CLI=$BUILD/app/mailscope-cli
PROXY=$BUILD/tests/bench/mailscope-delayproxy
SERVERS=$ROOT/tests/integration/servers
[ -x "$CLI" ] || { echo "build first: $CLI is needed" >&2; exit 2; }
[ -x "$PROXY" ] || { echo "build first: $PROXY is needed" >&2; exit 2; }

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

# proxy DELAY_MS STATS TARGET_PORT: starts a proxy in front of that SMTP listener; sets PORT_USED.
proxy() {
    local out=$WORK/proxy-$1-$3.out
    "$PROXY" --target "127.0.0.1:$3" --delay-ms "$1" --stats "$2" >"$out" 2>&1 </dev/null &
    PROXY_PIDS+=($!)
    for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.05; done
    PORT_USED=$(awk '/listening/ {print $2}' "$out")
}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wall STATS COMMAND...: median wall ms over RUNS runs; CONNS = connections of the last run
wall() {
    local stats=$1 i t0 t1
    shift
    for i in $(seq "$RUNS"); do
        : >"$stats"
        t0=$(now_ms); "$@" >"$WORK/last.out" 2>&1 || true; t1=$(now_ms)
        echo $((t1 - t0))
    done | median
}
# connections STATS: how many connections the proxy saw finish (it logs them when they close)
connections() { sleep $(((DELAY * 2 + 999) / 1000 + 1)); wc -l <"$1" | tr -d ' '; }

summary() { grep -E 'TLS audit|probe\(s\)' "$WORK/last.out" | head -n 2 | tr -s ' ' | sed 's/^ //'; }

printf 'Full TLS audit benchmark (Postfix, STARTTLS): %s run(s) each, median wall ms\n\n' "$RUNS"
printf '%-13s %-14s %9s %11s %6s %7s %9s\n' listener path "check ms" "audit ms" ratio conns "suites"
for target in "default:$SMTP_PORT" "server-order:$SMTP_PREEMPT_PORT"; do
for d in 0 "$DELAY"; do
    name=${target%%:*}
    stats=$WORK/stats-$d-$name.jsonl
    proxy "$d" "$stats" "${target#*:}"
    port=$PORT_USED
    plain=$(wall "$stats" "$CLI" check "localhost:$port" --ca-file "$CA_FILE")
    plainConns=$(connections "$stats")
    full=$(wall "$stats" "$CLI" check "localhost:$port" --ca-file "$CA_FILE" --tls-versions --ciphers --json)
    conns=$(connections "$stats")
    cp "$WORK/last.out" "$WORK/audit-$d-$name.json"
    suites=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
run=d["runs"][0] if "runs" in d else d
c=run.get("ciphers",{})
print("+".join("%s:%d"%(k.replace("TLSv",""),len(v)) for k,v in sorted(c.items())))' "$WORK/audit-$d-$name.json" 2>/dev/null || echo '?')
    label=loopback
    [ "$d" -gt 0 ] && label="${d} ms delay"
    rf=$(awk -v a="$full" -v b="$plain" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    printf '%-13s %-14s %9s %11s %6s %7s %9s\n' "$name" "$label" "$plain" "$full" "$rf" "$conns" "$suites"
    [ "$plainConns" = 1 ] || echo "  (the plain check used $plainConns connection(s))"
done
done
echo
echo "check = mailscope-cli check; audit = check --tls-versions --ciphers (every registered suite per"
echo "accepted version, order, groups, chain/OCSP probe); conns = connections of one audit run"
echo "(main check included) as the proxy saw them; suites = accepted suites per version."
echo "default = the stock listener (the client's order); server-order = tls_preempt_cipherlist = yes."

if [ "$EXTERNAL" = 1 ]; then
    echo
    printf '%-34s %11s\n' "external tool (loopback, once)" "wall ms"
    if command -v sslscan >/dev/null 2>&1; then
        t0=$(now_ms); sslscan --no-colour --starttls-smtp "127.0.0.1:$SMTP_PORT" >"$WORK/sslscan.out" 2>&1 || true; t1=$(now_ms)
        printf '%-34s %11s   (%s accepted suite lines)\n' "sslscan --starttls-smtp" $((t1 - t0)) \
            "$(grep -cE '^(Preferred|Accepted)' "$WORK/sslscan.out" || true)"
    else
        printf '%-34s %11s\n' "sslscan" "not installed"
    fi
    ts=$(command -v testssl.sh || command -v testssl || true)
    if [ -n "$ts" ]; then
        t0=$(now_ms)
        "$ts" --quiet --color 0 --warnings off --ip one --each-cipher -t smtp "127.0.0.1:$SMTP_PORT" \
            >"$WORK/testssl.out" 2>&1 || true
        t1=$(now_ms)
        printf '%-34s %11s\n' "testssl --each-cipher -t smtp" $((t1 - t0))
    else
        printf '%-34s %11s\n' "testssl.sh" "not installed"
    fi
fi
