/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The backend contract at registration (ce_pmd.h): a driver without one of
 * the required ops, without a name or caps, or with a name already taken is
 * refused and not listed; a driver with only the required ops is taken, and
 * the optional ops it lacks are simply not called (no stub needed).
 */
#include <errno.h>
#include <string.h>

#include "ce_pmd.h"
#include "ce_test.h"

static int
t_configure(struct ce_pmd_dev *dev, const struct ce_pmd_dev_config *cfg)
{
	(void)dev;
	(void)cfg;
	return 0;
}

static int
t_do_one(struct ce_pmd_qp *qp, struct ce_pmd_request *req)
{
	(void)qp;
	(void)req;
	return -ENOSPC;
}

static uint16_t
t_poll(struct ce_pmd_qp *qp, uint16_t max)
{
	(void)qp;
	(void)max;
	return 0;
}

static int
t_dma_map(struct ce_pmd_dev *dev, void *addr, size_t len, size_t pg_sz)
{
	(void)dev;
	(void)addr;
	(void)len;
	(void)pg_sz;
	return 0;
}

static const struct ce_pmd_alg_caps t_caps[] = {
	{ .name = "ecb(cipher_null)", .driver_name = "ecb-cipher_null-t", .type = CE_PMD_ALG_CIPHER,
	  .priority = 1, .block_size = 1, .max_data_len = 64 },
};

static const struct ce_pmd_ops ops_full = { .dev_configure = t_configure };
static const struct ce_pmd_ops ops_no_configure = { .qp_setup = NULL };
static const struct ce_pmd_ops ops_half_dma = { .dev_configure = t_configure,
						.dma_map = t_dma_map };
static const struct ce_pmd_fast_ops fast_full = { .do_one_request = t_do_one, .poll = t_poll };
static const struct ce_pmd_fast_ops fast_no_poll = { .do_one_request = t_do_one };
static const struct ce_pmd_fast_ops fast_no_one = { .poll = t_poll };

#define DRIVER(n, o, f) { .name = (n), .ops = (o), .fast = (f), .caps = t_caps, .nb_caps = 1 }

static void
test_refused(void)
{
	struct ce_pmd_driver no_configure = DRIVER("t-no-configure", &ops_no_configure, &fast_full);
	struct ce_pmd_driver no_ops = DRIVER("t-no-ops", NULL, &fast_full);
	struct ce_pmd_driver no_fast = DRIVER("t-no-fast", &ops_full, NULL);
	struct ce_pmd_driver no_poll = DRIVER("t-no-poll", &ops_full, &fast_no_poll);
	struct ce_pmd_driver no_one = DRIVER("t-no-one", &ops_full, &fast_no_one);
	struct ce_pmd_driver half_dma = DRIVER("t-half-dma", &ops_half_dma, &fast_full);
	struct ce_pmd_driver no_name = DRIVER(NULL, &ops_full, &fast_full);
	struct ce_pmd_driver no_caps = DRIVER("t-no-caps", &ops_full, &fast_full);

	no_caps.nb_caps = 0;
	CHECK_EQ(ce_pmd_driver_register(&no_configure), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&no_ops), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&no_fast), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&no_poll), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&no_one), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&half_dma), -ENOTSUP);
	CHECK_EQ(ce_pmd_driver_register(&no_name), -EINVAL);
	CHECK_EQ(ce_pmd_driver_register(&no_caps), -EINVAL);
	CHECK_EQ(ce_pmd_driver_register(NULL), -EINVAL);
	CHECK(ce_pmd_driver_find("t-no-configure") == NULL);
	CHECK(ce_pmd_driver_find("t-no-poll") == NULL);
	CHECK(ce_pmd_driver_find("t-half-dma") == NULL);
	CHECK(ce_pmd_driver_find("t-no-caps") == NULL);
}

static struct ce_pmd_driver minimal = DRIVER("t-minimal", &ops_full, &fast_full);

static void
test_taken(void)
{
	struct ce_pmd_driver again = DRIVER("t-minimal", &ops_full, &fast_full);
	const struct ce_pmd_driver *drv;
	unsigned int n = 0;

	CHECK_EQ(ce_pmd_driver_register(&minimal), 0);
	CHECK(ce_pmd_driver_find("t-minimal") == &minimal);
	CHECK_EQ(ce_pmd_driver_register(&again), -EEXIST);
	for (drv = ce_pmd_driver_next(NULL); drv != NULL; drv = ce_pmd_driver_next(drv))
		n += strcmp(drv->name, "t-minimal") == 0;
	CHECK_EQ(n, 1);
}

int
main(void)
{
	RUN(test_refused);
	RUN(test_taken);
	return 0;
}
