#!/usr/bin/env python3
"""Compare the fleet view with what each host's vstopd served.

Usage: fleet_compare.py FLEET.json HOST=SERVED.prom...
FLEET: one line of `vstop -b --json --source=prom:URL`. SERVED: each host's
/metrics at the same sample (its sampler stopped). Every domain a host served is
a row of the fleet view with the same steal, CPU, vCPUs, memory and disk
latency, the host's line has its overcommit and memory stall, and no row is there that the host did not serve.
Prints each difference; exits 1 if any.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prom_sets import parse_text  # noqa: E402


def near(a, b):
    """Equal as far as /metrics says: it writes gauges with six significant digits
    (exporters/metrics.c), the push full doubles, and vstop's JSON six decimals."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 6e-6 * abs(b) + 1e-6


def main():
    fleet = json.loads(open(sys.argv[1], encoding="utf-8").readline())
    bad = 0
    for arg in sys.argv[2:]:
        host, path = arg.split("=", 1)
        served = parse_text(path)

        def by_domain(metric, scale=1.0):
            return {dict(k[1])["domain"]: v * scale for k, v in served.items() if k[0] == metric}

        vcpus = by_domain("vstop_domain_vcpus")
        want = {
            "vcpus": vcpus,
            "mem_bytes": by_domain("vstop_domain_memory_bytes"),
            "cpu_pct": by_domain("vstop_domain_cpu_usage_ratio", 100),
            "steal_pct": by_domain("vstop_domain_steal_ratio", 100),
            "disk_latency_ratio": by_domain("vstop_domain_disk_latency_baseline_ratio"),
        }
        rows = {d["name"]: d for d in fleet["domains"] if d["host"] == host}
        for name in sorted(set(vcpus) | set(rows)):
            if name not in rows:
                print(f"- {host} {name!r}: served, not in the fleet view")
                bad += 1
                continue
            if name not in vcpus:
                print(f"+ {host} {name!r}: in the fleet view, not served")
                bad += 1
                continue
            for field, values in want.items():
                if not near(rows[name][field], values.get(name)):
                    print(f"~ {host} {name!r} {field}: fleet {rows[name][field]}, served {values.get(name)}")
                    bad += 1
        hosts = [h for h in fleet["hosts"] if h["host"] == host]
        if len(hosts) != 1:
            print(f"- {host}: {len(hosts)} host lines")
            bad += 1
            continue
        for field, metric in (("vcpu_overcommit", "vstop_host_vcpu_overcommit_ratio"),
                              ("mem_overcommit", "vstop_host_memory_overcommit_ratio"),
                              ("domains", "vstop_host_domains"),
                              ("mem_stall_pct", "vstop_host_memory_stall_ratio")):
            v = served.get((metric, frozenset()))
            if v is not None and field.endswith("_pct"):
                v *= 100
            if not near(hosts[0][field], v):
                print(f"~ {host} {field}: fleet {hosts[0][field]}, served {v}")
                bad += 1
        print(f"# {host}: {len(rows)} domains compared")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
