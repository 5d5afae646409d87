#!/usr/bin/env bash
# The CLI as documented: every option of every --help is in the man page,
# and `make install` gives a program that works from any folder.
. "$(dirname "$0")/lib.sh"

for cmd in validate build batch plan calibrate import export; do
  $SP $cmd --help >"$TMP/help" 2>&1
  expect_eq "$cmd --help exits 0" 0 $?
  missing=""
  for opt in $(grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u); do
    grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" man/studypack.1 || missing="$missing $opt"
  done
  expect_eq "$cmd: every --help option is in studypack(1)" "" "$missing"
done
for cmd in validate build batch plan calibrate import export; do
  grep -q "^\.BI\? \"\?$cmd" man/studypack.1 && ok "studypack(1) documents $cmd" || not_ok "studypack(1) documents $cmd"
done

# make install honours PREFIX and DESTDIR; the installed program finds its
# fonts and needs no source tree
make -s install PREFIX=/opt/sp DESTDIR="$TMP/root" BUILD="$BUILD" >/dev/null 2>&1
for f in opt/sp/bin/studypack opt/sp/share/studypack/studypack.xsd opt/sp/share/studypack/fonts/fonts.txt \
         opt/sp/share/studypack/fonts/DejaVuSans.ttf opt/sp/share/man/man1/studypack.1; do
  [ -f "$TMP/root/$f" ] && ok "make install: $f" || not_ok "make install: $f"
done
cp -r tests/good "$TMP/srcs"
( cd "$TMP" && env -u STUDYPACK_FONTS "$TMP/root/opt/sp/bin/studypack" build srcs/nested-include.xml -o "$TMP/inst-out" --only flashcards ) 2>"$TMP/err"
expect_eq "installed program builds from another folder" "0:" "$?:$(cat "$TMP/err")"
