/*
 * The allocation functions of this folder (solver_set_allocator): the C
 * library's until the program hands over the wrapper all folders share.
 */
#include "solver/solver_internal.h"

#include <stdlib.h>

static void *std_malloc(size_t size)
{
    return malloc(size);
}

static void *std_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

static void *std_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

/* Process-wide, like GLPK's terminal hook: set once from main. */
static struct solver_allocator alloc = {std_malloc, std_calloc, std_realloc};

void solver_set_allocator(const struct solver_allocator *a)
{
    alloc.malloc_fn = a && a->malloc_fn ? a->malloc_fn : std_malloc;
    alloc.calloc_fn = a && a->calloc_fn ? a->calloc_fn : std_calloc;
    alloc.realloc_fn = a && a->realloc_fn ? a->realloc_fn : std_realloc;
}

void *solver_malloc(size_t size)
{
    return alloc.malloc_fn(size ? size : 1);
}

void *solver_calloc(size_t n, size_t size)
{
    return alloc.calloc_fn(n ? n : 1, size ? size : 1);
}

void *solver_realloc(void *p, size_t size)
{
    return alloc.realloc_fn(p, size ? size : 1);
}
