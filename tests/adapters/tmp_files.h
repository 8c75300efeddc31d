/*
 * Files for the adapters' tests: a fresh temporary folder for each test
 * (set up and torn down by cmocka), its removal with everything below it,
 * and reading back what a test or careday wrote. Include after the standard
 * headers and cmocka.
 */
#ifndef CAREDAY_TESTS_TMP_FILES_H
#define CAREDAY_TESTS_TMP_FILES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make a fresh folder /tmp/careday-<tag>-XXXXXX, its name in dir (of size
 * bytes). 0 on success, -1 otherwise. */
static inline int tmp_dir_make(char *dir, size_t size, const char *tag)
{
    int n = snprintf(dir, size, "/tmp/careday-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Remove path and everything below it, as rm -rf does (links are removed,
 * never followed). 0 when nothing is left, -1 otherwise. */
static inline int tmp_dir_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? 0 : -1;
    int rc = 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[4096];
        int n = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (n < 0 || (size_t)n >= sizeof sub || tmp_dir_remove(sub) != 0)
            rc = -1;
    }
    closedir(d);
    return rmdir(path) == 0 ? rc : -1;
}

/* The state of a test that works in a fresh folder. */
struct tmp_fixture {
    char dir[64];
};

/* cmocka set-up and tear-down of a struct tmp_fixture in *state; set-up
 * names the folder after tag. */
static inline int tmp_fixture_setup(void **state, const char *tag)
{
    struct tmp_fixture *f = calloc(1, sizeof *f);
    if (!f || tmp_dir_make(f->dir, sizeof f->dir, tag) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int tmp_fixture_teardown(void **state)
{
    struct tmp_fixture *f = *state;
    int rc = tmp_dir_remove(f->dir);
    free(f);
    return rc;
}

/* The whole file at path, NUL-terminated (the caller frees it), its length
 * in *len when len is not NULL (0 on failure); NULL when it cannot be opened or read. */
static inline char *read_back(const char *path, size_t *len)
{
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0)
        s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    if (s) {
        s[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return s;
}

/* read_back of a file that must be there: the test fails otherwise. */
static inline char *must_read_back(const char *path, size_t *len)
{
    char *s = read_back(path, len);
    assert_non_null(s);
    return s;
}

/* read_back of the file name in the folder dir. */
static inline char *read_back_in(const char *dir, const char *name)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    return read_back(path, NULL);
}

/* Write text to path, replacing what was there; the test fails otherwise. */
static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

#endif
