#!/usr/bin/env bash
# selftest.sh STATEDIR
#
# Smoke test of a running setup started with start-all.sh: checks every
# listener in STATEDIR/servers.env with the openssl CLI (and bash /dev/tcp for
# plaintext), only ever on 127.0.0.1. Prints one PASS/FAIL line per check and
# exits non-zero if any check failed. Usable by hand or as a ctest test that
# guards the fixture itself. Sends two test mails to the private Postfix:
# one for alice@mailscope.test (must land in TEST_MAILDIR) and one for a
# non-local .invalid address (must be discarded, never relayed).
set -euo pipefail

MS_PROG=selftest.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
need_bin openssl "package openssl"
need_bin timeout "package coreutils"
ENV_FILE=$1/servers.env
[ -f "$ENV_FILE" ] || die "$ENV_FILE not found: run start-all.sh first"

# Load servers.env the way a simple KEY=VALUE parser would (no eval).
while IFS='=' read -r k v; do
    case "$k" in ''|\#*) continue ;; esac
    printf -v "E_$k" '%s' "$v"
done < "$ENV_FILE"
for k in SMTP_PORT SMTPS_PORT SMTP_TLS12_PORT SMTP_TLS13_PORT SMTP_LEGACY_PORT SMTP_LIMIT_PORT SUBMISSION_PORT \
         IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT TEST_USER TEST_PASSWORD_FILE \
         CA_FILE WRONG_CA_FILE TEST_MAILDIR POSTFIX_LOG; do
    v="E_$k"
    [ -n "${!v:-}" ] || die "servers.env lacks $k"
done
H=$MS_HOST
CA=$E_CA_FILE
USER_NAME=$E_TEST_USER
PASS=$(cat "$E_TEST_PASSWORD_FILE")

FAILS=0
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }

# s_client_out PORT [s_client args...] - handshake only, print the output.
s_client_out() {
    local port=$1; shift
    { timeout 15 openssl s_client -connect "$H:$port" "$@" </dev/null 2>&1 || true; } | tr -d '\000'
}

# negotiated OUTPUT - print the negotiated protocol or NONE.
negotiated() {
    sed -n 's/^New, \([^,]*\), Cipher is .*/\1/p' <<<"$1" | head -n 1
}

# check_tls NAME PORT EXPECT_PROTO|FAIL [s_client args...]
check_tls() {
    local name=$1 port=$2 expect=$3 out proto code; shift 3
    out=$(s_client_out "$port" -CAfile "$CA" -verify_return_error "$@")
    proto=$(negotiated "$out")
    code=$(sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' <<<"$out" | tail -n 1)
    if [ "$expect" = FAIL ]; then
        if [ -z "$proto" ] || [ "$proto" = "(NONE)" ]; then
            pass "$name: handshake refused as expected"
        else
            fail "$name: expected handshake failure, got $proto"
        fi
    elif [ "$proto" = "$expect" ] || { [ "$expect" = ANY ] && [ -n "$proto" ] && [ "$proto" != "(NONE)" ]; }; then
        if [ "$code" = 0 ]; then
            pass "$name: $proto, Verify return code: 0"
        else
            fail "$name: $proto but verify code '${code:-none}'"
        fi
    else
        fail "$name: expected $expect, got '${proto:-none}'"; printf '%s\n' "$out" | tail -n 5 | sed 's/^/      /'
    fi
}

echo "== TLS handshakes (CA $CA)"
check_tls "SMTP STARTTLS"          "$E_SMTP_PORT"       ANY     -starttls smtp -verify_hostname localhost
check_tls "SMTPS implicit"         "$E_SMTPS_PORT"      ANY     -verify_ip 127.0.0.1
check_tls "SMTP tls12-only +1.2"   "$E_SMTP_TLS12_PORT" TLSv1.2 -starttls smtp -tls1_2
check_tls "SMTP tls12-only +1.3"   "$E_SMTP_TLS12_PORT" FAIL    -starttls smtp -tls1_3
check_tls "SMTP tls13-only +1.3"   "$E_SMTP_TLS13_PORT" TLSv1.3 -starttls smtp -tls1_3
check_tls "SMTP tls13-only +1.2"   "$E_SMTP_TLS13_PORT" FAIL    -starttls smtp -tls1_2
check_tls "SMTP legacy +1.0"        "$E_SMTP_LEGACY_PORT" TLSv1.0 -starttls smtp -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
check_tls "SMTP legacy DHE-1024"    "$E_SMTP_LEGACY_PORT" TLSv1.2 -starttls smtp -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'
out=$(s_client_out "$E_SMTP_LEGACY_PORT" -starttls smtp -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0')
if grep -q '^Server Temp Key: DH, 1024 bits' <<<"$out"; then
    pass "SMTP legacy DHE group: 1024 bits"
else
    fail "SMTP legacy DHE group: $(grep '^Server Temp Key' <<<"$out" || echo 'no DH key')"
fi
check_tls "SMTP legacy ADH"         "$E_SMTP_LEGACY_PORT" TLSv1.2 -starttls smtp -tls1_2 -cipher 'ADH-AES128-GCM-SHA256:@SECLEVEL=0'
# The connection limit: two connections held open, the third is told 421.
if exec 7<>"/dev/tcp/$H/$E_SMTP_LIMIT_PORT" && exec 8<>"/dev/tcp/$H/$E_SMTP_LIMIT_PORT"; then
    IFS= read -r -t 10 b7 <&7 || b7=""
    IFS= read -r -t 10 b8 <&8 || b8=""
    third=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1"; IFS= read -r -t 10 l <&3; printf "%s" "$l"' "$H" "$E_SMTP_LIMIT_PORT" || true)
    exec 7>&- 8>&-
    if [[ $b7 == 220* && $b8 == 220* && $third == 421\ 4.7.0* ]]; then
        pass "SMTP limit: 2 served, the 3rd: ${third%$'\r'}"
    else
        fail "SMTP limit: got '${b7%$'\r'}', '${b8%$'\r'}', '${third%$'\r'}'"
    fi
else
    fail "SMTP limit: cannot connect to $E_SMTP_LIMIT_PORT"
fi
check_tls "Submission STARTTLS"    "$E_SUBMISSION_PORT" ANY     -starttls smtp
check_tls "IMAP STARTTLS"          "$E_IMAP_PORT"       ANY     -starttls imap
check_tls "IMAPS implicit"         "$E_IMAPS_PORT"      ANY
check_tls "POP3 STARTTLS"          "$E_POP3_PORT"       ANY     -starttls pop3
check_tls "POP3S implicit"         "$E_POP3S_PORT"      ANY

out=$(s_client_out "$E_SMTP_PORT" -starttls smtp -CAfile "$E_WRONG_CA_FILE")
if grep -q 'Verify return code: 20 ' <<<"$out"; then
    pass "SMTP STARTTLS with WRONG_CA_FILE: verify code 20 (unable to get local issuer)"
else
    fail "SMTP STARTTLS with WRONG_CA_FILE: $(grep 'Verify return code' <<<"$out" || echo 'no verify result')"
fi
out=$(s_client_out "$E_SMTP_PORT" -starttls smtp -showcerts)
n=$(grep -c 'BEGIN CERTIFICATE' <<<"$out" || true)
if [ "$n" = 2 ]; then pass "SMTP presents leaf + intermediate (2 certs)"; else fail "SMTP presents $n certs, expected 2"; fi

echo "== TLS-audit listeners (expected OpenSSL verify codes, default seclevel)"
check_verify() {   # check_verify KEY EXPECTED_CODE
    local key="E_$1" out code
    if [ -z "${!key:-}" ]; then fail "$1 missing from servers.env"; return; fi
    out=$(s_client_out "${!key}" -starttls smtp -CAfile "$CA" -verify_hostname localhost)
    code=$(sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' <<<"$out" | tail -n 1)
    if [ "$code" = "$2" ]; then
        pass "$1: $(grep -m1 'Verify return code' <<<"$out" | sed 's/^ *//')"
    else
        fail "$1: expected verify code $2, got '${code:-none}'"
    fi
}
check_verify SMTP_CERT_EXPIRED_PORT 10
check_verify SMTP_CERT_NOTYETVALID_PORT 9
check_verify SMTP_CERT_WRONGHOST_PORT 62
check_verify SMTP_CERT_SELFSIGNED_PORT 18
check_verify SMTP_CERT_RSA1024_PORT 66
check_verify SMTP_CERT_SHA1_PORT 68
check_verify SMTP_CERT_NOINTERMEDIATE_PORT 21

# --- Line-oriented dialogues ----------------------------------------------------
# A coprocess holds the connection; `expect_reply` reads until the final line
# of a reply, with a timeout, so there are no fixed sleeps.
REPLY_TEXT="" S_IN="" S_OUT="" S_PID=""
start_session() {   # start_session plain PORT | tls PORT [s_client args]
    local kind=$1 port=$2; shift 2
    if [ "$kind" = plain ]; then
        # shellcheck disable=SC2016 # $0/$1 expand in the inner bash
        coproc SESS { exec timeout 30 bash -c 'exec 3<>"/dev/tcp/$0/$1"; cat <&3 & cat >&3' "$H" "$port"; }
    else
        coproc SESS { exec timeout 30 openssl s_client -connect "$H:$port" -quiet \
            -CAfile "$CA" -verify_return_error "$@" 2>/dev/null; }
    fi
    # Duplicate the coprocess fds: bash unsets SESS and closes its fds as soon
    # as it reaps the coprocess (e.g. right after the server's reply to QUIT),
    # which would lose unread replies and trip `set -u`.
    exec {S_IN}<&"${SESS[0]}" {S_OUT}>&"${SESS[1]}"
    S_PID=$SESS_PID
}
send() { { printf '%s\r\n' "$1" >&"$S_OUT"; } 2>/dev/null || true; }
# expect_reply REGEX_FINAL_LINE - collect lines until one matches.
expect_reply() {
    local line
    REPLY_TEXT=""
    while IFS= read -r -t 10 line <&"$S_IN"; do
        line=${line%$'\r'}
        REPLY_TEXT+="$line"$'\n'
        [[ "$line" =~ $1 ]] && return 0
    done
    return 1
}
end_session() {
    # Close our write end so the client sees EOF, then reap it (bounded by
    # the coprocess's own `timeout 30`).
    local fd=${SESS[1]:-}
    if [ -n "$fd" ]; then exec {fd}>&-; fi
    exec {S_OUT}>&- {S_IN}<&-
    wait "$S_PID" 2>/dev/null || true
}
smtp_final='^[0-9]{3} '

echo "== Submission (SASL via Dovecot)"
start_session plain "$E_SUBMISSION_PORT"
expect_reply "$smtp_final" || true
send "EHLO selftest.invalid"; expect_reply "$smtp_final" || true
if grep -q '^250.STARTTLS' <<<"$REPLY_TEXT" && ! grep -q '^250.AUTH' <<<"$REPLY_TEXT"; then
    pass "Submission before STARTTLS: STARTTLS offered, no AUTH"
else
    fail "Submission before STARTTLS: $(tr '\n' '|' <<<"$REPLY_TEXT")"
fi
send "MAIL FROM:<selftest@mailscope.test>"; expect_reply "$smtp_final" || true
if [[ "$REPLY_TEXT" == 530* ]]; then pass "Submission MAIL before STARTTLS: 530"; else fail "Submission MAIL before STARTTLS: $REPLY_TEXT"; fi
send QUIT; expect_reply "$smtp_final" || true; end_session

auth_plain() { printf '\0%s\0%s' "$1" "$2" | openssl base64 -A; }
start_session tls "$E_SUBMISSION_PORT" -starttls smtp
send "EHLO selftest.invalid"; expect_reply "$smtp_final" || true
if grep -Eq '^250.AUTH PLAIN LOGIN' <<<"$REPLY_TEXT"; then
    pass "Submission after STARTTLS: $(grep -E '^250.AUTH' <<<"$REPLY_TEXT")"
else
    fail "Submission after STARTTLS: no AUTH PLAIN LOGIN: $(tr '\n' '|' <<<"$REPLY_TEXT")"
fi
send "AUTH PLAIN $(auth_plain "$USER_NAME" wrong-password)"; expect_reply "$smtp_final" || true
if [[ "$REPLY_TEXT" == 535* ]]; then pass "AUTH PLAIN wrong password: ${REPLY_TEXT%$'\n'}"; else fail "AUTH PLAIN wrong password: $REPLY_TEXT"; fi
send "AUTH PLAIN $(auth_plain "$USER_NAME" "$PASS")"; expect_reply "$smtp_final" || true
if [[ "$REPLY_TEXT" == 235* ]]; then pass "AUTH PLAIN correct password: ${REPLY_TEXT%$'\n'}"; else fail "AUTH PLAIN correct password: $REPLY_TEXT"; fi
send QUIT; expect_reply "$smtp_final" || true; end_session

echo "== IMAP / POP3 login"
imap_login() {   # imap_login PASSWORD -> prints tagged reply
    start_session tls "$E_IMAPS_PORT"
    expect_reply '^\* OK' || true
    send "a1 LOGIN \"$USER_NAME\" \"$1\""; expect_reply '^a1 ' || true
    local r=$REPLY_TEXT
    send "a2 LOGOUT"; expect_reply '^a2 ' || true; end_session
    grep '^a1 ' <<<"$r" || echo "(no reply)"
}
r=$(imap_login "$PASS")
if [[ "$r" == "a1 OK"* ]]; then pass "IMAPS LOGIN correct password: $r"; else fail "IMAPS LOGIN correct: $r"; fi
r=$(imap_login wrong-password)
if [[ "$r" == "a1 NO"* ]]; then pass "IMAPS LOGIN wrong password: $r"; else fail "IMAPS LOGIN wrong: $r"; fi
start_session tls "$E_POP3_PORT" -starttls pop3
send "USER $USER_NAME"; expect_reply '^(\+OK|-ERR)' || true
send "PASS $PASS"; expect_reply '^(\+OK|-ERR)' || true
if [[ "$REPLY_TEXT" == "+OK"* ]]; then pass "POP3 STARTTLS USER/PASS: ${REPLY_TEXT%$'\n'}"; else fail "POP3 login: $REPLY_TEXT"; fi
send QUIT; expect_reply '^(\+OK|-ERR)' || true; end_session

echo "== Mail delivery stays local"
send_mail() {   # send_mail RCPT SUBJECT -> prints the reply to the end of DATA
    start_session tls "$E_SMTP_PORT" -starttls smtp
    send "EHLO selftest.invalid"; expect_reply "$smtp_final" || true
    send "MAIL FROM:<selftest@mailscope.test>"; expect_reply "$smtp_final" || true
    send "RCPT TO:<$1>"; expect_reply "$smtp_final" || { echo "RCPT: $REPLY_TEXT"; end_session; return; }
    [[ "$REPLY_TEXT" == 250* ]] || { echo "RCPT: $REPLY_TEXT"; end_session; return; }
    send DATA; expect_reply "$smtp_final" || true
    send "Subject: $2"; send "From: <selftest@mailscope.test>"; send "To: <$1>"; send ""
    send "Mailscope selftest message."; send "."
    expect_reply "$smtp_final" || true
    printf '%s' "$REPLY_TEXT"
    send QUIT; expect_reply "$smtp_final" || true; end_session
}
TAG=selftest-$$-$RANDOM
r=$(send_mail "$USER_NAME" "$TAG")
if [[ "$r" == "250 2.0.0 Ok: queued"* ]]; then pass "mail to $USER_NAME: ${r%$'\n'}"; else fail "mail to $USER_NAME: $r"; fi
deadline=$((SECONDS + 15)); found=""
while [ "$SECONDS" -lt "$deadline" ]; do
    found=$(grep -l "^Subject: $TAG" "$E_TEST_MAILDIR"/new/* 2>/dev/null | head -n 1 || true)
    [ -n "$found" ] && break
    sleep 0.2
done
if [ -n "$found" ]; then pass "delivered to $found"; else fail "mail with subject $TAG not in $E_TEST_MAILDIR/new within 15 s"; fi
# ... and Dovecot serves it.
start_session tls "$E_IMAP_PORT" -starttls imap
send "a1 LOGIN \"$USER_NAME\" \"$PASS\""; expect_reply '^a1 ' || true
send "a2 SELECT INBOX"; expect_reply '^a2 ' || true
send "a3 SEARCH SUBJECT \"$TAG\""; expect_reply '^a3 ' || true
if grep -Eq '^\* SEARCH [0-9]' <<<"$REPLY_TEXT"; then
    pass "IMAP SEARCH finds the delivered mail: $(grep '^\* SEARCH' <<<"$REPLY_TEXT")"
else
    fail "IMAP SEARCH for $TAG: $(tr '\n' '|' <<<"$REPLY_TEXT")"
fi
send "a4 LOGOUT"; expect_reply '^a4 ' || true; end_session

r=$(send_mail "nobody@example.invalid" "$TAG-ext")
if [[ "$r" == "250 2.0.0 Ok: queued"* ]]; then
    qid=$(sed -n 's/^250 2.0.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$r")
    deadline=$((SECONDS + 15)); line=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        line=$(grep "$qid: to=<nobody@example.invalid>" "$E_POSTFIX_LOG" || true)
        [ -n "$line" ] && break
        sleep 0.2
    done
    if grep -q 'relay=none.*status=sent (example.invalid)' <<<"$line" || grep -q 'status=sent.*discard' <<<"$line" || grep -q 'relay=none, .*status=sent' <<<"$line"; then
        pass "external recipient discarded: ${line##*: to=}"
    else
        fail "external recipient not discarded: ${line:-no log line for $qid}"
    fi
else
    fail "mail to external address not accepted: $r"
fi

echo "== Summary: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
