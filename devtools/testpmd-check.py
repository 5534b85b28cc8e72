#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check a stock dpdk-testpmd log from a run with the plug-in: traffic in
the forward statistics that each "stop" (or the exit) prints, the devices
on the IOAS, and nothing on EAL's legacy VFIO container. Prints
"PASS NAME" or "FAIL NAME: why".

  testpmd-check.py LOG fwd NAME NIC...
      the last statistics show RX and TX > 0 on every port; each NIC went
      through the IOAS.
  testpmd-check.py LOG hotplug NAME NIC_KEPT NIC_MOVED
      three statistics blocks: both ports forwarding; then, NIC_MOVED
      detached, port 0 still transmitting; then, NIC_MOVED attached again,
      both ports forwarding. NIC_MOVED left the IOAS and came back.
"""
import re
import sys

BLOCK = re.compile(r"Forward statistics for port (\d+)\s+-+\s*\n\s*RX-packets: (\d+).*\n"
                   r"\s*TX-packets: (\d+)")


def stops(text):
    """Per statistics print-out: {port: (rx, tx)}."""
    out = []
    for chunk in re.split(r"Accumulated forward statistics", text)[:-1]:
        ports = {int(p): (int(rx), int(tx)) for p, rx, tx in BLOCK.findall(chunk)}
        out.append(ports)
    return out


RANGE = re.compile(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\]")


def predicted_before_attach(text):
    """The valid ranges the bus logged when it mapped DPDK memory (before
    any PCI device attached) must equal the kernel's once they attached."""
    m = re.search(r"IOMMUFD_BUS: IOAS \d+: policy .*\n((?:IOMMUFD_BUS:   \[.*\n)+)", text)
    after = re.search(r"valid IOVA ranges with \d+ PCI device\(s\) attached: (.*), as predicted", text)
    if not m or not after:
        return "no ranges logged before the attach, or they were not as predicted"
    before, got = RANGE.findall(m.group(1)), RANGE.findall(after.group(1))
    if before != got:
        return "ranges before the first attach %s, after it %s" % (before, got)
    return None


def common(text, nics):
    if "IOMMU type" in text:
        return "EAL's legacy VFIO container was used: " + \
            re.search(r".*IOMMU type.*", text).group(0)
    for nic in nics:
        if not re.search(re.escape(nic) + r" \(IOMMU group \d+\) DMAs through IOAS", text):
            return "%s did not go through the IOAS" % nic
    if "cannot destroy IOAS" in text:
        return "the IOAS was closed with devices still on it"
    return predicted_before_attach(text)


def forwarding(ports, which):
    bad = [p for p in which if p not in ports or ports[p][0] == 0 or ports[p][1] == 0]
    return None if not bad else "port(s) %s did not forward: %s" % (bad, ports)


def check_fwd(text, nics):
    why = common(text, nics)
    if why:
        return why
    s = stops(text)
    if not s:
        return "no forward statistics"
    return forwarding(s[-1], range(len(nics)))


def check_hotplug(text, kept, moved):
    why = common(text, [kept, moved])
    if why:
        return why
    s = stops(text)
    if len(s) < 3:
        return "%d statistics blocks, expected 3: %s" % (len(s), s)
    why = forwarding(s[0], [0, 1])
    if why:
        return "before the detach: " + why
    if 1 in s[1] or s[1].get(0, (0, 0))[1] == 0:
        return "while %s was detached, port 0 did not transmit alone: %s" % (moved, s[1])
    if not re.search(re.escape(moved) + r" \(IOMMU group \d+\) left IOAS", text):
        return "%s did not leave the IOAS" % moved
    if len(re.findall(re.escape(moved) + r" \(IOMMU group \d+\) DMAs through IOAS", text)) < 2:
        return "%s did not come back to the IOAS" % moved
    why = forwarding(s[2], [0, 1])
    return "after the re-attach: " + why if why else None


def main():
    if len(sys.argv) < 5 or sys.argv[2] not in ("fwd", "hotplug"):
        print(__doc__)
        return 2
    log, mode, name = sys.argv[1:4]
    with open(log, errors="replace") as f:
        text = f.read()
    why = check_fwd(text, sys.argv[4:]) if mode == "fwd" else \
        check_hotplug(text, sys.argv[4], sys.argv[5])
    print("PASS " + name if why is None else "FAIL %s: %s" % (name, why))
    return 0 if why is None else 1


if __name__ == "__main__":
    sys.exit(main())
