"""The Python estimators have the JVM's params: same names, docs and defaults, set and read
either way, and a bad value fails with the config's one-line message."""

import numpy as np
import pytest
from pyspark.ml.linalg import Vectors
from pyspark.ml.param import Param

from sparkprop import SparkpropClassifier, SparkpropError, SparkpropRegressor


def java_value(value):
    """A Java param value as Python compares it (a Java double[] arrives as a py4j array)."""
    return list(value) if hasattr(value, "__len__") and not isinstance(value, str) else value


@pytest.mark.parametrize("cls", [SparkpropClassifier, SparkpropRegressor])
def test_every_java_param_is_a_python_param_with_the_same_name_doc_and_default(spark, cls):
    estimator = cls()
    java = estimator._java_obj
    java_params = {p.name(): p for p in java.params()}
    assert sorted(java_params) == sorted(p.name for p in estimator.params), "no param more or fewer than Java's"
    assert "optimizer.learning_rate" in java_params and "network.layers" in java_params
    for name, jp in java_params.items():
        param = estimator.getParam(name)
        assert isinstance(param, Param)
        assert param.doc == jp.doc(), name
        assert estimator.hasDefault(param) == java.hasDefault(jp), name
        if java.hasDefault(jp):
            assert estimator.getOrDefault(name) == java_value(java.getDefault(jp).get()), name
    # Java's accessors are the Python attributes, with getters and setters of the same names
    assert estimator.learningRate.name == "optimizer.learning_rate"
    assert estimator.getLearningRate() == estimator.getOrDefault("optimizer.learning_rate") == 0.001
    assert estimator.optimizer.name == "optimizer.kind" and estimator.getOptimizer() == "adam"
    assert estimator.seed.name == "training.seed" and estimator.getSeed() == 1
    assert "optimizer.learning_rate: The base learning rate." in estimator.explainParams()


def test_class_weights_and_the_default_loss_follow_the_task(spark):
    assert SparkpropClassifier().getClassWeights() == ""
    assert not SparkpropRegressor().hasParam("training.class_weights")
    assert SparkpropClassifier().getLoss() == "cross_entropy"
    assert SparkpropRegressor().getLoss() == "mse"
    assert not SparkpropClassifier().isDefined("network.layers"), "required, so it has no default"


def test_values_set_in_python_reach_the_jvm_and_come_back(spark, tmp_path):
    c = SparkpropClassifier(layers="4,8:tanh,3:softmax", learningRate=0.02, **{"training.epochs": 3})
    c.setSeed(9).setStandardize(False).setOptimizer("momentum(momentum=0.8)").setThresholds([0.5, 0.3, 0.2])
    c.set(c.getParam("training.batch_rows"), 16)
    java = c._to_java()
    assert java.getLearningRate() == 0.02
    assert java.getEpochs() == 3
    assert java.getSeed() == 9
    assert java.getBatchRows() == 16
    assert java.getStandardize() is False
    assert java.getOptimizer() == "momentum(momentum=0.8)"
    assert java.getLayers() == "4,8:tanh,3:softmax"

    c.write().save(str(tmp_path / "estimator"))
    loaded = SparkpropClassifier.load(str(tmp_path / "estimator"))
    assert loaded.uid == c.uid
    for param in c.params:
        assert loaded.isSet(param.name) == c.isSet(param), param.name
        if c.isDefined(param):
            assert loaded.getOrDefault(param.name) == c.getOrDefault(param), param.name


def test_a_bad_value_is_refused_when_set_with_the_configs_message_naming_the_attribute(spark):
    c = SparkpropClassifier(learningRate=0.01)
    with pytest.raises(SparkpropError) as e:
        c.setLearningRate(-1.0)
    assert str(e.value) == "param learningRate (optimizer.learning_rate): must be > 0, got -1.0"
    assert isinstance(e.value, ValueError)
    assert c.getLearningRate() == 0.01, "the bad value changed nothing"
    # PySpark's generic set(param, value) checks as the setter does; so does the constructor
    with pytest.raises(SparkpropError, match=r"^param learningRate \(optimizer.learning_rate\): must be > 0, got -5.0$"):
        c.set(c.learningRate, -5)
    with pytest.raises(SparkpropError, match=r"^param learningRate \(optimizer.learning_rate\): must be > 0"):
        SparkpropClassifier(learningRate=-0.1)
    assert c.getLearningRate() == 0.01
    c.set(c.learningRate, 0.02)
    assert c.getLearningRate() == 0.02
    with pytest.raises(SparkpropError) as e:
        SparkpropRegressor(precision="float16")
    assert str(e.value).startswith("param precision (training.precision): ") and "float32, float64" in str(e.value)
    with pytest.raises(TypeError, match="no param 'learning_rate'"):
        SparkpropClassifier(learning_rate=0.1)


def test_a_value_of_the_wrong_type_names_the_param_and_the_type_it_takes(spark):
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(epochs=2.5)
    assert str(e.value) == "param epochs (training.epochs): expected a whole number, got 2.5"
    # A Python int past the Java type's range (it failed in Py4J with a Java trace)
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(seed=2**70)
    assert str(e.value) == (f"param seed (training.seed): expected a whole number from {-(2**63)} to {2**63 - 1},"
                            f" got {2**70}")
    # NumPy's scalars are values too, whatever their width (PySpark's converters take only 64-bit ones)
    c = SparkpropClassifier(learningRate=np.float32(0.25), epochs=np.int32(3), seed=np.uint8(7),
                            standardize=np.bool_(False))
    assert (c.getLearningRate(), c.getEpochs(), c.getSeed(), c.getStandardize()) == (0.25, 3, 7, False)
    assert type(c.getLearningRate()) is float and type(c.getEpochs()) is int
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(epochs=np.float32(2.5))
    assert str(e.value) == "param epochs (training.epochs): expected a whole number, got 2.5"
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(learningRate=10**400)
    assert str(e.value).startswith("param learningRate (optimizer.learning_rate): expected a number, got 1000"), e.value
    c = SparkpropClassifier()
    with pytest.raises(SparkpropError) as e:
        c.setFeaturesCol(3)
    assert str(e.value) == "param featuresCol: expected a string, got 3"
    assert not c.isSet(c.featuresCol), "the bad value changed nothing"


def test_a_bad_value_in_a_param_map_fails_the_fit_with_the_same_message(spark):
    df = spark.createDataFrame([(Vectors.dense([0.0, 1.0]), 0.0), (Vectors.dense([1.0, 0.0]), 1.0)],
                               ["features", "label"])
    c = SparkpropClassifier(layers="2,2:softmax")
    with pytest.raises(SparkpropError) as e:
        c.fit(df, {c.learningRate: -1.0})
    assert str(e.value) == "optimizer.learning_rate: must be > 0, got -1.0"


def test_problems_found_at_fit_are_one_message_naming_the_params_without_a_java_stack_trace(spark):
    df = spark.createDataFrame([(Vectors.dense([0.0, 1.0]), 0.0), (Vectors.dense([1.0, 0.0]), 1.0)],
                               ["features", "label"])
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(epochs=1).fit(df)
    message = str(e.value)
    assert message.startswith("invalid job configuration:"), message
    # Named as set in Python (layers=...), not by the job key network.layers
    assert "  layers: is required" in message, message
    with pytest.raises(SparkpropError) as e:
        SparkpropClassifier(layers="2,2:softmax", featuresCol="pixels").fit(df)
    assert "pixels" in str(e.value)
    for text in (message, str(e.value)):
        assert "py4j" not in text.lower() and "\tat " not in text and "JVM stacktrace" not in text


def test_getting_a_param_that_is_unset_without_a_default_says_how_to_set_it(spark):
    classifier = SparkpropClassifier()
    expected = ("param layers (network.layers) is not set and has no default; set it with setLayers(...) or"
                " SparkpropClassifier(layers=...)")
    for get in (classifier.getLayers, lambda: classifier.getOrDefault("network.layers")):
        with pytest.raises(SparkpropError) as e:
            get()
        assert str(e.value) == expected
    assert classifier.setLayers("2,2:softmax").getLayers() == "2,2:softmax"


def test_none_leaves_a_param_unset_so_its_default_applies(spark):
    classifier = SparkpropClassifier(layers="2,2:softmax", seed=None, learningRate=None)
    assert not classifier.isSet(classifier.seed) and classifier.getSeed() == 1
    assert classifier.getLearningRate() == 0.001
    assert classifier.setEpochs(3).setEpochs(None).getEpochs() == classifier.getOrDefault("training.epochs")
    assert not classifier.isSet(classifier.epochs)
