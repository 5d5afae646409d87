/* import_ids.c - ids for imported questions (valid, unique, from guids
 * or slugs) and cloze notes (see importer.h). */
#include "importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sha2.h>

#include "strbuf.h"

/* ---- ids ------------------------------------------------------------- */

int sp_id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return 0;
    return 1;
}

/* A slug of plain text into OUT (at most MAX bytes, cut at a '-'):
 * lowercase ASCII letters and digits, other runs as one '-'.  "" if the
 * text has none. */
void sp_id_slug(const char *s, char *out, size_t max)
{
    /* U+00C0..U+00FF without their accents ('-': none) */
    static const char latin1[] = "AAAAAAACEEEEIIII" "DNOOOOO-OUUUUYTs"
                                 "aaaaaaaceeeeiiii" "dnooooo-ouuuuyty";
    size_t n = 0;
    int dash = 0;
    for (; *s && n < max; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0xc3 && (unsigned char)s[1] >= 0x80 &&
            (unsigned char)s[1] <= 0xbf) {
            c = (unsigned char)latin1[(unsigned char)s[1] - 0x80];
            s++;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && n)
                out[n++] = '-';
            dash = 0;
            if (n < max)
                out[n++] = (char)c;
        } else {
            dash = 1;
        }
    }
    if (*s && n == max) {   /* cut: back to the last whole word */
        size_t k = n;
        while (k > max / 2 && out[k - 1] != '-')
            k--;
        if (k > max / 2)
            n = k - 1;
    }
    while (n && out[n - 1] == '-')
        n--;
    out[n] = '\0';
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int sp_idset_has(const sp_idset *s, const char *id)
{
    if (!s->cap)
        return 0;
    for (size_t i = hash_str(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slots[i])
            return 0;
        if (strcmp(s->slots[i], id) == 0)
            return 1;
    }
}

int sp_idset_add(sp_idset *s, const char *id)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i])
                continue;
            size_t j = hash_str(s->slots[i]) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    char *c = strdup(id);
    if (!c)
        return -1;
    size_t j = hash_str(id) & (s->cap - 1);
    while (s->slots[j])
        j = (j + 1) & (s->cap - 1);
    s->slots[j] = c;
    s->n++;
    return 0;
}

void sp_idset_free(sp_idset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
}

/* Makes BASE (a valid id of at most 60 bytes) unique in S: BASE, BASE-2,
 * BASE-3, ...; writes it to OUT (65 bytes) and adds it.  -1 if no
 * memory. */
int sp_unique_id(sp_idset *s, const char *base, char out[65])
{
    snprintf(out, 65, "%s", base);
    for (unsigned k = 2; sp_idset_has(s, out) && k < 1000000; k++)
        snprintf(out, 65, "%.56s-%u", base, k % 1000000);
    return sp_idset_add(s, out);
}

/* The id a note's guid gives: the question id of one we exported
 * ("studypack:PACK/QID"), else "anki-" and 10 hex digits of its SHA-256. */
void sp_guid_id(const char *guid, char out[65])
{
    static const char ours[] = "studypack:";
    if (strncmp(guid, ours, sizeof ours - 1) == 0) {
        const char *slash = strrchr(guid, '/');
        if (slash && strlen(slash + 1) <= 60 && sp_id_valid(slash + 1)) {
            snprintf(out, 65, "%s", slash + 1);
            return;
        }
    }
    char hex[SHA256_DIGEST_STRING_LENGTH];
    SHA256Data((const uint8_t *)guid, strlen(guid), hex);
    snprintf(out, 65, "anki-%.10s", hex);
}

/* Plain text of inline XML (tags removed, the five entities decoded). */
char *sp_xml_plain(const char *x)
{
    char *o = malloc(strlen(x) + 1), *q = o;
    if (!o)
        return NULL;
    while (*x) {
        if (*x == '<') {
            const char *e = strchr(x, '>');
            if (!e)
                break;
            x = e + 1;
            *q++ = ' ';
            continue;
        }
        static const struct {
            const char *e;
            char c;
        } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                    {"&quot;", '"'}, {"&apos;", '\''}};
        int done = 0;
        for (size_t i = 0; i < 5 && *x == '&'; i++) {
            size_t n = strlen(ents[i].e);
            if (strncmp(x, ents[i].e, n) == 0) {
                *q++ = ents[i].c;
                x += n;
                done = 1;
                break;
            }
        }
        if (!done)
            *q++ = *x++;
    }
    *q = '\0';
    return o;
}

/* ---- cloze --------------------------------------------------------- */

/* The cloze numbers used in S, ascending, into NUMS (at most MAX). */
size_t sp_cloze_numbers(const char *s, int *nums, size_t max)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, "{{c")) != NULL; p += 3) {
        char *e;
        long k = strtol(p + 3, &e, 10);
        if (e == p + 3 || strncmp(e, "::", 2) != 0 || k < 1 || k > 999)
            continue;
        size_t i = 0;
        while (i < n && nums[i] < k)
            i++;
        if (i < n && nums[i] == k)
            continue;
        if (n == max)
            break;
        memmove(nums + i + 1, nums + i, (n - i) * sizeof *nums);
        nums[i] = (int)k;
        n++;
    }
    return n;
}

/* S with every cloze replaced: number K as a gap ("[hint]" or "[...]")
 * when GAP, else in <b>; others by their text.  Malloc'd HTML. */
char *sp_cloze_render(const char *s, int k, int gap)
{
    sp_buf b = {0};
    const char *p = s;
    for (;;) {
        const char *c = strstr(p, "{{c");
        char *e = NULL;
        long num = c ? strtol(c + 3, &e, 10) : 0;
        const char *end = (c && e != c + 3 && strncmp(e, "::", 2) == 0)
                              ? strstr(e + 2, "}}")
                              : NULL;
        if (!c) {
            sp_buf_str(&b, p);
            break;
        }
        if (!end) {
            sp_buf_put(&b, p, (size_t)(c + 3 - p));
            p = c + 3;
            continue;
        }
        sp_buf_put(&b, p, (size_t)(c - p));
        const char *text = e + 2;
        const char *hint = NULL;
        for (const char *q = text; q + 1 < end; q++)
            if (q[0] == ':' && q[1] == ':') {
                hint = q + 2;
                break;
            }
        size_t tl = (size_t)((hint ? hint - 2 : end) - text);
        if (num == k && gap) {
            sp_buf_str(&b, "[");
            if (hint && end > hint)
                sp_buf_put(&b, hint, (size_t)(end - hint));
            else
                sp_buf_str(&b, "...");
            sp_buf_str(&b, "]");
        } else if (num == k) {
            sp_buf_str(&b, "<b>");
            sp_buf_put(&b, text, tl);
            sp_buf_str(&b, "</b>");
        } else {
            sp_buf_put(&b, text, tl);
        }
        p = end + 2;
    }
    return sp_buf_take(&b, NULL);
}

/* Plain text as HTML (escaped, line ends as <br>), for cloze notes. */
char *sp_plain_as_html(const char *s)
{
    sp_buf b = {0};
    for (; *s; s++) {
        if (*s == '&')
            sp_buf_str(&b, "&amp;");
        else if (*s == '<')
            sp_buf_str(&b, "&lt;");
        else if (*s == '>')
            sp_buf_str(&b, "&gt;");
        else if (*s == '\n')
            sp_buf_str(&b, "<br>");
        else
            sp_buf_put(&b, s, 1);
    }
    return sp_buf_take(&b, NULL);
}

/* Removes Anki's "[sound:...]" references (in place). */
int sp_strip_sound(char *s)
{
    int any = 0;
    char *p;
    while (s && (p = strstr(s, "[sound:")) != NULL) {
        char *e = strchr(p, ']');
        if (!e)
            break;
        memmove(p, e + 1, strlen(e + 1) + 1);
        any = 1;
    }
    return any;
}

