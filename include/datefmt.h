/* datefmt.h - dates and weekdays in the pack's language (CLDR via ICU).
 *
 * Every date the tool prints goes through here.  Names, order and
 * punctuation come from CLDR data through ICU: a skeleton per style
 * (udatpg_getBestPattern turns it into the language's pattern), formatted
 * by udat_format in the proleptic Gregorian calendar and UTC, so output
 * depends neither on the machine's locales nor on its time zone:
 *
 *   style               skeleton      en                     de
 *   SP_DATE_LONG        EEEEdMMMMy    Thursday, December 17, 2026
 *                                                            Donnerstag, 17. Dezember 2026
 *   SP_DATE_MEDIUM      EEEdMMMy      Thu, Dec 17, 2026      Do., 17. Dez. 2026
 *   SP_DATE_DAY         EEEdMMM       Thu, Dec 17            Do., 17. Dez.
 *   SP_DATE_SHORT       dMMM          Dec 17                 17. Dez.
 *   SP_DATE_ISO_WEEKDAY (pattern "EEE yyyy-MM-dd")  Thu 2026-12-17  Do. 2026-12-17
 *
 * (ja SP_DATE_MEDIUM: 2026年12月17日(木); zh_CN: 2026年12月17日周四.)
 *
 * Who may include: the page builders, schedule (the plan text), tests.
 * Ownership: sp_datefmt_new returns an object to release with
 * sp_datefmt_free.  The first 16 languages' formatters are made once and
 * shared for the life of the process (releasing one does nothing).
 * Thread-safe: a shared formatter formats one date at a time.
 */
#ifndef SP_DATEFMT_H
#define SP_DATEFMT_H

#include <stddef.h>

#include "schedule.h"

typedef enum {
    SP_DATE_LONG,
    SP_DATE_MEDIUM,
    SP_DATE_DAY,
    SP_DATE_SHORT,
    SP_DATE_ISO_WEEKDAY,
    SP_DATE_STYLES
} sp_date_style;

enum { SP_DATEFMT_BUF = 128 };

typedef struct sp_datefmt sp_datefmt;

/* A formatter for LANG (an ICU locale id or BCP 47 tag: "de", "zh_CN",
 * "pt-BR"; NULL: "en").  NULL when out of memory or ICU has no data. */
sp_datefmt *sp_datefmt_new(const char *lang);
void sp_datefmt_free(sp_datefmt *f);

/* Formats D in STYLE as UTF-8 into BUF (CAP bytes, SP_DATEFMT_BUF are
 * always enough) and returns BUF; on an ICU failure BUF holds the ISO date
 * "2026-12-17". */
char *sp_datefmt_format(sp_datefmt *f, sp_date_style style, sp_date d,
                        char *buf, size_t cap);

#endif
