/* glyphs.c - the glyph check: characters no font can draw (see text.h).
 *
 * A missing glyph would draw as an empty box, silently; this check
 * completes the fallback chain with system fonts (fontconfig) and turns
 * each character still missing into an error at the source line before
 * anything is drawn.  validate and build run the same check.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const sp_fonts *fonts;
    sp_diags *d;
    const char *kind, *name;    /* node for messages: question 'id' */
    uint32_t *seen;             /* code points reported for this node */
    size_t n_seen, cap_seen;
    int errors;
    int nomem;
    int system;                 /* system fonts allowed */
    /* ASCII fast path: 1 if the character is skipped (control white space)
     * or drawable when the face is asked for */
    unsigned char ascii_ok[SP_FACE_COUNT][128];
} walk;

static void begin_node(walk *w, const char *kind, const char *name)
{
    w->kind = kind;
    w->name = name ? name : "";
    w->n_seen = 0;
}

/* 1 if CP was already reported for the current node; else records it. */
static int seen(walk *w, uint32_t cp)
{
    for (size_t i = 0; i < w->n_seen; i++)
        if (w->seen[i] == cp)
            return 1;
    if (w->n_seen == w->cap_seen) {
        size_t ncap = w->cap_seen ? w->cap_seen * 2 : 8;
        uint32_t *p = realloc(w->seen, ncap * sizeof *p);
        if (!p) {
            w->nomem = 1;
            return 0;
        }
        w->seen = p;
        w->cap_seen = ncap;
    }
    w->seen[w->n_seen++] = cp;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "?";
}

/* The Debian package that usually has a font for CP's script. */
static const char *package_for(uint32_t cp)
{
    if (sp_text_east_asian(cp))
        return "fonts-noto-cjk";
    if (cp >= 0x1F000 || (cp >= 0x2600 && cp <= 0x27BF)
        || (cp >= 0x2B00 && cp <= 0x2BFF))
        return "fonts-symbola";
    return "fonts-noto-core";
}

/* Checks the UTF-8 string S as drawn in FACE, reporting at LOC. */
static void check_str(walk *w, const char *s, sp_face face, sp_loc loc)
{
    if (!s)
        return;
    const unsigned char *ok = w->ascii_ok[face];
    size_t len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (ok[c])
                continue;
            cp = c;
        } else {
            i += sp_utf8_next(s + i, len - i, &cp);
        }
        if (cp == '\n' || cp == '\t' || cp == '\r')
            continue;
        if (sp_fonts_pick(w->fonts, face, cp) >= 0)
            continue;
        int added = 0;
        int slot = sp_fonts_resolve(w->fonts, face, cp, &added);
        if (added) {
            sp_diag_add_sev(w->d, SP_D_NOTE, SP_NOTE, loc.file, loc.line, 0,
                            "%s '%s': U+%04X is not in the fonts of "
                            "fonts.txt; using the system font %s (face "
                            "index %d, found by fontconfig)",
                            w->kind, w->name, (unsigned)cp,
                            sp_fonts_slot_path(w->fonts, slot),
                            sp_fonts_slot_index(w->fonts, slot));
        }
        if (slot >= 0 || seen(w, cp))
            continue;
        sp_diag_add(w->d, SP_D_GLYPH, loc.file, loc.line, 0,
                    "%s '%s': character U+%04X cannot be drawn by the fonts "
                    "(%s%s); add a font that has it (--fonts DIR, a "
                    "'fallback' line in fonts.txt) or install one (Debian: "
                    "%s)", w->kind, w->name, (unsigned)cp,
                    base_name(sp_fonts_path(w->fonts, face)),
                    w->system ? " and the system fonts" : ", system fonts off",
                    package_for(cp));
        w->errors++;
    }
}

static void check_text(walk *w, const sp_text *t, unsigned style, sp_loc loc)
{
    for (size_t i = 0; i < t->n_spans; i++)
        check_str(w, t->spans[i].text, sp_style_face(t->spans[i].style
                                                     | style), loc);
}

static void check_blocks(walk *w, const sp_blocks *b, sp_loc loc)
{
    for (size_t i = 0; i < b->n_blocks; i++) {
        const sp_block *bl = &b->blocks[i];
        sp_loc l = bl->loc.line > 0 ? bl->loc : loc;
        if (bl->kind == SP_BLOCK_PRE)
            check_text(w, &bl->text, SP_STYLE_MONO, l);
        else
            check_text(w, &bl->text, 0, l);
        for (size_t k = 0; k < bl->n_items; k++)
            check_text(w, &bl->items[k], 0, l);
        if (bl->kind == SP_BLOCK_FIGURE && bl->figure)
            check_text(w, &bl->figure->caption, SP_STYLE_ITALIC, l);
    }
}

int sp_glyphs_check(const sp_pack *pack, const sp_fonts *fonts, sp_diags *d)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.fonts = fonts;
    w.d = d;
    w.system = sp_fonts_system_allowed(fonts);
    for (int f = 0; f < SP_FACE_COUNT; f++)
        for (uint32_t c = 0; c < 128; c++)
            w.ascii_ok[f][c] = (unsigned char)(
                c == '\n' || c == '\t' || c == '\r'
                || sp_fonts_pick(fonts, (sp_face)f, c) >= 0);
    sp_loc ploc = pack->meta.loc.file ? pack->meta.loc
                                      : (sp_loc){pack->file, 0};

    begin_node(&w, "pack", pack->id);
    check_str(&w, pack->meta.title, SP_FACE_BOLD, ploc);
    check_str(&w, pack->meta.company, SP_FACE_REGULAR, ploc);
    check_str(&w, pack->meta.role, SP_FACE_REGULAR, ploc);
    check_str(&w, pack->meta.edition, SP_FACE_REGULAR, ploc);
    check_blocks(&w, &pack->meta.summary, ploc);

    for (size_t i = 0; i < pack->n_rounds; i++) {
        const sp_round *r = &pack->rounds[i];
        begin_node(&w, "round", r->id);
        check_str(&w, r->name, SP_FACE_BOLD, r->loc);
        check_blocks(&w, &r->desc, r->loc);
    }
    for (size_t i = 0; i < pack->n_questions; i++) {
        const sp_question *q = &pack->questions[i];
        begin_node(&w, "question", q->id);
        check_str(&w, q->id, SP_FACE_REGULAR, q->loc);
        for (size_t k = 0; k < q->n_topics; k++)
            check_str(&w, q->topics[k], SP_FACE_REGULAR, q->loc);
        check_text(&w, &q->cue, SP_STYLE_ITALIC, q->loc);
        check_text(&w, &q->prompt, 0, q->loc);
        check_blocks(&w, &q->answer, q->loc);
        for (size_t k = 0; k < q->n_followups; k++)
            check_text(&w, &q->followups[k], 0, q->loc);
    }
    for (size_t i = 0; i < pack->n_tips; i++) {
        const sp_tip_section *s = &pack->tips[i];
        begin_node(&w, "tips", s->title);
        check_str(&w, s->title, SP_FACE_BOLD, s->loc);
        for (size_t k = 0; k < s->n_tips; k++)
            check_text(&w, &s->tips[k], 0,
                       s->tip_locs && s->tip_locs[k].line > 0
                           ? s->tip_locs[k] : s->loc);
    }
    for (size_t i = 0; i < pack->n_phases; i++) {
        const sp_phase *ph = &pack->phases[i];
        begin_node(&w, "phase", ph->id);
        check_str(&w, ph->title, SP_FACE_BOLD, ph->loc);
        for (size_t k = 0; k < ph->n_tasks; k++)
            check_text(&w, &ph->tasks[k].text, 0, ph->tasks[k].loc.line > 0
                                                      ? ph->tasks[k].loc
                                                      : ph->loc);
    }
    if (w.nomem)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    free(w.seen);
    return w.errors;
}
