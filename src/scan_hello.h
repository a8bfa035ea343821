/*
 * Our own ClientHello messages and a bounded reader for what the server
 * answers (ServerHello, HelloRetryRequest, Certificate, ServerKeyExchange,
 * ServerHelloDone, alerts, SSLv2 SERVER-HELLO), without OpenSSL: the scanner
 * must speak versions and suites that Debian's OpenSSL no longer can. No key
 * exchange is ever completed; a probe only learns what the server chose.
 *
 * Pure code: no sockets. The engine writes hello_build()'s bytes after the
 * STARTTLS 220 (or at once on implicit-TLS ports) and feeds every byte it
 * reads to hello_read() until that says the answer is complete. A TLS 1.3
 * HelloRetryRequest can be followed through: hello_build_retry() makes the
 * second ClientHello, hello_reader_retry() reads on to its answer.
 */
#ifndef MX_SCAN_HELLO_H
#define MX_SCAN_HELLO_H

#include <stddef.h>
#include <stdint.h>

#define VER_SSL2	0x0002
#define VER_SSL3	0x0300
#define VER_TLS10	0x0301
#define VER_TLS11	0x0302
#define VER_TLS12	0x0303
#define VER_TLS13	0x0304

#define HELLO_SUITES_MAX	512	/* suites in one hello (fits 2^14 record) */
#define HELLO_GROUPS_MAX	48
#define HELLO_SIGALGS_MAX	48
#define HELLO_OUT_MAX		16384	/* bytes of one built hello, records incl. */
#define HELLO_IN_MAX		(256 * 1024) /* bytes read before giving up */
#define HELLO_CERT_MAX		(64 * 1024)  /* leaf certificate DER kept */
#define HELLO_HS_MAX		(128 * 1024) /* one handshake message */
#define HELLO_REC_MAX		(16384 + 2048) /* RFC 5246 §6.2.3 */

/* Extras a hello can carry or ask for (bit flags). */
#define HELLO_F_SCSV		0x0001	/* TLS_FALLBACK_SCSV, RFC 7507 */
#define HELLO_F_RENEG		0x0002	/* renegotiation_info, RFC 5746 */
#define HELLO_F_STATUS		0x0004	/* status_request (OCSP), RFC 6066 */
#define HELLO_F_TICKET		0x0008	/* session_ticket, RFC 5077 */
#define HELLO_F_HEARTBEAT	0x0010	/* heartbeat, RFC 6520 */
#define HELLO_F_DEFLATE		0x0020	/* offer DEFLATE compression */
#define HELLO_F_EMS		0x0040	/* extended_master_secret, RFC 7627 */
#define HELLO_F_ETM		0x0080	/* encrypt_then_mac, RFC 7366 */
#define HELLO_F_WANT_CERT	0x0100	/* read on to the Certificate message */
#define HELLO_F_WANT_SKE	0x0200	/* read on to ServerKeyExchange/Done */

/* What to offer in one ClientHello. */
struct hello_req {
	uint16_t	 version;	/* highest version offered */
	uint16_t	 min_version;	/* TLS 1.3 hellos: lowest in
					   supported_versions (0 = version) */
	const uint16_t	*suites;	/* IANA codes; for SSLv2, see ssl2 */
	size_t		 nsuites;
	const uint16_t	*groups;	/* supported_groups / key_share */
	size_t		 ngroups;
	const uint16_t	*sigalgs;	/* signature_algorithms (TLS 1.2+) */
	size_t		 nsigalgs;
	const char	*sni;		/* server_name, or NULL */
	unsigned	 flags;		/* HELLO_F_* */
};

enum hello_outcome {
	HELLO_NEED_MORE,	/* feed more bytes */
	HELLO_SERVER_HELLO,	/* the server chose a version and suite */
	HELLO_HRR,		/* TLS 1.3 HelloRetryRequest */
	HELLO_SSL2,		/* SSLv2 SERVER-HELLO */
	HELLO_ALERT,		/* an alert before any ServerHello */
	HELLO_CLOSED,		/* hello_close(): ended without an answer */
	HELLO_MALFORMED		/* the answer broke the protocol; see why */
};

/* What the server answered. All sizes bounded; strings are static. */
struct hello_answer {
	enum hello_outcome outcome;
	uint16_t	 record_version;	/* of the first record */
	uint16_t	 version;	/* chosen (supported_versions wins) */
	uint16_t	 suite;		/* chosen IANA code */
	uint16_t	 group;		/* key_share / HRR group, or from SKE */
	uint8_t		 compression;	/* chosen method, 0 = none */
	int		 alert_level;	/* -1 if none */
	int		 alert_desc;
	int		 reneg_info;	/* server sent renegotiation_info */
	int		 ticket;	/* server sent session_ticket ext */
	int		 status;	/* server sent status_request ext */
	int		 heartbeat;	/* server sent heartbeat ext */
	int		 ems;		/* extended_master_secret echoed */
	int		 etm;		/* encrypt_then_mac echoed */
	int		 dh_bits;	/* DHE: bits of p in ServerKeyExchange */
	int		 ske_seen;
	int		 done_seen;	/* ServerHelloDone */
	const uint8_t	*cert;		/* leaf DER (TLS <= 1.2 / SSLv2) */
	size_t		 cert_len;
	int		 ncerts;	/* certificates in the message */
	uint32_t	 ssl2_kinds[64];	/* SSLv2 cipher kinds the server has */
	int		 nssl2_kinds;
	const char	*why;		/* HELLO_MALFORMED: what was wrong */
	/* Additions. */
	int		 sh_seen;	/* a valid ServerHello was parsed:
					   version and suite hold even if a
					   later message was malformed */
	int		 stapled;	/* CertificateStatus (OCSP) received */
	int		 downgrade;	/* server random ends in the TLS 1.3
					   downgrade sentinel (RFC 8446
					   §4.1.3) */
	int		 warnings;	/* warning alerts before the
					   ServerHello, skipped */
	int		 ske_group_explicit; /* ECDHE SKE, explicit curve */
	const uint8_t	*cookie;	/* HelloRetryRequest cookie (RFC 8446
					   §4.2.2), into the reader; NULL if
					   none */
	size_t		 cookie_len;
	int		 retried;	/* this answers our second ClientHello,
					   sent after a HelloRetryRequest
					   (hello_reader_retry()) */
	uint16_t	 hrr_suite;	/* retried: the suite and group that */
	uint16_t	 hrr_group;	/* HelloRetryRequest named */
	int		 retry_silent;	/* HELLO_HRR: set by the caller when
					   our second hello drew no answer
					   before the timeout */
};

/* Incremental reader state; fields private to scan_hello.c. */
struct hello_reader {
	struct hello_req req;		/* what was offered (pointers kept) */
	uint8_t		*buf;		/* bytes not yet consumed */
	size_t		 len, cap;
	uint8_t		*hs;		/* handshake message reassembly */
	size_t		 hslen, hscap;
	size_t		 total;		/* bytes fed so far */
	int		 state;
	struct hello_answer ans;
	/* Additions, private too. */
	int		 ssl2;		/* the answer uses SSLv2 records */
	uint8_t		*cert;		/* copy of the leaf DER */
	size_t		 hb_skip;	/* heartbeat: record bytes to skip */
	size_t		 hb_total;
	size_t		 hb_echoed;	/* heartbeat record length back */
	int		 hb_started;
	int		 hb_done;
	uint8_t		*cookie;	/* copy of the HRR cookie */
	uint8_t		*pend;		/* bytes after a HelloRetryRequest,
					   read once the second hello is out */
	size_t		 plen, pcap;
	int		 pend_over;	/* more came than a record */
};

/* Build the ClientHello for req into out; returns its length, 0 if it
 * does not fit or req is invalid. SSLv2 uses the SSLv2 record format. */
size_t	hello_build(const struct hello_req *req, uint8_t *out, size_t cap);

/* Start reading the answer to a hello built from req (req's arrays must
 * outlive the reader: the ServerHello is checked against them). */
void	hello_reader_init(struct hello_reader *r, const struct hello_req *req);

/* Feed bytes; returns the outcome so far and fills *ans when it is not
 * HELLO_NEED_MORE. ans->cert points into the reader. */
enum hello_outcome hello_read(struct hello_reader *r, const uint8_t *data,
	    size_t len, struct hello_answer *ans);

/* The connection ended (EOF or reset) before the reader was done. */
enum hello_outcome hello_close(struct hello_reader *r,
	    struct hello_answer *ans);

void	hello_reader_free(struct hello_reader *r);

/*
 * The second ClientHello after a HelloRetryRequest (RFC 8446 §4.1.2): the
 * first one, first_len bytes as hello_build() wrote them, unchanged but
 * for key_share, which then holds one share for group, and a cookie
 * extension echoing the HelloRetryRequest's (§4.2.2) when cookie_len > 0;
 * the padding is recomputed (RFC 7685). The record says TLS 1.2 (§5.1);
 * if the first hello had a session id (middlebox compatibility mode,
 * Appendix D.4) a change_cipher_spec record comes first, as OpenSSL
 * sends it. Returns the length written to out, 0 if group is not in the
 * first hello's supported_groups or hello_can_retry(group) is 0, first is
 * not a TLS 1.3 hello of ours, or cap is too small.
 */
size_t	hello_build_retry(const uint8_t *first, size_t first_len,
	    uint16_t group, const uint8_t *cookie, size_t cookie_len,
	    uint8_t *out, size_t cap);

/*
 * 1 if a second ClientHello can carry a valid public value for group
 * without a private key: the base point of x25519 and x448 (RFC 7748 §4),
 * the generator of the NIST and brainpool curves (uncompressed), 2 for the
 * RFC 7919 groups, an all-zero ML-KEM encapsulation key for MLKEM512/768/
 * 1024 and, with the classical value, for the hybrids X25519MLKEM768,
 * SecP256r1MLKEM768 and SecP384r1MLKEM1024. Others get no second hello.
 */
int	hello_can_retry(uint16_t group);

/*
 * The second ClientHello went out after hello_read() returned HELLO_HRR:
 * read on to its answer, which then has retried set and the
 * HelloRetryRequest's suite and group in hrr_suite and hrr_group (the
 * caller judges whether they match). Bytes that came after the
 * HelloRetryRequest, before our second hello, are read now: a
 * change_cipher_spec or an alert may be among them, no handshake
 * message. Returns the outcome so far, as hello_read(); once per reader.
 */
enum hello_outcome hello_reader_retry(struct hello_reader *r,
	    struct hello_answer *ans);

/*
 * Heartbleed (CVE-2014-0160), one probe: a heartbeat_request record whose
 * payload_length claims 16384 bytes while none are sent (RFC 6520 §4 says
 * such a request must be dropped). Use: offer HELLO_F_HEARTBEAT together
 * with HELLO_F_WANT_SKE; once hello_read() returned HELLO_SERVER_HELLO with
 * done_seen (and heartbeat set: the server echoed the extension), write
 * hello_heartbeat(ans.version, ...) and feed what comes back to
 * hello_heartbeat_read() on the same reader. A heartbeat_response record
 * longer than the request means the server copied memory it should not
 * have: VULNERABLE. An alert, any other record, end of input or a timeout
 * (the caller stops waiting) mean NOT_VULNERABLE.
 */
enum hello_hb {
	HELLO_HB_NEED_MORE,
	HELLO_HB_VULNERABLE,
	HELLO_HB_NOT_VULNERABLE
};

/* Build the heartbeat probe record for version (TLS 1.0-1.2); 0 if the
 * version cannot carry one or cap is too small. */
size_t	hello_heartbeat(uint16_t version, uint8_t *out, size_t cap);

/* Feed the bytes that follow the probe; *echoed gets the length of a
 * heartbeat record that came back (0 if none). */
enum hello_hb hello_heartbeat_read(struct hello_reader *r,
	    const uint8_t *data, size_t len, size_t *echoed);

#endif
