/* The scanner's probe connections for one address, on the run's loop. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/x509.h>

#include "buf.h"
#include "cert.h"
#include "cli.h"
#include "gate.h"
#include "report.h"
#include "scan_engine.h"
#include "scan_hello.h"
#include "scan_plan.h"
#include "smtp.h"

#define HB_WAIT_SECS		2.0	/* a heartbeat answer comes at once */
#define SLOW_GREETING_MS	1000.0	/* slower: shrink the plan */

struct slot {
	struct scan_engine	*e;
	int			 active;
	struct smtp_session	*sess;
	struct probe		*scratch;	/* this connection's facts */
	struct scan_probe	 sp;
	unsigned char		*hello;		/* HELLO_OUT_MAX, while active */
	size_t			 hlen;
	struct hello_reader	 rd;
	struct hello_answer	 ans;
	int			 answered;	/* hello_read gave an outcome */
	int			 retry_out;	/* second hello sent, its answer
					   not complete */
	int			 hb;		/* heartbeat request sent */
	enum scan_hb		 hb_result;
	struct event		*hb_timer;
};

struct scan_engine {
	struct event_base	*base;
	const struct options	*o;
	double			 deadline;
	struct probe		*p;
	struct scan		*plan;
	scan_done_fn		 done;
	void			*arg;
	struct gate		*gate;		/* connection slots of the run */
	struct slot		 slots[SCAN_PARALLEL_MAX];
	int			 parallel;	/* slots the planner may fill */
	int			 slow_seen;
	struct event		*pause_ev;
	int			 paused;
	int			 finished;
};

static void	pump(struct scan_engine *);

static void
slot_clear(struct slot *s)
{
	if (s->hb_timer != NULL)
		event_free(s->hb_timer);
	hello_reader_free(&s->rd);
	probe_free(s->scratch);
	free(s->hello);
	memset(s, 0, sizeof(*s));
}

/* The legacy-protocol fact of the main probe, from the scan. */
static void
set_legacy(struct probe *p, const struct scan_result *r)
{
	const struct scan_version *v10 = &r->v[SCAN_V_TLS10];
	const struct scan_version *v11 = &r->v[SCAN_V_TLS11];

	if (v11->state == SCAN_ACCEPTED || v10->state == SCAN_ACCEPTED) {
		p->legacy = LEGACY_ACCEPTED;
		str_copy(p->legacy_version, sizeof(p->legacy_version),
		    v11->state == SCAN_ACCEPTED ? "TLSv1.1" : "TLSv1");
	} else if (v10->state == SCAN_REJECTED && v11->state == SCAN_REJECTED)
		p->legacy = LEGACY_REFUSED;
	else
		p->legacy = LEGACY_INCONCLUSIVE;
}

/* Already known: the main handshake's leaf, or an earlier alternative. */
static int
known_cert(const struct probe *p, const char *sha256)
{
	int	 i;

	if (p->tls.nchain > 0 && strcmp(p->tls.chain[0].sha256, sha256) == 0)
		return 1;
	for (i = 0; i < p->nalt; i++)
		if (strcmp(p->alt[i].info.sha256, sha256) == 0)
			return 1;
	return 0;
}

/* The other certificates the scan saw (RSA next to ECDSA), as facts. */
static void
collect_alt(struct probe *p, const struct scan_result *r)
{
	const unsigned char	*der;
	struct alt_cert		*a;
	X509			*x;
	int			 i;

	for (i = 0; i < r->ncerts && p->nalt < SCAN_CERTS_MAX; i++) {
		der = r->certs[i].der;
		if ((x = d2i_X509(NULL, &der, (long)r->certs[i].len)) == NULL)
			continue;
		/* Rare, and large: allocated only for a server that has one. */
		if (p->alt == NULL)
			p->alt = xcalloc(SCAN_CERTS_MAX, sizeof(*p->alt));
		a = &p->alt[p->nalt];
		memset(a, 0, sizeof(*a));
		if (cert_info_from_x509(&a->info, x) == -1 ||
		    known_cert(p, a->info.sha256)) {
			cert_info_free(&a->info);
			X509_free(x);
			continue;
		}
		str_copy(a->key, sizeof(a->key), r->certs[i].key == AU_ECDSA ?
		    "ECDSA" : r->certs[i].key == AU_RSA ? "RSA" :
		    suite_au_name(r->certs[i].key));
		if (p->refname != NULL) {
			a->name_checked = 1;
			a->name_ok = cert_matches_host(x, p->refname);
		}
		a->x509 = x;
		p->nalt++;
	}
}

/* An inspection that learned nothing (no STARTTLS, nobody there) is
 * no inspection: the main session's findings say why. */
static int
learned_nothing(const struct scan_result *r)
{
	int	 i;

	for (i = 0; i < SCAN_VERSIONS; i++)
		if (r->v[i].state == SCAN_ACCEPTED ||
		    r->v[i].state == SCAN_REJECTED)
			return 0;
	return r->anomalies == 0;
}

/* Move the result into the probe, unless it learned nothing. */
static void
take_result(struct scan_engine *e)
{
	e->finished = 1;
	e->p->scan = scan_result_take(e->plan);
	if (e->p->scan != NULL && learned_nothing(e->p->scan)) {
		scan_result_free(e->p->scan);
		e->p->scan = NULL;
	}
	if (e->p->scan != NULL)
		set_legacy(e->p, e->p->scan);
}

static void
finish(struct scan_engine *e)
{
	if (e->finished)
		return;
	take_result(e);
	if (e->p->scan != NULL)
		collect_alt(e->p, e->p->scan);
	e->done(e->arg);
}

/* The heartbeat step's answer (scan_hello.c reads the records). */
static int
hb_feed(struct slot *s, const unsigned char *d, size_t len)
{
	size_t	 echoed = 0;

	switch (hello_heartbeat_read(&s->rd, d, len, &echoed)) {
	case HELLO_HB_NEED_MORE:
		return 0;
	case HELLO_HB_VULNERABLE:
		s->hb_result = SCAN_HB_LEAKED;
		return 1;
	case HELLO_HB_NOT_VULNERABLE:
		break;
	}
	s->hb_result = SCAN_HB_REFUSED;
	return 1;
}

static void
hb_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct slot		*s = arg;
	struct scan_engine	*e = s->e;

	/* RFC 6520 §4: a bad request is dropped silently; silence is no. */
	s->hb_result = SCAN_HB_REFUSED;
	smtp_abort(s->sess);
	s->sess = NULL;
	scan_feed_heartbleed(e->plan, s->sp.id, &s->ans, s->hb_result);
	slot_clear(s);
	pump(e);
}

/* Send the heartbeat probe: a request that claims 16384 payload bytes. */
static int
hb_start(struct slot *s)
{
	unsigned char	 rec[16];
	size_t		 n = hello_heartbeat(s->ans.version, rec, sizeof(rec));
	struct timeval	 tv = { (time_t)HB_WAIT_SECS, 0 };

	if (n == 0 || smtp_raw_write(s->sess, rec, n) == -1)
		return -1;
	s->hb = 1;
	s->hb_timer = evtimer_new(s->e->base, hb_timer_cb, s);
	evtimer_add(s->hb_timer, &tv);
	return 0;
}

/*
 * A HelloRetryRequest (in s->ans) to a probe that follows one
 * (SCAN_DO_RETRY): the second ClientHello on the same connection (RFC 8446
 * §4.1.4), then read on. The HelloRetryRequest stays the answer until the
 * next one is complete, so a connection that ends first still reports it.
 * Returns the outcome now; HELLO_HRR if no second hello went out (a group
 * without a share we can make: the HelloRetryRequest is the answer).
 */
static enum hello_outcome
slot_retry(struct slot *s)
{
	unsigned char		 ch[HELLO_OUT_MAX];
	struct hello_answer	 a;
	enum hello_outcome	 r;
	size_t			 n;

	if (!(s->sp.does & SCAN_DO_RETRY) || s->ans.retried)
		return HELLO_HRR;
	n = hello_build_retry(s->hello, s->hlen, s->ans.group, s->ans.cookie,
	    s->ans.cookie_len, ch, sizeof(ch));
	if (n == 0 || smtp_raw_write(s->sess, ch, n) == -1)
		return HELLO_HRR;
	if ((r = hello_reader_retry(&s->rd, &a)) != HELLO_NEED_MORE)
		s->ans = a;
	else
		s->retry_out = 1;
	return r;
}

/* smtp.c raw mode: every byte after our hello; non-zero ends the session. */
static int
slot_raw(void *arg, const unsigned char *d, size_t len)
{
	struct slot		*s = arg;
	struct hello_answer	 a;
	enum hello_outcome	 r;

	if (s->hb)
		return hb_feed(s, d, len);
	if ((r = hello_read(&s->rd, d, len, &a)) == HELLO_NEED_MORE)
		return 0;
	s->ans = a;
	s->answered = 1;
	s->retry_out = 0;
	if (r == HELLO_HRR && (r = slot_retry(s)) == HELLO_NEED_MORE)
		return 0;
	if ((s->sp.does & SCAN_DO_HEARTBLEED) && r == HELLO_SERVER_HELLO &&
	    s->ans.heartbeat && s->ans.done_seen && hb_start(s) == 0)
		return 0;
	return 1;
}

/* Why a probe ended without an answer, in the planner's terms. */
static enum scan_fail
fail_reason(const struct probe *p)
{
	switch (p->end) {
	case END_BUSY:
		return SCAN_FAIL_BUSY;
	case END_TIMEOUT:
	case END_DEADLINE:
		return p->stage == STAGE_HANDSHAKE ? SCAN_FAIL_SILENT :
		    SCAN_FAIL_TIMEOUT;
	case END_OK:		/* QUIT without a raw phase: no STARTTLS */
	case END_REJECTED:
		return SCAN_FAIL_NO_STARTTLS;
	default:
		return SCAN_FAIL_CONNECT;
	}
}

static void
pause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scan_engine	*e = arg;

	e->paused = 0;
	pump(e);
}

/* Hold new connections for d seconds (never past the deadline). */
static void
pause_for(struct scan_engine *e, double d)
{
	struct timeval	 tv;

	if (mono_now() + d >= e->deadline)
		return;
	tv.tv_sec = (time_t)d;
	tv.tv_usec = (suseconds_t)((d - (double)tv.tv_sec) * 1e6);
	if (e->pause_ev == NULL)
		e->pause_ev = evtimer_new(e->base, pause_cb, e);
	e->paused = 1;
	evtimer_add(e->pause_ev, &tv);
}

/* RFC 5321 §4.2.5: a 421 asks us to come back later; wait before more. */
static void
back_off(struct scan_engine *e)
{
	pause_for(e, e->o->retry_delay);
}

/* The server's answer to one probe, in words, for -v and JSON. */
static void
answer_words(const struct slot *s, char *out, size_t len)
{
	const struct hello_answer	*a = &s->ans;
	const struct suite		*su = suite_find(a->suite);
	const struct named_group	*g = group_find(a->group);
	static const char *const hb[] = {
		"",
		", heartbeat answered with server memory (Heartbleed)",
		", heartbeat refused",
		", heartbeat: connection failed",
	};
	char				 dh[32] = "";

	switch (a->outcome) {
	case HELLO_SERVER_HELLO:
		str_fmt(out, len, "ServerHello %s %s", version_name(a->version),
		    su != NULL ? su->iana : "?");
		if (g != NULL) {
			str_append(out, len, ", ");
			str_append(out, len, g->name);
		}
		if (a->dh_bits > 0)
			str_fmt(dh, sizeof(dh), ", DH %d bits", a->dh_bits);
		str_append(out, len, dh);
		if (a->retried)
			str_append(out, len, " after HelloRetryRequest");
		if (s->hb)
			str_append(out, len, hb[s->hb_result]);
		break;
	case HELLO_HRR:
		str_fmt(out, len, "HelloRetryRequest %s, group %s",
		    su != NULL ? su->iana : "?", g != NULL ? g->name : "?");
		break;
	case HELLO_SSL2:
		str_fmt(out, len, "SSLv2 SERVER-HELLO, %d cipher kinds",
		    a->nssl2_kinds);
		break;
	case HELLO_ALERT:
		str_fmt(out, len, "alert %s", scan_alert_name(a->alert_desc));
		break;
	case HELLO_CLOSED:
		str_copy(out, len, "connection closed without an answer");
		break;
	case HELLO_MALFORMED:
		str_fmt(out, len, "malformed: %s", a->why != NULL ? a->why :
		    "?");
		break;
	default:
		str_copy(out, len, "no answer");
	}
}

/* One line per inspection connection: what it asked, what came back. */
static void
log_probe(struct scan_engine *e, const struct slot *s, int answered)
{
	struct scan_log		 l;
	const struct probe	*sp = s->scratch;

	memset(&l, 0, sizeof(l));
	l.id = s->sp.id;
	l.ms = sp->total_ms;
	str_copy(l.purpose, sizeof(l.purpose), s->sp.purpose != NULL ?
	    s->sp.purpose : "?");
	if (s->sp.req.version == VER_SSL2)
		str_copy(l.offered, sizeof(l.offered), "SSLv2 hello");
	else
		str_fmt(l.offered, sizeof(l.offered), "%s, %zu suites",
		    version_name(s->sp.req.version), s->sp.req.nsuites);
	if (answered)
		answer_words(s, l.answer, sizeof(l.answer));
	else
		str_fmt(l.answer, sizeof(l.answer), "%s at %s: %s",
		    end_name(sp->end), stage_name(sp->stage), sp->error[0] ?
		    sp->error : "no answer");
	probe_scan_log(e->p, &l);
}

/*
 * The connection ended while our second hello waited for its answer: the
 * end of the connection is that answer (RFC 8446 §4.1.4 gives the server
 * no other), or, after a timeout, the HelloRetryRequest stays the answer
 * and says the second hello went unanswered.
 */
static void
retry_unanswered(struct slot *s, const struct probe *sp)
{
	if (sp->end == END_CLOSED || sp->end == END_TLS_FAILED)
		hello_close(&s->rd, &s->ans);
	else
		s->ans.retry_silent = 1;
}

static void
slot_done(void *arg)
{
	struct slot		*s = arg;
	struct scan_engine	*e = s->e;
	struct probe		*sp = s->scratch;
	enum scan_fail		 why;

	s->sess = NULL;
	/* A slow greeting costs seconds per connection: ask less. */
	if (!e->slow_seen && sp->greeting_ms > SLOW_GREETING_MS) {
		e->slow_seen = 1;
		scan_set_slow(e->plan);
	}
	if (s->hb) {
		if (s->hb_result == SCAN_HB_NOT_RUN)
			s->hb_result = sp->end == END_OK ? SCAN_HB_REFUSED :
			    SCAN_HB_IO_ERROR;
		log_probe(e, s, 1);
		scan_feed_heartbleed(e->plan, s->sp.id, &s->ans,
		    s->hb_result);
	} else if (s->answered) {
		if (s->retry_out)
			retry_unanswered(s, sp);
		log_probe(e, s, 1);
		scan_feed(e->plan, s->sp.id, &s->ans);
	} else if (sp->stage == STAGE_HANDSHAKE && (sp->end == END_CLOSED ||
	    sp->end == END_TLS_FAILED)) {
		hello_close(&s->rd, &s->ans);
		log_probe(e, s, 1);
		scan_feed(e->plan, s->sp.id, &s->ans);
	} else {
		log_probe(e, s, 0);
		why = fail_reason(sp);
		scan_fail(e->plan, s->sp.id, why);
		if (why == SCAN_FAIL_BUSY)
			back_off(e);
	}
	slot_clear(s);
	/* The run's kick pumps again once waiting main sessions had their
	 * turn at the freed slot. */
	gate_give(e->gate, e->p->addr_text, e->p->port);
}

static int
slot_start(struct scan_engine *e, struct slot *s)
{
	struct smtp_params	 par;

	/* Allocated per connection: a thousand idle slots cost nothing. */
	s->hello = xcalloc(1, HELLO_OUT_MAX);
	s->hlen = hello_build(&s->sp.req, s->hello, HELLO_OUT_MAX);
	if (s->hlen == 0) {
		free(s->hello);
		s->hello = NULL;
		return -1;
	}
	s->e = e;
	s->active = 1;
	s->scratch = probe_new_like(e->p);
	hello_reader_init(&s->rd, &s->sp.req);
	memset(&par, 0, sizeof(par));
	par.base = e->base;
	par.opt = e->o;
	par.deadline = e->deadline;
	par.raw_hello = s->hello;
	par.raw_len = s->hlen;
	par.raw = slot_raw;
	par.raw_arg = s;
	s->sess = smtp_start(&par, s->scratch, slot_done, s);
	return 0;
}

static int
nactive(const struct scan_engine *e)
{
	int	 i, n = 0;

	for (i = 0; i < e->parallel; i++)
		n += e->slots[i].active;
	return n;
}

/* Hand out probes while slots are free and the planner has questions. */
static void
pump(struct scan_engine *e)
{
	struct slot	*s;
	int		 i;

	while (!e->finished && !e->paused) {
		for (i = 0; i < e->parallel && e->slots[i].active; i++)
			;
		/* Without a free connection slot the run kicks again once
		 * one comes back. */
		if (i == e->parallel ||
		    !gate_can(e->gate, e->p->addr_text, e->p->port))
			return;
		s = &e->slots[i];
		switch (scan_next(e->plan, &s->sp)) {
		case SCAN_DONE:
			if (nactive(e) == 0)
				finish(e);
			return;
		case SCAN_WAIT:
			return;
		case SCAN_PROBE:
			gate_take(e->gate, e->p->addr_text, e->p->port);
			if (slot_start(e, s) == -1) {
				gate_give(e->gate, e->p->addr_text, e->p->port);
				scan_fail(e->plan, s->sp.id, SCAN_FAIL_BUILD);
				memset(s, 0, sizeof(*s));
			} else if (e->o->scan_pause > 0)
				pause_for(e, e->o->scan_pause);
			break;
		}
	}
}

struct scan_engine *
scan_engine_start(struct event_base *base, const struct options *o,
    double deadline, struct probe *p, struct gate *gate, scan_done_fn done,
    void *arg)
{
	struct scan_engine	*e = xcalloc(1, sizeof(*e));
	struct scan_opts	 so;

	e->base = base;
	e->o = o;
	e->deadline = deadline;
	e->p = p;
	e->done = done;
	e->arg = arg;
	e->gate = gate;
	e->parallel = o->max_conn_per_ip < SCAN_PARALLEL_MAX ?
	    o->max_conn_per_ip : SCAN_PARALLEL_MAX;
	memset(&so, 0, sizeof(so));
	so.full = o->ciphers_full;
	so.slow = p->greeting_ms > SLOW_GREETING_MS;
	so.parallel = e->parallel;
	so.sni = p->refname;
	if ((e->plan = scan_new(&so)) == NULL) {
		free(e);
		return NULL;
	}
	pump(e);
	return e;
}

void
scan_engine_kick(struct scan_engine *e)
{
	if (e != NULL && !e->finished)
		pump(e);
}

void
scan_engine_abort(struct scan_engine *e)
{
	int	 i;

	if (e == NULL || e->finished)
		return;
	for (i = 0; i < e->parallel; i++) {
		if (!e->slots[i].active)
			continue;
		if (e->slots[i].sess != NULL)
			smtp_abort(e->slots[i].sess);
		e->slots[i].sess = NULL;
		slot_clear(&e->slots[i]);
	}
	scan_stop(e->plan, "total deadline reached");
	take_result(e);
}

void
scan_engine_free(struct scan_engine *e)
{
	int	 i;

	if (e == NULL)
		return;
	for (i = 0; i < SCAN_PARALLEL_MAX; i++) {
		if (e->slots[i].sess != NULL)
			smtp_abort(e->slots[i].sess);
		if (e->slots[i].active)
			slot_clear(&e->slots[i]);
	}
	if (e->pause_ev != NULL)
		event_free(e->pause_ev);
	scan_free(e->plan);
	free(e);
}
