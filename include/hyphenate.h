/* hyphenate.h - where a word may be hyphenated (libhyphen, TeX patterns).
 *
 * The dictionaries are Debian's hyphen-* packages under /usr/share/hyphen
 * (hyph_en_US, hyph_de_DE, hyph_fr, hyph_es_ES, hyph_sv_SE; a tag with a
 * region such as "de-CH" takes hyph_de_CH first; $STUDYPACK_HYPHENDIR
 * names another folder).  Words are matched lower-cased (ICU's simple case
 * mapping), in the dictionary's own encoding (UTF-8 or ISO 8859-1); a
 * word with a character the dictionary cannot encode, a digit, or a
 * capital after its first letter (an identifier or acronym) is not
 * hyphenated, nor is a word of fewer than 5 letters.  At least 2 letters
 * stay before a hyphen and 3 after it (or the dictionary's minimums if
 * larger); breaks that would change the spelling (old German "ck") are
 * not used.
 *
 * Who may include: the text engine, build (to pick a language), tests.
 * Ownership: dictionaries are loaded once per process and language and
 * shared (read-only) by every thread; they are freed at exit.  Thread
 * safety: sp_hyphen_get and sp_hyphen_points may be called from any
 * thread.
 */
#ifndef SP_HYPHENATE_H
#define SP_HYPHENATE_H

#include <stddef.h>

typedef struct sp_hyphen sp_hyphen;

/* The hyphenator for language tag LANG ("en", "de-AT", "fr"), or NULL if
 * there is no dictionary for it (or LANG is NULL). */
const sp_hyphen *sp_hyphen_get(const char *lang);

/* Finds where the UTF-8 text WORD[0..LEN) may be hyphenated: for each
 * maximal run of letters in it, the byte offsets at which a line may end
 * with a hyphen (the letter before the offset stays on the line).
 * Stores at most MAX offsets, ascending, into POS and returns how many. */
size_t sp_hyphen_points(const sp_hyphen *h, const char *word, size_t len,
                        size_t *pos, size_t max);

#endif
