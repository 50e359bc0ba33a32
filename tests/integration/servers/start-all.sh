#!/usr/bin/env bash
# start-all.sh STATEDIR
#
# Starts the complete test mail setup for STATEDIR: first the private Dovecot
# (IMAP/POP3 + the SASL auth socket), then the private Postfix (which needs
# that socket for its submission listener). Certificates are generated into
# STATEDIR/certs on first use. On success STATEDIR/servers.env holds every
# key; on failure whatever was started is stopped again and the exit status
# is non-zero. STATEDIR is created if missing; keep its path short, e.g.
#   STATEDIR=$(mktemp -d /tmp/ms.XXXXXX)
set -euo pipefail

MS_PROG=start-all.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
SD=$(ms_statedir "$1")
HERE=$(ms_script_dir)
# FIXTURE_READY marks an env file this run completed; the tests refuse a file without it, so a
# file left by an earlier, failed or stopped run is never taken for live servers.
env_unset "$SD/servers.env" FIXTURE_READY

# Free ports are picked just before the daemons bind them; another process
# may grab one in between ("Address already in use"). Each start script picks
# new ports, so simply retry a few times.
attempt() {  # attempt SCRIPT
    local i
    for i in 1 2 3; do
        "$HERE/$1" "$SD" && return 0
        log "$1 failed (attempt $i of 3)"
    done
    return 1
}
attempt start-dovecot.sh || { "$HERE/stop-all.sh" "$SD" || true; die "Dovecot failed to start"; }
attempt start-postfix.sh || { "$HERE/stop-all.sh" "$SD" || true; die "Postfix failed to start"; }

# Sanity: every documented key must be present.
for k in SMTP_PORT SMTPS_PORT SMTP_TLS12_PORT SMTP_TLS13_PORT SMTP_LEGACY_PORT SMTP_LIMIT_PORT SUBMISSION_PORT \
         IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT TEST_USER TEST_PASSWORD_FILE \
         CA_FILE WRONG_CA_FILE CERT_DIR; do
    [ -n "$(env_get "$SD/servers.env" "$k")" ] ||
        { "$HERE/stop-all.sh" "$SD" || true; die "servers.env lacks $k"; }
done
env_set "$SD/servers.env" FIXTURE_READY "$(date -u +%s)"
log "all test servers up; environment in $SD/servers.env"
