/* Unit tests: target notation parsing (target.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "unit.h"

#include "target.h"

struct target_case {
	const char		*in;
	int			 ok;
	enum target_kind	 kind;
	const char		*name;
	int			 port;
	int			 family;	/* for TARGET_ADDR */
};

static const struct target_case good[] = {
	{ "example.com", 1, TARGET_DOMAIN, "example.com", 0, 0 },
	{ "example.com:25", 1, TARGET_DOMAIN, "example.com", 25, 0 },
	{ "example.com:65535", 1, TARGET_DOMAIN, "example.com", 65535, 0 },
	{ "example.com:1", 1, TARGET_DOMAIN, "example.com", 1, 0 },
	{ "[mx.example.com]", 1, TARGET_HOST, "mx.example.com", 0, 0 },
	{ "[mx.example.com]:587", 1, TARGET_HOST, "mx.example.com", 587, 0 },
	{ "192.0.2.1", 1, TARGET_ADDR, "192.0.2.1", 0, AF_INET },
	{ "192.0.2.1:25", 1, TARGET_ADDR, "192.0.2.1", 25, AF_INET },
	{ "[192.0.2.1]", 1, TARGET_ADDR, "192.0.2.1", 0, AF_INET },
	{ "[192.0.2.1]:2525", 1, TARGET_ADDR, "192.0.2.1", 2525, AF_INET },
	{ "[2001:db8::1]", 1, TARGET_ADDR, "2001:db8::1", 0, AF_INET6 },
	{ "[2001:db8::1]:465", 1, TARGET_ADDR, "2001:db8::1", 465, AF_INET6 },
	{ "2001:db8::1", 1, TARGET_ADDR, "2001:db8::1", 0, AF_INET6 },
	{ "::1", 1, TARGET_ADDR, "::1", 0, AF_INET6 },
	{ "[::ffff:192.0.2.1]", 1, TARGET_ADDR, "::ffff:192.0.2.1", 0,
	  AF_INET6 },
	{ "MX.Example.COM", 1, TARGET_DOMAIN, "mx.example.com", 0, 0 },
	{ "example.com.", 1, TARGET_DOMAIN, "example.com", 0, 0 },
	{ "example.com.:25", 1, TARGET_DOMAIN, "example.com", 25, 0 },
	{ "[MX.Example.COM.]:25", 1, TARGET_HOST, "mx.example.com", 25, 0 },
	{ "mx_1.example.com", 1, TARGET_DOMAIN, "mx_1.example.com", 0, 0 },
	{ "xn--bcher-kva.example", 1, TARGET_DOMAIN, "xn--bcher-kva.example",
	  0, 0 },
	{ "a-b.example.com", 1, TARGET_DOMAIN, "a-b.example.com", 0, 0 },
	{ "localhost", 1, TARGET_DOMAIN, "localhost", 0, 0 },
};

static const char *const bad[] = {
	"",
	"[",
	"[x",
	"[]",
	"[]:25",
	"]",
	"[host]junk",
	"[host].",
	"[host]:",
	"[host]:0",
	"[[host]]",
	"[2001:db8::1]x",
	"[2001:db8::1]:",
	"[2001:db8::1]:65536",
	"example.com:0",
	"example.com:65536",
	"example.com:abc",
	"example.com:",
	"example.com:-25",
	"example.com:+25",
	"example.com: 25",
	"example.com:25 ",
	"example.com:99999999999999999999",
	"example.com:9999999999999999999",
	":25",
	"-a.example.com",
	"a-.example.com",
	"mx.-a.example.com",
	"example.com-",
	"a..b",
	".example.com",
	"example.com..",
	".",
	"..",
	"exa mple.com",
	" example.com",
	"example.com ",
	"ex*ample.com",
	"*.example.com",
	"ex/ample.com",
	"example.com\t",
	"ex\xc3\xa4mple.com",
	"\x1b[31m.example.com",
	"192.0.2.1:25:",
	"fe80::1%eth0",
};

static void
test_target_good(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		const struct target_case *c = &good[i];
		struct target		 t;
		char			 err[128] = "";

		CHECK(c->in, target_parse(c->in, &t, err, sizeof(err)) == 0);
		CHECK(c->in, t.kind == c->kind);
		CHECK(c->in, strcmp(t.name, c->name) == 0);
		CHECK(c->in, t.port == c->port);
		if (c->kind == TARGET_ADDR) {
			CHECK(c->in, t.addr.ss_family == c->family);
			CHECK(c->in, t.addrlen == (c->family == AF_INET ?
			    sizeof(struct sockaddr_in) :
			    sizeof(struct sockaddr_in6)));
		}
	}
}

static void
test_target_bad(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		struct target	 t;
		char		 err[128] = "";

		CHECK(bad[i], target_parse(bad[i], &t, err, sizeof(err)) == -1);
		CHECK(bad[i], err[0] != '\0');
		/* The message is bounded and terminated. */
		CHECK(bad[i], memchr(err, '\0', sizeof(err)) != NULL);
	}
}

/* NULL is an empty target, not a crash. */
static void
test_target_null(void **state)
{
	struct target	 t;
	char		 err[64] = "";

	(void)state;
	assert_int_equal(target_parse(NULL, &t, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
}

static void
test_target_address_value(void **state)
{
	struct target		 t;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&t.addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&t.addr;
	char			 err[64], text[64];

	(void)state;
	assert_int_equal(target_parse("[192.0.2.25]:25", &t, err, sizeof(err)),
	    0);
	assert_non_null(inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)));
	assert_string_equal(text, "192.0.2.25");
	assert_int_equal(target_parse("[2001:DB8::25]", &t, err, sizeof(err)),
	    0);
	assert_non_null(inet_ntop(AF_INET6, &sin6->sin6_addr, text,
	    sizeof(text)));
	assert_string_equal(text, "2001:db8::25");
}

/* Make a name of n octets from labels of lab octets (the last shorter). */
static void
make_name(char *out, size_t n, size_t lab)
{
	size_t	 i, k = 0;

	for (i = 0; i < n; i++) {
		if (k == lab && i + 1 < n) {
			out[i] = '.';
			k = 0;
		} else {
			out[i] = 'a' + (char)(i % 26);
			k++;
		}
	}
	out[n] = '\0';
}

static void
test_target_lengths(void **state)
{
	struct target	 t;
	char		 name[600], err[128];

	(void)state;
	/* A label of 63 octets is fine, 64 is not. */
	memset(name, 'a', 63);
	memcpy(name + 63, ".example", 9);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), 0);
	assert_int_equal(strlen(t.name), 63 + 8);
	memset(name, 'a', 64);
	memcpy(name + 64, ".example", 9);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), -1);

	/* A name of 253 octets is fine (also with its dot), 254 is not. */
	make_name(name, 253, 50);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), 0);
	assert_int_equal(strlen(t.name), 253);
	memcpy(name + 253, ".", 2);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), 0);
	assert_int_equal(strlen(t.name), 253);
	make_name(name, 254, 50);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), -1);

	/* The same in brackets and with a port. */
	name[0] = '[';
	make_name(name + 1, 253, 50);
	memcpy(name + 254, "]:25", 5);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, TARGET_HOST);
	assert_int_equal(t.port, 25);
	make_name(name + 1, 254, 50);
	memcpy(name + 255, "]:25", 5);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), -1);

	/* Absurd lengths fail cleanly, with a bounded message. */
	make_name(name, sizeof(name) - 1, 40);
	assert_int_equal(target_parse(name, &t, err, sizeof(err)), -1);
	assert_true(strlen(err) < sizeof(err));
	make_name(name, sizeof(name) - 1, 300);
	assert_int_equal(target_parse(name, &t, err, 8), -1);
	assert_true(strlen(err) < 8);
}

/*
 * RFC 1123 §2.1 (which target_hostname_ok cites): a host name never has the
 * dotted-decimal form, the top-level label is alphabetic. A mistyped
 * address must not become an MX lookup of "192.0.2.300".
 */
static void
test_target_numeric_tld(void **state)
{
	static const char *const cases[] = {
		"192.0.2.300", "1.2.3", "999.999.999.999", "192.0.2.1.",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		struct target	 t;
		char		 err[128] = "";
		int		 r;

		r = target_parse(cases[i], &t, err, sizeof(err));

		/* A trailing dot on an address is not a host name either. */
		CHECK(cases[i], r == -1 || t.kind == TARGET_ADDR);
	}
}

struct host_case {
	const char	*s;
	size_t		 len;	/* 0: strlen */
	int		 ok;
};

static void
test_hostname_ok(void **state)
{
	static const struct host_case cases[] = {
		{ "a", 0, 1 },
		{ "a.", 0, 1 },
		{ "mx.example.com", 0, 1 },
		{ "mx.example.com.", 0, 1 },
		{ "m-x.ex-ample.com", 0, 1 },
		{ "_dmarc.example.com", 0, 1 },
		{ "0.example.com", 0, 1 },
		{ "", 0, 0 },
		{ ".", 0, 0 },
		{ "..", 0, 0 },
		{ "a..", 0, 0 },
		{ ".a", 0, 0 },
		{ "-a", 0, 0 },
		{ "a-", 0, 0 },
		{ "a.-b", 0, 0 },
		{ "a-.b", 0, 0 },
		{ "a b", 0, 0 },
		{ "a:b", 0, 0 },
		{ "a@b", 0, 0 },
		{ "\xc3\xa4", 0, 0 },
		/* Only len bytes are looked at. */
		{ "example.com junk", 11, 1 },
		{ "example.com", 3, 1 },
		{ "a\0b", 3, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct host_case *c = &cases[i];
		size_t n = c->len ? c->len : strlen(c->s);
		unsigned char *copy = dup_exact(c->s, n);
		int ok = target_hostname_ok((const char *)copy, n);

		free(copy);
		CHECK(c->s, ok == c->ok);
	}
}

static void
test_parse_port(void **state)
{
	int	 port = -1;

	(void)state;
	assert_int_equal(target_parse_port("25", &port), 0);
	assert_int_equal(port, 25);
	assert_int_equal(target_parse_port("65535", &port), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(target_parse_port("0", &port), -1);
	assert_int_equal(target_parse_port("65536", &port), -1);
	assert_int_equal(target_parse_port("", &port), -1);
	assert_int_equal(target_parse_port("2 5", &port), -1);
	assert_int_equal(target_parse_port("0x19", &port), -1);
	assert_int_equal(target_parse_port("-1", &port), -1);
	assert_int_equal(target_parse_port("9999999999999999999", &port), -1);
	assert_int_equal(port, 65535);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_good),
		cmocka_unit_test(test_target_bad),
		cmocka_unit_test(test_target_null),
		cmocka_unit_test(test_target_address_value),
		cmocka_unit_test(test_target_lengths),
		cmocka_unit_test(test_target_numeric_tld),
		cmocka_unit_test(test_hostname_ok),
		cmocka_unit_test(test_parse_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
