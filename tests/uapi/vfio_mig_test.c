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
 *                VFs (ice_mig_sim test device); the cross-VF state checks
 *                (save/resume; a stream without IRQ and MBX_RING keeps the
 *                destination's interrupt registers and mailbox rings) and
 *                the fault-driven checks need them and are skipped without
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
 * Checks of the driver's failure handling and locking (issue "provider
 * interface v2 and the defects a VFIO review found"; each needs the
 * simulated provider's debugfs directory SIM of the VF):
 *
 *        vfio_mig_test --race-size N VF SIM
 *   one thread toggles the VF's VLAN filters between none and 512 while
 *   another runs N times RUNNING -> PRE_COPY -> read the preview ->
 *   RUNNING: no cycle may fail (a preview sized before a filter change and
 *   written after it must not fail with ENOSPC).
 *        vfio_mig_test --reset-race SECONDS VF
 *   thread A enters PRE_COPY and read()s the save file into an mmap of the
 *   VF's BAR0 (so the user copy faults on the BAR, under the device's
 *   memory_lock), thread B loops VFIO_DEVICE_RESET, for SECONDS. A parent
 *   process watches their progress: no progress for 30 s is reported as a
 *   hang (the driver's file lock and vfio's memory_lock taken in opposite
 *   orders) with the stuck tasks' kernel stacks; the stuck child is left
 *   behind (it cannot be killed), so run this last.
 *        vfio_mig_test --pf-unbind VF SIM PF
 *   the VF in PRE_COPY with its save file open while PF's driver is
 *   unbound (the provider goes away with it): the data file is disabled
 *   (ENODEV), the state is ERROR, nothing crashes; then the device is
 *   closed so the unbind can finish.
 *        vfio_mig_test --log-flood N VF
 *   N malformed streams written into RESUMING: the kernel log lines they
 *   cause are rate-limited (printk's default burst, 10 per 5 s).
 *
 * Prints one line per check and "N passed, N failed"; exit status 0 only
 * if none failed. Skips (exit 0, "SKIP") when no VF can migrate.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
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

#include "../../kernel/include/icemig_stream.h"

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

/* The state now, or an impossible value (printed "?") if it cannot be read. */
static uint32_t state_of(struct vf *vf)
{
	uint32_t s;

	return get_state(vf, &s) ? UINT32_MAX : s;
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
			 * with EINVAL, unless to == from; the VF is untouched,
			 * so the device stays in RESUMING (ERROR is only for a
			 * VF that cannot get back to a valid state).
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
				    now != VFIO_DEVICE_STATE_RESUMING) {
					printf("# %s -> %s: %d, state %s; want EINVAL, RESUMING\n",
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
	r = set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
	s = state_of(b);
	check(r == -EINVAL && s == VFIO_DEVICE_STATE_RESUMING,
	      "%s: RESUMING -> STOP then fails, the VF untouched: still RESUMING (%s)", b->bdf,
	      state_name(s));
	if (fd >= 0)
		close(fd);
	r = reset(b);
	r = r ? r : get_state(b, &s);
	check(r == 0 && s == VFIO_DEVICE_STATE_RUNNING,
	      "%s: VFIO_DEVICE_RESET leaves RESUMING for RUNNING (%s)", b->bdf, state_name(s));
}

static void config_text(const char *dbg, char *out, size_t size);

/* A simulated provider counter ("opens=N closes=N ... resets=N"). */
static long sim_counter(const char *dbg, const char *name)
{
	const char *p = strstr(slurp(dbg, "counters"), name);

	return p && p[strlen(name)] == '=' ? atol(p + strlen(name) + 1) : -1;
}

/*
 * A failed arc that left the VF untouched returns the error and the device
 * stays where it was (no ERROR, so QEMU needs no VFIO_DEVICE_RESET); a
 * failed suspend or resume, or a load that failed after changing the VF,
 * is ERROR. Faults are injected with the simulated provider's knob.
 */
static void test_failed_arcs(struct vf *a)
{
	long resets;
	uint32_t s = 0;
	int fd = -1, r;

	if (!a->dbg)
		return;
	to_running(a);
	spit(a->dbg, "fault", "none");
	resets = sim_counter(a->dbg, "resets");
	spit(a->dbg, "fault", "fail_save");
	r = set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	s = state_of(a);
	check(r < 0 && s == VFIO_DEVICE_STATE_RUNNING &&
	      sim_counter(a->dbg, "resets") == resets,
	      "%s: RUNNING -> PRE_COPY with a failing save: error %d, state %s (want RUNNING), "
	      "no reset", a->bdf, r, state_name(s));
	if (!r && fd >= 0)
		close(fd);
	fd = -1;
	to_running(a);
	r = set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	check(!r && fd >= 0, "%s: then RUNNING -> PRE_COPY works (%d)", a->bdf, r);
	if (fd >= 0)
		close(fd);

	to_running(a);
	set_state(a, VFIO_DEVICE_STATE_STOP, NULL);
	spit(a->dbg, "fault", "fail_save");
	fd = -1;
	r = set_state(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	s = state_of(a);
	check(r < 0 && s == VFIO_DEVICE_STATE_STOP,
	      "%s: STOP -> STOP_COPY with a failing save: error %d, state %s (want STOP)",
	      a->bdf, r, state_name(s));
	if (!r && fd >= 0)
		close(fd);

	to_running(a);
	spit(a->dbg, "fault", "fail_suspend");
	r = set_state(a, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	s = state_of(a);
	check(r < 0 && s == VFIO_DEVICE_STATE_ERROR,
	      "%s: RUNNING -> RUNNING_P2P with a failing suspend: error %d, state %s "
	      "(want ERROR)", a->bdf, r, state_name(s));
	spit(a->dbg, "fault", "none");
	to_running(a);
}

/*
 * Provider interface v2 on the load side: a stream the provider refuses
 * (load_validate) leaves the device in RESUMING, VF untouched; a load that
 * fails part way (load_apply) is ERROR, and a reset brings the VF back.
 */
static void test_failed_loads(struct vf *a, struct vf *b)
{
	static uint8_t buf[1 << 17];
	char before[16384];
	size_t len;
	uint32_t s = 0;
	int fd = -1, r;

	if (!a->dbg || !b->dbg)
		return;
	len = save_state(a, buf, sizeof(buf), sizeof(buf));
	to_running(b);
	snprintf(before, sizeof(before), "%s", slurp(b->dbg, "state"));
	spit(b->dbg, "fault", "fail_load");
	r = set_state(b, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!r && fd >= 0) {
		r = write_all(fd, buf, len, len);
		r = r ? r : set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
		close(fd);
	}
	s = state_of(b);
	check(r == -EINVAL && s == VFIO_DEVICE_STATE_RESUMING,
	      "%s: a stream the provider refuses: RESUMING -> STOP fails (%d), still RESUMING "
	      "(%s)", b->bdf, r, state_name(s));
	reset(b);
	spit(b->dbg, "fault", "fail_apply");
	fd = -1;
	r = set_state(b, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!r && fd >= 0) {
		r = write_all(fd, buf, len, len);
		r = r ? r : set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
		close(fd);
	}
	s = state_of(b);
	check(r == -EIO && s == VFIO_DEVICE_STATE_ERROR,
	      "%s: a load that fails part way: RESUMING -> STOP fails (%d), ERROR (%s)", b->bdf,
	      r, state_name(s));
	r = reset(b);
	s = state_of(b);
	check(!r && s == VFIO_DEVICE_STATE_RUNNING,
	      "%s: a reset leaves ERROR for RUNNING (%s)", b->bdf, state_name(s));
	spit(b->dbg, "fault", "none");
	spit(b->dbg, "state", before);
}

/*
 * suspend(capture): the volatile state is captured when leaving running for
 * a save, not when the transition ends in RESUMING (a destination).
 */
static void test_suspend_capture(struct vf *a)
{
	long sus, cap;
	int fd = -1;

	if (!a->dbg)
		return;
	to_running(a);
	sus = sim_counter(a->dbg, "suspends");
	cap = sim_counter(a->dbg, "captures");
	set_state(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (fd >= 0)
		close(fd);
	check(sim_counter(a->dbg, "suspends") == sus + 1 &&
	      sim_counter(a->dbg, "captures") == cap + 1,
	      "%s: RUNNING -> STOP_COPY suspends with capture", a->bdf);
	to_running(a);
	sus = sim_counter(a->dbg, "suspends");
	cap = sim_counter(a->dbg, "captures");
	fd = -1;
	set_state(a, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (fd >= 0)
		close(fd);
	check(sim_counter(a->dbg, "suspends") == sus + 1 &&
	      sim_counter(a->dbg, "captures") == cap,
	      "%s: RUNNING -> RESUMING suspends without capture", a->bdf);
	reset(a);
	to_running(a);
}

/* A VF reset by its PF during a migration fails the migration. */
static void test_pf_reset_event(struct vf *a)
{
	uint8_t buf[4096];
	uint32_t s = 0;
	ssize_t n;
	int fd = -1;

	if (!a->dbg)
		return;
	to_running(a);
	set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	spit(a->dbg, "pf_reset", "1");
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;
	s = state_of(a);
	check(n < 0 && errno == ENODEV && s == VFIO_DEVICE_STATE_ERROR,
	      "%s: PF resets the VF in PRE_COPY: save file disabled (%zd), state %s (want "
	      "ERROR)", a->bdf, n, state_name(s));
	if (fd >= 0)
		close(fd);
	reset(a);
	to_running(a);
	set_state(a, VFIO_DEVICE_STATE_STOP, NULL);
	spit(a->dbg, "pf_reset", "1");
	s = state_of(a);
	check(s == VFIO_DEVICE_STATE_ERROR,
	      "%s: PF resets the VF in STOP: state %s, not reported stopped (want ERROR)", a->bdf,
	      state_name(s));
	reset(a);
	to_running(a);
	spit(a->dbg, "pf_reset", "1");
	s = state_of(a);
	check(s == VFIO_DEVICE_STATE_RUNNING,
	      "%s: PF resets the VF in RUNNING with no migration: still RUNNING (%s)", a->bdf,
	      state_name(s));
}

/* A cancelled migration brings the VF fully back (resume). */
static void test_cancel_resumes(struct vf *a)
{
	char before[16384], after[16384];
	long res;
	int fd = -1;

	if (!a->dbg)
		return;
	to_running(a);
	config_text(a->dbg, before, sizeof(before));
	res = sim_counter(a->dbg, "resumes");
	set_state(a, VFIO_DEVICE_STATE_PRE_COPY_P2P, &fd);
	set_state(a, VFIO_DEVICE_STATE_PRE_COPY, NULL);
	set_state(a, VFIO_DEVICE_STATE_RUNNING, NULL);
	if (fd >= 0)
		close(fd);
	config_text(a->dbg, after, sizeof(after));
	check(sim_counter(a->dbg, "resumes") == res + 1 && !strcmp(before, after) &&
	      strstr(slurp(a->dbg, "state"), "running=1"),
	      "%s: PRE_COPY_P2P -> PRE_COPY -> RUNNING (a cancelled migration): resumed, "
	      "configuration unchanged, running", a->bdf);
}

/* The device closed in STOP: nothing resumes the VF (the core resets it). */
static void test_close_in_stop(struct vf *b)
{
	long res;

	if (!b->dbg)
		return;
	to_running(b);
	set_state(b, VFIO_DEVICE_STATE_STOP, NULL);
	res = sim_counter(b->dbg, "resumes");
	close(b->dev);
	close(b->group);
	close(b->container);
	check(sim_counter(b->dbg, "resumes") == res &&
	      sim_counter(b->dbg, "closes") >= 1 && strstr(slurp(b->dbg, "state"), "running=0"),
	      "%s: device closed in STOP: closed, not resumed", b->bdf);
}

/*
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE in PRE_COPY counts what is still to be
 * read: the unread preview plus the final stream.
 */
static uint64_t data_size(struct vf *vf)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_data_size d;
	} q = { .f = { .argsz = sizeof(q),
		       .flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE } };

	return ioctl(vf->dev, VFIO_DEVICE_FEATURE, &q) ? 0 : q.d.stop_copy_length;
}

static void test_precopy_size_and_poll(struct vf *a)
{
	uint8_t buf[65536];
	uint64_t before, after;
	struct pollfd p;
	ssize_t n;
	int fd = -1, r;

	to_running(a);
	if (set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd) || fd < 0) {
		check(false, "%s: RUNNING -> PRE_COPY", a->bdf);
		return;
	}
	before = data_size(a);
	n = read_all(fd, buf, sizeof(buf), sizeof(buf));
	after = data_size(a);
	check(n == -ENOMSG && before > after && after > 24,
	      "%s: MIG_DATA_SIZE in PRE_COPY counts the unread preview: %llu before reading, "
	      "%llu after", a->bdf, (unsigned long long)before, (unsigned long long)after);

	/* Nothing to read: poll() must wait, not report POLLIN at once. */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	r = poll(&p, 1, 200);
	check(r == 0, "%s: poll() on a drained PRE_COPY save file waits (%d, revents 0x%x)",
	      a->bdf, r, r > 0 ? p.revents : 0);
	if (a->dbg) {
		spit(a->dbg, "state", "port_vlan=9");
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		r = poll(&p, 1, 2000);
		check(r == 1 && (p.revents & POLLIN),
		      "%s: poll() reports POLLIN after a configuration change (%d, 0x%x)",
		      a->bdf, r, r > 0 ? p.revents : 0);
		spit(a->dbg, "state", "port_vlan=0");
	}
	set_state(a, VFIO_DEVICE_STATE_STOP_COPY, NULL);
	read_all(fd, buf, sizeof(buf), sizeof(buf));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	r = poll(&p, 1, 0);
	check(r == 1 && (p.revents & POLLIN),
	      "%s: poll() at the end of the final stream: POLLIN (read returns 0)", a->bdf);
	close(fd);
	to_running(a);
}

/* ---- --race-size ---- */

struct toggler {
	const char *dbg;
	volatile int stop;
	unsigned long flips;
};

static void *toggle_vlans(void *arg)
{
	struct toggler *t = arg;
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/state", t->dbg);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	while (!t->stop) {
		const char *v = t->flips & 1 ? "vlan_filters=none" : "vlan_filters=1-512";

		if (pwrite(fd, v, strlen(v), 0) < 0)
			die("%s: %s", path, strerror(errno));
		t->flips++;
	}
	close(fd);
	return NULL;
}

static int run_race_size(int cycles, struct vf *a)
{
	static uint8_t buf[1 << 17];
	struct toggler t = { .dbg = a->dbg };
	int i, enospc = 0, other = 0, first = 0;
	pthread_t th;

	to_running(a);
	spit(a->dbg, "fault", "none");
	spit(a->dbg, "state", "defaults");
	if (pthread_create(&th, NULL, toggle_vlans, &t))
		die("pthread_create");
	for (i = 0; i < cycles; i++) {
		int fd = -1, r = set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
		ssize_t n = 0;

		if (!r && fd >= 0) {
			n = read_all(fd, buf, sizeof(buf), sizeof(buf));
			close(fd);
			r = set_state(a, VFIO_DEVICE_STATE_RUNNING, NULL);
		}
		if (r || (n != -ENOMSG && n < 0)) {
			if (r == -ENOSPC || n == -ENOSPC)
				enospc++;
			else
				other++;
			if (!first)
				first = r ? r : (int)n;
			to_running(a);
		}
	}
	t.stop = 1;
	pthread_join(th, NULL);
	spit(a->dbg, "state", "vlan_filters=none");
	check(!enospc && !other,
	      "%s: %d cycles RUNNING -> PRE_COPY -> read -> RUNNING while VLAN filters flip "
	      "none <-> 512 (%lu flips): %d ENOSPC, %d other failures (first %d)", a->bdf,
	      cycles, t.flips, enospc, other, first);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- --reset-race ---- */

struct race_shared {
	volatile unsigned long reads, resets;
	volatile int stop;
};

struct race_arg {
	struct vf *vf;
	struct race_shared *sh;
	uint8_t *bar;
};

static void *race_reader(void *arg)
{
	struct race_arg *ra = arg;

	while (!ra->sh->stop) {
		int fd = -1;

		if (!set_state(ra->vf, VFIO_DEVICE_STATE_PRE_COPY, &fd) && fd >= 0) {
			/* The user buffer is the BAR: the copy faults on it. */
			if (read(fd, ra->bar, 4096) < 0 && errno != ENODEV && errno != ENOMSG)
				die("read into the BAR mapping: %s", strerror(errno));
			close(fd);
		}
		set_state(ra->vf, VFIO_DEVICE_STATE_RUNNING, NULL);
		ra->sh->reads++;
	}
	return NULL;
}

static void *race_resetter(void *arg)
{
	struct race_arg *ra = arg;

	while (!ra->sh->stop) {
		reset(ra->vf);
		ra->sh->resets++;
	}
	return NULL;
}

static void print_stacks(pid_t pid)
{
	char path[320], line[256];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf("# task %s:\n", de->d_name);
		while (fgets(line, sizeof(line), f))
			printf("#   %s", line);
		fclose(f);
	}
	closedir(d);
}

static int run_reset_race(int seconds, struct vf *a)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct race_shared *sh;
	unsigned long last = 0, now;
	int i, idle = 0, status;
	pid_t pid;

	if (ioctl(a->dev, VFIO_DEVICE_GET_REGION_INFO, &ri) ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < 8192)
		die("%s: BAR0 cannot be mmap'd", a->bdf);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		struct race_arg ra = { .vf = a, .sh = sh };
		pthread_t ta, tb;

		/*
		 * The second page of BAR0: the copy must land in the BAR, and
		 * on the rig's igb VF that page holds interrupt throttling
		 * and mapping registers, which do nothing while MSI-X is off.
		 */
		ra.bar = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, a->dev, ri.offset);
		if (ra.bar == MAP_FAILED)
			die("%s: mmap BAR0: %s", a->bdf, strerror(errno));
		ra.bar += 4096;
		pthread_create(&ta, NULL, race_reader, &ra);
		pthread_create(&tb, NULL, race_resetter, &ra);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		_exit(0);
	}
	for (i = 0; i < seconds; i++) {
		sleep(1);
		now = sh->reads + sh->resets;
		idle = now == last ? idle + 1 : 0;
		last = now;
		if (idle >= 30)
			break;
	}
	if (idle >= 30) {
		check(false, "%s: read() into a BAR0 mapping in PRE_COPY against VFIO_DEVICE_RESET: "
		      "no progress for 30 s after %lu reads and %lu resets (deadlock); stacks:",
		      a->bdf, sh->reads, sh->resets);
		print_stacks(pid);
		printf("%d passed, %d failed\n", passed, failed);
		return 1;	/* the child is stuck in the kernel: leave it */
	}
	sh->stop = 1;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status),
	      "%s: read() into a BAR0 mapping in PRE_COPY against VFIO_DEVICE_RESET for %d s: "
	      "%lu reads, %lu resets, no hang", a->bdf, seconds, sh->reads, sh->resets);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- --pf-unbind ---- */

static int run_pf_unbind(struct vf *a, const char *pf)
{
	char path[PATH_MAX], drv[PATH_MAX / 2];
	uint8_t buf[65536];
	int fd = -1, status = 0;
	uint32_t s = 0;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pf);
	n = readlink(path, drv, sizeof(drv) - 1);
	if (n < 0)
		die("%s: no driver bound", pf);
	drv[n] = '\0';
	to_running(a);
	if (set_state(a, VFIO_DEVICE_STATE_PRE_COPY, &fd) || fd < 0)
		die("%s: RUNNING -> PRE_COPY failed", a->bdf);
	n = read(fd, buf, 64);
	check(n == 64, "%s: PRE_COPY, 64 preview bytes read before the PF goes", a->bdf);

	/* The unbind blocks until this process closes the VF (vfio waits). */
	pid = fork();
	if (!pid) {
		int u;

		/* Not this process's VF: the unbind would wait for it forever. */
		close(fd);
		close(a->dev);
		close(a->group);
		close(a->container);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", pf);
		u = open(path, O_WRONLY);
		_exit(u < 0 || write(u, pf, strlen(pf)) < 0 ? 1 : 0);
	}
	sleep(3);
	errno = 0;
	n = read(fd, buf, sizeof(buf));
	check(n < 0 && errno == ENODEV, "%s: save file disabled after the PF driver left "
	      "(read: %zd, %s)", a->bdf, n, strerror(errno));
	s = state_of(a);
	check(s == VFIO_DEVICE_STATE_ERROR,
	      "%s: migration state ERROR after the provider went away (%s)", a->bdf,
	      state_name(s));
	check(set_state(a, VFIO_DEVICE_STATE_RUNNING, NULL) < 0,
	      "%s: no migration arc without a provider", a->bdf);
	close(fd);
	close(a->dev);
	close(a->group);
	close(a->container);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && !WEXITSTATUS(status), "%s: unbinding %s from %s finished",
	      pf, pf, strrchr(drv, '/') ? strrchr(drv, '/') + 1 : drv);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* ---- --log-flood ---- */

static int run_log_flood(int count, struct vf *a)
{
	static const uint8_t junk[64] = "not an icemig stream";
	struct timespec t0, t1;
	char rec[2048];
	int kmsg, i, lines = 0;
	double secs;
	ssize_t n;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg < 0 || lseek(kmsg, 0, SEEK_END) < 0)
		die("/dev/kmsg: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		int fd = -1;

		to_running(a);
		if (set_state(a, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0)
			die("%s: RUNNING -> RESUMING failed", a->bdf);
		if (write(fd, junk, sizeof(junk)) >= 0)
			die("%s: a bad stream was accepted", a->bdf);
		set_state(a, VFIO_DEVICE_STATE_STOP, NULL);
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	to_running(a);
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (strstr(rec, a->bdf) && (strstr(rec, "rejected") || strstr(rec, "failed")))
			lines++;
	}
	close(kmsg);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* printk_ratelimit defaults: 10 messages per 5 s per call site. */
	check(lines <= 10 * (2 * ((int)(secs / 5) + 1)),
	      "%s: %d malformed streams in %.1f s caused %d kernel log lines (rate-limited: "
	      "at most %d)", a->bdf, count, secs, lines, 10 * (2 * ((int)(secs / 5) + 1)));
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
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

/*
 * Stream 1.2 (kernel/include/icemig_stream.h, docs/design.md "Stream"): a
 * stream without the IRQ and MBX_RING records (a 1.1 or 1.0 stream, or a
 * 1.2 one from a provider that does not carry them) loads with the
 * destination VF's interrupt registers and mailbox rings left as they are.
 * The values below are written through the simulated provider's state file
 * (irq<i>=flags:itr_idx:sw_itr_idx:interval:itr0:itr1:itr2, intervals in
 * 2 us units; mbx_ring=asq_base:arq_base:flags), in the form it prints
 * them; A's and B's differ in every field, and neither is a fresh VF's
 * (all zero).
 */
#define KEEP_V12_A                                                        \
	"irq=1\nirq0=0x1:3:0:0:25:61:4095\nirq1=0x7:1:2:50:10:125:4000\n" \
	"mbx_ring=0x7f001000:0x7f002040:0x3\n"
#define KEEP_V12_B                                                     \
	"irq=1\nirq0=0x5:0:1:7:100:200:300\nirq1=0x2:2:3:4095:1:2:3\n" \
	"mbx_ring=0x1230040:0x4560080:0x1\n"
#define KEEP_COMMON "num_msix=2 mbx=6:64:1:1:64:2:3 "

/*
 * Split the configuration text of @dbg (config_text()) into its stream 1.2
 * lines (irq, irq<i>, mbx_ring) in @v12 and the rest in @rest, each @size
 * bytes.
 */
static void split_v12(const char *dbg, char *v12, char *rest, size_t size)
{
	static char text[16384];
	const char *p = text;
	size_t nv = 0, nr = 0;

	config_text(dbg, text, sizeof(text));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		bool is_v12 = !strncmp(p, "irq", 3) || !strncmp(p, "mbx_ring=", 9);
		char *out = is_v12 ? v12 : rest;
		size_t *n = is_v12 ? &nv : &nr;

		if (*n + len < size) {
			memcpy(out + *n, p, len);
			*n += len;
		}
		p += len;
	}
	v12[nv] = '\0';
	rest[nr] = '\0';
}

/* Give B the KEEP_V12_B values and another MAC than A's; true if it took them. */
static bool keep_set_b(struct vf *b, char *v12, char *rest, size_t size)
{
	to_running(b);
	spit(b->dbg, "state",
	     "defaults mac=52:54:00:00:0b:0b " KEEP_COMMON "irq=1 irq0=0x5:0:1:7:100:200:300 "
	     "irq1=0x2:2:3:4095:1:2:3 mbx_ring=0x1230040:0x4560080:0x1");
	split_v12(b->dbg, v12, rest, size);
	return !strcmp(v12, KEEP_V12_B);
}

/*
 * Load @buf (@len bytes) into B, whose 1.2 values are KEEP_V12_B before;
 * check that afterwards, in STOP and again in RUNNING, B holds @want_v12
 * and the rest of A's configuration @a_rest.
 */
static void keep_load(struct vf *b, const uint8_t *buf, size_t len, const char *what,
		      const char *want_v12, const char *a_rest)
{
	static char v12[16384], rest[16384];

	check(keep_set_b(b, v12, rest, sizeof(v12)) && strcmp(rest, a_rest),
	      "%s: interrupt registers and mailbox rings set to other values than the source's",
	      b->bdf);
	check(load_state(b, buf, len, 4096) == 0, "%s: %s (%zu bytes) loaded through RESUMING",
	      b->bdf, what, len);
	split_v12(b->dbg, v12, rest, sizeof(v12));
	check(!strcmp(rest, a_rest), "%s: after %s, the rest of the configuration is the source's",
	      b->bdf, what);
	if (strcmp(rest, a_rest))
		printf("# source:\n%s# destination:\n%s", a_rest, rest);
	check(!strcmp(v12, want_v12), "%s: after %s, in STOP: %s", b->bdf, what,
	      !strcmp(want_v12, KEEP_V12_B) ? "its own interrupt registers and mailbox rings" :
					      "the source's interrupt registers and mailbox rings");
	if (strcmp(v12, want_v12))
		printf("# want:\n%s# have:\n%s", want_v12, v12);
	to_running(b);
	split_v12(b->dbg, v12, rest, sizeof(v12));
	check(!strcmp(v12, want_v12) && state_of(b) == VFIO_DEVICE_STATE_RUNNING,
	      "%s: after %s, the same in RUNNING", b->bdf, what);
	if (strcmp(v12, want_v12))
		printf("# want:\n%s# have:\n%s", want_v12, v12);
}

/*
 * A's final stream carries IRQ and MBX_RING; the same stream re-encoded
 * without them (a 1.2 provider that does not carry them; and labelled 1.1,
 * which has no such records) must leave B's values alone, the whole stream
 * (control) must bring A's. Needs both VFs' simulated-provider directories.
 */
static void test_load_keeps_irq(struct vf *a, struct vf *b)
{
	static uint8_t full[1 << 17], stripped[1 << 17];
	static struct icemig_vf_state st, back;
	static char a_v12[16384], a_rest[16384];
	struct icemig_stream_err err = { 0 };
	struct icemig_stream_hdr hdr;
	uint32_t total = 0, sflags = 0, slen = 0;
	size_t len;
	int r;

	if (!a->dbg || !b->dbg)
		return;
	to_running(a);
	spit(a->dbg, "state",
	     "defaults mac=52:54:00:00:0a:0a " KEEP_COMMON "irq=1 irq0=0x1:3:0:0:25:61:4095 "
	     "irq1=0x7:1:2:50:10:125:4000 mbx_ring=0x7f001000:0x7f002040:0x3");
	split_v12(a->dbg, a_v12, a_rest, sizeof(a_v12));
	check(!strcmp(a_v12, KEEP_V12_A), "%s: interrupt registers and mailbox rings written",
	      a->bdf);
	if (strcmp(a_v12, KEEP_V12_A))
		printf("# want:\n%s# have:\n%s", KEEP_V12_A, a_v12);

	len = save_state(a, full, sizeof(full), 65536);
	r = icemig_stream_frame(full, len, &total, &sflags, &err);
	if (!r)
		r = icemig_stream_decode(full, len, &st, &err);
	check(len > 24 && !r && total == len && st.has_irq && st.has_mbx_ring,
	      "%s: final stream of %zu bytes decodes, with IRQ and MBX_RING (%d%s%s)", a->bdf, len,
	      r, err.what ? ", " : "", err.what ? err.what : "");
	if (r || !st.has_irq || !st.has_mbx_ring)
		return;

	st.has_irq = 0;
	memset(st.irq, 0, sizeof(st.irq));
	st.has_mbx_ring = 0;
	memset(&st.mbx_ring, 0, sizeof(st.mbx_ring));
	r = icemig_stream_encode(&st, sflags, stripped, sizeof(stripped), &slen);
	if (!r)
		r = icemig_stream_decode(stripped, slen, &back, &err);
	check(!r && slen < len && !back.has_irq && !back.has_mbx_ring && back.has_mbx &&
		      back.num_msix == 2,
	      "%s: stream re-encoded without IRQ and MBX_RING: %u bytes (%d)", a->bdf, slen, r);
	if (r)
		return;

	keep_load(b, stripped, slen, "a 1.2 stream without IRQ and MBX_RING", KEEP_V12_B, a_rest);

	/* The same records as a 1.1 stream (the checksum covers no header byte). */
	memcpy(&hdr, stripped, sizeof(hdr));
	hdr.version_minor = htole16(1);
	memcpy(stripped, &hdr, sizeof(hdr));
	keep_load(b, stripped, slen, "the same labelled 1.1", KEEP_V12_B, a_rest);

	keep_load(b, full, len, "the whole 1.2 stream (control)", KEEP_V12_A, a_rest);
	to_running(a);
}

/*
 * Issue 12 item 1: a migratable VF keeps its BARs mmap'd except the BAR(s) of
 * the MSI-X table and PBA, whose mapping QEMU would split into pieces that are
 * not whole pages (type1's dirty bitmap then fails the migration). Reads the
 * MSI-X capability from the VF's sysfs config and checks every BAR's region
 * info, and that mmap of the trapped BAR fails while BAR0's works.
 */
static void test_bar_mmap(struct vf *a)
{
	char path[PATH_MAX];
	uint8_t cfg[256];
	unsigned int pos, guard = 0, msix_bar = 8, pba_bar = 8, bar;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", a->bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n != (ssize_t)sizeof(cfg))
		die("%s: short read of config space", a->bdf);
	for (pos = cfg[0x34] & ~3u; pos && guard++ < 48; pos = cfg[pos + 1] & ~3u) {
		if (pos > sizeof(cfg) - 12)
			break;
		if (cfg[pos] == 0x11) {
			msix_bar = cfg[pos + 4] & 7;
			pba_bar = cfg[pos + 8] & 7;
		}
	}
	if (msix_bar > 5) {
		printf("SKIP: %s has no MSI-X capability\n", a->bdf);
		return;
	}
	for (bar = 0; bar < 6; bar++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = bar };
		bool trapped = bar == msix_bar || bar == pba_bar;
		void *m;

		if (ioctl(a->dev, VFIO_DEVICE_GET_REGION_INFO, &ri) || !ri.size)
			continue;
		check(!!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) == !trapped,
		      "%s: BAR%u (%llu bytes%s) %s mmap", a->bdf, bar, (unsigned long long)ri.size,
		      bar == msix_bar ? ", MSI-X table" : bar == pba_bar ? ", MSI-X PBA" : "",
		      trapped ? "does not offer" : "offers");
		m = mmap(NULL, ri.size, PROT_READ, MAP_SHARED, a->dev, ri.offset);
		check((m == MAP_FAILED) == trapped, "%s: mmap of BAR%u %s", a->bdf, bar,
		      trapped ? "refused" : "works");
		if (m != MAP_FAILED)
			munmap(m, ri.size);
	}
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
	if (argc == 5 && !strcmp(argv[1], "--race-size")) {
		a.bdf = argv[3];
		a.dbg = argv[4];
		vf_open(&a);
		return run_race_size(atoi(argv[2]) > 0 ? atoi(argv[2]) : 10000, &a);
	}
	if (argc == 4 && !strcmp(argv[1], "--reset-race")) {
		a.bdf = argv[3];
		vf_open(&a);
		return run_reset_race(atoi(argv[2]) > 0 ? atoi(argv[2]) : 60, &a);
	}
	if (argc == 5 && !strcmp(argv[1], "--pf-unbind")) {
		a.bdf = argv[2];
		a.dbg = argv[3];
		vf_open(&a);
		return run_pf_unbind(&a, argv[4]);
	}
	if (argc == 4 && !strcmp(argv[1], "--log-flood")) {
		a.bdf = argv[3];
		vf_open(&a);
		return run_log_flood(atoi(argv[2]) > 0 ? atoi(argv[2]) : 60, &a);
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

	test_bar_mmap(&a);
	test_fsm(&a);
	test_save_resume(&a, &b);
	test_data_file_semantics(&a);
	test_error_and_reset(&b);
	test_failed_arcs(&a);
	test_precopy_size_and_poll(&a);
	test_failed_loads(&a, &b);
	test_suspend_capture(&a);
	test_pf_reset_event(&a);
	test_cancel_resumes(&a);
	test_load_keeps_irq(&a, &b);
	test_close_in_stop(&b);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
