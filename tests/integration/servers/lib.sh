# shellcheck shell=bash
# Common helpers for the Mailscope integration-test server scripts.
#
# This file is sourced, never executed. It only defines functions and a few
# constants; it does not change shell options of the caller (the callers use
# `set -euo pipefail` themselves).
#
# NETWORK SAFETY: every helper here only ever talks to 127.0.0.1.

# The only address the test servers bind to / are probed on.
MS_HOST=127.0.0.1

# Random high port range used for the test listeners. Kept below the Linux
# default ephemeral range (32768-60999) to make collisions with outgoing
# connections' source ports unlikely.
# Overridable from the environment if that range is busy on some machine.
MS_PORT_MIN=${MS_PORT_MIN:-20000}
MS_PORT_MAX=${MS_PORT_MAX:-32000}

# Longest state-dir path we accept. Dovecot creates unix sockets such as
# "$base_dir/token-login/tokenlogin" and "$base_dir/login/imap-urlauth" inside
# the state dir and sun_path is limited to 108 bytes, so stay well below.
MS_MAX_STATEDIR_LEN=60

# Name of the script that sourced us, for messages.
MS_PROG=${MS_PROG:-$(basename "$0")}

log() { printf '%s: %s\n' "$MS_PROG" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$MS_PROG" "$*" >&2; exit 1; }

# need_bin NAME [HINT] - fail clearly if NAME is not executable via PATH.
# /usr/sbin and /usr/lib/postfix/sbin are not always on a non-root PATH,
# so callers add them first (see ms_setup_path).
need_bin() {
    command -v "$1" >/dev/null 2>&1 ||
        die "required program '$1' not found${2:+ ($2)}. Install the packages listed in the project README (postfix dovecot-core dovecot-imapd dovecot-pop3d openssl iproute2)."
}

ms_setup_path() {
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}
    export PATH
}

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (Postfix and Dovecot master processes need root to start)"
}

# ms_statedir ARG - validate the state dir argument, create it if missing and
# print its absolute, symlink-free path. The path is written unquoted into
# servers.env and into Postfix/Dovecot configs, so only a conservative
# character set is accepted.
ms_statedir() {
    local arg=${1:-} abs
    [ -n "$arg" ] || die "usage: $MS_PROG STATEDIR   (e.g. STATEDIR=\$(mktemp -d /tmp/ms.XXXXXX))"
    case "$arg" in /*) abs=$arg ;; *) abs=$(pwd -P)/$arg ;; esac
    _ms_check_statedir_path "$abs"      # before creating anything
    mkdir -p -- "$abs" || die "cannot create state dir '$abs'"
    abs=$(cd -- "$abs" && pwd -P) || die "cannot enter state dir '$abs'"
    _ms_check_statedir_path "$abs"      # again, symlinks resolved
    # mktemp -d creates mode 0700; the unprivileged daemons (postfix, dovenull,
    # nobody) must be able to traverse it to reach their queue/socket/mail dirs.
    # Secrets inside (keys, password file) have their own 0600 modes.
    chmod 0755 -- "$abs"
    printf '%s\n' "$abs"
}

_ms_check_statedir_path() {
    case "$1" in
        *[!A-Za-z0-9._/-]*) die "state dir path '$1' contains characters other than [A-Za-z0-9._/-]" ;;
    esac
    [ "${#1}" -le "$MS_MAX_STATEDIR_LEN" ] ||
        die "state dir path '$1' is ${#1} bytes; keep it <= $MS_MAX_STATEDIR_LEN (unix socket paths must stay < 108 bytes). Use e.g. mktemp -d /tmp/ms.XXXXXX"
}

# port_in_use PORT - true if something listens on 127.0.0.1:PORT (or on the
# wildcard address, which would also make our bind fail).
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        # -H: no header; filter on local port. Any line => listening.
        [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
    else
        # Fallback: try to connect. Success => something listens.
        (exec 3<>"/dev/tcp/$MS_HOST/$port") 2>/dev/null
    fi
}

# pick_free_ports N - print N distinct currently-free TCP ports on 127.0.0.1,
# one per line, chosen at random from MS_PORT_MIN..MS_PORT_MAX. There is an
# inherent race between picking and binding; the random choice keeps the
# chance of two parallel test runs colliding small.
pick_free_ports() {
    local n=$1 picked=" " tries=0 port span
    span=$((MS_PORT_MAX - MS_PORT_MIN + 1))
    while [ "$n" -gt 0 ]; do
        tries=$((tries + 1))
        [ "$tries" -le 2000 ] || die "could not find $1 free TCP ports on $MS_HOST"
        # Two RANDOMs for 30 bits of randomness (RANDOM alone is 15 bits).
        port=$(( MS_PORT_MIN + ((RANDOM << 15 | RANDOM) % span) ))
        case "$picked" in *" $port "*) continue ;; esac
        port_in_use "$port" && continue
        picked="$picked$port "
        printf '%s\n' "$port"
        n=$((n - 1))
    done
}

# wait_ports_open TIMEOUT_S PORT... - poll until all ports listen.
wait_ports_open() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout)) p all
    while :; do
        all=1
        for p in "$@"; do port_in_use "$p" || { all=0; break; }; done
        [ "$all" -eq 1 ] && return 0
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# wait_ports_closed TIMEOUT_S PORT... - poll until none of the ports listen.
wait_ports_closed() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout)) p busy
    while :; do
        busy=0
        for p in "$@"; do [ -n "$p" ] && port_in_use "$p" && { busy=1; break; }; done
        [ "$busy" -eq 0 ] && return 0
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# pid_alive PID - true if PID exists (and is not a zombie).
pid_alive() {
    local pid=$1 state
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# pids_with_title PREFIX - print pids whose argv[0] (process title) starts
# with PREFIX. Dovecot children are titled "dovecot-<instance_name>/<service>".
pids_with_title() {
    local want=$1 f pid title
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        title=""
        # argv[0] is everything up to the first NUL; no fork per process.
        { IFS= read -r -d '' title < "$f"; } 2>/dev/null || true
        [ -n "$title" ] || continue
        case "$title" in "$want"*) pid_alive "$pid" && printf '%s\n' "$pid" ;; esac
    done
    return 0
}

# pid_has_env PID NAME=VALUE - true if PID is alive and its environment
# contains NAME=VALUE (guards against stale pid files naming a reused pid).
pid_has_env() {
    pid_alive "$1" && grep -qzxF -- "$2" "/proc/$1/environ" 2>/dev/null
}

# pid_cmdline_has PID ARG - true if PID is alive and ARG is one of its argv.
pid_cmdline_has() {
    pid_alive "$1" && grep -qzxF -- "$2" "/proc/$1/cmdline" 2>/dev/null
}

# wait_pids_gone TIMEOUT_S PID... - poll until all PIDs have exited.
wait_pids_gone() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout)) p alive
    while :; do
        alive=0
        for p in "$@"; do pid_alive "$p" && { alive=1; break; }; done
        [ "$alive" -eq 0 ] && return 0
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# descendants PID - print all descendant pids of PID, one per line. Reads
# /proc directly (no procps dependency, no fork per process).
descendants() {
    local root=$1 st line rest pid ppid queue next found="" i
    local -a pids=() ppids=()
    for st in /proc/[0-9]*/stat; do
        read -r line < "$st" 2>/dev/null || continue
        pid=${line%% *}
        # comm (field 2) may contain spaces/parens: cut after the last ") ".
        rest=${line##*) }
        # rest = "STATE PPID ..."
        rest=${rest#* }
        ppid=${rest%% *}
        pids+=("$pid"); ppids+=("$ppid")
    done
    queue=" $root "
    while [ -n "${queue// /}" ]; do
        next=" "
        for i in "${!pids[@]}"; do
            case "$queue" in *" ${ppids[$i]} "*)
                case "$found" in *" ${pids[$i]} "*) ;; *)
                    found="$found ${pids[$i]} "
                    next="$next${pids[$i]} "
                    printf '%s\n' "${pids[$i]}" ;;
                esac ;;
            esac
        done
        queue=$next
    done
}

# env_set FILE KEY VALUE - set KEY=VALUE in a simple env file (no quotes, no
# spaces: values are validated), replacing an existing KEY line.
env_set() {
    local file=$1 key=$2 value=$3 tmp
    case "$value" in
        *[!A-Za-z0-9._/@:+-]*) die "env value for $key contains unsupported characters: '$value'" ;;
    esac
    tmp="$file.tmp.$$"
    {
        if [ -f "$file" ]; then grep -v "^$key=" "$file" || true; fi
        printf '%s=%s\n' "$key" "$value"
    } > "$tmp"
    mv -f -- "$tmp" "$file"
}

# env_unset FILE KEY... - remove keys from the env file.
env_unset() {
    local file=$1 key tmp; shift
    [ -f "$file" ] || return 0
    tmp="$file.tmp.$$"
    cp -- "$file" "$tmp"
    for key in "$@"; do
        { grep -v "^$key=" "$tmp" || true; } > "$tmp.2"
        mv -f -- "$tmp.2" "$tmp"
    done
    mv -f -- "$tmp" "$file"
}

# env_get FILE KEY - print the value of KEY (empty if missing).
env_get() {
    [ -f "$1" ] || return 0
    sed -n "s/^$2=//p" "$1" | tail -n 1
}

# ms_script_dir - directory holding these scripts.
ms_script_dir() { (cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P); }

# ms_ensure_certs STATEDIR - generate STATEDIR/certs if missing and record the
# certificate-related keys in STATEDIR/servers.env.
ms_ensure_certs() {
    local sd=$1 env=$1/servers.env
    "$(ms_script_dir)/make-test-certs.sh" "$sd/certs" ||
        die "certificate generation failed"
    env_set "$env" STATE_DIR "$sd"
    env_set "$env" SERVER_HOST "$MS_HOST"
    env_set "$env" MAIL_DOMAIN mailscope.test
    env_set "$env" CERT_DIR "$sd/certs"
    env_set "$env" CA_FILE "$sd/certs/ca.pem"
    env_set "$env" WRONG_CA_FILE "$sd/certs/wrong-ca.pem"
}

# ms_ensure_mailbox STATEDIR - create the test user's Maildir
# (STATEDIR/mail/alice/Maildir), owned by "nobody". Dovecot serves it and the
# private Postfix delivers all local test mail into it.
ms_ensure_mailbox() {
    local root=$1/mail uid gid
    uid=$(id -u nobody) gid=$(id -g nobody)
    mkdir -p "$root/alice/Maildir/cur" "$root/alice/Maildir/new" "$root/alice/Maildir/tmp"
    chown -R "$uid:$gid" "$root/alice"
    chmod 0755 "$root"
    chmod -R u+rwX,go-rwx "$root/alice"
}

# pids_with_env NAME=VALUE - print pids whose environment contains exactly
# NAME=VALUE. Every process of a private Postfix instance carries
# MAIL_CONFIG=<its config dir>, which identifies them even after the master
# is gone (their argv does not mention the instance).
pids_with_env() {
    local want=$1 f pid
    for f in /proc/[0-9]*/environ; do
        pid=${f#/proc/}; pid=${pid%/environ}
        [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
        # environ is NUL-separated: grep -z treats NUL as the line end.
        if grep -qzxF -- "$want" "$f" 2>/dev/null; then
            pid_alive "$pid" && printf '%s\n' "$pid"
        fi
    done
    return 0
}
