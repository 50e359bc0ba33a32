#!/usr/bin/env bash
# Captures ClientHello / ServerHello / ServerKeyExchange / alert bytes from OpenSSL itself
# (`openssl s_client -msg` against `openssl s_server` on 127.0.0.1), for the byte-exact tests of
# ClientHello and ServerHelloParser (tests/unit/TestTlsHello.cpp). Run from anywhere:
#     tests/data/tls-hello/capture.sh
# The files it writes are committed; rerun it only to refresh them.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null
openssl dhparam -out dh1024.pem 1024 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# capture NAME "server options" "client options"
capture() {
    local name=$1 server=$2 client=$3 port
    port=$(free_port)
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -cert cert.pem -key key.pem -naccept 1 -quiet $server \
        >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    # The probe above used the one accepted connection: start the server again, now for real.
    wait "$pid" 2>/dev/null || true
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -cert cert.pem -key key.pem -naccept 1 -quiet $server \
        >/dev/null 2>&1 &
    pid=$!
    sleep 0.5
    # shellcheck disable=SC2086
    echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -noservername -msg $client \
        >"$HERE/$name.msg" 2>&1 || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "$name: $(grep -c '^[<>]>>' "$HERE/$name.msg") messages"
}

capture tls12-ecdhe "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" \
    "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"
capture tls12-dhe1024 "-tls1_2 -dhparam dh1024.pem -cipher DHE-RSA-AES128-SHA:@SECLEVEL=0" \
    "-tls1_2 -cipher DHE-RSA-AES128-SHA:@SECLEVEL=0"
capture tls10-ecdhe "-tls1 -cipher ECDHE-RSA-AES256-SHA:@SECLEVEL=0" \
    "-tls1 -cipher ECDHE-RSA-AES256-SHA:@SECLEVEL=0"
capture tls13 "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 -groups X25519" \
    "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256 -groups X25519"
capture tls13-hrr "-tls1_3 -groups P-256" "-tls1_3 -groups X25519:P-256"
capture alert-handshake-failure "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256" "-tls1_2 -cipher AES256-SHA"
capture alert-protocol-version "-tls1_3" "-tls1_2"
