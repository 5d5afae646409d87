#!/usr/bin/env python3
"""figcolors.py DUMP PDF NAME=R,G,B[,half] ...: checks that every figure of
a studypack dump prints in its colour where the dump places it.

DUMP is `studypack build --dump` output of the same build as PDF.  Each
"figure" item is mapped through its sheet placement (translation, 180
degree turns) onto its output page, PDF is rendered with pdftoppm at 72
dpi (one pixel per point) and the pixels at the figure's centre (or, for
"half" images, opaque on the left half and transparent on the right, at
one and three quarters of its width) are compared with the expected
colour (the right half of a half image must show the white paper).  Also
checks that every figure's box lies inside its logical page and that no
text line or rule of its page reaches into it (text taken from 0.75 of
its size above the baseline to 0.2 below).  NAME is the
image file's base name.  Prints one line per figure; exits 1 on any
mismatch."""
import os, re, subprocess, sys, tempfile

TOL = 40

def parse_dump(path):
    pages, sheets, cur = [], [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"page (\d+) size=([\d.]+)x([\d.]+)", line)
        if m:
            cur = {"w": float(m.group(2)), "h": float(m.group(3)), "figs": []}
            pages.append(cur)
            continue
        m = re.match(r"sheet (\d+) size=([\d.]+)x([\d.]+)", line)
        if m:
            cur = None
            sheets.append({"w": float(m.group(2)), "h": float(m.group(3)), "places": []})
            continue
        m = re.match(r'\s+figure "(.*)" (\d+)x(\d+)px at ([-\d.]+),([-\d.]+) size=([\d.]+)x([\d.]+)', line)
        if m and cur is not None:
            cur["figs"].append((m.group(1), float(m.group(4)), float(m.group(5)),
                                float(m.group(6)), float(m.group(7))))
            continue
        m = re.match(r'\s+text \w+ ([\d.]+) at ([-\d.]+),([-\d.]+) ', line)
        if m and cur is not None:
            size, y = float(m.group(1)), float(m.group(3))
            cur.setdefault("bands", []).append((y - 0.75 * size, y + 0.2 * size, line.strip()))
            continue
        m = re.match(r'\s+line ([-\d.]+),([-\d.]+) to ([-\d.]+),([-\d.]+) ', line)
        if m and cur is not None:
            y1, y2 = float(m.group(2)), float(m.group(4))
            cur.setdefault("bands", []).append((min(y1, y2), max(y1, y2), line.strip()))
            continue
        m = re.match(r"\s+place page=(\d+) at ([-\d.]+),([-\d.]+) rotate=(\d+)", line)
        if m:
            sheets[-1]["places"].append((int(m.group(1)), float(m.group(2)),
                                         float(m.group(3)), int(m.group(4))))
    return pages, sheets

def read_ppm(path):
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    return int(m.group(1)), int(m.group(2)), data[m.end():]

def main():
    dump, pdf = sys.argv[1], sys.argv[2]
    want = {}
    for spec in sys.argv[3:]:
        name, v = spec.split("=")
        parts = v.split(",")
        want[name] = (tuple(int(x) for x in parts[:3]), len(parts) > 3 and parts[3] == "half")
    pages, sheets = parse_dump(dump)
    # output page -> list of (logical page, transform)
    out = []
    if sheets:
        for s in sheets:
            out.append((s["h"], [(pages[p], x, y, r) for p, x, y, r in s["places"]]))
    else:
        for p in pages:
            out.append((p["h"], [(p, 0.0, 0.0, 0)]))
    tmp = tempfile.mkdtemp()
    subprocess.run(["pdftoppm", "-r", "72", pdf, os.path.join(tmp, "s")], check=True)
    files = sorted(f for f in os.listdir(tmp) if f.endswith(".ppm"))
    if len(files) != len(out):
        print("PDF has %d pages, the dump %d" % (len(files), len(out)))
        return 1
    bad = seen = 0
    for k, (sheet_h, placed) in enumerate(out):
        w, h, px = read_ppm(os.path.join(tmp, files[k]))
        def at(x, y):
            xi, yi = int(x), int(y)
            i = (yi * w + xi) * 3
            return tuple(px[i:i + 3])
        for page, ox, oy, rot in placed:
            for name, fx, fy, fw, fh in page["figs"]:
                seen += 1
                base = os.path.basename(name)
                if fx < -0.01 or fy < -0.01 or fx + fw > page["w"] + 0.01 or fy + fh > page["h"] + 0.01:
                    print("not inside its page: %s on page %d" % (base, k + 1))
                    bad += 1
                for top, bottom, what in page.get("bands", []):
                    if bottom > fy + 0.01 and top < fy + fh - 0.01:
                        print("overlaps %s: %s on page %d" % (what, base, k + 1))
                        bad += 1
                if base not in want:
                    print("no expected colour for %s" % base)
                    bad += 1
                    continue
                colour, half = want[base]
                probes = [(0.25, colour), (0.75, (255, 255, 255))] if half else [(0.5, colour)]
                for frac, exp in probes:
                    lx, ly = fx + fw * frac, fy + fh / 2
                    if rot == 180:
                        sx, sy = ox + page["w"] - lx, oy + page["h"] - ly
                    else:
                        sx, sy = ox + lx, oy + ly
                    got = at(sx, sy)
                    ok = all(abs(a - b) <= TOL for a, b in zip(got, exp))
                    print("%s %s at %.0f%% on page %d: %s, expected %s" %
                          ("ok" if ok else "WRONG", base, frac * 100, k + 1, got, exp))
                    bad += not ok
    print("%d figures checked, %d problems" % (seen, bad))
    return 1 if bad or not seen else 0

sys.exit(main())
