#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""Write the seed corpora of the fuzz targets.

    test/fuzz/gen-corpus.py [DIR]     (default: test/fuzz/corpus)

corpus/frame: inputs of fuzz_frame (see the input format at the top of
fuzz_frame.c): valid frames of each kind from each kind of ingress, frames
the policy stage drops or meters, runts, chained mbufs, bursts. corpus/conf: inputs of fuzz_conf: endpoint SPECs,
command lines and INI files, valid and invalid. corpus/offload/pipe-*: inputs
of fuzz_offload through the pipeline (see the top of fuzz_offload.c):
super-frames and partial checksums of each kind to each kind of receiver. The seeds are committed;
rerun this after changing the input format or the endpoint table.
"""

import os
import struct
import sys

# fuzz_frame's options (byte 0 and byte 1)
HAIRPIN = 0x10
STRICT = 0x20
BURST = 0x40
NO_HOST = 0x80
T_FULL, T_DOWN, T_PT, T_PT_DOWN = 0, 1, 2, 3
HOST_BRIDGE = 0x04
SMALL_TX = 0x08
SMALL_BCQ = 0x10  # broadcast queue of 2
NO_BCQ = 0x20     # broadcast queue of 0

LOWER, HOST = 0, 1


def ep(i):
    """Ingress selector of endpoint i of the full table (3, 5: taps)."""
    return 2 + i


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def EP(i):
    return mac("02:00:00:00:00:%02x" % i)


def STA(i):
    return mac("02:00:00:00:01:%02x" % i)


BCAST = mac("ff:ff:ff:ff:ff:ff")
MCAST = mac("01:00:5e:00:00:01")     # in the mcast= lists of 1 and 5
MCAST_FB = mac("01:00:5e:00:00:fb")  # in endpoint 2's list
PAUSE_DST = mac("01:80:c2:00:00:01")
LOWER_MAC = mac("02:00:00:00:02:00")
HOST_MAC = mac("02:00:00:00:02:01")


def frame(dst, src, etype=0x0800, size=60):
    hdr = dst + src + struct.pack(">H", etype)
    if size <= len(hdr):
        return hdr[:size]
    return hdr + bytes(i & 0xFF for i in range(size - len(hdr)))


def one(opt, env, f):
    return bytes([opt, env]) + f


def burst(opt, env, frames):
    """frames: list of (bytes, chain_first_segment or None)."""
    out = bytes([opt | BURST, env])
    for f, seg1 in frames:
        hdr = len(f) & 0x7FF
        if seg1 is not None:
            hdr |= 0x8000 | ((seg1 // 2) & 0xF) << 11
        out += struct.pack(">H", hdr) + f
    return out


def frame_seeds():
    s = {}
    # from the wire
    s["lower-unicast-vepa"] = one(LOWER, T_FULL, frame(EP(0), STA(9)))
    s["lower-unicast-listed-src"] = one(LOWER, T_FULL, frame(EP(1), STA(1)))
    s["lower-unicast-nodst-src"] = one(LOWER, T_FULL, frame(EP(0), STA(3)))
    s["lower-unicast-unknown"] = one(LOWER, T_FULL, frame(STA(5), STA(9)))
    s["lower-unicast-down-ep"] = one(LOWER, T_FULL, frame(EP(8), STA(9)))
    s["lower-bcast"] = one(LOWER, T_FULL, frame(BCAST, STA(9), 0x0806, 42))
    s["lower-bcast-no-host"] = one(LOWER | NO_HOST, T_FULL,
                                   frame(BCAST, STA(9), 0x0806, 42))
    s["lower-mcast"] = one(LOWER, T_FULL, frame(MCAST, STA(9)))
    s["lower-mcast-fb"] = one(LOWER, T_FULL, frame(MCAST_FB, STA(9)))
    s["lower-mcast-unlisted"] = one(LOWER, T_FULL,
                                    frame(mac("01:00:5e:7f:00:02"), STA(9)))
    s["lower-bcast-no-queue"] = one(LOWER, T_FULL | NO_BCQ,
                                    frame(BCAST, STA(1)))
    s["lower-pause"] = one(LOWER, T_FULL, frame(PAUSE_DST, STA(9), 0x8808))
    s["lower-bcast-from-private"] = one(LOWER, T_FULL, frame(BCAST, EP(4)))
    s["lower-bcast-from-vepa"] = one(LOWER, T_FULL, frame(BCAST, EP(0)))
    s["lower-bcast-from-bridge"] = one(LOWER, T_FULL, frame(BCAST, EP(2)))
    s["lower-strict-private"] = one(LOWER | STRICT, T_FULL,
                                    frame(EP(5), EP(4)))
    s["lower-all-down"] = one(LOWER, T_DOWN, frame(EP(0), STA(1)))
    s["passthru-unicast"] = one(LOWER, T_PT, frame(STA(7), STA(9)))
    s["passthru-own-mac"] = one(LOWER, T_PT, frame(LOWER_MAC, STA(9)))
    s["passthru-bcast"] = one(LOWER, T_PT, frame(BCAST, STA(9)))
    s["passthru-down"] = one(LOWER, T_PT_DOWN, frame(LOWER_MAC, STA(9)))
    # from the host port
    s["host-unicast"] = one(HOST, T_FULL, frame(STA(9), HOST_MAC))
    s["host-bridge-unicast"] = one(HOST, T_FULL | HOST_BRIDGE,
                                   frame(EP(2), HOST_MAC))
    s["host-bridge-bcast"] = one(HOST, T_FULL | HOST_BRIDGE,
                                 frame(BCAST, HOST_MAC))
    s["host-hairpin-unicast"] = one(HOST | HAIRPIN, T_FULL,
                                    frame(EP(0), HOST_MAC))
    # from endpoints
    s["vepa-to-vepa"] = one(ep(0), T_FULL, frame(EP(1), EP(0)))
    s["vepa-to-vepa-hairpin"] = one(ep(0) | HAIRPIN, T_FULL,
                                    frame(EP(1), EP(0)))
    s["vepa-bcast-hairpin"] = one(ep(0) | HAIRPIN, T_FULL,
                                  frame(BCAST, EP(0)))
    s["bridge-to-bridge"] = one(ep(2), T_FULL, frame(EP(3), EP(2)))
    s["bridge-bcast"] = one(ep(2), T_FULL, frame(BCAST, EP(2)))
    s["bridge-to-host-bridge"] = one(ep(2), T_FULL | HOST_BRIDGE,
                                     frame(HOST_MAC, EP(2)))
    s["private-to-private-hairpin-strict"] = one(
        ep(4) | HAIRPIN | STRICT, T_FULL, frame(EP(5), EP(4)))
    s["private-bcast-hairpin"] = one(ep(4) | HAIRPIN, T_FULL,
                                     frame(BCAST, EP(4)))
    s["source-sends"] = one(ep(6), T_FULL, frame(STA(9), EP(6)))
    s["down-ep-sends"] = one(ep(8), T_FULL, frame(EP(0), EP(8)))
    s["passthru-sends"] = one(ep(0), T_PT, frame(STA(9), LOWER_MAC))
    # the policy stage: spoofchk on endpoints 1, 3, 5; frames to endpoint 1
    # denied; endpoint 4 and station 1 metered; station 4 denied
    s["spoofchk-ok"] = one(ep(1), T_FULL, frame(EP(0), EP(1)))
    s["spoofchk-spoofed"] = one(ep(3), T_FULL, frame(EP(2), STA(9)))
    s["policy-deny-to-ep"] = one(LOWER, T_FULL, frame(EP(1), STA(9)))
    s["policy-deny-station"] = one(ep(0), T_FULL, frame(STA(4), EP(0)))
    s["policy-deny-from-station"] = one(LOWER, T_FULL, frame(BCAST, STA(4)))
    s["policy-metered-out"] = one(ep(4), T_FULL, frame(STA(1), EP(4)))
    s["policy-metered-in"] = one(LOWER, T_FULL, frame(EP(4), STA(1)))
    # tap endpoints (3 and 5): ethdev TX and RX through the poll list
    s["tap-bridge-from-bridge"] = one(ep(3), T_FULL, frame(EP(2), EP(3)))
    s["tap-bridge-bcast"] = one(ep(3), T_FULL, frame(BCAST, EP(3)))
    s["tap-private-hairpin"] = one(ep(5) | HAIRPIN, T_FULL,
                                   frame(EP(4), EP(5)))
    s["burst-to-tap-small-tx"] = burst(LOWER, T_FULL | SMALL_TX,
                                       [(frame(EP(3), STA(9)), None)
                                        for i in range(12)])
    # runts and odd lengths
    s["runt-13"] = one(LOWER, T_FULL, frame(EP(0), STA(9), size=13))
    s["runt-0"] = one(LOWER, T_FULL, b"")
    s["exact-14"] = one(ep(2), T_FULL, frame(EP(3), EP(2), size=14))
    s["jumbo-ish"] = one(LOWER, T_FULL, frame(BCAST, STA(9), size=1514))
    # bursts, with chains
    s["burst-mixed"] = burst(LOWER, T_FULL, [
        (frame(EP(0), STA(9)), None),
        (frame(EP(1), STA(1), size=13), None),
        (frame(BCAST, STA(9)), 6),
        (frame(EP(2), STA(2)), 14),
        (frame(MCAST, EP(0)), 30),
        (b"", None),
    ])
    s["burst-chains-from-ep"] = burst(ep(2) | HAIRPIN, T_FULL, [
        (frame(EP(3), EP(2)), 0),
        (frame(BCAST, EP(2)), 12),
        (frame(EP(0), EP(2)), 14),
        (frame(BCAST, EP(2), size=200), 16),
    ])
    s["burst-bcast-small-queue"] = burst(LOWER, T_FULL | SMALL_BCQ | SMALL_TX,
                                         [(frame(BCAST, STA(i % 4)), None)
                                          for i in range(12)])
    s["burst-wire-small-tx"] = burst(ep(0), T_FULL | SMALL_TX,
                                     [(frame(STA(9), EP(0)), None)
                                      for i in range(16)])
    # a full broadcast queue with a host copy once flooded inline without
    # counting the flood's references (fixed in ea50b60)
    s["regress-bcast-queue-full-host"] = burst(
        LOWER, T_FULL | SMALL_BCQ,
        [(frame(BCAST, STA(9), 0x0806, 42), None) for i in range(3)])
    # hairpin reflected unicast that the policy stage had dropped
    # (fixed in f972101)
    s["regress-hairpin-policy-deny"] = one(ep(0) | HAIRPIN, T_FULL,
                                           frame(EP(1), EP(0)))
    s["regress-hairpin-spoofchk"] = one(ep(1) | HAIRPIN, T_FULL,
                                        frame(EP(0), STA(9)))
    # a flood from the wire that reaches nobody, with no host port, was
    # queued and then freed uncounted
    s["regress-bcast-nobody-all-down"] = one(
        LOWER | NO_HOST, T_DOWN, frame(BCAST, STA(9), 0x0806, 42))
    s["regress-bcast-nobody-passthru-down"] = one(
        LOWER | NO_HOST, T_PT_DOWN, frame(BCAST, STA(9), 0x0806, 42))
    s["burst-32-to-source"] = burst(LOWER, T_FULL,
                                    [(frame(EP(6), EP(0), size=64), None)
                                     for i in range(32)])
    return s


def conf_seeds():
    SPEC, ARGS, INI = b"\x00", b"\x01", b"\x02"
    s = {}
    specs = {
        "spec-bridge": "name=vm0,mac=52:54:00:00:00:01,mode=bridge,socket=/tmp/vm0.sock",
        "spec-source": "name=src0,mac=52:54:00:00:00:02,mode=source,"
                       "sources=52:54:00:00:01:01+52:54:00:00:01:02,nodst=1,"
                       "socket=/tmp/src0.sock,queues=2,client=1,state=down",
        "spec-passthru": "name=pt,mode=passthru,socket=pt.sock",
        "spec-rate": "name=lim,mac=52:54:00:00:00:03,socket=/tmp/lim.sock,"
                     "rate=10000,burst=500,spoofchk=1",
        "spec-tap": "name=ct0,mac=52:54:00:00:00:04,type=tap,ifname=mvt-ct0,"
                    "netns=ns0,mcast=01:00:5e:00:00:01+33:33:00:00:00:01",
        "spec-socket-access": "name=a,mac=52:54:00:00:00:05,socket=/tmp/a.sock,"
                              "owner=root,group=0,perm=0640",
        "spec-world-writable": "name=a,socket=/tmp/a.sock,perm=0666",
        "spec-mcast-unicast": "name=a,mcast=52:54:00:00:00:01",
        "spec-bad-name": "name=bad name,mac=52:54:00:00:00:01,socket=/tmp/a",
        "spec-bad-mac": "name=a,mac=zz:00:00:00:00:01,socket=/tmp/a",
        "spec-group-mac": "name=a,mac=01:00:5e:00:00:01,socket=/tmp/a",
        "spec-twice": "name=a,name=b",
        "spec-queues-0": "name=a,queues=0",
        "spec-burst-no-rate": "name=a,burst=5",
        "spec-unknown-key": "name=a,colour=blue",
        "spec-no-value": "name",
        "spec-empty": "",
    }
    for k, v in specs.items():
        s[k] = SPEC + v.encode()
    args = {
        "args-full": "--lower\nnet_null0\n--endpoint\n"
                     "name=a,mac=52:54:00:00:00:01,socket=/tmp/a.sock\n"
                     "--endpoint\nname=b,mac=52:54:00:00:00:02,mode=bridge,"
                     "socket=/tmp/b.sock\n--hairpin\n--strict-private\n"
                     "--promisc\n--stats-period\n5\n--host-port\nnet_null1",
        "args-equals": "--lower=net_null0\0--policy=mac=52:54:00:00:00:01,"
                       "rate=1000,dir=in\0--endpoint=name=a,"
                       "mac=52:54:00:00:00:01,socket=/tmp/a.sock",
        "args-help": "--help",
        "args-short-help": "-h",
        "args-unknown": "--lower\nnet_null0\n--bogus",
        "args-missing-arg": "--lower",
        "args-takes-none": "--hairpin=1",
        "args-short-unknown": "-x",
        "args-stray": "--lower\nnet_null0\nstray",
        "args-no-lower": "--endpoint\nname=a,mac=52:54:00:00:00:01,socket=a",
        "args-dup-mac": "--lower\nnet_null0\n--endpoint\n"
                        "name=a,mac=52:54:00:00:00:01,socket=a\n--endpoint\n"
                        "name=b,mac=52:54:00:00:00:01,socket=b",
        "args-config-missing": "--config\nnone.ini",
        "args-host-bridge": "--lower\nnet_null0\n--host-port\nnet_null1\n"
                            "--host-bridge\n--bcqueuelen\n0",
        "args-bcqueuelen-big": "--lower\nnet_null0\n--bcqueuelen\n4097",
    }
    for k, v in args.items():
        s[k] = ARGS + v.encode()
    s["args-config"] = (ARGS + b"--config\nX\n--hairpin\0\0" +
                        b"[lower]\ndevice = net_null0\n\n[endpoint a]\n"
                        b"mac = 52:54:00:00:00:01\nsocket = /tmp/a.sock\n")
    s["args-config-abbrev"] = (ARGS + b"--conf=X\0\0[lower]\ndevice=net_null0\n")
    inis = {
        "ini-default": "; default\n[lower]\ndevice = net_tap0,iface=mvl0\n\n"
                       "[endpoint macvtap0]\nmac = 52:54:00:00:00:0a\n"
                       "mode = bridge\nsocket = /tmp/macvtap0.sock\n\n"
                       "[endpoint macvtap1]\nmac = 52:54:00:00:00:0b\n"
                       "mode = bridge\nsocket = /tmp/macvtap1.sock\n",
        "ini-modes": "[lower]\ndevice = net_null0\nstats-period = 10\n"
                     "promisc = 1\nhairpin = 1\nstrict-private = 0\n"
                     "host-port = net_null1\n\n"
                     "[endpoint vm-private]\nmac = 52:54:00:00:01:03\n"
                     "mode = private\nsocket = /tmp/p.sock\nclient = 1\n\n"
                     "[endpoint monitor]\nmac = 52:54:00:00:01:04\n"
                     "mode = source\nsocket = /tmp/m.sock\n"
                     "sources = 52:54:00:00:02:01+52:54:00:00:02:02\n"
                     "sources = 52:54:00:00:02:03\nnodst = 0\n",
        "ini-policy": "[lower]\ndevice = net_null0\n\n[policy web]\n"
                      "mac = 52:54:00:00:00:01\nrate = 100000\nburst = 1000\n"
                      "peak = 200000\ndir = out\n\n[policy]\n"
                      "name = deny1\nmac = 52:54:00:00:00:02\naction = deny\n",
        "ini-no-equals": "[lower]\nhairpin\n",
        "ini-outside": "device = net_null0\n",
        "ini-unknown-section": "[upper]\nx = 1\n",
        "ini-lower-twice": "[lower]\ndevice = a\n[lower]\ndevice = b\n",
        "ini-name-differs": "[endpoint a]\nname = b\n",
        "ini-long-value": "[lower]\ndevice = " + "x" * 300 + "\n",
        "ini-comment-escape": "[lower]\ndevice = a\\;b ; comment\n",
        "ini-missing-bracket": "[lower\ndevice = a\n",
    }
    for k, v in inis.items():
        s[k] = INI + v.encode()
    return s


# fuzz_offload through the pipeline (bytes 6 and 8 of its input)
O_RX_LRO, O_RX_CSUM_NONE, O_TX_SEG, O_TX_IPV4, O_TX_IPV6 = 1, 2, 4, 8, 16
O_TX_TCP_CSUM, O_TX_UDP_CSUM, O_TX_IP_CSUM = 32, 64, 128
P_CHAIN, P_PIPE, P_FROM_LOWER, P_MIRROR, P_FIX_LEN = 1, 2, 0x20, 0x40, 0x80
D_B, D_C, D_D, D_BCAST, D_WIRE = 0, 1, 2, 3, 4


def l3l4(v6=False, udp=False, ipopt=0, tcpopt=0, payload=1000, vlans=0,
         trunc=None):
    """Ethernet (addresses filled in by the harness), IP, TCP or UDP."""
    out = bytes(12)
    for i in range(vlans):
        out += struct.pack(">HH", 0x88A8 if i + 1 < vlans else 0x8100, 42)
    l4 = (8 if udp else 20 + tcpopt) + payload
    if v6:
        out += struct.pack(">H", 0x86DD)
        out += struct.pack(">IHBB", 0x60000000, l4, 17 if udp else 6, 64)
        out += bytes(range(0x20, 0x30)) + bytes(range(0x40, 0x50))
    else:
        ihl = 20 + ipopt
        out += struct.pack(">H", 0x0800)
        out += struct.pack(">BBHHHBBH", 0x40 | ihl // 4, 0, ihl + l4,
                           0x1234, 0x4000, 64, 17 if udp else 6, 0)
        out += bytes([10, 0, 0, 1, 10, 0, 0, 2]) + bytes([1] * ipopt)
    if udp:
        out += struct.pack(">HHHH", 40000, 5201, l4, 0xBEEF)
    else:
        out += struct.pack(">HHIIBBHHH", 40000, 5201, 0xFFFFF000, 1,
                           (20 + tcpopt) // 4 << 4, 0x18, 0xFFFF, 0xBEEF, 0)
        out += bytes([1] * tcpopt)
    out += bytes(i & 0xFF for i in range(payload))
    return out[:trunc] if trunc is not None else out


def pipe(flags, segsz, dst, frame, lower=0, grow=0, opt=P_FIX_LEN,
         lens=(0, 0, 0), cut=0):
    meta = struct.pack("<BHBBB", flags, segsz, *lens)
    meta += bytes([P_PIPE | opt | dst << 2, cut, lower | grow << 2])
    return meta + frame


def offload_seeds():
    tso = O_RX_LRO | O_RX_CSUM_NONE
    s = {}
    for d, dn in ((D_B, "b"), (D_C, "c"), (D_D, "d"), (D_BCAST, "flood"),
                  (D_WIRE, "wire")):
        s["pipe-tso4-" + dn] = pipe(tso, 1000, d, l3l4(), grow=8,
                                    lower=2 if d == D_WIRE else 0)
    s["pipe-tso4-wire-csum"] = pipe(tso, 1448, D_WIRE, l3l4(), grow=12,
                                    lower=1)
    s["pipe-tso4-wire-linear"] = pipe(tso, 700, D_WIRE, l3l4(), grow=4,
                                      lower=3)
    s["pipe-tso4-flood-linear"] = pipe(tso, 500, D_BCAST, l3l4(), grow=2,
                                       lower=3)
    s["pipe-tso6-d"] = pipe(tso, 1200, D_D, l3l4(v6=True), grow=8)
    s["pipe-tso6-flood"] = pipe(tso, 1000, D_BCAST, l3l4(v6=True), grow=4)
    s["pipe-tso4-vlan-d"] = pipe(tso, 1000, D_D, l3l4(vlans=1), grow=4)
    s["pipe-tso4-qinq-wire"] = pipe(tso, 900, D_WIRE, l3l4(vlans=2),
                                    grow=4)
    s["pipe-tso4-odd-hdr"] = pipe(tso, 333, D_D,
                                  l3l4(ipopt=4, tcpopt=12), grow=4)
    s["pipe-tso4-trunc-tcp"] = pipe(tso, 1000, D_D,
                                    l3l4(payload=0, trunc=14 + 20 + 13))
    s["pipe-tso4-segsz0"] = pipe(tso, 0, D_D, l3l4(), grow=4)
    s["pipe-csum-udp4-d"] = pipe(O_RX_CSUM_NONE, 0, D_D,
                                 l3l4(udp=True, payload=700))
    s["pipe-csum-tcp6-wire"] = pipe(O_RX_CSUM_NONE, 0, D_WIRE,
                                    l3l4(v6=True, payload=1100))
    s["pipe-csum-tcp4-flood"] = pipe(O_RX_CSUM_NONE, 0, D_BCAST,
                                     l3l4(payload=300))
    tx = O_TX_SEG | O_TX_IPV4 | O_TX_TCP_CSUM | O_TX_IP_CSUM
    s["pipe-tx-tso4-b-mirror"] = pipe(tx, 1000, D_B, l3l4(), grow=4,
                                      opt=P_FIX_LEN | P_MIRROR,
                                      lens=(14, 20, 20), lower=3)
    s["pipe-tso4-d-mirror"] = pipe(tso, 1000, D_D, l3l4(), grow=4,
                                   opt=P_FIX_LEN | P_MIRROR, lower=1)
    s["pipe-lro4-from-lower"] = pipe(tso, 1448, D_D, l3l4(), grow=8,
                                     opt=P_FIX_LEN | P_FROM_LOWER)
    # found by fuzz_offload: segments made for D (chains) went to a mirror
    # destination that takes no chains, the lower, as chains
    s["regress-mirror-chain-to-linear"] = pipe(
        tso, 1000, D_D, l3l4(), grow=4, opt=P_FIX_LEN | P_MIRROR, lower=3)
    return s


def write(d, seeds):
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    write(os.path.join(top, "frame"), frame_seeds())
    write(os.path.join(top, "conf"), conf_seeds())
    write(os.path.join(top, "offload"), offload_seeds())


if __name__ == "__main__":
    main()
