/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The iommufd bus's devargs parser (iommufd_params.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_devargs.h>
#include <rte_kvargs.h>
#include <rte_log.h>
#include <rte_pci.h>
#include <rte_string_fns.h>

#include "iommufd_bus_log.h"
#include "iommufd_params.h"

#define KEY_POLICY "policy"
#define KEY_ATTACH "attach"
#define KEY_PCI "pci"
#define KEY_NAME "name"
#define KEYS_HELP "policy=auto|va|pa|window, attach=DDDD:BB:DD.F, pci=all|none|DDDD:BB:DD.F"

const char *
iommufd_params_escape(const char *s, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return "";
	for (; s != NULL && *s != '\0' && used + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[used++] = c;
		else
			used += snprintf(buf + used, size - used, "\\x%02x", c);
	}
	buf[used] = '\0';
	return buf;
}

static int
set_policy(struct iommufd_params *p, const char *value)
{
	enum rte_eal_iommu_policy policy;
	char esc[64];

	if (rte_eal_iommu_policy_parse(value, &policy) < 0) {
		BUS_LOG(ERR, "unknown policy '%s': use policy=auto, va, pa or window",
			iommufd_params_escape(value, esc, sizeof(esc)));
		return -EINVAL;
	}
	if (p->policy_set && p->policy != policy) {
		BUS_LOG(ERR, "policy given twice, as %s and as %s: give it once",
			rte_eal_iommu_policy_name(p->policy),
			rte_eal_iommu_policy_name(policy));
		return -EINVAL;
	}
	p->policy = policy;
	p->policy_set = 1;
	return 0;
}

/* Add PCI address value of key to list[0..*n), once. */
static int
add_device(const char *key, const char *value,
		char list[][PCI_PRI_STR_SIZE], unsigned int *n)
{
	char name[PCI_PRI_STR_SIZE], esc[64];
	struct rte_pci_addr addr;
	unsigned int i;

	if (rte_pci_addr_parse(value, &addr) != 0) {
		BUS_LOG(ERR, "%s=%s: not a PCI address: write %s=DDDD:BB:DD.F (as lspci -D shows it)",
			key, iommufd_params_escape(value, esc, sizeof(esc)), key);
		return -EINVAL;
	}
	rte_pci_device_name(&addr, name, sizeof(name));
	for (i = 0; i < *n; i++)
		if (strcmp(list[i], name) == 0) {
			BUS_LOG(ERR, "%s=%s given twice: list a device once", key, name);
			return -EINVAL;
		}
	if (*n == IOMMUFD_PARAMS_MAX_ATTACH) {
		BUS_LOG(ERR, "more than %u %s= devices", IOMMUFD_PARAMS_MAX_ATTACH, key);
		return -E2BIG;
	}
	strlcpy(list[(*n)++], name, PCI_PRI_STR_SIZE);
	return 0;
}

static int
set_pci(struct iommufd_params *p, const char *value)
{
	enum iommufd_pci_mode mode = strcmp(value, "all") == 0 ? IOMMUFD_PCI_ALL :
		strcmp(value, "none") == 0 ? IOMMUFD_PCI_NONE : IOMMUFD_PCI_LIST;
	static const char *const names[] = { "all", "none", "a device list" };

	if (p->pci_set && p->pci_mode != mode) {
		BUS_LOG(ERR, "pci= given twice, as %s and as %s: give pci=all, pci=none or a list of pci=DDDD:BB:DD.F",
			names[p->pci_mode], names[mode]);
		return -EINVAL;
	}
	p->pci_set = 1;
	p->pci_mode = mode;
	if (mode != IOMMUFD_PCI_LIST)
		return 0;
	return add_device(KEY_PCI, value, p->pci, &p->npci);
}

int
iommufd_params_pci_managed(const struct iommufd_params *p, const char *name)
{
	unsigned int i;

	if (p->pci_mode != IOMMUFD_PCI_LIST)
		return p->pci_mode == IOMMUFD_PCI_ALL;
	for (i = 0; i < p->npci; i++)
		if (strcmp(p->pci[i], name) == 0)
			return 1;
	return 0;
}

static int
parse_pair(struct iommufd_params *p, const char *key, const char *value)
{
	char esc[64];

	if (value == NULL || value[0] == '\0') {
		BUS_LOG(ERR, "'%s' needs a value: the keys are " KEYS_HELP,
			iommufd_params_escape(key, esc, sizeof(esc)));
		return -EINVAL;
	}
	if (strcmp(key, KEY_POLICY) == 0) {
		p->has_config = 1;
		return set_policy(p, value);
	}
	if (strcmp(key, KEY_ATTACH) == 0) {
		p->has_config = 1;
		return add_device(KEY_ATTACH, value, p->attach, &p->nattach);
	}
	if (strcmp(key, KEY_PCI) == 0) {
		p->has_config = 1;
		return set_pci(p, value);
	}
	if (strcmp(key, RTE_DEVARGS_KEY_BUS) == 0 && strcmp(value, IOMMUFD_BUS_NAME) == 0)
		return 0;
	if (strcmp(key, KEY_NAME) == 0 && strcmp(value, IOMMUFD_DEVICE_NAME) == 0)
		return 0;
	BUS_LOG(ERR, "unknown key '%s': the keys are " KEYS_HELP,
		iommufd_params_escape(key, esc, sizeof(esc)));
	return -EINVAL;
}

int
iommufd_params_parse(const char *args, struct iommufd_params *p)
{
	struct rte_kvargs *kv;
	unsigned int i;
	char esc[256];
	int ret = 0;

	if (args == NULL || args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		BUS_LOG(ERR, "cannot parse '%s': write key=value pairs separated by commas (" KEYS_HELP ")",
			iommufd_params_escape(args, esc, sizeof(esc)));
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++)
		ret = parse_pair(p, kv->pairs[i].key, kv->pairs[i].value);
	rte_kvargs_free(kv);
	return ret;
}
