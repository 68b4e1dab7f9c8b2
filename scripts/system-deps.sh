#!/usr/bin/env bash
# Debian packages the portal needs. `run`: WeasyPrint's Pango and fonts. `test`: also Chromium
# (browser tests), poppler-utils (PDF to PNG), a Java runtime (the Nu HTML checker), PostgreSQL and
# clamav-daemon (the upload-scanning tests start their own clamd with a local signature file) and
# curl (scripts/objectstore.sh asks whether the test object store answers).
# Installs only what is missing, and only as root; otherwise it says what to install.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium poppler-utils default-jre-headless postgresql clamav-daemon curl)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A machine may provide Java or PostgreSQL some other way; don't install a second one.
if command -v java >/dev/null 2>&1; then missing=("${missing[@]/default-jre-headless}"); fi
if command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1; then missing=("${missing[@]/postgresql}"); fi
read -r -a missing <<< "${missing[*]:-}"
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
