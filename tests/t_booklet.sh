#!/usr/bin/env bash
# The booklet: timeline.pdf in reading order and timeline-booklet.pdf
# imposed for saddle stitching, checked with qpdf and pdftotext; the plan
# command; dates and their errors.
. "$(dirname "$0")/lib.sh"

PACK=sources/spotify-backend-developer.xml
$SP build "$PACK" -o "$TMP/o" --only timeline --interview-date 2026-12-24 2>"$TMP/err"
expect_eq "build --only timeline: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
D=$TMP/o/spotify-backend-developer
[ ! -e "$D/flashcards.pdf" ] && ok "--only timeline writes no flashcards" || not_ok "--only timeline writes no flashcards"
for f in timeline.pdf timeline-booklet.pdf; do
  check "$f passes qpdf --check" qpdf --check "$D/$f"
done
pages=$(pdfinfo "$D/timeline.pdf" | awk '/^Pages:/ {print $2}')
[ $((pages % 4)) -eq 0 ] && ok "timeline has a multiple of 4 pages ($pages)" || not_ok "timeline has a multiple of 4 pages" "$pages"
expect_eq "timeline pages are A5" "420.945x595.276" "$(pdfinfo "$D/timeline.pdf" | awk '/^Page size:/ {print $3 "x" $5}')"
expect_eq "booklet: one A4 side per two pages" "$((pages / 2))" "$(pdfinfo "$D/timeline-booklet.pdf" | awk '/^Pages:/ {print $2}')"
expect_eq "booklet sheets are A4 landscape" "841.89x595.276" "$(pdfinfo "$D/timeline-booklet.pdf" | awk '/^Page size:/ {print $3 "x" $5}')"

page() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null; }
page "$D/timeline.pdf" 1 | grep -q "Interview: Thursday, December 24, 2026" && ok "cover: the interview date" || not_ok "cover: the interview date"
page "$D/timeline.pdf" 1 | grep -q "Name:" && ok "cover: a name line" || not_ok "cover: a name line"
page "$D/timeline.pdf" 2 | grep -q "Values-based behavioral" && ok "process page: the rounds" || not_ok "process page: the rounds"
page "$D/timeline.pdf" 3 | grep -q "Timeline overview" && ok "page 3: timeline overview" || not_ok "page 3: timeline overview"
# the plan: 28 days ending the day before the interview
# the plan's first page follows the overview (one page or more, as the
# pack's phases need)
plan_page=$(qpdf --json "$D/timeline.pdf" | python3 -c '
import json, sys
print([o["destpageposfrom1"] for o in json.load(sys.stdin)["outlines"] if o["title"] == "Day-by-day plan"][0])')
[ "$plan_page" -ge 4 ] && ok "the plan starts after the overview (page $plan_page)" || not_ok "the plan starts after the overview" "$plan_page"
page "$D/timeline.pdf" "$plan_page" | grep -q "Thu, Nov 26" && ok "plan starts 28 days before the interview" || not_ok "plan starts 28 days before the interview" "$(page "$D/timeline.pdf" "$plan_page" | head -5)"
pdftotext "$D/timeline.pdf" - | grep -q "Wed, Dec 23" && ok "plan ends the day before the interview" || not_ok "plan ends the day before the interview"
pdftotext -raw "$D/timeline.pdf" - | grep -c "^Mon, Nov 30" | grep -qx 1 && ok "each day appears once" || not_ok "each day appears once"
pdftotext -raw "$D/timeline.pdf" - | grep -q "study: Distributed-systems and API basics" && ok "tasks with their kind" || not_ok "tasks with their kind"
pdftotext -raw "$D/timeline.pdf" - | grep -q "#1 rate-limiting" && ok "cards by number and id" || not_ok "cards by number and id"
tips_page=$(for p in $(seq 1 "$pages"); do page "$D/timeline.pdf" $p | grep -q "Spotify-specific preparation tips" && echo $p && break; done)
[ -n "$tips_page" ] && ok "tips section present (page $tips_page)" || not_ok "tips section present"
pdftotext -raw "$D/timeline.pdf" - | grep -q "Question index" && ok "question index present" || not_ok "question index present"
# bookmarks: every section and every week
qpdf --json "$D/timeline.pdf" | python3 -c '
import json, sys
j = json.load(sys.stdin)
def walk(items, depth=0):
    for o in items:
        print("  " * depth + o["title"], o["destpageposfrom1"])
        walk(o["kids"], depth + 1)
walk(j["outlines"])' >"$TMP/outline"
for t in "Cover 1" "The interview process 2" "Timeline overview 3" "Day-by-day plan $plan_page" "Question index" "Tips"; do
  grep -q "^$t" "$TMP/outline" && ok "bookmark: $t" || not_ok "bookmark: $t" "$(cat "$TMP/outline")"
done
expect_eq "a bookmark per week of the plan (4 weeks)" 4 "$(grep -c '^  Week' "$TMP/outline")"
qpdf --json "$D/timeline.pdf" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(len(j["pagelabels"]) > 0)' | grep -qx True && ok "page labels present" || not_ok "page labels present"
# the imposed booklet: sheet 1 front holds the last page and the cover
pdftotext -f 1 -l 1 -layout "$D/timeline-booklet.pdf" - | grep -q "Interview: Thursday, December 24, 2026" \
  && ok "booklet sheet 1 front carries the cover" || not_ok "booklet sheet 1 front carries the cover"
qpdf --json "$D/timeline-booklet.pdf" | python3 -c '
import json, sys
j = json.load(sys.stdin)
n = len(j["pages"])
print(all(1 <= o["destpageposfrom1"] <= n for o in j["outlines"]))' | grep -qx True \
  && ok "booklet bookmarks point at its sheets" || not_ok "booklet bookmarks point at its sheets"
# byte-identical
$SP build "$PACK" -o "$TMP/o2" --only timeline --interview-date 2026-12-24 2>/dev/null
check "timeline.pdf is byte-identical on rebuild" cmp "$D/timeline.pdf" "$TMP/o2/spotify-backend-developer/timeline.pdf"
check "timeline-booklet.pdf is byte-identical on rebuild" cmp "$D/timeline-booklet.pdf" "$TMP/o2/spotify-backend-developer/timeline-booklet.pdf"

# without a date: relative days, a blank for the date
$SP build "$PACK" -o "$TMP/nd" --only timeline 2>/dev/null
pdftotext -raw "$TMP/nd/spotify-backend-developer/timeline.pdf" - >"$TMP/nd.txt"
grep -q "^Day 1" "$TMP/nd.txt" && ok "no date: relative days" || not_ok "no date: relative days"
grep -q "2026-" "$TMP/nd.txt" && not_ok "no date: no calendar dates" || ok "no date: no calendar dates"
grep -q "Interview date" "$TMP/nd.txt" && ok "no date: a blank to fill in" || not_ok "no date: a blank to fill in"

# Letter: half-letter pages; long-edge flip turns the backs
$SP build "$PACK" -o "$TMP/lt" --only timeline --paper letter --booklet-flip long --dump 2>/dev/null
grep -q "^page 0 size=396.00x612.00" "$TMP/lt/spotify-backend-developer/timeline.dump" \
  && ok "letter: half-letter pages" || not_ok "letter: half-letter pages" "$(grep -m1 '^page' "$TMP/lt/spotify-backend-developer/timeline.dump")"
grep -q "rotate=180" "$TMP/lt/spotify-backend-developer/timeline-booklet.dump" \
  && ok "--booklet-flip long turns the backs" || not_ok "--booklet-flip long turns the backs"
$SP build "$PACK" -o "$TMP/sf" --only timeline --dump 2>/dev/null
grep -q "rotate=180" "$TMP/sf/spotify-backend-developer/timeline-booklet.dump" \
  && not_ok "--booklet-flip short keeps the backs upright" || ok "--booklet-flip short keeps the backs upright"
$SP build "$PACK" -o "$TMP/cr" --only timeline --dump --creep 1mm 2>/dev/null
cmp -s "$TMP/sf/spotify-backend-developer/timeline-booklet.dump" "$TMP/cr/spotify-backend-developer/timeline-booklet.dump" \
  && not_ok "--creep moves pages" || ok "--creep moves pages"

# plan: the schedule as text (golden), and date errors
$SP plan "$PACK" --interview-date 2026-12-24 >"$TMP/plan" 2>&1
expect_file "plan text (golden)" tests/golden/plan/spotify-backend-developer.txt "$TMP/plan"
$SP plan tests/good/nested-include.xml >"$TMP/plan2" 2>&1
expect_file "plan text without dates (golden)" tests/golden/plan/nested-include.txt "$TMP/plan2"
for bad in 2026-02-29 2026-13-01 2026-1-5 tomorrow 2026-12-24x; do
  $SP plan "$PACK" --interview-date "$bad" >/dev/null 2>"$TMP/err"
  rc=$?
  expect_eq "--interview-date $bad is a usage error" 2 "$rc"
done
$SP plan "$PACK" --interview-date 2028-02-29 >/dev/null 2>&1
expect_eq "--interview-date 2028-02-29 (leap day) is fine" 0 $?
$SP plan "$PACK" --interview-date 2026-02-29 2>&1 | head -n 1 >"$TMP/err"
expect_eq "date error message" "studypack: error: --interview-date: '2026-02-29' is not a date: no such day in that month; give YYYY-MM-DD" "$(cat "$TMP/err")"
$SP plan sources/banks/backend-core.xml >/dev/null 2>&1
expect_eq "plan of a bank is an error" 1 $?
