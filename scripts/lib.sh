# Shared helpers for scripts/*. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# wasm-opt comes from the npm package binaryen (scripts/tools), not from Debian: bookworm's
# binaryen 108 turns wasm-bindgen's externref table into an anyref table, and the app then dies
# at startup with "WebAssembly.Table.set(): Argument 1 is invalid for table".
export PATH="$REPO_ROOT/scripts/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Trunk never downloads anything: it must use the wasm-bindgen and wasm-opt that scripts/setup
# installed on PATH (an offline build fails loudly instead of fetching a binary). The versions
# come from Cargo.lock and from the installed wasm-opt, overriding the defaults in Trunk.toml.
export TRUNK_OFFLINE=true
export TRUNK_SKIP_VERSION_CHECK=true

if [[ -t 1 ]]; then
  _B=$'\033[1m' _G=$'\033[32m' _R=$'\033[31m' _Y=$'\033[33m' _N=$'\033[0m'
else
  _B='' _G='' _R='' _Y='' _N=''
fi

step() { printf '%s==> %s%s\n' "$_B" "$*" "$_N"; }
ok()   { printf '    %sok%s   %s\n' "$_G" "$_N" "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    %swarning:%s %s\n' "$_Y" "$_N" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_R" "$_N" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# Seconds since the epoch, for step timings.
now() { date +%s; }
elapsed() { local s=$(( $(now) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# The toolchain channel pinned in rust-toolchain.toml, e.g. 1.95.0.
toolchain_channel() {
  sed -n 's/^[[:space:]]*channel[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$REPO_ROOT/rust-toolchain.toml" | head -n1
}

# The targets listed in rust-toolchain.toml, one per line.
toolchain_targets() {
  sed -n 's/^[[:space:]]*targets[[:space:]]*=[[:space:]]*\[\(.*\)\].*/\1/p' "$REPO_ROOT/rust-toolchain.toml" \
    | tr ',' '\n' | tr -d ' "' | sed '/^$/d'
}

# Version of a package in Cargo.lock (first match), e.g. lock_version wasm-bindgen -> 0.2.130.
lock_version() {
  awk -v name="$1" '
    $0 == "[[package]]" { inpkg = 1; next }
    inpkg && $1 == "name" { found = ($3 == "\"" name "\"") }
    inpkg && found && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO_ROOT/Cargo.lock"
}

TRUNK_VERSION=0.21.14
APT_PACKAGES=(chromium chromium-driver python3-venv)

wasm_bindgen_version() { lock_version wasm-bindgen; }

# `wasm-opt --version` prints e.g. "wasm-opt version 132 (version_132)"; Trunk calls that
# "version_132".
wasm_opt_trunk_version() {
  wasm-opt --version 2>/dev/null | awk '{ print "version_" $3; exit }'
}

# Export the tool versions Trunk must find on PATH (see Trunk.toml).
trunk_env() {
  TRUNK_TOOLS_WASM_BINDGEN="$(wasm_bindgen_version)"
  export TRUNK_TOOLS_WASM_BINDGEN
  if have wasm-opt; then
    TRUNK_TOOLS_WASM_OPT="$(wasm_opt_trunk_version)"
    export TRUNK_TOOLS_WASM_OPT
  fi
}

# `npm ci` in directory $1 unless node_modules already matches its package-lock.json.
npm_ci() {
  local dir="$1" stamp want
  stamp="$dir/node_modules/.ec2lab-package-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | awk '{print $1}')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    ok "${dir#"$REPO_ROOT"/}/node_modules matches package-lock.json"
  else
    info "npm ci in ${dir#"$REPO_ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    echo "$want" >"$stamp"
    ok "${dir#"$REPO_ROOT"/}: installed $(cd "$dir" && npm ls --omit=optional --depth=0 --parseable=false 2>/dev/null | sed -n '2,$p' | sed 's/^[^a-z@]*//' | tr '\n' ' ')"
  fi
}
