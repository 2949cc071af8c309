#!/usr/bin/env bash
# Builds editors/vscode/archrules-<version>.vsix reproducibly from a clean
# checkout: npm ci, type check, lint, unit tests, then `vsce package`, whose
# `vscode:prepublish` copies the rule schema and bundles out/extension.js.
#   bash editors/vscode/scripts/package.sh [--skip-checks]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf out
if [ "${1:-}" != "--skip-checks" ]; then
    npm run --silent typecheck
    npm run --silent lint
    npm run --silent test
    rm -rf out
fi
version="$(node -p 'require("./package.json").version')"
vsix="archrules-${version}.vsix"
rm -f "$vsix"
npx vsce package --allow-missing-repository --no-dependencies --out "$vsix"
echo "built $(pwd)/$vsix"
