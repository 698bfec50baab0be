// SPDX-License-Identifier: GPL-2.0-only
/*
 * icemig: command layer. Parses arguments, calls the library (bdf, sysfs,
 * pci, provider, reserve, vf, hook) and prints. A kmod-like command table:
 * "icemig <command> [<subcommand>] [args]".
 *
 * Exit status: 0 success, 1 the operation failed (message on stderr),
 * 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bdf.h"
#include "hook.h"
#include "pci.h"
#include "provider.h"
#include "util.h"
#include "vf.h"

#define EXIT_USAGE 2

#ifndef ICEMIG_VERSION
#define ICEMIG_VERSION "0.1"
#endif

struct command {
	const char *name;
	int (*run)(const struct command *cmd, const char *path, int argc, char **argv);
	const char *usage; /* arguments after the command path */
	const char *help; /* description printed by --help */
	const struct command *sub;
};

static const char *prog = "icemig";

static int fail(const struct icemig_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg[0] ? err->msg : "failed");
	return EXIT_FAILURE;
}

static int usage_error(const char *path, const struct command *cmd, const char *fmt, ...)
	ICEMIG_PRINTF(3, 4);

static int usage_error(const char *path, const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s %s\nTry '%s --help'.\n", path, cmd->usage, path);
	return EXIT_USAGE;
}

static void print_help(const char *path, const struct command *cmd)
{
	printf("Usage: %s %s\n\n%s", path, cmd->usage, cmd->help);
}

/* ---- vf create ----------------------------------------------------------- */

static int cmd_vf_create(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_err err = { 0 };
	struct icemig_bdf pf, *vfs = NULL;
	char name[ICEMIG_BDF_LEN];
	unsigned long n;
	bool force = false, changed;
	size_t nvfs, i;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			print_help(path, cmd);
			return EXIT_SUCCESS;
		default:
			return usage_error(path, cmd, "invalid option");
		}
	}
	if (argc - optind != 2)
		return usage_error(path, cmd, "expected PF and N");
	if (icemig_parse_ulong(argv[optind + 1], 10, 65535, &n))
		return usage_error(path, cmd, "N: '%.32s' is not a number of VFs",
				   argv[optind + 1]);
	if (icemig_pf_resolve(argv[optind], &pf, &err))
		return fail(&err);
	if (icemig_vf_create(&pf, n, force, &vfs, &nvfs, &changed, &err))
		return fail(&err);
	if (!changed)
		fprintf(stderr, "%s: %s: already has %lu VFs; nothing written\n", prog,
			icemig_bdf_format(&pf, name), n);
	for (i = 0; i < nvfs; i++)
		printf("%s\n", icemig_bdf_format(&vfs[i], name));
	free(vfs);
	return fflush(stdout) == EOF ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- vf bind ------------------------------------------------------------- */

static int cmd_vf_bind(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *driver = ICEMIG_VARIANT_DRIVER;
	struct icemig_err err = { 0 };
	enum icemig_bind_status *st;
	struct icemig_bdf *bdfs;
	char name[ICEMIG_BDF_LEN];
	size_t n, i;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			driver = optarg;
			break;
		case 'h':
			print_help(path, cmd);
			return EXIT_SUCCESS;
		default:
			return usage_error(path, cmd, "invalid option");
		}
	}
	if (optind >= argc)
		return usage_error(path, cmd, "expected at least one BDF");
	if (!icemig_driver_name_valid(driver))
		return usage_error(path, cmd, "--driver: '%.64s' is not a valid driver name",
				   driver);
	n = (size_t)(argc - optind);
	bdfs = calloc(n, sizeof(*bdfs));
	st = calloc(n, sizeof(*st));
	if (!bdfs || !st) {
		free(bdfs);
		free(st);
		icemig_err_set(&err, ENOMEM, "out of memory");
		return fail(&err);
	}
	for (i = 0; i < n; i++) {
		if (icemig_bdf_parse(argv[optind + (int)i], &bdfs[i])) {
			free(bdfs);
			free(st);
			return usage_error(
				path, cmd,
				"'%.64s': not a PCI address DDDD:BB:DD.F (e.g. 0000:af:01.0)",
				argv[optind + (int)i]);
		}
	}
	r = icemig_vf_bind(bdfs, n, driver, st, &err);
	if (!r)
		for (i = 0; i < n; i++)
			printf("%s: %s %s\n", icemig_bdf_format(&bdfs[i], name),
			       st[i] == ICEMIG_BIND_ALREADY ? "already bound to" : "bound to",
			       driver);
	free(bdfs);
	free(st);
	if (r)
		return fail(&err);
	return fflush(stdout) == EOF ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- vf list ------------------------------------------------------------- */

static int cmd_vf_list(const struct command *cmd, const char *path, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct icemig_err err = { 0 };
	struct icemig_vf_table t;
	bool json = false;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			print_help(path, cmd);
			return EXIT_SUCCESS;
		default:
			return usage_error(path, cmd, "invalid option");
		}
	}
	if (optind != argc)
		return usage_error(path, cmd, "unexpected argument '%.64s'", argv[optind]);
	if (icemig_vf_collect(&t, &err))
		return fail(&err);
	r = icemig_vf_render(&t, json, stdout);
	icemig_vf_table_free(&t);
	if (r) {
		icemig_err_set(&err, -r, "writing the list failed");
		return fail(&err);
	}
	return EXIT_SUCCESS;
}

/* ---- hook ---------------------------------------------------------------- */

static int cmd_hook(const struct command *cmd, const char *path, int argc, char **argv)
{
	struct icemig_err err = { 0 };

	/* No option parsing: a domain name may start with '-'. */
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		print_help(path, cmd);
		return EXIT_SUCCESS;
	}
	if (argc != 5)
		return usage_error(path, cmd, "expected 4 arguments, got %d", argc - 1);
	prog = "icemig hook";
	if (icemig_hook_run(argv[1], argv[2], argv[3], argv[4], STDIN_FILENO, stdout, &err))
		return fail(&err);
	return EXIT_SUCCESS;
}

/* ---- tables and dispatch ------------------------------------------------- */

static int cmd_group(const struct command *cmd, const char *path, int argc, char **argv);

static const struct command vf_commands[] = {
	{ "create", cmd_vf_create, "PF N [--force]",
	  "Make the SR-IOV PF have N VFs by writing N to its sriov_numvfs, and print the\n"
	  "VF addresses (from the PF's virtfn0..virtfnN-1 links), one per line.\n"
	  "\n"
	  "  PF        the PF as a PCI address DDDD:BB:DD.F, or a network interface name\n"
	  "  N         1..sriov_totalvfs\n"
	  "  --force   if the PF already has a different nonzero number of VFs, write 0\n"
	  "            first (removes the existing VFs); without it that case fails\n"
	  "\n"
	  "If the PF already has N VFs nothing is written. Exit 0 on success, 1 on\n"
	  "failure, 2 on a usage error.\n",
	  NULL },
	{ "bind", cmd_vf_bind, "BDF... [--driver NAME]",
	  "Bind each device to driver NAME (default ice_vfio_pci) with libvirt's sequence:\n"
	  "write NAME to driver_override, unbind from the current driver, write the BDF\n"
	  "to /sys/bus/pci/drivers_probe, check the driver link names NAME.\n"
	  "\n"
	  "  BDF            VF address DDDD:BB:DD.F (validated before any sysfs access);\n"
	  "                 a device that is not a VF is refused\n"
	  "  --driver NAME  target driver; must be loaded\n"
	  "\n"
	  "A device already bound to NAME is left alone. If any step fails for any\n"
	  "device, every device touched is put back on its previous driver and the\n"
	  "command exits 1 naming the device and the cause. Prints one line per device.\n",
	  NULL },
	{ "list", cmd_vf_list, "[--json]",
	  "List every SR-IOV PF (sriov_totalvfs > 0) and its VFs: PF address, the PF's\n"
	  "migration provider (from /sys/bus/pci/drivers/ice_vfio_pci/providers), VF\n"
	  "index and address, bound driver, IOMMU group, and the domain holding a\n"
	  "reservation on the VF. Absent values are '-' in text and null in JSON.\n"
	  "\n"
	  "  --json   print {\"ice_vfio_pci_loaded\": bool, \"vfs\": [ {\"pf\", \"provider\",\n"
	  "           \"index\", \"vf\", \"driver\", \"iommu_group\", \"reserved_by\"}, ... ]}\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command top_commands[] = {
	{ "vf", cmd_group, "COMMAND [ARGS]",
	  "VF provisioning commands:\n"
	  "  create PF N [--force]        set the number of VFs of a PF\n"
	  "  bind BDF... [--driver NAME]  bind VFs to a driver (default ice_vfio_pci)\n"
	  "  list [--json]                list SR-IOV PFs and VFs\n",
	  vf_commands },
	{ "hook", cmd_hook, "DOMAIN OP SUBOP EXTRA",
	  "libvirt qemu hook entry point (https://libvirt.org/hooks.html); the domain XML\n"
	  "is on stdin. Installed as /etc/libvirt/hooks/qemu.d/icemig (libvirt-hooks/icemig).\n"
	  "\n"
	  "  migrate begin  (destination) for each <hostdev type='pci'> or\n"
	  "                 <interface type='hostdev'> whose <driver> has\n"
	  "                 model='ice_vfio_pci': reserve a free local VF whose PF has a\n"
	  "                 migration provider, rewrite its <source><address>, print the\n"
	  "                 whole XML. No such hostdev: print nothing (libvirt keeps its\n"
	  "                 XML). No suitable VF: exit 1, message on stderr, nothing\n"
	  "                 printed, no reservation left. Input capped at 4 MiB.\n"
	  "                 A reservation older than ICEMIG_STALE_SECONDS whose domain\n"
	  "                 libvirt does not run here is reclaimed.\n"
	  "  release end    remove the reservations held by DOMAIN.\n"
	  "  anything else  exit 0 at once; stdin is not read.\n",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command root_command = {
	"icemig",
	cmd_group,
	"COMMAND [ARGS]",
	"Live migration of VMs with Intel E810 SR-IOV VFs: provisioning and libvirt hook.\n"
	"\n"
	"Commands:\n"
	"  vf create PF N [--force]      set the number of VFs of a PF, print their BDFs\n"
	"  vf bind BDF... [--driver D]   bind VFs to D (default ice_vfio_pci), rolling back on failure\n"
	"  vf list [--json]              list SR-IOV PFs, VFs, drivers, providers\n"
	"  hook DOMAIN OP SUBOP EXTRA    libvirt qemu hook entry point\n"
	"\n"
	"'icemig COMMAND --help' describes a command.\n"
	"\n"
	"Environment:\n"
	"  ICEMIG_SYSFS_ROOT  sysfs root (default /sys)\n"
	"  ICEMIG_RUNDIR      run directory holding the VF reservations (default /run/icemig)\n"
	"  ICEMIG_LIBVIRT_STATEDIR  libvirt's qemu status directory, to tell stale\n"
	"                     reservations (default /run/libvirt/qemu)\n"
	"  ICEMIG_STALE_SECONDS  age after which a reservation of a domain that is not\n"
	"                     running here is reclaimed (default 600)\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n",
	top_commands,
};

static int cmd_group(const struct command *cmd, const char *path, int argc, char **argv)
{
	const struct command *c;
	char subpath[128];

	if (argc < 2)
		return usage_error(path, cmd, "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_help(path, cmd);
		return EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "--version") && cmd == &root_command) {
		printf("icemig %s\n", ICEMIG_VERSION);
		return EXIT_SUCCESS;
	}
	for (c = cmd->sub; c && c->name; c++) {
		if (strcmp(c->name, argv[1]))
			continue;
		if ((size_t)snprintf(subpath, sizeof(subpath), "%s %s", path, c->name) >=
		    sizeof(subpath))
			return EXIT_USAGE;
		return c->run(c, subpath, argc - 1, argv + 1);
	}
	return usage_error(path, cmd, "unknown command '%.64s'", argv[1]);
}

int main(int argc, char **argv)
{
	int r;

	r = cmd_group(&root_command, "icemig", argc, argv);
	xmlCleanupParser();
	return r;
}
