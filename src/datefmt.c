/* datefmt.c - dates through ICU's CLDR data (see datefmt.h). */
#include "datefmt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#define MS_PER_DAY 86400000.0
#define EARLIEST_UDATE (-8.64e15)   /* makes the calendar proleptic */

static const char *const skeletons[SP_DATE_STYLES] = {
    [SP_DATE_LONG] = "EEEEdMMMMy",
    [SP_DATE_MEDIUM] = "EEEdMMMy",
    [SP_DATE_DAY] = "EEEdMMM",
    [SP_DATE_SHORT] = "dMMM",
    [SP_DATE_ISO_WEEKDAY] = NULL,     /* a fixed pattern */
};

struct sp_datefmt {
    char locale[ULOC_FULLNAME_CAPACITY + 24];
    UDateFormat *fmt[SP_DATE_STYLES];
    int shared;                 /* one of the cache's: never freed */
    pthread_mutex_t lock;       /* a shared one formats one date at a time
                                   (ICU's formatters are not thread-safe) */
};

static sp_datefmt *make(const char *lang)
{
    sp_datefmt *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    UErrorCode e = U_ZERO_ERROR;
    char base[ULOC_FULLNAME_CAPACITY];
    if (!lang || !*lang)
        lang = "en";
    /* "zh_CN" is an ICU id already; "pt-BR" a language tag */
    int32_t n = strchr(lang, '_') ? 0
                : uloc_forLanguageTag(lang, base, sizeof base, NULL, &e);
    if (U_FAILURE(e) || n <= 0 || !base[0]) {
        e = U_ZERO_ERROR;
        snprintf(base, sizeof base, "%s", lang);
    }
    snprintf(f->locale, sizeof f->locale, "%s@calendar=gregorian", base);
    UDateTimePatternGenerator *g = udatpg_open(f->locale, &e);
    if (U_FAILURE(e))
        goto fail;
    UChar tz[4];
    u_uastrcpy(tz, "UTC");
    for (int s = 0; s < SP_DATE_STYLES; s++) {
        UChar sk[32], pat[128];
        int32_t pl;
        if (skeletons[s]) {
            u_uastrcpy(sk, skeletons[s]);
            pl = udatpg_getBestPattern(g, sk, -1, pat, 128, &e);
        } else {
            /* the weekday in the language, the date in ISO 8601 */
            UChar wd[32];
            u_uastrcpy(sk, "EEE");
            int32_t wl = udatpg_getBestPattern(g, sk, -1, wd, 32, &e);
            u_uastrcpy(pat, " yyyy-MM-dd");
            if (U_SUCCESS(e) && wl + u_strlen(pat) < 128) {
                memmove(pat + wl, pat, (size_t)(u_strlen(pat) + 1) * sizeof *pat);
                memcpy(pat, wd, (size_t)wl * sizeof *pat);
            }
            pl = u_strlen(pat);
        }
        if (U_FAILURE(e))
            break;
        f->fmt[s] = udat_open(UDAT_PATTERN, UDAT_PATTERN, f->locale, tz, 1,
                              pat, pl, &e);
        if (U_FAILURE(e))
            break;
        UCalendar *cal = ucal_open(tz, 1, f->locale, UCAL_GREGORIAN, &e);
        if (U_FAILURE(e))
            break;
        ucal_setGregorianChange(cal, EARLIEST_UDATE, &e);
        udat_setCalendar(f->fmt[s], cal);
        ucal_close(cal);
        if (U_FAILURE(e))
            break;
    }
    udatpg_close(g);
    if (U_FAILURE(e))
        goto fail;
    return f;
fail:
    sp_datefmt_free(f);
    return NULL;
}

/* Formatters made so far, one per language, kept for the process and
 * shared by every caller: making one costs 3.8 million instructions (the
 * pattern generator loads CLDR data), a copy (udat_clone) still 0.6
 * million a style.  A batch makes them in its parent, before its workers
 * fork. */
enum { CACHE_MAX = 16 };
static struct {
    char lang[32];
    sp_datefmt *f;
} cache[CACHE_MAX];
static int n_cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

sp_datefmt *sp_datefmt_new(const char *lang)
{
    if (!lang || !*lang)
        lang = "en";
    pthread_mutex_lock(&cache_lock);
    sp_datefmt *f = NULL;
    for (int i = 0; i < n_cache && !f; i++)
        if (strcmp(cache[i].lang, lang) == 0)
            f = cache[i].f;
    if (!f) {
        f = make(lang);
        if (f && n_cache < CACHE_MAX && strlen(lang) < sizeof cache[0].lang
            && pthread_mutex_init(&f->lock, NULL) == 0) {
            f->shared = 1;
            snprintf(cache[n_cache].lang, sizeof cache[0].lang, "%s", lang);
            cache[n_cache++].f = f;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return f;
}

void sp_datefmt_free(sp_datefmt *f)
{
    if (!f || f->shared)
        return;
    for (int s = 0; s < SP_DATE_STYLES; s++)
        if (f->fmt[s])
            udat_close(f->fmt[s]);
    free(f);
}

char *sp_datefmt_format(sp_datefmt *f, sp_date_style style, sp_date d,
                        char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    UErrorCode e = U_ZERO_ERROR;
    UChar out[SP_DATEFMT_BUF];
    int32_t n = 0;
    if (f && style >= 0 && style < SP_DATE_STYLES && f->fmt[style]) {
        UDate t = (double)sp_date_to_days(d) * MS_PER_DAY;
        if (f->shared)
            pthread_mutex_lock(&f->lock);
        n = udat_format(f->fmt[style], t, out, SP_DATEFMT_BUF, NULL, &e);
        if (f->shared)
            pthread_mutex_unlock(&f->lock);
        if (U_SUCCESS(e) && n < SP_DATEFMT_BUF) {
            /* a whole UTF-8 string or, if it cannot fit, the ISO date */
            u_strToUTF8(buf, (int32_t)(cap > 0x7fffffff ? 0x7fffffff : cap),
                        NULL, out, n, &e);
            if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING)
                return buf;
        }
    }
    sp_date_iso(d, buf, cap);
    return buf;
}
