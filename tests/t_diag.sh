#!/usr/bin/env bash
# Diagnostics a new author can act on: option messages (golden file), one
# run reporting every class of problem, validate agreeing with build, bank
# problems reported once per batch naming each pack, file names escaped,
# nothing left behind by a build that stops.
. "$(dirname "$0")/lib.sh"

PACK=tests/good/nested-include.xml

# --- options: each message names the option and what it accepts ---------
: >"$TMP/options"
while IFS= read -r line; do
  rm -rf "$TMP/o"
  args=${line//PACK/$PACK}
  args=${args//OUT/$TMP/o}
  # shellcheck disable=SC2086
  $SP $args >/dev/null 2>"$TMP/err"
  rc=$?
  { echo "\$ studypack $line"; grep '^studypack: ' "$TMP/err"; echo "exit: $rc"; } >>"$TMP/options"
done <tests/cli/options.txt
expect_file "option messages" tests/cli/options.expected "$TMP/options"
[ -e "$TMP/o" ] && not_ok "--strict with a warning about options writes nothing" || ok "--strict with a warning about options writes nothing"

# --- one run: nine mistakes of every class, nine errors -------------------
$SP validate tests/bad/nine-mistakes.xml 2>"$TMP/err"
expect_eq "nine mistakes: nine errors in one run" "9" "$(grep -c ': error: ' "$TMP/err")"
expect_eq "nine mistakes: in source order" "$(grep -o ':[0-9]*:[0-9]*: error' "$TMP/err" | cut -d: -f2 | sort -n | tr '\n' ' ')" \
  "$(grep -o ':[0-9]*:[0-9]*: error' "$TMP/err" | cut -d: -f2 | tr '\n' ' ')"
expect_eq "every diagnostic of the nine has a column" "0" "$(grep -vc '^[^:]*:[0-9]*:[0-9]*: ' "$TMP/err")"

# --- validate makes build's checks: same exit status under --strict ------
disagree=""
n=0
for src in $(find tests -name '*.xml' -not -path '*/banks/*' -not -path '*/fuzz/*' | sort); do
  head -c 400 "$src" | grep -q '<questions' && ! head -c 400 "$src" | grep -q '<studypack' && continue
  extra=""
  [ "$src" = tests/build/cjk.xml ] && extra="--fonts tests/build/cjk-fonts"
  # shellcheck disable=SC2086
  timeout 20 $SP validate --strict $extra "$src" >/dev/null 2>&1; v=$?
  rm -rf "$TMP/agree"
  # shellcheck disable=SC2086
  timeout 20 $SP build --strict --dump $extra -o "$TMP/agree" "$src" >/dev/null 2>&1; b=$?
  [ "$v" = "$b" ] || disagree="$disagree $src(validate $v, build $b)"
  n=$((n + 1))
done
expect_eq "validate --strict and build --strict agree on all $n fixtures" "" "$disagree"
$SP validate tests/build/long-answer.xml 2>"$TMP/err"
expect_eq "validate: card overflow is a warning" "0:tests/build/long-answer.xml:10:5: warning: question 'huge' does not fit on one card at 8pt; continued on 4 cards at 8.5pt" "$?:$(cat "$TMP/err")"
$SP validate --card 90x60mm tests/build/long-answer.xml 2>"$TMP/err"
expect_eq "validate takes build's layout options" "tests/build/long-answer.xml:10:5: warning: question 'huge' does not fit on one card at 8pt; continued on 8 cards at 8pt" "$(cat "$TMP/err")"
$SP validate --no-system-fonts tests/build/glyph.xml 2>"$TMP/err"
expect_eq "validate: font coverage" "1:3" "$?:$(grep -c 'cannot be drawn' "$TMP/err")"
$SP validate --fonts tests/build/cjk-fonts tests/build/cjk.xml 2>"$TMP/err"
expect_eq "validate takes build's font options" "0:" "$?:$(cat "$TMP/err")"

# --- banks in context, once per batch ------------------------------------
mkdir -p "$TMP/bf/banks"
cp tests/bad/banks/broken.xml "$TMP/bf/banks/"
for p in a b; do
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<studypack version="1" id="pack-%s" xmlns:xi="http://www.w3.org/2001/XInclude">\n  <meta><role>Tester</role></meta>\n  <xi:include href="banks/broken.xml"/>\n</studypack>\n' $p >"$TMP/bf/$p.xml"
done
$SP batch -q -j 2 "$TMP/bf" -o "$TMP/bfo" 2>"$TMP/err"
sed "s#$TMP#TMP#g" "$TMP/err" >"$TMP/got"
cat >"$TMP/want" <<'W'
In file included from TMP/bf/a.xml:4,
             and from TMP/bf/b.xml:4:
TMP/bf/banks/broken.xml:5:13: error: `li` must be inside `ul` or `ol`
TMP/bf/banks/broken.xml:7:13: error: question id 'B2' is not a valid id: ids are lower-case letters, digits and '-' (at most 64, not starting with '-'); write 'b2'
TMP/bf/banks/broken.xml:7:21: error: difficulty 'extreme' is not one of easy, medium, hard
0 built, 0 up to date, 2 failed
W
expect_file "batch: a bank's problems once, naming each including pack" "$TMP/want" "$TMP/got"
$SP validate "$TMP/bf/a.xml" 2>"$TMP/err"
expect_eq "validate: In file included from" "In file included from $TMP/bf/a.xml:4:" "$(head -n 1 "$TMP/err")"

# --- file names with control characters are escaped -----------------------
bad=$'x\033[31mred\nline.xml'
$SP validate "$TMP/$bad" 2>"$TMP/err"
expect_eq "control characters in a file name are escaped" \
  "$TMP/x\\x1B[31mred\\nline.xml: error: cannot open: No such file or directory" "$(cat "$TMP/err")"
$SP build $'--\033x' "$PACK" 2>"$TMP/err"
expect_eq "and in usage errors" "studypack: error: unknown option '--\\x1Bx'" "$(head -n 1 "$TMP/err")"

# --- nothing left behind ------------------------------------------------------
$SP build --no-system-fonts tests/build/glyph.xml -o "$TMP/gl" 2>/dev/null
expect_eq "a failed build leaves no folder behind" "no" "$([ -e "$TMP/gl" ] && echo yes || echo no)"
$SP build --strict tests/build/long-answer.xml -o "$TMP/st" 2>/dev/null
expect_eq "a build stopped by --strict leaves no folder behind" "1:no" "$?:$([ -e "$TMP/st" ] && echo yes || echo no)"
mkdir -p "$TMP/keep/long-answer"; echo old >"$TMP/keep/long-answer/flashcards.pdf"
$SP build --strict tests/build/long-answer.xml -o "$TMP/keep" 2>/dev/null
expect_eq "... and keeps the previous output as it was" "old" "$(cat "$TMP/keep/long-answer/flashcards.pdf")"

# --- a build-time problem in a bank (glyphs, layout) is in context too ----
mkdir -p "$TMP/bg/banks"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<questions>\n  <question id="rocket"><prompt>Launch \xf0\x9f\x9a\x80</prompt><answer><p>A</p></answer></question>\n</questions>\n' >"$TMP/bg/banks/emoji.xml"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<studypack version="1" id="bg" xmlns:xi="http://www.w3.org/2001/XInclude">\n  <meta><role>Tester</role></meta>\n  <xi:include href="banks/emoji.xml"/>\n</studypack>\n' >"$TMP/bg/pack.xml"
$SP validate --no-system-fonts "$TMP/bg/pack.xml" 2>"$TMP/err"
expect_eq "a glyph error in a bank: In file included from" \
  "1:In file included from $TMP/bg/pack.xml:4:|$TMP/bg/banks/emoji.xml:3:3: error: question 'rocket': character U+1F680 cannot be drawn by the fonts (DejaVuSans.ttf, system fonts off); add a font that has it (--fonts DIR, a 'fallback' line in fonts.txt) or install one (Debian: fonts-symbola)" \
  "$?:$(head -n 1 "$TMP/err")|$(sed -n 2p "$TMP/err")"
