"""The Python classes of the JVM stages in dev.sparkprop.driver.ml, where PySpark looks for them.

Loading a saved Pipeline, CrossValidatorModel or stage, PySpark finds the Python class of each
Java stage by its Java class name, with org.apache.spark replaced by pyspark
(``JavaParams._from_java``); other names are imported as they are. This module answers that
import, so saved pipelines load without sparkprop having been imported first.
"""

from sparkprop.ml import (  # noqa: F401
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropRegressionModel,
    SparkpropRegressor,
)
