# Sourced by every build, test and run script: one environment, so cargo's cache is reused
# instead of rebuilt by a differently configured compiler.
#
# Two toolchains build everything, server and WASM alike:
#   rustup  rustup's toolchain with the wasm32-unknown-unknown target (where rustup can add it);
#   debian  Debian's rustc-web (1.96) with the standard library's source: the WASM standard
#           library is compiled from source (-Zbuild-std, hence RUSTC_BOOTSTRAP=1).
# EU_TOOLCHAIN=rustup|debian forces one; unset, the first that is ready wins (rustup, then debian).
# scripts/bootstrap installs the forced or the first installable one.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
TOOLS="${EU_TOOLS_DIR:-$HOME/.cache/experience-users}"
export TOOLS
export PATH="$TOOLS/bin:$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
# Read at compile time by leptos (file names of the hydration scripts) and at run time by the
# server: every build and test must see the same values.
export LEPTOS_OUTPUT_NAME=experience-users
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

eu_rustup_ready() { # the wasm32 target, and the standard library's source the size build compiles
    command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
        && [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" ]
}
eu_debian_ready() {
    [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] \
        && [ -d "$(/usr/bin/rustc --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" ]
}

# A value this file picked itself (a parent script sourced it: EU_TOOLCHAIN_FORCED=0) is picked
# again, so that what the bootstrap installed meanwhile counts.
if [ "${EU_TOOLCHAIN_FORCED:-}" = 0 ]; then EU_TOOLCHAIN=""; fi
case "${EU_TOOLCHAIN:-}" in
    rustup | debian) EU_TOOLCHAIN_FORCED=1 ;;
    "")
        EU_TOOLCHAIN_FORCED=0
        if eu_rustup_ready; then EU_TOOLCHAIN=rustup
        elif eu_debian_ready; then EU_TOOLCHAIN=debian
        else EU_TOOLCHAIN=missing
        fi
        ;;
    *)
        echo "EU_TOOLCHAIN must be rustup or debian, not '$EU_TOOLCHAIN'" >&2
        return 1 2>/dev/null || exit 1
        ;;
esac
export EU_TOOLCHAIN EU_TOOLCHAIN_FORCED

if [ "$EU_TOOLCHAIN" = debian ]; then
    # rustup's proxies, if any, run the toolchain at this path; cargo and rustc are Debian's.
    export RUSTUP_TOOLCHAIN=/usr
    export RUSTC=/usr/bin/rustc
    export RUSTC_BOOTSTRAP=1
    CARGO=/usr/bin/cargo
    WASM_CARGO_ARGS="-Zbuild-std=std,panic_abort"
else
    CARGO=cargo
    WASM_CARGO_ARGS=""
fi
export CARGO WASM_CARGO_ARGS

# Prints a step and how long it usually takes; `eu_elapsed START` gives seconds since START.
eu_step() { printf '\n==> %s\n' "$*"; }
eu_elapsed() { echo $(($(date +%s) - $1)); }
# A loopback port free at this moment, for a server a script starts.
eu_free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
