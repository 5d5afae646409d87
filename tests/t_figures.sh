#!/usr/bin/env bash
# Figures: a pack with one image of each kind studypack reads (made by
# tests/tools/mkimages.c, each in its own solid colour), built to PDF and
# to a dump: the geometry is a golden file, the rendered pages show each
# colour where the dump places it, pdfimages lists every image once,
# qpdf --check passes.  Then the limits that only a big file can show.
. "$(dirname "$0")/lib.sh"

cc -std=c11 -O1 -o "$TMP/mkimages" tests/tools/mkimages.c -lpng -ljpeg -lz \
  || { not_ok "mkimages builds"; exit 0; }
P="$TMP/fig"
mkdir -p "$P/img" "$P/banks/img"
"$TMP/mkimages" fixtures "$P/img"
cp "$P/img/interlaced.png" "$P/banks/img/bank.png"

KINDS="gray.png gray-alpha.png rgb.png rgba.png palette.png palette-trns.png
rgb16.png rgb-key.png gray1.png palette4.png interlaced.png baseline.jpg progressive.jpg gray.jpg rgb.jpg
cmyk.jpg cmyk-adobe.jpg"
{
  cat <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<studypack version="1" id="figures" xmlns:xi="http://www.w3.org/2001/XInclude">
  <meta>
    <role>Figures</role>
    <summary>
      <p>Every kind of image.</p>
      <figure src="img/rgb.png" alt="a red box" width="50"><caption>Red, in the summary</caption></figure>
    </summary>
  </meta>
  <process>
    <round id="design" name="Design">
      <p>A round with a figure.</p>
      <figure src="img/palette.png" alt="a blue box" width="40"/>
    </round>
  </process>
  <questions>
EOF
  for k in $KINDS; do
    id=$(echo "$k" | tr '.' '-')
    echo "    <question id=\"$id\" round=\"design\"><prompt>What colour is $k?</prompt>"
    echo "      <answer><p>The image $k:</p><figure src=\"img/$k\" alt=\"$k\" width=\"30\"><caption>$k</caption></figure></answer></question>"
  done
  cat <<'EOF'
    <question id="shrinks" round="design"><prompt>Text and a figure that fit when the text shrinks</prompt>
      <answer><p>The text shrinks step by step until the paragraph and the figure under it fit on one card; the figure keeps its size, because it does not depend on the font size.</p>
        <figure src="img/palette4.png" alt="a khaki box" width="50"/></answer></question>
    <question id="long" round="design"><prompt>A long answer and a figure</prompt>
      <answer>
        <p>Token bucket: a bucket holds up to B tokens and is refilled at rate R; each request takes one token, or is refused when the bucket is empty. Bursts of up to B requests pass, and the long-run rate is R.</p>
        <ul><li>Leaky bucket: a queue drained at a fixed rate.</li><li>Fixed window: a counter per window, reset at its end.</li><li>Sliding window: the weighted sum of two windows.</li></ul>
        <figure src="./img/rgb.png" alt="the same red box again"><caption>The figure does not fit after the text, so it moves to the next card whole.</caption></figure>
      </answer></question>
  </questions>
  <xi:include href="banks/bank.xml"/>
</studypack>
EOF
} >"$P/pack.xml"
cat >"$P/banks/bank.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<questions>
  <question id="from-bank"><prompt>A bank's figure</prompt>
    <answer><figure src="img/bank.png" alt="relative to the bank's folder" width="30"/></answer></question>
</questions>
EOF

cd "$P" || exit 1
$SP validate pack.xml >"$TMP/out" 2>&1
expect_eq "figures: the fixture pack validates silently" "0:" "$?:$(cat "$TMP/out")"
$SP validate banks/bank.xml >"$TMP/out" 2>&1
expect_eq "figures: a bank's figures resolve against the bank's folder" "0:" "$?:$(cat "$TMP/out")"
$SP build pack.xml -o dump --dump --interview-date 2027-01-15 2>"$TMP/warn"
expect_eq "figures: dump builds" 0 $?
$SP build pack.xml -o pdf --interview-date 2027-01-15 2>/dev/null
expect_eq "figures: PDF builds" 0 $?
cd "$SP_ROOT" || exit 1
expect_file "figures: flashcards dump (one line per figure)" tests/golden/figures-flashcards.dump "$P/dump/figures/flashcards.dump"
expect_file "figures: timeline dump" tests/golden/figures-timeline.dump "$P/dump/figures/timeline.dump"
grep -q "question 'long' does not fit on one card" "$TMP/warn" \
  && ok "figures: a figure that does not fit continues on a follow-on card" \
  || not_ok "figures: a figure that does not fit continues on a follow-on card" "$(cat "$TMP/warn")"

# a figure takes part in fitting: the text beside it shrinks (9 pt here),
# the card stays one card
expect_eq "figures: the text beside a figure shrinks to 9 pt" \
  "9.00" "$(awk '/"The text shrinks/ { print $3 }' "$P/dump/figures/flashcards.dump")"
expect_eq "figures: ... and the question stays on one card (no K/M)" \
  2 "$(grep -c '"#18 shrinks"$' "$P/dump/figures/flashcards.dump")"
for f in flashcards timeline timeline-booklet; do
  check "figures: qpdf --check $f.pdf" qpdf --check "$P/pdf/figures/$f.pdf"
done

# every image file once per PDF (the red box is on two cards, the summary
# and the round are in both booklet PDFs), alpha as a soft mask
pdfimages -list "$P/pdf/figures/flashcards.pdf" >"$TMP/list"
expect_eq "figures: pdfimages lists 20 uses of images on the card sheets" 20 "$(awk 'NR > 2 && $3 == "image"' "$TMP/list" | wc -l)"
expect_eq "figures: ... of 18 image objects (the red box, also named ./img/rgb.png, is embedded once)" 18 "$(awk 'NR > 2 && $3 == "image" { print $11 }' "$TMP/list" | sort -u | wc -l)"
expect_eq "figures: PNG alpha and tRNS become soft masks" 4 "$(awk 'NR > 2 && $3 == "smask"' "$TMP/list" | wc -l)"
expect_eq "figures: JPEGs pass through as DCT" 6 "$(awk 'NR > 2 && $9 == "jpeg"' "$TMP/list" | wc -l)"
expect_eq "figures: CMYK JPEGs stay CMYK" 2 "$(awk 'NR > 2 && $6 == "cmyk"' "$TMP/list" | wc -l)"
# /Decode inverts only the Adobe CMYK JPEG; its APP14 transform (and the
# RGB-stored JPEG's) is repeated in /DecodeParms
expect_eq "figures: one /Decode [1 0 ...] (the Adobe CMYK JPEG)" 1 "$(grep -a -c '/Decode \[ 1 0 1 0 1 0 1 0 \]' "$P/pdf/figures/flashcards.pdf")"
expect_eq "figures: APP14 transforms in /DecodeParms" 2 "$(grep -a -o '/ColorTransform 0' "$P/pdf/figures/flashcards.pdf" | wc -l)"
# each figure is drawn inside /Span << /Alt (its alt text) >> BDC ... EMC
qpdf --qdf --object-streams=disable "$P/pdf/figures/flashcards.pdf" "$TMP/qdf.pdf"
expect_eq "figures: every figure drawn carries its alt text" 20 "$(grep -a -c '^/Span <</Alt <feff' "$TMP/qdf.pdf")"
expect_eq "figures: ... as a UTF-16 text string" 1 "$(grep -a -c '^/Span <</Alt <feff0067007200610079002e0070006e0067> >> BDC$' "$TMP/qdf.pdf")"
pdfimages -list "$P/pdf/figures/timeline.pdf" >"$TMP/list"
expect_eq "figures: the booklet lists its two images" 2 "$(awk 'NR > 2 && $3 == "image"' "$TMP/list" | wc -l)"

# true colours where the dump puts them (the CMYK ones as poppler converts
# process cyan and process magenta)
COLOURS="gray.png=96,96,96 gray-alpha.png=40,40,40,half rgb.png=220,30,30
rgba.png=30,160,60,half palette.png=30,60,200 palette-trns.png=240,140,20,half
rgb16.png=128,40,160 rgb-key.png=250,150,200,half gray1.png=0,0,0
palette4.png=200,200,120 interlaced.png=20,160,170 bank.png=20,160,170
baseline.jpg=230,200,30 progressive.jpg=30,30,110 gray.jpg=180,180,180
rgb.jpg=140,90,40 cmyk.jpg=0,173,238 cmyk-adobe.jpg=236,0,139"
# shellcheck disable=SC2086
check "figures: card colours where the dump places them" \
  python3 tests/tools/figcolors.py "$P/dump/figures/flashcards.dump" "$P/pdf/figures/flashcards.pdf" $COLOURS
# shellcheck disable=SC2086
check "figures: booklet colours where the dump places them" \
  python3 tests/tools/figcolors.py "$P/dump/figures/timeline.dump" "$P/pdf/figures/timeline.pdf" $COLOURS
# shellcheck disable=SC2086
check "figures: saddle-stitched booklet colours" \
  python3 tests/tools/figcolors.py "$P/dump/figures/timeline-booklet.dump" "$P/pdf/figures/timeline-booklet.pdf" $COLOURS

# the mock-interview kit draws the answers' figures too (no tick box)
( cd "$P" && $SP build pack.xml -o mock --dump --only mock --interview-date 2027-01-15 \
  && $SP build pack.xml -o mockp --only mock --interview-date 2027-01-15 ) >/dev/null 2>&1
expect_eq "figures: the mock-interview kit draws every answer's figure" 20 "$(grep -c '^  figure ' "$P/mock/figures/mock-interview.dump")"
# shellcheck disable=SC2086
check "figures: mock-interview kit colours where the dump places them" \
  python3 tests/tools/figcolors.py "$P/mock/figures/mock-interview.dump" "$P/mockp/figures/mock-interview.pdf" $COLOURS

# pages turned 180 degrees (a booklet for long-edge flipping)
( cd "$P" && $SP build pack.xml -o flip --dump --only timeline --booklet-flip long --interview-date 2027-01-15 \
  && $SP build pack.xml -o flipp --only timeline --booklet-flip long --interview-date 2027-01-15 ) >/dev/null 2>&1
expect_eq "figures: the long-flip booklet turns pages" yes "$(grep -q 'rotate=180' "$P/flip/figures/timeline-booklet.dump" && echo yes)"
# shellcheck disable=SC2086
check "figures: turned booklet pages keep their colours in place" \
  python3 tests/tools/figcolors.py "$P/flip/figures/timeline-booklet.dump" "$P/flipp/figures/timeline-booklet.pdf" $COLOURS

# limits a committed file would be too big for: 8 MiB per file, checked
# from the size before anything is read; and no PDF is written
B="$TMP/big"
mkdir -p "$B"
cat >"$B/pack.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<studypack version="1" id="big">
  <meta><role>Big</role></meta>
  <questions>
    <question id="q"><prompt>Big?</prompt><answer>
      <figure src="huge.png" alt="nine MiB"/></answer></question>
  </questions>
</studypack>
EOF
printf '\211PNG\r\n\032\n' >"$B/huge.png"
truncate -s 9M "$B/huge.png"
start=$(date +%s%N)
( cd "$B" && $SP validate pack.xml ) >"$TMP/out" 2>"$TMP/err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "figures: a 9 MiB image is refused" "1:pack.xml:6: error: figure 'huge.png': the file is 9437184 bytes; the limit is 8388608 bytes (8 MiB)" "$rc:$(cat "$TMP/err")"
( cd "$B" && $SP build pack.xml -o out ) >/dev/null 2>&1
expect_eq "figures: no PDF is written for a refused image" "1:" "$?:$(ls "$B/out" 2>/dev/null)"
# the hostile corpus answers fast (each well under a second)
for f in tests/bad/figure-bomb.xml tests/bad/figure-truncated.xml tests/bad/figure-text.xml; do
  start=$(date +%s%N)
  $SP build "$f" -o "$TMP/hostile" >/dev/null 2>&1
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ -n "${SP_WRAP:-}" ] || [ "$ms" -lt 500 ]; then ok "figures: $f refused by build in under 0.5 s (${ms} ms)"
  else not_ok "figures: $f refused by build in under 0.5 s" "took ${ms} ms"; fi
  expect_eq "figures: $f: exit 1 and no PDF" "1:" "$rc:$(ls "$TMP/hostile" 2>/dev/null)"
done

# the same document gives the same bytes (image streams included)
( cd "$P" && $SP build pack.xml -o again --interview-date 2027-01-15 ) >/dev/null 2>&1
check "figures: flashcards.pdf is byte-identical between runs" cmp "$P/pdf/figures/flashcards.pdf" "$P/again/figures/flashcards.pdf"

# a figure's image is an input of the pack: batch rebuilds when it changes
cd "$P" || exit 1
$SP batch -q pack.xml -o batch >/dev/null 2>"$TMP/b1"
$SP batch pack.xml -o batch >/dev/null 2>"$TMP/b2"
cp img/rgb.png img/gray.png
$SP batch pack.xml -o batch >/dev/null 2>"$TMP/b3"
cd "$SP_ROOT" || exit 1
expect_eq "figures: batch: unchanged images, nothing rebuilt" "0 built, 1 up to date, 0 failed" "$(tail -n 1 "$TMP/b2")"
expect_eq "figures: batch: a changed image rebuilds the pack" "1 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/b3")"
