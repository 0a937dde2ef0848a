"""The Python estimators run sparkprop train's training: the same data and settings give the
CLI's weights to the last bit, and models move between Python, Java and the CLI unchanged."""

import json
import re
import subprocess
from pathlib import Path

from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import DataFrame

from conftest import REPO, dataset
from sparkprop import SparkpropClassificationModel, SparkpropClassifier


def train_as_the_cli(spark, config: str, *overrides: str) -> None:
    """sparkprop train --config CONFIG --set OVERRIDE...: the command's job, run in this session."""
    jvm = spark._jvm
    job = jvm.dev.sparkprop.driver.config.JobConfigLoader.load(config, list(overrides))
    quiet = jvm.java.io.PrintStream(jvm.java.io.ByteArrayOutputStream())
    jvm.dev.sparkprop.driver.job.TrainJob(job, spark._jsparkSession, quiet).run()


def probabilities(df):
    return [r.probability.toArray().tolist() for r in df.select("probability").collect()]


def test_the_estimator_trains_the_clis_digits_model_to_the_last_bit(spark, digits, tmp_path):
    # conf/examples/digits.conf, the README's model, for 3 of its 15 epochs (the code path is the same)
    cli_dir = str(tmp_path / "cli")
    train_as_the_cli(spark, str(REPO / "conf" / "examples" / "digits.conf"), f"data.path={dataset('digits.csv')}",
                     "training.epochs=3", f"output.model_path={cli_dir}")
    model = SparkpropClassifier(layers="64,64:relu,10:softmax", optimizer="adam", learningRate=0.003, epochs=3,
                                batchRows=64, validationFraction=0.25).fit(digits)
    python_dir = str(tmp_path / "python")
    model.write().save(python_dir)

    cli_config = json.loads(Path(cli_dir, "metadata.json").read_text())["config"]
    for key, value in cli_config.items():
        if not key.startswith(("data.", "output.")) or key in ("data.standardize", "data.validation_fraction"):
            assert model.trainingConfig()[key] == value, f"{key}: the same settings both ways"
    assert Path(python_dir, "weights.bin").read_bytes() == Path(cli_dir, "weights.bin").read_bytes()
    history = json.loads(Path(cli_dir, "metadata.json").read_text())["history"]
    assert model.summary.epochs == [e["metrics"] for e in history]

    # The CLI's model reads the 64 named pixel columns, with the preprocessing it learned
    from_cli = SparkpropClassificationModel.load(cli_dir)
    assert probabilities(from_cli.transform(digits)) == probabilities(model.transform(digits))


def test_a_model_saved_from_python_is_read_by_java_and_sparkprop_evaluate_and_back(spark, iris, tmp_path):
    rows = VectorAssembler(inputCols=["x1", "x2", "x3", "x4"], outputCol="features").transform(iris)
    model = SparkpropClassifier(layers="4,8:tanh,3:softmax", learningRate=0.05, epochs=10).fit(rows)
    expected = probabilities(model.transform(rows))
    path = str(tmp_path / "from-python")
    model.write().save(path)

    jvm_classes = spark._jvm.dev.sparkprop.driver.ml
    java_model = jvm_classes.SparkpropClassificationModel.load(path)
    assert probabilities(DataFrame(java_model.transform(rows._jdf), spark)) == expected
    java_path = str(tmp_path / "from-java")
    java_model.write().save(java_path)
    assert probabilities(SparkpropClassificationModel.load(java_path).transform(rows)) == expected

    parquet = str(tmp_path / "iris.parquet")
    rows.select("features", "label").write.parquet(parquet)
    cli = subprocess.run([str(REPO / "bin" / "sparkprop"), "evaluate", "--model", path, "--data", parquet,
                          "--format", "parquet"], capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stderr[-3000:]
    metrics = dict(re.findall(r"(\w+)=(\S+)", cli.stdout.strip().splitlines()[-1]))
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(rows))
    assert metrics["accuracy"] == f"{accuracy:.4f}", "the CLI prints 4 decimals"
    assert accuracy > 0.8, accuracy
