/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's live self-test: {"cmd": "selftest"} (cryptoengctl
 * selftest) runs the registry's known-answer tests again while the workers
 * serve, on each device's queue pair that no engine owns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <jansson.h>

#include "cryptoengd.h"

/* The answer's room: one CE_MSG_CTL_REPLY (16 KiB) less a margin. */
#define SELFTEST_ANSWER_MAX	(16384 - 128)

static size_t
selftest_size(const json_t *j)
{
	return json_dumpb(j, NULL, 0, JSON_COMPACT);
}

/*
 * {"cmd": "selftest", "driver": NAME} re-runs the known-answer self-tests of
 * every implementation (no "driver") or of one driver, now, while clients
 * are served: on the control thread, on each device's queue pair that no
 * engine owns (d_selftest_qp()), as ce_registry_selftest_run() requires
 * (it serializes runs, so a caller on another thread is safe too).
 * An implementation that fails is out of selection until a run passes.
 * The control thread is busy for as long as the tests take (microseconds
 * for the software backends; a hung device up to [engine]
 * selftest_timeout_ms): other control requests wait, the data path does not.
 */
int
cp_selftest(json_t *in, json_t **res, const char **why)
{
	json_t *jdrv = json_object_get(in, "driver");
	const char *driver = json_string_value(jdrv);
	struct ce_registry_entry *results;
	unsigned int max = cryptoengd.nb_algs ? cryptoengd.nb_algs : 1, nb_failed = 0;
	json_t *arr;
	int n;

	if (jdrv != NULL && driver == NULL) {
		*why = "selftest: \"driver\" must be a driver name (a string)";
		return -EINVAL;
	}
	results = calloc(max, sizeof(*results));
	if (results == NULL)
		return -ENOMEM;
	n = ce_registry_selftest_run(driver, d_selftest_qp(), results, max);
	if (n == -ENOENT) {
		*why = "selftest: no implementation has that driver name (see algs)";
		free(results);
		return n;
	}
	if (n < 0) {
		*why = "selftest: out of memory";
		free(results);
		return n;
	}
	arr = json_array();
	for (unsigned int i = 0; i < (unsigned int)n && i < max; i++)
		if (results[i].selftest == CE_SELFTEST_FAILED)
			nb_failed++;
	*res = json_pack("{s:i, s:i}", "tested", n, "failed", (int)nb_failed);
	for (unsigned int i = 0, used = 0; *res != NULL && i < (unsigned int)n && i < max; i++) {
		const struct ce_registry_entry *e = &results[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}",
				      "driver", e->alg->driver_name, "name", e->alg->name,
				      "device", e->dev->name,
				      "selftest", ce_selftest_state_name(e->selftest),
				      "vectors", (int)e->selftest_vectors,
				      "ops", (int)e->selftest_ops);
		size_t sz;

		if (o != NULL && e->selftest_why[0] != '\0')
			json_object_set_new(o, "why", json_string(e->selftest_why));
		/* One answer, within CE_MSG_CTL_MAX: the rest are counted, and
		 * "algs" lists their new state. */
		sz = selftest_size(o) + 1;
		if (used + sz + selftest_size(*res) + 32 > SELFTEST_ANSWER_MAX) {
			json_decref(o);
			json_object_set_new(*res, "omitted", json_integer(n - (int)i));
			break;
		}
		used += (unsigned int)sz;
		json_array_append_new(arr, o);
	}
	free(results);
	d_log(nb_failed ? LOG_WARNING : LOG_INFO, "selftest%s%s: %d implementation(s) tested, "
	      "%u failed%s", driver ? " of " : "", driver ? driver : "", n, nb_failed,
	      nb_failed ? " and out of selection until they pass" : "");
	if (*res == NULL) {
		json_decref(arr);
		return -ENOMEM;
	}
	json_object_set_new(*res, "selftest", arr);
	/* Devices made without a queue pair to spare are not tested live. */
	arr = json_array();
	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++)
		if (cryptoengd.devs[i].dev->nb_qps <= d_selftest_qp())
			json_array_append_new(arr, json_string(cryptoengd.devs[i].dev->name));
	if (json_array_size(arr) != 0)
		json_object_set_new(*res, "left_out", arr);
	else
		json_decref(arr);
	return 0;
}
