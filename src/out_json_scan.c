/* The JSON form of the deep TLS inspection of one address (scan_plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "buf.h"
#include "out.h"
#include "sanitize.h"
#include "scan_plan.h"
#include "scan_suites.h"

static json_t *
jstr0(const char *s)
{
	char	*u;
	size_t	 n;
	json_t	*j;

	if (s == NULL || *s == '\0')
		return json_null();
	u = sanitize_utf8_dup(s, strlen(s), &n);
	j = json_stringn(u, n);
	free(u);
	return j ? j : json_null();
}

static json_t *
code_json(uint16_t code)
{
	char	 b[8];

	snprintf(b, sizeof(b), "0x%04x", code);
	return json_string(b);
}

/* SC_* bits as names. */
static json_t *
classes_json(unsigned bits)
{
	json_t		*a = json_array();
	unsigned	 i;

	for (i = 0; i < SCAN_CLASS_BITS; i++)
		if (bits & (1u << i))
			json_array_append_new(a,
			    json_string(suite_class_name(1u << i)));
	return a;
}

/* One suite with its classification from the one suite table. */
static json_t *
suite_json(uint16_t code)
{
	const struct suite	*s = suite_find(code);
	json_t			*o;

	if (s == NULL)
		return json_pack("{s:o, s:n}", "code", code_json(code), "name");
	o = json_pack("{s:o, s:s, s:o, s:s, s:s, s:s, s:i, s:s, s:s, s:o}",
	    "code", code_json(code), "name", s->iana, "openssl",
	    jstr0(s->ossl), "kx", suite_kx_name(s->kx), "auth",
	    suite_au_name(s->au), "encryption", s->enc, "bits", s->bits,
	    "mac", s->mac, "strength", suite_strength_name(s->strength),
	    "classes", classes_json(s->classes));
	return o ? o : json_null();
}

static json_t *
suites_json(const uint16_t *codes, int n)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, suite_json(codes[i]));
	return a;
}

static json_t *
version_json(const struct scan_version *v)
{
	json_t	*o, *kinds = json_array();
	int	 i;

	for (i = 0; i < v->nssl2_kinds; i++) {
		char b[12];

		snprintf(b, sizeof(b), "0x%06x", (unsigned)v->ssl2_kinds[i]);
		json_array_append_new(kinds, json_string(b));
	}
	o = json_pack("{s:s, s:s, s:b, s:o, s:o, s:i, s:b, s:s, s:o, s:o, "
	    "s:o}", "version", version_name(v->version), "state",
	    scan_state_name(v->state), "inferred", v->inferred, "evidence",
	    jstr0(v->evidence), "suites", suites_json(v->suites, v->nsuites),
	    "suites_dropped", v->suites_dropped, "complete", v->complete,
	    "order", scan_order_name(v->order), "order_evidence",
	    jstr0(v->order_evidence), "server_order", suites_json(
	    v->server_order, v->nserver_order), "ssl2_kinds", kinds);
	return o ? o : json_null();
}

static json_t *
weak_json(const struct scan_weak *w)
{
	json_t		*acc = json_array(), *o;
	unsigned	 i;

	for (i = 0; i < SCAN_CLASS_BITS; i++) {
		const struct scan_proof *p = &w->proof[i];

		if (!(w->accepted & (1u << i)) || p->version == 0)
			continue;
		o = json_pack("{s:s, s:s, s:o}", "class",
		    suite_class_name(1u << i), "version",
		    version_name(p->version), "suite", p->ssl2_kind ?
		    json_null() : suite_json(p->suite));
		json_array_append_new(acc, o);
	}
	return json_pack("{s:o, s:o, s:o}", "tested", classes_json(w->tested),
	    "accepted_classes", classes_json(w->accepted), "accepted", acc);
}

static json_t *
group_json(uint16_t code)
{
	const struct named_group *ng = group_find(code);

	return ng != NULL ? json_string(ng->name) : code_json(code);
}

static json_t *
groups_json(const struct scan_groups *g)
{
	json_t	*a = json_array(), *u = json_array();
	int	 i;

	for (i = 0; i < g->n; i++) {
		json_array_append_new(a, group_json(g->codes[i]));
		if (g->hrr_only[i])
			json_array_append_new(u, group_json(g->codes[i]));
	}
	return json_pack("{s:o, s:o, s:b}", "groups", a, "unconfirmed", u,
	    "complete", g->complete);
}

static json_t *
certs_json(const struct scan_result *r)
{
	json_t		*a = json_array();
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 hex[2 * SHA256_DIGEST_LENGTH + 1];
	int		 i, k;

	for (i = 0; i < r->ncerts; i++) {
		const struct scan_cert *c = &r->certs[i];

		SHA256(c->der, c->len, md);
		for (k = 0; k < SHA256_DIGEST_LENGTH; k++)
			snprintf(hex + 2 * k, 3, "%02x", md[k]);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, "
		    "s:s, s:i}", "asked", suite_au_name(c->asked), "key",
		    suite_au_name(c->key), "version", version_name(c->version),
		    "suite", suite_json(c->suite), "sha256", hex,
		    "chain_length", c->ncerts));
	}
	return a;
}

static json_t *
tri(enum scan_tri t)
{
	return json_string(scan_tri_name(t));
}

json_t *
out_json_scan(const struct scan_result *r)
{
	json_t	*o, *vers;
	int	 i;

	if (r == NULL)
		return json_null();
	vers = json_array();
	for (i = 0; i < SCAN_VERSIONS; i++)
		json_array_append_new(vers, version_json(&r->v[i]));
	o = json_pack("{s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "mode",
	    r->full ? "full" : "classes", "slow", r->slow, "versions", vers,
	    "weak", weak_json(&r->weak), "cbc_only", tri(r->cbc_only),
	    "dh_bits_min", r->dh_bits_min ? json_integer(r->dh_bits_min) :
	    json_null(), "dh_bits_anon_min", r->dh_bits_anon_min ?
	    json_integer(r->dh_bits_anon_min) : json_null(),
	    "groups_tls13", groups_json(&r->groups13),
	    "groups_tls12", groups_json(&r->groups12));
	if (o == NULL)
		return json_null();
	json_object_set_new(o, "extras", json_pack("{s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "secure_renegotiation",
	    tri(r->reneg), "compression", tri(r->compression),
	    "fallback_scsv", tri(r->scsv), "fallback_scsv_evidence",
	    jstr0(r->scsv_evidence), "ocsp_stapling", tri(r->ocsp),
	    "session_ticket", tri(r->ticket), "heartbeat", tri(r->heartbeat),
	    "heartbleed", tri(r->heartbleed), "heartbleed_evidence",
	    jstr0(r->heartbleed_evidence), "extended_master_secret",
	    tri(r->ems), "encrypt_then_mac", tri(r->etm)));
	json_object_set_new(o, "certificates", certs_json(r));
	json_object_set_new(o, "connections", json_pack("{s:i, s:i, s:i, "
	    "s:i, s:b}", "cap", r->cap, "used", r->conns_used, "failed",
	    r->conns_failed, "busy", r->busy, "budget_hit", r->budget_hit));
	json_object_set_new(o, "aborted", r->aborted ? jstr0(r->abort_why[0] ?
	    r->abort_why : "aborted") : json_null());
	json_object_set_new(o, "anomalies", json_pack("{s:i, s:o}", "count",
	    r->anomalies, "first", jstr0(r->anomaly)));
	return o;
}
