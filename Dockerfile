# Freshet's services (observer, planner, worker) in one image; docker-compose.yml picks the app
# by its command: node dist/apps/<app>/src/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change does not re-run npm ci. --ignore-scripts because the
# package's own "prepare" script builds, and the sources are not copied yet.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# The whole built tree: dist/ plus what the services read at run time from the repository
# (package.json, the CLI entry, non-TypeScript assets such as JSON schemas and examples).
COPY --from=build --chown=node:node /app /app
USER node
CMD ["node", "dist/apps/planner/src/main.js"]
