/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPSC ring: fill/drain, partial bursts, u32 wrap-around, a forked producer
 * and consumer over a memfd, forged peer indices, the NEED_WAKEUP handshake.
 * Ring memory is allocated at its exact size so that ASan catches any access
 * outside it.
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce_shm.h"
#include "ce_test.h"

#define ESZ	sizeof(struct ce_cqe)

static void *
ring_mem(uint32_t entries)
{
	size_t bytes = ce_ring_bytes(entries, ESZ);
	void *p = aligned_alloc(CE_CACHE_LINE, bytes);

	CHECK(p);
	memset(p, 0xa5, bytes);
	return p;
}

static void
test_fill_drain(void)
{
	struct ce_cqe in[12], out[12];
	struct ce_ring p, c;
	void *mem = ring_mem(8);
	int i;

	CHECK_EQ(ce_ring_init(&p, mem, 0, 8, ESZ, CE_RING_PRODUCER), 0);
	CHECK_EQ(ce_ring_attach(&c, mem, 0, 8, ESZ, CE_RING_CONSUMER), 0);
	for (i = 0; i < 12; i++)
		in[i] = (struct ce_cqe){ .cookie = 100 + i, .status = -i, .out_len = i };
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 4), 0);
	CHECK_EQ(ce_ring_free_count(&p), 8);
	/* Partial burst: only 8 fit. */
	CHECK_EQ(ce_ring_enqueue_burst(&p, in, 12), 8);
	CHECK_EQ(ce_ring_free_count(&p), 0);
	CHECK_EQ(ce_ring_enqueue_burst(&p, in + 8, 4), 0);
	CHECK_EQ(ce_ring_ready_count(&c), 8);
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 3), 3);
	CHECK_MEM(out, in, 3 * ESZ);
	CHECK_EQ(ce_ring_enqueue_burst(&p, in + 8, 4), 3);
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 12), 8);
	CHECK_MEM(out, in + 3, 8 * ESZ);
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 12), 0);
	CHECK(!ce_ring_is_broken(&p) && !ce_ring_is_broken(&c));
	free(mem);
}

static void
test_wrap_u32(void)
{
	volatile struct ce_ring_shared *sh;
	struct ce_cqe e, out[5];
	struct ce_ring p, c;
	void *mem = ring_mem(16);
	uint64_t next_in = 0, next_out = 0;
	int round, i, n;

	sh = mem;
	sh->prod = UINT32_MAX - 20;
	sh->cons = UINT32_MAX - 20;
	sh->flags = 0;
	CHECK_EQ(ce_ring_attach(&p, mem, 0, 16, ESZ, CE_RING_PRODUCER), 0);
	CHECK_EQ(ce_ring_attach(&c, mem, 0, 16, ESZ, CE_RING_CONSUMER), 0);
	for (round = 0; round < 40; round++) {
		for (i = 0; i < 3; i++) {
			e = (struct ce_cqe){ .cookie = next_in };
			n = ce_ring_enqueue_burst(&p, &e, 1);
			CHECK(n >= 0);
			next_in += (uint64_t)n;
		}
		n = ce_ring_dequeue_burst(&c, out, 2);
		CHECK(n >= 0);
		for (i = 0; i < n; i++)
			CHECK_EQ(out[i].cookie, next_out++);
	}
	while ((n = ce_ring_dequeue_burst(&c, out, 5)) > 0)
		for (i = 0; i < n; i++)
			CHECK_EQ(out[i].cookie, next_out++);
	CHECK_EQ(n, 0);
	CHECK_EQ(next_out, next_in);
	/* The indices really went through 2^32. */
	CHECK(sh->prod < 1000);
	CHECK(next_in > 21);
	free(mem);
}

#define XPROC_COUNT 1000000u

static void
test_two_processes(void)
{
	uint32_t entries = 256;
	size_t bytes = ce_ring_bytes(entries, ESZ);
	struct ce_cqe buf[32];
	struct ce_ring r;
	uint64_t next = 0;
	void *mem;
	pid_t pid;
	int fd, status, n, i;

	fd = memfd_create("ring-test", MFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, (off_t)bytes), 0);
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(mem != MAP_FAILED);
	CHECK_EQ(ce_ring_init(&r, mem, 0, entries, ESZ, CE_RING_CONSUMER), 0);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* Producer: its own mapping of the same memfd, at another address. */
		struct ce_ring p;
		void *m2 = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		uint64_t sent = 0;

		CHECK(m2 != MAP_FAILED);
		munmap(mem, bytes);
		CHECK_EQ(ce_ring_attach(&p, m2, 0, entries, ESZ, CE_RING_PRODUCER), 0);
		while (sent < XPROC_COUNT) {
			unsigned int k = XPROC_COUNT - sent < 32 ? XPROC_COUNT - sent : 32;

			for (i = 0; i < (int)k; i++)
				buf[i] = (struct ce_cqe){ .cookie = sent + i, .out_len = (uint32_t)(sent + i) };
			n = ce_ring_enqueue_burst(&p, buf, k);
			CHECK(n >= 0);
			sent += (uint64_t)n;
			if (n == 0)
				sched_yield();
		}
		_exit(0);
	}
	while (next < XPROC_COUNT) {
		n = ce_ring_dequeue_burst(&r, buf, 32);
		CHECK(n >= 0);
		for (i = 0; i < n; i++) {
			if (buf[i].cookie != next || buf[i].out_len != (uint32_t)next)
				CHECK(!"entry out of order");
			next++;
		}
		if (n == 0)
			sched_yield();
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(ce_ring_dequeue_burst(&r, buf, 32), 0);
	munmap(mem, bytes);
	close(fd);
}

static void
test_forged_indices(void)
{
	volatile struct ce_ring_shared *sh;
	struct ce_cqe e = { .cookie = 1 }, out[8];
	struct ce_ring p, c;
	void *mem = ring_mem(8);

	sh = mem;
	/* Producer claims 2^31 entries: the consumer must refuse, not read. */
	CHECK_EQ(ce_ring_init(&c, mem, 0, 8, ESZ, CE_RING_CONSUMER), 0);
	sh->prod = 0x80000000u;
	CHECK_EQ(ce_ring_ready_count(&c), -EIO);
	CHECK(ce_ring_is_broken(&c));
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 8), -EIO);
	/* Broken stays broken even if the peer repairs its index. */
	sh->prod = 0;
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 8), -EIO);

	/* Exactly size entries is legal, size + 1 is not. */
	CHECK_EQ(ce_ring_init(&c, mem, 0, 8, ESZ, CE_RING_CONSUMER), 0);
	sh->prod = 8;
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 8), 8);
	sh->prod = 8 + 9;
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 8), -EIO);

	/* Consumer index ahead of the producer. */
	CHECK_EQ(ce_ring_init(&p, mem, 0, 8, ESZ, CE_RING_PRODUCER), 0);
	CHECK_EQ(ce_ring_enqueue_burst(&p, &e, 1), 1);
	sh->cons = 2;
	CHECK_EQ(ce_ring_free_count(&p), -EIO);
	CHECK_EQ(ce_ring_enqueue_burst(&p, &e, 1), -EIO);
	CHECK_EQ(sh->prod, 1);	/* nothing was written after the corruption */

	/* Consumer index more than size behind: producer would overwrite. */
	CHECK_EQ(ce_ring_init(&p, mem, 0, 8, ESZ, CE_RING_PRODUCER), 0);
	sh->cons = 0xfffffff0u;
	CHECK_EQ(ce_ring_enqueue_burst(&p, &e, 1), -EIO);

	/* A forged prod copied by a consumer never moves a read out of the ring. */
	sh->prod = 0xffffffffu;
	sh->cons = 0xfffffff8u;
	CHECK_EQ(ce_ring_attach(&c, mem, 0, 8, ESZ, CE_RING_CONSUMER), 0);
	CHECK_EQ(ce_ring_dequeue_burst(&c, out, 8), 7);
	free(mem);
}

static void
test_need_wakeup(void)
{
	struct ce_cqe e = { .cookie = 9 }, out;
	struct ce_ring p, c;
	void *mem = ring_mem(8);

	CHECK_EQ(ce_ring_init(&p, mem, 0, 8, ESZ, CE_RING_PRODUCER), 0);
	CHECK_EQ(ce_ring_attach(&c, mem, 0, 8, ESZ, CE_RING_CONSUMER), 0);
	CHECK_EQ(ce_ring_prod_needs_wakeup(&p), 0);
	/* Empty: consumer may sleep, and the producer sees it must ring. */
	CHECK_EQ(ce_ring_cons_prepare_sleep(&c), 1);
	CHECK_EQ(ce_ring_enqueue_burst(&p, &e, 1), 1);
	CHECK_EQ(ce_ring_prod_needs_wakeup(&p), 1);
	ce_ring_cons_woken(&c);
	CHECK_EQ(ce_ring_prod_needs_wakeup(&p), 0);
	/* Not empty: consumer must not sleep, and the flag is cleared. */
	CHECK_EQ(ce_ring_cons_prepare_sleep(&c), 0);
	CHECK_EQ(ce_ring_prod_needs_wakeup(&p), 0);
	CHECK_EQ(ce_ring_dequeue_burst(&c, &out, 1), 1);
	CHECK_EQ(out.cookie, 9);
	free(mem);
}

static void
test_attach_args(void)
{
	struct ce_ring r;
	void *mem = ring_mem(8);

	CHECK_EQ(ce_ring_attach(&r, mem, 0, 6, ESZ, CE_RING_CONSUMER), -EINVAL);
	CHECK_EQ(ce_ring_attach(&r, mem, 0, 0, ESZ, CE_RING_CONSUMER), -EINVAL);
	CHECK_EQ(ce_ring_attach(&r, mem, 0, 8, 0, CE_RING_CONSUMER), -EINVAL);
	CHECK_EQ(ce_ring_attach(&r, mem, 0, CE_RING_MAX_ENTRIES * 2, ESZ, CE_RING_CONSUMER), -EINVAL);
	free(mem);
}

int
main(void)
{
	RUN(test_fill_drain);
	RUN(test_wrap_u32);
	RUN(test_forged_indices);
	RUN(test_need_wakeup);
	RUN(test_attach_args);
	RUN(test_two_processes);
	return 0;
}
