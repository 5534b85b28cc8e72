/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * ioas_ping: an application built against an installed dpdk-iommufd with
 * pkg-config only (shared, or --static). With two ports on one wire it
 * sends known frames from each port to the other and checks them byte for
 * byte, and checks that the IOAS translates every buffer a NIC used to the
 * IOVA DPDK gave it. Exit status 0 only if all arrived intact.
 *
 *   ioas_ping [EAL options] [-- packets]
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <rte_eal_iommu.h>
#include <rte_eal_iommu_lookup.h>

#define FRAME_LEN 128
#define ETHER_TYPE_PING 0x88b6 /* IEEE local experimental 2 */
#define MAX_PACKETS 64
#define WAIT_MS 20000 /* bounded waits (slow emulators); never a timing check */

static struct rte_mempool *pool;
static unsigned int bad_iova;

static int
port_start(uint16_t port)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;
	int ms, ret;

	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0) {
		printf("port %u: cannot start: %s\n", port, rte_strerror(-ret));
		return -1;
	}
	for (ms = 0; ms < WAIT_MS; ms += 100) {
		if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status)
			return 0;
		usleep(100 * 1000);
	}
	printf("port %u: no link\n", port);
	return -1;
}

static void
check_iova(const struct rte_mbuf *m)
{
	if (rte_eal_iommu_lookup(m->buf_addr) != m->buf_iova)
		bad_iova++;
}

static uint8_t
frame_byte(unsigned int seq, unsigned int i)
{
	return (uint8_t)(seq ^ (i * 13));
}

/* Frames seq = first .. first + n - 1 from port tx; the number sent. */
static unsigned int
send_frames(uint16_t tx, unsigned int first, unsigned int n)
{
	struct rte_mbuf *m[MAX_PACKETS];
	unsigned int i, j, sent = 0;
	int ms;

	if (rte_pktmbuf_alloc_bulk(pool, m, n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);
		uint8_t *p = (uint8_t *)(eh + 1);

		memset(eh, 0xff, sizeof(eh->dst_addr));
		rte_eth_macaddr_get(tx, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(ETHER_TYPE_PING);
		p[0] = (uint8_t)(first + i);
		for (j = 1; j < FRAME_LEN; j++)
			p[j] = frame_byte(first + i, j);
		m[i]->data_len = m[i]->pkt_len = sizeof(*eh) + FRAME_LEN;
		check_iova(m[i]);
	}
	for (ms = 0; ms < WAIT_MS && sent < n; ms += 10) {
		sent += rte_eth_tx_burst(tx, 0, m + sent, n - sent);
		if (sent < n)
			usleep(10 * 1000);
	}
	rte_pktmbuf_free_bulk(m + sent, n - sent);
	return sent;
}

/* Receive on port rx until the n frames from first arrived; the number intact. */
static unsigned int
receive_frames(uint16_t rx, unsigned int first, unsigned int n)
{
	uint8_t seen[MAX_PACKETS] = { 0 };
	unsigned int got = 0, k, j;
	struct rte_mbuf *m[32];
	int ms;

	for (ms = 0; ms < WAIT_MS && got < n; ms += 10) {
		uint16_t nb = rte_eth_rx_burst(rx, 0, m, RTE_DIM(m));

		for (k = 0; k < nb; k++) {
			const struct rte_ether_hdr *eh =
				rte_pktmbuf_mtod(m[k], const struct rte_ether_hdr *);
			const uint8_t *p = (const uint8_t *)(eh + 1);
			unsigned int seq = first + (uint8_t)(p[0] - (uint8_t)first);

			check_iova(m[k]);
			if (eh->ether_type == rte_cpu_to_be_16(ETHER_TYPE_PING) &&
			    m[k]->pkt_len >= sizeof(*eh) + FRAME_LEN &&
			    seq - first < n && !seen[seq - first]) {
				for (j = 1; j < FRAME_LEN && p[j] == frame_byte(seq, j); j++)
					;
				seen[seq - first] = 1;
				got += j == FRAME_LEN;
			}
			rte_pktmbuf_free(m[k]);
		}
		if (nb == 0)
			usleep(10 * 1000);
	}
	return got;
}

static int
ping(uint16_t from, uint16_t to, unsigned int first, unsigned int n)
{
	unsigned int sent = send_frames(from, first, n);
	unsigned int got = receive_frames(to, first, n);

	printf("ioas_ping: port %u -> port %u: %u sent, %u of %u arrived intact\n",
		from, to, sent, got, n);
	return sent == n && got == n ? 0 : -1;
}

int
main(int argc, char **argv)
{
	unsigned int n = 32;
	uint16_t ports[2], port, nb = 0;
	int ret, failed;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("ioas_ping: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (ret + 1 < argc)
		n = (unsigned int)strtoul(argv[ret + 1], NULL, 0);
	if (n == 0 || n > MAX_PACKETS) {
		printf("ioas_ping: packets: 1 to %d\n", MAX_PACKETS);
		return 1;
	}
	if (!rte_eal_iommu_is_open()) {
		printf("ioas_ping: no IOAS: the dpdk-iommufd plug-in is not loaded (or /dev/iommu is missing)\n");
		return 1;
	}
	printf("ioas_ping: IOAS %u, policy %s, %" PRIu64 " bytes of DPDK memory mapped\n",
		rte_eal_iommu_ioas_id(), rte_eal_iommu_policy_name(rte_eal_iommu_policy()),
		rte_eal_iommu_mapped_bytes());
	RTE_ETH_FOREACH_DEV(port)
		if (nb < 2)
			ports[nb++] = port;
	if (nb != 2) {
		printf("ioas_ping: %u ports: give two ports on one wire (-a)\n", nb);
		return 1;
	}
	pool = rte_pktmbuf_pool_create("ioas_ping", 1023, 32, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	failed = pool == NULL || port_start(ports[0]) < 0 || port_start(ports[1]) < 0 ||
		ping(ports[0], ports[1], 0, n) < 0 || ping(ports[1], ports[0], 100, n) < 0;
	if (bad_iova != 0) {
		printf("ioas_ping: %u buffers not translated by the IOAS to their IOVA\n", bad_iova);
		failed = 1;
	}
	printf("ioas_ping: %s\n", failed ? "FAILED" : "OK");
	RTE_ETH_FOREACH_DEV(port) {
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	rte_eal_cleanup();
	return failed;
}
