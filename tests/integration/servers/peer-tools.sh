#!/usr/bin/env bash
# peer-tools.sh SERVERS_STATEDIR TLS_STATEDIR [OUTDIR] [--sslscan-only]
#
# Runs the peer TLS scanners against the fixture servers and writes what they found,
# normalized (per version: the set of accepted cipher suites by IANA code), to OUTDIR
# (default: tests/data/peer-tools). Mailscope's TestPeerTools compares its own audit with
# sslscan live and with the testssl.sh captures made here: `testssl.sh --cipher-per-proto`
# takes minutes per server, too slow for every test run.
#
#   SERVERS_STATEDIR  a running start-all.sh fixture (servers.env): Postfix default,
#                     legacy and TLS 1.2-only listeners, all STARTTLS (SMTP)
#   TLS_STATEDIR      a running start-s-server.sh fixture (s-servers.env): the TLS 1.2
#                     server-order and the legacy s_server endpoints, implicit TLS
#
# Writes OUTDIR/<target>.sslscan.json and OUTDIR/<target>.testssl.json and prints how long each
# tool took per target. Needs packages sslscan, testssl.sh and python3. Everything connects to
# 127.0.0.1 only: testssl.sh runs with --nodns none and without --phone-out.
set -euo pipefail

MS_PROG=peer-tools.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

HERE=$(ms_script_dir)
[ $# -ge 2 ] || die "usage: $MS_PROG SERVERS_STATEDIR TLS_STATEDIR [OUTDIR] [--sslscan-only]"
SERVERS_ENV=$1/servers.env
TLS_ENV=$2/s-servers.env
OUT=${3:-$HERE/../../data/peer-tools}
WITH_TESTSSL=1
[ "${4:-}" = --sslscan-only ] && WITH_TESTSSL=0
[ -f "$SERVERS_ENV" ] || die "$SERVERS_ENV missing: start the servers with start-all.sh"
[ -f "$TLS_ENV" ] || die "$TLS_ENV missing: start the endpoints with start-s-server.sh"
need_bin sslscan "package sslscan"
need_bin python3 "package python3"
TESTSSL=$(command -v testssl || command -v testssl.sh || true)
[ "$WITH_TESTSSL" -eq 0 ] || [ -n "$TESTSSL" ] || die "testssl.sh not found (package testssl.sh)"
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/peer-tools.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

plain() { sed 's/\x1b\[[0-9;]*m//g'; }
SSLSCAN_VERSION=$(sslscan --version 2>&1 | plain | grep -o '[0-9]\+\.[0-9]\+\.[0-9]\+' | head -n 1)
TESTSSL_VERSION=""
[ -n "$TESTSSL" ] && TESTSSL_VERSION=$("$TESTSSL" --version 2>&1 | plain | sed -n 's/^ *testssl *\([0-9][^ ]*\) .*/\1/p' | head -n 1)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# name : env file : port key : smtp (STARTTLS) or tls (implicit)
TARGETS=(
    "postfix-default:$SERVERS_ENV:SMTP_PORT:smtp"
    "postfix-legacy:$SERVERS_ENV:SMTP_LEGACY_PORT:smtp"
    "postfix-tls12:$SERVERS_ENV:SMTP_TLS12_PORT:smtp"
    "s-server-tls12:$TLS_ENV:S_TLS12_PORT:tls"
    "s-server-legacy:$TLS_ENV:S_LEGACY_PORT:tls"
)

for t in "${TARGETS[@]}"; do
    IFS=: read -r name envfile key mode <<< "$t"
    port=$(env_get "$envfile" "$key")
    [ -n "$port" ] || die "$envfile lacks $key"
    sslscan_args=(--no-colour --no-check-certificate --no-heartbleed --no-compression --no-fallback
        --no-renegotiation --no-groups --show-cipher-ids)
    testssl_args=(--quiet --color 0 --warnings off --nodns none --cipher-per-proto)
    if [ "$mode" = smtp ]; then
        sslscan_args+=(--starttls-smtp)
        testssl_args+=(-t smtp)
    fi
    start=$(date +%s%N)
    sslscan "${sslscan_args[@]}" --xml="$WORK/$name.xml" "127.0.0.1:$port" >"$WORK/$name.sslscan.txt" 2>&1 ||
        die "sslscan failed on $name (see $WORK/$name.sslscan.txt)"
    took=$(ms_since "$start")
    python3 "$HERE/peer-tools-normalize.py" sslscan "$WORK/$name.xml" "$name" "$SSLSCAN_VERSION" \
        >"$OUT/$name.sslscan.json"
    log "$name: sslscan ${took} ms"
    if [ "$WITH_TESTSSL" -eq 1 ]; then
        start=$(date +%s%N)
        "$TESTSSL" "${testssl_args[@]}" --jsonfile "$WORK/$name.testssl.json" "127.0.0.1:$port" \
            </dev/null >"$WORK/$name.testssl.txt" 2>&1 || true # exit status: count of findings
        took=$(ms_since "$start")
        [ -s "$WORK/$name.testssl.json" ] || die "testssl.sh wrote nothing for $name"
        python3 "$HERE/peer-tools-normalize.py" testssl "$WORK/$name.testssl.json" "$name" "$TESTSSL_VERSION" \
            >"$OUT/$name.testssl.json"
        log "$name: testssl.sh ${took} ms"
    fi
done
log "normalized results in $OUT"
