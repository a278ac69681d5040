# syntax=docker/dockerfile:1
# One image for the API, the worker, the one-shot migration and the demo's simulated cluster (the
# compose file and the Kubernetes manifests pick the command). It runs compiled JavaScript only:
# tsx and the other development packages are pruned from the runtime stage.

# The Node.js line the README names (20.19+).
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run generate && npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/assessments ./assessments
COPY --from=build --chown=node:node /app/prisma ./prisma
# Where the demo's simulated cluster writes its kubeconfigs (a volume shared with the learner).
RUN mkdir /demo && chown node:node /demo
USER node
# 3000: the API; 9464: a worker's /metrics and probes.
EXPOSE 3000 9464
# Liveness of whichever process runs: HEALTH_PORT names the worker's METRICS_PORT when it is one.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/http/main.js"]
