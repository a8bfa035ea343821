/*
 * The scan planner: a list of questions in priority order, each asked with
 * one or more probe connections; the answers become plain facts in
 * struct scan_result. Mail servers throttle scanners and every connection
 * costs about five round trips, so each hello is chosen to answer as much
 * as it can, and questions are only drilled into on a "yes".
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "scan_plan.h"

enum q_kind {
	Q_VER,		/* is this version accepted? */
	Q_WEAK,		/* which weakness classes at the best version? */
	Q_WEAK_LOW,	/* any class the best version did not show, lower? */
	Q_ENUM,		/* full: every accepted suite of a version */
	Q_DHE,		/* DHE accepted, and its prime size */
	Q_AEAD,		/* any AEAD suite at TLS 1.2 (else CBC-only) */
	Q_SCSV,		/* TLS_FALLBACK_SCSV honoured */
	Q_ORDER,	/* server or client order */
	Q_CERT,		/* an RSA / ECDSA certificate */
	Q_HEARTBLEED,	/* only when TLS 1.2 is not there to carry it */
	Q_GROUPS13,	/* TLS 1.3 groups */
	Q_GROUPS12	/* full: ECDHE curves at TLS 1.2 */
};

enum q_status { QS_DONE, QS_BLOCKED, QS_READY, QS_RUNNING };

/* How an answer reads, after checking it against what was offered. */
enum verdict { VD_SH, VD_HRR, VD_SSL2, VD_ALERT, VD_CLOSED, VD_SILENT,
	VD_BAD };

#define VI_BEST		(-1)	/* the best accepted version <= TLS 1.2 */
#define VI_NONE		(-1)
#define VI_UNKNOWN	(-2)

#define M_OPEN		0
#define M_FOUND		1
#define M_REFUSED	2

#define Q_MAX		32

#define ORDER_PAIR	1	/* [other, chosen before] */
#define ORDER_REVERSED	2	/* the version probe's list, reversed */

struct question {
	enum q_kind	 kind;
	int		 vi;		/* version index, or VI_BEST */
	enum suite_au	 au;		/* Q_CERT: which key */
	int		 done;
	int		 running;	/* id of the probe out, 0 none */
	int		 fails;		/* failed connections for it */
	int		 started;
	unsigned	 known;		/* Q_WEAK*: classes proven so far */
	int		 refused;	/* Q_AEAD/Q_DHE/Q_CERT: all refused */
	int		 split;		/* candidates did not fit one hello */
	uint16_t	 pair[2];	/* Q_ORDER: our first, the server's */
	int		 reversed;	/* Q_ORDER: reversed list asked */
	int		 with_dhe;	/* Q_WEAK, slow: asks the DHE question
					   in the same hellos */
	uint16_t	*cand;		/* candidate suites, rank order */
	uint8_t		*mark;		/* M_* per candidate */
	size_t		 ncand;
	uint16_t	*found;		/* Q_ENUM: in the order found */
	size_t		 nfound;
};

struct slot {
	int		 id;		/* 0: free */
	int		 qi;
	enum suite_au	 asked;
	unsigned	 does;
	int		 pair;		/* Q_ORDER: ORDER_PAIR, ORDER_REVERSED */
	int		 full_ctx;	/* all groups and sigalgs offered */
	struct hello_req req;
	uint16_t	 suites[HELLO_SUITES_MAX];
	uint16_t	 groups[HELLO_GROUPS_MAX];
	size_t		 groups_new;	/* group probes: groups[] not yet had */
	uint16_t	 sigalgs[HELLO_SIGALGS_MAX];
	char		 purpose[64];
};

struct scan {
	struct scan_opts opts;
	int		 cap, parallel, max_suites;
	int		 next_id;
	int		 out;		/* probes outstanding */
	int		 streak;	/* failed connections in a row */
	int		 finished;
	struct question	 q[Q_MAX];
	int		 nq;
	int		 qweak;		/* index of the Q_WEAK question */
	struct slot	 slot[SCAN_PARALLEL_MAX];
	/* The version probe's offer and choice, for server-order proofs. */
	uint16_t	*first[SCAN_VERSIONS];
	size_t		 nfirst[SCAN_VERSIONS];
	uint16_t	 first_choice[SCAN_VERSIONS];
	int		 hb_echo[SCAN_VERSIONS];	/* -1 not asked */
	/* The version probe's choice, kept with its list reversed: server
	 * order once a second suite of that list is known. */
	uint16_t	 kept[SCAN_VERSIONS];
	int		 aead_refused;
	struct scan_result *res;
};

static const uint16_t vers[SCAN_VERSIONS] = { VER_SSL2, VER_SSL3,
	VER_TLS10, VER_TLS11, VER_TLS12, VER_TLS13 };

/*
 * TLS 1.3 groups (RFC 8446 §4.2.7, brainpool RFC 8734, the ML-KEM hybrids
 * of draft-ietf-tls-ecdhe-mlkem and pure ML-KEM), offered without key
 * shares beyond the builder's, so a HelloRetryRequest names the server's
 * choice (§4.1.4).
 */
static const uint16_t groups13[] = { 0x001d, 0x0017, 0x0018, 0x0019,
	0x001e, 0x11ec, 0x11eb, 0x11ed, 0x0200, 0x0201, 0x0202, 0x0100,
	0x0101, 0x0102, 0x0103, 0x0104, 0x001f, 0x0020, 0x0021 };

/*
 * Curves for TLS <= 1.2 (RFC 8422 §5.1.1, RFC 4492, RFC 7027). No ffdhe
 * groups: with them a server would use an RFC 7919 group for DHE and hide
 * the DH parameters it gives every older client.
 */
static const uint16_t groups12[] = { 0x001d, 0x0017, 0x001e, 0x0019,
	0x0018, 0x001a, 0x001b, 0x001c, 0x0016, 0x0015, 0x0014, 0x0013,
	0x0012, 0x0011, 0x0010, 0x000f, 0x000e, 0x000d, 0x000c, 0x000b,
	0x000a, 0x0009, 0x0008, 0x0007, 0x0006, 0x0005, 0x0004, 0x0003,
	0x0002, 0x0001 };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What every hello up to TLS 1.2 asks the server to read on to. */
#define F_READ		(HELLO_F_WANT_CERT | HELLO_F_WANT_SKE)
/* The extras a version probe carries: they cost no extra connection. */
#define F_EXTRAS	(HELLO_F_RENEG | HELLO_F_STATUS | HELLO_F_TICKET | \
	HELLO_F_HEARTBEAT | HELLO_F_EMS | HELLO_F_ETM | HELLO_F_DEFLATE)

/* RFC 8446 §6 and RFC 5246 §7.2 alert descriptions. */
static const struct {
	int		 desc;
	const char	*name;
} alerts[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" },
	{ 20, "bad_record_mac" }, { 21, "decryption_failed" },
	{ 22, "record_overflow" }, { 30, "decompression_failure" },
	{ 40, "handshake_failure" }, { 41, "no_certificate" },
	{ 42, "bad_certificate" }, { 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" }, { 45, "certificate_expired" },
	{ 46, "certificate_unknown" }, { 47, "illegal_parameter" },
	{ 48, "unknown_ca" }, { 49, "access_denied" },
	{ 50, "decode_error" }, { 51, "decrypt_error" },
	{ 60, "export_restriction" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 100, "no_renegotiation" }, { 109, "missing_extension" },
	{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 115, "unknown_psk_identity" }, { 116, "certificate_required" },
	{ 120, "no_application_protocol" },
};

static enum q_status q_status(struct scan *, struct question *);

/* The name of a TLS alert description, "unknown" if unassigned. */
const char *
scan_alert_name(int desc)
{
	size_t	 i;

	for (i = 0; i < NELEM(alerts); i++)
		if (alerts[i].desc == desc)
			return alerts[i].name;
	return "unknown";
}

/* Index into scan_result.v[] of a VER_* value, -1 if none. */
int
scan_vidx(uint16_t version)
{
	int	 i;

	for (i = 0; i < SCAN_VERSIONS; i++)
		if (vers[i] == version)
			return i;
	return -1;
}

/* Lower-case names for renderers and traces. */
const char *
scan_state_name(enum scan_state st)
{
	switch (st) {
	case SCAN_UNTESTED:
		return "untested";
	case SCAN_ACCEPTED:
		return "accepted";
	case SCAN_REJECTED:
		return "rejected";
	case SCAN_INCONCLUSIVE:
		return "inconclusive";
	}
	return "unknown";
}

/* Lower-case names for renderers and traces. */
const char *
scan_tri_name(enum scan_tri t)
{
	switch (t) {
	case SCAN_TRI_UNTESTED:
		return "untested";
	case SCAN_TRI_NO:
		return "no";
	case SCAN_TRI_YES:
		return "yes";
	case SCAN_TRI_INCONCLUSIVE:
		return "inconclusive";
	}
	return "unknown";
}

/* Lower-case names for renderers and traces. */
const char *
scan_order_name(enum scan_order o)
{
	switch (o) {
	case SCAN_ORDER_UNKNOWN:
		return "unknown";
	case SCAN_ORDER_SERVER:
		return "server";
	case SCAN_ORDER_CLIENT:
		return "client";
	case SCAN_ORDER_SINGLE:
		return "single";
	}
	return "unknown";
}

/*
 * Behind a slow greeting (each connection costs seconds) only the main
 * questions: every version, weakness classes (static key exchange, i.e.
 * forward secrecy, among them) with DHE in the same hellos, and CBC-only
 * and Heartbleed where they apply. Fallback SCSV, order, certificate
 * types and groups would cost a round of their own.
 */
static int
slow_main(const struct scan *s)
{
	return s->opts.slow && !s->opts.full;
}

/* Position of code in list, -1 if absent. */
static int
find16(uint16_t code, const uint16_t *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (list[i] == code)
			return (int)i;
	return -1;
}

/* A suite's IANA name, or its code when the table does not know it. */
static const char *
suite_name(uint16_t code, char *tmp, size_t len)
{
	const struct suite	*su = suite_find(code);

	if (su != NULL && su->iana != NULL)
		return su->iana;
	str_fmt(tmp, len, "0x%04x", code);
	return tmp;
}

/* The suite's classes, 0 if unknown. */
static unsigned
suite_classes(uint16_t code)
{
	const struct suite	*su = suite_find(code);

	return su != NULL ? su->classes : 0;
}

/* Record a yes/no sighting; a yes is never taken back. */
static void
tri_see(enum scan_tri *t, int yes)
{
	if (yes)
		*t = SCAN_TRI_YES;
	else if (*t != SCAN_TRI_YES)
		*t = SCAN_TRI_NO;
}

/* Keep the first anomaly's text and count them all. */
static void
anomaly(struct scan *s, const char *why)
{
	if (s->res->anomalies++ == 0)
		str_copy(s->res->anomaly, sizeof(s->res->anomaly), why);
}

/* Evidence text for an alert or a closed connection. */
static void
refusal_text(enum verdict vd, const struct hello_answer *a, char *out,
    size_t len)
{
	if (vd == VD_ALERT)
		str_fmt(out, len, "alert %s (%d)",
		    scan_alert_name(a->alert_desc), a->alert_desc);
	else if (vd == VD_SILENT)
		str_copy(out, len, "no answer within the timeout");
	else
		str_copy(out, len, "connection closed without an answer");
}

/*
 * Server order proven: within one hello the server chose `chosen` although
 * another suite it accepts came earlier in our list (RFC 5246 §7.4.1.2
 * lets the client's order be a preference, nothing more).
 */
static void
order_note(struct scan *s, int vi, const uint16_t *offer, size_t n,
    uint16_t chosen)
{
	struct scan_version	*v = &s->res->v[vi];
	char			 t1[8], t2[8];
	int			 pc, pt, i;

	if (v->order != SCAN_ORDER_UNKNOWN || offer == NULL ||
	    (pc = find16(chosen, offer, n)) < 0)
		return;
	for (i = 0; i < v->nsuites; i++) {
		if (v->suites[i] == chosen)
			continue;
		pt = find16(v->suites[i], offer, n);
		if (pt >= 0 && pt < pc) {
			v->order = SCAN_ORDER_SERVER;
			str_fmt(v->order_evidence, sizeof(v->order_evidence),
			    "chose %s over %s, listed first",
			    suite_name(chosen, t1, sizeof(t1)),
			    suite_name(v->suites[i], t2, sizeof(t2)));
			return;
		}
	}
}

/*
 * Server order: the version probe's choice was kept when the same list
 * came reversed (kept[vi]), and the list holds another suite the version
 * accepts, which a client order would then have taken.
 */
static void
order_kept_check(struct scan *s, int vi)
{
	struct scan_version	*v = &s->res->v[vi];
	uint16_t		 c0 = s->kept[vi];
	char			 t[8];
	int			 i;

	if (c0 == 0 || v->order != SCAN_ORDER_UNKNOWN)
		return;
	for (i = 0; i < v->nsuites; i++)
		if (v->suites[i] != c0 &&
		    find16(v->suites[i], s->first[vi], s->nfirst[vi]) >= 0)
			break;
	if (i == v->nsuites)
		return;
	v->order = SCAN_ORDER_SERVER;
	str_fmt(v->order_evidence, sizeof(v->order_evidence),
	    "kept %s with our list reversed", suite_name(c0, t, sizeof(t)));
}

/* Add an accepted suite to a version; 1 if it was new. */
static int
ver_add_suite(struct scan *s, int vi, uint16_t code)
{
	struct scan_version	*v = &s->res->v[vi];

	if (find16(code, v->suites, (size_t)v->nsuites) >= 0)
		return 0;
	if (v->nsuites >= SCAN_SUITES_KEPT) {
		v->suites_dropped++;
		return 1;
	}
	v->suites[v->nsuites++] = code;
	v->classes_accepted |= suite_classes(code);
	/* A new suite may prove the version probe's choice was the server's. */
	order_note(s, vi, s->first[vi], s->nfirst[vi], s->first_choice[vi]);
	order_kept_check(s, vi);
	return 1;
}

/*
 * Add a group to a list once; 1 if it was new. hrr_only: only a
 * HelloRetryRequest named it; a later ServerHello for it clears that.
 */
static int
groups_add(struct scan_groups *g, uint16_t code, int hrr_only)
{
	int	 i;

	if (code == 0)
		return 0;
	if ((i = find16(code, g->codes, (size_t)g->n)) >= 0) {
		if (!hrr_only)
			g->hrr_only[i] = 0;
		return 0;
	}
	if (g->n >= SCAN_GROUPS_KEPT)
		return 0;
	g->hrr_only[g->n] = hrr_only != 0;
	g->codes[g->n++] = code;
	return 1;
}

/* A group's name, or its code when the table does not know it. */
static const char *
group_name(uint16_t code, char *tmp, size_t len)
{
	const struct named_group	*g = group_find(code);

	if (g != NULL)
		return g->name;
	str_fmt(tmp, len, "0x%04x", code);
	return tmp;
}

/* Set a version's state and evidence. */
static void
ver_set(struct scan *s, int vi, enum scan_state st, int inferred,
    const char *evidence)
{
	struct scan_version	*v = &s->res->v[vi];

	v->state = st;
	v->inferred = inferred;
	str_copy(v->evidence, sizeof(v->evidence), evidence);
}

/*
 * The best accepted version <= TLS 1.2, VI_NONE if there is none, or
 * VI_UNKNOWN while a higher one is still undecided.
 */
static int
legacy_best(const struct scan *s)
{
	int	 vi;

	for (vi = SCAN_V_TLS12; vi >= SCAN_V_SSL3; vi--) {
		if (s->res->v[vi].state == SCAN_UNTESTED)
			return VI_UNKNOWN;
		if (s->res->v[vi].state == SCAN_ACCEPTED)
			return vi;
	}
	return VI_NONE;
}

/* Whether an accepted suite of version vi uses key exchange kx. */
static int
ver_has_kx(const struct scan *s, int vi, enum suite_kx kx)
{
	const struct scan_version	*v = &s->res->v[vi];
	const struct suite		*su;
	int				 i;

	for (i = 0; i < v->nsuites; i++)
		if ((su = suite_find(v->suites[i])) != NULL && su->kx == kx)
			return 1;
	return 0;
}

/*
 * Strongest first: a client-order server then shows what a modern
 * sender gets, and the first answer is the most telling one.
 */
static int
rank_strong(const struct suite *su)
{
	int	 r = (int)(STR_GOOD - su->strength) * 16;

	if ((su->classes & (SC_PSK | SC_OBSCURE)) || su->au == AU_ANON)
		r += 8;
	if (!(su->classes & SC_AEAD))
		r += 4;
	if (su->classes & SC_NOPFS)
		r += 2;
	return r;
}

/* Most weakness classes first: one answer then proves the most. */
static int
rank_weak(const struct suite *su)
{
	return -__builtin_popcount(su->classes & SCAN_WEAK_CLASSES);
}

/* Candidate filters. A PSK suite proves nothing a mail sender meets. */
static int
keep_all(const struct suite *su)
{
	(void)su;
	return 1;
}

/* A suite of some weakness class. */
static int
keep_weak(const struct suite *su)
{
	return (su->classes & SCAN_WEAK_CLASSES) && !(su->classes & SC_PSK);
}

/* Finite-field ephemeral DH: the one whose prime size matters. */
static int
keep_dhe(const struct suite *su)
{
	return su->kx == KX_DHE;
}

/* Slow: the weakness drill and the DHE question in the same hellos. */
static int
keep_weak_dhe(const struct suite *su)
{
	return keep_weak(su) || keep_dhe(su);
}

/* GCM, CCM, ChaCha20-Poly1305. */
static int
keep_aead(const struct suite *su)
{
	return (su->classes & SC_AEAD) && !(su->classes & SC_PSK);
}

/* Needs an RSA certificate. */
static int
keep_rsa(const struct suite *su)
{
	return su->au == AU_RSA && !(su->classes & SC_PSK);
}

/* Needs an ECDSA certificate. */
static int
keep_ecdsa(const struct suite *su)
{
	return su->au == AU_ECDSA && !(su->classes & SC_PSK);
}

/* ECDHE: the server names its curve in ServerKeyExchange. */
static int
keep_ecdhe(const struct suite *su)
{
	return su->kx == KX_ECDHE && !(su->classes & SC_PSK);
}

struct ranked {
	int		 key;
	size_t		 pos;
	uint16_t	 code;
};

/* qsort order: rank, then table order (qsort is not stable). */
static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked	*x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Fill q's candidates: suites usable at vi that keep() takes, ranked. */
static void
cand_build(struct question *q, int vi, int (*keep)(const struct suite *),
    int (*rank)(const struct suite *))
{
	uint16_t		*all;
	struct ranked		*r;
	const struct suite	*su;
	size_t			 n, i, m = 0;

	free(q->cand);
	free(q->mark);
	q->cand = NULL;
	q->mark = NULL;
	q->ncand = 0;
	if (vi == SCAN_V_SSL2)
		return;
	all = xcalloc(suite_count + 1, sizeof(*all));
	n = suite_select(vers[vi], 0, SC_SCSV, all, suite_count);
	if (n > suite_count)
		n = suite_count;
	r = xcalloc(n + 1, sizeof(*r));
	for (i = 0; i < n; i++) {
		if ((su = suite_find(all[i])) == NULL || !keep(su))
			continue;
		r[m].key = rank(su);
		r[m].pos = i;
		r[m].code = all[i];
		m++;
	}
	qsort(r, m, sizeof(*r), ranked_cmp);
	q->cand = xcalloc(m + 1, sizeof(*q->cand));
	q->mark = xcalloc(m + 1, sizeof(*q->mark));
	for (i = 0; i < m; i++)
		q->cand[i] = r[i].code;
	q->ncand = m;
	free(r);
	free(all);
}

/* The first question of that kind, or NULL. */
static const struct question *
q_kind(const struct scan *s, enum q_kind kind)
{
	int	 i;

	for (i = 0; i < s->nq; i++)
		if (s->q[i].kind == kind)
			return &s->q[i];
	return NULL;
}

/* Whether the DHE question is still open (its prime size unknown). */
static int
dhe_open(const struct scan *s)
{
	const struct question	*d = q_kind(s, Q_DHE);

	return d != NULL && !d->done && s->res->dh_bits_min == 0;
}

/* Whether a still-open candidate is worth offering to q now. */
static int
cand_wanted(const struct scan *s, const struct question *q, uint16_t code)
{
	const struct suite	*su;

	if (q->kind != Q_WEAK && q->kind != Q_WEAK_LOW)
		return 1;
	if (suite_classes(code) & SCAN_WEAK_CLASSES & ~q->known)
		return 1;
	/* Slow: DHE suites ride along while their question is open. */
	return q->with_dhe && (su = suite_find(code)) != NULL &&
	    su->kx == KX_DHE && dhe_open(s);
}

/* Copy up to max_suites wanted open candidates into the slot. */
static size_t
cand_offer(struct scan *s, struct question *q, struct slot *sl)
{
	size_t	 i, n = 0;

	for (i = 0; i < q->ncand; i++) {
		if (q->mark[i] != M_OPEN || !cand_wanted(s, q, q->cand[i]))
			continue;
		if (n == (size_t)s->max_suites) {
			q->split = 1;
			break;
		}
		sl->suites[n++] = q->cand[i];
	}
	sl->req.nsuites = n;
	return n;
}

/* Mark one candidate. */
static void
cand_mark(struct question *q, uint16_t code, uint8_t m)
{
	int	 i = find16(code, q->cand, q->ncand);

	if (i >= 0)
		q->mark[i] = m;
}

/* Mark every suite the slot offered as refused. */
static void
cand_refuse(struct question *q, const struct slot *sl)
{
	size_t	 i;

	for (i = 0; i < sl->req.nsuites; i++)
		cand_mark(q, sl->suites[i], M_REFUSED);
}

/* Union of the classes of every candidate. */
static unsigned
cand_classes(const struct question *q)
{
	unsigned	 c = 0;
	size_t		 i;

	for (i = 0; i < q->ncand; i++)
		c |= suite_classes(q->cand[i]);
	return c;
}

/* Whether any candidate is still open and wanted. */
static int
cand_left(const struct scan *s, const struct question *q)
{
	size_t	 i;

	for (i = 0; i < q->ncand; i++)
		if (q->mark[i] == M_OPEN && cand_wanted(s, q, q->cand[i]))
			return 1;
	return 0;
}

/* The common part of a hello at version vi. */
static void
slot_hello(struct scan *s, struct slot *sl, int vi, unsigned flags,
    int sig_rsa, int sig_ecdsa)
{
	struct hello_req	*r = &sl->req;
	size_t			 i, n = 0;

	memset(r, 0, sizeof(*r));
	r->version = vers[vi];
	r->min_version = vi == SCAN_V_TLS13 ? VER_TLS13 : 0;
	r->suites = sl->suites;
	r->groups = sl->groups;
	r->sigalgs = sl->sigalgs;
	r->sni = s->opts.sni;
	r->flags = flags;
	/* Order proofs need hellos where any accepted suite is usable. */
	sl->full_ctx = !sig_rsa && !sig_ecdsa;
	if (vi == SCAN_V_TLS13) {
		memcpy(sl->groups, groups13, sizeof(groups13));
		r->ngroups = NELEM(groups13);
		/* A HelloRetryRequest is followed by the second hello. */
		sl->does |= SCAN_DO_RETRY;
	} else if (vi >= SCAN_V_TLS10) {
		memcpy(sl->groups, groups12, sizeof(groups12));
		r->ngroups = NELEM(groups12);
	}
	/* signature_algorithms exists from TLS 1.2 on (RFC 5246 §7.4.1.4.1). */
	if (vi >= SCAN_V_TLS12) {
		for (i = 0; i < sigalg_count && n < HELLO_SIGALGS_MAX; i++) {
			if ((sig_rsa && !sigalg_table[i].rsa) ||
			    (sig_ecdsa && !sigalg_table[i].ecdsa))
				continue;
			sl->sigalgs[n++] = sigalg_table[i].code;
		}
		r->nsigalgs = n;
	}
}

/* Flags for a hello at vi that is not a version probe. */
static unsigned
plain_flags(int vi)
{
	if (vi == SCAN_V_TLS13)
		return 0;
	if (vi == SCAN_V_SSL3)
		return F_READ;
	return F_READ | HELLO_F_RENEG;
}

/* The question of that kind at vi, or NULL. */
static struct question *
q_find(struct scan *s, enum q_kind kind, int vi)
{
	int	 i;

	for (i = 0; i < s->nq; i++)
		if (s->q[i].kind == kind && s->q[i].vi == vi)
			return &s->q[i];
	return NULL;
}

/* Prepare the version probe for q->vi. */
static int
make_ver(struct scan *s, struct question *q, struct slot *sl)
{
	int	 vi = q->vi;
	unsigned flags;

	if (vi == SCAN_V_SSL2) {
		/* The builder offers every SSLv2 cipher kind it knows. */
		slot_hello(s, sl, vi, 0, 0, 0);
		str_copy(sl->purpose, sizeof(sl->purpose), "SSLv2 support");
		return 1;
	}
	if (!q->started)
		cand_build(q, vi, keep_all, rank_strong);
	if (vi == SCAN_V_TLS13)
		flags = 0;
	else if (vi == SCAN_V_SSL3)
		/* SSLv3 stacks predate extensions; some refuse hellos with them. */
		flags = F_READ;
	else
		flags = F_READ | F_EXTRAS;
	slot_hello(s, sl, vi, flags, 0, 0);
	if (cand_offer(s, q, sl) == 0) {
		ver_set(s, vi, SCAN_REJECTED, 0, "no suite left to offer");
		return 0;
	}
	if (vi == SCAN_V_TLS12)
		sl->does |= SCAN_DO_HEARTBLEED;
	str_fmt(sl->purpose, sizeof(sl->purpose), "%s support",
	    version_name(vers[vi]));
	return 1;
}

/*
 * The drill is over: every class left (and, slow, every DHE suite while
 * that question was open) was offered in full and refused.
 */
static void
weak_refused(struct scan *s, struct question *q)
{
	struct question	*d;
	int		 i;

	s->res->v[q->vi].classes_tested |= q->known |
	    (cand_classes(q) & SCAN_WEAK_CLASSES);
	if (!q->with_dhe || !dhe_open(s))
		return;
	for (i = 0; i < s->nq; i++) {
		d = &s->q[i];
		if (d->kind != Q_DHE)
			continue;
		d->done = 1;
		if (s->res->dhe == SCAN_TRI_UNTESTED)
			s->res->dhe = SCAN_TRI_NO;
	}
}

/*
 * The weakness drill at q->vi: every suite with a class not yet proven.
 * Slow: the DHE suites too while that question is open, so that one
 * refusal answers both (a chosen DHE suite answers DHE; the drill goes on
 * without it).
 */
static int
make_weak(struct scan *s, struct question *q, struct slot *sl)
{
	int	 vi;

	if (!q->started) {
		q->with_dhe = q->kind == Q_WEAK && slow_main(s) &&
		    dhe_open(s);
		cand_build(q, q->vi, q->with_dhe ? keep_weak_dhe : keep_weak,
		    rank_weak);
	}
	if (q->kind == Q_WEAK)
		q->known |= s->res->v[q->vi].classes_accepted;
	else
		for (vi = SCAN_V_SSL2; vi < SCAN_VERSIONS; vi++)
			q->known |= s->res->v[vi].classes_accepted;
	slot_hello(s, sl, q->vi, plain_flags(q->vi), 0, 0);
	if (cand_offer(s, q, sl) == 0) {
		weak_refused(s, q);
		return 0;
	}
	str_fmt(sl->purpose, sizeof(sl->purpose), "weak suites%s at %s",
	    q->with_dhe && dhe_open(s) ? " and DHE" : "",
	    version_name(vers[q->vi]));
	return 1;
}

/* Full mode: offer what is left of the version's suites. */
static int
make_enum(struct scan *s, struct question *q, struct slot *sl)
{
	struct scan_version	*v = &s->res->v[q->vi];
	size_t			 i;

	if (!q->started) {
		cand_build(q, q->vi, keep_all, rank_strong);
		q->found = xcalloc(q->ncand + 1, sizeof(*q->found));
		/*
		 * The version probe offered exactly our first hello: its
		 * choice is our first answer, one connection saved.
		 */
		if (s->first[q->vi] != NULL &&
		    s->nfirst[q->vi] == (q->ncand < (size_t)s->max_suites ?
		    q->ncand : (size_t)s->max_suites) &&
		    memcmp(s->first[q->vi], q->cand, s->nfirst[q->vi] *
		    sizeof(uint16_t)) == 0) {
			cand_mark(q, s->first_choice[q->vi], M_FOUND);
			q->found[q->nfound++] = s->first_choice[q->vi];
		}
	}
	slot_hello(s, sl, q->vi, plain_flags(q->vi), 0, 0);
	if (cand_offer(s, q, sl) == 0) {
		v->complete = 1;
		v->classes_tested |= cand_classes(q);
		for (i = 0; i < q->ncand; i++)
			if (q->mark[i] == M_FOUND)
				ver_add_suite(s, q->vi, q->cand[i]);
		return 0;
	}
	str_fmt(sl->purpose, sizeof(sl->purpose), "%s suites, %zu found",
	    version_name(vers[q->vi]), q->nfound);
	return 1;
}

/* Offer only the suites keep() takes at q->vi (DHE, AEAD, one key type). */
static int
make_subset(struct scan *s, struct question *q, struct slot *sl,
    int (*keep)(const struct suite *), const char *what)
{
	int	 rsa = 0, ecdsa = 0;

	if (!q->started)
		cand_build(q, q->vi, keep, rank_strong);
	if (q->kind == Q_CERT) {
		rsa = q->au == AU_RSA;
		ecdsa = q->au == AU_ECDSA;
		sl->asked = q->au;
	}
	slot_hello(s, sl, q->vi, plain_flags(q->vi), rsa, ecdsa);
	if (cand_offer(s, q, sl) == 0) {
		q->refused = 1;
		return 0;
	}
	str_fmt(sl->purpose, sizeof(sl->purpose), "%s at %s", what,
	    version_name(vers[q->vi]));
	return 1;
}

/* The version a fallback hello claims: the best accepted below the top. */
static int
scsv_version(const struct scan *s)
{
	int	 vi, top = -1;

	for (vi = SCAN_V_TLS13; vi >= SCAN_V_SSL3; vi--) {
		if (s->res->v[vi].state != SCAN_ACCEPTED)
			continue;
		if (top < 0)
			top = vi;
		else
			return vi;
	}
	return VI_NONE;
}

/* RFC 7507: a lower-version hello carrying TLS_FALLBACK_SCSV. */
static int
make_scsv(struct scan *s, struct question *q, struct slot *sl)
{
	if ((q->vi = scsv_version(s)) == VI_NONE) {
		str_copy(s->res->scsv_evidence,
		    sizeof(s->res->scsv_evidence),
		    "only one protocol version accepted: nothing to fall "
		    "back to");
		return 0;
	}
	if (!q->started)
		cand_build(q, q->vi, keep_all, rank_strong);
	slot_hello(s, sl, q->vi, plain_flags(q->vi) | HELLO_F_SCSV, 0, 0);
	if (cand_offer(s, q, sl) == 0)
		return 0;
	str_fmt(sl->purpose, sizeof(sl->purpose), "fallback SCSV at %s",
	    version_name(vers[q->vi]));
	return 1;
}

/* The version accepts one suite: nothing to order, and the list is all. */
static void
order_single(struct scan *s, struct question *q)
{
	struct scan_version	*v = &s->res->v[q->vi];

	v->complete = 1;
	v->classes_tested |= cand_classes(q);
	v->order = SCAN_ORDER_SINGLE;
	str_copy(v->order_evidence, sizeof(v->order_evidence),
	    "only one suite accepted");
}

/* Which suite to pair with the version probe's choice. */
static int
order_other(struct scan *s, int vi, uint16_t c0, uint16_t *other)
{
	struct scan_version	*v = &s->res->v[vi];
	int			 i, pt, pc;

	pc = find16(c0, s->first[vi], s->nfirst[vi]);
	for (i = 0; i < v->nsuites; i++) {
		if (v->suites[i] == c0)
			continue;
		pt = find16(v->suites[i], s->first[vi], s->nfirst[vi]);
		if (pc >= 0 && pt > pc) {
			*other = v->suites[i];
			return 1;
		}
	}
	for (i = 0; i < v->nsuites; i++)
		if (v->suites[i] != c0) {
			*other = v->suites[i];
			return 1;
		}
	return 0;
}

/*
 * Server or client order: offer two accepted suites with the one the
 * server chose before listed last (full mode: every accepted suite in
 * reverse order of discovery). A server keeping its choice imposes its
 * order; one taking our first follows ours.
 */
static int
make_order(struct scan *s, struct question *q, struct slot *sl)
{
	struct scan_version	*v = &s->res->v[q->vi];
	struct question		*e = q_find(s, Q_ENUM, q->vi);
	uint16_t		 c0, other;
	size_t			 i, n = 0;

	if (v->order != SCAN_ORDER_UNKNOWN)
		return 0;
	slot_hello(s, sl, q->vi, plain_flags(q->vi), 0, 0);
	/* Split hellos give no global order: ask by pair then. */
	if (e != NULL && e->nfound >= 2 && !e->split &&
	    e->nfound <= (size_t)s->max_suites) {
		for (i = e->nfound; i > 0 && n < (size_t)s->max_suites; i--)
			sl->suites[n++] = e->found[i - 1];
		q->pair[0] = e->found[e->nfound - 1];
		q->pair[1] = e->found[0];
		sl->req.nsuites = n;
		sl->pair = ORDER_PAIR;
	} else if (v->nsuites >= 2) {
		c0 = s->first[q->vi] != NULL ? s->first_choice[q->vi] :
		    v->suites[0];
		if (!order_other(s, q->vi, c0, &other))
			return 0;
		sl->suites[0] = q->pair[0] = other;
		sl->suites[1] = q->pair[1] = c0;
		sl->req.nsuites = 2;
		sl->pair = ORDER_PAIR;
	} else if (v->nsuites == 1 && !v->complete && !q->reversed &&
	    s->nfirst[q->vi] >= 2) {
		/*
		 * One known suite: offer the version probe's list reversed.
		 * Another choice proves client order at once (a server order
		 * would pick the same from the same set); the same choice
		 * means server order or a single suite.
		 */
		for (i = s->nfirst[q->vi]; i > 0; i--)
			sl->suites[n++] = s->first[q->vi][i - 1];
		sl->req.nsuites = n;
		q->pair[1] = s->first_choice[q->vi];
		sl->pair = ORDER_REVERSED;
	} else if (v->nsuites == 1) {
		/* Find a second suite: everything but the one we know. */
		if (q->cand == NULL)
			cand_build(q, q->vi, keep_all, rank_strong);
		cand_mark(q, v->suites[0], M_FOUND);
		if (v->complete || cand_offer(s, q, sl) == 0) {
			order_single(s, q);
			return 0;
		}
	} else
		return 0;
	str_fmt(sl->purpose, sizeof(sl->purpose), "%s at %s",
	    sl->pair == ORDER_PAIR ? "suite order" : sl->pair ?
	    "reversed order" : "a second suite",
	    version_name(vers[q->vi]));
	return 1;
}

/* Heartbleed where TLS 1.2 is missing: the best lower version. */
static int
make_heartbleed(struct scan *s, struct question *q, struct slot *sl)
{
	if (!q->started)
		cand_build(q, q->vi, keep_all, rank_strong);
	slot_hello(s, sl, q->vi, F_READ | F_EXTRAS, 0, 0);
	if (cand_offer(s, q, sl) == 0)
		return 0;
	sl->does |= SCAN_DO_HEARTBLEED;
	str_fmt(sl->purpose, sizeof(sl->purpose), "heartbleed at %s",
	    version_name(vers[q->vi]));
	return 1;
}

/* Groups: offer those not yet found; the answer names the next one. */
static int
make_groups(struct scan *s, struct question *q, struct slot *sl)
{
	struct scan_groups	*g;
	const uint16_t		*all;
	size_t			 nall, i, n = 0;

	if (q->kind == Q_GROUPS13) {
		g = &s->res->groups13;
		all = groups13;
		nall = NELEM(groups13);
		if (!q->started)
			cand_build(q, q->vi, keep_all, rank_strong);
	} else {
		g = &s->res->groups12;
		all = groups12;
		nall = NELEM(groups12);
		if (!q->started)
			cand_build(q, q->vi, keep_ecdhe, rank_strong);
	}
	slot_hello(s, sl, q->vi, plain_flags(q->vi), 0, 0);
	/* Fewer curves can rule out the ECDSA certificate (RFC 8422 §5.1). */
	sl->full_ctx = 0;
	for (i = 0; i < nall; i++)
		if (find16(all[i], g->codes, (size_t)g->n) < 0)
			sl->groups[n++] = all[i];
	sl->groups_new = n;
	if (n == 0) {
		g->complete = 1;
		return 0;
	}
	/*
	 * RFC 8422 §5.1: an ECDSA certificate's curve must be offered too, or
	 * the server refuses; so the groups already found go last.
	 */
	if (q->kind == Q_GROUPS12 && s->res->cert_ecdsa == SCAN_TRI_YES)
		for (i = 0; i < (size_t)g->n && n < HELLO_GROUPS_MAX; i++)
			sl->groups[n++] = g->codes[i];
	sl->req.ngroups = n;
	if (cand_offer(s, q, sl) == 0)
		return 0;
	str_fmt(sl->purpose, sizeof(sl->purpose), "groups at %s, %d found",
	    version_name(vers[q->vi]), g->n);
	return 1;
}

/* Fill the slot for q's next probe; 0 when q has nothing left to ask. */
static int
q_make(struct scan *s, struct question *q, struct slot *sl)
{
	int	 r = 0;

	switch (q->kind) {
	case Q_VER:
		r = make_ver(s, q, sl);
		break;
	case Q_WEAK:
	case Q_WEAK_LOW:
		r = make_weak(s, q, sl);
		break;
	case Q_ENUM:
		r = make_enum(s, q, sl);
		break;
	case Q_DHE:
		r = make_subset(s, q, sl, keep_dhe, "DHE suites");
		break;
	case Q_AEAD:
		r = make_subset(s, q, sl, keep_aead, "AEAD suites");
		break;
	case Q_CERT:
		r = make_subset(s, q, sl, q->au == AU_RSA ? keep_rsa :
		    keep_ecdsa, q->au == AU_RSA ? "RSA certificate" :
		    "ECDSA certificate");
		break;
	case Q_SCSV:
		r = make_scsv(s, q, sl);
		break;
	case Q_ORDER:
		r = make_order(s, q, sl);
		break;
	case Q_HEARTBLEED:
		r = make_heartbleed(s, q, sl);
		break;
	case Q_GROUPS13:
	case Q_GROUPS12:
		r = make_groups(s, q, sl);
		break;
	}
	q->started = 1;
	return r;
}

/* Whether every version of the TLS family has an answer. */
static int
tls_decided(const struct scan *s)
{
	int	 vi;

	for (vi = SCAN_V_SSL3; vi <= SCAN_V_TLS13; vi++)
		if (s->res->v[vi].state == SCAN_UNTESTED)
			return 0;
	return 1;
}

/* Resolve VI_BEST; QS_BLOCKED or QS_DONE when it cannot be yet. */
static enum q_status
resolve_best(struct scan *s, struct question *q)
{
	int	 best;

	if (q->vi != VI_BEST)
		return QS_READY;
	if ((best = legacy_best(s)) == VI_UNKNOWN)
		return QS_BLOCKED;
	if (best == VI_NONE) {
		q->done = 1;
		return QS_DONE;
	}
	q->vi = best;
	return QS_READY;
}

/* Mark q done; returns QS_DONE. */
static enum q_status
q_na(struct question *q)
{
	q->done = 1;
	return QS_DONE;
}

/* Whether the drills at the best version (weak, DHE, AEAD) are over. */
static int
drills_done(const struct scan *s)
{
	int	 i;

	for (i = 0; i < s->nq; i++)
		if ((s->q[i].kind == Q_WEAK || s->q[i].kind == Q_DHE ||
		    s->q[i].kind == Q_AEAD) && !s->q[i].done)
			return 0;
	return 1;
}

/*
 * Q_CERT once its version is known: a complete enumeration (which
 * offered every signature algorithm) already answers it.
 */
static enum q_status
cert_status(struct scan *s, struct question *q)
{
	enum scan_tri	*t = q->au == AU_RSA ? &s->res->cert_rsa :
	    &s->res->cert_ecdsa;
	struct question	*e = q_find(s, Q_ENUM, q->vi);

	if (*t != SCAN_TRI_UNTESTED)
		return q_na(q);
	if (e != NULL && !e->done)
		return QS_BLOCKED;
	if (s->res->v[q->vi].complete) {
		*t = SCAN_TRI_NO;
		return q_na(q);
	}
	return QS_READY;
}

/*
 * Where q stands, from what is known now; settles questions that no
 * longer apply. Dependencies only point to questions listed earlier.
 */
static enum q_status
q_status(struct scan *s, struct question *q)
{
	struct scan_result	*res = s->res;
	struct question		*e;
	enum q_status		 st;
	int			 best;

	if (q->done)
		return QS_DONE;
	if (q->running)
		return QS_RUNNING;
	switch (q->kind) {
	case Q_VER:
		if (res->v[q->vi].state != SCAN_UNTESTED)
			return q_na(q);
		/* Slow: TLS 1.1 refused with protocol_version answers for
		 * all below it (answer_ver()); wait for it. */
		if (slow_main(s) &&
		    (q->vi == SCAN_V_TLS10 || q->vi == SCAN_V_SSL3) &&
		    res->v[q->vi + 1].state == SCAN_UNTESTED)
			return QS_BLOCKED;
		return QS_READY;
	case Q_WEAK:
	case Q_DHE:
	case Q_AEAD:
	case Q_CERT:
		if (q->kind == Q_CERT && slow_main(s))
			return q_na(q);
		if ((st = resolve_best(s, q)) != QS_READY)
			return st;
		if (q->kind == Q_AEAD && (q->vi != SCAN_V_TLS12 ||
		    (res->v[q->vi].classes_accepted & SC_AEAD)))
			return q_na(q);
		if (q->kind == Q_DHE) {
			if (res->dh_bits_min > 0)
				return q_na(q);
			/* Slow: asked within the weakness drill first. */
			if (s->qweak >= 0 && s->q[s->qweak].with_dhe &&
			    !s->q[s->qweak].done)
				return QS_BLOCKED;
			if (s->opts.full) {
				e = q_find(s, Q_ENUM, q->vi);
				if (e != NULL && !e->done)
					return QS_BLOCKED;
				if (res->v[q->vi].complete &&
				    res->dhe != SCAN_TRI_YES) {
					res->dhe = SCAN_TRI_NO;
					return q_na(q);
				}
			}
		}
		if (q->kind == Q_CERT)
			return cert_status(s, q);
		return QS_READY;
	case Q_WEAK_LOW:
		if (slow_main(s) || (best = legacy_best(s)) == VI_UNKNOWN)
			return slow_main(s) ? q_na(q) : QS_BLOCKED;
		if (best == VI_NONE || q->vi >= best ||
		    res->v[q->vi].state != SCAN_ACCEPTED)
			return q_na(q);
		if (s->qweak >= 0 && !s->q[s->qweak].done)
			return QS_BLOCKED;
		return QS_READY;
	case Q_ENUM:
		if (res->v[q->vi].state == SCAN_UNTESTED)
			return QS_BLOCKED;
		return res->v[q->vi].state == SCAN_ACCEPTED ? QS_READY :
		    q_na(q);
	case Q_SCSV:
		if (res->scsv != SCAN_TRI_UNTESTED)
			return q_na(q);
		if (slow_main(s)) {
			str_copy(res->scsv_evidence, sizeof(res->scsv_evidence),
			    "not tested: slow greeting, main questions only");
			return q_na(q);
		}
		return tls_decided(s) ? QS_READY : QS_BLOCKED;
	case Q_ORDER:
		if (slow_main(s))
			return q_na(q);
		if ((st = resolve_best(s, q)) != QS_READY)
			return st;
		if (res->v[q->vi].state == SCAN_UNTESTED)
			return QS_BLOCKED;
		if (res->v[q->vi].state != SCAN_ACCEPTED ||
		    res->v[q->vi].order != SCAN_ORDER_UNKNOWN)
			return q_na(q);
		e = q_find(s, Q_ENUM, q->vi);
		if (e != NULL && !e->done)
			return QS_BLOCKED;
		/*
		 * The drills at that version often find the second suite
		 * the pair needs: wait for them rather than pay for it.
		 */
		if (!s->opts.full && q->vi != SCAN_V_TLS13 &&
		    !drills_done(s))
			return QS_BLOCKED;
		return QS_READY;
	case Q_HEARTBLEED:
		if (res->heartbleed != SCAN_TRI_UNTESTED)
			return q_na(q);
		if (res->v[SCAN_V_TLS12].state == SCAN_UNTESTED)
			return QS_BLOCKED;
		if (res->v[SCAN_V_TLS12].state == SCAN_ACCEPTED)
			return q_na(q);
		if ((st = resolve_best(s, q)) != QS_READY)
			return st;
		/* Heartbeat is a TLS extension; SSLv3 hellos carry none. */
		if (q->vi < SCAN_V_TLS10)
			return q_na(q);
		if (s->hb_echo[q->vi] == 0) {
			res->heartbleed = SCAN_TRI_NO;
			str_copy(res->heartbleed_evidence,
			    sizeof(res->heartbleed_evidence),
			    "heartbeat extension not negotiated");
			return q_na(q);
		}
		return QS_READY;
	case Q_GROUPS13:
	case Q_GROUPS12:
		if (slow_main(s))
			return q_na(q);
		if (res->v[q->vi].state == SCAN_UNTESTED)
			return QS_BLOCKED;
		if (res->v[q->vi].state != SCAN_ACCEPTED)
			return q_na(q);
		if (q->kind == Q_GROUPS12) {
			e = q_find(s, Q_ENUM, q->vi);
			if (e != NULL && !e->done)
				return QS_BLOCKED;
			if (!ver_has_kx(s, q->vi, KX_ECDHE))
				return q_na(q);
		}
		return QS_READY;
	}
	return QS_DONE;
}

/*
 * The answer to our second hello against the HelloRetryRequest before it
 * (RFC 8446 §4.1.4): no second HelloRetryRequest, and a ServerHello with
 * the same version, suite and group (§4.2.8). 0 if it holds.
 */
static int
check_retried(const struct hello_req *r, const struct hello_answer *a,
    char *why, size_t len)
{
	char	 t1[8], t2[8];

	if (r->version != VER_TLS13 ||
	    find16(a->hrr_suite, r->suites, r->nsuites) < 0 ||
	    a->hrr_group == 0 ||
	    find16(a->hrr_group, r->groups, r->ngroups) < 0) {
		str_copy(why, len, "HelloRetryRequest names a suite or group "
		    "not offered");
		return -1;
	}
	if (a->outcome == HELLO_HRR) {
		str_copy(why, len, "second HelloRetryRequest (RFC 8446 "
		    "§4.1.4)");
		return -1;
	}
	if (a->outcome != HELLO_SERVER_HELLO)
		return 0;
	if (a->version != VER_TLS13) {
		str_fmt(why, len, "ServerHello %s after a HelloRetryRequest "
		    "for TLSv1.3", version_name(a->version));
		return -1;
	}
	if (a->suite != a->hrr_suite) {
		str_fmt(why, len, "ServerHello chose %s after a "
		    "HelloRetryRequest for %s", suite_name(a->suite, t1,
		    sizeof(t1)), suite_name(a->hrr_suite, t2, sizeof(t2)));
		return -1;
	}
	if (a->group != a->hrr_group) {
		str_fmt(why, len, "ServerHello group %s after a "
		    "HelloRetryRequest for %s", group_name(a->group, t1,
		    sizeof(t1)), group_name(a->hrr_group, t2, sizeof(t2)));
		return -1;
	}
	return 0;
}

/*
 * Check an answer against the hello it answers: a server naming what was
 * not offered proves nothing and is kept as an anomaly.
 */
static enum verdict
check_answer(const struct slot *sl, const struct hello_answer *a, char *why,
    size_t len)
{
	const struct hello_req	*r = &sl->req;
	const struct suite	*su;
	char			 t[8];

	if (a->retried && check_retried(r, a, why, len) == -1)
		return VD_BAD;
	switch (a->outcome) {
	case HELLO_SERVER_HELLO:
		if (scan_vidx(a->version) < SCAN_V_SSL3 ||
		    a->version > (r->version == VER_SSL2 ? VER_TLS13 :
		    r->version)) {
			str_fmt(why, len, "ServerHello version 0x%04x to a %s "
			    "hello", a->version, version_name(r->version));
			return VD_BAD;
		}
		if (r->version == VER_SSL2)
			return VD_SH;	/* read as "no SSLv2" */
		su = suite_find(a->suite);
		if (find16(a->suite, r->suites, r->nsuites) < 0 ||
		    su == NULL) {
			str_fmt(why, len, "ServerHello chose %s, not offered",
			    suite_name(a->suite, t, sizeof(t)));
			return VD_BAD;
		}
		if ((a->version == VER_TLS13) != !!(su->classes & SC_TLS13) ||
		    su->min_version > a->version) {
			str_fmt(why, len, "ServerHello chose %s at %s",
			    su->iana, version_name(a->version));
			return VD_BAD;
		}
		if (a->compression != 0 && !(r->flags & HELLO_F_DEFLATE)) {
			str_fmt(why, len, "compression method %u not offered",
			    a->compression);
			return VD_BAD;
		}
		if (a->group != 0 && (a->version == VER_TLS13 ||
		    su->kx == KX_ECDHE) &&
		    find16(a->group, r->groups, r->ngroups) < 0) {
			str_fmt(why, len, "group 0x%04x not offered",
			    a->group);
			return VD_BAD;
		}
		return VD_SH;
	case HELLO_HRR:
		if (r->version != VER_TLS13 ||
		    find16(a->suite, r->suites, r->nsuites) < 0 ||
		    a->group == 0 ||
		    find16(a->group, r->groups, r->ngroups) < 0) {
			str_copy(why, len, "HelloRetryRequest names a suite "
			    "or group not offered");
			return VD_BAD;
		}
		return VD_HRR;
	case HELLO_SSL2:
		if (r->version != VER_SSL2) {
			str_fmt(why, len, "SSLv2 SERVER-HELLO to a %s hello",
			    version_name(r->version));
			return VD_BAD;
		}
		return VD_SSL2;
	case HELLO_ALERT:
		return VD_ALERT;
	case HELLO_CLOSED:
		return VD_CLOSED;
	case HELLO_MALFORMED:
		str_copy(why, len, a->why != NULL ? a->why : "malformed");
		return VD_BAD;
	case HELLO_NEED_MORE:
		break;
	}
	str_copy(why, len, "incomplete answer");
	return VD_BAD;
}

/* Keep a leaf certificate once; up to SCAN_CERTS_MAX of them. */
static void
cert_keep(struct scan *s, const struct slot *sl, const struct hello_answer *a,
    enum suite_au key)
{
	struct scan_result	*res = s->res;
	struct scan_cert	*c;
	int			 i;

	for (i = 0; i < res->ncerts; i++)
		if (res->certs[i].len == a->cert_len &&
		    memcmp(res->certs[i].der, a->cert, a->cert_len) == 0)
			return;
	if (res->ncerts >= SCAN_CERTS_MAX)
		return;
	c = &res->certs[res->ncerts++];
	c->asked = sl->asked;
	c->key = key;
	c->version = a->version;
	c->suite = a->suite;
	c->der = xcalloc(1, a->cert_len);
	memcpy(c->der, a->cert, a->cert_len);
	c->len = a->cert_len;
	c->ncerts = a->ncerts;
}

/* What any checked answer proves, whichever question asked it. */
static void
learn(struct scan *s, const struct slot *sl, enum verdict vd,
    const struct hello_answer *a)
{
	struct scan_result	*res = s->res;
	struct scan_version	*v2 = &res->v[SCAN_V_SSL2];
	const struct suite	*su;
	unsigned		 f = sl->req.flags;
	int			 i, vi;

	if (vd == VD_SSL2) {
		for (i = 0; i < a->nssl2_kinds && i < (int)NELEM(a->ssl2_kinds);
		    i++) {
			if (v2->nssl2_kinds >= SCAN_SSL2_KEPT)
				break;
			v2->ssl2_kinds[v2->nssl2_kinds++] = a->ssl2_kinds[i];
		}
		/* SSLv2 servers authenticate with RSA certificates only. */
		if (a->cert != NULL && a->cert_len > 0 &&
		    a->cert_len <= HELLO_CERT_MAX) {
			tri_see(&res->cert_rsa, 1);
			cert_keep(s, sl, a, AU_RSA);
		}
		return;
	}
	if (vd == VD_HRR) {
		ver_add_suite(s, SCAN_V_TLS13, a->suite);
		if (sl->full_ctx)
			order_note(s, SCAN_V_TLS13, sl->suites,
			    sl->req.nsuites, a->suite);
		groups_add(&res->groups13, a->group, 1);
		return;
	}
	if (vd != VD_SH || sl->req.version == VER_SSL2 ||
	    a->version != sl->req.version)
		return;
	vi = scan_vidx(a->version);
	ver_add_suite(s, vi, a->suite);
	if (sl->full_ctx)
		order_note(s, vi, sl->suites, sl->req.nsuites, a->suite);
	if (vi == SCAN_V_TLS13) {
		groups_add(&res->groups13, a->group, 0);
		return;
	}
	/* The extras: a TLS <= 1.2 ServerHello echoes what it supports. */
	if (f & HELLO_F_RENEG)
		tri_see(&res->reneg, a->reneg_info);
	if (f & HELLO_F_STATUS)
		tri_see(&res->ocsp, a->status);
	if (f & HELLO_F_TICKET)
		tri_see(&res->ticket, a->ticket);
	if (f & HELLO_F_EMS)
		tri_see(&res->ems, a->ems);
	if (f & HELLO_F_ETM)
		tri_see(&res->etm, a->etm);
	if (f & HELLO_F_DEFLATE)
		tri_see(&res->compression, a->compression != 0);
	if (f & HELLO_F_HEARTBEAT) {
		tri_see(&res->heartbeat, a->heartbeat);
		if (s->hb_echo[vi] <= 0)
			s->hb_echo[vi] = a->heartbeat != 0;
	}
	su = suite_find(a->suite);
	if (su->au == AU_RSA)
		tri_see(&res->cert_rsa, 1);
	else if (su->au == AU_ECDSA)
		tri_see(&res->cert_ecdsa, 1);
	if ((f & HELLO_F_WANT_CERT) && a->cert != NULL && a->cert_len > 0 &&
	    a->cert_len <= HELLO_CERT_MAX)
		cert_keep(s, sl, a, su->au);
	if (su->kx == KX_DHE) {
		/* Anonymous DHE is judged with the anonymous suites. */
		int *min = su->au == AU_ANON ? &res->dh_bits_anon_min :
		    &res->dh_bits_min;

		res->dhe = SCAN_TRI_YES;
		if (a->dh_bits > 0 && (*min == 0 || a->dh_bits < *min))
			*min = a->dh_bits;
	}
	if (su->kx == KX_ECDHE && a->group != 0)
		groups_add(&res->groups12, a->group, 0);
}

/* Record the version probe's offer and choice for later order proofs. */
static void
first_keep(struct scan *s, int vi, const struct slot *sl, uint16_t choice)
{
	if (s->first[vi] != NULL || !sl->full_ctx)
		return;
	s->first[vi] = xcalloc(sl->req.nsuites + 1, sizeof(uint16_t));
	memcpy(s->first[vi], sl->suites, sl->req.nsuites * sizeof(uint16_t));
	s->nfirst[vi] = sl->req.nsuites;
	s->first_choice[vi] = choice;
}

/* Decide version k without a probe, if nobody asked it yet. */
static void
ver_infer(struct scan *s, int k, const char *why)
{
	struct question	*vq = q_find(s, Q_VER, k);

	if (s->res->v[k].state != SCAN_UNTESTED ||
	    (vq != NULL && vq->running))
		return;
	ver_set(s, k, SCAN_REJECTED, 1, why);
	if (vq != NULL)
		vq->done = 1;
}

/* The version probe's answer. Returns 1 when q needs another round. */
static int
answer_ver(struct scan *s, struct question *q, const struct slot *sl,
    enum verdict vd, const struct hello_answer *a, const char *why)
{
	char	 ev[SCAN_EVIDENCE_MAX], t[8], g[8];
	int	 vi = q->vi, k;

	switch (vd) {
	case VD_SH:
		if (vi == SCAN_V_SSL2) {
			str_fmt(ev, sizeof(ev), "answered with a %s ServerHello",
			    version_name(a->version));
			ver_set(s, vi, SCAN_REJECTED, 0, ev);
			break;
		}
		if (a->version == vers[vi]) {
			if (a->retried)
				str_fmt(ev, sizeof(ev), "ServerHello %s %s, %s "
				    "after a HelloRetryRequest",
				    version_name(a->version),
				    suite_name(a->suite, t, sizeof(t)),
				    group_name(a->group, g, sizeof(g)));
			else
				str_fmt(ev, sizeof(ev), "ServerHello %s %s",
				    version_name(a->version),
				    suite_name(a->suite, t, sizeof(t)));
			ver_set(s, vi, SCAN_ACCEPTED, 0, ev);
			first_keep(s, vi, sl, a->suite);
			break;
		}
		str_fmt(ev, sizeof(ev), "ServerHello chose %s instead",
		    version_name(a->version));
		ver_set(s, vi, SCAN_REJECTED, 0, ev);
		/*
		 * RFC 5246 E.1: the server answers with its highest version
		 * below ours, so none in between is there.
		 */
		str_fmt(ev, sizeof(ev), "not probed: a %s hello got %s",
		    version_name(vers[vi]), version_name(a->version));
		for (k = scan_vidx(a->version) + 1; k < vi; k++)
			ver_infer(s, k, ev);
		break;
	case VD_HRR:
		/* why: what became of the second hello, if one went out. */
		str_fmt(ev, sizeof(ev), "HelloRetryRequest %s %s for %s%s%s",
		    version_name(VER_TLS13), suite_name(a->suite, t, sizeof(t)),
		    group_name(a->group, g, sizeof(g)), why[0] ? "; " : "",
		    why);
		ver_set(s, vi, SCAN_ACCEPTED, 0, ev);
		first_keep(s, vi, sl, a->suite);
		break;
	case VD_SSL2:
		str_fmt(ev, sizeof(ev), "SSLv2 SERVER-HELLO, %d cipher kinds",
		    a->nssl2_kinds);
		ver_set(s, vi, SCAN_ACCEPTED, 0, ev);
		break;
	case VD_ALERT:
	case VD_CLOSED:
		/*
		 * Split offers: a refused part says nothing of the rest,
		 * unless the refusal was of the version itself.
		 */
		if (vi != SCAN_V_SSL2 && (vd == VD_CLOSED ||
		    a->alert_desc != 70)) {
			cand_refuse(q, sl);
			if (cand_left(s, q))
				return 1;
		}
		refusal_text(vd, a, ev, sizeof(ev));
		ver_set(s, vi, SCAN_REJECTED, 0, ev);
		/*
		 * Slow: protocol_version to a hello offering every suite up
		 * to vi says the server has no version up to vi (RFC 5246
		 * E.1: else it answers with its highest one below ours). No
		 * other refusal says that much.
		 */
		if (slow_main(s) && vd == VD_ALERT &&
		    a->alert_desc == 70 &&
		    (vi == SCAN_V_TLS11 || vi == SCAN_V_TLS10)) {
			str_fmt(ev, sizeof(ev), "not probed: %s refused with "
			    "protocol_version, so is anything lower (RFC 5246 "
			    "E.1)", version_name(vers[vi]));
			for (k = vi - 1; k >= SCAN_V_SSL3; k--)
				ver_infer(s, k, ev);
		}
		break;
	case VD_SILENT:
		ver_set(s, vi, SCAN_INCONCLUSIVE, 0,
		    "no answer within the timeout");
		break;
	case VD_BAD:
		str_fmt(ev, sizeof(ev), "malformed answer: %s", why);
		ver_set(s, vi, SCAN_INCONCLUSIVE, 0, ev);
		break;
	}
	return 0;
}

/* Full mode: the version's enumeration is over; every suite is known. */
static void
enum_finish(struct scan *s, struct question *q)
{
	s->res->v[q->vi].complete = 1;
	s->res->v[q->vi].classes_tested |= cand_classes(q);
	q->done = 1;
}

/* A subset question (DHE, AEAD, one key type) was refused in full. */
static void
subset_refused(struct scan *s, struct question *q)
{
	q->refused = 1;
	if (q->kind == Q_DHE && s->res->dhe == SCAN_TRI_UNTESTED)
		s->res->dhe = SCAN_TRI_NO;
	else if (q->kind == Q_AEAD)
		s->aead_refused = 1;
	else if (q->kind == Q_CERT)
		tri_see(q->au == AU_RSA ? &s->res->cert_rsa :
		    &s->res->cert_ecdsa, 0);
}

/* The order question's answer. */
static void
answer_order(struct scan *s, struct question *q, const struct slot *sl,
    enum verdict vd, const struct hello_answer *a)
{
	struct scan_version	*v = &s->res->v[q->vi];
	char			 t1[8], t2[8];
	int			 chose = vd == VD_HRR ||
	    (vd == VD_SH && a->version == sl->req.version);

	if (sl->pair == ORDER_REVERSED) {
		q->reversed = 1;
		if (!chose) {
			q->done = 1;
		} else if (a->suite != q->pair[1]) {
			v->order = SCAN_ORDER_CLIENT;
			str_fmt(v->order_evidence, sizeof(v->order_evidence),
			    "took %s, first of our list reversed, over %s",
			    suite_name(a->suite, t1, sizeof(t1)),
			    suite_name(q->pair[1], t2, sizeof(t2)));
			q->done = 1;
		} else {
			/* Server order, or one suite: a second one decides. */
			s->kept[q->vi] = q->pair[1];
			order_kept_check(s, q->vi);
		}
		return;
	}
	if (!sl->pair) {
		/* A second suite: ver_add_suite() may have proved it. */
		if (chose && v->order != SCAN_ORDER_UNKNOWN)
			q->done = 1;
		if (chose)
			return;		/* two suites now: ask the pair */
		if (vd == VD_ALERT || vd == VD_CLOSED) {
			cand_refuse(q, sl);
			if (cand_left(s, q))
				return;
			/* Nothing but the known suite: the list is all. */
			if (v->nsuites == 1)
				order_single(s, q);
		}
		q->done = 1;
		return;
	}
	q->done = 1;
	if (!chose || v->order != SCAN_ORDER_UNKNOWN)
		return;
	if (a->suite == q->pair[0]) {
		v->order = SCAN_ORDER_CLIENT;
		str_fmt(v->order_evidence, sizeof(v->order_evidence),
		    "took %s, listed first, over %s",
		    suite_name(q->pair[0], t1, sizeof(t1)),
		    suite_name(q->pair[1], t2, sizeof(t2)));
	} else if (a->suite == q->pair[1]) {
		v->order = SCAN_ORDER_SERVER;
		str_fmt(v->order_evidence, sizeof(v->order_evidence),
		    "kept %s when %s was listed first",
		    suite_name(q->pair[1], t1, sizeof(t1)),
		    suite_name(q->pair[0], t2, sizeof(t2)));
	} else
		str_fmt(v->order_evidence, sizeof(v->order_evidence),
		    "chose %s, neither end of our list",
		    suite_name(a->suite, t1, sizeof(t1)));
}

/* Move q on with the answer to its probe. */
static void
q_answer(struct scan *s, struct question *q, const struct slot *sl,
    enum verdict vd, const struct hello_answer *a, const char *why)
{
	struct scan_result	*res = s->res;
	char			 ev[SCAN_EVIDENCE_MAX];
	int			 chose = vd == VD_HRR ||
	    (vd == VD_SH && a->version == sl->req.version);
	int			 refused = vd == VD_ALERT || vd == VD_CLOSED;

	switch (q->kind) {
	case Q_VER:
		if (!answer_ver(s, q, sl, vd, a, why))
			q->done = 1;
		return;
	case Q_WEAK:
	case Q_WEAK_LOW:
		if (chose) {
			q->known |= suite_classes(a->suite);
			cand_mark(q, a->suite, M_FOUND);
			return;
		}
		if (refused) {
			cand_refuse(q, sl);
			if (cand_left(s, q))
				return;
			weak_refused(s, q);
		}
		q->done = 1;
		return;
	case Q_ENUM:
		if (chose) {
			cand_mark(q, a->suite, M_FOUND);
			if (find16(a->suite, q->found, q->nfound) < 0)
				q->found[q->nfound++] = a->suite;
		} else if (refused)
			cand_refuse(q, sl);
		else {
			q->done = 1;
			return;
		}
		if (!cand_left(s, q))
			enum_finish(s, q);
		return;
	case Q_DHE:
	case Q_AEAD:
	case Q_CERT:
		if (refused) {
			cand_refuse(q, sl);
			if (cand_left(s, q))
				return;
			subset_refused(s, q);
		} else if (!chose && q->kind == Q_CERT)
			*(q->au == AU_RSA ? &res->cert_rsa : &res->cert_ecdsa) =
			    SCAN_TRI_INCONCLUSIVE;
		q->done = 1;
		return;
	case Q_SCSV:
		/*
		 * RFC 7507 §3: inappropriate_fallback (86) to a lower hello
		 * with the SCSV when the server has something higher.
		 */
		if (vd == VD_ALERT && a->alert_desc == 86) {
			res->scsv = SCAN_TRI_YES;
			str_fmt(res->scsv_evidence, sizeof(res->scsv_evidence),
			    "alert inappropriate_fallback (86) to a %s hello",
			    version_name(sl->req.version));
		} else if (chose) {
			res->scsv = SCAN_TRI_NO;
			str_fmt(res->scsv_evidence, sizeof(res->scsv_evidence),
			    "ServerHello %s despite TLS_FALLBACK_SCSV",
			    version_name(a->version));
		} else {
			res->scsv = SCAN_TRI_INCONCLUSIVE;
			if (vd == VD_BAD)
				str_fmt(ev, sizeof(ev), "malformed answer: %s",
				    why);
			else if (vd == VD_SH)
				str_fmt(ev, sizeof(ev), "ServerHello %s to a "
				    "%s hello", version_name(a->version),
				    version_name(sl->req.version));
			else
				refusal_text(vd, a, ev, sizeof(ev));
			str_copy(res->scsv_evidence,
			    sizeof(res->scsv_evidence), ev);
		}
		q->done = 1;
		return;
	case Q_ORDER:
		answer_order(s, q, sl, vd, a);
		return;
	case Q_HEARTBLEED:
		q->done = 1;
		return;
	case Q_GROUPS13:
	case Q_GROUPS12:
		/* Go on only while each answer names a group not yet had. */
		if (chose && a->group != 0 &&
		    find16(a->group, sl->groups, sl->groups_new) >= 0)
			return;
		/* An old group chosen over new ones: none of them is taken,
		 * unless the server's own order put the old one first. */
		if (refused || (chose && res->v[q->vi].order ==
		    SCAN_ORDER_CLIENT))
			(q->kind == Q_GROUPS13 ? &res->groups13 :
			    &res->groups12)->complete = 1;
		q->done = 1;
		return;
	}
}

/* The Heartbleed verdict from a probe that carried the heartbeat step. */
static void
heartbleed(struct scan *s, const struct slot *sl, enum verdict vd,
    const struct hello_answer *a, enum scan_hb hb)
{
	struct scan_result	*res = s->res;
	const char		*ev;

	if (!(sl->does & SCAN_DO_HEARTBLEED) || vd != VD_SH ||
	    a->version != sl->req.version || res->heartbleed == SCAN_TRI_YES)
		return;
	if (!a->heartbeat) {
		res->heartbleed = SCAN_TRI_NO;
		ev = "heartbeat extension not negotiated";
	} else if (hb == SCAN_HB_LEAKED) {
		res->heartbleed = SCAN_TRI_YES;
		ev = "answered a heartbeat claiming 16384 bytes it did not "
		    "get (CVE-2014-0160)";
	} else if (hb == SCAN_HB_REFUSED) {
		res->heartbleed = SCAN_TRI_NO;
		ev = "dropped a heartbeat claiming more bytes than sent";
	} else {
		res->heartbleed = SCAN_TRI_INCONCLUSIVE;
		ev = hb == SCAN_HB_IO_ERROR ? "heartbeat step failed" :
		    "heartbeat step not run";
	}
	str_copy(res->heartbleed_evidence, sizeof(res->heartbleed_evidence),
	    ev);
}

/* The outstanding probe with this id, or NULL. */
static struct slot *
slot_find(struct scan *s, int id)
{
	int	 i;

	if (id <= 0)
		return NULL;
	for (i = 0; i < s->parallel; i++)
		if (s->slot[i].id == id)
			return &s->slot[i];
	return NULL;
}

/* Free a slot once its probe has ended. */
static void
slot_release(struct scan *s, struct slot *sl)
{
	s->q[sl->qi].running = 0;
	sl->id = 0;
	s->out--;
}

/*
 * No ServerHello to our second hello, an alert, the end of the connection
 * or silence instead: the HelloRetryRequest stays the answer, as when no
 * second hello could go out (its key share may be what the server did not
 * like); what came instead goes into note.
 */
static const struct hello_answer *
retry_refused(const struct hello_answer *a, struct hello_answer *hrr,
    char *note, size_t len)
{
	char	 ev[SCAN_EVIDENCE_MAX];

	if (a->outcome == HELLO_HRR && a->retry_silent) {
		refusal_text(VD_SILENT, a, ev, sizeof(ev));
		str_fmt(note, len, "second hello: %s", ev);
		return a;
	}
	if (!a->retried || (a->outcome != HELLO_ALERT &&
	    a->outcome != HELLO_CLOSED))
		return a;
	refusal_text(a->outcome == HELLO_ALERT ? VD_ALERT : VD_CLOSED, a, ev,
	    sizeof(ev));
	str_fmt(note, len, "second hello: %s", ev);
	*hrr = *a;
	hrr->outcome = HELLO_HRR;
	hrr->retried = 0;
	hrr->version = VER_TLS13;
	hrr->suite = a->hrr_suite;
	hrr->group = a->hrr_group;
	return hrr;
}

/* End a probe with an answer (or, silent, without one). */
static int
feed(struct scan *s, int id, const struct hello_answer *a, enum scan_hb hb,
    int silent)
{
	struct slot		*sl;
	struct hello_answer	 none, hrr;
	enum verdict		 vd;
	char			 why[SCAN_EVIDENCE_MAX];

	if ((sl = slot_find(s, id)) == NULL)
		return -1;
	if (a == NULL || silent) {
		memset(&none, 0, sizeof(none));
		none.outcome = HELLO_CLOSED;
		none.alert_level = -1;
		a = &none;
	}
	why[0] = '\0';
	s->streak = 0;
	a = retry_refused(a, &hrr, why, sizeof(why));
	vd = silent ? VD_SILENT : check_answer(sl, a, why, sizeof(why));
	if (vd == VD_BAD)
		anomaly(s, why);
	learn(s, sl, vd, a);
	heartbleed(s, sl, vd, a, hb);
	s->q[sl->qi].running = 0;
	q_answer(s, &s->q[sl->qi], sl, vd, a, why);
	slot_release(s, sl);
	return 0;
}

/* End probe id with the server's answer. */
int
scan_feed(struct scan *s, int id, const struct hello_answer *a)
{
	return feed(s, id, a, SCAN_HB_NOT_RUN, 0);
}

/* End probe id with its answer and the heartbeat step's outcome. */
int
scan_feed_heartbleed(struct scan *s, int id, const struct hello_answer *a,
    enum scan_hb hb)
{
	return feed(s, id, a, hb, 0);
}

/* Stop the whole scan; answers already out are still taken. */
static void
scan_abort(struct scan *s, const char *why)
{
	if (s->res->aborted)
		return;
	s->res->aborted = 1;
	str_copy(s->res->abort_why, sizeof(s->res->abort_why), why);
}

/* A question that cannot be asked any more. */
static void
q_give_up(struct scan *s, struct question *q, const char *why)
{
	q->done = 1;
	if (q->kind == Q_VER && s->res->v[q->vi].state == SCAN_UNTESTED)
		ver_set(s, q->vi, SCAN_INCONCLUSIVE, 0, why);
	else if (q->kind == Q_SCSV) {
		s->res->scsv = SCAN_TRI_INCONCLUSIVE;
		str_copy(s->res->scsv_evidence, sizeof(s->res->scsv_evidence),
		    why);
	}
}

/* Why a connection failed, in words. */
static const char *
fail_name(enum scan_fail why)
{
	switch (why) {
	case SCAN_FAIL_BUSY:
		return "server busy (4xx)";
	case SCAN_FAIL_CONNECT:
		return "connection failed";
	case SCAN_FAIL_TIMEOUT:
		return "timed out before the hello";
	case SCAN_FAIL_NO_STARTTLS:
		return "STARTTLS not offered";
	case SCAN_FAIL_SILENT:
		return "no answer to the hello";
	case SCAN_FAIL_BUILD:
		return "hello could not be built";
	}
	return "failed";
}

/* End probe id without an answer; most failures re-ask once. */
int
scan_fail(struct scan *s, int id, enum scan_fail why)
{
	struct scan_result	*res = s->res;
	struct slot		*sl;
	struct question		*q;
	char			 ev[SCAN_EVIDENCE_MAX];

	if ((sl = slot_find(s, id)) == NULL)
		return -1;
	if (why == SCAN_FAIL_SILENT) {
		res->conns_failed++;
		return feed(s, id, NULL, SCAN_HB_NOT_RUN, 1);
	}
	q = &s->q[sl->qi];
	slot_release(s, sl);
	switch (why) {
	case SCAN_FAIL_BUILD:
		/* The engine builds before it connects: nothing was used. */
		res->conns_used--;
		q_give_up(s, q, fail_name(why));
		return 0;
	case SCAN_FAIL_NO_STARTTLS:
		res->conns_failed++;
		q_give_up(s, q, fail_name(why));
		scan_abort(s, "STARTTLS no longer offered");
		return 0;
	case SCAN_FAIL_BUSY:
		res->busy++;
		/* FALLTHROUGH */
	default:
		res->conns_failed++;
		if (++s->streak >= SCAN_FAIL_STREAK) {
			str_fmt(ev, sizeof(ev), "%d connections in a row "
			    "failed, the last: %s", s->streak,
			    fail_name(why));
			q_give_up(s, q, ev);
			scan_abort(s, ev);
		} else if (++q->fails >= 2) {
			str_fmt(ev, sizeof(ev), "not tested: %s twice",
			    fail_name(why));
			q_give_up(s, q, ev);
		}
		/* Otherwise q is ready again: the same round is re-asked. */
		return 0;
	}
}

/* Probable further rounds of a running question, for the reserve. */
static int
q_more(const struct question *q)
{
	return q->kind == Q_WEAK || q->kind == Q_WEAK_LOW ||
	    q->kind == Q_ENUM || q->kind == Q_ORDER ||
	    q->kind == Q_GROUPS13 || q->kind == Q_GROUPS12;
}

/* TLS <= 1.2 clients get no AEAD suite (RFC 9325 §4.2 asks for one). */
static enum scan_tri
cbc_only(const struct scan *s)
{
	const struct scan_result	*res = s->res;
	const struct scan_version	*v12 = &res->v[SCAN_V_TLS12];
	int				 vi;

	if (v12->classes_accepted & SC_AEAD)
		return SCAN_TRI_NO;
	if (v12->state == SCAN_ACCEPTED)
		return s->aead_refused || v12->complete ? SCAN_TRI_YES :
		    SCAN_TRI_UNTESTED;
	if (v12->state != SCAN_REJECTED)
		return SCAN_TRI_UNTESTED;
	for (vi = SCAN_V_TLS11; vi >= SCAN_V_SSL3; vi--)
		if (res->v[vi].state == SCAN_ACCEPTED)
			return SCAN_TRI_YES;
	return res->v[SCAN_V_TLS13].state == SCAN_ACCEPTED ? SCAN_TRI_NO :
	    SCAN_TRI_UNTESTED;
}

/* The classes of an SSLv2 cipher kind. */
static unsigned
ssl2_classes(uint32_t code)
{
	const struct ssl2_kind	*k = ssl2_kind_find(code);

	return k != NULL ? k->classes : 0;
}

/* Summaries once no probe is out and none is left to send. */
static void
finish(struct scan *s)
{
	struct scan_result	*res = s->res;
	struct scan_version	*v;
	struct question		*q;
	unsigned		 c;
	int			 i, j, b, vi;

	s->finished = 1;
	/* Left undone for the cap: whatever still had a hello to send. */
	for (i = 0; i < s->nq && !res->aborted; i++) {
		q = &s->q[i];
		switch (q_status(s, q)) {
		case QS_READY:
			memset(&s->slot[0], 0, sizeof(s->slot[0]));
			if (q_make(s, q, &s->slot[0]))
				res->budget_hit = 1;
			else
				q->done = 1;
			break;
		case QS_BLOCKED:
			res->budget_hit = 1;
			break;
		default:
			break;
		}
	}
	for (vi = SCAN_VERSIONS - 1; vi >= 0; vi--) {
		v = &res->v[vi];
		if (v->state == SCAN_UNTESTED)
			str_fmt(v->evidence, sizeof(v->evidence),
			    "not tested: %s", res->aborted ? res->abort_why :
			    res->budget_hit ? "connection budget reached" :
			    "not needed");
		for (j = 0; j < v->nssl2_kinds; j++)
			v->classes_accepted |= ssl2_classes(v->ssl2_kinds[j]);
		v->classes_tested |= v->classes_accepted;
		q = q_find(s, Q_ENUM, vi);
		/*
		 * Each step took the server's favourite of all that was left:
		 * the order found is the server's, unless hellos were split.
		 */
		if (q != NULL && v->complete && !q->split &&
		    v->order == SCAN_ORDER_SERVER)
			for (j = 0; j < (int)q->nfound &&
			    j < SCAN_SUITES_KEPT; j++)
				v->server_order[v->nserver_order++] =
				    q->found[j];
		res->weak.accepted |= v->classes_accepted;
		res->weak.tested |= v->classes_tested;
		/* Proofs from the best version down: the first one wins. */
		for (j = 0; j < v->nsuites; j++) {
			c = suite_classes(v->suites[j]);
			for (b = 0; b < SCAN_CLASS_BITS; b++)
				if ((c & (1u << b)) &&
				    res->weak.proof[b].version == 0) {
					res->weak.proof[b].version =
					    v->version;
					res->weak.proof[b].suite = v->suites[j];
				}
		}
		for (j = 0; j < v->nssl2_kinds; j++) {
			c = ssl2_classes(v->ssl2_kinds[j]);
			for (b = 0; b < SCAN_CLASS_BITS; b++)
				if ((c & (1u << b)) &&
				    res->weak.proof[b].version == 0) {
					res->weak.proof[b].version =
					    v->version;
					res->weak.proof[b].ssl2_kind =
					    v->ssl2_kinds[j];
				}
		}
	}
	if (s->qweak >= 0 && s->q[s->qweak].started && s->q[s->qweak].vi >= 0)
		res->weak.version = vers[s->q[s->qweak].vi];
	else if (s->opts.full && (vi = legacy_best(s)) >= 0 &&
	    res->v[vi].complete)
		res->weak.version = vers[vi];
	res->cbc_only = cbc_only(s);
	if (res->scsv == SCAN_TRI_UNTESTED && res->scsv_evidence[0] == '\0')
		str_copy(res->scsv_evidence, sizeof(res->scsv_evidence),
		    "not tested");
	if (res->heartbleed == SCAN_TRI_UNTESTED &&
	    res->heartbleed_evidence[0] == '\0')
		str_copy(res->heartbleed_evidence,
		    sizeof(res->heartbleed_evidence), "not tested");
}

/* Hand out the next probe, or say to wait, or that the scan is over. */
enum scan_step
scan_next(struct scan *s, struct scan_probe *p)
{
	struct question	*q;
	struct slot	*sl = NULL;
	enum q_status	 st;
	int		 i, reserve = 0;

	memset(p, 0, sizeof(*p));
	if (s->finished)
		return SCAN_DONE;
	if (s->out >= s->parallel)
		return SCAN_WAIT;
	for (i = 0; i < s->parallel; i++)
		if (s->slot[i].id == 0) {
			sl = &s->slot[i];
			break;
		}
	/*
	 * Highest priority first; a lower question goes only if the cap
	 * still leaves one connection for each higher one not yet settled,
	 * so a side question never starves the main ones.
	 */
	for (i = 0; sl != NULL && !s->res->aborted &&
	    s->res->conns_used < s->cap && i < s->nq; i++) {
		q = &s->q[i];
		if ((st = q_status(s, q)) == QS_DONE)
			continue;
		if (st != QS_READY) {
			if (st == QS_BLOCKED || q_more(q))
				reserve++;
			continue;
		}
		if (s->res->conns_used + reserve + 1 > s->cap)
			break;
		memset(sl, 0, sizeof(*sl));
		if (!q_make(s, q, sl)) {
			q->done = 1;
			continue;
		}
		sl->id = ++s->next_id;
		sl->qi = i;
		q->running = sl->id;
		s->out++;
		s->res->conns_used++;
		p->id = sl->id;
		p->req = sl->req;
		p->does = sl->does;
		p->purpose = sl->purpose;
		return SCAN_PROBE;
	}
	if (s->out > 0)
		return SCAN_WAIT;
	finish(s);
	return SCAN_DONE;
}

/* Append a question to the plan. */
static void
add_q(struct scan *s, enum q_kind kind, int vi, enum suite_au au)
{
	struct question	*q = &s->q[s->nq++];

	q->kind = kind;
	q->vi = vi;
	q->au = au;
	if (kind == Q_WEAK)
		s->qweak = s->nq - 1;
}

/* A planner for one address, with the plan for its mode. */
struct scan *
scan_new(const struct scan_opts *opts)
{
	struct scan	*s = xcalloc(1, sizeof(*s));
	int		 vi;

	s->opts = *opts;
	s->res = xcalloc(1, sizeof(*s->res));
	s->qweak = -1;
	if (opts->max_conns > 0)
		s->cap = opts->max_conns < SCAN_CAP_MAX ? opts->max_conns :
		    SCAN_CAP_MAX;
	else
		s->cap = opts->full ? SCAN_CAP_FULL : SCAN_CAP_DEFAULT;
	if (opts->slow && !opts->full && s->cap > SCAN_CAP_SLOW)
		s->cap = SCAN_CAP_SLOW;
	s->parallel = opts->parallel > 0 ? opts->parallel :
	    SCAN_PARALLEL_DEFAULT;
	if (s->parallel > SCAN_PARALLEL_MAX)
		s->parallel = SCAN_PARALLEL_MAX;
	s->max_suites = opts->max_suites > 0 &&
	    opts->max_suites < HELLO_SUITES_MAX ? opts->max_suites :
	    HELLO_SUITES_MAX;
	for (vi = 0; vi < SCAN_VERSIONS; vi++) {
		s->res->v[vi].version = vers[vi];
		s->hb_echo[vi] = -1;
	}
	s->res->full = opts->full != 0;
	s->res->slow = opts->slow != 0;
	s->res->cap = s->cap;

	/*
	 * The plan, most important first (see q_status for when each
	 * applies).
	 */
	for (vi = SCAN_V_TLS13; vi >= SCAN_V_SSL2; vi--)
		add_q(s, Q_VER, vi, AU_NONE);
	if (opts->full)
		for (vi = SCAN_V_TLS13; vi >= SCAN_V_SSL3; vi--)
			add_q(s, Q_ENUM, vi, AU_NONE);
	if (!opts->full)
		add_q(s, Q_WEAK, VI_BEST, AU_NONE);
	add_q(s, Q_DHE, VI_BEST, AU_NONE);
	if (!opts->full)
		add_q(s, Q_AEAD, VI_BEST, AU_NONE);
	add_q(s, Q_SCSV, VI_NONE, AU_NONE);
	if (opts->full)
		for (vi = SCAN_V_TLS13; vi >= SCAN_V_SSL3; vi--)
			add_q(s, Q_ORDER, vi, AU_NONE);
	else
		add_q(s, Q_ORDER, VI_BEST, AU_NONE);
	add_q(s, Q_CERT, VI_BEST, AU_RSA);
	add_q(s, Q_CERT, VI_BEST, AU_ECDSA);
	add_q(s, Q_HEARTBLEED, VI_BEST, AU_NONE);
	if (!opts->full)
		add_q(s, Q_ORDER, SCAN_V_TLS13, AU_NONE);
	add_q(s, Q_GROUPS13, SCAN_V_TLS13, AU_NONE);
	if (opts->full)
		add_q(s, Q_GROUPS12, SCAN_V_TLS12, AU_NONE);
	else
		for (vi = SCAN_V_TLS11; vi >= SCAN_V_SSL3; vi--)
			add_q(s, Q_WEAK_LOW, vi, AU_NONE);
	return s;
}

/* A slow greeting seen mid-scan: cap what is left. */
void
scan_set_slow(struct scan *s)
{
	int	 floor;

	s->opts.slow = 1;
	s->res->slow = 1;
	if (s->opts.full)
		return;
	floor = s->res->conns_used > SCAN_CAP_SLOW ? s->res->conns_used :
	    SCAN_CAP_SLOW;
	if (s->cap > floor)
		s->cap = floor;
	s->res->cap = s->cap;
}

/* The result as it stands (final after SCAN_DONE). */
const struct scan_result *
scan_result(const struct scan *s)
{
	return s->res;
}

/* End the scan now; the result becomes final. */
void
scan_stop(struct scan *s, const char *why)
{
	int	 i;

	if (s->finished)
		return;
	scan_abort(s, why != NULL ? why : "scan stopped");
	/* Probes still out are dropped: their questions stay untested. */
	for (i = 0; i < s->parallel; i++)
		if (s->slot[i].id != 0)
			slot_release(s, &s->slot[i]);
	finish(s);
}

/* Move the result out to its new owner. */
struct scan_result *
scan_result_take(struct scan *s)
{
	struct scan_result	*res;

	if (s->res == NULL)
		return NULL;
	if (!s->finished)
		scan_stop(s, "scan stopped before its end");
	res = s->res;
	s->res = NULL;
	return res;
}

/* Free a result taken from a scan; NULL is fine. */
void
scan_result_free(struct scan_result *res)
{
	int	 i;

	if (res == NULL)
		return;
	for (i = 0; i < res->ncerts; i++)
		free(res->certs[i].der);
	free(res);
}

/* Free the planner (and its result unless taken); NULL is fine. */
void
scan_free(struct scan *s)
{
	int	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nq; i++) {
		free(s->q[i].cand);
		free(s->q[i].mark);
		free(s->q[i].found);
	}
	for (i = 0; i < SCAN_VERSIONS; i++)
		free(s->first[i]);
	scan_result_free(s->res);
	free(s);
}
