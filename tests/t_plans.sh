#!/usr/bin/env bash
# Personal plans: --start, --study-days, --skip (golden plans for an
# 11-day and a 70-day window), their usage errors, and rosters: three
# students, three named booklets with their own dates (pdftotext), cards
# once per pack, bad rows reported at their line and isolated,
# index.json, incremental rebuilds.
. "$(dirname "$0")/lib.sh"

PACK=sources/spotify-backend-developer.xml

# an 11-day window: Monday to Saturday, one skipped Tuesday, a light eve
$SP plan "$PACK" --start 2026-12-02 --interview-date 2026-12-13 \
  --study-days mon-sat --skip 2026-12-08 >"$TMP/p11" 2>"$TMP/e11"
expect_eq "plan, 11 days: exit 0" 0 $?
expect_file "plan, 11 days, mon-sat, a skipped day (golden)" tests/golden/plan/fitted-11-days.txt "$TMP/p11"
expect_eq "plan, 11 days: warnings name the phases and the tasks that share a day" \
  "4 sources/spotify-backend-developer.xml: warning: phase 'foundations' has 2 days for its 4 tasks: study 'Distributed-systems and API basics' and study 'Classic coding problems, written and tested' share Wed 2026-12-02" \
  "$(wc -l <"$TMP/e11") $(head -n 1 "$TMP/e11")"
grep -q '^Day 1  Wed 2026-12-02 ' "$TMP/p11" && ok "plan starts on --start" || not_ok "plan starts on --start"
grep -q '^Day 11  Sat 2026-12-12  Stories, mocks and review$' "$TMP/p11" && ok "plan ends the day before the interview" || not_ok "plan ends the day before the interview"
# a 70-day window: four study days a week, a skipped week and a day
$SP plan "$PACK" --start 2027-01-04 --interview-date 2027-03-15 \
  --study-days mon-thu,sat --skip 2027-02-15..2027-02-19,2027-03-01 >"$TMP/p70" 2>"$TMP/e70"
expect_eq "plan, 70 days: exit 0, no warnings" "0:" "$?:$(cat "$TMP/e70")"
expect_file "plan, 70 days, mon-thu and sat, skips (golden)" tests/golden/plan/fitted-70-days.txt "$TMP/p70"
cards=$($SP plan "$PACK" | awk 'NR == 2 {print $(NF-1)}')
expect_eq "plan, 70 days: 70 days, 25 of them free" "70 days in 4 phases, $cards cards|Free days: 25" \
  "$(sed -n 2p "$TMP/p70")|$(sed -n 5p "$TMP/p70")"
expect_eq "plan, 70 days: no task on a free day" "" \
  "$(awk '/^Day /{free=/free day/} free && /^  /' "$TMP/p70")"
expect_eq "plan, 70 days: every card introduced once" "$cards" \
  "$(sed -n '/^  new:/,/^  [a-z]/p' "$TMP/p70" | grep -o '#[0-9]*' | sort -u | wc -l)"

# usage errors
$SP plan "$PACK" --start 2026-12-24 --interview-date 2026-12-24 >/dev/null 2>"$TMP/err"
expect_eq "--start on the interview day is a usage error" \
  "2:studypack: error: the start (2026-12-24) must come before the interview (2026-12-24)" \
  "$?:$(head -n 1 "$TMP/err")"
$SP plan "$PACK" --study-days mon-fri >/dev/null 2>"$TMP/err"
expect_eq "--study-days without a date is a usage error" \
  "2:studypack: error: --study-days and --skip need --interview-date or --start (they name days of the calendar)" \
  "$?:$(head -n 1 "$TMP/err")"
$SP plan "$PACK" --interview-date 2026-12-24 --study-days weekdays >/dev/null 2>"$TMP/err"
expect_eq "bad --study-days" "2:studypack: error: --study-days: 'weekdays' is not a set of weekdays: expected weekdays such as mon-fri or mon,wed,sat" \
  "$?:$(head -n 1 "$TMP/err")"
$SP plan "$PACK" --interview-date 2026-12-24 --skip 2026-12-10..2026-12-01 >/dev/null 2>"$TMP/err"
expect_eq "bad --skip" "2:studypack: error: --skip: '2026-12-10..2026-12-01' is not a list of dates: a range ends before it starts; give D or D..D, separated by commas" \
  "$?:$(head -n 1 "$TMP/err")"
$SP build "$PACK" --start 2026-13-01 >/dev/null 2>"$TMP/err"
expect_eq "bad --start" "2:studypack: error: --start: '2026-13-01' is not a date: month out of range; give YYYY-MM-DD" "$?:$(head -n 1 "$TMP/err")"

# the booklet shows the plan `plan` prints: same dates, free days, name
$SP build "$PACK" -o "$TMP/b" --only timeline --start 2026-12-02 --interview-date 2026-12-13 \
  --study-days mon-sat --skip 2026-12-08 --student "Ada Lovelace" 2>/dev/null
T=$TMP/b/spotify-backend-developer/timeline.pdf
check "personal booklet passes qpdf --check" qpdf --check "$T"
pdftotext -f 1 -l 1 "$T" "$TMP/cover"
grep -q '^Name: Ada Lovelace$' "$TMP/cover" && ok "the cover names the student" || not_ok "the cover names the student"
grep -q 'Study from Wed, Dec 2, 2026 to Sat, Dec 12, 2026' "$TMP/cover" && ok "the cover gives the window" \
  || not_ok "the cover gives the window" "$(cat "$TMP/cover")"
pdftotext "$T" "$TMP/all"
expect_eq "booklet: the free days of the plan" "Day 5 · free day|Day 7 · free day (skipped)|" \
  "$(grep '^Day [0-9]* · free day' "$TMP/all" | tr '\n' '|')"
expect_eq "booklet: every date of the plan" \
  "$(grep -o '^Day [0-9]*  [A-Z][a-z][a-z] [0-9-]*' "$TMP/p11" | awk '{print $4}' | while read -r d; do LC_ALL=C date -d "$d" '+%a, %b %-d'; done | tr '\n' '|')" \
  "$(grep -o '^[A-Z][a-z][a-z], Dec [0-9]*$' "$TMP/all" | tr '\n' '|')"

# a roster of three students (and two bad rows)
R=tests/roster/students.csv
OUT=$TMP/r
$SP batch -q --roster "$R" sources -o "$OUT" >"$TMP/out" 2>"$TMP/err"
expect_eq "roster: a bad row fails the batch (exit 1)" 1 $?
grep -q "^tests/roster/students.csv:5: error: student 'Nobody': unknown pack 'no-such-pack'" "$TMP/err" \
  && ok "roster: an unknown pack names the roster's file and line" || not_ok "roster: an unknown pack names the roster's file and line" "$(cat "$TMP/err")"
grep -q "^tests/roster/students.csv:6: error: student 'Bad Date': interview_date '2026-13-01': month out of range$" "$TMP/err" \
  && ok "roster: a bad date names the roster's file and line" || not_ok "roster: a bad date names the roster's file and line" "$(cat "$TMP/err")"
expect_eq "roster: summary" "5 built, 0 up to date, 2 failed" "$(tail -n 1 "$TMP/err")"
B=$OUT/spotify-backend-developer
D=$OUT/spotify-data-engineer
for f in "$B/flashcards.pdf" "$D/flashcards.pdf" "$B/students/ada-lovelace/timeline.pdf" \
         "$B/students/zoe-agren/timeline-booklet.pdf" "$D/students/hopper-grace/timeline.pdf"; do
  check "roster: ${f#$OUT/} passes qpdf --check" qpdf --check "$f"
done
expect_eq "roster: the cards and pocket sheets once per pack, none in the students' folders" "2 2" \
  "$(find "$OUT" -name 'flashcards.pdf' | wc -l) $(find "$OUT" -name 'pocket.pdf' | wc -l)"
expect_eq "roster: a mock-interview kit per student" "3" "$(find "$OUT" -path '*/students/*' -name 'mock-interview.pdf' | wc -l)"
cover() { pdftotext -f 1 -l 1 "$1/timeline.pdf" - | grep -E '^(Name|Interview):|^Study from' | tr '\n' '|'; }
expect_eq "roster: Ada's booklet, her name and dates" \
  "Interview: Thursday, December 24, 2026|Name: Ada Lovelace|Study from Tue, Dec 1, 2026 to Wed, Dec 23, 2026|" \
  "$(cover "$B/students/ada-lovelace")"
expect_eq "roster: Grace's booklet (no start: the source's 35 days)" \
  "Interview: Friday, January 15, 2027|Name: Hopper, Grace|Study from Fri, Dec 11, 2026 to Thu, Jan 14, 2027|" \
  "$(cover "$D/students/hopper-grace")"
expect_eq "roster: Zoë's booklet" \
  "Interview: Monday, February 1, 2027|Name: Zoë Ågren|Study from Mon, Jan 4, 2027 to Sun, Jan 31, 2027|" \
  "$(cover "$B/students/zoe-agren")"
pdftotext "$B/students/zoe-agren/timeline.pdf" "$TMP/zoe"
grep -q '^Wed, Jan 13$' "$TMP/zoe" && grep -q 'free day (skipped)' "$TMP/zoe" \
  && ok "roster: Zoë's skipped days are free in her booklet" || not_ok "roster: Zoë's skipped days are free in her booklet"
python3 - "$OUT/index.json" "$OUT" >"$TMP/idx" 2>&1 <<'PY'
import json, os, sys
idx = json.load(open(sys.argv[1]))
for p in idx["packs"]:
    print("pack", p["id"], p["status"], " ".join(p["files"]))
for s in idx["students"]:
    files = s.get("files", [])
    assert all(os.path.isfile(os.path.join(sys.argv[2], f)) for f in files)
    print(s["line"], s["name"], s["status"], " ".join(os.path.basename(f) for f in files))
PY
expect_eq "roster: index.json lists each student's files" "pack spotify-backend-developer built spotify-backend-developer/flashcards.pdf spotify-backend-developer/pocket.pdf
pack spotify-data-engineer built spotify-data-engineer/flashcards.pdf spotify-data-engineer/pocket.pdf
2 Ada Lovelace built mock-interview.pdf timeline-booklet.pdf timeline.pdf
3 Hopper, Grace built mock-interview.pdf timeline-booklet.pdf timeline.pdf
4 Zoë Ågren built mock-interview.pdf timeline-booklet.pdf timeline.pdf
5 Nobody failed 
6 Bad Date failed " "$(cat "$TMP/idx")"

# incremental: nothing changed, then one student's date
$SP batch -q --roster "$R" sources -o "$OUT" >/dev/null 2>"$TMP/err"
expect_eq "roster again: everything up to date" "0 built, 5 up to date, 2 failed" "$(tail -n 1 "$TMP/err")"
sed 's/^Ada Lovelace,spotify-backend-developer,2026-12-24/Ada Lovelace,spotify-backend-developer,2026-12-28/' "$R" >"$TMP/s2.csv"
$SP batch -q --roster "$TMP/s2.csv" sources -o "$OUT" >/dev/null 2>"$TMP/err"
expect_eq "roster: one student's new date rebuilds only her booklet" "1 built, 4 up to date, 2 failed" "$(tail -n 1 "$TMP/err")"
pdftotext -f 1 -l 1 "$B/students/ada-lovelace/timeline.pdf" - | grep -q '^Interview: Monday, December 28, 2026$' \
  && ok "roster: the rebuilt booklet has the new date" || not_ok "roster: the rebuilt booklet has the new date"

# a roster that cannot be used at all
printf 'name,interview_date\nAda,2026-12-24\n' >"$TMP/bad.csv"
$SP batch -q --roster "$TMP/bad.csv" -o "$TMP/y" >/dev/null 2>"$TMP/err"
expect_eq "roster without a pack column: an error, nothing built" \
  "1:$TMP/bad.csv:1: error: the header has no column 'pack' (the first row names the columns: name,pack,interview_date and optionally start, study_days, skip)" \
  "$?:$(head -n 1 "$TMP/err")"
# several --skip options add up
expect_eq "--skip given twice: both are free" "Day 9  Tue 2026-12-01  free day (skipped)|Day 11  Thu 2026-12-03  free day (skipped)|Day 12  Fri 2026-12-04  free day (skipped)|" \
  "$($SP plan "$PACK" --interview-date 2026-12-24 --skip 2026-12-01 --skip 2026-12-03..2026-12-04 2>/dev/null | grep 'free day' | tr '\n' '|')"
# --only flashcards with a roster: the cards, no booklets
$SP batch -q --only flashcards --roster "$R" sources -o "$TMP/oc" >/dev/null 2>&1
expect_eq "roster --only flashcards: two card PDFs, no booklet" "2 0 0" \
  "$(find "$TMP/oc" -name flashcards.pdf | wc -l) $(find "$TMP/oc" -name 'timeline*.pdf' | wc -l) $(find "$TMP/oc" -name 'pocket.pdf' | wc -l)"
# command-line plan options apply to rows that leave them empty; --skip adds
$SP batch -q --roster "$R" --study-days mon-fri --skip 2027-01-01 sources -o "$TMP/cl" >/dev/null 2>&1
$SP plan sources/spotify-data-engineer.xml --interview-date 2027-01-15 \
  --study-days mon-fri --skip 2027-01-01 >"$TMP/grace" 2>/dev/null
pdftotext "$TMP/cl/spotify-data-engineer/students/hopper-grace/timeline.pdf" "$TMP/g"
expect_eq "roster: a row without study_days takes --study-days; --skip adds" \
  "$(grep -c 'free day' "$TMP/grace")|$(grep 'free day (skipped)' "$TMP/grace" | awk '{print "Day " $2 " · free day (skipped)"}')" \
  "$(grep -c '^Day [0-9]* · free day' "$TMP/g")|$(grep -o 'Day [0-9]* · free day (skipped)' "$TMP/g" | tr '\n' ' ' | sed 's/ $//')"
pdftotext "$TMP/cl/spotify-backend-developer/students/zoe-agren/timeline.pdf" "$TMP/z2"
expect_eq "roster: a row's own study_days win over --study-days" "$(grep -c '^Day [0-9]* · free day' "$TMP/zoe")" \
  "$(grep -c '^Day [0-9]* · free day' "$TMP/z2")"
$SP plan "$PACK" --start 2000-01-01 --interview-date 2026-12-24 >/dev/null 2>"$TMP/err"
expect_eq "a window over ten years is a usage error" \
  "2:studypack: error: from the start (2000-01-01) to the interview (2026-12-24) is 9854 days; the limit is 3660" \
  "$?:$(head -n 1 "$TMP/err")"
# workers: the same booklets and the same diagnostics with one or two
$SP batch -j 1 -q --roster "$R" sources -o "$TMP/j1" >/dev/null 2>"$TMP/e1"
$SP batch -j 2 -q --roster "$R" sources -o "$TMP/j2" >/dev/null 2>"$TMP/e2"
check "roster -j 1 and -j 2: the same diagnostics, in the roster's order" cmp "$TMP/e1" "$TMP/e2"
check "roster -j 1 and -j 2: byte-identical booklets" \
  cmp "$TMP/j1/spotify-backend-developer/students/zoe-agren/timeline.pdf" \
      "$TMP/j2/spotify-backend-developer/students/zoe-agren/timeline.pdf"

# --export ics with a roster: a calendar per student, on the student's own
# plan (a real parser: Debian's python3-icalendar)
PY3=python3; [ -x /usr/bin/python3 ] && PY3=/usr/bin/python3
$SP batch -q --roster "$R" --export ics sources -o "$TMP/ri" >/dev/null 2>&1
ics() { "$PY3" - "$1" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
ev = [e for e in cal.walk("VEVENT")]
days = sorted(e.decoded("dtstart") for e in ev)
uids = {str(e.get("uid")) for e in ev}
print(len(ev), days[0], days[-1], len(uids) == len(ev))
print(sorted(uids)[0])
PY
}
A=$TMP/ri/spotify-backend-developer/students/ada-lovelace/plan.ics
Z=$TMP/ri/spotify-backend-developer/students/zoe-agren/plan.ics
[ -f "$A" ] && [ -f "$Z" ] && ok "roster --export ics: a plan.ics per student" \
  || not_ok "roster --export ics: a plan.ics per student" "$(find "$TMP/ri" -name '*.ics')"
ics "$A" >"$TMP/ia" 2>&1
expect_eq "Ada's calendar: her own days, Dec 1 to Dec 23 (weekdays, 8th skipped), unique ids" \
  "1 2026-12-01 2026-12-23 True" "$(head -n 1 "$TMP/ia" | sed 's/^[0-9]* /1 /')"
grep -q "Ada-Lovelace@studypack" "$TMP/ia" && ok "Ada's event ids name her" || not_ok "Ada's event ids name her" "$(cat "$TMP/ia")"
"$PY3" - "$A" <<'PY' && ok "Ada's calendar: no event on a weekend or on her skipped day" || not_ok "Ada's calendar: no event on a weekend or on her skipped day"
import sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    d = e.decoded("dtstart")
    if d.weekday() >= 5 or d == datetime.date(2026, 12, 8):
        raise SystemExit("event on %s" % d)
PY
ics "$Z" >"$TMP/iz" 2>&1
expect_eq "Zoë's calendar: her start date to her last study day (Sat, the 31st is a Sunday)" \
  "2027-01-04 2027-01-30" "$(head -n 1 "$TMP/iz" | awk '{print $2, $3}')"
python3 -c 'import json,sys; idx=json.load(open(sys.argv[1])); print(sorted(f.split("/")[-1] for s in idx["students"] if s["name"]=="Ada Lovelace" for f in s["files"]))' \
  "$TMP/ri/index.json" >"$TMP/af"
grep -q "plan.ics" "$TMP/af" && ok "index.json lists the student's calendar" || not_ok "index.json lists the student's calendar" "$(cat "$TMP/af")"
# export takes the personal plan too
$SP export "$PACK" -o "$TMP/p.ics" --interview-date 2026-12-24 --start 2026-12-10 --study-days mon-fri 2>/dev/null
expect_eq "export --start --study-days: the calendar's first and last day" "2026-12-10 2026-12-23" \
  "$(ics "$TMP/p.ics" | head -n 1 | awk '{print $2, $3}')"
# --export with a roster: calendars per student, the other formats per pack
$SP batch -q --roster "$R" --export ics,apkg sources -o "$TMP/ex" >/dev/null 2>"$TMP/err"
expect_eq "roster --export ics,apkg: every good row builds" "5 built, 0 up to date, 2 failed" "$(tail -n 1 "$TMP/err")"
expect_eq "roster --export ics,apkg: plan.ics per student, anki.apkg per pack" "3 2" \
  "$(find "$TMP/ex" -path '*/students/*' -name plan.ics | wc -l) $(find "$TMP/ex" -maxdepth 2 -name anki.apkg | wc -l)"
