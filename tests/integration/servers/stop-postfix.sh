#!/usr/bin/env bash
# stop-postfix.sh STATEDIR
#
# Stops the private Postfix instance started by start-postfix.sh for STATEDIR
# ("postfix -c STATEDIR/postfix stop"), then waits (bounded) until the master
# and every process of this instance have exited and the listening ports from
# servers.env are closed. Processes of the instance are found by their
# MAIL_CONFIG=STATEDIR/postfix environment entry; stragglers get SIGKILL as a
# last resort. Succeeds (exit 0) if the instance was not running. Never
# touches any other Postfix instance.
set -euo pipefail

MS_PROG=stop-postfix.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
[ -d "$1" ] || { log "no state dir $1; nothing to stop"; exit 0; }
SD=$(cd -- "$1" && pwd -P)
ENV_FILE=$SD/servers.env
PF=$SD/postfix
PIDFILE=$SD/pfq/pid/master.pid

PORTS=()
AUDIT_KEYS=(SMTP_CERT_EXPIRED_PORT SMTP_CERT_NOTYETVALID_PORT SMTP_CERT_WRONGHOST_PORT
            SMTP_CERT_SELFSIGNED_PORT SMTP_CERT_RSA1024_PORT SMTP_CERT_SHA1_PORT
            SMTP_CERT_NOINTERMEDIATE_PORT)
for k in SMTP_PORT SMTPS_PORT SMTP_TLS12_PORT SMTP_TLS13_PORT SMTP_LEGACY_PORT SMTP_LIMIT_PORT SMTP_PREEMPT_PORT SUBMISSION_PORT "${AUDIT_KEYS[@]}"; do
    p=$(env_get "$ENV_FILE" "$k")
    [ -n "$p" ] && PORTS+=("$p")
done

MASTER=""
[ -f "$PIDFILE" ] && MASTER=$(head -n 1 "$PIDFILE" 2>/dev/null | tr -d ' ' || true)
# Only trust the pid file if that pid really is this instance's master.
if [ -n "$MASTER" ] && ! pid_has_env "$MASTER" "MAIL_CONFIG=$PF"; then
    MASTER=""
fi

# All processes of this instance (master and children), captured up front.
mapfile -t PROCS < <(pids_with_env "MAIL_CONFIG=$PF")

if [ -n "$MASTER" ] && pid_alive "$MASTER"; then
    if command -v postfix >/dev/null 2>&1 && [ -f "$PF/main.cf" ]; then
        # "postfix stop" signals the master and returns once it has exited
        # (bounded by postfix-script itself).
        postfix -c "$PF" stop >/dev/null 2>&1 || kill -TERM "$MASTER" 2>/dev/null || true
    else
        kill -TERM "$MASTER" 2>/dev/null || true
    fi
    if ! wait_pids_gone 15 "$MASTER" "${PROCS[@]}"; then
        log "Postfix processes still running after 15 s; sending SIGKILL"
        kill -KILL "$MASTER" "${PROCS[@]}" 2>/dev/null || true
        wait_pids_gone 5 "$MASTER" "${PROCS[@]}" || die "Postfix processes survived SIGKILL"
    fi
    log "Postfix stopped (was pid $MASTER)"
elif [ "${#PROCS[@]}" -gt 0 ]; then
    # No live master but orphans of this instance exist (e.g. master killed).
    log "no Postfix master for $SD, killing leftover processes: ${PROCS[*]}"
    kill -TERM "${PROCS[@]}" 2>/dev/null || true
    wait_pids_gone 5 "${PROCS[@]}" || kill -KILL "${PROCS[@]}" 2>/dev/null || true
    wait_pids_gone 5 "${PROCS[@]}" || die "Postfix processes survived SIGKILL"
else
    log "Postfix not running for $SD"
fi

# Anything started between the first scan and the stop (e.g. an smtpd for a
# late connection)?
mapfile -t LEFT < <(pids_with_env "MAIL_CONFIG=$PF")
if [ "${#LEFT[@]}" -gt 0 ]; then
    log "killing leftover Postfix processes: ${LEFT[*]}"
    kill -KILL "${LEFT[@]}" 2>/dev/null || true
    wait_pids_gone 5 "${LEFT[@]}" || die "Postfix processes survived SIGKILL"
fi

if [ "${#PORTS[@]}" -gt 0 ] && ! wait_ports_closed 10 "${PORTS[@]}"; then
    die "Postfix ports ${PORTS[*]} still open after stop"
fi
env_unset "$ENV_FILE" SMTP_PORT SMTPS_PORT SMTP_TLS12_PORT SMTP_TLS13_PORT SMTP_LEGACY_PORT SMTP_LIMIT_PORT SMTP_PREEMPT_PORT SUBMISSION_PORT "${AUDIT_KEYS[@]}"
exit 0
