"""The sparkprop estimators and models as PySpark ML stages over the JVM classes of
``dev.sparkprop.driver.ml``: fit, transform, save and load run there, and the params are the
JVM's (see ``sparkprop._params``)."""

import difflib
from typing import Any, Dict, Generic, List, Optional, Type, TypeVar

from py4j.java_gateway import JavaClass, JavaObject
from pyspark import SparkContext
from pyspark.ml.classification import _JavaProbabilisticClassificationModel, _JavaProbabilisticClassifier
from pyspark.ml.common import inherit_doc
from pyspark.ml.linalg import Vector
from pyspark.ml.param import Param
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import HasTrainingSummary, JavaMLReadable, JavaMLReader, JavaMLWritable, JavaMLWriter
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql import DataFrame, SparkSession

from sparkprop._jar import jar_path
from sparkprop._params import JavaParamsByName, define_params
from sparkprop.errors import SparkpropError, jvm_errors

_PACKAGE = "dev.sparkprop.driver.ml"
T = TypeVar("T")


def _java_class(name: str) -> JavaClass:
    """The JVM class ``name`` of the active session, or an error that says how to get the jar there."""
    sc = SparkContext._active_spark_context
    if sc is None:
        raise RuntimeError(
            "sparkprop needs an active SparkSession with its jar on the classpath, e.g."
            f" SparkSession.builder.config('spark.jars', sparkprop.jar_path()).getOrCreate(); jar: {jar_path()}"
        )
    found: Any = sc._jvm
    for part in name.split("."):
        found = getattr(found, part)
    if not isinstance(found, JavaClass):
        raise RuntimeError(
            f"{name} is not on this Spark session's classpath: pass sparkprop's jar to spark-submit with"
            f" --jars {jar_path()} or, in a Python process that starts Spark itself (python job.py, a"
            f" notebook), set spark.jars to it in the config of the first SparkSession"
        )
    return found


class _Reader(JavaMLReader[T]):
    """Loads with the Java class the Python class wraps (PySpark would look for it under org.apache.spark)."""

    @classmethod
    def _load_java_obj(cls, clazz: Any) -> JavaObject:
        return _java_class(clazz._java_class)

    def load(self, path: str) -> T:
        with jvm_errors():
            return super().load(path)


class _Writer(JavaMLWriter):
    """PySpark's writer, with sparkprop's errors (e.g. a path that exists) as SparkpropError."""

    def save(self, path: str) -> None:
        with jvm_errors():
            super().save(path)


class _Writable(JavaMLWritable):
    """``write()`` and ``save(path)`` with sparkprop's errors; a Pipeline's writer is PySpark's own."""

    def write(self) -> _Writer:
        return _Writer(self)


class _Estimator(JavaParamsByName, _Writable):
    """What both estimators add to PySpark's: the JVM's params, keyword arguments, errors, reading."""

    _java_class: str
    _java_defaults: Dict[str, Any]

    def _init_java(self, params: Dict[str, Any]) -> None:
        self._java_obj = _java_class(self._java_class)(self.uid)
        self._setDefault(**self._java_defaults)
        self.setParams(**params)

    def setParams(self, **params: Any) -> Any:
        """Sets params by attribute (``learningRate=0.01``) or Java name (``**{"optimizer.learning_rate": 0.01}``)."""
        for name in params:
            if not self.hasParam(name):
                raise TypeError(self._no_param(name))
        return self._set_checked(**params)

    def _no_param(self, name: str) -> str:
        """The message for a param this estimator lacks: the closest names (or sparkprop's name for
        one of MultilayerPerceptronClassifier's), then the attributes it has."""
        cls = type(self)
        attributes = sorted(a for a in dir(cls) if isinstance(getattr(cls, a, None), Param))
        close = ([_MLLIB_NAMES[name]] if name in _MLLIB_NAMES
                 else difflib.get_close_matches(name, attributes + [p.name for p in self.params], n=1, cutoff=0.6))
        return (f"{cls.__name__} has no param {name!r}" + (f"; did you mean {close[0]!r}? Its" if close else "; its")
                + f" params are {attributes} (or their Java names, e.g. {self.params[0].name!r})")

    def copy(self, extra: Optional[Dict[Any, Any]] = None) -> Any:
        # fit(dataset, paramMap) and the tuners copy with the map: its values meet the JVM here
        with jvm_errors():
            return super().copy(extra)

    def _fit(self, dataset: DataFrame) -> Any:
        with jvm_errors():
            return super()._fit(dataset)  # type: ignore[misc]

    @classmethod
    def read(cls) -> _Reader:
        return _Reader(cls)


# MultilayerPerceptronClassifier's params that sparkprop names otherwise
_MLLIB_NAMES = {"maxIter": "epochs", "stepSize": "learningRate", "solver": "optimizer", "blockSize": "blockRows"}

# The models' methods that take one row's features
_ONE_ROW = ("predict", "predictRaw", "predictProbability")


class _Model(JavaParamsByName, _Writable, HasTrainingSummary["TrainingSummary"]):
    """What both models add to PySpark's: the JVM's params (the values the estimator was fitted
    with, read-only as in Java), the training summary, weights and settings, errors, reading."""

    _java_class: str

    @property
    def _summaryCls(self) -> type:
        return TrainingSummary

    def weights(self) -> List[float]:
        """The flat parameter array, in the layout of the network's layers (see the README)."""
        return self._call_java("weights")  # type: ignore[attr-defined]

    def trainingConfig(self) -> Dict[str, str]:
        """The effective job config the model was trained with: key to HOCON value (strings quoted)."""
        return dict(self._java_obj.trainingConfig())  # type: ignore[attr-defined]

    def trainingSetting(self, key: str) -> Any:
        """One setting the model was trained with, as a plain value, e.g. 0.01 for optimizer.learning_rate
        (or learningRate, the attribute of a param named by its key)."""
        param = getattr(type(self), key, None)
        # A training param's attribute; a column param's name (labelCol) is no setting's key
        if isinstance(param, Param) and "." in param.name:
            key = param.name
        return self._call_java("trainingSetting", key)  # type: ignore[attr-defined]

    def _transfer_params_to_java(self) -> None:
        # PySpark sends every default before each transform and copy, a few py4j round trips a
        # param. The JVM model has the training params' defaults already (fit copies them, load
        # restores them), and only set values can change them here, so their defaults stay home
        defaults = self._defaultParamMap
        self._defaultParamMap = {p: v for p, v in defaults.items() if p.name not in self._read_only}
        try:
            super()._transfer_params_to_java()  # type: ignore[misc]
        finally:
            self._defaultParamMap = defaults

    def _call_java(self, name: str, *args: Any) -> Any:
        # Every JVM method PySpark's models call this way (predict, predictRaw, predictProbability, ...)
        if name in _ONE_ROW and args and not isinstance(args[0], Vector):
            # py4j would hand a list or an array to the JVM as something else, which fails there
            raise SparkpropError(f"{name} takes a pyspark.ml.linalg Vector, got {type(args[0]).__name__}; wrap the"
                                 f" values with Vectors.dense(...)")
        with jvm_errors():
            return super()._call_java(name, *args)  # type: ignore[misc]

    def copy(self, extra: Optional[Dict[Any, Any]] = None) -> Any:
        with jvm_errors():
            return super().copy(extra)  # type: ignore[misc]

    def _transform(self, dataset: DataFrame) -> DataFrame:
        with jvm_errors():
            return super()._transform(dataset)  # type: ignore[misc]

    @classmethod
    def read(cls) -> _Reader:
        return _Reader(cls)


@inherit_doc
@define_params(f"{_PACKAGE}.SparkpropClassifier")
class SparkpropClassifier(
    _Estimator,
    _JavaProbabilisticClassifier["SparkpropClassificationModel"],
    JavaMLReadable["SparkpropClassifier"],
):
    """A dense network classifier; ``fit`` runs the training of ``sparkprop train``.

    ``labelCol`` holds class indices 0..k-1 (e.g. from ``StringIndexer``), ``featuresCol`` an ml
    Vector. Every training key of the job config is a param named as the key, with the key's
    default and documentation (``explainParams()``), set by keyword or setter::

        SparkpropClassifier(layers="64,64:relu,10:softmax", learningRate=0.003, epochs=15)
        SparkpropClassifier().setLayers("4,16:relu,3:softmax").setBatchRows(32)
    """

    def __init__(self, **params: Any):
        super().__init__()
        self._init_java(params)

    def _create_model(self, java_model: JavaObject) -> "SparkpropClassificationModel":
        return SparkpropClassificationModel(java_model)


@inherit_doc
@define_params(f"{_PACKAGE}.SparkpropRegressor")
class SparkpropRegressor(
    _Estimator,
    _JavaRegressor["SparkpropRegressionModel"],
    JavaMLReadable["SparkpropRegressor"],
):
    """A dense network regressor for one numeric target; ``fit`` runs the training of ``sparkprop train``.

    With ``standardize`` (data.standardize, the default) the target is standardised for training
    and predictions come back in its units. Params as for :py:class:`SparkpropClassifier`.
    """

    def __init__(self, **params: Any):
        super().__init__()
        self._init_java(params)

    def _create_model(self, java_model: JavaObject) -> "SparkpropRegressionModel":
        return SparkpropRegressionModel(java_model)


@inherit_doc
@define_params(f"{_PACKAGE}.SparkpropClassificationModel")
class SparkpropClassificationModel(
    _Model,
    _JavaProbabilisticClassificationModel[Vector],
    JavaMLReadable["SparkpropClassificationModel"],
):
    """A trained classifier: ``transform`` adds rawPrediction (the log-probabilities of a softmax
    output; [-z, z] for one sigmoid output), probability and prediction.

    ``save`` writes the model directory ``sparkprop evaluate`` and ``predict`` read; ``load`` also
    reads one that ``sparkprop train`` wrote. The estimator's params are the model's, with the
    values it was fitted with (``getLearningRate()``, ``explainParams()``).
    """

    @property
    def classes(self) -> List[str]:
        """The class names in index order: the label values a StringIndexer indexed (when the label
        column's ml attribute names them), else "0".."k-1" for a model fitted on label indices."""
        return list(self._call_java("classes"))


@inherit_doc
@define_params(f"{_PACKAGE}.SparkpropRegressionModel")
class SparkpropRegressionModel(
    _Model,
    _JavaRegressionModel[Vector],
    JavaMLReadable["SparkpropRegressionModel"],
):
    """A trained regressor: ``transform`` adds the prediction in the target's units. Params as
    for :py:class:`SparkpropClassificationModel`."""


class TrainingSummary(JavaWrapper):
    """Per-epoch metrics of a model's training run (saved with the model, so a loaded one has them):
    ``train_loss`` (and ``train_accuracy`` for classes) and, with validation rows, every
    ``validation_*`` metric."""

    @property
    def totalEpochs(self) -> int:
        """The epochs trained (early stopping may have ended the run before training.epochs)."""
        return self._call_java("totalEpochs")

    @property
    def metricNames(self) -> List[str]:
        """The metrics measured, in display order, e.g. [train_loss, validation_loss, ...]."""
        return list(self._call_java("metricNames"))

    @property
    def epochs(self) -> List[Dict[str, float]]:
        """Each epoch's metrics by name, epoch 1 first."""
        return [dict(e) for e in self._java_obj.epochs()]

    def metric(self, name: str) -> List[float]:
        """One metric per epoch; NaN for an epoch that did not measure it."""
        with jvm_errors():
            return list(self._call_java("metric", name))

    @property
    def objectiveHistory(self) -> List[float]:
        """The training loss after each epoch, as in Spark's summaries."""
        return self.metric("train_loss")

    def toDataFrame(self, spark: Optional[SparkSession] = None) -> DataFrame:
        """One row per epoch: ``epoch`` and a double column per metric."""
        spark = spark or SparkSession.active()
        return DataFrame(self._java_obj.toDataFrame(spark._jsparkSession), spark)

    def __repr__(self) -> str:
        return self._java_obj.toString()
