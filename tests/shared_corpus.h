/*
 * The shared corpus (real-world calendars and FHIR files) lives beside the
 * checkout, in ../shared/corpus, not in the repository. CI has it; a plain
 * clone does not, and the tests that read it then skip: they print one line
 * saying so and exit with CORPUS_SKIP, which CTest reports as skipped
 * (SKIP_RETURN_CODE in tests/CMakeLists.txt).
 */
#ifndef CAREDAY_TESTS_SHARED_CORPUS_H
#define CAREDAY_TESTS_SHARED_CORPUS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#define CORPUS_SKIP 77

/* Whether path (a corpus file or folder) is there; when not, prints the
 * skip line naming it. */
static inline bool corpus_present(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return true;
    printf("SKIP: %s is not there (the shared corpus sits beside the checkout, in "
           "../shared/corpus); the corpus cases were not run\n",
           path);
    return false;
}

#endif
