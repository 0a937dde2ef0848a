"""sparkprop from Python: the Spark ML estimators for dense neural networks, as PySpark ML stages.

The training runs in the JVM, in sparkprop's application jar, which must be on the session's
classpath (``spark-submit --jars``, or ``spark.jars``); :func:`jar_path` names it::

    from pyspark.sql import SparkSession
    import sparkprop
    spark = SparkSession.builder.config("spark.jars", sparkprop.jar_path()).getOrCreate()
    model = sparkprop.SparkpropClassifier(layers="64,64:relu,10:softmax", epochs=15).fit(train)
"""

from sparkprop._jar import jar_path
from sparkprop.errors import FileSystemError, SparkpropError, TrainingDivergedError
from sparkprop.ml import (
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
    TrainingSummary,
)

__all__ = [
    "FileSystemError",
    "SparkpropClassificationModel",
    "SparkpropClassifier",
    "SparkpropError",
    "SparkpropRegressionModel",
    "SparkpropRegressor",
    "TrainingDivergedError",
    "TrainingSummary",
    "jar_path",
]
