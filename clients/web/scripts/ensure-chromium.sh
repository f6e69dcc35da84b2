#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core; no browser is ever downloaded by npm.
# Installs the Debian package when running as root, otherwise stops with the exact command to run.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: $CHROMIUM missing, installing the Debian package chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi
echo "ensure-chromium: $CHROMIUM is missing; the browser tests need Debian's Chromium. Run:" >&2
echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core" >&2
echo "(or skip the end-to-end stage with -DskipE2E)" >&2
exit 1
