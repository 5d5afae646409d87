/* explain.c - our words for schema problems (see explain.h). */
#include "explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* The children of an element in the order the schema wants them; '?'
 * optional, '+' one or more, '*' any number. */
static const struct {
    const char *parent;
    const char *seq[7];
    const char *rep;
} sequences[] = {
    {"question", {"cue", "prompt", "answer", "followup"}, "?11*"},
    {"meta", {"company", "role", "edition", "title", "summary", "values"},
     "?1????"},
    {"studypack", {"meta", "process", "questions", "tips", "timeline"},
     "1?+??"},
};

static const struct {
    const char *elem;
    const char *attrs[5];
} attributes[] = {
    {"studypack", {"version", "id"}},
    {"question", {"id", "round", "difficulty", "topics"}},
    {"round", {"id", "name", "kind"}},
    {"tip", {"rounds"}},
    {"section", {"title"}},
    {"phase", {"id", "title", "days"}},
    {"task", {"kind", "questions"}},
    {"include", {"href"}},
    {"figure", {"src", "alt", "width"}},
};

static const char *const elements[] = {
    "studypack", "meta", "company", "role", "edition", "title", "summary",
    "process", "round", "questions", "question", "cue", "prompt", "answer",
    "followup", "tips", "section", "tip", "timeline", "phase", "task", "p",
    "ul", "ol", "li", "pre", "em", "strong", "code", "values", "value",
    "figure", "caption",
};

static int is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int in(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is(s, set[i]))
            return 1;
    return 0;
}

static int put(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int put(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return 1;
}

void sp_explain_id(const char *v, char *out)
{
    size_t n = 0;
    int dash = 1;   /* no leading '-', no runs of them */
    for (const unsigned char *s = (const unsigned char *)v; *s && n < 64;
         s++) {
        unsigned char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[n++] = (char)c;
            dash = 0;
        } else if (!dash) {
            out[n++] = '-';
            dash = 1;
        }
    }
    while (n && out[n - 1] == '-')
        n--;
    out[n] = '\0';
}

/* Splits libxml2's list ("a, b" or "'a', 'b'", with "{ns}name" items)
 * into ITEMS; returns how many. */
static size_t split_list(const char *s, char (*items)[40], size_t max)
{
    size_t n = 0;
    while (s && *s && n < max) {
        while (*s == ' ' || *s == ',' || *s == '\'' || *s == '(')
            s++;
        if (!*s || *s == ')')
            break;
        const char *e = s;
        while (*e && *e != ',' && *e != '\'' && *e != ')')
            e++;
        const char *t = e;
        while (t > s && t[-1] == ' ')
            t--;
        const char *b = s;
        int xi = 0;
        if (*b == '{') {
            const char *close = memchr(b, '}', (size_t)(t - b));
            if (close) {
                xi = strstr(b, "XInclude") && strstr(b, "XInclude") < close;
                b = close + 1;
            }
        }
        size_t len = (size_t)(t - b);
        if (len > 0 && len < 30) {
            snprintf(items[n], 40, "%s%.*s", xi ? "xi:" : "", (int)len, b);
            if (strcmp(items[n], "xi:*") == 0)
                snprintf(items[n], 40, "xi:include");
            n++;
        }
        s = e;
        if (*s == '\'')
            s++;
    }
    return n;
}

/* "`a`", "`a` or `b`", "`a`, `b` or `c`" (QUOTE is the mark). */
static void join(char *out, size_t cap, char (*items)[40], size_t n,
                 const char *quote, const char *last)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < cap; i++) {
        int k = snprintf(out + o, cap - o, "%s%s%s%s",
                         i == 0 ? "" : i + 1 == n ? last : ", ", quote,
                         items[i], quote);
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

static int seq_of(const char *parent)
{
    for (size_t i = 0; i < sizeof sequences / sizeof *sequences; i++)
        if (is(parent, sequences[i].parent))
            return (int)i;
    return -1;
}

static int seq_index(int s, const char *elem)
{
    for (int i = 0; i < 7 && sequences[s].seq[i]; i++)
        if (is(elem, sequences[s].seq[i]))
            return i;
    return -1;
}

static int block_holder(const char *e)
{
    return is(e, "answer") || is(e, "summary") || is(e, "round");
}

static int inline_holder(const char *e)
{
    static const char *const s[] = {"cue", "prompt", "followup", "li", "tip",
                                    "task", "p", "em", "strong", "code"};
    return in(e, s, sizeof s / sizeof *s);
}

static int unexpected(const sp_xproblem *x, char *out, size_t cap)
{
    char exp[16][40];
    size_t ne = split_list(x->expected, exp, 16);
    char list[400];
    join(list, sizeof list, exp, ne, "`", " or ");
    const char *e = x->elem, *p = x->parent ? x->parent : "?";
    int s = seq_of(x->parent);
    int ie = s >= 0 ? seq_index(s, e) : -1;
    if (is(e, "include") || is(e, "fallback"))
        return put(out, cap, "xi:include can only stand among the "
                   "questions: in `studypack` after `process`, or inside a "
                   "`questions` bank");
    if (ie >= 0) {
        for (size_t i = 0; i < x->n_before; i++)
            if (is(x->before[i], e) && sequences[s].rep[ie] != '*' &&
                sequences[s].rep[ie] != '+')
                return put(out, cap, "`%s` has a second `%s`; only one is "
                           "allowed", p, e);
        for (size_t i = 0; i < x->n_before; i++) {
            int ib = seq_index(s, x->before[i]);
            if (ib > ie)
                return put(out, cap, "`%s` must come before `%s`", e,
                           x->before[i]);
        }
        int best = -1;
        for (size_t i = 0; i < ne; i++) {
            int k = seq_index(s, exp[i]);
            if (k >= 0 && k < ie && k > best)
                best = k;
        }
        int present = 0;
        for (size_t i = 0; best >= 0 && i < x->n_all; i++)
            present |= is(x->all[i], sequences[s].seq[best]);
        if (best >= 0 && x->all && !present &&
            sequences[s].rep[best] != '?' && sequences[s].rep[best] != '*')
            return put(out, cap, "`%s` is missing `%s` (before `%s`)", p,
                       sequences[s].seq[best], e);
        if (best >= 0)
            return put(out, cap, "`%s` must come after `%s`", e,
                       sequences[s].seq[best]);
    }
    if (in(e, elements, sizeof elements / sizeof *elements)) {
        if (is(e, "li"))
            return put(out, cap, "`li` must be inside `ul` or `ol`");
        if (is(e, "question"))
            return put(out, cap, "`question` must be inside `questions`");
        if ((is(e, "p") || is(e, "ul") || is(e, "ol") || is(e, "pre") ||
             is(e, "figure")) && inline_holder(p))
            return put(out, cap, "`%s` is a block and cannot stand inside "
                       "`%s` (blocks go in `answer`, `summary` and "
                       "`round`)", e, p);
        if ((is(e, "em") || is(e, "strong") || is(e, "code")) &&
            block_holder(p))
            return put(out, cap, "`%s` must be inside a block such as `p`",
                       e);
        if (ne)
            return put(out, cap, "`%s` is not allowed in `%s`; expected %s",
                       e, p, list);
        return put(out, cap, "`%s` is not allowed in `%s` here", e, p);
    }
    const char *cands[16];
    for (size_t i = 0; i < ne; i++)
        cands[i] = exp[i];
    const char *dym = sp_did_you_mean(e, cands, ne);
    if (!dym)
        dym = sp_did_you_mean(e, elements,
                              sizeof elements / sizeof *elements);
    if (dym)
        return put(out, cap, "unknown element `%s`; did you mean `%s`?", e,
                   dym);
    if (ne)
        return put(out, cap, "unknown element `%s` in `%s`; expected %s", e,
                   p, list);
    return put(out, cap, "unknown element `%s` in `%s`", e, p);
}

static int missing_child(const sp_xproblem *x, char *out, size_t cap)
{
    char exp[16][40];
    size_t ne = split_list(x->expected, exp, 16);
    int s = seq_of(x->elem);
    for (size_t i = 0; s >= 0 && i < ne; i++) {
        int k = seq_index(s, exp[i]);
        if (k >= 0 && sequences[s].rep[k] != '?' &&
            sequences[s].rep[k] != '*')
            return put(out, cap, "`%s` is missing `%s`", x->elem, exp[i]);
    }
    char list[400];
    join(list, sizeof list, exp, ne, "`", " or ");
    if (ne == 1)
        return put(out, cap, "`%s` needs at least one `%s`", x->elem,
                   exp[0]);
    return put(out, cap, "`%s` is missing %s", x->elem, list);
}

static const char *range_of(const char *attr)
{
    return is(attr, "days") ? "1-365" : is(attr, "width") ? "1-100" : NULL;
}

int sp_explain(const sp_xproblem *x, char *out, size_t cap)
{
    const char *e = x->elem ? x->elem : "?", *a = x->attr;
    const char *v = x->value ? x->value : "";
    int list_attr = is(a, "topics") || is(a, "rounds") ||
                    (is(e, "task") && is(a, "questions"));
    switch (x->kind) {
    case SP_X_PATTERN: {
        if (list_attr)
            return -1;
        char fix[65];
        sp_explain_id(v, fix);
        char what[64];
        snprintf(what, sizeof what, "%s%s%s", is(a, "id") ? e : "",
                 is(a, "id") ? " " : "", a ? a : "value");
        if (!a)
            return 0;
        return put(out, cap, "%s '%s' is not a valid id: ids are "
                   "lower-case letters, digits and '-' (at most 64, not "
                   "starting with '-')%s%s%s", what, v,
                   fix[0] && strcmp(fix, v) ? "; write '" : "",
                   fix[0] && strcmp(fix, v) ? fix : "",
                   fix[0] && strcmp(fix, v) ? "'" : "");
    }
    case SP_X_LIST: {
        if (!list_attr)
            return 0;
        char fix[256];
        size_t o = 0;
        for (const char *s = v; *s && o + 66 < sizeof fix;) {
            while (*s == ' ' || *s == ',' || *s == ';' || *s == '\t' ||
                   *s == '\n')
                s++;
            char word[128];
            size_t n = 0;
            while (*s && *s != ' ' && *s != ',' && *s != ';' && *s != '\t'
                   && *s != '\n' && n < sizeof word - 1)
                word[n++] = *s++;
            word[n] = '\0';
            char id[65];
            sp_explain_id(word, id);
            if (id[0])
                o += (size_t)snprintf(fix + o, sizeof fix - o, "%s%s",
                                      o ? " " : "", id);
        }
        fix[o] = '\0';
        return put(out, cap, "%s '%s' is not a list of ids: %s are ids "
                   "separated by spaces, like `%s`", a, v, a,
                   o ? fix : "a b");
    }
    case SP_X_ENUM: {
        if (is(e, "studypack") && is(a, "version"))
            return put(out, cap, "version '%s' is not supported: this "
                       "studypack reads version=\"1\" sources", v);
        char vals[16][40];
        size_t n = split_list(x->expected, vals, 16);
        char list[400];
        join(list, sizeof list, vals, n, "", ", ");
        const char *cands[16];
        for (size_t i = 0; i < n; i++)
            cands[i] = vals[i];
        const char *dym = sp_did_you_mean(v, cands, n);
        return put(out, cap, "%s '%s' is not one of %s%s%s%s",
                   a ? a : e, v, list, dym ? "; did you mean '" : "",
                   dym ? dym : "", dym ? "'?" : "");
    }
    case SP_X_BLANK:
        if (a)
            return put(out, cap, "`%s` %s must not be blank", e, a);
        return put(out, cap, "`%s` must not be blank", e);
    case SP_X_RANGE:
        if (!range_of(a))
            return 0;
        return put(out, cap, "%s %s '%s' is out of range: give %s", e, a, v,
                   range_of(a));
    case SP_X_TYPE:
        if (!range_of(a))
            return 0;
        return put(out, cap, "%s %s '%s' is not a whole number: give %s", e,
                   a, v, range_of(a));
    case SP_X_ATTR_UNKNOWN: {
        for (size_t i = 0; i < sizeof attributes / sizeof *attributes; i++) {
            if (!is(attributes[i].elem, e))
                continue;
            size_t n = 0;
            while (n < 5 && attributes[i].attrs[n])
                n++;
            const char *dym = sp_did_you_mean(a, attributes[i].attrs, n);
            if (dym)
                return put(out, cap, "`%s` has no attribute '%s'; did you "
                           "mean '%s'?", e, a ? a : "", dym);
            char items[5][40], list[200];
            for (size_t k = 0; k < n; k++)
                snprintf(items[k], 40, "%s", attributes[i].attrs[k]);
            join(list, sizeof list, items, n, "", ", ");
            return put(out, cap, "`%s` has no attribute '%s' (its "
                       "attributes: %s)", e, a ? a : "", list);
        }
        return put(out, cap, "`%s` has no attribute '%s'", e, a ? a : "");
    }
    case SP_X_ATTR_MISSING:
        return put(out, cap, "`%s` needs a%s '%s' attribute%s%s%s", e,
                   a && strchr("aeiou", a[0]) ? "n" : "", a ? a : "",
                   range_of(a) ? " (" : "", range_of(a) ? range_of(a) : "",
                   range_of(a) ? ")" : "");
    case SP_X_UNEXPECTED:
        return unexpected(x, out, cap);
    case SP_X_MISSING_CHILD:
        return missing_child(x, out, cap);
    case SP_X_TEXT:
        if (block_holder(e))
            return put(out, cap, "text directly inside `%s` must be in a "
                       "block: wrap it in `<p>...</p>`", e);
        if (is(e, "ul") || is(e, "ol"))
            return put(out, cap, "text directly inside `%s` must be in an "
                       "`li`", e);
        return put(out, cap, "`%s` cannot hold text directly", e);
    }
    return 0;
}
