/* The JSON renderer: every fact and finding, stable and versioned. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "dane.h"
#include "out.h"
#include "report.h"
#include "sanitize.h"
#include "smtp_parse.h"

/* A string, or null for NULL or empty. */
static json_t *
jstr(const char *s)
{
	return (s != NULL && *s != '\0') ? json_string(s) : json_null();
}

/* Server bytes: always valid UTF-8, JSON escapes the rest. */
static json_t *
jraw(const char *s, size_t len)
{
	size_t	 n;
	char	*u = sanitize_utf8_dup(s, len, &n);
	json_t	*j = json_stringn(u, n);

	free(u);
	return j ? j : json_null();
}

static json_t *
jtime(long long t)
{
	char		 b[32];
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(b);
}

static json_t *
jms(double ms)
{
	return json_real((double)(long long)(ms * 100.0 + 0.5) / 100.0);
}

static json_t *
dns_json(const struct dns_fact *f)
{
	const char	*status;

	if (!f->done)
		return json_null();
	status = f->error ? "error" : f->nxdomain ? "nxdomain" :
	    f->rcode != 0 ? "error" : f->nodata ? "nodata" : "ok";
	return json_pack("{s:s, s:i, s:s, s:o, s:o}", "status", status,
	    "rcode", f->rcode, "dnssec", dnssec_name(f->sec), "why_bogus",
	    jstr(f->why_bogus), "error", jstr(f->errstr));
}

static json_t *
reply_json(const struct smtp_reply *r)
{
	json_t		*lines = json_array();
	const char	*p = buf_str(&r->text), *end = p + r->text.len, *nl;

	if (r->code == 0) {
		json_decref(lines);
		return json_null();
	}
	while (r->nlines > 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		json_array_append_new(lines, jraw(p, (size_t)((nl ? nl : end) -
		    p)));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return json_pack("{s:i, s:o}", "code", r->code, "lines", lines);
}

static json_t *
ehlo_json(const struct ehlo_info *e)
{
	json_t		*ext = json_object(), *kw = json_array();
	unsigned	 f;
	int		 i;

	if (!e->present) {
		json_decref(ext);
		json_decref(kw);
		return json_null();
	}
	for (f = 1; f <= EXT_VRFY; f <<= 1)
		json_object_set_new(ext, ehlo_flag_name(f),
		    json_boolean(e->flags & f));
	for (i = 0; i < e->nkw; i++)
		json_array_append_new(kw, jraw(e->kw[i], strlen(e->kw[i])));
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o}", "extensions", ext,
	    "size", e->size >= 0 ? json_integer(e->size) : json_null(),
	    "auth", jstr(e->auth), "stripped_keyword", e->stripped[0] ?
	    jraw(e->stripped, strlen(e->stripped)) : json_null(),
	    "keywords_total", e->nkw_total, "keywords", kw);
}

static json_t *
cert_json(const struct cert_info *c, long long now)
{
	json_t	*san = json_array();
	int	 i;

	for (i = 0; i < c->nsan; i++)
		json_array_append_new(san, jraw(c->san[i], strlen(c->san[i])));
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:I,"
	    " s:{s:s, s:i, s:o}, s:{s:s, s:o}, s:s, s:s, s:b, s:b}",
	    "subject", jraw(c->subject, strlen(c->subject)),
	    "issuer", jraw(c->issuer, strlen(c->issuer)),
	    "common_name", c->cn ? jraw(c->cn, strlen(c->cn)) : json_null(),
	    "san_dns", san, "san_dns_total", c->nsan_total,
	    "san_ip", jstr(c->san_ip), "serial", jstr(c->serial),
	    "not_before", jtime(c->not_before), "not_after",
	    jtime(c->not_after), "days_left", (json_int_t)cert_days_left(c,
	    now), "key", "type", c->key_type, "bits", c->key_bits, "group",
	    jstr(c->key_group), "signature", "algorithm", c->sig_alg, "hash",
	    jstr(c->sig_hash), "sha256", c->sha256, "spki_sha256",
	    c->spki_sha256, "self_signed", c->self_signed, "ca", c->is_ca);
}

static json_t *
verify_json(const struct tls_fact *t)
{
	json_t	*errs = json_array(), *chain = json_array();
	int	 i;

	for (i = 0; i < t->nerrors; i++)
		json_array_append_new(errs, json_pack("{s:i, s:i}", "depth",
		    t->errors[i].depth, "code", t->errors[i].code));
	for (i = 0; i < t->nverified; i++)
		json_array_append_new(chain, jraw(t->verified[i],
		    strlen(t->verified[i])));
	return json_pack("{s:b, s:I, s:s, s:o, s:b, s:o, s:o}",
	    "trusted", t->nerrors == 0 && t->verify_result == 0,
	    "result", (json_int_t)t->verify_result, "error", t->verify_error,
	    "errors", errs, "name_checked", t->name_checked, "name_ok",
	    t->name_checked ? json_boolean(t->name_ok) : json_null(),
	    "verified_chain", chain);
}

static json_t *
tls_json(const struct tls_fact *t, long long now)
{
	json_t	*chain;
	char	 id[8];
	int	 i;

	if (!t->attempted)
		return json_null();
	if (!t->ok)
		return json_pack("{s:b, s:s, s:o, s:o}", "ok", 0, "error",
		    t->error, "alert", t->alert >= 0 ? json_integer(t->alert) :
		    json_null(), "handshake_ms", jms(t->ms));
	chain = json_array();
	for (i = 0; i < t->nchain; i++)
		json_array_append_new(chain, cert_json(&t->chain[i], now));
	str_fmt(id, sizeof(id), "0x%04x", t->cipher_id & 0xffff);
	return json_pack("{s:b, s:s, s:s, s:o, s:s, s:s, s:o, s:{s:o, s:i},"
	    " s:o, s:o, s:o, s:i, s:o}", "ok", 1, "version", t->version,
	    "cipher", t->cipher, "cipher_iana", jstr(t->cipher_iana),
	    "cipher_id", id, "kx", t->kx, "group", jstr(t->group),
	    "temp_key", "type", jstr(t->temp_key), "bits", t->temp_key_bits,
	    "peer_signature", jstr(t->peer_sig), "verification",
	    verify_json(t), "chain", chain, "chain_total", t->nchain_total,
	    "handshake_ms", jms(t->ms));
}

static const char *
legacy_name(enum legacy_result l)
{
	static const char *const names[] = { "untested", "refused",
	    "accepted", "inconclusive" };

	return names[l];
}

static json_t *
xcript_json(const struct probe *p)
{
	json_t	*a = json_array();
	char	 dir[2] = "";
	int	 i;

	for (i = 0; i < p->nxcript; i++) {
		dir[0] = p->xcript[i].dir;
		json_array_append_new(a, json_pack("{s:o, s:s, s:o}", "ms",
		    jms(p->xcript[i].ms), "dir", dir, "text",
		    jraw(p->xcript[i].data, p->xcript[i].len)));
	}
	return a;
}

/* The inspection's connections: what each asked and what came back. */
static json_t *
scan_log_json(const struct probe *p)
{
	json_t			*a = json_array();
	const struct scan_log	*l;
	int			 i;

	for (i = 0; i < p->nscan_log; i++) {
		l = &p->scan_log[i];
		json_array_append_new(a, json_pack("{s:i, s:o, s:o, s:o, s:o}",
		    "id", l->id, "ms", jms(l->ms), "purpose",
		    jraw(l->purpose, strlen(l->purpose)), "offered",
		    jraw(l->offered, strlen(l->offered)), "answer",
		    jraw(l->answer, strlen(l->answer))));
	}
	return a;
}

static json_t *
dane_json(const struct dane_fact *d)
{
	if (!d->checked)
		return json_null();
	return json_pack("{s:b, s:o, s:o}", "authenticated", d->ok,
	    "matched", d->ok ? json_pack("{s:i, s:i, s:i, s:i}", "usage",
	    d->usage, "selector", d->selector, "matching", d->mtype, "depth",
	    d->depth) : json_null(), "error", d->ok ? json_null() :
	    jstr(d->error));
}

/* The scan's other certificates of this address (RSA next to ECDSA). */
static json_t *
alt_json(const struct probe *p, long long now)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < p->nalt; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o, s:o, "
		    "s:o}", "key", p->alt[i].key, "certificate", cert_json(
		    &p->alt[i].info, now), "name_ok", p->alt[i].name_checked ?
		    json_boolean(p->alt[i].name_ok) : json_null(), "dane",
		    dane_json(&p->alt[i].dane), "chain_verified",
		    p->alt[i].tls.ok ? json_boolean(p->alt[i].tls.verify_result
		    == 0) : json_null(), "verify_error", p->alt[i].tls.ok &&
		    p->alt[i].tls.verify_result != 0 ?
		    jstr(p->alt[i].tls.verify_error) : json_null()));
	return a;
}

static json_t *
probe_json(const struct probe *p, long long now)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:i, s:o, s:o, s:s, s:s, s:o, s:i}",
	    "address", p->addr_text, "family", p->family == AF_INET6 ? "ipv6" :
	    "ipv4", "port", p->port, "reference_name", jstr(p->refname),
	    "source", jstr(p->source), "end", end_name(p->end), "stage",
	    stage_name(p->stage), "error", jstr(p->error), "attempts",
	    p->attempts);
	json_object_set_new(o, "implicit_tls", json_boolean(p->implicit_tls));
	json_object_set_new(o, "conclusive", json_boolean(p->conclusive));
	json_object_set_new(o, "timing_ms", json_pack("{s:o, s:o, s:o, s:o}",
	    "connect", jms(p->connect_ms), "greeting", jms(p->greeting_ms),
	    "handshake", jms(p->tls.ms), "total", jms(p->total_ms)));
	json_object_set_new(o, "greeting", reply_json(&p->greeting));
	json_object_set_new(o, "ehlo", ehlo_json(&p->ehlo));
	json_object_set_new(o, "helo_fallback", json_boolean(p->helo_fallback));
	json_object_set_new(o, "starttls", json_pack("{s:b, s:o, s:I, s:o}",
	    "offered", (p->ehlo.flags & EXT_STARTTLS) != 0, "code",
	    p->starttls_code ? json_integer(p->starttls_code) : json_null(),
	    "injected_bytes", (json_int_t)p->injected_len, "injected",
	    p->injected ? jraw(p->injected, p->injected_len < INJECTED_KEEP ?
	    p->injected_len : INJECTED_KEEP) :
	    json_null()));
	json_object_set_new(o, "tls", tls_json(&p->tls, now));
	json_object_set_new(o, "dane", dane_json(&p->dane));
	json_object_set_new(o, "ehlo_tls", ehlo_json(&p->ehlo_tls));
	json_object_set_new(o, "legacy_tls", json_pack("{s:s, s:o}", "result",
	    legacy_name(p->legacy), "version", jstr(p->legacy_version)));
	json_object_set_new(o, "scan", out_json_scan(p->scan));
	json_object_set_new(o, "scan_connections", scan_log_json(p));
	json_object_set_new(o, "scan_connections_dropped",
	    json_integer(p->scan_log_dropped));
	json_object_set_new(o, "other_certificates", alt_json(p, now));
	json_object_set_new(o, "last_reply", reply_json(&p->last));
	json_object_set_new(o, "transcript", xcript_json(p));
	json_object_set_new(o, "transcript_dropped",
	    json_integer(p->xcript_dropped));
	return o;
}

static json_t *
hex_json(const unsigned char *p, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	char			*s = xcalloc(2, len + 1);
	json_t			*j;
	size_t			 i;

	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	j = json_string(s);
	free(s);
	return j;
}

static json_t *
tlsa_json(const struct mx_host *h)
{
	json_t	*recs = json_array();
	int	 i;

	if (!h->tlsa.asked) {
		json_decref(recs);
		return json_null();
	}
	for (i = 0; i < h->ntlsa; i++) {
		const struct tlsa_rec *t = &h->tlsa_recs[i];

		json_array_append_new(recs, json_pack("{s:i, s:i, s:i, s:o, "
		    "s:b}", "usage", t->usage, "selector", t->selector,
		    "matching", t->mtype, "data", hex_json(t->data, t->len),
		    "usable", dane_usable(t)));
	}
	return json_pack("{s:s, s:b, s:o, s:o, s:i}", "name", h->tlsa_name,
	    "at_cname_target", h->tlsa_at_target, "dns", dns_json(&h->tlsa),
	    "records", recs, "malformed", h->ntlsa_bad);
}

static json_t *
host_json(const struct mx_host *h, long long now)
{
	json_t	*addrs = json_array(), *o;
	int	 i;

	for (i = 0; i < h->nprobes; i++)
		json_array_append_new(addrs, probe_json(h->probes[i], now));
	o = json_pack("{s:s, s:o, s:b, s:{s:o, s:o}, s:o, s:i}", "name",
	    h->name, "preference", h->pref >= 0 ? json_integer(h->pref) :
	    json_null(), "implicit", h->implicit, "dns", "a", dns_json(&h->a),
	    "aaaa", dns_json(&h->aaaa), "addresses", addrs,
	    "addresses_skipped", h->addr_dropped);
	json_object_set_new(o, "tlsa", tlsa_json(h));
	json_object_set_new(o, "alias_of", jstr(h->alias_of));
	return o;
}

/* An _mta-sts or _smtp._tls lookup; null when not asked. */
static json_t *
txt_json(const struct txt_fact *f, int sts)
{
	json_t	*o;

	if (!f->dns.asked)
		return json_null();
	o = json_pack("{s:o, s:i, s:o, s:b, s:o}", "dns", dns_json(&f->dns),
	    "records", f->nrecords, "record", f->nrecords > 0 ?
	    jraw(f->text, f->textlen) : json_null(), "valid", f->valid,
	    "error", f->nrecords == 1 && !f->valid ? jstr(f->error) :
	    json_null());
	if (o != NULL && sts)
		json_object_set_new(o, "id", jstr(f->id));
	else if (o != NULL)
		json_object_set_new(o, "rua_count", json_integer(f->nrua));
	return o ? o : json_null();
}

/* The policy file's mx patterns and syntax problems, as arrays. */
static json_t *
sts_lists(const struct sts_fetch_fact *f, json_t **problems)
{
	json_t		*mx = json_array();
	const char	*p, *nl;
	int		 i;

	*problems = json_array();
	for (i = 0; i < f->policy.nmx; i++)
		json_array_append_new(mx, jraw(f->policy.mx[i],
		    strlen(f->policy.mx[i])));
	for (p = f->problems; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		json_array_append_new(*problems, jraw(p, nl ? (size_t)(nl - p) :
		    strlen(p)));
		if (nl == NULL)
			break;
	}
	return mx;
}

/* The MTA-STS policy fetch; null when no _mta-sts record led to one. */
static json_t *
sts_policy_json(const struct sts_fetch_fact *f)
{
	json_t	*o, *problems, *mx;
	int	 got = f->done && f->curl_code == 0 && f->http_code == 200;

	if (!f->attempted)
		return json_null();
	mx = sts_lists(f, &problems);
	o = json_pack("{s:s, s:s, s:{s:o, s:o}, s:b, s:o, s:o, s:o, s:o, s:o,"
	    " s:b, s:o, s:o, s:b, s:o, s:o, s:o, s:o}",
	    "host", f->host, "url", f->url, "dns", "a", dns_json(&f->a),
	    "aaaa", dns_json(&f->aaaa), "resolved_by_option", f->user_resolve,
	    "address", jstr(f->addr), "http_status", f->http_code ?
	    json_integer(f->http_code) : json_null(), "content_type",
	    jstr(f->content_type), "location", jstr(f->location),
	    "error", jstr(f->error), "too_large", f->too_large, "duration_ms", jms(f->ms),
	    "body", got ? jraw(f->body, f->body_len) : json_null(),
	    "usable", f->usable, "mode", got && f->usable ?
	    json_string(sts_mode_name(f->policy.mode)) : json_null(),
	    "max_age", got && f->policy.max_age >= 0 ?
	    json_integer(f->policy.max_age) : json_null(), "mx", mx,
	    "problems", problems);
	return o ? o : json_null();
}

static json_t *
findings_json(const struct report *r)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:o,"
		    " s:o, s:o}", "id", f->id, "severity",
		    severity_name(f->sev), "host", jstr(f->host), "address",
		    jstr(f->addr), "detail", jraw(f->detail, strlen(f->detail)),
		    "fix", jstr(f->fix), "paste", f->paste ? jraw(f->paste,
		    strlen(f->paste)) : json_null()));
	}
	return a;
}

int
out_json(FILE *fp, const struct report *r, const struct options *o)
{
	static const char *const kinds[] = { "domain", "host", "address" };
	json_t	*root, *hosts = json_array();
	int	 i, rc;

	for (i = 0; i < r->nhosts; i++)
		json_array_append_new(hosts, host_json(r->hosts[i], r->started));
	root = json_pack("{s:i, s:s, s:{s:o, s:s, s:s, s:i, s:b}, s:s, s:o,"
	    " s:o}", "schema_version", JSON_SCHEMA_VERSION,
	    "mxprobe_version", MXPROBE_VERSION, "target", "input",
	    jraw(o->target_arg, strlen(o->target_arg)), "kind",
	    kinds[r->target.kind], "name", r->target.name, "port", r->port,
	    "implicit_tls", o->implicit_tls, "policy", r->policy, "started",
	    jtime(r->started), "duration_ms", jms(r->ms));
	if (root == NULL) {
		json_decref(hosts);
		return -1;
	}
	json_object_set_new(root, "dns", json_pack("{s:o, s:b, s:b, s:i, s:i}",
	    "mx", r->target.kind == TARGET_DOMAIN ? dns_json(&r->mx) :
	    json_null(), "null_mx", r->null_mx, "implicit_mx", r->implicit_mx,
	    "mx_malformed", r->mx_bad, "mx_skipped", r->mx_dropped));
	json_object_set_new(root, "domain_policy", json_pack("{s:o, s:o, "
	    "s:o}", "mta_sts", txt_json(&r->sts, 1), "mta_sts_policy",
	    sts_policy_json(&r->stsp), "tls_rpt", txt_json(&r->rpt, 0)));
	json_object_set_new(root, "hosts", hosts);
	json_object_set_new(root, "findings", findings_json(r));
	json_object_set_new(root, "verdict", json_string(r->untestable ?
	    "untested" : severity_name(r->verdict)));
	json_object_set_new(root, "tested_addresses", json_integer(r->tested));
	json_object_set_new(root, "exit_code", json_integer(r->exit_code));
	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_ENSURE_ASCII |
	    JSON_REAL_PRECISION(12));
	fputc('\n', fp);
	json_decref(root);
	return rc;
}
