#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors
"""A libvirt domain on dpdk-mvtap with nothing done by hand: the hook
installed with mvtap-libvirt-hook, "virsh define" and "virsh start" of a
TCG guest with an <interface type='vhostuser'> in the switch's socket
directory; the hook makes the endpoint (mode and socket group from the
domain's metadata), QEMU, run by libvirt as its own user, connects, the
guest answers a host in a network namespace behind the lower device, and
"virsh destroy" removes the endpoint again.

libvirtd is started here when it does not run (this machine has no
systemd), and stopped again if it was. Addresses: 10.250.81.0/24, on these
test hosts only.

usage: test_libvirt.py DPDK_MVTAP GUEST_CACHE_DIR
Exit status: 0 pass, 1 fail, 77 skipped (no libvirt or QEMU to be had).
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import e2e_harness as e2e  # noqa: E402
from mvtguest import build_guest, guest_files  # noqa: E402

HOOK = os.path.join(HERE, "..", "..", "usertools", "mvtap-libvirt-hook")
HOOK_FILE = "/etc/libvirt/hooks/qemu.d/dpdk-mvtap"
NET = "10.250.81"
NS = "mvl-ext"
LOWER_IF = "mvl1"
DOMAIN = "mvtap-test-vm"
PREFIX = "mvte2e-libvirt"
MAC = "52:54:00:81:00:02"
VIRSH = ["virsh", "-q", "-c", "qemu:///system"]


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def virsh(*args, check=True):
    return sh(*(VIRSH + list(args)), check=check)


def domain_xml(sockdir, kernel, initrd, console):
    return f"""<domain type='qemu'>
  <name>{DOMAIN}</name>
  <memory unit='MiB'>256</memory>
  <vcpu cpuset='0'>1</vcpu>
  <metadata>
    <mvtap:endpoint xmlns:mvtap="urn:dpdk-mvtap:1" name="vm1"
                    mode="bridge" keys="group=libvirt-qemu"/>
  </metadata>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 mvt.ip={NET}.2/24</cmdline>
  </os>
  <cpu mode='custom'><model>qemu64</model></cpu>
  <on_reboot>destroy</on_reboot>
  <devices>
    <interface type='vhostuser'>
      <mac address='{MAC}'/>
      <source type='unix' path='{sockdir}/vm1.sock' mode='client'/>
      <model type='virtio'/>
      <rom enabled='no'/>
      <alias name='ua-net0'/>
    </interface>
    <serial type='file'>
      <source path='{console}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
  <qemu:override xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
    <qemu:device alias='ua-net0'>
      <qemu:frontend>
        <qemu:property name='vectors' type='unsigned' value='0'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
</domain>
"""


def libvirtd_up():
    """Start virtlogd and libvirtd if they do not run; the pids started."""
    started = []
    for d in ("virtlogd", "libvirtd"):
        if sh("pgrep", "-x", d, check=False).returncode == 0:
            continue
        sh("/usr/sbin/" + d, "-d")
        started.append(d)
    e2e.wait_until(lambda: virsh("version", check=False).returncode == 0,
                   30, "libvirtd to answer")
    return started


def install_hook(sc):
    """Install the hook for a socket directory QEMU, which libvirt runs as
    libvirt-qemu, can reach; returns that directory. A running libvirtd
    reads its hooks again (the hook sends it SIGHUP)."""
    os.chmod(sc.tmp, 0o755)
    sockdir = os.path.join(sc.tmp, "s")
    os.mkdir(sockdir, 0o755)
    r = sh(sys.executable, HOOK, "install", "-f", PREFIX, "--socket-dir",
           sockdir)
    e2e.check_eq(r.stdout, f"mvtap-libvirt-hook: installed {HOOK_FILE} "
                 f"(switch: file prefix {PREFIX}, sockets in {sockdir})\n",
                 "hook installed")
    return sockdir


def scenario(sc, cache, sockdir):
    kernel, initrd = (os.path.abspath(f) for f in guest_files(cache))
    console = os.path.join(sc.tmp, "vm.console")

    sw = sc.switch(["--lower", f"net_tap0,iface={LOWER_IF}"], "libvirt")
    sw.wait_log("forwarding")
    sh("ip", "netns", "del", NS, check=False)
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "set", LOWER_IF, "netns", NS)
    sh("ip", "netns", "exec", NS, "ip", "addr", "add", f"{NET}.100/24",
       "dev", LOWER_IF)
    sh("ip", "netns", "exec", NS, "ip", "link", "set", LOWER_IF, "up")

    xml = os.path.join(sc.tmp, "vm.xml")
    with open(xml, "w") as f:
        f.write(domain_xml(sockdir, kernel, initrd, console))
    virsh("destroy", DOMAIN, check=False)
    virsh("undefine", DOMAIN, check=False)
    virsh("define", xml)
    r = virsh("start", DOMAIN, check=False)
    e2e.check_eq((r.returncode, r.stderr), (0, ""), "virsh start")
    ep = e2e.telemetry(PREFIX, "/mvtap/endpoint,vm1")
    e2e.check(isinstance(ep, dict) and ep["mac"] == MAC and
              ep["mode"] == "bridge", f"the hook made endpoint vm1: {ep}")
    e2e.wait_until(lambda: os.path.exists(console) and "MVT-READY" in
                   open(console, errors="replace").read(), 180,
                   "the guest to boot")
    e2e.wait_until(lambda: e2e.telemetry(PREFIX, "/mvtap/endpoint,vm1")
                   ["state"] == "up", 30, "the guest's device")
    ok = any(sh("ip", "netns", "exec", NS, "ping", "-c", "2", "-W", "1",
                f"{NET}.2", check=False).returncode == 0 for _ in range(5))
    e2e.check(ok, "the host behind the lower reaches the guest")
    virsh("destroy", DOMAIN)
    e2e.check(e2e.telemetry(PREFIX, "/mvtap/endpoint,vm1") is None,
              "virsh destroy removed the endpoint")
    e2e.check(not os.path.exists(os.path.join(sockdir, "vm1.sock")),
              "and its socket")
    virsh("undefine", DOMAIN)
    sw.stop()


LIBVIRT_PACKAGES = ["libvirt-daemon-system", "libvirt-clients",
                    "libvirt-daemon-driver-qemu"]


def have_libvirt():
    """Whether libvirt is here, installed from Debian's packages if not."""
    if shutil.which("virsh") and os.path.exists("/usr/sbin/libvirtd"):
        return True
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env,
                   capture_output=True)
    r = subprocess.run(["apt-get", "install", "-y", "-qq",
                        "--no-install-recommends"] + LIBVIRT_PACKAGES,
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        print("apt-get install libvirt: " + r.stderr.strip()[-500:])
    return shutil.which("virsh") is not None and \
        os.path.exists("/usr/sbin/libvirtd")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    if not have_libvirt():
        print("SKIP: libvirt could not be installed")
        return 77
    rc = build_guest(argv[2])
    if rc != 0:
        return rc
    sc = e2e.Scenario(argv[1])
    started = []
    try:
        sockdir = install_hook(sc)
        started = libvirtd_up()
        scenario(sc, argv[2], sockdir)
    except e2e.Failure as e:
        print(f"FAIL libvirt: {e}")
        sc.print_logs(3000, with_cmd=False)
        log = f"/var/log/libvirt/qemu/{DOMAIN}.log"
        if os.path.exists(log):
            print(f"---- {log}\n{open(log).read()[-3000:]}")
        print(f"FAIL libvirt: {e}")
        return 1
    finally:
        virsh("destroy", DOMAIN, check=False)
        virsh("undefine", DOMAIN, check=False)
        sh(sys.executable, HOOK, "uninstall", check=False)
        sh("ip", "netns", "del", NS, check=False)
        sc.cleanup()
        for d in reversed(started):
            sh("pkill", "-x", d, check=False)
    print("PASS libvirt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
