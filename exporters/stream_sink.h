/* stream_sink: vstopd's local stream (see stream_sink.c); its sink_ops are in lib/sink.h. */
#ifndef VSTOP_STREAM_SINK_H
#define VSTOP_STREAM_SINK_H

#include <stddef.h>

/* The socket at path, if nobody serves it any more, removed (what vstopd's root
 * process does at exit: its unprivileged rest cannot). 0, or -1 with why: it is
 * not a socket, or another vstopd serves it. Nothing there is 0. */
int stream_clear(const char *path, char *err, size_t errsz);

#endif
