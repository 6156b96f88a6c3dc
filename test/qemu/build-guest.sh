#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
#
# Build the test guest: a Debian kernel (vmlinuz) and a busybox initramfs
# (initrd.img) whose /init loads the virtio-net modules, configures eth0 from
# the kernel command line and then runs a command loop on the serial console.
# Also vmlinux, the same kernel uncompressed, when it can be booted through
# PVH (faster under TCG); QEMU's -kernel takes either.
#
# usage: build-guest.sh [CACHE_DIR]      (default: build/qemu-guest)
#
# Kernel command line understood by the guest's /init:
#   mvt.ip=A.B.C.D/LEN   address of eth0 (eth0 stays down without it)
#   mvt.mac=MAC          optional; QEMU's -device ...,mac= normally sets it
#
# Console protocol (ttyS0, no echo): the guest prints "MVT-READY" once, then
# reads one command per line, runs it with "sh -c" and prints its output
# (stdout and stderr) followed by "MVT-RC <exit status>". A failing /init
# prints "MVT-FAIL <reason>" and powers the VM off.
#
# Runs apt-get install (root needed) only when qemu-system-x86, busybox-static
# or cpio are missing. Exit status: 0 done, 77 a tool could not be installed,
# 1 any other failure.

set -eu

CACHE=${1:-build/qemu-guest}
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net"
TOOLS="qemu-system-x86 busybox-static cpio"

TMP=
cleanup() {
	[ -z "$TMP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

die() {
	echo "build-guest: error: $*" >&2
	exit 1
}

say() {
	echo "build-guest: $*"
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Tools
missing=
for p in $TOOLS; do
	installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "build-guest: error: missing packages:$missing (installing them needs root)" >&2
		exit 77
	fi
	say "installing:$missing"
	if ! apt-get update -qq >/dev/null 2>&1 ||
	   ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null 2>&1; then
		echo "build-guest: error: apt-get install$missing failed" >&2
		exit 77
	fi
fi
for c in qemu-system-x86_64 cpio gzip dpkg-deb xz sha256sum; do
	command -v "$c" >/dev/null 2>&1 || die "$c not found"
done
BUSYBOX=$(dpkg -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -n 1)
[ -n "$BUSYBOX" ] && [ -x "$BUSYBOX" ] || die "busybox binary of busybox-static not found"

# Kernel package behind the linux-image-amd64 metapackage (candidate version):
# "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)"
resolve_kernel() {
	DEP=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-amd64\) (= \([^)]*\)).*/\1 \2/p' |
		head -n 1)
	[ -n "$DEP" ] || return 1
	KPKG=${DEP% *}
	KVER=${DEP#* }
}

# apt-get download drops privileges to _apt: let it write into $TMP/deb
download_kernel() {
	rm -rf "$TMP/deb"
	mkdir "$TMP/deb"
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$TMP/deb"
	fi
	say "downloading $KPKG=$KVER"
	(cd "$TMP/deb" && apt-get download -q "$KPKG=$KVER" >"$TMP/download.log" 2>&1)
}

SCRIPT_SUM=$(sha256sum "$0" | cut -d' ' -f1)
OLD_STAMP=
if [ -f "$CACHE/vmlinuz" ] && [ -f "$CACHE/initrd.img" ] && [ -f "$CACHE/stamp" ]; then
	OLD_STAMP=$(cat "$CACHE/stamp")
fi

# Offline, or stale apt lists: an image built by this same script with
# another kernel version is still good.
fail_or_keep() {
	if [ -n "$OLD_STAMP" ] && [ "${OLD_STAMP##* }" = "$SCRIPT_SUM" ]; then
		echo "build-guest: warning: $*; keeping the guest image in $CACHE" >&2
		exit 0
	fi
	die "$*"
}

UPDATED=no
if ! resolve_kernel; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		UPDATED=yes
	fi
	resolve_kernel ||
		fail_or_keep "cannot resolve the kernel package of linux-image-amd64 (apt-cache show)"
fi

if [ "$OLD_STAMP" = "$KPKG $KVER $SCRIPT_SUM" ]; then
	say "guest image up to date ($KPKG $KVER) in $CACHE"
	exit 0
fi

mkdir -p "$CACHE" || die "cannot create $CACHE"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mvt-guest.XXXXXX") || die "mktemp failed"
chmod 755 "$TMP"

if ! download_kernel; then
	# stale lists: the mirror no longer has that version
	if [ $UPDATED = no ] && [ "$(id -u)" = 0 ] &&
	   apt-get update -qq >/dev/null 2>&1 && resolve_kernel &&
	   download_kernel; then
		:
	else
		fail_or_keep "apt-get download $KPKG=$KVER failed: $(tail -n 1 "$TMP/download.log")"
	fi
fi
DEB=$(ls "$TMP"/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || die "apt-get download $KPKG produced no .deb"

# Unpack only the kernel image, the wanted modules and modules.builtin
# (the whole package is ~400 MB of modules).
say "unpacking $(basename "$DEB")"
mkdir "$TMP/x"
set -- './boot/vmlinuz-*' './boot/config-*' '*/modules.builtin'
for m in $MODULES; do
	set -- "$@" "*/$m.ko" "*/$m.ko.xz"
done
if ! dpkg-deb --fsys-tarfile "$DEB" |
     tar -x -C "$TMP/x" --wildcards "$@" 2>"$TMP/tar.log"; then
	# patterns without a match (e.g. .ko vs .ko.xz) are expected
	if grep -v -e 'Not found in archive' -e 'Exiting with failure status' "$TMP/tar.log" |
	   grep -q .; then
		die "unpacking $DEB failed: $(head -n 1 "$TMP/tar.log")"
	fi
fi
VMLINUZ=$(ls "$TMP"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$VMLINUZ" ] || die "no /boot/vmlinuz-* in $DEB"
UNAME=${VMLINUZ##*/vmlinuz-}

# An uncompressed ELF vmlinux boots through PVH, without the in-guest xz
# decompression of vmlinuz: about 3 s less per boot under TCG. The payload
# of a bzImage is located by its setup header (boot protocol >= 2.08).
u8() { od -An -v -t u1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32() { od -An -v -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
PVH=no
KCONFIG=$(ls "$TMP"/x/boot/config-* 2>/dev/null | head -n 1)
if [ -n "$KCONFIG" ] && grep -q '^CONFIG_PVH=y' "$KCONFIG" &&
   [ "$(od -An -c -j 514 -N 4 "$VMLINUZ" | tr -d ' ')" = HdrS ]; then
	setup_sects=$(u8 "$VMLINUZ" 497)
	[ "$setup_sects" -ne 0 ] || setup_sects=4
	poff=$(( (setup_sects + 1) * 512 + $(u32 "$VMLINUZ" 584) ))
	plen=$(u32 "$VMLINUZ" 588)
	magic=$(od -An -t x1 -j "$poff" -N 6 "$VMLINUZ" | tr -d ' ')
	if [ "$magic" = fd377a585a00 ] &&
	   tail -c +$((poff + 1)) "$VMLINUZ" | head -c "$plen" |
	   xz -dc --single-stream >"$TMP/vmlinux" 2>/dev/null &&
	   [ "$(od -An -c -j 1 -N 3 "$TMP/vmlinux" | tr -d ' ')" = ELF ]; then
		PVH=yes
	fi
fi
[ $PVH = yes ] || say "no PVH vmlinux from this kernel: guests boot vmlinuz"
BUILTIN=$(ls "$TMP"/x/lib/modules/*/modules.builtin "$TMP"/x/usr/lib/modules/*/modules.builtin 2>/dev/null | head -n 1)

# Initramfs tree
R="$TMP/root"
mkdir -p "$R/bin" "$R/lib/modules" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/run"
ln -s bin "$R/sbin"
mkdir -p "$R/usr"
ln -s ../bin "$R/usr/bin"
ln -s ../bin "$R/usr/sbin"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done

: >"$R/etc/mvt-modules"
for m in $MODULES; do
	f=$(find "$TMP/x" \( -name "$m.ko" -o -name "$m.ko.xz" \) -print | head -n 1)
	if [ -z "$f" ]; then
		if [ -n "$BUILTIN" ] && grep -q "/$m\.ko$" "$BUILTIN"; then
			say "module $m is built into $UNAME"
			continue
		fi
		die "module $m not found in $KPKG"
	fi
	case "$f" in
	*.xz) xz -dc "$f" >"$R/lib/modules/$m.ko" || die "xz -d $f failed" ;;
	*) cp "$f" "$R/lib/modules/$m.ko" ;;
	esac
	echo "$m" >>"$R/etc/mvt-modules"
done

cat >"$R/init" <<'EOF'
#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# Only emergencies on the console: keep it for the command loop.
echo 1 >/proc/sys/kernel/printk

fail() {
	echo "MVT-FAIL $*"
	poweroff -f
	sleep 60
}

sysctl_set() {
	[ -e "$1" ] && echo "$2" >"$1"
}

# No unsolicited traffic from the guest: no IPv6 (hence no router
# solicitations, DAD or MLD) on interfaces created from now on.
for c in default all; do
	sysctl_set /proc/sys/net/ipv6/conf/$c/disable_ipv6 1
	sysctl_set /proc/sys/net/ipv6/conf/$c/accept_ra 0
	sysctl_set /proc/sys/net/ipv6/conf/$c/router_solicitations 0
done

while read -r m; do
	insmod /lib/modules/$m.ko || fail "insmod $m"
done </etc/mvt-modules

ip link set lo up

MVT_IP=
MVT_MAC=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mvt.ip=*) MVT_IP=${arg#mvt.ip=} ;;
	mvt.mac=*) MVT_MAC=${arg#mvt.mac=} ;;
	esac
done

n=0
while [ ! -e /sys/class/net/eth0 ]; do
	n=$((n + 1))
	[ $n -le 50 ] || fail "no eth0"
	sleep 0.1
done
sysctl_set /proc/sys/net/ipv6/conf/eth0/disable_ipv6 1
if [ -n "$MVT_MAC" ]; then
	ip link set eth0 address "$MVT_MAC" || fail "mac $MVT_MAC"
fi
if [ -n "$MVT_IP" ]; then
	ip addr add "$MVT_IP" dev eth0 || fail "address $MVT_IP"
	ip link set eth0 up || fail "eth0 up"
fi

stty -echo 2>/dev/null
echo MVT-READY
while IFS= read -r line; do
	sh -c "$line" </dev/null 2>&1
	echo "MVT-RC $?"
done
poweroff -f
EOF
chmod 755 "$R/init"

say "packing initramfs ($(wc -l <"$R/etc/mvt-modules") modules, $UNAME)"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n) \
	>"$TMP/initrd.img" || die "cpio of the initramfs failed"
cp "$VMLINUZ" "$TMP/vmlinuz"
rm -f "$CACHE/stamp" "$CACHE/vmlinux"
mv -f "$TMP/vmlinuz" "$CACHE/vmlinuz" && mv -f "$TMP/initrd.img" "$CACHE/initrd.img" ||
	die "cannot write into $CACHE"
if [ $PVH = yes ]; then
	mv -f "$TMP/vmlinux" "$CACHE/vmlinux" || die "cannot write into $CACHE"
fi
echo "$KPKG $KVER $SCRIPT_SUM" >"$CACHE/stamp" || die "cannot write $CACHE/stamp"
say "built $CACHE/vmlinuz$([ $PVH = no ] || echo ', vmlinux') and $CACHE/initrd.img ($KPKG $KVER, kernel $UNAME)"
