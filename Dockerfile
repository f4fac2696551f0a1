# Squad Studio's server image: one image for the API (`squad serve`) and the workers (`squad worker`).
#   docker build -t squad-studio:0.1.0 .
#   docker run --rm -p 127.0.0.1:4000:4000 -e SQUAD_TOKEN=... squad-studio:0.1.0            # API + web app
#   docker run --rm -e SQUAD_STORE=postgres://... squad-studio:0.1.0 worker                  # a worker
# Configuration is by environment (SQUAD_*; the README's table), secrets from the orchestrator.

# 1. Build: every dependency, then the production bundles (dist/).
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: nothing the build needs runs one (esbuild's binary comes as an optional dependency).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build -- --production

# 2. Runtime dependencies only (no devDependencies), as `npm ci --omit=dev` installs them.
FROM node:20-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. The image: Node 20, the runtime dependencies, the server's bundles and the web app. Nothing else.
FROM node:20-slim
LABEL org.opencontainers.image.title="Squad Studio server" \
      org.opencontainers.image.description="squad serve (API, live stream, web app) and squad worker" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    SQUAD_HOST=0.0.0.0 \
    SQUAD_PORT=4000 \
    SQUAD_WORKSPACE=/data
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /src/package.json ./package.json
# The CLI: dist/cli.js (the bin) runs dist/cli-main.js, every command in one bundle (its V8 code cache
# goes to dist/.cache where that can be written: not in this image, whose files are root's and whose
# user is not, so each start compiles it); the tokenizer's ranks are read from
# dist/o200k_base.ranks; squad test and forecast start dist/gateWorker.js threads, squad serve its
# runs on dist/runThread.js threads.
COPY --from=build /src/dist/cli.js /src/dist/cli-main.js /src/dist/o200k_base.ranks ./dist/
COPY --from=build /src/dist/gateWorker.js /src/dist/runThread.js /src/dist/server.js /src/dist/credit-bureau.js ./dist/
COPY --from=build /src/dist/webview ./dist/webview
# The workspace (journals, server.json) belongs to the unprivileged user the server runs as (node, 1000).
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]
USER 1000:1000
EXPOSE 4000
# /healthz of the API (SQUAD_PORT) or of a worker's health port (SQUAD_HEALTH_PORT); no curl in the image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SQUAD_HEALTH_PORT || process.env.SQUAD_PORT) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (exec form): runs are held at a checkpoint and released, journals flushed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve"]
