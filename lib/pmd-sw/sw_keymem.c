/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key memory: size-classed slabs carved out of sodium_malloc'ed regions.
 *
 * sodium_malloc puts every region between guard pages, mlocks it and costs
 * four mappings; one region per key would exhaust vm.max_map_count and the
 * mlock limit long before the session table fills. A slab is one 64 KiB
 * region holding many blocks of one size class, with a bitmap of free
 * blocks. Slab headers (the bitmaps) live in ordinary memory: they hold no
 * key material. Freed blocks are wiped at once, so a free block is always
 * zero and allocation needs no second wipe.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sw_keymem.h"

#define KEYMEM_SLAB_SIZE (64u * 1024)
#define KEYMEM_LARGE_MAX (1024u * 1024)
#define KEYMEM_NB_CLASSES 4
#define KEYMEM_MAP_WORDS (KEYMEM_SLAB_SIZE / CE_KEYMEM_ALIGN / 64)

static const size_t keymem_class_size[KEYMEM_NB_CLASSES] = { 64, 256, 1024, 4096 };

struct keymem_slab {
	struct keymem_slab *next;
	uint8_t *base;           /* KEYMEM_SLAB_SIZE bytes from sodium_malloc */
	uint32_t nb_free;
	uint64_t free_map[KEYMEM_MAP_WORDS]; /* bit set: block free */
};

/* Blocks above the largest class: one sodium_malloc each, listed to check frees. */
struct keymem_large {
	struct keymem_large *next;
	void *p;
	size_t size;
};

static pthread_mutex_t keymem_lock = PTHREAD_MUTEX_INITIALIZER;
static bool keymem_sodium_ready;
static struct keymem_slab *keymem_slabs[KEYMEM_NB_CLASSES];
static struct keymem_large *keymem_larges;
static struct ce_keymem_stats keymem_st;

static int
keymem_class(size_t size)
{
	for (int c = 0; c < KEYMEM_NB_CLASSES; c++)
		if (size <= keymem_class_size[c])
			return c;
	return -1;
}

static uint32_t
keymem_slots(int c)
{
	return KEYMEM_SLAB_SIZE / keymem_class_size[c];
}

static struct keymem_slab *
keymem_slab_new(int c)
{
	struct keymem_slab *s = calloc(1, sizeof(*s));
	uint32_t n = keymem_slots(c);

	if (s == NULL)
		return NULL;
	s->base = sodium_malloc(KEYMEM_SLAB_SIZE);
	if (s->base == NULL) {
		free(s);
		return NULL;
	}
	/* The slab size is a page multiple, so libsodium places it page aligned;
	 * every class is a multiple of CE_KEYMEM_ALIGN. */
	if (((uintptr_t)s->base & (CE_KEYMEM_ALIGN - 1)) != 0) {
		sodium_free(s->base);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	/* sodium_malloc fills with a canary pattern, not zeros. */
	sodium_memzero(s->base, KEYMEM_SLAB_SIZE);
	for (uint32_t i = 0; i < n; i++)
		s->free_map[i / 64] |= UINT64_C(1) << (i % 64);
	s->nb_free = n;
	s->next = keymem_slabs[c];
	keymem_slabs[c] = s;
	keymem_st.nb_slabs++;
	keymem_st.bytes_mapped += KEYMEM_SLAB_SIZE;
	return s;
}

static void *
keymem_slab_take(struct keymem_slab *s, int c)
{
	for (uint32_t w = 0; w < KEYMEM_MAP_WORDS; w++) {
		uint32_t bit;

		if (s->free_map[w] == 0)
			continue;
		bit = (uint32_t)__builtin_ctzll(s->free_map[w]);
		s->free_map[w] &= ~(UINT64_C(1) << bit);
		s->nb_free--;
		return s->base + (size_t)(w * 64 + bit) * keymem_class_size[c];
	}
	return NULL;
}

static void *
keymem_large_alloc(size_t size)
{
	struct keymem_large *l = calloc(1, sizeof(*l));
	/* A multiple of the alignment keeps libsodium's end-of-page placement aligned. */
	size_t sz = (size + CE_KEYMEM_ALIGN - 1) & ~(size_t)(CE_KEYMEM_ALIGN - 1);

	if (l == NULL)
		return NULL;
	l->p = sodium_malloc(sz);
	if (l->p == NULL) {
		free(l);
		return NULL;
	}
	sodium_memzero(l->p, sz);
	l->size = size;
	l->next = keymem_larges;
	keymem_larges = l;
	keymem_st.nb_large++;
	keymem_st.nb_blocks++;
	keymem_st.bytes_mapped += sz;
	keymem_st.bytes_in_use += sz;
	return l->p;
}

void *
ce_keymem_alloc(size_t size)
{
	struct keymem_slab *s;
	void *p = NULL;
	int c;

	if (size == 0 || size > KEYMEM_LARGE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&keymem_lock);
	if (!keymem_sodium_ready) {
		if (sodium_init() < 0)
			goto nomem;
		keymem_sodium_ready = true;
	}
	c = keymem_class(size);
	if (c < 0) {
		p = keymem_large_alloc(size);
		if (p == NULL)
			goto nomem;
		goto out;
	}
	for (s = keymem_slabs[c]; s != NULL; s = s->next)
		if (s->nb_free != 0)
			break;
	if (s == NULL) {
		s = keymem_slab_new(c);
		if (s == NULL)
			goto nomem;
	}
	p = keymem_slab_take(s, c);
	keymem_st.nb_blocks++;
	keymem_st.bytes_in_use += keymem_class_size[c];
out:
	pthread_mutex_unlock(&keymem_lock);
	return p;
nomem:
	pthread_mutex_unlock(&keymem_lock);
	errno = ENOMEM;
	return NULL;
}

static void __attribute__((noreturn))
keymem_bad_free(const void *p, size_t size, const char *what)
{
	fprintf(stderr, "ce_keymem_free(%p, %zu): %s\n", p, size, what);
	abort();
}

static void
keymem_large_free(void *p, size_t size)
{
	struct keymem_large **lp, *l;

	for (lp = &keymem_larges; *lp != NULL; lp = &(*lp)->next)
		if ((*lp)->p == p)
			break;
	l = *lp;
	if (l == NULL || l->size != size)
		keymem_bad_free(p, size, "not a block of this size");
	*lp = l->next;
	size = (size + CE_KEYMEM_ALIGN - 1) & ~(size_t)(CE_KEYMEM_ALIGN - 1);
	sodium_memzero(p, size);
	sodium_free(p);
	free(l);
	keymem_st.nb_large--;
	keymem_st.nb_blocks--;
	keymem_st.bytes_mapped -= size;
	keymem_st.bytes_in_use -= size;
}

/* Keep one empty slab per class as a spare; unmap the others. */
static void
keymem_slab_trim(int c, struct keymem_slab *emptied)
{
	struct keymem_slab **sp;
	bool spare = false;
	uint32_t n = keymem_slots(c);

	for (struct keymem_slab *s = keymem_slabs[c]; s != NULL; s = s->next)
		if (s != emptied && s->nb_free == n)
			spare = true;
	if (!spare)
		return;
	for (sp = &keymem_slabs[c]; *sp != emptied; sp = &(*sp)->next)
		;
	*sp = emptied->next;
	sodium_free(emptied->base);
	free(emptied);
	keymem_st.nb_slabs--;
	keymem_st.bytes_mapped -= KEYMEM_SLAB_SIZE;
}

void
ce_keymem_free(void *p, size_t size)
{
	struct keymem_slab *s;
	size_t csize, off, idx;
	uint64_t bit;
	int c;

	if (p == NULL)
		return;
	pthread_mutex_lock(&keymem_lock);
	c = size == 0 ? -2 : keymem_class(size);
	if (c == -2 || size > KEYMEM_LARGE_MAX)
		keymem_bad_free(p, size, "bad size");
	if (c < 0) {
		keymem_large_free(p, size);
		goto out;
	}
	csize = keymem_class_size[c];
	for (s = keymem_slabs[c]; s != NULL; s = s->next)
		if ((uint8_t *)p >= s->base && (uint8_t *)p < s->base + KEYMEM_SLAB_SIZE)
			break;
	if (s == NULL)
		keymem_bad_free(p, size, "not in a slab of this size class");
	off = (size_t)((uint8_t *)p - s->base);
	if (off % csize != 0)
		keymem_bad_free(p, size, "not the start of a block");
	idx = off / csize;
	bit = UINT64_C(1) << (idx % 64);
	if (s->free_map[idx / 64] & bit)
		keymem_bad_free(p, size, "double free");
	/* The whole block, not just size: a free block must be all zero. */
	sodium_memzero(p, csize);
	s->free_map[idx / 64] |= bit;
	s->nb_free++;
	keymem_st.nb_blocks--;
	keymem_st.bytes_in_use -= csize;
	if (s->nb_free == keymem_slots(c))
		keymem_slab_trim(c, s);
out:
	pthread_mutex_unlock(&keymem_lock);
}

void
ce_keymem_stats_get(struct ce_keymem_stats *st)
{
	pthread_mutex_lock(&keymem_lock);
	*st = keymem_st;
	pthread_mutex_unlock(&keymem_lock);
}
