"""sparkprop's errors from the JVM as Python exceptions carrying its one-line messages (the CLI's,
naming the params as set)."""

import contextlib
from typing import Iterator, Optional

from py4j.protocol import Py4JJavaError
from pyspark.errors import IllegalArgumentException
from pyspark.errors.exceptions.captured import CapturedException


class SparkpropError(IllegalArgumentException, ValueError):
    """A bad setting, column, value or path: its str is the message ``sparkprop`` prints, naming
    a param by its attribute as well when one was set, e.g. ``param learningRate
    (optimizer.learning_rate): must be > 0, got -1.0``. It is a ``ValueError`` and a
    ``pyspark.errors.IllegalArgumentException``, as the JVM's is an IllegalArgumentException."""

    def __init__(self, message: str):
        super().__init__(message=message)


class TrainingDivergedError(RuntimeError):
    """A step's loss or gradient was not finite (``training.on_non_finite = stop``); the message
    says at which step and what to try."""


class FileSystemError(OSError):
    """A file system failed to read or write a path you named (a full disk, a lost permission,
    an unreachable store, a path inside a file); the message names the path and the cause."""


_IAE = "java.lang.IllegalArgumentException"
_DIVERGED = "dev.sparkprop.driver.train.TrainingDivergedException"
_FILE_SYSTEM = "dev.sparkprop.driver.FileSystemFailure"


def _java_throwable(e: BaseException) -> Optional[object]:
    if isinstance(e, Py4JJavaError):
        return e.java_exception
    if isinstance(e, CapturedException):
        return e._origin  # PySpark keeps the Java throwable here; there is no public accessor
    return None


@contextlib.contextmanager
def jvm_errors() -> Iterator[None]:
    """Turns a sparkprop error thrown in the JVM (anywhere in the cause chain, e.g. inside a
    failed Spark job) into SparkpropError, TrainingDivergedError or FileSystemError, without the
    Java stack trace. Other errors pass through as they are."""
    try:
        yield
    except (Py4JJavaError, CapturedException) as e:
        from py4j.java_gateway import is_instance_of
        from pyspark import SparkContext

        gateway = SparkContext._gateway
        throwable = _java_throwable(e)
        seen = 0
        while throwable is not None and gateway is not None and seen < 20:
            if is_instance_of(gateway, throwable, _DIVERGED):
                raise TrainingDivergedError(throwable.getMessage()) from None
            if is_instance_of(gateway, throwable, _IAE):
                raise SparkpropError(throwable.getMessage()) from None
            if is_instance_of(gateway, throwable, _FILE_SYSTEM):
                raise FileSystemError(throwable.getMessage()) from None
            throwable = throwable.getCause()
            seen += 1
        raise
