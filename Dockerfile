# syntax=docker/dockerfile:1
# balance-check: one image, three processes (worker, API, codec server) — pick one with the command,
# e.g. `docker run IMAGE node dist/api/main.js`. Build: `docker build -t balance-check .`
# test/workflow/build-dist.test.ts plays the build and runtime stages below step by step (same COPY
# and RUN lines) and starts the three processes from the result; test/unit/dockerfile.test.ts checks
# the steps against package.json. Keep both stages to COPY / RUN / WORKDIR / ENV / USER lines.
ARG NODE_VERSION=20

# ---- build: dev dependencies, tsc, the pre-built workflow bundle ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY providers ./providers
COPY contracts ./contracts
COPY money ./money
COPY config ./config
COPY codec ./codec
COPY observability ./observability
COPY callbacks ./callbacks
COPY nexus ./nexus
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npm run build

# ---- runtime: production dependencies and dist/ only, as the unprivileged `node` user ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY --from=build /app/dist ./dist
USER node
# API 3000, codec server 8234, worker metrics 9464 (each process uses one of them).
EXPOSE 3000 8234 9464
CMD ["node", "dist/worker/main.js"]
