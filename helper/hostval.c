// SPDX-License-Identifier: GPL-2.0-only
/* icemig helper: host validation. See hostval.h. */
#include "hostval.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bdf.h"
#include "conf.h"
#include "lvapi.h"
#include "out.h"
#include "pci.h"
#include "provider.h"
#include "sysfs.h"

#define HV_PROG_TIMEOUT_MS 10000
#define HV_LIBVIRT_TIMEOUT_MS 5000
#define HV_OUTPUT_MAX 65536
#define HV_DETAIL_MAX 1024
#define HV_UNITS_MAX 64

/* Versions (libvirt encoding): see hostval.h for their sources. */
#define V(major, minor) ((major)*1000000UL + (minor)*1000UL)
#define QEMU_MIN_MIGRATION V(8, 1)
#define QEMU_MIN_IOMMUFD_DIRTY V(9, 1)
#define LIBVIRT_MIN_MODEL V(10, 0)
#define LIBVIRT_MIN_IOMMUFD V(12, 1)

/* VT-d extended capability bits (VT-d spec, ECAP_REG). */
#define VTD_ECAP_SMTS 43
#define VTD_ECAP_SSADS 45
#define VTD_ECAP_SMPWC 48
/* AMD IOMMU extended feature register: HDSup, host dirty support. */
#define AMD_EFR_HDSUP 52

#define HOOK_PATH "etc/libvirt/hooks/qemu.d/icemig"
#define SIM_PROVIDER "ice_mig_sim"
#define GLUE_PROVIDER "ice_mig_glue"

const char *icemig_hv_result_name(enum icemig_hv_result r)
{
	return r == ICEMIG_HV_PASS ? "PASS" : r == ICEMIG_HV_WARN ? "WARN" : "FAIL";
}

int icemig_hv_parse_version(const char *s, unsigned long *out)
{
	unsigned long v[3] = { 0, 0, 0 };
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			break;
		errno = 0;
		v[i] = strtoul(s, &end, 10);
		if (errno || v[i] > (i ? 999UL : 4000UL))
			return -EINVAL;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	if (i < 1)
		return -EINVAL;
	*out = v[0] * 1000000UL + v[1] * 1000UL + v[2];
	return 0;
}

static void fmt_version(unsigned long v, char *buf, size_t size)
{
	snprintf(buf, size, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
}

bool icemig_hv_vtd_dirty(unsigned long long ecap, char *missing, size_t size)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} need[] = { { VTD_ECAP_SMTS, "SMTS" },
		     { VTD_ECAP_SSADS, "SSADS" },
		     { VTD_ECAP_SMPWC, "SMPWC" } };
	size_t i, len = 0;

	if (size)
		missing[0] = '\0';
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (ecap >> need[i].bit & 1)
			continue;
		if (len < size) {
			int n = snprintf(missing + len, size - len, "%s%s", len ? " " : "",
					 need[i].name);

			len += n > 0 ? (size_t)n : 0;
		}
	}
	return len == 0 && (ecap >> VTD_ECAP_SSADS & 1);
}

bool icemig_hv_amd_dirty(unsigned long long efr)
{
	return efr >> AMD_EFR_HDSUP & 1;
}

/* ---- paths and files --------------------------------------------------------- */

/* "$ICEMIG_HOST_ROOT/<rel>" (the real root when unset or empty). */
static void host_path(char *buf, size_t size, const char *rel)
{
	const char *r = getenv("ICEMIG_HOST_ROOT");
	size_t rl = r ? strlen(r) : 0;

	while (rl > 0 && r[rl - 1] == '/')
		rl--;
	snprintf(buf, size, "%.*s/%s", (int)rl, r ? r : "", rel);
}

/* A small text file (trailing blanks removed); -errno when unreadable. */
static int read_text(const char *path, char *buf, size_t size)
{
	return icemig_sysfs_read(path, buf, size, NULL);
}

static int read_sysfs(char *buf, size_t size, const char *fmt, const char *a, const char *b)
{
	char path[ICEMIG_PATH_MAX];

	if (icemig_sysfs_path(path, sizeof(path), NULL, fmt, a, b))
		return -ENAMETOOLONG;
	return read_text(path, buf, size);
}

static bool sysfs_has(const char *fmt, const char *a)
{
	char path[ICEMIG_PATH_MAX];

	if (icemig_sysfs_path(path, sizeof(path), NULL, fmt, a))
		return false;
	return icemig_sysfs_exists(path);
}

/* The kernel's build configuration: the value of CONFIG_<name> ("y", "m"), "n" when
 * "is not set", NULL when the file or the line is absent. */
struct kconfig {
	char *text;
};

static void kconfig_load(struct kconfig *k, const char *release)
{
	char rel[256], path[ICEMIG_PATH_MAX];

	k->text = NULL;
	if (!release[0])
		return;
	snprintf(rel, sizeof(rel), "boot/config-%s", release);
	host_path(path, sizeof(path), rel);
	k->text = malloc(1 << 20);
	if (k->text && read_text(path, k->text, 1 << 20) < 0) {
		free(k->text);
		k->text = NULL;
	}
}

static const char *kconfig_get(const struct kconfig *k, const char *name)
{
	char key[128];
	const char *p;
	size_t kl;

	if (!k->text)
		return NULL;
	snprintf(key, sizeof(key), "CONFIG_%s=", name);
	kl = strlen(key);
	for (p = k->text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, kl))
			return p[kl] == 'y' ? "y" : p[kl] == 'm' ? "m" : "n";
		if (!strncmp(p, "# ", 2) && !strncmp(p + 2, key, kl - 1) &&
		    !strncmp(p + 2 + kl - 1, " is not set", 11))
			return "n";
	}
	return NULL;
}

/* ---- programs ------------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read @fd into @out (NUL-terminated, at most @size - 1 bytes kept, the rest
 * read and dropped) until EOF or @deadline. Return: 0 at EOF, -ETIMEDOUT.
 */
static int read_until(int fd, char *out, size_t size, long long deadline)
{
	size_t len = 0, total = 0;
	char drop[512];

	out[0] = '\0';
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!p.revents)
			continue;
		if (len + 1 < size)
			n = read(fd, out + len, size - 1 - len);
		else
			n = read(fd, drop, sizeof(drop));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		if (len + 1 < size) {
			len += (size_t)n;
			out[len] = '\0';
		}
		total += (size_t)n;
		if (total > HV_OUTPUT_MAX)
			return 0; /* enough: the caller kills the child */
	}
}

/*
 * Wait for @pid, killing it first when @kill_it, or when it has not ended by
 * @deadline (a program that closed its output but goes on).
 */
static void reap(pid_t pid, bool kill_it, long long deadline, int *status)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int st = 0;
	pid_t r;

	if (kill_it)
		kill(pid, SIGKILL);
	for (;;) {
		r = waitpid(pid, &st, kill_it ? 0 : WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (r == 0 && now_ms() >= deadline) {
			kill(pid, SIGKILL);
			kill_it = true;
		} else if (r == 0) {
			nanosleep(&pause, NULL);
		}
	}
	if (status)
		*status = r == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Run @argv (argv[0] searched in PATH) with stdin and stderr on /dev/null,
 * its stdout into @out. Return: 0 and *@status (exit code; -1 killed by a
 * signal), -ENOENT when it could not be executed, -ETIMEDOUT (killed after
 * HV_PROG_TIMEOUT_MS), -errno.
 */
static int run_prog(char *const argv[], char *out, size_t size, int *status)
{
	int fds[2], errp[2], e = 0, r;
	long long deadline;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	if (pipe2(errp, O_CLOEXEC)) {
		e = -errno;
		close(fds[0]);
		close(fds[1]);
		return e;
	}
	pid = fork();
	if (pid < 0) {
		e = -errno;
		close(fds[0]);
		close(fds[1]);
		close(errp[0]);
		close(errp[1]);
		return e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		dup2(fds[1], 1);
		setpgid(0, 0);
		execvp(argv[0], argv);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	close(errp[1]);
	deadline = now_ms() + HV_PROG_TIMEOUT_MS;
	r = read_until(fds[0], out, size, deadline);
	close(fds[0]);
	/* the exec error pipe: closed by a successful exec, or it holds errno */
	if (read(errp[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;
	close(errp[0]);
	if (r) {
		kill(-pid, SIGKILL);
		reap(pid, true, 0, NULL);
		return r;
	}
	reap(pid, false, deadline, status);
	if (e)
		return e == ENOENT ? -ENOENT : -e;
	return 0;
}

/* The program to run for @env (a name searched in PATH, or a path), else @def. */
static const char *prog_name(const char *env, const char *def)
{
	const char *p = getenv(env);

	return p && *p ? p : def;
}

/* ---- libvirt ---------------------------------------------------------------------- */

static void libvirt_quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void put_line(int fd, const char *fmt, ...) ICEMIG_PRINTF(2, 3);

static void put_line(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) < 0)
		_exit(1);
}

/* In the child: load libvirt, report its version, connect, report the daemon's. */
static void libvirt_child(int fd, const char *uri)
{
	struct icemig_err err = { 0 };
	unsigned long lib = 0, daemon = 0, hv = 0;
	virConnectPtr conn;
	const char *m;

	if (icemig_libvirt_load(&err)) {
		put_line(fd, "noload %s", err.msg);
		return;
	}
	icemig_lv.virSetErrorFunc(NULL, libvirt_quiet);
	if (icemig_lv.virGetVersion(&lib, NULL, NULL) == 0)
		put_line(fd, "lib %lu", lib);
	conn = icemig_lv.virConnectOpenReadOnly(uri);
	if (!conn) {
		m = icemig_lv.virGetLastErrorMessage();
		put_line(fd, "noconn %s", m ? m : "cannot connect");
		return;
	}
	if (icemig_lv.virConnectGetLibVersion(conn, &daemon) == 0)
		put_line(fd, "daemon %lu", daemon);
	if (icemig_lv.virConnectGetVersion(conn, &hv) == 0)
		put_line(fd, "hv %lu", hv);
	put_line(fd, "connected");
	icemig_lv.virConnectClose(conn);
}

static void libvirt_real(const char *uri, struct icemig_hv_libvirt *out, void *opaque)
{
	char buf[4096], *line, *next;
	int fds[2], r;
	pid_t pid;

	(void)opaque;
	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(out->error, sizeof(out->error), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(out->error, sizeof(out->error), "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		libvirt_child(fds[1], uri);
		_exit(0);
	}
	close(fds[1]);
	r = read_until(fds[0], buf, sizeof(buf), now_ms() + HV_LIBVIRT_TIMEOUT_MS);
	close(fds[0]);
	reap(pid, true, 0, NULL);
	snprintf(out->error, sizeof(out->error), "%s: %s", uri,
		 r == -ETIMEDOUT ? "no answer within 5 s" : "no answer");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "noload ", 7)) {
			snprintf(out->error, sizeof(out->error), "%s", line + 7);
		} else if (!strncmp(line, "lib ", 4)) {
			out->lib = strtoul(line + 4, NULL, 10);
			out->loaded = true;
		} else if (!strncmp(line, "noconn ", 7)) {
			snprintf(out->error, sizeof(out->error), "%s: %s", uri, line + 7);
		} else if (!strncmp(line, "daemon ", 7)) {
			out->daemon = strtoul(line + 7, NULL, 10);
		} else if (!strncmp(line, "hv ", 3)) {
			out->hypervisor = strtoul(line + 3, NULL, 10);
		} else if (!strcmp(line, "connected")) {
			out->connected = true;
			out->error[0] = '\0';
		}
	}
}

/* ---- the result document --------------------------------------------------------- */

struct hv {
	struct json_object *checks;
	unsigned int count[3];
	char release[128]; /* running kernel */
	char cmdline[4096];
	struct kconfig kconfig;
	/* IOMMU */
	char vendor[16]; /* "intel", "amd", "other", "" none */
	unsigned int units;
	char unit[HV_UNITS_MAX][64];
	unsigned int groups;
	char default_domain[128];
	bool iommufd, vfio_cdev, dirty;
	char dirty_reason[HV_DETAIL_MAX];
	/* versions */
	struct icemig_hv_libvirt lv;
	unsigned long qemu;
};

static void add(struct hv *h, const char *check, enum icemig_hv_result r, const char *fmt, ...)
	ICEMIG_PRINTF(4, 5);

static void add(struct hv *h, const char *check, enum icemig_hv_result r, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char detail[HV_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	icemig_json_str(o, "check", check);
	icemig_json_str(o, "result", icemig_hv_result_name(r));
	icemig_json_str(o, "detail", detail);
	json_object_array_add(h->checks, o);
	h->count[r]++;
}

/* Append ", "-separated text to @buf. */
static void append(char *buf, size_t size, const char *fmt, ...) ICEMIG_PRINTF(3, 4);

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 3 >= size)
		return;
	if (len) {
		memcpy(buf + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* ---- modules ------------------------------------------------------------------------- */

/* "live", "coming", "going", or "" when the module is not loaded. */
static void module_state(const char *name, char *state, size_t size)
{
	state[0] = '\0';
	if (!sysfs_has("module/%s", name))
		return;
	if (read_sysfs(state, size, "module/%s/%s", name, "initstate") < 0)
		icemig_strlcpy(state, "live", size); /* built in: no initstate */
}

static void check_modules(struct hv *h)
{
	char st[32], detail[HV_DETAIL_MAX] = "";
	bool sim, glue;

	module_state(ICEMIG_VARIANT_DRIVER, st, sizeof(st));
	if (!st[0])
		add(h, ICEMIG_VARIANT_DRIVER " module", ICEMIG_HV_FAIL,
		    "not loaded: modprobe " ICEMIG_VARIANT_DRIVER);
	else if (strcmp(st, "live"))
		add(h, ICEMIG_VARIANT_DRIVER " module", ICEMIG_HV_WARN, "module state '%s'", st);
	else
		add(h, ICEMIG_VARIANT_DRIVER " module", ICEMIG_HV_PASS, "loaded");

	module_state(SIM_PROVIDER, st, sizeof(st));
	sim = !strcmp(st, "live");
	module_state(GLUE_PROVIDER, st, sizeof(st));
	glue = !strcmp(st, "live");
	if (glue)
		append(detail, sizeof(detail), GLUE_PROVIDER " (E810 provider) loaded");
	if (sim)
		append(detail, sizeof(detail),
		       SIM_PROVIDER
		       " loaded: simulated provider, a test device, not E810 hardware");
	if (!sim && !glue)
		add(h, "provider module", ICEMIG_HV_FAIL,
		    "neither " GLUE_PROVIDER " (E810) nor " SIM_PROVIDER
		    " (test device) is loaded: no VF can migrate");
	else
		add(h, "provider module", ICEMIG_HV_PASS, "%s", detail);
}

/* ---- providers per PF --------------------------------------------------------------- */

static void check_providers(struct hv *h)
{
	struct icemig_err err = { 0 };
	struct icemig_providers prov;
	struct icemig_conf conf;
	struct icemig_bdf *devs = NULL;
	size_t i, ndevs = 0, npf = 0, nprov = 0, nfail = 0;
	bool conf_ok;
	char name[ICEMIG_BDF_LEN], check[64], drv[ICEMIG_DRIVER_MAX];

	if (icemig_providers_load(&prov, &err)) {
		add(h, "providers", ICEMIG_HV_FAIL, "%s", err.msg);
		icemig_providers_free(&prov);
		return;
	}
	conf_ok = icemig_conf_load(&conf, &err) == 0;
	if (!conf_ok)
		add(h, "configuration", ICEMIG_HV_WARN, "%s", err.msg);
	if (icemig_pci_list(&devs, &ndevs, &err)) {
		add(h, "provider per PF", ICEMIG_HV_FAIL, "%s", err.msg);
		goto out;
	}
	for (i = 0; i < ndevs; i++) {
		unsigned long total = 0;
		const char *p;
		bool ours;

		if (icemig_pci_sriov(&devs[i], &total, NULL, NULL) || total == 0)
			continue;
		npf++;
		icemig_bdf_format(&devs[i], name);
		snprintf(check, sizeof(check), "provider for PF %s", name);
		if (icemig_pci_get_driver(&devs[i], drv, sizeof(drv), NULL))
			drv[0] = '\0';
		p = icemig_providers_find(&prov, &devs[i]);
		if (p) {
			nprov++;
			if (!strcmp(p, SIM_PROVIDER))
				add(h, check, ICEMIG_HV_PASS, "%s (a test device), PF driver %s", p,
				    drv[0] ? drv : "none");
			else
				add(h, check, ICEMIG_HV_PASS, "%s, PF driver %s", p,
				    drv[0] ? drv : "none");
			continue;
		}
		ours = !strcmp(drv, "ice") || (conf_ok && icemig_conf_find_pf(&conf, &devs[i]));
		nfail += ours;
		add(h, check, ours ? ICEMIG_HV_FAIL : ICEMIG_HV_WARN,
		    "none registered (PF driver %s%s): its VFs cannot migrate",
		    drv[0] ? drv : "none",
		    ours ? (strcmp(drv, "ice") ? ", named in the configuration" : ", an E810 PF") :
			   "");
	}
	if (npf == 0)
		add(h, "provider per PF", ICEMIG_HV_FAIL, "no SR-IOV PF on this host");
	else if (nprov == 0 && !nfail)
		add(h, "provider per PF", ICEMIG_HV_FAIL, "none of %zu SR-IOV PFs has a provider",
		    npf);
out:
	free(devs);
	if (conf_ok)
		icemig_conf_free(&conf);
	icemig_providers_free(&prov);
}

/* ---- IOMMU ---------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * The entries of sysfs directory @rel (no dot entries): their number; the
 * first @max of them (in directory order) sorted into @names.
 */
static unsigned int list_dir(const char *rel, char (*names)[64], unsigned int max, bool *exists)
{
	char path[ICEMIG_PATH_MAX];
	struct dirent *d;
	unsigned int n = 0;
	DIR *dir;

	*exists = false;
	if (icemig_sysfs_path(path, sizeof(path), NULL, "%s", rel))
		return 0;
	dir = opendir(path);
	if (!dir)
		return 0;
	*exists = true;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (n < max)
			icemig_strlcpy(names[n], d->d_name, 64);
		n++;
	}
	closedir(dir);
	qsort(names, n < max ? n : max, sizeof(names[0]), cmp_str);
	return n;
}

/* The IOMMU parameters of the kernel command line, space separated. */
static void iommu_params(const char *cmdline, char *out, size_t size)
{
	static const char *const prefixes[] = { "intel_iommu=", "amd_iommu=", "iommu=", "iommu.",
						"amd_iommu_intr=" };
	char copy[4096], *save = NULL, *w;
	size_t i;

	out[0] = '\0';
	icemig_strlcpy(copy, cmdline, sizeof(copy));
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			if (strncmp(w, prefixes[i], strlen(prefixes[i])))
				continue;
			if (strlen(out) + strlen(w) + 2 < size) {
				if (out[0])
					strcat(out, " ");
				strcat(out, w);
			}
			break;
		}
	}
}

/* Whether the intel_iommu= options of @cmdline contain @opt (e.g. "sm_off"). */
static bool intel_opt(const char *cmdline, const char *opt)
{
	char copy[4096], *save = NULL, *w, *o, *s2;

	icemig_strlcpy(copy, cmdline, sizeof(copy));
	for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(w, "intel_iommu=", 12))
			continue;
		s2 = NULL;
		for (o = strtok_r(w + 12, ",", &s2); o; o = strtok_r(NULL, ",", &s2))
			if (!strcmp(o, opt))
				return true;
	}
	return false;
}

static void check_iommu(struct hv *h)
{
	static char groups[1024][64];
	char types[8][32], params[512], detail[HV_DETAIL_MAX] = "", t[32];
	unsigned int ntypes = 0, tcount[8] = { 0 }, i, j;
	bool exists, intel = false, amd = false, other = false;

	h->units = list_dir("class/iommu", h->unit, HV_UNITS_MAX, &exists);
	if (h->units > HV_UNITS_MAX)
		h->units = HV_UNITS_MAX;
	for (i = 0; i < h->units; i++) {
		if (!strncmp(h->unit[i], "dmar", 4))
			intel = true;
		else if (!strncmp(h->unit[i], "ivhd", 4))
			amd = true;
		else
			other = true;
	}
	icemig_strlcpy(h->vendor,
		       intel && !amd && !other ? "intel" :
		       amd && !intel && !other ? "amd" :
		       h->units		       ? "other" :
						 "",
		       sizeof(h->vendor));
	h->groups = list_dir("kernel/iommu_groups", groups, 1024, &exists);
	for (i = 0; i < h->groups && i < 1024; i++) {
		if (read_sysfs(t, sizeof(t), "kernel/iommu_groups/%s/%s", groups[i], "type") < 0)
			continue;
		for (j = 0; j < ntypes && strcmp(types[j], t); j++)
			;
		if (j == ntypes && ntypes < 8)
			icemig_strlcpy(types[ntypes++], t, sizeof(types[0]));
		if (j < ntypes)
			tcount[j]++;
	}
	h->default_domain[0] = '\0';
	for (j = 0; j < ntypes; j++) {
		size_t l = strlen(h->default_domain);

		if (ntypes == 1)
			snprintf(h->default_domain, sizeof(h->default_domain), "%s", types[0]);
		else
			snprintf(h->default_domain + l, sizeof(h->default_domain) - l, "%s%s (%u)",
				 l ? ", " : "", types[j], tcount[j]);
	}
	iommu_params(h->cmdline, params, sizeof(params));

	if (!h->units && !h->groups) {
		add(h, "IOMMU", ICEMIG_HV_FAIL,
		    "no IOMMU unit and no IOMMU group: VFIO cannot assign a VF; enable VT-d or "
		    "AMD-Vi in the firmware and check the kernel command line (%s)",
		    params[0] ? params : "no IOMMU parameters");
		return;
	}
	snprintf(detail, sizeof(detail), "%s, %u unit%s, %u group%s, default domain %s%s%s",
		 intel ? "Intel VT-d" :
		 amd   ? "AMD-Vi" :
			 "IOMMU",
		 h->units, h->units == 1 ? "" : "s", h->groups, h->groups == 1 ? "" : "s",
		 h->default_domain[0] ? h->default_domain : "unknown",
		 params[0] ? "; command line: " : "", params);
	if (!h->groups)
		add(h, "IOMMU", ICEMIG_HV_FAIL, "%s: no IOMMU group, VFIO cannot assign a VF",
		    detail);
	else if (!h->units)
		add(h, "IOMMU", ICEMIG_HV_WARN, "%s: groups but no IOMMU unit in class/iommu",
		    detail);
	else
		add(h, "IOMMU", ICEMIG_HV_PASS, "%s", detail);
}

static void check_iommufd(struct hv *h)
{
	char path[ICEMIG_PATH_MAX], detail[HV_DETAIL_MAX] = "";
	const char *iommufd = kconfig_get(&h->kconfig, "IOMMUFD");
	const char *cdev = kconfig_get(&h->kconfig, "VFIO_DEVICE_CDEV");
	struct stat st;

	host_path(path, sizeof(path), "dev/iommu");
	h->iommufd = stat(path, &st) == 0;
	host_path(path, sizeof(path), "dev/vfio/devices");
	h->vfio_cdev =
		(stat(path, &st) == 0 && S_ISDIR(st.st_mode)) || (cdev && !strcmp(cdev, "y"));
	if (!h->iommufd) {
		if (iommufd && !strcmp(iommufd, "n"))
			append(detail, sizeof(detail),
			       "no /dev/iommu: kernel %s built without CONFIG_IOMMUFD", h->release);
		else if (iommufd && !strcmp(iommufd, "m"))
			append(detail, sizeof(detail), "no /dev/iommu: modprobe iommufd");
		else
			append(detail, sizeof(detail), "no /dev/iommu");
	}
	if (!h->vfio_cdev)
		append(detail, sizeof(detail), "no vfio device cdev (%s)",
		       cdev ? "CONFIG_VFIO_DEVICE_CDEV not set" : "no /dev/vfio/devices");
	if (h->iommufd && h->vfio_cdev)
		add(h, "iommufd", ICEMIG_HV_PASS, "/dev/iommu and the vfio device cdev");
	else
		add(h, "iommufd", ICEMIG_HV_WARN, "%s: QEMU uses the type1 container", detail);
}

static void check_dirty(struct hv *h)
{
	char buf[128], miss[64], have[HV_DETAIL_MAX] = "", lack[HV_DETAIL_MAX] = "";
	const char *smdef = kconfig_get(&h->kconfig, "INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON");
	bool sm_off = intel_opt(h->cmdline, "sm_off") ||
		      (smdef && !strcmp(smdef, "n") && !intel_opt(h->cmdline, "sm_on"));
	unsigned long long v;
	unsigned int i, good = 0;
	char *end;

	for (i = 0; i < h->units; i++) {
		const char *u = h->unit[i];
		bool intel = !strncmp(u, "dmar", 4), amd = !strncmp(u, "ivhd", 4);

		if (!intel && !amd) {
			append(lack, sizeof(lack), "%s: not VT-d or AMD-Vi", u);
			continue;
		}
		if (read_sysfs(buf, sizeof(buf), "class/iommu/%s/%s", u,
			       intel ? "intel-iommu/ecap" : "amd-iommu/features") < 0) {
			append(lack, sizeof(lack), "%s: %s unreadable", u,
			       intel ? "intel-iommu/ecap" : "amd-iommu/features");
			continue;
		}
		errno = 0;
		v = strtoull(buf, &end, 16);
		if (errno || end == buf || (*end && *end != ':')) {
			append(lack, sizeof(lack), "%s: '%.32s' is not a hex register", u, buf);
			continue;
		}
		if (intel && !icemig_hv_vtd_dirty(v, miss, sizeof(miss))) {
			append(lack, sizeof(lack), "%s: no %s", u, miss);
		} else if (intel && sm_off) {
			append(lack, sizeof(lack), "%s: scalable mode off (intel_iommu=sm_off)", u);
		} else if (amd && !icemig_hv_amd_dirty(v)) {
			append(lack, sizeof(lack), "%s: no HDSup", u);
		} else {
			good++;
			if (strlen(have) + strlen(u) + 3 < sizeof(have))
				snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s",
					 have[0] ? ", " : "", u);
		}
	}
	h->dirty = h->units > 0 && good == h->units;
	if (!h->units) {
		icemig_strlcpy(h->dirty_reason, "no IOMMU unit", sizeof(h->dirty_reason));
		add(h, "IOMMU dirty tracking", ICEMIG_HV_WARN, "no IOMMU unit");
	} else if (h->dirty) {
		add(h, "IOMMU dirty tracking", ICEMIG_HV_PASS, "%s: %s", have,
		    !strcmp(h->vendor, "intel") ? "second-stage A/D (SSADS)" :
		    !strcmp(h->vendor, "amd")	? "host dirty (HDSup)" :
						  "supported");
	} else {
		icemig_strlcpy(h->dirty_reason, lack, sizeof(h->dirty_reason));
		add(h, "IOMMU dirty tracking", ICEMIG_HV_WARN, "%s", lack);
	}
}

/* ---- versions -------------------------------------------------------------------------- */

static void check_libvirt(struct hv *h, const struct icemig_hostval_opts *opts, const char *uri)
{
	char lib[32], daemon[32];
	unsigned long eff;

	memset(&h->lv, 0, sizeof(h->lv));
	if (opts && opts->libvirt)
		opts->libvirt(uri, &h->lv, opts->opaque);
	else
		libvirt_real(uri, &h->lv, NULL);
	if (!h->lv.loaded) {
		add(h, "libvirt", ICEMIG_HV_FAIL, "not installed (%s)", h->lv.error);
		return;
	}
	fmt_version(h->lv.lib, lib, sizeof(lib));
	fmt_version(h->lv.daemon, daemon, sizeof(daemon));
	eff = h->lv.connected && h->lv.daemon ? h->lv.daemon : h->lv.lib;
	if (!h->lv.connected)
		add(h, "libvirt", ICEMIG_HV_WARN, "library %s; daemon not reached (%s)", lib,
		    h->lv.error);
	else if (eff < LIBVIRT_MIN_MODEL)
		add(h, "libvirt", ICEMIG_HV_WARN,
		    "library %s, daemon %s (%s): below 10.0, no <driver model=> for variant "
		    "drivers",
		    lib, daemon, uri);
	else
		add(h, "libvirt", ICEMIG_HV_PASS, "library %s, daemon %s (%s)", lib, daemon, uri);
}

static void check_qemu(struct hv *h)
{
	char *argv[] = { (char *)prog_name("ICEMIG_QEMU", "qemu-system-x86_64"),
			 (char *)"--version", NULL };
	char *out = malloc(HV_OUTPUT_MAX), ver[32], src[300] = "";
	const char *p;
	int st = 0, r = -ENOMEM;

	h->qemu = 0;
	if (out)
		r = run_prog(argv, out, HV_OUTPUT_MAX, &st);
	if (!r && st == 0 && (p = strstr(out, "version ")) &&
	    !icemig_hv_parse_version(p + 8, &h->qemu))
		snprintf(src, sizeof(src), "%s --version", argv[0]);
	if (!h->qemu && h->lv.connected && h->lv.hypervisor) {
		h->qemu = h->lv.hypervisor;
		snprintf(src, sizeof(src), "libvirt's hypervisor version; %s: %s", argv[0],
			 r == -ENOENT ? "not found" :
			 r	      ? strerror(-r) :
					"no version");
	}
	free(out);
	if (!h->qemu) {
		add(h, "QEMU", ICEMIG_HV_FAIL, "%s: %s, and libvirt gave no QEMU version", argv[0],
		    r == -ENOENT ? "not found" :
		    r		 ? strerror(-r) :
				   "no version in its output");
		return;
	}
	fmt_version(h->qemu, ver, sizeof(ver));
	if (h->qemu < QEMU_MIN_MIGRATION)
		add(h, "QEMU", ICEMIG_HV_WARN,
		    "%s (%s): below 8.1 VFIO migration is experimental (x-enable-migration)", ver,
		    src);
	else
		add(h, "QEMU", ICEMIG_HV_PASS, "%s (%s)", ver, src);
}

/* ---- hook and DKMS -------------------------------------------------------------------- */

static void check_hook(struct hv *h)
{
	char path[ICEMIG_PATH_MAX];
	struct stat st;

	host_path(path, sizeof(path), HOOK_PATH);
	if (stat(path, &st))
		add(h, "libvirt hook", ICEMIG_HV_FAIL,
		    "/" HOOK_PATH " missing (make install): the destination would not pick VFs");
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		add(h, "libvirt hook", ICEMIG_HV_FAIL,
		    "/" HOOK_PATH " is not an executable file: libvirt skips it");
	else
		add(h, "libvirt hook", ICEMIG_HV_PASS, "/" HOOK_PATH);
}

static void check_dkms(struct hv *h)
{
	char *argv[] = { (char *)prog_name("ICEMIG_DKMS", "dkms"), (char *)"status",
			 (char *)"icemig", NULL };
	char *out = malloc(HV_OUTPUT_MAX), *line, *next, listed[256] = "";
	bool installed = false;
	int st = 0, r = -ENOMEM;

	if (out)
		r = run_prog(argv, out, HV_OUTPUT_MAX, &st);
	if (r == -ENOENT) {
		add(h, "DKMS", ICEMIG_HV_WARN, "dkms not installed");
		goto out;
	}
	if (r || st) {
		add(h, "DKMS", ICEMIG_HV_WARN, "%s status icemig: %s", argv[0],
		    r ? strerror(-r) : "failed");
		goto out;
	}
	/* "icemig/0.2, 6.12.95+deb12-amd64, x86_64: installed" (dkms 3; dkms 2 has "icemig, 0.2, ...") */
	for (line = out; line && *line; line = next) {
		char *k;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "icemig", 6) || (line[6] != '/' && line[6] != ','))
			continue;
		if (!listed[0])
			icemig_strlcpy(listed, line, sizeof(listed));
		k = strstr(line, h->release);
		if (h->release[0] && k && k > line && k[-1] == ' ' &&
		    k[strlen(h->release)] == ',' && strstr(line, ": installed")) {
			installed = true;
			icemig_strlcpy(listed, line, sizeof(listed));
		}
	}
	if (installed)
		add(h, "DKMS", ICEMIG_HV_PASS, "%s", listed);
	else if (listed[0])
		add(h, "DKMS", ICEMIG_HV_WARN, "not installed for the running kernel %s (%s)",
		    h->release, listed);
	else
		add(h, "DKMS", ICEMIG_HV_WARN,
		    "icemig not in DKMS (make install-dkms); modules installed another way?");
out:
	free(out);
}

/* ---- downtime class --------------------------------------------------------------------- */

static void check_class(struct hv *h, struct json_object *doc)
{
	char why[HV_DETAIL_MAX] = "", v[32];
	unsigned long lv = h->lv.connected && h->lv.daemon ? h->lv.daemon : h->lv.lib;

	if (!h->iommufd)
		append(why, sizeof(why), "no iommufd (/dev/iommu)");
	if (!h->vfio_cdev)
		append(why, sizeof(why), "no vfio device cdev");
	if (!h->dirty)
		append(why, sizeof(why), "no IOMMU dirty tracking (%s)", h->dirty_reason);
	if (h->qemu < QEMU_MIN_IOMMUFD_DIRTY) {
		fmt_version(h->qemu, v, sizeof(v));
		append(why, sizeof(why), "QEMU %s < 9.1", h->qemu ? v : "unknown");
	}
	if (lv < LIBVIRT_MIN_IOMMUFD) {
		fmt_version(lv, v, sizeof(v));
		append(why, sizeof(why), "libvirt %s < 12.1 (no <driver iommufd='yes'/>)",
		       lv ? v : "unknown");
	}
	if (!why[0]) {
		icemig_json_str(doc, "downtime_class", "tracked");
		icemig_json_str(doc, "downtime_reason", NULL);
		add(h, "downtime class", ICEMIG_HV_PASS,
		    "tracked: IOMMU dirty tracking through iommufd; the stop-copy phase sends "
		    "only pages dirtied since the last pass");
		return;
	}
	icemig_json_str(doc, "downtime_class", "RAM-proportional");
	icemig_json_str(doc, "downtime_reason", why);
	add(h, "downtime class", ICEMIG_HV_WARN,
	    "RAM-proportional: %s; without dirty tracking QEMU counts all DMA-mapped guest "
	    "RAM dirty at the final sync and sends it while the VM is stopped",
	    why);
}

/* ---- all ------------------------------------------------------------------------------- */

static struct json_object *version_json(unsigned long v)
{
	char buf[32];

	if (!v)
		return NULL;
	fmt_version(v, buf, sizeof(buf));
	return json_object_new_string(buf);
}

struct json_object *icemig_hostval(const struct icemig_hostval_opts *opts)
{
	const char *uri = opts && opts->uri ? opts->uri : "qemu:///system";
	struct json_object *doc = json_object_new_object(), *io, *lv, *cl;
	char path[ICEMIG_PATH_MAX], params[512], *save = NULL, *w;
	struct hv *h = calloc(1, sizeof(*h));

	if (!doc || !h) {
		json_object_put(doc);
		free(h);
		return NULL;
	}
	h->checks = json_object_new_array();
	host_path(path, sizeof(path), "proc/sys/kernel/osrelease");
	if (read_text(path, h->release, sizeof(h->release)) < 0)
		h->release[0] = '\0';
	host_path(path, sizeof(path), "proc/cmdline");
	if (read_text(path, h->cmdline, sizeof(h->cmdline)) < 0)
		h->cmdline[0] = '\0';
	kconfig_load(&h->kconfig, h->release);

	check_modules(h);
	check_providers(h);
	check_iommu(h);
	check_iommufd(h);
	check_dirty(h);
	check_libvirt(h, opts, uri);
	check_qemu(h);
	check_hook(h);
	check_dkms(h);

	json_object_object_add(doc, "checks", h->checks);
	check_class(h, doc);

	io = json_object_new_object();
	icemig_json_str(io, "vendor", h->vendor[0] ? h->vendor : NULL);
	icemig_json_int(io, "units", h->units);
	icemig_json_int(io, "groups", h->groups);
	icemig_json_str(io, "default_domain", h->default_domain[0] ? h->default_domain : NULL);
	cl = json_object_new_array();
	iommu_params(h->cmdline, params, sizeof(params));
	for (w = strtok_r(params, " ", &save); w; w = strtok_r(NULL, " ", &save))
		json_object_array_add(cl, json_object_new_string(w));
	json_object_object_add(io, "cmdline", cl);
	icemig_json_bool(io, "iommufd", h->iommufd);
	icemig_json_bool(io, "vfio_cdev", h->vfio_cdev);
	icemig_json_bool(io, "dirty_tracking", h->dirty);
	json_object_object_add(doc, "iommu", io);

	lv = json_object_new_object();
	json_object_object_add(lv, "library", version_json(h->lv.lib));
	json_object_object_add(lv, "daemon", version_json(h->lv.connected ? h->lv.daemon : 0));
	json_object_object_add(lv, "hypervisor",
			       version_json(h->lv.connected ? h->lv.hypervisor : 0));
	json_object_object_add(doc, "libvirt", lv);
	json_object_object_add(doc, "qemu", version_json(h->qemu));
	icemig_json_str(doc, "kernel", h->release[0] ? h->release : NULL);
	icemig_json_int(doc, "pass", h->count[ICEMIG_HV_PASS]);
	icemig_json_int(doc, "warn", h->count[ICEMIG_HV_WARN]);
	icemig_json_int(doc, "fail", h->count[ICEMIG_HV_FAIL]);

	free(h->kconfig.text);
	free(h);
	return doc;
}
