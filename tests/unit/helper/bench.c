// SPDX-License-Identifier: GPL-2.0-only
/*
 * icemig helper benchmark (make -C helper bench): wall time of the libvirt
 * hook as libvirt runs it (fork, exec of the hook script, which execs
 * `icemig hook`), beside a hook that does nothing, and of `icemig vf list`
 * on a fake sysfs of 4 PFs x 256 VFs. Prints a table (milliseconds).
 *
 * Usage: bench ICEMIG HOOK-SCRIPT DOMAIN-XML [RUNS]
 *
 * The fake sysfs (fakesys.h) lives in $TMPDIR (default /tmp): these are
 * the helper's own costs (parsing, sysfs reads, the lock, the reservation
 * file) on this machine, not a real PCI tree's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fakesys.h"
#include "pci.h"

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv with stdin from @in (NULL: /dev/null), stdout/stderr discarded; ms. */
static double run(char *const argv[], const char *in, int *status)
{
	double t0 = now_ms();
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, status, 0) != pid)
		die("waitpid");
	return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	const char *what;
	int runs;
	double median, p99;
};

static struct result measure(const char *what, int runs, char *const argv[], const char *in,
			     char *const after[])
{
	double *t = calloc((size_t)runs, sizeof(*t));
	struct result r = { what, runs, 0, 0 };
	int i, st;

	if (!t)
		die("calloc");
	run(argv, in, &st); /* warm the page cache; not counted */
	if (after)
		run(after, NULL, &st);
	for (i = 0; i < runs; i++) {
		t[i] = run(argv, in, &st);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "bench: %s: exit status %d\n", what,
				WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			exit(1);
		}
		if (after)
			run(after, NULL,
			    &st); /* release end: every run starts from the same pool */
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	r.median = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
	/* nearest-rank 99th percentile */
	r.p99 = t[(runs * 99 + 99) / 100 - 1];
	free(t);
	return r;
}

static void tree(struct fakesys *fs, unsigned int npf, unsigned int nvf)
{
	char pf[16], prov[4096] = "";
	struct icemig_err err;
	struct icemig_bdf b;
	unsigned int i;

	for (i = 0; i < npf; i++) {
		snprintf(pf, sizeof(pf), "0000:%02x:00.0", 0x10 * (i + 1));
		fakesys_add_pf(fs, pf, nvf, "ice", "ice_vfio_pci");
		fakesys_set_compat(fs, pf, fakesys_compat_text("ice_mig_sim", 16, 0));
		if (icemig_bdf_parse(pf, &b) || icemig_pci_set_numvfs(&b, nvf, &err)) {
			fprintf(stderr, "bench: %s\n", err.msg);
			exit(1);
		}
		snprintf(prov + strlen(prov), sizeof(prov) - strlen(prov), "%s ice_mig_sim\n", pf);
	}
	fakesys_set_providers(fs, prov);
}

int main(int argc, char **argv)
{
	struct result r[8];
	struct fakesys *small, *big;
	int runs = argc > 4 ? atoi(argv[4]) : 100, n = 0, i;
	char *icemig, *hook, *xml;
	char truehook[600];
	FILE *f;

	if (argc < 4 || runs < 1) {
		fprintf(stderr, "usage: bench ICEMIG HOOK-SCRIPT DOMAIN-XML [RUNS]\n");
		return 2;
	}
	icemig = argv[1];
	hook = argv[2];
	xml = argv[3];
	setenv("ICEMIG", icemig, 1);

	/* a hook that does nothing, as a script like the real one */
	small = calloc(1, sizeof(*small));
	big = calloc(1, sizeof(*big));
	if (!small || !big)
		die("calloc");
	fakesys_setup(small);
	snprintf(truehook, sizeof(truehook), "%s/true-hook", small->base);
	f = fopen(truehook, "w");
	if (!f || fputs("#!/bin/sh\ntrue\n", f) == EOF || fclose(f) || chmod(truehook, 0755))
		die(truehook);
	{
		char *a_true[] = { "/bin/true", NULL };
		char *a_script[] = { truehook, "vm", "migrate", "begin", "-", NULL };
		char *a_other[] = { hook, "icemig-vf", "started", "begin", "-", NULL };
		char *a_mig[] = { hook, "icemig-vf", "migrate", "begin", "-", NULL };
		char *a_rel[] = { hook, "icemig-vf", "release", "end", "-", NULL };
		char *a_list[] = { icemig, "vf", "list", NULL };

		r[n++] = measure("hook that is /bin/true", runs, a_true, xml, NULL);
		r[n++] = measure("hook script running true", runs, a_script, xml, NULL);
		r[n++] = measure("icemig hook, op not handled", runs, a_other, xml, NULL);
		tree(small, 1, 8);
		r[n++] =
			measure("icemig hook migrate begin, 1 PF x 8 VFs", runs, a_mig, xml, a_rel);
		r[n++] = measure("icemig hook release end, 1 PF x 8 VFs", runs, a_rel, NULL, NULL);
		fakesys_teardown(small);
		fakesys_setup(big);
		setenv("ICEMIG", icemig, 1);
		tree(big, 4, 256);
		r[n++] = measure("icemig hook migrate begin, 4 PFs x 256 VFs", runs, a_mig, xml,
				 a_rel);
		r[n++] = measure("icemig vf list, 4 PFs x 256 VFs", runs < 20 ? runs : 20, a_list,
				 NULL, NULL);
		fakesys_teardown(big);
	}
	printf("icemig helper bench: wall time per run, fork + exec included (ms);\n"
	       "fake sysfs under %s; migrate begin checks one hostdev's descriptor\n",
	       getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	printf("%-46s %5s %10s %10s\n", "what", "runs", "median ms", "p99 ms");
	for (i = 0; i < n; i++)
		printf("%-46s %5d %10.2f %10.2f\n", r[i].what, r[i].runs, r[i].median, r[i].p99);
	free(small);
	free(big);
	return 0;
}
