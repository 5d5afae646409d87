#!/usr/bin/env bash
# printers: --back-scale moves and scales the backs by the computed amounts,
# the PDFs preset the print dialog (/ViewerPreferences), printer profiles
# (--printer) equal their options typed by hand, and the calibration sheet
# says how to read both corrections.
. "$(dirname "$0")/lib.sh"

PACK=tests/build/long-answer.xml
ID=long-answer

# ---- --back-scale and --back-offset, in numbers --------------------------
# The backs' placements with and without the corrections: each back's
# top-left corner P must land at C + (P - C) * S + D, C the sheet's centre.
$SP build "$PACK" --dump --only flashcards -o "$TMP/plain" 2>/dev/null
$SP build "$PACK" --dump --only flashcards -o "$TMP/scaled" \
  --back-scale 99,101.5 --back-offset 1,-2 2>/dev/null
place() { awk '/^sheet /{split($3,a,"[=x]"); w=a[2]; h=a[3]; s++}
               /^  place /{split($4,p,","); print s, w, h, $2, p[1], p[2], ($6 == "" ? "-" : $6)}' "$1"; }
place "$TMP/plain/$ID/flashcards.dump" >"$TMP/p0"
place "$TMP/scaled/$ID/flashcards.dump" >"$TMP/p1"
bad=$(paste -d' ' "$TMP/p0" "$TMP/p1" | awk -v mm=2.834645669 '
  { sheet=$1; w=$2; h=$3; x=$5; y=$6; X=$12; Y=$13; sc=$14
    if (sheet % 2 == 1) {                       # fronts: unchanged
      if (X != x || Y != y || sc != "-") print "front moved: " $0
    } else {
      ex = w/2 + (x - w/2) * 0.99 + 1 * mm; ey = h/2 + (y - h/2) * 1.015 - 2 * mm
      dx = X - ex; dy = Y - ey
      if (dx < -0.01 || dx > 0.01 || dy < -0.01 || dy > 0.01 || sc != "scale=0.9900,1.0150")
        print "back at " X "," Y " " sc ", expected " ex "," ey
    } }')
expect_eq "--back-scale 99,101.5 --back-offset 1,-2: backs placed at C+(P-C)*S+D, fronts unchanged" "" "$bad"
n_backs=$(grep -c 'scale=' "$TMP/scaled/$ID/flashcards.dump")
n_all=$(grep -c '^  place ' "$TMP/scaled/$ID/flashcards.dump")
expect_eq "every back (and only the backs) is scaled" "$((n_all / 2))" "$n_backs"

# the PDF draws each back with the scale in its matrix
$SP build "$PACK" --only flashcards -o "$TMP/pdfs" --back-scale 99,101.5 2>/dev/null
PDF=$TMP/pdfs/$ID/flashcards.pdf
check "back-scaled flashcards pass qpdf --check" qpdf --check "$PDF"
qpdf --qdf --object-streams=disable "$PDF" - 2>/dev/null | grep -ac '^0.99000 0 0 1.01500 ' >"$TMP/nm"
expect_eq "each back drawn through a 0.99 x 1.015 matrix" "$((n_all / 2))" "$(cat "$TMP/nm")"

for v in 89 111 99,abc abc 99, ,99 nan; do
  $SP build "$PACK" --only flashcards -o "$TMP/x" --back-scale "$v" >/dev/null 2>&1
  expect_eq "--back-scale '$v' refused as a usage error" 2 "$?"
done

# ---- the print dialog's presets -------------------------------------------
# the /ViewerPreferences entries as sorted "key value" pairs
prefs() { qpdf --qdf --object-streams=disable "$1" - 2>/dev/null | tr '\n' ' ' \
            | grep -ao '/ViewerPreferences << [^>]*>>' | head -1 \
            | sed 's/^\/ViewerPreferences << *//; s/ *>>$//' | tr -s ' ' '\n' \
            | paste -d' ' - - | sort | tr '\n' ';'; }
for mode in long short fold; do
  $SP build "$PACK" -o "$TMP/vp-$mode" --duplex $mode 2>/dev/null
done
expect_eq "cards, --duplex long: /Duplex /DuplexFlipLongEdge" \
  "/Duplex /DuplexFlipLongEdge;/PrintScaling /None;" "$(prefs "$TMP/vp-long/$ID/flashcards.pdf")"
expect_eq "cards, --duplex short: /Duplex /DuplexFlipShortEdge" \
  "/Duplex /DuplexFlipShortEdge;/PrintScaling /None;" "$(prefs "$TMP/vp-short/$ID/flashcards.pdf")"
expect_eq "cards, --duplex fold: /Duplex /Simplex" \
  "/Duplex /Simplex;/PrintScaling /None;" "$(prefs "$TMP/vp-fold/$ID/flashcards.pdf")"
expect_eq "booklet, default short flip: /Duplex /DuplexFlipShortEdge" \
  "/Duplex /DuplexFlipShortEdge;/PrintScaling /None;" "$(prefs "$TMP/vp-long/$ID/timeline-booklet.pdf")"
$SP build "$PACK" -o "$TMP/vp-bl" --only timeline --booklet-flip long 2>/dev/null
expect_eq "booklet, --booklet-flip long: /Duplex /DuplexFlipLongEdge" \
  "/Duplex /DuplexFlipLongEdge;/PrintScaling /None;" "$(prefs "$TMP/vp-bl/$ID/timeline-booklet.pdf")"
expect_eq "reading-order booklet: actual size, no duplex preset" \
  "/PrintScaling /None;" "$(prefs "$TMP/vp-long/$ID/timeline.pdf")"
qpdf --qdf --object-streams=disable "$TMP/vp-long/$ID/flashcards.pdf" - 2>/dev/null | grep -aq NumCopies \
  && not_ok "no /NumCopies" || ok "no /NumCopies"

# ---- printer profiles ------------------------------------------------------
CFG=$TMP/cfg
mkdir -p "$CFG/studypack"
cat >"$CFG/studypack/printers.conf" <<'EOF'
# the office printer
[office-laser]
back-offset = 0.5,-0.3
back-scale  = 99.6,100.3
duplex = short
paper = letter
booklet-flip = long

; another one
[home]
duplex=long
EOF
export XDG_CONFIG_HOME=$CFG
$SP build "$PACK" -o "$TMP/prof" --printer office-laser 2>"$TMP/err"
expect_eq "build --printer: exit 0" 0 "$?"
$SP build "$PACK" -o "$TMP/hand" --back-offset 0.5,-0.3 --back-scale 99.6,100.3 \
  --duplex short --paper letter --booklet-flip long 2>"$TMP/err2"
check "--printer: the same diagnostics as by hand" cmp "$TMP/err" "$TMP/err2"
for f in flashcards timeline timeline-booklet; do
  check "--printer office-laser equals its options by hand: $f.pdf" cmp "$TMP/prof/$ID/$f.pdf" "$TMP/hand/$ID/$f.pdf"
done
$SP build "$PACK" -o "$TMP/prof2" --only flashcards --printer office-laser --duplex long --paper a4 2>/dev/null
$SP build "$PACK" -o "$TMP/hand2" --only flashcards --back-offset 0.5,-0.3 --back-scale 99.6,100.3 \
  --duplex long --paper a4 2>/dev/null
check "command-line options override the profile (before or after --printer)" \
  cmp "$TMP/prof2/$ID/flashcards.pdf" "$TMP/hand2/$ID/flashcards.pdf"
$SP build "$PACK" -o "$TMP/prof3" --only flashcards --duplex long --paper a4 --printer office-laser 2>/dev/null
check "an option before --printer also wins" cmp "$TMP/prof3/$ID/flashcards.pdf" "$TMP/hand2/$ID/flashcards.pdf"
$SP batch "$PACK" -q -o "$TMP/bprof" --printer office-laser 2>/dev/null
check "batch --printer equals build --printer" cmp "$TMP/bprof/$ID/flashcards.pdf" "$TMP/prof/$ID/flashcards.pdf"

$SP build "$PACK" -o "$TMP/e" --printer nosuch >/dev/null 2>"$TMP/err"
expect_eq "unknown printer: exit 2 and the names there are" \
  "2:$CFG/studypack/printers.conf: error: no printer named 'nosuch'; the file has: office-laser, home" \
  "$?:$(cat "$TMP/err")"
cat >"$TMP/bad.conf" <<'EOF'
[p]
duplex = sideways
colour = blue
just words
back-offset = 1,1
back-offset = 2,2
[p]
EOF
STUDYPACK_PRINTERS=$TMP/bad.conf $SP build "$PACK" -o "$TMP/e" --printer p >/dev/null 2>"$TMP/err"
expect_eq "bad profile: every problem, with line and column, exit 2" "2
$TMP/bad.conf:3:1: error: unknown setting 'colour'; a printer has back-offset, back-scale, duplex, paper and booklet-flip
$TMP/bad.conf:4:1: error: expected 'setting = value' or '[printer-name]'
$TMP/bad.conf:6:1: error: 'back-offset' is set twice for printer 'p' (first on line 5)
$TMP/bad.conf:7:1: error: printer 'p' is defined twice (first on line 1)" "$?
$(cat "$TMP/err")"
printf '[p]\nduplex = sideways\n' >"$TMP/val.conf"
STUDYPACK_PRINTERS=$TMP/val.conf $SP build "$PACK" -o "$TMP/e" --printer p >/dev/null 2>"$TMP/err"
expect_eq "bad value: named with its line and column" \
  "2:$TMP/val.conf:2:10: error: invalid value 'sideways' for duplex (see studypack build --help)" "$?:$(cat "$TMP/err")"
STUDYPACK_PRINTERS=$TMP/none.conf $SP build "$PACK" -o "$TMP/e" --printer p >/dev/null 2>"$TMP/err"
expect_eq "no profile file: says how to make one" \
  "2:$TMP/none.conf: error: there is no printer profile file; create it with the lines that 'studypack calibrate' prints" \
  "$?:$(cat "$TMP/err")"
mkfifo "$TMP/fifo.conf"
STUDYPACK_PRINTERS=$TMP/fifo.conf timeout 10 $SP build "$PACK" -o "$TMP/e" --printer p >/dev/null 2>"$TMP/err"
expect_eq "a FIFO as the profile file is refused, not waited on" \
  "2:$TMP/fifo.conf: error: the printer profile file is not a regular file" "$?:$(cat "$TMP/err")"
printf '\xef\xbb\xbf[p]\r\nduplex = fold\r\n' >"$TMP/bom.conf"
STUDYPACK_PRINTERS=$TMP/bom.conf $SP build "$PACK" -o "$TMP/bom" --only flashcards --printer p 2>/dev/null
$SP build "$PACK" -o "$TMP/fold" --only flashcards --duplex fold 2>/dev/null
check "a byte order mark and CRLF line ends are fine" cmp "$TMP/bom/$ID/flashcards.pdf" "$TMP/fold/$ID/flashcards.pdf"
unset XDG_CONFIG_HOME

# ---- the calibration sheet -------------------------------------------------
XDG_CONFIG_HOME=$CFG $SP calibrate -o "$TMP/cal.pdf" --printer home --paper a4 >"$TMP/lines" 2>"$TMP/err"
expect_eq "calibrate --printer: exit 0" 0 "$?"
expect_eq "calibrate prints the profile lines to add" "[home]
paper = a4
duplex = long
back-offset = X,Y
back-scale = SX,SY" "$(cat "$TMP/lines")"
grep -q "into $CFG/studypack/printers.conf and build with --printer home" "$TMP/err" \
  && ok "calibrate says where the lines go" || not_ok "calibrate says where the lines go" "$(cat "$TMP/err")"
pdftotext -layout "$TMP/cal.pdf" "$TMP/cal.txt"
for phrase in "X centre" "X left" "X right" "Y centre" "Y top" "Y bottom" "--back-offset X,Y" \
              "--back-scale SX,SY" "the printer turns" "--duplex short" "[home]" "back-scale = SX,SY"; do
  grep -qF -- "$phrase" "$TMP/cal.txt" && ok "calibration sheet says '$phrase'" \
    || not_ok "calibration sheet says '$phrase'"
done
check "calibration sheet passes qpdf --check" qpdf --check "$TMP/cal.pdf"
