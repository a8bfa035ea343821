/* Command-line options: parsed once into plain data. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "report.h"

enum {
	OPT_NAME = 256, OPT_CONNECT, OPT_SOURCE, OPT_PORT, OPT_IMPLICIT,
	OPT_EHLO, OPT_TIMEOUT, OPT_CONNECT_TIMEOUT, OPT_GREETING_TIMEOUT,
	OPT_REPLY_TIMEOUT, OPT_HANDSHAKE_TIMEOUT, OPT_RETRY_DELAY,
	OPT_MAX_CONN, OPT_MAX_CONN_TOTAL, OPT_POLICY, OPT_CA_FILE, OPT_RESOLVER, OPT_RESOLVE, OPT_TA,
	OPT_FAIL_ON, OPT_WARN_DAYS, OPT_QUICK, OPT_SCAN, OPT_CIPHERS, OPT_SCAN_PAUSE, OPT_JSON, OPT_COLOR,
	OPT_NO_COLOR, OPT_HELP, OPT_VERSION
};

static const struct option longopts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "implicit-tls", no_argument, NULL, OPT_IMPLICIT },
	{ "ehlo", required_argument, NULL, OPT_EHLO },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "greeting-timeout", required_argument, NULL, OPT_GREETING_TIMEOUT },
	{ "reply-timeout", required_argument, NULL, OPT_REPLY_TIMEOUT },
	{ "handshake-timeout", required_argument, NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
	{ "max-conn-per-ip", required_argument, NULL, OPT_MAX_CONN },
	{ "max-conn", required_argument, NULL, OPT_MAX_CONN_TOTAL },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "resolve", required_argument, NULL, OPT_RESOLVE },
	{ "trust-anchor", required_argument, NULL, OPT_TA },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "scan", no_argument, NULL, OPT_SCAN },
	{ "ciphers", required_argument, NULL, OPT_CIPHERS },
	{ "scan-pause", required_argument, NULL, OPT_SCAN_PAUSE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "color", no_argument, NULL, OPT_COLOR },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

void
cli_usage(FILE *f)
{
	fputs(
"usage: mxprobe [options] TARGET\n"
"\n"
"Test the inbound STARTTLS of a mail domain's servers as a sending server\n"
"meets it: MX lookup, every address, SMTP, TLS handshake, certificate.\n"
"\n"
"TARGET (Postfix next-hop notation, each with an optional :PORT):\n"
"  example.com            MX lookup; every address of every MX host\n"
"  [mx.example.com]       that host only, no MX lookup\n"
"  192.0.2.25, [192.0.2.25], [2001:db8::25]   that address\n"
"\n"
"Where to connect:\n"
"  --name NAME            SNI and certificate name (address target or\n"
"                         with --connect)\n"
"  --connect ADDR         connect here instead of the addresses in DNS\n"
"  --source ADDR          bind this local address\n"
"  -4, -6                 IPv4 or IPv6 addresses only\n"
"  --port N               port (25; 587 submission; 465 implicit TLS)\n"
"  --implicit-tls         TLS from the first byte on any port\n"
"  --ehlo NAME            name to send in EHLO (default: this host's FQDN)\n"
"\n"
"Judgement:\n"
"  --policy opportunistic|strict   how certificate problems count (default\n"
"                         opportunistic: RFC 7435 port 25; strict: as an\n"
"                         MTA-STS enforce sender judges)\n"
"  --warn-days N          warn when a certificate expires within N days (21)\n"
"  --ca-file FILE         trust these CAs instead of the system store\n"
"  --scan                 deep TLS inspection with our own ClientHellos:\n"
"                         versions SSLv2-TLS 1.3, weak suite classes,\n"
"                         server order, groups, extras (default on)\n"
"  --ciphers classes|full  suites: weakness classes (default, <= 20\n"
"                         connections) or every accepted suite\n"
"  --quick                one handshake only: no deep TLS inspection\n"
"  --fail-on warn|fail    lowest severity that makes the exit status\n"
"                         non-zero (warn)\n"
"\n"
"DNS:\n"
"  --resolver ADDR[@PORT] send all queries to this server\n"
"  --trust-anchor FILE    DNSSEC trust anchor (DS or DNSKEY, zone-file form)\n"
"  --resolve HOST:PORT:ADDR  use ADDR for HOST in the MTA-STS policy fetch\n"
"                         (curl's meaning; the fetch uses port 443)\n"
"\n"
"Time (seconds):\n"
"  --timeout S            total deadline per target (120)\n"
"  --connect-timeout S    TCP connect (15)\n"
"  --greeting-timeout S   the 220 greeting (30)\n"
"  --reply-timeout S      every other reply (30)\n"
"  --handshake-timeout S  TLS handshake (20)\n"
"  --retry-delay S        back-off before retrying a 4xx (10)\n"
"  --max-conn-per-ip N    connections at once per server address (2)\n"
"  --max-conn N           connections at once in the whole run (256)\n"
"  --scan-pause S         wait between the inspection's connections (0)\n"
"\n"
"Output:\n"
"  --json                 one JSON document on stdout (docs/json-schema.md)\n"
"  -v, --verbose          SMTP transcript and handshake detail\n"
"  --color, --no-color    force colour on or off (NO_COLOR is honoured)\n"
"  --help, --version\n"
"\n"
"Exit status: 0 ok, 1 warnings, 2 failures, 3 could not test.\n", f);
}

static int
parse_seconds(const char *s, double *out)
{
	char	*end;
	double	 v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtod(s, &end);
	if (*end != '\0' || !(v > 0 && v <= 86400))
		return -1;
	*out = v;
	return 0;
}

/* --resolve HOST:PORT:ADDR[,ADDR...], checked here so curl gets no junk. */
static int
add_resolve(struct options *o, const char *arg, char *err, size_t errlen)
{
	const char	*c1, *c2;
	long long	 port;

	if (o->nresolve >= CLI_RESOLVE_MAX)
		return str_fmt(err, errlen, "--resolve: at most %d",
		    CLI_RESOLVE_MAX), -1;
	c1 = strchr(arg, ':');
	c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	if (c1 == NULL || c2 == NULL || c1 == arg || c2[1] == '\0' ||
	    !target_hostname_ok(arg, (size_t)(c1 - arg)) ||
	    parse_num(c1 + 1, (size_t)(c2 - c1 - 1), 1, 65535, &port) == -1 ||
	    strlen(arg) > 512)
		return str_fmt(err, errlen, "--resolve: HOST:PORT:ADDR, not "
		    "'%.200s'", arg), -1;
	o->resolve[o->nresolve++] = arg;
	return 0;
}

static void
defaults(struct options *o)
{
	char	 host[200];

	memset(o, 0, sizeof(*o));
	o->timeout = 120;
	o->connect_timeout = 15;
	o->greeting_timeout = 30;
	o->reply_timeout = 30;
	o->handshake_timeout = 20;
	o->retry_delay = 10;
	o->max_conn_per_ip = 2;
	o->max_conn = CLI_MAX_CONN_DEFAULT;
	o->warn_days = 21;
	o->fail_on = SEV_WARN;
	o->color = -1;
	o->scan = 1;
	if (gethostname(host, sizeof(host)) == 0 && strchr(host, '.') &&
	    target_hostname_ok(host, strlen(host)))
		str_copy(o->ehlo, sizeof(o->ehlo), host);
	else
		str_copy(o->ehlo, sizeof(o->ehlo), "mxprobe.invalid");
}

static int
parse_addr_opt(const char *what, const char *s, struct sockaddr_storage *ss,
    socklen_t *len, char *err, size_t errlen)
{
	char	 tmp[80];
	size_t	 n = strlen(s);

	/* Accept [addr] as well as addr. */
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		s = tmp;
	}
	if (target_parse_addr(s, ss, len) == -1) {
		str_fmt(err, errlen, "%s: '%.64s' is not an IP address", what, s);
		return -1;
	}
	return 0;
}

/* One option; -1 with err set on a bad value. */
static int
apply(struct options *o, int c, const char *arg, int *port_opt, char *err,
    size_t errlen)
{
	double	*t = NULL;
	long long v;

	switch (c) {
	case OPT_NAME:
		if (!target_hostname_ok(arg, strlen(arg)))
			return str_fmt(err, errlen, "--name: bad host name"), -1;
		o->name = arg;
		return 0;
	case OPT_CONNECT:
		o->has_connect = 1;
		return parse_addr_opt("--connect", arg, &o->connect_addr,
		    &o->connect_len, err, errlen);
	case OPT_SOURCE:
		o->has_source = 1;
		return parse_addr_opt("--source", arg, &o->source_addr,
		    &o->source_len, err, errlen);
	case '4':
		o->family = AF_INET;
		return 0;
	case '6':
		o->family = AF_INET6;
		return 0;
	case OPT_PORT:
		if (target_parse_port(arg, port_opt) == -1)
			return str_fmt(err, errlen, "--port: '%.16s' is not a "
			    "port (1-65535)", arg), -1;
		return 0;
	case OPT_IMPLICIT:
		o->implicit_tls = 1;
		return 0;
	case OPT_EHLO:
		if (!target_hostname_ok(arg, strlen(arg)) ||
		    str_copy(o->ehlo, sizeof(o->ehlo), arg) == -1)
			return str_fmt(err, errlen, "--ehlo: bad host name"), -1;
		return 0;
	case OPT_TIMEOUT: t = &o->timeout; break;
	case OPT_CONNECT_TIMEOUT: t = &o->connect_timeout; break;
	case OPT_GREETING_TIMEOUT: t = &o->greeting_timeout; break;
	case OPT_REPLY_TIMEOUT: t = &o->reply_timeout; break;
	case OPT_HANDSHAKE_TIMEOUT: t = &o->handshake_timeout; break;
	case OPT_RETRY_DELAY: t = &o->retry_delay; break;
	case OPT_MAX_CONN:
		if (parse_num(arg, strlen(arg), 1, 64, &v) == -1)
			return str_fmt(err, errlen, "--max-conn-per-ip: 1-64"), -1;
		o->max_conn_per_ip = (int)v;
		return 0;
	case OPT_MAX_CONN_TOTAL:
		if (parse_num(arg, strlen(arg), 1, CLI_MAX_CONN_MAX, &v) == -1)
			return str_fmt(err, errlen, "--max-conn: 1-%d",
			    CLI_MAX_CONN_MAX), -1;
		o->max_conn = (int)v;
		return 0;
	case OPT_POLICY:
		if (strcmp(arg, "opportunistic") == 0)
			o->policy = POLICY_OPPORTUNISTIC;
		else if (strcmp(arg, "strict") == 0)
			o->policy = POLICY_STRICT;
		else
			return str_fmt(err, errlen, "--policy: opportunistic "
			    "or strict"), -1;
		return 0;
	case OPT_CA_FILE:
		if (access(arg, R_OK) == -1)
			return str_fmt(err, errlen, "--ca-file: cannot read "
			    "'%.200s'", arg), -1;
		o->ca_file = arg;
		return 0;
	case OPT_RESOLVER:
		o->resolver = arg;
		return 0;
	case OPT_RESOLVE:
		return add_resolve(o, arg, err, errlen);
	case OPT_TA:
		if (access(arg, R_OK) == -1)
			return str_fmt(err, errlen, "--trust-anchor: cannot "
			    "read '%.200s'", arg), -1;
		o->trust_anchor = arg;
		return 0;
	case OPT_FAIL_ON:
		if (strcmp(arg, "warn") == 0)
			o->fail_on = SEV_WARN;
		else if (strcmp(arg, "fail") == 0)
			o->fail_on = SEV_FAIL;
		else
			return str_fmt(err, errlen, "--fail-on: warn or fail"),
			    -1;
		return 0;
	case OPT_WARN_DAYS:
		if (parse_num(arg, strlen(arg), 0, 3650, &v) == -1)
			return str_fmt(err, errlen, "--warn-days: 0-3650"), -1;
		o->warn_days = (int)v;
		return 0;
	case OPT_QUICK: o->quick = 1; o->scan = 0; return 0;
	case OPT_SCAN: o->scan = 1; o->quick = 0; return 0;
	case OPT_SCAN_PAUSE:
		if (strcmp(arg, "0") == 0) {
			o->scan_pause = 0;
			return 0;
		}
		if (parse_seconds(arg, &o->scan_pause) == -1)
			return str_fmt(err, errlen, "--scan-pause: seconds, "
			    "0-86400"), -1;
		return 0;
	case OPT_CIPHERS:
		if (strcmp(arg, "full") == 0)
			o->ciphers_full = 1;
		else if (strcmp(arg, "classes") == 0)
			o->ciphers_full = 0;
		else
			return str_fmt(err, errlen, "--ciphers: classes or "
			    "full"), -1;
		return 0;
	case OPT_JSON: o->json = 1; return 0;
	case OPT_COLOR: o->color = 1; return 0;
	case OPT_NO_COLOR: o->color = 0; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_HELP: o->help = 1; return 0;
	case OPT_VERSION: o->version = 1; return 0;
	default:
		return str_fmt(err, errlen, "unknown option (see --help)"), -1;
	}
	if (parse_seconds(arg, t) == -1)
		return str_fmt(err, errlen, "bad number of seconds '%.16s' "
		    "(0 < S <= 86400)", arg), -1;
	return 0;
}

/* Resolve the port: --port, then TARGET:PORT, then 25. */
static int
finish(struct options *o, int port_opt, char *err, size_t errlen)
{
	if (port_opt && o->target.port && port_opt != o->target.port)
		return str_fmt(err, errlen, "--port %d contradicts the port in "
		    "the target (%d)", port_opt, o->target.port), -1;
	o->port = port_opt ? port_opt : o->target.port ? o->target.port : 25;
	if (o->port == 465)
		o->implicit_tls = 1;
	if (o->target.kind == TARGET_ADDR && o->has_connect)
		return str_fmt(err, errlen, "--connect needs a domain or host "
		    "target, not an address"), -1;
	if (o->name != NULL && o->target.kind != TARGET_ADDR &&
	    !o->has_connect)
		return str_fmt(err, errlen, "--name applies to an address "
		    "target or with --connect"), -1;
	/* A source address can only reach addresses of its own family. */
	if (o->has_source && o->family && o->family !=
	    o->source_addr.ss_family)
		return str_fmt(err, errlen, "--source is not of the family "
		    "chosen by -4/-6"), -1;
	if (o->has_source)
		o->family = o->source_addr.ss_family;
	if (o->has_connect && o->family && o->family !=
	    o->connect_addr.ss_family)
		return str_fmt(err, errlen, "--connect address is not of the "
		    "family chosen by -4/-6 or --source"), -1;
	if (o->target.kind == TARGET_ADDR && o->family &&
	    o->target.addr.ss_family != o->family)
		return str_fmt(err, errlen, "the target address is not of the "
		    "family chosen by -4/-6 or --source"), -1;
	return 0;
}

int
cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	int	 c, port_opt = 0;

	defaults(o);
	optind = 0;	/* glibc: full reset, also of a half-read -abc cluster */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "46vh", longopts, NULL)) != -1) {
		if (c == 'h')
			c = OPT_HELP;
		if (c == '?' || c == ':') {
			/* A short option inside a cluster: optind has not moved. */
			if (optopt > 0 && optopt < 128)
				str_fmt(err, errlen, "unknown option or missing "
				    "value: '-%c' (see --help)", optopt);
			else
				str_fmt(err, errlen, "unknown option or missing "
				    "value: '%.64s' (see --help)",
				    argv[optind - 1]);
			return -1;
		}
		if (apply(o, c, optarg, &port_opt, err, errlen) == -1)
			return -1;
	}
	if (o->help || o->version)
		return 0;
	if (optind != argc - 1) {
		str_fmt(err, errlen, optind >= argc ? "no target given (see "
		    "--help)" : "exactly one target expected");
		return -1;
	}
	o->target_arg = argv[optind];
	if (target_parse(o->target_arg, &o->target, err, errlen) == -1)
		return -1;
	return finish(o, port_opt, err, errlen);
}
