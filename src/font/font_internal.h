/* font_internal.h - what the files of src/font/ share; nobody else
 * includes it. */
#ifndef SP_FONT_INTERNAL_H
#define SP_FONT_INTERNAL_H

#include "fonts.h"

#include <hb.h>
#include <hb-ot.h>
#include <pthread.h>
#include <stdatomic.h>

typedef struct {
    char *path;                 /* as resolved (DIR/FILE or absolute) */
    int index;                  /* face in a collection */
    const unsigned char *data;  /* the file (sp_map_file) */
    size_t size;
    int mapped, borrowed;       /* borrowed: data belongs to an earlier slot */
    int cff;                    /* CFF outlines (else glyf) */
    int system;                 /* found through fontconfig */
    int bold_of, italic_of;     /* a fallback's own bold/italic slot, -1 */
    hb_blob_t *blob;
    hb_face_t *face;
    hb_face_t *subset_face;     /* face with only the tables a PDF font
                                   program keeps (sp_font_subset_face) */
    hb_font_t *font;            /* scale = upem: positions in font units */
    hb_set_t *cover;            /* code points of the Unicode cmap */
    unsigned upem, n_glyphs;
    double k;                   /* 1000 / upem */
    double ascent, descent;     /* 1/1000 em, both positive */
    uint32_t ascii_gid[128];    /* 0: no glyph */
    float ascii_adv[128];       /* 1/1000 em, -1: no glyph */
} font_slot;

struct sp_fonts {
    font_slot slot[SP_FONTS_MAX];
    int n_slots;                /* under lock once published */
    atomic_int n_pub;           /* slots readers may use */
    int n_manifest;             /* slots from fonts.txt */
    int face_slot[SP_FACE_COUNT];
    int fallback[SP_FONTS_MAX]; /* fallback chain, regular slots */
    int n_fallback;
    int n_manifest_fb;          /* fallbacks from fonts.txt */
    int allow_system;
    hb_set_t *tried;            /* code points already asked of fontconfig */
    hb_map_t *sys_map;          /* code point -> system slot drawing it */
    int group_slot[8];          /* script group -> system slot, -1 */
    const char *han_lang;       /* fontconfig's language for Han: a
                                   literal, NULL for zh-cn */
    pthread_mutex_t lock;
    int lock_ok;
    int hash_done;
    uint64_t hash;
    uint64_t gen;               /* tells this object's caches from others' */
};

/* check.c: the sfnt structure of face INDEX in DATA (tables inside the
 * file, outlines present, the licence allows embedding); sets *CFF.
 * NULL if sound, else what is wrong. */
const char *sp_font_check_file(const unsigned char *data, size_t size,
                               int index, int *cff);
/* check.c: glyph data of an opened slot: loca/glyf bounds and composite
 * cycles, or that hb-subset can read the CFF.  NULL if sound. */
const char *sp_font_check_glyphs(const font_slot *s);

/* subset.c: a face over S's tables without those a PDF's embedded font
 * program does without (cmap, layout, names, hinting extras), for
 * hb-subset: without a cmap its plan skips walking every mapping of the
 * font (5 million instructions a subset for DejaVu Sans, 0.3 million
 * without).  Owned by the caller; NULL when out of memory. */
hb_face_t *sp_font_subset_face(const font_slot *s);

/* shape.c: frees the calling thread's cache if it belongs to F. */
void sp_font_cache_drop(sp_fonts *f);

#endif
