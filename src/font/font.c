/* font.c - loading faces, the manifest, coverage, the fallback chain and
 * fontconfig (see fonts.h).
 *
 * Each slot's file is mapped (or read) once and opened by HarfBuzz from
 * memory; a second face of the same file borrows the bytes.  Coverage is
 * the face's Unicode cmap as an hb_set, plus per slot a table of the
 * ASCII glyphs and advances so the common case is a lookup.  Slots live in
 * a fixed array and are only ever appended (by sp_fonts_resolve, under
 * the lock), so readers need no lock: the count is published last.
 */
#include "fonts.h"
#include "font_internal.h"

#include "fsutil.h"
#include "text.h"

#include <fontconfig/fontconfig.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FONT_BYTES (256L * 1024 * 1024)

static const char *const face_names[SP_FACE_COUNT] = {
    "regular", "bold", "italic", "mono"
};

static uint64_t next_gen = 1;      /* cache generations; under gen_lock */
static int fc_users_inited;        /* fontconfig was started (FcFini) */
static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;

/* Maps (or reads) PATH whole; 0, or -1 with a diagnostic. */
static int read_font(const char *path, const unsigned char **data,
                     size_t *size, int *mapped, sp_diags *d)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        sp_diag_add(d, SP_D_FONT, path, 0, 0,
                    "cannot open font: it is a folder, not a font file");
        return -1;
    }
    const unsigned char *buf = sp_map_file(path, MAX_FONT_BYTES, size,
                                           mapped);
    if (!buf) {
        if (errno == EFBIG)
            sp_diag_add(d, SP_D_FONT, path, 0, 0,
                        "font file is larger than %ld MiB",
                        MAX_FONT_BYTES / (1024 * 1024));
        else if (errno == ENOMEM)
            sp_diag_add(d, SP_D_NOMEM, path, 0, 0,
                        "out of memory reading font");
        else
            sp_diag_add(d, SP_D_FONT, path, 0, 0, "cannot open font: %s",
                        strerror(errno));
        return -1;
    }
    *data = buf;
    return 0;
}

/* Opens slot S (path and index set; data possibly borrowed); 0, or -1
 * with diagnostics. */
static int open_slot(font_slot *s, sp_diags *d)
{
    if (!s->data && read_font(s->path, &s->data, &s->size, &s->mapped, d))
        return -1;
    const char *why = sp_font_check_file(s->data, s->size, s->index,
                                         &s->cff);
    if (why) {
        sp_diag_add(d, SP_D_FONT, s->path, 0, 0, "%s (face index %d)", why,
                    s->index);
        return -1;
    }
    s->blob = hb_blob_create_or_fail((const char *)s->data,
                                     (unsigned)s->size,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    if (!s->blob) {
        sp_diag_add(d, SP_D_NOMEM, s->path, 0, 0, "out of memory");
        return -1;
    }
    s->face = hb_face_create(s->blob, (unsigned)s->index);
    s->font = hb_font_create(s->face);
    s->upem = hb_face_get_upem(s->face);
    s->n_glyphs = hb_face_get_glyph_count(s->face);
    if (!s->font || s->n_glyphs == 0 || s->upem < 16 || s->upem > 16384) {
        sp_diag_add(d, SP_D_FONT, s->path, 0, 0,
                    "not a usable OpenType font: no glyphs or a damaged "
                    "head table (face index %d)", s->index);
        return -1;
    }
    hb_font_set_scale(s->font, (int)s->upem, (int)s->upem);
    s->cover = hb_set_create();
    hb_face_collect_unicodes(s->face, s->cover);
    if (!hb_set_allocation_successful(s->cover)) {
        sp_diag_add(d, SP_D_NOMEM, s->path, 0, 0, "out of memory");
        return -1;
    }
    if (hb_set_is_empty(s->cover)) {
        sp_diag_add(d, SP_D_FONT, s->path, 0, 0,
                    "font has no Unicode cmap (face index %d)", s->index);
        return -1;
    }
    s->k = 1000.0 / s->upem;
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(s->font, &ext)) {
        s->ascent = ext.ascender * s->k;
        s->descent = -ext.descender * s->k;
    }
    if (s->ascent <= 0 || s->descent < 0) {
        sp_diag_add(d, SP_D_FONT, s->path, 0, 0,
                    "font has no usable ascender/descender (face index %d)",
                    s->index);
        return -1;
    }
    why = sp_font_check_glyphs(s);
    if (why) {
        sp_diag_add(d, SP_D_FONT, s->path, 0, 0, "%s (face index %d)", why,
                    s->index);
        return -1;
    }
    s->subset_face = sp_font_subset_face(s);
    if (!s->subset_face) {
        sp_diag_add(d, SP_D_NOMEM, s->path, 0, 0, "out of memory");
        return -1;
    }
    for (uint32_t c = 0; c < 128; c++) {
        hb_codepoint_t g = 0;
        if (hb_font_get_nominal_glyph(s->font, c, &g) && g) {
            s->ascii_gid[c] = g;
            s->ascii_adv[c] = (float)(hb_font_get_glyph_h_advance(s->font, g)
                                      * s->k);
        } else {
            s->ascii_gid[c] = 0;
            s->ascii_adv[c] = -1.0f;
        }
    }
    return 0;
}

static void close_slot(font_slot *s)
{
    if (s->font)
        hb_font_destroy(s->font);
    if (s->subset_face)
        hb_face_destroy(s->subset_face);
    if (s->face)
        hb_face_destroy(s->face);
    if (s->blob)
        hb_blob_destroy(s->blob);
    if (s->cover)
        hb_set_destroy(s->cover);
    if (!s->borrowed && s->data)
        sp_unmap_file(s->data, s->size, s->mapped);
    free(s->path);
    memset(s, 0, sizeof *s);
}

static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* A new slot for PATH/INDEX (PATH taken over), sharing the bytes of an
 * earlier slot of the same file; its number, or -1 (PATH freed). */
static int add_slot(sp_fonts *f, char *path, int index)
{
    int n = f->n_slots;
    if (n >= SP_FONTS_MAX) {
        free(path);
        return -1;
    }
    font_slot *s = &f->slot[n];
    memset(s, 0, sizeof *s);
    s->path = path;
    s->index = index;
    s->bold_of = s->italic_of = -1;
    for (int i = 0; i < n; i++)
        if (f->slot[i].data && strcmp(f->slot[i].path, path) == 0) {
            s->data = f->slot[i].data;
            s->size = f->slot[i].size;
            s->borrowed = 1;
            break;
        }
    f->n_slots = n + 1;
    return n;
}

enum { KIND_FALLBACK = SP_FACE_COUNT, KIND_FB_BOLD, KIND_FB_ITALIC };

/* Parses one manifest line "FACE FILE [INDEX]"; 0, or -1 with a
 * diagnostic at MANIFEST:LINENO. */
static int parse_line(sp_fonts *f, const char *dir, char *line,
                      const char *manifest, int lineno, int *last_fallback,
                      sp_diags *d)
{
    char *s = trim(line);
    if (!*s || *s == '#')
        return 0;
    char *sp = s;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    if (!*sp) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "expected 'FACE FILE [INDEX]'");
        return -1;
    }
    *sp++ = '\0';
    int kind = -1;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (strcmp(s, face_names[i]) == 0)
            kind = i;
    if (strcmp(s, "fallback") == 0)
        kind = KIND_FALLBACK;
    else if (strcmp(s, "fallback-bold") == 0)
        kind = KIND_FB_BOLD;
    else if (strcmp(s, "fallback-italic") == 0)
        kind = KIND_FB_ITALIC;
    if (kind < 0) {
        int printable = 1;
        for (const unsigned char *u = (const unsigned char *)s; *u; u++)
            if (*u < 0x20 || *u >= 0x7F)
                printable = 0;
        if (printable)
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                        "unknown face '%s' (expected regular, bold, italic, "
                        "mono, fallback, fallback-bold or fallback-italic)",
                        s);
        else
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                        "unknown face: the first word holds bytes that are "
                        "not printable ASCII (expected regular, bold, "
                        "italic, mono or fallback)");
        return -1;
    }
    if (kind < SP_FACE_COUNT && f->face_slot[kind] >= 0) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "face '%s' is listed twice", s);
        return -1;
    }
    if ((kind == KIND_FB_BOLD || kind == KIND_FB_ITALIC)
        && *last_fallback < 0) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "'%s' must follow a 'fallback' line", s);
        return -1;
    }
    char *file = trim(sp);
    int index = 0;
    char *last = strrchr(file, ' ');
    char *tab = strrchr(file, '\t');
    if (tab > last)
        last = tab;
    if (last && last[1] && strspn(last + 1, "0123456789")
                               == strlen(last + 1)) {
        long v = strtol(last + 1, NULL, 10);
        if (v > INT_MAX / 2 || strlen(last + 1) > 9) {
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                        "face index %s is too large", last + 1);
            return -1;
        }
        index = (int)v;
        *last = '\0';
        file = trim(file);
    }
    char *path = sp_join_path(dir, file);
    if (!path) {
        sp_diag_add(d, SP_D_NOMEM, manifest, lineno, 0, "out of memory");
        return -1;
    }
    int slot = add_slot(f, path, index);
    if (slot < 0) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "too many fonts (at most %d)", SP_FONTS_MAX);
        return -1;
    }
    if (kind < SP_FACE_COUNT) {
        f->face_slot[kind] = slot;
    } else if (kind == KIND_FALLBACK) {
        f->fallback[f->n_fallback++] = slot;
        f->n_manifest_fb = f->n_fallback;
        *last_fallback = slot;
    } else if (kind == KIND_FB_BOLD) {
        f->slot[*last_fallback].bold_of = slot;
    } else {
        f->slot[*last_fallback].italic_of = slot;
    }
    return 0;
}

/* Reads DIR/fonts.txt into the slots; 0, or -1. */
static int read_manifest(sp_fonts *f, const char *dir, sp_diags *d)
{
    char *manifest = sp_join_path(dir, "fonts.txt");
    if (!manifest) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        sp_diag_add(d, SP_D_FONT, dir, 0, 0,
                    "the fonts folder is not a folder (give --fonts the "
                    "folder that holds fonts.txt)");
        free(manifest);
        return -1;
    }
    if (stat(manifest, &st) == 0 && S_ISDIR(st.st_mode)) {
        sp_diag_add(d, SP_D_FONT, manifest, 0, 0,
                    "the font manifest is a folder, not a text file");
        free(manifest);
        return -1;
    }
    FILE *fp = fopen(manifest, "r");
    if (!fp) {
        sp_diag_add(d, SP_D_FONT, manifest, 0, 0,
                    "cannot open the font manifest: %s", strerror(errno));
        free(manifest);
        return -1;
    }
    char line[4096];
    int lineno = 0, bad = 0, last_fallback = -1;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0, "line too long");
            bad = 1;
            break;
        }
        char *l = line;
        if (lineno == 1 && memcmp(l, "\xEF\xBB\xBF", 3) == 0)
            l += 3;                 /* a UTF-8 byte order mark */
        if (parse_line(f, dir, l, manifest, lineno, &last_fallback, d))
            bad = 1;
    }
    fclose(fp);
    if (!bad && f->face_slot[SP_FACE_REGULAR] < 0) {
        sp_diag_add(d, SP_D_FONT, manifest, 0, 0,
                    "the manifest names no 'regular' face");
        bad = 1;
    }
    free(manifest);
    return bad ? -1 : 0;
}

sp_fonts *sp_fonts_open(const char *dir, sp_diags *d)
{
    sp_fonts *f = calloc(1, sizeof *f);
    if (!f) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    f->lock_ok = 1;
    f->allow_system = 1;
    pthread_mutex_lock(&gen_lock);
    f->gen = next_gen++;
    pthread_mutex_unlock(&gen_lock);
    for (int i = 0; i < SP_FACE_COUNT; i++)
        f->face_slot[i] = -1;
    if (read_manifest(f, dir, d))
        goto fail;
    int bad = 0;
    for (int i = 0; i < f->n_slots; i++)
        if (open_slot(&f->slot[i], d))
            bad = 1;
    if (bad)
        goto fail;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (f->face_slot[i] < 0)
            f->face_slot[i] = f->face_slot[SP_FACE_REGULAR];
    f->n_manifest = f->n_slots;
    atomic_store(&f->n_pub, f->n_slots);
    return f;
fail:
    sp_fonts_free(f);
    return NULL;
}

void sp_fonts_free(sp_fonts *f)
{
    if (!f)
        return;
    sp_font_cache_drop(f);
    for (int i = f->n_slots - 1; i >= 0; i--)   /* borrowers first */
        close_slot(&f->slot[i]);
    if (f->tried)
        hb_set_destroy(f->tried);
    if (f->sys_map)
        hb_map_destroy(f->sys_map);
    if (f->tried && fc_users_inited) {
        /* fontconfig's own state, so leak checkers see none (it starts
         * again if another sp_fonts needs it) */
        FcFini();
        fc_users_inited = 0;
    }
    if (f->lock_ok)
        pthread_mutex_destroy(&f->lock);
    free(f);
}

void sp_fonts_allow_system(sp_fonts *f, int allow)
{
    f->allow_system = allow != 0;
}

/* 1 if DIR/fonts.txt exists. */
static int has_manifest(const char *dir)
{
    char *m = sp_join_path(dir, "fonts.txt");
    struct stat st;
    int ok = m && stat(m, &st) == 0 && S_ISREG(st.st_mode);
    free(m);
    return ok;
}

char *sp_fonts_default_dir(const char *argv0)
{
    static const char *const rel[] = {"/../fonts",
                                      "/../share/studypack/fonts"};
#ifdef SP_FONTDIR
    const char *installed = SP_FONTDIR;
#else
    const char *installed = NULL;
#endif
    return sp_find_data_dir("STUDYPACK_FONTS", argv0, rel,
                            sizeof rel / sizeof rel[0], has_manifest,
                            installed);
}

int sp_fonts_system_allowed(const sp_fonts *f)
{
    return f->allow_system;
}

int sp_fonts_count(const sp_fonts *f)
{
    return atomic_load(&((sp_fonts *)f)->n_pub);
}

int sp_fonts_slot(const sp_fonts *f, sp_face face)
{
    return f->face_slot[(unsigned)face < SP_FACE_COUNT ? face : 0];
}

const char *sp_fonts_slot_path(const sp_fonts *f, int slot)
{
    return f->slot[slot].path;
}

int sp_fonts_slot_index(const sp_fonts *f, int slot)
{
    return f->slot[slot].index;
}

int sp_fonts_slot_is_cff(const sp_fonts *f, int slot)
{
    return f->slot[slot].cff;
}

unsigned sp_fonts_slot_glyph_count(const sp_fonts *f, int slot)
{
    return f->slot[slot].n_glyphs;
}

int sp_fonts_slot_is_system(const sp_fonts *f, int slot)
{
    return f->slot[slot].system;
}

int sp_fonts_slot_has(const sp_fonts *f, int slot, uint32_t cp)
{
    const font_slot *s = &f->slot[slot];
    if (cp < 128)
        return s->ascii_gid[cp] != 0;
    return hb_set_has(s->cover, cp);
}

double sp_fonts_slot_ascent(const sp_fonts *f, int slot)
{
    return f->slot[slot].ascent;
}

double sp_fonts_slot_descent(const sp_fonts *f, int slot)
{
    return f->slot[slot].descent;
}

double sp_fonts_glyph_advance(const sp_fonts *f, int slot, uint32_t gid)
{
    const font_slot *s = &f->slot[slot];
    return hb_font_get_glyph_h_advance(s->font, gid) * s->k;
}

const char *sp_fonts_path(const sp_fonts *f, sp_face face)
{
    return f->slot[sp_fonts_slot(f, face)].path;
}

int sp_fonts_index(const sp_fonts *f, sp_face face)
{
    return f->slot[sp_fonts_slot(f, face)].index;
}

/* The slot of fallback FB for FACE: its bold or italic face when it has
 * one that covers CP, else its regular. */
static int fallback_for(const sp_fonts *f, int fb, sp_face face, uint32_t cp)
{
    const font_slot *s = &f->slot[fb];
    int alt = face == SP_FACE_BOLD ? s->bold_of
              : face == SP_FACE_ITALIC ? s->italic_of : -1;
    if (alt >= 0 && sp_fonts_slot_has(f, alt, cp))
        return alt;
    return sp_fonts_slot_has(f, fb, cp) ? fb : -1;
}

int sp_fonts_pick(const sp_fonts *f, sp_face face, uint32_t cp)
{
    if ((unsigned)face >= SP_FACE_COUNT)
        face = SP_FACE_REGULAR;
    int own = f->face_slot[face];
    if (sp_fonts_slot_has(f, own, cp))
        return own;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (sp_fonts_slot_has(f, f->face_slot[i], cp))
            return f->face_slot[i];
    for (int i = 0; i < f->n_manifest_fb; i++) {
        int s = fallback_for(f, f->fallback[i], face, cp);
        if (s >= 0)
            return s;
    }
    if (f->sys_map) {
        hb_codepoint_t s = hb_map_get(f->sys_map, cp);
        if (s != HB_MAP_VALUE_INVALID)
            return fallback_for(f, (int)s, face, cp);
    }
    return -1;
}

int sp_fonts_has(const sp_fonts *f, sp_face face, uint32_t cp)
{
    return sp_fonts_pick(f, face, cp) >= 0;
}

double sp_fonts_advance(const sp_fonts *f, sp_face face, uint32_t cp)
{
    int s = sp_fonts_pick(f, face, cp);
    if (s < 0)
        return 0.0;
    const font_slot *fs = &f->slot[s];
    if (cp < 128)
        return fs->ascii_adv[cp];
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(fs->font, cp, &g))
        return 0.0;
    return hb_font_get_glyph_h_advance(fs->font, g) * fs->k;
}

double sp_fonts_width_pt(const sp_fonts *f, sp_face face, double size_pt,
                         const char *utf8, size_t len)
{
    double w = 0.0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += sp_utf8_next(utf8 + i, len - i, &cp);
        w += sp_fonts_advance(f, face, cp);
    }
    return w * size_pt / 1000.0;
}

double sp_fonts_ascent(const sp_fonts *f, sp_face face)
{
    return f->slot[sp_fonts_slot(f, face)].ascent;
}

double sp_fonts_descent(const sp_fonts *f, sp_face face)
{
    return f->slot[sp_fonts_slot(f, face)].descent;
}

/* ---- fontconfig ------------------------------------------------------ */

/* An installed outline font covering CP, through fontconfig: its path and
 * index (malloc'd path), or NULL.  Under f->lock. */
static char *fc_find(uint32_t cp, int bold, const char *lang, int *index)
{
    if (!FcInit())
        return NULL;
    fc_users_inited = 1;
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    char *found = NULL;
    if (!pat || !cs)
        goto out;
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
    FcPatternAddBool(pat, FC_OUTLINE, FcTrue);
    /* Noto first (Debian's fonts-noto-cjk and fonts-noto-core), then
     * whatever sans-serif font fontconfig prefers */
    const char *family = !lang ? "Noto Sans"
                         : strcmp(lang, "ja") == 0 ? "Noto Sans CJK JP"
                         : strcmp(lang, "ko") == 0 ? "Noto Sans CJK KR"
                         : strcmp(lang, "zh-tw") == 0 ? "Noto Sans CJK TC"
                         : strcmp(lang, "zh-hk") == 0 ? "Noto Sans CJK HK"
                                                      : "Noto Sans CJK SC";
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
    if (lang)
        FcPatternAddString(pat, FC_LANG, (const FcChar8 *)lang);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD
                                             : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *set = FcFontSort(NULL, pat, FcFalse, NULL, &res);
    if (!set)
        goto out;
    for (int i = 0; i < set->nfont && !found; i++) {
        FcPattern *p = set->fonts[i];
        FcCharSet *c = NULL;
        FcChar8 *file = NULL, *format = NULL;
        FcBool color = FcFalse, outline = FcTrue;
        int idx = 0;
        if (FcPatternGetCharSet(p, FC_CHARSET, 0, &c) != FcResultMatch
            || !FcCharSetHasChar(c, cp)
            || FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
            continue;
        FcPatternGetBool(p, FC_COLOR, 0, &color);
        FcPatternGetBool(p, FC_OUTLINE, 0, &outline);
        if (color || !outline)
            continue;
        if (FcPatternGetString(p, FC_FONTFORMAT, 0, &format) == FcResultMatch
            && strcmp((const char *)format, "TrueType") != 0
            && strcmp((const char *)format, "CFF") != 0)
            continue;
        FcPatternGetInteger(p, FC_INDEX, 0, &idx);
        if (idx < 0 || idx > 0xFFFF)
            continue;               /* a named instance of a variable font */
        found = strdup((const char *)file);
        *index = idx;
    }
    FcFontSetDestroy(set);
out:
    if (cs)
        FcCharSetDestroy(cs);
    if (pat)
        FcPatternDestroy(pat);
    return found;
}

/* Opens PATH/INDEX as a new system fallback slot (or finds it open);
 * returns the slot or -1.  Under f->lock. */
static int open_system(sp_fonts *f, char *path, int index)
{
    for (int i = 0; i < f->n_slots; i++)
        if (f->slot[i].index == index && strcmp(f->slot[i].path, path) == 0) {
            free(path);
            return i;
        }
    int s = add_slot(f, path, index);
    if (s < 0)
        return -1;
    sp_diags *quiet = sp_diags_new();
    int bad = !quiet || open_slot(&f->slot[s], quiet);
    sp_diags_free(quiet);
    if (bad) {
        close_slot(&f->slot[s]);
        f->n_slots--;
        return -1;
    }
    f->slot[s].system = 1;
    return s;
}

/* Script groups that share system fonts: a font chosen for one character
 * of a group is tried first for the others. */
void sp_fonts_prefer_lang(const sp_fonts *cf, const char *lang)
{
    sp_fonts *f = (sp_fonts *)cf;   /* the lazily grown chain; see fonts.h */
    char prim[4] = "", rest[8] = "";
    size_t i = 0, k = 0;
    while (lang && lang[i] && lang[i] != '-' && lang[i] != '_' && i < 3) {
        prim[i] = (char)(lang[i] | 0x20);
        i++;
    }
    prim[i] = '\0';
    if (lang && (lang[i] == '-' || lang[i] == '_'))
        for (i++; lang[i] && k < 7; i++)
            rest[k++] = (char)(lang[i] | 0x20);
    rest[k] = '\0';
    const char *han = NULL;
    if (strcmp(prim, "ja") == 0)
        han = "ja";
    else if (strcmp(prim, "ko") == 0)
        han = "ko";
    else if (strcmp(prim, "zh") == 0)
        han = strncmp(rest, "hk", 2) == 0 ? "zh-hk"
              : strncmp(rest, "tw", 2) == 0 || strncmp(rest, "hant", 4) == 0
                        || strncmp(rest, "mo", 2) == 0
                  ? "zh-tw"
                  : NULL;
    pthread_mutex_lock(&f->lock);
    f->han_lang = han;
    pthread_mutex_unlock(&f->lock);
}

static int script_group(const sp_fonts *f, uint32_t cp, const char **lang)
{
    hb_script_t sc = hb_unicode_script(hb_unicode_funcs_get_default(), cp);
    *lang = NULL;
    switch (sc) {
    case HB_SCRIPT_HIRAGANA:
    case HB_SCRIPT_KATAKANA:
        *lang = "ja";
        return 1;
    case HB_SCRIPT_HANGUL:
        *lang = "ko";
        return 1;
    case HB_SCRIPT_HAN:
        /* the same code point has Japanese, Korean, Simplified and
         * Traditional Chinese forms: the pack's language chooses */
        *lang = f->han_lang ? f->han_lang : "zh-cn";
        return 1;
    case HB_SCRIPT_BOPOMOFO:
        *lang = f->han_lang && strncmp(f->han_lang, "zh-", 3) == 0
                    ? f->han_lang : "zh-tw";
        return 1;
    case HB_SCRIPT_ARABIC:
        return 2;
    case HB_SCRIPT_HEBREW:
        return 3;
    case HB_SCRIPT_DEVANAGARI:
        return 4;
    case HB_SCRIPT_COMMON:
    case HB_SCRIPT_INHERITED:
    case HB_SCRIPT_UNKNOWN:
        return 0;
    default:
        return 5;
    }
}

int sp_fonts_resolve(const sp_fonts *cf, sp_face face, uint32_t cp,
                     int *added)
{
    sp_fonts *f = (sp_fonts *)cf;   /* the lazily grown chain; see fonts.h */
    *added = 0;
    int s = sp_fonts_pick(f, face, cp);
    if (s >= 0 || !f->allow_system || cp < 0x20)
        return s;
    pthread_mutex_lock(&f->lock);
    if (!f->tried) {
        f->tried = hb_set_create();
        f->sys_map = hb_map_create();
        for (int i = 0; i < 8; i++)
            f->group_slot[i] = -1;
    }
    const char *lang;
    int group = script_group(f, cp, &lang);
    int slot = -1;
    /* a system font already chosen for this script group */
    if (group > 0 && f->group_slot[group] >= 0
        && sp_fonts_slot_has(f, f->group_slot[group], cp))
        slot = f->group_slot[group];
    /* punctuation and symbols shared by scripts: a system font already
     * chosen, in the order they were found */
    for (int i = f->n_manifest_fb; group == 0 && slot < 0 && i < f->n_fallback;
         i++)
        if (sp_fonts_slot_has(f, f->fallback[i], cp))
            slot = f->fallback[i];
    if (slot < 0 && !hb_set_has(f->tried, cp) && f->n_slots < SP_FONTS_MAX) {
        hb_set_add(f->tried, cp);
        int index = 0;
        char *path = fc_find(cp, 0, lang, &index);
        slot = path ? open_system(f, path, index) : -1;
        if (slot >= 0 && !sp_fonts_slot_has(f, slot, cp))
            slot = -1;
        if (slot >= 0) {
            int known = 0;
            for (int i = 0; i < f->n_fallback; i++)
                if (f->fallback[i] == slot)
                    known = 1;
            if (!known) {
                /* its bold, if fontconfig has a different file for it */
                int bindex = 0;
                char *bpath = fc_find(cp, 1, lang, &bindex);
                if (bpath && (bindex != index
                              || strcmp(bpath, f->slot[slot].path) != 0)) {
                    int b = open_system(f, bpath, bindex);
                    if (b >= 0 && b != slot)
                        f->slot[slot].bold_of = b;
                } else {
                    free(bpath);
                }
                f->fallback[f->n_fallback++] = slot;
                f->hash_done = 0;
                *added = 1;
            }
            if (group > 0 && f->group_slot[group] < 0)
                f->group_slot[group] = slot;
        }
    }
    if (slot >= 0) {
        hb_map_set(f->sys_map, cp, (hb_codepoint_t)slot);
        atomic_store(&f->n_pub, f->n_slots);
    }
    pthread_mutex_unlock(&f->lock);
    return slot >= 0 ? sp_fonts_pick(f, face, cp) : -1;
}

/* ---- hash ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t sp_fonts_hash(const sp_fonts *cf)
{
    sp_fonts *f = (sp_fonts *)cf;   /* the cache only */
    pthread_mutex_lock(&f->lock);
    if (!f->hash_done) {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (int k = 0; k < f->n_slots; k++) {
            const font_slot *s = &f->slot[k];
            if (s->system)
                h = fnv(h, s->path, strlen(s->path) + 1);
            if (!s->borrowed)
                h = fnv(h, s->data, s->size);
            uint32_t idx = (uint32_t)s->index;
            h = fnv(h, &idx, sizeof idx);
        }
        for (int i = 0; i < SP_FACE_COUNT; i++)
            h = fnv(h, &f->face_slot[i], sizeof f->face_slot[i]);
        f->hash = h;
        f->hash_done = 1;
    }
    uint64_t h = f->hash;
    pthread_mutex_unlock(&f->lock);
    return h;
}

/* ---- descriptor info -------------------------------------------------- */

void sp_fonts_info(const sp_fonts *f, int slot, sp_font_info *o)
{
    const font_slot *s = &f->slot[slot];
    memset(o, 0, sizeof *o);
    char name[128];
    unsigned len = sizeof name;
    len = hb_ot_name_get_utf8(s->face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
                              HB_LANGUAGE_INVALID, &len, name);
    size_t k = 0;
    for (unsigned i = 0; i < len && name[i] && k + 1 < sizeof o->ps_name;
         i++) {
        unsigned char c = (unsigned char)name[i];
        if (c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", c))
            o->ps_name[k++] = (char)c;
    }
    o->ps_name[k] = '\0';
    o->ascent = s->ascent;
    o->descent = -s->descent;
    hb_position_t cap = 0;
    if (hb_ot_metrics_get_position(s->font, HB_OT_METRICS_TAG_CAP_HEIGHT,
                                   &cap) && cap > 0)
        o->cap_height = cap * s->k;
    else
        o->cap_height = s->ascent;
    hb_blob_t *head = hb_face_reference_table(s->face,
                                              HB_TAG('h', 'e', 'a', 'd'));
    unsigned hl = 0;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head,
                                                                     &hl);
    if (h && hl >= 54)
        for (int i = 0; i < 4; i++)
            o->bbox[i] = (int16_t)(h[36 + 2 * i] << 8 | h[37 + 2 * i]) * s->k;
    hb_blob_destroy(head);
    hb_blob_t *os2 = hb_face_reference_table(s->face,
                                             HB_TAG('O', 'S', '/', '2'));
    unsigned ol = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(os2,
                                                                     &ol);
    o->weight = p && ol >= 6 ? (p[4] << 8 | p[5]) : 400;
    hb_blob_destroy(os2);
    hb_blob_t *post = hb_face_reference_table(s->face,
                                              HB_TAG('p', 'o', 's', 't'));
    unsigned pl = 0;
    p = (const unsigned char *)hb_blob_get_data(post, &pl);
    if (p && pl >= 16) {
        int32_t a = (int32_t)((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16
                              | (uint32_t)p[6] << 8 | p[7]);
        o->italic_angle = a / 65536.0;
        o->fixed_pitch = (p[12] | p[13] | p[14] | p[15]) != 0;
    }
    hb_blob_destroy(post);
}
