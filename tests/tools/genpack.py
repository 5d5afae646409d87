#!/usr/bin/env python3
"""genpack.py N DAYS OUT.xml [ID]: writes a synthetic pack of N questions
(prompt front, 3-5 bullet points back) with a DAYS-day timeline, for
benchmarks and stress tests.  Deterministic: the same arguments give the
same file."""
import sys

n, days, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pid = sys.argv[4] if len(sys.argv) > 4 else "bench-%d" % n
words = ("cache queue shard replica leader quorum token bucket index "
         "latency throughput partition consistency retry backoff idempotent "
         "schema migration gateway service").split()
def sentence(i, k):
    return " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(k))
lines = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<studypack version="1" id="%s">' % pid,
         '  <meta><company>Bench</company><role>Engineer %d</role></meta>' % n,
         '  <process><round id="design" name="System design"><p>Design.</p></round>'
         '<round id="coding" name="Coding"/></process>',
         '  <questions>']
for i in range(n):
    diff = ("easy", "medium", "hard")[i % 3]
    rnd = ("design", "coding")[i % 2]
    lines.append('    <question id="q%d" round="%s" difficulty="%s">' % (i, rnd, diff))
    lines.append('      <prompt>How would you design the %s for case %d?</prompt>' % (sentence(i, 4), i))
    lines.append('      <answer><ul>')
    for b in range(3 + i % 3):
        lines.append('        <li>%s: <strong>%s</strong> with %s.</li>' % (
            sentence(i + b, 5).capitalize(), sentence(i * b + 1, 2), sentence(i + 2 * b, 6)))
    lines.append('      </ul></answer>')
    lines.append('      <followup>What fails first at ten times the load?</followup>')
    lines.append('    </question>')
lines.append('  </questions>')
phases = max(1, days // 30)
lines.append('  <timeline>')
left = days
for p in range(phases):
    d = left if p == phases - 1 else days // phases
    left -= d
    named = " ".join("q%d" % i for i in range(p, min(n, 40), phases))
    lines.append('    <phase id="p%d" title="Phase %d" days="%d">' % (p, p + 1, d))
    lines.append('      <task kind="study" questions="%s">Study block %d</task>' % (named, p + 1))
    lines.append('      <task kind="practice">Practice block %d</task>' % (p + 1))
    lines.append('      <task kind="rest">Rest</task>')
    lines.append('    </phase>')
lines.append('  </timeline>')
lines.append('</studypack>')
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
