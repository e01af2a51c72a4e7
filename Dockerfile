# Sessionlimits in a container: built from this repository with Maven, run on a JRE as a non-root
# user. No Docker engine was at hand when this was written: it is checked by DockerFilesTest (the
# paths it copies exist), not built by the tests.
#   docker build -t sessionlimits .
#   docker run -p 8080:8080 -v sessionlimits-data:/var/lib/sessionlimits sessionlimits
#   docker run --rm -v sessionlimits-data:/var/lib/sessionlimits sessionlimits users list   (server stopped)

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl server -am package -DskipTests

# Java 21 runs the Java 17 build and gives Javalin virtual threads.
FROM eclipse-temurin:21-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/sessionlimits --shell /usr/sbin/nologin sessionlimits \
 && install -d -m 0700 -o sessionlimits -g sessionlimits /var/lib/sessionlimits
COPY --from=build /src/server/target/sessionlimits-server.jar /opt/sessionlimits/lib/sessionlimits-server.jar
COPY dist/src/main/dist/bin/sessionlimits /opt/sessionlimits/bin/sessionlimits
RUN chmod 0755 /opt/sessionlimits/bin/sessionlimits
ENV PATH=/opt/sessionlimits/bin:$PATH \
    SESSIONLIMITS_DATA_DIR=/var/lib/sessionlimits \
    SESSIONLIMITS_PORT=8080
USER sessionlimits
WORKDIR /var/lib/sessionlimits
VOLUME /var/lib/sessionlimits
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz/ready || exit 1
ENTRYPOINT ["sessionlimits"]
CMD ["serve"]
