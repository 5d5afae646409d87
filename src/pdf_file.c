/* pdf_file.c - a libharu document saved as a PDF 1.5 file with object
 * streams and a cross-reference stream (see pdf_file.h).
 *
 * The structures walked here (the cross-reference entries, dictionaries'
 * element lists, streams) are those of libharu 2.3.0's installed headers,
 * as in pdf.c; tests/unit/test_pdf.c checks the files with qpdf --check,
 * poppler and Ghostscript.
 */
#include "pdf_file.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "deflate.h"
#include "strbuf.h"

/* ---- streams holding deflated bytes ---------------------------------- */

/* A read-only libharu stream over bytes we own (libharu frees it with
 * the document through free_fn). */
typedef struct {
    HPDF_Stream_Rec s;
    unsigned char *p;
    size_t n, pos;
} held_stream;

static HPDF_STATUS held_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    held_stream *h = s->attr;
    size_t left = h->n - h->pos, want = *siz;
    size_t k = want < left ? want : left;
    memcpy(ptr, h->p + h->pos, k);
    h->pos += k;
    *siz = (HPDF_UINT)k;
    return k < want ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS held_seek(HPDF_Stream s, HPDF_INT pos,
                             HPDF_WhenceMode mode)
{
    held_stream *h = s->attr;
    long base = mode == HPDF_SEEK_CUR ? (long)h->pos
                : mode == HPDF_SEEK_END ? (long)h->n : 0;
    long to = base + pos;
    if (to < 0 || (size_t)to > h->n)
        return HPDF_STREAM_EOF;
    h->pos = (size_t)to;
    return HPDF_OK;
}

static HPDF_INT32 held_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((held_stream *)s->attr)->pos;
}

static HPDF_UINT32 held_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((held_stream *)s->attr)->n;
}

static void held_free(HPDF_Stream s)
{
    free(((held_stream *)s->attr)->p);
}

/* The mark of a dictionary whose stream holds deflated bytes; should
 * libharu ever write one itself, this gives it its /Filter. */
static HPDF_STATUS deflated_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

int sp_pdf_file_set_deflated(HPDF_Doc pdf, HPDF_Dict dict,
                             unsigned char *bytes, size_t n)
{
    held_stream *h = n <= 0x7FFFFFFF
                     ? HPDF_GetMem(pdf->mmgr, sizeof *h) : NULL;
    if (!h) {
        free(bytes);
        return -1;
    }
    memset(h, 0, sizeof *h);
    h->p = bytes;
    h->n = n;
    h->s.sig_bytes = HPDF_STREAM_SIG_BYTES;
    h->s.type = HPDF_STREAM_CALLBACK;
    h->s.mmgr = pdf->mmgr;
    h->s.error = pdf->mmgr->error;
    h->s.size = (HPDF_UINT)n;
    h->s.read_fn = held_read;
    h->s.seek_fn = held_seek;
    h->s.tell_fn = held_tell;
    h->s.size_fn = held_size;
    h->s.free_fn = held_free;
    h->s.attr = h;
    HPDF_Stream old = dict->stream;
    dict->stream = &h->s;
    if (old)
        HPDF_Stream_Free(old);
    dict->filter = HPDF_STREAM_FILTER_NONE;
    dict->write_fn = deflated_filter;
    return 0;
}

/* ---- the writer ------------------------------------------------------- */

enum {
    K_NONE,         /* not classified yet */
    K_OBJECT,       /* into an object stream */
    K_DEFLATED,     /* a stream of ours, deflated already */
    K_RAW,          /* a stream of libharu's, no filter or /FlateDecode */
    K_HPDF,         /* a stream with libharu's own filters: it writes it */
    K_LEFT_OUT,     /* a stream's length object no longer needed */
    K_WRITTEN       /* a stream written already */
};

struct sp_pdf_file {
    HPDF_Doc pdf;
    HPDF_Stream out;                /* the caller's */
    HPDF_Stream file;               /* counts, then writes to out */
    HPDF_Stream mem;                /* writes to *target */
    sp_buf *target;
    int level;                      /* libdeflate's */
    uint64_t pos;                   /* bytes of the file so far */
    /* by object number (libharu's, then the object streams' and the
     * cross-reference stream's): */
    unsigned char *type;            /* 1: at offset where, 2: in object
                                       stream where, at index; 0: free */
    unsigned char *kind;            /* K_*: what the object is */
    uint64_t *where;
    uint32_t *index;
    size_t cap;                     /* of the arrays */
    sp_buf raw, z, head, body;
    const char *why;
};

typedef sp_pdf_file writer;

/* Makes the arrays hold object number N.  0 or -1. */
static int reserve(writer *w, size_t n)
{
    if (n < w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : 256;
    while (cap <= n)
        cap *= 2;
    void *p[4] = {w->type, w->kind, w->where, w->index};
    const size_t size[4] = {1, 1, sizeof *w->where, sizeof *w->index};
    for (int i = 0; i < 4; i++) {
        void *q = realloc(p[i], cap * size[i]);
        if (!q) {
            w->why = "out of memory";
            return -1;
        }
        p[i] = q;
        memset((char *)q + w->cap * size[i], 0, (cap - w->cap) * size[i]);
        /* kept as each succeeds: freed with the writer either way */
        if (i == 0)
            w->type = q;
        else if (i == 1)
            w->kind = q;
        else if (i == 2)
            w->where = q;
        else
            w->index = q;
    }
    w->cap = cap;
    return 0;
}

static HPDF_STATUS file_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    writer *w = s->attr;
    w->pos += n;
    return HPDF_Stream_Write(w->out, p, n);
}

static HPDF_STATUS mem_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    writer *w = s->attr;
    sp_buf_put(w->target, (const char *)p, n);
    return w->target->oom ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_OK;
}

static int put(writer *w, const void *p, size_t n)
{
    while (n > 0) {
        HPDF_UINT k = n > 0x40000000 ? 0x40000000 : (HPDF_UINT)n;
        if (HPDF_Stream_Write(w->file, p, k) != HPDF_OK)
            return -1;
        p = (const char *)p + k;
        n -= k;
    }
    return 0;
}

static int putf(writer *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int putf(writer *w, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    return put(w, line, (size_t)n);
}

static HPDF_DictElement find_key(HPDF_Dict d, const char *key)
{
    for (HPDF_UINT i = 0; i < d->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(d->list, i);
        if (strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* The object a dictionary element stands for (through its proxy). */
static HPDF_Obj_Header *element_obj(HPDF_DictElement e)
{
    HPDF_Obj_Header *h = e->value;
    if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_PROXY)
        h = ((HPDF_Proxy)e->value)->obj;
    return h;
}

static int stream_kind(HPDF_Dict d)
{
    if (d->write_fn == deflated_filter)
        return K_DEFLATED;
    if (d->write_fn || d->before_write_fn || d->after_write_fn
        || d->filterParams || find_key(d, "DecodeParms"))
        return K_HPDF;
    if (d->filter == HPDF_STREAM_FILTER_NONE)
        return K_RAW;
    if (d->filter == HPDF_STREAM_FILTER_FLATE_DECODE && !find_key(d, "Filter"))
        return K_RAW;
    return K_HPDF;
}

/* Deflates IN into w->z.  0 or -1. */
static int deflate_into(writer *w, const char *in, size_t n)
{
    if (sp_deflate(w->level, in, n, &w->z.p, &w->z.cap, &w->z.n) != 0) {
        w->why = "out of memory";
        return -1;
    }
    return 0;
}

/* A dictionary's elements but its /Length (and its /Filter when FILTER),
 * as libharu writes them. */
static int put_elements(writer *w, HPDF_Dict d, int filter)
{
    for (HPDF_UINT i = 0; i < d->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(d->list, i);
        HPDF_Obj_Header *h = e->value;
        if (!h || (h->obj_id & HPDF_OTYPE_HIDDEN)
            || strcmp(e->key, "Length") == 0
            || (filter && strcmp(e->key, "Filter") == 0))
            continue;
        if (HPDF_Stream_WriteEscapeName(w->file, e->key) != HPDF_OK
            || HPDF_Stream_WriteChar(w->file, ' ') != HPDF_OK
            || HPDF_Obj_Write(e->value, w->file, NULL) != HPDF_OK
            || HPDF_Stream_WriteChar(w->file, '\n') != HPDF_OK)
            return -1;
    }
    return 0;
}

static uint32_t obj_number(const void *obj)
{
    return obj ? ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF : 0;
}

/* Stream object ID (dictionary D of kind KIND) at the current offset. */
static int put_stream(writer *w, uint32_t id, HPDF_Dict d, int kind)
{
    w->type[id] = 1;
    w->where[id] = w->pos;
    if (putf(w, "%lu 0 obj\n", (unsigned long)id) != 0)
        return -1;
    if (kind == K_HPDF) {
        if (HPDF_Dict_Write(d, w->file, NULL) != HPDF_OK)
            return -1;
        return put(w, "\nendobj\n", 8);
    }
    const char *data;
    size_t n;
    int flate = kind == K_DEFLATED
                || d->filter == HPDF_STREAM_FILTER_FLATE_DECODE;
    if (kind == K_DEFLATED) {
        held_stream *h = d->stream->attr;
        data = (const char *)h->p;
        n = h->n;
    } else {
        w->raw.n = 0;
        w->target = &w->raw;
        if (d->stream && HPDF_Stream_Size(d->stream) > 0
            && HPDF_Stream_WriteToStream(d->stream, w->mem,
                                         HPDF_STREAM_FILTER_NONE, NULL)
                   != HPDF_OK)
            return -1;
        data = w->raw.p ? w->raw.p : "";
        n = w->raw.n;
        if (flate) {
            if (deflate_into(w, data, n) != 0)
                return -1;
            data = w->z.p;
            n = w->z.n;
        }
    }
    if (put(w, "<<", 2) != 0 || put_elements(w, d, flate) != 0
        || putf(w, "/Length %zu%s>>\nstream\n", n,
                flate ? " /Filter /FlateDecode" : "") != 0
        || put(w, data, n) != 0 || put(w, "\nendstream\nendobj\n", 18) != 0)
        return -1;
    return 0;
}

/* Writes the objects gathered in w->head/w->body (N of them) as object
 * stream ID. */
static int put_objstm(writer *w, uint32_t id, size_t n)
{
    size_t first = w->head.n;
    sp_buf_put(&w->head, w->body.p ? w->body.p : "", w->body.n);
    if (w->head.oom) {
        w->why = "out of memory";
        return -1;
    }
    if (deflate_into(w, w->head.p, w->head.n) != 0)
        return -1;
    w->type[id] = 1;
    w->where[id] = w->pos;
    if (putf(w, "%lu 0 obj\n<</Type /ObjStm /N %zu /First %zu /Length %zu "
             "/Filter /FlateDecode>>\nstream\n", (unsigned long)id, n, first,
             w->z.n) != 0
        || put(w, w->z.p, w->z.n) != 0
        || put(w, "\nendstream\nendobj\n", 18) != 0)
        return -1;
    w->head.n = 0;
    w->body.n = 0;
    return 0;
}

static int bytes_for(uint64_t v)
{
    int k = 1;
    while (k < 8 && (v >> (8 * k)) != 0)
        k++;
    return k;
}

static void put_be(sp_buf *b, uint64_t v, int k)
{
    char tmp[8];
    for (int i = 0; i < k; i++)
        tmp[i] = (char)(v >> (8 * (k - 1 - i)));
    sp_buf_put(b, tmp, (size_t)k);
}

/* The cross-reference stream (object ID, the last) and the end of the
 * file. */
static int put_xref(writer *w, uint32_t id, uint32_t root, uint32_t info)
{
    uint64_t at = w->pos, big = at;
    uint32_t big_index = 0;
    w->type[id] = 1;
    w->where[id] = at;
    for (size_t i = 1; i <= id; i++) {
        if (w->where[i] > big)
            big = w->where[i];
        if (w->type[i] == 2 && w->index[i] > big_index)
            big_index = w->index[i];
    }
    int w2 = bytes_for(big), w3 = bytes_for(big_index);
    w->raw.n = 0;
    for (size_t i = 0; i <= id; i++) {
        put_be(&w->raw, w->type[i], 1);
        put_be(&w->raw, w->type[i] ? w->where[i] : 0, w2);
        put_be(&w->raw, w->type[i] == 2 ? w->index[i] : 0, w3);
    }
    if (w->raw.oom) {
        w->why = "out of memory";
        return -1;
    }
    if (deflate_into(w, w->raw.p, w->raw.n) != 0)
        return -1;
    char info_ref[32] = "";
    if (info)
        snprintf(info_ref, sizeof info_ref, " /Info %lu 0 R",
                 (unsigned long)info);
    if (putf(w, "%lu 0 obj\n<</Type /XRef /Size %lu /W [1 %d %d] "
             "/Root %lu 0 R%s /Length %zu /Filter /FlateDecode>>\nstream\n",
             (unsigned long)id, (unsigned long)id + 1, w2, w3,
             (unsigned long)root, info_ref, w->z.n) != 0
        || put(w, w->z.p, w->z.n) != 0
        || putf(w, "\nendstream\nendobj\nstartxref\n%llu\n%%%%EOF\n",
                (unsigned long long)at) != 0)
        return -1;
    return 0;
}

/* The object number of D's /Length if that is an indirect number (a
 * length object of libharu's), else 0. */
static uint32_t length_object(HPDF_Dict d)
{
    HPDF_DictElement len = find_key(d, "Length");
    HPDF_Obj_Header *lh = len ? element_obj(len) : NULL;
    if (lh && (lh->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_NUMBER
        && (lh->obj_id & HPDF_OTYPE_INDIRECT))
        return obj_number(lh);
    return 0;
}

sp_pdf_file *sp_pdf_file_open(HPDF_Doc pdf, HPDF_Stream out, int level)
{
    if (pdf->encrypt_on || pdf->xref->prev || pdf->xref->start_offset)
        return NULL;                /* not a document of ours */
    writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->pdf = pdf;
    w->out = out;
    w->level = level;
    w->file = HPDF_CallbackWriter_New(pdf->mmgr, file_write, w);
    w->mem = w->file ? HPDF_CallbackWriter_New(pdf->mmgr, mem_write, w)
                     : NULL;
    /* the header: 1.5 at least (object streams) */
    int minor = (int)pdf->pdf_version + 2;
    if (minor < 5)
        minor = 5;
    if (!w->mem || reserve(w, 1) != 0
        || putf(w, "%%PDF-1.%d\n%%\267\276\255\252\n", minor) != 0) {
        sp_pdf_file_abort(w);
        return NULL;
    }
    return w;
}

static int put_deflated(writer *w, HPDF_Dict dict, const unsigned char *bytes,
                        size_t n)
{
    uint32_t id = obj_number(dict), len = length_object(dict);
    if (id == 0 || reserve(w, id > len ? id : len) != 0)
        return -1;
    w->type[id] = 1;
    w->where[id] = w->pos;
    w->kind[id] = K_WRITTEN;
    if (len > id)
        w->kind[len] = K_LEFT_OUT;
    dict->write_fn = deflated_filter;   /* a stream of ours, written */
    if (putf(w, "%lu 0 obj\n<<", (unsigned long)id) != 0
        || put_elements(w, dict, 1) != 0
        || putf(w, "/Length %zu /Filter /FlateDecode>>\nstream\n", n) != 0
        || put(w, bytes, n) != 0 || put(w, "\nendstream\nendobj\n", 18) != 0)
        return -1;
    return 0;
}

int sp_pdf_file_put_deflated(sp_pdf_file *w, HPDF_Dict dict,
                             const unsigned char *bytes, size_t n,
                             const char **why)
{
    int rc = put_deflated(w, dict, bytes, n);
    *why = w->why;
    return rc;
}

/* The rest of the document, and the end of the file. */
static int finish(writer *w)
{
    HPDF_List entries = w->pdf->xref->entries;
    size_t n = entries->count;
    if (reserve(w, n + 2) != 0)
        return -1;
    /* what each object is; the length objects of the streams written
     * here (with direct lengths) are left out (free entries) */
    for (size_t i = 1; i < n; i++) {
        if (w->kind[i] == K_LEFT_OUT || w->kind[i] == K_WRITTEN)
            continue;
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, (HPDF_UINT)i);
        HPDF_Obj_Header *h = e->obj;
        if (!h || obj_number(h) != i) {
            w->why = "a cross-reference entry not as libharu 2.3.0 makes it";
            return -1;
        }
        w->kind[i] = K_OBJECT;
        if ((h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT
            || !((HPDF_Dict)h)->stream)
            continue;
        HPDF_Dict d = (HPDF_Dict)h;
        w->kind[i] = (unsigned char)stream_kind(d);
        uint32_t l = length_object(d);
        if (w->kind[i] != K_HPDF && l > i && l < n)
            w->kind[l] = K_LEFT_OUT;
    }
    /* streams, each its own object */
    for (size_t i = 1; i < n; i++) {
        int k = w->kind[i];
        if (k != K_DEFLATED && k != K_RAW && k != K_HPDF)
            continue;
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, (HPDF_UINT)i);
        if (put_stream(w, (uint32_t)i, e->obj, k) != 0)
            return -1;
    }
    /* everything else in object streams (after the streams: libharu sets
     * the values of the length objects it writes as it writes them) */
    size_t n_objects = 0;
    for (size_t i = 1; i < n; i++)
        n_objects += w->kind[i] == K_OBJECT;
    size_t n_stm = (n_objects + SP_PDF_OBJSTM_MAX - 1) / SP_PDF_OBJSTM_MAX;
    if (reserve(w, n + n_stm + 1) != 0)
        return -1;
    uint32_t stm = (uint32_t)n - 1;
    size_t in_stm = 0;
    w->target = &w->body;
    for (size_t i = 1; i < n; i++) {
        if (w->kind[i] != K_OBJECT)
            continue;
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, (HPDF_UINT)i);
        if (in_stm == 0)
            stm++;
        w->type[i] = 2;
        w->where[i] = stm;
        w->index[i] = (uint32_t)in_stm;
        sp_buf_printf(&w->head, "%lu %zu ", (unsigned long)i, w->body.n);
        if (HPDF_Obj_WriteValue(e->obj, w->mem, NULL) != HPDF_OK)
            return -1;
        sp_buf_put(&w->body, "\n", 1);
        if (w->head.oom || w->body.oom) {
            w->why = "out of memory";
            return -1;
        }
        if (++in_stm == SP_PDF_OBJSTM_MAX) {
            if (put_objstm(w, stm, in_stm) != 0)
                return -1;
            in_stm = 0;
        }
    }
    if (in_stm > 0 && put_objstm(w, stm, in_stm) != 0)
        return -1;
    if (entries->count != n) {
        w->why = "libharu added objects while the file was written";
        return -1;
    }
    return put_xref(w, stm + 1, obj_number(w->pdf->catalog),
                    obj_number(w->pdf->info));
}

void sp_pdf_file_abort(sp_pdf_file *w)
{
    if (!w)
        return;
    if (w->file)
        HPDF_Stream_Free(w->file);
    if (w->mem)
        HPDF_Stream_Free(w->mem);
    free(w->type);
    free(w->kind);
    free(w->where);
    free(w->index);
    sp_buf_release(&w->raw);
    sp_buf_release(&w->z);
    sp_buf_release(&w->head);
    sp_buf_release(&w->body);
    free(w);
}

int sp_pdf_file_close(sp_pdf_file *w, const char **why)
{
    int rc = finish(w);
    *why = w->why;
    sp_pdf_file_abort(w);
    return rc;
}

int sp_pdf_file_save(HPDF_Doc pdf, HPDF_Stream out, int level,
                     const char **why)
{
    *why = NULL;
    sp_pdf_file *w = sp_pdf_file_open(pdf, out, level);
    if (!w) {
        *why = "out of memory";
        return -1;
    }
    return sp_pdf_file_close(w, why);
}
