#!/usr/bin/env bash
# Renders the main screens (who is working, catalog, product form, queue) in Arabic,
# French, English and Tamazight, at 360×640 and 1280×800, and the trainer's demo (the
# queue offline and draining on 2G, a sale on a phone), in the real app window, into
# docs/screenshots/. Needs what ./dev.sh test installs; runs under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && trunk build --release)
cargo build -p hanout-cli
HANOUT_SCREENSHOTS="$PWD/docs/screenshots" xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p hanout-app --test e2e -- the_main_screens_in_four_languages_at_two_sizes the_trainers_script
