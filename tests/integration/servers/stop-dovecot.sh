#!/usr/bin/env bash
# stop-dovecot.sh STATEDIR
#
# Stops the private Dovecot instance started by start-dovecot.sh for
# STATEDIR: sends SIGTERM to its master (like doveadm stop),
# waits (bounded) until the master and all of its child processes have exited
# and the ports from servers.env are closed, and SIGKILLs stragglers as a last
# resort. Succeeds (exit 0) if the instance was not running.
set -euo pipefail

MS_PROG=stop-dovecot.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
[ -d "$1" ] || { log "no state dir $1; nothing to stop"; exit 0; }
SD=$(cd -- "$1" && pwd -P)
ENV_FILE=$SD/servers.env
PIDFILE=$SD/dr/master.pid

PORTS=()
for k in IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT; do
    p=$(env_get "$ENV_FILE" "$k")
    [ -n "$p" ] && PORTS+=("$p")
done

MASTER=""
[ -f "$PIDFILE" ] && MASTER=$(head -n 1 "$PIDFILE" 2>/dev/null || true)
# Only trust the pid file if that pid really is this instance's master
# (started as "dovecot -c STATEDIR/dovecot/dovecot.conf").
if [ -n "$MASTER" ] && ! pid_cmdline_has "$MASTER" "$SD/dovecot/dovecot.conf"; then
    MASTER=""
fi

if [ -n "$MASTER" ] && pid_alive "$MASTER"; then
    # Remember the whole process tree now: after the master is gone, orphaned
    # children are re-parented and can no longer be found via the master.
    mapfile -t KIDS < <(descendants "$MASTER")
    # SIGTERM to the master is what "doveadm -c CONF stop" does too, but
    # doveadm then polls in whole seconds (~3 s); our own wait is finer.
    kill -TERM "$MASTER" 2>/dev/null || true
    if ! wait_pids_gone 15 "$MASTER" "${KIDS[@]}"; then
        log "Dovecot did not exit within 15 s; sending SIGKILL"
        kill -KILL "$MASTER" "${KIDS[@]}" 2>/dev/null || true
        wait_pids_gone 5 "$MASTER" "${KIDS[@]}" || die "Dovecot processes survived SIGKILL"
    fi
    log "Dovecot stopped (was pid $MASTER)"
else
    log "Dovecot not running for $SD"
fi
rm -f -- "$PIDFILE"

# Leftovers (e.g. the master was SIGKILLed and a child lingers)?
mapfile -t LEFT < <(pids_with_title "dovecot-$(basename "$SD")/")
if [ "${#LEFT[@]}" -gt 0 ]; then
    log "killing leftover Dovecot processes: ${LEFT[*]}"
    kill -KILL "${LEFT[@]}" 2>/dev/null || true
    wait_pids_gone 5 "${LEFT[@]}" || die "Dovecot processes survived SIGKILL"
fi

if [ "${#PORTS[@]}" -gt 0 ] && ! wait_ports_closed 10 "${PORTS[@]}"; then
    die "Dovecot ports ${PORTS[*]} still open after stop"
fi
# The ports are no longer valid; leave the other keys (user, certs) in place.
env_unset "$ENV_FILE" IMAP_PORT IMAPS_PORT POP3_PORT POP3S_PORT DOVECOT_AUTH_SOCKET
exit 0
