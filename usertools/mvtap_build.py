# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-mvtap authors

"""The dpdk-mvtap binary users run: the release build (build-release,
-O3, assertions off), made when it is missing; and what a build is."""

import json
import os
import subprocess

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
RELEASE_DIR = os.path.join(ROOT, "build-release")
RELEASE_BINARY = os.path.join(RELEASE_DIR, "app", "dpdk-mvtap")


def release_binary():
    """The release binary, configured and built first when needed (ninja
    also brings an existing one up to date)."""
    if not os.path.exists(os.path.join(RELEASE_DIR, "build.ninja")):
        subprocess.run(["meson", "setup", RELEASE_DIR, "--buildtype=release",
                        "-Db_ndebug=true", "-Dtests=false"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", RELEASE_DIR], check=True,
                   stdout=subprocess.DEVNULL)
    return RELEASE_BINARY


def build_type(binary):
    """("release", "true") and so on: the meson build type of the build
    directory a binary is in and whether assertions are off, or (None,
    None) when it is not a meson build."""
    try:
        r = subprocess.run(["meson", "introspect", "--buildoptions",
                            os.path.dirname(os.path.dirname(binary))],
                           capture_output=True, text=True, check=True)
        opts = {o["name"]: o["value"] for o in json.loads(r.stdout)}
        return opts.get("buildtype"), opts.get("b_ndebug")
    except (OSError, ValueError, subprocess.SubprocessError):
        return None, None


def source_dir(binary):
    """The source tree of the meson build a binary is in, or None."""
    info = os.path.join(os.path.dirname(os.path.dirname(binary)),
                        "meson-info", "meson-info.json")
    try:
        with open(info) as f:
            return json.load(f)["directories"]["source"]
    except (OSError, ValueError, KeyError):
        return None


def describe(binary):
    """One phrase for the output: "release build, assertions off"."""
    bt, nd = build_type(binary)
    if bt is None:
        return "not a meson build"
    asserts = {"true": "assertions off", "false": "assertions on",
               "if-release": "assertions off" if bt == "release"
               else "assertions on"}.get(nd, "assertions ?")
    return "%s build, %s" % (bt, asserts)
