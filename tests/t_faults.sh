#!/usr/bin/env bash
# Reliability: limits with clear messages, pathological inputs answered
# fast, files confined, and faults (unwritable output, disk full, missing
# or corrupt fonts, out of memory): a clear message, a non-zero exit, no
# partial files, the previous good output intact.
. "$(dirname "$0")/lib.sh"
PACK=tests/good/nested-include.xml

# --- limits ----------------------------------------------------------------
python3 tests/tools/genpack.py 20001 30 "$TMP/many-q.xml" many-q
$SP validate "$TMP/many-q.xml" 2>"$TMP/err"
expect_eq "limit: questions per pack" "1:$TMP/many-q.xml: error: 20001 questions; the limit is 20000 per pack" "$?:$(cat "$TMP/err")"
{ echo '<?xml version="1.0"?><studypack version="1" id="x"><meta><role>r</role></meta><!--'; head -c 34000000 /dev/zero | tr '\0' 'x'; echo '--></studypack>'; } >"$TMP/huge.xml"
$SP validate "$TMP/huge.xml" 2>"$TMP/err"
expect_eq "limit: file size" "1:$TMP/huge.xml: error: file is larger than the limit of 33554432 bytes" "$?:$(cat "$TMP/err")"
# include count and depth
mkdir -p "$TMP/inc/banks"
{ echo '<?xml version="1.0"?><studypack version="1" id="x" xmlns:xi="http://www.w3.org/2001/XInclude"><meta><role>r</role></meta>'
  for i in $(seq 1 65); do
    printf '<?xml version="1.0"?><questions><question id="q%d"><prompt>P</prompt><answer><p>A</p></answer></question></questions>\n' $i >"$TMP/inc/banks/b$i.xml"
    echo "<xi:include href=\"banks/b$i.xml\"/>"
  done; echo '</studypack>'; } >"$TMP/inc/many.xml"
$SP validate "$TMP/inc/many.xml" 2>"$TMP/err"
expect_eq "limit: included files" "1:$TMP/inc/many.xml:66:1: error: include of '$TMP/inc/banks/b65.xml' refused: more than 64 included files" "$?:$(cat "$TMP/err")"
for i in $(seq 1 10); do
  printf '<?xml version="1.0"?><questions xmlns:xi="http://www.w3.org/2001/XInclude"><question id="d%d"><prompt>P</prompt><answer><p>A</p></answer></question>\n<xi:include href="d%d.xml"/></questions>\n' $i $((i + 1)) >"$TMP/inc/d$i.xml"
done
printf '<?xml version="1.0"?><questions><question id="d11"><prompt>P</prompt><answer><p>A</p></answer></question></questions>\n' >"$TMP/inc/d11.xml"
$SP validate "$TMP/inc/d1.xml" 2>"$TMP/err"
expect_eq "limit: include depth" "1:$TMP/inc/d9.xml:2:1: error: include of '$TMP/inc/d10.xml' refused: includes nested deeper than 8 levels" "$?:$(tail -n 1 "$TMP/err")"
expect_eq "limit: include depth: the include chain, innermost first" \
  "In file included from $TMP/inc/d8.xml:2,|                 from $TMP/inc/d1.xml:2:" \
  "$(head -n 1 "$TMP/err")|$(sed -n 8p "$TMP/err")"

# --- pathological inputs: each answered (validate and build) in a few seconds
# (a quadratic step shows as minutes; the sanitizers' build runs 5-10x
# slower, so it gets a wider bound)
case "$BUILD" in *asan*) limit_ms=25000 ;; *) limit_ms=5000 ;; esac
mkdir -p "$TMP/patho"
python3 - "$TMP/patho" <<'PY'
import sys, os
d = sys.argv[1]
head = '<?xml version="1.0"?>\n<studypack version="1" id="p"><meta><role>r</role></meta><questions>'
tail = '</questions></studypack>\n'
def q(i, prompt, answer):
    return '<question id="q%d"><prompt>%s</prompt><answer>%s</answer></question>' % (i, prompt, answer)
cases = {
  "long-word": q(1, "x" * 16000, "<p>" + "y" * 16000 + "</p>"),
  "long-code-line": q(1, "P", "<pre>" + "z" * 16000 + "</pre>"),
  "many-items": q(1, "P", "<ul>" + "<li>i</li>" * 3000 + "</ul>"),
  "many-short-questions": "".join(q(i, "P%d" % i, "<p>A</p>") for i in range(3000)),
  "many-attributes": q(1, "P", "<p>A</p>").replace('<question ', '<question ' + " ".join('a%d="1"' % i for i in range(5000)) + ' '),
  "deep-inline": q(1, "P", "<p>" + "<em><strong>" * 15 + "x" + "</strong></em>" * 15 + "</p>"),
  "long-line-of-text": q(1, " ".join(["word"] * 3000), "<p>" + " ".join(["w"] * 3000) + "</p>"),
}
for name, body in cases.items():
    open(os.path.join(d, name + ".xml"), "w").write(head + body + tail)
PY
# a hang is 20 s (300 s under valgrind, which runs 20-50x slower)
hang=20; [ -n "${SP_WRAP:-}" ] && hang=300
for f in "$TMP"/patho/*.xml; do
  name=$(basename "$f" .xml)
  for cmd in validate build; do
    start=$(date +%s%N)
    if [ $cmd = build ]; then timeout $hang $SP build "$f" -o "$TMP/pout" --dump >/dev/null 2>&1; else timeout $hang $SP validate "$f" >/dev/null 2>&1; fi
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ $rc -ge 124 ]; then not_ok "pathological $name: $cmd finishes (rc $rc)";
    elif [ -z "${SP_WRAP:-}" ] && [ $ms -gt $limit_ms ]; then not_ok "pathological $name: $cmd under $((limit_ms / 1000)) s" "$ms ms";
    else ok "pathological $name: $cmd answered in ${ms} ms (rc $rc)"; fi
  done
done

# --- files: includes and output confined ------------------------------------
mkdir -p "$TMP/conf/banks" "$TMP/outside"
cp tests/good/banks/level2.xml "$TMP/outside/secret.xml"
ln -s "$TMP/outside/secret.xml" "$TMP/conf/banks/link.xml"
sed 's#banks/level1.xml#banks/link.xml#' "$PACK" >"$TMP/conf/pack.xml"
$SP validate "$TMP/conf/pack.xml" 2>"$TMP/err"
expect_eq "a symbolic link leading out of the folder is refused" \
  "1:$TMP/conf/pack.xml:11:3: error: include of '$TMP/conf/banks/link.xml' refused: it leads outside the source's folder (through a symbolic link?)" \
  "$?:$(cat "$TMP/err")"
mkdir -p "$TMP/o1"; ln -s "$TMP/outside" "$TMP/o1/nested-include"
$SP build "$PACK" -o "$TMP/o1" 2>"$TMP/err" >/dev/null
rc=$?
expect_eq "an output pack folder that is a symbolic link is refused" "1" "$rc"
[ -z "$(ls "$TMP/outside" | grep -v secret.xml)" ] && ok "nothing written through the link" || not_ok "nothing written through the link"

# --- faults ------------------------------------------------------------------
$SP build "$PACK" -o /sys/studypack-test >/dev/null 2>"$TMP/err"
expect_eq "output folder not writable: exit 3" 3 $?
grep -q "error: cannot create" "$TMP/err" && ok "output folder not writable: clear message" || not_ok "output folder not writable: clear message" "$(cat "$TMP/err")"
# disk full: a good build, then a build whose writes fail with ENOSPC
# (an LD_PRELOAD shim; not with sanitizers or valgrind, which must come first)
if [ -z "${SP_WRAP:-}" ] && ! ldd "$BUILD/studypack" | grep -q asan; then
  cc -shared -fPIC -o "$TMP/faults.so" tests/tools/faults.c -ldl
  $SP build "$PACK" -o "$TMP/full" 2>/dev/null
  cp -r "$TMP/full/nested-include" "$TMP/before"
  SP_FAULT_ENOSPC=/.timeline LD_PRELOAD="$TMP/faults.so" $SP build "$PACK" -o "$TMP/full" --interview-date 2027-01-01 >/dev/null 2>"$TMP/err"
  rc=$?
  expect_eq "disk full: exit 3" 3 "$rc"
  grep -q "No space left on device" "$TMP/err" && ok "disk full: clear message" || not_ok "disk full: clear message" "$(cat "$TMP/err")"
  check "disk full: previous timeline.pdf intact" cmp "$TMP/before/timeline.pdf" "$TMP/full/nested-include/timeline.pdf"
  expect_eq "disk full: no temporary files" "" "$(ls -A "$TMP/full/nested-include" | grep '^\.')"
  SP_FAULT_ENOSPC=index.json LD_PRELOAD="$TMP/faults.so" $SP batch -q tests/good -o "$TMP/bfull" >/dev/null 2>"$TMP/err"
  expect_eq "disk full in a batch (index.json): exit 3" 3 $?
else
  ok "disk full tests: skipped under sanitizers/valgrind"
fi
# fonts missing or corrupt
mkdir -p "$TMP/fonts-missing" "$TMP/fonts-bad"
cp fonts/fonts.txt "$TMP/fonts-missing/"
$SP build "$PACK" --fonts "$TMP/fonts-missing" -o "$TMP/fm" 2>"$TMP/err" >/dev/null
rc=$?
[ $rc -ne 0 ] && grep -q "DejaVuSans.ttf: error: cannot open font: No such file or directory" "$TMP/err" \
  && ok "missing font: clear message, exit $rc" || not_ok "missing font: clear message" "$rc $(cat "$TMP/err")"
cp fonts/*.ttf fonts/fonts.txt "$TMP/fonts-bad/"
head -c 200000 fonts/DejaVuSans-Bold.ttf >"$TMP/fonts-bad/DejaVuSans-Bold.ttf"
$SP build "$PACK" --fonts "$TMP/fonts-bad" -o "$TMP/fb" 2>"$TMP/err" >/dev/null
rc=$?
[ $rc -ne 0 ] && grep -q "DejaVuSans-Bold.ttf: error:" "$TMP/err" && [ ! -e "$TMP/fb/nested-include/flashcards.pdf" ] \
  && ok "truncated font: clear message, exit $rc, no PDF" || not_ok "truncated font" "$rc $(cat "$TMP/err")"
printf 'regular nothing-here.ttf\n' >"$TMP/fonts-bad/fonts.txt"
$SP build "$PACK" --fonts "$TMP/fonts-bad" -o "$TMP/fb" 2>"$TMP/err" >/dev/null
[ $? -ne 0 ] && ok "incomplete font manifest fails" || not_ok "incomplete font manifest fails"
# out of memory: a bounded address space; a clean message, never a crash.
# The limits are set above the smallest one the program starts under at all
# (the shared libraries' mappings differ between machines), so that they
# fall in loading (libxml2), layout and PDF writing (libharu, zlib).
if [ -z "${SP_WRAP:-}" ] && [ -z "${ASAN_OPTIONS:-}" ] && ! ldd "$BUILD/studypack" | grep -q asan; then
  python3 tests/tools/genpack.py 3000 30 "$TMP/big.xml" big
  lo=10000; hi=400000
  while [ $((hi - lo)) -gt 250 ]; do
    mid=$(( (lo + hi) / 2 ))
    if ( ulimit -v $mid; $SP --version ) >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
  done
  failed=0
  for extra in 2000 4000 6000 9000 12000 16000 20000 26000 33000 40000; do
    kb=$((hi + extra))
    ( ulimit -v $kb; $SP build "$TMP/big.xml" -o "$TMP/oom" >/dev/null 2>"$TMP/err"; echo $? >"$TMP/rc" )
    rc=$(cat "$TMP/rc")
    if [ "$rc" = 3 ] && grep -q "error: out of memory" "$TMP/err"; then ok "out of memory at start+${extra} KiB: exit 3, \"$(head -n 1 "$TMP/err" | sed 's/.*error: //')\""; failed=$((failed + 1));
    elif [ "$rc" = 0 ]; then ok "out of memory at start+${extra} KiB: enough memory after all";
    else not_ok "out of memory at start+${extra} KiB: exit 3 and 'out of memory'" "exit $rc: $(head -c 300 "$TMP/err")"; fi
  done
  [ "$failed" -ge 3 ] && ok "out of memory: $failed of 10 limits ran out (the test reaches the failure paths)" \
    || not_ok "out of memory: the limits ran out" "only $failed of 10 failed; start at $hi KiB"
  expect_eq "out of memory: no temporary files" "" "$(find "$TMP/oom" -name '.*' -type f 2>/dev/null)"
  for f in "$TMP"/oom/big/*.pdf; do
    [ -e "$f" ] || continue
    qpdf --check "$f" >/dev/null 2>&1 && ok "out of memory: $(basename "$f") left whole" || not_ok "out of memory: $(basename "$f") left whole"
  done
else
  ok "out of memory tests: skipped under sanitizers/valgrind (they reserve address space)"
fi

# Ctrl-C during a build: no temporary file, and the PDF is whole: the
# previous one, or the new one if the interrupt came after it was in place
python3 tests/tools/genpack.py 6000 30 "$TMP/intr.xml" intr
$SP build "$TMP/intr.xml" -o "$TMP/ib" --only flashcards 2>/dev/null
cp "$TMP/ib/intr/flashcards.pdf" "$TMP/intr-before.pdf"
sed -i 's/case 1?/case one?/' "$TMP/intr.xml"
$SP build "$TMP/intr.xml" -o "$TMP/ib-new" --only flashcards 2>/dev/null
$SP build "$TMP/intr.xml" -o "$TMP/ib" --only flashcards 2>/dev/null &
pid=$!
sleep 0.3
kill -INT $pid 2>/dev/null; wait $pid; rc=$?
[ $rc -ne 0 ] && ok "interrupted build exits non-zero ($rc)" || ok "build finished before the interrupt"
expect_eq "interrupted build: no temporary files" "" "$(ls -A "$TMP/ib/intr" | grep '^\.')"
if cmp -s "$TMP/intr-before.pdf" "$TMP/ib/intr/flashcards.pdf" ||
   cmp -s "$TMP/ib-new/intr/flashcards.pdf" "$TMP/ib/intr/flashcards.pdf"; then
  ok "interrupted build: the PDF is the previous or the new one, whole"
else
  not_ok "interrupted build: the PDF is the previous or the new one, whole"
fi
