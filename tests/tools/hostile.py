#!/usr/bin/env python3
"""hostile.py KIND OUT: hostile inputs for `studypack import`.
  bomb       a zip whose collection.anki2 inflates to 200 MiB of zeros
  dotdot     an Anki package with an entry named ../../evil.txt
  media-dotdot  a package whose media map names ../escape.png
  notsqlite  collection.anki2 holds text, not SQLite
  truncated  the first half of a real zip
  hugefield  a CSV row with a 20,000-byte answer (others are fine)
  badutf8    a CSV with a Latin-1 byte on line 3
  unclosed   a CSV whose quoted field never closes
  binary     bytes that are no known format
  deep       a CSV field of 1,400 nested <div>s (and a normal row)
  badutf8-apkg  an Anki package with a note that is not UTF-8 (and a good one)
"""
import io, sys, zipfile

kind, out = sys.argv[1], sys.argv[2]

def sqlite_anki(bad=False):
    import sqlite3, tempfile, os
    fd, path = tempfile.mkstemp(); os.close(fd)
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE col (id, models, decks); CREATE TABLE notes (id, guid, mid, tags, flds);"
                     "CREATE TABLE cards (id, nid, did, ord);"
                     "INSERT INTO col VALUES (1, '{}', '{}');"
                     "INSERT INTO notes VALUES (1, 'g', 1, '', 'Q <img src=\"x.png\">' || char(31) || 'A');")
    if bad:
        db.execute("INSERT INTO notes VALUES (2, 'h', 1, '', CAST(X'4361C3FF3F1F41' AS TEXT))")
    db.commit(); db.close()
    data = open(path, "rb").read(); os.unlink(path)
    return data

if kind == "bomb":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("collection.anki2", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                f.write(block)
elif kind == "dotdot":
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("collection.anki2", sqlite_anki())
        z.writestr("../../evil.txt", "gotcha")
elif kind == "media-dotdot":
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("collection.anki2", sqlite_anki())
        z.writestr("media", '{"0": "../x.png"}')
        z.writestr("0", b"\x89PNG\r\n\x1a\n")
elif kind == "notsqlite":
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("collection.anki2", "this is not a database\n" * 10)
elif kind == "truncated":
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", sqlite_anki())
    data = buf.getvalue()
    open(out, "wb").write(data[: len(data) // 2])
elif kind == "hugefield":
    open(out, "w").write("question,answer\nShort?,Fine.\nHuge?," + "x" * 20000 + "\nAfter?,Also fine.\n")
elif kind == "badutf8":
    open(out, "wb").write(b"question,answer\nOne?,Yes.\nCaf\xe9?,Latin-1.\n")
elif kind == "unclosed":
    open(out, "w").write('question,answer\nOne?,"Yes.\nTwo?,No.\n')
elif kind == "badutf8-apkg":
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("collection.anki2", sqlite_anki(bad=True))
elif kind == "deep":
    open(out, "w").write("question,answer\nDeep?," + "<div>" * 1400 + "x" + "</div>" * 1400 + "\nFine?,Yes.\n")
elif kind == "binary":
    open(out, "wb").write(bytes(range(256)) * 4)
else:
    sys.exit("unknown kind " + kind)
