"""split_csv.py IN OUTDIR TEST_FRACTION SEED: IN's rows (after its header) shuffled with SEED and
split into OUTDIR/train.csv and OUTDIR/test.csv, each with IN's header; the same files for the
same arguments. For data sets that ship as one file (bin/benchmark-steps' digits)."""
import os
import random
import sys

src, out, fraction, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
with open(src) as f:
    header, *rows = f.read().splitlines()
random.Random(seed).shuffle(rows)
n_test = round(len(rows) * fraction)
os.makedirs(out, exist_ok=True)
for name, part in (("test", rows[:n_test]), ("train", rows[n_test:])):
    with open(f"{out}/{name}.csv", "w") as f:
        f.write("\n".join([header, *part]) + "\n")
