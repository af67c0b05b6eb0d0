// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG_THRESHOLD (1u << 20)
#define HUGE_PAGE (2u << 20)

/* Every block starts with this, 16 bytes, so the data stays aligned. */
struct head {
	size_t size;		/* usable bytes */
	size_t mapped;		/* bytes mapped, 0 for a malloc block */
};

static struct head *head_of(void *p)
{
	return (struct head *)p - 1;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

static struct head *map(size_t n, size_t *mapped)
{
	size_t len = round_up(n + sizeof(struct head), HUGE_PAGE);
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	/* Advice only: where THP is off this changes nothing. */
	(void)madvise(m, len, MADV_HUGEPAGE);
	*mapped = len;
	return m;
}

static void *grow_mapped(struct head *h, size_t n)
{
	size_t len = round_up(n + sizeof(*h), HUGE_PAGE);
	void *m;

	if (len != h->mapped) {
		m = mremap(h, h->mapped, len, MREMAP_MAYMOVE);
		if (m == MAP_FAILED)
			return NULL;
		h = m;
		(void)madvise(h, len, MADV_HUGEPAGE);
		h->mapped = len;
	}
	/* Fresh pages are zero; a shrink then regrow must zero the tail itself. */
	if (n > h->size)
		memset((char *)(h + 1) + h->size, 0, n - h->size);
	h->size = n;
	return h + 1;
}

void *tctl_big_realloc(void *p, size_t n)
{
	struct head *h = p ? head_of(p) : NULL, *nh;
	size_t old = h ? h->size : 0, mapped = 0;

	if (n > SIZE_MAX - HUGE_PAGE)
		return NULL;
	if (h && h->mapped)
		return grow_mapped(h, n);
	if (n < BIG_THRESHOLD) {
		nh = realloc(h, sizeof(*nh) + n);
		if (!nh)
			return NULL;
		if (n > old)
			memset((char *)(nh + 1) + old, 0, n - old);
		nh->size = n;
		nh->mapped = 0;
		return nh + 1;
	}
	nh = map(n, &mapped);
	if (!nh)
		return NULL;
	nh->size = n;
	nh->mapped = mapped;
	if (h) {
		memcpy(nh + 1, h + 1, old < n ? old : n);
		free(h);
	}
	return nh + 1;
}

void tctl_big_free(void *p)
{
	struct head *h;

	if (!p)
		return;
	h = head_of(p);
	if (h->mapped)
		munmap(h, h->mapped);
	else
		free(h);
}
