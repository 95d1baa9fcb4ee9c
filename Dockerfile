# Herald: one image for every process (`herald start api`, `herald start worker`, `herald migrate`).

# ---- manifests: the package files npm ci needs, shared by the stages below ----
FROM node:20-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/cli/package.json packages/cli/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/smtp/package.json apps/smtp/
# the test support workspace (@herald/test): only its manifest, for npm ci; its sources stay out of the image
COPY test/package.json test/

# ---- build: install everything and generate the Prisma client ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=manifests /app ./
COPY scripts/prisma-generate.js scripts/
COPY prisma.config.ts ./
COPY prisma prisma
RUN npm ci --no-audit --no-fund

# ---- runtime: production dependencies, the sources, the generated client ----
FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX=2: less resident memory for every process (docs/operations.md; the compose file adds the worker's and the API's V8 young generation)
ENV NODE_ENV=production HERALD_ENV=production HERALD_API_HOST=0.0.0.0 MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY prisma prisma
COPY packages packages
COPY apps apps
COPY --from=build /app/packages/core/src/generated packages/core/src/generated
USER node
EXPOSE 3000 587 465
ENTRYPOINT ["node", "packages/cli/bin/herald.js"]
CMD ["start", "api"]
