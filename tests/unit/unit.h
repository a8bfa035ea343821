/* Shared helpers for the cmocka unit tests. */
#ifndef MX_UNIT_H
#define MX_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sanitize.h"

/* A table assertion that names the failing case. */
#define CHECK(name, cond)						\
	do {								\
		if (!(cond))						\
			fail_msg("case '%s': %s (%s:%d)", (name), #cond, \
			    __FILE__, __LINE__);			\
	} while (0)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A heap copy of exactly n bytes, no terminator: ASan then catches any read
 * past what a parser was given.
 */
static inline unsigned char *
dup_exact(const void *p, size_t n)
{
	unsigned char	*q = malloc(n ? n : 1);

	if (q == NULL)
		abort();
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

/*
 * 1 if (s, len) is valid UTF-8 (by the product's own decoder); with
 * no_ctrl also free of C0 controls (but LF if allow_lf), DEL, C1, and the
 * invisible or reordering code points a terminal or browser acts on.
 */
static inline int
unit_utf8_ok(const char *s, size_t len, int no_ctrl, int allow_lf)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(u + i, len - i, &cp)) == 0)
			return 0;
		if (no_ctrl && (cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) ||
		    (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff) &&
		    !(allow_lf && cp == '\n'))
			return 0;
		i += n;
	}
	return 1;
}

#endif
