/* Asynchronous, validating DNS through libunbound inside the event loop. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>
#include <unbound.h>

#include "buf.h"
#include "dns.h"

/* Debian's dns-root-data; used when no --trust-anchor is given. */
#define ROOT_ANCHOR	"/usr/share/dns/root.key"

struct dns {
	struct ub_ctx	*ctx;
	struct event	*ev;
	int		 pending;
	struct dns_query *queries;	/* outstanding, freed with the dns */
};

struct dns_query {
	struct dns_query *next, **prevp;
	struct dns	*dns;
	dns_cb		 cb;
	void		*arg;
};

static void
dns_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns	*d = arg;

	ub_process(d->ctx);
}

/* Special-use names the lab and tests use must reach the given server. */
static int
open_special_zones(struct ub_ctx *ctx)
{
	static const char *const zones[] = { "test. transparent",
	    "invalid. transparent" };
	size_t	 i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (ub_ctx_set_option(ctx, "local-zone:", zones[i]) != 0)
			return -1;
	return 0;
}

static int
configure(struct ub_ctx *ctx, const char *resolver, const char *ta,
    char *err, size_t errlen)
{
	int	 r;

	if (resolver != NULL) {
		if ((r = ub_ctx_set_fwd(ctx, resolver)) != 0 ||
		    (r = open_special_zones(ctx)) != 0) {
			str_fmt(err, errlen, "--resolver '%.64s': %s", resolver,
			    ub_strerror(r));
			return -1;
		}
	} else if ((r = ub_ctx_resolvconf(ctx, NULL)) != 0) {
		str_fmt(err, errlen, "reading /etc/resolv.conf: %s",
		    ub_strerror(r));
		return -1;
	}
	if (ta == NULL && access(ROOT_ANCHOR, R_OK) == 0)
		ta = ROOT_ANCHOR;
	if (ta != NULL && (r = ub_ctx_add_ta_file(ctx, ta)) != 0) {
		str_fmt(err, errlen, "trust anchor '%.64s': %s", ta,
		    ub_strerror(r));
		return -1;
	}
	/* Answers in the event loop, resolution in a thread of libunbound. */
	if ((r = ub_ctx_async(ctx, 1)) != 0) {
		str_fmt(err, errlen, "libunbound: %s", ub_strerror(r));
		return -1;
	}
	return 0;
}

struct dns *
dns_new(struct event_base *base, const char *resolver, const char *ta,
    char *err, size_t errlen)
{
	struct dns	*d = xcalloc(1, sizeof(*d));

	if ((d->ctx = ub_ctx_create()) == NULL) {
		str_fmt(err, errlen, "libunbound: cannot create context");
		free(d);
		return NULL;
	}
	if (configure(d->ctx, resolver, ta, err, errlen) == -1) {
		dns_free(d);
		return NULL;
	}
	d->ev = event_new(base, ub_fd(d->ctx), EV_READ | EV_PERSIST,
	    dns_read_cb, d);
	event_add(d->ev, NULL);
	return d;
}

static void
fill_fact(struct dns_fact *f, int err, const struct ub_result *r)
{
	memset(f, 0, sizeof(*f));
	f->done = 1;
	if (err != 0 || r == NULL) {
		f->error = 1;
		str_copy(f->errstr, sizeof(f->errstr), ub_strerror(err));
		return;
	}
	f->rcode = r->rcode;
	f->nxdomain = r->nxdomain;
	f->nodata = r->rcode == 0 && !r->havedata;
	f->sec = r->bogus ? DNSSEC_BOGUS : r->secure ? DNSSEC_SECURE :
	    DNSSEC_INSECURE;
	if (r->bogus && r->why_bogus != NULL)
		str_copy(f->why_bogus, sizeof(f->why_bogus), r->why_bogus);
	if (r->rcode != 0 && !r->nxdomain)
		str_fmt(f->errstr, sizeof(f->errstr), "rcode %d%s", r->rcode,
		    r->rcode == 2 ? " (SERVFAIL)" : r->rcode == 5 ?
		    " (REFUSED)" : "");
}

static void
unlink_query(struct dns_query *q)
{
	if (q->next != NULL)
		q->next->prevp = q->prevp;
	*q->prevp = q->next;
}

static void
answer_cb(void *arg, int err, struct ub_result *r)
{
	struct dns_query	*q = arg;
	struct dns_answer	 a;

	memset(&a, 0, sizeof(a));
	fill_fact(&a.fact, err, r);
	/* A bogus answer still carries (forged) data: never hand it on. */
	if (r != NULL && r->havedata && !r->bogus && r->rcode == 0) {
		for (a.n = 0; r->data[a.n] != NULL; a.n++)
			;
		a.data = (unsigned char **)r->data;
		a.len = r->len;
		if (r->canonname != NULL && r->qname != NULL &&
		    strcasecmp(r->canonname, r->qname) != 0)
			a.canonname = r->canonname;
	}
	q->dns->pending--;
	unlink_query(q);
	q->cb(q->arg, &a);
	ub_resolve_free(r);
	free(q);
}

int
dns_query(struct dns *d, const char *name, int type, dns_cb cb, void *arg)
{
	struct dns_query	*q = xcalloc(1, sizeof(*q));
	int			 r;

	q->dns = d;
	q->cb = cb;
	q->arg = arg;
	r = ub_resolve_async(d->ctx, name, type, 1 /* IN */, q, answer_cb,
	    NULL);
	if (r != 0) {
		free(q);
		return -1;
	}
	d->pending++;
	q->next = d->queries;
	if (q->next != NULL)
		q->next->prevp = &q->next;
	q->prevp = &d->queries;
	d->queries = q;
	return 0;
}

int
dns_pending(const struct dns *d)
{
	return d->pending;
}

void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	if (d->ev)
		event_free(d->ev);
	ub_ctx_delete(d->ctx);
	while (d->queries != NULL) {
		struct dns_query *q = d->queries;

		unlink_query(q);
		free(q);
	}
	free(d);
}
