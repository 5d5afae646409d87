#!/usr/bin/env bash
# Runs the whole suite and ends with one line "N passed, M failed".
# Every test speaks TAP: cmocka binaries (CMOCKA_MESSAGE_OUTPUT=TAP) and the
# shell suites tests/t_*.sh (through tests/lib.sh).  VALGRIND=1 runs every
# program under valgrind and fails a test on any memory error or leak.
set -u
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
export SP_ROOT=$PWD
export CMOCKA_MESSAGE_OUTPUT=TAP
export LC_ALL=C.UTF-8
unset NO_COLOR
if [ "${VALGRIND:-0}" = 1 ]; then
  export SP_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
else
  export SP_WRAP=""
fi
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  echo "# $t"
  $SP_WRAP "$t" 2>&1 | tee -a "$log" | grep -E '^(not )?ok|^#' 
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ] && ! grep -q "^not ok" <(tail -n 50 "$log"); then
    echo "not ok - $t exited with $rc" | tee -a "$log"
  fi
done
for s in tests/t_*.sh; do
  echo "# $s"
  bash "$s" 2>&1 | tee -a "$log" | grep -E '^(not )?ok|^#'
done
pass=$(grep -c '^ok' "$log")
fail=$(grep -c '^not ok' "$log")
grep '^not ok' "$log" | sed 's/^/FAILED: /'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
