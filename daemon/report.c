/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reports as JSON (jansson): algs, stats, clients, engines. Answered over
 * the control socket (CE_MSG_CTL) and as DPDK telemetry commands
 * /cryptoeng/<name>.
 *
 * Every answer fits its channel however many clients there are: over the
 * socket, stats and clients are paged ("from": the first client id wanted;
 * "clients_next" in the answer when more follow), each page within
 * CE_MSG_CTL_MAX; telemetry follows DPDK's list + parameter pattern
 * (/cryptoeng/clients lists ids, /cryptoeng/client,<id> shows one).
 *
 * Telemetry callbacks run on DPDK's telemetry thread: every builder takes
 * cryptoengd.lock (the control thread holds it while it changes clients, queue pairs
 * and sessions) and reads worker-written counters with atomic loads only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "cryptoengd.h"

#define RD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

#ifndef CRYPTOENG_VERSION
#define CRYPTOENG_VERSION	"unknown"
#endif

/* A page's room: CE_MSG_CTL_MAX less a margin for the closing brackets and "clients_next". */
#define REPORT_PAGE_MAX		(16384 - 128)

static size_t
report_size(const json_t *j)
{
	return json_dumpb(j, NULL, 0, JSON_COMPACT);
}

/* A string member of @p o ("" if absent: the reports never omit one). */
static const char *
report_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_t *
report_range(const struct ce_pmd_range *r)
{
	return json_pack("{s:i, s:i, s:i}", "min", r->min, "max", r->max, "step", r->step);
}

/* The implementations from index @p from on, as many as fit a page; "algs_next"
 * says where the next page starts (a daemon with a cryptodev, the software
 * backends and the asymmetric ones lists more than one answer holds). */
/* One registry entry, whole: the registry is serialised here only (algs, telemetry). */
static json_t *
report_alg(const struct ce_registry_entry *entry)
{
	struct ce_registry_entry copy;
	const struct ce_registry_entry *e = &copy;
	const struct ce_pmd_alg_caps *a;
	json_t *o;

	/* The entries stay; their self-test state changes with a live re-run
	 * ("selftest"), so each is read whole under the registry's lock. */
	ce_registry_entry_get(entry, &copy);
	a = e->alg;
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:o, s:o, s:o, s:i, s:i, s:s}",
		      "name", a->name, "driver", a->driver_name,
		      "pmd", e->dev->drv->name, "device", e->dev->name,
		      "priority", a->priority,
		      "async", (a->flags & CE_PMD_ALG_F_ASYNC) != 0,
		      "type", ce_pmd_alg_type_name(a->type),
		      "key_sizes", report_range(&a->key_size),
		      "iv_sizes", report_range(&a->iv_size),
		      "digest_sizes", report_range(&a->digest_size),
		      "aad_max", a->aad_size.max,
		      "block_size", (int)a->block_size,
		      "selftest", ce_selftest_state_name(e->selftest));
	if (o == NULL)
		return NULL;
	/* The largest request length the implementation takes: longer ones
	 * complete -EINVAL. */
	json_object_set_new(o, "max_len", json_integer(a->max_data_len));
	/* authencesn needs SPI || seq_hi: a shorter AAD completes -EINVAL. */
	if (a->aad_size.min != 0)
		json_object_set_new(o, "aad_min", json_integer(a->aad_size.min));
	/* authenc: key_sizes is the kernel's blob; this is its cipher key. */
	if (a->enc_key_size.max != 0)
		json_object_set_new(o, "enc_key_sizes", report_range(&a->enc_key_size));
	if (e->selftest_why[0] != '\0')
		json_object_set_new(o, "selftest_why", json_string(e->selftest_why));
	json_object_set_new(o, "selftest_vectors", json_integer(e->selftest_vectors));
	return o;
}

static json_t *
report_algs(uint32_t from)
{
	json_t *arr = json_array(), *page;
	size_t used = 64;

	for (unsigned int i = from; i < cryptoengd.nb_algs; i++) {
		json_t *o = report_alg(cryptoengd.algs[i]);

		if (o != NULL && used + report_size(o) + 1 > REPORT_PAGE_MAX) {
			json_decref(o);
			page = json_pack("{s:o, s:i}", "algs", arr, "algs_next", (int)i);
			return page;
		}
		used += o != NULL ? report_size(o) + 1 : 0;
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
	json_t *hist = json_array(), *o;
	uint64_t req = 0, bytes = 0, err = 0;

	/* What its clients asked of it: the worker's per-algorithm counters. */
	for (unsigned int a = 0; a < cryptoengd.nb_algs; a++) {
		req += RD(w->alg_stats[a].requests);
		bytes += RD(w->alg_stats[a].bytes);
		err += RD(w->alg_stats[a].errors);
	}
	ce_engine_stats_get(w->e, &s);
	d_worker_direct_stats(w, &s);
	for (unsigned int i = 0; i < CE_ENGINE_BATCH_HIST; i++)
		json_array_append_new(hist, json_integer((json_int_t)s.batch_hist[i]));
	o = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, "
		      "s:I, s:I}",
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
		      "sleeps", (json_int_t)RD(((struct d_worker *)w)->sleeps),
		      "sleep_aborts", (json_int_t)RD(((struct d_worker *)w)->sleep_aborts),
		      "direct_submitted", (json_int_t)RD(((struct d_worker *)w)->direct_st.submitted));
	if (o != NULL) {
		json_object_set_new(o, "requests", json_integer((json_int_t)req));
		json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
		json_object_set_new(o, "errors", json_integer((json_int_t)err));
	}
	return o;
}

/* A client's counters: its live queue pairs plus those already gone. */
static void
report_client_sum(const struct d_client *c, struct d_qp_stats *t, uint64_t *inflight)
{
	struct d_qp *qp;

	*t = c->gone;
	*inflight = 0;
	TAILQ_FOREACH(qp, &c->qps, next) {
		d_qp_stats_add(t, &qp->st);
		*inflight += RD(qp->inflight);
	}
	TAILQ_FOREACH(qp, &cryptoengd.dying, next) {
		if (qp->c != c)
			continue;
		d_qp_stats_add(t, &qp->st);
		*inflight += RD(qp->inflight);
	}
}

/* Device backends' own counters (their xstats_get op): "group.name" entries
 * go into a "group" object. */
static json_t *
report_device_stats(void)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++) {
		const struct ce_pmd_dev *dev = cryptoengd.devs[i].dev;
		struct ce_pmd_xstat xs[64];
		int n = ce_pmd_xstats_get(dev, xs, RTE_DIM(xs));
		json_t *o;

		if (n <= 0)
			continue;
		o = json_pack("{s:s, s:s}", "device", dev->name, "pmd", dev->drv->name);
		for (int k = 0; k < n && k < (int)RTE_DIM(xs); k++) {
			char *dot = strchr(xs[k].name, '.');
			json_t *group = o;

			if (dot != NULL) {
				*dot = '\0';
				group = json_object_get(o, xs[k].name);
				if (group == NULL) {
					group = json_object();
					json_object_set_new(o, xs[k].name, group);
				}
			}
			json_object_set_new(group, dot != NULL ? dot + 1 : xs[k].name,
					    json_integer((json_int_t)xs[k].value));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

/* Under cryptoengd.lock. */
static json_t *
report_client_stats(const struct d_client *c)
{
	struct d_qp_stats t;
	uint64_t inflight;

	report_client_sum(c, &t, &inflight);
	return json_pack("{s:i, s:i, s:s, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:I}",
			 "id", (int)c->id, "pid", (int)c->pid, "name", c->name,
			 "requests", (json_int_t)t.requests, "bytes", (json_int_t)t.bytes,
			 "completed", (json_int_t)t.completed,
			 "errors", "EINVAL", (json_int_t)t.err_inval,
			 "EBADMSG", (json_int_t)t.err_badmsg, "other", (json_int_t)t.err_other,
			 "in_flight", (json_int_t)inflight);
}

/* Under cryptoengd.lock. */
static json_t *
report_client_info(const struct d_client *c)
{
	json_t *qps = json_array();
	const struct d_qp *qp;

	TAILQ_FOREACH(qp, &c->qps, next)
		json_array_append_new(qps, json_pack("{s:i, s:i, s:i, s:i, s:b}",
			"id", (int)qp->id, "lcore", (int)cryptoengd.workers[qp->worker]->lcore,
			"credits", (int)qp->credits,
			"in_flight", (int)RD(((struct d_qp *)qp)->inflight),
			"broken", RD(((struct d_qp *)qp)->broken) != 0));
	return json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:o, s:i}",
		"id", (int)c->id, "pid", (int)c->pid, "uid", (int)c->uid,
		"gid", (int)c->gid, "name", c->name,
		"state", c->dead ? "closing" : c->hello ? "connected" : "new",
		"qps", qps, "sessions", (int)c->nb_sess);
}

/*
 * Append to @p page's "clients" array, from client id @p from on, what fits
 * in REPORT_PAGE_MAX with what @p page already holds; set "clients_next" to
 * the first id left out, if any.
 */
static void
report_clients_page(json_t *page, uint32_t from, bool stats)
{
	json_t *arr = json_array();
	const struct d_client *c;
	size_t used = report_size(page) + 16;

	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_FOREACH(c, &cryptoengd.clients, next) {
		json_t *o;
		size_t n;

		if (c->id < from || (stats && !c->hello))
			continue;
		o = stats ? report_client_stats(c) : report_client_info(c);
		n = report_size(o) + 1;
		if (used + n > REPORT_PAGE_MAX) {
			json_decref(o);
			json_object_set_new(page, "clients_next", json_integer(c->id));
			break;
		}
		used += n;
		json_array_append_new(arr, o);
	}
	json_object_set_new(page, "clients_total", json_integer(cryptoengd.nb_clients));
	pthread_mutex_unlock(&cryptoengd.lock);
	json_object_set_new(page, "clients", arr);
}

static json_t *
report_info(void)
{
	char lcores[D_VALUE_MAX];

	snprintf(lcores, sizeof(lcores), "%s", cryptoengd.cfg.lcores);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:I}",
			 "version", CRYPTOENG_VERSION, "dpdk", rte_version(),
			 "config", cryptoengd.cfg.file, "socket", cryptoengd.cfg.socket_path, "lcores", lcores,
			 "engines", (int)cryptoengd.nb_workers, "devices", (int)cryptoengd.nb_devs,
			 "algs", (int)cryptoengd.nb_algs,
			 "clients", (int)__atomic_load_n(&cryptoengd.nb_clients, __ATOMIC_RELAXED),
			 "uptime_s", (json_int_t)((rte_get_tsc_cycles() - cryptoengd.start_tsc) /
						  rte_get_tsc_hz()));
}

static json_t *
report_stats(uint32_t from, bool with_clients)
{
	json_t *engines = json_array(), *algs = json_array(), *page;

	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		json_array_append_new(engines, report_engine_stats(cryptoengd.workers[i]));

	/* Only algorithms that saw requests: the answer must fit in 16 KiB. */
	for (unsigned int a = 0; a < cryptoengd.nb_algs; a++) {
		uint64_t req = 0, bytes = 0, err = 0;

		for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
			const struct d_alg_stats *st = &cryptoengd.workers[i]->alg_stats[a];

			req += RD(st->requests);
			bytes += RD(st->bytes);
			err += RD(st->errors);
		}
		if (req == 0)
			continue;
		json_array_append_new(algs, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}",
			"name", cryptoengd.algs[a]->alg->name, "driver", cryptoengd.algs[a]->alg->driver_name,
			"device", cryptoengd.algs[a]->dev->name,
			"requests", (json_int_t)req, "bytes", (json_int_t)bytes,
			"errors", (json_int_t)err));
	}
	page = json_pack("{s:o, s:o, s:o, s:o}", "info", report_info(), "engines", engines,
			 "algs", algs, "devices", report_device_stats());
	if (with_clients)
		report_clients_page(page, from, true);
	return page;
}

static json_t *
report_clients(uint32_t from)
{
	json_t *page = json_object();

	report_clients_page(page, from, false);
	return page;
}

static json_t *
report_engines(void)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++) {
		const struct d_worker *w = cryptoengd.workers[i];
		json_t *backends = json_array();

		for (unsigned int j = 0; j < cryptoengd.nb_devs; j++)
			json_array_append_new(backends, json_pack("{s:s, s:s, s:i}",
				"device", cryptoengd.devs[j].dev->name, "pmd", cryptoengd.devs[j].dev->drv->name,
				"qp", (int)i));
		json_array_append_new(arr, json_pack("{s:i, s:s, s:o, s:i}",
			"lcore", (int)w->lcore, "state", report_worker_state(w),
			"backends", backends,
			"queue_pairs", (int)__atomic_load_n(&w->nb_assigned, __ATOMIC_RELAXED)));
	}
	return json_pack("{s:o}", "engines", arr);
}

static json_t *
report_build(const char *cmd, uint32_t from)
{
	if (strcmp(cmd, "algs") == 0)
		return report_algs(from);
	if (strcmp(cmd, "stats") == 0)
		return report_stats(from, true);
	if (strcmp(cmd, "clients") == 0)
		return report_clients(from);
	if (strcmp(cmd, "engines") == 0)
		return report_engines();
	if (strcmp(cmd, "info") == 0)
		return report_info();
	return NULL;
}

/*
 * Test-only: {"cmd": "fault", "device": NAME, "mode": MODE, "arg": N} sets a
 * device's fault injector (the backend's fault_inject op; the cryptodev
 * backend knows none, error, hang and short, on a device started with
 * fault_inject=1). The soak fails and heals a device this way.
 * @return 0 with *res set, or -EINVAL, -ENODEV, -ENOTSUP, -EPERM.
 */
static int
report_fault(json_t *in, json_t **res, const char **why)
{
	const char *dev = json_string_value(json_object_get(in, "device"));
	const char *mode = json_string_value(json_object_get(in, "mode"));
	json_t *arg = json_object_get(in, "arg");
	int ret;

	if (dev == NULL || mode == NULL ||
	    (arg != NULL && (!json_is_integer(arg) || json_integer_value(arg) < 0 ||
			     json_integer_value(arg) > UINT32_MAX))) {
		*why = "fault: needs \"device\", \"mode\" and an optional \"arg\" >= 0";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++) {
		if (strcmp(cryptoengd.devs[i].dev->name, dev) != 0)
			continue;
		ret = ce_pmd_fault_inject(cryptoengd.devs[i].dev, mode,
					  arg ? (uint32_t)json_integer_value(arg) : 0);
		if (ret == -EPERM)
			*why = "fault: the device was not started with fault injection allowed";
		else if (ret == -ENOTSUP)
			*why = "fault: this device's backend has no fault injector";
		else if (ret == -EINVAL)
			*why = "fault: unknown mode for this device (null: none, error, corrupt; "
			       "cryptodev: none, error, hang, short; openssl: none, hold)";
		if (ret < 0)
			return ret;
		*res = json_pack("{s:{s:s, s:s}}", "fault", "device", dev, "mode", mode);
		return 0;
	}
	*why = "fault: no such device";
	return -ENODEV;
}

int
d_report_ctl(const char *req, char **out, const char **why)
{
	json_error_t jerr;
	json_t *in, *res = NULL, *from;
	const char *cmd;
	int ret;

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
	from = json_object_get(in, "from");
	if (from != NULL && (!json_is_integer(from) || json_integer_value(from) < 0 ||
			     json_integer_value(from) > UINT32_MAX)) {
		json_decref(in);
		*why = "\"from\": not a client id (an integer in 0..4294967295)";
		return -EINVAL;
	}
	if (strcmp(cmd, "fault") == 0 || strcmp(cmd, "selftest") == 0) {
		ret = cmd[0] == 'f' ? report_fault(in, &res, why) : cp_selftest(in, &res, why);
		json_decref(in);
		if (ret < 0)
			return ret;
	} else {
		res = report_build(cmd, from ? (uint32_t)json_integer_value(from) : 0);
		json_decref(in);
	}
	if (res == NULL) {
		*why = "unknown cmd (algs, stats, clients, engines, info, selftest)";
		return -EINVAL;
	}
	*out = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	return *out != NULL ? 0 : -ENOMEM;
}

/* ---- telemetry ------------------------------------------------------------ */

/*
 * DPDK 22.11 telemetry nests only arrays of scalars inside a dict, and a
 * dict holds at most RTE_TEL_MAX_DICT_ENTRIES values. So the JSON tree is
 * flattened: "engines/0/submitted": 123, arrays of numbers or strings stay
 * arrays; names keep only [A-Za-z0-9_/] (others become '_').
 */
struct report_tel {
	struct rte_tel_data *t;
	unsigned int n;
	bool truncated;
};

static void
report_tel_name(char *out, size_t size, const char *prefix, const char *key)
{
	size_t i;

	snprintf(out, size, "%s%s%s", prefix, prefix[0] ? "/" : "", key);
	for (i = 0; out[i] != '\0'; i++)
		if (!isalnum((unsigned char)out[i]) && out[i] != '_' && out[i] != '/')
			out[i] = '_';
}

static bool
report_tel_room(struct report_tel *rt)
{
	/* One entry is kept for the "truncated" mark. */
	if (rt->n + 1 >= RTE_TEL_MAX_DICT_ENTRIES) {
		rt->truncated = true;
		return false;
	}
	rt->n++;
	return true;
}

static void
report_tel_array(struct report_tel *rt, const char *name, json_t *arr, bool strings)
{
	struct rte_tel_data *c;
	json_t *v;
	size_t i;

	if (!report_tel_room(rt))
		return;
	c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_array(c, strings ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
	json_array_foreach(arr, i, v) {
		if (strings)
			rte_tel_data_add_array_string(c, json_string_value(v));
		else
			rte_tel_data_add_array_u64(c, (uint64_t)json_integer_value(v));
	}
	if (rte_tel_data_add_dict_container(rt->t, name, c, 0) < 0)
		rte_tel_data_free(c);
}

static void
report_tel_flat(struct report_tel *rt, const char *prefix, json_t *j)
{
	char name[RTE_TEL_MAX_STRING_LEN];
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(j, k, v) {
		report_tel_name(name, sizeof(name), prefix, k);
		if (json_is_object(v)) {
			report_tel_flat(rt, name, v);
		} else if (json_is_array(v)) {
			bool ints = true, strs = true;
			json_t *e;

			json_array_foreach(v, i, e) {
				ints &= json_is_integer(e);
				strs &= json_is_string(e);
			}
			if (ints || strs) {
				report_tel_array(rt, name, v, !ints);
				continue;
			}
			json_array_foreach(v, i, e) {
				char idx[RTE_TEL_MAX_STRING_LEN], num[24];

				snprintf(num, sizeof(num), "%zu", i);
				report_tel_name(idx, sizeof(idx), name, num);
				if (json_is_object(e)) {
					report_tel_flat(rt, idx, e);
				} else if (json_is_string(e) && report_tel_room(rt)) {
					rte_tel_data_add_dict_string(rt->t, idx, json_string_value(e));
				}
			}
		} else if (json_is_string(v)) {
			if (report_tel_room(rt))
				rte_tel_data_add_dict_string(rt->t, name, json_string_value(v));
		} else if (json_is_integer(v)) {
			if (report_tel_room(rt))
				rte_tel_data_add_dict_u64(rt->t, name, (uint64_t)json_integer_value(v));
		} else if (json_is_boolean(v)) {
			if (report_tel_room(rt))
				rte_tel_data_add_dict_int(rt->t, name, json_is_true(v));
		}
	}
}

/* A range of an algs entry (report_range()) as NAME=min-max/step. */
static void
report_tel_range(char *buf, size_t size, const char *name, const json_t *r)
{
	snprintf(buf, size, "%s=%d-%d/%d", name,
		 (int)json_integer_value(json_object_get(r, "min")),
		 (int)json_integer_value(json_object_get(r, "max")),
		 (int)json_integer_value(json_object_get(r, "step")));
}

/*
 * algs, compact for telemetry: one string array per implementation (the
 * whole entries would not fit DPDK's dictionary), made from report_alg().
 */
static json_t *
report_tel_algs(void)
{
	json_t *o = json_object();

	for (unsigned int i = 0; i < cryptoengd.nb_algs; i++) {
		json_t *a = report_alg(cryptoengd.algs[i]);
		char buf[8][96];

		if (a == NULL)
			continue;

		snprintf(buf[0], sizeof(buf[0]), "name=%s", report_str(a, "name"));
		snprintf(buf[1], sizeof(buf[1]), "pmd=%s device=%s", report_str(a, "pmd"),
			 report_str(a, "device"));
		snprintf(buf[2], sizeof(buf[2]), "type=%s priority=%d async=%d", report_str(a, "type"),
			 (int)json_integer_value(json_object_get(a, "priority")),
			 json_is_true(json_object_get(a, "async")));
		report_tel_range(buf[3], sizeof(buf[3]), "key", json_object_get(a, "key_sizes"));
		report_tel_range(buf[4], sizeof(buf[4]), "iv", json_object_get(a, "iv_sizes"));
		report_tel_range(buf[5], sizeof(buf[5]), "digest",
				 json_object_get(a, "digest_sizes"));
		snprintf(buf[6], sizeof(buf[6]), "aad_max=%d",
			 (int)json_integer_value(json_object_get(a, "aad_max")));
		snprintf(buf[7], sizeof(buf[7]), "selftest=%s", report_str(a, "selftest"));
		json_object_set_new(o, report_str(a, "driver"),
				    json_pack("[s,s,s,s,s,s,s,s]", buf[0], buf[1], buf[2], buf[3],
					      buf[4], buf[5], buf[6], buf[7]));
		json_decref(a);
	}
	return o;
}

/* Flatten @p j (a new reference, consumed) into a telemetry dict. */
static int
report_tel_dict(struct rte_tel_data *t, json_t *j)
{
	struct report_tel rt = { .t = t };

	if (j == NULL)
		return -EINVAL;
	rte_tel_data_start_dict(t);
	report_tel_flat(&rt, "", j);
	if (rt.truncated)
		rte_tel_data_add_dict_int(t, "truncated", 1);
	json_decref(j);
	return 0;
}

static int
report_tel_cb(const char *cmd, const char *params, struct rte_tel_data *t)
{
	const char *name = strrchr(cmd, '/');
	json_t *j;

	(void)params;
	name = name != NULL ? name + 1 : cmd;
	if (strcmp(name, "algs") == 0)
		j = report_tel_algs();
	else if (strcmp(name, "stats") == 0)
		j = report_stats(0, false);	/* clients: /cryptoeng/client,<id> */
	else
		j = report_build(name, 0);
	return report_tel_dict(t, j);
}

/* A decimal parameter: @return 0, or -EINVAL (missing, not a number, too big). */
static int
report_tel_param_u32(const char *params, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (params == NULL || !isdigit((unsigned char)params[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(params, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* /cryptoeng/clients: the ids, as /ethdev/list. */
static int
report_tel_clients(const char *cmd, const char *params, struct rte_tel_data *t)
{
	const struct d_client *c;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(t, RTE_TEL_INT_VAL);
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_FOREACH(c, &cryptoengd.clients, next)
		rte_tel_data_add_array_int(t, (int)c->id);
	pthread_mutex_unlock(&cryptoengd.lock);
	return 0;
}

/* /cryptoeng/client,<id>: its identity, queue pairs and counters. */
static int
report_tel_client(const char *cmd, const char *params, struct rte_tel_data *t)
{
	const struct d_client *c;
	json_t *j = NULL;
	uint32_t id;

	(void)cmd;
	if (report_tel_param_u32(params, &id) < 0)
		return -EINVAL;
	pthread_mutex_lock(&cryptoengd.lock);
	TAILQ_FOREACH(c, &cryptoengd.clients, next)
		if (c->id == id) {
			json_t *st = report_client_stats(c);

			j = report_client_info(c);
			json_object_update_missing(j, st);
			json_decref(st);
			break;
		}
	pthread_mutex_unlock(&cryptoengd.lock);
	return report_tel_dict(t, j);
}

/* /cryptoeng/engines: the engine lcores. */
static int
report_tel_engines(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(t, RTE_TEL_INT_VAL);
	for (unsigned int i = 0; i < cryptoengd.nb_workers; i++)
		rte_tel_data_add_array_int(t, (int)cryptoengd.workers[i]->lcore);
	return 0;
}

/* /cryptoeng/engine,<lcore>: its state, backends and counters. */
static int
report_tel_engine(const char *cmd, const char *params, struct rte_tel_data *t)
{
	json_t *all, *e;
	uint32_t lcore;
	size_t i;

	(void)cmd;
	if (report_tel_param_u32(params, &lcore) < 0)
		return -EINVAL;
	for (unsigned int w = 0; w < cryptoengd.nb_workers; w++) {
		if (cryptoengd.workers[w]->lcore != lcore)
			continue;
		all = report_engines();
		json_array_foreach(json_object_get(all, "engines"), i, e)
			if (json_integer_value(json_object_get(e, "lcore")) == (json_int_t)lcore) {
				json_t *st = report_engine_stats(cryptoengd.workers[w]);

				json_object_update_missing(st, e);
				json_decref(all);
				return report_tel_dict(t, st);
			}
		json_decref(all);
	}
	return -EINVAL;
}

/* /cryptoeng/devices: the backend devices' names. */
static int
report_tel_devices(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(t, RTE_TEL_STRING_VAL);
	for (unsigned int i = 0; i < cryptoengd.nb_devs; i++)
		rte_tel_data_add_array_string(t, cryptoengd.devs[i].dev->name);
	return 0;
}

/* /cryptoeng/device,<name>: its backend, implementations and device counters. */
static int
report_tel_device(const char *cmd, const char *params, struct rte_tel_data *t)
{
	json_t *j, *devs, *dv;
	size_t i;

	(void)cmd;
	if (params == NULL)
		return -EINVAL;
	for (unsigned int k = 0; k < cryptoengd.nb_devs; k++) {
		const struct ce_pmd_dev *dev = cryptoengd.devs[k].dev;
		unsigned int nb_algs = 0;

		if (strcmp(dev->name, params) != 0)
			continue;
		for (unsigned int a = 0; a < cryptoengd.nb_algs; a++)
			nb_algs += cryptoengd.algs[a]->dev == dev;
		j = json_pack("{s:s, s:s, s:i}", "device", dev->name, "pmd", dev->drv->name,
			      "algs", (int)nb_algs);
		devs = report_device_stats();
		json_array_foreach(devs, i, dv)
			if (strcmp(json_string_value(json_object_get(dv, "device")) ?: "",
				   dev->name) == 0)
				json_object_update_missing(j, dv);
		json_decref(devs);
		return report_tel_dict(t, j);
	}
	return -EINVAL;
}

void
d_report_telemetry_register(void)
{
	rte_telemetry_register_cmd("/cryptoeng/info", report_tel_cb,
				   "Versions (cryptoengd, DPDK), config, socket, counts");
	rte_telemetry_register_cmd("/cryptoeng/stats", report_tel_cb,
				   "Per engine, algorithm and device statistics (clients: "
				   "/cryptoeng/client,<id>)");
	rte_telemetry_register_cmd("/cryptoeng/algs", report_tel_cb,
				   "Algorithm implementations: names, drivers, sizes, self-tests");
	rte_telemetry_register_cmd("/cryptoeng/engines", report_tel_engines,
				   "Engine lcores. Takes no parameters");
	rte_telemetry_register_cmd("/cryptoeng/engine", report_tel_engine,
				   "One engine: state, backends, counters. Parameter: lcore");
	rte_telemetry_register_cmd("/cryptoeng/clients", report_tel_clients,
				   "Client ids. Takes no parameters");
	rte_telemetry_register_cmd("/cryptoeng/client", report_tel_client,
				   "One client: pid, uid, queue pairs, sessions, counters. "
				   "Parameter: client id");
	rte_telemetry_register_cmd("/cryptoeng/devices", report_tel_devices,
				   "Backend device names. Takes no parameters");
	rte_telemetry_register_cmd("/cryptoeng/device", report_tel_device,
				   "One backend device: driver, counters. Parameter: device name");
}
