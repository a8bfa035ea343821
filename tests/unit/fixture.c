/* Hand-built reports for the judge and renderer tests. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "cli.h"
#include "fixture.h"
#include "report.h"
#include "smtp_parse.h"

void
fix_options(struct options *o)
{
	static char	 a0[] = "mxprobe", a1[] = "example.test";
	char		*argv[] = { a0, a1, NULL };
	char		 err[256];

	if (cli_parse(2, argv, o, err, sizeof(err)) == -1)
		abort();
}

void
fix_report(struct report *r, const struct options *o)
{
	memset(r, 0, sizeof(*r));
	r->target = o->target;
	str_copy(r->input, sizeof(r->input), o->target_arg);
	r->port = o->port;
	r->started = FIX_NOW;
	r->ms = 1234.5;
	r->mx.done = 1;
	r->mx.sec = DNSSEC_INSECURE;
}

void
fix_cert(struct cert_info *c, const char *name)
{
	struct buf	 b;

	memset(c, 0, sizeof(*c));
	buf_init(&b, 512);
	buf_addf(&b, "CN=%s", name);
	c->subject = buf_steal(&b);
	c->issuer = xstrdup("CN=Example Test CA,O=Example");
	c->cn = xstrdup(name);
	c->san = xcalloc(2, sizeof(char *));
	c->san[0] = xstrdup(name);
	c->nsan = c->nsan_total = 1;
	str_copy(c->serial, sizeof(c->serial), "0123456789ABCDEF");
	c->not_before = FIX_NOW - 30 * FIX_DAY;
	c->not_after = FIX_NOW + 60 * FIX_DAY;
	str_copy(c->key_type, sizeof(c->key_type), "EC");
	c->key_bits = 256;
	str_copy(c->key_group, sizeof(c->key_group), "prime256v1");
	str_copy(c->sig_alg, sizeof(c->sig_alg), "ecdsa-with-SHA256");
	str_copy(c->sig_hash, sizeof(c->sig_hash), "SHA256");
	memset(c->sha256, 'a', 64);
	memset(c->spki_sha256, 'b', 64);
}

void
fix_reply(struct smtp_reply *r, const char *const *lines, int n)
{
	int	 i;

	smtp_reply_free(r);
	smtp_reply_init(r);
	for (i = 0; i < n; i++)
		if (smtp_reply_feed(r, lines[i], strlen(lines[i]), 1) ==
		    FEED_BAD)
			abort();
}

struct probe *
fix_good_probe(struct mx_host *h, int family, const char *addr)
{
	static const char *const greeting[] = { "220 mx ESMTP" };
	static const char *const ehlo[] = { "250-mx.example.test",
	    "250-PIPELINING", "250-SIZE 10240000", "250-STARTTLS",
	    "250 8BITMIME" };
	static const char *const ehlo_tls[] = { "250-mx.example.test",
	    "250-PIPELINING", "250 8BITMIME" };
	struct probe	*p = report_add_probe(h);
	struct smtp_reply r;

	p->family = family;
	str_copy(p->addr_text, sizeof(p->addr_text), addr);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&p->addr;

		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		p->addrlen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&p->addr;

		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		p->addrlen = sizeof(*sin6);
	}
	p->port = 25;
	p->refname = h->name;
	p->stage = STAGE_DONE;
	p->end = END_OK;
	p->attempts = 1;
	fix_reply(&p->greeting, greeting, 1);
	p->ehlo_code = 250;
	smtp_reply_init(&r);
	fix_reply(&r, ehlo, 5);
	ehlo_parse(&p->ehlo, &r);
	fix_reply(&r, ehlo_tls, 3);
	ehlo_parse(&p->ehlo_tls, &r);
	smtp_reply_free(&r);
	p->starttls_code = 220;

	p->tls.attempted = 1;
	p->tls.ok = 1;
	str_copy(p->tls.version, sizeof(p->tls.version), "TLSv1.3");
	p->tls.version_num = 0x0304;
	str_copy(p->tls.cipher, sizeof(p->tls.cipher),
	    "TLS_AES_256_GCM_SHA384");
	str_copy(p->tls.cipher_iana, sizeof(p->tls.cipher_iana),
	    "TLS_AES_256_GCM_SHA384");
	p->tls.cipher_id = 0x1302;
	str_copy(p->tls.kx, sizeof(p->tls.kx), "any");
	str_copy(p->tls.group, sizeof(p->tls.group), "x25519");
	p->tls.verify_result = 0;
	p->tls.name_checked = 1;
	p->tls.name_ok = 1;
	fix_cert(&p->tls.chain[0], h->name);
	fix_cert(&p->tls.chain[1], "Example Test CA");
	p->tls.chain[1].is_ca = 1;
	p->tls.nchain = p->tls.nchain_total = 2;
	p->tls.ms = 12.5;
	p->legacy = LEGACY_REFUSED;
	p->connect_ms = 1.5;
	p->greeting_ms = 2.5;
	p->total_ms = 40;
	return p;
}

struct probe *
fix_good_host(struct report *r, const char *name)
{
	struct mx_host	*h = report_add_host(r, name, 10);

	return fix_good_probe(h, AF_INET, "192.0.2.25");
}

const struct finding *
fix_find(const struct report *r, const char *id)
{
	int	 i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return &r->findings[i];
	return NULL;
}

int
fix_count(const struct report *r, const char *id)
{
	int	 i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += strcmp(r->findings[i].id, id) == 0;
	return n;
}

int
fix_only_ok(const struct report *r)
{
	int	 i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].sev != SEV_OK)
			return 0;
	return 1;
}
