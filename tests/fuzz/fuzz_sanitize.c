/*
 * libFuzzer target: sanitising server bytes (sanitize.c). The terminal form
 * must be valid UTF-8 without anything a terminal acts on; the JSON form
 * must be valid UTF-8 and keep valid input unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sanitize.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* 1 if every sequence is valid; with strict also no controls or bidi. */
static int
utf8_clean(const char *s, size_t len, int strict)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(u + i, len - i, &cp)) == 0)
			return 0;
		if (strict && (cp < 0x20 || cp == 0x7f || (cp >= 0x80 &&
		    cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
		    cp <= 0x2069) || cp == 0xfeff))
			return 0;
		i += n;
	}
	return 1;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data;
	unsigned long	 cp;
	struct buf	 b;
	size_t		 n, outlen = (size_t)-1;
	char		*t, *u;

	n = utf8_seq(data, size, &cp);
	CHECK(n <= 4 && n <= size);
	if (n > 0)
		CHECK(cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff));

	t = sanitize_text_dup(in, size);
	CHECK(t != NULL);
	/* "?" only if the ceiling was hit, which must not happen. */
	CHECK(size == 0 || strcmp(t, "?") != 0 || (size == 1 && in[0] == '?'));
	CHECK(utf8_clean(t, strlen(t), 1));
	CHECK(strlen(t) >= size);
	free(t);

	u = sanitize_utf8_dup(in, size, &outlen);
	CHECK(u != NULL);
	CHECK(u[outlen] == '\0');
	CHECK(utf8_clean(u, outlen, 0));
	if (utf8_clean(in, size, 0))
		CHECK(outlen == size && memcmp(u, in, size) == 0);
	else
		CHECK(outlen > 0);
	free(u);

	/* Appending into a small ceiling fails cleanly. */
	buf_init(&b, 32);
	if (sanitize_text(&b, in, size) == 0)
		CHECK(b.len <= 32);
	CHECK(b.len <= 32);
	buf_free(&b);
	return 0;
}
