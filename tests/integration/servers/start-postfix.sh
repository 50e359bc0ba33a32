#!/usr/bin/env bash
# start-postfix.sh STATEDIR
#
# Starts a private Postfix instance on 127.0.0.1 for Mailscope's integration
# tests, with `postfix -c STATEDIR/postfix`. It never touches /etc/postfix
# (only reads the package's shared files: daemons, postfix-files, dynamicmaps)
# nor the system's Postfix service. Listeners (all 127.0.0.1, ports picked free
# at start time):
#
#   SMTP_PORT         SMTP, opportunistic STARTTLS (smtpd_tls_security_level=may)
#   SMTPS_PORT        implicit TLS (smtpd_tls_wrappermode=yes)
#   SMTP_TLS12_PORT   STARTTLS, TLS 1.2 only
#   SMTP_TLS13_PORT   STARTTLS, TLS 1.3 only
#   SMTP_LEGACY_PORT  STARTTLS, the "legacy" policy: TLS 1.0 and up, every suite
#                     OpenSSL 3 can still serve (ALL:COMPLEMENTOFALL at security
#                     level 0: 3DES, CAMELLIA, ARIA, anonymous and NULL suites
#                     besides current ones) and DHE with a 1024-bit group
#                     (RFC 5114 s.2.1, STATEDIR/dh1024.pem)
#   SMTP_PREEMPT_PORT as SMTP_PORT, but the server's own cipher order
#                     (tls_preempt_cipherlist = yes), as hardening guides advise
#   SMTP_LIMIT_PORT   as SMTP_PORT, but at most 2 connections at a time per
#                     client, loopback included (smtpd_client_connection_count_limit
#                     with no exceptions): the 3rd gets "421 4.7.0 ... too many
#                     connections" (RFC 5321 s.3.8), as on many real MX hosts
#   SUBMISSION_PORT   STARTTLS required, SASL AUTH (PLAIN LOGIN) via Dovecot
#                     only after STARTTLS. Only configured when the private
#                     Dovecot of the same STATEDIR is running (start it first,
#                     see start-all.sh); otherwise the key is absent.
#   SMTP_CERT_<CASE>_PORT  STARTTLS listeners for TLS-audit tests, each
#                     presenting one "bad" certificate: EXPIRED, NOTYETVALID,
#                     WRONGHOST, SELFSIGNED, RSA1024, SHA1, NOINTERMEDIATE.
#
# Mail never leaves the machine: there is no smtp/relay/lmtp client service in
# master.cf at all, default_transport and relay_transport are "discard", and
# mail for the local domains (mailscope.test, mail.mailscope.test, localhost)
# is delivered by virtual(8) into STATEDIR/mail/alice/Maildir (catch-all),
# the same Maildir Dovecot serves to TEST_USER.
#
# Writes the keys above plus POSTFIX_CONFIG_DIR, POSTFIX_LOG, SMTP_HOSTNAME and
# the certificate keys to STATEDIR/servers.env. If the instance is already
# running it is stopped and started again (fresh ports).
set -euo pipefail

MS_PROG=start-postfix.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
need_root
need_bin postfix "package postfix"
need_bin postconf "package postfix"
need_bin openssl "package openssl"
DAEMON_DIR=$(postconf -dh daemon_directory)
[ -x "$DAEMON_DIR/master" ] || die "Postfix master not found in $DAEMON_DIR (package postfix)"
[ -x "$DAEMON_DIR/virtual" ] || die "Postfix virtual(8) not found in $DAEMON_DIR"
for u in postfix nobody; do
    id "$u" >/dev/null 2>&1 || die "system user '$u' missing (the postfix package creates 'postfix')"
done
getent group postdrop >/dev/null 2>&1 || die "group 'postdrop' missing (created by the postfix package)"

SD=$(ms_statedir "$1")
ENV_FILE=$SD/servers.env
PF=$SD/postfix      # config_directory (main.cf, master.cf)
QD=$SD/pfq          # queue_directory (holds the unix sockets: keep short)
DD=$SD/pfd          # data_directory
LOGF=$SD/postfix.log
MYHOSTNAME=mail.mailscope.test

# Restart semantics: stop a running instance of this state dir first.
if [ -f "$QD/pid/master.pid" ] &&
    pid_has_env "$(head -n 1 "$QD/pid/master.pid" 2>/dev/null | tr -d ' ' || true)" "MAIL_CONFIG=$PF"; then
    log "Postfix already running for $SD; restarting it"
    "$(ms_script_dir)/stop-postfix.sh" "$SD"
fi

ms_ensure_certs "$SD"
CERTS=$SD/certs
ms_ensure_mailbox "$SD"
MAIL_UID=$(id -u nobody)
MAIL_GID=$(id -g nobody)

# Ownership rules checked by "postfix check"/postfix-script: config dir and
# queue dir owned by root and not group/world writable; data dir owned by
# mail_owner. The queue subdirectories are created by "postfix start"
# (post-install create-missing).
mkdir -p "$PF" "$QD" "$DD"
chown root:root "$PF" "$QD"
chmod 0755 "$PF" "$QD"
chown postfix:postfix "$DD"
chmod 0700 "$DD"
: >> "$LOGF"

# --- SASL via Dovecot (submission listener) --------------------------------------
AUTH_SOCKET=$(env_get "$ENV_FILE" DOVECOT_AUTH_SOCKET)
WITH_SUBMISSION=0
if [ -n "$AUTH_SOCKET" ] && [ -S "$AUTH_SOCKET" ]; then
    WITH_SUBMISSION=1
else
    log "private Dovecot not running for $SD: no submission/SASL listener (use start-all.sh)"
fi

# --- Ports ---------------------------------------------------------------------------
# TLS-audit listeners: plain STARTTLS SMTP, each presenting one of the "bad"
# certificates from make-test-certs.sh. Entry = CERTNAME:ENVKEY. Postfix 3.7
# loads and serves the rsa1024 and sha1 chains without any security-level
# override (verified); it is the *client* at OpenSSL's default level 2 that
# rejects them (verify errors 66 "EE certificate key too weak" and 68 "CA
# signature digest algorithm too weak").
AUDIT_LISTENERS=(
    expired:SMTP_CERT_EXPIRED_PORT
    notyetvalid:SMTP_CERT_NOTYETVALID_PORT
    wronghost:SMTP_CERT_WRONGHOST_PORT
    selfsigned:SMTP_CERT_SELFSIGNED_PORT
    rsa1024:SMTP_CERT_RSA1024_PORT
    sha1:SMTP_CERT_SHA1_PORT
    leaf-nointermediate:SMTP_CERT_NOINTERMEDIATE_PORT
)
NPORTS=$((8 + ${#AUDIT_LISTENERS[@]}))
mapfile -t PORTS < <(pick_free_ports "$NPORTS")
[ "${#PORTS[@]}" -eq "$NPORTS" ] || die "port selection failed"
SMTP_PORT=${PORTS[0]} SMTPS_PORT=${PORTS[1]} SMTP_TLS12_PORT=${PORTS[2]}
SMTP_TLS13_PORT=${PORTS[3]} SUBMISSION_PORT=${PORTS[4]} SMTP_LEGACY_PORT=${PORTS[5]}
SMTP_LIMIT_PORT=${PORTS[6]} SMTP_PREEMPT_PORT=${PORTS[7]}
AUDIT_PORTS=("${PORTS[@]:8}")

# The legacy listener's DH group: 1024 bits, the well-known RFC 5114 s.2.1 group (no slow
# generation). OpenSSL 3 serves it at security level 0; the audit's DH-size finding is proven on it.
DH1024=$SD/dh1024.pem
if [ ! -s "$DH1024" ]; then
    openssl genpkey -genparam -algorithm DH -pkeyopt dh_rfc5114:1 -out "$DH1024.tmp" 2>/dev/null ||
        die "openssl could not write the 1024-bit DH parameters"
    mv "$DH1024.tmp" "$DH1024"
fi
chmod 0644 "$DH1024"

# --- main.cf ---------------------------------------------------------------------------
cat > "$PF/main.cf" <<EOF
# Generated by start-postfix.sh for Mailscope integration tests. Do not edit:
# it is rewritten on every start. Private instance, 127.0.0.1 only.
compatibility_level = 3.6

# All state inside the test state dir. command/daemon/meta/shlib directories
# keep their package defaults (shared read-only files).
queue_directory = $QD
data_directory = $DD

# Identity and addresses.
myhostname = $MYHOSTNAME
mydomain = mailscope.test
myorigin = \$mydomain
mydestination = \$myhostname, \$mydomain, localhost, localhost.localdomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = \$myhostname ESMTP Mailscope test Postfix
biff = no

# Logging to a readable file (needs the postlog service in master.cf). The
# file must start with one of maillog_file_prefixes.
maillog_file = $LOGF
maillog_file_prefixes = $SD
syslog_name = postfix-$(basename "$SD")

# --- Delivery: nothing ever leaves this machine -------------------------------
# There is no smtp/relay/lmtp service in master.cf; anything not local is
# discarded. Local domains go to one catch-all Maildir (the test user's).
default_transport = discard
relay_transport = discard
local_transport = virtual
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains =
virtual_alias_domains =
virtual_alias_maps =
virtual_mailbox_base = $SD/mail
virtual_mailbox_maps = static:alice/Maildir/
virtual_uid_maps = static:$MAIL_UID
virtual_gid_maps = static:$MAIL_GID
virtual_minimum_uid = 1
smtp_dns_support_level = disabled
notify_classes =

# --- TLS (server side) -----------------------------------------------------------
smtpd_tls_chain_files = $CERTS/leaf.key, $CERTS/leaf-chain.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes

# --- SASL defaults (enabled only on the submission listener) --------------------
smtpd_sasl_auth_enable = no
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${AUTH_SOCKET:-/nonexistent}
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
# One recipient the send tests see refused, with Postfix's own reply (RFC 3463 X.1.1):
# "550 5.1.1 <refused@mailscope.test>: Recipient address rejected: No such user here".
smtpd_recipient_restrictions = check_recipient_access inline:{ { refused@mailscope.test = 550 5.1.1 No such user here } }
# Test-friendly: no 1 s tarpit after 4xx/5xx replies (tests provoke errors).
smtpd_error_sleep_time = 0
EOF

# --- master.cf -------------------------------------------------------------------------
# chroot column (5th) is "n" everywhere: the queue dir has no chroot setup.
{
cat <<EOF
# Generated by start-postfix.sh for Mailscope integration tests.
# service        type  private unpriv chroot wakeup maxproc command + args
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/smtp
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
127.0.0.1:$SMTP_TLS12_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/tls12
  -o smtpd_tls_protocols=>=TLSv1.2,<=TLSv1.2
  -o smtpd_tls_mandatory_protocols=>=TLSv1.2,<=TLSv1.2
127.0.0.1:$SMTP_TLS13_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/tls13
  -o smtpd_tls_protocols=>=TLSv1.3
  -o smtpd_tls_mandatory_protocols=>=TLSv1.3
127.0.0.1:$SMTP_LEGACY_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/legacy
  -o smtpd_tls_protocols=>=TLSv1
  -o smtpd_tls_ciphers=low
  -o {tls_low_cipherlist = ALL:COMPLEMENTOFALL:@SECLEVEL=0}
  -o smtpd_tls_dh1024_param_file=$DH1024
127.0.0.1:$SMTP_PREEMPT_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/preempt
  -o tls_preempt_cipherlist=yes
127.0.0.1:$SMTP_LIMIT_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/limit
  -o smtpd_client_connection_count_limit=2
  -o smtpd_client_event_limit_exceptions=
EOF
i=0
for entry in "${AUDIT_LISTENERS[@]}"; do
    cert=${entry%%:*}
    cat <<EOF
127.0.0.1:${AUDIT_PORTS[$i]} inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/cert-$cert
  -o {smtpd_tls_chain_files = $CERTS/$cert.key, $CERTS/$cert-chain.pem}
EOF
    i=$((i + 1))
done
if [ "$WITH_SUBMISSION" -eq 1 ]; then
cat <<EOF
127.0.0.1:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix-$(basename "$SD")/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
EOF
fi
cat <<'EOF'
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
virtual    unix  -       n       n       -       -       virtual
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
} > "$PF/master.cf"
chmod 0644 "$PF/main.cf" "$PF/master.cf"
# Postfix treats a config file modified within the last ~2 s as "hot" and
# re-reads it every 300 ms until it is older (util/dict.c dict_load_file_xt),
# which would add ~2 s to every start. The files are complete and closed, so
# backdate them.
touch -d '-10 seconds' "$PF/main.cf" "$PF/master.cf"

# --- Start -----------------------------------------------------------------------------
# "postfix start" runs the same integrity checks as "postfix check" (creates
# the missing queue subdirectories via post-install create-missing, warns about
# ownership problems) and then waits until the master has initialised (-w);
# messages go to $LOGF and to $SD/postfix-start.out.
# stdio detached from the caller (see start-dovecot.sh: a daemon holding the
# caller's pipe would make ctest/CI hang waiting for EOF).
if ! postfix -c "$PF" start </dev/null >"$SD/postfix-start.out" 2>&1; then
    cat "$SD/postfix-start.out" >&2
    "$(ms_script_dir)/stop-postfix.sh" "$SD" >/dev/null 2>&1 || true
    die "postfix start failed (see $LOGF)"
fi

LISTEN_PORTS=("$SMTP_PORT" "$SMTPS_PORT" "$SMTP_TLS12_PORT" "$SMTP_TLS13_PORT" "$SMTP_LEGACY_PORT" "$SMTP_LIMIT_PORT" "$SMTP_PREEMPT_PORT" "${AUDIT_PORTS[@]}")
[ "$WITH_SUBMISSION" -eq 1 ] && LISTEN_PORTS+=("$SUBMISSION_PORT")
if ! wait_ports_open 20 "${LISTEN_PORTS[@]}"; then
    tail -n 30 "$LOGF" >&2 || true
    "$(ms_script_dir)/stop-postfix.sh" "$SD" || true
    die "Postfix did not open ports ${LISTEN_PORTS[*]} within 20 s (see $LOGF)"
fi

env_set "$ENV_FILE" SMTP_HOSTNAME "$MYHOSTNAME"
env_set "$ENV_FILE" SMTP_PORT "$SMTP_PORT"
env_set "$ENV_FILE" SMTPS_PORT "$SMTPS_PORT"
env_set "$ENV_FILE" SMTP_TLS12_PORT "$SMTP_TLS12_PORT"
env_set "$ENV_FILE" SMTP_TLS13_PORT "$SMTP_TLS13_PORT"
env_set "$ENV_FILE" SMTP_LEGACY_PORT "$SMTP_LEGACY_PORT"
env_set "$ENV_FILE" SMTP_LIMIT_PORT "$SMTP_LIMIT_PORT"
env_set "$ENV_FILE" SMTP_PREEMPT_PORT "$SMTP_PREEMPT_PORT"
i=0
for entry in "${AUDIT_LISTENERS[@]}"; do
    env_set "$ENV_FILE" "${entry#*:}" "${AUDIT_PORTS[$i]}"
    i=$((i + 1))
done
if [ "$WITH_SUBMISSION" -eq 1 ]; then
    env_set "$ENV_FILE" SUBMISSION_PORT "$SUBMISSION_PORT"
else
    env_unset "$ENV_FILE" SUBMISSION_PORT
fi
env_set "$ENV_FILE" POSTFIX_CONFIG_DIR "$PF"
env_set "$ENV_FILE" POSTFIX_LOG "$LOGF"
log "Postfix up (pid $(head -n 1 "$QD/pid/master.pid" | tr -d ' ')): smtp $SMTP_PORT smtps $SMTPS_PORT tls12 $SMTP_TLS12_PORT tls13 $SMTP_TLS13_PORT legacy $SMTP_LEGACY_PORT limit $SMTP_LIMIT_PORT preempt $SMTP_PREEMPT_PORT submission $([ "$WITH_SUBMISSION" -eq 1 ] && echo "$SUBMISSION_PORT" || echo off)"
