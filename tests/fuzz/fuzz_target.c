/* libFuzzer target: target notation (target.c), as typed by a user. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "target.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target	 t, t2;
	char		*s, err[128];
	size_t		 i, n;
	int		 port;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	(void)target_hostname_ok(s, size);
	(void)target_parse_port(s, &port);
	if (target_parse(s, &t, err, sizeof(err)) == -1) {
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		free(s);
		return 0;
	}
	n = strnlen(t.name, sizeof(t.name));
	CHECK(n > 0 && n < sizeof(t.name));
	CHECK(t.port >= 0 && t.port <= 65535);
	if (t.kind == TARGET_ADDR) {
		CHECK(t.addr.ss_family == AF_INET ||
		    t.addr.ss_family == AF_INET6);
		CHECK(t.addrlen > 0 && t.addrlen <= sizeof(t.addr));
	} else {
		CHECK(t.kind == TARGET_DOMAIN || t.kind == TARGET_HOST);
		/* target.h: the name is lower case, without the dot. */
		for (i = 0; i < n; i++)
			CHECK(!(t.name[i] >= 'A' && t.name[i] <= 'Z'));
		CHECK(t.name[n - 1] != '.');
		CHECK(target_hostname_ok(t.name, n));
		/* The canonical name parses to itself. */
		CHECK(target_parse(t.name, &t2, err, sizeof(err)) == 0);
		CHECK(strcmp(t2.name, t.name) == 0);
	}
	free(s);
	return 0;
}
