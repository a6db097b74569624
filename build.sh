#!/usr/bin/env bash
# build.sh: install the build dependencies (Debian/Ubuntu, via apt-get), then
# configure and build vstop in this directory. Extra arguments go to ./configure;
# without any, the configuration and state live where Debian's packages keep them
# (/etc/vstop, /var/lib/vstop) and the programs under /usr/local.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
pkgs=$(grep -v '^#' .ci/packages | tr '\n' ' ')
missing=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null | awk '$4 != "installed" {print $1}' || true)
for p in $pkgs; do dpkg-query -W "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "${missing// /}" ]; then
	echo "build.sh: installing:$missing"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi
[ -x configure ] || autoreconf -fi
[ $# -gt 0 ] || set -- --sysconfdir=/etc --localstatedir=/var
[ -f Makefile ] || ./configure "$@"
make -j"$(nproc)"
