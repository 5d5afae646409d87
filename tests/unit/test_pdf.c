/* test_pdf.c - the PDF device and atomic file writing.
 *
 * Uses qpdf, pdftotext and pdfinfo when they are installed (make deps
 * installs them), and Ghostscript (gs) when it is; the checks that need
 * them are skipped otherwise.  The embedded font subsets are taken out
 * with qpdf and loaded with FreeType.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "fsutil.h"
#include "impose.h"
#include "pdf.h"

#define DEJAVU "/usr/share/fonts/truetype/dejavu/"

static char tmpdir[256];

static char *path_in(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Runs CMD and returns its stdout (malloc'd, NUL-terminated). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* PDF A[0..NA) with every stream and object stream expanded (qpdf
 * --qdf), so its dictionaries can be searched: owned, *N bytes. */
static char *expanded(const unsigned char *a, size_t na, size_t *n)
{
    const char *in = path_in("expand-in.pdf"), *out = path_in("expand.qdf");
    FILE *f = fopen(in, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(a, 1, na, f), na);
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable '%s' "
             "'%s'", in, out);
    assert_int_equal(system(cmd), 0);
    char *q = read_all(out, n);
    assert_non_null(q);
    return q;
}

/* Files in tmpdir whose name starts with ".NAME." (leftover temp files). */
static int temp_files(const char *name)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, ".%s.", name);
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static const void *memmem_(const void *hay, size_t n, const char *needle,
                           size_t k)
{
    const char *h = hay;
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(h + i, needle, k) == 0)
            return h + i;
    return NULL;
}
#define memmem memmem_

static int has_code(const sp_diags *d, sp_diag_code code)
{
    for (size_t i = 0; i < sp_diags_count(d); i++)
        if (sp_diags_at(d, i)->code == code)
            return 1;
    return 0;
}

static sp_fonts *open_fonts(void)
{
    write_text(path_in("fonts.txt"),
               "regular " DEJAVU "DejaVuSans.ttf\n"
               "bold " DEJAVU "DejaVuSans-Bold.ttf\n"
               "italic " DEJAVU "DejaVuSans-Oblique.ttf\n"
               "mono " DEJAVU "DejaVuSansMono.ttf\n");
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(tmpdir, d);
    assert_non_null(f);
    sp_diags_free(d);
    return f;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sp-test-pdf.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Two A6 pages with text in three faces, lines, boxes; metadata, an
 * outline and page labels. */
static void small_doc(sp_doc *doc)
{
    sp_doc_init(doc);
    sp_dlist *p = sp_doc_add_page(doc, 297.64, 419.53);
    assert_non_null(p);
    static const char t1[] = "Héllo, wörld — “quotes” ✓";
    static const char t2[] = "Bold line";
    static const char t3[] = "mono_code(x) { return 1; }";
    assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 12, 20, 40, t1,
                                sizeof t1 - 1), 0);
    assert_int_equal(sp_dl_text(p, SP_FACE_BOLD, 10, 20, 60, t2,
                                sizeof t2 - 1), 0);
    assert_int_equal(sp_dl_text(p, SP_FACE_MONO, 8, 20, 80, t3,
                                sizeof t3 - 1), 0);
    /* bytes that need escaping in a literal string, in both bytes of a
     * UCS-2 code: ( ) \\ and CR (U+010D has 0x0D as its low byte) */
    static const char t5[] = "a(b)c\\d \u010D\u015C\u0128\u0129 \u2828";
    assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 9, 20, 180, t5,
                                sizeof t5 - 1), 0);
    assert_int_equal(sp_dl_line(p, 20, 90, 200, 90, 0.5, 0.3, 0), 0);
    assert_int_equal(sp_dl_line(p, 20, 95, 200, 95, 0.5, 0.6, 2.0), 0);
    assert_int_equal(sp_dl_rect(p, 20, 100, 100, 40, 1, 0, 0.9), 0);
    assert_int_equal(sp_dl_checkbox(p, 20, 150, 8, 0.5), 0);
    p = sp_doc_add_page(doc, 297.64, 419.53);
    assert_non_null(p);
    static const char t4[] = "Second page";
    assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 14, 20, 40, t4,
                                sizeof t4 - 1), 0);
    assert_int_equal(sp_doc_set(&doc->title, "Café prep: Flashcards"), 0);
    assert_int_equal(sp_doc_set(&doc->subject, "Flashcards"), 0);
    assert_int_equal(sp_doc_set(&doc->keywords, "interview, prep"), 0);
    assert_int_equal(sp_doc_set(&doc->author, "Spotify"), 0);
    assert_int_equal(sp_doc_set(&doc->creator, "studypack test"), 0);
    assert_int_equal(sp_doc_outline(doc, "Überblick", 0, 0, 30), 0);
    assert_int_equal(sp_doc_outline(doc, "Week 1", 1, 1, 30), 0);
    assert_int_equal(sp_doc_outline(doc, "Deep", 1, 5, 100), 0);
    assert_int_equal(sp_doc_label(doc, 0, 0, "Cover", 1), 0);
    assert_int_equal(sp_doc_label(doc, 1, 'D', NULL, 1), 0);
    doc->print_actual_size = 1;
}

static void render_basic(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_doc doc;
    small_doc(&doc);
    sp_diags *d = sp_diags_new();
    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    assert_int_equal(sp_pdf_render(&doc, fonts, "x.pdf", &a, &na, d), 0);
    assert_int_equal(sp_diags_count(d), 0);
    assert_true(na > 1000);
    assert_memory_equal(a, "%PDF-1.6", 8);   /* PrintScaling needs 1.6 */
    assert_int_equal(sp_pdf_render(&doc, fonts, "x.pdf", &b, &nb, d), 0);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);           /* byte-identical */
    /* no /ID and no dates */
    size_t nq;
    char *q = expanded(a, na, &nq);
    assert_non_null(memmem(q, nq, "/Producer", 9));  /* the search works */
    assert_null(memmem(q, nq, "CreationDate", 12));
    free(q);
    char tcmd[1024];
    snprintf(tcmd, sizeof tcmd, "qpdf --show-object=trailer '%s'",
             path_in("expand-in.pdf"));
    char *trailer = run(tcmd);
    assert_non_null(strstr(trailer, "/Root"));
    assert_null(strstr(trailer, "/ID"));
    free(trailer);
    free(a);
    free(b);

    size_t written = 0;
    const char *out = path_in("basic.pdf");
    assert_int_equal(sp_pdf_write(&doc, fonts, out, &written, d), 0);
    assert_int_equal(written, na);
    size_t nf = 0;
    char *file = read_all(out, &nf);
    assert_non_null(file);
    assert_int_equal(nf, na);
    free(file);
    assert_int_equal(temp_files("basic.pdf"), 0);

    char cmd[700];
    if (have("qpdf")) {
        snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null 2>&1", out);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof cmd,
                 "qpdf --json --json-key=outlines --json-key=pagelabels "
                 "'%s'", out);
        char *json = run(cmd);
        assert_non_null(strstr(json, "\\u00dcberblick")
                        ? strstr(json, "\\u00dcberblick")
                        : strstr(json, "Überblick"));
        assert_non_null(strstr(json, "Week 1"));
        assert_non_null(strstr(json, "Deep"));
        assert_non_null(strstr(json, "/P"));
        free(json);
        snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable "
                 "'%s' - 2>/dev/null | grep -a -c 'PrintScaling /None'", out);
        char *ps = run(cmd);
        assert_int_equal(atoi(ps), 1);
        free(ps);
    }
    if (have("pdftotext")) {
        /* text back exactly, and no warnings from poppler */
        snprintf(cmd, sizeof cmd, "pdftotext -q '%s' - 2>&1", out);
        char *text = run(cmd);
        assert_non_null(strstr(text, "Héllo, wörld — “quotes” ✓"));
        assert_non_null(strstr(text, "mono_code(x) { return 1; }"));
        assert_non_null(strstr(text, "Second page"));
        assert_non_null(strstr(text, "a(b)c\\d \u010D\u015C\u0128\u0129 \u2828"));
        free(text);
        snprintf(cmd, sizeof cmd, "pdftotext '%s' /dev/null 2>&1", out);
        char *warn = run(cmd);
        assert_string_equal(warn, "");
        free(warn);
    }
    if (have("pdfinfo")) {
        snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>&1", out);
        char *info = run(cmd);
        assert_non_null(strstr(info, "Café prep: Flashcards"));
        assert_non_null(strstr(info, "studypack test"));
        assert_non_null(strstr(info, "Pages:           2"));
        free(info);
    }
    sp_diags_free(d);
    sp_doc_release(&doc);
    sp_fonts_free(fonts);
}

/* Only the faces used are embedded. */
static void fonts_on_demand(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_doc doc;
    sp_doc_init(&doc);
    sp_dlist *p = sp_doc_add_page(&doc, 200, 200);
    assert_int_equal(sp_dl_text(p, SP_FACE_ITALIC, 10, 10, 20, "it", 2), 0);
    sp_diags *d = sp_diags_new();
    unsigned char *a;
    size_t na;
    assert_int_equal(sp_pdf_render(&doc, fonts, NULL, &a, &na, d), 0);
    size_t nq;
    char *q = expanded(a, na, &nq);
    assert_non_null(memmem(q, nq, "DejaVuSans-Oblique", 18));
    assert_null(memmem(q, nq, "DejaVuSans-Bold", 15));
    assert_null(memmem(q, nq, "DejaVuSansMono", 14));
    free(q);
    free(a);
    /* no text at all: no fonts needed */
    sp_doc_release(&doc);
    sp_doc_init(&doc);
    p = sp_doc_add_page(&doc, 200, 200);
    assert_int_equal(sp_dl_line(p, 0, 0, 100, 100, 1, 0, 0), 0);
    assert_int_equal(sp_pdf_render(&doc, NULL, NULL, &a, &na, d), 0);
    q = expanded(a, na, &nq);
    assert_non_null(memmem(q, nq, "/Contents", 9));
    assert_null(memmem(q, nq, "FontFile", 8));
    free(q);
    free(a);
    assert_int_equal(sp_diags_count(d), 0);
    sp_diags_free(d);
    sp_doc_release(&doc);
    sp_fonts_free(fonts);
}

/* The card grid on A4 with 5 mm margins: cards W x H mm, GAP mm apart. */
static sp_grid a4_grid(double w_mm, double h_mm, double gap_mm,
                       sp_duplex duplex, int crop_marks)
{
    sp_grid_opts go;
    memset(&go, 0, sizeof go);
    go.paper_w_pt = SP_MM_TO_PT(210);
    go.paper_h_pt = SP_MM_TO_PT(297);
    go.card_w_pt = SP_MM_TO_PT(w_mm);
    go.card_h_pt = SP_MM_TO_PT(h_mm);
    go.margin_pt = SP_MM_TO_PT(5);
    go.gap_pt = SP_MM_TO_PT(gap_mm);
    go.duplex = duplex;
    go.crop_marks = crop_marks;
    sp_grid g;
    assert_int_equal(sp_grid_compute(&go, &g), 0);
    return g;
}

/* An imposed card doc: sheets, marks, mirrored backs, rotation. */
static void render_imposed(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_grid g = a4_grid(85, 55, 0, SP_DUPLEX_LONG, 1);
    sp_doc doc;
    sp_doc_init(&doc);
    for (int i = 0; i < 13; i++) {
        char buf[64];
        for (int side = 0; side < 2; side++) {
            sp_dlist *p = sp_doc_add_page(&doc, g.card_w_pt, g.card_h_pt);
            int n = snprintf(buf, sizeof buf, "card-%02d-%s", i + 1,
                             side ? "back" : "front");
            assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 9, 10, 20, buf,
                                        (size_t)n), 0);
        }
    }
    assert_int_equal(sp_impose_cards(&doc, &g, 13), 0);
    /* turn one placement to exercise the 180-degree matrix */
    doc.sheets[1].placements[0].rotate_deg = 180;
    sp_diags *d = sp_diags_new();
    const char *out = path_in("cards.pdf");
    assert_int_equal(sp_pdf_write(&doc, fonts, out, NULL, d), 0);
    char cmd[700];
    if (have("pdftotext")) {
        /* page 2 (backs of sheet 1) has card 1's back; page 3 card 11 */
        snprintf(cmd, sizeof cmd, "pdftotext -q -f 2 -l 2 '%s' -", out);
        char *t = run(cmd);
        assert_non_null(strstr(t, "card-01-back"));
        assert_null(strstr(t, "card-01-front"));
        free(t);
        snprintf(cmd, sizeof cmd, "pdftotext -q -f 3 -l 3 '%s' -", out);
        t = run(cmd);
        assert_non_null(strstr(t, "card-11-front"));
        free(t);
        /* the back of card 2 (slot (0,1)) is at (0,0) on the back: its
         * text starts near the left of the page */
        snprintf(cmd, sizeof cmd, "pdftotext -q -bbox -f 2 -l 2 '%s' - | "
                 "grep 'card-02-back' | sed 's/.*xMin=\"\\([0-9.]*\\)\".*/\\1/'",
                 out);
        t = run(cmd);
        double x = atof(t);
        assert_true(x > g.x0_pt && x < g.x0_pt + 20);
        free(t);
    }
    if (have("pdfinfo")) {
        snprintf(cmd, sizeof cmd, "pdfinfo '%s' | grep '^Pages:'", out);
        char *t = run(cmd);
        assert_non_null(strstr(t, " 4"));
        free(t);
    }
    assert_int_equal(sp_diags_count(d), 0);
    sp_diags_free(d);
    sp_doc_release(&doc);
    sp_fonts_free(fonts);
}

/* Failures: no fonts for text; a font truncated after it was opened; a
 * folder that does not exist.  The old file is never touched. */
static void failures(void **state)
{
    (void)state;
    sp_doc doc;
    small_doc(&doc);
    sp_diags *d = sp_diags_new();
    const char *out = path_in("keep.pdf");
    write_text(out, "old contents");

    assert_int_equal(sp_pdf_write(&doc, NULL, out, NULL, d), -1);
    assert_true(has_code(d, SP_D_FONT));
    char *old = read_all(out, NULL);
    assert_string_equal(old, "old contents");
    free(old);
    assert_int_equal(temp_files("keep.pdf"), 0);
    sp_diags_clear(d);

    /* (a font damaged after it was opened is not re-read: fonts are
     * read and checked once, when opened; see font_damage) */
    sp_fonts *fonts;
    fonts = open_fonts();
    assert_int_equal(sp_pdf_write(&doc, fonts, path_in("no/such/dir/x.pdf"),
                                  NULL, d), -1);
    assert_true(has_code(d, SP_D_IO));
    sp_diags_clear(d);

    /* a placement of a page that does not exist */
    sp_sheet *s = sp_doc_add_sheet(&doc, 300, 300);
    assert_int_equal(sp_sheet_place(s, 99, 0, 0, 0), 0);
    unsigned char *buf;
    size_t len;
    assert_int_equal(sp_pdf_render(&doc, fonts, "x", &buf, &len, d), -1);
    assert_null(buf);
    assert_true(has_code(d, SP_D_PDF));
    sp_fonts_free(fonts);
    sp_diags_free(d);
    sp_doc_release(&doc);
}

/* ---- streaming ------------------------------------------------------ */

/* Appends card I's front and back (text in three faces) to DOC. */
static void add_card(sp_doc *doc, const sp_grid *g, int i)
{
    for (int side = 0; side < 2; side++) {
        sp_dlist *p = sp_doc_add_page(doc, g->card_w_pt, g->card_h_pt);
        assert_non_null(p);
        char buf[96];
        int n = snprintf(buf, sizeof buf, "card %d %s: caf\u00e9 \u2014 "
                         "\u201cquoted\u201d \u2192 \u2264 %d", i + 1,
                         side ? "back" : "front", i * 7);
        assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 9, 10, 20, buf,
                                    (size_t)n), 0);
        assert_int_equal(sp_dl_text(p, side ? SP_FACE_BOLD : SP_FACE_MONO,
                                    8, 10, 40, buf, (size_t)n), 0);
        assert_int_equal(sp_dl_line(p, 10, 50, 100, 50, 0.5, 0.4, 0), 0);
    }
}

/* Cards 0 .. N-1 added to P one imposed sheet at a time. */
static void add_by_sheet(sp_pdf *p, const sp_grid *g, int n)
{
    for (int first = 0; first < n; first += g->per_sheet) {
        int k = n - first < g->per_sheet ? n - first : g->per_sheet;
        sp_doc part;
        sp_doc_init(&part);
        for (int i = first; i < first + k; i++)
            add_card(&part, g, i);
        assert_int_equal(sp_impose_cards(&part, g, (size_t)k), 0);
        assert_int_equal(sp_pdf_add(p, &part), 0);
        sp_doc_release(&part);
    }
}

/* A document written into its file as its sheets are drawn
 * (sp_pdf_write_to), long enough for the worker thread to take over the
 * deflating: the same bytes every time, a sound file (qpdf --check), and
 * the text of the same document made in memory. */
static void written_as_drawn(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_diags *d = sp_diags_new();
    sp_grid g = a4_grid(90, 60, 4, SP_DUPLEX_LONG, 0);
    const int n = 20 * g.per_sheet + 1;     /* 42 pages */
    char *files[2];
    for (int k2 = 0; k2 < 2; k2++) {
        const char *path = path_in(k2 ? "drawn2.pdf" : "drawn1.pdf");
        sp_doc meta;
        sp_doc_init(&meta);
        assert_int_equal(sp_doc_set(&meta.title, "Drawn: Flashcards"), 0);
        sp_pdf *p = sp_pdf_begin(fonts, &meta, path, d);
        assert_non_null(p);
        sp_afile *f = sp_afile_open(path, d);
        assert_non_null(f);
        assert_int_equal(sp_pdf_write_to(p, f), 0);
        add_by_sheet(p, &g, n);
        size_t len = 0;
        assert_int_equal(sp_pdf_finish_to(p, f, &len), 0);
        assert_int_equal(sp_afile_commit(f), 0);
        assert_true(len > 1000);
        size_t got;
        files[k2] = read_all(path, &got);
        assert_non_null(files[k2]);
        assert_int_equal(got, len);
        sp_doc_release(&meta);
        if (k2 == 1) {
            assert_memory_equal(files[0], files[1], len);
            char cmd[1200];
            snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null", path);
            assert_int_equal(system(cmd), 0);
            snprintf(cmd, sizeof cmd, "pdfinfo '%s' | grep -c '^Pages: *42$'",
                     path);
            char *pages = run(cmd);
            assert_string_equal(pages, "1\n");
            free(pages);
        }
    }
    /* the same cards made in memory read the same */
    sp_doc whole;
    sp_doc_init(&whole);
    for (int i = 0; i < n; i++)
        add_card(&whole, &g, i);
    assert_int_equal(sp_impose_cards(&whole, &g, (size_t)n), 0);
    unsigned char *a;
    size_t na;
    assert_int_equal(sp_pdf_render(&whole, fonts, "m.pdf", &a, &na, d), 0);
    FILE *mf = fopen(path_in("drawn-mem.pdf"), "wb");
    assert_non_null(mf);
    assert_int_equal(fwrite(a, 1, na, mf), na);
    fclose(mf);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - | md5sum", path_in("drawn2.pdf"));
    char *t1 = run(cmd);
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - | md5sum",
             path_in("drawn-mem.pdf"));
    char *t2 = run(cmd);
    assert_string_equal(t1, t2);
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - | grep -c .",
             path_in("drawn2.pdf"));
    char *lines = run(cmd);
    assert_true(atoi(lines) > 40);          /* there is text to compare */
    free(lines);
    free(t1);
    free(t2);
    free(a);
    free(files[0]);
    free(files[1]);
    sp_doc_release(&whole);
    assert_int_equal(sp_diags_count(d), 0);
    sp_diags_free(d);
    sp_fonts_free(fonts);
}

/* A document rendered sheet by sheet, each part released before the
 * next, gives the same bytes as the whole document at once; and so do
 * pages with outline entries and labels split over two parts. */
static void streaming_matches_whole(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_diags *d = sp_diags_new();
    for (int mode = 0; mode < 3; mode++) {
        sp_grid g = a4_grid(90, 60, 4, (sp_duplex)mode, 1);
        const int n = 2 * g.per_sheet + 3;      /* a part-filled last sheet */
        sp_doc whole;
        sp_doc_init(&whole);
        for (int i = 0; i < n; i++)
            add_card(&whole, &g, i);
        assert_int_equal(sp_impose_cards(&whole, &g, (size_t)n), 0);
        assert_int_equal(sp_doc_set(&whole.title, "Stream: Flashcards"), 0);
        assert_int_equal(sp_doc_set(&whole.creator, "studypack test"), 0);
        whole.print_actual_size = 1;
        unsigned char *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        assert_int_equal(sp_pdf_render(&whole, fonts, "w.pdf", &a, &na, d),
                         0);

        sp_pdf *p = sp_pdf_begin(fonts, &whole, "s.pdf", d);
        assert_non_null(p);
        add_by_sheet(p, &g, n);
        assert_int_equal(sp_pdf_finish_mem(p, &b, &nb), 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);
        free(a);
        free(b);
        sp_doc_release(&whole);
    }

    /* pages without sheets, with bookmarks and labels, in two parts */
    sp_doc whole, p1, p2;
    sp_doc_init(&whole);
    sp_doc_init(&p1);
    sp_doc_init(&p2);
    const char *titles[] = {"Cover", "\u00dcberblick", "Week 1"};
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 2; k++) {
            sp_doc *doc = k == 0 ? &whole : i < 2 ? &p1 : &p2;
            size_t at = k == 0 || i < 2 ? (size_t)i : 0;
            sp_dlist *pg = sp_doc_add_page(doc, 300, 400);
            assert_non_null(pg);
            assert_int_equal(sp_dl_text(pg, SP_FACE_ITALIC, 12, 20, 40,
                                        titles[i], strlen(titles[i])), 0);
            assert_int_equal(sp_doc_outline(doc, titles[i], at, i == 2, 30),
                             0);
            if (i != 1)
                assert_int_equal(sp_doc_label(doc, at, i ? 'D' : 0,
                                              i ? NULL : "Cover", 1), 0);
        }
    }
    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    assert_int_equal(sp_pdf_render(&whole, fonts, NULL, &a, &na, d), 0);
    sp_pdf *p = sp_pdf_begin(fonts, &whole, NULL, d);
    assert_non_null(p);
    assert_int_equal(sp_pdf_add(p, &p1), 0);
    assert_int_equal(sp_pdf_add(p, &p2), 0);
    assert_int_equal(sp_pdf_finish_mem(p, &b, &nb), 0);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);

    /* abort, and a part that fails: nothing leaks, later calls fail */
    sp_pdf_abort(sp_pdf_begin(fonts, &whole, NULL, d));
    sp_pdf_abort(NULL);
    p = sp_pdf_begin(NULL, &whole, NULL, d);
    assert_non_null(p);
    assert_int_equal(sp_pdf_add(p, &p1), -1);      /* text but no fonts */
    assert_true(has_code(d, SP_D_FONT));
    assert_int_equal(sp_pdf_add(p, &p2), -1);
    assert_int_equal(sp_pdf_finish_mem(p, &b, &nb), -1);
    assert_null(b);
    assert_int_equal(sp_diags_count(d), 1);
    sp_diags_free(d);
    sp_doc_release(&whole);
    sp_doc_release(&p1);
    sp_doc_release(&p2);
    sp_fonts_free(fonts);
}

/* ---- embedded fonts ------------------------------------------------- */

/* Runs CMD and returns how many times NEEDLE occurs in its output. */
static int count_in_output(const char *cmd, const char *needle)
{
    char *out = run(cmd);
    int n = 0;
    for (const char *q = out; (q = strstr(q, needle)); q += strlen(needle))
        n++;
    free(out);
    return n;
}

/* The number after KEY in TEXT ("/KEY 12 0 R" or "/KEY [ 12 0 R ]"),
 * 0 if none. */
static int ref_after(const char *text, const char *key)
{
    const char *at = strstr(text, key);
    if (!at)
        return 0;
    at += strlen(key);
    while (*at == ' ' || *at == '[')
        at++;
    return atoi(at);
}

/* Object OBJ of the PDF QDF: its dictionary (or with DATA, its
 * uncompressed stream data), NUL-terminated, *LEN bytes.  Owned. */
static char *show_object(const char *qdf, int obj, int data, size_t *len)
{
    char cmd[1024], file[64];
    snprintf(file, sizeof file, "obj%d.%s", obj, data ? "bin" : "txt");
    snprintf(cmd, sizeof cmd, "qpdf --show-object=%d %s '%s' > '%s'", obj,
             data ? "--filtered-stream-data" : "", qdf, path_in(file));
    assert_int_equal(system(cmd), 0);
    char *t = read_all(path_in(file), len);
    assert_non_null(t);
    return t;
}

/* Reads the "<code> <value>" or "<code> value" lines of a CMap between
 * BEGIN and END: map[code] = value (the first UTF-16 unit, or the CID),
 * or -1 for a ToUnicode entry of more than one character. */
static void read_cmap(const char *cmap, const char *begin, const char *end,
                      long *map, size_t n_map)
{
    for (const char *at = cmap; (at = strstr(at, begin)); ) {
        at = strchr(at, '\n');
        const char *stop = strstr(at, end);
        assert_non_null(stop);
        while (at && at < stop) {
            unsigned long code;
            char val[64];
            if (sscanf(at, " <%lx> %63s", &code, val) == 2 && code < n_map) {
                if (val[0] == '<')
                    map[code] = strlen(val) == 6 ? strtol(val + 1, NULL, 16)
                                                 : -1;
                else
                    map[code] = atol(val);
            }
            at = strchr(at + 1, '\n');
        }
        at = stop;
    }
}

/* Checks every embedded TrueType font of PDF with FreeType, through the
 * PDF's own maps, as a reader draws it: each glyph of each subset loads
 * (so the parts of composite glyphs are there), each of the characters
 * in TEXT[0..N) is the ToUnicode text of a code whose CID (the font's
 * /Encoding CMap) is a glyph with an outline in its subset, and the
 * subsets are small.  Returns the number of composite glyphs seen. */
static int check_subsets(const char *pdf, const char **text, int n)
{
    char cmd[2048], qdf[512];
    snprintf(qdf, sizeof qdf, "%s", path_in("fonts.qdf"));
    snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable '%s' "
             "'%s'", pdf, qdf);
    assert_int_equal(system(cmd), 0);
    size_t len = 0;
    char *q = read_all(qdf, &len);
    assert_non_null(q);
    FT_Library lib;
    assert_int_equal(FT_Init_FreeType(&lib), 0);
    enum { MAX_CP = 0x20000, N_CODES = 0x10000 };
    unsigned char *inked = calloc(MAX_CP, 1);
    long *to_uni = malloc(N_CODES * sizeof *to_uni);
    long *to_cid = malloc(N_CODES * sizeof *to_cid);
    assert_true(inked && to_uni && to_cid);
    int n_faces = 0, composites = 0;
    for (const char *at = q; (at = memmem(at, len - (size_t)(at - q),
                                          "/Subtype /Type0", 15));
         at += 15) {
        /* the object holding this Type0 font dictionary */
        const char *head = at;
        while (head > q && strncmp(head, "\nendobj", 7) != 0
               && strncmp(head, "%% Original", 11) != 0)
            head--;
        const char *objline = strstr(head, " 0 obj");
        assert_non_null(objline);
        const char *num = objline;
        while (num > q && num[-1] >= '0' && num[-1] <= '9')
            num--;
        size_t l;
        char *type0 = show_object(qdf, atoi(num), 0, &l);
        int enc = ref_after(type0, "/Encoding"),
            tu = ref_after(type0, "/ToUnicode"),
            desc = ref_after(type0, "/DescendantFonts");
        free(type0);
        assert_true(enc > 0 && tu > 0 && desc > 0);
        char *cid = show_object(qdf, desc, 0, &l);
        int fd = ref_after(cid, "/FontDescriptor");
        int truetype = strstr(cid, "/CIDFontType2") != NULL;
        free(cid);
        if (!truetype)
            continue;
        char *fdesc = show_object(qdf, fd, 0, &l);
        int ff = ref_after(fdesc, "/FontFile2");
        free(fdesc);
        assert_true(ff > 0 && n_faces < 8);
        size_t font_len;
        char *font = show_object(qdf, ff, 1, &font_len);
        FT_Face f;
        assert_int_equal(FT_New_Memory_Face(lib, (const FT_Byte *)font,
                                            (FT_Long)font_len, 0, &f), 0);
        assert_true(f->num_glyphs > 1 && f->num_glyphs < 1000);
        for (FT_Long g = 0; g < f->num_glyphs; g++) {
            assert_int_equal(FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE
                                           | FT_LOAD_NO_RECURSE), 0);
            composites += f->glyph->format == FT_GLYPH_FORMAT_COMPOSITE;
            assert_int_equal(FT_Load_Glyph(f, (FT_UInt)g, FT_LOAD_NO_SCALE),
                             0);
        }
        for (size_t k = 0; k < N_CODES; k++)
            to_uni[k] = to_cid[k] = -1;
        char *tmap = show_object(qdf, tu, 1, &l);
        read_cmap(tmap, "beginbfchar", "endbfchar", to_uni, N_CODES);
        free(tmap);
        char *emap = show_object(qdf, enc, 1, &l);
        read_cmap(emap, "begincidchar", "endcidchar", to_cid, N_CODES);
        free(emap);
        for (size_t k = 0; k < N_CODES; k++)
            if (to_uni[k] > 0 && to_uni[k] < MAX_CP && to_cid[k] > 0
                && to_cid[k] < f->num_glyphs
                && FT_Load_Glyph(f, (FT_UInt)to_cid[k], FT_LOAD_NO_SCALE) == 0
                && f->glyph->outline.n_points > 0)
                inked[to_uni[k]] = 1;
        FT_Done_Face(f);
        free(font);
        n_faces++;
    }
    assert_true(n_faces > 0);
    for (int i = 0; i < n; i++) {
        const unsigned char *s = (const unsigned char *)text[i];
        while (*s) {
            unsigned cp = *s, extra = 0;
            if (cp >= 0xF0) {
                cp &= 7;
                extra = 3;
            } else if (cp >= 0xE0) {
                cp &= 15;
                extra = 2;
            } else if (cp >= 0xC0) {
                cp &= 31;
                extra = 1;
            }
            s++;
            for (unsigned k = 0; k < extra; k++)
                cp = cp << 6 | (*s++ & 0x3F);
            if (cp == ' ')
                continue;
            if (cp >= MAX_CP || !inked[cp])
                fail_msg("U+%04X has no outline in the embedded fonts", cp);
        }
    }
    free(inked);
    free(to_uni);
    free(to_cid);
    FT_Done_FreeType(lib);
    free(q);
    return composites;
}

/* Text in many scripts: more than 256 different characters in one face
 * (two slices of 1-byte codes), codes that need escaping in a literal
 * string ( ( ) \ CR LF ), composite glyphs (accented capitals, fractions).
 * pdftotext and Ghostscript return every line exactly, the fonts are
 * small subsets FreeType loads, and every character has an outline. */
static void font_subsets(void **state)
{
    (void)state;
    sp_fonts *fonts = open_fonts();
    sp_doc doc;
    sp_doc_init(&doc);
    static const unsigned ranges[][2] = {
        {0x21, 0x7E}, {0xA1, 0xAC}, {0xAE, 0xFF}, {0x100, 0x17F},
        {0x391, 0x3A1}, {0x3A3, 0x3C9}, {0x410, 0x44F}, {0x2190, 0x2199},
        {0x2013, 0x2014}, {0x2018, 0x201D}, {0x2022, 0x2022},
        {0x2026, 0x2026}, {0x21AA, 0x21AA}, {0x2248, 0x2248},
        {0x2264, 0x2265},
    };
    char *lines[64];
    int n_lines = 0;
    char line[256];
    size_t len = 0;
    int chars = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        for (unsigned cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
            if (!sp_fonts_has(fonts, SP_FACE_REGULAR, cp))
                continue;
            chars++;
            if (cp < 0x80) {
                line[len++] = (char)cp;
            } else if (cp < 0x800) {
                line[len++] = (char)(0xC0 | cp >> 6);
                line[len++] = (char)(0x80 | (cp & 0x3F));
            } else {
                line[len++] = (char)(0xE0 | cp >> 12);
                line[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
                line[len++] = (char)(0x80 | (cp & 0x3F));
            }
            if (len > 60) {
                line[len] = '\0';
                assert_true(n_lines < 64);
                lines[n_lines++] = strdup(line);
                len = 0;
            }
        }
    }
    line[len] = '\0';
    lines[n_lines++] = strdup(line);
    assert_true(chars > 300);
    sp_dlist *p = NULL;
    for (int i = 0; i < n_lines; i++) {
        if (i % 20 == 0)
            p = sp_doc_add_page(&doc, 595, 842);
        assert_int_equal(sp_dl_text(p, SP_FACE_REGULAR, 10, 20,
                                    40 + 30 * (i % 20), lines[i],
                                    strlen(lines[i])), 0);
        /* the same in bold, on the same line, as one more run */
        assert_int_equal(sp_dl_text(p, SP_FACE_BOLD, 5, 20,
                                    50 + 30 * (i % 20), lines[i],
                                    strlen(lines[i])), 0);
    }
    sp_diags *d = sp_diags_new();
    char out[512];
    snprintf(out, sizeof out, "%s", path_in("scripts.pdf"));
    size_t written = 0;
    assert_int_equal(sp_pdf_write(&doc, fonts, out, &written, d), 0);
    assert_int_equal(sp_diags_count(d), 0);
    /* ~25 KB of fonts: the whole files would be 1.4 MB */
    assert_true(written > 5000 && written < 120000);
    char cmd[700];
    if (have("qpdf")) {
        snprintf(cmd, sizeof cmd, "qpdf --check '%s' >/dev/null 2>&1", out);
        assert_int_equal(system(cmd), 0);
        /* one Type0 font (2-byte codes) of each face, over one CIDFont */
        snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable "
                 "'%s' - 2>/dev/null", out);
        assert_int_equal(count_in_output(cmd, "/Subtype /Type0"), 2);
        assert_int_equal(count_in_output(cmd, "/Subtype /CIDFontType2"), 2);
        assert_true(check_subsets(out, (const char **)lines, n_lines) > 50);
    }
    if (have("pdftotext")) {
        snprintf(cmd, sizeof cmd, "pdftotext -q -raw '%s' -", out);
        char *text = run(cmd);
        for (int i = 0; i < n_lines; i++)
            if (!strstr(text, lines[i]))
                fail_msg("pdftotext lost \"%s\" in:\n%s", lines[i], text);
        free(text);
        snprintf(cmd, sizeof cmd, "pdftotext '%s' /dev/null 2>&1", out);
        char *warn = run(cmd);
        assert_string_equal(warn, "");
        free(warn);
    }
    if (have("gs")) {
        /* another reader: Ghostscript decodes the strings and fonts */
        snprintf(cmd, sizeof cmd, "gs -q -dNOPAUSE -dBATCH -dSAFER "
                 "-sDEVICE=txtwrite -sOutputFile=- '%s' 2>&1", out);
        char *text = run(cmd);
        for (int i = 0; i < n_lines; i++)
            if (!strstr(text, lines[i]))
                fail_msg("Ghostscript read \"%s\" differently", lines[i]);
        free(text);
    }
    if (have("pdffonts")) {
        snprintf(cmd, sizeof cmd, "pdffonts '%s'", out);
        assert_int_equal(count_in_output(cmd, " yes yes yes "), 2);
    }
    for (int i = 0; i < n_lines; i++)
        free(lines[i]);
    sp_diags_free(d);
    sp_doc_release(&doc);
    sp_fonts_free(fonts);
}

/* The offset and length of table TAG in the TrueType file D. */
static long find_table(const unsigned char *d, const char *tag, long *len)
{
    int n = d[4] << 8 | d[5];
    for (int i = 0; i < n; i++) {
        const unsigned char *r = d + 12 + 16 * i;
        if (memcmp(r, tag, 4) == 0) {
            *len = (long)((unsigned long)r[12] << 24 | r[13] << 16
                          | r[14] << 8 | r[15]);
            return (long)((unsigned long)r[8] << 24 | r[9] << 16
                          | r[10] << 8 | r[11]);
        }
    }
    fail_msg("no %s table", tag);
    return -1;
}

/* A font file changed after sp_fonts_open read it: the device reads it
 * again and reports what is wrong with it (SP_D_FONT naming the file),
 * whatever stage it fails in; nothing is written. */
/* Sets the first component of the first composite glyph of the TrueType
 * font in COPY to the glyph itself (a cycle); 0, or -1 if none. */
static int make_cycle(unsigned char *copy)
{
    long hl, ll, gl;
    long head = find_table(copy, "head", &hl);
    long loca = find_table(copy, "loca", &ll);
    long glyf = find_table(copy, "glyf", &gl);
    long maxp_l;
    long maxp = find_table(copy, "maxp", &maxp_l);
    int long_loca = copy[head + 51] != 0;
    unsigned n = (unsigned)(copy[maxp + 4] << 8 | copy[maxp + 5]);
    for (unsigned g = 0; g < n; g++) {
        unsigned long off = long_loca
            ? (unsigned long)copy[loca + 4 * g] << 24
                  | (unsigned long)copy[loca + 4 * g + 1] << 16
                  | (unsigned long)copy[loca + 4 * g + 2] << 8
                  | copy[loca + 4 * g + 3]
            : 2ul * (unsigned long)(copy[loca + 2 * g] << 8
                                    | copy[loca + 2 * g + 1]);
        unsigned char *p = copy + glyf + off;
        if ((p[0] & 0x80) == 0)
            continue;           /* numberOfContours >= 0: simple */
        p[12] = (unsigned char)(g >> 8);
        p[13] = (unsigned char)(g & 0xFF);
        return 0;
    }
    return -1;
}

/* Damaged or unembeddable fonts are found when they are opened (before
 * any layout), with an error naming the file. */
static void font_damage(void **state)
{
    (void)state;
    for (int k = 0; k < 5; k++) {
        size_t n = 0;
        const char *src = k == 4 ? "/usr/share/fonts/opentype/urw-base35/"
                                   "NimbusSans-Regular.otf"
                                 : DEJAVU "DejaVuSans.ttf";
        unsigned char *copy = (unsigned char *)read_all(src, &n);
        assert_non_null(copy);
        write_text(path_in("fonts.txt"), k == 4 ? "regular bad.otf\n"
                                                : "regular bad.ttf\n");
        char bad[512];
        snprintf(bad, sizeof bad, "%s", path_in(k == 4 ? "bad.otf"
                                                       : "bad.ttf"));
        long tlen, at;
        const char *expect;
        switch (k) {
        case 0:     /* a composite glyph that contains itself */
            assert_int_equal(make_cycle(copy), 0);
            expect = "cycle";
            break;
        case 1:     /* embedding forbidden (OS/2 fsType 2) */
            at = find_table(copy, "OS/2", &tlen);
            copy[at + 8] = 0;
            copy[at + 9] = 2;
            expect = "licence";
            break;
        case 2:     /* glyph offsets past the glyf table */
            at = find_table(copy, "loca", &tlen);
            memset(copy + at + tlen / 2, 0xFF, (size_t)(tlen / 2));
            expect = "damaged font";
            break;
        case 3:     /* a table beyond the end of the file */
            at = find_table(copy, "glyf", &tlen);
            n = (size_t)(at + tlen / 2);
            expect = "truncated";
            break;
        default:    /* a CFF font whose Top DICT and indexes are garbage */
            at = find_table(copy, "CFF ", &tlen);
            memset(copy + at + 4, 0xFF, 200);
            expect = "CFF";
            break;
        }
        FILE *f = fopen(bad, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(copy, 1, n, f), n);
        fclose(f);
        free(copy);
        sp_diags *d = sp_diags_new();
        sp_fonts *fonts = sp_fonts_open(tmpdir, d);
        assert_null(fonts);
        assert_int_equal(sp_diags_count(d), 1);
        const sp_diag *g = sp_diags_at(d, 0);
        assert_int_equal(g->code, SP_D_FONT);
        assert_string_equal(g->file, bad);
        if (!strstr(g->message, expect))
            fail_msg("case %d: \"%s\" does not say \"%s\"", k, g->message,
                     expect);
        sp_diags_free(d);
    }
}

/* ---- fsutil --------------------------------------------------------- */

static void atomic_write(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    const char *p = path_in("a.txt");
    assert_int_equal(sp_write_file_atomic(p, "one", 3, d), 0);
    char *s = read_all(p, NULL);
    assert_string_equal(s, "one");
    free(s);
    assert_int_equal(sp_write_file_atomic(p, "two!", 4, d), 0);
    s = read_all(p, NULL);
    assert_string_equal(s, "two!");
    free(s);
    assert_int_equal(temp_files("a.txt"), 0);
    /* mode follows the umask like any new file */
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    mode_t um = umask(022);
    umask(um);
    assert_int_equal(st.st_mode & 0777, 0666 & ~um);
    /* empty file */
    assert_int_equal(sp_write_file_atomic(p, "", 0, d), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(sp_diags_count(d), 0);

    /* a folder in the way */
    assert_int_equal(sp_write_file_atomic(tmpdir, "x", 1, d), -1);
    assert_true(has_code(d, SP_D_IO));
    sp_diags_free(d);
}

/* A write that fails half-way (file size limit: EFBIG) leaves the old
 * file and no temporary file. */
static void atomic_write_fails(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    const char *p = path_in("big.bin");
    write_text(p, "previous");
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    static char big[100000];
    memset(big, 'x', sizeof big);
    int rc = sp_write_file_atomic(p, big, sizeof big, d);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, -1);
    assert_true(has_code(d, SP_D_IO));
    const sp_diag *g = sp_diags_at(d, 0);
    assert_string_equal(g->file, p);
    assert_non_null(strstr(g->message, "too large"));
    char *s = read_all(p, NULL);
    assert_string_equal(s, "previous");
    free(s);
    assert_int_equal(temp_files("big.bin"), 0);
    sp_diags_free(d);
}

static void streaming_and_cleanup(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    const char *p = path_in("s.txt");
    sp_afile *f = sp_afile_open(p, d);
    assert_non_null(f);
    assert_int_equal(sp_afile_write(f, "ab", 2), 0);
    assert_int_equal(sp_afile_write(f, "cd", 2), 0);
    assert_int_equal(temp_files("s.txt"), 1);
    assert_int_equal(access(p, F_OK), -1);   /* not there until commit */
    assert_int_equal(sp_afile_commit(f), 0);
    char *s = read_all(p, NULL);
    assert_string_equal(s, "abcd");
    free(s);

    /* what a SIGINT handler does: the temporary file goes away */
    f = sp_afile_open(p, d);
    assert_non_null(f);
    assert_int_equal(sp_afile_write(f, "zz", 2), 0);
    assert_int_equal(temp_files("s.txt"), 1);
    sp_fsutil_cleanup_tempfiles();
    assert_int_equal(temp_files("s.txt"), 0);
    sp_afile_abort(f);
    s = read_all(p, NULL);
    assert_string_equal(s, "abcd");
    free(s);

    /* abort leaves nothing and keeps the old file */
    f = sp_afile_open(p, d);
    assert_non_null(f);
    sp_afile_abort(f);
    assert_int_equal(temp_files("s.txt"), 0);

    /* many open at once (more than the registry holds) still work */
    sp_afile *many[40];
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "m%02d.txt", i);
        many[i] = sp_afile_open(path_in(name), d);
        assert_non_null(many[i]);
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(sp_afile_commit(many[i]), 0);
    assert_int_equal(sp_diags_count(d), 0);
    sp_diags_free(d);
}

static void mkdir_p(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    assert_int_equal(sp_mkdir_p(path_in("x/y//z/"), d), 0);
    struct stat st;
    assert_int_equal(stat(path_in("x/y/z"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(sp_mkdir_p(path_in("x/y"), d), 0);   /* exists */
    assert_int_equal(sp_diags_count(d), 0);
    write_text(path_in("x/file"), "f");
    assert_int_equal(sp_mkdir_p(path_in("x/file/sub"), d), -1);
    assert_true(has_code(d, SP_D_IO));
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "Not a directory"));
    sp_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(render_basic),
        cmocka_unit_test(fonts_on_demand),
        cmocka_unit_test(render_imposed),
        cmocka_unit_test(failures),
        cmocka_unit_test(streaming_matches_whole),
        cmocka_unit_test(written_as_drawn),
        cmocka_unit_test(font_subsets),
        cmocka_unit_test(font_damage),
        cmocka_unit_test(atomic_write),
        cmocka_unit_test(atomic_write_fails),
        cmocka_unit_test(streaming_and_cleanup),
        cmocka_unit_test(mkdir_p),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
