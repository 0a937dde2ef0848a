"""One local[2] SparkSession for the suite, on loopback, with the sparkprop jar the installed
package names (sparkprop.jar_path()), so the tests run what a user's pip install gives."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def dataset(name: str) -> str:
    """A CSV that bin/install-data writes; fails with the fix when it is missing."""
    path = REPO / "data" / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run bin/install-data first")
    return str(path)


@pytest.fixture(scope="session")
def spark():
    # The driver JVM inherits these: Spark on loopback, and one BLAS thread per task (the last
    # bits of a float32 run depend on it, and bin/sparkprop sets it too)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pyspark.sql import SparkSession

    import sparkprop

    session = (
        SparkSession.builder.master("local[2]")
        .appName("sparkprop-python-tests")
        .config("spark.jars", sparkprop.jar_path())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # As the Java tests: Kryo with sparkprop's registrations, and an unregistered class fails
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "dev.sparkprop.driver.spark.KryoRegistration")
        .config("spark.kryo.registrationRequired", "true")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={REPO / 'conf' / 'log4j2.properties'}")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def iris(spark):
    return spark.read.csv(dataset("iris.csv"), header=True, inferSchema=True)


@pytest.fixture(scope="session")
def digits(spark):
    """The digits CSV read as sparkprop train reads a CSV, with the pixels assembled into features."""
    from pyspark.ml.feature import VectorAssembler

    df = spark.read.csv(dataset("digits.csv"), header=True, inferSchema=True)
    pixels = [c for c in df.columns if c != "label"]
    return VectorAssembler(inputCols=pixels, outputCol="features").transform(df)
