#!/usr/bin/env bash
# Hanout's two commands on a fresh Debian 12 machine with Rust:
#   ./dev.sh app    install what is missing, build, and open the app
#   ./dev.sh test   install what is missing, build once, and run every test
set -euo pipefail
cd "$(dirname "$0")"

build_ui() { (cd ui && trunk build --release); }

case "${1:-}" in
  app)
    scripts/setup.sh
    build_ui
    # The same debug build the tests use: one build profile for both.
    exec cargo run -p hanout-app
    ;;
  test)
    scripts/setup.sh
    cargo fmt --all -- --check
    build_ui
    # The app's end-to-end tests drive a real window: they need a display, here Xvfb.
    exec timeout 2400 xvfb-run -a -s "-screen 0 1280x800x24" \
      cargo test --workspace --exclude hanout-ui
    ;;
  *)
    echo "usage: ./dev.sh app | test" >&2
    exit 2
    ;;
esac
