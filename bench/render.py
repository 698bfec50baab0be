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
  ram     KIND MIB DOWNTIME_MS TOTAL_MS DATA_B PREDICTED_MS PRECOPY_PREDICTED_MS BW_SOURCE
          (KIND: vf, vf-limit300, novf, and the -warm legs; runs before 7ee360b: vf-raised)

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
    ram = []
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
            elif kind == "ram":
                m = [num(x) for x in rest[1:7]]
                ram.append({"kind": rest[0], "mib": m[0], "downtime_ms": m[1],
                            "total_time_ms": m[2], "data_bytes": m[3], "predicted_ms": m[4],
                            "precopy_predicted_ms": m[5], "bandwidth_source": rest[7]})
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
    ram_doc = ram_series(ram)
    doc = {"meta": meta, "note": "emulated rig (QEMU TCG hosts, igb PF); VF state from "
           "ice_mig_sim, a simulated provider: test-device figures, not E810 figures",
           "migration": migration, "kernel_save_load": kernel, "hook": hooks,
           "provision": provision, "ram_series": ram_doc}
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

    if ram_doc["rows"]:
        print_ram(ram_doc)


def slope(points):
    """Least-squares fit y = a + b x; returns (a, b) or (None, None)."""
    pts = [(x, y) for x, y in points if x is not None and y is not None]
    if len(pts) < 2 or len({x for x, _ in pts}) < 2:
        return None, None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    b = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    return round(my - b * mx, 1), round(b, 3)


def err_pct(pred, actual):
    if pred is None or not actual:
        return None
    return round(100.0 * (pred - actual) / actual, 1)


def ram_series(ram):
    """Downtime against guest RAM: one row per size, the fitted slopes."""
    rows = []
    for mib in sorted({r["mib"] for r in ram}):
        by = {r["kind"]: r for r in ram if r["mib"] == mib}
        vf, novf = by.get("vf", {}), by.get("novf", {})
        # the other limit: 300 ms since 7ee360b (vf is the raised one), the
        # raised one before (vf was icemig's then 300 ms default)
        lim = by.get("vf-limit300") or by.get("vf-raised") or {}
        rows.append({"mib": mib, "vf_downtime_ms": vf.get("downtime_ms"),
                     "vf_other_limit_downtime_ms": lim.get("downtime_ms"),
                     "novf_downtime_ms": novf.get("downtime_ms"),
                     "vf_total_time_ms": vf.get("total_time_ms"),
                     "vf_other_limit_total_time_ms": lim.get("total_time_ms"),
                     "novf_total_time_ms": novf.get("total_time_ms"),
                     "predicted_ms": vf.get("predicted_ms"),
                     "prediction_error_percent": err_pct(vf.get("predicted_ms"),
                                                         vf.get("downtime_ms")),
                     "bandwidth_source": vf.get("bandwidth_source"),
                     "precopy_predicted_ms": vf.get("precopy_predicted_ms"),
                     "precopy_error_percent": err_pct(vf.get("precopy_predicted_ms"),
                                                      vf.get("downtime_ms"))})
    fits = {}
    for k in ("vf_downtime_ms", "vf_other_limit_downtime_ms", "novf_downtime_ms"):
        a, b = slope([(r["mib"], r[k]) for r in rows])
        fits[k] = {"intercept_ms": a, "ms_per_mib": b}
    return {"guest": "multiboot pattern guest (tests/rig/guest/pattern.S): all RAM above "
            "2 MiB non-zero", "tool": "icemig migrate --json, h2 -> h1 after a warm-up h1 -> h2, with the "
            "domain XML's limit (QEMU's maximum); other limit: then h1 -> h2 with "
            "--max-downtime 300 (QEMU's default)",
            "rows": rows, "fit": fits, "raw": ram}


def print_ram(doc):
    p = print
    p("")
    p("Downtime against guest RAM, guest memory filled with a non-zero pattern (icemig migrate)")
    p(f"  {'MiB':>5} {'VF ms':>8} {'VF other limit':>15} {'no VF ms':>9}"
      f" {'predicted':>10} {'error %':>8} {'pre-copy pred.':>15} {'error %':>8}")
    for r in doc["rows"]:
        p(f"  {fmt(r['mib']):>5} {fmt(r['vf_downtime_ms']):>8} {fmt(r['vf_other_limit_downtime_ms']):>15}"
          f" {fmt(r['novf_downtime_ms']):>9} {fmt(r['predicted_ms']):>10}"
          f" {fmt(r['prediction_error_percent'], 1):>8} {fmt(r['precopy_predicted_ms']):>15}"
          f" {fmt(r['precopy_error_percent'], 1):>8}")
    p("  total time (ms):     " + "  ".join(
        f"{fmt(r['mib'])} MiB: VF {fmt(r['vf_total_time_ms'])}, VF other limit "
        f"{fmt(r['vf_other_limit_total_time_ms'])}, no VF {fmt(r['novf_total_time_ms'])}"
        for r in doc["rows"]))
    for k, label in (("vf_downtime_ms", "with VF"),
                     ("vf_other_limit_downtime_ms", "with VF, other limit"),
                     ("novf_downtime_ms", "without VF")):
        f = doc["fit"][k]
        p(f"  fit {label:24} {fmt(f['ms_per_mib'], 3):>7} ms/MiB + {fmt(f['intercept_ms'], 1)} ms")
    p("  VF: the domain's limit (QEMU's maximum); other limit: 300 ms (runs before 7ee360b:")
    p("  the other way round); predicted: before the start, from the previous migration;")
    p("  error = (predicted - actual) / actual")


if __name__ == "__main__":
    main()
