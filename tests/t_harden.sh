#!/usr/bin/env bash
# Hardening (issue 19): special files are never renamed over, the pack
# folder cannot be swapped under a build, stamps are untrusted input,
# FIFOs in a batch folder, duplicate ids reported once, lost standard
# output, long titles, one id built twice, all-or-nothing packs,
# index.json for every source, --creep bounded, rest-only timelines,
# stale outputs, and the messages of item 15.  Everything that could hang
# (FIFOs, /dev/zero, the race) runs under timeout.
. "$(dirname "$0")/lib.sh"
PACK=tests/good/nested-include.xml
T="timeout 30"

# --- 1. special files: written into or refused, never renamed over ---------
mkfifo "$TMP/fifo"
$T $SP calibrate -o "$TMP/fifo" >/dev/null 2>"$TMP/err"
rc=$?
expect_eq "calibrate -o FIFO nobody reads: exit 3, no hang" 3 "$rc"
expect_eq "calibrate -o FIFO nobody reads: message" \
  "$TMP/fifo: error: cannot write: it is a FIFO that no process is reading" "$(cat "$TMP/err")"
{ timeout 30 cat "$TMP/fifo" >"$TMP/fifo.out"; } &
reader=$!
for t in $(seq 1 100); do [ -n "$(ls /proc/$reader/fd 2>/dev/null)" ] && break; sleep 0.02; done
ok_rc=1
for t in $(seq 1 50); do
  $T $SP calibrate -o "$TMP/fifo" >/dev/null 2>"$TMP/err" && { ok_rc=0; break; }
  sleep 0.1
done
wait $reader
expect_eq "calibrate -o FIFO with a reader: exit 0" 0 "$ok_rc"
[ -p "$TMP/fifo" ] && ok "calibrate -o FIFO: still a FIFO" || not_ok "calibrate -o FIFO: still a FIFO"
expect_eq "calibrate -o FIFO: the reader got the PDF" "%PDF" "$(head -c 4 "$TMP/fifo.out")"
$T $SP calibrate -o /proc/self/fd/1 >"$TMP/stdout.pdf" 2>"$TMP/err"
expect_eq "calibrate -o /proc/self/fd/1: exit 0, no error" "0:" "$?:$(grep 'error:' "$TMP/err")"
check "calibrate -o /proc/self/fd/1: the PDF went to standard output" qpdf --check "$TMP/stdout.pdf"
printf 'old' >"$TMP/target.pdf"; ln -s target.pdf "$TMP/link.pdf"
$T $SP calibrate -o "$TMP/link.pdf" >/dev/null 2>"$TMP/err"
[ -L "$TMP/link.pdf" ] && [ "$(head -c 4 "$TMP/target.pdf")" = "%PDF" ] \
  && ok "calibrate -o LINK: the link stays, its file is written" || not_ok "calibrate -o LINK" "$(ls -la "$TMP")"
if [ "$(id -u)" = 0 ] && mknod "$TMP/null" c 1 3 2>/dev/null; then
  $T $SP calibrate -o "$TMP/null" >/dev/null 2>"$TMP/err"
  expect_eq "calibrate -o a character device (a copy of /dev/null): exit 0" "0:" "$?:$(grep 'error:' "$TMP/err")"
  [ -c "$TMP/null" ] && ok "calibrate -o a device: still a device" || not_ok "calibrate -o a device: still a device" "$(ls -la "$TMP/null")"
  [ -c /dev/null ] && ok "/dev/null is still a device" || not_ok "/dev/null is still a device"
else
  ok "device nodes: skipped (not root)"
fi
# in a pack's folder: a FIFO or a link in place of an output is refused
$SP build "$PACK" -o "$TMP/sp" 2>/dev/null
cp -r "$TMP/sp/nested-include" "$TMP/sp-before"
rm "$TMP/sp/nested-include/timeline.pdf"; mkfifo "$TMP/sp/nested-include/timeline.pdf"
sed 's/Read both/Read both again/' "$PACK" >"tests/good/.harden-edit.xml"
$T $SP build tests/good/.harden-edit.xml -o "$TMP/sp" 2>"$TMP/err"
rc=$?
rm -f tests/good/.harden-edit.xml
expect_eq "build over a FIFO output: exit 3, message" \
  "3:$TMP/sp/nested-include/timeline.pdf: error: cannot write: it exists and is a FIFO, not a regular file; studypack replaces only regular files (remove it, or choose another output)" \
  "$rc:$(cat "$TMP/err")"
[ -p "$TMP/sp/nested-include/timeline.pdf" ] && ok "build over a FIFO output: still a FIFO" || not_ok "build over a FIFO output: still a FIFO"
check "build over a FIFO output: flashcards.pdf unchanged (nothing renamed)" cmp "$TMP/sp-before/flashcards.pdf" "$TMP/sp/nested-include/flashcards.pdf"
ln -s "$TMP/elsewhere.json" "$TMP/bi-index.json"
mkdir -p "$TMP/bi"; ln -s "$TMP/elsewhere.json" "$TMP/bi/index.json"
$T $SP batch -q "$PACK" -o "$TMP/bi" 2>"$TMP/err"
rc=$?
[ "$rc" = 3 ] && [ -L "$TMP/bi/index.json" ] && [ ! -e "$TMP/elsewhere.json" ] \
  && grep -q "index.json: error: cannot write: it exists and is a symbolic link" "$TMP/err" \
  && ok "index.json that is a link: refused, not followed (exit 3)" || not_ok "index.json that is a link" "$rc $(cat "$TMP/err")"

# --- 2. a process swapping the pack folder for a link gets nothing ---------
if cc -O2 -o "$TMP/swap" tests/tools/swap.c 2>"$TMP/err"; then
  R=$TMP/race
  mkdir -p "$R/out/nested-include" "$R/outside"
  ln -s "$R/outside" "$R/out/decoy"
  timeout 30 "$TMP/swap" "$R/out/nested-include" "$R/out/decoy" 3 >"$R/swaps" &
  sw=$!
  builds=0
  while kill -0 $sw 2>/dev/null; do
    timeout 20 $SP build "$PACK" -o "$R/out" >/dev/null 2>&1
    builds=$((builds + 1))
  done
  wait $sw
  expect_eq "race: $builds builds during $(cat "$R/swaps") folder swaps write nothing outside" "" "$(find "$R/outside" -mindepth 1)"
  expect_eq "race: no temporary files left" "" "$(find "$R/out" -name '.*.??????')"
else
  not_ok "race: cannot compile tests/tools/swap.c" "$(cat "$TMP/err")"
fi

# --- 3. stamps are untrusted ----------------------------------------------
S=$TMP/st; mkdir -p "$S/src"; cp -r tests/batch/a.xml tests/batch/banks "$S/src/"
$SP batch -q "$S/src" -o "$S/out" 2>/dev/null
STAMP=$S/out/batch-a/.studypack-stamp
cp "$STAMP" "$S/good-stamp"
rm "$STAMP"; mkfifo "$STAMP"
$T $SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "stamp is a FIFO: no hang, rebuilt" "0:1 built, 0 up to date, 0 failed" "$?:$(tail -n 1 "$TMP/err")"
[ -f "$STAMP" ] && [ ! -L "$STAMP" ] && ok "stamp is a FIFO: replaced by a stamp" || not_ok "stamp is a FIFO: replaced"
rm "$STAMP"; ln -s /dev/zero "$STAMP"
$T $SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "stamp links to /dev/zero: no endless read, rebuilt" "0:1 built, 0 up to date, 0 failed" "$?:$(tail -n 1 "$TMP/err")"
[ -f "$STAMP" ] && [ ! -L "$STAMP" ] && ok "stamp links to /dev/zero: the link is replaced, not followed" || not_ok "stamp /dev/zero link replaced"
mkfifo "$S/input-fifo"
{ cat "$S/good-stamp"; echo "input $(printf '%064d' 0) $S/input-fifo"; } >"$STAMP"
$T $SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "stamp input naming a FIFO: no hang, rebuilt" "0:1 built, 0 up to date, 0 failed" "$?:$(tail -n 1 "$TMP/err")"
$SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "a good stamp: up to date" "0 built, 1 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
grep -v '^input ' "$STAMP" >"$S/no-inputs"; cp "$S/no-inputs" "$STAMP"
sed -i 's/Answer of pack a/Answer of pack A (edited)/' "$S/src/a.xml"
$SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "stamp without input lines: the edited source is rebuilt" "1 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
pdftotext "$S/out/batch-a/flashcards.pdf" - | grep -q "(edited)" && ok "stamp without input lines: the new text is in the PDF" || not_ok "stamp without inputs: new text"
head -c 2000000 /dev/zero | tr '\0' 'x' >"$STAMP"
$T $SP batch "$S/src" -o "$S/out" 2>"$TMP/err"
expect_eq "a 2 MB stamp: rebuilt" "1 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"

# --- 4. a FIFO named *.xml in a batch folder -------------------------------
F=$TMP/fifodir; mkdir -p "$F"; cp tests/batch/a.xml "$F/"; cp -r tests/batch/banks "$F/"; mkfifo "$F/pipe.xml"
$T $SP batch "$F" -o "$F.out" 2>"$TMP/err"
rc=$?
expect_eq "FIFO in a batch folder: no hang, exit 0, the other pack built" "0:1 built, 0 up to date, 0 failed" "$rc:$(tail -n 1 "$TMP/err")"
grep -qx "$F/pipe.xml: warning: not a regular file (a FIFO); skipped" "$TMP/err" \
  && ok "FIFO in a batch folder: reported" || not_ok "FIFO in a batch folder: reported" "$(cat "$TMP/err")"
expect_eq "FIFO in a batch folder: index.json says skipped" "skipped" \
  "$(python3 -c 'import json,sys; print([p["status"] for p in json.load(open(sys.argv[1]))["packs"] if p["source"].endswith("pipe.xml")][0])' "$F.out/index.json")"

mkdir -p "$F/inc/banks"; cp tests/batch/a.xml "$F/inc/"; mkfifo "$F/inc/banks/shared.xml"
$T $SP build "$F/inc/a.xml" -o "$F.out" 2>"$TMP/err"
expect_eq "a bank that is a FIFO: no hang, refused" \
  "1:$F/inc/a.xml:11:3: error: include of '$F/inc/banks/shared.xml' refused: not a regular file" "$?:$(cat "$TMP/err")"

# --- 5. duplicate ids: once per id, bounded output, fast -------------------
D=$TMP/dups; mkdir -p "$D"; cp -r tests/batch/banks "$D/"
for i in $(seq -w 1 1000); do cp tests/batch/a.xml "$D/copy-$i.xml"; done
start=$(date +%s%N)
$T $SP batch -q "$D" -o "$D.out" 2>"$TMP/err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "1,000 copies of one id: exit 1" 1 "$rc"
expect_eq "1,000 copies of one id: 2 lines (the id once, the summary)" 2 "$(wc -l <"$TMP/err")"
expect_eq "1,000 copies of one id: the message" \
  "$D/copy-0001.xml: error: pack id 'batch-a' is also the id of $D/copy-0002.xml, $D/copy-0003.xml, $D/copy-0004.xml and 996 more sources; none of them is built: give each pack its own id" \
  "$(head -n 1 "$TMP/err")"
[ "$ms" -lt 15000 ] && ok "1,000 copies of one id: answered in ${ms} ms" || not_ok "1,000 copies: fast" "took $ms ms"
expect_eq "1,000 copies of one id: index.json lists each as failed with 1 error" "1000 1000" \
  "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["packs"]; print(len(p), sum(1 for x in p if x["status"]=="failed" and x["errors"]==1))' "$D.out/index.json")"

# --- 6. lost standard output ------------------------------------------------
$SP plan sources/spotify-backend-developer.xml >/dev/full 2>"$TMP/err"
expect_eq "plan > /dev/full: exit 3 with a message" \
  "3:studypack: error: cannot write the plan to standard output: No space left on device" "$?:$(cat "$TMP/err")"
$SP plan "$PACK" >/dev/full 2>"$TMP/err"
expect_eq "a short plan > /dev/full: exit 3 too" 3 "$?"
$SP --help >/dev/full 2>"$TMP/err"
expect_eq "--help > /dev/full: exit 3" "3:studypack: error: cannot write to standard output: No space left on device" "$?:$(cat "$TMP/err")"

# --- 7. a long title: one-line chrome, shortened, warned -------------------
python3 - "$TMP/long-title.xml" <<'PY'
import sys
t = ("Very Long Title " * 340)[:5400]
open(sys.argv[1], "w").write('''<?xml version="1.0" encoding="UTF-8"?>
<studypack version="1" id="long-title">
  <meta><role>Tester</role><title>%s</title></meta>
  <questions>
    <question id="q1"><prompt>What is P1?</prompt><answer><p>A</p></answer></question>
  </questions>
  <timeline><phase id="a" title="Study" days="3"><task>Read</task></phase></timeline>
</studypack>
''' % t)
PY
$SP build "$TMP/long-title.xml" -o "$TMP/lt" 2>"$TMP/err"
rc=$?
printf '%s\n' "$TMP/long-title.xml:3: warning: the pack's title is too long for the card footer and is shortened there" \
  "$TMP/long-title.xml:3: warning: the pack's title is too long for the booklet's running head and is shortened there" >"$TMP/want"
expect_eq "long title: exit 0 and two warnings" "0:$(cat "$TMP/want")" "$rc:$(cat "$TMP/err")"
expect_eq "long title: the card footer is one line ending in an ellipsis" "1" \
  "$(pdftotext -f 1 -l 1 "$TMP/lt/long-title/flashcards.pdf" - | grep -c '^Very Long Title.*…$')"
$SP build --strict "$TMP/long-title.xml" -o "$TMP/lt2" 2>/dev/null
expect_eq "long title with --strict: fails" 1 "$?"

# --- 8. build A.xml B.xml with one id ---------------------------------------
cp tests/batch/a.xml "$S/src/a2.xml"
$SP build "$S/src/a.xml" "$S/src/a2.xml" -o "$TMP/b8" 2>"$TMP/err"
expect_eq "build: two sources with one id are refused, naming both" \
  "1:$S/src/a.xml: error: pack id 'batch-a' is also the id of $S/src/a2.xml; neither is built: give each pack its own id" \
  "$?:$(cat "$TMP/err")"
[ ! -e "$TMP/b8/batch-a" ] && ok "build: neither is built" || not_ok "build: neither is built"
cat "$TMP/long-title.xml" | $SP build "$TMP/long-title.xml" /dev/stdin -o "$TMP/b8" 2>"$TMP/err8"
rc=${PIPESTATUS[1]}
grep -v warning "$TMP/err8" >"$TMP/err"
expect_eq "build: a pipe with an id already given is refused" \
  "1:/dev/stdin: error: pack id 'long-title' is also the id of $TMP/long-title.xml, given before it; this one is not built: give each pack its own id" \
  "$rc:$(cat "$TMP/err")"

# --- 9. a pack's outputs change together or not at all ---------------------
# state DIR OLD NEW: "old" if every PDF of DIR is as in OLD, "new" if every
# one is as in NEW (files the same in both count for both), else "mixed"
state() {
  local o=1 n=1 f
  for f in "$2"/*.pdf; do
    f=$(basename "$f")
    cmp -s "$1/$f" "$2/$f" || o=0
    cmp -s "$1/$f" "$3/$f" || n=0
  done
  if [ $o = 1 ]; then echo old; elif [ $n = 1 ]; then echo new; else echo mixed; fi
}
$SP build "$PACK" -o "$TMP/aon" 2>/dev/null
cp -r "$TMP/aon/nested-include" "$TMP/aon-before"
sed 's/Read both/Read both today/; s/<role>Tester</<role>Tester two</' "$PACK" >"tests/good/.harden-sig.xml"
$SP build tests/good/.harden-sig.xml -o "$TMP/aon-ref" 2>/dev/null
$SP build "$PACK" -o "$TMP/aon-ref2" --interview-date 2027-01-01 2>/dev/null
if [ -z "${SP_WRAP:-}" ] && ! ldd "$BUILD/studypack" | grep -q asan; then
  cc -shared -fPIC -o "$TMP/faults.so" tests/tools/faults.c -ldl
  SP_FAULT_ENOSPC=/.timeline-booklet LD_PRELOAD="$TMP/faults.so" $SP build "$PACK" -o "$TMP/aon" --interview-date 2027-01-01 >/dev/null 2>"$TMP/err"
  rc=$?
  expect_eq "disk full on the booklet: exit 3" 3 "$rc"
  expect_eq "disk full on the booklet: no file of the pack changed (the new cards and timeline were not renamed)" \
    old "$(state "$TMP/aon/nested-include" "$TMP/aon-before" "$TMP/aon-ref2/nested-include")"
  expect_eq "disk full on the booklet: no temporary files" "" "$(ls -A "$TMP/aon/nested-include" | grep '^\.')"
  # an interrupt right after the first rename: held back until all are done
  SP_FAULT_SIGINT_RENAME=1 LD_PRELOAD="$TMP/faults.so" $SP build tests/good/.harden-sig.xml -o "$TMP/aon" >/dev/null 2>"$TMP/err"
  rc=$?
  expect_eq "SIGINT between two renames: still interrupted (130), but every file is new" "130:new" \
    "$rc:$(state "$TMP/aon/nested-include" "$TMP/aon-before" "$TMP/aon-ref/nested-include")"
  # a batch worker commits a pack's files while it builds the next pack: a
  # SIGINT to the worker between two renames waits until all are done (it
  # reaches the thread that renames, never the one that builds), and the
  # pack being built keeps its old files
  mkdir -p "$TMP/bsig-src"; cp -r tests/batch/banks "$TMP/bsig-src/"
  for i in 1 2 3 4; do sed "s/batch-a/sig-$i/" tests/batch/a.xml >"$TMP/bsig-src/sig-$i.xml"; done
  $SP batch -q -j 1 "$TMP/bsig-src" -o "$TMP/bsig" 2>/dev/null
  cp -r "$TMP/bsig" "$TMP/bsig-before"
  sed -i 's/Role a/Role new/' "$TMP"/bsig-src/sig-*.xml
  $SP batch -q -j 1 "$TMP/bsig-src" -o "$TMP/bsig-ref" 2>/dev/null
  SP_FAULT_SIGINT_RENAME=1 SP_FAULT_SIGINT_MATCH=flashcards.pdf LD_PRELOAD="$TMP/faults.so" \
    $SP batch -q -j 1 "$TMP/bsig-src" -o "$TMP/bsig" >/dev/null 2>"$TMP/err"
  rc=$?
  expect_eq "batch, SIGINT to a worker between two renames: a killed worker (exit 3)" 3 "$rc"
  grep -q "sig-1.xml: error: the worker building this pack was killed by signal 2" "$TMP/err" \
    && ok "batch, SIGINT between two renames: the pack is reported" || not_ok "batch, SIGINT between two renames: the pack is reported" "$(cat "$TMP/err")"
  states=""
  for i in 1 2 3 4; do
    states="$states $(state "$TMP/bsig/sig-$i" "$TMP/bsig-before/sig-$i" "$TMP/bsig-ref/sig-$i")"
  done
  expect_eq "batch, SIGINT between two renames: each pack all new or all old, the one being renamed new" \
    "new:no mixed" "$(echo $states | cut -d' ' -f1):$(echo "$states" | grep -q mixed && echo mixed || echo no mixed)"
  expect_eq "batch, SIGINT between two renames: no temporary files" "" "$(find "$TMP/bsig" -name '.*.??????')"
else
  ok "disk full (all-or-nothing): skipped under sanitizers/valgrind"
fi
rm -f tests/good/.harden-sig.xml
# an interrupt in the middle of a build: all old (or, if it came late, all new)
python3 tests/tools/genpack.py 1500 60 "$TMP/big.xml" big
$SP build "$TMP/big.xml" -o "$TMP/aon" 2>/dev/null
cp -r "$TMP/aon/big" "$TMP/big-before"
sed -i 's/Phase 1/Phase One/; s/for case 0?/for case zero?/' "$TMP/big.xml"
$SP build "$TMP/big.xml" -o "$TMP/big-ref" --interview-date 2027-01-01 2>/dev/null
$SP build "$TMP/big.xml" -o "$TMP/aon" --interview-date 2027-01-01 2>/dev/null &
pid=$!
seen=0
for t in $(seq 1 1000); do ls -A "$TMP/aon/big" | grep -q '^\.timeline' && { seen=1; break; }; sleep 0.005; done
kill -INT $pid; wait $pid
st=$(state "$TMP/aon/big" "$TMP/big-before" "$TMP/big-ref/big")
[ "$st" != mixed ] && ok "interrupted build (temporaries seen: $seen): the pack is all $st" \
  || not_ok "interrupted build: the pack is all old or all new" "a mixture of old and new files"
expect_eq "interrupted build: no temporary files" "" "$(ls -A "$TMP/aon/big" | grep '^\.')"

# --- 10. index.json: every source, its status and counts -------------------
X=$TMP/idxdir; mkdir -p "$X"; cp -r tests/batch/* "$X/"; rm -f "$X/index.expected"
printf '<?xml version="1.0"?>\n<<<studypack version="1" id="broken">\n' >"$X/malformed.xml"
sed 's/id="batch-a"/id="Not An Id"/' tests/batch/a.xml >"$X/bad-id.xml"
$SP batch -q "$X" -o "$X.out" 2>/dev/null
python3 - "$X.out/index.json" >"$TMP/idx" <<'PY'
import json, sys, os
for p in json.load(open(sys.argv[1]))["packs"]:
    print(os.path.basename(p["source"]), p["id"], p["status"], p["errors"] > 0, p["warnings"])
PY
printf '%s\n' "a.xml batch-a built False 0" "b.xml batch-b built False 0" "bad-id.xml None failed True 0" \
  "bad.xml batch-bad failed True 0" "dup1.xml batch-dup failed True 0" "dup2.xml batch-dup failed True 0" \
  "malformed.xml None failed True 0" >"$TMP/want"
expect_file "index.json: every source (malformed, invalid id, duplicate) with status and counts" "$TMP/want" "$TMP/idx"

# --- 11. --creep is bounded by the gutter -----------------------------------
$SP build "$PACK" --creep 100mm -o "$TMP/cr" 2>"$TMP/err"
expect_eq "--creep 100mm: usage error (exit 2) with a clear message" \
  "2:studypack: error: --creep is more than the booklet's gutter of 5 mm: the innermost pages would print over the spine (paper creep is usually 0.1 to 1 mm)" \
  "$?:$(head -n 1 "$TMP/err")"
$SP batch -q "$PACK" --creep 5.1mm -o "$TMP/cr" 2>/dev/null
expect_eq "--creep 5.1mm in a batch: exit 2" 2 "$?"
$SP build "$PACK" --creep 5mm -o "$TMP/cr" 2>"$TMP/err"
expect_eq "--creep 5mm (the gutter): builds" "0:" "$?:$(cat "$TMP/err")"

# --- 12. a timeline of only rest days ---------------------------------------
$SP plan tests/bad/rest-only.xml >"$TMP/plan" 2>"$TMP/err"
expect_eq "rest-only timeline: warns, exit 0" \
  "0:tests/bad/rest-only.xml:10: warning: every day of the timeline is a rest day: the cards are introduced on rest days anyway (give a phase a study task)" \
  "$?:$(cat "$TMP/err")"
expect_eq "rest-only timeline: every card is still introduced" "3" "$(grep -o '#[0-9]' "$TMP/plan" | sort -u | wc -l)"

# --- 13. stamps and index.json list only this build's files ----------------
rm "$S/src/a2.xml"
$SP batch -q "$S/src" -o "$TMP/stale" --dump 2>/dev/null
$SP batch -q "$S/src" -o "$TMP/stale" 2>/dev/null
expect_eq "after a --dump build, a PDF build: the stamp lists only the PDFs" \
  "output flashcards.pdf output timeline.pdf output timeline-booklet.pdf output mock-interview.pdf output pocket.pdf" \
  "$(grep '^output ' "$TMP/stale/batch-a/.studypack-stamp" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "... and index.json too" "batch-a/flashcards.pdf batch-a/timeline.pdf batch-a/timeline-booklet.pdf batch-a/mock-interview.pdf batch-a/pocket.pdf" \
  "$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["packs"][0]["files"]))' "$TMP/stale/index.json")"
$SP batch -q "$S/src" -o "$TMP/stale" --only flashcards 2>/dev/null
expect_eq "--only flashcards: the stamp lists only flashcards.pdf" "output flashcards.pdf" \
  "$(grep '^output ' "$TMP/stale/batch-a/.studypack-stamp")"

# --- 15. messages -----------------------------------------------------------
cp tests/batch/a.xml "$TMP/-dash.xml"
(cd "$TMP" && $SP build -dash.xml) 2>"$TMP/err"
expect_eq "build -dash.xml: usage error naming the argument" \
  "2:studypack: error: unknown option '-d' in '-dash.xml' (to name a file that starts with '-', write ./-dash.xml or put -- before it)" \
  "$?:$(head -n 1 "$TMP/err")"
ln -s "$TMP/nowhere" "$TMP/dangling"
$SP build "$PACK" -o "$TMP/dangling" 2>"$TMP/err"
expect_eq "build -o DANGLING-LINK: says so" \
  "3:$TMP/dangling: error: cannot create folder: it is a symbolic link to '$TMP/nowhere', which does not exist" "$?:$(cat "$TMP/err")"
$SP calibrate -o "$TMP/dangling" 2>"$TMP/err"
expect_eq "calibrate -o DANGLING-LINK: says so" \
  "3:$TMP/dangling: error: cannot write: it is a symbolic link to '$TMP/nowhere', which does not exist" "$?:$(cat "$TMP/err")"
[ -L "$TMP/dangling" ] && [ ! -e "$TMP/nowhere" ] && ok "calibrate -o DANGLING-LINK: nothing created" || not_ok "dangling link untouched"
$SP calibrate -o / 2>"$TMP/err"
expect_eq "calibrate -o /: names the folder" "3:/: error: cannot write: it is a folder; give the name of a file" "$?:$(cat "$TMP/err")"
N=$TMP/nl; mkdir -p "$N"; cp -r tests/batch/banks "$N/"; cp tests/batch/a.xml "$N/new
line.xml"
$SP batch -q "$N" -o "$N.out" 2>/dev/null
$SP batch "$N" -o "$N.out" 2>"$TMP/err"
expect_eq "a newline in a source's name: the stamp still works (up to date)" "0 built, 1 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"
grep -q "^source .*/new%0Aline.xml$" "$N.out/batch-a/.studypack-stamp" && ok "a newline in a source's name: escaped in the stamp" \
  || not_ok "newline escaped in the stamp" "$(head -n 5 "$N.out/batch-a/.studypack-stamp")"
sed -i 's/Answer of pack a/Answer of pack A/' "$N/new
line.xml"
$SP batch "$N" -o "$N.out" 2>"$TMP/err"
expect_eq "a newline in a source's name: an edit is seen" "1 built, 0 up to date, 0 failed" "$(tail -n 1 "$TMP/err")"

# --- the new messages, as a golden file (run in a scratch folder with
# relative names, so the text is stable) -----------------------------------
M=$TMP/msg; mkdir -p "$M/src/banks" "$M/dups/banks"
cp tests/batch/a.xml "$M/src/"; cp -r tests/batch/banks/. "$M/src/banks/"
cp -r tests/batch/banks/. "$M/dups/banks/"
for i in 1 2 3 4 5 6; do cp tests/batch/a.xml "$M/dups/c$i.xml"; done
cp tests/batch/a.xml "$M/src/a2.xml"; cp tests/batch/a.xml "$M/-dash.xml"
cp tests/bad/rest-only.xml "$TMP/long-title.xml" "$M/"
mkfifo "$M/fifo" "$M/src/pipe.xml"; ln -s nowhere "$M/dangling"
run() {  # run ARGS...: the command, its messages and its exit status
  echo "\$ studypack $*"
  (cd "$M" && timeout 30 $SP "$@" >/dev/null 2>"$M/.err"; echo "exit: $?" >"$M/.rc")
  sed '/^usage:/,$d' "$M/.err"; cat "$M/.rc"   # the usage text is not ours
}
{
  run calibrate -o fifo
  run calibrate -o dangling
  run calibrate -o /
  run build -o dangling src/a.xml
  run build -dash.xml
  run build --creep 6mm src/a.xml
  run build src/a.xml src/a2.xml
  run batch -q dups -o out
  rm "$M/src/a2.xml"
  run batch -q src -o out
  run validate rest-only.xml
  run build long-title.xml -o out --only flashcards
  (cd "$M" && $SP plan rest-only.xml >/dev/full 2>"$M/.err"; echo "exit: $?" >"$M/.rc")
  echo "\$ studypack plan rest-only.xml >/dev/full"; cat "$M/.err" "$M/.rc"
  rm -f "$M/out/batch-a/flashcards.pdf"; ln -s ../../fifo "$M/out/batch-a/flashcards.pdf"
  run build src/a.xml -o out
} >"$TMP/messages" 2>&1
expect_file "the new messages (golden)" tests/golden/harden/messages.expected "$TMP/messages"
