#!/usr/bin/env bash
# Regenerates the WOFF2 font subsets in ui/fonts/ from Debian's fonts-noto-core
# (SIL OFL 1.1). The app ships its own fonts so Arabic, Tifinagh, French and
# English text never depends on what the phone or desktop has installed, and
# subsets them so the app stays small for sellers on 2G.
# Usage: scripts/fonts.sh   (needs python3 with venv; installs fonts-noto-core
# if missing). Re-running gives byte-identical files.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned so the output is reproducible: another fontTools may lay tables out
# differently.
FONTTOOLS_VERSION=4.68.0
BROTLI_VERSION=1.2.1

SRC=/usr/share/fonts/truetype/noto
OUT=ui/fonts
VENV=target/fonttools-venv
WORK=target/fonts-work # patched copies of source fonts (see the minus sign)

log() { printf '\033[1m[fonts]\033[0m %s\n' "$*"; }

if [ ! -f "$SRC/NotoSansTifinagh-Regular.ttf" ]; then
  log "installing fonts-noto-core"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q fonts-noto-core
fi

# A private venv under target/ keeps fontTools out of the system Python and is
# thrown away by `cargo clean` like any other build output.
if ! "$VENV/bin/python" -c "import brotli, fontTools, sys; sys.exit(fontTools.version != '$FONTTOOLS_VERSION')" 2>/dev/null; then
  log "creating $VENV (fonttools $FONTTOOLS_VERSION, brotli $BROTLI_VERSION)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "fonttools==$FONTTOOLS_VERSION" "brotli==$BROTLI_VERSION"
fi
PY="$VENV/bin/python"

# Code points per subset. Keep in sync with the unicode-range lines in
# ui/fonts/fonts.css, which let the webview fetch only the files a page needs.
# Latin: ASCII, Latin-1 (incl. U+00A0 nbsp), Latin Extended-A (œ, Ÿ),
# combining accents (text typed or pasted decomposed), the letters of
# Tamazight written in Latin script (ɛ ɣ č ǧ ḍ ḥ ṛ ṣ ṭ ẓ), general punctuation
# (U+2000-206F: U+202F narrow nbsp of French number grouping, U+200E/F marks,
# U+2066-2069 bidi isolates), currency signs, №, ™ and the minus sign.
LATIN="U+0000-00FF,U+0100-017F,U+01E6-01E7,U+0190,U+0194,U+025B,U+0263,U+02BC,\
U+0300-036F,U+1E0C-1E0D,U+1E24-1E25,U+1E5A-1E5B,U+1E62-1E63,U+1E6C-1E6D,\
U+1E92-1E93,U+2000-206F,U+20A0-20CF,U+2116,U+2122,U+2212"
# Arabic: the base block (incl. U+061C ALM, U+0660-0669 digits, U+066B/066C
# separators), Supplement, Presentation Forms-A/B (text that arrives already
# in presentation forms), ZWNJ/ZWJ/LRM/RLM, and U+25CC, the dotted circle the
# shaper shows under a stray mark. Space and nbsp so the file works alone.
ARABIC="U+0020,U+00A0,U+0600-06FF,U+0750-077F,U+FB50-FDFF,U+FE70-FEFF,\
U+200C-200F,U+25CC"
# Tifinagh plus space, nbsp, ZWNJ/ZWJ, the dotted circle and the combining
# marks the font draws. It has no ASCII punctuation: that comes from Latin.
TIFINAGH="U+0020,U+00A0,U+0300-036F,U+200C-200D,U+25CC,U+2D30-2D7F"

# Options shared by every subset: WOFF2, no TrueType hinting (about a third
# of these files, and mobile webviews mostly ignore it), no glyph names.
COMMON=(--flavor=woff2 --no-hinting --no-glyph-names)

subset() { # subset SOURCE.ttf OUT.woff2 UNICODES [extra pyftsubset args...]
  local src=$1 out=$2 unicodes=$3
  shift 3
  log "$out"
  "$PY" -m fontTools.subset "$src" --output-file="$OUT/$out" \
    --unicodes="$unicodes" "${COMMON[@]}" "$@"
}

mkdir -p "$OUT" "$WORK"

# Debian's Noto Sans (2.004) has no U+2212 MINUS SIGN, which the price parser
# accepts (crates/domain/src/number.rs). Rather than let it fall back to a
# system font, add it as later Noto Sans releases draw it: the horizontal bar
# of "+", with the same advance, in each weight.
for w in Regular Bold; do
  "$PY" - "$SRC/NotoSans-$w.ttf" "$WORK/NotoSans-$w.ttf" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.ttGlyphPen import TTGlyphPen

src, dst = sys.argv[1:]
font = TTFont(src)
font.recalcTimestamp = False  # keep head.modified: reproducible output
if 0x2212 not in font.getBestCmap():
    glyf, hmtx = font["glyf"], font["hmtx"]
    plus = glyf["plus"].getCoordinates(glyf)[0]
    xmin, xmax = min(x for x, _ in plus), max(x for x, _ in plus)
    y0, y1 = sorted({y for x, y in plus if x == xmin})  # the bar's bottom, top
    pen = TTGlyphPen(None)
    pen.moveTo((xmin, y0)); pen.lineTo((xmin, y1))
    pen.lineTo((xmax, y1)); pen.lineTo((xmax, y0)); pen.closePath()
    order = font.getGlyphOrder() + ["minus"]
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    glyf["minus"] = pen.glyph()
    hmtx["minus"] = (hmtx["plus"][0], xmin)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[0x2212] = "minus"
    font["maxp"].numGlyphs = len(order)
font.save(dst)
PYEOF
done

# Latin keeps pyftsubset's default features (kern, liga, mark, locl...); its
# default figures are already tabular, so prices line up without tnum.
subset "$WORK/NotoSans-Regular.ttf"          noto-sans-400.woff2          "$LATIN"
subset "$WORK/NotoSans-Bold.ttf"             noto-sans-700.woff2          "$LATIN"
# Arabic and Tifinagh keep every layout feature: joining forms, ligatures and
# mark placement are what make the script readable.
subset "$SRC/NotoSansArabic-Regular.ttf"     noto-sans-arabic-400.woff2   "$ARABIC" --layout-features='*'
subset "$SRC/NotoSansArabic-Bold.ttf"        noto-sans-arabic-700.woff2   "$ARABIC" --layout-features='*'
subset "$SRC/NotoSansTifinagh-Regular.ttf"   noto-sans-tifinagh-400.woff2 "$TIFINAGH" --layout-features='*'

# Check that each file covers sample strings the app shows and kept its
# shaping features, so a narrowed range fails here, not as tofu on a phone.
"$PY" - "$OUT" "$SRC" <<'PYEOF'
import os, sys
from fontTools.ttLib import TTFont

out, src = sys.argv[1:]
latin = "Coopérative œuvre 1\u202f200,00 DH \u2212 \u2066€\u2069 Ça ɣ ḍ"
arabic = "زربية مغربية ١٢٠ \u061c٫٬"
tifinagh = "ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⴼⵓⴽⵜ"
checks = [
    ("noto-sans-400.woff2", "NotoSans-Regular.ttf", latin),
    ("noto-sans-700.woff2", "NotoSans-Bold.ttf", latin),
    ("noto-sans-arabic-400.woff2", "NotoSansArabic-Regular.ttf", arabic),
    ("noto-sans-arabic-700.woff2", "NotoSansArabic-Bold.ttf", arabic),
    ("noto-sans-tifinagh-400.woff2", "NotoSansTifinagh-Regular.ttf", tifinagh),
]
# Shaping features to keep wherever the source font has them.
needed = {"init", "medi", "fina", "isol", "rlig", "liga", "calt", "mark",
          "mkmk", "ccmp", "locl", "kern"}

def features(font):
    return {r.FeatureTag for t in ("GSUB", "GPOS") if t in font
            for r in font[t].table.FeatureList.FeatureRecord}

failed = False
for name, source, text in checks:
    path = os.path.join(out, name)
    font = TTFont(path)
    cmap = font.getBestCmap()
    missing = sorted({c for c in text if ord(c) not in cmap})
    lost = (needed & features(TTFont(os.path.join(src, source)))) - features(font)
    print(f"{name:29} {os.path.getsize(path):6} B {len(cmap):5} code points")
    print(f"  cmap {text!r}: " + ("ok" if not missing else
          "MISSING " + " ".join(f"U+{ord(c):04X}" for c in missing)))
    print(f"  features {' '.join(sorted(features(font)))}: " + ("ok" if not lost else
          "LOST " + " ".join(sorted(lost))))
    failed |= bool(missing or lost)
sys.exit(1 if failed else 0)
PYEOF
log "done"
