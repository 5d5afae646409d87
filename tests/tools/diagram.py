#!/usr/bin/env python3
"""diagram.py OUT.pdf: draws the rate-limiter whiteboard diagram used by
tests/good/figures.xml and the README as a one-page PDF (boxes, arrows,
Helvetica labels).  Render it with

    pdftoppm -png -r 100 -singlefile OUT.pdf tests/good/figures/rate-limiter

(the PNG is committed; this script is how it was made)."""
import sys

W, H = 480, 190
ops = []

def box(x, y, w, h, fill, label, sub=None):
    ops.append("%.3f %.3f %.3f rg 0.2 0.2 0.25 RG 1.5 w %d %d %d %d re B" % (fill + (x, y, w, h)))
    text(x + w / 2, y + h / 2 + (5 if sub else -4), label, 12, bold=True)
    if sub:
        text(x + w / 2, y + h / 2 - 11, sub, 9)

def text(cx, y, s, size, bold=False):
    # Helvetica widths are not needed exactly: centre by an average width
    w = len(s) * size * (0.58 if bold else 0.52)
    ops.append("0.1 0.1 0.15 rg BT /%s %d Tf %.1f %.1f Td (%s) Tj ET" %
               ("F2" if bold else "F1", size, cx - w / 2, y, s))

def arrow(x1, y1, x2, y2, dash=False):
    ops.append("0.25 0.25 0.3 RG 1.5 w %s %d %d m %d %d l S [] 0 d" %
               ("[4 3] 0 d" if dash else "", x1, y1, x2, y2))
    if not dash:
        ops.append("0.25 0.25 0.3 rg %d %d m %d %d l %d %d l f" %
                   (x2, y2, x2 - 8, y2 + 4, x2 - 8, y2 - 4))

ops.append("1 1 1 rg 0 0 %d %d re f" % (W, H))
box(15, 105, 100, 50, (0.85, 0.91, 0.98), "Clients", "apps, partners")
box(175, 105, 130, 50, (1.0, 0.86, 0.70), "Rate limiter", "token bucket per key")
box(365, 105, 100, 50, (0.84, 0.95, 0.84), "Service", "API servers")
box(175, 15, 130, 44, (0.93, 0.90, 0.98), "Redis", "tokens, last refill")
arrow(115, 130, 175, 130)
arrow(305, 130, 365, 130)
arrow(240, 105, 240, 59, dash=True)
text(145, 138, "requests", 8)
text(335, 138, "allowed", 8)
text(282, 78, "INCR / check", 8)
text(240, 170, "429 Too Many Requests when the bucket is empty", 9)

content = "\n".join(ops).encode()
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
     "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (W, H)).encode(),
    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
]
out = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
