#!/usr/bin/env bash
# Mailscope's one entry point for newcomers and CI.
#
#   tools/build.sh run     install the Debian packages, build, launch the app (demo server built in)
#   tools/build.sh test    install the Debian packages, build, run every test (what CI runs)
#   tools/build.sh deps    only install the Debian packages
#   tools/build.sh build   only configure and build (into build/)
#   tools/build.sh asan    build with AddressSanitizer/UBSan into build-asan/ and run the tests there
#   tools/build.sh fuzz    build the libFuzzer targets with clang into build-fuzz/ and run each for
#                          FUZZ_SECONDS (default 40) seconds (tests/fuzz/README.md)
#
# Environment: BUILD_DIR (default: build), BUILD_TYPE (default: RelWithDebInfo), JOBS (default: nproc).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-$(nproc)}
# ccache hits across clones in other folders (CI builds a fresh clone each time).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

# Everything the build, the app and the tests need, from Debian 12.
PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config lld
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev libgl-dev
    libssl-dev openssl python3 sslscan
    qtkeychain-qt6-dev libsecret-1-0 libsecret-tools gnome-keyring dbus-daemon
    postfix dovecot-core dovecot-imapd dovecot-pop3d
    libunbound-dev dns-root-data knot knot-dnsutils knot-dnssecutils unbound-host
    xvfb xauth fonts-dejavu-core
)
# Only for `fuzz`: clang and its runtime libraries (libclang_rt.fuzzer, ASan/UBSan for clang).
FUZZ_PACKAGES=(clang libclang-rt-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "Debian packages: all present"
        return
    fi
    log "Installing Debian packages: ${missing[*]}"
    # Postfix must not configure or start a system mail server: the tests run private instances.
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
    local dir=${1:-$BUILD_DIR}
    shift || true
    log "Building into $dir ($BUILD_TYPE)"
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DMAILSCOPE_WERROR=ON "$@"
    cmake --build "$dir" -j "$JOBS"
}

run_tests() {
    local dir=${1:-$BUILD_DIR}
    log "Running the tests in $dir"
    # A test that skips fails unless tests/skip-allowlist.txt names it with a reason; say which.
    local allowed
    allowed=$(grep -E '^[A-Za-z0-9_]+:' "$ROOT/tests/skip-allowlist.txt" || true)
    log "Tests allowed to skip: ${allowed:-none}"
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS"
}

case "${1:-}" in
    deps) deps ;;
    build) deps; build ;;
    run)
        deps
        build
        log "Launching Mailscope"
        exec "$BUILD_DIR/mailscope" "${@:2}"
        ;;
    test)
        deps
        build
        run_tests
        ;;
    asan)
        deps
        # Line tables (-g1) are all a sanitizer report needs (file:line in every frame); full -g
        # made each ASan object ~27% larger and its compile ~7% slower.
        BUILD_TYPE=Debug build "$ROOT/build-asan" -DMAILSCOPE_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            run_tests "$ROOT/build-asan"
        ;;
    fuzz)
        PACKAGES+=("${FUZZ_PACKAGES[@]}")
        deps
        log "Building the fuzz targets into $ROOT/build-fuzz (clang, ASan/UBSan, libFuzzer)"
        cmake -S "$ROOT" -B "$ROOT/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_CXX_COMPILER=clang++ -DMAILSCOPE_WERROR=ON -DMAILSCOPE_FUZZ=ON \
            -DMAILSCOPE_BUILD_GUI=OFF -DMAILSCOPE_BUILD_TESTS=OFF
        cmake --build "$ROOT/build-fuzz" -j "$JOBS" --target fuzzers
        "$ROOT/tests/fuzz/run.sh" "$ROOT/build-fuzz" "${@:2}"
        ;;
    *)
        sed -n '2,14p' "$0"
        exit 2
        ;;
esac
