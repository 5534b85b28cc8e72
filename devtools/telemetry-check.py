#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Query a running DPDK process's /iommufd/* telemetry with DPDK's own
dpdk-telemetry.py and check the answers are complete and consistent.
Prints "PASS telemetry_check" or "FAIL telemetry_check: why".

  telemetry-check.py DPDK_TELEMETRY_PY FILE_PREFIX EXPECTED_POLICY
  telemetry-check.py DPDK_TELEMETRY_PY FILE_PREFIX --devices NIC...
      (prints "PASS telemetry_devices_check"): every NIC is on the IOAS
      through the PCI bus, with its IOMMU group and the IOVAs it reserved,
      and no device is on EAL's legacy VFIO container.
"""
import json
import subprocess
import sys

CMDS = ["/iommufd/info", "/iommufd/ranges", "/iommufd/maps",
        "/iommufd/stats", "/iommufd/failures"]


def query(tool, prefix, cmds=None):
    cmds = cmds or CMDS
    out = subprocess.run([sys.executable, tool, "-f", prefix],
                         input="\n".join(cmds) + "\n", capture_output=True,
                         text=True, timeout=60, check=True).stdout
    print(out)
    replies = {}
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            replies.update(json.loads(line))
    return replies


def check(r, policy):
    for cmd in CMDS:
        if not isinstance(r.get(cmd), dict):
            return "no reply to " + cmd
    info, ranges, maps = r["/iommufd/info"], r["/iommufd/ranges"], r["/iommufd/maps"]
    stats, fails = r["/iommufd/stats"], r["/iommufd/failures"]
    if info["policy"] != policy or info["process"] != "primary" or \
            info["ioas_id"] == 0 or info["dpdk_memory_mapped"] != 1:
        return "info: " + json.dumps(info)
    if not ranges["start"] or len(ranges["start"]) != len(ranges["last"]):
        return "ranges: " + json.dumps(ranges)
    if any(int(a, 16) > int(b, 16) for a, b in zip(ranges["start"], ranges["last"])):
        return "ranges: start after last"
    if maps["areas"] == 0 or "dpdk" not in maps["owner"] or \
            maps["shown"] != maps["runs"] or sum(maps["len"]) != stats["mapped_bytes"]:
        return "maps do not add up to mapped_bytes: %s / %s" % (
            json.dumps(maps)[:300], json.dumps(stats))
    if stats["maps"] < maps["areas"] or stats["failures"] != 1 or \
            stats["map_failures"] < 1 or stats["failed_bytes"] == 0 or \
            stats["dma_able"] != 0:
        return "stats do not show the injected failure: " + json.dumps(stats)
    if fails["count"] != 1 or fails["owner"] != ["dpdk"] or fails["errno"][0] == 0 \
            or fails["len"][0] != stats["failed_bytes"]:
        return "failures: " + json.dumps(fails)
    return None


def check_devices(r, nics):
    info, devs = r.get("/iommufd/info"), r.get("/iommufd/devices")
    if not isinstance(info, dict) or not isinstance(devs, dict):
        return "no reply: " + json.dumps(r)[:300]
    for nic in nics:
        if nic not in info["devices"] or nic not in devs["name"]:
            return "%s not listed: %s" % (nic, json.dumps(devs))
        i = devs["name"].index(nic)
        if devs["path"][i] != "pci" or devs["group"][i] < 0 or \
                "0xfee00000" not in devs["reserved"][i]:
            return "%s: path, group or reserved IOVAs wrong: %s" % (nic, json.dumps(devs))
    if devs["legacy_container_devices"] != 0 or info["legacy_container_devices"] != 0:
        return "devices on EAL's legacy container: " + json.dumps(devs)
    return None


def main():
    tool, prefix, policy = sys.argv[1:4]
    if policy == "--devices":
        try:
            why = check_devices(query(tool, prefix, ["/iommufd/info", "/iommufd/devices"]),
                                sys.argv[4:])
        except (subprocess.SubprocessError, ValueError, KeyError, TypeError) as e:
            why = "%s: %s" % (type(e).__name__, e)
        print("PASS telemetry_devices_check" if why is None else
              "FAIL telemetry_devices_check: " + why)
        return 0 if why is None else 1
    try:
        why = check(query(tool, prefix), policy)
    except (subprocess.SubprocessError, ValueError, KeyError, TypeError) as e:
        why = "%s: %s" % (type(e).__name__, e)
    print("PASS telemetry_check" if why is None else "FAIL telemetry_check: " + why)
    return 0 if why is None else 1


if __name__ == "__main__":
    sys.exit(main())
