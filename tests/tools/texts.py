#!/usr/bin/env python3
"""texts.py SOURCE TEXTFILE: checks that TEXTFILE (pdftotext -raw output)
contains every prompt, answer paragraph, list item, code line and
follow-up of SOURCE (banks included).  White space and the code-wrap marker
are ignored, since the PDF breaks lines where the source does not.  Prints
what is missing; exits 1 if anything is."""
import sys
import xml.etree.ElementTree as ET
from xml.etree import ElementInclude
import os

def loader(base):
    def load(href, parse, encoding=None):
        path = os.path.join(base, href)
        tree = ET.parse(path)
        root = tree.getroot()
        ElementInclude.include(root, loader=loader(os.path.dirname(path)))
        return root
    return load

def squash(s):
    return "".join(s.replace("\u21aa", "").split())

src = sys.argv[1]
with open(sys.argv[2], encoding="utf-8") as f:
    pdf = squash(f.read())
wanted = []
print = wanted.append
root = ET.parse(src).getroot()
ElementInclude.include(root, loader=loader(os.path.dirname(src)))
for q in root.iter("question"):
    print(squash("".join(q.find("prompt").itertext())))
    for el in q.find("answer").iter():
        if el.tag in ("p", "li"):
            print(squash("".join(el.itertext())))
        elif el.tag == "pre":
            for line in (el.text or "").splitlines():
                if line.strip():
                    print(squash(line))
    for f in q.findall("followup"):
        print(squash("".join(f.itertext())))

missing = [w for w in wanted if w not in pdf]
for m in missing:
    sys.stdout.write("missing: %s\n" % m)
sys.stdout.write("%d texts checked, %d missing\n" % (len(wanted), len(missing)))
sys.exit(1 if missing else 0)
