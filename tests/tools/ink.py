#!/usr/bin/env python3
"""ink.py PDF [FIRST LAST]: checks that every word pdftotext finds in PDF
is visibly drawn: each word's box, in a rendering of its page, holds dark
pixels.  Catches glyphs lost from an embedded font subset (text that is
extractable but prints as nothing).  Prints the words without ink and
exits 1 if there are any."""
import os, re, subprocess, sys, tempfile

pdf = sys.argv[1]
first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
last = int(sys.argv[3]) if len(sys.argv) > 3 else 9999
DPI = 100
tmp = tempfile.mkdtemp()
html = os.path.join(tmp, "b.html")
subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), pdf, html], check=True)
subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(first), "-l", str(last), pdf,
                os.path.join(tmp, "p")], check=True)
pages = sorted(f for f in os.listdir(tmp) if f.endswith(".pgm"))

def read_pgm(path):
    data = open(path, "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]

text = open(html, encoding="utf-8").read()
missing, words = [], 0
for pi, page in enumerate(re.findall(r"<page .*?</page>", text, re.S)):
    w, h, px = read_pgm(os.path.join(tmp, pages[pi]))
    k = DPI / 72.0
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page):
        x0, y0, x1, y1 = (float(v) * k for v in m.groups()[:4])
        word = m.group(5)
        words += 1
        # CJK ideographs are one em wide each: check every one of them;
        # other words as a whole
        if word and all(ord(c) >= 0x2E80 for c in word):
            step = (x1 - x0) / len(word)
            boxes = [(x0 + i * step, x0 + (i + 1) * step, c) for i, c in enumerate(word)]
        else:
            boxes = [(x0, x1, word)]
        for bx0, bx1, what in boxes:
            ink = 0
            for y in range(max(0, int(y0)), min(h, int(y1) + 1)):
                row = px[y * w:(y + 1) * w]
                ink += sum(1 for v in row[max(0, int(bx0) + 1):min(w, int(bx1))] if v < 160)
                if ink:
                    break
            if not ink:
                missing.append("page %d: %s" % (first + pi, what))
for m in missing:
    print("no ink:", m)
print("%d words checked, %d without ink" % (words, len(missing)))
sys.exit(1 if missing else 0)
