/*
 * alertmanager: alarms posted to Prometheus Alertmanager's API v2
 * (POST BASE/api/v2/alerts), as Prometheus itself posts them: every firing
 * alarm again each `resend` seconds with endsAt four resends ahead (so a
 * vstopd that stops leaves nothing firing for ever), a resolved one with its
 * endsAt, re-sent for 15 minutes. Labels alertname (VstopGuestSteal, ...),
 * severity, instance (the host), and the subject's (domain, cpu or disk);
 * annotations summary (what the log says) and neighbors.
 *
 * A worker thread of its own posts to every URL (libcurl: 5 s timeout, 3
 * tries, 1 s then 2 s apart); a batch that fails everywhere is counted and
 * said, and its alarms go again with the next. Nothing blocks the sampler.
 */
#ifndef VSTOP_ALERTMANAGER_H
#define VSTOP_ALERTMANAGER_H

#include <stddef.h>
#include <stdint.h>
#include "alerts/notify.h"

#define AM_URLS 4		/* Alertmanagers of one cluster, given together */
#define AM_ALERTS 256		/* alarms kept (firing, or resolved and still re-sent) */

struct am_client;

/* urls: one to AM_URLS base URLs (http:// or https://, no /api/...),
 * separated by spaces. 0, or -1 with the reason. */
int am_check(const char *urls, char *err, size_t errsz);
/* NULL with a reason in err (bad URLs, no libcurl, no thread). */
struct am_client *am_open(const char *urls, double resend_s, const char *host, char *err, size_t errsz);
/* A reload's URLs and resend: what is firing goes to the new ones. */
int am_reconfigure(struct am_client *a, const char *urls, double resend_s, char *err, size_t errsz);
/* An alarm changed: firing, escalated or resolved; summary is the log's words. */
void am_alert(struct am_client *a, const struct alarm_event *e, const char *summary);
/* Batches posted (to all URLs that answered), and posts that failed. */
void am_counters(struct am_client *a, uint64_t *posted, uint64_t *failed);
void am_close(struct am_client *a);

/* "guest_steal" -> "VstopGuestSteal" (the shipped Prometheus rules' names). */
void am_alertname(const char *rule, char *out, size_t sz);

#endif
