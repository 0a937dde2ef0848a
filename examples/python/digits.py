"""sparkprop from PySpark: the README's digits model (conf/examples/digits.conf), trained by the
Python API. With the same data and settings it is the model ``sparkprop train`` writes, to the
last bit (bin/test compares the two weights.bin files).

    spark-submit --jars driver/target/sparkprop-app.jar examples/python/digits.py \
        [data/digits.csv] [target/models/digits-python]

It prints each epoch's metrics, saves the model (a sparkprop model directory, which
``sparkprop evaluate`` reads) and checks that the saved model, loaded again, predicts the same.
The data comes from bin/install-data.
"""

import sys

from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession

from sparkprop import SparkpropClassificationModel, SparkpropClassifier


def main(data: str, model_dir: str) -> None:
    # One BLAS thread per task on the executors, as sparkprop train's sessions set it (see the
    # README's BLAS threads); the driver takes it from its environment (OPENBLAS_NUM_THREADS=1)
    spark = (SparkSession.builder.appName("sparkprop digits from Python")
             .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1").getOrCreate())
    # spark-submit's default logging is Spark's INFO lines; this script prints what matters itself
    spark.sparkContext.setLogLevel("WARN")
    # As sparkprop train reads a CSV: a header, and the column types inferred (64 pixels, a label)
    digits = spark.read.csv(data, header=True, inferSchema=True)
    pixels = [c for c in digits.columns if c != "label"]
    rows = VectorAssembler(inputCols=pixels, outputCol="features").transform(digits)

    # conf/examples/digits.conf's settings; the estimator's defaults are reference.conf's, as for train
    classifier = SparkpropClassifier(
        layers="64,64:relu,10:softmax",
        optimizer="adam",
        learningRate=0.003,
        epochs=15,
        batchRows=64,
        validationFraction=0.25,
    )
    model = classifier.fit(rows)

    for epoch in model.summary.epochs:
        print(" ".join(f"{name}={value:.6g}" for name, value in epoch.items()))
    model.write().overwrite().save(model_dir)

    predictions = model.transform(rows)
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(predictions)
    reloaded = SparkpropClassificationModel.load(model_dir).transform(rows)
    agrees = (
        predictions.select("probability").collect() == reloaded.select("probability").collect()
    )
    last = model.summary.epochs[-1]
    print(f"final validation_accuracy={last['validation_accuracy']:.4f} accuracy_all_rows={accuracy:.4f}"
          f" model={model_dir} reload_agrees={str(agrees).lower()}")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/digits.csv",
         sys.argv[2] if len(sys.argv) > 2 else "target/models/digits-python")
