"""A fitted model holds the params its estimator was fitted with, as PySpark's own models do:
typed getters, extractParamMap and explainParams, after fit and after save and load."""

import shutil

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import VectorAssembler

from sparkprop import (
    SparkpropClassificationModel,
    SparkpropClassifier,
    SparkpropError,
    SparkpropRegressionModel,
    SparkpropRegressor,
)


def by_name(stage):
    return {param.name: value for param, value in stage.extractParamMap().items()}


def which_are_set(stage):
    return {param.name: stage.isSet(param) for param in stage.params}


def assemble():
    return VectorAssembler(inputCols=["x1", "x2", "x3", "x4"], outputCol="features")


def classifier():
    return SparkpropClassifier(layers="4,8:tanh,3:softmax", learningRate=0.05, epochs=3, seed=7,
                               classWeights="balanced")


def test_a_fitted_model_has_the_values_its_estimator_was_fitted_with(spark, iris):
    estimator = classifier()
    model = estimator.fit(assemble().transform(iris))
    assert model.getLearningRate() == 0.05
    assert model.getOrDefault(model.learningRate) == 0.05
    assert model.getOrDefault("optimizer.learning_rate") == 0.05
    assert model.getLayers() == "4,8:tanh,3:softmax"
    assert model.getClassWeights() == "balanced"
    assert model.getOptimizer() == estimator.getOptimizer()
    assert model.isSet(model.learningRate) and not model.isSet(model.optimizer)
    assert by_name(model) == by_name(estimator)
    assert model.explainParam(model.learningRate) == estimator.explainParam(estimator.learningRate)
    assert model._java_obj.getLearningRate() == 0.05, "the JVM model holds them too"
    # As in Java: getters for the training params, setters only for what a model's transform reads
    assert not hasattr(model, "setLearningRate") and hasattr(model, "setPredictionCol")
    with pytest.raises(SparkpropError) as e:
        model.getWeightCol()
    assert str(e.value) == "param weightCol is not set and has no default"


def test_the_values_survive_save_and_load_alone_and_as_a_pipeline_stage(spark, iris, tmp_path):
    fitted = Pipeline(stages=[assemble(), classifier()]).fit(iris)
    model = fitted.stages[-1]
    fitted.write().save(str(tmp_path / "pipeline"))
    model.write().save(str(tmp_path / "model"))
    for loaded in (PipelineModel.load(str(tmp_path / "pipeline")).stages[-1],
                   SparkpropClassificationModel.load(str(tmp_path / "model"))):
        assert isinstance(loaded, SparkpropClassificationModel)
        assert loaded.getLearningRate() == 0.05
        assert by_name(loaded) == by_name(model)
        assert which_are_set(loaded) == which_are_set(model)

    regression = SparkpropRegressor(labelCol="x1", layers="4,6:tanh,1:identity", loss="huber", epochs=2)
    regression.fit(assemble().transform(iris)).write().save(str(tmp_path / "regression"))
    loaded = SparkpropRegressionModel.load(str(tmp_path / "regression"))
    assert loaded.getLoss() == "huber" and loaded.getLabelCol() == "x1"
    assert by_name(loaded) == by_name(regression)


def test_a_model_directory_without_spark_metadata_shows_the_settings_it_was_trained_with(spark, iris, tmp_path):
    path = tmp_path / "model"
    classifier().fit(assemble().transform(iris)).write().save(str(path))
    # What sparkprop train writes: the model directory without Spark's param metadata
    shutil.rmtree(path / "metadata")
    loaded = SparkpropClassificationModel.load(str(path))
    assert loaded.getLearningRate() == 0.05 and not loaded.isSet(loaded.learningRate)
    assert loaded.getLayers() == "4,8:tanh,3:softmax"
    assert loaded.getClassWeights() == "balanced"


def test_training_params_set_on_a_model_leave_its_predictions_alone(spark, iris):
    data = assemble().transform(iris)
    model = classifier().fit(data)
    before = model.transform(data).collect()
    model.set(model.layers, "4,3:softmax")
    model.set(model.precision, "float64" if model.getPrecision() == "float32" else "float32")
    model.set(model.blockRows, 1)
    assert model.transform(data).collect() == before
    assert model._java_obj.getBlockRows() == 1, "a value set in Python reaches the JVM model, as PySpark's do"
