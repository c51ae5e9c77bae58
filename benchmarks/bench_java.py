"""Java builds: ``mvn package`` of Spring Boot projects (real zips of ~20-50 MB) and ``jar -xf``.

Issue 11's goal for its corpus: a Dockerfile builds cold in under 1 s and cached in under 50 ms.
This builds, cold then cached, the Dockerfiles a Spring Boot tutorial writes (one stage and the
``jar -xf`` unpacking of Spring's "Spring Boot with Docker" guide) and prints a table with the
jar's size and the peak of Python's allocations (tracemalloc) during the cold build.  Nothing
here is a test.

Run: ``.venv/bin/python benchmarks/bench_java.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.builder.builder import build  # noqa: E402 - after the sys.path line above
from simulator.engine import Engine  # noqa: E402

APP = """package com.example.demo;
@SpringBootApplication
public class DemoApplication { public static void main(String[] args) {} }
"""


def pom(starters: list[str]) -> str:
    deps = "".join(
        f"<dependency><groupId>org.springframework.boot</groupId><artifactId>{s}</artifactId></dependency>"
        for s in starters
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>"
        "<version>3.3.5</version></parent><groupId>com.example</groupId><artifactId>demo</artifactId>"
        f"<version>0.0.1</version><dependencies>{deps}</dependencies></project>"
    )


ONE_STAGE = """FROM maven:3.9-eclipse-temurin-21
WORKDIR /app
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src src
RUN mvn -B package -DskipTests
"""
UNPACKED = (
    ONE_STAGE
    + """RUN mkdir -p target/dependency && cd target/dependency && jar -xf ../*.jar
FROM eclipse-temurin:21-jre
COPY --from=0 /app/target/dependency/BOOT-INF/lib /app/lib
COPY --from=0 /app/target/dependency/META-INF /app/META-INF
COPY --from=0 /app/target/dependency/BOOT-INF/classes /app
ENTRYPOINT ["java", "-cp", "app:app/lib/*", "com.example.demo.DemoApplication"]
"""
)
CONTEXT = {
    "src/main/java/com/example/demo/DemoApplication.java": APP,
    "src/main/resources/application.properties": "",
}
CASES: dict[str, tuple[str, list[str]]] = {
    "mvn package (web)": (ONE_STAGE, ["spring-boot-starter-web"]),
    "mvn package (web+jpa)": (ONE_STAGE, ["spring-boot-starter-web", "spring-boot-starter-data-jpa"]),
    "jar -xf, 2 stages (web)": (UNPACKED, ["spring-boot-starter-web"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'case':<26} {'jar MB':>7} {'cold s':>8} {'cached ms':>10} {'peak MB':>8}  goals: cold < 1 s, cached < 50 ms"
    )
    for name, (dockerfile, starters) in CASES.items():
        context = {**CONTEXT, "pom.xml": pom(starters)}
        cold, cached, peak = [], [], 0.0
        size = 0
        for round_ in range(args.rounds):
            engine = Engine()
            if round_ == 0:
                tracemalloc.start()
            start = time.perf_counter()
            result = build(engine, dockerfile, context, target=None)
            cold.append(time.perf_counter() - start)
            if round_ == 0:
                peak = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
                cold.pop()  # timed under tracemalloc: not a fair figure
            start = time.perf_counter()
            build(engine, dockerfile, context, target=None)
            cached.append(time.perf_counter() - start)
            del result
        probe = Engine()
        built = build(probe, ONE_STAGE, context)
        size = len(built.image.view.read_file("/app/target/demo-0.0.1.jar"))
        print(f"{name:<26} {size / 1e6:>7.1f} {statistics.median(cold or [float('nan')]):>8.3f} "
              f"{statistics.median(cached) * 1000:>10.1f} {peak:>8.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
