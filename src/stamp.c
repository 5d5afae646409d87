/* stamp.c - the stamp kept beside each pack's output: what it was built
 * from, read to skip a pack that is up to date (see batch_int.h). */
#include "batch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "strbuf.h"

const char *const sp_batch_outputs[SP_BATCH_N_OUTPUTS] = {
    "flashcards.pdf", "timeline.pdf", "timeline-booklet.pdf",
    "mock-interview.pdf", "pocket.pdf",
    "flashcards.dump", "timeline.dump", "timeline-booklet.dump",
    "mock-interview.dump", "pocket.dump",
    "anki.apkg", "anki.txt", "plan.ics", "pack.json",   /* --export */
    SP_STAMP_NAME,
};

/* ---- stamps --------------------------------------------------------------
 *
 * A stamp is a small text file beside a pack's output:
 *
 *   studypack-stamp 2
 *   key OPTIONS-HASH
 *   source PATH
 *   input SHA256 PATH          (the source first, then every bank read)
 *   id, title, role, company, questions, cards, ... (for index.json)
 *   output NAME                (each file this build wrote)
 *
 * PATHs escape '%', control characters and DEL as %XX, so a newline in a
 * file name cannot break a line.  A stamp is trusted for nothing: it is
 * opened without following links and without blocking, and anything but
 * a small regular file in our format means "rebuild". */

/* The hash of everything but the inputs that changes output. */
void sp_stamp_key(const sp_batch_opts *o, const sp_fonts *fonts,
                  char hex[SHA256_DIGEST_STRING_LENGTH])
{
    char *key = sp_build_opts_key(o->build);
    char buf[1024];
    snprintf(buf, sizeof buf, "studypack %s\n%s\nfonts %016llx\n",
             SP_VERSION, key ? key : "?",
             (unsigned long long)sp_fonts_hash(fonts));
    free(key);
    SHA256Data((const uint8_t *)buf, strlen(buf), hex);
}

/* Reads NAME in the folder DIRFD when it is a regular file of at most MAX
 * bytes, without following a link and without blocking (a FIFO);
 * NUL-terminated, or NULL. */
static char *read_small(int dirfd, const char *name, size_t max)
{
    int fd = openat(dirfd, name,
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0
        && (unsigned long long)st.st_size <= max)
        buf = malloc((size_t)st.st_size + 1);
    size_t len = 0;
    while (buf) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            buf = NULL;
        } else if (n == 0 || (len += (size_t)n) == (size_t)st.st_size) {
            break;
        }
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    if (buf && strlen(buf) != len) {      /* a NUL inside: not ours */
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* The SHA-256 of the regular file PATH (a link is followed; a FIFO or a
 * device is refused, never read); 0, or -1 with errno set. */
static int hash_file(const char *path, char hex[SHA256_DIGEST_STRING_LENGTH])
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    SHA2_CTX c;
    SHA256Init(&c);
    unsigned char buf[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (total += (unsigned long long)(n > 0 ? n : 0))
                         > SP_MAX_FILE_BYTES) {
            int e = n < 0 ? errno : EFBIG;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        SHA256Update(&c, buf, (size_t)n);
    }
    close(fd);
    SHA256End(&c, hex);
    return 0;
}

/* Appends PATH with '%', control characters and DEL escaped as %XX. */
static void put_escaped(sp_buf *b, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '%')
            sp_buf_printf(b, "%%%02X", *p);
        else
            sp_buf_put(b, (const char *)p, 1);
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* The path escaped in S[0..LEN), decoded (malloc'd), or NULL if malformed
 * (a bad escape, or an escaped NUL). */
static char *unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        int h = i + 2 < len ? hexval(s[i + 1]) : -1;
        int l = i + 2 < len ? hexval(s[i + 2]) : -1;
        if (h < 0 || l < 0 || (h == 0 && l == 0)) {
            free(out);
            return NULL;
        }
        *o++ = (char)(h * 16 + l);
        i += 2;
    }
    *o = '\0';
    return out;
}

/* The value of "NAME value" in a stamp; a pointer into the text (up to the
 * end of the line), or NULL. */
const char *sp_stamp_field(const char *text, const char *name,
                           size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            const char *v = p + nl + 1;
            const char *e = strchr(v, '\n');
            *len = e ? (size_t)(e - v) : strlen(v);
            return v;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* Is the escaped path at V (LEN bytes) exactly PATH? */
static int path_is(const char *v, size_t len, const char *path)
{
    char *u = unescape(v, len);
    int same = u && strcmp(u, path) == 0;
    free(u);
    return same;
}

static int is_output_name(const char *name, size_t len)
{
    for (size_t i = 0; i < SP_BATCH_N_OUTPUTS - 1; i++)
        if (strlen(sp_batch_outputs[i]) == len && strncmp(sp_batch_outputs[i], name, len) == 0)
            return 1;
    return 0;
}

int sp_batch_stamp_ok(const char *text, int dfd, const char *source,
                      const char *key)
{
    size_t len;
    const char *v;
    int ok = text && strncmp(text, "studypack-stamp 2\n", 18) == 0
             && (v = sp_stamp_field(text, "key", &len)) != NULL
             && len == strlen(key) && strncmp(v, key, len) == 0
             && (v = sp_stamp_field(text, "source", &len)) != NULL
             && path_is(v, len, source);
    int n_inputs = 0, n_outputs = 0;
    for (const char *p = text; ok && p && *p;) {
        const char *e = strchr(p, '\n');
        if (!e) {
            ok = 0;                         /* every line ends */
            break;
        }
        if (strncmp(p, "input ", 6) == 0) {
            const char *h = p + 6;
            const char *sp2 = memchr(h, ' ', (size_t)(e - h));
            char got[SHA256_DIGEST_STRING_LENGTH];
            char *path = NULL;
            ok = sp2 && sp2 - h == SHA256_DIGEST_STRING_LENGTH - 1
                 && (path = unescape(sp2 + 1, (size_t)(e - sp2 - 1)))
                 && *path && (n_inputs > 0 || strcmp(path, source) == 0)
                 && hash_file(path, got) == 0
                 && memcmp(got, h, SHA256_DIGEST_STRING_LENGTH - 1) == 0;
            free(path);
            n_inputs++;
        } else if (strncmp(p, "output ", 7) == 0) {
            const char *name = p + 7;
            size_t nl = (size_t)(e - name);
            char buf[64];
            struct stat st;
            ok = is_output_name(name, nl) && nl < sizeof buf;
            if (ok) {
                memcpy(buf, name, nl);
                buf[nl] = '\0';
                ok = fstatat(dfd, buf, &st, AT_SYMLINK_NOFOLLOW) == 0
                     && S_ISREG(st.st_mode);
            }
            n_outputs++;
        }
        p = e + 1;
    }
    return ok && n_inputs > 0 && n_outputs > 0;
}

/* Up to date: the pack's folder (never a link) holds a stamp that
 * sp_batch_stamp_ok accepts.  On success *TEXT gets the stamp (the caller
 * frees it). */
int sp_stamp_up_to_date(int out_fd, const char *id, const char *source,
                        const char *key, char **text_out)
{
    *text_out = NULL;
    int dfd = openat(out_fd, id,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return 0;
    char *text = read_small(dfd, SP_STAMP_NAME, MAX_STAMP_BYTES);
    int ok = sp_batch_stamp_ok(text, dfd, source, key);
    close(dfd);
    if (ok)
        *text_out = text;
    else
        free(text);
    return ok;
}

/* Text with newlines and tabs turned into spaces, for one-line fields. */
void sp_batch_one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\t' || *s == '\r')
            *s = ' ';
}


/* The build's stamp callback (build.h): the stamp of PACK as just built.
 * An input that cannot be hashed (a source given as a pipe) gets "-" for
 * its hash: such a stamp is never up to date. */
char *sp_stamp_make(const sp_pack *pack, const sp_build_result *r,
                    void *ctx, sp_diags *d, size_t *len, int *failed)
{
    sp_stamp_ctx *sc = ctx;
    sp_buf b = {0};
    sp_buf_printf(&b, "studypack-stamp 2\nkey %s\nsource ", sc->key);
    put_escaped(&b, sc->source);
    sp_buf_str(&b, "\n");
    for (size_t i = 0; i < pack->n_inputs; i++) {
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (hash_file(pack->inputs[i], hex) != 0)
            strcpy(hex, "-");
        sp_buf_printf(&b, "input %s ", hex);
        put_escaped(&b, pack->inputs[i]);
        sp_buf_str(&b, "\n");
    }
    /* the system fonts fontconfig chose for this pack are inputs too */
    for (int s = 0; sc->fonts && s < sp_fonts_count(sc->fonts); s++) {
        const char *fp = sp_fonts_slot_path(sc->fonts, s);
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (!sp_fonts_slot_is_system(sc->fonts, s) || hash_file(fp, hex) != 0)
            continue;
        sp_buf_printf(&b, "input %s ", hex);
        put_escaped(&b, fp);
        sp_buf_str(&b, "\n");
    }
    char *title = strdup(pack->meta.title ? pack->meta.title : "");
    char *role = strdup(pack->meta.role ? pack->meta.role : "");
    char *company = strdup(pack->meta.company ? pack->meta.company : "");
    if (title && role && company) {
        sp_batch_one_line(title);
        sp_batch_one_line(role);
        sp_batch_one_line(company);
        sp_buf_printf(&b, "id %s\ntitle %s\nrole %s\ncompany %s\n", pack->id,
                      title, role, company);
    } else {
        b.oom = 1;
    }
    free(title);
    free(role);
    free(company);
    sp_buf_printf(&b, "questions %d\ncards %d\nflashcard_pages %d\n"
                  "timeline_pages %d\nbooklet_pages %d\nmock_pages %d\n"
                  "pocket_pages %d\ndays %d\nwarnings %zu\n",
                  r->n_questions, r->n_cards, r->n_flashcard_pages,
                  r->n_timeline_pages, r->n_booklet_pages, r->n_mock_pages,
                  r->n_pocket_pages, r->n_days, sp_diags_warnings(d));
    for (int i = 0; i < r->n_files; i++)
        sp_buf_printf(&b, "output %s\n", r->files[i]);
    char *text = sp_buf_take(&b, len);
    if (text)
        sc->text = strdup(text);
    if (!text || !sc->text) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        free(text);
        free(sc->text);
        sc->text = NULL;
        *failed = 1;
        return NULL;
    }
    return text;
}

