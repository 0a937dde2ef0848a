"""The estimators' and models' params, defined at import time from the table the JVM wrote into
the jar.

Each Java param becomes a Python ``Param`` with the same name, doc and default. Its attribute
is the Java accessor's name (``learningRate`` for ``optimizer.learning_rate``), with
``getLearningRate``/``setLearningRate`` beside it, as in Java (a model has the getter only).
Dotted names are not Python identifiers, so ``getattr(estimator, "optimizer.learning_rate")`` is answered by
``__getattr__``: PySpark looks params up by name that way (``getOrDefault("optimizer...")``,
``_set(**{name: value})``), and a second attribute per param would list it twice.
"""

from typing import Any, Callable, Dict, FrozenSet, Tuple, Type, TypeVar

import numpy as np
from pyspark.ml.param import Param, Params, TypeConverters

from sparkprop._jar import param_table
from sparkprop.errors import SparkpropError, jvm_errors

#: Each Java type's PySpark converter, and what a value of it is, for the message when a value is
#: not one (as the config says it).
_CONVERTERS: Dict[str, Tuple[Callable[[Any], Any], str]] = {
    "string": (TypeConverters.toString, "a string"),
    "int": (TypeConverters.toInt, "a whole number"),
    "long": (TypeConverters.toInt, "a whole number"),
    "double": (TypeConverters.toFloat, "a number"),
    "boolean": (TypeConverters.toBoolean, "True or False"),
    "double[]": (TypeConverters.toListFloat, "a list of numbers"),
    "string[]": (TypeConverters.toListString, "a list of strings"),
    "int[]": (TypeConverters.toListInt, "a list of whole numbers"),
}

P = TypeVar("P", bound=Params)


#: The range of each Java whole-number type: a Python int outside it would fail in Py4J with a trace.
_WHOLE_RANGES: Dict[str, Tuple[int, int]] = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _checked(java_type: str, attribute: str, name: str) -> Callable[[Any], Any]:
    """The ``java_type``'s converter, raising SparkpropError naming the param and the type it
    takes instead of PySpark's TypeError, which names neither (``Could not convert 2.5 to int``)."""
    convert, expected = _CONVERTERS[java_type]
    whole = _WHOLE_RANGES.get(java_type)

    def check(value: Any) -> Any:
        # NumPy's scalars of every width and kind (np.float32, np.int32, np.bool_), alone or in a
        # list: PySpark's converters take only the 64-bit ones, Python's float and int underneath
        value = _plain(value)
        try:
            converted = convert(value)
        except (TypeError, OverflowError):
            raise SparkpropError(f"param {_shown(attribute, name)}: expected {expected}, got {value!r}") from None
        if whole is not None and not whole[0] <= converted <= whole[1]:
            raise SparkpropError(f"param {_shown(attribute, name)}: expected {expected} from {whole[0]} to"
                                 f" {whole[1]}, got {value!r}")
        return converted

    return check


def _plain(value: Any) -> Any:
    """``value`` with NumPy scalars (also inside a list, tuple or array) as Python's own."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _shown(attribute: str, name: str) -> str:
    """A param as a message names it: its attribute, and its Java name when that differs."""
    return attribute if name == attribute else f"{attribute} ({name})"


class JavaParamsByName(Params):
    """Finds a param by its Java name as well as by its attribute, and checks a value in the JVM
    when it is set, so a bad one fails there with the config's message, as in Java."""

    #: Java param name to attribute name, for the params whose names are not identifiers.
    _attribute_of: Dict[str, str] = {}
    #: The names of the params the Java class has no setter for (a model's training params).
    _read_only: FrozenSet[str] = frozenset()

    def __getattr__(self, name: str) -> Any:
        attribute = type(self)._attribute_of.get(name)
        if attribute is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self, attribute)

    def getOrDefault(self, param: Any) -> Any:
        """PySpark's, with a SparkpropError saying how to set a param that is unset and has no
        default, where PySpark raises a KeyError showing the whole param."""
        resolved = self._resolveParam(param)
        if not self.isDefined(resolved):
            attribute = type(self)._attribute_of.get(resolved.name, resolved.name)
            setter = "set" + attribute[0].upper() + attribute[1:]
            how = ""
            if hasattr(self, setter):
                how = f"; set it with {setter}(...) or {type(self).__name__}({attribute}=...)"
            raise SparkpropError(f"param {_shown(attribute, resolved.name)} is not set and has no default{how}")
        return super().getOrDefault(resolved)

    def set(self, param: Any, value: Any) -> None:
        """PySpark's, with the value checked in the JVM first, as the setters check it: a bad one
        raises SparkpropError and changes nothing."""
        resolved = self._resolveParam(param)
        self._shouldOwn(resolved)
        self._set_checked(**{resolved.name: value})

    def _set_checked(self: P, **kwargs: Any) -> P:
        """``_set``, once the JVM's validator accepted every value: a bad one changes nothing.
        None leaves a param unset, so its default applies (PySpark would send a null, which the
        JVM reads as 0)."""
        for name, value in kwargs.items():
            if value is not None:
                param = getattr(self, name)
                try:
                    with jvm_errors():
                        # Makes a Java ParamPair, which validates; the Java object itself is not changed
                        self._make_java_param_pair(param, param.typeConverter(value))  # type: ignore[attr-defined]
                except SparkpropError as e:
                    # The JVM names the setting by its key; the caller typed the attribute
                    key = f"{param.name}: "
                    if not str(e).startswith(key):
                        raise
                    attribute = type(self)._attribute_of.get(param.name, param.name)
                    raise SparkpropError(f"param {_shown(attribute, param.name)}: {str(e)[len(key):]}") from None
        for name in [name for name, value in kwargs.items() if value is None]:
            self.clear(getattr(self, name))
        return self._set(**{name: value for name, value in kwargs.items() if value is not None})


def _getter(attribute: str) -> Callable[[Params], Any]:
    def get(self: Params) -> Any:
        return self.getOrDefault(getattr(self, attribute))

    return get


def _setter(attribute: str) -> Callable[..., Any]:
    def set_(self: JavaParamsByName, value: Any) -> Any:
        return self._set_checked(**{attribute: value})

    return set_


def define_params(java_class: str) -> Callable[[Type[P]], Type[P]]:
    """Class decorator: the params of ``java_class`` (its Java class name), their getters, and
    the setters the Java class has (a model has none for its training params, as in Java).

    The params PySpark's base classes define too (``featuresCol``, ``thresholds``, ...) are
    replaced by the JVM's, which are the same params with the JVM's doc.
    """

    def define(cls: Type[P]) -> Type[P]:
        rows = param_table()[java_class]
        attribute_of = {}
        defaults = {}
        read_only = set()
        for row in rows:
            name, attribute = row["name"], row["accessor"]
            inherited = getattr(cls, attribute, None)
            if isinstance(inherited, Param) and inherited.name != name:
                raise TypeError(f"{cls.__name__}.{attribute} is PySpark's param {inherited.name}, but {java_class}"
                                f" names its {attribute} param {name}")
            converter = _checked(row["type"], attribute, name)
            setattr(cls, attribute, Param(Params._dummy(), name, row["doc"], typeConverter=converter))
            suffix = attribute[0].upper() + attribute[1:]
            getter = _getter(attribute)
            getter.__name__ = "get" + suffix
            getter.__doc__ = f"Gets the value of :py:attr:`{attribute}` ({name}) or its default."
            setattr(cls, getter.__name__, getter)
            if row["setter"]:
                setter = _setter(attribute)
                setter.__name__ = "set" + suffix
                setter.__doc__ = f"Sets :py:attr:`{attribute}` ({name}): {row['doc']}"
                setattr(cls, setter.__name__, setter)
            else:
                read_only.add(name)
            if name != attribute:
                attribute_of[name] = attribute
            if "default" in row:
                defaults[attribute] = row["default"]
        cls._attribute_of = attribute_of
        cls._read_only = frozenset(read_only)
        cls._java_class = java_class
        cls._java_defaults = defaults
        return cls

    return define
