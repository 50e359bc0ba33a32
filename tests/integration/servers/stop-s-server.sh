#!/usr/bin/env bash
# stop-s-server.sh STATEDIR
#
# Stops the `openssl s_server` endpoints that start-s-server.sh started for
# STATEDIR (exactly the pids in STATEDIR/s-server.pids, and only while they are
# still openssl processes). Safe to run when nothing is running.
set -euo pipefail

MS_PROG=stop-s-server.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
PIDS=$1/s-server.pids
# The environment describes the endpoints stopped here: no test may read it any more.
rm -f -- "$1/s-servers.env"
[ -f "$PIDS" ] || { log "no s_server pids in $1; nothing to stop"; exit 0; }
alive=()
while read -r pid; do
    [ -n "$pid" ] || continue
    if pid_alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = openssl ]; then
        kill "$pid" 2>/dev/null || true
        alive+=("$pid")
    fi
done < "$PIDS"
if [ "${#alive[@]}" -gt 0 ] && ! wait_pids_gone 10 "${alive[@]}"; then
    for pid in "${alive[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
fi
rm -f -- "$PIDS"
log "s_server endpoints stopped"
