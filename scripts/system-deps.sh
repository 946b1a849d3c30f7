#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real, when they are missing.
# `make test` and .ci/run call it; it does nothing when everything is there.
#
#   chromium           /usr/bin/chromium, driven by Playwright in tests/browser
#                      (never a browser that Playwright downloads itself)
#   fonts-dejavu-core  Vietnamese letters in the pages Chromium renders and screenshots
#   postgresql-client  pg_dump and pg_restore for `qms backup` / `qms restore` on PostgreSQL
#   poppler-utils      pdffonts, pdfsig and pdftoppm: checks of the generated and signed PDFs
#   libreoffice-writer-nogui, fonts-liberation2, fonts-noto-core
#                      a generated DOCX opens and converts to PDF with the same text
#   softhsm2           a PKCS#11 token in software: records signed with a key that never
#                      leaves its token (QMS_SIGNING_PKCS11_*)
set -euo pipefail

wanted=(chromium fonts-dejavu-core postgresql-client poppler-utils libreoffice-writer-nogui fonts-liberation2
        fonts-noto-core softhsm2)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: only say what the tests need.
  if [ ! -x /usr/bin/chromium ]; then
    echo "system-deps: the browser tests need /usr/bin/chromium; install Chromium there" >&2
    exit 1
  fi
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: done"
