# syntax=docker/dockerfile:1
# Production image: build with swc, keep only runtime dependencies, run as an unprivileged user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# npm 11 reads package.json's "allowScripts" (which install scripts may run). The build tools are
# for argon2, which compiles itself when its prebuilt binary does not load on this Node build.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/* && npm install -g npm@11
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/identity-server
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/apps/admin-console/dist ./apps/admin-console/dist
COPY --from=build --chown=node:node /app/package.json ./package.json
RUN mkdir -p /var/lib/identity-server && chown node:node /var/lib/identity-server
# The embedded PostgreSQL, its password and the generated keys live here: mount a volume on it.
VOLUME /var/lib/identity-server
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# As `npm start`: an 8 MB young generation keeps idle memory about 30 MB lower at no measured cost.
CMD ["node", "--max-semi-space-size=8", "dist/apps/identity-server/src/main.js"]
