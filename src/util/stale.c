/*
 * stale.c - the files a killed offtrace left beside what it was writing.
 *
 * A file offtrace writes (a database it creates, an output of -o) is
 * built as PATH.PID.new beside PATH and moved into place when complete,
 * so that nobody meets it half-written.  A process killed meanwhile
 * (kill -9, a crash, the machine losing power) leaves PATH.PID.new, and a
 * database's PATH.PID.new-journal, behind; the next offtrace to write
 * PATH removes those whose process is gone.
 */
#include "offtrace/util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Is name BASE.PID.new or BASE.PID.new-journal?  Its PID, else 0. */
static long
stale_pid(const char *name, const char *base, size_t blen)
{
	const char *p = name + blen + 1;
	long pid = 0;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.')
		return 0;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (pid > 99999999)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	if (strcmp(p, ".new") != 0 && strcmp(p, ".new-journal") != 0)
		return 0;
	return pid;
}

int
ot_remove_stale_new(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/'), *base;
	struct dirent *de;
	size_t blen, n;
	DIR *d;
	long pid;
	int removed = 0;

	if (slash == NULL) {
		strcpy(dir, ".");
		base = path;
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return 0;
		memcpy(dir, path, n);
		dir[n] = '\0';
		base = slash + 1;
	}
	blen = strlen(base);
	if (blen == 0 || blen + 2 > sizeof(dir) || (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char full[8192];

		pid = stale_pid(de->d_name, base, blen);
		/* ours is not stale; a live process's is its own: leave it */
		if (pid == 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, de->d_name) >= sizeof(full))
			continue;
		if (unlink(full) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
