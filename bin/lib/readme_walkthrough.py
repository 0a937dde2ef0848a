"""Reruns the README's PySpark walk-through (the >>> lines of its breast-cancer section) in a
local[*] session with sparkprop's jar, as doctest, and prints each output that differs from the
README's. Run from the checkout, after bin/install-data and bin/python-env --with-package:

    OPENBLAS_NUM_THREADS=1 python/.venv/bin/python bin/lib/readme_walkthrough.py

It writes target/models/cancer, target/models/cancer-pipeline and target/cancer-test.parquet,
which must not exist yet. The uid differs every run; the printed losses and metrics differ in
their last digits with the BLAS kernel the CPU gets (float32 products)."""
import doctest
import re
import sys

from pyspark.sql import SparkSession

import sparkprop

README = "README.md"
FIRST = "### A walk-through: breast cancer diagnosis"
AFTER = "### Params, models, errors"


def main():
    text = open(README, encoding="utf-8").read()
    section = text[text.index(FIRST):text.index(AFTER)]
    examples = "\n".join(block for block in re.findall(r"```python\n(.*?)```", section, re.S) if ">>>" in block)
    spark = (SparkSession.builder.config("spark.jars", sparkprop.jar_path())
             .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    test = doctest.DocTestParser().get_doctest(examples, {"spark": spark}, "walk-through", README, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=sys.stdout.write)
    failed, attempted = runner.summarize(verbose=False)
    print(f"{attempted - failed} of {attempted} outputs as the README shows them")
    spark.stop()


if __name__ == "__main__":
    main()
