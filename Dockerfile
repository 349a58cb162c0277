# MetricStream: one image for every service; the command picks the service.
#   docker build -t metricstream/metricstream:0.1.0 .
#   docker run --rm -p 8080:8080 metricstream/metricstream:0.1.0              # ingestion (the default command)
#   docker run --rm -e HEALTHCHECK_PORT=7071 metricstream/metricstream:0.1.0 run queue
# Config: /etc/metricstream/metricstream.yml when mounted (the working directory), else defaults, and
# METRICSTREAM_<SECTION>_<KEY> environment overrides. Data: /var/lib/metricstream/<service>/.
# JVM options: JDK_JAVA_OPTIONS (read by the java launcher), e.g. -e JDK_JAVA_OPTIONS=-Xmx2g.

# ---- build stage: poms first, so dependency downloads are cached until a pom changes ----
FROM maven:3-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY api-contracts/pom.xml api-contracts/
COPY service-runtime/pom.xml service-runtime/
COPY test-support/pom.xml test-support/
COPY queue-service/pom.xml queue-service/
COPY ingestion-service/pom.xml ingestion-service/
COPY storage-service/pom.xml storage-service/
COPY query-service/pom.xml query-service/
COPY alert-service/pom.xml alert-service/
COPY loadgen/pom.xml loadgen/
COPY launcher/pom.xml launcher/
# go-offline skips the reactor's own modules (excludeReactor), so it works before anything is built.
RUN mvn -B -q dependency:go-offline
COPY . .
# Tests and style checks run in CI (.ci/run); the image build only compiles and packages.
RUN mvn -B -q -pl launcher -am package -DskipTests -Dcheckstyle.skip -Dforbiddenapis.skip \
 && cp launcher/target/launcher-*.jar launcher/target/lib/

# ---- runtime stage: JRE + curl (for the health check), non-root ----
FROM eclipse-temurin:21-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 metricstream \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/metricstream --shell /usr/sbin/nologin metricstream \
 && mkdir -p /var/lib/metricstream /etc/metricstream \
 && chown 10001:10001 /var/lib/metricstream
COPY --from=build /src/launcher/target/lib/ /opt/metricstream/lib/
# Containers reach each other by service name, so the servers bind every interface (the dev default is loopback).
ENV METRICSTREAM_GLOBAL_DATA_DIR=/var/lib/metricstream \
    METRICSTREAM_QUEUE_BIND_ADDRESS=0.0.0.0 \
    METRICSTREAM_STORAGE_BIND_ADDRESS=0.0.0.0 \
    METRICSTREAM_INGESTION_BIND_ADDRESS=0.0.0.0 \
    METRICSTREAM_QUERY_BIND_ADDRESS=0.0.0.0 \
    METRICSTREAM_ALERT_BIND_ADDRESS=0.0.0.0 \
    HEALTHCHECK_PORT=8080
WORKDIR /etc/metricstream
VOLUME ["/var/lib/metricstream"]
# ingestion http · queue binary, http · storage binary, http · query http · alert http
EXPOSE 8080 7070 7071 7080 7081 9090 9093
USER 10001:10001
# HEALTHCHECK_PORT is the HTTP port of the service the container runs (docker-compose sets its own checks).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${HEALTHCHECK_PORT}/ready" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "-cp", "/opt/metricstream/lib/*", "io.metricstream.launcher.MetricStreamCli"]
CMD ["run", "ingestion"]
