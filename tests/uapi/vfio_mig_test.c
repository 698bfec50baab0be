// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_mig_test: the VFIO migration uAPI v2 (include/uapi/linux/vfio.h,
 * "VFIO_DEVICE_FEATURE_MIGRATION" to "VFIO_MIG_GET_PRECOPY_INFO") exercised
 * against two VFs bound to ice_vfio_pci whose PF has a provider. Runs
 * inside a rig host (or on a real E810 host).
 *
 * Usage: vfio_mig_test VF-A VF-B [SIM-DEBUGFS-A SIM-DEBUGFS-B]
 *        vfio_mig_test --corpus DIR VF SIM-DEBUGFS
 *        vfio_mig_test --bench N VF-A VF-B SIM-DEBUGFS-A
 *   VF-A, VF-B   BDFs (DDDD:BB:DD.F) of two VFs bound to ice_vfio_pci, in
 *                IOMMU groups of their own, not in use
 *   SIM-*        the simulated provider's debugfs directories of the two
 *                VFs (ice_mig_sim test device); the cross-VF state check
 *                and the fault-driven checks need them and are skipped
 *                without
 *
 * --corpus writes every DIR/bad-* stream (tests/fuzz/gen_corpus) into
 * RESUMING: each must be refused with EINVAL (at write() or at RESUMING ->
 * STOP), leave the VF's simulated state unchanged, and the device must
 * recover with a reset.
 *
 * --bench times N save cycles (STOP -> STOP_COPY, read the stream, back to
 * STOP) on VF-A and N load cycles (STOP -> RESUMING, write it, RESUMING ->
 * STOP) on VF-B for 1, 4 and 16 queue pairs with 0, 16 and 256 VLAN
 * filters, and prints median and p99 in microseconds with the stream size.
 *
 * Prints one line per check and "N passed, N failed"; exit status 0 only
 * if none failed. Skips (exit 0, "SKIP") when no VF can migrate.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/vfio.h>

static int passed, failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfio_mig_test: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static const char *state_name(uint32_t s)
{
	static const char *const names[] = { "ERROR", "STOP", "RUNNING", "STOP_COPY",
					     "RESUMING", "RUNNING_P2P", "PRE_COPY",
					     "PRE_COPY_P2P" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

struct vf {
	const char *bdf;
	const char *dbg;
	int container, group, dev;
};

static void vf_open(struct vf *vf)
{
	char path[PATH_MAX], link[PATH_MAX / 2];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	ssize_t n;
	char *g;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", vf->bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s: no IOMMU group: %s", vf->bdf, strerror(errno));
	link[n] = '\0';
	g = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/%s", g ? g + 1 : link);

	vf->container = open("/dev/vfio/vfio", O_RDWR);
	if (vf->container < 0)
		die("/dev/vfio/vfio: %s", strerror(errno));
	vf->group = open(path, O_RDWR);
	if (vf->group < 0)
		die("%s: %s: %s", vf->bdf, path, strerror(errno));
	if (ioctl(vf->group, VFIO_GROUP_GET_STATUS, &gs) || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("%s: group %s not viable (other devices bound?)", vf->bdf, path);
	if (ioctl(vf->group, VFIO_GROUP_SET_CONTAINER, &vf->container))
		die("%s: VFIO_GROUP_SET_CONTAINER: %s", vf->bdf, strerror(errno));
	if (ioctl(vf->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("%s: VFIO_SET_IOMMU: %s", vf->bdf, strerror(errno));
	vf->dev = ioctl(vf->group, VFIO_GROUP_GET_DEVICE_FD, vf->bdf);
	if (vf->dev < 0)
		die("%s: VFIO_GROUP_GET_DEVICE_FD: %s", vf->bdf, strerror(errno));
}

static int mig_flags(struct vf *vf, uint64_t *flags)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_migration m;
	} buf = { .f = { .argsz = sizeof(buf),
			 .flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION } };

	if (ioctl(vf->dev, VFIO_DEVICE_FEATURE, &buf))
		return -errno;
	*flags = buf.m.flags;
	return 0;
}

/* Set the state; returns 0 and the data fd (or -1) in *fd, or -errno. */
static int set_state(struct vf *vf, uint32_t state, int *fd)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_state m;
	} buf = { .f = { .argsz = sizeof(buf),
			 .flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE },
		  .m = { .device_state = state } };

	if (ioctl(vf->dev, VFIO_DEVICE_FEATURE, &buf))
		return -errno;
	if (fd)
		*fd = buf.m.data_fd;
	else if (buf.m.data_fd >= 0)
		close(buf.m.data_fd);
	return 0;
}

static int get_state(struct vf *vf, uint32_t *state)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_state m;
	} buf = { .f = { .argsz = sizeof(buf),
			 .flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE } };

	if (ioctl(vf->dev, VFIO_DEVICE_FEATURE, &buf))
		return -errno;
	*state = buf.m.device_state;
	return 0;
}

static int reset(struct vf *vf)
{
	return ioctl(vf->dev, VFIO_DEVICE_RESET) ? -errno : 0;
}

/*
 * Back to RUNNING from wherever the device is. Leaving RESUMING loads what
 * was written, which may fail into ERROR; a reset leaves ERROR.
 */
static void to_running(struct vf *vf)
{
	uint32_t s = 0;

	if (!get_state(vf, &s) && s == VFIO_DEVICE_STATE_RUNNING)
		return;
	if (set_state(vf, VFIO_DEVICE_STATE_RUNNING, NULL) || get_state(vf, &s) ||
	    s != VFIO_DEVICE_STATE_RUNNING)
		reset(vf);
}

static bool yields_fd(uint32_t from, uint32_t to)
{
	/* A new data file comes with STOP_COPY, RESUMING and entering PRE_COPY. */
	switch (to) {
	case VFIO_DEVICE_STATE_RESUMING:
		return true;
	case VFIO_DEVICE_STATE_STOP_COPY:
		return from != VFIO_DEVICE_STATE_PRE_COPY && from != VFIO_DEVICE_STATE_PRE_COPY_P2P;
	case VFIO_DEVICE_STATE_PRE_COPY:
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return from != VFIO_DEVICE_STATE_PRE_COPY && from != VFIO_DEVICE_STATE_PRE_COPY_P2P;
	}
	return false;
}

static void test_fsm(struct vf *vf)
{
	static const uint32_t states[] = {
		VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP_COPY,
		VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	};
	const unsigned int n = sizeof(states) / sizeof(states[0]);
	unsigned int i, j, bad = 0, total = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			uint32_t from = states[i], to = states[j], now = 0;
			int fd = -1, fd2 = -1, ret;

			to_running(vf);
			ret = set_state(vf, from, &fd);
			if (ret) {
				printf("# %s: cannot reach %s: %d\n", vf->bdf, state_name(from), ret);
				bad++;
				total++;
				continue;
			}
			ret = set_state(vf, to, &fd2);
			total++;
			/*
			 * Every pair is reachable with STOP_COPY|P2P|PRE_COPY
			 * (the core walks the arcs) but STOP_COPY -> PRE_COPY
			 * and STOP_COPY -> PRE_COPY_P2P, which the uAPI blocks:
			 * EINVAL, state unchanged. From RESUMING the walk loads
			 * what was written: nothing, which the driver refuses
			 * with EINVAL and ERROR, unless to == from.
			 */
			if (from == VFIO_DEVICE_STATE_STOP_COPY &&
			    (to == VFIO_DEVICE_STATE_PRE_COPY ||
			     to == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {
				if (ret != -EINVAL || get_state(vf, &now) || now != from) {
					printf("# %s -> %s: %d, state %s; want EINVAL, unchanged\n",
					       state_name(from), state_name(to), ret, state_name(now));
					bad++;
				}
			} else if (from == VFIO_DEVICE_STATE_RESUMING && to != from) {
				if (ret != -EINVAL || get_state(vf, &now) ||
				    now != VFIO_DEVICE_STATE_ERROR) {
					printf("# %s -> %s: %d, state %s; want EINVAL, ERROR\n",
					       state_name(from), state_name(to), ret, state_name(now));
					bad++;
				}
			} else if (ret || get_state(vf, &now) || now != to ||
				   (to != from && (fd2 >= 0) != yields_fd(from, to))) {
				printf("# %s -> %s: %d, state %s, data fd %d\n", state_name(from),
				       state_name(to), ret, state_name(now), fd2);
				bad++;
			}
			if (fd >= 0)
				close(fd);
			if (fd2 >= 0)
				close(fd2);
		}
	}
	check(!bad, "%s: %u of %u state pairs as the uAPI defines", vf->bdf, total - bad, total);

	to_running(vf);
	check(set_state(vf, VFIO_DEVICE_STATE_ERROR, NULL) == -EINVAL,
	      "%s: setting ERROR is refused with EINVAL", vf->bdf);
}

static ssize_t read_all(int fd, uint8_t *buf, size_t size, size_t chunk)
{
	size_t got = 0;
	ssize_t n;

	for (;;) {
		size_t want = size - got < chunk ? size - got : chunk;

		if (!want)
			return -ENOSPC;
		n = read(fd, buf + got, want);
		if (n < 0)
			return -errno;
		if (!n)
			return got;
		got += n;
	}
}

static int write_all(int fd, const uint8_t *buf, size_t len, size_t chunk)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done < chunk ? len - done : chunk);
		if (n < 0)
			return -errno;
		done += n;
	}
	return 0;
}

static char *slurp(const char *dir, const char *name)
{
	static char buf[4][16384];
	static int slot;
	char path[PATH_MAX + 32];
	char *b = buf[slot++ % 4];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = read(fd, b, sizeof(buf[0]) - 1);
	close(fd);
	b[n > 0 ? n : 0] = '\0';
	return b;
}

static void spit(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("%s: %s", path, strerror(errno));
	close(fd);
}

/* Save A in STOP_COPY, resume into B, compare (both end in STOP). */
static size_t save_state(struct vf *a, uint8_t *buf, size_t size, size_t chunk)
{
	ssize_t n;
	int fd = -1;

	to_running(a);
	if (set_state(a, VFIO_DEVICE_STATE_STOP_COPY, &fd) || fd < 0)
		return 0;
	n = read_all(fd, buf, size, chunk);
	close(fd);
	set_state(a, VFIO_DEVICE_STATE_STOP, NULL);
	return n > 0 ? (size_t)n : 0;
}

static int load_state(struct vf *b, const uint8_t *buf, size_t len, size_t chunk)
{
	int fd = -1, ret;

	to_running(b);
	if (set_state(b, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0)
		return -EIO;
	ret = write_all(fd, buf, len, chunk);
	close(fd);
	if (ret)
		return ret;
	return set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
}

static void test_save_resume(struct vf *a, struct vf *b)
{
	static uint8_t buf[1 << 17];
	char sa[16384];
	size_t len;
	int r;

	if (a->dbg) {
		spit(a->dbg, "state",
		     "defaults mac=52:54:00:12:34:56 trust=1 port_vlan=42 num_qps=4 num_msix=5 "
		     "txq0=0x10000:512:1:2:1 txq1=0x20000:512:3:4:1 txq2=0x30000:256:5:6:1 "
		     "txq3=0x40000:1024:7:8:1 rxq0=0x50000:512:1:2:2048:1 "
		     "rxq1=0x60000:512:3:4:2048:1 rxq2=0x70000:512:5:6:2048:1 "
		     "rxq3=0x80000:512:7:8:2048:1 num_msix_maps=2 msix0=0:0:0:3:3 "
		     "msix1=1:0xf:0xf:0:1 mac_filters=52:54:00:12:34:56/1 "
		     "vlan_filters=10,20-35 mbx=6:64:1:1:64:2:3 rx_packets=777");
	}
	/* One byte at a time: short reads are fine. */
	len = save_state(a, buf, sizeof(buf), 1);
	check(len > 24, "%s: STOP_COPY stream read 1 byte per read(): %zu bytes", a->bdf, len);
	{
		uint64_t sz = 0;
		/* MIG_DATA_SIZE is the real stream size (A is in STOP now). */
		struct {
			struct vfio_device_feature f;
			struct vfio_device_feature_mig_data_size d;
		} q = { .f = { .argsz = sizeof(q),
			       .flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE } };

		r = ioctl(a->dev, VFIO_DEVICE_FEATURE, &q);
		sz = q.d.stop_copy_length;
		check(r == 0 && sz == len, "%s: MIG_DATA_SIZE %llu == stream length %zu", a->bdf,
		      (unsigned long long)sz, len);
	}
	if (a->dbg)
		snprintf(sa, sizeof(sa), "%s", slurp(a->dbg, "state"));
	/* And written 3 bytes at a time: short writes are fine. */
	check(load_state(b, buf, len, 3) == 0, "%s: stream of %s loaded through RESUMING",
	      b->bdf, a->bdf);
	if (a->dbg && b->dbg) {
		const char *sb = slurp(b->dbg, "state");

		check(!strcmp(sa, sb), "%s and %s: simulated state byte-equal after save/resume",
		      a->bdf, b->bdf);
		if (strcmp(sa, sb))
			printf("# source:\n%s# destination:\n%s", sa, sb);
	}
	to_running(a);
	to_running(b);
}

static void test_data_file_semantics(struct vf *a)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	uint8_t buf[65536];
	ssize_t n;
	int fd = -1, r;
	uint32_t s = 0;

	to_running(a);
	check(set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd) == 0 && fd >= 0,
	      "%s: RUNNING -> PRE_COPY gives a data fd", a->bdf);
	if (fd < 0)
		return;
	r = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
	check(r == 0 && info.initial_bytes > 24 && info.dirty_bytes == 0,
	      "%s: PRECOPY_INFO initial %llu bytes, dirty %llu", a->bdf,
	      (unsigned long long)info.initial_bytes, (unsigned long long)info.dirty_bytes);
	check(pread(fd, buf, 8, 0) < 0 && errno == ESPIPE, "%s: pread refused (ESPIPE)", a->bdf);
	check(lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE, "%s: lseek refused (ESPIPE)",
	      a->bdf);
	n = read_all(fd, buf, sizeof(buf), 7);
	check(n == -ENOMSG, "%s: PRE_COPY read to a temporary end of stream: ENOMSG (%zd)",
	      a->bdf, n);
	info = (struct vfio_precopy_info){ .argsz = sizeof(info) };
	r = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
	check(r == 0 && info.initial_bytes == 0 && info.dirty_bytes == 0,
	      "%s: PRECOPY_INFO after reading: initial %llu, dirty %llu", a->bdf,
	      (unsigned long long)info.initial_bytes, (unsigned long long)info.dirty_bytes);
	if (a->dbg) {
		spit(a->dbg, "state", "port_vlan=7");
		info = (struct vfio_precopy_info){ .argsz = sizeof(info) };
		r = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info);
		check(r == 0 && info.dirty_bytes > 24,
		      "%s: a configuration change shows as dirty: %llu bytes", a->bdf,
		      (unsigned long long)info.dirty_bytes);
		n = read(fd, buf, sizeof(buf));
		check(n > 24 && (uint64_t)n == info.dirty_bytes,
		      "%s: the new preview reads as %zd bytes", a->bdf, n);
	}
	check(set_state(a, VFIO_DEVICE_STATE_STOP_COPY, NULL) == 0,
	      "%s: PRE_COPY -> STOP_COPY keeps the same data fd", a->bdf);
	n = read_all(fd, buf, sizeof(buf), 4096);
	check(n > 24, "%s: final stream then end of stream (read 0): %zd bytes", a->bdf, n);
	info = (struct vfio_precopy_info){ .argsz = sizeof(info) };
	check(ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info) < 0 && errno == EINVAL,
	      "%s: PRECOPY_INFO outside PRE_COPY: EINVAL", a->bdf);
	check(set_state(a, VFIO_DEVICE_STATE_STOP, NULL) == 0 && read(fd, buf, 1) < 0 &&
	      errno == ENODEV, "%s: data fd disabled after STOP_COPY -> STOP (ENODEV)", a->bdf);
	close(fd);

	/* A reset while a data file is open: RUNNING, file disabled. */
	to_running(a);
	fd = -1;
	set_state(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	r = reset(a);
	r = r ? r : get_state(a, &s);
	check(r == 0 && s == VFIO_DEVICE_STATE_RUNNING,
	      "%s: VFIO_DEVICE_RESET in STOP_COPY -> RUNNING (%s)", a->bdf, state_name(s));
	check(fd >= 0 && read(fd, buf, 1) < 0 && errno == ENODEV,
	      "%s: data fd disabled by the reset (ENODEV)", a->bdf);
	if (fd >= 0)
		close(fd);
}

static void test_error_and_reset(struct vf *b)
{
	static const uint8_t junk[64] = "not an icemig stream";
	int fd = -1, r;
	uint32_t s = 0;

	to_running(b);
	set_state(b, VFIO_DEVICE_STATE_RESUMING, &fd);
	check(fd >= 0 && write(fd, junk, sizeof(junk)) < 0 && errno == EINVAL,
	      "%s: a stream with a bad magic is refused at write (EINVAL)", b->bdf);
	check(set_state(b, VFIO_DEVICE_STATE_STOP, NULL) == -EINVAL && get_state(b, &s) == 0 &&
	      s == VFIO_DEVICE_STATE_ERROR, "%s: RESUMING -> STOP then fails: ERROR", b->bdf);
	if (fd >= 0)
		close(fd);
	check(set_state(b, VFIO_DEVICE_STATE_RUNNING, NULL) == -EINVAL,
	      "%s: ERROR -> RUNNING refused without a reset", b->bdf);
	r = reset(b);
	r = r ? r : get_state(b, &s);
	check(r == 0 && s == VFIO_DEVICE_STATE_RUNNING,
	      "%s: VFIO_DEVICE_RESET leaves ERROR for RUNNING (%s)", b->bdf, state_name(s));
}

/* The state text without the statistics, which move while running. */
static void config_text(const char *dbg, char *out, size_t size)
{
	const char *p = slurp(dbg, "state");
	size_t n = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (strncmp(p, "rx_", 3) && strncmp(p, "tx_", 3) && strncmp(p, "running=", 8) &&
		    n + len < size) {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
}

static int run_corpus(const char *dir, struct vf *vf)
{
	static uint8_t buf[1 << 17];
	static char before[16384], after[16384];
	char path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d = opendir(dir);
	int count = 0;

	if (!d)
		die("%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		int fd = -1, wret = 0, sret;
		uint32_t s = 0;
		ssize_t len;
		FILE *f;

		if (strncmp(de->d_name, "bad-", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			die("%s: %s", path, strerror(errno));
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);

		to_running(vf);
		config_text(vf->dbg, before, sizeof(before));
		if (set_state(vf, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0) {
			check(false, "%s: %s: cannot enter RESUMING", vf->bdf, de->d_name);
			continue;
		}
		wret = write_all(fd, buf, len, 4096);
		sret = set_state(vf, VFIO_DEVICE_STATE_STOP, NULL);
		close(fd);
		config_text(vf->dbg, after, sizeof(after));
		check((wret == -EINVAL || (!wret && sret == -EINVAL)) && !strcmp(before, after),
		      "%s: %s (%zd bytes) refused with EINVAL at %s, VF unchanged", vf->bdf,
		      de->d_name, len, wret ? "write" : "RESUMING -> STOP");
		check(reset(vf) == 0 && get_state(vf, &s) == 0 && s == VFIO_DEVICE_STATE_RUNNING,
		      "%s: recovers with a reset after %s", vf->bdf, de->d_name);
		count++;
	}
	closedir(d);
	check(count > 0, "%s: %d malformed streams tried", dir, count);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Configure VF @dbg with @nqp queue pairs and @nvlan VLAN filters. */
static void bench_shape(const char *dbg, unsigned int nqp, unsigned int nvlan)
{
	char text[8192], lut[2 * 64 + 1];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < 64; i++)
		sprintf(lut + 2 * i, "%02x", i % nqp);
	n += snprintf(text + n, sizeof(text) - n,
		      "defaults num_qps=%u num_msix=%u num_msix_maps=%u rss=0x3fff:%s "
		      "mac_filters=52:54:00:12:34:56/1 mbx=6:64:1:1:64:2:3 ",
		      nqp, nqp + 1, nqp + 1, lut);
	if (nvlan)
		n += snprintf(text + n, sizeof(text) - n, "vlan_filters=1-%u ", nvlan);
	else
		n += snprintf(text + n, sizeof(text) - n, "vlan_filters=none ");
	for (i = 0; i < 16; i++) {
		if (i < nqp)
			n += snprintf(text + n, sizeof(text) - n,
				      "txq%u=0x%x:512:1:2:1 rxq%u=0x%x:512:3:4:2048:1 ", i,
				      0x100000 + i * 0x1000, i, 0x200000 + i * 0x1000);
		else
			n += snprintf(text + n, sizeof(text) - n,
				      "txq%u=0:0:0:0:0 rxq%u=0:0:0:0:0:0 ", i, i);
	}
	for (i = 0; i <= nqp; i++)
		n += snprintf(text + n, sizeof(text) - n, "msix%u=%u:0x%x:0x%x:0:1 ", i, i,
			      i ? 1u << (i - 1) : 0, i ? 1u << (i - 1) : 0);
	spit(dbg, "state", text);
}

static int run_bench(int cycles, struct vf *a, struct vf *b)
{
	static const unsigned int qps[] = { 1, 4, 16 }, vlans[] = { 0, 16, 256 };
	static uint8_t buf[1 << 17];
	uint64_t *ts = calloc(cycles, sizeof(*ts)), *tl = calloc(cycles, sizeof(*tl));
	unsigned int qi, vi;

	if (!ts || !tl)
		die("out of memory");
	printf("ice_vfio_pci save/load through the VFIO uAPI, %d cycles each, VF state from\n"
	       "ice_mig_sim (a simulated provider: test-device figures, not E810 figures)\n",
	       cycles);
	printf("%-9s %-6s %12s %12s %12s %12s %12s\n", "queues", "vlans", "stream B",
	       "save med us", "save p99 us", "load med us", "load p99 us");
	for (qi = 0; qi < 3; qi++) {
		for (vi = 0; vi < 3; vi++) {
			size_t len = 0;
			int c, fd = -1;

			to_running(a);
			bench_shape(a->dbg, qps[qi], vlans[vi]);
			set_state(a, VFIO_DEVICE_STATE_STOP, NULL);
			for (c = 0; c < cycles; c++) {
				uint64_t t0 = now_ns();
				ssize_t n;

				if (set_state(a, VFIO_DEVICE_STATE_STOP_COPY, &fd) || fd < 0)
					die("%s: STOP_COPY failed", a->bdf);
				n = read_all(fd, buf, sizeof(buf), sizeof(buf));
				close(fd);
				if (n <= 0 || set_state(a, VFIO_DEVICE_STATE_STOP, NULL))
					die("%s: save failed", a->bdf);
				ts[c] = now_ns() - t0;
				len = n;
			}
			to_running(b);
			set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
			for (c = 0; c < cycles; c++) {
				uint64_t t0 = now_ns();

				if (set_state(b, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0 ||
				    write_all(fd, buf, len, len))
					die("%s: RESUMING failed", b->bdf);
				close(fd);
				if (set_state(b, VFIO_DEVICE_STATE_STOP, NULL))
					die("%s: load failed", b->bdf);
				tl[c] = now_ns() - t0;
			}
			qsort(ts, cycles, sizeof(*ts), cmp_u64);
			qsort(tl, cycles, sizeof(*tl), cmp_u64);
			printf("%-9u %-6u %12zu %12.1f %12.1f %12.1f %12.1f\n", qps[qi], vlans[vi],
			       len, ts[cycles / 2] / 1e3, ts[(cycles * 99) / 100] / 1e3,
			       tl[cycles / 2] / 1e3, tl[(cycles * 99) / 100] / 1e3);
		}
	}
	to_running(a);
	to_running(b);
	free(ts);
	free(tl);
	return 0;
}

int main(int argc, char **argv)
{
	struct vf a = { 0 }, b = { 0 };
	uint64_t flags = 0;
	const uint64_t want = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
			      VFIO_MIGRATION_PRE_COPY;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "--corpus")) {
		a.bdf = argv[3];
		a.dbg = argv[4];
		vf_open(&a);
		return run_corpus(argv[2], &a);
	}
	if (argc == 6 && !strcmp(argv[1], "--bench")) {
		a.bdf = argv[3];
		b.bdf = argv[4];
		a.dbg = argv[5];
		vf_open(&a);
		vf_open(&b);
		return run_bench(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1000, &a, &b);
	}
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: %s VF-A VF-B [SIM-DEBUGFS-A SIM-DEBUGFS-B]\n", argv[0]);
		return 2;
	}
	a.bdf = argv[1];
	b.bdf = argv[2];
	if (argc == 5) {
		a.dbg = argv[3];
		b.dbg = argv[4];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	vf_open(&a);
	vf_open(&b);
	if (mig_flags(&a, &flags) == -ENOTTY || !flags) {
		printf("SKIP: %s advertises no migration (no provider for its PF)\n", a.bdf);
		return 0;
	}
	check(flags == want, "%s: migration flags 0x%llx (STOP_COPY|P2P|PRE_COPY)", a.bdf,
	      (unsigned long long)flags);

	test_fsm(&a);
	test_save_resume(&a, &b);
	test_data_file_semantics(&a);
	test_error_and_reset(&b);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
