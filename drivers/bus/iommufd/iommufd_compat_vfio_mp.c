/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Answering EAL's VFIO multi-process requests (iommufd_compat.h), in the
 * running release's numbering (iommufd_compat.c).
 *
 * Invariants:
 * - the primary's own VFIO state is never closed: a container request is
 *   answered with a container opened for it (closed here once sent), never
 *   EAL's default container, whose fd EAL keeps (22.11.11) or gives out
 *   for DEFAULT_CONTAINER (earlier releases). A secondary's groups are in
 *   the IOAS already (their container is set), so EAL there adds none to
 *   that container, and nothing it does with it reaches the primary's;
 * - group fds are EAL's (rte_vfio_get_group_fd()), sent, never closed;
 * - no request is lost across the take-over: rte_mp handles messages one
 *   at a time in its one thread (lib/eal/common/eal_common_proc.c,
 *   mp_handle()), and the take-over runs in that thread, so no request is
 *   read between unregistering EAL's answers and registering these.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>
#include <rte_vfio.h>

#include "iommufd_bus_log.h"
#include "iommufd_compat.h"
#include "iommufd_compat_releases.h"

/* EAL's VFIO multi-process channel, as in lib/eal/linux/eal_vfio.h. */
#define EAL_VFIO_MP "eal_vfio_mp_sync"
#define SOCKET_OK 0x0
#define SOCKET_NO_FD 0x1
#define SOCKET_ERR 0xFF
#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"

/* The plug-in's own request: take over EAL_VFIO_MP (primary). */
#define IOMMUFD_VFIO_MP "iommufd_vfio_mp"
#define IOMMUFD_VFIO_MP_TIMEOUT_S 5

struct vfio_mp_param {
	int req;
	int result;
	union {
		int group_num;
		int iommu_type_id;
	};
};

static int started; /* IOMMUFD_VFIO_MP registered */
static int taken_over; /* EAL_VFIO_MP answered here */

static int
answer(const struct rte_mp_msg *msg, const void *peer)
{
	const struct compat_release *rel = iommufd_compat_release();
	const struct vfio_mp_param *m = (const struct vfio_mp_param *)msg->param;
	const struct compat_vfio_mp *proto;
	struct rte_mp_msg reply;
	struct vfio_mp_param *r = (struct vfio_mp_param *)reply.param;
	int fd = -1, close_after = 0, ret;

	/* Registered only to make rte_eal_init() fail: no protocol to speak. */
	if (rel == NULL)
		return -1;
	proto = &rel->vfio_mp;
	if (msg->len_param != sizeof(*m)) {
		BUS_LOG(ERR, "VFIO request of an unknown form from a secondary process");
		return -1;
	}
	memset(&reply, 0, sizeof(reply));
	r->req = m->req;
	if (m->req == proto->req_group) {
		r->group_num = m->group_num;
		fd = rte_vfio_get_group_fd(m->group_num);
		r->result = fd >= 0 ? SOCKET_OK : fd == -ENOENT ? SOCKET_NO_FD : SOCKET_ERR;
	} else if (m->req == proto->req_container ||
		   (proto->req_default_container != 0 &&
		    m->req == proto->req_default_container)) {
		/* The secondary's own container: closed here once sent. */
		fd = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
		close_after = fd >= 0;
		r->result = fd >= 0 ? SOCKET_OK : SOCKET_ERR;
		if (fd < 0)
			BUS_LOG(ERR, "a secondary process asked for a VFIO container: cannot open %s: %s",
				VFIO_CONTAINER_PATH, strerror(errno));
	} else if (m->req == proto->req_iommu_type) {
		r->iommu_type_id = VFIO_TYPE1_IOMMU;
		r->result = SOCKET_OK;
	} else {
		BUS_LOG(ERR, "unknown VFIO request 0x%x from a secondary process (DPDK %s numbering): is it running another DPDK release than this primary?",
			m->req, iommufd_compat_running());
		return -1;
	}
	if (fd >= 0) {
		reply.num_fds = 1;
		reply.fds[0] = fd;
	}
	strlcpy(reply.name, EAL_VFIO_MP, sizeof(reply.name));
	reply.len_param = sizeof(*r);
	ret = rte_mp_reply(&reply, peer);
	if (close_after)
		close(fd);
	return ret;
}

/* Replace EAL's answers with answer(); 0 or -rte_errno. */
static int
take_over(void)
{
	if (taken_over)
		return 0;
	rte_mp_action_unregister(EAL_VFIO_MP);
	if (rte_mp_action_register(EAL_VFIO_MP, answer) < 0) {
		BUS_LOG(ERR, "secondary processes cannot open PCI devices on the IOAS: %s",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	taken_over = 1;
	return 0;
}

static int
answer_take_over(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;

	RTE_SET_USED(msg);
	memset(&reply, 0, sizeof(reply));
	strlcpy(reply.name, IOMMUFD_VFIO_MP, sizeof(reply.name));
	reply.len_param = sizeof(int);
	*(int *)reply.param = take_over();
	return rte_mp_reply(&reply, peer);
}

void
iommufd_vfio_mp_start(void)
{
	if (started || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	/* Without shared config (--no-shconf, --in-memory) there is no IPC. */
	if (rte_mp_action_register(IOMMUFD_VFIO_MP, answer_take_over) < 0) {
		if (rte_errno != ENOTSUP)
			BUS_LOG(ERR, "secondary processes cannot open PCI devices on the IOAS: %s",
				rte_strerror(rte_errno));
		return;
	}
	started = 1;
}

void
iommufd_vfio_mp_stop(void)
{
	if (!started)
		return;
	rte_mp_action_unregister(IOMMUFD_VFIO_MP);
	if (taken_over)
		rte_mp_action_unregister(EAL_VFIO_MP);
	started = 0;
	taken_over = 0;
}

int
iommufd_vfio_mp_fail_init(void)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY || !rte_vfio_is_enabled("vfio"))
		return -ENOTSUP;
	if (taken_over)
		return 0;
	if (rte_mp_action_register(EAL_VFIO_MP, answer) < 0)
		return -ENOTSUP;
	taken_over = 1;
	return 0;
}

int
iommufd_vfio_mp_secondary(void)
{
	struct timespec ts = { .tv_sec = IOMMUFD_VFIO_MP_TIMEOUT_S };
	struct rte_mp_reply replies = { 0 };
	struct rte_mp_msg req;
	int ret = -ENODEV;

	memset(&req, 0, sizeof(req));
	strlcpy(req.name, IOMMUFD_VFIO_MP, sizeof(req.name));
	if (rte_mp_request_sync(&req, &replies, &ts) == 0 && replies.nb_received == 1)
		ret = *(const int *)replies.msgs[0].param;
	free(replies.msgs);
	if (ret < 0)
		BUS_LOG(ERR, "the primary cannot hand this process its PCI devices on the IOAS (%s): they will fail to open",
			strerror(-ret));
	return ret;
}
