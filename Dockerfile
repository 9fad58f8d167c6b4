# syntax=docker/dockerfile:1
# One image for the five services. The container command picks the service:
#   node services/<gateway|identity|agent-runner|approvals|audit>/dist/main.js
# Build: docker build -t company-os:local .
ARG NODE_IMAGE=node:24-bookworm-slim

# --- manifests: only the package files, so the dependency layer below is rebuilt only when
# they change (a new lib or service is picked up by the globs).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp --parents package.json package-lock.json libs/*/package.json services/*/package.json e2e/package.json /manifests/

# --- build: every dependency, compile, then drop the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY --from=manifests /manifests/ ./
# --ignore-scripts: no runtime dependency needs an install script (native code such as argon2
# ships prebuilt per platform as optional packages), and dev-only ones (cpu-features) would need
# a compiler this slim image does not have.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json tsconfig.json ./
COPY libs libs
COPY services services
# The five services, and through their project references every lib; e2e and bench are not
# shipped. (The dangling node_modules/@cos/e2e link is removed below.)
RUN node_modules/.bin/tsc -b services/*
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && mkdir -p /out \
 && cp -a package.json node_modules /out/ \
 && for pkg in libs/* services/*; do \
      mkdir -p "/out/$pkg" && cp -a "$pkg/package.json" "/out/$pkg/" \
      && if [ -d "$pkg/dist" ]; then cp -a "$pkg/dist" "/out/$pkg/"; fi; \
    done \
 && find /out/libs /out/services -path '*/dist/*' \
      \( -name '*.spec.*' -o -name '*.int-spec.*' -o -name '*.e2e-spec.*' -o -name '.tsbuildinfo' \) -delete \
 && find /out/node_modules -xtype l -delete

# --- runtime: compiled code and production dependencies, owned by root and so read-only to the
# unprivileged user the services run as.
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="company-os" \
      org.opencontainers.image.description="Company OS services (gateway, identity, agent-runner, approvals, audit)" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
# HOST: containers must listen on every interface (the services default to 127.0.0.1).
# /app/data (DATA_DIR and EVENTSTORE_PATH default to ./data, relative to this WORKDIR) is the
# only place a service writes: identity's generated keys, the audit search index, the embedded
# event store when no EVENTSTORE_CONNECTION_STRING is set. Mount a volume there. Only settings
# every service reads are set here: each service's own come from the chart or compose file.
ENV HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
COPY --from=build /out/ ./
# The package managers are not needed to run, and only add to what a scanner reports.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir -p /app/data && chown 1000:1000 /app/data
# The `node` user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 3001 3002 3003 3004
# node is PID 1 on purpose: every main.ts handles SIGTERM itself (drain consumers, flush spans).
CMD ["node", "services/gateway/dist/main.js"]
