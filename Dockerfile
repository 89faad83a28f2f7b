# costledger's image: `docker build -t costledger .` (or, with no registry in reach,
# `scripts/build-image`, which assembles the same image from Debian packages offline).
# Build stage: Debian 12 with the build dependencies of scripts/install-deps; runtime: Debian 12
# slim with only the shared libraries costledger links, CA certificates and the tz database.

FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config ca-certificates \
      libfmt-dev libhowardhinnant-date-dev nlohmann-json3-dev libpqxx-dev libpq-dev libboost-dev \
      prometheus-cpp-dev libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOSTLEDGER_WERROR=ON \
      -DCOSTLEDGER_BUILD_TESTS=OFF -DCOSTLEDGER_BUILD_BENCH=OFF \
 && cmake --build /build --target costledger \
 && install -D -m 0755 -s /build/cmd/costledger /out/usr/bin/costledger

FROM debian:12-slim
# The runtime libraries of the build stage's -dev packages (scripts/build-image installs the
# same list: keep them in step).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates tzdata curl libcurl4 libdate-tz3 libfmt9 libpq5 libpqxx-6.4 \
      libprometheus-cpp-core1.0 libssl3 \
 && rm -rf /var/lib/apt/lists/*
# A fixed non-root user (the manifests' runAsUser) owning only the spool: with a read-only root
# filesystem the process writes nothing else (mount /tmp and the spool as volumes).
RUN groupadd --system --gid 10001 costledger \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin costledger \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/costledger /var/lib/costledger/spool \
 && install -d -m 0755 /etc/costledger
COPY --from=build /out/ /
USER 10001:10001
EXPOSE 9003
VOLUME ["/var/lib/costledger/spool"]
# Kubernetes probes GET /healthz (alive) and /readyz (database reachable, recent interval;
# deploy/base); plain Docker asks /healthz with curl, over HTTPS when tls is configured.
HEALTHCHECK --interval=30s --timeout=3s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:9003/healthz \
   || curl -fsSk -o /dev/null https://127.0.0.1:9003/healthz
ENTRYPOINT ["/usr/bin/costledger"]
CMD ["serve", "--config", "/etc/costledger/config/config.json"]
