/* Unit tests: command-line parsing (cli.c). */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "unit.h"

#include "cli.h"
#include "report.h"

#define ARGV_MAX 16

/* Parse a NULL-terminated argument list; returns cli_parse's result. */
static int
parse(struct options *o, char *err, size_t errlen, const char *const *args)
{
	static char	*argv[ARGV_MAX + 1];
	int		 argc = 0;

	/* getopt_long permutes argv: hand it a writable copy of the list. */
	while (args[argc] != NULL && argc < ARGV_MAX) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	return cli_parse(argc, argv, o, err, errlen);
}

#define ARGS(...)	((const char *const[]){ "mxprobe", __VA_ARGS__, NULL })

static void
test_cli_defaults(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test")), 0);
	assert_string_equal(o.target_arg, "example.test");
	assert_int_equal(o.target.kind, TARGET_DOMAIN);
	assert_string_equal(o.target.name, "example.test");
	assert_int_equal(o.port, 25);
	assert_int_equal(o.implicit_tls, 0);
	assert_true(o.timeout == 120);
	assert_true(o.connect_timeout == 15);
	assert_true(o.greeting_timeout == 30);
	assert_true(o.reply_timeout == 30);
	assert_true(o.handshake_timeout == 20);
	assert_true(o.retry_delay == 10);
	assert_int_equal(o.max_conn_per_ip, 2);
	assert_int_equal(o.max_conn, 256);
	assert_int_equal(o.policy, POLICY_OPPORTUNISTIC);
	assert_int_equal(o.fail_on, SEV_WARN);
	assert_int_equal(o.warn_days, 21);
	assert_int_equal(o.family, 0);
	assert_int_equal(o.color, -1);
	assert_false(o.has_connect);
	assert_false(o.has_source);
	assert_null(o.name);
	assert_null(o.ca_file);
	assert_null(o.resolver);
	assert_false(o.json || o.quick || o.verbose || o.help || o.version);
	/* The EHLO name is always a usable host name. */
	assert_true(o.ehlo[0] != '\0');
	assert_true(target_hostname_ok(o.ehlo, strlen(o.ehlo)));
}

static void
test_cli_port(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "465",
	    "example.test")), 0);
	assert_int_equal(o.port, 465);
	assert_int_equal(o.implicit_tls, 1);

	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test:465")),
	    0);
	assert_int_equal(o.port, 465);
	assert_int_equal(o.implicit_tls, 1);

	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "587",
	    "example.test")), 0);
	assert_int_equal(o.port, 587);
	assert_int_equal(o.implicit_tls, 0);

	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--implicit-tls",
	    "--port", "2465", "example.test")), 0);
	assert_int_equal(o.port, 2465);
	assert_int_equal(o.implicit_tls, 1);

	/* The same port twice agrees; two different ports do not. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "587",
	    "example.test:587")), 0);
	assert_int_equal(o.port, 587);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "25",
	    "example.test:587")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "25",
	    "[192.0.2.1]:587")), -1);

	/* Options after the target are accepted too. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test",
	    "--port", "587")), 0);
	assert_int_equal(o.port, 587);
	assert_string_equal(o.target_arg, "example.test");
}

static void
test_cli_bad_port(void **state)
{
	static const char *const ports[] = { "0", "65536", "abc", "", "-1",
	    "25x", " 25", "99999999999999999999", "9999999999999999999" };
	struct options	 o;
	char		 err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(ports); i++) {
		CHECK(ports[i], parse(&o, err, sizeof(err), ARGS("--port",
		    ports[i], "example.test")) == -1);
		CHECK(ports[i], err[0] != '\0');
	}
}

static void
test_cli_unknown(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--bogus",
	    "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-x",
	    "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_non_null(strstr(err, "-x"));
	/* A missing value. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test",
	    "--port")), -1);
	assert_true(err[0] != '\0');
	/* A value given to a flag. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--json=yes",
	    "example.test")), -1);
}

static void
test_cli_targets(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err),
	    (const char *const[]){ "mxprobe", NULL }), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("a.test", "b.test")),
	    -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("exa mple.test")),
	    -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("[mx.example.test]")),
	    0);
	assert_int_equal(o.target.kind, TARGET_HOST);
	/* --help and --version need no target. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--help")), 0);
	assert_true(o.help);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-h")), 0);
	assert_true(o.help);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--version")), 0);
	assert_true(o.version);
}

static void
test_cli_policy(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--policy", "strict",
	    "example.test")), 0);
	assert_int_equal(o.policy, POLICY_STRICT);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--policy",
	    "opportunistic", "example.test")), 0);
	assert_int_equal(o.policy, POLICY_OPPORTUNISTIC);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--policy", "bad",
	    "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--policy", "STRICT",
	    "example.test")), -1);

	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--fail-on", "fail",
	    "example.test")), 0);
	assert_int_equal(o.fail_on, SEV_FAIL);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--fail-on", "warn",
	    "example.test")), 0);
	assert_int_equal(o.fail_on, SEV_WARN);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--fail-on", "info",
	    "example.test")), -1);
}

static void
test_cli_timeouts(void **state)
{
	static const char *const opts[] = { "--timeout", "--connect-timeout",
	    "--greeting-timeout", "--reply-timeout", "--handshake-timeout",
	    "--retry-delay" };
	static const char *const bad[] = { "0", "-1", "abc", "", "86401",
	    "nan", "inf", "1e9", "5s", "0.0" };
	struct options	 o;
	char		 err[256];
	char		 what[64];
	size_t		 i, k;

	(void)state;
	for (i = 0; i < NELEM(opts); i++) {
		for (k = 0; k < NELEM(bad); k++) {
			snprintf(what, sizeof(what), "%s %s", opts[i], bad[k]);
			CHECK(what, parse(&o, err, sizeof(err), ARGS(opts[i],
			    bad[k], "example.test")) == -1);
			CHECK(what, err[0] != '\0');
		}
		CHECK(opts[i], parse(&o, err, sizeof(err), ARGS(opts[i], "0.5",
		    "example.test")) == 0);
		CHECK(opts[i], parse(&o, err, sizeof(err), ARGS(opts[i],
		    "86400", "example.test")) == 0);
	}
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--timeout", "60",
	    "--connect-timeout", "5", "--greeting-timeout", "7",
	    "--reply-timeout", "8", "--handshake-timeout", "9",
	    "--retry-delay", "2.5", "example.test")), 0);
	assert_true(o.timeout == 60);
	assert_true(o.connect_timeout == 5);
	assert_true(o.greeting_timeout == 7);
	assert_true(o.reply_timeout == 8);
	assert_true(o.handshake_timeout == 9);
	assert_true(o.retry_delay == 2.5);
}

static void
test_cli_numbers(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--warn-days", "0",
	    "example.test")), 0);
	assert_int_equal(o.warn_days, 0);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--warn-days",
	    "3650", "example.test")), 0);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--warn-days",
	    "3651", "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--warn-days", "-1",
	    "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn-per-ip",
	    "64", "example.test")), 0);
	assert_int_equal(o.max_conn_per_ip, 64);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn-per-ip",
	    "0", "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn-per-ip",
	    "65", "example.test")), -1);
	/* --max-conn is its own option, not an abbreviation of the other. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn",
	    "1000", "--max-conn-per-ip", "3", "example.test")), 0);
	assert_int_equal(o.max_conn, 1000);
	assert_int_equal(o.max_conn_per_ip, 3);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn",
	    "4096", "example.test")), 0);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn",
	    "4097", "example.test")), -1);
	assert_string_equal(err, "--max-conn: 1-4096");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--max-conn", "0",
	    "example.test")), -1);
}

static void
test_cli_connect(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	/* --connect redirects a domain or host target, never an address. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect",
	    "192.0.2.1", "example.test")), 0);
	assert_true(o.has_connect);
	assert_int_equal(o.connect_addr.ss_family, AF_INET);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect",
	    "[2001:db8::1]", "[mx.example.test]")), 0);
	assert_int_equal(o.connect_addr.ss_family, AF_INET6);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect",
	    "192.0.2.1", "192.0.2.25")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect",
	    "192.0.2.1", "[2001:db8::25]")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect",
	    "mx.example.test", "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect", "[",
	    "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--connect", "[]",
	    "example.test")), -1);
	/* -4/-6 and the --connect address agree. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-6", "--connect",
	    "192.0.2.1", "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4", "--connect",
	    "192.0.2.1", "example.test")), 0);
}

static void
test_cli_name(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	/* --name with a domain target and no --connect means nothing. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name",
	    "mx.example.test", "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name",
	    "mx.example.test", "[mx.example.test]")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name",
	    "mx.example.test", "192.0.2.25")), 0);
	assert_string_equal(o.name, "mx.example.test");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name",
	    "mx.example.test", "--connect", "192.0.2.25", "example.test")), 0);
	assert_string_equal(o.name, "mx.example.test");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name",
	    "bad name", "192.0.2.25")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--name", "",
	    "192.0.2.25")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--ehlo",
	    "client.example.test", "example.test")), 0);
	assert_string_equal(o.ehlo, "client.example.test");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--ehlo",
	    "bad\r\nMAIL FROM:<>", "example.test")), -1);
}

static void
test_cli_family(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4",
	    "[2001:db8::1]")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4",
	    "2001:db8::1")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-6",
	    "192.0.2.1")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4", "192.0.2.1")),
	    0);
	assert_int_equal(o.family, AF_INET);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-6",
	    "example.test")), 0);
	assert_int_equal(o.family, AF_INET6);
	/* The last one wins. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4", "-6",
	    "example.test")), 0);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-46",
	    "example.test")), 0);
	assert_int_equal(o.family, AF_INET6);
}

static void
test_cli_source(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source", "[::1]",
	    "example.test")), 0);
	assert_true(o.has_source);
	assert_int_equal(o.source_addr.ss_family, AF_INET6);
	assert_int_equal(o.source_len, sizeof(struct sockaddr_in6));
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source",
	    "127.0.0.1", "example.test")), 0);
	assert_int_equal(o.source_addr.ss_family, AF_INET);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source",
	    "localhost", "example.test")), -1);
	assert_true(err[0] != '\0');
	/* A source address only reaches addresses of its own family. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source", "[::1]",
	    "example.test")), 0);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4", "--source",
	    "[::1]", "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source", "[::1]",
	    "192.0.2.25")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--source",
	    "127.0.0.1", "--connect", "[2001:db8::1]", "example.test")), -1);
}

static void
test_cli_flags(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--json", "--quick",
	    "-v", "--verbose", "--no-color", "--resolver", "127.0.0.1@5353",
	    "example.test")), 0);
	assert_true(o.json);
	assert_true(o.quick);
	assert_int_equal(o.verbose, 2);
	assert_int_equal(o.color, 0);
	assert_string_equal(o.resolver, "127.0.0.1@5353");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--color",
	    "example.test")), 0);
	assert_int_equal(o.color, 1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--ca-file",
	    "/nonexistent/ca.pem", "example.test")), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--ca-file",
	    "/dev/null", "example.test")), 0);
	assert_string_equal(o.ca_file, "/dev/null");
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--trust-anchor",
	    "/nonexistent/root.key", "example.test")), -1);
}

/* --resolve HOST:PORT:ADDR[,ADDR], curl's form, checked before curl. */
static void
test_cli_resolve(void **state)
{
	static const char *const bad[] = { "", "host", "host:443",
	    "host:443:", ":443:127.0.0.1", "host:0:127.0.0.1",
	    "host:65536:127.0.0.1", "host:x:127.0.0.1", "ho st:443:1.2.3.4",
	    "host::127.0.0.1" };
	struct options	 o;
	char		 err[256];
	size_t		 i;

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test")), 0);
	assert_int_equal(o.nresolve, 0);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--resolve",
	    "mta-sts.example.test:443:127.0.0.1", "--resolve",
	    "mta-sts.example.test:443:[::1],127.0.0.2", "example.test")), 0);
	assert_int_equal(o.nresolve, 2);
	assert_string_equal(o.resolve[1],
	    "mta-sts.example.test:443:[::1],127.0.0.2");
	for (i = 0; i < NELEM(bad); i++) {
		if (parse(&o, err, sizeof(err), ARGS("--resolve", bad[i],
		    "example.test")) != -1)
			fail_msg("--resolve '%s' accepted", bad[i]);
		assert_non_null(strstr(err, "--resolve"));
	}
}

/* The deep inspection: on by default, --quick turns it off, last wins. */
static void
test_cli_scan(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test")), 0);
	assert_true(o.scan);
	assert_false(o.ciphers_full);
	assert_true(o.scan_pause == 0);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--quick",
	    "example.test")), 0);
	assert_false(o.scan);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--quick", "--scan",
	    "--ciphers", "full", "--scan-pause", "0.5", "example.test")), 0);
	assert_true(o.scan);
	assert_false(o.quick);
	assert_true(o.ciphers_full);
	assert_true(o.scan_pause == 0.5);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--ciphers", "all",
	    "example.test")), -1);
	assert_non_null(strstr(err, "--ciphers"));
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--scan-pause", "-1",
	    "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--scan-pause", "0",
	    "example.test")), 0);
}

/* An unknown option inside a cluster is named, not argv[0]. */
static void
test_cli_unknown_in_cluster(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-4x",
	    "example.test")), -1);
	assert_non_null(strstr(err, "x"));
	/* Not at the end of the cluster: getopt has not moved on yet. */
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-x4",
	    "example.test")), -1);
	if (strstr(err, "mxprobe") != NULL)
		fail_msg("error names argv[0] instead of -x: %s", err);
}

/*
 * Each cli_parse starts afresh: an error in the middle of an option
 * cluster must not leak into the next parse (getopt keeps state).
 */
static void
test_cli_fresh_state(void **state)
{
	struct options	 o;
	char		 err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("-x4",
	    "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test")), 0);
	assert_int_equal(o.family, 0);

	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "0",
	    "example.test")), -1);
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("example.test")), 0);
	assert_int_equal(o.port, 25);
}

/* An error message never overruns a small buffer. */
static void
test_cli_small_err(void **state)
{
	struct options	 o;
	char		 err[8];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), ARGS("--port", "25",
	    "example.test:587")), -1);
	assert_true(strlen(err) < sizeof(err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_defaults),
		cmocka_unit_test(test_cli_port),
		cmocka_unit_test(test_cli_bad_port),
		cmocka_unit_test(test_cli_unknown),
		cmocka_unit_test(test_cli_targets),
		cmocka_unit_test(test_cli_policy),
		cmocka_unit_test(test_cli_timeouts),
		cmocka_unit_test(test_cli_numbers),
		cmocka_unit_test(test_cli_connect),
		cmocka_unit_test(test_cli_name),
		cmocka_unit_test(test_cli_family),
		cmocka_unit_test(test_cli_source),
		cmocka_unit_test(test_cli_flags),
		cmocka_unit_test(test_cli_resolve),
		cmocka_unit_test(test_cli_scan),
		cmocka_unit_test(test_cli_fresh_state),
		cmocka_unit_test(test_cli_small_err),
		/* Last: it stops inside a cluster (see fresh_state). */
		cmocka_unit_test(test_cli_unknown_in_cluster),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
