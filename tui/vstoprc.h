/* vstoprc: the dashboard's saved settings (see vstoprc.c). */
#ifndef VSTOP_VSTOPRC_H
#define VSTOP_VSTOPRC_H

#include <stdbool.h>
#include <stddef.h>
#include "tui/dash_draw.h"

/* $XDG_CONFIG_HOME/vstop/vstoprc, else ~/.config/vstop/vstoprc: 0, or -1 without either. */
int vstoprc_path(char *out, size_t sz);
/* Read the settings into d; what the command line said (keep_*) stays. A
 * line it cannot take is named in d->status. */
void vstoprc_load(struct dash *d, bool keep_sort, bool keep_delay);
/* Write d's settings: 0, or -1 with the reason. */
int vstoprc_save(const struct dash *d, char *err, size_t errsz);

#endif
