/*
 * doctor_checks: what the checks share (doctor.c runs them and prints their
 * findings): one finding per check, its evidence and the fix.
 *   doctor_guest.c  in a guest: can steal be seen, disk schedulers, clock, balloon, vCPUs, steal now
 *   doctor_host.c   on a Dom0 or a KVM host: memory, overcommit, pinning, toolstack, agents
 *   doctor_kvm.c    on a KVM host: schedstat, steal visible in the guests, ballooning
 */
#ifndef VSTOP_DOCTOR_CHECKS_H
#define VSTOP_DOCTOR_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/conf.h"
#include "lib/snapshot.h"

enum verdict { V_OK, V_WARN, V_FAIL, V_SKIP };

struct finding {
	char check[32];
	enum verdict v;
	char evidence[512];
	char fix[512];
};

struct doctor {
	const char *root;	/* a fixture tree instead of / (tests), or NULL */
	char proc_root[4096];
	bool json;
	double window;
	struct vstop_conf conf;
	struct finding *f;
	int n, cap;
	bool could_not_run;	/* the source asked for could not be read: exit 3, not "all OK" */
};

void doctor_add(struct doctor *d, const char *check, enum verdict v, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A small file under the root, as read_small_file. */
int doctor_read(const struct doctor *d, const char *path, char *buf, size_t sz);
bool doctor_exists(const struct doctor *d, const char *path);
/* The alarm thresholds doctor judges by, from vstop.conf. */
const struct alarms_conf *doctor_alerts(const struct doctor *d);

void doctor_guest_checks(struct doctor *d);
void doctor_host_checks(struct doctor *d, const char *spec);
void doctor_kvm_checks(struct doctor *d, const struct snapshot *s);

#endif
