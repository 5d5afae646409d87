# tests/lib.sh - shared helpers for the shell suites; emits TAP lines.
# Source it from tests/t_*.sh.  $SP runs studypack (under valgrind when
# VALGRIND=1); $TMP is a scratch folder removed at exit.
set -u
cd "${SP_ROOT:-$(dirname "${BASH_SOURCE[0]}")/..}"
BUILD=${BUILD:-build}
SP="${SP_WRAP:-} $PWD/$BUILD/studypack"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export NO_COLOR=1

ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
  local name=$1; shift
  if "$@" >"$TMP/.out" 2>&1; then ok "$name"
  else not_ok "$name" "command: $*" "$(head -c 2000 "$TMP/.out")"; fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"
  else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# expect_file NAME GOLDEN ACTUAL-FILE: compares with a golden file;
# UPDATE_GOLDEN=1 rewrites the golden file instead.
expect_file() {
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$3" "$2"; ok "$1 (golden updated)"; return; fi
  if diff -u "$2" "$3" >"$TMP/.diff" 2>&1; then ok "$1"
  else not_ok "$1" "$(head -c 3000 "$TMP/.diff")"; fi
}
