/* Unit tests: RFC 6125 reference identity matching (certname.c). */
#include <stdio.h>

#include "unit.h"

#include "certname.h"

struct name_case {
	const char	*pattern;
	size_t		 plen;		/* 0: strlen(pattern) */
	const char	*host;
	int		 match;
};

/* A pattern with its embedded NULs. */
#define P(x)	(x), sizeof(x) - 1

static const struct name_case cases[] = {
	/* Exact names. */
	{ "mx.example.com", 0, "mx.example.com", 1 },
	{ "mx.example.com", 0, "mx2.example.com", 0 },
	{ "mx.example.com", 0, "example.com", 0 },
	{ "example.com", 0, "mx.example.com", 0 },
	{ "mx.example.com", 0, "mx.example.co", 0 },
	{ "mx.example.co", 0, "mx.example.com", 0 },
	{ "localhost", 0, "localhost", 1 },
	/* Case-insensitive. */
	{ "MX.Example.COM", 0, "mx.example.com", 1 },
	{ "mx.example.com", 0, "MX.EXAMPLE.COM", 1 },
	/* One trailing dot on either side. */
	{ "mx.example.com.", 0, "mx.example.com", 1 },
	{ "mx.example.com", 0, "mx.example.com.", 1 },
	{ "mx.example.com.", 0, "mx.example.com.", 1 },
	{ "mx.example.com..", 0, "mx.example.com", 0 },
	{ "mx.example.com", 0, "mx.example.com..", 0 },
	/* A wildcard is the whole left-most label and covers one label. */
	{ "*.example.com", 0, "mx.example.com", 1 },
	{ "*.example.com", 0, "MX.Example.Com", 1 },
	{ "*.EXAMPLE.COM", 0, "mx.example.com", 1 },
	{ "*.example.com", 0, "mx.example.com.", 1 },
	{ "*.example.com.", 0, "mx.example.com", 1 },
	{ "*.example.com", 0, "example.com", 0 },
	{ "*.example.com", 0, "a.b.example.com", 0 },
	{ "*.example.com", 0, ".example.com", 0 },
	{ "*.example.com", 0, "mx.example.org", 0 },
	{ "*.example.com", 0, "mxexample.com", 0 },
	{ "*.example.com", 0, "mx.xexample.com", 0 },
	{ "*.com", 0, "example.com", 0 },
	{ "*.com.", 0, "example.com", 0 },
	{ "*.", 0, "example.com", 0 },
	{ "*", 0, "com", 0 },
	{ "*", 0, "*", 0 },
	{ "*.*.example.com", 0, "a.b.example.com", 0 },
	{ "**.example.com", 0, "mx.example.com", 0 },
	{ "f*.example.com", 0, "foo.example.com", 0 },
	{ "*o.example.com", 0, "foo.example.com", 0 },
	{ "f*o.example.com", 0, "foo.example.com", 0 },
	{ "mx.*.com", 0, "mx.example.com", 0 },
	{ "mx.example.*", 0, "mx.example.com", 0 },
	{ "*example.com", 0, "mx.example.com", 0 },
	/* Embedded NUL: the pattern is longer than its C string. */
	{ P("mx.example.com\0.evil.net"), "mx.example.com", 0 },
	{ P("mx.example.com\0"), "mx.example.com", 0 },
	{ P("*.example.com\0"), "mx.example.com", 0 },
	{ P("*.example.com\0.evil.net"), "mx.example.com", 0 },
	{ P("\0mx.example.com"), "mx.example.com", 0 },
	/* Only plen bytes of the pattern count. */
	{ "mx.example.com.evil.net", 14, "mx.example.com", 1 },
	{ "mx.example.com", 2, "mx.example.com", 0 },
	/* Empty labels and empty names. */
	{ "mx..example.com", 0, "mx..example.com", 0 },
	{ ".example.com", 0, ".example.com", 0 },
	{ "*..example.com", 0, "mx..example.com", 0 },
	{ "", 0, "", 0 },
	{ "", 0, "mx.example.com", 0 },
	{ "mx.example.com", 0, "", 0 },
	{ ".", 0, ".", 0 },
	/* Spaces, controls and 8-bit bytes never match. */
	{ "mx.example.com ", 0, "mx.example.com ", 0 },
	{ "mx example.com", 0, "mx example.com", 0 },
	{ "mx.ex\tample.com", 0, "mx.ex\tample.com", 0 },
	{ "b\xc3\xbc" "cher.example", 0, "b\xc3\xbc" "cher.example", 0 },
	/* IDN: A-labels compare as ASCII. */
	{ "xn--bcher-kva.example", 0, "xn--bcher-kva.example", 1 },
	{ "XN--BCHER-KVA.example", 0, "xn--bcher-kva.example", 1 },
	{ "xn--bcher-kva.example", 0, "b\xc3\xbc" "cher.example", 0 },
	{ "*.xn--bcher-kva.example", 0, "mx.xn--bcher-kva.example", 1 },
};

static void
test_certname_table(void **state)
{
	size_t	 i;
	char	 name[160];

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct name_case *c = &cases[i];
		size_t plen = c->plen ? c->plen : strlen(c->pattern);
		unsigned char *pat = dup_exact(c->pattern, plen);

		snprintf(name, sizeof(name), "#%zu %.60s vs %.60s", i,
		    c->pattern, c->host);
		CHECK(name, certname_match((const char *)pat, plen, c->host) ==
		    c->match);
		free(pat);
	}
}

/* Absurdly long names do not crash, and differing ones never match. */
static void
test_certname_long(void **state)
{
	char	 a[2048], b[2048];

	(void)state;
	memset(a, 'a', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(a));
	a[100] = a[900] = '.';
	b[100] = b[900] = '.';
	(void)certname_match(a, strlen(a), b);
	b[1500] = 'b';
	assert_int_equal(certname_match(a, strlen(a), b), 0);
	a[0] = '*';
	a[1] = '.';
	assert_int_equal(certname_match(a, strlen(a), "x.a"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certname_table),
		cmocka_unit_test(test_certname_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
