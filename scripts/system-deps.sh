#!/usr/bin/env bash
# Installs the Debian packages Kết Nối needs: fonts for Vietnamese and CJK PDFs, Pango and
# HarfBuzz for WeasyPrint, poppler-utils for PDF checks, Chromium for browser tests and
# PostgreSQL for the production database. Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  fonts-noto-core
  fonts-noto-cjk
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz-subset0
  poppler-utils
  chromium
  chromium-driver
  postgresql
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# fc-cache so that WeasyPrint sees the new fonts at once.
command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
echo "system-deps: done"
