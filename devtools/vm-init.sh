#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# PID 1 of the test VM (see vm.sh). The host's / is the read-only root;
# the writable 9p share "out" carries the job in and its output and exit
# code back. Powers the VM off when the job ends.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/run/home TMPDIR=/run/tmp

poweroff_now()
{
	sync
	echo o > /proc/sysrq-trigger
	sleep 10
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /dev/hugepages
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/home /run/tmp
mount -t hugetlbfs hugetlbfs /dev/hugepages
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /run/vmout
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /run/vmout; then
	echo "vm-init: cannot mount the out share" > /dev/console
	poweroff_now
fi

bash /run/vmout/job > /run/vmout/output 2>&1 < /dev/null
echo $? > /run/vmout/rc
umount /run/vmout
poweroff_now
