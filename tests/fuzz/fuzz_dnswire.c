/*
 * libFuzzer target: DNS names and MX rdata (dnswire.c). The whole input is
 * MX rdata; then names are decoded at every offset into output buffers of
 * every small size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnswire.h"
#include "report.h"
#include "target.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* A decoded name: lower-case host bytes, dots only between labels. */
static void
check_name(const char *s, size_t outlen)
{
	size_t	 n = strnlen(s, outlen), i;

	CHECK(n < outlen);
	for (i = 0; i < n; i++) {
		char c = s[i];

		CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.');
		if (c == '.')
			CHECK(i > 0 && i + 1 < n && s[i + 1] != '.');
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 name[TARGET_NAME_MAX], *out;
	size_t	 off, start, outlen;
	int	 pref = -1;

	if (dnswire_mx(data, size, &pref, name, sizeof(name)) == 0) {
		CHECK(size >= 3);
		CHECK(pref >= 0 && pref <= 65535);
		CHECK(pref == (data[0] << 8 | data[1]));
		check_name(name, sizeof(name));
	}
	for (start = 0; start <= size && start < 64; start++) {
		outlen = size > 0 ? data[start % size] % 40 : 0;
		if ((out = malloc(outlen ? outlen : 1)) == NULL)
			abort();
		off = start;
		if (dnswire_name(data, size, &off, out, outlen) == 0) {
			CHECK(outlen > 0);
			CHECK(off > start && off <= size);
			check_name(out, outlen);
		} else
			CHECK(off == start);
		free(out);
	}
	{
		char	 txt[256];
		size_t	 tn;

		if (dnswire_txt(data, size, txt, sizeof(txt), &tn) == 0)
			CHECK(tn < sizeof(txt) && txt[tn] == '\0');
	}
	{
		struct tlsa_rec t;

		if (dnswire_tlsa(data, size, &t) == 0) {
			CHECK(size >= 4 && t.len == size - 3);
			CHECK(memcmp(t.data, data + 3, t.len) == 0);
			free(t.data);
		}
	}
	return 0;
}
