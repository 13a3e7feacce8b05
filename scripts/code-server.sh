#!/usr/bin/env bash
# Provisions a real VS Code (code-server, from the npm registry) and Debian's Chromium for the
# end-to-end suite and `npm start`, following docs/testing-in-vscode.md. Nothing is fetched from
# anywhere but apt and the npm registry: ripgrep comes from Debian, node-gyp builds against the
# local Node headers.
#
# The result lives outside the clone, so a second clone or a second run reuses it; a marker
# written last makes the second run instant and makes an interrupted run start over cleanly.
#
#   scripts/code-server.sh          provision if needed, print the code-server folder
#   LOSS_LENS_CACHE=/tmp/x ...      use another cache root (to measure the cold path)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
APT_PACKAGES=(chromium ripgrep pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

cache_root="${LOSS_LENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loss-lens}"
dir="$cache_root/code-server-$CODE_SERVER_VERSION"
marker="$dir/.provisioned"
# The native modules are built for one Node ABI: a different Node must rebuild them.
stamp="code-server $CODE_SERVER_VERSION node-abi $(node -p process.versions.modules)"

log() { printf '[code-server.sh] %s\n' "$*" >&2; }

if [[ -f "$marker" && "$(cat "$marker")" == "$stamp" ]]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache_root"
# npm test and npm start may both get here on a fresh machine; only one may build.
exec 9>"$cache_root/code-server.lock"
flock 9
if [[ -f "$marker" && "$(cat "$marker")" == "$stamp" ]]; then
  echo "$dir"
  exit 0
fi

started=$SECONDS

source "$(dirname "$0")/lib/apt.sh"
apt_install "${APT_PACKAGES[@]}"

# Build against the installed Node headers: node-gyp would otherwise download them.
if [[ -f /usr/include/node/node.h ]]; then
  export npm_config_nodedir=/usr
fi
# npx is configured not to prompt on these machines; the rebuilds must not stop to ask.
export npm_config_yes=true
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log "installing code-server $CODE_SERVER_VERSION into $dir"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
echo '{ "name": "loss-lens-code-server", "private": true }' > package.json
npm install --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION"

cd "$dir/node_modules/code-server/lib/vscode"
log "installing VS Code's own dependencies"
npm install --omit=dev --ignore-scripts --loglevel=error
# With bin/ present @vscode/ripgrep's postinstall skips its download from GitHub.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
log "compiling native modules (node-pty, spdlog, kerberos, watcher...)"
npm rebuild --loglevel=error
ln -sfn node_modules node_modules.asar
log "installing the built-in extensions' dependencies"
(cd extensions && npm install --omit=dev --loglevel=error)

cd "$dir"
npm rebuild argon2 --loglevel=error

node "$dir/node_modules/code-server/out/node/entry.js" --version >/dev/null
echo "$stamp" > "$marker"
log "provisioned in $((SECONDS - started)) s"
echo "$dir"
