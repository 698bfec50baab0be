// SPDX-License-Identifier: GPL-2.0
/*
 * ice_mig_sim: a software PF-side migration provider for ice_vfio_pci.
 *
 * THIS IS A TEST DEVICE. It models the state an E810 PF keeps for each of its
 * VFs (VF info, queue contexts, statistics) in memory, for PFs that are not
 * E810s (the emulated rig uses QEMU's igb). Nothing it reports is an E810
 * measurement.
 *
 * Load with the PFs to attach to:
 *	modprobe ice_mig_sim pfs=0000:01:00.0[,DDDD:BB:DD.F...]
 *
 * While a VF is RUNNING its statistics advance by one packet per
 * millisecond in each direction (64-byte packets); they freeze when the VF
 * leaves RUNNING and continue from the same value when it runs again, here
 * or, after a migration, on the destination.
 *
 * debugfs, per VF: /sys/kernel/debug/ice_mig_sim/<PF BDF>/vf<N>/
 *   state   read: "key=value" lines; write: "key=value" tokens separated by
 *	     blanks or newlines, applied all-or-nothing after validation.
 *	     Keys: mac, trust, spoofchk, link_state, port_vlan, num_qps,
 *	     num_msix, vc_api (MAJOR.MINOR), vc_caps, txq<i> and rxq<i>
 *	     (base:ring_len:head:tail:flags, Rx adds :buf_len before :flags),
 *	     rx_packets, rx_bytes, tx_packets, tx_bytes. Read-only: running.
 *   saved   the last save: "saves=N bytes=B rx_packets=.. rx_bytes=..
 *	     tx_packets=.. tx_bytes=.." (N saves so far, B stream bytes, and
 *	     the statistics the stream carried)
 *   loaded  the same for the last successful load ("loads=N bytes=B ...")
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "include/icemig_provider.h"
#include "include/icemig_stream.h"

static char *pfs;
module_param(pfs, charp, 0444);
MODULE_PARM_DESC(pfs, "Comma-separated BDFs (DDDD:BB:DD.F) of the SR-IOV PFs to provide for");

struct sim_snapshot {
	u32 count;
	u32 bytes;			/* stream length */
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
};

struct sim_vf {
	struct sim_pf *pf;
	unsigned int id;
	struct mutex lock;		/* protects everything below */
	struct icemig_vf_state st;
	bool open;
	bool running;
	u64 run_since_ns;		/* stats are current as of this time */
	struct sim_snapshot saved, loaded;
};

struct sim_pf {
	struct list_head list;
	struct pci_dev *pdev;
	unsigned int num_vfs;
	struct sim_vf *vfs;
	struct dentry *dir;
	bool registered;
};

static LIST_HEAD(sim_pfs);
static struct dentry *sim_debugfs_root;

/* Bring the statistics up to now. Caller holds vf->lock. */
static void sim_vf_sync(struct sim_vf *vf)
{
	u64 now, ms;

	if (!vf->running)
		return;
	now = ktime_get_ns();
	ms = div_u64(now - vf->run_since_ns, NSEC_PER_MSEC);
	vf->st.rx_packets += ms;
	vf->st.tx_packets += ms;
	vf->st.rx_bytes += ms * 64;
	vf->st.tx_bytes += ms * 64;
	vf->run_since_ns += ms * NSEC_PER_MSEC;
}

static void sim_vf_set_running(struct sim_vf *vf, bool running)
{
	sim_vf_sync(vf);
	vf->running = running;
	vf->run_since_ns = ktime_get_ns();
}

static void sim_snapshot(struct sim_snapshot *s, const struct icemig_vf_state *st,
			 u32 bytes)
{
	s->count++;
	s->bytes = bytes;
	s->rx_packets = st->rx_packets;
	s->rx_bytes = st->rx_bytes;
	s->tx_packets = st->tx_packets;
	s->tx_bytes = st->tx_bytes;
}

/* ---- provider ops ---- */

static void *sim_open(struct pci_dev *pf, unsigned int vf_id)
{
	struct sim_pf *spf;
	struct sim_vf *vf;

	list_for_each_entry(spf, &sim_pfs, list) {
		if (spf->pdev != pf)
			continue;
		if (vf_id >= spf->num_vfs)
			return ERR_PTR(-ENODEV);
		vf = &spf->vfs[vf_id];
		mutex_lock(&vf->lock);
		if (vf->open) {
			mutex_unlock(&vf->lock);
			return ERR_PTR(-EBUSY);
		}
		vf->open = true;
		sim_vf_set_running(vf, true);
		mutex_unlock(&vf->lock);
		return vf;
	}
	return ERR_PTR(-ENODEV);
}

static void sim_close(void *h)
{
	struct sim_vf *vf = h;

	mutex_lock(&vf->lock);
	sim_vf_set_running(vf, false);
	vf->open = false;
	mutex_unlock(&vf->lock);
}

static int sim_suspend(void *h)
{
	struct sim_vf *vf = h;

	mutex_lock(&vf->lock);
	sim_vf_set_running(vf, false);
	mutex_unlock(&vf->lock);
	return 0;
}

static int sim_resume(void *h)
{
	struct sim_vf *vf = h;

	mutex_lock(&vf->lock);
	sim_vf_set_running(vf, true);
	mutex_unlock(&vf->lock);
	return 0;
}

static ssize_t sim_save_size(void *h)
{
	struct sim_vf *vf = h;
	u32 size;
	int ret;

	mutex_lock(&vf->lock);
	ret = icemig_stream_size(&vf->st, &size);
	mutex_unlock(&vf->lock);
	return ret ? ret : size;
}

static ssize_t sim_save(void *h, void *buf, size_t size)
{
	struct sim_vf *vf = h;
	u32 used;
	int ret;

	mutex_lock(&vf->lock);
	sim_vf_sync(vf);
	ret = icemig_stream_encode(&vf->st, buf, min_t(size_t, size, U32_MAX), &used);
	if (!ret)
		sim_snapshot(&vf->saved, &vf->st, used);
	mutex_unlock(&vf->lock);
	return ret ? ret : used;
}

static int sim_load(void *h, const void *buf, size_t len)
{
	struct sim_vf *vf = h;
	struct icemig_stream_err err = {};
	struct icemig_vf_state *st;
	int ret;

	if (len > ICEMIG_STREAM_MAX_LEN) {
		pci_err(vf->pf->pdev, "VF %u: device state of %zu bytes exceeds %u\n",
			vf->id, len, ICEMIG_STREAM_MAX_LEN);
		return -EINVAL;
	}
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = icemig_stream_decode(buf, len, st, &err);
	if (ret) {
		pci_err(vf->pf->pdev, "VF %u: rejecting device state: %s at byte %u\n",
			vf->id, err.what, err.offset);
		kfree(st);
		return ret;
	}
	mutex_lock(&vf->lock);
	vf->st = *st;
	vf->run_since_ns = ktime_get_ns();
	sim_snapshot(&vf->loaded, &vf->st, len);
	mutex_unlock(&vf->lock);
	kfree(st);
	return 0;
}

static void sim_reset(void *h)
{
	struct sim_vf *vf = h;
	unsigned int i;

	mutex_lock(&vf->lock);
	for (i = 0; i < ICEMIG_MAX_QP; i++) {
		vf->st.txq[i].flags &= ~ICEMIG_QUEUE_F_ENABLED;
		vf->st.rxq[i].flags &= ~ICEMIG_QUEUE_F_ENABLED;
	}
	sim_vf_set_running(vf, true);
	mutex_unlock(&vf->lock);
}

static const struct icemig_provider_ops sim_ops = {
	.open = sim_open,
	.close = sim_close,
	.suspend = sim_suspend,
	.resume = sim_resume,
	.save_size = sim_save_size,
	.save = sim_save,
	.load = sim_load,
	.reset = sim_reset,
};

static const struct icemig_provider sim_provider = {
	.name = KBUILD_MODNAME,
	.owner = THIS_MODULE,
	.ops = &sim_ops,
};

/* ---- debugfs ---- */

#define SIM_TEXT_MAX 4096

static int sim_print_queue(char *buf, int len, const char *dir, unsigned int i,
			   const struct icemig_queue *q, bool rx)
{
	if (rx)
		return scnprintf(buf + len, SIM_TEXT_MAX - len,
				 "%s%u=0x%llx:%u:%u:%u:%u:%u\n", dir, i, q->base,
				 q->ring_len, q->head, q->tail, q->buf_len, q->flags);
	return scnprintf(buf + len, SIM_TEXT_MAX - len, "%s%u=0x%llx:%u:%u:%u:%u\n",
			 dir, i, q->base, q->ring_len, q->head, q->tail, q->flags);
}

static ssize_t sim_state_read(struct file *f, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	const struct icemig_vf_state *st = &vf->st;
	unsigned int i;
	ssize_t ret;
	char *buf;
	int len;

	buf = kmalloc(SIM_TEXT_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&vf->lock);
	sim_vf_sync(vf);
	len = scnprintf(buf, SIM_TEXT_MAX,
			"mac=%pM\ntrust=%u\nspoofchk=%u\nlink_state=%u\nport_vlan=%u\n"
			"num_qps=%u\nnum_msix=%u\nvc_api=%u.%u\nvc_caps=0x%08x\n",
			st->mac, st->trust, st->spoofchk, st->link_state, st->port_vlan,
			st->num_qps, st->num_msix, st->vc_api_major, st->vc_api_minor,
			st->vc_caps);
	for (i = 0; i < st->num_qps; i++)
		len += sim_print_queue(buf, len, "txq", i, &st->txq[i], false);
	for (i = 0; i < st->num_qps; i++)
		len += sim_print_queue(buf, len, "rxq", i, &st->rxq[i], true);
	len += scnprintf(buf + len, SIM_TEXT_MAX - len,
			 "rx_packets=%llu\nrx_bytes=%llu\ntx_packets=%llu\ntx_bytes=%llu\nrunning=%u\n",
			 st->rx_packets, st->rx_bytes, st->tx_packets, st->tx_bytes,
			 vf->running);
	mutex_unlock(&vf->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, buf, len);
	kfree(buf);
	return ret;
}

static int sim_parse_queue(char *val, struct icemig_queue *q, bool rx)
{
	unsigned int f[5];
	u64 base;
	int n;

	if (rx)
		n = sscanf(val, "%llx:%u:%u:%u:%u:%u", &base, &f[0], &f[1], &f[2],
			   &f[3], &f[4]);
	else
		n = sscanf(val, "%llx:%u:%u:%u:%u", &base, &f[0], &f[1], &f[2], &f[3]);
	if (n != (rx ? 6 : 5))
		return -EINVAL;
	if (!rx) {
		f[4] = f[3];
		f[3] = 0;
	}
	if (f[0] > U16_MAX || f[1] > U16_MAX || f[2] > U16_MAX || f[3] > U16_MAX ||
	    f[4] > U16_MAX)
		return -EINVAL;
	q->base = base;
	q->ring_len = f[0];
	q->head = f[1];
	q->tail = f[2];
	q->buf_len = f[3];
	q->flags = f[4];
	return 0;
}

static int sim_apply_token(struct icemig_vf_state *st, char *tok)
{
	char *val = strchr(tok, '=');
	unsigned int u, v;
	u64 u64v;

	if (!val)
		return -EINVAL;
	*val++ = '\0';

	if (!strcmp(tok, "mac"))
		return mac_pton(val, st->mac) ? 0 : -EINVAL;
	if (!strncmp(tok, "txq", 3) || !strncmp(tok, "rxq", 3)) {
		bool rx = tok[0] == 'r';

		if (kstrtouint(tok + 3, 10, &u) || u >= ICEMIG_MAX_QP)
			return -EINVAL;
		return sim_parse_queue(val, rx ? &st->rxq[u] : &st->txq[u], rx);
	}
	if (!strcmp(tok, "vc_api")) {
		if (sscanf(val, "%u.%u", &u, &v) != 2 || u > U16_MAX || v > U16_MAX)
			return -EINVAL;
		st->vc_api_major = u;
		st->vc_api_minor = v;
		return 0;
	}
	if (!strcmp(tok, "rx_packets"))
		return kstrtou64(val, 0, &st->rx_packets);
	if (!strcmp(tok, "rx_bytes"))
		return kstrtou64(val, 0, &st->rx_bytes);
	if (!strcmp(tok, "tx_packets"))
		return kstrtou64(val, 0, &st->tx_packets);
	if (!strcmp(tok, "tx_bytes"))
		return kstrtou64(val, 0, &st->tx_bytes);
	if (kstrtou64(val, 0, &u64v))
		return -EINVAL;
	if (!strcmp(tok, "vc_caps") && u64v <= U32_MAX)
		st->vc_caps = u64v;
	else if (!strcmp(tok, "trust") && u64v <= 1)
		st->trust = u64v;
	else if (!strcmp(tok, "spoofchk") && u64v <= 1)
		st->spoofchk = u64v;
	else if (!strcmp(tok, "link_state") && u64v <= ICEMIG_LINK_DISABLE)
		st->link_state = u64v;
	else if (!strcmp(tok, "port_vlan") && u64v <= 4095)
		st->port_vlan = u64v;
	else if (!strcmp(tok, "num_qps") && u64v <= ICEMIG_MAX_QP)
		st->num_qps = u64v;
	else if (!strcmp(tok, "num_msix") && u64v <= U16_MAX)
		st->num_msix = u64v;
	else
		return -EINVAL;
	return 0;
}

static ssize_t sim_state_write(struct file *f, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim_vf *vf = f->private_data;
	struct icemig_stream_err err = {};
	struct icemig_vf_state *st;
	char *text, *p, *tok;
	int ret = 0;

	if (count >= SIM_TEXT_MAX)
		return -EFBIG;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		kfree(text);
		return -ENOMEM;
	}

	mutex_lock(&vf->lock);
	sim_vf_sync(vf);
	*st = vf->st;
	p = text;
	while ((tok = strsep(&p, " \t\n"))) {
		if (!*tok)
			continue;
		ret = sim_apply_token(st, tok);
		if (ret) {
			pci_warn(vf->pf->pdev, "VF %u: debugfs: bad token '%s'\n", vf->id, tok);
			break;
		}
	}
	if (!ret) {
		ret = icemig_state_check(st, &err);
		if (ret)
			pci_warn(vf->pf->pdev, "VF %u: debugfs: state rejected: %s\n",
				 vf->id, err.what);
	}
	if (!ret) {
		vf->st = *st;
		vf->run_since_ns = ktime_get_ns();
	}
	mutex_unlock(&vf->lock);
	kfree(st);
	kfree(text);
	return ret ? ret : count;
}

static const struct file_operations sim_state_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_state_read,
	.write = sim_state_write,
	.llseek = default_llseek,
};

static ssize_t sim_snap_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos, bool loaded)
{
	struct sim_vf *vf = f->private_data;
	struct sim_snapshot s;
	char buf[192];
	int len;

	mutex_lock(&vf->lock);
	s = loaded ? vf->loaded : vf->saved;
	mutex_unlock(&vf->lock);
	len = scnprintf(buf, sizeof(buf),
			"%s=%u bytes=%u rx_packets=%llu rx_bytes=%llu tx_packets=%llu tx_bytes=%llu\n",
			loaded ? "loads" : "saves", s.count, s.bytes, s.rx_packets, s.rx_bytes,
			s.tx_packets, s.tx_bytes);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t sim_saved_read(struct file *f, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	return sim_snap_read(f, ubuf, count, ppos, false);
}

static ssize_t sim_loaded_read(struct file *f, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	return sim_snap_read(f, ubuf, count, ppos, true);
}

static const struct file_operations sim_saved_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_saved_read,
	.llseek = default_llseek,
};

static const struct file_operations sim_loaded_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sim_loaded_read,
	.llseek = default_llseek,
};

/* ---- attach / detach ---- */

static void sim_vf_init(struct sim_pf *spf, struct sim_vf *vf, unsigned int id)
{
	vf->pf = spf;
	vf->id = id;
	mutex_init(&vf->lock);
	/* A fresh VF: locally administered MAC, one unconfigured queue pair. */
	vf->st.mac[0] = 0x02;
	vf->st.mac[3] = spf->pdev->bus->number;
	vf->st.mac[4] = spf->pdev->devfn;
	vf->st.mac[5] = id;
	vf->st.spoofchk = 1;
	vf->st.num_qps = 1;
	vf->st.num_msix = 2;
	vf->st.vc_api_major = 1;
	vf->st.vc_api_minor = 1;
	vf->st.has_stats = 1;
}

static void sim_pf_free(struct sim_pf *spf)
{
	unsigned int i;

	if (spf->registered)
		ice_vfio_pci_unregister_provider(spf->pdev);
	debugfs_remove_recursive(spf->dir);
	for (i = 0; spf->vfs && i < spf->num_vfs; i++)
		mutex_destroy(&spf->vfs[i].lock);
	kfree(spf->vfs);
	pci_dev_put(spf->pdev);
	kfree(spf);
}

static int sim_pf_attach(const char *bdf)
{
	unsigned int dom, bus, dev, fn, i;
	struct pci_dev *pdev;
	struct sim_pf *spf;
	char name[16];
	int total, ret;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4 ||
	    dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7) {
		pr_err("ice_mig_sim: '%s': not a PCI address (DDDD:BB:DD.F)\n", bdf);
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(dev, fn));
	if (!pdev) {
		pr_err("ice_mig_sim: %s: no such PCI device\n", bdf);
		return -ENODEV;
	}
	total = pci_sriov_get_totalvfs(pdev);
	if (!pdev->is_physfn || total <= 0) {
		pci_err(pdev, "ice_mig_sim: not an SR-IOV PF\n");
		pci_dev_put(pdev);
		return -EINVAL;
	}

	spf = kzalloc(sizeof(*spf), GFP_KERNEL);
	if (!spf) {
		pci_dev_put(pdev);
		return -ENOMEM;
	}
	spf->pdev = pdev;
	spf->num_vfs = total;
	spf->vfs = kcalloc(total, sizeof(*spf->vfs), GFP_KERNEL);
	if (!spf->vfs) {
		spf->num_vfs = 0;
		sim_pf_free(spf);
		return -ENOMEM;
	}
	spf->dir = debugfs_create_dir(pci_name(pdev), sim_debugfs_root);
	for (i = 0; i < spf->num_vfs; i++) {
		struct dentry *d;

		sim_vf_init(spf, &spf->vfs[i], i);
		snprintf(name, sizeof(name), "vf%u", i);
		d = debugfs_create_dir(name, spf->dir);
		debugfs_create_file("state", 0600, d, &spf->vfs[i], &sim_state_fops);
		debugfs_create_file("saved", 0400, d, &spf->vfs[i], &sim_saved_fops);
		debugfs_create_file("loaded", 0400, d, &spf->vfs[i], &sim_loaded_fops);
	}
	list_add_tail(&spf->list, &sim_pfs);

	ret = ice_vfio_pci_register_provider(pdev, &sim_provider);
	if (ret) {
		pci_err(pdev, "ice_mig_sim: cannot register provider: %d\n", ret);
		list_del(&spf->list);
		sim_pf_free(spf);
		return ret;
	}
	spf->registered = true;
	pci_info(pdev, "ice_mig_sim: simulated migration provider for %d VFs (test device)\n",
		 total);
	return 0;
}

static void sim_detach_all(void)
{
	struct sim_pf *spf, *tmp;

	list_for_each_entry_safe(spf, tmp, &sim_pfs, list) {
		list_del(&spf->list);
		sim_pf_free(spf);
	}
}

static int __init ice_mig_sim_init(void)
{
	char *list, *p, *bdf;
	int ret = 0;

	if (!pfs || !*pfs) {
		pr_err("ice_mig_sim: no PF given; load with pfs=DDDD:BB:DD.F[,...]\n");
		return -EINVAL;
	}
	list = kstrdup(pfs, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	sim_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	p = list;
	while ((bdf = strsep(&p, ","))) {
		if (!*bdf)
			continue;
		ret = sim_pf_attach(strim(bdf));
		if (ret)
			break;
	}
	kfree(list);
	if (ret) {
		sim_detach_all();
		debugfs_remove_recursive(sim_debugfs_root);
	}
	return ret;
}

static void __exit ice_mig_sim_exit(void)
{
	sim_detach_all();
	debugfs_remove_recursive(sim_debugfs_root);
}

module_init(ice_mig_sim_init);
module_exit(ice_mig_sim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("icemig simulated PF migration provider (test device, not E810 hardware)");
