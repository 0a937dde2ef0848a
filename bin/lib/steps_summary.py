"""steps_summary.py DIR DATASET...: bin/benchmark-steps' summary: the `result` lines of the runs
in DIR (steps.out, steps-cluster.out, and tta-D-local2.out, tta-D-cluster.out, tta-D-pytorch.out
for each data set D) set beside issue 14's targets. A run that is missing or did not reach its target shows as such."""
import math
import os
import sys

directory, datasets = sys.argv[1], sys.argv[2].split()


def results(name):
    """The result lines of run NAME as dicts of their key=value fields; [] when it did not run."""
    path = os.path.join(directory, name + ".out")
    if not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("result "):
                rows.append(dict(field.split("=", 1) for field in line.split()[1:] if "=" in field))
    return rows


def pick(rows, **match):
    return [r for r in rows if all(r.get(k) == str(v) for k, v in match.items())]


def seconds(row):
    """Time to the target; inf when not reached."""
    if row is None or row.get("reached", "true") != "true":
        return math.inf
    return float(row.get("seconds", row.get("median_seconds", "inf")))


def one(rows):
    return rows[0] if rows else None


def fmt(x, unit=" s"):
    return "-" if x is None else ("not reached" if math.isinf(x) else f"{x:.2f}{unit}")


lines = []


def verdict(what, figure, ratio, ok):
    state = "n/a" if ratio is None or math.isnan(ratio) or math.isinf(ratio) else ("met" if ok(ratio) else "missed")
    lines.append((what, figure, state))


for run, where in (("steps", "local[2]"), ("steps-cluster", "two-worker cluster")):
    steps = one(pick(results(run), size="small"))
    if steps is None and os.path.exists(os.path.join(directory, run + ".out")):
        lines.append((f"small network (steps), {where}: no result (the run failed)", "", "n/a"))
    if steps:
        verdict(f"small network (steps), {where}: training rows/s, k = {steps['local_steps']} over k = 1 (>= 10)",
                f"{float(steps['local_rows_per_s']):,.0f} / {float(steps['exact_rows_per_s']):,.0f} = "
                f"{float(steps['ratio']):.1f}x", float(steps["ratio"]), lambda r: r >= 10)

for d in datasets:
    local = results(f"tta-{d}-local2")
    if not local:
        lines.append((f"{d}: no local[2] results", "", "n/a"))
        continue
    chosen = one(pick(local, phase="median", chosen="true"))
    k = int(chosen["k"]) if chosen else 1
    outer = chosen["outer"] if chosen else "-"
    target = chosen["target"] if chosen else "?"
    k1_median = seconds(one(pick(local, phase="median", k=1)))
    k_median = seconds(chosen)
    lines.append((f"{d}: chosen on validation", f"k = {k}, outer {outer}", ""))
    lines.append((f"{d}: local[2] median time to test {target}, k = 1 / k = {k}",
                  f"{fmt(k1_median)} / {fmt(k_median)}", ""))
    validation = pick(local, phase="validation")
    v1 = one(pick(validation, k=1))
    # k = 16 with the chosen outer optimizer when it was tried, else the first
    v16 = one(pick(validation, k=16, outer=outer) or pick(validation, k=16))
    if v1 and v16:
        # Rows/s of a race to a target: a second or less of training on small sets, so only a hint;
        # the steps section's fixed epochs measure the target
        ratio = float(v16["rows_per_s"]) / float(v1["rows_per_s"])
        lines.append((f"{d}: training rows/s to the validation target, k = 16 over k = 1", f"{ratio:.1f}x", ""))
    vk = one(pick(validation, k=k, outer=outer))
    if d != "fashion" and v1 and vk and k != 1:
        ratio = seconds(vk) / seconds(v1)
        points = 100 * (float(vk["accuracy"]) - float(v1["accuracy"]))
        verdict(f"{d}: validation accuracy of k = {k} vs k = 1 (within -0.5 points)",
                f"{float(vk['accuracy']):.4f} vs {float(v1['accuracy']):.4f} ({points:+.2f})", points,
                lambda p: p >= -0.5)
        verdict(f"{d}: time to it, k = {k} over k = 1 (<= 0.33)",
                f"{fmt(seconds(vk))} / {fmt(seconds(v1))} = {ratio:.2f}", ratio, lambda r: r <= 1 / 3)
    torch = one(pick(results(f"tta-{d}-pytorch"), phase="median"))
    if torch:
        t = float(torch["median_seconds"])
        ratio = k_median / t if t > 0 else math.nan
        what = f"{d}: best k (k = {k}) over PyTorch ({torch['threads']} threads), median time to test {target}"
        figure = f"{fmt(k_median)} / {fmt(t)} = {ratio:.2f}"
        if d == "fashion":
            verdict(what + " (<= 0.8)", figure, ratio, lambda r: r <= 0.8)
        else:
            lines.append((what, figure, ""))
        lines.append((f"{d}: PyTorch loading the CSVs and standardising", fmt(float(torch["load_s"])), ""))
    cluster = results(f"tta-{d}-cluster")
    for kk in sorted({1, k}):
        c = one(pick(cluster, phase="test", k=kk))
        here = one(pick(local, phase="test", k=kk, seed=1))
        if c and here and c["outer"] != here["outer"]:
            continue
        if c and here:
            ratio = seconds(c) / seconds(here)
            verdict(f"{d}: two-worker cluster over local[2], k = {kk}, seed 1 (<= 1.5)",
                    f"{fmt(seconds(c))} / {fmt(seconds(here))} = {ratio:.2f}", ratio, lambda r: r <= 1.5)

if not lines:
    lines.append(("no results", "", ""))
width = max(len(w) for w, _, _ in lines)
fwidth = max(len(f) for _, f, _ in lines)
for what, figure, state in lines:
    print(f"{what:<{width}}  {figure:<{fwidth}}  {state}")
print("(load average at the end: " + " ".join(open("/proc/loadavg").read().split()[:3]) + ")")
