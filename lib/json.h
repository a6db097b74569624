/*
 * json: writing JSON values into a strbuf. Strings are escaped so that any
 * byte a guest put in its domain name yields valid JSON: control characters
 * as \u00XX, and bytes that are not valid UTF-8 as \u00XX too.
 */
#ifndef VSTOP_JSON_H
#define VSTOP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/strbuf.h"

void json_str(struct strbuf *b, const char *s);
/* A number with `decimals` places, or null when !ok or not finite. */
void json_num(struct strbuf *b, double v, int decimals, bool ok);
void json_u64(struct strbuf *b, uint64_t v);

#endif
