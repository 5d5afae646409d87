#!/usr/bin/env bash
# Content: every pack in sources/ validates and builds with every answer on
# one card (an answer with 8 lines of code or more may take two), every
# answer is short enough to study (at most 80
# words outside <pre>, median at most 70 per pack), every question is on
# the timeline and the final review covers every card hard ones first, and
# every plan rests (a rest day on the eve of the interview and at least
# every 7 days, no mock interview in the last three days).  The same checks
# run on broken copies to show that they fail.
. "$(dirname "$0")/lib.sh"

CHECK="python3 tests/tools/content.py"
packs=(sources/*.xml)
[ "${#packs[@]}" -ge 6 ] && ok "sources/ holds the packs (${#packs[@]})" || not_ok "sources/ holds the packs" "${packs[*]}"

for p in "${packs[@]}"; do
  id=$(basename "$p" .xml)
  $SP validate --strict "$p" >"$TMP/v" 2>&1
  expect_eq "$id: validates, no diagnostics" "0:" "$?:$(cat "$TMP/v")"
  $SP build "$p" -o "$TMP/out" >/dev/null 2>"$TMP/b"
  expect_eq "$id: builds" 0 "$?"
  check "$id: every answer on one card, long code on at most two" $CHECK fit "$p" <"$TMP/b"
  check "$id: answers short enough to study" $CHECK words "$p"
  check "$id: every question on the timeline, final review hard first" $CHECK timeline "$p"
  $SP plan "$p" >"$TMP/plan" 2>&1
  check "$id: the plan rests" $CHECK plan "$id" <"$TMP/plan"
done
for b in sources/banks/*.xml; do
  check "bank $(basename "$b" .xml): validates" $SP validate --strict "$b"
done
for f in "${packs[@]}"; do
  [ -s "$TMP/out/$(basename "$f" .xml)/flashcards.pdf" ] || { not_ok "every pack wrote its flashcards" "$f"; continue; }
done

# the checks fail on broken copies
mkdir -p "$TMP/bad/banks"
cp sources/banks/*.xml "$TMP/bad/banks/"
P=$TMP/bad/pack.xml
cp sources/spotify-backend-developer.xml "$P"
python3 - "$P" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
# 84 more words in the first list item of the first question
s = re.sub(r"(<answer>\s*<ul>\s*<li>)", lambda m: m.group(1) + "Reject politely and explain why, with numbers. " * 12, s, count=1)
open(p, "w").write(s)
EOF
n=$(python3 -c 'import sys; sys.path.insert(0, "tests/tools"); import content
q = next(content.load(sys.argv[1]).iter("question")); print(q.get("id"), len(content.words(q.find("answer"))))' "$P")
$CHECK words "$P" >"$TMP/w" 2>&1
expect_eq "a long answer fails the length check" \
  "1:$P: answer of '${n% *}' has ${n#* } words outside <pre> (at most 80)" "$?:$(cat "$TMP/w")"
[ "${n#* }" -gt 84 ] && ok "the long answer holds the 84 added words (${n#* })" || not_ok "the long answer holds the 84 added words" "$n"
$CHECK words --max 200 --median 40 "$P" >"$TMP/w" 2>&1
expect_eq "a long median fails the length check" 1 "$?"
grep -q "median answer has" "$TMP/w" && ok "the median is reported" || not_ok "the median is reported" "$(cat "$TMP/w")"

# a card that continues without long code fails the fit check
echo "sources/x.xml:3: warning: question 'rate-limiting' does not fit on one card at 8pt; continued on 2 cards at 11pt" >"$TMP/d"
$CHECK fit sources/spotify-backend-developer.xml <"$TMP/d" >"$TMP/f"
expect_eq "a continued card without long code fails" \
  "1:sources/spotify-backend-developer.xml: 'rate-limiting' does not fit on one card and has no long code block" "$?:$(cat "$TMP/f")"
echo "sources/x.xml:3: warning: question 'kmeans-implementation' does not fit on one card at 8pt; continued on 3 cards at 8pt" >"$TMP/d"
$CHECK fit sources/spotify-machine-learning-engineer.xml <"$TMP/d" >"$TMP/f"
expect_eq "long code on three cards fails" 1 "$?"

# no rest on the eve, and mocks moved to the end
cp sources/spotify-backend-developer.xml "$P"
python3 - "$P" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
# the last phase: its rest and mock tasks dropped, a mock added at its end
i = s.rindex("<phase ")
head, last = s[:i], s[i:]
last = re.sub(r'\s*<task kind="(rest|mock)"[^>]*>[^<]*</task>', "", last)
last = last.replace("\n    </phase>", '\n      <task kind="mock">A late mock</task>\n    </phase>', 1)
s = head + last
open(p, "w").write(s)
EOF
$SP plan "$P" >"$TMP/plan" 2>&1
$CHECK plan bad <"$TMP/plan" >"$TMP/r"
expect_eq "a plan without rest on the eve and late mocks fails" 1 "$?"
grep -q "is not a rest day" "$TMP/r" && ok "no rest on the eve is reported" || not_ok "no rest on the eve is reported" "$(cat "$TMP/r")"
grep -q "in the last three days" "$TMP/r" && ok "a mock in the last three days is reported" || not_ok "a mock in the last three days is reported" "$(cat "$TMP/r")"
$CHECK timeline "$P" >"$TMP/t"
grep -q "the last task is not a rest task" "$TMP/t" && ok "timeline: a missing final rest task is reported" || not_ok "timeline: a missing final rest task is reported" "$(cat "$TMP/t")"

# a stretch of more than 7 days without rest
cp sources/spotify-backend-developer.xml "$P"
python3 - "$P" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'<task kind="rest">[^<]*</task>', '<task kind="practice">No day off</task>', s, count=1)
open(p, "w").write(s)
EOF
$SP plan "$P" >"$TMP/plan" 2>&1
$CHECK plan bad <"$TMP/plan" >"$TMP/r"
expect_eq "13 days in a row without rest fail" "1:bad: days 1-7 go without a rest day" "$?:$(head -n 1 "$TMP/r")"

# a question no task names, a final review out of order or incomplete, a
# shared design on a frontend plan
cp sources/spotify-backend-developer.xml "$P"
python3 - "$P" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
# sql-vs-nosql named by no study task; the review's first (hard) card last
s = re.sub(r'(<task kind="study" questions="[^"]*)\bsql-vs-nosql\b', r"\1", s)
def move(m):
    ids = m.group(2).split()
    return m.group(1) + " ".join(ids[1:] + ids[:1]) + '"'
s = re.sub(r'(<task kind="review" questions=")([^"]*)"', move, s)
open(p, "w").write(s)
EOF
$CHECK timeline "$P" >"$TMP/t"
expect_eq "timeline problems fail" 1 "$?"
grep -q "no study or practice task names question 'sql-vs-nosql'" "$TMP/t" && ok "an unnamed question is reported" || not_ok "an unnamed question is reported" "$(cat "$TMP/t")"
grep -q "not ordered hard, medium, easy" "$TMP/t" && ok "a final review out of order is reported" || not_ok "a final review out of order is reported" "$(cat "$TMP/t")"
F=$TMP/bad/fe.xml
cp sources/spotify-frontend-developer.xml "$F"
sed -i 's|questions="web-player-design typeahead-search playlist-editor-design"|questions="web-player-design typeahead-search playlist-editor-design caching-strategies"|' "$F"
$CHECK timeline "$F" >"$TMP/t"
expect_eq "frontend design days on a shared backend design fail" \
  "1:$F: design practice names 'caching-strategies', not one of the pack's own questions" "$?:$(cat "$TMP/t")"
