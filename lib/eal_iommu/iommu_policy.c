/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <string.h>

#include "eal_iommu_private.h"

static const char *const policy_names[] = {
	[RTE_EAL_IOMMU_POLICY_AUTO] = "auto",
	[RTE_EAL_IOMMU_POLICY_VA] = "va",
	[RTE_EAL_IOMMU_POLICY_PA] = "pa",
	[RTE_EAL_IOMMU_POLICY_WINDOW] = "window",
};

const char *
rte_eal_iommu_policy_name(enum rte_eal_iommu_policy policy)
{
	if ((unsigned int)policy < RTE_DIM(policy_names))
		return policy_names[policy];
	return "?";
}

int
rte_eal_iommu_policy_parse(const char *name, enum rte_eal_iommu_policy *policy)
{
	unsigned int i;

	for (i = 0; name != NULL && i < RTE_DIM(policy_names); i++)
		if (strcmp(name, policy_names[i]) == 0) {
			*policy = i;
			return 0;
		}
	return iommu_fail(-EINVAL);
}

int
rte_eal_iommu_set_policy(enum rte_eal_iommu_policy policy)
{
	int ret = 0;

	if ((unsigned int)policy >= RTE_DIM(policy_names))
		return iommu_fail(-EINVAL);
	pthread_mutex_lock(&eal_iommu.lock);
	if (eal_iommu.secondary)
		ret = iommu_primary_only_locked("set policy");
	else if (eal_iommu.dpdk_mapped && policy != eal_iommu.requested)
		ret = -EBUSY;
	else
		eal_iommu.requested = policy;
	pthread_mutex_unlock(&eal_iommu.lock);
	return ret < 0 ? iommu_fail(ret) : 0;
}

enum rte_eal_iommu_policy
rte_eal_iommu_policy(void)
{
	enum rte_eal_iommu_policy p;

	pthread_mutex_lock(&eal_iommu.lock);
	p = eal_iommu.dpdk_mapped ? eal_iommu.effective : eal_iommu.requested;
	pthread_mutex_unlock(&eal_iommu.lock);
	return p;
}
