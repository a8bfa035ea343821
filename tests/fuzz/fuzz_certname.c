/*
 * libFuzzer target: certificate name matching (certname.c). The first
 * byte is the pattern length: patterns may hold NUL bytes (a DNS SAN is an
 * IA5String of any bytes); the rest, up to a NUL, is the host.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "certname.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static size_t
trim_dot(const char *s, size_t n)
{
	return (n > 0 && s[n - 1] == '.') ? n - 1 : n;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		 plen, hlen, pt, ht;
	char		*pat, *host;
	int		 m;

	if (size < 1)
		return 0;
	plen = data[0];
	if (plen > size - 1)
		plen = size - 1;
	/* Exact-size pattern, no terminator: over-reads are caught. */
	if ((pat = malloc(plen ? plen : 1)) == NULL)
		abort();
	memcpy(pat, data + 1, plen);
	hlen = strnlen((const char *)data + 1 + plen, size - 1 - plen);
	if ((host = malloc(hlen + 1)) == NULL)
		abort();
	memcpy(host, data + 1 + plen, hlen);
	host[hlen] = '\0';

	m = certname_match(pat, plen, host);
	CHECK(m == 0 || m == 1);
	if (m) {
		/* A pattern with a NUL byte never matches. */
		CHECK(memchr(pat, '\0', plen) == NULL);
		pt = trim_dot(pat, plen);
		ht = trim_dot(host, hlen);
		if (memchr(pat, '*', plen) == NULL) {
			/* Without a wildcard only the same name matches. */
			CHECK(pt == ht && strncasecmp(pat, host, pt) == 0);
		} else {
			/* "*." + two labels or more, over exactly one label. */
			CHECK(pt > 2 && pat[0] == '*' && pat[1] == '.');
			CHECK(memchr(pat + 2, '*', pt - 2) == NULL);
			CHECK(memchr(pat + 2, '.', pt - 2) != NULL);
			CHECK(ht > pt - 1);
			CHECK(strncasecmp(pat + 1, host + ht - (pt - 1),
			    pt - 1) == 0);
			CHECK(memchr(host, '.', ht - (pt - 1)) == NULL);
		}
		/* Host bytes are never spaces, controls or 8-bit. */
		for (size_t i = 0; i < hlen; i++)
			CHECK((unsigned char)host[i] > 0x20 &&
			    (unsigned char)host[i] < 0x80);
	}
	free(pat);
	free(host);
	return 0;
}
