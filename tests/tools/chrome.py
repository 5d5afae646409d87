#!/usr/bin/env python3
"""chrome.py POT PO SOURCE TEXT: checks that TEXT (pdftotext output of a
pack's PDFs) holds no English word the tool itself adds: the words of the
catalogue's msgids used on booklet and card pages (po/studypack.pot) and
the English weekday and month names, less the words the language's own
translations (PO) or the pack's source (SOURCE) use too (a German
"Interview" is German).  Prints each English word found; exits 1 if any."""
import re, sys

def entries(path):
    text = open(path, encoding="utf-8").read()
    for block in text.split("\n\n"):
        refs = " ".join(l for l in block.split("\n") if l.startswith("#:"))
        def field(name):
            m = re.search(r'^%s ((?:"(?:[^"\\]|\\.)*"\s*)+)' % name, block, re.M)
            if not m:
                return None
            return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))).replace('\\"', '"')
        strs = [field("msgstr")] + [field("msgstr\\[%d\\]" % i) for i in range(6)]
        yield refs, field("msgid"), field("msgid_plural"), [s for s in strs if s]

word = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
pot, po, source, text = sys.argv[1:5]
english = set()
for refs, mid, plural, _ in entries(pot):
    if not mid or not re.search(r"src/(booklet|cards|msg|build|pocket|mock)", refs):
        continue
    for s in (mid, plural or ""):
        english.update(w for w in word.findall(re.sub(r"\{\d\}", " ", s)) if len(w) >= 3)
english.update("Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
               "Mon Tue Wed Thu Fri Sat Sun January February March April "
               "June July August September October November December Jan "
               "Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec".split())
own = set()
for _, _, _, strs in entries(po):
    for s in strs:
        own.update(word.findall(s))
own.update(word.findall(open(source, encoding="utf-8").read()))
found = sorted(w for w in set(word.findall(open(text, encoding="utf-8").read()))
               if w in english and w not in own)
for w in found:
    print("English word on a page:", w)
sys.exit(1 if found else 0)
