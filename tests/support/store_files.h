/* Test stores on disk: remove a SQLite store with its side files. */
#ifndef LC_TESTS_STORE_FILES_H
#define LC_TESTS_STORE_FILES_H

/* Unlink the store file and its -wal, -shm and -journal files. `uri` is a
 * path or "sqlite:PATH"; anything else (memory:, :memory:) is left alone. */
void remove_store_files(const char *uri);

#endif
