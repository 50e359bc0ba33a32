#!/usr/bin/env bash
# stop-all.sh STATEDIR
#
# Stops the private Postfix and Dovecot of STATEDIR (Postfix first, since its
# submission listener uses Dovecot's auth socket) and waits, bounded, until
# their processes are gone and their ports are closed. Safe to run when
# nothing is running. Does not delete STATEDIR (the caller owns it; logs in it
# are useful after a failed test run): `rm -rf STATEDIR` afterwards if wanted.
set -euo pipefail

MS_PROG=stop-all.sh
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
ms_setup_path

[ $# -eq 1 ] || die "usage: $MS_PROG STATEDIR"
[ -d "$1" ] || { log "no state dir $1; nothing to stop"; exit 0; }
HERE=$(ms_script_dir)

rc=0
env_unset "$1/servers.env" FIXTURE_READY
"$HERE/stop-postfix.sh" "$1" || rc=1
"$HERE/stop-dovecot.sh" "$1" || rc=1
exit "$rc"
