#!/usr/bin/env bash
# Takes a fresh machine (Node 20 + npm) to one that can run the stack and every test:
# the pinned pnpm, a running RabbitMQ (Debian's package, started if down), the workspace's packages.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

broker_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
if [ "${SKIP_RABBITMQ:-}" != 1 ] && ! broker_up; then
  if ! command -v rabbitmq-server >/dev/null; then
    echo "setup: installing rabbitmq-server from apt"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >/dev/null
  fi
  echo "setup: starting RabbitMQ"
  rabbitmq-server -detached || true
  for _ in $(seq 1 90); do broker_up && break; sleep 1; done
  broker_up || { echo "setup: RabbitMQ did not come up on 127.0.0.1:5672" >&2; exit 1; }
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm build >/dev/null
echo "setup: ready (pnpm $(pnpm --version), node $(node --version))"
