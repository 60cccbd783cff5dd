/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registry's asymmetric self-tests: every vector of testvec_asym.c whose
 * algorithm and key size an implementation takes, run on the device. A
 * deterministic operation (an RSA PKCS#1 v1.5 signature, raw RSA, a key
 * agreement) must give the vector's answer; a verify must give its verdict
 * (0 or -EBADMSG); a randomised one (PSS, ECDSA, PKCS#1 and OAEP encryption)
 * is run, then undone with the same key in a second round: the signature
 * verifies and, one bit flipped, does not; the ciphertext decrypts back.
 * All jobs of a round start at once, as the symmetric ones do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "registry_priv.h"
#include "testvec_priv.h"

enum asym_kind {
	ASYM_KAT,           /* the vector's own operation */
	ASYM_UNDO,          /* verify / decrypt what a randomised KAT produced */
	ASYM_UNDO_CORRUPT,  /* the same signature, one bit flipped: -EBADMSG */
};

struct asym_job {
	struct registry_op o;            /* first (the runner's view) */
	struct registry_verdict *v;
	const struct ce_asym_testvec *tv;
	const struct asym_job *kat;      /* UNDO*: the KAT it undoes */
	struct ce_pmd_session *sess;
	int sess_err;
	const char *sess_why;
	enum asym_kind kind;
	uint8_t op;
	uint16_t in_len;
	uint16_t sig_len;
	uint8_t in[CE_TV_ASYM_DATA_MAX];
	uint8_t sig[CE_TV_ASYM_DATA_MAX];
	uint8_t out[CE_TV_ASYM_DATA_MAX];
};

static bool
asym_fits(const struct ce_pmd_alg_caps *alg, const struct ce_asym_testvec *tv)
{
	return ce_pmd_alg_type_is_asym(alg->type) && strcmp(tv->alg, alg->name) == 0 &&
	       ce_pmd_range_ok(&alg->key_size, tv->key_bits);
}

static bool
asym_needs_undo(const struct ce_asym_testvec *tv)
{
	return tv->output == NULL && tv->status == 0 &&
	       (tv->op == CE_OP_SIGN || tv->op == CE_OP_ENCRYPT);
}

/* A session for the job's op with the vector's key; the job's request. */
static void
asym_job_prepare(struct ce_pmd_dev *dev, struct asym_job *j, struct ce_asym_tv_data *d)
{
	struct ce_pmd_session_params p = {
		.alg = j->v->n->e.alg->name,
		.driver = j->v->n->e.alg->driver_name,
		.op = j->op,
	};
	struct ce_pmd_request *req = &j->o.req;

	if (ce_asym_testvec_decode(j->tv, d) < 0) {
		j->sess_err = EINVAL;
		j->sess_why = "malformed vector";
		j->o.done = true;
		return;
	}
	p.key = d->key;
	p.key_len = d->key_len;
	j->sess = ce_pmd_session_create(dev, &p, &j->sess_why);
	if (j->sess == NULL || j->sess->out_max > sizeof(j->out)) {
		j->sess_err = j->sess == NULL ? errno : EFBIG;
		j->o.done = true;
		return;
	}
	if (j->kind == ASYM_KAT) {
		memcpy(j->in, d->input, d->input_len);
		j->in_len = d->input_len;
		memcpy(j->sig, d->sig, d->sig_len);
		j->sig_len = d->sig_len;
	}
	memset(j->out, 0xa5, sizeof(j->out));
	memset(req, 0, sizeof(*req));
	req->sess = j->sess;
	req->op = j->op;
	req->src = j->in_len != 0 ? j->in : NULL;
	req->len = j->in_len;
	req->dst = j->op == CE_OP_SIG_VERIFY ? NULL : j->out;
	req->aad = j->sig_len != 0 ? j->sig : NULL;
	req->aad_len = j->sig_len;
}

/* UNDO jobs of a KAT that produced a signature or a ciphertext. */
static unsigned int
asym_plan_undo(struct asym_job *kat, struct asym_job *jobs)
{
	unsigned int nb = 0;

	if (kat->tv->op == CE_OP_SIGN) {
		for (int corrupt = 0; corrupt < 2; corrupt++, nb++) {
			struct asym_job *j = &jobs[nb];

			j->v = kat->v;
			j->tv = kat->tv;
			j->kat = kat;
			j->kind = corrupt ? ASYM_UNDO_CORRUPT : ASYM_UNDO;
			j->op = CE_OP_SIG_VERIFY;
			memcpy(j->in, kat->in, kat->in_len);
			j->in_len = kat->in_len;
			j->sig_len = (uint16_t)kat->o.req.out_len;
			memcpy(j->sig, kat->out, j->sig_len);
			if (corrupt)
				j->sig[j->sig_len / 2] ^= 0x01;
		}
		return nb;
	}
	jobs[0].v = kat->v;
	jobs[0].tv = kat->tv;
	jobs[0].kat = kat;
	jobs[0].kind = ASYM_UNDO;
	jobs[0].op = CE_OP_DECRYPT;
	jobs[0].in_len = (uint16_t)kat->o.req.out_len;
	memcpy(jobs[0].in, kat->out, jobs[0].in_len);
	return 1;
}

static const char *
asym_op_name(uint8_t op)
{
	switch (op) {
	case CE_OP_ENCRYPT:
		return "encrypt";
	case CE_OP_DECRYPT:
		return "decrypt";
	case CE_OP_SIGN:
		return "sign";
	case CE_OP_SIG_VERIFY:
		return "verify";
	case CE_OP_KPP_PUBKEY:
		return "public key";
	default:
		return "shared secret";
	}
}

static void
asym_job_check(struct asym_job *j)
{
	const struct ce_asym_testvec *tv = j->tv;
	const char *op = asym_op_name(j->op);
	int ret = j->o.status;
	static struct ce_asym_tv_data d;

	if (j->v->failed)
		return;	/* the first failure is the why */
	if (j->sess == NULL || j->sess_err != 0) {
		registry_fail(j->v, tv->desc, "%s session: %s (%s)", op, strerror(j->sess_err),
			      j->sess_why != NULL ? j->sess_why : "?");
		return;
	}
	if (ret == -ETIMEDOUT) {
		registry_fail(j->v, tv->desc, "%s: no answer within %" PRIu64 " ms", op,
			      registry_selftest_timeout_ns / 1000000);
		return;
	}
	switch (j->kind) {
	case ASYM_KAT:
		if (ret != tv->status) {
			registry_fail(j->v, tv->desc, "%s returned %d, not %d", op, ret, tv->status);
			return;
		}
		if (ret != 0 || tv->output == NULL)
			return;
		if (ce_asym_testvec_decode(tv, &d) < 0 || j->o.req.out_len != d.output_len ||
		    memcmp(j->out, d.output, d.output_len) != 0)
			registry_fail(j->v, tv->desc, "%s: wrong output (%u bytes, %u wanted)", op,
				      j->o.req.out_len, d.output_len);
		return;
	case ASYM_UNDO:
		if (ret != 0) {
			registry_fail(j->v, tv->desc, "%s of its own %s returned %d", op,
				      j->op == CE_OP_SIG_VERIFY ? "signature" : "ciphertext", ret);
			return;
		}
		if (j->op == CE_OP_DECRYPT &&
		    (j->o.req.out_len != j->kat->in_len ||
		     memcmp(j->out, j->kat->in, j->kat->in_len) != 0))
			registry_fail(j->v, tv->desc, "decrypt of its own ciphertext: not the "
				      "plaintext");
		return;
	case ASYM_UNDO_CORRUPT:
		if (ret != -EBADMSG)
			registry_fail(j->v, tv->desc, "verify of its own signature, one bit flipped, "
				      "returned %d, not -EBADMSG", ret);
		return;
	}
}

static void
asym_jobs_free(struct asym_job *jobs, unsigned int nb)
{
	if (jobs == NULL)
		return;
	for (unsigned int i = 0; i < nb; i++)
		ce_pmd_session_destroy(jobs[i].sess);
	memset(jobs, 0, sizeof(*jobs) * nb);
	rte_free(jobs);
}

int
registry_asym_selftest(struct ce_pmd_dev *dev, struct ce_pmd_qp *qp, struct registry_verdict *vs,
		       unsigned int nb_v)
{
	struct asym_job *kats = NULL, *undo = NULL;
	struct ce_asym_tv_data *d = NULL;
	unsigned int nb = 0, nb_undo = 0, k;
	int ret = -ENOMEM;

	for (unsigned int i = 0; i < nb_v; i++)
		for (const struct ce_asym_testvec *tv = ce_asym_testvec_next(NULL); tv != NULL;
		     tv = ce_asym_testvec_next(tv))
			if (asym_fits(vs[i].n->e.alg, tv)) {
				nb++;
				nb_undo += asym_needs_undo(tv) ? (tv->op == CE_OP_SIGN ? 2 : 1) : 0;
			}
	if (nb == 0)
		return 0;
	/* rte_malloc memory: a device may DMA into the buffers. */
	kats = rte_zmalloc_socket("ce_registry_asym", sizeof(*kats) * nb, RTE_CACHE_LINE_SIZE,
				  dev->socket_id);
	if (nb_undo != 0)
		undo = rte_zmalloc_socket("ce_registry_asym", sizeof(*undo) * nb_undo,
					  RTE_CACHE_LINE_SIZE, dev->socket_id);
	d = malloc(sizeof(*d));	/* keys: wiped below */
	if (kats == NULL || (nb_undo != 0 && undo == NULL) || d == NULL)
		goto out;
	k = 0;
	for (unsigned int i = 0; i < nb_v; i++)
		for (const struct ce_asym_testvec *tv = ce_asym_testvec_next(NULL); tv != NULL;
		     tv = ce_asym_testvec_next(tv))
			if (asym_fits(vs[i].n->e.alg, tv)) {
				kats[k].v = &vs[i];
				kats[k].tv = tv;
				kats[k].kind = ASYM_KAT;
				kats[k].op = tv->op;
				vs[i].nb_vectors++;
				vs[i].nb_jobs++;
				asym_job_prepare(dev, &kats[k++], d);
			}
	registry_run_ops(qp, kats, sizeof(*kats), nb);
	/* Second round: undo what the randomised ones made, where they made it. */
	k = 0;
	for (unsigned int i = 0; i < nb; i++) {
		if (!asym_needs_undo(kats[i].tv))
			continue;
		if (kats[i].sess != NULL && kats[i].o.status == 0 &&
		    kats[i].o.req.out_len <= sizeof(kats[i].out)) {
			unsigned int m = asym_plan_undo(&kats[i], &undo[k]);

			for (unsigned int u = 0; u < m; u++) {
				kats[i].v->nb_jobs++;
				asym_job_prepare(dev, &undo[k + u], d);
			}
			k += m;
		}
	}
	if (k != 0)
		registry_run_ops(qp, undo, sizeof(*undo), k);
	/* In order: the first failure of an implementation is its why. */
	for (unsigned int i = 0; i < nb; i++)
		asym_job_check(&kats[i]);
	for (unsigned int i = 0; i < k; i++)
		asym_job_check(&undo[i]);
	nb_undo = k;
	ret = 0;
out:
	if (d != NULL) {
		memset(d, 0, sizeof(*d));
		free(d);
	}
	asym_jobs_free(kats, nb);
	asym_jobs_free(undo, nb_undo);
	return ret;
}
