#!/usr/bin/env bash
# Installs what Hanout needs on a fresh Debian 12 machine that has Rust (rustup): system
# packages (WebKitGTK for the window, Xvfb and WebKitWebDriver for its tests, Noto fonts
# for Arabic and Tifinagh, Node for Prism, a D-Bus daemon and GNOME Keyring for the
# secrets test), the wasm target, the pinned cargo tools and
# Prism, which checks requests against Etsy's published API. Idempotent: each
# step runs only when its tool is missing or at the wrong version.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
TAURI_DRIVER_VERSION=2.1.0
# Etsy's contract check (crates/market/tests/sandbox/contract.rs).
PRISM_VERSION=5.16.0
# Must equal the wasm-bindgen version pinned in ui/Cargo.toml (and so in Cargo.lock).
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' ui/Cargo.toml)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "setup: cargo is missing; install Rust stable with rustup first" >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
APT_PACKAGES=(
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core
  dbus-daemon gnome-keyring
  fonts-dejavu-core fonts-noto-core
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v npm >/dev/null; then
  log "apt: nodejs npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

has_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -qF "$2"; }

if ! has_version trunk "$TRUNK_VERSION"; then
  log "cargo install trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! command -v tauri-driver >/dev/null; then
  log "cargo install tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi
PRISM=target/prism/node_modules/.bin/prism
if ! { [ -x "$PRISM" ] && "$PRISM" --version 2>/dev/null | grep -qF "$PRISM_VERSION"; }; then
  log "npm install @stoplight/prism-cli $PRISM_VERSION (into target/prism)"
  npm install --prefix target/prism --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION"
fi
log "ready"
