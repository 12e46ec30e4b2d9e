# One image for the API and the worker (the command chooses). Multi-stage: dependencies are built with the
# full toolchain, the runtime stage carries production dependencies only and runs as a non-root user.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.js scripts/build-web.ts scripts/webBuild.ts scripts/
COPY prisma/schema.prisma prisma/
RUN npm ci --no-audit --no-fund
COPY . .
# The workflow bundle is built here once: workers start polling in seconds instead of bundling at start.
# What only `npm start`, the tests and the bench run (dev/: embedded servers and simulators) stays out of the
# image: no production entry point imports it (test/unit/layers.test.ts).
RUN npm run typecheck && npm run build:web && npm run build:workflows && npm prune --omit=dev \
  && rm -rf dev test bench

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# No browser or font package: the evaluation report's PDF is printed by the headless Chromium of the npm
# package @sparticuz/chromium, unpacked into /tmp at the first PDF (about 190 MB, a few seconds) with the
# libraries it links beyond glibc and libgcc (libnss3, libnspr4, libexpat: traced, it opens nothing else of
# the system's) and a last-resort font from the same package; the pages carry Noto Sans SC from
# @fontsource/noto-sans-sc. So /tmp must be writable and have the room. As user node, where the container
# allows no user namespace for Chromium's sandbox, it runs without (reports/chromium.ts).
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["npx", "tsx", "api/main.ts"]
