"""What the Python API adds to a fit: SparkpropClassifier.fit from Python against the same fit
called on the JVM estimator directly through py4j, in one local[2] session on iris.

    python/.venv/bin/python python/benchmarks/fit_overhead.py [ROUNDS]

(after bin/test-python has installed the package). Each round times, in alternation, (a) the
Python fit (params to the JVM, the JVM fit, the Python model built and given the params) and
(b) only the JVM fit, one py4j call; after two warm-up rounds it prints the medians and their
difference, and separately the Python-side steps alone (params to the JVM, model wrapper),
which is the overhead without the noise of two training runs.
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pyspark.ml.feature import VectorAssembler  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

import sparkprop  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def main(rounds: int) -> None:
    spark = (SparkSession.builder.master("local[2]").config("spark.jars", sparkprop.jar_path())
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    iris = spark.read.csv(str(REPO / "data" / "iris.csv"), header=True, inferSchema=True)
    rows = VectorAssembler(inputCols=["x1", "x2", "x3", "x4"], outputCol="features").transform(iris).cache()
    rows.count()
    classifier = sparkprop.SparkpropClassifier(layers="4,16:relu,3:softmax", learningRate=0.01, epochs=5,
                                               batchRows=32)
    python_fit, jvm_fit, python_steps = [], [], []
    for r in range(rounds + 2):
        t = time.perf_counter()
        model = classifier.fit(rows)
        a = time.perf_counter() - t
        t = time.perf_counter()
        java_model = classifier._java_obj.fit(rows._jdf)
        b = time.perf_counter() - t
        # The Python side alone: what fit does besides the JVM's fit
        t = time.perf_counter()
        classifier._transfer_params_to_java()
        wrapped = classifier._copyValues(classifier._create_model(java_model))
        c = time.perf_counter() - t
        assert wrapped.weights() == model.weights(), "the same training both ways"
        if r >= 2:
            python_fit.append(a)
            jvm_fit.append(b)
            python_steps.append(c)
    pf, jf = statistics.median(python_fit), statistics.median(jvm_fit)
    print(f"rounds={rounds} python_fit_median_s={pf:.3f} jvm_fit_median_s={jf:.3f} difference_s={pf - jf:.3f}")
    print(f"python_side_steps_median_s={statistics.median(python_steps):.3f}"
          f" max_s={max(python_steps):.3f} (params to the JVM, model wrapper and its params)")
    spark.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
