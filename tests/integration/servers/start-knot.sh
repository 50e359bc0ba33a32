#!/bin/bash
# Starts a private Knot DNS on 127.0.0.1 (high port) serving the domain check's test zones, all
# under .test (RFC 6761: they cannot leak). Usage: start-knot.sh STATEDIR CERT_DIR
#   good.test      signed by Knot; MX mx1 with a TLSA 3 1 1 for the test Postfix's leaf key,
#                  TLS-RPT; sub-domains: wrongtlsa (TLSA that matches nothing), nullmx (MX 0 .),
#                  nomx (A only), cname (MX -> alias CNAME); bench (4 MX on 127.0.0.11-14),
#                  *.batch (MX mx1) for the benchmarks
#   plain.test     unsigned, with TLSA (ignored: insecure)
#   bogus.test     served unsigned while the trust anchor holds a DS for it: validation fails
#                  (bogus: its keys are missing)
#   badsig.test    signed once here by kzonesign (package knot-dnssecutils), then the RRSIG over
#                  its MX RRset is broken (one character of the signature changed) and the zone
#                  is served as that file with Knot's signing off: bogus with a signature that does
#                  not verify; mx.badsig.test's own A record stays correctly signed
# Writes STATEDIR/knot.env: DNS_PORT, TRUST_ANCHOR (DNSKEY of good.test and badsig.test, the DS
# of bogus.test).
set -euo pipefail
SD=${1:?statedir}
CERTS=${2:?cert dir}
mkdir -p "$SD/zones" "$SD/db" "$SD/run"
rm -f "$SD/knot.env"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SPKI=$(openssl x509 -in "$CERTS/leaf.pem" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
SOA='@ 300 IN SOA ns hostmaster 1 3600 600 86400 300'
cat > "$SD/zones/good.test.zone" <<Z
\$ORIGIN good.test.
\$TTL 300
$SOA
@ NS ns
ns A 127.0.0.1
@ MX 10 mx1
mx1 A 127.0.0.1
_25._tcp.mx1 TLSA 3 1 1 $SPKI
_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.test"
wrongtlsa MX 10 mx2
mx2 A 127.0.0.1
_25._tcp.mx2 TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
_smtp._tls.wrongtlsa TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.test"
nullmx MX 0 .
nomx A 127.0.0.1
cname MX 10 alias.cname
alias.cname CNAME mx1
; the benchmark (tests/bench/domain-bench.sh): four MX hosts on 127.0.0.11-14, each alone as an
; implicit MX too, and any name under batch for a batch of domains
bench MX 10 b1.bench
bench MX 20 b2.bench
bench MX 30 b3.bench
bench MX 40 b4.bench
b1.bench A 127.0.0.11
b2.bench A 127.0.0.12
b3.bench A 127.0.0.13
b4.bench A 127.0.0.14
*.batch MX 10 mx1
Z
cat > "$SD/zones/plain.test.zone" <<Z
\$ORIGIN plain.test.
\$TTL 300
$SOA
@ NS ns
ns A 127.0.0.1
@ MX 10 mx
mx A 127.0.0.1
_25._tcp.mx TLSA 3 1 1 $SPKI
Z
sed 's/plain\.test/bogus.test/' "$SD/zones/plain.test.zone" > "$SD/zones/bogus.test.zone"
# badsig.test: sign with a throw-away config and key store, then break one signature.
mkdir -p "$SD/sign/zones" "$SD/sign/db" "$SD/sign/out"
cat > "$SD/sign/zones/badsig.test.zone" <<Z
\$ORIGIN badsig.test.
\$TTL 300
$SOA
@ NS ns
ns A 127.0.0.1
@ MX 10 mx
mx A 127.0.0.1
Z
cat > "$SD/sign/knot.conf" <<C
database:
    storage: $SD/sign/db
policy:
  - id: test
    algorithm: ecdsap256sha256
    nsec3: off
template:
  - id: default
    storage: $SD/sign/zones
    file: %s.zone
zone:
  - domain: badsig.test
    dnssec-signing: on
    dnssec-policy: test
C
# kzonesign says "no keys are available" before it generates them: keep that out of the log.
kzonesign -c "$SD/sign/knot.conf" -o "$SD/sign/out" badsig.test >"$SD/sign/kzonesign.log" 2>&1 \
    || { cat "$SD/sign/kzonesign.log" >&2; exit 1; }
# The MX RRSIG's signature is the last field: change its 11th base64 character.
awk '$3 == "RRSIG" && $4 == "MX" { s = $NF; c = substr(s, 11, 1) == "A" ? "B" : "A";
                                   $NF = substr(s, 1, 10) c substr(s, 12); broken++ }
     { print } END { if (broken != 1) exit 1 }' \
    "$SD/sign/out/badsig.test.zone" > "$SD/zones/badsig.test.zone" \
    || { echo "start-knot: no MX RRSIG to break in badsig.test" >&2; exit 1; }
BADSIG_KSK=$(awk '$3 == "DNSKEY" && $4 == "257" { print $4, $5, $6, $7 }' "$SD/zones/badsig.test.zone")
[ -n "$BADSIG_KSK" ] || { echo "start-knot: badsig.test has no KSK" >&2; exit 1; }
cat > "$SD/knot.conf" <<C
server:
    listen: 127.0.0.1@$PORT
    rundir: $SD/run
    pidfile: $SD/run/knot.pid
log:
  - target: $SD/knot.log
    any: info
database:
    storage: $SD/db
policy:
  - id: test
    algorithm: ecdsap256sha256
    nsec3: off
template:
  - id: default
    storage: $SD/zones
    file: %s.zone
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: good.test
    dnssec-signing: on
    dnssec-policy: test
  - domain: plain.test
  - domain: bogus.test
  - domain: badsig.test
C
knotd -c "$SD/knot.conf" -d
for _ in $(seq 1 100); do
    if kdig +short @127.0.0.1 -p "$PORT" good.test DNSKEY 2>/dev/null | grep -q '^257 '; then break; fi
    sleep 0.1
done
KSK=$(kdig +short @127.0.0.1 -p "$PORT" good.test DNSKEY | grep '^257 ' | head -n 1)
[ -n "$KSK" ] || { echo "start-knot: good.test was not signed" >&2; cat "$SD/knot.log" >&2; exit 1; }
{
    echo "good.test. IN DNSKEY $KSK"
    echo "bogus.test. IN DS 12345 13 2 $(printf '%064d' 0 | tr 0 a)"
    echo "badsig.test. IN DNSKEY $BADSIG_KSK"
} > "$SD/trust-anchor.txt"
{ echo "DNS_PORT=$PORT"; echo "TRUST_ANCHOR=$SD/trust-anchor.txt"; echo "FIXTURE_READY=1"; } > "$SD/knot.env"
echo "start-knot: Knot on 127.0.0.1@$PORT, zones good.test plain.test bogus.test badsig.test"
