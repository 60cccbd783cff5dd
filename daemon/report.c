/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reports as JSON (jansson): algs, stats, clients, engines. Answered over
 * the control socket (CE_MSG_CTL) and as DPDK telemetry commands
 * /cryptoeng/<name>.
 *
 * Telemetry callbacks run on DPDK's telemetry thread: every builder takes
 * d_lock (the control thread holds it while it changes clients, queue pairs
 * and sessions) and reads worker-written counters with atomic loads only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "cryptoengd.h"

#define RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static const char *
report_type(enum ce_alg_type t)
{
	switch (t) {
	case CE_ALG_CIPHER:
		return "skcipher";
	case CE_ALG_AEAD:
		return "aead";
	case CE_ALG_HASH:
		return "hash";
	}
	return "unknown";
}

static const char *
report_selftest(enum ce_selftest_state s)
{
	switch (s) {
	case CE_SELFTEST_PASSED:
		return "passed";
	case CE_SELFTEST_FAILED:
		return "failed";
	case CE_SELFTEST_NO_VECTOR:
		return "no vector";
	default:
		return "untested";
	}
}

static json_t *
report_range(const struct ce_range *r)
{
	return json_pack("{s:i, s:i, s:i}", "min", r->min, "max", r->max, "step", r->step);
}

static json_t *
report_algs(void)
{
	json_t *arr = json_array();

	/* The registry does not change after start-up. */
	for (unsigned int i = 0; i < d.nb_algs; i++) {
		const struct ce_registry_entry *e = d.algs[i];
		const struct ce_alg_caps *a = e->alg;
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:o, s:o, s:o, s:i, "
				      "s:i, s:s}",
				      "name", a->name, "driver", a->driver_name,
				      "pmd", e->dev->drv->name, "device", e->dev->name,
				      "priority", a->priority,
				      "async", (a->flags & CE_ALG_F_ASYNC) != 0,
				      "type", report_type(a->type),
				      "key_sizes", report_range(&a->key_size),
				      "iv_sizes", report_range(&a->iv_size),
				      "digest_sizes", report_range(&a->digest_size),
				      "aad_max", a->aad_size.max,
				      "block_size", (int)a->block_size,
				      "selftest", report_selftest(e->selftest));

		if (o != NULL && e->selftest_why[0] != '\0')
			json_object_set_new(o, "selftest_why", json_string(e->selftest_why));
		json_array_append_new(arr, o);
	}
	return json_pack("{s:o}", "algs", arr);
}

static const char *
report_worker_state(const struct d_worker *w)
{
	switch (__atomic_load_n(&w->state, __ATOMIC_RELAXED)) {
	case D_W_RUNNING:
		return ce_engine_is_idle(w->e) ? "idle" : "running";
	case D_W_SLEEPING:
		return "sleeping";
	case D_W_STOPPED:
		return "stopped";
	default:
		return "starting";
	}
}

static json_t *
report_engine_stats(const struct d_worker *w)
{
	struct ce_engine_stats s;
	json_t *hist = json_array();

	ce_engine_stats_get(w->e, &s);
	for (unsigned int i = 0; i < CE_ENGINE_BATCH_HIST; i++)
		json_array_append_new(hist, json_integer((json_int_t)s.batch_hist[i]));
	return json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I}",
			 "lcore", (int)w->lcore,
			 "submitted", (json_int_t)s.submitted,
			 "completed_ok", (json_int_t)s.completed_ok,
			 "completed_err", (json_int_t)s.completed_err,
			 "retried", (json_int_t)s.retried,
			 "backlogged", (json_int_t)s.backlogged,
			 "refused", (json_int_t)s.refused,
			 "fallbacks", (json_int_t)s.fallbacks,
			 "in_flight", (json_int_t)s.in_flight,
			 "doorbells", (json_int_t)s.doorbells,
			 "batch_hist", hist,
			 "idle_transitions", (json_int_t)s.idle_transitions,
			 "prepares", (json_int_t)s.prepares,
			 "sleeps", (json_int_t)RD(((struct d_worker *)w)->sleeps));
}

/* A client's counters: its live queue pairs plus those already gone. */
static void
report_client_sum(const struct d_client *c, struct d_qp_stats *t, uint64_t *inflight)
{
	struct d_qp *qp;

	*t = c->gone;
	*inflight = 0;
	TAILQ_FOREACH(qp, &c->qps, next) {
		t->requests += RD(qp->st.requests);
		t->bytes += RD(qp->st.bytes);
		t->completed += RD(qp->st.completed);
		t->err_inval += RD(qp->st.err_inval);
		t->err_badmsg += RD(qp->st.err_badmsg);
		t->err_other += RD(qp->st.err_other);
		*inflight += RD(qp->inflight);
	}
	TAILQ_FOREACH(qp, &d.dying, next) {
		if (qp->c != c)
			continue;
		t->requests += RD(qp->st.requests);
		t->bytes += RD(qp->st.bytes);
		t->completed += RD(qp->st.completed);
		t->err_inval += RD(qp->st.err_inval);
		t->err_badmsg += RD(qp->st.err_badmsg);
		t->err_other += RD(qp->st.err_other);
		*inflight += RD(qp->inflight);
	}
}

static json_t *
report_stats(void)
{
	json_t *engines = json_array(), *clients = json_array(), *algs = json_array();
	const struct d_client *c;

	for (unsigned int i = 0; i < d.nb_workers; i++)
		json_array_append_new(engines, report_engine_stats(d.workers[i]));

	pthread_mutex_lock(&d.lock);
	TAILQ_FOREACH(c, &d.clients, next) {
		struct d_qp_stats t;
		uint64_t inflight;

		if (!c->hello)
			continue;
		report_client_sum(c, &t, &inflight);
		json_array_append_new(clients, json_pack(
			"{s:i, s:i, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:I}",
			"id", (int)c->id, "pid", (int)c->pid, "name", c->name,
			"requests", (json_int_t)t.requests, "bytes", (json_int_t)t.bytes,
			"completed", (json_int_t)t.completed,
			"errors", "EINVAL", (json_int_t)t.err_inval,
			"EBADMSG", (json_int_t)t.err_badmsg, "other", (json_int_t)t.err_other,
			"in_flight", (json_int_t)inflight));
	}
	pthread_mutex_unlock(&d.lock);

	/* Only algorithms that saw requests: the answer must fit in 16 KiB. */
	for (unsigned int a = 0; a < d.nb_algs; a++) {
		uint64_t req = 0, bytes = 0, err = 0;

		for (unsigned int i = 0; i < d.nb_workers; i++) {
			uint64_t *st = d.workers[i]->alg_stats;

			req += RD(st[3 * a]);
			bytes += RD(st[3 * a + 1]);
			err += RD(st[3 * a + 2]);
		}
		if (req == 0)
			continue;
		json_array_append_new(algs, json_pack("{s:s, s:s, s:I, s:I, s:I}",
			"name", d.algs[a]->alg->name, "driver", d.algs[a]->alg->driver_name,
			"requests", (json_int_t)req, "bytes", (json_int_t)bytes,
			"errors", (json_int_t)err));
	}
	return json_pack("{s:o, s:o, s:o}", "engines", engines, "clients", clients, "algs", algs);
}

static json_t *
report_clients(void)
{
	json_t *arr = json_array();
	const struct d_client *c;

	pthread_mutex_lock(&d.lock);
	TAILQ_FOREACH(c, &d.clients, next) {
		json_t *qps = json_array();
		const struct d_qp *qp;

		TAILQ_FOREACH(qp, &c->qps, next)
			json_array_append_new(qps, json_pack("{s:i, s:i, s:i, s:i, s:b}",
				"id", (int)qp->id, "lcore", (int)d.workers[qp->worker]->lcore,
				"credits", (int)qp->credits,
				"in_flight", (int)RD(((struct d_qp *)qp)->inflight),
				"broken", RD(((struct d_qp *)qp)->broken) != 0));
		json_array_append_new(arr, json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:o, s:i}",
			"id", (int)c->id, "pid", (int)c->pid, "uid", (int)c->uid,
			"gid", (int)c->gid, "name", c->name,
			"state", c->dead ? "closing" : c->hello ? "connected" : "new",
			"qps", qps, "sessions", (int)c->nb_sess));
	}
	pthread_mutex_unlock(&d.lock);
	return json_pack("{s:o}", "clients", arr);
}

static json_t *
report_engines(void)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < d.nb_workers; i++) {
		const struct d_worker *w = d.workers[i];
		json_t *backends = json_array();

		for (unsigned int j = 0; j < d.nb_devs; j++)
			json_array_append_new(backends, json_pack("{s:s, s:s, s:i}",
				"device", d.devs[j].dev->name, "pmd", d.devs[j].dev->drv->name,
				"qp", (int)i));
		json_array_append_new(arr, json_pack("{s:i, s:s, s:o, s:i}",
			"lcore", (int)w->lcore, "state", report_worker_state(w),
			"backends", backends,
			"queue_pairs", (int)__atomic_load_n(&w->nb_assigned, __ATOMIC_RELAXED)));
	}
	return json_pack("{s:o}", "engines", arr);
}

static json_t *
report_build(const char *cmd)
{
	if (strcmp(cmd, "algs") == 0)
		return report_algs();
	if (strcmp(cmd, "stats") == 0)
		return report_stats();
	if (strcmp(cmd, "clients") == 0)
		return report_clients();
	if (strcmp(cmd, "engines") == 0)
		return report_engines();
	return NULL;
}

int
d_report_ctl(const char *req, char **out, const char **why)
{
	json_error_t jerr;
	json_t *in, *res;
	const char *cmd;

	in = json_loads(req, 0, &jerr);
	if (in == NULL) {
		*why = "request is not valid JSON";
		return -EINVAL;
	}
	cmd = json_string_value(json_object_get(in, "cmd"));
	if (cmd == NULL) {
		json_decref(in);
		*why = "request has no \"cmd\" string";
		return -EINVAL;
	}
	res = report_build(cmd);
	json_decref(in);
	if (res == NULL) {
		*why = "unknown cmd (algs, stats, clients, engines)";
		return -EINVAL;
	}
	*out = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	return *out != NULL ? 0 : -ENOMEM;
}

/* ---- telemetry ------------------------------------------------------------ */

static int report_tel_fill(struct rte_tel_data *t, json_t *j, int depth);

/* A nested container for an object or array value; NULL if it cannot be one. */
static struct rte_tel_data *
report_tel_container(json_t *v, int depth)
{
	struct rte_tel_data *t = rte_tel_data_alloc();

	if (t == NULL)
		return NULL;
	if (report_tel_fill(t, v, depth + 1) < 0) {
		rte_tel_data_free(t);
		return NULL;
	}
	return t;
}

/*
 * jansson -> rte_tel_data. Objects become dicts; arrays of integers u64
 * arrays; arrays of strings string arrays; arrays of objects arrays of
 * containers. Telemetry caps depth and entries: what does not fit is left out.
 */
static int
report_tel_fill(struct rte_tel_data *t, json_t *j, int depth)
{
	if (depth > 3)
		return -E2BIG;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;

		rte_tel_data_start_dict(t);
		json_object_foreach(j, k, v) {
			if (json_is_integer(v)) {
				rte_tel_data_add_dict_u64(t, k, (uint64_t)json_integer_value(v));
			} else if (json_is_boolean(v)) {
				rte_tel_data_add_dict_int(t, k, json_is_true(v));
			} else if (json_is_string(v)) {
				rte_tel_data_add_dict_string(t, k, json_string_value(v));
			} else {
				struct rte_tel_data *c = report_tel_container(v, depth);

				if (c != NULL && rte_tel_data_add_dict_container(t, k, c, 0) < 0)
					rte_tel_data_free(c);
			}
		}
		return 0;
	}
	if (json_is_array(j)) {
		json_t *first = json_array_get(j, 0), *v;
		size_t i;

		if (first == NULL || json_is_integer(first)) {
			rte_tel_data_start_array(t, RTE_TEL_U64_VAL);
			json_array_foreach(j, i, v)
				rte_tel_data_add_array_u64(t, (uint64_t)json_integer_value(v));
		} else if (json_is_string(first)) {
			rte_tel_data_start_array(t, RTE_TEL_STRING_VAL);
			json_array_foreach(j, i, v)
				rte_tel_data_add_array_string(t, json_string_value(v));
		} else {
			rte_tel_data_start_array(t, RTE_TEL_CONTAINER);
			json_array_foreach(j, i, v) {
				struct rte_tel_data *c = report_tel_container(v, depth);

				if (c != NULL && rte_tel_data_add_array_container(t, c, 0) < 0)
					rte_tel_data_free(c);
			}
		}
		return 0;
	}
	return -EINVAL;
}

static int
report_tel_cb(const char *cmd, const char *params, struct rte_tel_data *t)
{
	const char *name = strrchr(cmd, '/');
	json_t *j;
	int ret;

	(void)params;
	j = report_build(name != NULL ? name + 1 : cmd);
	if (j == NULL)
		return -EINVAL;
	/* The top level is {"<name>": [...]} or a dict of arrays: one level down
	 * is what telemetry shows under the command's name. */
	ret = report_tel_fill(t, j, 0);
	json_decref(j);
	return ret;
}

void
d_report_telemetry_register(void)
{
	rte_telemetry_register_cmd("/cryptoeng/stats", report_tel_cb,
				   "Per engine, client and algorithm statistics");
	rte_telemetry_register_cmd("/cryptoeng/algs", report_tel_cb,
				   "Algorithm implementations: names, drivers, sizes, self-tests");
	rte_telemetry_register_cmd("/cryptoeng/engines", report_tel_cb,
				   "Engines: lcore, backends, state");
	rte_telemetry_register_cmd("/cryptoeng/clients", report_tel_cb,
				   "Clients: pid, uid, queue pairs, sessions");
}
