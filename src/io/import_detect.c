/* import_detect.c - which format an input is (from its first bytes), and
 * the deck of notes the readers fill (see import.h, importer.h). */
#include "import.h"
#include "importer.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- detection -------------------------------------------------------- */

sp_import_format sp_import_detect(const unsigned char *data, size_t len)
{
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return SP_IMPORT_APKG;
    if (len >= 4 && memcmp(data, "PK\x05\x06", 4) == 0)
        return SP_IMPORT_APKG;
    if (len >= 16 && memcmp(data, "SQLite format 3", 16) == 0)
        return SP_IMPORT_ANKI_DB;
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    size_t look = len < 4096 ? len : 4096;
    if (memchr(data, '\0', look))
        return SP_IMPORT_UNKNOWN;
    size_t j = i;
    while (j < len && (data[j] == ' ' || data[j] == '\t' || data[j] == '\r' ||
                       data[j] == '\n'))
        j++;
    if (j < len && data[j] == '<')
        return SP_IMPORT_XML;
    static const char *const anki[] = {"#separator:", "#html:", "#tags",
                                       "#deck", "#notetype", "#columns:",
                                       "#guid column:", NULL};
    for (int k = 0; anki[k]; k++) {
        size_t n = strlen(anki[k]);
        if (len - i >= n && strncasecmp((const char *)data + i, anki[k], n) == 0)
            return SP_IMPORT_ANKI_TEXT;
    }
    /* the first record's separators, outside quotes */
    size_t tabs = 0, commas = 0, semis = 0;
    int quoted = 0;
    for (; i < len; i++) {
        unsigned char c = data[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == '\n')
            break;
        else if (!quoted) {
            tabs += c == '\t';
            commas += c == ',';
            semis += c == ';';
        }
    }
    if (tabs && tabs >= commas)
        return SP_IMPORT_TSV;
    if (commas || semis)
        return SP_IMPORT_CSV;
    return SP_IMPORT_UNKNOWN;
}

const char *sp_import_format_name(sp_import_format f)
{
    switch (f) {
    case SP_IMPORT_CSV: return "CSV";
    case SP_IMPORT_TSV: return "TSV";
    case SP_IMPORT_ANKI_TEXT: return "Anki text export";
    case SP_IMPORT_APKG: return "Anki package";
    case SP_IMPORT_ANKI_DB: return "Anki collection";
    case SP_IMPORT_XML: return "XML";
    case SP_IMPORT_UNKNOWN: break;
    }
    return "unknown";
}

sp_import_format sp_import_sniff_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return SP_IMPORT_UNKNOWN;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);   /* a pipe or a device: reading would consume it */
        return SP_IMPORT_UNKNOWN;
    }
    unsigned char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    return n > 0 ? sp_import_detect(buf, (size_t)n) : SP_IMPORT_UNKNOWN;
}

/* ---- the deck ------------------------------------------------------- */

void sp_ideck_free(sp_ideck *deck)
{
    for (size_t i = 0; i < deck->n_notes; i++) {
        sp_inote *n = &deck->notes[i];
        free(n->guid);
        free(n->id);
        free(n->front);
        free(n->back);
        free(n->extra);
        free(n->tags);
        free(n->deck);
        free(n->round);
        free(n->difficulty);
        free(n->followup);
        free(n->cue);
    }
    free(deck->notes);
    for (size_t i = 0; i < deck->n_media; i++) {
        free(deck->media[i].name);
        free(deck->media[i].data);
    }
    free(deck->media);
    for (size_t i = 0; i < deck->n_files; i++)
        free(deck->files[i]);
    free(deck->files);
    free(deck->title);
    memset(deck, 0, sizeof *deck);
}

const char *sp_ideck_file(sp_ideck *deck, const char *name)
{
    for (size_t i = 0; i < deck->n_files; i++)
        if (strcmp(deck->files[i], name) == 0)
            return deck->files[i];
    char **f = realloc(deck->files, (deck->n_files + 1) * sizeof *f);
    if (!f)
        return NULL;
    deck->files = f;
    if (!(f[deck->n_files] = strdup(name)))
        return NULL;
    return f[deck->n_files++];
}

sp_inote *sp_ideck_note(sp_ideck *deck)
{
    if (deck->n_notes == deck->cap_notes) {
        size_t cap = deck->cap_notes ? deck->cap_notes * 2 : 64;
        sp_inote *n = realloc(deck->notes, cap * sizeof *n);
        if (!n)
            return NULL;
        deck->notes = n;
        deck->cap_notes = cap;
    }
    sp_inote *n = &deck->notes[deck->n_notes++];
    memset(n, 0, sizeof *n);
    return n;
}

int sp_ideck_add_media(sp_ideck *deck, const char *name, unsigned char *data,
                       size_t len)
{
    if (deck->n_media == deck->cap_media) {
        size_t cap = deck->cap_media ? deck->cap_media * 2 : 16;
        sp_imedia *m = realloc(deck->media, cap * sizeof *m);
        if (!m)
            return -1;
        deck->media = m;
        deck->cap_media = cap;
    }
    char *n = strdup(name);
    if (!n)
        return -1;
    deck->media[deck->n_media].name = n;
    deck->media[deck->n_media].data = data;
    deck->media[deck->n_media].len = len;
    deck->n_media++;
    deck->media_bytes += len;
    return 0;
}

const sp_imedia *sp_ideck_find_media(const sp_ideck *deck, const char *name)
{
    for (size_t i = 0; i < deck->n_media; i++)
        if (strcmp(deck->media[i].name, name) == 0)
            return &deck->media[i];
    return NULL;
}

