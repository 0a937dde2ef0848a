"""Errors from the JVM reach Python as one line, the message sparkprop's CLI prints."""

import pytest
from pyspark.ml.linalg import Vectors

from sparkprop import SparkpropClassificationModel, SparkpropClassifier, SparkpropError, TrainingDivergedError


def two_rows(spark):
    return spark.createDataFrame([(Vectors.dense([0.0, 1.0]), 0.0), (Vectors.dense([1.0, 0.0]), 1.0)],
                                 ["features", "label"])


def test_a_diverging_run_raises_training_diverged_with_the_clis_message(spark):
    c = SparkpropClassifier(layers="2,2:softmax", optimizer="sgd", learningRate=1e300, epochs=5)
    with pytest.raises(TrainingDivergedError) as e:
        c.fit(two_rows(spark))
    message = str(e.value)
    assert "the loss is NaN" in message and "optimizer.learning_rate = 1.0E300" in message, message
    assert "\n" not in message


def test_a_directory_that_is_not_a_model_is_named_in_the_error(spark, tmp_path):
    with pytest.raises(SparkpropError) as e:
        SparkpropClassificationModel.load(str(tmp_path))
    assert str(tmp_path) in str(e.value)
    assert "\tat " not in str(e.value)


def test_transform_without_the_feature_column_says_which_column(spark):
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    with pytest.raises(SparkpropError) as e:
        model.transform(two_rows(spark).withColumnRenamed("features", "pixels"))
    assert str(e.value).startswith("feature column 'features' is not in the data; its columns are [pixels, label]")


def test_fit_without_the_label_column_says_which_column_as_the_cli_does(spark):
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(layers="2,2:softmax", labelCol="species").fit(two_rows(spark))
    assert str(e.value) == "column 'species' is not in the data; its columns are [features, label]"


def test_no_session_or_no_jar_is_explained(spark):
    import sparkprop.ml as ml

    with pytest.raises(RuntimeError, match="not on this Spark session.s classpath: pass sparkprop.s jar to spark-submit with --jars"):
        ml._java_class("dev.sparkprop.driver.ml.NoSuchClass")
