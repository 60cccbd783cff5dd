/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the asymmetric caps entries of the "cryptodev" backend are (the
 * entries themselves are in qat_caps.c's table, after the symmetric ones),
 * and the device's own asymmetric capability check: a device runs an
 * operation only when rte_cryptodev_asym_capability_get says it has the
 * xform, the op type and the modulus length (README.md has the table of
 * what 22.11's drivers say).
 */
#include <stdbool.h>

#include <rte_common.h>
#include <rte_cryptodev.h>

#include "ce_pmd.h"
#include "qat_priv.h"

/* In the order of the asymmetric entries of qat_pmd_caps[] (qat_caps.c). */
const struct qat_asym_desc qat_asym_descs[] = {
	{ .scheme = QAT_ASYM_RSA_RAW },
	{ .scheme = QAT_ASYM_RSA_PKCS1 },
	{ .scheme = QAT_ASYM_RSA_PKCS1, .sig_only = true },
	{ .scheme = QAT_ASYM_RSA_PSS },
	{ .scheme = QAT_ASYM_RSA_OAEP },
	{ .scheme = QAT_ASYM_FFDHE, .group_bits = 2048, .group = "ffdhe2048" },
	{ .scheme = QAT_ASYM_FFDHE, .group_bits = 3072, .group = "ffdhe3072" },
	{ .scheme = QAT_ASYM_FFDHE, .group_bits = 4096, .group = "ffdhe4096" },
};

bool
qat_asym_cap_ok(uint8_t cdev, enum rte_crypto_asym_xform_type type, int op_type, uint16_t len)
{
	struct rte_cryptodev_asym_capability_idx idx = { .type = type };
	const struct rte_cryptodev_asymmetric_xform_capability *cap;

	cap = rte_cryptodev_asym_capability_get(cdev, &idx);
	if (cap == NULL)
		return false;
	/* MODEX has no op types (its bitmask is 0 in every 22.11 driver). */
	if (op_type >= 0 &&
	    !rte_cryptodev_asym_xform_capability_check_optype(cap,
				(enum rte_crypto_asym_op_type)op_type))
		return false;
	/* 22.11's check_modlen: max 0 means no limit, min 0 no minimum. */
	return rte_cryptodev_asym_xform_capability_check_modlen(cap, len) == 0;
}
