#!/usr/bin/env python3
"""spill_data.py OUT.csv: 60,000 rows of 100 standard normal features x0..x99 (seed 7) and a
label in 0..9, the c that maximises x[c] + x[c + 10]: a learnable 10-class problem whose
float32 blocks (24 MB) outgrow a small executor's storage memory."""
import random
import sys

random.seed(7)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"x{i}" for i in range(100)) + ",label\n")
    for _ in range(60000):
        x = [random.gauss(0, 1) for _ in range(100)]
        f.write(",".join(f"{v:.6f}" for v in x) + f",{max(range(10), key=lambda c: x[c] + x[c + 10])}\n")
