/*
 * The scan planner: decides which ClientHello each next probe connection
 * sends and accumulates what the answers prove (versions, suites, weakness
 * classes, server order, groups, DH size, certificates, extras). Pure logic:
 * no sockets, no clock, no printing.
 *
 * The engine drives it per server address:
 *
 *	s = scan_new(&opts);
 *	for (;;) {
 *		step = scan_next(s, &p);
 *		if (step == SCAN_DONE)
 *			break;
 *		if (step == SCAN_PROBE)
 *			start a connection for p (another scan_next may follow
 *			at once: up to opts.parallel probes are out together);
 *		else (SCAN_WAIT)
 *			wait until an outstanding probe ends, then
 *			scan_feed(s, id, &ans) / scan_feed_heartbleed() /
 *			scan_fail(s, id, why);
 *	}
 *	res = scan_result(s);		(or scan_result_take())
 *	scan_free(s);
 *
 * Engine contract, per probe p handed out by scan_next():
 *  - Build first: hello_build(&p.req, ...). If it returns 0, do not
 *    connect; call scan_fail(s, p.id, SCAN_FAIL_BUILD) (costs no
 *    connection).
 *  - Open a fresh connection, respect the pause between connections, speak
 *    SMTP up to the STARTTLS 220 (implicit-TLS ports: nothing), write the
 *    hello, hello_reader_init(&r, &p.req) and feed every byte read to
 *    hello_read() until it returns something other than HELLO_NEED_MORE.
 *  - Failures before the hello is written: 421/4xx (after the engine's own
 *    back-off) SCAN_FAIL_BUSY; connect refused/reset SCAN_FAIL_CONNECT; a
 *    phase timeout SCAN_FAIL_TIMEOUT; no STARTTLS in the EHLO reply or a
 *    non-220 answer to STARTTLS SCAN_FAIL_NO_STARTTLS (ends the scan).
 *  - After the hello is written: EOF or reset → hello_close() and feed
 *    that answer; no complete answer before the timeout →
 *    SCAN_FAIL_SILENT.
 *  - HelloRetryRequest: if p.does has SCAN_DO_RETRY and the answer is
 *    HELLO_HRR, build the second ClientHello with hello_build_retry()
 *    from the first hello's bytes and the answer's group and cookie; if
 *    that gives one, write it on the same connection, call
 *    hello_reader_retry() and feed the bytes that follow as before (a
 *    connection that ends first: feed the HelloRetryRequest). The answer
 *    fed is then the one to the second hello (ans.retried set); the
 *    planner checks it against the HelloRetryRequest (RFC 8446 §4.1.4).
 *  - Heartbleed: if p.does has SCAN_DO_HEARTBLEED and the answer is a
 *    HELLO_SERVER_HELLO with ans.heartbeat and ans.done_seen, keep the
 *    connection, send one heartbeat record (RFC 6520 §4: content type 24,
 *    record version = ans.version, fragment 01 40 00: a request claiming a
 *    16384-byte payload and carrying none) and read records for up to a
 *    short timeout (2 s suggested): a content-type-24 record longer than 3
 *    bytes is SCAN_HB_LEAKED; an alert, EOF, or silence (RFC 6520 says
 *    discard such a request silently) is SCAN_HB_REFUSED; an I/O error
 *    SCAN_HB_IO_ERROR. Then call scan_feed_heartbleed(); otherwise
 *    (conditions not met, or no SCAN_DO_HEARTBLEED) call scan_feed().
 *  - Exactly one of scan_feed / scan_feed_heartbleed / scan_fail ends a
 *    probe; p.req's arrays and p.purpose stay valid until then. The
 *    planner copies what it keeps (ans->cert included) before returning,
 *    so the reader may be freed right after.
 *  - Close the connection (no QUIT is possible inside a handshake).
 *  - Call scan_next() again after every feed or fail.
 *  - The total deadline: scan_stop() (not scan_fail: what was out is
 *    then untested, not "no answer"), then scan_result_take().
 *
 * What the planner expects of the builder: an SSLv2 request has
 * nsuites 0 (the builder offers every ssl2_kinds entry); a TLS 1.3
 * request gets key shares only for x25519 and secp256r1 when listed, so a
 * list without them draws a HelloRetryRequest naming the server's group,
 * which the second hello then confirms.
 */
#ifndef MX_SCAN_PLAN_H
#define MX_SCAN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "scan_hello.h"
#include "scan_suites.h"

#define SCAN_CAP_DEFAULT	20	/* probe connections, default inspection */
#define SCAN_CAP_SLOW		7	/* slow greeting: main questions only
					   (a good server: 5, in 3 rounds) */
#define SCAN_CAP_FULL		200	/* --ciphers full */
#define SCAN_CAP_MAX		1000	/* ceiling for opts.max_conns */
#define SCAN_PARALLEL_DEFAULT	2	/* probes out at once per address */
#define SCAN_PARALLEL_MAX	4
#define SCAN_FAIL_STREAK	3	/* failed connections in a row: give up */

#define SCAN_VERSIONS		6	/* index: enum scan_vidx */
#define SCAN_SUITES_KEPT	256	/* accepted suites kept per version */
#define SCAN_GROUPS_KEPT	48
#define SCAN_SSL2_KEPT		16
#define SCAN_CERTS_MAX		4
#define SCAN_EVIDENCE_MAX	128
#define SCAN_CLASS_BITS		16	/* SC_* bits, proof[] index = bit no. */

/* The classes the default inspection drills into ("anything weak left?"). */
#define SCAN_WEAK_CLASSES	(SC_NULL | SC_ANON | SC_EXPORT | SC_RC4 | \
	SC_DES | SC_3DES | SC_NOPFS | SC_IDEA | SC_RC2)

enum scan_vidx { SCAN_V_SSL2, SCAN_V_SSL3, SCAN_V_TLS10, SCAN_V_TLS11,
	SCAN_V_TLS12, SCAN_V_TLS13 };

struct scan_opts {
	int		 full;		/* --ciphers full: enumerate every suite */
	int		 slow;		/* greeting takes > ~1 s: the main
					   questions only (no SCSV, order,
					   certificate types, groups) */
	int		 max_conns;	/* hard cap per address; 0 = by mode */
	int		 parallel;	/* probes out at once; 0 = default (2) */
	int		 max_suites;	/* per hello; 0 = HELLO_SUITES_MAX */
	const char	*sni;		/* server_name, or NULL; must outlive
					   the scan */
};

enum scan_step { SCAN_PROBE, SCAN_WAIT, SCAN_DONE };

#define SCAN_DO_HEARTBLEED	0x01	/* run the heartbeat step, see above */
#define SCAN_DO_RETRY		0x02	/* follow a HelloRetryRequest, above */

/* One probe connection to make. */
struct scan_probe {
	int		 id;		/* > 0; name it when feeding */
	struct hello_req req;		/* arrays owned by the scan */
	unsigned	 does;		/* SCAN_DO_* */
	const char	*purpose;	/* for -v: "TLSv1.2 support" */
};

enum scan_fail {
	SCAN_FAIL_BUSY,		/* 421/4xx before the hello: re-issued once */
	SCAN_FAIL_CONNECT,	/* connect failed: re-issued once */
	SCAN_FAIL_TIMEOUT,	/* phase timeout before the hello: once more */
	SCAN_FAIL_NO_STARTTLS,	/* STARTTLS gone: the scan ends */
	SCAN_FAIL_SILENT,	/* hello written, no answer in time */
	SCAN_FAIL_BUILD		/* hello_build() refused the request */
};

/* What the engine's heartbeat step saw. */
enum scan_hb { SCAN_HB_NOT_RUN, SCAN_HB_LEAKED, SCAN_HB_REFUSED,
	SCAN_HB_IO_ERROR };

enum scan_state { SCAN_UNTESTED, SCAN_ACCEPTED, SCAN_REJECTED,
	SCAN_INCONCLUSIVE };

/* A yes/no fact; YES and NO are conclusive. */
enum scan_tri { SCAN_TRI_UNTESTED, SCAN_TRI_NO, SCAN_TRI_YES,
	SCAN_TRI_INCONCLUSIVE };

enum scan_order { SCAN_ORDER_UNKNOWN, SCAN_ORDER_SERVER, SCAN_ORDER_CLIENT,
	SCAN_ORDER_SINGLE };	/* SINGLE: only one suite accepted */

/* What one protocol version showed. */
struct scan_version {
	uint16_t	 version;	/* VER_* */
	enum scan_state	 state;
	int		 inferred;	/* decided without an own probe */
	char		 evidence[SCAN_EVIDENCE_MAX];
	uint16_t	 suites[SCAN_SUITES_KEPT];	/* accepted, as found */
	int		 nsuites;
	int		 suites_dropped;	/* found past SCAN_SUITES_KEPT */
	int		 complete;	/* suites[] is every accepted suite */
	enum scan_order	 order;
	char		 order_evidence[SCAN_EVIDENCE_MAX];
	uint16_t	 server_order[SCAN_SUITES_KEPT]; /* ORDER_SERVER and
							    complete */
	int		 nserver_order;
	unsigned	 classes_accepted;	/* SC_* of suites[] */
	unsigned	 classes_tested;	/* SC_* with a conclusive answer */
	uint32_t	 ssl2_kinds[SCAN_SSL2_KEPT];	/* SSLv2 only */
	int		 nssl2_kinds;
};

/* The suite (or SSLv2 kind) that proves a class accepted. */
struct scan_proof {
	uint16_t	 version;	/* 0: class not accepted */
	uint16_t	 suite;
	uint32_t	 ssl2_kind;
};

struct scan_weak {
	uint16_t	 version;	/* where the default drill ran, or 0 */
	unsigned	 tested;	/* SC_* answered somewhere */
	unsigned	 accepted;	/* SC_* accepted somewhere */
	struct scan_proof proof[SCAN_CLASS_BITS];	/* by bit number,
							   best version */
};

struct scan_groups {
	uint16_t	 codes[SCAN_GROUPS_KEPT];	/* as found */
	int		 n;
	int		 complete;	/* the list is every accepted group */
	/* TLS 1.3: 1 where only a HelloRetryRequest named the group (no
	 * second hello was possible, or it got no ServerHello); 0 where a
	 * ServerHello confirmed it. */
	uint8_t		 hrr_only[SCAN_GROUPS_KEPT];
};

/* A leaf certificate the server showed (TLS <= 1.2 only). */
struct scan_cert {
	enum suite_au	 asked;		/* AU_RSA, AU_ECDSA, AU_NONE = any */
	enum suite_au	 key;		/* auth of the suite it came with */
	uint16_t	 version;
	uint16_t	 suite;
	uint8_t		*der;		/* heap, owned by the result */
	size_t		 len;
	int		 ncerts;	/* certificates in that message */
};

/* Everything the scan of one address proved. Plain data. */
struct scan_result {
	int		 full, slow;
	struct scan_version v[SCAN_VERSIONS];
	struct scan_weak weak;
	enum scan_tri	 cbc_only;	/* YES: clients limited to TLS <= 1.2
					   get no AEAD suite */
	enum scan_tri	 dhe;		/* a DHE suite accepted */
	int		 dh_bits_min;	/* smallest DHE prime seen, 0 none */
	int		 dh_bits_anon_min; /* the same for anonymous DHE */
	struct scan_groups groups13;	/* TLS 1.3 key exchange groups */
	struct scan_groups groups12;	/* TLS <= 1.2 ECDHE curves (SKE) */
	enum scan_tri	 reneg;		/* renegotiation_info, RFC 5746 */
	enum scan_tri	 compression;	/* DEFLATE chosen */
	enum scan_tri	 scsv;		/* TLS_FALLBACK_SCSV honoured */
	char		 scsv_evidence[SCAN_EVIDENCE_MAX];
	enum scan_tri	 ocsp;		/* status_request echoed */
	enum scan_tri	 ticket;	/* session_ticket echoed */
	enum scan_tri	 heartbeat;	/* heartbeat extension echoed */
	enum scan_tri	 ems;		/* extended_master_secret echoed */
	enum scan_tri	 etm;		/* encrypt_then_mac echoed */
	enum scan_tri	 heartbleed;	/* YES: vulnerable */
	char		 heartbleed_evidence[SCAN_EVIDENCE_MAX];
	enum scan_tri	 cert_rsa;	/* has an RSA certificate */
	enum scan_tri	 cert_ecdsa;	/* has an ECDSA certificate */
	struct scan_cert certs[SCAN_CERTS_MAX];
	int		 ncerts;
	int		 cap;		/* connections allowed */
	int		 conns_used;	/* connections opened */
	int		 conns_failed;	/* ended by scan_fail */
	int		 busy;		/* of which 421/4xx */
	int		 budget_hit;	/* questions left unasked for the cap */
	int		 aborted;
	char		 abort_why[SCAN_EVIDENCE_MAX];
	int		 anomalies;	/* answers that broke the protocol */
	char		 anomaly[SCAN_EVIDENCE_MAX];	/* the first one */
};

/* A planner for one address; opts is copied (sni is not). */
struct scan	*scan_new(const struct scan_opts *opts);
void		 scan_free(struct scan *);

/* The next probe, SCAN_WAIT (answers outstanding), or SCAN_DONE. */
enum scan_step	 scan_next(struct scan *, struct scan_probe *p);

/* End probe id with the server's answer; -1 if id is not outstanding. */
int		 scan_feed(struct scan *, int id, const struct hello_answer *);
int		 scan_feed_heartbleed(struct scan *, int id,
		    const struct hello_answer *, enum scan_hb);
int		 scan_fail(struct scan *, int id, enum scan_fail why);

/* The greeting turned out slow: shrink the rest of the plan. */
void		 scan_set_slow(struct scan *);

/* The result so far (final after SCAN_DONE); valid until scan_free. */
const struct scan_result *scan_result(const struct scan *);
/*
 * End the scan now (a deadline): probes out are dropped, what they
 * asked stays untested, and the result is final.
 */
void		 scan_stop(struct scan *, const char *why);
/*
 * Move the final result out (calling scan_stop() if SCAN_DONE has not
 * come yet); NULL if already taken. Free with scan_result_free.
 */
struct scan_result *scan_result_take(struct scan *);
void		 scan_result_free(struct scan_result *);

int		 scan_vidx(uint16_t version);	/* -1 if not a VER_* */
const char	*scan_state_name(enum scan_state);
const char	*scan_tri_name(enum scan_tri);
const char	*scan_order_name(enum scan_order);
const char	*scan_alert_name(int desc);	/* "handshake_failure" */

#endif
