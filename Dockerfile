# Secure MCP Gateway: the prebuilt bundle, configured by environment variables (see .env.example).
# Multi-stage: the build stage compiles every workspace; the runtime stage keeps production dependencies and the
# compiled output only, and runs as the unprivileged "node" user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY core/package.json core/
COPY plugins plugins
RUN npm ci --no-audit --no-fund
COPY core core
# The core and the plugins only: the root tsconfig also builds examples/, which .dockerignore keeps out.
RUN npx tsc -b core plugins/* \
 && (npm run build --workspace plugins/admin-ui --if-present || echo "admin-ui web app not built; /ui serves its fallback") \
 && npm prune --omit=dev --no-audit --no-fund \
 && find core/src plugins/*/src -name '*.ts' -delete \
 && rm -rf plugins/*/app plugins/*/tsconfig*.json plugins/*/*.tsbuildinfo core/tsconfig*.json core/*.tsbuildinfo

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    MCP_SERVERS_FILE=/app/config/mcp_servers.yaml \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/core core
COPY --from=build /app/plugins plugins
COPY gateway.config.ts ./
COPY docker/gateway/mcp_servers.yaml config/mcp_servers.yaml
# The servers file is written by the admin API and the CLI; audit files and server data go to their own folders.
RUN mkdir -p /app/logs /app/.data && chown -R node:node /app/config /app/logs /app/.data
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "core/dist/cli.js"]
CMD ["start"]
