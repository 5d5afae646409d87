/* fonts.c - TrueType faces through FreeType (see fonts.h).
 *
 * Each face's file is read once into memory and the face is opened from
 * memory; the bytes are hashed on the first sp_fonts_hash call (under a
 * lock).  Advance widths of the mapped BMP code points are read at open
 * into a two-level float table per face (-1 = no glyph; only the 256-code
 * point blocks with mapped characters are allocated), so measuring is a
 * table lookup and the object is read-only afterwards (safe to share between
 * threads that measure).  Characters above U+FFFF are never drawable: the
 * PDF writer (libharu) drops them.
 */
#include "fonts.h"

#include "fsutil.h"
#include "text.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TAGS_H
#include FT_TRUETYPE_TABLES_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FONT_BYTES (256L * 1024 * 1024)
#define BMP 0x10000

typedef struct {
    char *path;              /* as resolved (DIR/FILE or absolute) */
    int index;
    const unsigned char *data; /* the file's bytes (mapped or read; see
                                  sp_map_file); FreeType reads them */
    long size;
    int mapped;
    FT_Face ft;
    double ascent, descent;  /* 1/1000 em, both positive */
    /* advance of each BMP code point in 1/1000 em, -1 if missing, in
     * blocks of 256: adv[cp >> 8][cp & 255]; blocks without a mapped code
     * point all share the face's block "missing" (all -1) */
    float *adv[BMP >> 8];
    float *missing;
    int shared;              /* 1 if this slot borrows another slot */
} face_t;

struct sp_fonts {
    FT_Library lib;
    face_t faces[SP_FACE_COUNT];
    /* the files' hash is computed on first use (only incremental builds
     * need it), under the lock so that sharing threads stay safe */
    pthread_mutex_t hash_lock;
    int hash_lock_ok;
    int hash_done;
    uint64_t hash;
};

static const char *const face_names[SP_FACE_COUNT] = {
    "regular", "bold", "italic", "mono"
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

/* Checks that every table of the sfnt at INDEX lies inside the file;
 * FreeType does not notice some truncations.  0 if sound, -1 if not. */
static int check_tables(const unsigned char *d, long size, int index)
{
    long off = 0;
    if (size < 12)
        return -1;
    if (memcmp(d, "ttcf", 4) == 0) {
        uint32_t n = be32(d + 8);
        if (index < 0 || (uint32_t)index >= n || 12 + 4L * (index + 1) > size)
            return -1;
        off = (long)be32(d + 12 + 4 * index);
    }
    if (off > size - 12)
        return -1;
    long n_tables = (long)(d[off + 4] << 8 | d[off + 5]);
    if (off + 12 + 16 * n_tables > size)
        return -1;
    for (long i = 0; i < n_tables; i++) {
        const unsigned char *rec = d + off + 12 + 16 * i;
        uint64_t t_off = be32(rec + 8), t_len = be32(rec + 12);
        if (t_off + t_len > (uint64_t)size)
            return -1;
    }
    return 0;
}

/* Maps (or reads) PATH whole into *data; 0, or -1 with a diagnostic. */
static int read_file(const char *path, const unsigned char **data,
                     long *size, int *mapped, sp_diags *d)
{
    size_t n = 0;
    const unsigned char *buf = sp_map_file(path, MAX_FONT_BYTES, &n, mapped);
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
    *size = (long)n;
    return 0;
}

/* Fills the face's BMP advance table from its Unicode cmap.  The advances
 * of all glyphs are read in one FT_Get_Advances call (the same values
 * FT_Get_Advance gives one by one); a glyph index outside the font falls
 * back to FT_Get_Advance, which then reports the error as before. */
static int fill_advances(face_t *fc)
{
    FT_Face ft = fc->ft;
    fc->missing = malloc(256 * sizeof *fc->missing);
    if (!fc->missing)
        return -1;
    for (size_t i = 0; i < 256; i++)
        fc->missing[i] = -1.0f;
    for (size_t b = 0; b < BMP >> 8; b++)
        fc->adv[b] = fc->missing;
    double scale = 1000.0 / ft->units_per_EM;
    FT_UInt n_glyphs = ft->num_glyphs > 0 ? (FT_UInt)ft->num_glyphs : 0;
    FT_Fixed *all = NULL;
    if (n_glyphs > 0) {
        all = malloc(n_glyphs * sizeof *all);
        if (!all)
            return -1;
        if (FT_Get_Advances(ft, 0, n_glyphs, FT_LOAD_NO_SCALE, all)) {
            free(all);
            all = NULL;   /* read them one by one below */
        }
    }
    FT_UInt gi;
    FT_ULong cp = FT_Get_First_Char(ft, &gi);
    while (gi != 0) {
        if (cp < BMP) {
            float *blk = fc->adv[cp >> 8];
            if (blk == fc->missing) {
                blk = malloc(256 * sizeof *blk);
                if (!blk) {
                    free(all);
                    return -1;
                }
                for (size_t i = 0; i < 256; i++)
                    blk[i] = -1.0f;
                fc->adv[cp >> 8] = blk;
            }
            FT_Fixed a = 0;
            if (all && gi < n_glyphs)
                blk[cp & 255] = (float)(all[gi] * scale);
            else if (FT_Get_Advance(ft, gi, FT_LOAD_NO_SCALE, &a) == 0)
                blk[cp & 255] = (float)(a * scale);
        }
        cp = FT_Get_Next_Char(ft, cp, &gi);
    }
    free(all);
    return 0;
}

/* Opens one face from PATH at INDEX into FC; 0, or -1 with diagnostics. */
static int open_face(sp_fonts *f, face_t *fc, sp_diags *d)
{
    if (read_file(fc->path, &fc->data, &fc->size, &fc->mapped, d))
        return -1;

    if (check_tables(fc->data, fc->size, fc->index)) {
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0,
                    "not a TrueType font, or truncated (face index %d)",
                    fc->index);
        return -1;
    }
    FT_Error err = FT_New_Memory_Face(f->lib, fc->data, fc->size, fc->index,
                                      &fc->ft);
    if (err) {
        fc->ft = NULL;
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0,
                    "not a usable TrueType font (FreeType error %d, face "
                    "index %d)", err, fc->index);
        return -1;
    }
    FT_ULong len = 0;
    if (!FT_IS_SFNT(fc->ft)
        || FT_Load_Sfnt_Table(fc->ft, TTAG_glyf, 0, NULL, &len) || len == 0) {
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0,
                    "not a TrueType font with glyf outlines (CFF-based "
                    "OpenType fonts cannot be embedded)");
        return -1;
    }
    if (FT_Select_Charmap(fc->ft, FT_ENCODING_UNICODE)) {
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0, "font has no Unicode cmap");
        return -1;
    }
    if (fc->ft->units_per_EM == 0) {
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0, "font has no units per em");
        return -1;
    }
    double scale = 1000.0 / fc->ft->units_per_EM;
    fc->ascent = fc->ft->ascender * scale;
    fc->descent = -fc->ft->descender * scale;
    if (fc->ascent <= 0 || fc->descent < 0) {
        sp_diag_add(d, SP_D_FONT, fc->path, 0, 0,
                    "font has no usable ascender/descender");
        return -1;
    }
    if (fill_advances(fc)) {
        sp_diag_add(d, SP_D_NOMEM, fc->path, 0, 0,
                    "out of memory reading font");
        return -1;
    }
    return 0;
}

/* Joins DIR and FILE unless FILE is absolute; malloc'd or NULL. */
static char *join_path(const char *dir, const char *file)
{
    if (file[0] == '/' || !dir || !*dir)
        return strdup(file);
    size_t a = strlen(dir), b = strlen(file);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, file, b + 1);
    return p;
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

/* Parses one manifest line "FACE FILE [INDEX]" into the faces table;
 * 0, or -1 with a diagnostic at MANIFEST:LINENO. */
static int parse_line(sp_fonts *f, const char *dir, char *line,
                      const char *manifest, int lineno, sp_diags *d)
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
    int face = -1;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (strcmp(s, face_names[i]) == 0)
            face = i;
    if (face < 0) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "unknown face '%s' (expected regular, bold, italic or "
                    "mono)", s);
        return -1;
    }
    if (f->faces[face].path) {
        sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                    "face '%s' is listed twice", s);
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
        if (v > INT_MAX / 2) {
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0,
                        "face index %s is too large", last + 1);
            return -1;
        }
        index = (int)v;
        *last = '\0';
        file = trim(file);
    }
    f->faces[face].path = join_path(dir, file);
    f->faces[face].index = index;
    if (!f->faces[face].path) {
        sp_diag_add(d, SP_D_NOMEM, manifest, lineno, 0, "out of memory");
        return -1;
    }
    return 0;
}

/* Reads DIR/fonts.txt into f->faces[].path/index; 0, or -1. */
static int read_manifest(sp_fonts *f, const char *dir, sp_diags *d)
{
    char *manifest = join_path(dir, "fonts.txt");
    if (!manifest) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
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
    int lineno = 0, bad = 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(fp)) {
            sp_diag_add(d, SP_D_FONT, manifest, lineno, 0, "line too long");
            bad = 1;
            break;
        }
        if (parse_line(f, dir, line, manifest, lineno, d))
            bad = 1;
    }
    fclose(fp);
    if (!bad && !f->faces[SP_FACE_REGULAR].path) {
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
    if (pthread_mutex_init(&f->hash_lock, NULL) != 0) {
        free(f);
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    f->hash_lock_ok = 1;
    if (read_manifest(f, dir, d))
        goto fail;
    if (FT_Init_FreeType(&f->lib)) {
        f->lib = NULL;
        sp_diag_add(d, SP_D_FONT, NULL, 0, 0, "cannot initialise FreeType");
        goto fail;
    }
    int bad = 0;
    for (int i = 0; i < SP_FACE_COUNT; i++) {
        face_t *fc = &f->faces[i];
        if (!fc->path)
            continue;
        if (open_face(f, fc, d))
            bad = 1;
    }
    if (bad)
        goto fail;
    /* faces the manifest leaves out are drawn with the regular face */
    for (int i = 0; i < SP_FACE_COUNT; i++) {
        if (f->faces[i].path)
            continue;
        f->faces[i] = f->faces[SP_FACE_REGULAR];
        f->faces[i].shared = 1;
    }
    return f;
fail:
    sp_fonts_free(f);
    return NULL;
}

void sp_fonts_free(sp_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < SP_FACE_COUNT; i++) {
        face_t *fc = &f->faces[i];
        if (fc->shared)
            continue;
        if (fc->ft)
            FT_Done_Face(fc->ft);
        for (size_t b = 0; b < BMP >> 8; b++)
            if (fc->adv[b] != fc->missing)
                free(fc->adv[b]);
        free(fc->missing);
        sp_unmap_file(fc->data, (size_t)fc->size, fc->mapped);
        free(fc->path);
    }
    if (f->lib)
        FT_Done_FreeType(f->lib);
    if (f->hash_lock_ok)
        pthread_mutex_destroy(&f->hash_lock);
    free(f);
}

/* 1 if DIR/fonts.txt exists. */
static int has_manifest(const char *dir)
{
    char *m = join_path(dir, "fonts.txt");
    struct stat st;
    int ok = m && stat(m, &st) == 0 && S_ISREG(st.st_mode);
    free(m);
    return ok;
}

char *sp_fonts_default_dir(const char *argv0)
{
    const char *env = getenv("STUDYPACK_FONTS");
    if (env && *env)
        return strdup(env);
    char *exe = sp_exe_dir(argv0);
    if (exe) {
        static const char *const rel[] = {"/../fonts",
                                          "/../share/studypack/fonts"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            size_t n = strlen(exe) + strlen(rel[i]) + 1;
            char *p = malloc(n);
            if (!p)
                break;
            snprintf(p, n, "%s%s", exe, rel[i]);
            if (has_manifest(p)) {
                free(exe);
                return p;
            }
            free(p);
        }
        free(exe);
    }
#ifdef SP_FONTDIR
    return strdup(SP_FONTDIR);
#else
    return NULL;
#endif
}

const char *sp_fonts_path(const sp_fonts *f, sp_face face)
{
    return f->faces[face].path;
}

int sp_fonts_index(const sp_fonts *f, sp_face face)
{
    return f->faces[face].index;
}

int sp_fonts_has(const sp_fonts *f, sp_face face, uint32_t cp)
{
    return cp < BMP && f->faces[face].adv[cp >> 8][cp & 255] >= 0.0f;
}

double sp_fonts_advance(const sp_fonts *f, sp_face face, uint32_t cp)
{
    if (cp >= BMP)
        return 0.0;
    float a = f->faces[face].adv[cp >> 8][cp & 255];
    return a >= 0.0f ? a : 0.0;
}

double sp_fonts_width_pt(const sp_fonts *f, sp_face face, double size_pt,
                         const char *utf8, size_t len)
{
    float *const *adv = f->faces[face].adv;
    double w = 0.0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)utf8[i];
        uint32_t cp;
        if (c < 0x80) {
            cp = c;
            i++;
        } else {
            i += sp_utf8_next(utf8 + i, len - i, &cp);
        }
        if (cp < BMP && adv[cp >> 8][cp & 255] > 0.0f)
            w += adv[cp >> 8][cp & 255];
    }
    return w * size_pt / 1000.0;
}

double sp_fonts_ascent(const sp_fonts *f, sp_face face)
{
    return f->faces[face].ascent;
}

double sp_fonts_descent(const sp_fonts *f, sp_face face)
{
    return f->faces[face].descent;
}

/* FNV-1a over each face's bytes and index, in face order (the faces the
 * manifest lists; borrowed slots add nothing). */
static uint64_t compute_hash(const sp_fonts *f)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int k = 0; k < SP_FACE_COUNT; k++) {
        const face_t *fc = &f->faces[k];
        if (fc->shared || !fc->data)
            continue;
        for (long i = 0; i < fc->size; i++) {
            h ^= fc->data[i];
            h *= 0x100000001b3ULL;
        }
        h ^= (uint64_t)fc->index;
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t sp_fonts_hash(const sp_fonts *f)
{
    sp_fonts *m = (sp_fonts *)f;   /* the cache only; see struct sp_fonts */
    pthread_mutex_lock(&m->hash_lock);
    if (!m->hash_done) {
        m->hash = compute_hash(f);
        m->hash_done = 1;
    }
    uint64_t h = m->hash;
    pthread_mutex_unlock(&m->hash_lock);
    return h;
}
