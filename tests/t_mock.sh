#!/usr/bin/env bash
# mock-interview kit and pocket sheets: golden dumps, every prompt and key
# point in the kit, every round on the pocket sheets, sessions from the
# timeline, rubrics by round kind, --only, index.json, byte-identical.
. "$(dirname "$0")/lib.sh"

PACK=tests/build/mock.xml
ID=mock-kit
$SP build "$PACK" --dump -o "$TMP/d" --interview-date 2027-01-15 2>"$TMP/err"
expect_eq "mock fixture: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
expect_file "golden dump: mock-interview kit" tests/golden/build/mock-interview.dump "$TMP/d/$ID/mock-interview.dump"
expect_file "golden dump: pocket sheets" tests/golden/build/pocket.dump "$TMP/d/$ID/pocket.dump"

$SP build "$PACK" -o "$TMP/p" --interview-date 2027-01-15 2>/dev/null
K=$TMP/p/$ID/mock-interview.pdf P=$TMP/p/$ID/pocket.pdf
check "mock-interview.pdf passes qpdf --check" qpdf --check "$K"
check "pocket.pdf passes qpdf --check" qpdf --check "$P"
pdftotext -raw "$K" "$TMP/k.txt"
check "the kit has every prompt, key point, code line and follow-up" python3 tests/tools/texts.py "$PACK" "$TMP/k.txt"
page() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null; }
# page 1: how to run it and the sessions, from the timeline's mock task
page "$K" 1 >"$TMP/p1"
grep -q "Mock 1 (Day 3, Tue, Jan 12, 2027): Mock with a friend: one coding, one behavioural" "$TMP/p1" \
  && ok "the opening page names the mock task, its day and date" || not_ok "the opening page names the mock task" "$(cat "$TMP/p1")"
grep -q "#2 lru, #3 conflict" "$TMP/p1" && ok "the mock task's questions by number and id" \
  || not_ok "the mock task's questions by number and id"
# the mock's questions come first, in the task's order; the others by round
page "$K" 2 | grep -q "Mock 1, question 1 of 2" && page "$K" 2 | grep -q "Implement an LRU cache" \
  && ok "page 2: the mock's first question" || not_ok "page 2: the mock's first question" "$(page "$K" 2 | head -8)"
page "$K" 2 | grep -q "Coding · medium · time box 20 min" && ok "technical medium: a 20 min time box" \
  || not_ok "technical medium: a 20 min time box"
page "$K" 2 | grep -q "Trade-offs" && ok "a technical rubric" || not_ok "a technical rubric"
page "$K" 3 >"$TMP/p3"
grep -q "Behavioural · medium · time box 8 min" "$TMP/p3" && grep -q "STAR: actions" "$TMP/p3" \
  && grep -q "Values shown: *Curious *Kind *Bold" "$TMP/p3" \
  && ok "behavioural: STAR rubric, the company's values, an 8 min box" || not_ok "behavioural rubric" "$(cat "$TMP/p3")"
page "$K" 4 | grep -q "Mock 1: scores" && ok "page 4: the mock's score page" || not_ok "page 4: the mock's score page"
page "$K" 4 | grep -q "#3 conflict" && page "$K" 4 | grep -q "What to review next" \
  && ok "the score page lists the cards to review next" || not_ok "the score page lists the cards to review next"
page "$K" 5 | grep -q "Coding, question 1 of 1" && page "$K" 5 | grep -q "Find two numbers" \
  && ok "then the other questions, by round" || not_ok "then the other questions, by round" "$(page "$K" 5 | head -5)"
expect_eq "kit pages: opening, 2 + score, coding 1 + score, design 1 + score, other 1 + score" 10 \
  "$(pdfinfo "$K" | awk '/^Pages:/ {print $2}')"

# pocket sheets: one per round, four to an A4 page
pdftotext -layout "$P" "$TMP/pk.txt"
for r in "Coding" "Behavioural" "System design"; do
  grep -q "^ *$r\b\|  $r" "$TMP/pk.txt" && ok "pocket sheet for round '$r'" || not_ok "pocket sheet for round '$r'"
done
grep -q "Say the complexity of every solution" "$TMP/pk.txt" && grep -q "Write the tests you would run" "$TMP/pk.txt" \
  && ok "the coding sheet's reminders: its own text, then its tips" || not_ok "the coding sheet's reminders"
grep -q "Lead with the result" "$TMP/pk.txt" && ok "the behavioural sheet has its tip" || not_ok "the behavioural sheet has its tip"
expect_eq "one A4 page for three rounds" "1 595.276x841.89" \
  "$(pdfinfo "$P" | awk '/^Pages:/ {p=$2} /^Page size:/ {s=$3 "x" $5} END {print p, s}')"
expect_eq "pocket.pdf asks for one-sided printing" 1 \
  "$(qpdf --qdf --object-streams=disable "$P" - 2>/dev/null | grep -ac '/Duplex /Simplex')"

# byte-identical, --only
$SP build "$PACK" -o "$TMP/p2" --interview-date 2027-01-15 2>/dev/null
check "the kit is byte-identical between runs" cmp "$K" "$TMP/p2/$ID/mock-interview.pdf"
check "the pocket sheets are byte-identical between runs" cmp "$P" "$TMP/p2/$ID/pocket.pdf"
$SP build "$PACK" -o "$TMP/om" --only mock 2>/dev/null
expect_eq "--only mock writes the kit alone" "mock-interview.pdf" "$(ls "$TMP/om/$ID")"
$SP build "$PACK" -o "$TMP/op" --only pocket 2>/dev/null
expect_eq "--only pocket writes the pocket sheets alone" "pocket.pdf" "$(ls "$TMP/op/$ID")"

# the real pack: every prompt and key point in its kit, every round on a sheet
$SP build sources/spotify-backend-developer.xml -o "$TMP/real" --only mock 2>/dev/null
pdftotext -raw "$TMP/real/spotify-backend-developer/mock-interview.pdf" "$TMP/rk.txt"
check "backend pack: the kit has every prompt and key point" python3 tests/tools/texts.py sources/spotify-backend-developer.xml "$TMP/rk.txt"
$SP build sources/spotify-backend-developer.xml -o "$TMP/real" --only pocket 2>/dev/null
pdftotext -layout "$TMP/real/spotify-backend-developer/pocket.pdf" "$TMP/rp.txt"
missing=$(python3 - sources/spotify-backend-developer.xml "$TMP/rp.txt" <<'PY'
import sys, xml.etree.ElementTree as ET
names = [r.get("name") for r in ET.parse(sys.argv[1]).getroot().iter("round")]
squash = lambda t: "".join(t.split())
text = squash(open(sys.argv[2], encoding="utf-8").read())
print(" ".join(n for n in names if squash(n) not in text))
PY
)
expect_eq "backend pack: a pocket sheet for every round" "" "$missing"

# batch lists them in index.json
$SP batch "$PACK" -q -o "$TMP/b" 2>/dev/null
grep -q "\"$ID/mock-interview.pdf\"" "$TMP/b/index.json" && grep -q "\"$ID/pocket.pdf\"" "$TMP/b/index.json" \
  && ok "index.json lists mock-interview.pdf and pocket.pdf" || not_ok "index.json lists the kit and the pocket sheets" "$(cat "$TMP/b/index.json")"

# a tip naming a round the pack does not have
sed 's/<tip rounds="coding">/<tip rounds="coding nosuch">/' "$PACK" >"$TMP/badtip.xml"
$SP validate "$TMP/badtip.xml" 2>"$TMP/err"
expect_eq "a tip naming an unknown round is an error" \
  "1:$TMP/badtip.xml:59:7: error: tip names round 'nosuch', which the pack does not define" "$?:$(cat "$TMP/err")"
