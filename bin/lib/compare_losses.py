#!/usr/bin/env python3
"""compare_losses.py A.out B.out: two `sparkprop train` outputs (the first named cluster, the
second local) have the same train_loss in every `epoch ...` line and in the `final ...` line,
to 1e-9 relative. The losses are printed to 12 significant digits, enough for that comparison.
Prints the comparison; exits 1 when they differ."""
import re
import sys


def losses(path):
    epochs, final = [], None
    for line in open(path):
        m = re.search(r"train_loss=(\S+)", line)
        if not m:
            continue
        if line.startswith("final "):
            final = float(m.group(1))
        elif line.startswith("epoch "):
            epochs.append(float(m.group(1)))
    return epochs, final


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


(ce, cf), (le, lf) = losses(sys.argv[1]), losses(sys.argv[2])
print(f"final train_loss: cluster={cf!r} local={lf!r}")
ok = cf is not None and lf is not None and close(cf, lf)
if len(ce) != len(le) or not ce:
    print(f"epoch lines: cluster {len(ce)}, local {len(le)}")
    ok = False
else:
    bad = [(i + 1, c, l) for i, (c, l) in enumerate(zip(ce, le)) if not close(c, l)]
    print(f"epoch train_loss: {len(ce) - len(bad)}/{len(ce)} epochs equal")
    for epoch, c, l in bad:
        print(f"  epoch {epoch}: cluster={c!r} local={l!r}")
    ok = ok and not bad
sys.exit(0 if ok else 1)
