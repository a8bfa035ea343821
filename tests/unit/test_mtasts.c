/* Unit tests: MTA-STS and TLS-RPT record and policy parsing (mtasts.c). */
#include <stdio.h>

#include "unit.h"

#include "mtasts.h"

struct txt_case {
	const char	*in;
	int		 want;		/* 0 valid, -1 invalid, -2 not ours */
	const char	*id;
};

static const struct txt_case sts_cases[] = {
	{ "v=STSv1; id=20260101T000000;", 0, "20260101T000000" },
	{ "v=STSv1;id=abc", 0, "abc" },
	{ "v=STSv1; id=abc; ext_1=whatever", 0, "abc" },
	{ "v=STSv1 ; id = abc ;", 0, "abc" },
	{ "v=STSv1; id=12345678901234567890123456789012", 0,
	  "12345678901234567890123456789012" },
	{ "v=STSv1; id=123456789012345678901234567890123", -1, NULL },
	{ "v=STSv1; id=", -1, NULL },
	{ "v=STSv1; id=ab-c", -1, NULL },
	{ "v=STSv1; id=a; id=b", -1, NULL },
	{ "v=STSv1;", -1, NULL },
	{ "v=STSv1; garbage", -1, NULL },
	{ "v=STSv1", -1, NULL },
	{ "id=abc; v=STSv1", -2, NULL },
	{ "v=STSv10; id=abc", -2, NULL },
	{ "v=spf1 -all", -2, NULL },
	{ "", -2, NULL },
};

static void
test_sts_txt(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(sts_cases); i++) {
		const struct txt_case *c = &sts_cases[i];
		struct sts_txt	 t;
		char		 err[128] = "";
		unsigned char	*copy = dup_exact(c->in, strlen(c->in));
		int		 r;

		r = sts_txt_parse((const char *)copy, strlen(c->in), &t, err,
		    sizeof(err));
		free(copy);
		CHECK(c->in, r == c->want);
		if (c->want == 0)
			CHECK(c->in, strcmp(t.id, c->id) == 0);
		if (c->want == -1)
			CHECK(c->in, err[0] != '\0');
	}
}

static const struct txt_case rpt_cases[] = {
	{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.test", 0, NULL },
	{ "v=TLSRPTv1;rua=mailto:a@b.test,https://r.example.test/x", 0, NULL },
	{ "v=TLSRPTv1; rua=http://r.example.test/", -1, NULL },
	{ "v=TLSRPTv1; rua=mailto:nobody", -1, NULL },
	{ "v=TLSRPTv1; rua=mailto:@x.test", -1, NULL },
	{ "v=TLSRPTv1;", -1, NULL },
	{ "v=TLSRPTv1; rua=mailto:a@b.test; rua=mailto:c@d.test", -1, NULL },
	{ "v=STSv1; id=1", -2, NULL },
};

static void
test_tlsrpt(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(rpt_cases); i++) {
		const struct txt_case *c = &rpt_cases[i];
		struct tlsrpt	 t;
		char		 err[128] = "";
		unsigned char	*copy = dup_exact(c->in, strlen(c->in));
		int		 r;

		r = tlsrpt_parse((const char *)copy, strlen(c->in), &t, err,
		    sizeof(err));
		free(copy);
		CHECK(c->in, r == c->want);
	}
}

static const char good_policy[] =
    "version: STSv1\r\n"
    "mode: enforce\r\n"
    "mx: mx1.example.test\r\n"
    "mx: *.backup.example.test\r\n"
    "max_age: 604800\r\n";

static void
test_policy_good(void **state)
{
	struct sts_policy p;
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(sts_policy_parse(good_policy, strlen(good_policy), &p,
	    &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(p.mode, STS_MODE_ENFORCE);
	assert_int_equal(p.max_age, 604800);
	assert_int_equal(p.nmx, 2);
	assert_string_equal(p.mx[1], "*.backup.example.test");
	sts_policy_free(&p);
	buf_free(&b);
}

/* Every prefix of a valid policy parses without crashing or leaking. */
static void
test_policy_prefixes(void **state)
{
	size_t		 n;

	(void)state;
	for (n = 0; n <= strlen(good_policy); n++) {
		struct sts_policy p;
		struct buf	 b;
		unsigned char	*copy = dup_exact(good_policy, n);

		buf_init(&b, 4096);
		sts_policy_parse((const char *)copy, n, &p, &b);
		sts_policy_free(&p);
		buf_free(&b);
		free(copy);
	}
}

struct policy_case {
	const char	*in;
	int		 want;
	const char	*problem;	/* substring of the problem list */
};

static const struct policy_case policy_cases[] = {
	{ "version: STSv1\nmode: testing\nmx: a.test\nmax_age: 0\n", 0, NULL },
	{ "version: STSv1\nmode: none\nmax_age: 86400\n", 0, NULL },
	{ "version: STSv1\nmode: enforce\nmax_age: 86400\n", -1,
	  "no valid mx" },
	{ "version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n", -1,
	  "version is not STSv1" },
	{ "version: STSv1\nmode: Enforce\nmx: a.test\nmax_age: 1\n", -1,
	  "mode is not" },
	{ "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n", -1,
	  "max_age" },
	{ "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -1\n", -1,
	  "max_age" },
	{ "version: STSv1\nmode: enforce\nmx: a..test\nmx: b.test\n"
	  "max_age: 1\n", 0, "mx is not" },
	{ "version: STSv1\nmode: enforce\nmode: testing\nmx: a.test\n"
	  "max_age: 1\n", 0, "mode given twice" },
	{ "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 1\n"
	  "ext: whatever\n", 0, NULL },
	{ "<html>not a policy</html>\n", -1, "not a key" },
	{ "", -1, "no 'version" },
};

static void
test_policy_table(void **state)
{
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(policy_cases); i++) {
		const struct policy_case *c = &policy_cases[i];
		struct sts_policy p;
		struct buf	 b;
		int		 r;

		buf_init(&b, 4096);
		r = sts_policy_parse(c->in, strlen(c->in), &p, &b);
		CHECK(c->in, r == c->want);
		if (c->problem != NULL)
			CHECK(c->in, strstr(buf_str(&b), c->problem) != NULL);
		else
			CHECK(c->in, b.len == 0);
		sts_policy_free(&p);
		buf_free(&b);
	}
}

static void
test_policy_too_big(void **state)
{
	struct sts_policy p;
	struct buf	 b;
	char		*big = calloc(1, STS_POLICY_MAX + 2);

	(void)state;
	memset(big, '\n', STS_POLICY_MAX + 1);
	buf_init(&b, 4096);
	assert_int_equal(sts_policy_parse(big, STS_POLICY_MAX + 1, &p, &b), -1);
	assert_non_null(strstr(buf_str(&b), "64 KiB"));
	sts_policy_free(&p);
	buf_free(&b);
	free(big);
}

static void
test_mx_match(void **state)
{
	(void)state;
	assert_true(sts_mx_match("mx1.example.test", "mx1.example.test"));
	assert_true(sts_mx_match("MX1.example.test.", "mx1.EXAMPLE.test"));
	assert_true(sts_mx_match("*.example.test", "mx1.example.test"));
	assert_false(sts_mx_match("*.example.test", "example.test"));
	assert_false(sts_mx_match("*.example.test", "a.mx1.example.test"));
	assert_false(sts_mx_match("mx1.example.test", "mx2.example.test"));
	assert_false(sts_mx_match("*.example.test", ".example.test"));
	assert_false(sts_mx_match("*", "example"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_txt),
		cmocka_unit_test(test_tlsrpt),
		cmocka_unit_test(test_policy_good),
		cmocka_unit_test(test_policy_prefixes),
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_policy_too_big),
		cmocka_unit_test(test_mx_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
