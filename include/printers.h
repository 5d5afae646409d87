/* printers.h - printer profiles (--printer NAME).
 *
 * A profile file is INI text, by default
 * $XDG_CONFIG_HOME/studypack/printers.conf (~/.config/... when
 * XDG_CONFIG_HOME is unset or not absolute):
 *
 *   # comments start with # or ;
 *   [office-laser]
 *   back-offset = 0.5,-0.3
 *   back-scale  = 99.6,100.3
 *   duplex      = long
 *   paper       = a4
 *   booklet-flip = short
 *
 * Each setting has the name and the value syntax of the build option of
 * the same name; main applies them through its one option parser, so a
 * profile gives exactly the output of the same options typed by hand.
 * Options given on the command line override the profile.
 *
 * Who may include: main, tests.
 * Ownership: sp_profile owns its strings (sp_profile_release frees them).
 */
#ifndef SP_PRINTERS_H
#define SP_PRINTERS_H

#include <stddef.h>

#include "diag.h"

/* The settings a profile may hold, NULL-terminated. */
extern const char *const sp_profile_keys[];

typedef struct {
    char *key;        /* one of sp_profile_keys */
    char *value;      /* trimmed */
    int line, col;    /* of the value, for diagnostics */
} sp_profile_setting;

typedef struct {
    char *file;       /* the file it was read from */
    char *name;
    sp_profile_setting *settings;
    size_t n_settings;
} sp_profile;

/* The default profile file (see above), malloc'd; NULL when out of memory
 * or when neither XDG_CONFIG_HOME nor HOME is set. */
char *sp_printers_default_path(void);

/* Reads the section NAME of FILE (at most 64 KiB, a regular file) into
 * *OUT.  Returns 0, or -1 after reporting: the file cannot be read (an
 * SP_D_IO), a line that is neither a [section], a "key = value" nor a
 * comment, an unknown key, a key given twice in one section, a section
 * given twice, or no section NAME (the message lists the names there are).
 * Every problem in the file is reported, not just the first. */
int sp_profile_load(const char *file, const char *name, sp_profile *out,
                    sp_diags *d);
void sp_profile_release(sp_profile *p);

#endif
