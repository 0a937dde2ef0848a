"""Where the application jar is, and the param table the build put in it."""

import functools
import json
import os
import zipfile
from pathlib import Path
from typing import Any, Dict, List

#: The environment variable that names another jar than the one in the package.
JAR_VARIABLE = "SPARKPROP_JAR"
#: Where the Maven build puts the table in the jar (Java: ParamTable.RESOURCE).
_PARAM_TABLE = "dev/sparkprop/driver/ml/params.json"
_BUNDLED = Path(__file__).parent / "jars" / "sparkprop-app.jar"


def jar_path() -> str:
    """The sparkprop application jar to put on ``spark.jars`` / ``spark-submit --jars``.

    It is the jar the package was built with (the wheel carries it), unless the environment
    variable ``SPARKPROP_JAR`` names another one, e.g. a newer build of the same version.
    """
    chosen = os.environ.get(JAR_VARIABLE)
    if chosen:
        if not Path(chosen).is_file():
            raise FileNotFoundError(
                f"{JAR_VARIABLE}={chosen} is not a file; point it at driver/target/sparkprop-app.jar"
                f" (built by mvn -DskipTests package) or unset it to use the jar in the package"
            )
        return str(Path(chosen).resolve())
    if not _BUNDLED.is_file():
        raise FileNotFoundError(
            f"the sparkprop package has no jar at {_BUNDLED}; install it from a wheel built by"
            f" bin/build-python (or pip install ./python after mvn -DskipTests package), or set"
            f" {JAR_VARIABLE} to driver/target/sparkprop-app.jar"
        )
    return str(_BUNDLED)


@functools.lru_cache(maxsize=None)
def param_table() -> Dict[str, List[Dict[str, Any]]]:
    """Java estimator class name to its params (name, accessor, type, doc, default), from the jar."""
    jar = jar_path()
    try:
        with zipfile.ZipFile(jar) as z:
            return json.loads(z.read(_PARAM_TABLE))
    except KeyError:
        raise RuntimeError(
            f"{jar} has no {_PARAM_TABLE}: it is not a sparkprop application jar of this version;"
            f" rebuild it with mvn -DskipTests package"
        ) from None
