#!/usr/bin/env python3
"""Write vstop's Grafana dashboard (contrib/grafana/vstop.json) from the panels below.

The dashboard is made, not edited: change a panel here, run this, commit both
(t/grafana.sh fails when they differ, and runs every query against a real
Prometheus scraping vstopd). Each query names series of vstopd's catalog
(model/host_series.c, vstopd(8)); $instance picks hosts.
"""
import json
import sys

SEL = 'instance=~"$instance"'

# (row, title, type, unit, [(expr, legend)], description)
PANELS = [
    ("Host", "vCPU overcommit", "stat", "none",
     [(f"vstop_host_vcpu_overcommit_ratio{{{SEL}}}", "{{instance}}")],
     "Online vCPUs of running domains per physical CPU."),
    ("Host", "Memory overcommit", "stat", "none",
     [(f"vstop_host_memory_overcommit_ratio{{{SEL}}}", "{{instance}}")],
     "Sum of the domains' maximum memory per byte of host memory."),
    ("Host", "CPU saturation", "timeseries", "percentunit",
     [(f"vstop_host_cpu_saturation_ratio{{{SEL}}}", "{{instance}}")],
     "The domains' CPU over all pCPUs."),
    ("Host", "Worst and mean guest steal", "timeseries", "percentunit",
     [(f"vstop_host_steal_max_ratio{{{SEL}}}", "worst {{instance}}"),
      (f"vstop_host_steal_mean_ratio{{{SEL}}}", "mean {{instance}}")],
     "Over the guests whose steal is known."),
    ("Guests", "Steal by guest", "timeseries", "percentunit",
     [(f"vstop_domain_steal_ratio{{{SEL}}}", "{{instance}} {{domain}}")],
     "The share of each guest's vCPU time it waited for a physical CPU."),
    ("Guests", "CPU by guest", "timeseries", "percentunit",
     [(f"vstop_domain_cpu_usage_ratio{{{SEL}}}", "{{instance}} {{domain}}")],
     "1 = one CPU busy."),
    ("Guests", "Who took it: steal by thief", "timeseries", "percentunit",
     [(f"topk(10, rate(vstop_domain_steal_by_seconds_total{{{SEL}}}[$__rate_interval]))",
       "{{domain}} waited for {{thief}}")],
     "Who ran while each guest waited (the hypervisor's trace, KVM schedstat)."),
    ("Guests", "Why it waited", "timeseries", "percentunit",
     [(f"sum by (instance, domain, reason) (rate(vstop_domain_wait_seconds_total{{{SEL}}}[$__rate_interval]))",
       "{{domain}} {{reason}}")],
     "Neighbors, its own cap, or itself (its own vCPUs)."),
    ("Guests", "Noisy neighbors", "timeseries", "percentunit",
     [(f"vstop_domain_noisy_ratio{{{SEL}}}", "{{instance}} {{domain}}")],
     "A guest's share of the host's waiting: what the others waited while it ran."),
    ("Disks and memory", "Disk latency over its usual", "timeseries", "x",
     [(f"vstop_domain_disk_latency_baseline_ratio{{{SEL}}}", "{{instance}} {{domain}}")],
     "The host device under each guest's disks: its latency over its own baseline."),
    ("Disks and memory", "Host devices: request latency", "timeseries", "s",
     [(f"vstop_host_disk_await_seconds{{{SEL}}}", "{{instance}} {{disk}}")],
     "Mean latency of the host devices under the guests' disks."),
    ("Disks and memory", "Share of its device's I/O", "timeseries", "percentunit",
     [(f"vstop_domain_io_share_ratio{{{SEL}}}", "{{instance}} {{domain}}")],
     "Who moves the bytes of the device a victim shares."),
    ("Disks and memory", "Host memory stall", "timeseries", "percentunit",
     [(f"vstop_host_memory_stall_ratio{{{SEL}}}", "{{instance}}")],
     "PSI memory \"some\": tasks stalled on reclaim or swap-in (KVM hosts)."),
    ("Disks and memory", "Guest memory in swap", "timeseries", "bytes",
     [(f"vstop_domain_swap_bytes{{{SEL}}}", "{{instance}} {{domain}}")],
     "Each VM's memory the host has in swap (its QEMU's VmSwap)."),
    ("Disks and memory", "Guest memory and io stall", "timeseries", "percentunit",
     [(f"rate(vstop_domain_pressure_stalled_seconds_total{{{SEL}}}[$__rate_interval])",
       "{{domain}} {{resource}}")],
     "Each VM's own cgroup: its stall on memory and on its disks."),
    ("vstopd", "Alarms firing", "table", "none",
     [(f"vstop_alert_active{{{SEL}}} == 1", "")],
     "vstopd's alarms now (rule, subject, severity)."),
    ("vstopd", "Sample cost", "timeseries", "s",
     [(f"vstop_scrape_duration_seconds{{{SEL}}}", "{{instance}} sample"),
      (f"rate(process_cpu_seconds_total{{{SEL}}}[$__rate_interval])", "{{instance}} CPU")],
     "Time one sample takes, and vstopd's CPU (seconds per second)."),
    ("vstopd", "Failed samples and missed deadlines", "timeseries", "short",
     [(f"increase(vstop_samples_failed_total{{{SEL}}}[$__rate_interval])", "{{instance}} failed"),
      (f"increase(vstop_deadlines_missed_total{{{SEL}}}[$__rate_interval])", "{{instance}} missed")],
     "Both stay 0 on a healthy host."),
    ("vstopd", "Version", "table", "none",
     [(f"vstop_build_info{{{SEL}}}", "")],
     "Which vstopd runs where (version, commit)."),
]


def panel(i, x, y, title, kind, unit, targets, description):
    return {
        "id": i + 1,
        "type": kind,
        "title": title,
        "description": description,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {},
        "targets": [
            {"refId": chr(ord("A") + k), "expr": expr, "legendFormat": legend,
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             **({"format": "table", "instant": True} if kind == "table" else {})}
            for k, (expr, legend) in enumerate(targets)
        ],
    }


def dashboard():
    panels, y, col, row_seen = [], 0, 0, None
    for i, (row, title, kind, unit, targets, description) in enumerate(PANELS):
        if row != row_seen:  # a row's title, then its panels two abreast
            y += 8 if col else 0
            panels.append({"id": 100 + len(panels), "type": "row", "title": row, "collapsed": False,
                           "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
            y, col, row_seen = y + 1, 0, row
        panels.append(panel(i, 12 * col, y, title, kind, unit, targets, description))
        col ^= 1
        y += 8 if not col else 0
    return {
        "title": "vstop: steal time and noisy neighbors",
        "uid": "vstop",
        "description": "Made by contrib/grafana/dashboard.py from vstopd's series; do not edit by hand.",
        "tags": ["vstop", "virtualization"],
        "timezone": "browser",
        "schemaVersion": 36,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus"},
            {"name": "instance", "label": "Host", "type": "query",
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(vstop_host_domains, instance)", "refId": "instance"},
             "definition": "label_values(vstop_host_domains, instance)",
             "refresh": 2, "multi": True, "includeAll": True, "current": {}},
        ]},
        "panels": panels,
    }


if __name__ == "__main__":
    json.dump(dashboard(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    sys.exit(0)
