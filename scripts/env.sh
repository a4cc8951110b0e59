# Sourced by every build, test and run script: one environment, so cargo's cache is reused
# instead of rebuilt by a differently configured compiler.
#
# On a machine where rustup has the wasm32 target, rustup's toolchain is used as is. Otherwise
# (these offline machines) Debian's rustc-web builds everything, and the WASM standard library
# is compiled from source (`-Zbuild-std`), which needs RUSTC_BOOTSTRAP.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
TOOLS="${EU_TOOLS_DIR:-$HOME/.cache/experience-users}"
export TOOLS
export PATH="$TOOLS/bin:$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
export LEPTOS_OUTPUT_NAME=experience-users
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    EU_TOOLCHAIN=rustup
    LIB_CARGO_ARGS=""
elif [ -x /usr/bin/rustc ] && /usr/bin/rustc --print sysroot >/dev/null 2>&1 \
    && [ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    EU_TOOLCHAIN=debian
    export RUSTUP_TOOLCHAIN=/usr
    export RUSTC=/usr/bin/rustc
    export RUSTC_BOOTSTRAP=1
    LIB_CARGO_ARGS="--lib-cargo-args=-Zbuild-std=std,panic_abort"
else
    EU_TOOLCHAIN=missing
    LIB_CARGO_ARGS=""
fi
export EU_TOOLCHAIN LIB_CARGO_ARGS

# Cargo in the same toolchain as rustc (rustup's proxy honours RUSTUP_TOOLCHAIN; Debian's cargo otherwise).
if [ "$EU_TOOLCHAIN" = debian ]; then
    CARGO=/usr/bin/cargo
else
    CARGO=cargo
fi
export CARGO
