/* export_ankitext.c - Anki's "Notes in Plain Text" format: UTF-8, tab
 * separated, HTML fields; the guid column carries the question id so
 * that importing it again updates the notes (see exporter.h). */
#include "exporter.h"

char *sp_export_ankitext(const sp_pack *pack, size_t *len)
{
    sp_media media;
    if (sp_media_collect(pack, &media) != 0)
        return NULL;
    sp_buf b = {0};
    sp_buf_str(&b, "#separator:tab\n#html:true\n#notetype:Basic\n"
               "#guid column:1\n#deck column:4\n#tags column:5\n");
    for (size_t i = 0; i < pack->n_questions; i++) {
        const sp_question *q = &pack->questions[i];
        /* no field holds a tab, a line end or a '"' (all written as
         * HTML), so none needs quoting */
        sp_export_guid(pack, q, &b);
        sp_buf_put(&b, "\t", 1);
        sp_html_front(&b, q);
        sp_buf_put(&b, "\t", 1);
        sp_html_back(&b, q, &media);
        sp_buf_put(&b, "\t", 1);
        sp_export_deck(pack, q, &b);
        sp_buf_put(&b, "\t", 1);
        sp_export_tags(q, &b);
        sp_buf_put(&b, "\n", 1);
    }
    sp_media_release(&media);
    return sp_buf_take(&b, len);
}
