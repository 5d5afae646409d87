/* msg.h - the pack's own language: the words the tool puts on a page.
 *
 * Every heading, label, plan line, card heading and continuation mark the
 * tool adds comes from one message catalogue, written as gettext PO files
 * (po/LANG.po, template po/studypack.pot extracted by xgettext) and
 * compiled by msgfmt into LOCALEDIR/LANG/LC_MESSAGES/studypack.mo.  The
 * msgids are the English wording, so English needs no catalogue.
 *
 * The language is the pack's xml:lang (or --lang), never the user's
 * locale: this module reads the .mo files itself (the GNU .mo format: a
 * header, two tables of (length, offset) pairs over NUL-terminated
 * strings, originals sorted bytewise) and evaluates the catalogue's own
 * Plural-Forms expression.  glibc's dgettext cannot serve here: it picks
 * the catalogue from the process's LC_MESSAGES locale (global, or
 * per-thread only through uselocale), which must be generated on the
 * machine (Debian CI has only C.UTF-8), and it ignores LANGUAGE under the
 * C locale.
 *
 * Languages (sp_msgs_resolve): en, de, fr, es, sv, ja, zh_CN.  A tag is
 * matched on its primary subtag ("de-AT" -> de, "fr-CA" -> fr); "zh"
 * means Simplified Chinese unless it names Traditional (zh-Hant, zh-TW,
 * zh-HK, zh-MO), which has no catalogue.  Anything else falls back to
 * English with one warning.
 *
 * Who may include: build, the page builders (cards, booklet, calibrate),
 * the date formatter, main, tests.
 * Ownership: sp_msgs_open returns an object the caller frees with
 * sp_msgs_free; it owns a copy of the catalogue.  Strings returned by the
 * lookups point into it (or are the msgid passed in) and live as long as
 * it does.  Thread safety: an sp_msgs is read-only after opening, so one
 * may be shared by threads; every build opens its own.
 */
#ifndef SP_MSG_H
#define SP_MSG_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

/* Marks a string for extraction without translating it (static tables);
 * translate it later with sp_tr. */
#define N_(s) (s)

typedef struct sp_msgs sp_msgs;

/* The catalogue name for language tag TAG ("de", "zh_CN"; "en" for
 * English), or NULL if there is none (TAG NULL or empty means English). */
const char *sp_msgs_resolve(const char *tag);

/* The catalogue folder: $STUDYPACK_LOCALEDIR, else the first of
 * EXE/locale (the build folder) and EXE/../share/locale (installed) that
 * holds studypack catalogues, else the compiled-in SP_LOCALEDIR.
 * malloc'd; NULL if none is known. */
char *sp_msgs_default_dir(const char *argv0);

/* Opens the catalogue for TAG from DIR (NULL: sp_msgs_default_dir(NULL)).
 * An unknown language, or a missing or malformed catalogue, gives English
 * with one SP_D_WARNING in D naming the language.  Returns NULL only when
 * out of memory. */
sp_msgs *sp_msgs_open(const char *tag, const char *dir, sp_diags *d);
/* Parses a .mo image (for tests and the fuzzer); NULL if malformed or out
 * of memory.  LANG is the name reported by sp_msgs_lang. */
sp_msgs *sp_msgs_from_mo(const void *data, size_t size, const char *lang);
void sp_msgs_free(sp_msgs *m);

/* The language in use: "en", "de", ..., "zh_CN" (also an ICU locale id). */
const char *sp_msgs_lang(const sp_msgs *m);

/* Translations; M NULL (or no entry) gives MSGID back.  sp_trn picks the
 * plural form for N (English: SINGULAR when N is 1); sp_trc looks MSGID
 * up in context CTX (gettext's msgctxt). */
const char *sp_tr(const sp_msgs *m, const char *msgid);
const char *sp_trn(const sp_msgs *m, const char *singular,
                   const char *plural, unsigned long n);
const char *sp_trc(const sp_msgs *m, const char *ctx, const char *msgid);

/* Copies the translated template TMPL into BUF (CAP bytes), replacing
 * each "{1}", "{2}", "{3}" by A1, A2, A3 (NULL: ""), so translations may
 * reorder them; truncates on a character boundary.  Returns BUF. */
char *sp_fill(char *buf, size_t cap, const char *tmpl, const char *a1,
              const char *a2, const char *a3);

/* The page's words for a difficulty ("easy", "medium", "hard"; "" for
 * none) and a task kind ("study", ..., "rest"), translated. */
const char *sp_msgs_difficulty(const sp_msgs *m, sp_difficulty d);
const char *sp_msgs_task_kind(const sp_msgs *m, sp_task_kind k);

/* The I-th translation of the catalogue (its plural forms separated by
 * NULs, *LEN bytes in all), or NULL past the last one (English: none). */
const char *sp_msgs_string(const sp_msgs *m, size_t i, size_t *len);

/* Evaluates a gettext plural expression ("n != 1", "n > 1", "0") for N.
 * Returns the form index, or -1 if EXPR is malformed. */
long sp_plural_eval(const char *expr, unsigned long n);

#endif
