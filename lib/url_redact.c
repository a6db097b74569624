/* url_redact: see url_redact.h. */
#include "config.h"
#include "lib/url_redact.h"

#include <stdio.h>
#include <string.h>

const char *url_redact(const char *url, char *out, size_t outsz)
{
	const char *scheme = strstr(url, "://");
	const char *auth = scheme ? scheme + 3 : url;
	size_t authority = strcspn(auth, "/?#");	/* the user part ends at the host's '@' */
	const char *at = memrchr(auth, '@', authority);
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		snprintf(out, outsz, "%s", url);
	else
		snprintf(out, outsz, "%.*s:<secret>%s", (int)(colon - url), url, at);
	return out;
}
