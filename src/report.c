/* Construction and teardown of the plain-data report, and names of its enums. */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "report.h"

struct mx_host *
report_add_host(struct report *r, const char *name, int pref)
{
	struct mx_host	*h = xcalloc(1, sizeof(*h));
	struct mx_host	**n;

	str_copy(h->name, sizeof(h->name), name);
	h->pref = pref;
	n = realloc(r->hosts, sizeof(*n) * (size_t)(r->nhosts + 1));
	if (n == NULL)
		abort();
	r->hosts = n;
	r->hosts[r->nhosts++] = h;
	return h;
}

struct probe *
probe_new(void)
{
	struct probe	*p = xcalloc(1, sizeof(*p));

	smtp_reply_init(&p->greeting);
	smtp_reply_init(&p->last);
	p->tls.alert = -1;
	p->ehlo.size = p->ehlo_tls.size = -1;
	return p;
}

struct probe *
report_add_probe(struct mx_host *h)
{
	struct probe	*p = probe_new();
	struct probe	**n;

	n = realloc(h->probes, sizeof(*n) * (size_t)(h->nprobes + 1));
	if (n == NULL)
		abort();
	h->probes = n;
	h->probes[h->nprobes++] = p;
	return p;
}

void
probe_xcript(struct probe *p, double ms, char dir, const char *s, size_t len)
{
	struct xcript_line	*n;

	if (p->nxcript >= XCRIPT_LINES_MAX) {
		p->xcript_dropped++;
		return;
	}
	if (len > SMTP_LINE_MAX)
		len = SMTP_LINE_MAX;
	n = realloc(p->xcript, sizeof(*n) * (size_t)(p->nxcript + 1));
	if (n == NULL)
		abort();
	p->xcript = n;
	n[p->nxcript].ms = ms;
	n[p->nxcript].dir = dir;
	n[p->nxcript].data = xstrndup(s, len);
	n[p->nxcript].len = len;
	p->nxcript++;
}

void
probe_scan_log(struct probe *p, const struct scan_log *l)
{
	struct scan_log	*n;

	if (p->nscan_log >= SCAN_LOG_MAX) {
		p->scan_log_dropped++;
		return;
	}
	n = realloc(p->scan_log, sizeof(*n) * (size_t)(p->nscan_log + 1));
	if (n == NULL)
		abort();
	p->scan_log = n;
	n[p->nscan_log++] = *l;
}

static void
peer_chain_free(struct probe *p)
{
	if (p->peer_chain != NULL)
		sk_X509_pop_free(p->peer_chain, X509_free);
	p->peer_chain = NULL;
}

static void
tls_fact_free(struct tls_fact *t)
{
	int	 i;

	for (i = 0; i < t->nchain; i++)
		cert_info_free(&t->chain[i]);
	for (i = 0; i < t->nverified; i++)
		free(t->verified[i]);
	t->nchain = t->nverified = 0;
}

/* Everything one session recorded, freed; the probe's identity stays. */
static void
probe_free_facts(struct probe *p)
{
	int	 i;

	smtp_reply_free(&p->greeting);
	smtp_reply_free(&p->last);
	ehlo_free(&p->ehlo);
	ehlo_free(&p->ehlo_tls);
	free(p->injected);
	p->injected = NULL;
	tls_fact_free(&p->tls);
	peer_chain_free(p);
	scan_result_free(p->scan);
	p->scan = NULL;
	for (i = 0; i < p->nalt; i++) {
		cert_info_free(&p->alt[i].info);
		X509_free(p->alt[i].x509);
		tls_fact_free(&p->alt[i].tls);
		if (p->alt[i].peer_chain != NULL)
			sk_X509_pop_free(p->alt[i].peer_chain, X509_free);
	}
	free(p->alt);
	p->alt = NULL;
	p->nalt = 0;
}

struct probe *
probe_new_like(const struct probe *p)
{
	struct probe	*s = probe_new();

	memcpy(&s->addr, &p->addr, sizeof(p->addr));
	s->addrlen = p->addrlen;
	memcpy(s->addr_text, p->addr_text, sizeof(p->addr_text));
	s->family = p->family;
	s->port = p->port;
	s->implicit_tls = p->implicit_tls;
	s->refname = p->refname;
	return s;
}

void
probe_reset(struct probe *p)
{
	struct probe	 keep = *p;

	/* The inspection runs beside the sessions; a retry of the main
	 * session keeps what it found. */
	p->scan = NULL;
	p->alt = NULL;
	p->nalt = 0;
	probe_free_facts(p);
	memset(p, 0, sizeof(*p));
	p->scan = keep.scan;
	p->alt = keep.alt;
	p->nalt = keep.nalt;
	p->scan_log = keep.scan_log;
	p->nscan_log = keep.nscan_log;
	p->scan_log_dropped = keep.scan_log_dropped;
	memcpy(&p->addr, &keep.addr, sizeof(p->addr));
	p->addrlen = keep.addrlen;
	memcpy(p->addr_text, keep.addr_text, sizeof(p->addr_text));
	p->family = keep.family;
	p->port = keep.port;
	p->implicit_tls = keep.implicit_tls;
	p->refname = keep.refname;
	p->attempts = keep.attempts;
	p->legacy = keep.legacy;
	memcpy(p->legacy_version, keep.legacy_version,
	    sizeof(p->legacy_version));
	p->xcript = keep.xcript;
	p->nxcript = keep.nxcript;
	p->xcript_dropped = keep.xcript_dropped;
	smtp_reply_init(&p->greeting);
	smtp_reply_init(&p->last);
	p->tls.alert = -1;
	p->ehlo.size = p->ehlo_tls.size = -1;
}

void
probe_free(struct probe *p)
{
	int	 i;

	if (p == NULL)
		return;
	probe_free_facts(p);
	for (i = 0; i < p->nxcript; i++)
		free(p->xcript[i].data);
	free(p->xcript);
	free(p->scan_log);
	free(p);
}

void
report_free(struct report *r)
{
	int	 i, j;

	for (i = 0; i < r->nhosts; i++) {
		for (j = 0; j < r->hosts[i]->nprobes; j++)
			probe_free(r->hosts[i]->probes[j]);
		free(r->hosts[i]->probes);
		for (j = 0; j < r->hosts[i]->ntlsa; j++)
			free(r->hosts[i]->tlsa_recs[j].data);
		if (r->hosts[i]->tlsa_target != NULL)
			for (j = 0; j < r->hosts[i]->tlsa_target->n; j++)
				free(r->hosts[i]->tlsa_target->recs[j].data);
		free(r->hosts[i]->tlsa_target);
		free(r->hosts[i]);
	}
	free(r->hosts);
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].host);
		free(r->findings[i].addr);
		free(r->findings[i].detail);
		free(r->findings[i].paste);
	}
	free(r->findings);
	free(r->stsp.body);
	free(r->stsp.problems);
	sts_policy_free(&r->stsp.policy);
	memset(r, 0, sizeof(*r));
}

const char *
severity_name(enum severity s)
{
	static const char *const names[] = { "ok", "info", "warn", "fail" };

	return (unsigned)s < 4 ? names[s] : "?";
}

const char *
dnssec_name(enum dnssec s)
{
	static const char *const names[] = { "unknown", "insecure", "secure",
	    "bogus" };

	return (unsigned)s < 4 ? names[s] : "?";
}

const char *
stage_name(enum probe_stage s)
{
	static const char *const names[] = { "none", "connect", "greeting",
	    "ehlo", "helo", "starttls", "handshake", "ehlo-tls", "quit",
	    "done" };

	return (unsigned)s <= STAGE_DONE ? names[s] : "?";
}

const char *
end_name(enum probe_end e)
{
	static const char *const names[] = { "none", "ok", "connect-failed",
	    "timeout", "deadline", "closed", "protocol-error", "busy",
	    "rejected", "tls-failed", "internal" };

	return (unsigned)e <= END_INTERNAL ? names[e] : "?";
}
