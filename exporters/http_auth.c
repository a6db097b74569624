/* http_auth: see http_auth.h. */
#include "config.h"
#include "exporters/http_auth.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/* Compare without an early exit, so timing says nothing about the secret. */
static bool same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static bool known(const struct http_auth *a, const char *pass)
{
	bool hit = false;
	for (unsigned i = 0; i < HTTP_AUTH_KNOWN; i++)
		hit |= a->known[i] && same(a->known[i], pass);
	return hit;
}

static void remember(struct http_auth *a, const char *pass)
{
	if (known(a, pass))
		return;
	free(a->known[HTTP_AUTH_KNOWN - 1]);
	memmove(a->known + 1, a->known, (HTTP_AUTH_KNOWN - 1) * sizeof(a->known[0]));
	a->known[0] = strdup(pass);
}

static void *work(void *arg)
{
	struct http_auth *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->nqueue && !a->stopping)
			pthread_cond_wait(&a->work, &a->lock);
		if (!a->nqueue)
			break;
		struct auth_check *k = a->queue[0];
		memmove(a->queue, a->queue + 1, --a->nqueue * sizeof(a->queue[0]));
		bool ok = false;
		if (!a->stopping) {
			pthread_mutex_unlock(&a->lock);
			struct crypt_data cd;
			memset(&cd, 0, sizeof(cd));
			const char *out = crypt_r(k->pass, a->hash, &cd);
			ok = out && out[0] != '*' && same(out, a->hash);
			pthread_mutex_lock(&a->lock);
			a->checks++;
			if (ok)
				remember(a, k->pass);
		}
		k->ok = ok;
		k->done = true;
		MHD_resume_connection(k->c);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

enum auth_verdict http_auth_check(struct http_auth *a, struct MHD_Connection *c, struct auth_check **check)
{
	if (*check) {
		pthread_mutex_lock(&a->lock);
		bool ok = (*check)->done && (*check)->ok;
		pthread_mutex_unlock(&a->lock);
		return ok ? AUTH_OK : AUTH_DENIED;
	}
	char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);
	enum auth_verdict v = AUTH_DENIED;
	if (user && pass && same(user, a->user)) {
		pthread_mutex_lock(&a->lock);
		if (known(a, pass)) {
			v = AUTH_OK;
		} else if (a->nqueue == HTTP_AUTH_QUEUE || a->stopping) {
			a->refused++;
			v = AUTH_BUSY;
		} else {
			struct auth_check *k = calloc(1, sizeof(*k));
			if (k && (k->pass = strdup(pass))) {
				k->c = c;
				MHD_suspend_connection(c);	/* before the worker may resume it */
				a->queue[a->nqueue++] = k;
				pthread_cond_signal(&a->work);
				*check = k;
				v = AUTH_WAIT;
			} else {
				free(k);
				v = AUTH_BUSY;
			}
		}
		pthread_mutex_unlock(&a->lock);
	}
	MHD_free(user);
	MHD_free(pass);
	return v;
}

void http_auth_done(struct auth_check *check)
{
	if (!check)
		return;
	free(check->pass);
	free(check);
}

int http_auth_start(struct http_auth *a, const char *user, const char *hash)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->work, NULL);
	a->user = strdup(user);
	a->hash = strdup(hash);
	a->started = a->user && a->hash && pthread_create(&a->worker, NULL, work, a) == 0;
	return a->started ? 0 : -1;
}

void http_auth_stop(struct http_auth *a)
{
	if (!a->started)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->worker, NULL);
	a->started = false;
}

void http_auth_free(struct http_auth *a)
{
	http_auth_stop(a);
	for (unsigned i = 0; i < HTTP_AUTH_KNOWN; i++)
		free(a->known[i]);
	free(a->user);
	free(a->hash);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->work);
	memset(a, 0, sizeof(*a));
}
