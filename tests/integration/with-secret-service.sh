#!/bin/sh
# Runs a command in a D-Bus session of its own with an unlocked gnome-keyring as the Secret
# Service, in a throwaway HOME: the keychain tests use a real secret service and never touch the
# user's keyring or configuration.
#
#   with-secret-service.sh COMMAND [ARGS...]
set -eu
tmp=$(mktemp -d /tmp/ms-keyring-XXXXXX)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# No desktop: QtKeychain must pick the Secret Service, and nothing may try to show a prompt.
unset DISPLAY WAYLAND_DISPLAY XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION || true
status=0
# --unlock reads the login keyring's password on stdin and creates that keyring when it is new.
dbus-run-session -- sh -c '
    printf %s mailscope-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 97
    exec "$@"' sh "$@" || status=$?
exit $status
