# syntax=docker/dockerfile:1
# The images of the gateway, the webhook receiver and the sandbox: one build of the whole workspace
# (npm workspaces + Nx), then one run stage per app, each with its dist, the dist of the workspace
# packages it imports and production dependencies only, as the unprivileged `node` user. Build from the
# repository root, naming the app as the target:
#   docker build --target gateway -t connectpay-kit/gateway:local .
#   docker build --target webhook -t connectpay-kit/webhook:local .
#   docker build --target sandbox -t connectpay-kit/sandbox:local .
# Without --target, docker builds the last stage (the gateway).
# tools/test/compose.spec.ts checks every COPY source below exists and that each app's stage carries
# the dist of every workspace package the app imports.

FROM node:20-bookworm AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The lockfile is written by npm 11 (package.json "packageManager").
RUN npm install -g npm@11.19.1 --no-audit --no-fund
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

# Manifests first: the dependency layer is rebuilt only when one of them changes. npm ci needs every
# workspace's package.json to match the lockfile, even those no image ships.
COPY package.json package-lock.json .npmrc ./
COPY apps/cert-check/package.json apps/cert-check/
COPY apps/gateway/package.json apps/gateway/
COPY apps/sandbox/package.json apps/sandbox/
COPY apps/webhook/package.json apps/webhook/
COPY packages/certs/package.json packages/certs/
COPY packages/config/package.json packages/config/
COPY packages/hosts/package.json packages/hosts/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/storage/package.json packages/storage/
COPY packages/testing-pki/package.json packages/testing-pki/
COPY packages/transport/package.json packages/transport/
COPY tools/package.json tools/
RUN npm ci --no-audit --no-fund

COPY . .
# All three apps in one build: they share most packages, so building them together costs little more
# than one, and the three images (docker compose builds them all) reuse this stage from the cache.
RUN npx nx run-many -t build -p gateway webhook sandbox --outputStyle=static
# Drops every devDependency (nx, jest, typescript, ...); the workspace links stay.
RUN npm prune --omit=dev --no-audit --no-fund

# What every app's stage shares.
FROM node:20-bookworm-slim AS runtime-base
ENV NODE_ENV=production
WORKDIR /app
# Mount point of the dev-pki volume. A fresh named volume takes the owner of the folder it is first
# mounted on, so `node` can write the dev PKI into it whichever image mounts it first.
RUN mkdir -p /srv/connectpay && chown node:node /srv/connectpay
ENV CONNECTPAY_DEV_PKI_DIR=/srv/connectpay/dev-pki
# Root-owned and read-only for `node`, here and in every COPY of the stages below (COPY ignores USER):
# the process cannot rewrite its own code or dependencies.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules node_modules
USER node

# Each app's stage copies the dist of exactly the workspace packages the app imports, the ones all
# three share included: each list then reads, and is checked, as that app's imports.

FROM runtime-base AS sandbox
ENV SANDBOX_HOST=0.0.0.0
COPY --from=build /app/packages/certs/package.json packages/certs/package.json
COPY --from=build /app/packages/certs/dist packages/certs/dist
COPY --from=build /app/packages/config/package.json packages/config/package.json
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/packages/hosts/package.json packages/hosts/package.json
COPY --from=build /app/packages/hosts/dist packages/hosts/dist
# Not imported by the sandbox: its image also runs the dev PKI step (compose's one-shot `dev-pki`,
# `node packages/testing-pki/dist/dev-pki/cli.js`), the only image that carries the generator.
COPY --from=build /app/packages/testing-pki/package.json packages/testing-pki/package.json
COPY --from=build /app/packages/testing-pki/dist packages/testing-pki/dist
COPY --from=build /app/packages/transport/package.json packages/transport/package.json
COPY --from=build /app/packages/transport/dist packages/transport/dist
COPY --from=build /app/apps/sandbox/package.json apps/sandbox/package.json
COPY --from=build /app/apps/sandbox/dist apps/sandbox/dist
EXPOSE 8443 8444
# GET /sandbox/v1/health on the one-way listener, over TLS trusting only the dev CA.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:https').get('https://127.0.0.1:8444/sandbox/v1/health',{ca:require('node:fs').readFileSync(process.env.CONNECTPAY_DEV_PKI_DIR+'/ca.pem'),timeout:3000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
CMD ["node", "apps/sandbox/dist/main.js"]

FROM runtime-base AS webhook
ENV WEBHOOK_HOST=0.0.0.0
COPY --from=build /app/packages/certs/package.json packages/certs/package.json
COPY --from=build /app/packages/certs/dist packages/certs/dist
COPY --from=build /app/packages/config/package.json packages/config/package.json
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/packages/hosts/package.json packages/hosts/package.json
COPY --from=build /app/packages/hosts/dist packages/hosts/dist
COPY --from=build /app/packages/service-kit/package.json packages/service-kit/package.json
COPY --from=build /app/packages/service-kit/dist packages/service-kit/dist
COPY --from=build /app/packages/storage/package.json packages/storage/package.json
COPY --from=build /app/packages/storage/dist packages/storage/dist
COPY --from=build /app/packages/transport/package.json packages/transport/package.json
COPY --from=build /app/packages/transport/dist packages/transport/dist
COPY --from=build /app/apps/webhook/package.json apps/webhook/package.json
COPY --from=build /app/apps/webhook/dist apps/webhook/dist
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3001/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/webhook/dist/main.js"]

# Last, so that a `docker build .` without --target builds the gateway.
FROM runtime-base AS gateway
ENV GATEWAY_HOST=0.0.0.0
COPY --from=build /app/packages/certs/package.json packages/certs/package.json
COPY --from=build /app/packages/certs/dist packages/certs/dist
COPY --from=build /app/packages/config/package.json packages/config/package.json
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/packages/hosts/package.json packages/hosts/package.json
COPY --from=build /app/packages/hosts/dist packages/hosts/dist
COPY --from=build /app/packages/service-kit/package.json packages/service-kit/package.json
COPY --from=build /app/packages/service-kit/dist packages/service-kit/dist
COPY --from=build /app/packages/storage/package.json packages/storage/package.json
COPY --from=build /app/packages/storage/dist packages/storage/dist
COPY --from=build /app/packages/transport/package.json packages/transport/package.json
COPY --from=build /app/packages/transport/dist packages/transport/dist
COPY --from=build /app/apps/gateway/package.json apps/gateway/package.json
COPY --from=build /app/apps/gateway/dist apps/gateway/dist
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/gateway/dist/main.js"]
