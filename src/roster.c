/* roster.c - a CSV roster of students, a booklet each (see roster.h). */
#include "roster.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sha2.h>

#include "build.h"
#include "export.h"
#include "fsutil.h"
#include "load.h"
#include "strbuf.h"
#include "text.h"

/* ---- CSV (RFC 4180) ----------------------------------------------------- */

typedef struct {
    char **f;
    size_t n, cap;
} fields;

static void fields_clear(fields *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        free(fs->f[i]);
    fs->n = 0;
}

static int fields_push(fields *fs, sp_buf *b)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 8;
        char **p = realloc(fs->f, cap * sizeof *p);
        if (!p)
            return -1;
        fs->f = p;
        fs->cap = cap;
    }
    char *s = sp_buf_take(b, NULL);
    if (!s)
        return -1;
    fs->f[fs->n++] = s;
    return 0;
}

enum { REC_OK = 0, REC_BAD = -2, REC_FATAL = -1, REC_NOMEM = -3 };

/* Skips to the start of the next line (after LF, CRLF or CR). */
static void skip_line(const char *s, size_t len, size_t *pos, int *line)
{
    while (*pos < len && s[*pos] != '\n' && s[*pos] != '\r')
        (*pos)++;
    if (*pos < len && s[*pos] == '\r')
        (*pos)++;
    if (*pos < len && s[*pos] == '\n')
        (*pos)++;
    (*line)++;
}

/* Reads the record at *POS into OUT; *LINE counts the lines passed.
 * REC_BAD (WHY set) skips the rest of the line; REC_FATAL (WHY set) ends
 * the file. */
static int read_record(const char *s, size_t len, size_t *pos, int *line,
                       fields *out, const char **why)
{
    fields_clear(out);
    for (;;) {
        sp_buf b = {0};
        sp_buf_str(&b, "");
        size_t sp = *pos;              /* spaces before a quote are allowed */
        while (sp < len && (s[sp] == ' ' || s[sp] == '\t'))
            sp++;
        if (sp < len && s[sp] == '"')
            *pos = sp;
        if (*pos < len && s[*pos] == '"') {
            int start = *line;
            (*pos)++;
            for (;;) {
                if (*pos >= len) {
                    sp_buf_release(&b);
                    *why = "a quoted field is not closed";
                    *line = start;
                    return REC_FATAL;
                }
                char c = s[(*pos)++];
                if (c == '"') {
                    if (*pos < len && s[*pos] == '"') {
                        sp_buf_put(&b, "\"", 1);
                        (*pos)++;
                        continue;
                    }
                    break;
                }
                if (c == '\n' || (c == '\r' && (*pos >= len
                                                || s[*pos] != '\n')))
                    (*line)++;
                sp_buf_put(&b, &c, 1);
            }
            while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t'))
                (*pos)++;
            if (*pos < len && s[*pos] != ',' && s[*pos] != '\n'
                && s[*pos] != '\r') {
                sp_buf_release(&b);
                *why = "text after the closing quote of a field (a quote "
                       "inside a quoted field is written \"\")";
                skip_line(s, len, pos, line);
                return REC_BAD;
            }
        } else {
            size_t a = *pos;
            while (*pos < len && s[*pos] != ',' && s[*pos] != '\n'
                   && s[*pos] != '\r') {
                if (s[*pos] == '"') {
                    sp_buf_release(&b);
                    *why = "a quote inside a field that does not start "
                           "with one (quote the whole field)";
                    skip_line(s, len, pos, line);
                    return REC_BAD;
                }
                (*pos)++;
            }
            size_t z = *pos;
            while (a < z && (s[a] == ' ' || s[a] == '\t'))
                a++;
            while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
                z--;
            sp_buf_put(&b, s + a, z - a);
        }
        if (b.oom || fields_push(out, &b)) {
            sp_buf_release(&b);
            return REC_NOMEM;
        }
        if (*pos >= len)
            return REC_OK;
        if (s[*pos] == ',') {
            (*pos)++;
            continue;
        }
        skip_line(s, len, pos, line);
        return REC_OK;
    }
}

/* ---- rows --------------------------------------------------------------- */

enum { COL_NAME, COL_PACK, COL_INTERVIEW, COL_START, COL_STUDY, COL_SKIP,
       N_COLS };
static const char *const col_names[N_COLS] = {
    "name", "pack", "interview_date", "start", "study_days", "skip"};

static int valid_utf8(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = sp_utf8_next(s + i, len - i, &cp);
        if (cp == 0xFFFD && !(n == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0))
            return 0;
        i += n;
    }
    return 1;
}

/* Fills ST from the record's fields (COL maps columns to fields, -1 for
 * none); 0, or -1 with an error reported. */
static int make_student(sp_student *st, const fields *fs, const int *col,
                        const char *file, sp_diags *d)
{
    const char *v[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        v[c] = col[c] >= 0 ? fs->f[col[c]] : "";
    for (int c = 0; c < N_COLS; c++) {
        if (!valid_utf8(v[c])) {
            sp_diag_add(d, SP_D_XML, file, st->line, 0, "%s is not valid "
                        "UTF-8", col_names[c]);
            return -1;
        }
    }
    if (!(st->name = strdup(v[COL_NAME])) || !(st->pack = strdup(v[COL_PACK]))
        || !(st->slug = sp_slug(v[COL_NAME]))) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    if (!*st->name) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "the name is empty");
        return -1;
    }
    if (!*st->slug) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "name '%s' gives no "
                    "folder name (it needs a letter or digit a-z, 0-9)",
                    st->name);
        return -1;
    }
    if (!*st->pack) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "student '%s': the "
                    "pack is empty", st->name);
        return -1;
    }
    const char *why = NULL;
    if (sp_date_parse(v[COL_INTERVIEW], &st->interview, &why) != 0) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "student '%s': "
                    "interview_date '%s': %s", st->name, v[COL_INTERVIEW],
                    why);
        return -1;
    }
    if (*v[COL_START]) {
        if (sp_date_parse(v[COL_START], &st->start, &why) != 0) {
            sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "student '%s': "
                        "start '%s': %s", st->name, v[COL_START], why);
            return -1;
        }
        st->has_start = 1;
    }
    if (*v[COL_STUDY]
        && sp_weekdays_parse(v[COL_STUDY], &st->study_days, &why) != 0) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "student '%s': "
                    "study_days '%s': %s", st->name, v[COL_STUDY], why);
        return -1;
    }
    if (*v[COL_SKIP]
        && sp_skip_parse(v[COL_SKIP], &st->skip, &st->n_skip, &why) != 0) {
        sp_diag_add(d, SP_D_USAGE, file, st->line, 0, "student '%s': skip "
                    "'%s': %s", st->name, v[COL_SKIP], why);
        return -1;
    }
    return 0;
}

void sp_roster_free(sp_roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_students; i++) {
        free(r->students[i].name);
        free(r->students[i].pack);
        free(r->students[i].slug);
        free(r->students[i].skip);
    }
    free(r->students);
    free(r->file);
    free(r);
}

/* Reads the header; 0, or -1 with an error. */
static int header(const fields *fs, int *col, const char *file, int line,
                  sp_diags *d)
{
    for (int c = 0; c < N_COLS; c++)
        col[c] = -1;
    for (size_t i = 0; i < fs->n; i++) {
        int c = 0;
        while (c < N_COLS && strcasecmp(fs->f[i], col_names[c]) != 0)
            c++;
        if (c == N_COLS) {
            sp_diag_add(d, SP_D_WARNING, file, line, 0, "column '%s' is not "
                        "used (the columns are name, pack, interview_date, "
                        "start, study_days, skip)", fs->f[i]);
        } else if (col[c] >= 0) {
            sp_diag_add(d, SP_D_USAGE, file, line, 0, "column '%s' is given "
                        "twice", col_names[c]);
            return -1;
        } else {
            col[c] = (int)i;
        }
    }
    for (int c = 0; c <= COL_INTERVIEW; c++) {
        if (col[c] < 0) {
            sp_diag_add(d, SP_D_USAGE, file, line, 0, "the header has no "
                        "column '%s' (the first row names the columns: "
                        "name,pack,interview_date and optionally start, "
                        "study_days, skip)", col_names[c]);
            return -1;
        }
    }
    return 0;
}

sp_roster *sp_roster_parse(const char *file, const char *text, size_t len,
                           sp_diags *d)
{
    sp_roster *r = calloc(1, sizeof *r);
    fields fs = {NULL, 0, 0};
    int col[N_COLS], have_header = 0, line = 1;
    size_t pos = 0, cap = 0;
    if (!r || !(r->file = strdup(file)))
        goto nomem;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        int at = line;
        const char *why = NULL;
        int rc = read_record(text, len, &pos, &line, &fs, &why);
        if (rc == REC_NOMEM)
            goto nomem;
        if (rc == REC_FATAL) {
            sp_diag_add(d, SP_D_USAGE, file, line, 0, "%s", why);
            if (!have_header)
                goto fail;
            break;
        }
        if (rc == REC_OK && fs.n == 1 && fs.f[0][0] == '\0')
            continue;                                   /* an empty line */
        if (!have_header) {
            if (rc == REC_BAD) {
                sp_diag_add(d, SP_D_USAGE, file, at, 0, "%s", why);
                goto fail;
            }
            if (header(&fs, col, file, at, d) != 0)
                goto fail;
            have_header = 1;
            cap = fs.n;
            continue;
        }
        if (r->n_students == SP_ROSTER_MAX_ROWS) {
            sp_diag_add(d, SP_D_LIMIT, file, at, 0, "more than %d students; "
                        "the rest are left out", SP_ROSTER_MAX_ROWS);
            break;
        }
        sp_student *ns = realloc(r->students,
                                 (r->n_students + 1) * sizeof *ns);
        if (!ns)
            goto nomem;
        r->students = ns;
        sp_student *st = &ns[r->n_students++];
        memset(st, 0, sizeof *st);
        st->line = at;
        if (rc == REC_BAD) {
            sp_diag_add(d, SP_D_USAGE, file, at, 0, "%s", why);
            continue;
        }
        if (fs.n != cap) {
            sp_diag_add(d, SP_D_USAGE, file, at, 0, "the row has %zu field%s; "
                        "the header has %zu", fs.n, fs.n == 1 ? "" : "s",
                        cap);
            continue;
        }
        if (make_student(st, &fs, col, file, d) != 0) {
            if (sp_diags_system_error(d))
                goto fail;
            continue;
        }
        st->ok = 1;
        for (size_t i = 0; i + 1 < r->n_students; i++) {
            const sp_student *o = &r->students[i];
            if (o->ok && strcmp(o->pack, st->pack) == 0
                && strcmp(o->slug, st->slug) == 0) {
                sp_diag_add(d, SP_D_DUPLICATE, file, at, 0, "student '%s' "
                            "has the folder name '%s' of the student on "
                            "line %d ('%s') in the same pack; make the names "
                            "differ", st->name, st->slug, o->line, o->name);
                st->ok = 0;
                break;
            }
        }
    }
    if (!have_header) {
        sp_diag_add(d, SP_D_USAGE, file, 1, 0, "the roster is empty (the "
                    "first row names the columns: name,pack,interview_date)");
        goto fail;
    }
    fields_clear(&fs);
    free(fs.f);
    return r;
nomem:
    sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
fail:
    fields_clear(&fs);
    free(fs.f);
    sp_roster_free(r);
    return NULL;
}

sp_roster *sp_roster_load(const char *path, sp_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot open: %s",
                    strerror(errno));
        return NULL;
    }
    char *data = malloc(SP_ROSTER_MAX_BYTES + 1);
    size_t size = data ? fread(data, 1, SP_ROSTER_MAX_BYTES + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    sp_roster *r = NULL;
    if (!data)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    else if (err)
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot read: %s",
                    strerror(errno));
    else if (size > SP_ROSTER_MAX_BYTES)
        sp_diag_add(d, SP_D_LIMIT, path, 0, 0, "the roster is larger than "
                    "%d MiB", SP_ROSTER_MAX_BYTES >> 20);
    else
        r = sp_roster_parse(path, data, size, d);
    free(data);
    return r;
}

/* ---- folder names ------------------------------------------------------- */

/* The base letter of a Latin-1 letter with an accent (U+00C0..U+00FF), or
 * 0; "ae", "oe", "ss", "th" as two letters in *SECOND. */
static char latin1_base(uint32_t cp, char *second)
{
    static const char base[64] =
        "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"     /* U+00C0..U+00DF */
        "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";    /* U+00E0..U+00FF */
    *second = 0;
    if (cp < 0xC0 || cp > 0xFF)
        return 0;
    if (cp == 0xC6 || cp == 0xE6)
        *second = 'e';                          /* ae */
    if (cp == 0xDF)
        *second = 's';                          /* ss */
    if (cp == 0xDE || cp == 0xFE)
        *second = 'h';                          /* th */
    return base[cp - 0xC0];
}

char *sp_slug(const char *name)
{
    size_t len = strlen(name), n = 0;
    char *out = malloc(65);
    if (!out)
        return NULL;
    int dash = 0;
    for (size_t i = 0; i < len && n < 64;) {
        uint32_t cp;
        i += sp_utf8_next(name + i, len - i, &cp);
        char c = 0, c2 = 0;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            c = (char)cp;
        else if (cp >= 'A' && cp <= 'Z')
            c = (char)(cp - 'A' + 'a');
        else
            c = latin1_base(cp, &c2);
        if (!c) {
            dash = n > 0;
            continue;
        }
        if (dash && n < 63)
            out[n++] = '-';
        dash = 0;
        out[n++] = c;
        if (c2 && n < 64)
            out[n++] = c2;
    }
    out[n] = '\0';
    return out;
}

/* ---- building ----------------------------------------------------------- */

typedef struct {
    const sp_pack_ref *ref;      /* NULL: no such pack */
    const char *id;
    int status;                  /* ST_* of the cards */
    sp_pack *pack;               /* loaded when something is built */
    char inputs[SHA256_DIGEST_STRING_LENGTH];   /* hash of the inputs */
    int loaded, load_failed;
} pack_job;

enum { ST_NONE, ST_BUILT, ST_UP_TO_DATE, ST_FAILED };

static const char *status_name(int st)
{
    return st == ST_BUILT        ? "built"
           : st == ST_UP_TO_DATE ? "up-to-date"
           : st == ST_NONE       ? "not-built"
                                 : "failed";
}

static char *path2(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", a, b);
    return p;
}

/* Loads the pack of J once and hashes its inputs; 0 or -1. */
static int load_pack(pack_job *j, sp_diags *d)
{
    if (j->loaded)
        return j->load_failed ? -1 : 0;
    j->loaded = 1;
    j->pack = sp_load_file(j->ref->path, d);
    if (!j->pack) {
        j->load_failed = 1;
        return -1;
    }
    SHA2_CTX c;
    SHA256Init(&c);
    for (size_t i = 0; i < j->pack->n_inputs; i++) {
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (!SHA256File(j->pack->inputs[i], hex)) {
            sp_diag_add(d, SP_D_IO, j->pack->inputs[i], 0, 0,
                        "cannot read: %s", strerror(errno));
            j->load_failed = 1;
            return -1;
        }
        SHA256Update(&c, (const uint8_t *)hex, strlen(hex));
        SHA256Update(&c, (const uint8_t *)j->pack->inputs[i],
                     strlen(j->pack->inputs[i]) + 1);
    }
    SHA256End(&c, j->inputs);
    return 0;
}

/* The stamp of an output: what went into it, hashed. */
static void stamp_key(const sp_build_opts *o, const sp_fonts *fonts,
                      const char *inputs, const char *extra,
                      char hex[SHA256_DIGEST_STRING_LENGTH])
{
    char *key = sp_build_opts_key(o);
    sp_buf b = {0};
    sp_buf_printf(&b, "studypack %s\n%s\nfonts %016llx\ninputs %s\n%s\n"
                  "exports %u %lld\n", SP_VERSION, key ? key : "?",
                  (unsigned long long)sp_fonts_hash(fonts), inputs,
                  extra ? extra : "", o->exports,
                  o->exports ? o->export_epoch : 0);
    free(key);
    size_t len = 0;
    char *text = sp_buf_take(&b, &len);
    SHA256Data((const uint8_t *)(text ? text : "?"), text ? len : 1, hex);
    free(text);
}

/* Up to date: DIR/STAMP holds KEY and every file it lists exists. */
static int fresh(const char *dir, const char *stamp, const char *key)
{
    char *p = path2(dir, stamp);
    FILE *f = p ? fopen(p, "r") : NULL;
    free(p);
    if (!f)
        return 0;
    char line[512];
    int ok = fgets(line, sizeof line, f) != NULL
             && strncmp(line, "studypack-roster 1 ", 19) == 0
             && strncmp(line + 19, key, strlen(key)) == 0
             && line[19 + strlen(key)] == '\n';
    while (ok && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *q = path2(dir, line);
        ok = q && access(q, F_OK) == 0;
        free(q);
    }
    fclose(f);
    return ok;
}

static int write_stamp(const char *dir, const char *stamp, const char *key,
                       const char *const *files, size_t n, sp_diags *d)
{
    sp_buf b = {0};
    sp_buf_printf(&b, "studypack-roster 1 %s\n", key);
    for (size_t i = 0; i < n; i++)
        sp_buf_printf(&b, "%s\n", files[i]);
    size_t len = 0;
    char *text = sp_buf_take(&b, &len);
    char *p = path2(dir, stamp);
    int rc = -1;
    if (!text || !p)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    else
        rc = sp_write_file_atomic(p, text, len, d);
    free(text);
    free(p);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of DIR not starting with '.', sorted (malloc'd names). */
static char **list_files(const char *dir, size_t *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = path2(dir, e->d_name);
        struct stat st;
        int file = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
        if (!file)
            continue;
        char **nn = realloc(names, (*n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        if (!(names[*n] = strdup(e->d_name)))
            break;
        (*n)++;
    }
    closedir(dp);
    if (names)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static void say(const sp_batch_opts *o, const char *what, const char *who,
                const char *pack)
{
    if (o->quiet || !o->progress)
        return;
    fprintf(o->progress, "%s %s%s%s%s\n", what, who, pack ? " (" : "",
            pack ? pack : "", pack ? ")" : "");
    fflush(o->progress);
}

/* Adds a note naming the roster row after the diagnostics of PD, if any,
 * and moves them to D. */
static void settle(sp_diags *d, sp_diags *pd, const sp_roster *r,
                   const sp_student *st)
{
    if (sp_diags_count(pd) > 0)
        sp_diag_add(pd, SP_D_NOTE, r->file, st->line, 0, "while building "
                    "the booklet of student '%s'", st->name);
    sp_diags_move(d, pd);
}

/* What a pack builds once (its cards and pocket sheets do not depend on
 * the student) and what each student gets (the booklet, and the mock kit,
 * whose sessions carry the student's dates). */
enum { PACK_OUTPUTS = SP_OUT_FLASHCARDS | SP_OUT_POCKET,
       STUDENT_OUTPUTS = SP_OUT_TIMELINE | SP_OUT_MOCK };
static const char *const pack_files[] = {"flashcards", "pocket"};
enum { N_PACK_FILES = sizeof pack_files / sizeof pack_files[0] };
/* and batch --export's per-pack files (a calendar is each student's) */
static const char *const pack_exports[] = {"anki.apkg", "anki.txt",
                                           "pack.json"};
enum { N_PACK_NAMES = N_PACK_FILES + sizeof pack_exports /
                                     sizeof pack_exports[0] };

/* The names of the per-pack files in DIR (NAMES holds N_PACK_NAMES of
 * 32 bytes); returns how many exist. */
static size_t pack_outputs(const char *dir, int dump,
                           char names[N_PACK_NAMES][32])
{
    size_t n = 0;
    for (size_t i = 0; i < N_PACK_NAMES; i++) {
        if (i < N_PACK_FILES)
            snprintf(names[n], 32, "%s.%s", pack_files[i],
                     dump ? "dump" : "pdf");
        else
            snprintf(names[n], 32, "%s", pack_exports[i - N_PACK_FILES]);
        char *p = path2(dir, names[n]);
        if (p && access(p, F_OK) == 0)
            n++;
        free(p);
    }
    return n;
}

/* The cards (and pocket sheets) of pack J, once. */
static void build_cards(pack_job *j, const sp_batch_opts *o,
                        const sp_fonts *fonts, sp_diags *d)
{
    sp_build_opts bo = *o->build;
    bo.outputs = o->build->outputs & PACK_OUTPUTS;
    bo.exports &= ~(unsigned)SP_EXPORT_ICS;     /* calendars: per student */
    bo.has_interview_date = bo.has_start = 0;
    bo.study_days = 0;
    bo.skip = NULL;
    bo.n_skip = 0;
    bo.student = NULL;
    bo.student_dir = NULL;
    char *dir = path2(o->build->out_dir, j->id);
    char key[SHA256_DIGEST_STRING_LENGTH];
    j->status = ST_FAILED;
    if (!dir) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    if (load_pack(j, d) == 0) {
        stamp_key(&bo, fonts, j->inputs, "cards", key);
        sp_build_result res;
        char names[N_PACK_NAMES][32];
        const char *list[N_PACK_NAMES];
        for (size_t i = 0; i < N_PACK_NAMES; i++)
            list[i] = names[i];
        if (!o->force && fresh(dir, ".studypack-roster-cards", key)) {
            j->status = ST_UP_TO_DATE;
        } else if (sp_build_pack(j->pack, fonts, &bo, &res, d) == 0
                   && write_stamp(dir, ".studypack-roster-cards", key, list,
                                  pack_outputs(dir, bo.dump, names), d)
                          == 0) {
            j->status = ST_BUILT;
            say(o, "built cards of", j->id, NULL);
        }
    }
    free(dir);
}

/* One student's booklet under BO; returns ST_*. */
static int build_booklet(pack_job *j, const sp_student *st,
                         const sp_roster *r, const sp_batch_opts *o,
                         const sp_student_exporter *ex,
                         const sp_fonts *fonts, const sp_build_opts *bo_in,
                         sp_diags *d)
{
    sp_build_opts bo = *bo_in;
    char why[256];
    if (sp_build_plan_check(&bo, why, sizeof why) != 0) {
        sp_diag_add(d, SP_D_USAGE, r->file, st->line, 0, "student '%s': %s",
                    st->name, why);
        return ST_FAILED;
    }
    char *students = path2(o->build->out_dir, j->id);
    char *sdir = students ? path2(students, "students") : NULL;
    char *dir = sdir ? path2(sdir, st->slug) : NULL;
    free(students);
    free(sdir);
    if (!dir) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return ST_FAILED;
    }
    bo.student_dir = st->slug;
    sp_diags *pd = sp_diags_new();
    int status = ST_FAILED;
    if (!pd) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        free(dir);
        return ST_FAILED;
    }
    char key[SHA256_DIGEST_STRING_LENGTH];
    stamp_key(&bo, fonts, j->inputs, ex && ex->format ? ex->format : "",
              key);
    if (!o->force && fresh(dir, ".studypack-stamp", key)) {
        status = ST_UP_TO_DATE;
        goto out;
    }
    sp_build_result res;
    if (sp_build_pack(j->pack, fonts, &bo, &res, pd) != 0)
        goto out;
    if (ex && ex->format && ex->fn) {
        /* the schedule's warnings were said by the build already */
        sp_diags *quiet = sp_diags_new();
        sp_schedule *s = quiet ? sp_build_schedule(j->pack, &bo, quiet)
                               : NULL;
        int rc = s ? ex->fn(ex->ctx, j->pack, s, st, dir, pd) : -1;
        if (!s)
            sp_diag_add(pd, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        sp_schedule_free(s);
        sp_diags_free(quiet);
        if (rc != 0)
            goto out;
    }
    size_t n = 0;
    char **files = list_files(dir, &n);
    int rc = write_stamp(dir, ".studypack-stamp", key,
                         (const char *const *)files, n, pd);
    free_list(files, n);
    if (rc == 0) {
        status = ST_BUILT;
        say(o, "built", st->slug, j->id);
    }
out:
    settle(d, pd, r, st);
    sp_diags_free(pd);
    free(dir);
    return status;
}

/* One student's booklet (and export); returns ST_*. */
static int build_student(pack_job *j, const sp_student *st,
                         const sp_roster *r, const sp_batch_opts *o,
                         const sp_student_exporter *ex,
                         const sp_fonts *fonts, sp_diags *d)
{
    sp_build_opts bo = *o->build;
    bo.outputs = o->build->outputs & STUDENT_OUTPUTS;
    bo.exports &= (unsigned)SP_EXPORT_ICS;      /* the student's calendar */
    bo.has_interview_date = 1;
    bo.interview_y = st->interview.year;
    bo.interview_m = st->interview.month;
    bo.interview_d = st->interview.day;
    /* a row's empty start and study_days take the command line's; its
     * skips add to the command line's */
    if (st->has_start) {
        bo.has_start = 1;
        bo.start_y = st->start.year;
        bo.start_m = st->start.month;
        bo.start_d = st->start.day;
    }
    if (st->study_days)
        bo.study_days = st->study_days;
    sp_day_range *skips = NULL;
    if (st->n_skip) {
        skips = malloc((bo.n_skip + st->n_skip) * sizeof *skips);
        if (!skips) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            return ST_FAILED;
        }
        if (bo.n_skip)
            memcpy(skips, bo.skip, bo.n_skip * sizeof *skips);
        memcpy(skips + bo.n_skip, st->skip, st->n_skip * sizeof *skips);
        bo.skip = skips;
        bo.n_skip += st->n_skip;
    }
    bo.student = st->name;
    int status = build_booklet(j, st, r, o, ex, fonts, &bo, d);
    free(skips);
    return status;
}

/* ---- workers ------------------------------------------------------------ */

/* A student to build: the row and its pack. */
typedef struct {
    size_t row;
    pack_job *j;
} todo;

typedef struct {
    pid_t pid;
    int fd;
    size_t item;
    char *buf;
    size_t len, cap;
} worker;

enum { EXIT_BUILT = 0, EXIT_FRESH = 10, EXIT_NONE = 11 };

/* A worker process: builds one student, sends its diagnostics, exits with
 * its status. */
static void student_worker(int fd, const todo *t, const sp_roster *r,
                           const sp_batch_opts *o,
                           const sp_student_exporter *ex,
                           const sp_fonts *fonts)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sp_fsutil_install_signal_cleanup();
    sp_diags *d = sp_diags_new();
    if (!d)
        _exit(3);
    int st = build_student(t->j, &r->students[t->row], r, o, ex, fonts, d);
    sp_batch_send_diags(fd, d);
    sp_diags_free(d);
    close(fd);
    _exit(st == ST_BUILT ? EXIT_BUILT : st == ST_UP_TO_DATE ? EXIT_FRESH
          : st == ST_NONE ? EXIT_NONE : 1);
}

/* Reads from worker W; on end of file reaps it and settles its student
 * (status into SSTATUS, diagnostics into SD).  1 when done, 0 or -1. */
static int drain_worker(worker *w, const todo *items, const sp_roster *r,
                        int *sstatus, sp_diags **sd)
{
    if (w->len + 4096 > w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 8192;
        char *nb = realloc(w->buf, nc);
        if (!nb)
            return -1;
        w->buf = nb;
        w->cap = nc;
    }
    ssize_t n = read(w->fd, w->buf + w->len, w->cap - w->len - 1);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n > 0) {
        w->len += (size_t)n;
        return 0;
    }
    close(w->fd);
    w->fd = -1;
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    size_t row = items[w->item].row;
    sp_batch_read_diags(w->buf, w->len, sd[row]);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    sstatus[row] = code == EXIT_BUILT   ? ST_BUILT
                   : code == EXIT_FRESH ? ST_UP_TO_DATE
                   : code == EXIT_NONE  ? ST_NONE
                                        : ST_FAILED;
    if (WIFSIGNALED(status))
        sp_diag_add(sd[row], SP_D_IO, r->file, r->students[row].line, 0,
                    "the worker building the booklet of student '%s' was "
                    "killed by signal %d", r->students[row].name,
                    WTERMSIG(status));
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
    return 1;
}

/* Builds the N students of ITEMS, up to JOBS at a time in worker processes
 * (in this process with one job); statuses into SSTATUS, each student's
 * diagnostics into SD[row].  0, or 3 on a system error. */
static int run_students(const todo *items, size_t n, int jobs,
                        const sp_roster *r, const sp_batch_opts *o,
                        const sp_student_exporter *ex, const sp_fonts *fonts,
                        int *sstatus, sp_diags **sd, sp_diags *d)
{
    if (jobs <= 1) {
        for (size_t i = 0; i < n; i++)
            sstatus[items[i].row] =
                build_student(items[i].j, &r->students[items[i].row], r, o,
                              ex, fonts, sd[items[i].row]);
        return 0;
    }
    worker *w = calloc((size_t)jobs, sizeof *w);
    struct pollfd *pfd = calloc((size_t)jobs, sizeof *pfd);
    int rc = 0, running = 0;
    size_t next = 0;
    if (!w || !pfd) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
    }
    for (int i = 0; w && i < jobs; i++)
        w[i].fd = -1;
    while (rc == 0 && (next < n || running > 0)) {
        for (int i = 0; i < jobs && next < n; i++) {
            if (w[i].fd >= 0)
                continue;
            int p[2];
            if (pipe(p) != 0) {
                sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot create a pipe: "
                            "%s", strerror(errno));
                rc = 3;
                break;
            }
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot start a worker: "
                            "%s", strerror(errno));
                close(p[0]);
                close(p[1]);
                rc = 3;
                break;
            }
            if (pid == 0) {
                close(p[0]);
                student_worker(p[1], &items[next], r, o, ex, fonts);
            }
            close(p[1]);
            w[i].pid = pid;
            w[i].fd = p[0];
            w[i].item = next++;
            running++;
        }
        int k = 0, at[256];
        for (int i = 0; i < jobs && k < 256; i++)
            if (w[i].fd >= 0) {
                pfd[k].fd = w[i].fd;
                pfd[k].events = POLLIN;
                at[k++] = i;
            }
        if (k == 0)
            continue;
        if (poll(pfd, (nfds_t)k, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < k; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int got = drain_worker(&w[at[i]], items, r, sstatus, sd);
            if (got < 0) {
                sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
                rc = 3;
            } else if (got == 1) {
                running--;
            }
        }
    }
    /* after a system error: wait for the workers still running */
    for (int i = 0; w && i < jobs; i++) {
        while (w[i].fd >= 0 && drain_worker(&w[i], items, r, sstatus, sd) == 0)
            ;
        free(w[i].buf);
    }
    free(w);
    free(pfd);
    return rc;
}

/* ---- index.json --------------------------------------------------------- */

static int write_index(const sp_roster *r, const pack_job *jobs, size_t nj,
                       const int *sstatus, const sp_batch_opts *o,
                       sp_diags *d)
{
    sp_buf b = {0};
    char date[SP_DATE_BUF];
    sp_buf_printf(&b, "{\n  \"generator\": \"studypack %s\",\n  \"roster\": ",
                  SP_VERSION);
    sp_buf_json(&b, r->file);
    sp_buf_str(&b, ",\n  \"packs\": [");
    int first = 1;
    for (size_t i = 0; i < nj; i++) {
        const pack_job *j = &jobs[i];
        if (!j->ref)
            continue;
        sp_buf_printf(&b, "%s\n    {\n      \"id\": ", first ? "" : ",");
        first = 0;
        sp_buf_json(&b, j->id);
        sp_buf_str(&b, ",\n      \"source\": ");
        sp_buf_json(&b, j->ref->path);
        sp_buf_printf(&b, ",\n      \"status\": \"%s\",\n      \"files\": [",
                      status_name(j->status));
        if (j->status == ST_BUILT || j->status == ST_UP_TO_DATE) {
            char names[N_PACK_NAMES][32];
            char *dir = path2(o->build->out_dir, j->id);
            size_t n = dir ? pack_outputs(dir, o->build->dump, names) : 0;
            for (size_t k = 0; k < n; k++) {
                char *rel = path2(j->id, names[k]);
                sp_buf_str(&b, k ? ", " : "");
                sp_buf_json(&b, rel ? rel : "");
                free(rel);
            }
            free(dir);
        }
        sp_buf_str(&b, "]\n    }");
    }
    sp_buf_str(&b, "\n  ],\n  \"students\": [");
    for (size_t i = 0; i < r->n_students; i++) {
        const sp_student *st = &r->students[i];
        sp_buf_printf(&b, "%s\n    {\n      \"line\": %d,\n      \"name\": ",
                      i ? "," : "", st->line);
        if (st->name)
            sp_buf_json(&b, st->name);
        else
            sp_buf_str(&b, "null");
        sp_buf_str(&b, ",\n      \"pack\": ");
        if (st->pack)
            sp_buf_json(&b, st->pack);
        else
            sp_buf_str(&b, "null");
        sp_buf_printf(&b, ",\n      \"status\": \"%s\"",
                      status_name(sstatus[i]));
        if (!st->ok || sstatus[i] == ST_FAILED || sstatus[i] == ST_NONE) {
            sp_buf_str(&b, "\n    }");
            continue;
        }
        sp_buf_str(&b, ",\n      \"folder\": ");
        char rel[512];
        snprintf(rel, sizeof rel, "%s/students/%s", st->pack, st->slug);
        sp_buf_json(&b, rel);
        sp_buf_printf(&b, ",\n      \"interview_date\": \"%s\"",
                      sp_date_iso(st->interview, date, sizeof date));
        if (st->has_start)
            sp_buf_printf(&b, ",\n      \"start\": \"%s\"",
                          sp_date_iso(st->start, date, sizeof date));
        else
            sp_buf_str(&b, ",\n      \"start\": null");
        sp_buf_str(&b, ",\n      \"files\": [");
        size_t n = 0;
        char **files = NULL;
        if (sstatus[i] != ST_FAILED) {
            char *dir = path2(o->build->out_dir, rel);
            files = dir ? list_files(dir, &n) : NULL;
            free(dir);
        }
        for (size_t k = 0; k < n; k++) {
            char *p = path2(rel, files[k]);
            sp_buf_str(&b, k ? ", " : "");
            sp_buf_json(&b, p ? p : "");
            free(p);
        }
        free_list(files, n);
        sp_buf_str(&b, "]\n    }");
    }
    sp_buf_str(&b, "\n  ]\n}\n");
    size_t len = 0;
    char *text = sp_buf_take(&b, &len);
    char *path = path2(o->build->out_dir, "index.json");
    int rc = -1;
    if (!text || !path)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    else
        rc = sp_write_file_atomic(path, text, len, d);
    free(text);
    free(path);
    return rc;
}

int sp_roster_run(const sp_roster *r, char *const *paths, int n_paths,
                  const sp_batch_opts *o, const sp_student_exporter *ex,
                  const sp_fonts *fonts, sp_batch_result *res, sp_diags *d)
{
    memset(res, 0, sizeof *res);
    sp_pack_ref *refs = NULL;
    size_t n_refs = 0;
    int rc = sp_batch_find_packs(paths, n_paths, &refs, &n_refs, d);
    pack_job *jobs = calloc(r->n_students ? r->n_students : 1, sizeof *jobs);
    int *sstatus = calloc(r->n_students ? r->n_students : 1, sizeof *sstatus);
    todo *items = calloc(r->n_students ? r->n_students : 1, sizeof *items);
    sp_diags **sd = calloc(r->n_students ? r->n_students : 1, sizeof *sd);
    size_t nj = 0, n_items = 0;
    for (size_t i = 0; sd && i < r->n_students; i++)
        if (!(sd[i] = sp_diags_new()))
            rc = 3;
    if (!jobs || !sstatus || !items || !sd || rc) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
    }
    if (rc == 0 && sp_mkdir_p(o->build->out_dir, d) != 0)
        rc = 3;
    /* the packs the good rows name, in order of first mention */
    for (size_t i = 0; rc == 0 && i < r->n_students; i++) {
        const sp_student *st = &r->students[i];
        sstatus[i] = ST_FAILED;
        if (!st->ok)
            continue;
        size_t k = 0;
        while (k < nj && strcmp(jobs[k].id, st->pack) != 0)
            k++;
        if (k == nj) {
            jobs[nj].id = st->pack;
            for (size_t p = 0; p < n_refs && !jobs[nj].ref; p++)
                if (strcmp(refs[p].id, st->pack) == 0)
                    jobs[nj].ref = &refs[p];
            nj++;
        }
    }
    for (size_t k = 0; rc == 0 && k < nj; k++) {
        pack_job *j = &jobs[k];
        if (!j->ref) {
            j->status = ST_FAILED;
            for (size_t i = 0; i < r->n_students; i++)
                if (r->students[i].ok
                    && strcmp(r->students[i].pack, j->id) == 0)
                    sp_diag_add(d, SP_D_REFERENCE, r->file,
                                r->students[i].line, 0, "student '%s': "
                                "unknown pack '%s' (no pack with that id in "
                                "%s%s)", r->students[i].name, j->id,
                                n_paths > 0 ? paths[0] : "sources",
                                n_paths > 1 ? " and the other paths" : "");
            continue;
        }
        if (o->build->outputs & PACK_OUTPUTS)
            build_cards(j, o, fonts, d);
        else if (load_pack(j, d) == 0)
            j->status = ST_NONE;        /* --only timeline: no cards */
        else
            j->status = ST_FAILED;
        res->built += j->status == ST_BUILT;
        res->up_to_date += j->status == ST_UP_TO_DATE;
        res->failed += j->status == ST_FAILED;
        for (size_t i = 0; i < r->n_students; i++) {
            const sp_student *st = &r->students[i];
            if (!st->ok || strcmp(st->pack, j->id) != 0)
                continue;
            if (!(o->build->outputs & STUDENT_OUTPUTS)) {
                sstatus[i] = ST_NONE;   /* --only flashcards: no booklets */
                continue;
            }
            if (j->load_failed || !j->pack) {
                sp_diag_add(d, SP_D_NOTE, r->file, st->line, 0, "student "
                            "'%s' is not built: pack '%s' failed", st->name,
                            j->id);
                continue;
            }
            items[n_items].row = i;
            items[n_items].j = j;
            n_items++;
        }
    }
    /* the students, in parallel; their diagnostics in the roster's order */
    int n_jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n_jobs > 256)
        n_jobs = 256;
    if (rc == 0 && n_items > 0
        && run_students(items, n_items, n_jobs < 1 ? 1 : n_jobs, r, o, ex,
                        fonts, sstatus, sd, d) != 0)
        rc = 3;
    for (size_t i = 0; sd && i < r->n_students; i++)
        if (sd[i])
            sp_diags_move(d, sd[i]);
    for (size_t i = 0; i < r->n_students && jobs && sstatus; i++) {
        res->built += sstatus[i] == ST_BUILT;
        res->up_to_date += sstatus[i] == ST_UP_TO_DATE;
        res->failed += sstatus[i] == ST_FAILED;
    }
    if (rc == 0 && write_index(r, jobs, nj, sstatus, o, d) != 0)
        rc = 3;
    if (rc == 0 && res->failed)
        rc = 1;
    for (size_t k = 0; jobs && k < nj; k++)
        sp_pack_free(jobs[k].pack);
    for (size_t i = 0; sd && i < r->n_students; i++)
        sp_diags_free(sd[i]);
    free(sd);
    free(items);
    free(jobs);
    free(sstatus);
    sp_pack_refs_free(refs, n_refs);
    return rc;
}
