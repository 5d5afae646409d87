/* explain.h - our words for schema problems.
 *
 * libxml2's XSD messages speak of facets, atomic types and content models;
 * the loader classifies each one (no libxml2 types cross this header) and
 * sp_explain says the same in an author's terms, with the fix where one
 * can be guessed: the id a malformed id probably meant, the near-miss
 * value, element or attribute name ("did you mean 'medium'?"), the order
 * children must come in ("`followup` must come after `answer`").
 * Who may include: load, tests.
 */
#ifndef SP_EXPLAIN_H
#define SP_EXPLAIN_H

#include <stddef.h>

typedef enum {
    SP_X_PATTERN,       /* an id attribute does not match the id pattern */
    SP_X_LIST,          /* an id-list attribute is not a list of ids */
    SP_X_ENUM,          /* a value is not in EXPECTED ("'a', 'b'") */
    SP_X_BLANK,         /* a NonBlank value is blank */
    SP_X_RANGE,         /* a number is out of range */
    SP_X_TYPE,          /* not a value of the type (days="abc") */
    SP_X_ATTR_UNKNOWN,  /* ATTR is not an attribute of ELEM */
    SP_X_ATTR_MISSING,  /* the required ATTR is missing */
    SP_X_UNEXPECTED,    /* ELEM may not stand here; EXPECTED ("a, b") */
    SP_X_MISSING_CHILD, /* ELEM lacks a child; EXPECTED ("a, b") */
    SP_X_TEXT           /* ELEM holds text where only elements may be */
} sp_xkind;

typedef struct {
    sp_xkind kind;
    const char *elem;       /* local name of the element concerned */
    const char *attr;       /* the attribute, or NULL */
    const char *parent;     /* local name of ELEM's parent, or NULL */
    const char *value;      /* the offending value, or NULL */
    const char *expected;   /* libxml2's list, or NULL */
    char (*before)[32];     /* PARENT's children before ELEM */
    size_t n_before;
    char (*all)[32];        /* all of PARENT's children (or NULL) */
    size_t n_all;
} sp_xproblem;

/* Writes the message for X into OUT (CAP bytes).  Returns 1, 0 when
 * libxml2's words should stay (nothing better to say), or -1 when another
 * message says it already (the item errors of a list attribute, which the
 * message about the whole list covers). */
int sp_explain(const sp_xproblem *x, char *out, size_t cap);

/* VALUE made into a valid id (lower case, '-' for other characters, at
 * most 64), into OUT (65 bytes); "" if nothing is left. */
void sp_explain_id(const char *value, char *out);

#endif
