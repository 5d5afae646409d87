#!/usr/bin/env python3
"""content.py: checks that the packs are cards one can study from and plans
that rest.  Prints one line per problem; exits 1 if there is any.

  content.py words [--max N] [--median M] SOURCE...
      every answer has at most N words outside <pre> (default 80) and the
      median answer of each pack at most M words (default 70).  A word is
      a whitespace-separated token with a letter or digit in it.
  content.py timeline SOURCE...
      every question is named by a study or practice task (so it is
      introduced before the final review); the last review task names every
      question, hard ones first, then medium, then easy; the last task of
      the last phase is a rest task.  Packs for roles with their own
      designs (ML, frontend, mobile) practise only system designs of their
      own file, not shared backend ones.
  content.py fit SOURCE < DIAGNOSTICS
      DIAGNOSTICS is what `studypack build SOURCE` wrote to stderr: nothing
      but warnings that a card continues, and only for answers holding a
      <pre> of at least 8 lines, continued onto at most 2 cards (the code
      on a card of its own); every other answer fits on one card.
  content.py plan NAME < PLAN
      PLAN is `studypack plan` output: the last day (the eve of the
      interview) is a rest day, no more than 6 days in a row go without
      rest (so a rest day comes at least every 7 days), and no mock
      interview falls in the last three days.
"""
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET
from xml.etree import ElementInclude

XI = "{http://www.w3.org/2001/XInclude}include"
OWN_DESIGN_ROLES = ("Machine Learning Engineer", "Frontend Developer",
                    "Mobile Engineer")
problems = []


def problem(msg):
    problems.append(msg)
    sys.stdout.write(msg + "\n")


def loader(base):
    def load(href, parse, encoding=None):
        path = os.path.join(base, href)
        root = ET.parse(path).getroot()
        for q in root.iter("question"):
            q.set("_bank", href)
        ElementInclude.include(root, loader=loader(os.path.dirname(path)))
        return root
    return load


def load(src):
    root = ET.parse(src).getroot()
    ElementInclude.include(root, loader=loader(os.path.dirname(src)))
    return root


def words(answer):
    parts = []

    def walk(e, top):
        if e.tag != "pre":
            parts.append(e.text or "")
            for c in e:
                walk(c, False)
        if not top:
            parts.append(e.tail or "")
    walk(answer, True)
    return [w for w in " ".join(parts).split() if re.search(r"\w", w)]


def check_words(srcs, cap, med):
    for src in srcs:
        counts = []
        for q in load(src).iter("question"):
            n = len(words(q.find("answer")))
            counts.append(n)
            if n > cap:
                problem("%s: answer of '%s' has %d words outside <pre> (at most %d)"
                        % (src, q.get("id"), n, cap))
        if counts and statistics.median(counts) > med:
            problem("%s: median answer has %g words (at most %d)"
                    % (src, statistics.median(counts), med))


def check_timeline(srcs):
    order = {"hard": 0, "medium": 1, "easy": 2, None: 1}
    for src in srcs:
        root = load(src)
        qs = list(root.iter("question"))
        diff = {q.get("id"): q.get("difficulty") for q in qs}
        own = {q.get("id") for q in qs if not q.get("_bank")}
        design = {q.get("id") for q in qs if q.get("round") == "system-design"}
        phases = root.findall("timeline/phase")
        tasks = [t for p in phases for t in p.findall("task")]
        if not tasks:
            problem("%s: no timeline" % src)
            continue
        named = set()
        for t in tasks:
            if t.get("kind", "study") in ("study", "practice"):
                named.update((t.get("questions") or "").split())
        for q in qs:
            if q.get("id") not in named:
                problem("%s: no study or practice task names question '%s'"
                        % (src, q.get("id")))
        last = phases[-1].findall("task")[-1]
        if last.get("kind") != "rest":
            problem("%s: the last task is not a rest task" % src)
        reviews = [t for t in tasks if t.get("kind") == "review"]
        if not reviews:
            problem("%s: no final review task" % src)
        else:
            ids = (reviews[-1].get("questions") or "").split()
            missing = [q for q in diff if q not in ids]
            if missing:
                problem("%s: the final review misses %s" % (src, " ".join(missing)))
            ranks = [order[diff.get(i)] for i in ids]
            if ranks != sorted(ranks):
                problem("%s: the final review is not ordered hard, medium, easy" % src)
            if "hard" not in "".join(reviews[-1].itertext()):
                problem("%s: the final review task does not say hard cards come first" % src)
        role = root.findtext("meta/role")
        if role in OWN_DESIGN_ROLES:
            for t in tasks:
                if t.get("kind") not in ("practice", "mock"):
                    continue
                for i in (t.get("questions") or "").split():
                    if i in design and i not in own:
                        problem("%s: design practice names '%s', not one of the pack's own questions"
                                % (src, i))


def check_fit(src, text):
    code_lines = {}
    for q in load(src).iter("question"):
        n = max([len((p.text or "").strip("\n").splitlines())
                 for p in q.find("answer").iter("pre")] or [0])
        code_lines[q.get("id")] = n
    for line in text.splitlines():
        m = re.search(r": warning: question '([a-z0-9-]+)' does not fit on one "
                      r"card at [0-9.]+pt; continued on (\d+) cards", line)
        if not m:
            problem("%s: unexpected diagnostic: %s" % (src, line))
            continue
        qid, cards = m.group(1), int(m.group(2))
        if code_lines.get(qid, 0) < 8:
            problem("%s: '%s' does not fit on one card and has no long code block"
                    % (src, qid))
        elif cards > 2:
            problem("%s: '%s' takes %d cards (at most 2)" % (src, qid, cards))


def check_plan(name, text):
    days = []   # (number, [kinds])
    for line in text.splitlines():
        m = re.match(r"Day (\d+)\b", line)
        if m:
            days.append((int(m.group(1)), []))
            continue
        m = re.match(r"  \[ \] (\w+):", line)
        if m and days:
            days[-1][1].append(m.group(1))
    if not days:
        problem("%s: no days in the plan" % name)
        return
    rest = [bool(k) and all(x == "rest" for x in k) for _, k in days]
    if not rest[-1]:
        problem("%s: day %d, the eve of the interview, is not a rest day"
                % (name, days[-1][0]))
    run = 0
    for (n, _), r in zip(days, rest):
        run = 0 if r else run + 1
        if run == 7:
            problem("%s: days %d-%d go without a rest day" % (name, n - 6, n))
    for n, k in days[-3:]:
        if "mock" in k:
            problem("%s: a mock interview on day %d, in the last three days"
                    % (name, n))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    mode, args = argv[1], argv[2:]
    if mode == "words":
        cap, med = 80, 70
        while args and args[0] in ("--max", "--median"):
            if args[0] == "--max":
                cap = int(args[1])
            else:
                med = int(args[1])
            args = args[2:]
        check_words(args, cap, med)
    elif mode == "timeline":
        check_timeline(args)
    elif mode == "fit":
        check_fit(args[0], sys.stdin.read())
    elif mode == "plan":
        check_plan(args[0], sys.stdin.read())
    else:
        sys.stderr.write(__doc__)
        return 2
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
