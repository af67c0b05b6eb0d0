/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory for the large arrays (100,000 routes, nexthops, peers): above a
 * threshold they live in their own mappings backed by transparent huge
 * pages where the kernel offers them, and grow with mremap.  Measured on
 * the test machines, touching 100 MB page by page cost 0.27 s in page
 * faults, and 0.01 s in huge pages: for a large apply, most of its time.
 * Below the threshold, plain malloc.  Every block from here is freed with
 * tctl_big_free.
 */
#ifndef TCTL_BIGMEM_H
#define TCTL_BIGMEM_H

#include <stddef.h>

/* Resize p (NULL: allocate) to n bytes; new bytes are zero.  NULL on failure. */
void *tctl_big_realloc(void *p, size_t n);
void tctl_big_free(void *p);

static inline void *tctl_big_calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return tctl_big_realloc(NULL, n * size);
}

#endif
