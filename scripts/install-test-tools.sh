#!/usr/bin/env bash
# Installs the real peers some tests drive (Debian packages): promtool (prometheus), Alertmanager,
# docker-compose (static validation of docker-compose.yml) and headless Chromium (UI tests).
# Tests that need one of them skip with a clear message when it is absent; CI runs this first.
set -euo pipefail
packages=(prometheus prometheus-alertmanager docker-compose chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test tools: all present (${packages[*]})"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test tools: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "test tools: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
