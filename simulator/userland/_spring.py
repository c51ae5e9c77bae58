"""The jars a Spring Boot starter brings: names, versions and sizes, for ``mvn``'s model.

Maven Central is not reachable from where layerlab's data are made, so this table is written
from published figures: the dependency trees are those ``mvn dependency:tree`` prints for the
starters of Spring Boot 2.7.18 and 3.3.5 (their BOMs, spring-boot-dependencies, fix the
versions below), and the sizes are the jar sizes Maven Central lists for the 3.3.5 line,
rounded to the kilobyte (approximate; the 2.7 line reuses them: its jars are within ~20%).
Each row: ``artifactId: (groupId, version family, size in bytes, direct dependencies)``; a
``"2.x name|3.x name"`` gives the name of each line where it changed.

A dependency of the POM that is not here still gets a jar, of :data:`simulator.userland.maven.JAR_BYTES`.
"""

from __future__ import annotations

__all__ = ["ARTIFACTS", "DEFAULT_BOOT", "VERSIONS", "line_of", "resolve"]

DEFAULT_BOOT = "3.3.5"
"""The Spring Boot version of a dependency managed by nothing the POM names."""

VERSIONS: dict[str, tuple[str, str]] = {
    # family: (Spring Boot 2.7.18's managed version, Spring Boot 3.3.5's)
    "spring": ("5.3.31", "6.1.14"),
    "tomcat": ("9.0.83", "10.1.31"),
    "jackson": ("2.13.5", "2.17.2"),
    "logback": ("1.2.12", "1.5.11"),
    "slf4j": ("1.7.36", "2.0.16"),
    "log4j": ("2.17.2", "2.23.1"),
    "snakeyaml": ("1.30", "2.2"),
    "annotation": ("1.3.5", "2.1.1"),
    "micrometer": ("1.9.17", "1.13.6"),
    "hibernate": ("5.6.15.Final", "6.5.3.Final"),
    "data": ("2.7.18", "3.3.5"),
    "hikari": ("4.0.3", "5.1.0"),
    "aspectj": ("1.9.7", "1.9.22.1"),
    "persistence": ("2.2.3", "3.1.0"),
    "transaction": ("1.3.3", "2.0.1"),
    "jboss-logging": ("3.4.3.Final", "3.5.3.Final"),
    "hca": ("5.1.2.Final", "7.0.1.Final"),
    "jandex": ("2.4.2.Final", "3.1.2"),
    "classmate": ("1.5.1", "1.7.0"),
    "bytebuddy": ("1.12.23", "1.14.19"),
    "jaxb": ("2.3.9", "4.0.5"),
    "jaxb-api": ("2.3.3", "4.0.2"),
    "activation": ("1.2.2", "2.1.3"),
    "istack": ("3.0.12", "4.1.2"),
    "antlr": ("2.7.7", "4.13.0"),
    "freemarker": ("2.3.32", "2.3.33"),
    "jersey": ("2.35", "3.1.9"),
    "hk2": ("2.6.1", "3.0.6"),
    "ws-rs": ("2.1.6", "3.1.0"),
    "validator": ("6.2.5.Final", "8.0.1.Final"),
    "validation": ("2.0.2", "3.0.2"),
    "postgresql": ("42.3.8", "42.7.4"),
    "checker": ("3.5.0", "3.42.0"),
    "session": ("2.7.4", "3.3.3"),
    "thymeleaf": ("3.0.15.RELEASE", "3.1.2.RELEASE"),
    "attoparser": ("2.0.5.RELEASE", "2.0.7.RELEASE"),
    "unbescape": ("1.1.6.RELEASE", "1.1.6.RELEASE"),
    "security": ("5.7.11", "6.3.4"),
    "h2": ("2.1.214", "2.2.224"),
    "mysql": ("8.0.33", "8.3.0"),
    "hdr": ("2.1.12", "2.2.2"),
    "latency": ("2.0.3", "2.0.3"),
    "inject": ("2.0.1", "2.0.1"),
    "osgi": ("1.0.3", "1.0.3"),
    "txw2": ("2.3.9", "4.0.5"),
    "angus": ("2.0.2", "2.0.2"),
}

_B = "org.springframework.boot"
_S = "org.springframework"
_STARTER = 4_800  # a starter is an empty jar: its manifest and POM
_CORE = ["spring-boot", "spring-boot-autoconfigure", "spring-boot-starter-logging", "jakarta.annotation-api",
         "spring-core", "snakeyaml"]  # fmt: skip
_CONTEXT = ["spring-aop", "spring-beans", "spring-core", "spring-expression", "micrometer-observation"]

# fmt: off
ARTIFACTS: dict[str, tuple[str, str, int, list[str]]] = {
    # the Boot artifacts (version: the project's Spring Boot version)
    "spring-boot": (_B, "boot", 1_880_000, ["spring-core", "spring-context"]),
    "spring-boot-autoconfigure": (_B, "boot", 2_000_000, ["spring-boot"]),
    "spring-boot-starter": (_B, "boot", _STARTER, _CORE),
    "spring-boot-starter-logging": (_B, "boot", _STARTER, ["logback-classic", "log4j-to-slf4j", "jul-to-slf4j"]),
    "spring-boot-starter-json": (_B, "boot", _STARTER, ["spring-boot-starter", "spring-web", "jackson-databind",
        "jackson-datatype-jdk8", "jackson-datatype-jsr310", "jackson-module-parameter-names"]),
    "spring-boot-starter-tomcat": (_B, "boot", _STARTER, ["jakarta.annotation-api", "tomcat-embed-core",
        "tomcat-embed-el", "tomcat-embed-websocket"]),
    "spring-boot-starter-web": (_B, "boot", _STARTER, ["spring-boot-starter", "spring-boot-starter-json",
        "spring-boot-starter-tomcat", "spring-web", "spring-webmvc"]),
    "spring-boot-starter-validation": (_B, "boot", _STARTER, ["spring-boot-starter", "tomcat-embed-el",
        "hibernate-validator"]),
    "spring-boot-starter-aop": (_B, "boot", _STARTER, ["spring-boot-starter", "spring-aop", "aspectjweaver"]),
    "spring-boot-starter-jdbc": (_B, "boot", _STARTER, ["spring-boot-starter", "HikariCP", "spring-jdbc"]),
    "spring-boot-starter-data-jpa": (_B, "boot", _STARTER, ["spring-boot-starter-aop", "spring-boot-starter-jdbc",
        "hibernate-core", "spring-data-jpa", "spring-aspects"]),
    "spring-boot-starter-freemarker": (_B, "boot", _STARTER, ["spring-boot-starter", "freemarker",
        "spring-context-support"]),
    "spring-boot-starter-thymeleaf": (_B, "boot", _STARTER, ["spring-boot-starter", "thymeleaf-spring"]),
    "spring-boot-starter-jersey": (_B, "boot", _STARTER, ["spring-boot-starter-json", "spring-boot-starter-tomcat",
        "spring-boot-starter-validation", "spring-web", "jersey-container-servlet-core", "jersey-container-servlet",
        "jersey-bean-validation", "jersey-spring", "jersey-media-json-jackson"]),
    "spring-boot-starter-security": (_B, "boot", _STARTER, ["spring-boot-starter", "spring-aop",
        "spring-security-config", "spring-security-web"]),
    "spring-boot-starter-actuator": (_B, "boot", _STARTER, ["spring-boot-starter", "spring-boot-actuator-autoconfigure",
        "micrometer-observation", "micrometer-jakarta9"]),
    "spring-boot-actuator-autoconfigure": (_B, "boot", 820_000, ["spring-boot-actuator", "spring-boot",
        "spring-boot-autoconfigure", "jackson-databind", "jackson-datatype-jsr310"]),
    "spring-boot-actuator": (_B, "boot", 690_000, ["spring-boot"]),
    "spring-boot-devtools": (_B, "boot", 210_000, ["spring-boot", "spring-boot-autoconfigure"]),
    # Spring Framework
    "spring-core": (_S, "spring", 1_900_000, ["spring-jcl"]),
    "spring-jcl": (_S, "spring", 25_000, []),
    "spring-context": (_S, "spring", 1_330_000, _CONTEXT),
    "spring-aop": (_S, "spring", 415_000, ["spring-beans", "spring-core"]),
    "spring-beans": (_S, "spring", 880_000, ["spring-core"]),
    "spring-expression": (_S, "spring", 310_000, ["spring-core"]),
    "spring-web": (_S, "spring", 2_000_000, ["spring-beans", "spring-core", "micrometer-observation"]),
    "spring-webmvc": (_S, "spring", 1_060_000, ["spring-aop", "spring-beans", "spring-context", "spring-core",
        "spring-expression", "spring-web"]),
    "spring-jdbc": (_S, "spring", 460_000, ["spring-beans", "spring-core", "spring-tx"]),
    "spring-tx": (_S, "spring", 260_000, ["spring-beans", "spring-core"]),
    "spring-orm": (_S, "spring", 230_000, ["spring-beans", "spring-core", "spring-jdbc", "spring-tx"]),
    "spring-aspects": (_S, "spring", 49_000, ["aspectjweaver"]),
    "spring-context-support": (_S, "spring", 190_000, ["spring-beans", "spring-context", "spring-core"]),
    "spring-data-jpa": ("org.springframework.data", "data", 1_400_000, ["spring-data-commons", "spring-orm",
        "spring-context", "spring-aop", "spring-tx", "spring-beans", "spring-core", "antlr4-runtime", "slf4j-api"]),
    "spring-data-commons": ("org.springframework.data", "data", 1_480_000, ["spring-core", "spring-beans", "slf4j-api"]),
    "spring-session-core": ("org.springframework.session", "session", 210_000, ["spring-jcl"]),
    "spring-security-core": ("org.springframework.security", "security", 820_000, ["spring-security-crypto",
        "spring-aop", "spring-beans", "spring-context", "spring-core", "spring-expression"]),
    "spring-security-crypto": ("org.springframework.security", "security", 88_000, []),
    "spring-security-config": ("org.springframework.security", "security", 1_500_000, ["spring-security-core"]),
    "spring-security-web": ("org.springframework.security", "security", 820_000, ["spring-security-core", "spring-web"]),
    # logging
    "logback-classic": ("ch.qos.logback", "logback", 302_000, ["logback-core", "slf4j-api"]),
    "logback-core": ("ch.qos.logback", "logback", 624_000, []),
    "slf4j-api": ("org.slf4j", "slf4j", 69_000, []),
    "jul-to-slf4j": ("org.slf4j", "slf4j", 6_300, ["slf4j-api"]),
    "log4j-to-slf4j": ("org.apache.logging.log4j", "log4j", 24_000, ["log4j-api", "slf4j-api"]),
    "log4j-api": ("org.apache.logging.log4j", "log4j", 336_000, []),
    "jakarta.annotation-api": ("jakarta.annotation", "annotation", 26_000, []),
    "snakeyaml": ("org.yaml", "snakeyaml", 334_000, []),
    "micrometer-observation": ("io.micrometer", "micrometer", 73_000, ["micrometer-commons"]),
    "micrometer-commons": ("io.micrometer", "micrometer", 48_000, []),
    "micrometer-jakarta9": ("io.micrometer", "micrometer", 40_000, ["micrometer-core"]),
    "micrometer-core": ("io.micrometer", "micrometer", 890_000, ["HdrHistogram", "LatencyUtils"]),
    "HdrHistogram": ("org.hdrhistogram", "hdr", 190_000, []),
    "LatencyUtils": ("org.latencyutils", "latency", 30_000, []),
    # JSON
    "jackson-databind": ("com.fasterxml.jackson.core", "jackson", 1_650_000, ["jackson-annotations", "jackson-core"]),
    "jackson-annotations": ("com.fasterxml.jackson.core", "jackson", 78_000, []),
    "jackson-core": ("com.fasterxml.jackson.core", "jackson", 580_000, []),
    "jackson-datatype-jdk8": ("com.fasterxml.jackson.datatype", "jackson", 36_000, ["jackson-databind"]),
    "jackson-datatype-jsr310": ("com.fasterxml.jackson.datatype", "jackson", 133_000, ["jackson-databind"]),
    "jackson-module-parameter-names": ("com.fasterxml.jackson.module", "jackson", 10_000, ["jackson-databind"]),
    "jackson-module-jakarta-xmlbind-annotations": ("com.fasterxml.jackson.module", "jackson", 36_000, []),
    # Tomcat
    "tomcat-embed-core": ("org.apache.tomcat.embed", "tomcat", 3_600_000, []),
    "tomcat-embed-el": ("org.apache.tomcat.embed", "tomcat", 263_000, []),
    "tomcat-embed-websocket": ("org.apache.tomcat.embed", "tomcat", 283_000, ["tomcat-embed-core"]),
    # JPA, JDBC
    "HikariCP": ("com.zaxxer", "hikari", 160_000, ["slf4j-api"]),
    "aspectjweaver": ("org.aspectj", "aspectj", 2_190_000, []),
    "hibernate-core": ("org.hibernate|org.hibernate.orm", "hibernate", 11_400_000, ["jakarta.persistence-api",
        "jakarta.transaction-api", "jboss-logging", "hibernate-commons-annotations", "jandex", "classmate",
        "byte-buddy", "jaxb-runtime", "jakarta.xml.bind-api", "jakarta.inject-api", "antlr4-runtime"]),
    "jakarta.persistence-api": ("jakarta.persistence", "persistence", 165_000, []),
    "jakarta.transaction-api": ("jakarta.transaction", "transaction", 29_000, []),
    "jboss-logging": ("org.jboss.logging", "jboss-logging", 60_000, []),
    "hibernate-commons-annotations": ("org.hibernate.common", "hca", 68_000, []),
    "jandex": ("org.jboss|io.smallrye", "jandex", 330_000, []),
    "classmate": ("com.fasterxml", "classmate", 69_000, []),
    "byte-buddy": ("net.bytebuddy", "bytebuddy", 4_250_000, []),
    "jaxb-runtime": ("org.glassfish.jaxb", "jaxb", 920_000, ["jakarta.xml.bind-api", "txw2", "istack-commons-runtime",
        "jakarta.activation-api"]),
    "txw2": ("org.glassfish.jaxb", "txw2", 73_000, []),
    "istack-commons-runtime": ("com.sun.istack", "istack", 26_000, []),
    "jakarta.xml.bind-api": ("jakarta.xml.bind", "jaxb-api", 130_000, ["jakarta.activation-api"]),
    "jakarta.activation-api": ("jakarta.activation", "activation", 67_000, []),
    "jakarta.inject-api": ("jakarta.inject", "inject", 12_000, []),
    "antlr4-runtime": ("antlr|org.antlr", "antlr", 320_000, []),
    "postgresql": ("org.postgresql", "postgresql", 1_090_000, ["checker-qual"]),
    "checker-qual": ("org.checkerframework", "checker", 220_000, []),
    "h2": ("com.h2database", "h2", 2_600_000, []),
    "mysql-connector-j": ("com.mysql", "mysql", 2_480_000, []),
    # templates
    "freemarker": ("org.freemarker", "freemarker", 1_690_000, []),
    "thymeleaf-spring": ("org.thymeleaf", "thymeleaf", 190_000, ["thymeleaf", "slf4j-api"]),
    "thymeleaf": ("org.thymeleaf", "thymeleaf", 930_000, ["attoparser", "unbescape", "slf4j-api"]),
    "attoparser": ("org.attoparser", "attoparser", 240_000, []),
    "unbescape": ("org.unbescape", "unbescape", 175_000, []),
    # Jersey
    "hibernate-validator": ("org.hibernate.validator", "validator", 1_290_000, ["jakarta.validation-api",
        "jboss-logging", "classmate"]),
    "jakarta.validation-api": ("jakarta.validation", "validation", 93_000, []),
    "jersey-container-servlet-core": ("org.glassfish.jersey.containers", "jersey", 80_000, ["jersey-common",
        "jersey-server", "jakarta.ws.rs-api"]),
    "jersey-container-servlet": ("org.glassfish.jersey.containers", "jersey", 30_000, ["jersey-container-servlet-core"]),
    "jersey-server": ("org.glassfish.jersey.core", "jersey", 960_000, ["jersey-common", "jersey-client",
        "jakarta.ws.rs-api", "jakarta.validation-api"]),
    "jersey-common": ("org.glassfish.jersey.core", "jersey", 1_190_000, ["jakarta.ws.rs-api", "jakarta.annotation-api",
        "jakarta.inject-api", "osgi-resource-locator"]),
    "jersey-client": ("org.glassfish.jersey.core", "jersey", 300_000, ["jakarta.ws.rs-api", "jersey-common"]),
    "jakarta.ws.rs-api": ("jakarta.ws.rs", "ws-rs", 160_000, []),
    "osgi-resource-locator": ("org.glassfish.hk2", "osgi", 20_000, []),
    "jersey-bean-validation": ("org.glassfish.jersey.ext", "jersey", 90_000, ["jersey-common", "jersey-server",
        "hibernate-validator"]),
    "jersey-spring": ("org.glassfish.jersey.ext", "jersey", 50_000, ["jersey-hk2", "hk2", "spring-bridge"]),
    "jersey-hk2": ("org.glassfish.jersey.inject", "jersey", 80_000, ["hk2-locator"]),
    "hk2-locator": ("org.glassfish.hk2", "hk2", 200_000, ["aopalliance-repackaged", "hk2-api", "hk2-utils"]),
    "hk2-api": ("org.glassfish.hk2", "hk2", 200_000, []),
    "hk2-utils": ("org.glassfish.hk2", "hk2", 130_000, []),
    "aopalliance-repackaged": ("org.glassfish.hk2.external", "hk2", 15_000, []),
    "hk2": ("org.glassfish.hk2", "hk2", 5_000, ["hk2-locator"]),
    "spring-bridge": ("org.glassfish.hk2", "hk2", 15_000, []),
    "jersey-media-json-jackson": ("org.glassfish.jersey.media", "jersey", 70_000, ["jersey-common",
        "jersey-entity-filtering", "jackson-annotations", "jackson-databind", "jackson-module-jakarta-xmlbind-annotations"]),
    "jersey-entity-filtering": ("org.glassfish.jersey.ext", "jersey", 80_000, []),
}
# fmt: on

# Names that differ between the lines (2.x, 3.x); and what only the 3.x line has.
_NAMES = {"antlr4-runtime": ("antlr", "antlr4-runtime"), "jersey-spring": ("jersey-spring5", "jersey-spring6"),
          "thymeleaf-spring": ("thymeleaf-spring5", "thymeleaf-spring6"),
          "jakarta.activation-api": ("jakarta.activation", "jakarta.activation-api")}  # fmt: skip
_ONLY_3 = {"micrometer-observation", "micrometer-commons", "micrometer-jakarta9", "jakarta.inject-api"}


def line_of(boot_version: str) -> int:
    """0 for the Spring Boot 2.x line (and older), 1 for 3.x and later: the index in :data:`VERSIONS`."""
    major = boot_version.split(".", 1)[0]
    return 1 if major.isdigit() and int(major) >= 3 else 0


def resolve(
    artifact: str, boot_version: str, declared: frozenset[str] = frozenset()
) -> list[tuple[str, str, str, int]]:
    """``(groupId, artifactId, version, size)`` of ``artifact`` and everything it brings, in
    Maven's classpath order (depth first, each jar once); ``[]`` when the table lacks it.

    ``declared``: the other artifacts the POM names itself; they and what they bring are left
    out (Maven's nearest definition wins: a direct dependency's own scope applies to its tree,
    so ``spring-boot-starter-tomcat`` declared ``provided`` stays provided under the web starter)."""
    line = line_of(boot_version)
    out: list[tuple[str, str, str, int]] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if (
            key in seen
            or key not in ARTIFACTS
            or (line == 0 and key in _ONLY_3)
            or (key != artifact and key in declared)
        ):
            return
        seen.add(key)
        group, family, size, deps = ARTIFACTS[key]
        groups = group.split("|")
        version = boot_version if family == "boot" else VERSIONS[family][line]
        out.append((groups[min(line, len(groups) - 1)], _NAMES.get(key, (key, key))[line], version, size))
        for dep in deps:
            visit(dep)

    visit(artifact)
    return out
