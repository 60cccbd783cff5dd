/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions (SESSION_CREATE, ASYM_SESSION_CREATE / SESSION_DESTROY): one
 * backend session per op the direction (symmetric) or the key and the asked
 * ops (asymmetric) allow, in a slot of the client's table. A destroyed
 * session's handle dies at once (live = 0); its backend sessions are
 * destroyed once a QSBR grace period has passed (no worker can take a new
 * reference) and no worker has a request of it in flight (cp_sess_reap).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cp.h"
#include "trace.h"

/* Requests of session idx in flight on any worker (after a grace period). */
static uint64_t
cp_sess_busy(const struct d_client *c, uint32_t idx)
{
	uint64_t n = 0;

	/* Acquire: pairs with the workers' release when a request finishes. */
	for (unsigned int w = 0; w < cryptoengd.nb_workers; w++)
		n += __atomic_load_n(d_sess_busy_of(c, w, idx), __ATOMIC_ACQUIRE);
	return n;
}

void
cp_sess_release(struct d_sess *s)
{
	for (unsigned int i = 0; i < D_OPS; i++) {
		ce_pmd_session_destroy(s->cs[i]);	/* the backend wipes the key */
		s->cs[i] = NULL;
	}
	s->pending = false;
	s->token_set = false;
}

void
cp_sess_kill(struct d_client *c, struct d_sess *s)
{
	pthread_mutex_lock(&cryptoengd.lock);
	/* Release: pairs with the worker's acquire of live. */
	__atomic_store_n(&s->live, 0, __ATOMIC_RELEASE);
	c->nb_sess--;
	pthread_mutex_unlock(&cryptoengd.lock);
	d_trace_session_destroy(c->id, ce_shm_sess_handle(s->gen, (uint16_t)(s - c->sess)));
	s->pending = true;
	/* Workers that saw the handle live report quiescent after this token. */
	s->token = rte_rcu_qsbr_start(cryptoengd.qsbr);
	s->token_set = true;
}

static unsigned int
cp_alg_index(const struct ce_registry_entry *e)
{
	for (unsigned int i = 0; i < cryptoengd.nb_algs; i++)
		if (cryptoengd.algs[i] == e)
			return i;
	return 0;
}

/* A free slot of c's session table, or NULL (answered). */
static struct d_sess *
cp_sess_slot(struct d_client *c, unsigned int *idx)
{
	if (c->nb_sess >= cryptoengd.cfg.max_sessions) {
		cp_reply(c, -ENOSPC, "limit of %u sessions per client ([clients] max_sessions)",
			 cryptoengd.cfg.max_sessions);
		return NULL;
	}
	for (*idx = 0; *idx < cryptoengd.cfg.max_sessions; (*idx)++) {
		struct d_sess *s = &c->sess[*idx];

		if (s->live == 0 && !s->pending)
			return s;
	}
	cp_reply(c, -EAGAIN, "every session slot waits for its requests to finish");
	return NULL;
}

/* Publish a slot whose backend sessions and si are set; answer its handle. */
static void
cp_sess_publish(struct d_client *c, struct d_sess *s, unsigned int idx,
		const struct ce_registry_entry *e, uint32_t ops)
{
	struct ce_msg_reply r = { 0 };

	s->alg_idx = (uint16_t)cp_alg_index(e);
	s->gen = ce_shm_sess_gen_next(s->gen, s->si.out_max != 0);
	pthread_mutex_lock(&cryptoengd.lock);
	/* Release: cs[] and si are visible before a worker can match the handle. */
	__atomic_store_n(&s->live, s->gen, __ATOMIC_RELEASE);
	c->nb_sess++;
	pthread_mutex_unlock(&cryptoengd.lock);
	r.u.session.handle = ce_shm_sess_handle(s->gen, (uint16_t)idx);
	d_trace_session_create(c->id, r.u.session.handle, e->alg->name, e->alg->driver_name);
	r.u.session.out_max = s->si.out_max;
	r.u.session.ops = ops;
	cp_reply_u(c, &r.u, sizeof(r.u.session));
}

/* The implementation a session message names (alg, driver; empty: any);
 * NULL, replied with the registry's reason, if there is none. */
static const struct ce_registry_entry *
cp_sess_lookup(struct d_client *c, const char *alg, const char *driver)
{
	const char *why = NULL;
	const struct ce_registry_entry *e;

	e = ce_registry_lookup(alg[0] ? alg : NULL, driver[0] ? driver : NULL, &why);
	if (e == NULL) {
		int err = errno;

		cp_reply(c, -err, "%s", why ? why : "no such algorithm");
	}
	return e;
}

void
cp_session_create(struct d_client *c)
{
	const struct ce_msg_session_create *sc = &cp_msg.u.session_create;
	const struct ce_registry_entry *e;
	uint8_t ops[2];
	unsigned int nb_ops = 0, idx;
	const char *why = NULL;
	struct d_sess *s;
	uint32_t granted = 0;
	int err;

	s = cp_sess_slot(c, &idx);
	if (s == NULL)
		return;
	if (sc->direction < CE_SESS_DIR_ENCRYPT || sc->direction > CE_SESS_DIR_BOTH) {
		cp_reply(c, -EINVAL, "direction must be encrypt, decrypt or both");
		return;
	}
	if (sc->key_len > CE_MSG_KEY_MAX || sc->iv_len > UINT16_MAX ||
	    sc->digest_len > UINT16_MAX || sc->aad_max > UINT16_MAX) {
		cp_reply(c, -EINVAL, "key, iv, digest or aad size out of range");
		return;
	}
	e = cp_sess_lookup(c, sc->alg, sc->driver);
	if (e == NULL)
		return;
	if (ce_pmd_alg_type_is_asym(e->alg->type)) {
		cp_reply(c, -EINVAL, "%s is asymmetric: its key (DER) goes in ASYM_SESSION_CREATE",
			 e->alg->name);
		return;
	}
	if (e->alg->type == CE_PMD_ALG_HASH) {
		if (sc->direction & CE_SESS_DIR_ENCRYPT)
			ops[nb_ops++] = CE_OP_DIGEST;
		if (sc->direction & CE_SESS_DIR_DECRYPT)
			ops[nb_ops++] = CE_OP_VERIFY;
	} else {
		if (sc->direction & CE_SESS_DIR_ENCRYPT)
			ops[nb_ops++] = CE_OP_ENCRYPT;
		if (sc->direction & CE_SESS_DIR_DECRYPT)
			ops[nb_ops++] = CE_OP_DECRYPT;
	}
	for (unsigned int i = 0; i < nb_ops; i++) {
		struct ce_pmd_session_params p = {
			.alg = e->alg->name,
			.driver = e->alg->driver_name,
			.key = sc->key,
			.key_len = (uint16_t)sc->key_len,
			.iv_len = (uint16_t)sc->iv_len,
			.digest_len = (uint16_t)sc->digest_len,
			.aad_len = (uint16_t)sc->aad_max,
			.op = ops[i],
		};
		struct ce_pmd_session *cs;

		why = NULL;
		cs = ce_pmd_session_create(e->dev, &p, &why);
		if (cs == NULL) {
			err = errno ? errno : EINVAL;
			cp_sess_release(s);
			if (err == EINVAL)
				cp_reply(c, -EINVAL, "%s (%s): %s not allowed (key %u, iv %u, "
					 "digest %u, aad %u)", e->alg->name, e->alg->driver_name,
					  why ? why : "parameters", sc->key_len, sc->iv_len,
					  sc->digest_len, sc->aad_max);
			else
				cp_reply(c, -err, "%s (%s): %s", e->alg->name,
					 e->alg->driver_name, why ? why : strerror(err));
			return;
		}
		s->cs[ops[i] - 1] = cs;
		granted |= CE_OP_BIT(ops[i]);
	}
	s->si = (struct ce_shm_sess_info){
		.iv_len = sc->iv_len, .digest_len = sc->digest_len, .aad_max = sc->aad_max,
	};
	cp_sess_publish(c, s, idx, e, granted);
}

/* The ops of an asymmetric implementation (its caps, else its type's). */
static uint32_t
cp_asym_ops_of(const struct ce_pmd_alg_caps *alg)
{
	if (alg->asym_ops != 0)
		return alg->asym_ops;
	switch (alg->type) {
	case CE_PMD_ALG_AKCIPHER:
		return CE_OP_BIT(CE_OP_ENCRYPT) | CE_OP_BIT(CE_OP_DECRYPT);
	case CE_PMD_ALG_SIG:
		return CE_OP_BIT(CE_OP_SIGN) | CE_OP_BIT(CE_OP_SIG_VERIFY);
	default:
		return CE_OP_BIT(CE_OP_KPP_PUBKEY) | CE_OP_BIT(CE_OP_KPP_SECRET);
	}
}

void
cp_session_asym_create(struct d_client *c)
{
	const struct ce_msg_asym_session_create *sc = &cp_msg.u.asym_session_create;
	const struct ce_registry_entry *e;
	uint32_t have, granted = 0, out_max = 0;
	const char *why = NULL;
	unsigned int idx;
	struct d_sess *s;
	int err;

	s = cp_sess_slot(c, &idx);
	if (s == NULL)
		return;
	if (sc->key_len == 0) {
		cp_reply(c, -EINVAL, "key_len 0: an asymmetric session needs its DER key");
		return;
	}
	e = cp_sess_lookup(c, sc->alg, sc->driver);
	if (e == NULL)
		return;
	if (!ce_pmd_alg_type_is_asym(e->alg->type)) {
		cp_reply(c, -ENOENT, "%s is not an asymmetric algorithm (SESSION_CREATE makes "
			 "its sessions)", e->alg->name);
		return;
	}
	have = cp_asym_ops_of(e->alg);
	if (sc->ops & ~have) {
		cp_reply(c, -EINVAL, "ops %#x: %s (%s) has only %#x", sc->ops, e->alg->name,
			 ce_pmd_alg_type_name(e->alg->type), have);
		return;
	}
	for (uint8_t op = CE_OP_ENCRYPT; op <= CE_OP_MAX; op++) {
		struct ce_pmd_session_params p = {
			.alg = e->alg->name,
			.driver = e->alg->driver_name,
			.key = sc->key,
			.key_len = (uint16_t)sc->key_len,
			.op = op,
		};
		struct ce_pmd_session *cs;

		if (!(have & CE_OP_BIT(op)) || (sc->ops != 0 && !(sc->ops & CE_OP_BIT(op))))
			continue;
		why = NULL;
		cs = ce_pmd_session_create(e->dev, &p, &why);
		if (cs == NULL) {
			err = errno ? errno : EINVAL;
			/* Every op the key allows was asked for: a public key
			 * gives the public ones only. */
			if (err == ENOKEY && sc->ops == 0)
				continue;
			cp_sess_release(s);
			cp_reply(c, -err, "%s (%s): %s", e->alg->name, e->alg->driver_name,
				 why ? why : strerror(err));
			return;
		}
		s->cs[op - 1] = cs;
		granted |= CE_OP_BIT(op);
		if (cs->out_max > out_max)
			out_max = cs->out_max;
	}
	if (granted == 0) {
		cp_reply(c, -ENOKEY, "%s (%s): a public key allows none of its ops (they need "
			 "the private key)", e->alg->name, e->alg->driver_name);
		return;
	}
	/* The validator's view: out_max bytes at dst, a signature of at most that. */
	s->si = (struct ce_shm_sess_info){ .aad_max = out_max, .out_max = out_max };
	cp_sess_publish(c, s, idx, e, granted);
}

void
cp_session_destroy(struct d_client *c)
{
	uint32_t h = cp_msg.u.session_destroy.handle;
	uint32_t idx = ce_shm_sess_handle_idx(h), gen = ce_shm_sess_handle_gen(h);
	struct d_sess *s;

	if (gen == 0 || idx >= cryptoengd.cfg.max_sessions || c->sess[idx].live != gen) {
		cp_reply(c, -ENOENT, "no session %#x", h);
		return;
	}
	s = &c->sess[idx];
	cp_sess_kill(c, s);
	cp_reply(c, 0, NULL);
}

bool
cp_sess_reap(struct d_client *c)
{
	bool waiting = false;

	for (uint32_t i = 0; i < cryptoengd.cfg.max_sessions; i++) {
		struct d_sess *s = &c->sess[i];

		if (!s->pending)
			continue;
		if (rte_rcu_qsbr_check(cryptoengd.qsbr, s->token, false) == 1 &&
		    cp_sess_busy(c, i) == 0)
			cp_sess_release(s);
		else
			waiting = true;
	}
	return waiting;
}
