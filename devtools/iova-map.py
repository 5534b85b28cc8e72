#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print a readable summary of an IOAS from the plug-in's /iommufd/*
telemetry: the IOAS, its valid IOVA ranges, a map of the IOVA space with
the reserved holes and the mappings, and the devices on it; optionally the
packets a testpmd run forwarded and the lookup speed a benchmark measured.

  iova-map.py [TELEMETRY] [--testpmd LOG] [--lookup LOG]
      TELEMETRY: what dpdk-telemetry.py printed for /iommufd/info,
      /iommufd/ranges, /iommufd/maps and /iommufd/devices (one JSON reply
      a line; other lines are ignored). LOG: a testpmd output with its
      forward statistics; the output of devtools/bench.sh lookup.
  iova-map.py --self-test
      renders canned 48-bit (with the MSI window) and 39-bit layouts and
      checks them; prints "PASS iova_map_selftest" or "FAIL ...: why".
"""
import json
import math
import re
import sys

END = 1 << 64
MSI = (0xfee00000, 0xfeefffff)
BAR = 36  # the longest bar in the map, for a 2^64-byte segment
GLYPH = {"mapped": "#", "free": ".", "reserved": "x", "beyond": "~", "bad": "!"}


def size_str(n):
    """Exact in the largest unit that divides n, else approximate (~)."""
    units = (("EiB", 60), ("PiB", 50), ("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10))
    for unit, shift in units:
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d %s" % (n >> shift, unit)
        if n >= 1 << shift and n % (1 << (shift - 10)) == 0 and n >> (shift - 10) < 100000:
            return "%d %s" % (n >> (shift - 10), units[units.index((unit, shift)) + 1][0]
                              if shift > 10 else "B")
        if n >= 1 << shift:
            v = n / (1 << shift)
            return ("~%.1f %s" if v < 100 else "~%.0f %s") % (v, unit)
    return "%d B" % n


def hex16(v):
    return "0x%016x" % v


def parse_replies(text):
    """The replies dpdk-telemetry.py printed, merged into one dict."""
    replies = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                replies.update(json.loads(line))
            except ValueError:
                pass
    return replies


def parse_ranges_text(s):
    """'[0xa, 0xb], [0xc, 0xd]' (as /iommufd/devices reports reserved IOVAs)."""
    return [(int(a, 16), int(b, 16))
            for a, b in re.findall(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\]", s or "")]


def aperture_bits(ranges):
    """Bits of the aperture when the last valid range ends at 2^n - 1 < 2^64 - 1."""
    last = max(b for _, b in ranges) + 1 if ranges else END
    if last < END and last & (last - 1) == 0:
        return last.bit_length() - 1
    return None


def segments(r):
    """The IOVA space [0, 2^64) cut into contiguous segments, low to high:
    dicts with start, last, kind (mapped, free, reserved, beyond, bad) and label."""
    ranges = sorted((int(a, 16), int(b, 16))
                    for a, b in zip(r["/iommufd/ranges"]["start"], r["/iommufd/ranges"]["last"]))
    bits = aperture_bits(ranges)
    devs = r.get("/iommufd/devices") or {}
    reserved_by = []  # (start, last, device)
    for name, res in zip(devs.get("name", []), devs.get("reserved", [])):
        reserved_by += [(a, b, name) for a, b in parse_ranges_text(res)]

    def hole_label(a, b):
        if bits is not None and a == 1 << bits and b == END - 1:
            return "beyond", "beyond the %d-bit aperture" % bits
        what = "MSI window (interrupts)" if a <= MSI[1] and b >= MSI[0] else "reserved"
        who = sorted({n for x, y, n in reserved_by if x <= b and y >= a})
        return "reserved", what + (": reserved for " + ", ".join(who) if who else "")

    base, pos = [], 0
    for a, b in ranges:
        if a > pos:
            base.append((pos, a - 1) + hole_label(pos, a - 1))
        base.append((a, b, "free", "free"))
        pos = b + 1
    if pos < END:
        base.append((pos, END - 1) + hole_label(pos, END - 1))

    maps = r["/iommufd/maps"]
    runs = sorted((int(i, 16), n, o) for i, n, o in
                  zip(maps["iova"], maps["len"], maps["owner"]) if n > 0)
    # IOVA-contiguous runs of one owner are one stretch of the map.
    merged = []
    for iova, n, owner in runs:
        if merged and merged[-1][0] + merged[-1][1] == iova and merged[-1][2] == owner:
            merged[-1][1] += n
            merged[-1][3] += 1
        else:
            merged.append([iova, n, owner, 1])

    out = []
    for a, b, kind, label in base:
        pos = a
        for iova, n, owner, count in merged:
            x, y = max(iova, a), min(iova + n - 1, b)
            if x > y:
                continue
            if x > pos:
                out.append(dict(start=pos, last=x - 1, kind=kind, label=label))
            what = "mapped: %s%s" % (owner, ", %d runs" % count if count > 1 else "")
            if kind != "free":
                out.append(dict(start=x, last=y, kind="bad",
                                label="%s, IN A HOLE (%s)" % (what, label)))
            else:
                out.append(dict(start=x, last=y, kind="mapped", label=what))
            pos = y + 1
        if pos <= b:
            out.append(dict(start=pos, last=b, kind=kind, label=label))
    return out, ranges, bits


def bar_len(n):
    """Bar length for a segment of n bytes: log2 scale, 4 KiB and less is 1."""
    return max(1, round((math.log2(n) - 12) * (BAR - 1) / 52) + 1)


def overview(segs, width=72):
    """One line, each segment a stretch of its glyph, at least one column."""
    lens = [bar_len(s["last"] - s["start"] + 1) for s in segs]
    total = sum(lens)
    cols = [max(1, round(width * n / total)) for n in lens]
    return "|" + "".join(GLYPH[s["kind"]] * c for s, c in zip(segs, cols)) + "|"


def render_ioas(r):
    lines = []
    info, ranges_r, maps = r["/iommufd/info"], r["/iommufd/ranges"], r["/iommufd/maps"]
    stats = r.get("/iommufd/stats") or {}
    segs, ranges, bits = segments(r)
    how = {"va": "IOVA = VA", "pa": "IOVA = PA",
           "window": "one compact IOVA window per memory list"}.get(info["policy"], "")
    lines.append("IOAS %d on iommufd fd %d: policy %s (%s), EAL IOVA mode %s, %s process"
                 % (info["ioas_id"], info["fd"], info["policy"], how, info["iova_mode"],
                    info["process"]))
    lines.append("valid IOVA ranges: %d, alignment %s, %s" % (
        len(ranges), ranges_r["alignment"],
        "%d-bit aperture" % bits if bits else "no aperture limit (no IOMMU domain yet)"))
    for a, b in ranges:
        lines.append("  [0x%x, 0x%x]  %s" % (a, b, size_str(b - a + 1)))
    total = sum(maps["len"])
    mapped = [s for s in segs if s["kind"] in ("mapped", "bad")]
    where = ", ".join("[0x%x, 0x%x]" % (s["start"], s["last"]) for s in mapped[:4])
    if len(mapped) > 4:
        where += ", ..."
    lines.append("mappings: %d area(s) in %d run(s), %s (%d bytes)%s%s" % (
        maps["areas"], maps["runs"], size_str(total) if total else "0 B", total,
        ", at IOVA " + where if where else "",
        "" if maps["shown"] == maps["runs"] else
        " (telemetry shows the first %d runs)" % maps["shown"]))
    if stats:
        lines.append("  %d map and %d unmap calls, %d failure(s); DMA-able: %s" % (
            stats["maps"], stats["unmaps"], stats["failures"],
            "yes" if stats["dma_able"] else "NO"))
    lines.append("")
    lines.append("map of the IOVA space, 0 to 2^64, low to high (bar length: log2 of the size;")
    lines.append("  %s mapped  %s free (valid)  %s reserved hole  %s beyond the aperture%s)" % (
        GLYPH["mapped"], GLYPH["free"], GLYPH["reserved"], GLYPH["beyond"],
        "  %s mapped in a hole" % GLYPH["bad"] if any(s["kind"] == "bad" for s in segs) else ""))
    lines.append("  " + overview(segs))
    for s in segs:
        n = s["last"] - s["start"] + 1
        lines.append("  %s  %-*s %10s  %s" % (hex16(s["start"]), BAR,
                                             GLYPH[s["kind"]] * bar_len(n), size_str(n),
                                             s["label"]))
    lines.append("  %s  (end)" % hex16(END - 1))
    lines.append("")
    devs = r.get("/iommufd/devices")
    if devs is None:
        lines.append("devices: %s" % (", ".join(info["devices"]) or "none"))
    else:
        lines.append("devices on the IOAS: %d; on EAL's legacy VFIO container: %d" % (
            len(devs["name"]), devs["legacy_container_devices"]))
        for i, name in enumerate(devs["name"]):
            path = ("PCI bus, vfio-pci group" if devs["path"][i] == "pci" else
                    "VFIO cdev, device id %d" % devs["dev_id"][i])
            lines.append("  %s  IOMMU group %s  %s  reserved %s" % (
                name, devs["group"][i], path, devs["reserved"][i] or "none"))
    return lines


FWD = re.compile(r"Forward statistics for port (\d+)\s+-+\s*\n\s*RX-packets: (\d+)\s+"
                 r"RX-dropped: (\d+).*\n\s*TX-packets: (\d+)\s+TX-dropped: (\d+)")


def render_testpmd(text):
    """The last forward statistics testpmd printed."""
    chunks = re.split(r"Accumulated forward statistics", text)
    if len(chunks) < 2:
        return ["packets forwarded: none reported (testpmd printed no forward statistics)"]
    ports = FWD.findall(chunks[-2])
    lines = ["packets forwarded by testpmd (io mode, in the TCG VM: the counts show"
             " the DMA works, not how fast):"]
    rx = tx = drop = 0
    for p, r, rd, t, td in ports:
        lines.append("  port %s: RX %s, TX %s packets (dropped: RX %s, TX %s)" % (p, r, t, rd, td))
        rx, tx, drop = rx + int(r), tx + int(t), drop + int(rd) + int(td)
    lines.append("  all ports: RX %d, TX %d, dropped %d%s" % (
        rx, tx, drop, "" if rx and tx else "  <- NOTHING FORWARDED"))
    return lines


def render_lookup(text):
    """ns per rte_eal_iommu_lookup() at 16 GiB from devtools/bench.sh lookup."""
    head = re.search(r"== lookup: *(.*)", text)
    row = re.search(r"^\s*rte_eal_iommu_lookup((?:\s+[\d.]+\s*/\s*[\d.]+){6})\s*$", text, re.M)
    ref = re.search(r"^\s*two-level \(SPDK-style\)((?:\s+[\d.]+\s*/\s*[\d.]+){6})\s*$", text, re.M)
    scan = re.search(r"^\s*rte_mem_virt2memseg((?:\s+[\d.]+\s*/\s*[\d.]+){6})\s*$", text, re.M)
    two = re.search(r"^\s*rte_eal_iommu_lookup\s+sequential\s+([\d.]+)\s+([\d.]+)", text, re.M)
    if not head or not row:
        return ["lookup speed: not measured (see the benchmark's output above)"]

    def at16(m):
        v = re.findall(r"[\d.]+", m.group(1))
        return v[4], v[5], v[6], v[7]

    seq, seq_lat, rnd, rnd_lat = at16(row)
    lines = ["lookup speed, rte_eal_iommu_lookup() on this machine (%s; not the VM):" % head.group(1),
             "  16 GiB mapped, 1 lcore: %s ns sequential (the cached hit path), %s ns random;"
             " dependent latency %s / %s ns" % (seq, rnd, seq_lat, rnd_lat)]
    extra = []
    if two:
        extra.append("2 lcores: %.0f million lookups/s" % float(two.group(2)))
    if ref:
        extra.append("SPDK-style table %s ns" % at16(ref)[0])
    if scan:
        extra.append("DPDK's memseg-list scan %s ns" % at16(scan)[0])
    if extra:
        lines.append("  " + "; ".join(extra) + " (sequential)")
    lines.append("  (one short run; doc/guides/performance.rst has a reference run and how to read it)")
    note = re.search(r"^NOTE: (.*)", text, re.M)
    if note:
        lines.append("  " + note.group(1))
    return lines


def render(r, testpmd=None, lookup=None):
    if r["/iommufd/info"].get("ioas_id", 0) == 0 or not r["/iommufd/ranges"]["start"]:
        lines = ["no IOAS is open (policy %s): the plug-in did not take DPDK's memory; its"
                 " IOMMUFD_BUS and EAL_IOMMU log lines say why" % r["/iommufd/info"].get("policy")]
    else:
        lines = render_ioas(r)
    if testpmd is not None:
        lines += [""] + render_testpmd(testpmd)
    if lookup is not None:
        lines += [""] + render_lookup(lookup)
    return "\n".join(lines) + "\n"


# Canned inputs, as the plug-in and the tools print them.
DEVS48 = "[0xfee00000, 0xfeefffff], [0x1000000000000, 0xffffffffffffffff]"
CANNED_48 = "\n".join([
    "Connecting to /var/run/dpdk/x/dpdk_telemetry.v2",
    json.dumps({"/iommufd/info": {
        "fd": 8, "ioas_id": 1, "process": "primary", "policy": "va", "iova_mode": "va",
        "dpdk_memory_mapped": 1, "legacy_container_devices": 0,
        "devices": ["0000:00:10.0", "0000:00:11.0"]}}),
    json.dumps({"/iommufd/ranges": {"alignment": "0x1000", "start": ["0x0", "0xfef00000"],
                                    "last": ["0xfedfffff", "0xffffffffffff"]}}),
    json.dumps({"/iommufd/maps": {
        "areas": 80, "runs": 2, "shown": 2, "va": ["0x100200000", "0x104400000"],
        "iova": ["0x100200000", "0x104400000"], "len": [67108864, 100663296],
        "owner": ["dpdk", "dpdk"]}}),
    json.dumps({"/iommufd/stats": {
        "maps": 80, "unmaps": 0, "map_failures": 0, "unmap_failures": 0,
        "mapped_bytes": 167772160, "failed_bytes": 0, "failures": 0,
        "unmapped_segments": 0, "dma_able": 1}}),
    json.dumps({"/iommufd/devices": {
        "name": ["0000:00:10.0", "0000:00:11.0"], "path": ["pci", "pci"], "dev_id": [-1, -1],
        "group": [3, 4], "reserved": [DEVS48, DEVS48], "legacy_container_devices": 0}}),
    "--> ",
])
DEVS39 = "[0xfee00000, 0xfeefffff], [0x8000000000, 0xffffffffffffffff]"
CANNED_39 = "\n".join([
    json.dumps({"/iommufd/info": {
        "fd": 8, "ioas_id": 2, "process": "primary", "policy": "window", "iova_mode": "pa",
        "dpdk_memory_mapped": 1, "legacy_container_devices": 0, "devices": ["0000:00:10.0"]}}),
    json.dumps({"/iommufd/ranges": {"alignment": "0x1000", "start": ["0x0", "0xfef00000"],
                                    "last": ["0xfedfffff", "0x7fffffffff"]}}),
    json.dumps({"/iommufd/maps": {
        "areas": 16, "runs": 3, "shown": 3, "va": ["0x100200000", "0x101200000", "0x140000000"],
        "iova": ["0x200000", "0x1200000", "0x40200000"], "len": [16777216, 16777216, 2097152],
        "owner": ["dpdk", "dpdk", "dpdk"]}}),
    json.dumps({"/iommufd/devices": {
        "name": ["0000:00:10.0"], "path": ["cdev"], "dev_id": [2], "group": [3],
        "reserved": [DEVS39], "legacy_container_devices": 0}}),
])
CANNED_NODEV = json.dumps({
    "/iommufd/info": {"fd": 8, "ioas_id": 1, "process": "primary", "policy": "va",
                      "iova_mode": "va", "dpdk_memory_mapped": 1,
                      "legacy_container_devices": 0, "devices": []},
    "/iommufd/ranges": {"alignment": "0x1", "start": ["0x0"], "last": ["0xffffffffffffffff"]},
    "/iommufd/maps": {"areas": 16, "runs": 1, "shown": 1, "va": ["0x100200000"],
                      "iova": ["0x100200000"], "len": [33554432], "owner": ["dpdk"]}})
CANNED_HOLE = json.dumps({
    "/iommufd/info": {"fd": 8, "ioas_id": 1, "process": "primary", "policy": "pa",
                      "iova_mode": "pa", "dpdk_memory_mapped": 1,
                      "legacy_container_devices": 0, "devices": []},
    "/iommufd/ranges": {"alignment": "0x1000", "start": ["0x0", "0xfef00000"],
                        "last": ["0xfedfffff", "0xffffffffffff"]},
    "/iommufd/maps": {"areas": 1, "runs": 1, "shown": 1, "va": ["0x7f0000000000"],
                      "iova": ["0xfed00000"], "len": [4194304], "owner": ["app"]}})
CANNED_CLOSED = "\n".join([
    json.dumps({"/iommufd/info": {
        "fd": -1, "ioas_id": 0, "process": "primary", "policy": "auto", "iova_mode": "va",
        "dpdk_memory_mapped": 0, "legacy_container_devices": 0, "devices": []}}),
    json.dumps({"/iommufd/ranges": {"alignment": "0x0", "start": [], "last": []}}),
    json.dumps({"/iommufd/maps": {"areas": 0, "runs": 0, "shown": 0, "va": [], "iova": [],
                                  "len": [], "owner": []}}),
])
CANNED_TESTPMD = """
  ---------------------- Forward statistics for port 0  ----------------------
  RX-packets: 100            RX-dropped: 0             RX-total: 100
  TX-packets: 90             TX-dropped: 1             TX-total: 91
  ----------------------------------------------------------------------------

  ---------------------- Forward statistics for port 1  ----------------------
  RX-packets: 1405536        RX-dropped: 0             RX-total: 1405536
  TX-packets: 1405536        TX-dropped: 0             TX-total: 1405536
  ----------------------------------------------------------------------------

  +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
  RX-packets: 1405636        RX-dropped: 0             RX-total: 1405636
"""
CANNED_LOOKUP = """== lookup:  AMD EPYC, 2 cores
TSC 2.30 GHz, 1048576 lookups per measurement
                                  1 GiB seq           rand          16 GiB seq           rand
  rte_eal_iommu_lookup        3.2 /   4.1    3.1 /  10.6    2.3 /   2.6    2.6 /   9.4    1.5 /   2.8    3.4 /  34.9
  two-level (SPDK-style)      1.8 /   8.2    1.0 /   6.6    1.0 /   5.9    1.5 /   7.6    1.2 /  11.4    1.8 /  12.6
  rte_mem_virt2memseg         9.4 /  11.8    8.4 /   9.2    9.6 /   8.9    8.1 /  12.2    8.6 /   8.6    9.1 /  49.7
  rte_eal_iommu_lookup     sequential    699.1   1381.3   1.98x
"""


def row_of(out, addr):
    """The map row that starts at addr, or ''."""
    for line in out.splitlines():
        if line.startswith("  " + hex16(addr) + "  "):
            return line
    return ""


def check_layout(name, text, expect):
    """expect: list of (start address, kind glyph, text the row must contain)."""
    r = parse_replies(text)
    segs, _, _ = segments(r)
    pos = 0
    for s in segs:
        if s["start"] != pos or s["last"] < s["start"]:
            return "%s: segments not contiguous at 0x%x" % (name, pos)
        pos = s["last"] + 1
    if pos != END:
        return "%s: segments end at 0x%x, not 2^64" % (name, pos)
    out = render(r)
    for addr, glyph, want in expect:
        row = row_of(out, addr)
        if not row or want not in row or (GLYPH[glyph] * 1) not in row.split()[1]:
            return "%s: no %s row '%s' at %s in:\n%s" % (name, glyph, want, hex16(addr), out)
    over = [line for line in out.splitlines() if line.startswith("  |")]
    if len(over) != 1 or any(GLYPH[g] not in over[0] for _, g, _ in expect):
        return "%s: the overview bar misses a kind: %s" % (name, over)
    return None


def self_test():
    why = check_layout("48-bit", CANNED_48, [
        (0x0, "free", "free"),
        (0xfee00000, "reserved", "MSI window (interrupts): reserved for 0000:00:10.0, 0000:00:11.0"),
        (0xfef00000, "free", "free"),
        (0x100200000, "mapped", "64 MiB  mapped: dpdk"),
        (0x104200000, "free", "2 MiB  free"),
        (0x104400000, "mapped", "96 MiB  mapped: dpdk"),
        (0x10a400000, "free", "free"),
        (0x1000000000000, "beyond", "beyond the 48-bit aperture"),
    ]) or check_layout("39-bit", CANNED_39, [
        (0x0, "free", "2 MiB  free"),
        (0x200000, "mapped", "32 MiB  mapped: dpdk, 2 runs"),
        (0x2200000, "free", "free"),
        (0x40200000, "mapped", "2 MiB  mapped: dpdk"),
        (0xfee00000, "reserved", "MSI window"),
        (0x8000000000, "beyond", "beyond the 39-bit aperture"),
    ]) or check_layout("no device", CANNED_NODEV, [
        (0x100200000, "mapped", "32 MiB  mapped: dpdk"),
    ]) or check_layout("mapped in a hole", CANNED_HOLE, [
        (0xfed00000, "mapped", "1 MiB  mapped: app"),
        (0xfee00000, "bad", "IN A HOLE (MSI window"),
    ])
    if why is None:
        out = render(parse_replies(CANNED_48))
        for want in ("IOAS 1 on iommufd fd 8: policy va (IOVA = VA)",
                     "valid IOVA ranges: 2, alignment 0x1000, 48-bit aperture",
                     "[0xfef00000, 0xffffffffffff]",
                     "mappings: 80 area(s) in 2 run(s), 160 MiB (167772160 bytes), at IOVA "
                     "[0x100200000, 0x1041fffff], [0x104400000, 0x10a3fffff]",
                     "devices on the IOAS: 2; on EAL's legacy VFIO container: 0",
                     "0000:00:11.0  IOMMU group 4  PCI bus, vfio-pci group"):
            if want not in out:
                why = "48-bit: no '%s' in:\n%s" % (want, out)
                break
        if "no aperture limit" not in render(parse_replies(CANNED_NODEV)):
            why = "no device: the aperture is not reported as unlimited"
        if "VFIO cdev, device id 2" not in render(parse_replies(CANNED_39)):
            why = "39-bit: the cdev device is not shown"
    if why is None and "no IOAS is open" not in render(parse_replies(CANNED_CLOSED)):
        why = "closed: an IOAS that is not open is not reported"
    if why is None:
        out = "\n".join(render_testpmd(CANNED_TESTPMD))
        for want in ("port 0: RX 100, TX 90 packets (dropped: RX 0, TX 1)",
                     "all ports: RX 1405636, TX 1405626, dropped 1"):
            if want not in out:
                why = "testpmd: no '%s' in:\n%s" % (want, out)
        if "NOTHING FORWARDED" not in "\n".join(render_testpmd(
                CANNED_TESTPMD.replace("1405536", "0").replace("100 ", "0 ")
                .replace("90 ", "0 "))):
            why = "testpmd: no packets is not flagged"
    if why is None:
        out = "\n".join(render_lookup(CANNED_LOOKUP))
        for want in ("(AMD EPYC, 2 cores; not the VM)",
                     "2.3 ns sequential (the cached hit path), 2.6 ns random;"
                     " dependent latency 2.6 / 9.4 ns",
                     "2 lcores: 1381 million lookups/s; SPDK-style table 1.0 ns;"
                     " DPDK's memseg-list scan 9.6 ns"):
            if want not in out:
                why = "lookup: no '%s' in:\n%s" % (want, out)
        if "pessimistic" not in "\n".join(render_lookup(
                CANNED_LOOKUP + "NOTE: a test VM ran: pessimistic\n")):
            why = "lookup: the note on a busy machine is not shown"
        if "not measured" not in render_lookup("")[0]:
            why = "lookup: a missing benchmark is not reported"
    if why is None:
        print(render(parse_replies(CANNED_48), CANNED_TESTPMD, CANNED_LOOKUP))
        print(render(parse_replies(CANNED_39)))
    print("PASS iova_map_selftest" if why is None else "FAIL iova_map_selftest: " + why)
    return 0 if why is None else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    args, opts = [], {}
    it = iter(argv[1:])
    for a in it:
        if a in ("--testpmd", "--lookup"):
            opts[a] = next(it, None)
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) > 1 or None in opts.values() or not (args or opts):
        print(__doc__, file=sys.stderr)
        return 2

    def read(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError as e:
            print("iova-map.py: cannot read %s: %s" % (path, e.strerror), file=sys.stderr)
            return ""

    r = parse_replies(read(args[0])) if args else {}
    missing = [c for c in ("/iommufd/info", "/iommufd/ranges", "/iommufd/maps")
               if not isinstance(r.get(c), dict)]
    testpmd = read(opts["--testpmd"]) if "--testpmd" in opts else None
    lookup = read(opts["--lookup"]) if "--lookup" in opts else None
    if missing:
        lines = []
        if args:
            lines.append("no telemetry reply to %s in %s: the IOAS cannot be shown (did the"
                         " DPDK process stop before it was asked?)" % (", ".join(missing), args[0]))
        if testpmd is not None:
            lines += [""] + render_testpmd(testpmd)
        if lookup is not None:
            lines += [""] + render_lookup(lookup)
        print("\n".join(lines[0 if args else 1:]))
        return 1 if args else 0
    sys.stdout.write(render(r, testpmd, lookup))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
