#!/usr/bin/env bash
# Every script, any OpenType font: shaping, bidi, fallback through
# fontconfig, hb-subset embedding of TrueType and CFF (collections by
# index), and fonts checked when they are opened.  Needs Debian's
# fonts-noto-cjk, fonts-noto-core and fonts-symbola (make deps).
. "$(dirname "$0")/lib.sh"

# a pack mixing ten scripts and an emoji builds with no options at all
$SP build tests/build/scripts.xml -o "$TMP/ms" 2>"$TMP/err"
expect_eq "mixed scripts: builds with no options" 0 $?
PDF=$TMP/ms/scripts/flashcards.pdf
grep -q "note: question 'japanese': U+30EC is not in the fonts of fonts.txt; using the system font /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc (face index 0" "$TMP/err" \
  && ok "mixed scripts: a note names the CJK file fontconfig chose" || not_ok "mixed scripts: a note names the CJK file fontconfig chose" "$(cat "$TMP/err")"
grep -q "note: question 'hindi': .*NotoSansDevanagari-Regular.ttf" "$TMP/err" \
  && ok "mixed scripts: a note names the Devanagari file" || not_ok "mixed scripts: a note names the Devanagari file" "$(cat "$TMP/err")"
expect_eq "mixed scripts: only notes" "" "$(grep -v ': note: ' "$TMP/err")"
check "mixed scripts: qpdf --check" qpdf --check "$PDF"
pdffonts "$PDF" | tail -n +3 >"$TMP/fonts"
expect_eq "mixed scripts: every font embedded as a subset with ToUnicode" \
  "$(wc -l <"$TMP/fonts")" "$(grep -c ' yes yes yes ' "$TMP/fonts")"
grep -q "CID Type 0C" "$TMP/fonts" && ok "mixed scripts: the CJK font is CFF (CIDFontType0C)" \
  || not_ok "mixed scripts: the CJK font is CFF (CIDFontType0C)" "$(cat "$TMP/fonts")"
# Han characters are drawn in the forms of the pack's language: a
# Japanese pack whose first CJK character is a kanji (not kana) gets the
# Japanese face, zh-TW the Traditional, zh-HK Hong Kong's, and zh (or no
# CJK language) the Simplified
for pair in ja:jp zh-TW:tc zh-Hant:tc zh-HK:hk zh:sc en:sc; do
  lang=${pair%%:*} want=${pair##*:}
  cat >"$TMP/han.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<studypack version="1" id="han" xml:lang="$lang">
  <meta><company>直骨</company><role>Engineer</role></meta>
  <questions>
    <question id="q" difficulty="easy"><prompt>直角?</prompt><answer><p>骨</p></answer></question>
  </questions>
</studypack>
EOF
  rm -rf "$TMP/han"
  $SP build "$TMP/han.xml" -o "$TMP/han" --only flashcards 2>/dev/null
  expect_eq "Han in a pack in $lang: Noto Sans CJK $want" "1" \
    "$(pdffonts "$TMP/han/han/flashcards.pdf" | grep -c "NotoSansCJK$want-Regular")"
done
# every phrase comes back in logical order (right-to-left ones word by
# word: poppler puts a neutral character ending a right-to-left line first)
# (compared without white space: lines may wrap anywhere in a phrase)
pdftotext "$PDF" - | tr -d ' \n' >"$TMP/text"
missing=""
while IFS= read -r phrase; do
  grep -qF -- "$(printf '%s' "$phrase" | tr -d ' ')" "$TMP/text" || missing="$missing [$phrase]"
done <<'PHRASES'
What is a rate limiter?
To AVoid overload: a token bucket.
レート制限とは何ですか？
トークンバケットで、一定の速度を超えるリクエストを拒否します。
什么是 CAP 定理？
一致性、可用性和分区容错性三者不可兼得。
캐시 무효화란 무엇입니까?
오래된 데이터를 지우는 일입니다.
ما هو موازن الأحمال؟
يوزع الطلبات على الخوادم
מהו מטמון
שכבת אחסון מהירה עם
מטמון בזיכרון
डेटाबेस क्या है?
संरचित जानकारी का संग्रह।
Τι είναι η κρυφή μνήμη;
Γρήγορη αποθήκευση δεδομένων.
Что такое очередь сообщений?
Буфер между сервисами.
Ship it 🚀 today?
Only after the tests pass 🚀.
PHRASES
expect_eq "mixed scripts: pdftotext returns every phrase in logical order" "" "$missing"
check "mixed scripts: the pages render" pdftoppm -png -r 30 -f 1 -l 4 "$PDF" "$TMP/page"
check "mixed scripts: every character has ink" python3 tests/tools/ink.py "$PDF" 1 4
$SP build tests/build/scripts.xml -o "$TMP/ms2" 2>/dev/null
check "mixed scripts: byte-identical between runs" cmp "$PDF" "$TMP/ms2/scripts/flashcards.pdf"

# without system fonts: one error per character per question, with a hint
$SP build tests/build/scripts.xml -o "$TMP/nosys" --no-system-fonts 2>"$TMP/err"
expect_eq "--no-system-fonts: the build fails" 1 $?
expect_eq "--no-system-fonts: one error per character per question (U+30C8 in 'japanese')" 1 \
  "$(grep -c "question 'japanese': character U+30C8 " "$TMP/err")"
grep -q "U+0921 cannot be drawn by the fonts (DejaVuSans.ttf, system fonts off); add a font that has it (--fonts DIR, a 'fallback' line in fonts.txt) or install one (Debian: fonts-noto-core)" "$TMP/err" \
  && ok "--no-system-fonts: the hint names --fonts and the Debian package" || not_ok "--no-system-fonts: the hint names --fonts and the Debian package" "$(head -3 "$TMP/err")"
# validate checks what build checks
$SP validate --no-system-fonts tests/build/scripts.xml 2>"$TMP/verr"
expect_eq "validate --no-system-fonts: fails like build" 1 $?
expect_eq "validate --no-system-fonts: the same errors as build" \
  "$(grep ': error: ' "$TMP/err")" "$(grep ': error: ' "$TMP/verr")"
$SP validate tests/build/scripts.xml 2>"$TMP/verr"
expect_eq "validate: passes where build passes" 0 $?

# a CFF collection through fonts.txt: Noto Sans CJK JP by index
$SP build tests/build/japanese.xml --fonts tests/build/noto-cjk -o "$TMP/ja" --only flashcards 2>"$TMP/err"
expect_eq "CFF collection: a Japanese pack builds" "0:" "$?:$(cat "$TMP/err")"
JA=$TMP/ja/japanese/flashcards.pdf
pdffonts "$JA" | grep -q "NotoSansCJKjp-Regular *CID Type 0C .* yes yes yes" \
  && ok "CFF collection: embedded as a CFF subset" || not_ok "CFF collection: embedded as a CFF subset" "$(pdffonts "$JA")"
size=$(stat -c %s "$JA")
[ "$size" -lt 100000 ] && ok "CFF collection: the one-card pack is small ($size bytes, not 19 MB)" \
  || not_ok "CFF collection: the one-card pack is small" "$size bytes"
check "CFF collection: qpdf --check" qpdf --check "$JA"
pdftotext "$JA" - | grep -qF "トークンバケットで、一定の速度を超える" && ok "CFF collection: text extractable" \
  || not_ok "CFF collection: text extractable" "$(pdftotext "$JA" - | head)"
check "CFF collection: every character has ink" python3 tests/tools/ink.py "$JA"

# fonts.txt problems are clear
mkdir -p "$TMP/fdir/fonts.txt"
$SP build tests/build/japanese.xml --fonts "$TMP/fdir" -o "$TMP/x" 2>"$TMP/err"
expect_eq "fonts.txt that is a folder: says so" "1:$TMP/fdir/fonts.txt: error: the font manifest is a folder, not a text file" "$?:$(cat "$TMP/err")"
mkdir -p "$TMP/bom"
printf '\357\273\277regular %s/fonts/DejaVuSans.ttf\n' "$PWD" >"$TMP/bom/fonts.txt"
$SP build tests/good/nested-include.xml --fonts "$TMP/bom" -o "$TMP/bomout" --only flashcards 2>"$TMP/err"
expect_eq "fonts.txt with a UTF-8 byte order mark is accepted" "0:" "$?:$(cat "$TMP/err")"

# damaged fonts: an error naming the file before any layout
mkdir -p "$TMP/dmg"
head -c 30000 /usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf >"$TMP/dmg/cut.otf"
echo "regular cut.otf" >"$TMP/dmg/fonts.txt"
$SP build tests/good/nested-include.xml --fonts "$TMP/dmg" -o "$TMP/dout" 2>"$TMP/err"
expect_eq "truncated CFF font: exit 1" 1 $?
grep -q "^$TMP/dmg/cut.otf: error: truncated or damaged file" "$TMP/err" \
  && ok "truncated CFF font: error names the file" || not_ok "truncated CFF font: error names the file" "$(cat "$TMP/err")"
expect_eq "truncated CFF font: nothing written" "" "$(ls -A "$TMP/dout" 2>/dev/null)"

# batch: the system fonts a pack used are inputs of its stamp
mkdir -p "$TMP/bsrc"; cp tests/build/scripts.xml "$TMP/bsrc/"
$SP batch -q "$TMP/bsrc" -o "$TMP/bout" 2>/dev/null
grep -q "^input [0-9a-f]* /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc$" "$TMP/bout/scripts/.studypack-stamp" \
  && ok "batch: the stamp hashes the system fonts chosen" || not_ok "batch: the stamp hashes the system fonts chosen" "$(cat "$TMP/bout/scripts/.studypack-stamp")"
$SP batch "$TMP/bsrc" -o "$TMP/bout" 2>&1 | grep -q "0 built, 1 up to date" \
  && ok "batch: up to date on the second run" || not_ok "batch: up to date on the second run"
# one worker builds one pack after another (-j 1), the scripts pack first
# (sorted by name): the English packs after it get a fresh worker, so
# their stamps list no system font, and their PDFs are those built alone
cp -r tests/batch/banks "$TMP/bsrc/"; cp tests/batch/a.xml "$TMP/bsrc/t-a.xml"; cp tests/batch/b.xml "$TMP/bsrc/t-b.xml"
$SP batch -q -j 1 "$TMP/bsrc" -o "$TMP/bseq" 2>/dev/null
for id in batch-a batch-b; do
  expect_eq "batch: after a pack with system fonts, $id's stamp lists none" "0" \
    "$(grep -c '^input .* /usr/share/fonts/' "$TMP/bseq/$id/.studypack-stamp")"
done
grep -q "^input [0-9a-f]* /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc$" "$TMP/bseq/scripts/.studypack-stamp" \
  && ok "batch -j 1: the scripts pack's stamp still lists its system font" || not_ok "batch -j 1: the scripts pack's stamp still lists its system font"
mkdir -p "$TMP/balone"; cp -r tests/batch/banks "$TMP/balone/"; cp tests/batch/a.xml "$TMP/balone/t-a.xml"
$SP batch -q -j 1 "$TMP/balone" -o "$TMP/bone" 2>/dev/null
check "batch: a pack built after others is byte-identical to it built alone" \
  diff -r -x .studypack-stamp "$TMP/bone/batch-a" "$TMP/bseq/batch-a"
