#!/usr/bin/env bash
# Bad sources: the exact diagnostics (golden files) and exit status, each
# answered within a few seconds.  Good sources: every file in sources/ and
# tests/good validates silently.
. "$(dirname "$0")/lib.sh"

for src in tests/bad/*.xml; do
  name=$(basename "$src" .xml)
  start=$(date +%s%N)
  timeout 10 $SP validate "$src" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  { cat "$TMP/err"; echo "exit: $rc"; } >"$TMP/got"
  expect_file "bad/$name: diagnostics" "tests/bad/$name.expected" "$TMP/got"
  expect_eq "bad/$name: prints nothing on stdout" "" "$(cat "$TMP/out")"
  if [ -z "${SP_WRAP:-}" ] && [ "$ms" -gt 3000 ]; then
    not_ok "bad/$name: answered in under 3 s" "took ${ms} ms"
  fi
done

# (validate makes build's checks: a long answer continued on a follow-on
# card is a warning there, as in build, not an error)
for src in sources/*.xml sources/banks/*.xml tests/good/*.xml; do
  [ -f "$src" ] || continue
  $SP validate "$src" >"$TMP/out" 2>&1
  rc=$?
  expect_eq "valid: $src" "0:" "$rc:$(grep -v ': warning: question .* does not fit on one card\|^In file included from \|^  *\(and \)\?from ' "$TMP/out")"
done

# all diagnostics, not just the first; several files at once
$SP validate tests/bad/schema-errors.xml tests/bad/dangling-refs.xml 2>"$TMP/err"
expect_eq "several files: every problem reported" "7" "$(grep -c ': error: ' "$TMP/err")"

# exit status: usage errors and system errors
$SP validate >/dev/null 2>&1; expect_eq "no FILE is a usage error" 2 $?
$SP validate --bogus x.xml >/dev/null 2>&1; expect_eq "unknown option is a usage error" 2 $?
$SP frobnicate >/dev/null 2>&1; expect_eq "unknown command is a usage error" 2 $?
$SP validate "$TMP/does-not-exist.xml" 2>"$TMP/err"; rc=$?
expect_eq "missing file is a system error (3)" "3" "$rc"
expect_eq "missing file message" "$TMP/does-not-exist.xml: error: cannot open: No such file or directory" "$(cat "$TMP/err")"
if [ "$(id -u)" != 0 ]; then
  :
else
  ok "unreadable file: skipped as root (root reads anything)"
fi
$SP --version >"$TMP/v"; expect_eq "--version" "0" "$?"
grep -q '^studypack [0-9]' "$TMP/v" && ok "--version prints the version" || not_ok "--version prints the version"
$SP --help >"$TMP/h" && grep -q 'validate' "$TMP/h" && ok "--help lists commands" || not_ok "--help lists commands"
$SP validate --help >"$TMP/h" && grep -q 'usage: studypack validate' "$TMP/h" && ok "validate --help" || not_ok "validate --help"

# colour: never when not a terminal or with NO_COLOR
$SP validate tests/bad/empty.xml 2>"$TMP/err"
if grep -q $'\033' "$TMP/err"; then not_ok "no colour when stderr is not a terminal"; else ok "no colour when stderr is not a terminal"; fi
if command -v script >/dev/null; then
  NO_COLOR= script -qec "$PWD/$BUILD/studypack validate tests/bad/empty.xml" /dev/null </dev/null >"$TMP/tty" 2>&1
  grep -q $'\033\[' "$TMP/tty" && ok "colour on a terminal" || not_ok "colour on a terminal" "$(cat -v "$TMP/tty")"
  NO_COLOR=1 script -qec "$PWD/$BUILD/studypack validate tests/bad/empty.xml" /dev/null </dev/null >"$TMP/tty" 2>&1
  grep -q $'\033\[' "$TMP/tty" && not_ok "NO_COLOR disables colour" || ok "NO_COLOR disables colour"
fi
