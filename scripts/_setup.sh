# Shared set-up for scripts/demo.sh and scripts/test.sh: system packages (as root, when
# missing), the virtualenv and the Python packages. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

install_system_packages() {
  # $@: Debian packages this command needs. Installed only when root and missing.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo ">> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! missing system packages (install them as root): ${missing[*]}" >&2
  fi
}

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "!! Python 3.11 or newer is required" >&2; return 1
}

ensure_venv() {
  # Reinstall only when pyproject.toml changed since the last install.
  local python stamp want
  python="$(pick_python)"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv || { install_system_packages python3-venv; "$python" -m venv .venv; }
  fi
  stamp=.venv/.installed
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo ">> pip install -e .[dev]"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e '.[dev]'
    echo "$want" > "$stamp"
  fi
}

# PDFs need a CJK font and HarfBuzz's subsetter (without it one Chinese PDF takes ~8 s).
PDF_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
# The tests read PDFs back: pages as images (poppler-utils' pdftoppm), the QR code of an
# issued document from that image (zbar-tools' zbarimg, issue 18), and pages in Chromium.
TEST_PACKAGES=(poppler-utils zbar-tools chromium gettext)
