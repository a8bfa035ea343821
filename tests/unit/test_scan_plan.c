/*
 * Unit tests: the scan planner (scan_plan.c), driven to the end against
 * simulated servers that answer each ClientHello as a real one would:
 * server or client order, handshake_failure on no common suite,
 * protocol_version on no common version, HelloRetryRequest for a group
 * without a key share (and a ServerHello to the second hello),
 * inappropriate_fallback for the SCSV. The result must equal each
 * server's configuration, within the connection caps; behind a slow
 * greeting the main questions must be answered in three rounds.
 */
#include <stdio.h>

#include "unit.h"

#include "scan_hello.h"
#include "scan_plan.h"
#include "scan_suites.h"

#define SIM_SUITES	48
#define SIM_SEEDS	24
#define V(vi)		(1u << (vi))
#define X25519		0x001d
#define P256		0x0017
#define P384		0x0018
#define P521		0x0019
#define X448		0x001e
#define MLKEM		0x11ec

/* sim.retry_bad: how the server answers our second hello. */
#define RB_HRR		1	/* a second HelloRetryRequest */
#define RB_SUITE	2	/* a ServerHello with another suite */
#define RB_GROUP	3	/* a ServerHello with another group */
#define RB_ALERT	4	/* handshake_failure */
#define RB_SILENT	5	/* nothing until the timeout */

/* A server's configuration: the ground truth a scan must find. */
struct sim {
	const char	*name;
	unsigned	 versions;	/* V(SCAN_V_*) */
	uint16_t	 suites[SCAN_VERSIONS][SIM_SUITES]; /* preference, 0 ends */
	int		 server_order;
	uint16_t	 groups13[8];	/* preference, 0 ends */
	uint16_t	 curves[8];	/* ECDHE curves, preference, 0 ends */
	int		 dh_bits;
	int		 reneg, scsv, ticket, status, heartbeat, heartbleed;
	int		 deflate;
	int		 rsa, ecdsa;	/* certificates it has */
	uint32_t	 ssl2[4];
	int		 lie;		/* 1: unoffered suite, 2: malformed */
	int		 busy;		/* every connection gets 421 */
	int		 closes;	/* closes where others send an alert */
	int		 retry_bad;	/* RB_*, 0: a correct ServerHello */
};

static const uint8_t rsa_der[] = { 0x30, 0x03, 'R', 'S', 'A' };
static const uint8_t ecdsa_der[] = { 0x30, 0x02, 'E', 'C' };

static const uint16_t liar_codes[] = { 0x1301, 0x0004, 0xc02f };

static const int vidx_ver[SCAN_VERSIONS] = { VER_SSL2, VER_SSL3, VER_TLS10,
	VER_TLS11, VER_TLS12, VER_TLS13 };

/* Position of c in a 0-terminated list, -1 if absent. */
static int
zfind(const uint16_t *l, size_t cap, uint16_t c)
{
	size_t	 i;

	for (i = 0; i < cap && l[i] != 0; i++)
		if (l[i] == c)
			return (int)i;
	return -1;
}

/* Position of c in a counted list, -1 if absent. */
static int
nfind(const uint16_t *l, size_t n, uint16_t c)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (l[i] == c)
			return (int)i;
	return -1;
}

/* The server's curve for an ECDHE suite: its first the client has. */
static uint16_t
sim_curve(const struct sim *sv, const struct hello_req *r)
{
	int	 i;

	for (i = 0; i < 8 && sv->curves[i] != 0; i++)
		if (nfind(r->groups, r->ngroups, sv->curves[i]) >= 0)
			return sv->curves[i];
	return 0;
}

/* Whether the hello offers a signature scheme for that key. */
static int
sim_sig(const struct hello_req *r, int ecdsa)
{
	const struct sig_scheme	*sg;
	size_t			 i;

	for (i = 0; i < r->nsigalgs; i++)
		if ((sg = sigalg_find(r->sigalgs[i])) != NULL &&
		    (ecdsa ? sg->ecdsa : sg->rsa))
			return 1;
	return 0;
}

/* Whether the server can use suite c with this hello. */
static int
sim_usable(const struct sim *sv, const struct hello_req *r, int vi,
    uint16_t c)
{
	const struct suite	*su = suite_find(c);

	if (su == NULL)
		return 0;
	if (vi == SCAN_V_TLS13)
		return 1;
	if ((su->au == AU_RSA && !sv->rsa) ||
	    (su->au == AU_ECDSA && !sv->ecdsa))
		return 0;
	if (su->kx == KX_ECDHE && sim_curve(sv, r) == 0)
		return 0;
	/* RFC 8422 §5.1: the ECDSA certificate's curve must be offered. */
	if (su->au == AU_ECDSA && nfind(r->groups, r->ngroups, P256) < 0)
		return 0;
	if (vi == SCAN_V_TLS12 && r->nsigalgs > 0 &&
	    (su->au == AU_RSA || su->au == AU_ECDSA) &&
	    !sim_sig(r, su->au == AU_ECDSA))
		return 0;
	return 1;
}

/* A refusal: the alert, or a closed connection for servers that do so. */
static void
sim_refuse(const struct sim *sv, struct hello_answer *a, int desc)
{
	if (sv->closes) {
		a->outcome = HELLO_CLOSED;
		return;
	}
	a->outcome = HELLO_ALERT;
	a->alert_level = 2;
	a->alert_desc = desc;
}

/* Answer one hello as the configured server would. */
static void
sim_answer(const struct sim *sv, const struct hello_req *r,
    struct hello_answer *a)
{
	const struct suite	*su;
	uint16_t		 c = 0, g = 0;
	int			 vi = -1, top = -1, k, i;

	memset(a, 0, sizeof(*a));
	a->alert_level = -1;
	if (r->version == VER_SSL2) {
		if (!(sv->versions & V(SCAN_V_SSL2))) {
			a->outcome = HELLO_CLOSED;
			return;
		}
		a->outcome = HELLO_SSL2;
		a->version = VER_SSL2;
		for (i = 0; i < 4 && sv->ssl2[i] != 0; i++)
			a->ssl2_kinds[a->nssl2_kinds++] = sv->ssl2[i];
		return;
	}
	for (k = SCAN_V_TLS13; k >= SCAN_V_SSL3 && top < 0; k--)
		if (sv->versions & V(k))
			top = k;
	if (r->version == VER_TLS13 && (sv->versions & V(SCAN_V_TLS13)))
		vi = SCAN_V_TLS13;
	else
		/*
		 * RFC 5246 E.1: the highest version at or below the client's
		 * (a TLS 1.3 hello says 1.2 in legacy_version).
		 */
		for (k = r->version == VER_TLS13 ? SCAN_V_TLS12 :
		    scan_vidx(r->version); k >= SCAN_V_SSL3 && vi < 0; k--)
			if (sv->versions & V(k))
				vi = k;
	if (vi < 0) {
		sim_refuse(sv, a, 70);
		return;
	}
	if ((r->flags & HELLO_F_SCSV) && sv->scsv && top > vi) {
		sim_refuse(sv, a, 86);
		return;
	}
	if (sv->lie == 2) {
		a->outcome = HELLO_MALFORMED;
		a->why = "ServerHello cipher suite was not offered";
		return;
	}
	if (sv->server_order) {
		for (i = 0; i < SIM_SUITES && sv->suites[vi][i] && !c; i++)
			if (nfind(r->suites, r->nsuites, sv->suites[vi][i]) >=
			    0 && sim_usable(sv, r, vi, sv->suites[vi][i]))
				c = sv->suites[vi][i];
	} else {
		for (i = 0; i < (int)r->nsuites && !c; i++)
			if (zfind(sv->suites[vi], SIM_SUITES, r->suites[i]) >=
			    0 && sim_usable(sv, r, vi, r->suites[i]))
				c = r->suites[i];
	}
	if (sv->lie == 1) {
		/* Names a suite of its own that the hello did not offer. */
		c = 0;
		for (i = 0; i < SIM_SUITES && sv->suites[vi][i] && !c; i++)
			if (nfind(r->suites, r->nsuites, sv->suites[vi][i]) < 0)
				c = sv->suites[vi][i];
		for (i = 0; c == 0 && i < 3; i++)
			if (nfind(r->suites, r->nsuites, liar_codes[i]) < 0)
				c = liar_codes[i];
	}
	if (c == 0) {
		sim_refuse(sv, a, 40);
		return;
	}
	su = suite_find(c);
	a->version = (uint16_t)vidx_ver[vi];
	a->record_version = VER_TLS12;
	a->suite = c;
	a->outcome = HELLO_SERVER_HELLO;
	if (vi == SCAN_V_TLS13) {
		/*
		 * A share the builder sent (x25519, P-256) wins; else HRR for
		 * the server's first common group (RFC 8446 §4.1.4).
		 */
		for (i = 0; i < (int)r->ngroups && !g; i++)
			if ((r->groups[i] == X25519 || r->groups[i] == P256) &&
			    zfind(sv->groups13, 8, r->groups[i]) >= 0)
				g = r->groups[i];
		if (g == 0) {
			for (i = 0; i < 8 && sv->groups13[i] && !g; i++)
				if (nfind(r->groups, r->ngroups,
				    sv->groups13[i]) >= 0)
					g = sv->groups13[i];
			if (g == 0) {
				memset(a, 0, sizeof(*a));
				a->alert_level = -1;
				sim_refuse(sv, a, 40);
				return;
			}
			a->outcome = HELLO_HRR;
		}
		a->group = g;
		return;
	}
	a->reneg_info = sv->reneg && (r->flags & HELLO_F_RENEG);
	a->ticket = sv->ticket && (r->flags & HELLO_F_TICKET);
	a->status = sv->status && (r->flags & HELLO_F_STATUS);
	a->heartbeat = sv->heartbeat && (r->flags & HELLO_F_HEARTBEAT);
	a->compression = sv->deflate && (r->flags & HELLO_F_DEFLATE);
	if ((r->flags & HELLO_F_WANT_CERT) && su->au == AU_RSA) {
		a->cert = rsa_der;
		a->cert_len = sizeof(rsa_der);
		a->ncerts = 2;
	} else if ((r->flags & HELLO_F_WANT_CERT) && su->au == AU_ECDSA) {
		a->cert = ecdsa_der;
		a->cert_len = sizeof(ecdsa_der);
		a->ncerts = 2;
	}
	if (r->flags & HELLO_F_WANT_SKE) {
		if (su->kx == KX_DHE) {
			a->dh_bits = sv->dh_bits;
			a->ske_seen = 1;
		} else if (su->kx == KX_ECDHE) {
			a->group = sim_curve(sv, r);
			a->ske_seen = 1;
		}
		a->done_seen = 1;
	}
}

/*
 * The engine's part after a HelloRetryRequest (SCAN_DO_RETRY): the second
 * hello, and the server's answer to it (RFC 8446 §4.1.4).
 */
static void
sim_retry(const struct sim *sv, const struct scan_probe *p,
    struct hello_answer *a)
{
	struct hello_answer	 h = *a;
	size_t			 i;

	if (a->outcome != HELLO_HRR || !(p->does & SCAN_DO_RETRY) ||
	    !hello_can_retry(a->group))
		return;
	memset(a, 0, sizeof(*a));
	a->alert_level = -1;
	a->retried = 1;
	a->hrr_suite = h.suite;
	a->hrr_group = h.group;
	a->record_version = VER_TLS12;
	a->version = VER_TLS13;
	a->suite = h.suite;
	a->group = h.group;
	a->outcome = HELLO_SERVER_HELLO;
	a->sh_seen = 1;
	switch (sv->retry_bad) {
	case RB_HRR:
		a->outcome = HELLO_HRR;
		a->sh_seen = 0;
		break;
	case RB_SUITE:
		for (i = 0; i < p->req.nsuites; i++)
			if (p->req.suites[i] != h.suite)
				a->suite = p->req.suites[i];
		break;
	case RB_GROUP:
		a->group = X25519;
		break;
	case RB_ALERT:
		memset(a, 0, sizeof(*a));
		a->retried = 1;
		a->hrr_suite = h.suite;
		a->hrr_group = h.group;
		sim_refuse(sv, a, 40);
		break;
	case RB_SILENT:		/* the engine keeps the HRR, marked */
		*a = h;
		a->retry_silent = 1;
		break;
	}
}

/* Answer one probe as the server, as the engine feeds it. */
static void
sim_feed(struct scan *s, const struct sim *sv, const struct scan_probe *p)
{
	struct hello_answer	 a;

	sim_answer(sv, &p->req, &a);
	sim_retry(sv, p, &a);
	if ((p->does & SCAN_DO_HEARTBLEED) && a.outcome == HELLO_SERVER_HELLO &&
	    a.heartbeat && a.done_seen)
		assert_int_equal(scan_feed_heartbleed(s, p->id, &a,
		    sv->heartbleed ? SCAN_HB_LEAKED : SCAN_HB_REFUSED), 0);
	else
		assert_int_equal(scan_feed(s, p->id, &a), 0);
}

struct pending {
	struct scan_probe p;
	struct hello_req snap;		/* the request as handed out */
	uint16_t	 suites[HELLO_SUITES_MAX];
	int		 busy_seen;
};

/* A small deterministic generator: the same seed, the same run. */
static unsigned
next_rand(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Drive the planner to SCAN_DONE, answering probes in random order. */
static void
drive(struct scan *s, const struct sim *sv, unsigned seed, int parallel)
{
	struct pending		 pend[SCAN_PARALLEL_MAX];
	struct hello_answer	 a;
	uint8_t			 out[HELLO_OUT_MAX];
	enum scan_step		 st;
	unsigned		 x = seed * 2654435761u + 1;
	int			 n = 0, k, steps = 0;

	for (;;) {
		assert_true(++steps < 5000);
		st = scan_next(s, &pend[n].p);
		if (st == SCAN_PROBE) {
			struct pending	*pp = &pend[n];

			CHECK(sv->name, n < parallel);
			CHECK(sv->name, pp->p.id > 0);
			CHECK(sv->name, pp->p.req.nsuites <= HELLO_SUITES_MAX);
			CHECK(sv->name, pp->p.purpose != NULL);
			/* Every request must be one the builder accepts. */
			CHECK(pp->p.purpose,
			    hello_build(&pp->p.req, out, sizeof(out)) > 0);
			pp->snap = pp->p.req;
			memcpy(pp->suites, pp->p.req.suites,
			    pp->p.req.nsuites * sizeof(uint16_t));
			n++;
			continue;
		}
		if (st == SCAN_DONE) {
			CHECK(sv->name, n == 0);
			return;
		}
		/* SCAN_WAIT with nothing outstanding would hang the engine. */
		CHECK(sv->name, n > 0);
		k = (int)(next_rand(&x) % (unsigned)n);
		/* The arrays stay valid and unchanged until the answer. */
		CHECK(sv->name, pend[k].p.req.nsuites == pend[k].snap.nsuites);
		CHECK(sv->name, memcmp(pend[k].p.req.suites, pend[k].suites,
		    pend[k].snap.nsuites * sizeof(uint16_t)) == 0);
		if (sv->busy)
			assert_int_equal(scan_fail(s, pend[k].p.id,
			    SCAN_FAIL_BUSY), 0);
		else {
			sim_feed(s, sv, &pend[k].p);
			/* Fed twice: the id is no longer outstanding. */
			sim_answer(sv, &pend[k].p.req, &a);
			assert_int_equal(scan_feed(s, pend[k].p.id, &a), -1);
		}
		pend[k] = pend[--n];
	}
}

/*
 * The engine behind a slow greeting, every connection one round long:
 * the first round has one connection beside the main session (after which
 * the engine sees the slow greeting), later ones two; a slot freed is
 * filled at once, the answers of a round come in random order. Returns
 * the rounds the scan took.
 */
static int
drive_rounds(struct scan *s, const struct sim *sv, unsigned seed)
{
	struct scan_probe	 now[2], next[2];
	unsigned		 x = seed * 2654435761u + 1;
	int			 n = 0, m, k, rounds = 0, limit = 1;

	for (;;) {
		while (n < limit && scan_next(s, &now[n]) == SCAN_PROBE)
			n++;
		if (n == 0) {
			CHECK(sv->name, scan_next(s, &now[0]) == SCAN_DONE);
			return rounds;
		}
		CHECK(sv->name, ++rounds < 100);
		m = 0;
		while (n > 0) {
			k = (int)(next_rand(&x) % (unsigned)n);
			if (rounds == 1)
				scan_set_slow(s);
			sim_feed(s, sv, &now[k]);
			now[k] = now[--n];
			limit = 2;
			while (n + m < limit &&
			    scan_next(s, &next[m]) == SCAN_PROBE)
				m++;
		}
		memcpy(now, next, (size_t)m * sizeof(next[0]));
		n = m;
	}
}

/* Number of suites in a 0-terminated list. */
static int
zlen(const uint16_t *l)
{
	int	 n = 0;

	while (n < SIM_SUITES && l[n] != 0)
		n++;
	return n;
}

/* Union of the classes of the server's suites at vi. */
static unsigned
sim_classes(const struct sim *sv, int vi)
{
	unsigned	 c = 0;
	int		 i;

	for (i = 0; i < zlen(sv->suites[vi]); i++)
		c |= suite_find(sv->suites[vi][i])->classes;
	return c;
}

/* The best version <= TLS 1.2 the server has, or -1. */
static int
sim_best(const struct sim *sv)
{
	int	 vi;

	for (vi = SCAN_V_TLS12; vi >= SCAN_V_SSL3; vi--)
		if (sv->versions & V(vi))
			return vi;
	return -1;
}

/* Whether the server has a suite with key exchange kx at vi. */
static int
sim_has_kx(const struct sim *sv, int vi, enum suite_kx kx)
{
	int	 i;

	for (i = 0; i < zlen(sv->suites[vi]); i++)
		if (suite_find(sv->suites[vi][i])->kx == kx)
			return 1;
	return 0;
}

/*
 * Every suite found is the server's; in full mode, all of them, and
 * (hellos not split) the server's order.
 */
static void
check_suites(const struct sim *sv, const struct scan_result *r, int vi,
    const struct scan_opts *o)
{
	const struct scan_version	*v = &r->v[vi];
	int				 i;

	for (i = 0; i < v->nsuites; i++)
		CHECK(sv->name, zfind(sv->suites[vi], SIM_SUITES,
		    v->suites[i]) >= 0);
	if (v->complete)
		CHECK(sv->name, v->nsuites == zlen(sv->suites[vi]));
	if (r->full && vi != SCAN_V_SSL2 && (sv->versions & V(vi)) &&
	    !r->budget_hit)
		CHECK(sv->name, v->complete);
	if (v->complete && v->order == SCAN_ORDER_SERVER && r->full &&
	    o->max_suites == 0)
		CHECK(sv->name, v->nserver_order > 0);
	if (v->nserver_order > 0) {
		CHECK(sv->name, v->nserver_order == zlen(sv->suites[vi]));
		for (i = 0; i < v->nserver_order; i++)
			CHECK(sv->name, v->server_order[i] ==
			    sv->suites[vi][i]);
	}
}

/* The result must equal the server's configuration. */
static void
check_truth(const struct sim *sv, const struct scan_result *r,
    const struct scan_opts *o)
{
	int		 vi, best = sim_best(sv), i, ntls = 0;
	unsigned	 all = 0, want;
	uint16_t	 table[HELLO_SUITES_MAX];
	size_t		 n;
	enum scan_tri	 cbc;

	for (vi = 0; vi < SCAN_VERSIONS; vi++) {
		if (sv->versions & V(vi))
			CHECK(sv->name, r->v[vi].state == SCAN_ACCEPTED);
		else if (r->v[vi].state != SCAN_UNTESTED || !r->budget_hit)
			CHECK(sv->name, r->v[vi].state == SCAN_REJECTED);
		if (vi >= SCAN_V_SSL3 && (sv->versions & V(vi)))
			ntls++;
		check_suites(sv, r, vi, o);
		all |= sim_classes(sv, vi);
	}
	/*
	 * Weakness classes: all of the best version's, none the server
	 * lacks, and every class at the best version answered.
	 */
	CHECK(sv->name, (r->weak.accepted & ~all & SCAN_WEAK_CLASSES) == 0);
	if (best >= 0 && !r->budget_hit) {
		CHECK(sv->name, (sim_classes(sv, best) & SCAN_WEAK_CLASSES &
		    ~r->weak.accepted) == 0);
		n = suite_select((uint16_t)vidx_ver[best], 0, SC_PSK, table,
		    HELLO_SUITES_MAX);
		want = 0;
		for (i = 0; i < (int)n; i++)
			want |= suite_find(table[i])->classes;
		if (!r->budget_hit)
			CHECK(sv->name, (r->v[best].classes_tested & want &
			    SCAN_WEAK_CLASSES) == (want & SCAN_WEAK_CLASSES));
		for (i = 0; i < SCAN_CLASS_BITS; i++)
			if (r->weak.accepted & (1u << i))
				CHECK(sv->name, r->weak.proof[i].version != 0);
	}
	if (sv->versions & V(SCAN_V_SSL2))
		CHECK(sv->name, (r->weak.accepted & SC_RC4) &&
		    r->v[SCAN_V_SSL2].nssl2_kinds > 0);
	/* DHE and its prime. */
	if (best >= 0 && sim_has_kx(sv, best, KX_DHE)) {
		CHECK(sv->name, r->dhe == SCAN_TRI_YES);
		CHECK(sv->name, r->dh_bits_min == sv->dh_bits);
	} else if (best >= 0 && !r->budget_hit)
		CHECK(sv->name, r->dhe == SCAN_TRI_NO);
	/* CBC-only: no AEAD for clients up to TLS 1.2. */
	if (sv->versions & V(SCAN_V_TLS12))
		cbc = sim_classes(sv, SCAN_V_TLS12) & SC_AEAD ? SCAN_TRI_NO :
		    SCAN_TRI_YES;
	else
		cbc = best >= 0 ? SCAN_TRI_YES : SCAN_TRI_NO;
	if (!r->budget_hit || r->cbc_only != SCAN_TRI_UNTESTED)
		CHECK(sv->name, r->cbc_only == cbc);
	/* Extras seen in the version probes. */
	if (best >= SCAN_V_TLS10) {
		CHECK(sv->name, r->reneg == (sv->reneg ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
		CHECK(sv->name, r->ticket == (sv->ticket ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
		CHECK(sv->name, r->compression == (sv->deflate ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
		CHECK(sv->name, r->heartbleed == (sv->heartbeat &&
		    sv->heartbleed ? SCAN_TRI_YES : SCAN_TRI_NO));
	}
	/* A slow greeting leaves SCSV, order and certificate types unasked;
	 * what it says must still be right. */
	if (ntls >= 2 && ((!r->budget_hit && !r->slow) ||
	    r->scsv != SCAN_TRI_UNTESTED))
		CHECK(sv->name, r->scsv == (sv->scsv ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
	if (ntls < 2)
		CHECK(sv->name, r->scsv == SCAN_TRI_UNTESTED);
	/* Certificates: each key type the server has, kept once. */
	if (best >= 0 && ((!r->budget_hit && !r->slow) ||
	    r->cert_rsa != SCAN_TRI_UNTESTED))
		CHECK(sv->name, r->cert_rsa == (sv->rsa ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
	if (best >= 0 && ((!r->budget_hit && !r->slow) ||
	    r->cert_ecdsa != SCAN_TRI_UNTESTED))
		CHECK(sv->name, r->cert_ecdsa == (sv->ecdsa ? SCAN_TRI_YES :
		    SCAN_TRI_NO));
	if (best >= 0 && !r->budget_hit && !r->slow)
		CHECK(sv->name, r->ncerts == !!sv->rsa + !!sv->ecdsa);
	CHECK(sv->name, r->ncerts <= !!sv->rsa + !!sv->ecdsa);
	/* Order at the best version, where two suites exist (slow: if
	 * cheap, so only what it says). */
	if (best >= 0 && zlen(sv->suites[best]) >= 2 &&
	    ((!r->budget_hit && !r->slow) ||
	    r->v[best].order != SCAN_ORDER_UNKNOWN))
		CHECK(sv->name, r->v[best].order == (sv->server_order ?
		    SCAN_ORDER_SERVER : SCAN_ORDER_CLIENT));
	if (best >= 0 && zlen(sv->suites[best]) == 1 && !r->budget_hit)
		CHECK(sv->name, r->v[best].order == SCAN_ORDER_SINGLE);
	/* TLS 1.3 groups: what it accepted, all of them when complete; a
	 * ServerHello confirmed every one a second hello could ask for. */
	for (i = 0; i < r->groups13.n; i++) {
		CHECK(sv->name, zfind(sv->groups13, 8, r->groups13.codes[i]) >=
		    0);
		CHECK(sv->name, r->groups13.hrr_only[i] ==
		    !hello_can_retry(r->groups13.codes[i]));
	}
	if (r->groups13.complete)
		CHECK(sv->name, r->groups13.n == zlen(sv->groups13));
	if ((sv->versions & V(SCAN_V_TLS13)) && !r->slow && !r->budget_hit)
		CHECK(sv->name, r->groups13.complete);
	for (i = 0; i < r->groups12.n; i++)
		CHECK(sv->name, zfind(sv->curves, 8, r->groups12.codes[i]) >=
		    0);
	CHECK(sv->name, r->anomalies == 0);
	CHECK(sv->name, r->conns_used <= r->cap);
}

/* Scan one server with many answer orders; returns max connections. */
static int
run_sim(const struct sim *sv, const struct scan_opts *o, int check)
{
	struct scan			*s;
	const struct scan_result	*r;
	int				 seed, most = 0, least = 1 << 30;
	int				 par = o->parallel > 0 ? o->parallel :
	    SCAN_PARALLEL_DEFAULT;

	for (seed = 1; seed <= SIM_SEEDS; seed++) {
		s = scan_new(o);
		drive(s, sv, (unsigned)seed, par);
		r = scan_result(s);
		if (check)
			check_truth(sv, r, o);
		if (r->conns_used > most)
			most = r->conns_used;
		if (r->conns_used < least)
			least = r->conns_used;
		scan_free(s);
	}
	printf("# %-12s %-7s connections %d..%d\n", sv->name,
	    o->full ? "full" : o->slow ? "slow" : "default", least, most);
	return most;
}

/* Accepted suites plus one per version: what full mode should need. */
static int
full_estimate(const struct sim *sv)
{
	int	 vi, n = 0;

	for (vi = SCAN_V_SSL2; vi < SCAN_VERSIONS; vi++)
		if (sv->versions & V(vi))
			n += vi == SCAN_V_SSL2 ? 1 : zlen(sv->suites[vi]) + 1;
	return n;
}

/*
 * What full mode may add: the refused version probes, SCSV, one order
 * probe per version, the groups and curves each plus one, DHE, a cert.
 */
static int
full_extra(const struct sim *sv)
{
	int	 vi, n = 1 + 2;

	for (vi = SCAN_V_SSL2; vi < SCAN_VERSIONS; vi++)
		n += (sv->versions & V(vi)) ? vi != SCAN_V_SSL2 : 1;
	if (sv->versions & V(SCAN_V_TLS13))
		n += zlen(sv->groups13) + 1;
	if (sv->versions & V(SCAN_V_TLS12))
		n += zlen(sv->curves) + 1;
	return n;
}

#define MODERN12	{ 0xc030, 0xc02f, 0xcca8, 0xc028, 0xc027, 0xc014, \
	0xc013 }
#define TLS13ALL	{ 0x1302, 0x1303, 0x1301 }

static const struct sim sims[] = {
	{ .name = "modern", .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS12] = { 0xc02f, 0xc030, 0xcca8 },
	      [SCAN_V_TLS13] = TLS13ALL },
	  .server_order = 1, .groups13 = { X25519, P256, P384 },
	  .curves = { X25519, P256 }, .reneg = 1, .scsv = 1, .ticket = 1,
	  .rsa = 1 },
	{ .name = "client-order",
	  .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS12] = { 0xc030, 0xc02f, 0x009d, 0x009c },
	      [SCAN_V_TLS13] = { 0x1301, 0x1302 } },
	  .groups13 = { P384, X25519, 0x0100 }, .curves = { P256 },
	  .reneg = 1, .scsv = 1, .rsa = 1 },
	{ .name = "old",
	  .versions = V(SCAN_V_SSL3) | V(SCAN_V_TLS10) | V(SCAN_V_TLS11) |
	      V(SCAN_V_TLS12),
	  .suites = {
	      [SCAN_V_SSL3] = { 0x0005, 0x0004, 0x000a, 0x0003, 0x0009,
		  0x002f },
	      [SCAN_V_TLS10] = { 0x0005, 0x0004, 0x000a, 0x0003, 0x0009,
		  0x002f, 0x0033, 0x0018, 0x0002, 0xc011 },
	      [SCAN_V_TLS11] = { 0x0005, 0x000a, 0x002f, 0x0033 },
	      [SCAN_V_TLS12] = { 0x009c, 0x002f, 0x0005, 0x0004, 0x000a,
		  0x0003, 0x0009, 0x0033, 0x0018, 0x0002, 0xc011, 0x0016,
		  0xc02f } },
	  .curves = { P256 }, .dh_bits = 1024, .reneg = 0, .scsv = 0,
	  .deflate = 1, .heartbeat = 1, .heartbleed = 1, .rsa = 1 },
	{ .name = "ssl2",
	  .versions = V(SCAN_V_SSL2) | V(SCAN_V_SSL3) | V(SCAN_V_TLS10),
	  .suites = { [SCAN_V_SSL3] = { 0x0004, 0x000a, 0x002f },
	      [SCAN_V_TLS10] = { 0x0004, 0x000a, 0x002f, 0x0035 } },
	  .ssl2 = { 0x010080, 0x0700c0 }, .server_order = 1,
	  .closes = 1, .rsa = 1 },
	{ .name = "tls12-only", .versions = V(SCAN_V_TLS12),
	  .suites = { [SCAN_V_TLS12] = MODERN12 }, .server_order = 1,
	  .curves = { X25519, P384 }, .reneg = 1, .status = 1, .rsa = 1 },
	{ .name = "tls13-only", .versions = V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS13] = TLS13ALL }, .server_order = 1,
	  .groups13 = { X448, P521, X25519, 0x0101 } },
	{ .name = "null-only", .versions = V(SCAN_V_TLS12),
	  .suites = { [SCAN_V_TLS12] = { 0x0002, 0xc010 } },
	  .curves = { P256 }, .reneg = 1, .rsa = 1 },
	{ .name = "dhe-1024", .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS11),
	  .suites = { [SCAN_V_TLS11] = { 0x0033, 0x0039 },
	      [SCAN_V_TLS12] = { 0x009e, 0x009f, 0x0033 } },
	  .dh_bits = 1024, .server_order = 1, .reneg = 1, .scsv = 1,
	  .rsa = 1 },
	{ .name = "dual-cert", .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS12] = { 0xc02c, 0xc030, 0xc02b, 0xc02f },
	      [SCAN_V_TLS13] = TLS13ALL },
	  .groups13 = { X25519, P256 }, .curves = { X25519, P256 },
	  .reneg = 1, .scsv = 1, .rsa = 1, .ecdsa = 1 },
	{ .name = "cbc-only", .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS10),
	  .suites = { [SCAN_V_TLS10] = { 0xc013, 0x002f },
	      [SCAN_V_TLS12] = { 0xc027, 0xc013, 0x002f } },
	  .curves = { P256 }, .reneg = 1, .scsv = 1, .rsa = 1 },
	/* No share the builder sends: every TLS 1.3 answer is an HRR. */
	{ .name = "tls13-hrr", .versions = V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS13] = { 0x1301, 0x1302, 0x1303 } },
	  .server_order = 1, .groups13 = { P384, X448, 0x0100 } },
	{ .name = "client-good",
	  .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS12] = { 0xc030, 0xc02f, 0xcca8 },
	      [SCAN_V_TLS13] = TLS13ALL },
	  .groups13 = { X25519, P256 }, .curves = { X25519, P256 },
	  .reneg = 1, .scsv = 1, .rsa = 1 },
	{ .name = "hrr-mlkem", .versions = V(SCAN_V_TLS12) | V(SCAN_V_TLS13),
	  .suites = { [SCAN_V_TLS12] = { 0xc02f, 0xc030 },
	      [SCAN_V_TLS13] = TLS13ALL },
	  .server_order = 1, .groups13 = { MLKEM, P521 },
	  .curves = { X25519 }, .reneg = 1, .scsv = 1, .rsa = 1 },
};

/* The servers a slow greeting must not keep from a full answer. */
static const char *const good[] = { "modern", "client-good",
	"tls12-only", "tls13-only", "dual-cert", "tls13-hrr", "hrr-mlkem" };

/* Every simulated server, default mode: truth within 20 connections. */
static void
test_plan_default(void **state)
{
	struct scan_opts	 o = { .sni = "mx.example" };
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(sims); i++)
		CHECK(sims[i].name, run_sim(&sims[i], &o, 1) <=
		    SCAN_CAP_DEFAULT);
}

/* Slow greeting: the same truths for the main questions, in 8. */
static void
test_plan_slow(void **state)
{
	struct scan_opts	 o = { .slow = 1 };
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(sims); i++)
		CHECK(sims[i].name, run_sim(&sims[i], &o, 1) <= SCAN_CAP_SLOW);
}

/* The sim of that name. */
static const struct sim *
sim_named(const char *name)
{
	size_t	 i;

	for (i = 0; i < NELEM(sims); i++)
		if (strcmp(sims[i].name, name) == 0)
			return &sims[i];
	fail_msg("no sim %s", name);
	return NULL;
}

/*
 * Behind a slow greeting (issue: a good server fully inspected in under
 * 15 s at 3 s a connection): three rounds, the first beside the main
 * session, and every main question answered: each version accepted or
 * not, every weakness class (static key exchange, i.e. forward secrecy,
 * among them) and DHE where a version up to TLS 1.2 is accepted.
 */
static void
test_plan_slow_rounds(void **state)
{
	struct scan_opts		 o = { .sni = "mx.example" };
	const struct scan_result	*r;
	const struct sim		*sv;
	struct scan			*s;
	size_t				 i;
	int				 seed, vi, rounds, most;

	(void)state;
	for (i = 0; i < NELEM(good); i++) {
		sv = sim_named(good[i]);
		most = 0;
		for (seed = 1; seed <= SIM_SEEDS; seed++) {
			s = scan_new(&o);
			rounds = drive_rounds(s, sv, (unsigned)seed);
			r = scan_result(s);
			check_truth(sv, r, &o);
			CHECK(sv->name, r->slow && r->cap == SCAN_CAP_SLOW);
			CHECK(sv->name, rounds <= 3);
			CHECK(sv->name, !r->budget_hit);
			for (vi = 0; vi < SCAN_VERSIONS; vi++)
				CHECK(sv->name, r->v[vi].state ==
				    ((sv->versions & V(vi)) ? SCAN_ACCEPTED :
				    SCAN_REJECTED));
			if (sim_best(sv) >= 0) {
				CHECK(sv->name, (r->weak.tested &
				    SCAN_WEAK_CLASSES) == SCAN_WEAK_CLASSES);
				CHECK(sv->name, r->dhe != SCAN_TRI_UNTESTED);
			}
			if (rounds > most)
				most = rounds;
			scan_free(s);
		}
		printf("# %-12s slow, 3 s a connection: %d rounds\n",
		    sv->name, most);
	}
}

/*
 * After a HelloRetryRequest the second hello (RFC 8446 §4.1.4): a second
 * HelloRetryRequest or a ServerHello with another suite or group is an
 * anomaly and TLS 1.3 stays unproven; a refusal of the second hello
 * leaves the HelloRetryRequest as the answer, its group unconfirmed.
 */
static void
test_plan_retry(void **state)
{
	static const struct {
		int		 bad;
		const char	*why;
	} cases[] = {
		{ RB_HRR, "second HelloRetryRequest (RFC 8446 §4.1.4)" },
		{ RB_SUITE, " after a HelloRetryRequest for "
		  "TLS_CHACHA20_POLY1305_SHA256" },
		{ RB_GROUP, "ServerHello group x25519 after a "
		  "HelloRetryRequest for secp384r1" },
	};
	struct scan_opts		 o = { 0 };
	struct sim			 sv = *sim_named("tls13-hrr");
	const struct scan_result	*r;
	struct scan			*s;
	size_t				 i;
	int				 vi;

	(void)state;
	/* Confirmed: the evidence says how. */
	s = scan_new(&o);
	drive(s, &sv, 1, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	printf("# tls13-hrr: '%s'\n", r->v[SCAN_V_TLS13].evidence);
	assert_string_equal(r->v[SCAN_V_TLS13].evidence, "ServerHello "
	    "TLSv1.3 TLS_AES_128_GCM_SHA256, secp384r1 after a "
	    "HelloRetryRequest");
	assert_int_equal(r->groups13.codes[0], P384);
	assert_int_equal(r->groups13.hrr_only[0], 0);
	scan_free(s);

	for (i = 0; i < NELEM(cases); i++) {
		sv.retry_bad = cases[i].bad;
		sv.suites[SCAN_V_TLS13][0] = cases[i].bad == RB_SUITE ?
		    0x1303 : 0x1301;
		s = scan_new(&o);
		drive(s, &sv, 3, SCAN_PARALLEL_DEFAULT);
		r = scan_result(s);
		printf("# retry %d: %s; TLS 1.3 '%s'\n", cases[i].bad,
		    r->anomaly, r->v[SCAN_V_TLS13].evidence);
		CHECK(cases[i].why, r->anomalies > 0);
		CHECK(cases[i].why, strstr(r->anomaly, cases[i].why) != NULL);
		for (vi = 0; vi < SCAN_VERSIONS; vi++)
			CHECK(cases[i].why, r->v[vi].state != SCAN_ACCEPTED);
		assert_int_equal(r->v[SCAN_V_TLS13].state, SCAN_INCONCLUSIVE);
		assert_int_equal(r->v[SCAN_V_TLS13].nsuites, 0);
		assert_int_equal(r->groups13.n, 0);
		scan_free(s);
	}

	/* The second hello refused: as before, the HRR is the answer. */
	sv.retry_bad = RB_ALERT;
	sv.suites[SCAN_V_TLS13][0] = 0x1301;
	s = scan_new(&o);
	drive(s, &sv, 5, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	assert_int_equal(r->anomalies, 0);
	assert_int_equal(r->v[SCAN_V_TLS13].state, SCAN_ACCEPTED);
	assert_string_equal(r->v[SCAN_V_TLS13].evidence, "HelloRetryRequest "
	    "TLSv1.3 TLS_AES_128_GCM_SHA256 for secp384r1; second hello: "
	    "alert handshake_failure (40)");
	assert_int_equal(r->groups13.codes[0], P384);
	assert_int_equal(r->groups13.hrr_only[0], 1);
	scan_free(s);

	/* The second hello unanswered until the timeout: the HRR is the
	 * answer and says so. */
	sv.retry_bad = RB_SILENT;
	s = scan_new(&o);
	drive(s, &sv, 6, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	assert_int_equal(r->anomalies, 0);
	assert_int_equal(r->v[SCAN_V_TLS13].state, SCAN_ACCEPTED);
	assert_string_equal(r->v[SCAN_V_TLS13].evidence, "HelloRetryRequest "
	    "TLSv1.3 TLS_AES_128_GCM_SHA256 for secp384r1; second hello: "
	    "no answer within the timeout");
	assert_int_equal(r->groups13.hrr_only[0], 1);
	scan_free(s);

	/* A hybrid ML-KEM group (X25519MLKEM768) gets its second hello too
	 * and is confirmed. */
	s = scan_new(&o);
	drive(s, sim_named("hrr-mlkem"), 2, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	assert_string_equal(r->v[SCAN_V_TLS13].evidence, "ServerHello "
	    "TLSv1.3 TLS_AES_256_GCM_SHA384, X25519MLKEM768 after a "
	    "HelloRetryRequest");
	assert_int_equal(r->groups13.codes[0], MLKEM);
	assert_int_equal(r->groups13.hrr_only[0], 0);
	scan_free(s);
}

/* Full mode: every suite, close to accepted suites + one per version. */
static void
test_plan_full(void **state)
{
	struct scan_opts	 o = { .full = 1 };
	size_t			 i;
	int			 most;

	(void)state;
	for (i = 0; i < NELEM(sims); i++) {
		most = run_sim(&sims[i], &o, 1);
		CHECK(sims[i].name, most <= full_estimate(&sims[i]) +
		    full_extra(&sims[i]));
		printf("#   accepted + versions %d, extras at most %d\n",
		    full_estimate(&sims[i]), full_extra(&sims[i]));
	}
}

/* Small hellos: a candidate list split over several hellos. */
static void
test_plan_split(void **state)
{
	struct scan_opts	 o = { .max_suites = 40, .max_conns = 40 };
	struct scan_opts	 f = { .full = 1, .max_suites = 40 };

	(void)state;
	run_sim(&sims[2], &f, 1);	/* old */
	run_sim(&sims[2], &o, 1);
	run_sim(&sims[4], &f, 1);	/* tls12-only */
	run_sim(&sims[1], &f, 1);	/* client-order */
}

/* A server answering with suites it was not offered proves nothing. */
static void
test_plan_liar(void **state)
{
	struct sim		 sv = sims[0];
	struct scan_opts	 o = { 0 };
	struct scan		*s;
	const struct scan_result *r;
	int			 vi, lie;

	(void)state;
	for (lie = 1; lie <= 2; lie++) {
		sv.lie = lie;
		sv.name = lie == 1 ? "liar" : "malformed";
		s = scan_new(&o);
		drive(s, &sv, 7, SCAN_PARALLEL_DEFAULT);
		r = scan_result(s);
		for (vi = 0; vi < SCAN_VERSIONS; vi++) {
			CHECK(sv.name, r->v[vi].state != SCAN_ACCEPTED);
			CHECK(sv.name, r->v[vi].nsuites == 0);
		}
		CHECK(sv.name, r->v[SCAN_V_TLS12].state == SCAN_INCONCLUSIVE);
		CHECK(sv.name, strstr(r->v[SCAN_V_TLS12].evidence,
		    "malformed answer") != NULL);
		CHECK(sv.name, r->anomalies > 0 && r->anomaly[0] != '\0');
		CHECK(sv.name, r->weak.accepted == 0);
		printf("# %-12s evidence: %s; %d connections\n", sv.name,
		    r->v[SCAN_V_TLS12].evidence, r->conns_used);
		scan_free(s);
	}
}

/* Always 421: the scan gives up after a few, far below the cap. */
static void
test_plan_busy(void **state)
{
	struct sim		 sv = sims[0];
	struct scan_opts	 o = { 0 };
	struct scan		*s;
	const struct scan_result *r;
	int			 vi;

	(void)state;
	sv.busy = 1;
	sv.name = "busy";
	s = scan_new(&o);
	drive(s, &sv, 3, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	CHECK(sv.name, r->aborted);
	CHECK(sv.name, r->conns_used <= SCAN_FAIL_STREAK + 1);
	CHECK(sv.name, r->busy == r->conns_used);
	for (vi = 0; vi < SCAN_VERSIONS; vi++)
		CHECK(sv.name, r->v[vi].state == SCAN_UNTESTED ||
		    r->v[vi].state == SCAN_INCONCLUSIVE);
	printf("# %-12s %d connections, %s\n", sv.name, r->conns_used,
	    r->abort_why);
	scan_free(s);
}

/* A tight cap: what is left is untested and the budget flag is set. */
static void
test_plan_budget(void **state)
{
	struct scan_opts	 o = { .max_conns = 4 };
	struct scan		*s;
	const struct scan_result *r;
	int			 vi, untested = 0;

	(void)state;
	s = scan_new(&o);
	drive(s, &sims[2], 5, SCAN_PARALLEL_DEFAULT);
	r = scan_result(s);
	CHECK("budget", r->conns_used == 4);
	CHECK("budget", r->budget_hit);
	for (vi = 0; vi < SCAN_VERSIONS; vi++)
		if (r->v[vi].state == SCAN_UNTESTED) {
			untested++;
			CHECK("budget", strstr(r->v[vi].evidence, "budget") !=
			    NULL);
		}
	CHECK("budget", untested == 2);
	/* The four most important questions were the versions. */
	CHECK("budget", r->v[SCAN_V_TLS13].state == SCAN_REJECTED);
	CHECK("budget", r->v[SCAN_V_TLS12].state == SCAN_ACCEPTED);
	scan_free(s);
}

/* Failures, retries, ids, slow switch and result ownership. */
static void
test_plan_api(void **state)
{
	struct scan_opts	 o = { .parallel = 1 };
	struct scan		*s;
	struct scan_probe	 p, p2;
	struct hello_answer	 a;
	struct scan_result	*res;
	const struct sim	*sv = &sims[0];

	(void)state;
	s = scan_new(&o);
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	assert_int_equal(p.req.version, VER_TLS13);
	/* parallel = 1: the next must wait. */
	assert_int_equal(scan_next(s, &p2), SCAN_WAIT);
	assert_int_equal(scan_feed(s, p.id + 100, &a), -1);
	assert_int_equal(scan_fail(s, 0, SCAN_FAIL_BUSY), -1);
	/* A 421 re-asks the same question once. */
	assert_int_equal(scan_fail(s, p.id, SCAN_FAIL_BUSY), 0);
	assert_int_equal(scan_next(s, &p2), SCAN_PROBE);
	assert_int_equal(p2.req.version, VER_TLS13);
	assert_int_not_equal(p2.id, p.id);
	/* A build failure costs no connection and ends that question. */
	assert_int_equal(scan_fail(s, p2.id, SCAN_FAIL_BUILD), 0);
	assert_int_equal(scan_result(s)->conns_used, 1);
	assert_int_equal(scan_result(s)->v[SCAN_V_TLS13].state,
	    SCAN_INCONCLUSIVE);
	/* Silence after the hello is evidence, not a retry. */
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	assert_int_equal(p.req.version, VER_TLS12);
	assert_int_equal(scan_fail(s, p.id, SCAN_FAIL_SILENT), 0);
	assert_int_equal(scan_result(s)->v[SCAN_V_TLS12].state,
	    SCAN_INCONCLUSIVE);
	assert_string_equal(scan_result(s)->v[SCAN_V_TLS12].evidence,
	    "no answer within the timeout");
	/* Turning slow mid-way caps the rest. */
	scan_set_slow(s);
	assert_int_equal(scan_result(s)->cap, SCAN_CAP_SLOW);
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	sim_answer(sv, &p.req, &a);
	assert_int_equal(scan_feed(s, p.id, &a), 0);
	/* STARTTLS gone: the scan ends at once. */
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	assert_int_equal(scan_fail(s, p.id, SCAN_FAIL_NO_STARTTLS), 0);
	assert_int_equal(scan_next(s, &p), SCAN_DONE);
	assert_int_equal(scan_next(s, &p), SCAN_DONE);
	assert_true(scan_result(s)->aborted);
	assert_false(scan_result(s)->budget_hit);
	res = scan_result_take(s);
	assert_non_null(res);
	scan_free(s);
	/* The question in flight is inconclusive, the rest untested. */
	assert_int_equal(res->v[SCAN_V_SSL2].state, SCAN_INCONCLUSIVE);
	assert_string_equal(res->v[SCAN_V_SSL2].evidence,
	    "STARTTLS not offered");
	assert_string_equal(res->abort_why, "STARTTLS no longer offered");
	scan_result_free(res);
	scan_result_free(NULL);
	scan_free(NULL);

	/* A deadline: stop with probes out; the result is final. */
	s = scan_new(&(struct scan_opts){ 0 });
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	sim_answer(sv, &p.req, &a);
	assert_int_equal(scan_feed(s, p.id, &a), 0);
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	assert_int_equal(scan_next(s, &p2), SCAN_PROBE);
	scan_stop(s, "total deadline reached");
	assert_int_equal(scan_feed(s, p.id, &a), -1);
	assert_int_equal(scan_next(s, &p), SCAN_DONE);
	res = scan_result_take(s);
	assert_non_null(res);
	assert_null(scan_result_take(s));
	assert_int_equal(scan_next(s, &p), SCAN_DONE);
	scan_free(s);
	assert_int_equal(res->v[SCAN_V_TLS13].state, SCAN_ACCEPTED);
	assert_int_equal(res->v[SCAN_V_TLS12].state, SCAN_UNTESTED);
	assert_string_equal(res->v[SCAN_V_TLS12].evidence,
	    "not tested: total deadline reached");
	assert_true(res->aborted);
	assert_false(res->budget_hit);
	scan_result_free(res);

	/* Taken before the end: stopped there and then. */
	s = scan_new(&(struct scan_opts){ 0 });
	assert_int_equal(scan_next(s, &p), SCAN_PROBE);
	res = scan_result_take(s);
	scan_free(s);
	assert_true(res->aborted);
	assert_int_equal(res->conns_used, 1);
	scan_result_free(res);

	/* Certificates are copied: the reader's buffer may go. */
	s = scan_new(&(struct scan_opts){ 0 });
	drive(s, &sims[8], 1, SCAN_PARALLEL_DEFAULT);
	res = scan_result_take(s);
	scan_free(s);
	assert_int_equal(res->ncerts, 2);
	assert_true(res->certs[0].der != rsa_der &&
	    res->certs[0].der != ecdsa_der);
	assert_true(res->certs[0].asked == AU_NONE ||
	    res->certs[1].asked != AU_NONE);
	scan_result_free(res);

	assert_string_equal(scan_alert_name(86), "inappropriate_fallback");
	assert_string_equal(scan_alert_name(255), "unknown");
	assert_int_equal(scan_vidx(VER_TLS11), SCAN_V_TLS11);
	assert_int_equal(scan_vidx(0x0305), -1);
	assert_string_equal(scan_order_name(SCAN_ORDER_SERVER), "server");
	assert_string_equal(scan_tri_name(SCAN_TRI_YES), "yes");
	assert_string_equal(scan_state_name(SCAN_REJECTED), "rejected");
}

/* The evidence of a typical scan reads as the brief asks. */
static void
test_plan_evidence(void **state)
{
	struct scan		*s;
	const struct scan_result *r;

	(void)state;
	s = scan_new(&(struct scan_opts){ 0 });
	drive(s, &sims[2], 1, SCAN_PARALLEL_DEFAULT);	/* old */
	r = scan_result(s);
	printf("# old: TLSv1.2 '%s', TLSv1.3 '%s', SSLv2 '%s'\n",
	    r->v[SCAN_V_TLS12].evidence, r->v[SCAN_V_TLS13].evidence,
	    r->v[SCAN_V_SSL2].evidence);
	printf("# old: order '%s', scsv '%s', heartbleed '%s'\n",
	    r->v[SCAN_V_TLS12].order_evidence, r->scsv_evidence,
	    r->heartbleed_evidence);
	/*
	 * A TLS 1.2 server reads a TLS 1.3 hello as 1.2 without a
	 * common suite; a TLS 1.1 hello to SSLv3-1.2 gets 1.1.
	 */
	assert_string_equal(r->v[SCAN_V_TLS13].evidence,
	    "alert handshake_failure (40)");
	assert_string_equal(r->v[SCAN_V_TLS12].evidence,
	    "ServerHello TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_int_equal(r->v[SCAN_V_TLS12].order, SCAN_ORDER_CLIENT);
	assert_int_equal(r->weak.version, VER_TLS12);
	assert_int_equal(r->weak.proof[__builtin_ctz(SC_EXPORT)].suite,
	    0x0003);
	scan_free(s);

	s = scan_new(&(struct scan_opts){ 0 });
	drive(s, &sims[3], 1, SCAN_PARALLEL_DEFAULT);	/* ssl2, closes */
	r = scan_result(s);
	assert_string_equal(r->v[SCAN_V_TLS12].evidence,
	    "ServerHello chose TLSv1.0 instead");
	assert_string_equal(r->v[SCAN_V_SSL2].evidence,
	    "SSLv2 SERVER-HELLO, 2 cipher kinds");
	scan_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_default),
		cmocka_unit_test(test_plan_slow),
		cmocka_unit_test(test_plan_slow_rounds),
		cmocka_unit_test(test_plan_retry),
		cmocka_unit_test(test_plan_full),
		cmocka_unit_test(test_plan_split),
		cmocka_unit_test(test_plan_liar),
		cmocka_unit_test(test_plan_busy),
		cmocka_unit_test(test_plan_budget),
		cmocka_unit_test(test_plan_api),
		cmocka_unit_test(test_plan_evidence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
