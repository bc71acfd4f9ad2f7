#!/usr/bin/env bash
# Installs the Debian packages the test suites need, only those missing; safe to run again.
# Runs as root without a TTY (CI). Prints one line per package installed.
# Add a package: append it to PACKAGES (and, if Debian starts it as a service, to SERVICES).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  orthanc           # real PACS for test/orthanc (DICOMweb source)
  orthanc-dicomweb  # its DICOMweb plugin (libOrthancDicomWeb.so)
  chromium          # real browser for test/e2e (driven by playwright-core)
  dcmtk             # third-party DICOM validators (dcmdump, dsrdump)
)
# Services the packages may start on install; tests start their own instances on free ports.
SERVICES=(orthanc)

SUDO=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then SUDO=(sudo -n); fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    echo "ci-services: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! { "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ci-services: apt-get failed for: ${missing[*]}" >&2
    exit 1
  fi
  for pkg in "${missing[@]}"; do
    installed "$pkg" || { echo "ci-services: $pkg failed to install" >&2; exit 1; }
    echo "installed $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
  done
fi

# A package's post-install may have started a system service on its default port (Orthanc:
# 8042/4242); stop it. No-op when nothing runs (containers without init refuse to start them).
for svc in "${SERVICES[@]}"; do
  if [[ -x /etc/init.d/$svc ]] && /etc/init.d/"$svc" status >/dev/null 2>&1; then
    if command -v service >/dev/null; then "${SUDO[@]}" service "$svc" stop >/dev/null 2>&1 || true
    else "${SUDO[@]}" /etc/init.d/"$svc" stop >/dev/null 2>&1 || true; fi
    echo "stopped service $svc"
  fi
done
