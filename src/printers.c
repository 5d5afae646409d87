/* printers.c - printer profiles (see printers.h). */
#include "printers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PROFILE_FILE (64 * 1024)

const char *const sp_profile_keys[] = {
    "back-offset", "back-scale", "duplex", "paper", "booklet-flip", NULL};

char *sp_printers_default_path(void)
{
    static const char tail[] = "/studypack/printers.conf";
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    const char *base, *mid;
    if (xdg && xdg[0] == '/') {
        base = xdg;
        mid = "";
    } else if (home && *home) {
        base = home;
        mid = "/.config";
    } else {
        return NULL;
    }
    size_t n = strlen(base) + strlen(mid) + sizeof tail;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", base, mid, tail);
    return p;
}

/* The whole file as a NUL-terminated string, or NULL after reporting.
 * O_NONBLOCK and the regular-file check keep a FIFO or a device from
 * hanging the program. */
static char *read_profile_file(const char *file, sp_diags *d)
{
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        if (errno == ENOENT)
            sp_diag_add(d, SP_D_USAGE, file, 0, 0,
                        "there is no printer profile file; create it with "
                        "the lines that 'studypack calibrate' prints");
        else
            sp_diag_add(d, SP_D_IO, file, 0, 0, "cannot read: %s",
                        strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
        || st.st_size > MAX_PROFILE_FILE) {
        sp_diag_add(d, SP_D_USAGE, file, 0, 0,
                    S_ISREG(st.st_mode) ? "the printer profile file is "
                                          "larger than 64 KiB"
                                        : "the printer profile file is "
                                          "not a regular file");
        close(fd);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    buf[got] = '\0';
    return buf;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims [*s, *e) of white space. */
static void trim(char **s, char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static int known_key(const char *k, size_t n)
{
    for (size_t i = 0; sp_profile_keys[i]; i++)
        if (strlen(sp_profile_keys[i]) == n
            && memcmp(sp_profile_keys[i], k, n) == 0)
            return 1;
    return 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int sp_profile_load(const char *file, const char *name, sp_profile *out,
                    sp_diags *d)
{
    memset(out, 0, sizeof *out);
    char *text = read_profile_file(file, d);
    if (!text)
        return -1;
    size_t before = sp_diags_errors(d);
    int in_it = 0, found_line = 0, line = 0, nomem = 0;
    /* the section names, for "did you mean" and for duplicates */
    char names[2048];
    size_t names_len = 0;
    names[0] = '\0';
    char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB
        && (unsigned char)p[2] == 0xBF)
        p += 3;   /* a UTF-8 byte order mark */
    while (*p) {
        line++;
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        char *s = p, *e = eol ? eol : next;
        char *line_start = p;
        p = next;
        trim(&s, &e);
        if (s == e || *s == '#' || *s == ';')
            continue;
        int col = (int)(s - line_start) + 1;
        if (*s == '[') {
            char *ns = s + 1, *ne = e;
            if (ne[-1] != ']' || ne - 1 <= ns) {
                sp_diag_add(d, SP_D_USAGE, file, line, col,
                            "a section is a printer name in brackets, like "
                            "[office-laser]");
                in_it = 0;
                continue;
            }
            ne--;
            trim(&ns, &ne);
            size_t n = (size_t)(ne - ns);
            in_it = strlen(name) == n && memcmp(name, ns, n) == 0;
            if (in_it && found_line) {
                sp_diag_add(d, SP_D_USAGE, file, line, col,
                            "printer '%s' is defined twice (first on line "
                            "%d)", name, found_line);
                in_it = 0;
            } else if (in_it) {
                found_line = line;
                free(out->name);
                out->name = dup_n(ns, n);
                nomem |= !out->name;
            }
            if (names_len + n + 3 < sizeof names) {
                if (names_len)
                    names[names_len++] = ',', names[names_len++] = ' ';
                memcpy(names + names_len, ns, n);
                names_len += n;
                names[names_len] = '\0';
            }
            continue;
        }
        char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) {
            sp_diag_add(d, SP_D_USAGE, file, line, col,
                        "expected 'setting = value' or '[printer-name]'");
            continue;
        }
        char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
        trim(&ks, &ke);
        trim(&vs, &ve);
        if (!known_key(ks, (size_t)(ke - ks))) {
            sp_diag_add(d, SP_D_USAGE, file, line, col,
                        "unknown setting '%.*s'; a printer has back-offset, "
                        "back-scale, duplex, paper and booklet-flip",
                        (int)(ke - ks), ks);
            continue;
        }
        if (!in_it)
            continue;
        int dup = 0;
        for (size_t i = 0; i < out->n_settings; i++) {
            const sp_profile_setting *o = &out->settings[i];
            if (strlen(o->key) == (size_t)(ke - ks)
                && memcmp(o->key, ks, (size_t)(ke - ks)) == 0) {
                sp_diag_add(d, SP_D_USAGE, file, line, col,
                            "'%s' is set twice for printer '%s' (first on "
                            "line %d)", o->key, name, o->line);
                dup = 1;
            }
        }
        if (dup)
            continue;
        sp_profile_setting *v = realloc(out->settings,
                                        (out->n_settings + 1) * sizeof *v);
        if (!v) {
            nomem = 1;
            break;
        }
        out->settings = v;
        sp_profile_setting *st = &v[out->n_settings];
        st->key = dup_n(ks, (size_t)(ke - ks));
        st->value = dup_n(vs, (size_t)(ve - vs));
        st->line = line;
        st->col = (int)(vs - line_start) + 1;
        if (!st->key || !st->value) {
            free(st->key);
            free(st->value);
            nomem = 1;
            break;
        }
        out->n_settings++;
    }
    free(text);
    out->file = strdup(file);
    if (nomem || !out->file) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    } else if (!found_line) {
        if (names_len)
            sp_diag_add(d, SP_D_USAGE, file, 0, 0,
                        "no printer named '%s'; the file has: %s", name,
                        names);
        else
            sp_diag_add(d, SP_D_USAGE, file, 0, 0,
                        "no printer named '%s'; the file defines no "
                        "printer", name);
    }
    if (sp_diags_errors(d) > before) {
        sp_profile_release(out);
        return -1;
    }
    return 0;
}

void sp_profile_release(sp_profile *p)
{
    for (size_t i = 0; i < p->n_settings; i++) {
        free(p->settings[i].key);
        free(p->settings[i].value);
    }
    free(p->settings);
    free(p->file);
    free(p->name);
    memset(p, 0, sizeof *p);
}
