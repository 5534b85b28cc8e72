/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Two ethdev ports on one wire (the test VM's e1000e NICs share a hub):
 * start them, and send known payloads each way, checking them byte for
 * byte and that the IOAS translates every buffer a device used.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/vfio.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#include "test_ethdev.h"

#define NB_PKTS TEST_PORTS_PACKETS
#define PAYLOAD_LEN 256
#define ETHER_TYPE_TEST 0x88b5 /* IEEE local experimental */
#define RING_SIZE 256
#define WAIT_S 20 /* bounded waits (TCG is slow); never a timing assertion */

static struct rte_mempool *pool;

static int
port_setup(uint16_t port)
{
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	unsigned int i;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, RING_SIZE,
			rte_eth_dev_socket_id(port), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, RING_SIZE,
			rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0) {
		printf("port %u: setup failed: %s\n", port, rte_strerror(-ret));
		return ret;
	}
	for (i = 0; i < WAIT_S * 10; i++) {
		if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status)
			return 0;
		usleep(100 * 1000);
	}
	printf("port %u: no link after %d s\n", port, WAIT_S);
	return -1;
}

static uint8_t
payload_byte(uint32_t seq, unsigned int i)
{
	return (uint8_t)(seq * 31 + i * 7 + (i >> 8));
}

/* Send NB_PKTS known packets from port tx, in given[] or new mbufs; -1 on failure. */
static int
send_known(uint16_t tx, uint32_t first_seq, struct rte_mbuf **given)
{
	struct rte_mbuf *m[NB_PKTS];
	struct rte_ether_addr src;
	unsigned int i, j, sent = 0;

	if (rte_eth_macaddr_get(tx, &src) != 0)
		return -1;
	if (given != NULL)
		memcpy(m, given, sizeof(m));
	else if (rte_pktmbuf_alloc_bulk(pool, m, NB_PKTS) != 0)
		return -1;
	for (i = 0; i < NB_PKTS; i++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);
		uint8_t *p = (uint8_t *)(eh + 1);
		uint32_t seq = first_seq + i;

		memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
		rte_ether_addr_copy(&src, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(ETHER_TYPE_TEST);
		memcpy(p, &seq, sizeof(seq));
		for (j = sizeof(seq); j < PAYLOAD_LEN; j++)
			p[j] = payload_byte(seq, j);
		m[i]->data_len = m[i]->pkt_len = sizeof(*eh) + PAYLOAD_LEN;
		if (rte_eal_iommu_lookup(m[i]->buf_addr) != m[i]->buf_iova) {
			printf("TX buffer VA %p: IOAS translates to 0x%" PRIx64 ", mbuf says 0x%" PRIx64 "\n",
				m[i]->buf_addr, rte_eal_iommu_lookup(m[i]->buf_addr),
				m[i]->buf_iova);
			rte_pktmbuf_free_bulk(m, NB_PKTS);
			return -1;
		}
	}
	for (i = 0; i < WAIT_S * 100 && sent < NB_PKTS; i++) {
		sent += rte_eth_tx_burst(tx, 0, m + sent, NB_PKTS - sent);
		if (sent < NB_PKTS)
			usleep(10 * 1000);
	}
	if (sent < NB_PKTS) {
		rte_pktmbuf_free_bulk(m + sent, NB_PKTS - sent);
		printf("port %u sent %u of %u packets\n", tx, sent, NB_PKTS);
		return -1;
	}
	return 0;
}

/* Check one received packet; 1 if it is ours and right, 0 if not ours, -1 if corrupt. */
static int
check_packet(const struct rte_mbuf *m, uint32_t first_seq, uint8_t *seen)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const uint8_t *p = (const uint8_t *)(eh + 1);
	uint32_t seq;
	unsigned int j;

	if (eh->ether_type != rte_cpu_to_be_16(ETHER_TYPE_TEST) ||
	    m->pkt_len < sizeof(*eh) + PAYLOAD_LEN)
		return 0;
	memcpy(&seq, p, sizeof(seq));
	if (seq < first_seq || seq >= first_seq + NB_PKTS)
		return 0;
	for (j = sizeof(seq); j < PAYLOAD_LEN; j++)
		if (p[j] != payload_byte(seq, j)) {
			printf("packet %u: byte %u is 0x%02x, sent 0x%02x\n", seq, j, p[j],
				payload_byte(seq, j));
			return -1;
		}
	if (rte_eal_iommu_lookup(m->buf_addr) != m->buf_iova) {
		printf("RX buffer VA %p is not translated by the IOAS to its buf_iova\n",
			m->buf_addr);
		return -1;
	}
	seen[seq - first_seq] = 1;
	return 1;
}

/* Receive on port rx until every packet of first_seq.. arrived. */
static int
receive_known(uint16_t rx, uint32_t first_seq)
{
	uint8_t seen[NB_PKTS] = { 0 };
	unsigned int i, k, got = 0;
	struct rte_mbuf *m[32];
	int bad = 0;

	for (i = 0; i < WAIT_S * 100 && got < NB_PKTS && !bad; i++) {
		uint16_t n = rte_eth_rx_burst(rx, 0, m, RTE_DIM(m));

		for (k = 0; k < n; k++) {
			int r = check_packet(m[k], first_seq, seen);

			bad |= r < 0;
			rte_pktmbuf_free(m[k]);
		}
		for (got = 0, k = 0; k < NB_PKTS; k++)
			got += seen[k];
		if (n == 0)
			usleep(10 * 1000);
	}
	if (bad || got < NB_PKTS) {
		printf("port %u received %u of %u known packets intact\n", rx, got, NB_PKTS);
		return -1;
	}
	return 0;
}

static int
dump_lists_devices(void)
{
	char *text = NULL, name[RTE_ETH_NAME_MAX_LEN];
	size_t size = 0;
	uint16_t port;
	FILE *f = open_memstream(&text, &size);
	int ok = 1;

	if (f == NULL)
		return 0;
	rte_eal_iommu_dump(f);
	fclose(f);
	printf("%s", text);
	RTE_ETH_FOREACH_DEV(port) {
		char want[RTE_ETH_NAME_MAX_LEN + 32];

		rte_eth_dev_get_name_by_port(port, name);
		snprintf(want, sizeof(want), " %s (PCI driver, group ", name);
		ok &= strstr(text, want) != NULL;
	}
	ok &= strstr(text, "NOT on the IOAS") == NULL;
	free(text);
	return ok;
}

int
test_ports_find(uint16_t ports[2])
{
	uint16_t port, n = 0;

	RTE_ETH_FOREACH_DEV(port)
		if (n < 2)
			ports[n++] = port;
	if (n != 2 || rte_eth_dev_count_avail() != 2) {
		printf("%u ports: allow exactly the two NICs on the hub (-a)\n",
			rte_eth_dev_count_avail());
		return -1;
	}
	return 0;
}

/*
 * The socket of a heap of XMEM_LEN of anonymous 4 KiB pages added as
 * testpmd --mp-alloc=xmem adds them (rte_malloc_heap_memory_add() with
 * rte_mem_virt2iova() IOVAs: the VA, or the physical address under PA);
 * -1 if it cannot be made.
 */
#define XMEM_HEAP "test_ports_xmem"
#define XMEM_LEN (32u << 20)
static int
xmem_socket(void)
{
	static rte_iova_t iovas[XMEM_LEN / 4096];
	unsigned int i;
	uint8_t *va;

	va = mmap(NULL, XMEM_LEN, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (va == MAP_FAILED || mlock(va, XMEM_LEN) != 0) {
		printf("no 4 KiB external memory: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < RTE_DIM(iovas); i++)
		iovas[i] = rte_mem_virt2iova(va + (size_t)i * 4096);
	if (rte_malloc_heap_create(XMEM_HEAP) != 0 ||
	    rte_malloc_heap_memory_add(XMEM_HEAP, va, XMEM_LEN, iovas,
			RTE_DIM(iovas), 4096) != 0) {
		printf("cannot add 4 KiB external memory to a heap: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	printf("mbuf pool in %u MiB of 4 KiB external memory (a heap, as testpmd --mp-alloc=xmem)\n",
		XMEM_LEN >> 20);
	return rte_malloc_heap_get_socket(XMEM_HEAP);
}

int
test_ports_start(uint16_t ports[2])
{
	const char *xmem = getenv("IOMMU_TEST_POOL_XMEM");
	int socket = SOCKET_ID_ANY;

	if (test_ports_find(ports) < 0)
		return -1;
	if (xmem != NULL && xmem[0] == '1') {
		socket = xmem_socket();
		if (socket < 0)
			return -1;
	}
	pool = rte_pktmbuf_pool_create(TEST_PORTS_POOL, 2047, 32, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (pool == NULL) {
		printf("no mbuf pool\n");
		return -1;
	}
	return port_setup(ports[0]) == 0 && port_setup(ports[1]) == 0 ? 0 : -1;
}

/* Both ways; packets in given[0..2 * NB_PKTS) if not NULL, else new ones. */
static int
exchange(const uint16_t ports[2], struct rte_mbuf **given)
{
	if (pool == NULL)
		pool = rte_mempool_lookup(TEST_PORTS_POOL);
	if (pool == NULL) {
		printf("no mbuf pool %s (the primary creates it)\n", TEST_PORTS_POOL);
		return -1;
	}
	return send_known(ports[0], 1000, given) == 0 &&
		receive_known(ports[1], 1000) == 0 &&
		send_known(ports[1], 2000, given != NULL ? given + NB_PKTS : NULL) == 0 &&
		receive_known(ports[0], 2000) == 0 ? 0 : -1;
}

int
test_ports_exchange(const uint16_t ports[2])
{
	const char *lock = getenv("IOMMU_TEST_PORTS_LOCK");
	int fd = -1, ret;

	/* Processes sharing the ports take turns (their queues are shared). */
	if (lock != NULL) {
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0) {
			printf("cannot lock %s: %s\n", lock, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	ret = exchange(ports, NULL);
	if (fd >= 0)
		close(fd); /* unlocks */
	return ret;
}

/* Is va in a memory segment that existed before (VAs in before[0..n))? */
static int
in_segments(const void *va, const uint64_t *before, unsigned int n)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg(va, NULL);
	unsigned int i;

	for (i = 0; ms != NULL && i < n; i++)
		if (before[i] == ms->addr_64)
			return 1;
	return 0;
}

static int
record_segment(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
		void *arg)
{
	struct { uint64_t *v; unsigned int n, max; } *r = arg;

	if (!msl->external && r->n < r->max)
		r->v[r->n++] = ms->addr_64;
	return 0;
}

int
test_ports_exchange_hotadded(const uint16_t ports[2])
{
	enum { MAX_SEGS = 4096, MANY = 32768 };
	static uint64_t before[MAX_SEGS];
	static struct rte_mbuf *many[MANY], *chosen[2 * NB_PKTS];
	struct { uint64_t *v; unsigned int n, max; } r = { before, 0, MAX_SEGS };
	struct rte_mempool *hot;
	unsigned int i, n = 0;
	int ret = -1;

	rte_memseg_walk(record_segment, &r);
	/* More than -m preallocated: DPDK grows its heap for it. */
	hot = rte_pktmbuf_pool_create("hotadd_pool", MANY + 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (hot == NULL || rte_pktmbuf_alloc_bulk(hot, many, MANY) != 0) {
		printf("cannot allocate %u mbufs: run with little -m\n", MANY);
		goto out;
	}
	for (i = 0; i < MANY && n < RTE_DIM(chosen); i++)
		if (!in_segments(many[i]->buf_addr, before, r.n))
			chosen[n++] = many[i];
	if (n < RTE_DIM(chosen)) {
		printf("only %u mbufs in memory added after the devices attached\n", n);
		rte_pktmbuf_free_bulk(many, MANY);
		goto out;
	}
	/* The chosen ones go out (the driver frees them); the others back. */
	for (i = 0, n = 0; i < MANY; i++)
		if (n < RTE_DIM(chosen) && many[i] == chosen[n])
			n++;
		else
			rte_pktmbuf_free(many[i]);
	ret = exchange(ports, chosen);
	if (ret == 0)
		printf("%u packets sent from memory DPDK added after the devices attached\n",
			(unsigned int)RTE_DIM(chosen));
out:
	/* Kept: transmit rings may still hold its mbufs until the ports stop. */
	return ret;
}

int
test_legacy_containers_in_use(void)
{
	struct vfio_iommu_type1_info info;
	char link[300], target[64];
	struct dirent *e;
	int n = 0, fd;
	ssize_t len;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (d == NULL) {
		printf("cannot list /proc/self/fd: %s\n", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "/dev/vfio/vfio") != 0)
			continue;
		/* A container answers its IOMMU's ioctls only once one is set. */
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		if (ioctl(fd, VFIO_IOMMU_GET_INFO, &info) == 0) {
			printf("fd %d is a VFIO container with an IOMMU set: a group is in EAL's legacy container\n",
				fd);
			n++;
		}
	}
	closedir(d);
	return n;
}

int
test_ports_on_ioas(void)
{
	int ok = dump_lists_devices();

	if (test_legacy_containers_in_use() != 0) {
		printf("the kernel has a device of this process outside the IOAS\n");
		ok = 0;
	}
	return ok;
}
