#!/usr/bin/env bash
# cards you can study from: a reading size (--min-size), text that fills
# the card, long answers split into even parts between list items, code
# blocks kept whole, golden dumps of all of it.
. "$(dirname "$0")/lib.sh"

PACK=tests/build/reading.xml
# the size of the first text item on page P (a card side) of a dump
# containing WORD
size_of() { awk -v pg="$2" -v w="$3" '/^page /{p=$2} p==pg && /^  text / && index($0, w) {print $3; exit}' "$1"; }

for c in 3x5in 4x6in; do
  $SP build "$PACK" --dump --only flashcards --card $c -o "$TMP/$c" 2>"$TMP/err-$c"
  expect_file "golden dump: reading pack on $c cards" "tests/golden/build/reading-$c.dump" "$TMP/$c/reading/flashcards.dump"
done
D3=$TMP/3x5in/reading/flashcards.dump D4=$TMP/4x6in/reading/flashcards.dump
expect_eq "3x5in: the long answer continues on 2 cards, with the size chosen" \
  "tests/build/reading.xml:23: warning: question 'split' does not fit on one card at 8pt; continued on 2 cards at 9.5pt" \
  "$(cat "$TMP/err-3x5in")"
expect_eq "4x6in: the long answer fits one card" "" "$(cat "$TMP/err-4x6in")"
expect_eq "a short answer is set at the largest size, 14pt" 14.00 "$(size_of "$D3" 1 Spreads)"
expect_eq "a short prompt at 22pt" 22.00 "$(size_of "$D3" 0 "load balancer")"
s3=$(size_of "$D3" 3 Absorbs) s4=$(size_of "$D4" 3 Absorbs)
awk -v a="$s3" -v b="$s4" 'BEGIN { exit !(b > a && a >= 8) }' \
  && ok "4x6in cards set the same answer larger (${s4}pt) than 3x5in (${s3}pt)" \
  || not_ok "4x6in cards set the same answer larger than 3x5in" "3x5in $s3, 4x6in $s4"

# every text on a card body is at least the reading size: only the corner,
# the round line, the footer and the continuation note are smaller
small=$(awk '/^  text / && $3 + 0 < 8 && $0 !~ /"#[0-9]/ && $0 !~ /System design/ \
             && $0 !~ /Acme Reader/ && $0 !~ /continued on the next card/' "$D3" "$D4")
expect_eq "no card text below 8pt but the chrome" "" "$small"
$SP build "$PACK" --dump --only flashcards --min-size 11 -o "$TMP/m11" 2>/dev/null
small=$(awk '/^  text / && $3 + 0 < 11 && $0 !~ /"#[0-9]/ && $0 !~ /System design/ \
             && $0 !~ /Acme Reader/ && $0 !~ /continued on the next card/' "$TMP/m11/reading/flashcards.dump")
expect_eq "--min-size 11: no card text below 11pt but the chrome" "" "$small"
for v in 5 15 abc 8mm; do
  $SP build "$PACK" --only flashcards --min-size "$v" -o "$TMP/x" >/dev/null 2>&1
  expect_eq "--min-size '$v' refused" 2 "$?"
done

# the split falls between list items, the parts are even, the code block
# (4 lines) stays whole.  back PAGE: the back side holding corner TEXT
back_of() { awk -v t="$2" '/^page /{p=$2} p % 2 == 1 && index($0, t) {print p; exit}' "$1"; }
# lines of body text (>= 8pt) on page P: distinct baselines
body_lines() { awk -v pg="$2" '/^page /{p=$2} p == pg && /^  text / && $3 + 0 >= 8 {split($5, xy, ","); y[xy[2]] = 1}
                 END {n = 0; for (k in y) n++; print n}' "$1"; }
page_text() { awk -v pg="$2" '/^page /{p=$2} p == pg && /^  text /' "$1"; }
b1=$(back_of "$D3" '"#3 split 1/2"') b2=$(back_of "$D3" '"#3 split 2/2"')
n1=$(body_lines "$D3" "$b1") n2=$(body_lines "$D3" "$b2")
awk -v a="$n1" -v b="$n2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 4 && a > 2 && b > 2) }' \
  && ok "the two parts are even ($n1 and $n2 lines)" || not_ok "the two parts are even" "lines: $n1, $n2"
page_text "$D3" "$b2" | grep -q 'put(key' && page_text "$D3" "$b2" | grep -q 'wait_for' \
  && ok "the code block stays on one card" || not_ok "the code block stays on one card"
last1=$(page_text "$D3" "$b1" | awk '$3 + 0 >= 8' | tail -1)
case "$last1" in *"downtime."*|*"access."*|*"zones."*|*"afterwards."*|*"behind."*|*"spread."*) ok "part 1 ends at the end of a list item" ;;
  *) not_ok "part 1 ends at the end of a list item" "$last1" ;; esac

# --line-breaking: first fit sets the same words in as many lines, less
# evenly; total fit (the default) changes where some lines break
$SP build "$PACK" --dump --only flashcards --line-breaking first-fit -o "$TMP/ff" 2>/dev/null
expect_eq "first-fit: exit 0" 0 "$?"
words() { awk '/^  text / {sub(/^[^"]*"/, ""); sub(/"$/, ""); print}' "$1" | tr ' ' '\n' | grep -v '^$'; }
lines_of() { grep -c '^  text ' "$1"; }
check "first-fit and total-fit set the same words in the same order" \
  cmp <(words "$TMP/ff/reading/flashcards.dump") <(words "$D3")
cmp -s "$TMP/ff/reading/flashcards.dump" "$D3" && not_ok "total fit breaks some lines elsewhere" \
  || ok "total fit breaks some lines elsewhere"
$SP build "$PACK" --only flashcards --line-breaking best -o "$TMP/x" >/dev/null 2>&1
expect_eq "--line-breaking 'best' refused" 2 "$?"
