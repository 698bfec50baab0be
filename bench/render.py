#!/usr/bin/env python3
"""Render one run of `make bench` (tests/scenarios/bench.sh) as a table on
stdout and as JSON.

Usage: render.py RAW-FILE JSON-OUT

RAW-FILE holds tab-separated rows, one figure set each:
  meta    KEY VALUE...
  hook    WHAT RUNS MEDIAN_MS P99_MS              (make -C helper bench)
  prov    icemig|shell MICROSECONDS               (7 VFs created and bound)
  kernel  QPS VLANS STREAM_B SAVE_MED_US SAVE_P99_US LOAD_MED_US LOAD_P99_US
  mig     vf|novf RUN TOTAL_MS DOWNTIME_MS WALL_MS DATA_B VFIO_B FINAL_B

The table and the JSON carry the same numbers. The VF state comes from
ice_mig_sim, a simulated provider, on emulated hosts: rig figures, never
E810 figures.
"""
import json
import statistics
import sys


def num(s):
    """int or float from text; None for libvirt's missing figures."""
    if s in ("", "-", "None", "null"):
        return None
    try:
        return int(s)
    except ValueError:
        return float(s)


def med(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def fmt(v, nd=0):
    if v is None:
        return "-"
    if isinstance(v, float) and nd:
        return f"{v:.{nd}f}"
    return f"{v:.0f}" if isinstance(v, float) else str(v)


def main():
    raw, out = sys.argv[1], sys.argv[2]
    meta, hooks, prov, kernel = {}, [], {"icemig": [], "shell": []}, []
    mig = {"vf": [], "novf": []}
    with open(raw) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            kind, *rest = line.split("\t") if "\t" in line else line.split(" ", 2)
            if kind == "meta":
                meta[rest[0]] = rest[1] if len(rest) > 1 else ""
            elif kind == "hook":
                hooks.append({"what": rest[0], "runs": num(rest[1]),
                              "median_ms": num(rest[2]), "p99_ms": num(rest[3])})
            elif kind == "prov":
                prov[rest[0]].append(num(rest[1]) / 1000.0)
            elif kind == "kernel":
                k = [num(x) for x in rest]
                kernel.append({"queue_pairs": k[0], "vlan_filters": k[1], "stream_bytes": k[2],
                               "save_median_us": k[3], "save_p99_us": k[4],
                               "load_median_us": k[5], "load_p99_us": k[6]})
            elif kind == "mig":
                m = [num(x) for x in rest[1:]]
                mig[rest[0]].append({"run": m[0], "total_time_ms": m[1], "downtime_ms": m[2],
                                     "wall_time_ms": m[3], "data_bytes": m[4],
                                     "device_state_bytes": m[5], "final_stream_bytes": m[6]})
            else:
                raise SystemExit(f"{raw}: unknown row: {line}")

    keys = ["total_time_ms", "downtime_ms", "wall_time_ms", "data_bytes",
            "device_state_bytes", "final_stream_bytes"]
    migration = {"runs": len(mig["vf"]), "vm": "64 MiB, 1 vCPU, TCG; VF: 16 queue pairs, RSS, "
                 "256 VLAN filters (ice_mig_sim)", "tool": "icemig migrate",
                 "with_vf": {}, "without_vf": {}, "ratio_vf_to_no_vf": {}}
    for side, kind in (("with_vf", "vf"), ("without_vf", "novf")):
        for k in keys:
            runs = [r[k] for r in mig[kind]]
            migration[side][k] = {"median": med(runs), "runs": runs}
    for k in ("total_time_ms", "downtime_ms", "wall_time_ms"):
        migration["ratio_vf_to_no_vf"][k] = ratio(migration["with_vf"][k]["median"],
                                                  migration["without_vf"][k]["median"])
    true_ms = next((h["median_ms"] for h in hooks if h["what"] == "hook that is /bin/true"), None)
    for h in hooks:
        h["ratio_to_true_hook"] = ratio(h["median_ms"], true_ms)
    provision = {"vfs": 7, "where": "inside rig host h1",
                 "icemig_ms": {"median": med(prov["icemig"]), "runs": prov["icemig"]},
                 "shell_loop_ms": {"median": med(prov["shell"]), "runs": prov["shell"]}}
    provision["ratio_icemig_to_shell"] = ratio(provision["icemig_ms"]["median"],
                                               provision["shell_loop_ms"]["median"])
    doc = {"meta": meta, "note": "emulated rig (QEMU TCG hosts, igb PF); VF state from "
           "ice_mig_sim, a simulated provider: test-device figures, not E810 figures",
           "migration": migration, "kernel_save_load": kernel, "hook": hooks,
           "provision": provision}
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

    p = print
    p(f"icemig bench, commit {meta.get('commit', '?')}, {meta.get('date', '?')}")
    p(f"emulated rig ({meta.get('machine', '?')}); VF state from ice_mig_sim, a simulated")
    p("provider: test-device figures on emulated hosts, not E810 figures")
    p("")
    n = migration["runs"]
    p(f"Live migration of the same VM with and without a VF (icemig migrate, h1 <-> h2, median of {n})")
    p(f"  {'':34} {'with VF':>12} {'without VF':>12} {'VF / no VF':>11}")
    rows = [("total time (ms, libvirt)", "total_time_ms", True),
            ("downtime (ms, libvirt)", "downtime_ms", True),
            ("wall time (ms, icemig migrate)", "wall_time_ms", True),
            ("data moved (bytes, libvirt)", "data_bytes", False),
            ("device-state bytes (libvirt VFIO)", "device_state_bytes", False),
            ("final VF stream (bytes, provider)", "final_stream_bytes", False)]
    for label, k, r in rows:
        a, b = migration["with_vf"][k]["median"], migration["without_vf"][k]["median"]
        rr = fmt(migration["ratio_vf_to_no_vf"].get(k), 2) if r else ""
        p(f"  {label:34} {fmt(a):>12} {fmt(b):>12} {rr:>11}")
    for label, k in (("total time runs (ms)", "total_time_ms"), ("downtime runs (ms)", "downtime_ms")):
        p(f"  {label:22} VF: {' '.join(fmt(v) for v in migration['with_vf'][k]['runs'])}"
          f"   no VF: {' '.join(fmt(v) for v in migration['without_vf'][k]['runs'])}")
    p("")
    p(f"ice_vfio_pci save and load through the VFIO uAPI ({meta.get('kernel_cycles', '?')} cycles each, h2)")
    p(f"  {'queue pairs':>11} {'VLANs':>6} {'stream B':>9} {'save med us':>12} {'save p99 us':>12}"
      f" {'load med us':>12} {'load p99 us':>12}")
    for k in kernel:
        p(f"  {k['queue_pairs']:>11} {k['vlan_filters']:>6} {k['stream_bytes']:>9}"
          f" {fmt(k['save_median_us'], 1):>12} {fmt(k['save_p99_us'], 1):>12}"
          f" {fmt(k['load_median_us'], 1):>12} {fmt(k['load_p99_us'], 1):>12}")
    p("")
    p("libvirt hook latency, fork + exec as libvirt runs it (make -C helper bench: build machine, fake sysfs)")
    p(f"  {'':46} {'runs':>5} {'median ms':>10} {'p99 ms':>8} {'/ true hook':>12}")
    for h in hooks:
        p(f"  {h['what']:46} {h['runs']:>5} {fmt(h['median_ms'], 2):>10} {fmt(h['p99_ms'], 2):>8}"
          f" {fmt(h['ratio_to_true_hook'], 2):>12}")
    p("")
    p(f"Creating and binding 7 VFs inside rig host h1 (median of {len(prov['icemig'])})")
    p(f"  {'icemig vf create + icemig vf bind (ms)':46} {fmt(provision['icemig_ms']['median'], 1):>10}"
      f"   runs: {' '.join(fmt(v, 1) for v in prov['icemig'])}")
    p(f"  {'shell loop, the same sysfs writes (ms)':46} {fmt(provision['shell_loop_ms']['median'], 1):>10}"
      f"   runs: {' '.join(fmt(v, 1) for v in prov['shell'])}")
    p(f"  {'ratio icemig / shell loop':46} {fmt(provision['ratio_icemig_to_shell'], 2):>10}")


if __name__ == "__main__":
    main()
