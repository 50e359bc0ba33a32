#!/bin/bash
# Stops the Knot DNS that start-knot.sh started (by its pid file).
SD=${1:?statedir}
[ -f "$SD/run/knot.pid" ] && kill "$(cat "$SD/run/knot.pid")" 2>/dev/null
rm -f "$SD/knot.env"
exit 0
