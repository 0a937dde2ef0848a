"""Puts the application jar into the wheel: the JVM side of the estimators, and the table of
their params that the package reads at import. Both halves of one build, always together."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class JarHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        jar = Path(self.root).resolve().parent / "driver" / "target" / "sparkprop-app.jar"
        if not jar.is_file():
            raise FileNotFoundError(
                f"{jar} is missing: build the application jar first, with mvn -DskipTests package in {jar.parents[2]}"
            )
        build_data["force_include"][str(jar)] = "sparkprop/jars/sparkprop-app.jar"
