#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_files.h"

void remove_store_files(const char *uri)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[4300];

	if (strncmp(uri, "sqlite:", 7) == 0)
		uri += 7;
	else if (strchr(uri, ':'))
		return;
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", uri, suffix[i]);
		unlink(p);
	}
}
