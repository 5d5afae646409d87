#!/usr/bin/env bash
# build: flashcards PDFs checked as a user would (qpdf, pdftotext, page
# counts, mirrored backs), golden dumps of each imposition mode,
# diagnostics for bad content, atomic output, byte-identical rebuilds.
. "$(dirname "$0")/lib.sh"

PACK=sources/spotify-backend-developer.xml
OUT=$TMP/out
$SP build "$PACK" -o "$OUT" --only flashcards 2>"$TMP/err"
expect_eq "build backend pack: exit 0, no errors" "0:" "$?:$(grep -v ': warning: ' "$TMP/err")"
PDF=$OUT/spotify-backend-developer/flashcards.pdf
check "flashcards.pdf passes qpdf --check" qpdf --check "$PDF"
pdftotext -raw "$PDF" "$TMP/text"
check "pdftotext returns every prompt, answer and follow-up" python3 tests/tools/texts.py "$PACK" "$TMP/text"
pages=$(pdfinfo "$PDF" | awk '/^Pages:/ {print $2}')
# 3x5in on A4 landscape = 4 cards per sheet, each sheet a front and a back
$SP build "$PACK" -o "$TMP/dm" --only flashcards --dump 2>/dev/null
cards=$(awk '/^doc pages=/ {split($2, a, "="); print a[2] / 2}' "$TMP/dm/spotify-backend-developer/flashcards.dump")
expect_eq "page count: 4 cards a sheet, front and back" "$(( (cards + 3) / 4 * 2 ))" "$pages"
size=$(pdfinfo "$PDF" | awk '/^Page size:/ {print $3 "x" $5}')
expect_eq "A4 landscape sheets for 3x5in cards" "841.89x595.276" "$size"
pdfinfo "$PDF" | grep -q '^Title: *Spotify Backend Developer Interview Questions: Flashcards' \
  && ok "PDF title metadata" || not_ok "PDF title metadata"
pdfinfo "$PDF" | grep -q '^Creator: *studypack ' && ok "PDF creator metadata" || not_ok "PDF creator metadata"
qpdf --qdf --object-streams=disable "$PDF" - 2>/dev/null | grep -aq '/PrintScaling /None' \
  && ok "viewers asked to print at actual size" || not_ok "viewers asked to print at actual size"
pdffonts "$PDF" | awk 'NR>2 {print $(NF-4)}' | sort -u | tr '\n' ' ' >"$TMP/emb"
expect_eq "every font embedded" "yes " "$(cat "$TMP/emb")"

# byte-identical output for identical input and options
$SP build "$PACK" -o "$TMP/again" --only flashcards 2>/dev/null
check "rebuild is byte-identical" cmp "$PDF" "$TMP/again/spotify-backend-developer/flashcards.pdf"

# where the first card's corner lands: (x, y) of "#1" on page P, the "#1"
# of the corner "#1 ID" or "#1 ID 1/N" (the question's first card)
corner() { pdftotext -bbox -f "$2" -l "$2" "$1" - | awk -v id="$3" '
  /<word / { w = $0; sub(/.*">/, "", w); sub(/<\/word>.*/, "", w)
    if (p2 == "#1" && p1 == id && (w ~ /^1\/[0-9]+$/ || w !~ /^[0-9]+\/[0-9]+$/)) { print b2; exit }
    match($0, /xMin="[0-9.]+"/); x=substr($0, RSTART+6, RLENGTH-7);
    match($0, /yMin="[0-9.]+"/); y=substr($0, RSTART+6, RLENGTH-7);
    p2 = p1; b2 = b1; p1 = w; b1 = int(x) " " int(y) }'; }
# landscape sheet, long-edge flip: the long edge is horizontal, so the back
# of the top-left card sits in the bottom-left slot (rows mirrored)
read fx fy < <(corner "$PDF" 1 rate-limiting)
read bx by < <(corner "$PDF" 2 rate-limiting)
expect_eq "long edge, landscape: back in the same column" "$fx" "$bx"
[ "$fy" -lt 297 ] && [ "$by" -gt 297 ] && ok "long edge, landscape: back in the mirrored row" \
  || not_ok "long edge, landscape: back in the mirrored row" "front y=$fy back y=$by"
# portrait sheet (60x90mm cards: 3x3 on A4 portrait): columns mirrored
$SP build "$PACK" -o "$TMP/p" --only flashcards --card 60x90mm 2>/dev/null
P2=$TMP/p/spotify-backend-developer/flashcards.pdf
expect_eq "60x90mm cards: A4 portrait" "595.276x841.89" "$(pdfinfo "$P2" | awk '/^Page size:/ {print $3 "x" $5}')"
read fx fy < <(corner "$P2" 1 rate-limiting)
read bx by < <(corner "$P2" 2 rate-limiting)
expect_eq "long edge, portrait: back in the same row" "$fy" "$by"
[ "$fx" -lt 297 ] && [ "$bx" -gt 297 ] && ok "long edge, portrait: back in the mirrored column" \
  || not_ok "long edge, portrait: back in the mirrored column" "front x=$fx back x=$bx"
$SP build "$PACK" -o "$TMP/s" --only flashcards --card 60x90mm --duplex short 2>/dev/null
P3=$TMP/s/spotify-backend-developer/flashcards.pdf
read fx fy < <(corner "$P3" 1 rate-limiting)
read bx by < <(corner "$P3" 2 rate-limiting)
expect_eq "short edge, portrait: back in the same column" "$fx" "$bx"
[ "$fy" -lt 420 ] && [ "$by" -gt 420 ] && ok "short edge, portrait: back in the mirrored row" \
  || not_ok "short edge, portrait: back in the mirrored row" "front y=$fy back y=$by"
$SP build "$PACK" -o "$TMP/f" --only flashcards --duplex fold 2>/dev/null
P4=$TMP/f/spotify-backend-developer/flashcards.pdf
pdftotext -raw "$P4" "$TMP/ftext"
check "fold: every text present" python3 tests/tools/texts.py "$PACK" "$TMP/ftext"
read fx fy < <(corner "$P4" 1 rate-limiting)
n=$(pdftotext -f 1 -l 1 -raw "$P4" - | grep -c '^#1 rate-limiting\( 1/[0-9]*\)\?$')
expect_eq "fold: front and back of a card on the same page" 2 "$n"

# golden dumps: line breaking, fitting, continuation, each imposition mode
for mode in long short fold; do
  $SP build tests/build/long-answer.xml --dump --only flashcards --duplex $mode \
    --card 90x60mm -o "$TMP/d-$mode" 2>"$TMP/err"
  expect_file "golden dump: long-answer, duplex $mode" "tests/golden/build/long-answer-$mode.dump" \
    "$TMP/d-$mode/long-answer/flashcards.dump"
done
expect_eq "continuation is a warning naming the question's line" \
  "tests/build/long-answer.xml:10: warning: question 'huge' does not fit on one card at 8pt; continued on 8 cards at 8pt" \
  "$(cat "$TMP/err")"
$SP build --strict tests/build/long-answer.xml -o "$TMP/st" >/dev/null 2>&1
expect_eq "--strict: warnings fail the build" 1 "$?"
expect_eq "--strict: nothing written after a warning" "" "$(ls -A "$TMP/st/long-answer" 2>/dev/null)"

# characters the fonts cannot draw: an error naming question, line, code point
$SP build tests/build/glyph.xml -o "$TMP/g" --no-system-fonts 2>"$TMP/err"
rc=$?; { cat "$TMP/err"; echo "exit: $rc"; } >"$TMP/got"
expect_file "missing glyphs: diagnostics" tests/build/glyph.expected "$TMP/got"
[ ! -e "$TMP/g/glyph/flashcards.pdf" ] && ok "missing glyphs: no PDF written" || not_ok "missing glyphs: no PDF written"

# a failed build leaves the previous good PDF untouched and no temp files
mkdir -p "$TMP/keep"
$SP build tests/good/nested-include.xml -o "$TMP/keep" 2>/dev/null
cp "$TMP/keep/nested-include/flashcards.pdf" "$TMP/before.pdf"
sed 's/Level one?/Level one 🚀?/' tests/good/banks/level1.xml >"$TMP/l1.xml"
mkdir -p "$TMP/src/banks"; cp tests/good/nested-include.xml "$TMP/src/"
cp "$TMP/l1.xml" "$TMP/src/banks/level1.xml"; cp tests/good/banks/level2.xml "$TMP/src/banks/"
$SP build "$TMP/src/nested-include.xml" -o "$TMP/keep" --no-system-fonts >/dev/null 2>&1
expect_eq "failed build exits 1" 1 "$?"
check "failed build: previous PDF untouched" cmp "$TMP/before.pdf" "$TMP/keep/nested-include/flashcards.pdf"
expect_eq "failed build: no temporary files" "" "$(ls -A "$TMP/keep/nested-include" | grep -v -x -e flashcards.pdf -e timeline.pdf -e timeline-booklet.pdf -e mock-interview.pdf -e pocket.pdf)"

# usage errors
$SP build --paper b5 "$PACK" >/dev/null 2>&1; expect_eq "unknown paper is a usage error" 2 $?
$SP build --card 10x10cm "$PACK" >/dev/null 2>&1; expect_eq "bad card size is a usage error" 2 $?
$SP build --card 400x400mm "$PACK" -o "$TMP/big" >/dev/null 2>"$TMP/err"; expect_eq "card larger than the paper fails" 1 $?
$SP build --duplex sideways "$PACK" >/dev/null 2>&1; expect_eq "bad duplex is a usage error" 2 $?
$SP build --back-offset 1 "$PACK" >/dev/null 2>&1; expect_eq "bad back offset is a usage error" 2 $?
$SP build >/dev/null 2>&1; expect_eq "build without FILE is a usage error" 2 $?
$SP build "$PACK" -o /dev/null/x 2>"$TMP/err" >/dev/null; expect_eq "unwritable output folder is a system error" 3 $?

# calibrate
$SP calibrate -o "$TMP/cal.pdf" >/dev/null 2>&1
expect_eq "calibrate writes two pages" 2 "$(pdfinfo "$TMP/cal.pdf" | awk '/^Pages:/ {print $2}')"
pdftotext "$TMP/cal.pdf" - | grep -q 'calibration: BACK' && ok "calibrate: back page text" || not_ok "calibrate: back page text"

# every word of the text is visibly drawn (no glyph lost from a font subset)
check "every word on the first sheets has ink" python3 tests/tools/ink.py "$PDF" 1 4
# --fonts with another family from a TrueType collection (CJK)
$SP build tests/build/cjk.xml --fonts tests/build/cjk-fonts -o "$TMP/cjk" 2>"$TMP/err"
expect_eq "--fonts: a CJK collection builds" "0:" "$?:$(cat "$TMP/err")"
pdftotext -raw "$TMP/cjk/cjk/flashcards.pdf" - | grep -q "什么是 CAP 定理？" && ok "CJK text is extractable" || not_ok "CJK text is extractable"
check "CJK: every character has ink (composite glyphs embedded)" python3 tests/tools/ink.py "$TMP/cjk/cjk/flashcards.pdf"
check "CJK booklet: every character has ink" python3 tests/tools/ink.py "$TMP/cjk/cjk/timeline.pdf" 1 4

# a character the fonts cannot draw in the pack's meta names the <meta> line
$SP build tests/build/meta-glyph.xml -o "$TMP/mg" --no-system-fonts 2>"$TMP/err"
expect_eq "missing glyph in meta: error at the <meta> line" \
  "1:tests/build/meta-glyph.xml:3: error: pack 'm': character U+1F680 cannot be drawn by the fonts (DejaVuSans-Bold.ttf, system fonts off); add a font that has it (--fonts DIR, a 'fallback' line in fonts.txt) or install one (Debian: fonts-symbola)" \
  "$?:$(head -n 1 "$TMP/err")"
