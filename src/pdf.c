/* pdf.c - the PDF device (see pdf.h).  With its page content
 * (pdf_draw.c), its fonts (pdf_font.c), its images (pdf_image.c) and its
 * file writer (pdf_file.c), the only files that include hpdf.h.
 *
 * How pages are made: each output page's content stream is written (by
 * pdf_draw.c) as PDF operators into a buffer, deflated on a worker thread with
 * libdeflate (deflate.h) and handed to the file writer: written into the
 * file at once when the caller gave the file first (sp_pdf_write_to),
 * else held by the page's content stream until the end.  Driving
 * libharu's HPDF_Page_* drawing calls instead took about 3x the time and
 * held every page's content uncompressed until the end.  Text positions
 * are Td moves between exact hundredths of a point, so no rounding adds
 * up along a page; text is in literal strings whose bytes are the ASCII
 * characters themselves where a glyph stands for one.
 *
 * Fonts are embedded by pdf_font.c: a subset of
 * each TrueType file with only the glyphs drawn, 1-byte codes, a
 * ToUnicode map.  libharu's own Type0 fonts cost ~70 ms per document and
 * lost the components of composite glyphs (accented letters, many CJK
 * characters printed as nothing).
 *
 * libharu still makes the document's objects: page objects, outline,
 * labels, metadata and the catalog.  All pages share one resource
 * dictionary and, when of one size, one MediaBox, both in the page
 * tree's root (2 KB of libharu objects a page less).  Text strings
 * (titles, bookmarks, label prefixes) are made here as ASCII or UTF-16BE
 * (libharu's UTF-8 encoder costs 1.4 million instructions a document to
 * set up).  pdf_file.c writes the file as PDF 1.5 with object streams.
 * A document is rendered part by part (sp_pdf_add), so a caller never
 * needs all its display lists at once.
 *
 * libharu 2.3.0 notes (measured on Debian 12):
 *   - After any error a document stays in an error state and every later
 *     call fails, and some failures return an error or NULL without
 *     calling the handler: every return value is checked and the first
 *     failure ends the rendering.
 *   - HPDF_Destination_SetXYZ refuses a zoom of 0 (it raises
 *     INVALID_PARAMETER), so outline destinations are built by hand as
 *     [page /XYZ left top null] ("keep the reader's zoom").
 *   - A page label without a numbering style (prefix only) needs the
 *     label dictionary without /S, which HPDF_AddPageLabel cannot make.
 *   - A dictionary's write_fn hook writes a CIDFont's /W array.
 *   - HPDF_PRINT_SCALING_NONE exists in 2.3.0 and writes
 *     /ViewerPreferences << /PrintScaling /None >> (and %PDF-1.6).
 *   - It writes only classic cross-reference tables, one object at a
 *     time, each stream's length an object of its own (pdf_file.h).
 *   The work-arounds use libharu's exported object API and the structures
 *   in its installed headers (hpdf_doc.h, hpdf_objects.h, hpdf_pages.h,
 *   hpdf_streams.h, hpdf_page_label.h): tied to 2.3.0, checked by
 *   tests/unit/test_pdf.c (qpdf --check, pdftotext, no poppler warnings,
 *   Ghostscript's text extraction, the subset fonts loaded by FreeType).
 */
#include "pdf.h"

#include <math.h>
#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_page_label.h>
#include <hpdf_list.h>
#include <hpdf_mmgr.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "deflate.h"
#include "fsutil.h"
#include "pdf_file.h"
#include "pdf_image.h"
#include "text.h"
#include "reserve.h"

#include "pdf_int.h"


/* A short text for the libharu errors we can run into. */
static const char *hpdf_error_text(HPDF_STATUS e)
{
    switch (e) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file error";
    case HPDF_FILE_OPEN_ERROR: return "cannot open the file";
    case HPDF_INVALID_ENCODER: return "no UTF-8 encoder";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_PAGE_INVALID_SIZE: return "page size out of range";
    case HPDF_PAGE_INVALID_FONT_SIZE: return "font size out of range";
    case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
    case HPDF_STRING_OUT_OF_RANGE: return "text run too long";
    case HPDF_EXCEED_GSTATE_LIMIT: return "graphics states nested too deep";
    case HPDF_ZLIB_ERROR: return "compression failed";
    case HPDF_INVALID_DOCUMENT: return "document in error state";
    default: return "libharu error";
    }
}

/* libharu's allocations.  libharu 2.3.0 does not survive every failed
 * allocation (HPDF_Page_New adds a NULL MediaBox unchecked, for one), so
 * they go through a reserve (reserve.h), and every libharu call we make
 * (TRY, begin_page) checks for a failure and stops with "out of memory".
 * The reserve is filled when a document starts and dropped at its end. */
static sp_reserve hpdf_reserve;

int pdf_hpdf_failed(void)
{
    return sp_reserve_failed(&hpdf_reserve);
}

static void *malloc_again(void *old, size_t n)
{
    (void)old;
    return malloc(n);
}

static void *HPDF_STDCALL hpdf_alloc(HPDF_UINT size)
{
    void *p = malloc(size);
    return p ? p
             : sp_reserve_retry(&hpdf_reserve, malloc_again, NULL, size,
                                "writing a PDF");
}

static void HPDF_STDCALL hpdf_free(void *p)
{
    free(p);
}

/* Records a failure once: the first error explains the rest. */
void pdf_report(pdf_ctx *c, HPDF_STATUS err, HPDF_STATUS detail,
                   const char *what)
{
    if (c->reported)
        return;
    c->reported = 1;
    if (pdf_hpdf_failed()) {
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0,
                    "out of memory (while %s)", what);
    } else if (err == HPDF_FAILD_TO_ALLOC_MEM) {
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0, "out of memory");
    } else if (err == HPDF_ZLIB_ERROR) {
        /* zlib fails on our well-formed streams only when it cannot get
         * memory (Z_MEM_ERROR); libharu does not always pass the code on */
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0,
                    "out of memory (compression failed while %s)", what);
    } else if (err) {
        sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                    "cannot write the PDF: %s while %s (libharu error "
                    "0x%04X, detail %u)",
                    hpdf_error_text(err), what, (unsigned)err,
                    (unsigned)detail);
    } else {
        sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                    "cannot write the PDF: libharu failed while %s", what);
    }
}

static void HPDF_STDCALL on_error(HPDF_STATUS err, HPDF_STATUS detail,
                                  void *user)
{
    pdf_report(user, err, detail, "rendering");
}

/* A failure libharu may or may not have reported through the handler. */
int pdf_fail(pdf_ctx *c, const char *what)
{
    HPDF_STATUS err = c->pdf ? HPDF_GetError(c->pdf) : 0;
    pdf_report(c, err, c->pdf ? HPDF_GetErrorDetail(c->pdf) : 0, what);
    return -1;
}

void pdf_oom(pdf_ctx *c, const char *what)
{
    pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, what);
}


/* ---- the compression pipeline -----------------------------------------
 *
 * Deflating the content streams is the largest single cost of a big
 * document.  A worker thread deflates page k while the main thread draws
 * page k + 1.  Only the main thread touches the libharu document: the
 * worker deflates from one buffer into another (deflate.h: libdeflate,
 * its compressors kept for the process).  Each page's bytes depend
 * only on its own content, so the output is the same whatever the timing.
 * If pthread_create fails the same work is done synchronously.
 */

enum { RING = 8 };

/* The first pages of a document are deflated on the calling thread: a
 * booklet or a small pack's cards are done before a worker thread (its
 * stack, its malloc arena, fresh pages for both) would pay for itself. */
enum { SYNC_PAGES = 16 };

/* libdeflate's level for page content, chosen by measurement (make bench,
 * 10,000 cards): see the README's table. */
#ifndef SP_DEFLATE_LEVEL
#define SP_DEFLATE_LEVEL 9
#endif
/* ... and for the rest of the file (fonts, their maps, object streams):
 * level 6 is smaller than 9 on these small streams, and faster */
#ifndef SP_DEFLATE_FILE_LEVEL
#define SP_DEFLATE_FILE_LEVEL 6
#endif
enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE };

typedef struct {
    int state;              /* SLOT_*, guarded by the mutex when threaded */
    HPDF_Page page;
    cbuf raw, out;
    int failed;
} zslot;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    zslot ring[RING];
    size_t queued, done;    /* jobs queued so far, deflated so far */
    int stop;
    int threaded;
    int started;            /* zstart was called */
    pthread_t thread;
} zpipe;

/* Deflates IN into OUT (replacing its contents) in the zlib format
 * FlateDecode reads, with libdeflate: about 2.5x faster than zlib at the
 * same level and slightly smaller.  Thread-safe.  0, or -1 when out of
 * memory. */
static int deflate_buf(const cbuf *in, cbuf *out)
{
    return sp_deflate(SP_DEFLATE_LEVEL, in->p, in->n, &out->p, &out->cap,
                      &out->n);
}

static void *zworker(void *arg)
{
    zpipe *z = arg;
    pthread_mutex_lock(&z->mu);
    for (;;) {
        while (z->done == z->queued && !z->stop)
            pthread_cond_wait(&z->cv, &z->mu);
        if (z->done == z->queued)
            break;              /* stopped, and nothing left to do */
        zslot *s = &z->ring[z->done % RING];
        pthread_mutex_unlock(&z->mu);
        s->failed = deflate_buf(&s->raw, &s->out);
        pthread_mutex_lock(&z->mu);
        s->state = SLOT_DONE;
        z->done++;
        pthread_cond_broadcast(&z->cv);
    }
    pthread_mutex_unlock(&z->mu);
    return NULL;
}

/* Starts the worker (after SYNC_PAGES pages, so a small document starts
 * no thread); without it the work is done synchronously. */
static void zstart(zpipe *z)
{
    z->started = 1;
    if (pthread_mutex_init(&z->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&z->cv, NULL) != 0) {
        pthread_mutex_destroy(&z->mu);
        return;
    }
    if (pthread_create(&z->thread, NULL, zworker, z) != 0) {
        pthread_cond_destroy(&z->cv);
        pthread_mutex_destroy(&z->mu);
        return;
    }
    z->threaded = 1;
}

/* Reports a failure of the file writer (WHY as pdf_file.h says). */
static int file_failed(pdf_ctx *c, const char *why)
{
    if (!why)
        return pdf_fail(c, "saving");
    if (strcmp(why, "out of memory") == 0) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        return -1;
    }
    if (!c->reported)
        sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                    "cannot write the PDF: %s", why);
    c->reported = 1;
    return -1;
}

/* Gives a deflated slot's bytes to its page.  Main thread only. */
static int zconsume(pdf_ctx *c, zslot *s)
{
    s->state = SLOT_FREE;
    if (s->failed) {
        pdf_report(c, s->out.oom ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_ZLIB_ERROR, 0,
               "compressing a page");
        return -1;
    }
    HPDF_PageAttr attr = (HPDF_PageAttr)s->page->attr;
    if (c->file) {
        /* straight into the file: the document need not hold it */
        const char *why;
        if (sp_pdf_file_put_deflated(c->file, attr->contents,
                                     (const unsigned char *)s->out.p,
                                     s->out.n, &why) != 0)
            return file_failed(c, why);
        return 0;
    }
    unsigned char *bytes = malloc(s->out.n ? s->out.n : 1);
    if (!bytes
        || sp_pdf_file_set_deflated(c->pdf, attr->contents,
                                    (unsigned char *)memcpy(bytes, s->out.p,
                                                            s->out.n),
                                    s->out.n) != 0) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "writing a page");
        return -1;
    }
    attr->stream = attr->contents->stream;
    return 0;
}

/* Queues PAGE's content CB for deflating; CB gets a spare buffer back. */
static int zsubmit(pdf_ctx *c, zpipe *z, HPDF_Page page, cbuf *cb)
{
    if (!z->started && z->queued >= SYNC_PAGES)
        zstart(z);
    zslot *s = &z->ring[z->queued % RING];
    if (z->threaded) {
        pthread_mutex_lock(&z->mu);
        while (s->state == SLOT_QUEUED)
            pthread_cond_wait(&z->cv, &z->mu);
        pthread_mutex_unlock(&z->mu);
    }
    if (s->state == SLOT_DONE && zconsume(c, s) != 0)
        return -1;
    cbuf spare = s->raw;
    s->raw = *cb;
    *cb = spare;
    cb->n = 0;
    s->page = page;
    if (!z->threaded) {
        s->failed = deflate_buf(&s->raw, &s->out);
        z->queued++;
        z->done++;
        return zconsume(c, s);
    }
    pthread_mutex_lock(&z->mu);
    s->state = SLOT_QUEUED;
    z->queued++;
    pthread_cond_broadcast(&z->cv);
    pthread_mutex_unlock(&z->mu);
    return 0;
}

/* Stops the worker after the queued pages, hands them to their pages if
 * OK, and frees the buffers.  Returns 0 or -1. */
static int zfinish(pdf_ctx *c, zpipe *z, int ok)
{
    if (z->threaded) {
        pthread_mutex_lock(&z->mu);
        z->stop = 1;
        pthread_cond_broadcast(&z->cv);
        pthread_mutex_unlock(&z->mu);
        pthread_join(z->thread, NULL);
        pthread_cond_destroy(&z->cv);
        pthread_mutex_destroy(&z->mu);
        z->threaded = 0;
    }
    int rc = ok ? 0 : -1;
    for (int k = 0; k < RING; k++) {
        zslot *s = &z->ring[k];
        if (rc == 0 && s->state == SLOT_DONE && zconsume(c, s) != 0)
            rc = -1;
        free(s->raw.p);
        free(s->out.p);
    }
    memset(z, 0, sizeof *z);
    return rc;
}

/* Ends the page: its content goes to the compression pipeline. */
static int end_page(pdf_ctx *c, page_ctx *pc, zpipe *z)
{
    pdf_end_text(pc);
    if (pc->cb.oom) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "drawing");
        return -1;
    }
    if (pc->cb.n == 0)
        return 0;
    HPDF_PageAttr attr = (HPDF_PageAttr)pc->page->attr;
    if (attr->contents->write_fn || pc->cb.n > 0x7FFFFFFF) {
        /* not the layout we know: let libharu compress it at save time */
        TRY(c, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)pc->cb.p,
                                 (HPDF_UINT)pc->cb.n),
            "writing a page");
        return 0;
    }
    return zsubmit(c, z, pc->page, &pc->cb);
}


/* UTF-8 text S as a PDF text string object: ASCII as it is, anything
 * else as UTF-16BE with a byte order mark (written in hex).  libharu's
 * own UTF-8 encoder would do the same, but setting it up builds tables
 * costing 1.4 million instructions a document.  NULL when out of memory
 * (reported). */
static void *text_object(pdf_ctx *c, const char *s)
{
    size_t len = strlen(s);
    int ascii = 1;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    if (ascii) {
        HPDF_String str = HPDF_String_New(c->pdf->mmgr, s, NULL);
        if (!str)
            pdf_fail(c, "writing a text string");
        return str;
    }
    /* at most two UTF-16 units (4 bytes) per code point of 1+ bytes */
    unsigned char *u = malloc(2 + 4 * len);
    if (!u) {
        pdf_oom(c, "writing a text string");
        return NULL;
    }
    size_t n = 0;
    u[n++] = 0xFE;
    u[n++] = 0xFF;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += sp_utf8_next(s + i, len - i, &cp);
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10),
                     lo = 0xDC00 + (v & 0x3FF);
            u[n++] = (unsigned char)(hi >> 8);
            u[n++] = (unsigned char)hi;
            u[n++] = (unsigned char)(lo >> 8);
            u[n++] = (unsigned char)lo;
        } else {
            u[n++] = (unsigned char)(cp >> 8);
            u[n++] = (unsigned char)cp;
        }
    }
    HPDF_Binary b = HPDF_Binary_New(c->pdf->mmgr, u, (HPDF_UINT)n);
    free(u);
    if (!b)
        pdf_fail(c, "writing a text string");
    return b;
}

/* Sets text entry KEY of dictionary D to S (see text_object). */
static int set_text(pdf_ctx *c, HPDF_Dict d, const char *key, const char *s)
{
    void *o = text_object(c, s);
    if (!o)
        return -1;
    TRY(c, HPDF_Dict_Add(d, key, o), "writing a text string");
    return 0;
}

/* ---- document level ------------------------------------------------- */

/* /ViewerPreferences /Duplex, so the print dialog starts with the
 * imposition's own duplex setting (a PDF 1.7 key; older viewers ignore
 * it). */
static int set_duplex(pdf_ctx *c, sp_print_duplex duplex)
{
    static const char *const names[] = {NULL, "Simplex",
                                        "DuplexFlipLongEdge",
                                        "DuplexFlipShortEdge"};
    HPDF_Dict cat = c->pdf->catalog;
    HPDF_Dict vp = HPDF_Dict_GetItem(cat, "ViewerPreferences",
                                     HPDF_OCLASS_DICT);
    if (!vp) {
        vp = HPDF_Dict_New(c->pdf->mmgr);
        if (!vp || HPDF_Dict_Add(cat, "ViewerPreferences", vp) != HPDF_OK)
            return pdf_fail(c, "setting the duplex preset");
    }
    TRY(c, HPDF_Dict_AddName(vp, "Duplex", names[duplex]),
        "setting the duplex preset");
    return 0;
}

static int set_info(pdf_ctx *c, const char *key, const char *value)
{
    if (!value)
        return 0;
    if (!c->pdf->info)
        return pdf_fail(c, "setting metadata");
    return set_text(c, c->pdf->info, key, value);
}

/* [page /XYZ 0 top null]: jump to TOP, keep the reader's zoom. */
static int outline_dest(pdf_ctx *c, HPDF_Outline o, HPDF_Page page,
                        double top)
{
    HPDF_Destination dst = HPDF_Page_CreateDestination(page);
    if (!dst)
        return pdf_fail(c, "adding a bookmark");
    HPDF_Null null = HPDF_Null_New(c->pdf->mmgr);
    if (!null)
        return pdf_fail(c, "adding a bookmark");
    HPDF_Array_Clear(dst);
    TRY(c, HPDF_Array_Add(dst, page), "adding a bookmark");
    TRY(c, HPDF_Array_AddName(dst, "XYZ"), "adding a bookmark");
    TRY(c, HPDF_Array_AddReal(dst, 0), "adding a bookmark");
    TRY(c, HPDF_Array_AddReal(dst, (HPDF_REAL)top), "adding a bookmark");
    TRY(c, HPDF_Array_Add(dst, null), "adding a bookmark");
    TRY(c, HPDF_Outline_SetDestination(o, dst), "adding a bookmark");
    return 0;
}

enum { MAX_OUTLINE_DEPTH = 16 };

/* Where the saved document goes: a file (written in chunks of SINK_CHUNK
 * bytes) or, without one, a memory buffer.  libharu writes many small
 * pieces; its own memory stream would copy each byte twice more. */
enum { SINK_CHUNK = 1 << 16 };

typedef struct {
    pdf_ctx *c;
    sp_afile *file;
    cbuf buf;
    size_t size;                    /* bytes written so far */
} sink;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    sink *k = s->attr;
    if (k->file && k->buf.n + n > SINK_CHUNK && k->buf.n > 0) {
        if (sp_afile_write(k->file, k->buf.p, k->buf.n) != 0) {
            k->c->reported = 1;     /* the I/O error explains it */
            return HPDF_FILE_IO_ERROR;
        }
        k->buf.n = 0;
    }
    pdf_cb_put(&k->buf, (const char *)p, n);
    if (k->buf.oom) {
        pdf_report(k->c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    k->size += n;
    return HPDF_OK;
}

/* A document being written (see sp_pdf_begin). */
struct sp_pdf {
    pdf_ctx c;
    page_ctx pc;
    zpipe z;
    HPDF_Page *pages;               /* output pages so far */
    double *heights;
    size_t n_out, cap_out;
    sp_doc marks;                   /* outline entries and page labels
                                       of the parts so far, by output
                                       page: made when the pages are */
    int failed;
    sink *out;                      /* set by sp_pdf_write_to */
};

/* Adds the outline entries of DOC (sheets are output pages). */
static int add_outline(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    if (doc->n_outline == 0)
        return 0;
    HPDF_Outline stack[MAX_OUTLINE_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < doc->n_outline; i++) {
        const sp_outline_entry *e = &doc->outline[i];
        int level = e->level < 0 ? 0 : e->level;
        if (level > depth)
            level = depth;
        if (level >= MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH - 1;
        HPDF_Outline parent = level > 0 ? stack[level - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(c->pdf, parent, "", NULL);
        if (!o)
            return pdf_fail(c, "adding a bookmark");
        if (set_text(c, o, "Title", e->title ? e->title : "") != 0)
            return -1;
        TRY(c, HPDF_Outline_SetOpened(o, level == 0 ? HPDF_TRUE : HPDF_FALSE),
            "adding a bookmark");
        double top = p->heights[e->sheet] - e->y_pt;
        if (top < 0)
            top = 0;
        if (outline_dest(c, o, p->pages[e->sheet], top) != 0)
            return -1;
        stack[level] = o;
        depth = level + 1;
    }
    return 0;
}

/* Adds the page labels of DOC (sheets are output pages). */
static int add_labels(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    for (size_t i = 0; i < doc->n_labels; i++) {
        const sp_page_label *l = &doc->labels[i];
        HPDF_UINT at = (HPDF_UINT)l->first_sheet;
        HPDF_PageNumStyle style;
        switch (l->style) {
        case 'D': style = HPDF_PAGE_NUM_STYLE_DECIMAL; break;
        case 'r': style = HPDF_PAGE_NUM_STYLE_LOWER_ROMAN; break;
        case 'R': style = HPDF_PAGE_NUM_STYLE_UPPER_ROMAN; break;
        case 'a': style = HPDF_PAGE_NUM_STYLE_LOWER_LETTERS; break;
        case 'A': style = HPDF_PAGE_NUM_STYLE_UPPER_LETTERS; break;
        default: style = HPDF_PAGE_NUM_STYLE_DECIMAL; break;
        }
        HPDF_UINT first = l->first_number > 0 ? (HPDF_UINT)l->first_number : 1;
        HPDF_Dict label = HPDF_PageLabel_New(c->pdf, style, (HPDF_INT)first,
                                             NULL);
        if (!label)
            return pdf_fail(c, "adding a page label");
        if (l->style == 0)      /* prefix only: the dictionary without /S */
            TRY(c, HPDF_Dict_RemoveElement(label, "S"), "adding a page label");
        if (l->prefix && l->prefix[0]
            && set_text(c, label, "P", l->prefix) != 0)
            return -1;
        TRY(c, HPDF_Catalog_AddPageLabel(c->pdf->catalog, at, label),
            "adding a page label");
    }
    return 0;
}

/* Keeps PART's outline entries and labels (whose sheets count from
 * output page BASE) for the end of the document, by output page. */
static int keep_marks(sp_pdf *p, const sp_doc *part, size_t base)
{
    pdf_ctx *c = &p->c;
    size_t n = p->n_out - base;
    for (size_t i = 0; i < part->n_outline; i++) {
        const sp_outline_entry *e = &part->outline[i];
        if (e->sheet >= n) {
            if (!c->reported)
                sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                            "cannot write the PDF: bookmark \"%s\" points to "
                            "page %zu of %zu", e->title ? e->title : "",
                            e->sheet + 1, n);
            c->reported = 1;
            return -1;
        }
        if (sp_doc_outline(&p->marks, e->title ? e->title : "",
                           base + e->sheet, e->level, e->y_pt) != 0) {
            pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a bookmark");
            return -1;
        }
    }
    for (size_t i = 0; i < part->n_labels; i++) {
        const sp_page_label *l = &part->labels[i];
        if (l->first_sheet >= n)
            continue;
        if (sp_doc_label(&p->marks, base + l->first_sheet, l->style,
                         l->prefix, l->first_number) != 0) {
            pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a page label");
            return -1;
        }
    }
    return 0;
}

/* Records the page just ended as the next output page. */
static int push_page(sp_pdf *p, double height)
{
    if (p->n_out == p->cap_out) {
        size_t cap = p->cap_out ? 2 * p->cap_out : 64;
        HPDF_Page *pg = realloc(p->pages, cap * sizeof *pg);
        if (pg)
            p->pages = pg;
        double *h = pg ? realloc(p->heights, cap * sizeof *h) : NULL;
        if (h)
            p->heights = h;
        if (!pg || !h) {
            pdf_report(&p->c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a page");
            return -1;
        }
        p->cap_out = cap;
    }
    p->pages[p->n_out] = p->pc.page;
    p->heights[p->n_out] = height;
    p->n_out++;
    return 0;
}

/* Renders PART's sheets (or its pages if it has none) and keeps its
 * outline entries and labels. */
static int render_part(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    page_ctx *pc = &p->pc;
    size_t base = p->n_out;
    size_t n = doc->n_sheets ? doc->n_sheets : doc->n_pages;
    for (size_t i = 0; i < n; i++) {
        double h;
        if (doc->n_sheets) {
            const sp_sheet *s = &doc->sheets[i];
            h = s->marks.height_pt;
            if (pdf_begin_page(c, pc, s->marks.width_pt, h)
                || pdf_draw_marks(c, pc, &s->marks))
                return -1;
            for (size_t k = 0; k < s->n_placements; k++)
                if (pdf_draw_placement(c, pc, doc, &s->placements[k], h))
                    return -1;
        } else {
            const sp_dlist *pg = &doc->pages[i];
            h = pg->height_pt;
            if (pdf_begin_page(c, pc, pg->width_pt, h) || pdf_draw_items(c, pc, pg))
                return -1;
        }
        if (end_page(c, pc, &p->z) || push_page(p, h))
            return -1;
    }
    return keep_marks(p, doc, base);
}

/* Frees everything P holds (P itself too). */
static void pdf_free(sp_pdf *p)
{
    zfinish(&p->c, &p->z, 0);
    sp_pdf_file_abort(p->c.file);
    if (p->out) {
        free(p->out->buf.p);
        free(p->out);
    }
    free(p->pc.cb.p);
    free(p->pages);
    free(p->heights);
    sp_doc_release(&p->marks);
    sp_pdf_images_free(p->c.images);   /* its images are the document's */
    if (p->c.pdf)
        HPDF_Free(p->c.pdf);
    for (int i = 0; i < p->c.n_pfonts; i++)
        pdf_font_free(&p->c.pfonts[i]);
    sp_shaped_release(&p->c.shaped);
    for (size_t i = 0; i < p->c.n_forms; i++)
        free(p->c.forms[i].bytes);
    free(p->c.forms);
    free(p->c.name_copy);
    free(p);
    sp_reserve_drop(&hpdf_reserve);   /* until the next document */
}

sp_pdf *sp_pdf_begin(const sp_fonts *fonts, const sp_doc *meta,
                     const char *name, sp_diags *diags)
{
    sp_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    pdf_ctx *c = &p->c;
    c->d = diags;
    c->fonts = fonts;
    if (name && !(c->name = c->name_copy = strdup(name))) {
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        free(p);
        return NULL;
    }
    if (sp_reserve_fill(&hpdf_reserve) != 0) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto fail;
    }
    c->pdf = HPDF_NewEx(on_error, hpdf_alloc, hpdf_free, 0, c);
    if (!c->pdf) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto fail;
    }
    if (HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL) != HPDF_OK) {
        pdf_fail(c, "turning on compression");
        goto fail;
    }
    HPDF_Dict res = HPDF_Dict_New(c->pdf->mmgr);
    c->res_font = res ? HPDF_Dict_New(c->pdf->mmgr) : NULL;
    if (!c->res_font || HPDF_Dict_Add(res, "Font", c->res_font) != HPDF_OK
        || HPDF_Dict_Add(c->pdf->root_pages, "Resources", res) != HPDF_OK) {
        pdf_fail(c, "starting");
        goto fail;
    }
    if (meta && meta->print_actual_size
        && HPDF_SetViewerPreference(c->pdf, HPDF_PRINT_SCALING_NONE)
               != HPDF_OK) {
        pdf_fail(c, "setting the print scaling");
        goto fail;
    }
    if (meta && meta->print_duplex != SP_PRINT_ANY
        && set_duplex(c, meta->print_duplex) != 0)
        goto fail;
    if (meta
        && (set_info(c, "Title", meta->title)
            || set_info(c, "Subject", meta->subject)
            || set_info(c, "Keywords", meta->keywords)
            || set_info(c, "Author", meta->author)
            || set_info(c, "Creator", meta->creator)))
        goto fail;
    return p;
fail:
    pdf_free(p);
    return NULL;
}

int sp_pdf_add(sp_pdf *p, const sp_doc *part)
{
    if (p->failed)
        return -1;
    if (render_part(p, part) != 0) {
        p->failed = 1;
        return -1;
    }
    return 0;
}

void sp_pdf_abort(sp_pdf *p)
{
    if (p)
        pdf_free(p);
}

/* Ends the document and saves it into K.  0, or -1 (reported). */
static int finish_doc(sp_pdf *p, sink *k)
{
    pdf_ctx *c = &p->c;
    if (p->failed)
        return -1;
    if (p->n_out == 0) {
        /* a PDF needs a page: an empty A4 one */
        if (pdf_begin_page(c, &p->pc, 595.2756, 841.8898)
            || end_page(c, &p->pc, &p->z))
            return -1;
    }
    if (zfinish(c, &p->z, 1) != 0 || add_outline(p, &p->marks) != 0
        || add_labels(p, &p->marks) != 0 || pdf_fonts_embed(c) != 0)
        return -1;
    const char *why;
    if (c->file) {
        /* the pages are in the file already */
        sp_pdf_file *f = c->file;
        c->file = NULL;
        if (sp_pdf_file_close(f, &why) != 0)
            return file_failed(c, why);
    } else {
        if (c->pdf->stream) {
            pdf_report(c, 0, 0, "saving");
            return -1;
        }
        /* the document's own stream: freed with it */
        c->pdf->stream = HPDF_CallbackWriter_New(c->pdf->mmgr, sink_write,
                                                 k);
        if (!c->pdf->stream)
            return pdf_fail(c, "saving");
        if (sp_pdf_file_save(c->pdf, c->pdf->stream, SP_DEFLATE_FILE_LEVEL,
                             &why) != 0)
            return file_failed(c, why);
    }
    if (k->file && k->buf.n > 0
        && sp_afile_write(k->file, k->buf.p, k->buf.n) != 0)
        return -1;
    return 0;
}

int sp_pdf_write_to(sp_pdf *p, sp_afile *f)
{
    pdf_ctx *c = &p->c;
    if (p->failed || p->out || p->n_out > 0 || c->pdf->stream || !f)
        return -1;
    p->out = calloc(1, sizeof *p->out);
    if (!p->out) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        p->failed = 1;
        return -1;
    }
    p->out->c = c;
    p->out->file = f;
    c->pdf->stream = HPDF_CallbackWriter_New(c->pdf->mmgr, sink_write,
                                             p->out);
    c->file = c->pdf->stream ? sp_pdf_file_open(c->pdf, c->pdf->stream,
                                                SP_DEFLATE_FILE_LEVEL)
                             : NULL;
    if (!c->file) {
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        p->failed = 1;
        return -1;
    }
    return 0;
}

int sp_pdf_finish_to(sp_pdf *p, sp_afile *f, size_t *bytes_written)
{
    if (bytes_written)
        *bytes_written = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.c = &p->c;
    k.file = f;
    sink *out = p->out ? p->out : &k;
    int rc = -1;
    if (f && out->file == f && finish_doc(p, out) == 0) {
        rc = 0;
        if (bytes_written)
            *bytes_written = out->size;
    }
    free(k.buf.p);
    pdf_free(p);
    return rc;
}

int sp_pdf_finish(sp_pdf *p, const char *path, size_t *bytes_written)
{
    if (bytes_written)
        *bytes_written = 0;
    sp_afile *f = p->failed ? NULL : sp_afile_open(path, p->c.d);
    size_t len = 0;
    int rc = sp_pdf_finish_to(p, f, &len);
    if (rc == 0)
        rc = sp_afile_commit(f);
    else
        sp_afile_abort(f);
    if (rc == 0 && bytes_written)
        *bytes_written = len;
    return rc;
}

int sp_pdf_finish_mem(sp_pdf *p, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.c = &p->c;
    int rc = finish_doc(p, &k);
    if (rc == 0) {
        *out = (unsigned char *)k.buf.p;
        *len = k.size;
    } else {
        free(k.buf.p);
    }
    pdf_free(p);
    return rc;
}

int sp_pdf_render(const sp_doc *doc, const sp_fonts *fonts, const char *name,
                  unsigned char **out, size_t *len, sp_diags *diags)
{
    *out = NULL;
    *len = 0;
    sp_pdf *p = sp_pdf_begin(fonts, doc, name, diags);
    if (!p)
        return -1;
    if (sp_pdf_add(p, doc) != 0) {
        sp_pdf_abort(p);
        return -1;
    }
    return sp_pdf_finish_mem(p, out, len);
}

int sp_pdf_write(const sp_doc *doc, const sp_fonts *fonts, const char *path,
                 size_t *bytes_written, sp_diags *diags)
{
    if (bytes_written)
        *bytes_written = 0;
    sp_pdf *p = sp_pdf_begin(fonts, doc, path, diags);
    if (!p)
        return -1;
    if (sp_pdf_add(p, doc) != 0) {
        sp_pdf_abort(p);
        return -1;
    }
    return sp_pdf_finish(p, path, bytes_written);
}
