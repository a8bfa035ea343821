/* Unit tests: DNS wire-format names and MX rdata (dnswire.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "dnswire.h"
#include "report.h"
#include "target.h"

struct mx_case {
	const char		*name;
	const unsigned char	*rdata;
	size_t			 len;
	int			 ok;
	int			 pref;
	const char		*exchange;
};

#define R(...)	(const unsigned char[]){ __VA_ARGS__ }, \
		sizeof((const unsigned char[]){ __VA_ARGS__ })

static const struct mx_case mx_cases[] = {
	{ "normal", R(0, 10, 2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l',
	  'e', 3, 'c', 'o', 'm', 0), 1, 10, "mx.example.com" },
	{ "null MX", R(0, 0, 0), 1, 0, "" },
	{ "pref 65535", R(0xff, 0xff, 1, 'a', 0), 1, 65535, "a" },
	{ "pref 256", R(1, 0, 1, 'a', 0), 1, 256, "a" },
	{ "upper case", R(0, 5, 2, 'M', 'X', 3, 'C', 'o', 'M', 0), 1, 5,
	  "mx.com" },
	{ "hyphen and underscore", R(0, 5, 3, 'm', '-', 'x', 2, '_', 'a', 0),
	  1, 5, "m-x._a" },
	{ "digits", R(0, 5, 3, 'm', 'x', '1', 1, '0', 0), 1, 5, "mx1.0" },
	{ "one byte", R(0), 0, 0, NULL },
	{ "pref only", R(0, 10), 0, 0, NULL },
	{ "no name end", R(0, 10, 2, 'm', 'x'), 0, 0, NULL },
	{ "no name end after label", R(0, 10, 2, 'm', 'x', 3, 'c', 'o', 'm'),
	  0, 0, NULL },
	{ "label past end", R(0, 10, 5, 'm', 'x', 0), 0, 0, NULL },
	{ "label length 255", R(0, 10, 255, 'm', 0), 0, 0, NULL },
	{ "compression pointer", R(0, 10, 0xc0, 0x0c), 0, 0, NULL },
	{ "compression pointer after label", R(0, 10, 2, 'm', 'x', 0xc0, 0x0c),
	  0, 0, NULL },
	{ "label 64", R(0, 10, 64, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	  'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	  'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	  'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	  'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a',
	  'a', 'a', 'a', 'a', 0), 0, 0, NULL },
	{ "space", R(0, 10, 3, 'm', ' ', 'x', 0), 0, 0, NULL },
	{ "NUL byte", R(0, 10, 3, 'm', 0, 'x', 0), 0, 0, NULL },
	{ "0xff byte", R(0, 10, 3, 'm', 0xff, 'x', 0), 0, 0, NULL },
	{ "dot in label", R(0, 10, 3, 'm', '.', 'x', 0), 0, 0, NULL },
	{ "star", R(0, 10, 1, '*', 1, 'x', 0), 0, 0, NULL },
	{ "ESC", R(0, 10, 3, 0x1b, '[', 'm', 0), 0, 0, NULL },
	{ "slash", R(0, 10, 3, 'a', '/', 'b', 0), 0, 0, NULL },
	{ "UTF-8", R(0, 10, 2, 0xc3, 0xa4, 0), 0, 0, NULL },
	{ "trailing junk", R(0, 10, 2, 'm', 'x', 0, 0), 0, 0, NULL },
	{ "trailing junk after root", R(0, 0, 0, 'x'), 0, 0, NULL },
};

static void
test_dnswire_mx_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(mx_cases); i++) {
		const struct mx_case *c = &mx_cases[i];
		unsigned char *p = dup_exact(c->rdata, c->len);
		char name[TARGET_NAME_MAX];
		int pref = -1, r;

		memset(name, 'Z', sizeof(name));
		r = dnswire_mx(p, c->len, &pref, name, sizeof(name));
		CHECK(c->name, r == (c->ok ? 0 : -1));
		if (c->ok) {
			CHECK(c->name, pref == c->pref);
			CHECK(c->name, strcmp(name, c->exchange) == 0);
		}
		free(p);
	}
}

static void
test_dnswire_label63(void **state)
{
	unsigned char	 rd[2 + 1 + 63 + 1 + 3 + 1];
	char		 name[TARGET_NAME_MAX];
	int		 pref;

	(void)state;
	rd[0] = 0;
	rd[1] = 1;
	rd[2] = 63;
	memset(rd + 3, 'a', 63);
	rd[66] = 3;
	memcpy(rd + 67, "com", 3);
	rd[70] = 0;
	assert_int_equal(dnswire_mx(rd, sizeof(rd), &pref, name, sizeof(name)),
	    0);
	assert_int_equal(strlen(name), 63 + 4);
}

/* Names that do not fit the output fail; ones that just fit succeed. */
static void
test_dnswire_name_outlen(void **state)
{
	static const unsigned char wire[] = { 2, 'm', 'x', 7, 'e', 'x', 'a',
	    'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	static const unsigned char root[] = { 0 };
	char		 out[32];
	size_t		 off, outlen;

	(void)state;
	for (outlen = 0; outlen < sizeof(out); outlen++) {
		char what[32];
		unsigned char *p = dup_exact(wire, sizeof(wire));
		char *o = malloc(outlen ? outlen : 1);
		int r;

		assert_non_null(o);
		off = 0;
		r = dnswire_name(p, sizeof(wire), &off, o, outlen);
		snprintf(what, sizeof(what), "outlen %zu", outlen);
		if (outlen >= sizeof("mx.example.com")) {
			CHECK(what, r == 0);
			CHECK(what, strcmp(o, "mx.example.com") == 0);
			CHECK(what, off == sizeof(wire));
		} else
			CHECK(what, r == -1);
		free(o);
		free(p);
	}
	off = 0;
	assert_int_equal(dnswire_name(root, 1, &off, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(off, 1);
	off = 0;
	assert_int_equal(dnswire_name(root, 1, &off, out, 0), -1);
}

/* Wire form of a name made of labels of the given lengths. */
static size_t
make_wire(unsigned char *w, const size_t *lens, size_t n)
{
	size_t	 i, o = 0;

	for (i = 0; i < n; i++) {
		w[o++] = (unsigned char)lens[i];
		memset(w + o, 'a' + (int)i, lens[i]);
		o += lens[i];
	}
	w[o++] = 0;
	return o;
}

/* A name of 253 octets of text fits TARGET_NAME_MAX; 254 does not. */
static void
test_dnswire_name_long(void **state)
{
	static const size_t fits[] = { 63, 63, 63, 61 };	/* 253 */
	static const size_t over[] = { 63, 63, 63, 62 };	/* 254 */
	static const size_t huge[] = { 63, 63, 63, 63, 63, 63, 63, 63 };
	unsigned char	 wire[600];
	char		 out[TARGET_NAME_MAX];
	size_t		 off = 0, n;

	(void)state;
	n = make_wire(wire, fits, NELEM(fits));
	assert_int_equal(dnswire_name(wire, n, &off, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 253);
	assert_int_equal(off, n);
	off = 0;
	n = make_wire(wire, over, NELEM(over));
	assert_int_equal(dnswire_name(wire, n, &off, out, sizeof(out)), -1);
	off = 0;
	n = make_wire(wire, huge, NELEM(huge));
	assert_int_equal(dnswire_name(wire, n, &off, out, sizeof(out)), -1);
}

/* Decoding starts at *off and leaves *off after the name. */
static void
test_dnswire_name_offset(void **state)
{
	static const unsigned char wire[] = { 0xaa, 0xbb, 1, 'a', 0, 1, 'b',
	    0 };
	char		 out[16];
	size_t		 off = 2;

	(void)state;
	assert_int_equal(dnswire_name(wire, sizeof(wire), &off, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "a");
	assert_int_equal(off, 5);
	assert_int_equal(dnswire_name(wire, sizeof(wire), &off, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "b");
	assert_int_equal(off, sizeof(wire));
	/* At or past the end: truncated. */
	assert_int_equal(dnswire_name(wire, sizeof(wire), &off, out,
	    sizeof(out)), -1);
	off = sizeof(wire) + 5;
	assert_int_equal(dnswire_name(wire, sizeof(wire), &off, out,
	    sizeof(out)), -1);
}

/* Every proper prefix of valid MX rdata fails cleanly. */
static void
test_dnswire_mx_prefixes(void **state)
{
	static const unsigned char rd[] = { 0, 10, 3, 'm', 'x', '1', 7, 'e',
	    'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0 };
	char		 name[TARGET_NAME_MAX];
	size_t		 k;
	int		 pref;

	(void)state;
	for (k = 0; k < sizeof(rd); k++) {
		unsigned char *p = dup_exact(rd, k);
		char what[32];

		snprintf(what, sizeof(what), "prefix %zu", k);
		CHECK(what, dnswire_mx(p, k, &pref, name, sizeof(name)) == -1);
		free(p);
	}
	assert_int_equal(dnswire_mx(rd, sizeof(rd), &pref, name, sizeof(name)),
	    0);
	assert_string_equal(name, "mx1.example.net");
	assert_int_equal(pref, 10);
}


static void
test_dnswire_tlsa(void **state)
{
	static const unsigned char good[] = { 3, 1, 1, 0xab, 0xcd };
	struct tlsa_rec	 t;
	size_t		 i;

	(void)state;
	assert_int_equal(dnswire_tlsa(good, sizeof(good), &t), 0);
	assert_int_equal(t.usage, 3);
	assert_int_equal(t.selector, 1);
	assert_int_equal(t.mtype, 1);
	assert_int_equal(t.len, 2);
	assert_memory_equal(t.data, good + 3, 2);
	free(t.data);
	/* Every prefix without data fails cleanly. */
	for (i = 0; i < 4; i++) {
		unsigned char *copy = malloc(i ? i : 1);

		memcpy(copy, good, i);
		assert_int_equal(dnswire_tlsa(copy, i, &t), -1);
		free(copy);
	}
	/* Association data past the cap is refused. */
	{
		unsigned char *big = calloc(1, TLSA_DATA_MAX + 4);

		assert_int_equal(dnswire_tlsa(big, TLSA_DATA_MAX + 4, &t), -1);
		assert_int_equal(dnswire_tlsa(big, TLSA_DATA_MAX + 3, &t), 0);
		free(t.data);
		free(big);
	}
}


static void
test_dnswire_txt(void **state)
{
	static const unsigned char two[] = { 3, 'a', 'b', 'c', 0, 2, 'd', 'e' };
	char		 out[16];
	size_t		 n, i;

	(void)state;
	assert_int_equal(dnswire_txt(two, sizeof(two), out, sizeof(out), &n),
	    0);
	assert_int_equal(n, 5);
	assert_string_equal(out, "abcde");
	/* A string length running past the end fails, at every prefix too. */
	for (i = 1; i < sizeof(two); i++) {
		unsigned char *copy = dup_exact(two, i);
		int want = (i == 4 || i == 5) ? 0 : -1;

		CHECK("prefix", dnswire_txt(copy, i, out, sizeof(out), &n) ==
		    want);
		free(copy);
	}
	/* Output that does not fit (with its NUL) is refused. */
	assert_int_equal(dnswire_txt(two, sizeof(two), out, 5, &n), -1);
	assert_int_equal(dnswire_txt(two, sizeof(two), out, 6, &n), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnswire_mx_table),
		cmocka_unit_test(test_dnswire_tlsa),
		cmocka_unit_test(test_dnswire_txt),
		cmocka_unit_test(test_dnswire_label63),
		cmocka_unit_test(test_dnswire_name_outlen),
		cmocka_unit_test(test_dnswire_name_long),
		cmocka_unit_test(test_dnswire_name_offset),
		cmocka_unit_test(test_dnswire_mx_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
