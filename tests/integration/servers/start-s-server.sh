#!/usr/bin/env bash
# start-s-server.sh STATEDIR
#
# Starts `openssl s_server` endpoints on 127.0.0.1 for the TLS-audit tests
# (implicit TLS, no mail protocol: -rev mode echoes lines reversed, so a client's
# QUIT gets an answer that is not a mail reply and the probe ends at once).
# Needs no root and no mail daemon. Certificates come from make-test-certs.sh
# (STATEDIR/certs). Every key below goes to STATEDIR/s-servers.env:
#
#   S_TLS12_PORT          TLS 1.2 only; ciphers ECDHE-RSA-AES128-GCM-SHA256,
#                         AES256-SHA, ECDHE-RSA-CHACHA20-POLY1305 in this
#                         server-preferred order (-serverpref)
#   S_LEGACY_PORT         TLS 1.0 to 1.3 at security level 0 (legacy versions
#                         accepted; the client's cipher order is followed)
#   S_CERT_<CASE>_PORT    TLS 1.2/1.3 at security level 0 presenting one test
#                         chain: RSA1024, SHA1, NOINTERMEDIATE, WRONGORDER (leaf,
#                         root, intermediate), EXPIRED, NOTYETVALID, WRONGHOST,
#                         SELFSIGNED
#   S_OCSP_GOOD_PORT      good chain with a stapled OCSP response "good"
#   S_OCSP_REVOKED_PORT   good chain with a stapled OCSP response "revoked"
#   S_CERT_DIR            the certificates (ca.pem is the root to trust)
#   S_LEGACY_TLS1_0/1_1,  what `openssl s_client -tls1` / `-tls1_1` says against
#   S_TLS12_TLS1_0/1_1    the legacy and the TLS 1.2-only endpoint: accepted,
#                         rejected or unavailable-locally (the tests' oracle)
#
# The pids go to STATEDIR/s-server.pids; stop-s-server.sh stops exactly those.
# NETWORK SAFETY: everything listens on 127.0.0.1 only.
set -euo pipefail

MS_PROG=start-s-server.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
need_bin openssl "package openssl"
SD=$(ms_statedir "$1")
HERE=$(ms_script_dir)
ENV_FILE=$SD/s-servers.env
PIDS=$SD/s-server.pids
CERTS=$SD/certs

"$HERE/stop-s-server.sh" "$SD" >/dev/null 2>&1 || true
"$HERE/make-test-certs.sh" "$CERTS" || die "certificate generation failed"
: > "$PIDS"
: > "$ENV_FILE"

# --- OCSP responses (signed by the intermediate, which issued the leaf) -------------
OCSP=$SD/ocsp
mkdir -p "$OCSP"
leaf_index() {  # leaf_index STATUS(V|R)
    local end serial subject rev=""
    end=$(openssl x509 -in "$CERTS/leaf.pem" -noout -enddate | sed 's/notAfter=//')
    end=$(date -u -d "$end" +%y%m%d%H%M%SZ)
    serial=$(openssl x509 -in "$CERTS/leaf.pem" -noout -serial | sed 's/serial=//')
    subject=$(openssl x509 -in "$CERTS/leaf.pem" -noout -subject -nameopt compat | sed 's/subject=//')
    [ "$1" = R ] && rev=$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)
    printf '%s\t%s\t%s\t%s\tunknown\t%s\n' "$1" "$end" "$rev" "$serial" "$subject"
}
openssl ocsp -issuer "$CERTS/intermediate.pem" -cert "$CERTS/leaf.pem" -no_nonce \
    -reqout "$OCSP/req.der" >/dev/null 2>&1 || die "openssl ocsp (request) failed"
for status in good revoked; do
    if [ "$status" = good ]; then leaf_index V > "$OCSP/index-$status.txt"; else leaf_index R > "$OCSP/index-$status.txt"; fi
    openssl ocsp -index "$OCSP/index-$status.txt" -CA "$CERTS/intermediate.pem" \
        -rsigner "$CERTS/intermediate.pem" -rkey "$CERTS/intermediate.key" \
        -reqin "$OCSP/req.der" -respout "$OCSP/$status.der" -ndays 2 >/dev/null 2>&1 ||
        die "openssl ocsp (response $status) failed"
done

# Chain with the right certificates in the wrong order: leaf, root, intermediate.
cat "$CERTS/ca.pem" "$CERTS/intermediate.pem" > "$SD/wrongorder-extra.pem"

# serve KEY CERT KEYFILE EXTRA_CHAIN ARGS... - one s_server on a fresh port.
serve() {
    local key=$1 cert=$2 keyfile=$3 extra=$4 port i
    shift 4
    for i in 1 2 3; do
        port=$(pick_free_ports 1)
        local -a chain=()
        [ -n "$extra" ] && chain=(-cert_chain "$extra")
        openssl s_server -quiet -rev -accept "127.0.0.1:$port" -cert "$cert" -key "$keyfile" \
            "${chain[@]}" "$@" </dev/null >"$SD/s-server-$key.log" 2>&1 &
        local pid=$!
        if wait_ports_open 5 "$port" && pid_alive "$pid"; then
            printf '%s\n' "$pid" >> "$PIDS"
            env_set "$ENV_FILE" "$key" "$port"
            return 0
        fi
        kill "$pid" 2>/dev/null || true
        log "s_server for $key did not come up on $port (attempt $i)"
    done
    die "s_server for $key failed; see $SD/s-server-$key.log"
}

serve S_TLS12_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "$CERTS/intermediate.pem" \
    -tls1_2 -serverpref -cipher 'ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305'
serve S_LEGACY_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "$CERTS/intermediate.pem" \
    -cipher 'DEFAULT:@SECLEVEL=0'
for c in rsa1024 sha1 expired notyetvalid wronghost selfsigned; do
    key=S_CERT_$(printf '%s' "$c" | tr '[:lower:]' '[:upper:]')_PORT
    extra="$CERTS/intermediate.pem"
    [ "$c" = selfsigned ] && extra=""
    serve "$key" "$CERTS/$c.pem" "$CERTS/$c.key" "$extra" -cipher 'DEFAULT:@SECLEVEL=0'
done
serve S_CERT_NOINTERMEDIATE_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "" -cipher 'DEFAULT:@SECLEVEL=0'
serve S_CERT_WRONGORDER_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "$SD/wrongorder-extra.pem" \
    -cipher 'DEFAULT:@SECLEVEL=0'
serve S_OCSP_GOOD_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "$CERTS/intermediate.pem" -status_file "$OCSP/good.der"
serve S_OCSP_REVOKED_PORT "$CERTS/leaf.pem" "$CERTS/leaf.key" "$CERTS/intermediate.pem" -status_file "$OCSP/revoked.der"
env_set "$ENV_FILE" S_CERT_DIR "$CERTS"

# The oracle for the TLS 1.0/1.1 expectations, taken outside the code under test: what the
# openssl command line (same library, security level 0 as the audit's probes) says about each
# legacy version against the legacy and the TLS 1.2-only endpoint. accepted: the handshake
# completed with that version; rejected: the server said no; unavailable-locally: this machine's
# OpenSSL cannot offer the version at all ("no protocols available").
legacy_answer() {  # legacy_answer FLAG VERSION PORT, e.g. -tls1_1 TLSv1.1 PORT
    local out
    out=$(openssl s_client "$1" -cipher 'DEFAULT:@SECLEVEL=0' -connect "$MS_HOST:$3" </dev/null 2>&1 || true)
    # s_client prints the session's "Protocol" even after a failed handshake; "New, (NONE),
    # Cipher is (NONE)" is what says that no cipher (so no session) was agreed.
    if printf '%s\n' "$out" | grep -q 'no protocols available'; then
        echo unavailable-locally
    elif printf '%s\n' "$out" | grep -q '^New, (NONE)'; then
        echo rejected
    elif printf '%s\n' "$out" | grep -Eq "^ *Protocol *: *$2\$"; then
        echo accepted
    else
        echo rejected
    fi
}
for v in 1_0 1_1; do
    flag=-tls1 name=TLSv1
    [ "$v" = 1_1 ] && flag=-tls1_1 name=TLSv1.1
    env_set "$ENV_FILE" "S_LEGACY_TLS${v}" "$(legacy_answer "$flag" "$name" "$(env_get "$ENV_FILE" S_LEGACY_PORT)")"
    env_set "$ENV_FILE" "S_TLS12_TLS${v}" "$(legacy_answer "$flag" "$name" "$(env_get "$ENV_FILE" S_TLS12_PORT)")"
done
env_set "$ENV_FILE" FIXTURE_READY "$(date -u +%s)"
log "s_server endpoints up; environment in $ENV_FILE"
