"""Errors from the JVM reach Python as one line: the CLI's message, naming the params as set."""

import pytest
from pyspark.ml.linalg import Vectors

from sparkprop import (
    FileSystemError,
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropError,
    SparkpropRegressionModel,
    SparkpropRegressor,
    TrainingDivergedError,
)


def two_rows(spark):
    return spark.createDataFrame([(Vectors.dense([0.0, 1.0]), 0.0), (Vectors.dense([1.0, 0.0]), 1.0)],
                                 ["features", "label"])


def test_a_diverging_run_raises_training_diverged_naming_the_params(spark):
    c = SparkpropClassifier(layers="2,2:softmax", optimizer="sgd", learningRate=1e300, epochs=5)
    with pytest.raises(TrainingDivergedError) as e:
        c.fit(two_rows(spark))
    message = str(e.value)
    assert "the loss is NaN" in message and "(learningRate = 1.0E300)" in message, message
    assert "optimizer." not in message and "onNonFinite" in message, message
    assert "\n" not in message


def test_a_directory_that_is_not_a_model_is_named_in_the_error(spark, tmp_path):
    with pytest.raises(SparkpropError) as e:
        SparkpropClassificationModel.load(str(tmp_path))
    assert str(tmp_path) in str(e.value)
    assert "\tat " not in str(e.value)
    # An estimator's load too (Spark's own reader said only that <path>/metadata does not exist)
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier.load(str(tmp_path / "missing"))
    assert str(e.value) == f"{tmp_path / 'missing'} does not exist; give the directory a SparkpropClassifier's save wrote"


def test_transform_without_the_feature_column_says_which_column(spark):
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    with pytest.raises(SparkpropError) as e:
        model.transform(two_rows(spark).withColumnRenamed("features", "pixels"))
    assert str(e.value).startswith("feature column 'features' is not in the data; its columns are ['pixels', 'label']")


def test_fit_without_the_label_column_says_which_column_as_the_cli_does(spark):
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(layers="2,2:softmax", labelCol="species").fit(two_rows(spark))
    assert str(e.value) == ("label column 'species' is not in the data; its columns are ['features', 'label']; set"
                            " labelCol to the column of labels")


def test_no_session_or_no_jar_is_explained(spark):
    import sparkprop.ml as ml

    with pytest.raises(RuntimeError, match="not on this Spark session.s classpath: pass sparkprop.s jar to spark-submit with --jars"):
        ml._java_class("dev.sparkprop.driver.ml.NoSuchClass")


def test_saving_over_an_existing_path_says_how_to_overwrite(spark, tmp_path):
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    estimator = SparkpropRegressor(layers="2,1:identity")
    for stage in (model, estimator):
        path = str(tmp_path / type(stage).__name__)
        stage.save(path)
        for save_again in (stage.save, stage.write().save):
            with pytest.raises(SparkpropError) as e:
                save_again(path)
            assert str(e.value) == f"{path} already exists; to replace it, save with write().overwrite().save(path)"
        stage.write().overwrite().save(path)


def test_loading_a_model_as_the_other_kind_names_the_class_that_loads_it(spark, tmp_path):
    path = str(tmp_path / "classifier")
    SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark)).save(path)
    with pytest.raises(SparkpropError) as e:
        SparkpropRegressionModel.load(path)
    assert str(e.value) == ("this sparkprop model is a classifier (classes [0, 1]); load it with"
                            " SparkpropClassificationModel.load")
    path = str(tmp_path / "regression")
    SparkpropRegressor(layers="2,1:identity", epochs=1).fit(two_rows(spark)).save(path)
    with pytest.raises(SparkpropError, match="^this sparkprop model is a regression model .*; load it with"
                                             " SparkpropRegressionModel.load$"):
        SparkpropClassificationModel.load(path)


def test_predicting_one_vector_of_the_wrong_size_is_a_sparkprop_error(spark):
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    three = Vectors.dense([1.0, 2.0, 3.0])
    for predict in (model.predict, model.predictRaw, model.predictProbability):
        with pytest.raises(SparkpropError) as e:
            predict(three)
        assert "\n" not in str(e.value), str(e.value)


def test_predicting_a_list_or_an_array_says_to_make_it_a_vector(spark):
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    for values in ([1.0, 2.0], (1.0, 2.0)):
        for predict in (model.predict, model.predictRaw, model.predictProbability):
            with pytest.raises(SparkpropError) as e:
                predict(values)
            assert str(e.value).endswith(f"takes a pyspark.ml.linalg Vector, got {type(values).__name__}; wrap the"
                                         f" values with Vectors.dense(...)")
    assert model.predict(Vectors.dense([1.0, 2.0])) in (0.0, 1.0)


def test_fit_on_columns_of_the_wrong_type_says_what_they_must_hold(spark):
    rows = two_rows(spark)
    with pytest.raises(SparkpropError) as e:
        SparkpropRegressor(layers="2,1:identity").fit(rows.withColumn("label", rows.label.cast("string")))
    assert str(e.value) == "label column 'label' holds strings; regression targets are numbers"
    scalar = spark.createDataFrame([(0.0, 0.0), (1.0, 1.0)], ["x1", "label"])
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(layers="1,2:softmax", featuresCol="x1").fit(scalar)
    assert str(e.value) == ("features column 'x1' holds double, not vectors; assemble the feature columns with"
                            " VectorAssembler")


def test_a_misspelt_param_is_named_with_the_closest_one_and_the_attributes(spark):
    for given, meant in [("layer", "layers"), ("learning_rate", "learningRate")]:
        with pytest.raises(TypeError) as e:
            SparkpropClassifier(**{given: "x"})
        assert str(e.value).startswith(f"SparkpropClassifier has no param '{given}'; did you mean '{meant}'? Its params"
                                       " are ['aggregationDepth', "), str(e.value)
    with pytest.raises(TypeError) as e:
        SparkpropRegressor(zzz=1)
    assert "did you mean" not in str(e.value) and "'learningRate'" in str(e.value)
    # MultilayerPerceptronClassifier's names, which are not close to sparkprop's
    for given, meant in [("maxIter", "epochs"), ("stepSize", "learningRate"), ("solver", "optimizer")]:
        with pytest.raises(TypeError, match=f"no param '{given}'; did you mean '{meant}'"):
            SparkpropClassifier(**{given: 1})


def test_a_path_inside_a_file_is_refused_before_fit_or_raised_as_a_file_system_error(spark, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a directory")
    checkpoints = blocker / "checkpoints"
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(layers="2,2:softmax", epochs=1, checkpointPath=str(checkpoints)).fit(two_rows(spark))
    assert str(e.value) == (f"checkpointPath '{checkpoints}' is inside '{blocker}', which is a file, not a directory;"
                            " choose another path")
    model = SparkpropClassifier(layers="2,2:softmax", epochs=1).fit(two_rows(spark))
    with pytest.raises(FileSystemError) as e:
        model.write().save(str(blocker / "model"))
    assert str(blocker) in str(e.value) and "\tat " not in str(e.value), str(e.value)
