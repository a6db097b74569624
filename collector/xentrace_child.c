/* xentrace_child: Xen's scheduler trace through Debian's xentrace (see xentrace_child.h). */
#include "config.h"
#include "collector/xentrace_child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The programs that read Xen's trace buffers. */
static const char *const readers[] = { "xentrace", "xenbaked", "xenmon", "xenmon.py" };

/* Who else reads the trace buffers: "xentrace (pid 123)" into who, or false. */
static bool xentrace_other_reader(char *who, size_t whosz)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[300], comm[64] = "";
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
			if (strcmp(comm, readers[i]) == 0) {
				snprintf(who, whosz, "%s (pid %.20s)", comm, e->d_name);
				found = true;
			}
	}
	closedir(d);
	return found;
}

/* The program's path: as given when it has a slash, else the first in PATH. */
static bool find_program(const char *program, char *path, size_t pathsz)
{
	if (strchr(program, '/')) {
		snprintf(path, pathsz, "%s", program);
		return access(path, X_OK) == 0;
	}
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		if (n && snprintf(path, pathsz, "%.*s/%s", (int)n, dirs, program) < (int)pathsz &&
		    access(path, X_OK) == 0)
			return true;
		dirs += n + (dirs[n] == ':');
	}
	return false;
}

int xentrace_start(struct xentrace_child *x, const char *program, char *err, size_t errsz)
{
	char path[512], who[128];
	int out[2], errp[2];

	memset(x, 0, sizeof(*x));
	x->pid = -1;
	x->out = x->err = -1;
	if (!find_program(program, path, sizeof(path))) {
		snprintf(err, errsz, "%s not found (on Debian: apt install xen-utils-4.17)", program);
		return -1;
	}
	if (xentrace_other_reader(who, sizeof(who))) {
		snprintf(err, errsz, "the trace buffers are being read by %s: two readers would each see part "
			 "of the trace (if it is vstopd's, vstop --source=vstopd shows what vstopd samples, trace included)", who);
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		close(out[0]), close(out[1]), close(errp[0]), close(errp[1]);
		return -1;
	}
	if (pid == 0) {
		/* Dies with us, whatever kills us: tracing never outlives its reader
		 * for long (xentrace disables it on SIGTERM). */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(1);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		/* -D: what the buffers held before we came is from before our time.
		 * -s: it polls 4 times a second, not 10 (Xen wakes it anyway when a
		 * buffer is half full): under a second's lag for a 1 s sample, and
		 * less than half its CPU (docs/PERFORMANCE.md).
		 * Xen 4.17's xentrace wants an output file: its stdout, the pipe. */
		execl(path, program, "-D", "-s", XENTRACE_POLL_MS, "-e", XENTRACE_EVENT_MASK, "/proc/self/fd/1",
		      (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	x->pid = pid;
	x->out = out[0];
	x->err = errp[0];
	xt_parser_init(&x->parser);
	runstate_init(&x->rs);
	return 0;
}

/* The child's last line on stderr, for the message when it ends. */
static void last_words(int fd, char *buf, size_t bufsz)
{
	char tail[1024];
	ssize_t n, have = 0;

	buf[0] = '\0';
	while ((n = read(fd, tail + have, sizeof(tail) - 1 - (size_t)have)) > 0) {
		have += n;
		if ((size_t)have == sizeof(tail) - 1) {	/* keep the end */
			memmove(tail, tail + have / 2, (size_t)(have - have / 2));
			have -= have / 2;
		}
	}
	while (have > 0 && (tail[have - 1] == '\n' || tail[have - 1] == ' '))
		have--;
	tail[have] = '\0';
	const char *line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	size_t len = strlen(line) < bufsz - 1 ? strlen(line) : bufsz - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (char *p = buf; *p; p++)	/* for a log line */
		if ((unsigned char)*p < 0x20)
			*p = '?';
}

int xentrace_drain(struct xentrace_child *x, char *err, size_t errsz)
{
	static char buf[1 << 16];
	ssize_t n;

	if (x->out < 0) {
		snprintf(err, errsz, "xentrace is not running");
		return -1;
	}
	/* A bound per sample: a flood never holds the sampler for long. */
	for (int reads = 0; reads < 1024; reads++) {
		n = read(x->out, buf, sizeof(buf));
		if (n > 0) {
			x->bytes += (uint64_t)n;
			xt_parse(&x->parser, buf, (size_t)n, runstate_record, &x->rs);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		break;	/* end of file: the child ended */
	}
	if (n > 0)
		return 0;	/* the bound was reached; the rest waits */
	char words[256];
	int status = 0;
	last_words(x->err, words, sizeof(words));
	close(x->out);
	close(x->err);
	x->out = x->err = -1;
	if (waitpid(x->pid, &status, 0) == x->pid && WIFSIGNALED(status))
		snprintf(err, errsz, "xentrace was killed by signal %d%s%s", WTERMSIG(status), words[0] ? ": " : "", words);
	else
		snprintf(err, errsz, "xentrace ended (exit %d)%s%s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 words[0] ? ": " : "", words);
	x->pid = -1;
	return -1;
}

void xentrace_stop(struct xentrace_child *x)
{
	if (x->pid > 0) {
		char err[300];
		/* Empty the pipe first, so the child is not in a write when told
		 * to stop; it then disables tracing and writes its last records. */
		if (xentrace_drain(x, err, sizeof(err)) == 0 && x->pid > 0) {
			kill(x->pid, SIGTERM);
			for (int i = 0; i < 200 && x->pid > 0; i++) {	/* up to 2 s */
				if (xentrace_drain(x, err, sizeof(err)) < 0)
					break;
				nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
			}
			if (x->pid > 0) {
				kill(x->pid, SIGKILL);
				waitpid(x->pid, NULL, 0);
			}
		}
	}
	if (x->out >= 0)
		close(x->out);
	if (x->err >= 0)
		close(x->err);
	runstate_free(&x->rs);
	memset(x, 0, sizeof(*x));
	x->pid = -1;
	x->out = x->err = -1;
}
