#!/usr/bin/env bash
# make_apkg.sh OUT.apkg [KIND]: builds an Anki package the way Anki's
# schema-11 export lays it out, with the sqlite3 and zip programs.
#   KIND=deck (default): a Basic note type and a Cloze one, decks
#     "System Design Primer" with sub-decks, field HTML of every kind we
#     map (b i u code br div ul ol li img, entities, a table, a sound), a
#     cloze with a hint, tags, and an image in the media map.
#   KIND=notanki: a SQLite file without Anki's tables.
#   KIND=anki21b: a newer export (collection.anki21b and the stub).
set -eu
out=$1; kind=${2:-deck}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
case "$kind" in
notanki)
  sqlite3 "$dir/collection.anki2" "CREATE TABLE photos (id integer primary key, name text); INSERT INTO photos VALUES (1, 'x');"
  (cd "$dir" && zip -q -X pkg.zip collection.anki2); mv "$dir/pkg.zip" "$out"; exit 0 ;;
anki21b)
  sqlite3 "$dir/collection.anki2" "CREATE TABLE col (id integer); CREATE TABLE notes (id integer); CREATE TABLE cards (id integer);"
  printf '\x28\xb5\x2f\xfd zstd data' >"$dir/collection.anki21b"
  printf '\x28\xb5\x2f\xfd' >"$dir/media"
  (cd "$dir" && zip -q -X pkg.zip collection.anki2 collection.anki21b media); mv "$dir/pkg.zip" "$out"; exit 0 ;;
esac
US=$(printf '\037')
models='{"1001": {"id": 1001, "name": "Basic", "type": 0, "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}], "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{Back}}"}]},
         "1002": {"id": 1002, "name": "Cloze", "type": 1, "flds": [{"name": "Text", "ord": 0}, {"name": "Back Extra", "ord": 1}], "tmpls": [{"name": "Cloze", "ord": 0, "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}"}]}}'
decks='{"1": {"id": 1, "name": "Default"}, "2001": {"id": 2001, "name": "System Design Primer"},
        "2002": {"id": 2002, "name": "System Design Primer::Caching"}, "2003": {"id": 2003, "name": "System Design Primer::Scaling out"}}'
q() { printf "%s" "$1" | sed "s/'/''/g"; }
f1="What does a <b>CDN</b>&nbsp;do?"
b1="<div>It serves <i>static</i> content from edge servers.</div><div><br></div><ul><li>Push CDNs</li><li>Pull CDNs <u>cache on first request</u></li></ul><img src=\"cdn.png\"><table><tr><td>edge</td><td>origin</td></tr></table>[sound:cdn.mp3]"
f2="{{c1::Redis::a store}} keeps data in {{c2::memory}}; use <code>EXPIRE</code> for TTLs."
b2="Also see <b>Memcached</b>."
f3="Write-through vs write-back?"
b3=$'<ol><li>Write-through: cache and DB together</li><li>Write-back: DB later &lt;async&gt;</li></ol><pre>put(k, v)\n  cache[k] = v</pre>'
f4="Horizontal scaling?"
b4="Add machines behind a load balancer.<br>Needs stateless services."
sqlite3 "$dir/collection.anki2" <<SQL
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
INSERT INTO col VALUES (1, 1600000000, 1600000000000, 1600000000000, 11, 0, 0, 0, '{}', '$(q "$models")', '$(q "$decks")', '{}', '{}');
INSERT INTO notes VALUES (1, 'f#Q8[x+Ab', 1001, 1, -1, ' cdn Networking::Edge ', '$(q "$f1")$US$(q "$b1")', '', 0, 0, '');
INSERT INTO notes VALUES (2, 'Gk%2p;MzQ1', 1002, 1, -1, ' caching redis difficulty:easy ', '$(q "$f2")$US$(q "$b2")', '', 0, 0, '');
INSERT INTO notes VALUES (3, 'b9V!q0rT', 1001, 1, -1, ' caching ', '$(q "$f3")$US$(q "$b3")', '', 0, 0, '');
INSERT INTO notes VALUES (4, 'zz7(Y}aa', 1001, 1, -1, '', '$(q "$f4")$US$(q "$b4")', '', 0, 0, '');
INSERT INTO cards VALUES (11, 1, 2001, 0, 1, -1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, '');
INSERT INTO cards VALUES (12, 2, 2002, 0, 1, -1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, '');
INSERT INTO cards VALUES (13, 2, 2002, 1, 1, -1, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, '');
INSERT INTO cards VALUES (14, 3, 2002, 0, 1, -1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, '');
INSERT INTO cards VALUES (15, 4, 2003, 0, 1, -1, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, '');
SQL
# a 4x3 red PNG as media file "0"
python3 - "$dir/0" <<'PY'
import struct, sys, zlib
w, h = 4, 3
raw = b"".join(b"\0" + b"\xff\x00\x00" * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
      + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
printf '{"0": "cdn.png"}' >"$dir/media"
(cd "$dir" && zip -q -X pkg.zip collection.anki2 media 0)
mv "$dir/pkg.zip" "$out"
