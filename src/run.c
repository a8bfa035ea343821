/* One run: resolve the target, probe every address concurrently, politely. */
#include <arpa/inet.h>
#include <strings.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "cli.h"
#include "dane.h"
#include "dns.h"
#include "dnswire.h"
#include "fetch.h"
#include "gate.h"
#include "mtasts.h"
#include "report.h"
#include "run.h"
#include "scan_engine.h"
#include "sanitize.h"
#include "smtp.h"
#include "target.h"
#include "tls.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct task;

struct run {
	const struct options	*o;
	struct report		*rep;
	struct event_base	*base;
	struct dns		*dns;
	struct fetcher		*fetch;
	int			 sts_pending;	/* policy host lookups */
	char			 sts_addrs[512]; /* curl's "a,[b]" form */
	struct tls_ctx		 tls;
	struct event		*deadline_ev;
	struct gate		*gate;		/* connection slots */
	struct event		*kick_ev;	/* a slot came back */
	double			 t0, deadline;
	int			 work;		/* queries and tasks not done */
	struct task		*tasks;
};

/*
 * One connection's worth of work on an address: the main session (with one
 * retry after a 4xx, and the deep inspection beside it), or the handshake
 * for one of the other certificates the inspection found.
 */
struct task {
	struct task		*next;
	struct run		*run;
	struct probe		*p;		/* in the report */
	struct probe		*scratch;	/* alt handshake: its own facts */
	struct smtp_session	*sess;
	struct scan_engine	*scan;		/* deep inspection beside the
						   main session */
	struct event		*retry_ev;
	int			 alt;		/* the handshake for ... */
	int			 alt_index;	/* ... p->alt[alt_index] */
	int			 alt_key;	/* ... asking with key_only[] */
	int			 main_done;	/* the main session is over */
	int			 scan_done;	/* so is the inspection, or none */
	int			 waiting;	/* for a connection slot */
	int			 done;
};

struct addr_query {
	struct run		*run;
	struct mx_host		*host;
	int			 family;
};

static void	task_try_start(struct task *);
static void	run_kick(struct run *);
static void	query_tlsa_target(struct run *, struct mx_host *);
static struct task *add_task(struct run *, struct probe *, int alt);

static void
work_done(struct run *r)
{
	if (--r->work == 0)
		event_base_loopbreak(r->base);
}

static void
task_finish(struct task *t)
{
	t->done = 1;
	work_done(t->run);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct task	*t = arg;

	probe_xcript(t->p, 0, '*', "retrying after back-off", 23);
	task_try_start(t);
}

static int
schedule_retry(struct task *t)
{
	struct run	*r = t->run;
	struct timeval	 tv;
	double		 d = r->o->retry_delay;

	/* RFC 5321 §4.2.5: 421 means try later; only once, within the deadline. */
	if (t->p->end != END_BUSY || t->p->attempts >= 2 ||
	    mono_now() + d + 1 >= r->deadline)
		return 0;
	probe_reset(t->p);
	tv.tv_sec = (time_t)d;
	tv.tv_usec = (suseconds_t)((d - (double)tv.tv_sec) * 1e6);
	if (t->retry_ev == NULL)
		t->retry_ev = evtimer_new(r->base, retry_cb, t);
	evtimer_add(t->retry_ev, &tv);
	return 1;
}

/* Signature algorithms and TLS 1.2 suites that make a server present
 * its certificate of one key type (RFC 8446 §4.4.2.2, RFC 5246 §7.4.2). */
static const struct {
	const char	*key, *sigalgs, *ciphers;
} key_only[] = {
	{ "RSA", "RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA-PSS+SHA256:"
	  "RSA-PSS+SHA384:RSA-PSS+SHA512:rsa_pss_pss_sha256:"
	  "rsa_pss_pss_sha384:rsa_pss_pss_sha512:RSA+SHA1",
	  "aRSA:@SECLEVEL=0" },
	{ "ECDSA", "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ECDSA+SHA1",
	  "aECDSA:@SECLEVEL=0" },
};

/* A connection of a task is over: its slot goes back. */
static void
task_closed(struct task *t)
{
	t->sess = NULL;
	gate_give(t->run->gate, t->p->addr_text, t->p->port);
}

static void
alt_session_done(void *arg)
{
	struct task	*t = arg;
	struct probe	*s = t->scratch;
	struct alt_cert	*a = &t->p->alt[t->alt_index];

	task_closed(t);
	/* The facts move from the scratch probe to the certificate. */
	a->tls = s->tls;
	memset(&s->tls, 0, sizeof(s->tls));
	a->peer_chain = s->peer_chain;
	s->peer_chain = NULL;
	task_finish(t);
}

/*
 * For each other certificate the scan found, one more handshake that asks
 * for that key type only, so that its chain is verified like the main
 * one and DANE-TA records can be checked (RFC 7672 §3.1: a sender may get
 * either certificate).
 */
static void
start_alt_sessions(struct task *t)
{
	struct task		*a;
	size_t			 k;
	int			 i;

	for (i = 0; i < t->p->nalt; i++) {
		for (k = 0; k < NELEM(key_only); k++)
			if (strcmp(key_only[k].key, t->p->alt[i].key) == 0)
				break;
		if (k == NELEM(key_only))
			continue;
		a = add_task(t->run, t->p, 1);
		a->alt_index = i;
		a->alt_key = (int)k;
		task_try_start(a);
	}
}

static void
scan_done(void *arg)
{
	struct task	*t = arg;

	t->scan_done = 1;
	start_alt_sessions(t);
	if (t->main_done)
		task_finish(t);
}

/*
 * The deep TLS inspection runs beside the main session from the start,
 * in the connection slots the main session leaves free (the main session
 * takes its slot first): on a server with a slow greeting that saves a
 * round.
 * Even a failed main handshake leaves it worth doing: our own hellos
 * speak what OpenSSL cannot (SSLv3, RC4, export). A server without
 * STARTTLS ends it at its first connection.
 */
static void
start_scan(struct task *t)
{
	struct run	*r = t->run;

	if (!r->o->scan || r->o->quick) {
		t->scan_done = 1;
		return;
	}
	t->scan = scan_engine_start(r->base, r->o, r->deadline, t->p,
	    r->gate, scan_done, t);
	if (t->scan == NULL)
		t->scan_done = 1;
}

static void
session_done(void *arg)
{
	struct task	*t = arg;

	task_closed(t);
	if (schedule_retry(t))
		return;
	t->main_done = 1;
	if (t->scan_done)
		task_finish(t);
}

/* Start the task's connection if a slot is free, else wait for one. */
static void
task_try_start(struct task *t)
{
	struct run		*r = t->run;
	struct smtp_params	 par;

	if (!gate_take(r->gate, t->p->addr_text, t->p->port)) {
		t->waiting = 1;
		return;
	}
	t->waiting = 0;
	memset(&par, 0, sizeof(par));
	par.base = r->base;
	par.opt = r->o;
	par.ctx = r->tls.main;
	par.deadline = r->deadline;
	if (!t->alt) {
		t->sess = smtp_start(&par, t->p, session_done, t);
		return;
	}
	par.tls_only = 1;
	par.keep_chain = 1;
	par.sigalgs = key_only[t->alt_key].sigalgs;
	par.ciphers = key_only[t->alt_key].ciphers;
	t->sess = smtp_start(&par, t->scratch, alt_session_done, t);
}

/*
 * A slot came back: waiting sessions first, in the order they were added,
 * then the inspections, which fill what is left.
 */
static void
run_kick(struct run *r)
{
	struct task	*t;

	for (t = r->tasks; t != NULL; t = t->next)
		if (t->waiting && !t->done)
			task_try_start(t);
	for (t = r->tasks; t != NULL; t = t->next)
		if (t->scan != NULL && !t->scan_done)
			scan_engine_kick(t->scan);
}

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	run_kick(arg);
}

/* From the gate: wake the waiters from the loop, not from inside a
 * callback that is still tearing its session down. */
static void
slot_freed(void *arg)
{
	struct run	*r = arg;

	event_active(r->kick_ev, EV_TIMEOUT, 0);
}

static struct task *
add_task(struct run *r, struct probe *p, int alt)
{
	struct task	*t = xcalloc(1, sizeof(*t)), **tail;

	t->run = r;
	t->p = p;
	t->alt = alt;
	if (alt)
		t->scratch = probe_new_like(p);
	for (tail = &r->tasks; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = t;
	r->work++;
	return t;
}

/* A probe of the report for this address, not started. */
static struct probe *
new_probe(struct run *r, struct mx_host *h, const struct sockaddr_storage *ss,
    socklen_t len)
{
	struct probe	*p = report_add_probe(h);
	const void	*a;

	memcpy(&p->addr, ss, len);
	p->addrlen = len;
	p->family = ss->ss_family;
	p->port = r->o->port;
	p->implicit_tls = r->o->implicit_tls;
	if (ss->ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&p->addr)->sin6_port = htons(p->port);
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	} else {
		((struct sockaddr_in *)&p->addr)->sin_port = htons(p->port);
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	}
	inet_ntop(ss->ss_family, a, p->addr_text, sizeof(p->addr_text));
	/* The reference identity: --name, else the MX host name from DNS. */
	p->refname = r->o->name ? r->o->name :
	    r->rep->target.kind == TARGET_ADDR ? NULL :
	    h->sni_target ? h->alias_of : h->name;
	return p;
}

static void
add_probe(struct run *r, struct mx_host *h, const struct sockaddr_storage *ss,
    socklen_t len)
{
	struct probe	*p = new_probe(r, h, ss, len);
	struct task	*main_task;

	main_task = add_task(r, p, 0);
	task_try_start(main_task);
	start_scan(main_task);
}

/* Where a CNAME led, kept as a host name without the root dot. */
static void
note_alias(struct mx_host *h, const char *canon)
{
	size_t	 len;

	if (canon == NULL || h->alias_of[0] != '\0' ||
	    !target_hostname_ok(canon, strlen(canon)))
		return;
	str_copy(h->alias_of, sizeof(h->alias_of), canon);
	len = strlen(h->alias_of);
	if (len > 0 && h->alias_of[len - 1] == '.')
		h->alias_of[len - 1] = '\0';
}

/* Probe an address now, or keep it until the TLSA base domain is known. */
static void
take_addr(struct run *r, struct mx_host *h, const struct sockaddr_storage *ss,
    socklen_t len, int hold)
{
	if (!hold) {
		add_probe(r, h, ss, len);
		return;
	}
	if (h->nheld < (int)(sizeof(h->held) / sizeof(h->held[0]))) {
		memcpy(&h->held[h->nheld], ss, len);
		h->heldlen[h->nheld++] = len;
	}
}

static void
addr_cb(void *arg, const struct dns_answer *a)
{
	struct addr_query	*q = arg;
	struct run		*r = q->run;
	struct sockaddr_storage	 ss;
	struct dns_fact		*f = q->family == AF_INET ? &q->host->a :
				    &q->host->aaaa;
	int			 i, n = 0, hold;

	*f = a->fact;
	f->asked = 1;
	note_alias(q->host, a->canonname);
	if (q->host->alias_of[0] != '\0' && a->fact.sec == DNSSEC_SECURE)
		query_tlsa_target(r, q->host);
	hold = q->host->tlsa_target != NULL &&
	    q->host->tlsa_target->dns.asked && !q->host->tlsa_target->dns.done;
	for (i = 0; i < a->n; i++) {
		if (n >= RUN_ADDRS_MAX) {
			q->host->addr_dropped++;
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		if (q->family == AF_INET && a->len[i] == 4) {
			ss.ss_family = AF_INET;
			memcpy(&((struct sockaddr_in *)&ss)->sin_addr,
			    a->data[i], 4);
			take_addr(r, q->host, &ss, sizeof(struct sockaddr_in),
			    hold);
			n++;
		} else if (q->family == AF_INET6 && a->len[i] == 16) {
			ss.ss_family = AF_INET6;
			memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr,
			    a->data[i], 16);
			take_addr(r, q->host, &ss,
			    sizeof(struct sockaddr_in6), hold);
			n++;
		}
	}
	free(q);
	work_done(r);
}

static void
query_addrs(struct run *r, struct mx_host *h, int family)
{
	struct addr_query	*q = xcalloc(1, sizeof(*q));

	q->run = r;
	q->host = h;
	q->family = family;
	(family == AF_INET ? &h->a : &h->aaaa)->asked = 1;
	if (dns_query(r->dns, h->name, family == AF_INET ? DNS_TYPE_A :
	    DNS_TYPE_AAAA, addr_cb, q) == -1) {
		struct dns_fact *f = family == AF_INET ? &h->a : &h->aaaa;

		f->done = f->error = 1;
		str_copy(f->errstr, sizeof(f->errstr), "query failed");
		free(q);
		return;
	}
	r->work++;
}

static void
tlsa_cb(void *arg, const struct dns_answer *a)
{
	struct addr_query	*q = arg;
	struct mx_host		*h = q->host;
	int			 i;

	h->tlsa = a->fact;
	h->tlsa.asked = 1;
	for (i = 0; i < a->n; i++) {
		if (h->ntlsa >= TLSA_RECORDS_MAX ||
		    dnswire_tlsa(a->data[i], (size_t)a->len[i],
		    &h->tlsa_recs[h->ntlsa]) == -1)
			h->ntlsa_bad++;
		else
			h->ntlsa++;
	}
	work_done(q->run);
	free(q);
}

static void
tlsa_target_cb(void *arg, const struct dns_answer *a)
{
	struct addr_query	*q = arg;
	struct tlsa_lookup	*t = q->host->tlsa_target;
	int			 i;

	t->dns = a->fact;
	t->dns.asked = 1;
	for (i = 0; i < a->n; i++) {
		if (t->n >= TLSA_RECORDS_MAX || dnswire_tlsa(a->data[i],
		    (size_t)a->len[i], &t->recs[t->n]) == -1)
			t->nbad++;
		else
			t->n++;
	}
	/* Records at the target make it the TLSA base domain: SNI too. */
	q->host->sni_target = t->dns.sec == DNSSEC_SECURE && t->n > 0;
	for (i = 0; i < q->host->nheld; i++)
		add_probe(q->run, q->host, &q->host->held[i],
		    q->host->heldlen[i]);
	q->host->nheld = 0;
	work_done(q->run);
	free(q);
}

/*
 * RFC 7672 §2.2.3: an MX host name that is an alias with a secure
 * expansion has its TLSA records looked up at the target first.
 */
static void
query_tlsa_target(struct run *r, struct mx_host *h)
{
	struct addr_query	*q;
	struct tlsa_lookup	*t;

	if (h->tlsa_target != NULL || r->o->has_connect)
		return;
	t = h->tlsa_target = xcalloc(1, sizeof(*t));
	q = xcalloc(1, sizeof(*q));
	q->run = r;
	q->host = h;
	if (str_fmt(t->name, sizeof(t->name), "_%d._tcp.%s", r->o->port,
	    h->alias_of) == -1 || dns_query(r->dns, t->name, DNS_TYPE_TLSA,
	    tlsa_target_cb, q) == -1) {
		free(q);
		return;
	}
	t->dns.asked = 1;
	r->work++;
}

/*
 * Which TLSA RRset applies to an alias: the target's if it has records,
 * or if its lookup failed (a sender cannot tell what it would have said);
 * the alias's own only after a secure denial at the target.
 */
static void
tlsa_choose(struct mx_host *h)
{
	struct tlsa_lookup	*t = h->tlsa_target;
	int			 i, use;

	if (t == NULL || !t->dns.done)
		return;
	use = t->dns.sec == DNSSEC_BOGUS || t->dns.error || (t->dns.rcode
	    != 0 && !t->dns.nxdomain) || (t->dns.sec == DNSSEC_SECURE &&
	    t->n > 0);
	if (!use)
		return;
	for (i = 0; i < h->ntlsa; i++)
		free(h->tlsa_recs[i].data);
	memcpy(h->tlsa_recs, t->recs, sizeof(t->recs));
	h->ntlsa = t->n;
	h->ntlsa_bad = t->nbad;
	h->tlsa = t->dns;
	str_copy(h->tlsa_name, sizeof(h->tlsa_name), t->name);
	h->tlsa_at_target = 1;
	t->n = 0;
}

/*
 * TLSA at _port._tcp.host (RFC 7672 §2.2.3), asked alongside the address
 * records so that it costs no extra round trip; whether it applies (secure
 * address records) is for the judge.
 */
static void
query_tlsa(struct run *r, struct mx_host *h)
{
	struct addr_query	*q = xcalloc(1, sizeof(*q));

	q->run = r;
	q->host = h;
	if (str_fmt(h->tlsa_name, sizeof(h->tlsa_name), "_%d._tcp.%s",
	    r->o->port, h->name) == -1 || dns_query(r->dns, h->tlsa_name,
	    DNS_TYPE_TLSA, tlsa_cb, q) == -1) {
		free(q);
		return;
	}
	h->tlsa.asked = 1;
	r->work++;
}

/*
 * The scan's other certificates: a sender may get either (RFC 7672 §3.1),
 * so each must match. With the chain from the handshake for that key
 * type every record can be tried; with the scan's leaf alone only DANE-EE
 * ones, so a host with DANE-TA records is then left unchecked.
 */
static void
dane_check_alt(const struct mx_host *h, struct probe *p)
{
	struct tlsa_rec	 ee[TLSA_RECORDS_MAX];
	STACK_OF(X509)	*chain;
	int		 i, k, nee = 0, nta = 0;

	for (k = 0; k < h->ntlsa; k++) {
		if (!dane_usable(&h->tlsa_recs[k]))
			continue;
		if (h->tlsa_recs[k].usage == 3)
			ee[nee++] = h->tlsa_recs[k];
		else
			nta++;
	}
	for (i = 0; i < p->nalt; i++) {
		struct alt_cert *a = &p->alt[i];

		/* The whole chain, from the handshake for this key type. */
		if (a->peer_chain != NULL && a->tls.nchain > 0 &&
		    strcmp(a->tls.chain[0].sha256, a->info.sha256) == 0) {
			dane_verify(a->peer_chain, h->tlsa_recs, h->ntlsa,
			    h->tlsa_at_target ? h->alias_of : h->name, &a->dane);
			continue;
		}
		if (nee == 0)
			continue;
		if ((chain = sk_X509_new_null()) == NULL)
			return;
		if (sk_X509_push(chain, p->alt[i].x509) > 0)
			dane_verify(chain, ee, nee, h->tlsa_at_target ?
			    h->alias_of : h->name, &p->alt[i].dane);
		sk_X509_free(chain);
		/* A DANE-TA record might match the chain we did not keep. */
		if (!p->alt[i].dane.ok && nta > 0)
			p->alt[i].dane.checked = 0;
	}
}

/* Check each completed handshake against its host's TLSA records. */
static void
dane_check(struct report *rep)
{
	int	 i, k;

	for (i = 0; i < rep->nhosts; i++) {
		struct mx_host *h = rep->hosts[i];

		tlsa_choose(h);
		if (h->ntlsa == 0 || h->tlsa.sec != DNSSEC_SECURE)
			continue;
		/* RFC 7672 §2.2.3: the TLSA base domain is the name checked. */
		for (k = 0; k < h->nprobes; k++) {
			if (h->probes[k]->peer_chain != NULL)
				dane_verify(h->probes[k]->peer_chain,
				    h->tlsa_recs, h->ntlsa, h->tlsa_at_target ?
				    h->alias_of : h->name, &h->probes[k]->dane);
			dane_check_alt(h, h->probes[k]);
		}
	}
}

/* Give a host its addresses: --connect, or A and AAAA from DNS. */
static void
resolve_host(struct run *r, struct mx_host *h)
{
	if (r->o->has_connect) {
		add_probe(r, h, &r->o->connect_addr, r->o->connect_len);
		return;
	}
	query_tlsa(r, h);
	if (r->o->family != AF_INET6)
		query_addrs(r, h, AF_INET);
	if (r->o->family != AF_INET)
		query_addrs(r, h, AF_INET6);
}

struct mx_rec {
	int	 pref;
	char	 name[TARGET_NAME_MAX];
};

static int
mx_cmp(const void *a, const void *b)
{
	const struct mx_rec *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

#define MX_DECODE_MAX	256	/* records decoded before sorting */

/*
 * Decode, drop duplicates, sort by preference (RFC 5321 §5.1). The caller
 * takes the best RUN_MX_MAX: sorting first keeps the preferred hosts.
 */
static int
mx_records(const struct dns_answer *a, struct mx_rec *out, int max,
    struct report *rep)
{
	int	 i, j, n = 0;

	rep->null_mx = 0;
	for (i = 0; i < a->n; i++) {
		struct mx_rec m;

		if (dnswire_mx(a->data[i], (size_t)a->len[i], &m.pref, m.name,
		    sizeof(m.name)) == -1) {
			rep->mx_bad++;
			continue;
		}
		/* RFC 7505: a lone "MX 0 ." says the domain takes no mail. */
		if (m.name[0] == '\0') {
			rep->null_mx = 1;
			continue;
		}
		for (j = 0; j < n && strcmp(out[j].name, m.name) != 0; j++)
			;
		if (j < n) {
			if (m.pref < out[j].pref)
				out[j].pref = m.pref;
			continue;
		}
		if (n < max)
			out[n++] = m;
		else
			rep->mx_dropped++;
	}
	if (n > 0)
		rep->null_mx = 0;
	qsort(out, (size_t)n, sizeof(out[0]), mx_cmp);
	return n;
}

static void
mx_cb(void *arg, const struct dns_answer *a)
{
	struct run	*r = arg;
	struct report	*rep = r->rep;
	struct mx_rec	*mx;
	struct mx_host	*h;
	int		 i, n;

	rep->mx = a->fact;
	if (a->fact.nodata) {
		/* RFC 5321 §5.1: no MX, the domain itself is the implicit MX. */
		rep->implicit_mx = 1;
		h = report_add_host(rep, rep->target.name, 0);
		h->implicit = 1;
		resolve_host(r, h);
	} else if (a->n > 0) {
		mx = xcalloc(MX_DECODE_MAX, sizeof(*mx));
		n = mx_records(a, mx, MX_DECODE_MAX, rep);
		for (i = 0; i < n; i++) {
			if (i >= RUN_MX_MAX) {
				rep->mx_dropped++;
				continue;
			}
			resolve_host(r, report_add_host(rep, mx[i].name,
			    mx[i].pref));
		}
		free(mx);
	}
	work_done(r);
}

static void
unanswered(struct dns_fact *f)
{
	f->done = f->error = 1;
	str_copy(f->errstr, sizeof(f->errstr), "no answer before the deadline");
}

/*
 * The MTA-STS policy fetch (RFC 8461 §3.3): resolve mta-sts.<domain>
 * through our own resolver (so --resolver and DNSSEC status apply), hand
 * the addresses to curl, GET the policy from port 443.
 */
#define STS_FETCH_SECS		60	/* RFC 8461 §3.3 suggests a minute */
#define STS_CONNECT_SECS	10

struct sts_query {
	struct run	*run;
	int		 family;
};

/* Does a --resolve entry name host on port 443? */
static int
user_resolves(const struct options *o, const char *host)
{
	size_t	 n = strlen(host);
	int	 i;

	for (i = 0; i < o->nresolve; i++)
		if (strncasecmp(o->resolve[i], host, n) == 0 &&
		    strncmp(o->resolve[i] + n, ":443:", 5) == 0)
			return 1;
	return 0;
}

static void
sts_fail(struct run *r, const char *why)
{
	struct sts_fetch_fact *f = &r->rep->stsp;

	f->done = 1;
	str_copy(f->error, sizeof(f->error), why);
	work_done(r);
}

/* Copy server-sent text into a fixed field, made safe for any output. */
static void
copy_sanitised(char *dst, size_t size, const char *src)
{
	char	*s = sanitize_text_dup(src, strlen(src));

	str_copy(dst, size, s);
	free(s);
}

static void
sts_done(void *arg, const struct fetch_result *res)
{
	struct run		*r = arg;
	struct sts_fetch_fact	*f = &r->rep->stsp;
	struct buf		 b;

	f->done = 1;
	f->curl_code = res->curl_code;
	f->too_large = res->too_large;
	f->http_code = res->http_code;
	f->ms = res->ms;
	if (res->curl_code != 0)
		copy_sanitised(f->error, sizeof(f->error), res->error);
	copy_sanitised(f->content_type, sizeof(f->content_type),
	    res->content_type);
	copy_sanitised(f->location, sizeof(f->location), res->location);
	str_copy(f->addr, sizeof(f->addr), res->addr);
	if (res->curl_code == 0 && res->http_code == 200) {
		f->body = xcalloc(1, res->len + 1);
		memcpy(f->body, res->body, res->len);
		f->body_len = res->len;
		buf_init(&b, 16384);
		f->usable = sts_policy_parse(f->body, f->body_len,
		    &f->policy, &b) == 0;
		if (b.len > 0)
			f->problems = buf_steal(&b);
		else
			buf_free(&b);
	}
	work_done(r);
}

static void
sts_fetch_go(struct run *r)
{
	struct sts_fetch_fact *f = &r->rep->stsp;
	struct fetch_req q;
	const char	*resolve[CLI_RESOLVE_MAX + 1];
	char		 mine[TARGET_NAME_MAX + sizeof(r->sts_addrs) + 8];
	char		 err[160];
	double		 left = r->deadline - mono_now();
	int		 i, n = 0;

	for (i = 0; i < r->o->nresolve; i++)
		resolve[n++] = r->o->resolve[i];
	if (!f->user_resolve) {
		if (r->sts_addrs[0] == '\0')
			return sts_fail(r, "the policy host has no address");
		if (str_fmt(mine, sizeof(mine), "%s:443:%s", f->host,
		    r->sts_addrs) == -1)
			return sts_fail(r, "too many addresses");
		resolve[n++] = mine;
	}
	if (r->fetch == NULL && (r->fetch = fetch_new(r->base, err,
	    sizeof(err))) == NULL)
		return sts_fail(r, err);
	memset(&q, 0, sizeof(q));
	q.url = f->url;
	q.ca_file = r->o->ca_file;
	q.resolve = resolve;
	q.nresolve = n;
	q.timeout_ms = (long)((left < STS_FETCH_SECS ? left : STS_FETCH_SECS) *
	    1000);
	if (q.timeout_ms < 1)
		q.timeout_ms = 1;
	q.connect_timeout_ms = STS_CONNECT_SECS * 1000;
	q.max_bytes = STS_POLICY_MAX;
	if (fetch_start(r->fetch, &q, sts_done, r, err, sizeof(err)) == -1)
		sts_fail(r, err);
}

/* Collect the policy host's addresses in curl's "a,b" form. */
static void
sts_addr_cb(void *arg, const struct dns_answer *a)
{
	struct sts_query *q = arg;
	struct run	*r = q->run;
	struct sts_fetch_fact *f = &r->rep->stsp;
	char		 text[INET6_ADDRSTRLEN + 2], one[INET6_ADDRSTRLEN];
	size_t		 want = q->family == AF_INET ? 4 : 16;
	int		 i;

	*(q->family == AF_INET ? &f->a : &f->aaaa) = a->fact;
	for (i = 0; i < a->n && !a->fact.nxdomain; i++) {
		if (a->fact.sec == DNSSEC_BOGUS || (size_t)a->len[i] != want ||
		    inet_ntop(q->family, a->data[i], one, sizeof(one)) == NULL)
			continue;
		if (str_fmt(text, sizeof(text), q->family == AF_INET ?
		    "%s" : "[%s]", one) == -1)
			continue;
		if (r->sts_addrs[0] != '\0')
			str_append(r->sts_addrs, sizeof(r->sts_addrs), ",");
		str_append(r->sts_addrs, sizeof(r->sts_addrs), text);
		f->naddrs++;
	}
	free(q);
	if (--r->sts_pending == 0)
		sts_fetch_go(r);
}

static void
sts_query_addr(struct run *r, int family)
{
	struct sts_query *q = xcalloc(1, sizeof(*q));
	struct sts_fetch_fact *f = &r->rep->stsp;

	q->run = r;
	q->family = family;
	(family == AF_INET ? &f->a : &f->aaaa)->asked = 1;
	r->sts_pending++;
	if (dns_query(r->dns, f->host, family == AF_INET ? DNS_TYPE_A :
	    DNS_TYPE_AAAA, sts_addr_cb, q) == -1) {
		r->sts_pending--;
		free(q);
	}
}

/* An _mta-sts record exists: fetch the policy it announces. */
static void
sts_fetch_begin(struct run *r)
{
	struct sts_fetch_fact *f = &r->rep->stsp;

	if (f->attempted)
		return;
	f->attempted = 1;
	r->work++;
	if (str_fmt(f->host, sizeof(f->host), "mta-sts.%s",
	    r->rep->target.name) == -1 || str_fmt(f->url, sizeof(f->url),
	    "https://%s/.well-known/mta-sts.txt", f->host) == -1)
		return sts_fail(r, "domain name too long");
	if (user_resolves(r->o, f->host)) {
		f->user_resolve = 1;
		return sts_fetch_go(r);
	}
	if (r->o->family != AF_INET6)
		sts_query_addr(r, AF_INET);
	if (r->o->family != AF_INET)
		sts_query_addr(r, AF_INET6);
	if (r->sts_pending == 0)
		sts_fail(r, "cannot look up the policy host");
}

struct txt_query {
	struct run	*run;
	struct txt_fact	*fact;
	int		 sts;		/* MTA-STS, else TLS-RPT */
};

/* Keep the records of our kind; parse the first (there must be one). */
static void
txt_cb(void *arg, const struct dns_answer *a)
{
	struct txt_query	*q = arg;
	struct txt_fact		*f = q->fact;
	char			 text[POLICY_TXT_MAX], err[160] = "";
	size_t			 n;
	int			 i, r;

	f->dns = a->fact;
	f->dns.asked = 1;
	for (i = 0; i < a->n; i++) {
		if (dnswire_txt(a->data[i], (size_t)a->len[i], text,
		    sizeof(text), &n) == -1) {
			f->nbad++;
			continue;
		}
		if (q->sts) {
			struct sts_txt t;

			r = sts_txt_parse(text, n, &t, err, sizeof(err));
			if (r == 0)
				str_copy(f->id, sizeof(f->id), t.id);
		} else {
			struct tlsrpt t;

			r = tlsrpt_parse(text, n, &t, err, sizeof(err));
			if (r == 0)
				f->nrua = t.nrua;
		}
		if (r == -2 || f->nrecords++ > 0)
			continue;
		memcpy(f->text, text, n);
		f->textlen = n;
		f->valid = r == 0;
		str_copy(f->error, sizeof(f->error), err);
	}
	/* RFC 8461 §3.1, RFC 8460 §3: more than one record means none. */
	if (f->nrecords > 1)
		f->valid = 0;
	/* RFC 8461 §3.3: senders fetch only behind one valid record. */
	if (q->sts && f->valid)
		sts_fetch_begin(q->run);
	work_done(q->run);
	free(q);
}

static void
query_txt(struct run *r, const char *prefix, struct txt_fact *f, int sts)
{
	struct txt_query	*q = xcalloc(1, sizeof(*q));
	char			 name[TARGET_NAME_MAX + 16];

	q->run = r;
	q->fact = f;
	q->sts = sts;
	if (str_fmt(name, sizeof(name), "%s.%s", prefix,
	    r->rep->target.name) == -1 || dns_query(r->dns, name,
	    DNS_TYPE_TXT, txt_cb, q) == -1) {
		free(q);
		return;
	}
	f->dns.asked = 1;
	r->work++;
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	struct task	*t;
	int		 i, k;

	for (t = r->tasks; t != NULL; t = t->next) {
		if (t->sess != NULL) {
			smtp_abort(t->sess);
			t->sess = NULL;
		}
		scan_engine_abort(t->scan);
		if (t->p->end == END_NONE) {
			t->p->end = END_DEADLINE;
			str_copy(t->p->error, sizeof(t->p->error),
			    "total deadline reached before this address was "
			    "tested");
		}
	}
	for (i = 0; i < r->rep->nhosts; i++) {
		struct mx_host *h = r->rep->hosts[i];

		if (h->a.asked && !h->a.done)
			unanswered(&h->a);
		if (h->aaaa.asked && !h->aaaa.done)
			unanswered(&h->aaaa);
		if (h->tlsa.asked && !h->tlsa.done)
			unanswered(&h->tlsa);
		if (h->tlsa_target != NULL && h->tlsa_target->dns.asked &&
		    !h->tlsa_target->dns.done)
			unanswered(&h->tlsa_target->dns);
		/* Addresses still waiting for the alias target's TLSA. */
		for (k = 0; k < h->nheld; k++) {
			struct probe *p = new_probe(r, h, &h->held[k],
			    h->heldlen[k]);

			p->end = END_DEADLINE;
			str_copy(p->error, sizeof(p->error), "total deadline "
			    "reached before this address was tested");
		}
		h->nheld = 0;
	}
	if (r->rep->sts.dns.asked && !r->rep->sts.dns.done)
		unanswered(&r->rep->sts.dns);
	if (r->rep->rpt.dns.asked && !r->rep->rpt.dns.done)
		unanswered(&r->rep->rpt.dns);
	if (r->rep->stsp.attempted && !r->rep->stsp.done) {
		r->rep->stsp.done = 1;
		str_copy(r->rep->stsp.error, sizeof(r->rep->stsp.error),
		    "no answer before the deadline");
	}
	if (!r->rep->mx.done && r->rep->target.kind == TARGET_DOMAIN) {
		unanswered(&r->rep->mx);
	}
	event_base_loopbreak(r->base);
}

static void
start(struct run *r)
{
	struct report	*rep = r->rep;
	const struct target *tg = &rep->target;
	struct mx_host	*h;

	switch (tg->kind) {
	case TARGET_DOMAIN:
		query_txt(r, "_mta-sts", &rep->sts, 1);
		query_txt(r, "_smtp._tls", &rep->rpt, 0);
		r->work++;
		if (dns_query(r->dns, tg->name, DNS_TYPE_MX, mx_cb, r) == -1) {
			rep->mx.done = rep->mx.error = 1;
			str_copy(rep->mx.errstr, sizeof(rep->mx.errstr),
			    "query failed");
			r->work--;
		}
		break;
	case TARGET_HOST:
		resolve_host(r, report_add_host(rep, tg->name, -1));
		break;
	case TARGET_ADDR:
		h = report_add_host(rep, r->o->name ? r->o->name : tg->name, -1);
		add_probe(r, h, &tg->addr, tg->addrlen);
		break;
	}
}

static void
run_free(struct run *r)
{
	struct task	*t, *next;

	for (t = r->tasks; t != NULL; t = next) {
		next = t->next;
		if (t->sess != NULL)
			smtp_abort(t->sess);
		scan_engine_free(t->scan);
		if (t->retry_ev != NULL)
			event_free(t->retry_ev);
		probe_free(t->scratch);
		free(t);
	}
	if (r->deadline_ev != NULL)
		event_free(r->deadline_ev);
	if (r->kick_ev != NULL)
		event_free(r->kick_ev);
	gate_free(r->gate);
	fetch_free(r->fetch);
	dns_free(r->dns);
	tls_ctx_free(&r->tls);
	if (r->base != NULL)
		event_base_free(r->base);
}

static int
needs_dns(const struct options *o)
{
	return o->target.kind == TARGET_DOMAIN ||
	    (o->target.kind == TARGET_HOST && !o->has_connect);
}

int
run_target(const struct options *o, struct report *rep, char *err,
    size_t errlen)
{
	struct run	 r;
	struct timeval	 tv;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.rep = rep;
	rep->target = o->target;
	rep->port = o->port;
	rep->started = (long long)time(NULL);
	r.t0 = mono_now();
	r.deadline = r.t0 + o->timeout;
	if ((r.base = event_base_new()) == NULL) {
		str_copy(err, errlen, "cannot create event loop");
		goto out;
	}
	if (tls_ctx_init(&r.tls, o->ca_file, err, errlen) == -1)
		goto out;
	if (needs_dns(o) && (r.dns = dns_new(r.base, o->resolver,
	    o->trust_anchor, err, errlen)) == NULL)
		goto out;
	r.gate = gate_new(o->max_conn_per_ip, o->max_conn, slot_freed, &r);
	r.kick_ev = event_new(r.base, -1, 0, kick_cb, &r);
	r.deadline_ev = evtimer_new(r.base, deadline_cb, &r);
	tv.tv_sec = (time_t)o->timeout;
	tv.tv_usec = (suseconds_t)((o->timeout - (double)tv.tv_sec) * 1e6);
	evtimer_add(r.deadline_ev, &tv);
	start(&r);
	if (r.work > 0)
		event_base_dispatch(r.base);
	dane_check(rep);
	rep->ms = (mono_now() - r.t0) * 1000.0;
	rc = 0;
out:
	run_free(&r);
	return rc;
}
