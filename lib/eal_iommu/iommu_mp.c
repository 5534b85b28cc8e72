/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Secondary processes share the primary's IOAS: the primary answers
 * IOMMU_MP_NAME requests with its iommufd fd (passed over the rte_mp
 * socket) and the IOAS's id and policy. A secondary may translate and
 * read, never map, unmap or attach: the primary owns the IOAS, and maps
 * the memory secondaries make DPDK allocate (its memory events fire there).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_string_fns.h>

#include "iommu_ioas.h"
#include "iommu_mp.h"
#include "iommu_policy.h"

#define IOMMU_MP_NAME "eal_iommu_mp"
#define IOMMU_MP_TIMEOUT_S 5

struct iommu_mp_reply {
	int result; /* 0 or a negative errno */
	uint32_t ioas_id;
	int policy; /* the effective policy while DPDK memory is mapped */
	int dpdk_mapped;
};

static int
answer_secondary(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;
	struct iommu_mp_reply *r = (struct iommu_mp_reply *)reply.param;

	RTE_SET_USED(msg);
	memset(&reply, 0, sizeof(reply));
	strlcpy(reply.name, IOMMU_MP_NAME, sizeof(reply.name));
	reply.len_param = sizeof(*r);
	iommu_ioas_lock();
	if (!iommu_ioas_is_open_locked()) {
		r->result = -ENODEV;
	} else {
		r->ioas_id = iommu_ioas_id();
		r->policy = iommu_policy_current_locked();
		r->dpdk_mapped = iommu_policy_applied_locked();
		reply.num_fds = 1;
		reply.fds[0] = iommu_ioas_fd();
	}
	iommu_ioas_unlock();
	return rte_mp_reply(&reply, peer);
}

void
iommu_mp_primary_start(void)
{
	/* Without shared config (--no-shconf, --in-memory) there is no IPC. */
	if (rte_mp_action_register(IOMMU_MP_NAME, answer_secondary) < 0 &&
	    rte_errno != ENOTSUP && rte_errno != EEXIST)
		IOMMU_LOG(WARNING, "secondary processes cannot reach the IOAS: %s",
			rte_strerror(rte_errno));
}

void
iommu_mp_primary_stop(void)
{
	rte_mp_action_unregister(IOMMU_MP_NAME);
}

int
iommu_mp_secondary_open_locked(void)
{
	struct timespec ts = { .tv_sec = IOMMU_MP_TIMEOUT_S };
	struct rte_mp_reply replies = { 0 };
	const struct iommu_mp_reply *r;
	struct rte_mp_msg req;
	int ret;

	iommu_ioas_assert_locked();
	memset(&req, 0, sizeof(req));
	strlcpy(req.name, IOMMU_MP_NAME, sizeof(req.name));
	if (rte_mp_request_sync(&req, &replies, &ts) < 0 || replies.nb_received != 1) {
		IOMMU_LOG(ERR, "the primary process did not hand over its IOAS (does it have the iommufd plug-in?)");
		free(replies.msgs);
		return -ENODEV;
	}
	r = (const struct iommu_mp_reply *)replies.msgs[0].param;
	ret = r->result;
	if (ret == 0 && replies.msgs[0].num_fds != 1)
		ret = -EBADF;
	if (ret == 0) {
		/* Like every fd the library holds: not inherited across exec. */
		fcntl(replies.msgs[0].fds[0], F_SETFD, FD_CLOEXEC);
		iommu_ioas_set_open_locked(replies.msgs[0].fds[0], r->ioas_id, 1);
		iommu_policy_adopt_locked(r->policy, r->dpdk_mapped);
	} else {
		IOMMU_LOG(ERR, "the primary process has no IOAS: %s", strerror(-ret));
	}
	free(replies.msgs);
	return ret;
}
