# Terminus: one image for both programs. Today it holds the proxy; the control-plane jar
# joins this same image later (DESIGN.md, "Dockerfile: one image, both programs").
#
#   docker build -t terminus .
#   docker run --rm -p 8443:8443 -p 9901:9901 -v terminus-certs:/etc/terminus/certs terminus
#
# The README's "Docker" section shows how to put the example certificates in that volume.
# The jar carries BoringSSL (netty-tcnative-boringssl-static) for glibc Linux on x86_64 and
# aarch64, but native epoll for x86_64 only: linux/amd64 is the platform to build and run.

# ---- build ------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src

# Dependency layer: the build descriptors only, so an edit to the sources reuses the
# downloaded dependencies. dependency:go-offline is unreliable in a multi-module build, and
# dependency:resolve fails for modules that depend on a sibling not built yet (benchmarks ->
# proxy): hence best effort with -fae (other modules still resolve) and "|| true".
# The package step below resolves whatever is still missing.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY proxy/pom.xml proxy/
COPY control-plane/pom.xml control-plane/
COPY benchmarks/pom.xml benchmarks/
RUN ./mvnw -B -q -fae dependency:resolve dependency:resolve-plugins || true

COPY . .
RUN ./mvnw -B -q -DskipTests package

# The example config binds loopback, which is unreachable from outside a container: the
# image's copy binds all interfaces instead. Fails the build if the substitution found nothing.
RUN sed -E 's/^([[:space:]]*address:)[[:space:]]*127\.0\.0\.1/\1 0.0.0.0/' config/proxy.yaml > /tmp/proxy.yaml \
 && ! grep -Eq '^[[:space:]]*address:[[:space:]]*127\.0\.0\.1' /tmp/proxy.yaml \
 && grep -Eq '^[[:space:]]*address:[[:space:]]*0\.0\.0\.0' /tmp/proxy.yaml

# ---- run --------------------------------------------------------------------------------
# glibc-based (Ubuntu): netty-tcnative-boringssl-static's Linux libraries need glibc, so no
# Alpine/musl image (the proxy would fall back to JDK TLS there).
FROM eclipse-temurin:17-jre

# A fixed numeric non-root user, so "runAsNonRoot" checks can verify it. 10001 because
# Ubuntu-based images already use 1000.
RUN groupadd --system --gid 10001 terminus \
 && useradd --system --uid 10001 --gid terminus --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin terminus

COPY --from=build /src/proxy/target/terminus-proxy.jar /opt/terminus/terminus-proxy.jar
COPY config/ /etc/terminus/
COPY --from=build /tmp/proxy.yaml /etc/terminus/proxy.yaml
# Certificates and keys are never baked into the image (.dockerignore drops config/certs).
# The directory is owned by the runtime user so that a fresh named volume mounted here is
# writable by it (Docker copies the ownership into an empty volume).
RUN mkdir -p /etc/terminus/certs && chown terminus:terminus /etc/terminus/certs && chmod 0750 /etc/terminus/certs

USER 10001:10001
WORKDIR /opt/terminus
# 8443: the example HTTPS listener; 9901: the admin endpoint (/healthz, /readyz, /metrics).
EXPOSE 8443 9901
# The JVM defaults ./terminus gives the proxy (README, "Memory and JVM options"): the serial
# collector, a heap committed up front with a small young generation, and no leak sampling; and
# glibc limited to two malloc arenas. More options: JAVA_TOOL_OPTIONS (the JVM reads it itself),
# e.g. -e JAVA_TOOL_OPTIONS=-Xmx512m; another collector needs --entrypoint, as the JVM refuses two.
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms256m", "-XX:NewSize=10m", "-XX:MaxNewSize=32m", \
            "-Dio.netty.leakDetection.level=disabled", "-jar", "/opt/terminus/terminus-proxy.jar"]
CMD ["--config", "/etc/terminus/proxy.yaml"]
