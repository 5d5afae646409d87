#!/usr/bin/env bash
# batch: isolation of failures, duplicate ids, parallel == serial, the
# incremental skip and --force, index.json, an interrupted batch and a
# killed worker.
. "$(dirname "$0")/lib.sh"

OUT=$TMP/out
$SP batch tests/batch -o "$OUT" -j 2 >"$TMP/stdout" 2>"$TMP/err"
rc=$?
expect_eq "a failing pack fails the batch (exit 1)" 1 "$rc"
expect_eq "summary line" "2 built, 0 up to date, 3 failed" "$(tail -n 1 "$TMP/err")"
grep -qx "tests/batch/bad.xml:5: error: Element 'answer': This element is not expected. Expected is one of ( cue, prompt )." "$TMP/err" \
  && ok "the failing pack's diagnostics are reported" || not_ok "the failing pack's diagnostics are reported" "$(cat "$TMP/err")"
expect_eq "duplicate pack ids: reported once, at the first file, naming the other" \
  "tests/batch/dup1.xml: error: pack id 'batch-dup' is also the id of tests/batch/dup2.xml; neither is built: give each pack its own id" \
  "$(grep "batch-dup" "$TMP/err")"
for id in batch-a batch-b; do
  for f in flashcards.pdf timeline.pdf timeline-booklet.pdf; do
    [ -f "$OUT/$id/$f" ] && ok "good pack $id: $f built" || not_ok "good pack $id: $f built"
  done
done
[ ! -e "$OUT/batch-bad" ] && [ ! -e "$OUT/batch-dup" ] && ok "failed packs write nothing" || not_ok "failed packs write nothing"
expect_eq "banks are not packs" "" "$(ls "$OUT" | grep -i shared)"
expect_eq "nothing on stdout" "" "$(cat "$TMP/stdout")"

# index.json
check "index.json is valid JSON" python3 -m json.tool "$OUT/index.json"
python3 - "$OUT" >"$TMP/idx" <<'PY'
import json, sys, os
out = sys.argv[1]
idx = json.load(open(os.path.join(out, "index.json")))
for p in idx["packs"]:
    files_ok = all(os.path.exists(os.path.join(out, f)) for f in p["files"])
    print(p["id"], p["status"], p["role"], p["company"], p["questions"], p["cards"],
          p["pages"]["flashcards"] > 0 if p["status"] != "failed" else "-",
          bool(p["input_hash"]) if p["status"] != "failed" else p["input_hash"], files_ok)
PY
expect_file "index.json lists every pack with its data" tests/batch/index.expected "$TMP/idx"

# unchanged: nothing rebuilt; a changed bank rebuilds the packs using it
$SP batch tests/batch/a.xml tests/batch/b.xml -o "$OUT" 2>"$TMP/err"
expect_eq "unchanged re-run: all up to date" "0 built, 2 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
mkdir -p "$TMP/src"; cp -r tests/batch/a.xml tests/batch/b.xml tests/batch/banks "$TMP/src/"
$SP batch "$TMP/src" -o "$TMP/inc" -q 2>/dev/null
$SP batch "$TMP/src" -o "$TMP/inc" 2>"$TMP/err"
expect_eq "copy: up to date" "0 built, 2 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
sed -i 's/It lives in/It is kept in/' "$TMP/src/banks/shared.xml"
$SP batch "$TMP/src" -o "$TMP/inc" 2>"$TMP/err"
expect_eq "a changed bank rebuilds every pack that includes it" "2 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
sed -i 's/Answer of pack a/Answer of pack A/' "$TMP/src/a.xml"
$SP batch "$TMP/src" -o "$TMP/inc" 2>"$TMP/err"
expect_eq "a changed source rebuilds only its pack" "1 built, 1 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
$SP batch "$TMP/src" -o "$TMP/inc" --paper letter 2>"$TMP/err"
expect_eq "changed options rebuild" "2 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
$SP batch "$TMP/src" -o "$TMP/inc" --paper letter --force 2>"$TMP/err"
expect_eq "--force rebuilds" "2 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
rm "$TMP/inc/batch-a/flashcards.pdf"
$SP batch "$TMP/src" -o "$TMP/inc" --paper letter 2>"$TMP/err"
expect_eq "a deleted output is rebuilt" "1 built, 1 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
$SP batch -q "$TMP/src" -o "$TMP/inc" --paper letter 2>"$TMP/err"
expect_eq "--quiet: nothing on stderr when all is well" "" "$(cat "$TMP/err")"

# parallel output is byte-identical to serial output
for i in 1 2 3 4 5 6; do sed "s/batch-a/par-$i/" tests/batch/a.xml >"$TMP/src/par-$i.xml"; done
$SP batch -q -j 1 "$TMP/src" -o "$TMP/serial" 2>/dev/null
$SP batch -q -j 2 "$TMP/src" -o "$TMP/parallel" 2>/dev/null
check "parallel (-j 2) output is byte-identical to serial (-j 1)" diff -r "$TMP/serial" "$TMP/parallel"

# an interrupted batch: no temporary files, no half-written PDFs
mkdir -p "$TMP/big"
for i in 1 2 3 4 5 6; do python3 tests/tools/genpack.py 400 30 "$TMP/big/big-$i.xml" "big-$i"; done
$SP batch -q -j 2 "$TMP/big" -o "$TMP/intr" 2>/dev/null &
pid=$!
# interrupt once the workers run (so the batch's handler is in place)
for t in $(seq 1 1000); do pgrep -P $pid >/dev/null && break; sleep 0.01; done
sleep 0.1
kill -INT $pid
wait $pid
rc=$?
expect_eq "interrupted batch exits 130" 130 "$rc"
expect_eq "interrupted batch leaves no temporary files" "" "$(find "$TMP/intr" -name '.*.??????' 2>/dev/null)"
bad=0; for f in $(find "$TMP/intr" -name '*.pdf'); do qpdf --check "$f" >/dev/null 2>&1 || bad=1; done
expect_eq "interrupted batch leaves only whole PDFs" 0 "$bad"
pgrep -f "batch -q -j 2 $TMP/big" >/dev/null && not_ok "no worker survives the interrupt" || ok "no worker survives the interrupt"

# a worker killed mid-build fails its pack only; the old output stays
$SP batch -q "$TMP/big" -o "$TMP/kill" -j 1 2>/dev/null
cp "$TMP/kill/big-1/flashcards.pdf" "$TMP/old.pdf"
sed -i 's/Phase 1/Phase One/' "$TMP/big/big-1.xml"
$SP batch -j 1 "$TMP/big" -o "$TMP/kill" 2>"$TMP/err" &
pid=$!
child=""
for t in $(seq 1 200); do child=$(pgrep -P $pid | head -n 1); [ -n "$child" ] && break; sleep 0.01; done
[ -n "$child" ] && kill -KILL "$child"
wait $pid
rc=$?
expect_eq "killed worker: a system error (exit 3)" 3 "$rc"
grep -q "big-1.xml: error: the worker building this pack was killed by signal 9" "$TMP/err" \
  && ok "killed worker: clear message" || not_ok "killed worker: clear message" "$(cat "$TMP/err")"
check "killed worker: previous PDF intact" cmp "$TMP/old.pdf" "$TMP/kill/big-1/flashcards.pdf"
expect_eq "killed worker: no temporary files" "" "$(find "$TMP/kill" -name '.*.??????')"
