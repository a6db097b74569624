#!/usr/bin/env python3
"""Compare one sample as /metrics served it with what a receiver stored.

Usage: prom_sets.py SERVED.prom STORED.json
SERVED: the Prometheus text format. STORED: the answer of Prometheus'
/api/v1/query for {instance="..."}[10m] (a matrix). The sample is the one whose
vstop_samples_total equals the served one. Prints the differences (one per
line, '-' served only, '+' stored only, '~' value differs); exits 1 if any.
The target labels (instance, job) are checked apart: every stored series has
the job given as the third argument.
"""
import json
import sys


def parse_text(path):
    """{(name, frozenset(labels)): value} from the text format, escapes and all."""
    out = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        i, name, labels = 0, "", {}
        while i < len(line) and line[i] not in "{ ":
            name += line[i]
            i += 1
        if line[i] == "{":
            i += 1
            while line[i] != "}":
                eq = line.index("=", i)
                key = line[i:eq].lstrip(",")
                i = eq + 2  # past ="
                val = ""
                while line[i] != '"':
                    if line[i] == "\\":
                        val += {"n": "\n", "\\": "\\", '"': '"'}[line[i + 1]]
                        i += 2
                    else:
                        val += line[i]
                        i += 1
                labels[key] = val
                i += 1
                if line[i] == ",":
                    i += 1
            i += 1
        out[(name, frozenset(labels.items()))] = float(line[i:].strip())
    return out


def main():
    served = parse_text(sys.argv[1])
    stored_all = json.load(open(sys.argv[2]))["data"]["result"]
    job = sys.argv[3]
    samples = {k: v for k, v in served.items() if k[0] == "vstop_samples_total"}
    want = float(list(samples.values())[0])
    ts = None
    for s in stored_all:
        if s["metric"]["__name__"] == "vstop_samples_total":
            for t, v in s["values"]:
                if float(v) == want:
                    ts = t
    if ts is None:
        print(f"no stored sample with vstop_samples_total = {want}")
        return 1
    stored, bad = {}, 0
    for s in stored_all:
        m = dict(s["metric"])
        if m.pop("job", None) != job:
            print(f"job label missing or wrong on {m}")
            bad += 1
        m.pop("instance")
        name = m.pop("__name__")
        for t, v in s["values"]:
            if t == ts:
                stored[(name, frozenset(m.items()))] = float(v)
    for k in sorted(set(served) - set(stored), key=str):
        print("-", k[0], dict(k[1]))
        bad += 1
    for k in sorted(set(stored) - set(served), key=str):
        print("+", k[0], dict(k[1]))
        bad += 1
    # The model's figures are the same numbers (the daemon's own CPU and
    # health counters move between the push and the render of one sample).
    for k in set(served) & set(stored):
        if not k[0].startswith(("vstop_domain_", "vstop_host_", "vstop_cpu", "vstop_steal")):
            continue
        a, b = served[k], stored[k]
        if abs(a - b) > 1e-5 * max(1.0, abs(a), abs(b)):
            print("~", k[0], dict(k[1]), a, b)
            bad += 1
    print(f"# {len(served)} series served, {len(stored)} stored for that sample")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
