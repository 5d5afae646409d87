#!/usr/bin/env bash
# make bench: speed and memory of whole builds on generated packs.
# Reports wall time (best of 3), peak memory (max RSS) and bytes per card.
set -u
cd "$(dirname "$0")/.."
SP=$PWD/build/studypack
B=$(mktemp -d); trap 'rm -rf "$B"' EXIT
measure() {  # label, command...: best wall time of 3 runs and max RSS
  local label=$1; shift
  local best=999999 rss=0
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$B/t" "$@" >/dev/null 2>"$B/err" || { echo "FAILED: $label"; cat "$B/err"; return 1; }
    read t m <"$B/t"
    best=$(awk -v a="$best" -v b="$t" 'BEGIN {print (b < a) ? b : a}')
    [ "$m" -gt "$rss" ] && rss=$m
  done
  LAST_T=$best LAST_MIB=$(awk -v k="$rss" 'BEGIN {printf "%.1f", k/1024}')
  printf '%-44s %7.2f s %8.1f MiB' "$label" "$best" "$LAST_MIB"
}
# target LABEL OK: prints "  target: LABEL: met|MISSED"
target() { printf '  target %-52s %s\n' "$1" "$([ "$2" = 1 ] && echo met || echo MISSED)"; }
# the peer: the same cards laid out by ReportLab (tests/tools/reportlab_cards.py)
PEER=/usr/bin/python3
peer_ok=0
"$PEER" -c 'import reportlab' 2>/dev/null && peer_ok=1
echo "studypack bench ($(nproc) cores)"
echo "== flashcards: A4, 90x60mm cards (3x3 per A4 sheet), 3-5 bullet points per back"
# --min-size 6.5: the reference layout's density (one card per question,
# as the peers set it); the default 8pt reading size would make two
for n in 100 1000 10000; do
  python3 tests/tools/genpack.py $n 90 "$B/p$n.xml"
  measure "flashcards, $n questions, 90x60mm" $SP build "$B/p$n.xml" -o "$B/out" --only flashcards --card 90x60mm --min-size 6.5
  pdf=$B/out/bench-$n/flashcards.pdf
  cards=$(grep -c '<question ' "$B/p$n.xml")
  bpc=$(( $(stat -c %s "$pdf") / cards ))
  printf '  %6d B/card (%d bytes)\n' "$bpc" "$(stat -c %s "$pdf")"
  ours=$LAST_T
  case $n in
    100) target "<= 450 bytes per card at 100 cards ($bpc)" "$([ "$bpc" -le 450 ] && echo 1)" ;;
    10000) target "<= 350 bytes per card at 10,000 cards ($bpc)" "$([ "$bpc" -le 350 ] && echo 1)"
           target "peak memory < 40 MiB at 10,000 cards ($LAST_MIB MiB)" \
             "$(awk -v m="$LAST_MIB" 'BEGIN {print (m < 40) ? 1 : 0}')" ;;
  esac
  if [ "$peer_ok" = 1 ] && [ "$n" != 100 ]; then
    # one run of the peer (it takes tens of seconds at 10,000 cards)
    /usr/bin/time -f "%e %M" -o "$B/t" "$PEER" tests/tools/reportlab_cards.py "$B/p$n.xml" "$B/rl.pdf" \
      /usr/share/fonts/truetype/dejavu 2>"$B/err" || { echo "FAILED: ReportLab"; cat "$B/err"; }
    read t m <"$B/t"
    ratio=$(awk -v a="$t" -v b="$ours" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}')
    printf '%-44s %7.2f s %8.1f MiB  %6d B/card\n' "  peer: ReportLab, the same cards" "$t" \
      "$(awk -v k="$m" 'BEGIN {print k/1024}')" $(( $(stat -c %s "$B/rl.pdf") / cards ))
    target "at least 15x faster than ReportLab at $n cards (${ratio}x)" \
      "$(awk -v r="$ratio" 'BEGIN {print (r >= 15) ? 1 : 0}')"
  fi
done
echo "== the total-fit line breaker's cost (the same builds, first fit)"
for n in 1000 10000; do
  measure "flashcards, $n questions, first-fit" $SP build "$B/p$n.xml" -o "$B/out" --only flashcards --card 90x60mm --min-size 6.5 --line-breaking first-fit
  echo
done
echo "== booklet: 90-day timeline, 1,000 questions"
if $SP build --help | grep -q timeline; then
  measure "timeline + booklet, 1000 q, 90 days" $SP build "$B/p1000.xml" -o "$B/out" --only timeline --interview-date 2027-03-01
  echo
fi
echo "== batch: 100 packs of 10 questions"
mkdir -p "$B/many"
for i in $(seq 1 100); do python3 tests/tools/genpack.py 10 28 "$B/many/pack-$i.xml" "pack-$i"; done
for j in 1 2; do
  rm -rf "$B/bout"
  start=$(date +%s.%N)
  /usr/bin/time -f "%e %M" -o "$B/t" $SP batch -q -j $j "$B/many" -o "$B/bout" 2>/dev/null
  read t m <"$B/t"
  printf '%-44s %7.2f s %8.1f MiB\n' "batch -j $j, 100 packs (first run)" "$t" "$(awk -v k="$m" 'BEGIN {print k/1024}')"
  [ "$j" = 2 ] && target "100 packs with -j 2 in under 1 s (${t} s)" "$(awk -v t="$t" 'BEGIN {print (t < 1) ? 1 : 0}')"
done
measure "batch -j 2, 100 packs unchanged (re-run)" $SP batch -q -j 2 "$B/many" -o "$B/bout"
echo
# the same first run with the output on tmpfs: the tool's own time, without
# the disk's (on this project's machine, an ext4 without a journal, creating
# and syncing 600 files costs 0.3-0.8 s, more the more files were deleted
# in the last minutes)
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  S=$(mktemp -d /dev/shm/spbench.XXXXXX)
  /usr/bin/time -f "%e %M" -o "$B/t" $SP batch -q -j 2 "$B/many" -o "$S/bout" 2>/dev/null
  read t m <"$B/t"
  rm -rf "$S"
  printf '%-44s %7.2f s %8.1f MiB\n' "batch -j 2, 100 packs, output on tmpfs" "$t" "$(awk -v k="$m" 'BEGIN {print k/1024}')"
fi
