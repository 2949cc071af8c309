#!/usr/bin/env bash
# Installs what the real-editor tests (tests/editors/) and the VS Code
# extension build (editors/vscode/) need on a fresh Debian 12 machine.
# Idempotent: every step checks first and does nothing when already done, so a
# second run takes a few seconds.
#
#   bash .ci/install-editor-deps.sh            # everything
#   bash .ci/install-editor-deps.sh apt        # only some steps:
#        apt | vscode-ext | test-tools | code-server
#
# What it installs:
#   apt:          chromium (+ a font for legible screenshots), ripgrep, the build deps of code-server's native
#                 modules (build-essential pkg-config libkrb5-dev libxkbfile-dev
#                 libsecret-1-dev libx11-dev), emacs-nox + elpa-eglot + elpa-lsp-mode, vim + vim-ale
#   vscode-ext:   `npm ci` in editors/vscode (node_modules/, gitignored)
#   test-tools:   `npm ci` in tests/editors/tools (playwright-core; node_modules/)
#   code-server:  code-server 4.100.3: `npm ci` of tests/editors/tools/code-server
#                 (package.json + package-lock.json) into $ARCHRULES_CODE_SERVER_DIR
#                 (default /opt/archrules-editor-tools/code-server-4.100.3),
#                 outside the work tree so fresh clones (CI) reuse it; ~300 MB.
#                 @vscode/ripgrep's download is served from Debian's rg.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="${ARCHRULES_CODE_SERVER_DIR:-/opt/archrules-editor-tools/code-server-$CODE_SERVER_VERSION}"
APT_PACKAGES=(
    chromium ripgrep fonts-dejavu-core
    build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev
    emacs-nox elpa-eglot elpa-lsp-mode
    vim vim-ale
    git
)

log() { printf '[install-editor-deps %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

step_apt() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "apt: all ${#APT_PACKAGES[@]} packages present"
        return
    fi
    log "apt: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    log "apt: done"
}

need_node() {
    local major
    major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    if [ "$major" -lt 20 ]; then
        log "needs Node.js >= 20 with npm on PATH (found: $(node --version 2>/dev/null || echo none))"
        exit 1
    fi
}

# npm ci in $1 unless node_modules already matches package-lock.json.
npm_ci_if_needed() {
    local dir="$1"
    need_node
    if [ ! -f "$dir/package-lock.json" ]; then
        log "npm: $dir has no package-lock.json, skipped"
        return
    fi
    local stamp="$dir/node_modules/.archrules-lock.sha256"
    local want
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        log "npm: $dir/node_modules up to date"
        return
    fi
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
}

step_vscode_ext() { npm_ci_if_needed "$ROOT/editors/vscode"; }
step_test_tools() { npm_ci_if_needed "$ROOT/tests/editors/tools"; }

step_code_server() {
    local bin="$CODE_SERVER_DIR/node_modules/.bin/code-server"
    local lock="$ROOT/tests/editors/tools/code-server/package-lock.json"
    local want
    want="$(sha256sum "$lock" | cut -d' ' -f1)"
    if [ -x "$bin" ] && [ "$(cat "$CODE_SERVER_DIR/.installed" 2>/dev/null)" = "$want" ]; then
        log "code-server: $CODE_SERVER_VERSION present in $CODE_SERVER_DIR"
        return
    fi
    need_node
    command -v rg >/dev/null || { log "code-server: needs ripgrep (run the apt step)"; exit 1; }
    # @vscode/ripgrep (a code-server dependency) downloads a musl rg build from
    # GitHub in its postinstall; seed its cache with Debian's rg instead.
    local cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
    local tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
    if [ ! -s "$tarball" ]; then
        mkdir -p "$cache"
        local tmp
        tmp="$(mktemp -d)"
        cp "$(command -v rg)" "$tmp/rg"
        tar -C "$tmp" -czf "$tarball" rg
        rm -rf "$tmp"
    fi
    log "code-server: npm ci code-server@$CODE_SERVER_VERSION into $CODE_SERVER_DIR (about 1-3 min)"
    mkdir -p "$CODE_SERVER_DIR"
    cp "$ROOT/tests/editors/tools/code-server/package.json" "$lock" "$CODE_SERVER_DIR/"
    rm -f "$CODE_SERVER_DIR/.installed"
    (
        cd "$CODE_SERVER_DIR"
        # root needs unsafe_perm: node-pty's postinstall runs `npx node-gyp`;
        # argon2's prebuilt download fails offline and it builds from source.
        npm_config_yes=true npm_config_unsafe_perm=true \
            npm ci --foreground-scripts --no-audit --no-fund --loglevel=error \
            >"$CODE_SERVER_DIR/install.log" 2>&1 \
            || { tail -50 "$CODE_SERVER_DIR/install.log"; exit 1; }
    )
    "$bin" --version >/dev/null
    echo "$want" >"$CODE_SERVER_DIR/.installed"
    log "code-server: done ($("$bin" --version | head -1))"
}

steps=("$@")
if [ ${#steps[@]} -eq 0 ]; then steps=(apt vscode-ext test-tools code-server); fi
start=$SECONDS
for s in "${steps[@]}"; do
    case "$s" in
        apt) step_apt ;;
        vscode-ext) step_vscode_ext ;;
        test-tools) step_test_tools ;;
        code-server) step_code_server ;;
        *) echo "unknown step: $s" >&2; exit 2 ;;
    esac
done
log "all done in $((SECONDS - start)) s"
