/* Unit tests: the bounded buffer and string helpers (buf.c). */
#include <limits.h>
#include <stdio.h>

#include "unit.h"

#include "buf.h"

static void
test_buf_ceiling(void **state)
{
	struct buf	 b;
	char		 big[200];

	(void)state;
	memset(big, 'a', sizeof(big));
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_add(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(buf_add(&b, "x", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "0123456789");
	assert_int_equal(buf_addf(&b, "%d", 1), -1);
	assert_int_equal(buf_add(&b, "", 0), 0);
	buf_free(&b);
	buf_free(&b);
	buf_free(NULL);

	/* Sizes near SIZE_MAX do not wrap the ceiling check. */
	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "a", 1), 0);
	assert_int_equal(buf_add(&b, big, (size_t)-1), -1);
	assert_int_equal(buf_add(&b, big, (size_t)-1 - 5), -1);
	assert_int_equal(b.len, 1);
	buf_free(&b);

	/* Growth past the first allocation keeps the content. */
	buf_init(&b, 100000);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 20000);
	assert_int_equal(b.data[b.len], '\0');
	assert_true(b.cap > b.len);
	buf_free(&b);
}

static void
test_buf_ops(void **state)
{
	struct buf	 b;
	char		*s;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "hello "), 0);
	assert_int_equal(buf_addf(&b, "%s %d", "world", 42), 0);
	assert_string_equal(buf_str(&b), "hello world 42");
	buf_consume(&b, 6);
	assert_string_equal(buf_str(&b), "world 42");
	buf_consume(&b, 100);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_adds(&b, "x"), 0);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "kept"), 0);
	s = buf_steal(&b);
	assert_string_equal(s, "kept");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	/* Stealing from an empty buffer gives an empty string, not NULL. */
	s = buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	buf_free(&b);
}

static void
test_str_copy_fmt(void **state)
{
	char	 d[6];

	(void)state;
	assert_int_equal(str_copy(d, sizeof(d), "abcde"), 0);
	assert_string_equal(d, "abcde");
	assert_int_equal(str_copy(d, sizeof(d), "abcdef"), -1);
	assert_string_equal(d, "abcde");
	assert_int_equal(str_copy(d, 0, "x"), -1);
	assert_int_equal(str_copy(d, 1, "x"), -1);
	assert_string_equal(d, "");
	assert_int_equal(str_fmt(d, sizeof(d), "%d", 12345), 0);
	assert_string_equal(d, "12345");
	assert_int_equal(str_fmt(d, sizeof(d), "%d", 123456), -1);
	assert_string_equal(d, "12345");
}

struct num_case {
	const char	*s;
	long long	 min, max;
	int		 ok;
	long long	 v;
};

static void
test_parse_num(void **state)
{
	static const struct num_case cases[] = {
		{ "0", 0, 10, 1, 0 },
		{ "10", 0, 10, 1, 10 },
		{ "11", 0, 10, 0, 0 },
		{ "5", 6, 10, 0, 0 },
		{ "007", 0, 10, 1, 7 },
		{ "", 0, 10, 0, 0 },
		{ "-1", -5, 10, 0, 0 },
		{ "+1", 0, 10, 0, 0 },
		{ " 1", 0, 10, 0, 0 },
		{ "1 ", 0, 10, 0, 0 },
		{ "1x", 0, 10, 0, 0 },
		{ "0x1", 0, 10, 0, 0 },
		{ "9223372036854775807", 0, LLONG_MAX, 1, LLONG_MAX },
		/* 19 digits past LLONG_MAX: rejected, without overflow. */
		{ "9223372036854775808", 0, LLONG_MAX, 0, 0 },
		{ "9999999999999999999", 0, LLONG_MAX, 0, 0 },
		{ "9999999999999999999", 0, (long long)1 << 53, 0, 0 },
		{ "99999999999999999999", 0, LLONG_MAX, 0, 0 },
		{ "0000000000000000001", 0, 10, 1, 1 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct num_case *c = &cases[i];
		size_t n = strlen(c->s);
		unsigned char *s = dup_exact(c->s, n);
		long long v = -42;
		int r = parse_num((const char *)s, n, c->min, c->max, &v);

		free(s);
		CHECK(c->s, r == (c->ok ? 0 : -1));
		CHECK(c->s, v == (c->ok ? c->v : -42));
	}
}

static void
test_xalloc(void **state)
{
	char	*p;

	(void)state;
	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	p = xstrdup("");
	assert_string_equal(p, "");
	free(p);
	p = xcalloc(0, 0);
	assert_non_null(p);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_ceiling),
		cmocka_unit_test(test_buf_ops),
		cmocka_unit_test(test_str_copy_fmt),
		cmocka_unit_test(test_parse_num),
		cmocka_unit_test(test_xalloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
