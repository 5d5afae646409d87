#!/usr/bin/env bash
# lang: the tool's own words, dates and hyphenation in the pack's language
# (xml:lang or --lang): a golden booklet and card sheets per language, no
# English chrome left in German and Japanese PDFs, whole words from
# pdftotext where lines were hyphenated, the installed catalogues, the
# output independent of the machine's locale and time zone, and batch
# building several languages on several threads.
. "$(dirname "$0")/lib.sh"

CJK="--fonts tests/build/cjk-fonts"
fonts_for() { case $1 in ja|zh) echo "$CJK";; esac; }
DATE="--interview-date 2026-12-17"

for l in en de fr es sv ja zh; do
  $SP build tests/lang/$l.xml $DATE --dump $(fonts_for $l) -o "$TMP/dump" 2>"$TMP/err"
  expect_eq "$l: build --dump: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
  expect_file "$l: golden booklet" tests/golden/lang/$l-timeline.dump "$TMP/dump/lang-$l/timeline.dump"
  expect_file "$l: golden card sheets" tests/golden/lang/$l-flashcards.dump "$TMP/dump/lang-$l/flashcards.dump"
done

# German and Japanese PDFs: no English word the tool adds
po_of() { case $1 in zh) echo po/zh_CN.po;; *) echo po/$1.po;; esac; }
for l in de ja; do
  $SP build tests/lang/$l.xml $DATE $(fonts_for $l) -o "$TMP/pdf" 2>"$TMP/err"
  expect_eq "$l: build PDFs: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
  : >"$TMP/$l.txt"
  for f in flashcards timeline timeline-booklet pocket mock-interview; do
    check "$l: $f.pdf passes qpdf --check" qpdf --check "$TMP/pdf/lang-$l/$f.pdf"
    pdftotext "$TMP/pdf/lang-$l/$f.pdf" - >>"$TMP/$l.txt"
  done
  check "$l: no English chrome word in the PDFs" python3 tests/tools/chrome.py \
    po/studypack.pot "$(po_of $l)" tests/lang/$l.xml "$TMP/$l.txt"
  check "$l: every card's text is extractable" python3 tests/tools/texts.py \
    tests/lang/$l.xml <(pdftotext -raw "$TMP/pdf/lang-$l/flashcards.pdf" -)
done
# the English fixture's text does hold them (so the check can fail)
$SP build tests/lang/en.xml $DATE -o "$TMP/pdf" 2>/dev/null
pdftotext "$TMP/pdf/lang-en/timeline.pdf" "$TMP/en.txt"
if python3 tests/tools/chrome.py po/studypack.pot po/de.po tests/lang/de.xml "$TMP/en.txt" >"$TMP/words"; then
  not_ok "the chrome check finds English words in an English booklet"
else
  ok "the chrome check finds English words in an English booklet ($(wc -l <"$TMP/words"))"
fi
grep -q "Fragenverzeichnis" "$TMP/de.txt" && ok "de: the index heading is German" || not_ok "de: the index heading is German"
grep -q "Donnerstag, 17. Dezember 2026" "$TMP/de.txt" && ok "de: the interview date in German (CLDR)" || not_ok "de: the interview date in German (CLDR)"
grep -q "2026年12月17日木曜日" "$TMP/ja.txt" && ok "ja: the interview date in Japanese (CLDR)" || not_ok "ja: the interview date in Japanese (CLDR)"
grep -q "追加の質問" "$TMP/ja.txt" && ok "ja: the cards' follow-up heading is Japanese" || not_ok "ja: the cards' follow-up heading is Japanese"

# hyphenated lines: the card shows "Datenbank-" (a hyphen item carrying
# the rest of the word), every text extraction mode returns the whole word
grep -A1 '"Wie spielen Sie Datenbank"' tests/golden/lang/de-flashcards.dump | grep -q '"-" actual "schemaänderungen"' \
  && ok "de: a card breaks Datenbankschemaänderungen with a hyphen" \
  || not_ok "de: a card breaks Datenbankschemaänderungen with a hyphen"
for mode in "" -raw -layout; do
  t=$(pdftotext $mode "$TMP/pdf/lang-de/flashcards.pdf" -)
  case "$t" in
    *Datenbankschemaänderungen*) case "$t" in *Datenbankschemaände-*|*$'\n'rungen*) not_ok "pdftotext ${mode:-(reading order)}: the whole word" "$(printf '%s' "$t" | grep -n 'Daten\|rungen')";;
                                  *) ok "pdftotext ${mode:-(reading order)}: the whole word, no added hyphen";; esac;;
    *) not_ok "pdftotext ${mode:-(reading order)}: the whole word" "$(printf '%s' "$t" | grep -n 'Daten\|rungen')";;
  esac
done

# --lang overrides xml:lang; an unknown language is English with one warning
$SP build tests/lang/en.xml $DATE --dump --lang de -o "$TMP/over" 2>"$TMP/err"
expect_eq "--lang de: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
grep -q '"Fragenverzeichnis"' "$TMP/over/lang-en/timeline.dump" && ok "--lang de overrides xml:lang" || not_ok "--lang de overrides xml:lang"
$SP build tests/lang/en.xml $DATE --dump --lang pt-BR -o "$TMP/pt" 2>"$TMP/err"
expect_eq "--lang pt-BR: English with one warning" \
  "0:studypack: warning: no catalogue for language 'pt-BR': the tool's own words are in English" \
  "$?:$(cat "$TMP/err")"
check "--lang pt-BR gives the English booklet" cmp "$TMP/pt/lang-en/timeline.dump" "$TMP/dump/lang-en/timeline.dump"
sed 's/xml:lang="de"/xml:lang="tlh"/' tests/lang/de.xml >"$TMP/tlh.xml"
$SP build "$TMP/tlh.xml" --dump -o "$TMP/tlh" 2>"$TMP/err"
expect_eq "xml:lang=\"tlh\": one warning" "1" "$(grep -c "no catalogue for language 'tlh'" "$TMP/err")"

# the same PDF whatever the machine's locale and time zone
LC_ALL=fr_FR.UTF-8 LANG=ja_JP.UTF-8 LANGUAGE=sv TZ=Pacific/Kiritimati \
  $SP build tests/lang/de.xml $DATE -o "$TMP/env" 2>/dev/null
check "de: same bytes under another locale and time zone" cmp "$TMP/pdf/lang-de/timeline.pdf" "$TMP/env/lang-de/timeline.pdf"

# installed: bin/studypack finds share/locale (and the fonts) beside it
mkdir -p "$TMP/inst/bin" "$TMP/inst/share/studypack"
cp "$BUILD/studypack" "$TMP/inst/bin/"
cp -r fonts "$TMP/inst/share/studypack/fonts"
cp -r "$BUILD/locale" "$TMP/inst/share/locale"
root=$PWD
(cd "$TMP" && STUDYPACK_LOCALEDIR= "$TMP/inst/bin/studypack" build "$root/tests/lang/sv.xml" $DATE --dump -o "$TMP/inst-out" 2>"$TMP/err")
expect_eq "installed: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
check "installed: the catalogues under share/locale are found" cmp "$TMP/inst-out/lang-sv/timeline.dump" tests/golden/lang/sv-timeline.dump

# batch: seven languages on four threads give what seven builds give
mkdir -p "$TMP/src"
cp tests/lang/*.xml "$TMP/src/"
$SP batch "$TMP/src" -j 4 -q --dump $DATE $CJK -o "$TMP/batch" 2>"$TMP/err"
expect_eq "batch of seven languages: exit 0" "0" "$?"
same=0
for l in en de fr es sv ja zh; do
  $SP build tests/lang/$l.xml $DATE --dump $CJK -o "$TMP/one" 2>/dev/null
  cmp -s "$TMP/batch/lang-$l/timeline.dump" "$TMP/one/lang-$l/timeline.dump" \
    && cmp -s "$TMP/batch/lang-$l/flashcards.dump" "$TMP/one/lang-$l/flashcards.dump" && same=$((same + 1))
done
expect_eq "batch -j 4: every language as built alone" 7 "$same"

# the calibration sheet in German
$SP calibrate --lang de -o "$TMP/cal.pdf" >/dev/null 2>&1
expect_eq "calibrate --lang de: exit 0" 0 "$?"
pdftotext "$TMP/cal.pdf" "$TMP/cal.txt"
grep -q "studypack-Duplexkalibrierung: VORDERSEITE" "$TMP/cal.txt" && ! grep -q "Hold the sheet" "$TMP/cal.txt" \
  && ok "calibrate --lang de: the sheet is German" || not_ok "calibrate --lang de: the sheet is German"

# Japanese without --fonts: the system fonts (fontconfig) are found for
# the tool's own words and the dates too, not only for the pack's text
$SP build tests/lang/ja.xml $DATE -o "$TMP/sys" 2>/dev/null
expect_eq "ja without --fonts: builds" 0 "$?"
check "ja without --fonts: every word of the booklet has ink" python3 tests/tools/ink.py "$TMP/sys/lang-ja/timeline.pdf" 1 5
