#!/usr/bin/env bash
# Installs what building, booting and testing Atoll needs on Debian 12,
# skipping whatever is already present. Safe to run on every build.
set -euo pipefail
cd "$(dirname "$0")/.."

# A file or command that proves each Debian package is installed.
declare -A PACKAGE_PROOF=(
  [qemu-system-x86]=/usr/bin/qemu-system-x86_64
  [qemu-system-gui]=/usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so
  [xvfb]=/usr/bin/Xvfb
  [x11-utils]=/usr/bin/xwininfo
  [x11-apps]=/usr/bin/xwd
  [grub-common]=/usr/bin/grub-mkrescue
  [grub-pc-bin]=/usr/lib/grub/i386-pc/modinfo.sh
  [grub-efi-amd64-bin]=/usr/lib/grub/x86_64-efi/modinfo.sh
  [xorriso]=/usr/bin/xorriso
  [mtools]=/usr/bin/mformat
  [ovmf]=/usr/share/OVMF/OVMF_CODE_4M.fd
  [wabt]=/usr/bin/wasm2c
  [gcc]=/usr/bin/gcc
  [make]=/usr/bin/make
  [binutils]=/usr/bin/nm
  [clang]=/usr/bin/clang
  [lld]=/usr/bin/wasm-ld
  [wasi-libc]=/usr/lib/wasm32-wasi/libc.a
  [libclang-rt-14-dev-wasm32]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a
  [console-setup-linux]=/usr/share/consolefonts/Lat15-Terminus16.psf.gz
  [pciutils]=/usr/share/misc/pci.ids
)

missing=()
for package in "${!PACKAGE_PROOF[@]}"; do
  [[ -e "${PACKAGE_PROOF[$package]}" ]] || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    echo "install-deps: not root and no sudo; please install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-deps: Node.js 20 and npm are needed (Debian packages nodejs and npm)" >&2
  exit 1
fi

# npm ci when node_modules is absent or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
