#!/usr/bin/python3
"""reportlab_cards.py PACK.xml OUT.pdf FONTDIR: the benchmark's peer.

Lays out the same flashcards as `studypack build --card 90x60mm
--min-size 6.5 --only flashcards` with ReportLab (Debian's
python3-reportlab): A4, 90x60 mm cards, as many as fit in
5 mm margins with 4 mm gaps, a page of fronts (the prompt, centred) then a
page of the backs mirrored for long-edge duplex (the answer's points and
the follow-ups as paragraphs, shrunk from 9.5 pt to fit), DejaVu Sans
embedded, compressed.  It is the work studypack does, written the way a
ReportLab user would write it, so `make bench` can say how far ahead (or
behind) studypack is on this machine in the same run."""
import sys
import xml.etree.ElementTree as ET

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, KeepInFrame

src, out, fontdir = sys.argv[1], sys.argv[2], sys.argv[3]
pdfmetrics.registerFont(TTFont("DejaVu", fontdir + "/DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", fontdir + "/DejaVuSans-Bold.ttf"))
pdfmetrics.registerFont(TTFont("DejaVu-Oblique",
                               fontdir + "/DejaVuSans-Oblique.ttf"))
pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold",
                              italic="DejaVu-Oblique",
                              boldItalic="DejaVu-Bold")


def inline(el):
    """An element's inline content as ReportLab paragraph markup."""
    parts = [escape(el.text or "")]
    for c in el:
        inner = inline(c)
        tag = {"strong": "b", "em": "i"}.get(c.tag)
        parts.append("<%s>%s</%s>" % (tag, inner, tag) if tag else inner)
        parts.append(escape(c.tail or ""))
    return "".join(parts)


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


root = ET.parse(src).getroot()
cards = []
for q in root.iter("question"):
    front = inline(q.find("prompt"))
    back = []
    for block in q.find("answer"):
        if block.tag in ("ul", "ol"):
            back += ["\u2022 " + inline(li) for li in block]
        else:
            back.append(inline(block))
    fus = [inline(f) for f in q.findall("followup")]
    if fus:
        back.append("<b>Follow-ups</b>")
        back += ["\u2022 " + f for f in fus]
    cards.append((front, back))

W, H = A4
cw, ch, margin, gap = 90 * mm, 60 * mm, 5 * mm, 4 * mm
cols = int((W - 2 * margin + gap) // (cw + gap))
rows = int((H - 2 * margin + gap) // (ch + gap))
x0 = (W - (cols * cw + (cols - 1) * gap)) / 2
y0 = (H - (rows * ch + (rows - 1) * gap)) / 2
per = cols * rows
front_style = ParagraphStyle("front", fontName="DejaVu", fontSize=12,
                             leading=14.4, alignment=1)
back_style = ParagraphStyle("back", fontName="DejaVu", fontSize=9.5,
                            leading=11.4)
c = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)


def slot(i, back):
    r, k = divmod(i, cols)
    if back:
        k = cols - 1 - k
    x = x0 + k * (cw + gap)
    y = H - (y0 + r * (ch + gap)) - ch
    return x, y


for first in range(0, len(cards), per):
    sheet = cards[first:first + per]
    for side in (0, 1):
        for i, (front, back) in enumerate(sheet):
            x, y = slot(i, side)
            f = Frame(x, y, cw, ch, leftPadding=5 * mm, rightPadding=5 * mm,
                      topPadding=5 * mm, bottomPadding=5 * mm, showBoundary=0)
            if side == 0:
                f.addFromList([Paragraph(front, front_style)], c)
            else:
                story = [Paragraph(t, back_style) for t in back]
                f.addFromList([KeepInFrame(cw - 10 * mm, ch - 10 * mm, story,
                                           mode="shrink")], c)
        c.showPage()
c.save()
