#!/usr/bin/env bash
# import and export: fixtures imported, validated and built (golden
# sources), round trips through .apkg and Anki text, the .apkg read with
# sqlite3, the .ics with python3-icalendar, byte-identical exports, batch
# --export, and hostile inputs with their exact diagnostics in bounded time.
. "$(dirname "$0")/lib.sh"

PACK=sources/spotify-backend-developer.xml
# Debian's python3 (python3-icalendar), even when another python3 comes first
PY3=python3; [ -x /usr/bin/python3 ] && PY3=/usr/bin/python3

# import FIXTURE NAME [OPTIONS]: import, golden source and diagnostics,
# then validate and build the result without edits
import_case() {
  local in=$1 name=$2; shift 2
  mkdir -p "$TMP/$name"
  (cd "$(dirname "$in")" && $SP import "$(basename "$in")" -o "$TMP/$name/$name.xml" "$@") 2>"$TMP/$name.err"
  rc=$?
  expect_eq "import $name: exit 0" 0 "$rc"
  expect_file "import $name: golden source" "tests/io/$name.expected.xml" "$TMP/$name/$name.xml"
  expect_file "import $name: golden diagnostics" "tests/io/$name.expected.err" "$TMP/$name.err"
  $SP validate "$TMP/$name/$name.xml" >"$TMP/out" 2>&1
  expect_eq "import $name: validates" "0:" "$?:$(cat "$TMP/out")"
  $SP build "$TMP/$name/$name.xml" -o "$TMP/$name/out" >"$TMP/out" 2>&1
  expect_eq "import $name: builds without edits" "0:" "$?:$(cat "$TMP/out")"
  id=$(sed -n 's/.*<studypack version="1" id="\([^"]*\)".*/\1/p' "$TMP/$name/$name.xml")
  check "import $name: flashcards.pdf passes qpdf --check" qpdf --check "$TMP/$name/out/$id/flashcards.pdf"
}

import_case tests/io/deck.csv deck --role "Backend Developer" --company Acme
import_case tests/io/anki-notes.txt anki-notes
tests/tools/make_apkg.sh "$TMP/spd.apkg"
import_case "$TMP/spd.apkg" spd
# the same content again gives the same ids (from the guids)
(cd "$TMP" && $SP import spd.apkg -o "$TMP/spd-again.xml") 2>/dev/null
check "re-import: same source, same ids" cmp "$TMP/spd/spd.xml" "$TMP/spd-again.xml"

# an id column's values are used when they are ids
printf 'id,question,answer\nBad Id,Q one?,A\ngood-id,Q two?,B\n' >"$TMP/ids.csv"
(cd "$TMP" && $SP import ids.csv -o "$TMP/ids/ids.xml") 2>"$TMP/err"
expect_eq "id column: a bad id is said and replaced, a good one kept" \
  "ids.csv:2: warning: id 'Bad Id' is not an id ([a-z0-9][a-z0-9-]{0,59} here): one is made from the question|q-one good-id" \
  "$(cat "$TMP/err")|$(sed -n 's/.*<question id="\([^"]*\)".*/\1/p' "$TMP/ids/ids.xml" | tr '\n' ' ' | sed 's/ $//')"

# several inputs make one source: ids unique across them, rounds merged
(cd tests/io && $SP import deck.csv anki-notes.txt -o "$TMP/multi/m.xml") 2>/dev/null
expect_eq "two inputs, one source: every question, one round list" "11 3" \
  "$(grep -c '<question ' "$TMP/multi/m.xml") $(grep -c '<round ' "$TMP/multi/m.xml")"
$SP validate "$TMP/multi/m.xml" >"$TMP/out" 2>&1
expect_eq "two inputs, one source: validates" "0:" "$?:$(cat "$TMP/out")"

# ---- export ------------------------------------------------------------
export SOURCE_DATE_EPOCH=1764547200   # 2025-12-01T00:00:00Z
for f in apkg txt ics json; do
  $SP export "$PACK" -o "$TMP/x.$f" --interview-date 2027-01-15 2>"$TMP/err"
  expect_eq "export .$f: exit 0, no diagnostics" "0:" "$?:$(cat "$TMP/err")"
  TZ=Pacific/Kiritimati $SP export "$PACK" -o "$TMP/y.$f" --interview-date 2027-01-15 2>/dev/null
  check "export .$f: byte-identical between runs (and time zones)" cmp "$TMP/x.$f" "$TMP/y.$f"
done
unset SOURCE_DATE_EPOCH
$SP export "$PACK" -o "$TMP/m1.json" && $SP export "$PACK" -o "$TMP/m2.json"
check "without SOURCE_DATE_EPOCH: byte-identical too (inputs' times)" cmp "$TMP/m1.json" "$TMP/m2.json"
$SP export "$PACK" -o "$TMP/a.bin" --format apkg 2>/dev/null
unzip -l "$TMP/a.bin" >/dev/null 2>&1 && ok "--format apkg overrides the extension" || not_ok "--format apkg overrides the extension"

# the .apkg as Anki reads it: zip entries, SQLite schema 11, notes, cards,
# decks, note type, media map, fixed entry times
mkdir -p "$TMP/ax" && (cd "$TMP/ax" && unzip -q "$TMP/x.apkg")
expect_eq ".apkg entries" "collection.anki2 media" "$(unzip -Z1 "$TMP/x.apkg" | tr '\n' ' ' | sed 's/ $//')"
expect_eq ".apkg entry times from SOURCE_DATE_EPOCH" "2025-12-01 00:00" "$(unzip -l "$TMP/x.apkg" | awk 'NR==4 {print $2, $3}')"
DB=$TMP/ax/collection.anki2
expect_eq "collection: schema 11" 11 "$(sqlite3 "$DB" 'select ver from col')"
expect_eq "collection: one note and one card per question" "19 19" "$(sqlite3 "$DB" "select (select count(*) from notes) || ' ' || (select count(*) from cards)")"
expect_eq "collection: every card belongs to a note" 0 "$(sqlite3 "$DB" 'select count(*) from cards where nid not in (select id from notes)')"
sqlite3 "$DB" "select json_extract(value, '\$.name') from col, json_each(col.decks) order by 1" >"$TMP/decks"
expect_file "collection: the pack's deck and a sub-deck per round" tests/io/apkg-decks.expected "$TMP/decks"
expect_eq "collection: note type Front/Back" "studypack card|Front,Back" \
  "$(sqlite3 "$DB" "select json_extract(m.value, '\$.name'), (select group_concat(json_extract(f.value, '\$.name')) from json_each(m.value, '\$.flds') f) from col, json_each(col.models) m")"
expect_eq "collection: guids from pack and question ids" "studypack:spotify-backend-developer/rate-limiting" \
  "$(sqlite3 "$DB" "select guid from notes order by id limit 1")"
expect_eq "collection: tags from topics, round and difficulty" " scalability api-design round:system-design difficulty:medium " \
  "$(sqlite3 "$DB" "select tags from notes order by id limit 1")"
expect_eq "collection: cards of a round in its sub-deck" \
  "Spotify Backend Developer Interview Questions::System design" \
  "$(sqlite3 "$DB" "select json_extract(d.value, '\$.name') from cards c, col, json_each(col.decks) d where d.key = c.did and c.nid = (select min(id) from notes)")"
python3 - "$DB" >"$TMP/out" <<'PY'
import hashlib, re, sqlite3, sys, html
db = sqlite3.connect(sys.argv[1])
bad = 0
for flds, sfld, csum in db.execute("select flds, sfld, csum from notes"):
    front = flds.split("\x1f")[0]
    text = html.unescape(re.sub(r"<[^>]*>", "", front))   # Anki's sort field
    bad += text != sfld or int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) != csum
print(bad)
PY
expect_eq "collection: sort fields and checksums as Anki computes them" 0 "$(cat "$TMP/out")"
expect_eq "collection: integrity" ok "$(sqlite3 "$DB" 'pragma integrity_check')"
expect_eq ".apkg media map" "{}" "$(cat "$TMP/ax/media")"

# round trip: .apkg -> import -> the same questions (ids, rounds, topics,
# difficulty, cue, prompt, answer, follow-ups)
questions() {   # JSON export -> the questions without their numbers
  python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["questions"]
for x in q: x.pop("number")
print(json.dumps(q, sort_keys=True, indent=1))' "$1"
}
$SP export "$PACK" -o "$TMP/orig.json"
questions "$TMP/orig.json" >"$TMP/orig.q"
for f in apkg txt; do
  $SP import "$TMP/x.$f" -o "$TMP/rt-$f/pack.xml" 2>"$TMP/err"
  expect_eq "round trip .$f: import says nothing" "0:" "$?:$(cat "$TMP/err")"
  $SP export "$TMP/rt-$f/pack.xml" -o "$TMP/rt-$f.json" 2>/dev/null
  questions "$TMP/rt-$f.json" >"$TMP/rt-$f.q"
  check "round trip .$f: the same questions" diff -u "$TMP/orig.q" "$TMP/rt-$f.q"
  expect_eq "round trip .$f: the same pack id" "spotify-backend-developer" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/rt-$f.json")"
done

# Anki text: the headers Anki reads
expect_eq "anki text headers" "#separator:tab|#html:true|#notetype:Basic|#guid column:1|#deck column:4|#tags column:5" \
  "$(head -n 6 "$TMP/x.txt" | tr '\n' '|' | sed 's/|$//')"
expect_eq "anki text: five tab-separated columns on every note" "19 5" \
  "$(tail -n +7 "$TMP/x.txt" | awk -F'\t' '{print NF}' | sort | uniq -c | awk '{print $1, $2}')"

# iCalendar: a real parser, the RFC's line rules
$PY3 - "$TMP/x.ics" >"$TMP/ics" <<'PY'
import sys, icalendar
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\r\n")
assert lines[-1] == b"", "ends with CRLF"
assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
print("max octets", max(len(l) for l in lines))
for l in lines:                      # no line cut inside a UTF-8 sequence
    l.decode("utf-8")
cal = icalendar.Calendar.from_ical(data)
ev = [c for c in cal.walk() if c.name == "VEVENT"]
print("events", len(ev), "uids", len({str(e["UID"]) for e in ev}))
print("stamps", sorted({e["DTSTAMP"].dt.isoformat() for e in ev}))
print("first", ev[0]["DTSTART"].dt, ev[0]["DTEND"].dt, "last", ev[-1]["DTSTART"].dt)
print("uid", ev[0]["UID"])
print("summary", ev[0]["SUMMARY"])
print("description", ev[0]["DESCRIPTION"].replace("\n", " | "))
PY
expect_file ".ics parsed by python3-icalendar" tests/io/ics.expected "$TMP/ics"
$SP export "$PACK" -o "$TMP/n.ics" 2>"$TMP/err"
expect_eq ".ics without dates: a clear error" "1:$PACK: error: a calendar needs dates: give --interview-date YYYY-MM-DD" "$?:$(cat "$TMP/err")"
# folding never splits a UTF-8 sequence: a task of 2- and 3-byte characters
sed -e 's/>Distributed-systems and API basics</>Résumé-Übung — 深入理解分布式系统与接口设计：一致性、可用性、分区容错、幂等、缓存、限流、重试与退避策略</' \
    "$PACK" >"$TMP/uni.xml"
cp -r sources/banks "$TMP/banks"
$SP export "$TMP/uni.xml" -o "$TMP/uni.ics" --interview-date 2027-01-15 2>"$TMP/err"
expect_eq "unicode plan: exported" "0:" "$?:$(cat "$TMP/err")"
$PY3 - "$TMP/uni.ics" >"$TMP/out" 2>&1 <<'PY'
import sys, icalendar
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\r\n")
assert max(len(l) for l in lines) <= 75, "a line over 75 octets"
for l in lines:
    l.decode("utf-8")                # raises on a split sequence
folded = sum(1 for l in lines if l.startswith(b" "))
ev = [c for c in icalendar.Calendar.from_ical(data).walk() if c.name == "VEVENT"]
want = "Résumé-Übung — 深入理解分布式系统与接口设计：一致性、可用性、分区容错、幂等、缓存、限流、重试与退避策略"
assert str(ev[0]["SUMMARY"]) == want, ev[0]["SUMMARY"]
print("ok", folded > 0)
PY
expect_eq "unicode plan: folded at 75 octets on character boundaries, unfolds to the text" "ok True" "$(cat "$TMP/out")"

# JSON: parses, holds the model and the plan
python3 - "$TMP/x.json" >"$TMP/out" 2>&1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(j["format"], j["version"], j["id"], len(j["questions"]), len(j["rounds"]),
      len(j["plan"]["days"]), j["plan"]["interview"], j["plan"]["days"][0]["date"],
      j["questions"][0]["answer"][0]["type"], j["plan"]["days"][0]["new"][:2])
PY
expect_eq "json: model and plan" "studypack-pack 1 spotify-backend-developer 19 3 28 2027-01-15 2026-12-18 ul ['cap-theorem', 'horizontal-vertical-scaling']" "$(cat "$TMP/out")"

# ---- batch --export --------------------------------------------------------
$SP batch sources -o "$TMP/bo" -q --export apkg,ics,json,anki-text --interview-date 2027-01-15 2>"$TMP/err"
expect_eq "batch --export: exit 0" "0" "$?"
python3 - "$TMP/bo" >"$TMP/out" <<'PY'
import json, os, sys
out = sys.argv[1]
idx = json.load(open(os.path.join(out, "index.json")))
ok = all(all(os.path.exists(os.path.join(out, f)) for f in p["files"]) for p in idx["packs"])
names = sorted({os.path.basename(f) for p in idx["packs"] for f in p["files"]})
print(len(idx["packs"]), ok, " ".join(names))
PY
expect_eq "batch --export: written beside the PDFs and listed in index.json" \
  "6 True anki.apkg anki.txt flashcards.pdf mock-interview.pdf pack.json plan.ics pocket.pdf timeline-booklet.pdf timeline.pdf" "$(cat "$TMP/out")"
$SP batch sources -o "$TMP/bo" -q --interview-date 2027-01-15 2>/dev/null
expect_eq "batch without --export again: rebuilt, exports removed and unlisted" "0 0" \
  "$(ls "$TMP"/bo/*/anki.apkg 2>/dev/null | wc -l) $(grep -c 'anki.apkg' "$TMP/bo/index.json")"
$SP batch sources -o "$TMP/bo2" -q --export ics 2>"$TMP/err"
expect_eq "batch --export ics without dates: usage error" "2" "$?"
$SP batch sources -o "$TMP/bo2" -q --export pdf 2>"$TMP/err"
expect_eq "batch --export with an unknown format" "2:studypack: error: --export: unknown format 'pdf' (give apkg, anki-text, ics, json, separated by commas)" \
  "$?:$(head -n 1 "$TMP/err")"

# ---- validate/build given something to import ---------------------------
cp tests/io/deck.csv "$TMP/deck.xml"
(cd "$TMP" && $SP validate deck.xml) 2>"$TMP/err"
expect_eq "validate given a CSV (even named .xml): use studypack import" \
  "1:deck.xml: error: this is a CSV, not a studypack source: turn it into one with 'studypack import deck.xml -o SOURCE.xml'" "$?:$(cat "$TMP/err")"
(cd "$TMP" && $SP build spd.apkg -o "$TMP/nob") 2>"$TMP/err"
expect_eq "build given an .apkg: use studypack import" \
  "1:spd.apkg: error: this is an Anki package, not a studypack source: turn it into one with 'studypack import spd.apkg -o SOURCE.xml'" "$?:$(cat "$TMP/err")"

# ---- hostile inputs: exact diagnostic, nothing written, bounded time -------
for k in bomb dotdot media-dotdot notsqlite truncated hugefield badutf8 unclosed binary deep badutf8-apkg; do
  python3 tests/tools/hostile.py $k "$TMP/$k.in"
done
tests/tools/make_apkg.sh "$TMP/notanki.in" notanki
tests/tools/make_apkg.sh "$TMP/anki21b.in" anki21b
(cd "$TMP/ax" && sqlite3 "$TMP/bare.in" "create table t (x)")
cp "$PACK" "$TMP/source.in"
: >"$TMP/empty.in"
for k in bomb dotdot media-dotdot notsqlite truncated hugefield badutf8 unclosed binary deep badutf8-apkg notanki anki21b bare source empty; do
  start=$(date +%s%N)
  (cd "$TMP" && timeout 20 $SP import $k.in -o "$TMP/h/$k.xml") >"$TMP/out" 2>"$TMP/err"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  { cat "$TMP/err"; echo "exit: $rc"; } >"$TMP/got"
  expect_file "hostile $k: diagnostic" "tests/io/hostile/$k.expected" "$TMP/got"
  if [ "$k" != hugefield ] && [ "$k" != deep ] && [ "$k" != badutf8-apkg ]; then
    [ ! -e "$TMP/h/$k.xml" ] && ok "hostile $k: nothing written" || not_ok "hostile $k: nothing written"
  fi
  if [ -z "${SP_WRAP:-}" ] && [ "$ms" -gt 2000 ]; then
    not_ok "hostile $k: answered in under 2 s" "took ${ms} ms"
  fi
done
$SP validate "$TMP/h/hugefield.xml" >"$TMP/out" 2>&1
expect_eq "huge field: the other rows import and validate" "0:" "$?:$(cat "$TMP/out")"

# usage
$SP import "$TMP/deck.xml" 2>/dev/null; expect_eq "import without -o: usage error" 2 $?
$SP import tests/io/deck.csv -o "$TMP/u.xml" --id "Bad Id" 2>"$TMP/err"
expect_eq "import --id must be an id" "1:studypack: error: --id 'Bad Id' is not an id: give [a-z0-9][a-z0-9-]{0,63}" "$?:$(sed 's/^[^:]*: error/studypack: error/' "$TMP/err")"
$SP export "$PACK" -o "$TMP/x.pdf" 2>/dev/null; expect_eq "export to an unknown extension: usage error" 2 $?

# a bank (no id, no title, no plan) exports under its file's name
for f in apkg txt json; do
  $SP export sources/banks/backend-core.xml -o "$TMP/bank.$f" 2>"$TMP/err"
  expect_eq "export a bank as .$f" "0:" "$?:$(cat "$TMP/err")"
done
$SP import "$TMP/bank.apkg" -o "$TMP/bank/bank.xml" 2>/dev/null && $SP validate "$TMP/bank/bank.xml" 2>"$TMP/err"
expect_eq "a bank's .apkg imports as a valid pack named after the bank" "0:backend-core" \
  "$?:$(sed -n 's/.*<studypack version="1" id="\([^"]*\)".*/\1/p' "$TMP/bank/bank.xml")"

# ---- figures -------------------------------------------------------------
# a pack's figures become the .apkg's media (a flat name, the same bytes)
# and come back as figures with their alt text, caption and width
FIG=tests/good/figures.xml
$SP export "$FIG" -o "$TMP/fig.apkg" 2>"$TMP/err"
expect_eq "export figures: exit 0" "0:" "$?:$(cat "$TMP/err")"
mkdir -p "$TMP/fx" && (cd "$TMP/fx" && unzip -q "$TMP/fig.apkg")
expect_eq ".apkg with figures: entries" "collection.anki2 media 0" "$(unzip -Z1 "$TMP/fig.apkg" | tr '\n' ' ' | sed 's/ $//')"
expect_eq ".apkg with figures: the media map names each file once" '{"0": "rate-limiter.png"}' "$(cat "$TMP/fx/media")"
check ".apkg with figures: the media file is the figure's file" cmp "$TMP/fx/0" tests/good/figures/rate-limiter.png
expect_eq ".apkg with figures: the notes show it" 2 \
  "$(sqlite3 "$TMP/fx/collection.anki2" "select count(*) from notes where flds like '%<img src=\"rate-limiter.png\"%'")"
$SP import "$TMP/fig.apkg" -o "$TMP/figrt/fig.xml" 2>"$TMP/err"
expect_eq "figures round trip: import says nothing" "0:" "$?:$(cat "$TMP/err")"
check "figures round trip: the image is written beside the source" cmp "$TMP/figrt/rate-limiter.png" tests/good/figures/rate-limiter.png
$SP export "$FIG" -o "$TMP/fig-a.json" && $SP export "$TMP/figrt/fig.xml" -o "$TMP/fig-b.json"
figq() {   # the questions, figures without their src (a flat name in Anki)
  python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["questions"]
for x in q:
    x.pop("number")
    for b in x["answer"]:
        if b["type"] == "figure": b.pop("src")
print(json.dumps(q, sort_keys=True, indent=1))' "$1"
}
figq "$TMP/fig-a.json" >"$TMP/fig-a.q"; figq "$TMP/fig-b.json" >"$TMP/fig-b.q"
check "figures round trip: the same questions, alt text, captions and widths" diff -u "$TMP/fig-a.q" "$TMP/fig-b.q"
$SP build "$TMP/figrt/fig.xml" -o "$TMP/figrt/out" >"$TMP/out" 2>&1
expect_eq "figures round trip: builds" "0:" "$?:$(cat "$TMP/out")"
# a CSV's <img> is read from beside the CSV; a missing or broken one is
# dropped with its reason
mkdir -p "$TMP/csvimg"
cp tests/good/figures/half-green.png "$TMP/csvimg/diagram.png"
printf 'not an image' >"$TMP/csvimg/fake.png"
printf 'question,answer\nDraw it?,"See <img src=""diagram.png"" alt=""two squares"">"\nBroken?,"<img src=""fake.png""> text"\nMissing?,"<img src=""nope.png""> text"\n' >"$TMP/csvimg/d.csv"
(cd "$TMP/csvimg" && $SP import d.csv -o out/d.xml) 2>"$TMP/err"
expect_eq "CSV images: figure written, broken and missing ones said" \
  "0|d.csv:3: warning: image 'fake.png' dropped: not a PNG or JPEG image (its first bytes are neither PNG's nor JPEG's)|d.csv:4: warning: image 'nope.png' dropped: no such file beside the input" \
  "$?|$(tr '\n' '|' <"$TMP/err" | sed 's/|$//')"
expect_eq "CSV images: the figure" '<answer><p>See</p><figure src="diagram.png" alt="two squares" width="10"/></answer>' \
  "$(grep -o '<answer><p>See.*</answer>' "$TMP/csvimg/out/d.xml")"
check "CSV images: copied beside the source" cmp "$TMP/csvimg/out/diagram.png" tests/good/figures/half-green.png
$SP validate "$TMP/csvimg/out/d.xml" >"$TMP/out" 2>&1
expect_eq "CSV images: the source validates" "0:" "$?:$(cat "$TMP/out")"
