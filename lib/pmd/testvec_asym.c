/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known answers of the asymmetric algorithms: the table (generated, see
 * tests/registry/gen_asym_vectors.py for where each vector comes from) and
 * its decoder. The registry's self-tests run them on every implementation
 * of each name, whatever its backend.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ce_pmd.h"
#include "testvec_priv.h"

static const struct ce_asym_testvec asym_testvecs[] = {
#include "testvec_asym_data.h"
};

#define NB_ASYM_TESTVECS (sizeof(asym_testvecs) / sizeof(asym_testvecs[0]))

const struct ce_asym_testvec *
ce_asym_testvec_next(const struct ce_asym_testvec *prev)
{
	size_t i = prev == NULL ? 0 : (size_t)(prev - asym_testvecs) + 1;

	return i < NB_ASYM_TESTVECS ? &asym_testvecs[i] : NULL;
}

int
ce_asym_testvec_decode(const struct ce_asym_testvec *tv, struct ce_asym_tv_data *d)
{
	size_t key, in, sig, out;

	memset(d, 0, sizeof(*d));
	if (ce_testvec_parse(tv->key, d->key, sizeof(d->key), &key) < 0 ||
	    ce_testvec_parse(tv->input, d->input, sizeof(d->input), &in) < 0 ||
	    ce_testvec_parse(tv->sig, d->sig, sizeof(d->sig), &sig) < 0 ||
	    ce_testvec_parse(tv->output, d->output, sizeof(d->output), &out) < 0)
		return -EINVAL;
	if (key == 0)
		return -EINVAL;
	d->key_len = (uint16_t)key;
	d->input_len = (uint16_t)in;
	d->sig_len = (uint16_t)sig;
	d->output_len = (uint16_t)out;
	d->has_output = tv->output != NULL;
	return 0;
}
