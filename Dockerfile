# Switchboard: one image with the five service binaries. compose/docker-compose.yml runs it
# once per service with `command: [<process>]`.
#
#   docker build -t switchboard:local .

# ---- Build ------------------------------------------------------------------------------
FROM swift:6.3-bookworm AS build

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libhiredis-dev libsqlite3-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so that a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve

COPY Shared ./Shared
COPY Services ./Services
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && mkdir -p /app \
    && bin="$(swift build -c release --show-bin-path)" \
    && for p in gateway sender webhook-ingest log-indexer session-manager; do \
        cp "$bin/$p" /app/; \
    done

# ---- Runtime ----------------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libhiredis0.14 libsqlite3-0 libcurl4 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin switchboard \
    && mkdir -p /data \
    && chown switchboard:switchboard /data

COPY --from=build /app/ /usr/local/bin/

ENV DATA_DIR=/data \
    HTTP_HOST=0.0.0.0

USER switchboard
WORKDIR /data
VOLUME ["/data"]

# Each service listens on its own port (8080-8084); compose picks the binary with `command`.
EXPOSE 8080 8081 8082 8083 8084
CMD ["gateway"]
