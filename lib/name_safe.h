/*
 * name_safe: a name someone less trusted than root chose (a domain's, set by a
 * toolstack user, a libvirt client or a cloud API), made safe to show a human.
 * UTF-8 letters stay; what could hide, reorder or impersonate text is shown
 * visibly instead: control bytes as \n, \t or \xNN, bytes that are not UTF-8 as
 * \xNN, and invisible, bidi and other format characters (Unicode Cf, Zl, Zp,
 * variation selectors, tags, invisible fillers) as \uXXXX. So "Domain-0" +
 * U+202E + "1g" shows as "Domain-0\u202e1g", not as "Domain-0g1".
 * JSON and /metrics keep the exact bytes (escaped by their own rules).
 */
#ifndef VSTOP_NAME_SAFE_H
#define VSTOP_NAME_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A code point that would be invisible or reorder text. */
bool name_invisible(uint32_t cp);
/* Writes the safe form of name into out (always NUL-terminated, cut at a whole
 * character); returns true when something was replaced. */
bool name_safe(char *out, size_t outsz, const char *name);
/* Does a name read as Xen's Domain-0: itself, or the same once format
 * characters and spaces go, look-alike letters (Cyrillic, Greek) are folded to
 * ASCII and case is ignored? A domain other than domid 0 with such a name is
 * passing for it: the caller shows its domid. */
bool name_looks_like_dom0(const char *name);

#endif
