"""Fetching the local Neo4j server from Maven Central, once, into its cache directory.

Two Maven projects are resolved: the server (``org.neo4j:neo4j`` and the Neo4j Browser web app)
into ``lib/``, and APOC core into ``plugins/``. The plugin's runtime dependencies are Maven's to
work out; those the server already has are left out, so each class is on the classpath once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from graph.neo4j_local.config import APOC_VERSION, BROWSER_VERSION, NEO4J_VERSION, Layout, LocalNeo4jError
from graph.neo4j_local.process import find_java, info, tail_text

DEPENDENCY_PLUGIN = "3.8.1"  # org.apache.maven.plugins:maven-dependency-plugin
# What the cache holds: a cache fetched for another set of versions is fetched again.
FETCH_MARKER = f"neo4j {NEO4J_VERSION}; browser {BROWSER_VERSION}; apoc-core+apoc-common {APOC_VERSION}; no hadoop-common"

_POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by `kg neo4j fetch`: {what}, as Maven artifacts. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.mlsys-kg</groupId>
  <artifactId>{artifact}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>{plugin}</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
"""

SERVER_ARTIFACTS = (("org.neo4j", "neo4j", NEO4J_VERSION), ("org.neo4j.client", "neo4j-browser", BROWSER_VERSION))
# Only neo4j-admin's Parquet import uses hadoop-common, and Neo4j's artifacts leave out the libraries
# its Configuration loads (woodstox, commons-collections4, ...). APOC's file procedures use that
# Configuration whenever the class is present, and fail, so the server goes without it.
SERVER_EXCLUSIONS = {"neo4j": (("org.apache.hadoop", "hadoop-common"),)}
# apoc-core's published pom leaves out apoc-common (apoc.result.*, apoc.util.*, ApocConfig), which
# the APOC build shades into its release jar; Maven Central has it as an artifact of its own.
PLUGIN_ARTIFACTS = (
    ("org.neo4j.procedure", "apoc-core", APOC_VERSION),
    ("org.neo4j.procedure", "apoc-common", APOC_VERSION),
)


def pom(artifact: str, what: str, dependencies: tuple[tuple[str, str, str], ...],
        exclusions: Mapping[str, tuple[tuple[str, str], ...]] | None = None) -> str:
    def exclusions_of(artifact_id: str) -> str:
        excluded = (exclusions or {}).get(artifact_id, ())
        if not excluded:
            return ""
        inner = "".join(f"<exclusion><groupId>{g}</groupId><artifactId>{a}</artifactId></exclusion>" for g, a in excluded)
        return f"<exclusions>{inner}</exclusions>"

    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>{exclusions_of(a)}</dependency>"
        for g, a, v in dependencies
    )
    return _POM.format(what=what, artifact=artifact, dependencies=deps, plugin=DEPENDENCY_PLUGIN)


def is_fetched(layout: Layout) -> bool:
    try:
        return layout.marker.read_text(encoding="utf-8").strip() == FETCH_MARKER and any(layout.lib.glob("*.jar"))
    except OSError:
        return False


def fetch(layout: Layout, quiet: bool = False) -> None:
    if is_fetched(layout):
        if not quiet:
            info(f"Neo4j {NEO4J_VERSION} with Browser and APOC already fetched into {layout.home}")
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise LocalNeo4jError("Maven ('mvn') is not on PATH; it is needed once to fetch Neo4j (e.g. apt-get install maven)")
    find_java()  # fail before a long download if Java is missing
    layout.home.mkdir(parents=True, exist_ok=True)
    info(f"fetching Neo4j {NEO4J_VERSION} Community, Neo4j Browser {BROWSER_VERSION} and APOC core {APOC_VERSION} "
         "from Maven Central (about 140 MB, first time only) ...")
    started = time.monotonic()
    lib_staging, plugins_staging = layout.home / "lib.partial", layout.home / "plugins.partial"
    server_list = layout.home / "server-artifacts.txt"
    for staging in (lib_staging, plugins_staging):
        shutil.rmtree(staging, ignore_errors=True)

    server_pom = _write(layout.home / "pom.xml", pom("neo4j-local-server", "the Neo4j server and Browser", SERVER_ARTIFACTS, SERVER_EXCLUSIONS))
    _maven(mvn, server_pom, "the Neo4j server", "dependency:copy-dependencies", "dependency:list",
           "-DincludeScope=runtime", f"-DoutputDirectory={lib_staging}", f"-DoutputFile={server_list}")
    plugins_pom = _write(layout.home / "plugins-pom.xml", pom("neo4j-local-plugins", "APOC core", PLUGIN_ARTIFACTS))
    _maven(mvn, plugins_pom, "APOC core", "dependency:copy-dependencies", "-DincludeScope=runtime",
           f"-DoutputDirectory={plugins_staging}",
           f"-DexcludeArtifactIds={','.join(sorted(artifact_ids(server_list.read_text(encoding='utf-8'))))}")

    expected = [(lib_staging, f"neo4j-{NEO4J_VERSION}.jar"), (lib_staging, f"neo4j-browser-{BROWSER_VERSION}.jar"),
                (plugins_staging, f"apoc-core-{APOC_VERSION}.jar"), (plugins_staging, f"apoc-common-{APOC_VERSION}.jar")]
    for staging, jar in expected:
        if not (staging / jar).is_file():
            raise LocalNeo4jError(f"Maven finished but {staging} has no {jar}")
    layout.marker.unlink(missing_ok=True)
    for staging, final in ((lib_staging, layout.lib), (plugins_staging, layout.plugins)):
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
    layout.marker.write_text(FETCH_MARKER + "\n", encoding="utf-8")
    jars = len(list(layout.lib.glob("*.jar"))) + len(list(layout.plugins.glob("*.jar")))
    info(f"fetched {jars} jars into {layout.lib} and {layout.plugins} in {time.monotonic() - started:.0f}s")


def artifact_ids(dependency_list: str) -> set[str]:
    """The artifactIds in the output of ``mvn dependency:list`` (``group:artifact:type:version:scope``).

    >>> sorted(artifact_ids("The following files have been resolved:\\n   org.neo4j:neo4j-kernel:jar:5.26.30:compile"
    ...                     " -- module org.neo4j.kernel\\n   org.apache.commons:commons-lang3:jar:3.17.0:compile"))
    ['commons-lang3', 'neo4j-kernel']
    """
    return set(re.findall(r"^\s+[\w.-]+:([\w.-]+):[\w-]+:(?:[\w.-]+:)?[\w.-]+:\w+", dependency_list, re.MULTILINE))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _maven(mvn: str, pom_file: Path, what: str, *goals_and_properties: str) -> None:
    command = [mvn, "-q", "-B", "-f", str(pom_file), *goals_and_properties]
    result = subprocess.run(command, cwd=pom_file.parent, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise LocalNeo4jError(f"Maven could not fetch {what} (exit {result.returncode}); see Maven's output above",
                              detail=tail_text(result.stdout, 30))
