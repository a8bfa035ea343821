/*
 * scanfake: a fake SMTP server with a fake TLS stack, one server profile per
 * port, for testing mxprobe's TLS scanner (issue 3) against what no Debian
 * server can present: SSLv2, SSLv3, RC4, export, Heartbleed, liars.
 *
 *   scanfake [-v] [-c CERT.pem] [-t] [BASE]
 *
 * Listens on 127.0.0.1 ports BASE (default 12000) .. BASE+N-1, one profile
 * each; prints "PORT NAME" per port, then "ready". A session speaks SMTP up
 * to STARTTLS (or nothing, on the implicit-TLS port), reads the ClientHello
 * (TLS record layer or SSLv2 CLIENT-HELLO), and answers as a server of the
 * profile's kind would: ServerHello (or HelloRetryRequest, or an alert),
 * then Certificate, ServerKeyExchange and ServerHelloDone for TLS <= 1.2.
 * No handshake is ever completed: keys are junk of the right size.
 *
 * -t prints the ground truth a correct scanner must report (profiles.txt)
 * and exits. -c uses the first certificate of CERT.pem as the RSA leaf;
 * otherwise RSA and ECDSA leaves are made at start. OpenSSL is used for the
 * certificates only. Every session ends by itself after SESS_LIFE seconds.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define SESS_LIFE	30	/* seconds: no session outlives this */
#define SERVER_LIFE	3600	/* seconds: nor the server this */
#define HELLO_WAIT	10	/* seconds for the ClientHello to arrive */
#define ANSWER_WAIT	10	/* seconds waiting for the client to close */
#define LINGER_WAIT	2	/* seconds draining input after our close */
#define GREET_DELAY	3	/* slow-greeting */
#define BUSY_WINDOW	10	/* busy-once: seconds an address is "known" */
#define BUSY_ADDRS	64	/* busy-once: addresses remembered */
#define LINE_MAX_SMTP	1000	/* RFC 5321 §4.5.3.1.5: 1000 octets */
#define HS_MAX		65536	/* ClientHello bytes reassembled */
#define REC_MAX		16384	/* RFC 8446 §5.1: 2^14 */
#define MSG_MAX		(REC_MAX + 4096) /* one message we build */
#define HB_CAP		16384	/* heartbleed: leaked payload cap */
#define HOST		"mx.scanfake.test"

#define SSL2	0x0002
#define SSL3	0x0300
#define TLS10	0x0301
#define TLS11	0x0302
#define TLS12	0x0303
#define TLS13	0x0304

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LIST(a)		a, NELEM(a)

/* Alert descriptions, RFC 8446 §6 and RFC 7507. */
#define AL_UNEXPECTED	10
#define AL_OVERFLOW	22
#define AL_HS_FAILURE	40
#define AL_ILLEGAL	47
#define AL_DECODE	50
#define AL_PROTOCOL	70
#define AL_FALLBACK	86
#define AL_UNRECOGNIZED	112
#define AL_MISSING_EXT	109

/* Extension types (IANA). */
#define EXT_GROUPS	10
#define EXT_POINTS	11
#define EXT_SIGALGS	13
#define EXT_HEARTBEAT	15
#define EXT_PADDING	21
#define EXT_PSK		41
#define EXT_EARLY_DATA	42
#define EXT_VERSIONS	43
#define EXT_COOKIE	44
#define EXT_KEY_SHARE	51
#define EXT_RENEG	0xff01

#define SCSV_FALLBACK	0x5600	/* RFC 7507 */
#define SCSV_RENEG	0x00ff	/* RFC 5746 §3.3 */

enum kx { KX_RSA, KX_RSA_EXP, KX_DHE, KX_DHE_EXP, KX_ECDHE, KX_13 };
enum au { AU_RSA, AU_ECDSA, AU_ANY };

/* The suites the profiles use; names as in the IANA registry. */
struct suite {
	uint16_t	 code;
	const char	*name;
	uint16_t	 minv, maxv;
	enum kx		 kx;
	enum au		 au;
};

static const struct suite suites[] = {
	{ 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", SSL3, TLS10, KX_RSA_EXP,
	    AU_RSA },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5", SSL3, TLS12, KX_RSA, AU_RSA },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA", SSL3, TLS12, KX_RSA, AU_RSA },
	{ 0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", SSL3, TLS10,
	    KX_RSA_EXP, AU_RSA },
	{ 0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", SSL3, TLS10,
	    KX_RSA_EXP, AU_RSA },
	{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", SSL3, TLS12, KX_RSA,
	    AU_RSA },
	{ 0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", SSL3, TLS10,
	    KX_DHE_EXP, AU_RSA },
	{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", SSL3, TLS12, KX_RSA,
	    AU_RSA },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", SSL3, TLS12, KX_RSA,
	    AU_RSA },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", TLS12, TLS12, KX_RSA,
	    AU_RSA },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", TLS12, TLS12, KX_RSA,
	    AU_RSA },
	{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", TLS12, TLS12,
	    KX_DHE, AU_RSA },
	{ 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", TLS10, TLS12, KX_ECDHE,
	    AU_RSA },
	{ 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", TLS10, TLS12,
	    KX_ECDHE, AU_RSA },
	{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", TLS10, TLS12,
	    KX_ECDHE, AU_RSA },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", TLS12, TLS12,
	    KX_ECDHE, AU_ECDSA },
	{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", TLS12, TLS12,
	    KX_ECDHE, AU_ECDSA },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TLS12, TLS12,
	    KX_ECDHE, AU_RSA },
	{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TLS12, TLS12,
	    KX_ECDHE, AU_RSA },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", TLS12,
	    TLS12, KX_ECDHE, AU_RSA },
	{ 0x1301, "TLS_AES_128_GCM_SHA256", TLS13, TLS13, KX_13, AU_ANY },
	{ 0x1302, "TLS_AES_256_GCM_SHA384", TLS13, TLS13, KX_13, AU_ANY },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256", TLS13, TLS13, KX_13,
	    AU_ANY },
};

/* SSLv2 cipher kinds (RFC draft "The SSL Protocol", appendix C). */
struct ssl2_kind {
	uint32_t	 code;
	const char	*name;
};

static const struct ssl2_kind ssl2_kinds[] = {
	{ 0x010080, "SSL_CK_RC4_128_WITH_MD5" },
	{ 0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5" },
	{ 0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5" },
	{ 0x060040, "SSL_CK_DES_64_CBC_WITH_MD5" },
	{ 0x0700c0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" },
};

struct group {
	uint16_t	 code;
	const char	*name;
	size_t		 keylen;	/* key_share / ECPoint bytes */
	int		 nid;		/* OpenSSL curve, 0 for X25519/X448 */
	size_t		 ek;		/* ML-KEM: encapsulation key bytes
					   within keylen, 0 if none */
	size_t		 ct;		/* ML-KEM: ciphertext bytes the
					   server sends instead */
	int		 kem_first;	/* the ML-KEM part comes first */
};

/* Hybrids: draft-ietf-tls-ecdhe-mlkem §3; ML-KEM sizes FIPS 203 §8. */
static const struct group groups[] = {
	{ 0x0017, "secp256r1", 65, NID_X9_62_prime256v1, 0, 0, 0 },
	{ 0x0018, "secp384r1", 97, NID_secp384r1, 0, 0, 0 },
	{ 0x0019, "secp521r1", 133, NID_secp521r1, 0, 0, 0 },
	{ 0x001d, "x25519", 32, 0, 0, 0, 0 },
	{ 0x001e, "x448", 56, 0, 0, 0, 0 },
	{ 0x11eb, "SecP256r1MLKEM768", 65 + 1184, NID_X9_62_prime256v1,
	    1184, 1088, 0 },
	{ 0x11ec, "X25519MLKEM768", 1184 + 32, 0, 1184, 1088, 1 },
	{ 0x11ed, "SecP384r1MLKEM1024", 97 + 1568, NID_secp384r1, 1568, 1568,
	    0 },
};

/* What a profile does beyond negotiating (bit flags). */
#define F_CLIENT_ORDER	0x00001	/* the client's suite order wins */
#define F_SCSV		0x00002	/* honours TLS_FALLBACK_SCSV */
#define F_RENEG		0x00004	/* renegotiation_info, RFC 5746 */
#define F_DEFLATE	0x00008	/* accepts DEFLATE compression */
#define F_HEARTBEAT	0x00010	/* echoes the heartbeat extension */
#define F_HB_LEAK	0x00020	/* Heartbleed: trusts payload_length */
#define F_IMPLICIT	0x00040	/* TLS at once, no SMTP */
#define F_DUAL		0x00080	/* RSA and ECDSA certificates */
#define F_SLOW_GREET	0x00100	/* greeting after GREET_DELAY */
#define F_BUSY_ONCE	0x00200	/* 421 to an address new to this port */
#define F_SPLIT		0x00400	/* every handshake byte its own record */
#define F_COALESCE	0x00800	/* the whole flight in one record */
#define F_WARN_ALERT	0x01000	/* warning unrecognized_name first */
#define F_COOKIE	0x02000	/* HelloRetryRequest with a cookie */
#define F_HRR_SILENT	0x04000	/* no answer to the second hello */
#define F_HRR_CLOSE	0x08000	/* closes on the second hello */

/* Profiles that do not negotiate at all, or lie. */
enum quirk {
	Q_NONE,
	Q_SSL2,		/* SSLv2 only */
	Q_LIAR_SUITE,	/* ServerHello with a suite never offered */
	Q_LIAR_VERSION,	/* ServerHello.version 0x0305 */
	Q_LIAR_SV,	/* supported_versions 0x7f12 (TLS 1.3 draft 18) */
	Q_LIAR_LENGTH,	/* record says 16000 bytes, 10 arrive */
	Q_GARBAGE,	/* random bytes, the first one SSLv2-looking */
	Q_ALERT_UNKNOWN,/* fatal alert with description 255 */
	Q_HRR_TWICE,	/* HelloRetryRequest to both hellos */
	Q_SH_DUP_EXT	/* ServerHello with renegotiation_info twice */
};

struct profile {
	const char	*name;
	const char	*what;		/* one line for README and -t */
	enum quirk	 quirk;
	uint16_t	 vmin, vmax;
	const uint16_t	*suites;	/* server preference order */
	size_t		 nsuites;
	const uint16_t	*groups;	/* server preference order */
	size_t		 ngroups;
	unsigned	 flags;
	int		 dh_bits;	/* DHE p size (export: 512) */
};

static const uint16_t s_sslv3[] = { 0x0005, 0x0004, 0x000a, 0x0003,
	0x002f };
static const uint16_t s_rc4[] = { 0xc011, 0x0005, 0x0004 };
static const uint16_t s_3des[] = { 0xc012, 0x000a, 0xc02f, 0x009c };
static const uint16_t s_export[] = { 0x0003, 0x0006, 0x0008, 0x0014,
	0x002f };
static const uint16_t s_hb[] = { 0xc02f };
static const uint16_t s_modern[] = { 0x1302, 0x1303, 0x1301, 0xc030,
	0xc02f, 0xcca8 };
static const uint16_t s_tls13[] = { 0x1301, 0x1302, 0x1303 };
static const uint16_t s_dhe[] = { 0x009e };
static const uint16_t s_nofs[] = { 0x009c, 0x009d, 0x002f, 0x0035 };
static const uint16_t s_comp[] = { 0x002f, 0x0035 };
static const uint16_t s_noreneg[] = { 0xc02f, 0xc030 };
static const uint16_t s_scsv[] = { 0xc02f, 0xc013, 0x002f };
static const uint16_t s_dual[] = { 0xc02f, 0xc030, 0xc02b, 0xc02c };
static const uint16_t s_liar[] = { 0xc02f, 0x1301 };

static const uint16_t g_default[] = { 0x001d, 0x0017, 0x0018 };
static const uint16_t g_modern[] = { 0x001d, 0x0017 };
static const uint16_t g_384[] = { 0x0018 };
static const uint16_t g_pq[] = { 0x11ed, 0x11ec, 0x11eb };

#define MODERN(name, what, flags) { name, what, Q_NONE, TLS12, TLS13, \
	LIST(s_modern), LIST(g_modern), F_SCSV | F_RENEG | (flags), 0 }
#define QUIRK(name, what, q) { name, what, q, TLS12, TLS13, LIST(s_liar), \
	LIST(g_modern), F_RENEG, 0 }

/* One profile per port, in port order. */
static const struct profile profiles[] = {
	{ "sslv2", "SSLv2 only: SERVER-HELLO with RC4/RC2-export/DES kinds",
	    Q_SSL2, SSL2, SSL2, NULL, 0, NULL, 0, 0, 0 },
	{ "sslv3", "SSLv3 and TLS 1.0, RC4/3DES/export/AES128-SHA, server "
	    "order", Q_NONE, SSL3, TLS10, LIST(s_sslv3), NULL, 0, 0, 0 },
	{ "rc4", "TLS 1.0-1.2, RC4 only", Q_NONE, TLS10, TLS12, LIST(s_rc4),
	    LIST(g_default), F_SCSV | F_RENEG, 0 },
	{ "3des", "TLS 1.2, 3DES and AES-GCM, client order", Q_NONE, TLS12,
	    TLS12, LIST(s_3des), LIST(g_default), F_CLIENT_ORDER | F_RENEG,
	    0 },
	{ "export", "TLS 1.0, export suites and AES128-SHA", Q_NONE, TLS10,
	    TLS10, LIST(s_export), NULL, 0, 0, 512 },
	{ "heartbleed", "TLS 1.2, heartbeat, answers the claimed length",
	    Q_NONE, TLS12, TLS12, LIST(s_hb), LIST(g_default), F_RENEG |
	    F_HEARTBEAT | F_HB_LEAK, 0 },
	{ "heartbeat-ok", "TLS 1.2, heartbeat, drops lying requests", Q_NONE,
	    TLS12, TLS12, LIST(s_hb), LIST(g_default), F_RENEG | F_HEARTBEAT,
	    0 },
	MODERN("modern", "TLS 1.2 and 1.3, AEAD ECDHE, server order", 0),
	MODERN("modern-implicit", "modern, TLS at once (like port 465)",
	    F_IMPLICIT),
	{ "tls13-hrr", "TLS 1.3 only, secp384r1 only: HRR for other shares",
	    Q_NONE, TLS13, TLS13, LIST(s_tls13), LIST(g_384), F_COOKIE, 0 },
	{ "dhe1024", "TLS 1.2, DHE-RSA-AES128-GCM, 1024-bit p", Q_NONE, TLS12,
	    TLS12, LIST(s_dhe), NULL, 0, F_RENEG, 1024 },
	{ "nofs", "TLS 1.2, static RSA only", Q_NONE, TLS12, TLS12,
	    LIST(s_nofs), NULL, 0, F_RENEG, 0 },
	{ "compression", "TLS 1.0, DEFLATE when offered", Q_NONE, TLS10,
	    TLS10, LIST(s_comp), NULL, 0, F_RENEG | F_DEFLATE, 0 },
	{ "no-reneg", "TLS 1.2, no renegotiation_info", Q_NONE, TLS12, TLS12,
	    LIST(s_noreneg), LIST(g_default), 0, 0 },
	{ "scsv-ignored", "TLS 1.0-1.2, ignores TLS_FALLBACK_SCSV", Q_NONE,
	    TLS10, TLS12, LIST(s_scsv), LIST(g_default), F_RENEG, 0 },
	QUIRK("liar-suite", "ServerHello with a suite never offered",
	    Q_LIAR_SUITE),
	QUIRK("liar-version", "ServerHello.version 0x0305", Q_LIAR_VERSION),
	QUIRK("liar-version13", "supported_versions 0x7f12 in the ServerHello",
	    Q_LIAR_SV),
	QUIRK("liar-length", "record length 16000, 10 bytes sent, then "
	    "silence", Q_LIAR_LENGTH),
	QUIRK("ssl2-garbage", "512 random bytes, starting like an SSLv2 "
	    "record of an unknown message type", Q_GARBAGE),
	{ "dual", "TLS 1.2, ECDSA certificate for ECDSA-only clients, else "
	    "RSA", Q_NONE, TLS12, TLS12, LIST(s_dual), LIST(g_default),
	    F_DUAL | F_RENEG, 0 },
	MODERN("slow-greeting", "modern, greeting after 3 s", F_SLOW_GREET),
	MODERN("busy-once", "modern, but 421 to an address not seen for "
	    "10 s", F_BUSY_ONCE),
	QUIRK("alert-unknown", "fatal alert with description 255",
	    Q_ALERT_UNKNOWN),
	{ "hrr-twice", "TLS 1.3 only, HelloRetryRequest to both hellos",
	    Q_HRR_TWICE, TLS13, TLS13, LIST(s_tls13), LIST(g_384), 0, 0 },
	MODERN("split-records", "modern, every handshake byte in its own "
	    "record", F_SPLIT),
	MODERN("coalesced", "modern, the whole flight in one record",
	    F_COALESCE),
	{ "warn-alert", "TLS 1.2, warning unrecognized_name before the "
	    "ServerHello", Q_NONE, TLS12, TLS12, LIST(s_noreneg),
	    LIST(g_default), F_RENEG | F_WARN_ALERT, 0 },
	QUIRK("sh-dup-ext", "ServerHello with renegotiation_info twice",
	    Q_SH_DUP_EXT),
	{ "tls13-pq", "TLS 1.3 only, ML-KEM hybrid groups only: HRR for "
	    "every classical share", Q_NONE, TLS13, TLS13, LIST(s_tls13),
	    LIST(g_pq), 0, 0 },
	{ "hrr-silent", "TLS 1.3 only, secp384r1 only: HRR, then silence to "
	    "the second hello", Q_NONE, TLS13, TLS13, LIST(s_tls13),
	    LIST(g_384), F_HRR_SILENT, 0 },
	{ "hrr-close", "TLS 1.3 only, secp384r1 only: HRR, then the second "
	    "hello closes the connection", Q_NONE, TLS13, TLS13,
	    LIST(s_tls13), LIST(g_384), F_HRR_CLOSE, 0 },
};

#define NPROFILES	NELEM(profiles)

struct busy_addr {
	uint32_t	 addr;
	time_t		 last;
};

struct srv {
	struct event_base	*base;
	uint16_t		 port0;
	int			 verbose;
	uint8_t			*cert_rsa, *cert_ec;	/* DER */
	size_t			 cert_rsa_len, cert_ec_len;
	uint64_t		 rng;			/* xorshift state */
	struct busy_addr	 busy[NPROFILES][BUSY_ADDRS];
};

enum state {
	ST_NEW,		/* accepted */
	ST_GREET_DELAY,	/* slow-greeting: nothing said yet */
	ST_SMTP,	/* reading commands */
	ST_HELLO,	/* reading a ClientHello */
	ST_ANSWERED,	/* answer sent: heartbeats, or wait for the close */
	ST_LINGER,	/* our side shut: drain until the client closes */
	ST_DEAD
};

static const char *const state_names[] = { "new", "greet-delay", "smtp",
	"hello",
	"answered", "linger", "dead" };

/* The ClientHello, as slices of the reassembled message. */
struct chello {
	int		 sslv2;		/* SSLv2 CLIENT-HELLO format */
	const uint8_t	*msg;		/* the whole message body */
	size_t		 msglen;
	const uint8_t	*random;
	const uint8_t	*exts;		/* the extension block, or NULL */
	size_t		 exts_len;
	const uint8_t	*cookie;	/* cookie extension's cookie, or NULL */
	size_t		 cookie_len;
	uint16_t	 version;	/* legacy client_version */
	const uint8_t	*sid;
	size_t		 sidlen;
	const uint8_t	*suites;	/* 2-byte codes; SSLv2: 3-byte specs */
	size_t		 suites_len;
	const uint8_t	*comp;
	size_t		 ncomp;
	const uint8_t	*sv;		/* supported_versions, or NULL */
	size_t		 sv_len;
	const uint8_t	*groups;	/* supported_groups, or NULL */
	size_t		 groups_len;
	const uint8_t	*shares;	/* key_share client_shares, or NULL */
	size_t		 shares_len;
	const uint8_t	*sigalgs;	/* signature_algorithms, or NULL */
	size_t		 sigalgs_len;
	int		 reneg;		/* renegotiation_info ext or SCSV */
	int		 heartbeat;
	int		 points;	/* ec_point_formats */
};

/* A bounded writer for the messages we build. */
struct wbuf {
	uint8_t		*p;
	size_t		 len, cap;
	int		 over;
};

struct sess {
	struct srv		*srv;
	const struct profile	*p;
	struct bufferevent	*bev;
	struct event		*timer, *life;
	enum state		 state;
	int			 shut_on_flush;	/* linger once output drains */
	int			 hrr;		/* HelloRetryRequests sent */
	uint16_t		 hrr_group;
	uint8_t			 ch1[HS_MAX];	/* the hello before the HRR */
	size_t			 ch1len;
	uint8_t			 cookie[32];	/* F_COOKIE: the HRR's */
	size_t			 cookie_len;
	uint16_t		 version;	/* negotiated, for records */
	uint8_t			 hs[HS_MAX];	/* ClientHello reassembly */
	size_t			 hslen;
	uint8_t			 msg[MSG_MAX];	/* message being built */
	uint8_t			 flight[MSG_MAX]; /* F_COALESCE */
	size_t			 flightlen;
};

static void	sess_state(struct sess *, enum state);
static void	sess_close(struct sess *);
static void	hello_input(struct sess *);
static void	answer(struct sess *, const struct chello *);

static void
die(const char *what)
{
	fprintf(stderr, "scanfake: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* ---- tables ---- */

static const struct suite *
suite_find(uint16_t code)
{
	size_t	 i;

	for (i = 0; i < NELEM(suites); i++)
		if (suites[i].code == code)
			return &suites[i];
	return NULL;
}

static const struct group *
group_find(uint16_t code)
{
	size_t	 i;

	for (i = 0; i < NELEM(groups); i++)
		if (groups[i].code == code)
			return &groups[i];
	return NULL;
}

static const char *
version_name(uint16_t v)
{
	switch (v) {
	case SSL2:
		return "SSLv2";
	case SSL3:
		return "SSLv3";
	case TLS10:
		return "TLSv1.0";
	case TLS11:
		return "TLSv1.1";
	case TLS12:
		return "TLSv1.2";
	case TLS13:
		return "TLSv1.3";
	default:
		return "unknown";
	}
}

/* Deterministic junk: xorshift64, state on the server object. */
static uint8_t
rnd8(struct srv *sv)
{
	sv->rng ^= sv->rng << 13;
	sv->rng ^= sv->rng >> 7;
	sv->rng ^= sv->rng << 17;
	return (uint8_t)(sv->rng >> 24);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- certificates ---- */

static void
der_of(X509 *x, uint8_t **out, size_t *outlen)
{
	unsigned char	*p = NULL;
	int		 n = i2d_X509(x, &p);

	if (n <= 0)
		die("i2d_X509");
	*out = p;
	*outlen = (size_t)n;
}

/* A self-signed leaf for HOST; the scanner only looks at it. */
static void
make_cert(EVP_PKEY *key, uint8_t **der, size_t *len)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();

	if (x == NULL || n == NULL)
		die("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_ASC,
	    (const unsigned char *)HOST, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	if (!X509_sign(x, key, EVP_sha256()))
		die("X509_sign");
	der_of(x, der, len);
	X509_NAME_free(n);
	X509_free(x);
}

static void
load_certs(struct srv *sv, const char *pem)
{
	EVP_PKEY	*k;
	X509		*x;
	FILE		*f;

	if (pem != NULL) {
		if ((f = fopen(pem, "r")) == NULL)
			die("cannot open the certificate file");
		if ((x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
			die("no certificate in the file");
		fclose(f);
		der_of(x, &sv->cert_rsa, &sv->cert_rsa_len);
		X509_free(x);
	} else {
		if ((k = EVP_RSA_gen(2048)) == NULL)
			die("RSA key generation");
		make_cert(k, &sv->cert_rsa, &sv->cert_rsa_len);
		EVP_PKEY_free(k);
	}
	if ((k = EVP_EC_gen("P-256")) == NULL)
		die("EC key generation");
	make_cert(k, &sv->cert_ec, &sv->cert_ec_len);
	EVP_PKEY_free(k);
}

/* ---- building messages ---- */

static void
w_init(struct wbuf *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->len = 0;
	w->cap = cap;
	w->over = 0;
}

static void
w_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (w->over || n > w->cap - w->len) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
w8(struct wbuf *w, unsigned v)
{
	uint8_t	 b = (uint8_t)v;

	w_bytes(w, &b, 1);
}

static void
w16(struct wbuf *w, unsigned v)
{
	uint8_t	 b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 2);
}

static void
w24(struct wbuf *w, size_t v)
{
	uint8_t	 b[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 3);
}

static void
w_junk(struct wbuf *w, struct srv *sv, size_t n)
{
	while (n-- > 0 && !w->over)
		w8(w, rnd8(sv));
}

/* Patch a length field of size bytes at off to cover what follows it. */
static void
w_patch(struct wbuf *w, size_t off, int size)
{
	size_t	 n = w->len - off - (size_t)size;

	if (w->over)
		return;
	if (size == 3)
		w->p[off++] = (uint8_t)(n >> 16);
	if (size >= 2)
		w->p[off++] = (uint8_t)(n >> 8);
	w->p[off] = (uint8_t)n;
}

/* Records of type/version over data, each at most chunk bytes. */
static void
send_records(struct sess *s, int type, uint16_t ver, const uint8_t *data,
    size_t len, size_t chunk)
{
	uint8_t	 h[5];
	size_t	 n;

	do {
		n = len < chunk ? len : chunk;
		h[0] = (uint8_t)type;
		h[1] = (uint8_t)(ver >> 8);
		h[2] = (uint8_t)ver;
		h[3] = (uint8_t)(n >> 8);
		h[4] = (uint8_t)n;
		bufferevent_write(s->bev, h, 5);
		bufferevent_write(s->bev, data, n);
		data += n;
		len -= n;
	} while (len > 0);
}

static uint16_t
record_version(const struct sess *s)
{
	if (s->version == 0 || s->version == SSL2)
		return TLS10;
	return s->version >= TLS13 ? TLS12 : s->version;
}

/* Send one handshake message the way the profile frames its records. */
static void
send_hs(struct sess *s, const struct wbuf *w)
{
	if (w->over) {
		fprintf(stderr, "scanfake: internal: message too long\n");
		return;
	}
	if (s->p->flags & F_SPLIT)
		send_records(s, 22, record_version(s), w->p, w->len, 1);
	else if ((s->p->flags & F_COALESCE) &&
	    w->len <= sizeof(s->flight) - s->flightlen) {
		memcpy(s->flight + s->flightlen, w->p, w->len);
		s->flightlen += w->len;
	} else
		send_records(s, 22, record_version(s), w->p, w->len, REC_MAX);
}

static void
flight_end(struct sess *s)
{
	if (s->flightlen > 0)
		send_records(s, 22, record_version(s), s->flight,
		    s->flightlen, REC_MAX);
	s->flightlen = 0;
}

/* ---- sessions ---- */

static void
free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;

	(void)fd;
	(void)what;
	bufferevent_free(s->bev);
	event_free(s->timer);
	event_free(s->life);
	free(s);
}

/* End a session now; freed on the next loop turn, never in a callback. */
static void
sess_close(struct sess *s)
{
	struct timeval	 zero = { 0, 0 };

	if (s->state == ST_DEAD)
		return;
	sess_state(s, ST_DEAD);
	bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	event_del(s->timer);
	event_del(s->life);
	event_base_once(s->srv->base, -1, EV_TIMEOUT, free_cb, s, &zero);
}

/* The only place the state changes; arms the phase timer. */
static void
sess_state(struct sess *s, enum state to)
{
	struct timeval	 tv = { 0, 0 };

	if (s->srv->verbose)
		fprintf(stderr, "scanfake: %s %p: %s -> %s\n", s->p->name,
		    (void *)s, state_names[s->state], state_names[to]);
	s->state = to;
	switch (to) {
	case ST_NEW:
		return;
	case ST_GREET_DELAY:
		tv.tv_sec = GREET_DELAY;
		break;
	case ST_SMTP:
		tv.tv_sec = SESS_LIFE;
		break;
	case ST_HELLO:
		tv.tv_sec = HELLO_WAIT;
		break;
	case ST_ANSWERED:
		tv.tv_sec = ANSWER_WAIT;
		break;
	case ST_LINGER:
		tv.tv_sec = LINGER_WAIT;
		break;
	case ST_DEAD:
		return;
	}
	evtimer_add(s->timer, &tv);
}

/*
 * Our side is done: close it once everything queued is written, and drain
 * the client's input meanwhile, so that a close with unread input does not
 * turn into a reset that could destroy our last words in flight.
 */
static void
sess_finish(struct sess *s)
{
	if (s->state == ST_DEAD || s->state == ST_LINGER)
		return;
	sess_state(s, ST_LINGER);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
		s->shut_on_flush = 1;
	else
		shutdown(bufferevent_getfd(s->bev), SHUT_WR);
}

static void
send_alert(struct sess *s, int level, int desc)
{
	uint8_t	 a[2] = { (uint8_t)level, (uint8_t)desc };

	send_records(s, 21, record_version(s), a, 2, 2);
}

/* A fatal alert (RFC 8446 §6.2), then close like a real server. */
static void
fatal(struct sess *s, int desc)
{
	if (s->srv->verbose)
		fprintf(stderr, "scanfake: %s: alert %d\n", s->p->name, desc);
	send_alert(s, 2, desc);
	sess_finish(s);
}

static void
reply(struct sess *s, const char *str)
{
	bufferevent_write(s->bev, str, strlen(str));
}

static void
greet(struct sess *s)
{
	reply(s, "220 " HOST " ESMTP scanfake\r\n");
	sess_state(s, ST_SMTP);
}

/* One SMTP command: just enough for a STARTTLS client. */
static void
smtp_cmd(struct sess *s, const char *line)
{
	if (strncasecmp(line, "EHLO", 4) == 0)
		reply(s, "250-" HOST "\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
		    "250 8BITMIME\r\n");
	else if (strncasecmp(line, "HELO", 4) == 0)
		reply(s, "250 " HOST "\r\n");
	else if (strncasecmp(line, "STARTTLS", 8) == 0) {
		reply(s, "220 2.0.0 Ready to start TLS\r\n");
		sess_state(s, ST_HELLO);
	} else if (strncasecmp(line, "QUIT", 4) == 0) {
		reply(s, "221 2.0.0 bye\r\n");
		sess_finish(s);
	} else if (strncasecmp(line, "NOOP", 4) == 0 ||
	    strncasecmp(line, "RSET", 4) == 0)
		reply(s, "250 2.0.0 ok\r\n");
	else
		reply(s, "502 5.5.2 command not recognised\r\n");
}

static void
smtp_input(struct sess *s)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	char		*line;
	size_t		 len;

	while (s->state == ST_SMTP) {
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF);
		if (line == NULL) {
			if (evbuffer_get_length(in) > LINE_MAX_SMTP) {
				reply(s, "500 5.5.0 line too long\r\n");
				sess_finish(s);
			}
			return;
		}
		if (len > LINE_MAX_SMTP) {
			reply(s, "500 5.5.0 line too long\r\n");
			sess_finish(s);
		} else
			smtp_cmd(s, line);
		free(line);
	}
	/* Bytes after the STARTTLS line are taken as the ClientHello. */
	if (s->state == ST_HELLO)
		hello_input(s);
}

/* ---- ClientHello parsing (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) ---- */

/* A bounded reader over one message. */
struct rbuf {
	const uint8_t	*p;
	size_t		 len, off;
	int		 bad;
};

static const uint8_t *
r_take(struct rbuf *r, size_t n)
{
	const uint8_t	*p;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static unsigned
r8(struct rbuf *r)
{
	const uint8_t	*p = r_take(r, 1);

	return p ? p[0] : 0;
}

static unsigned
r16(struct rbuf *r)
{
	const uint8_t	*p = r_take(r, 2);

	return p ? get16(p) : 0;
}

/* A vector with a len-byte length prefix; NULL and bad if it overruns. */
static const uint8_t *
r_vec(struct rbuf *r, int lenbytes, size_t *n)
{
	*n = lenbytes == 1 ? r8(r) : r16(r);
	return r_take(r, *n);
}

/* Extensions we look at; a bad one makes the whole hello bad. */
static int
parse_ext(struct chello *ch, unsigned type, const uint8_t *p, size_t n)
{
	struct rbuf	 r = { p, n, 0, 0 };
	size_t		 len;

	switch (type) {
	case EXT_VERSIONS:
		ch->sv = r_vec(&r, 1, &len);
		ch->sv_len = len;
		return r.bad || r.off != n || len % 2 || len == 0 ? -1 : 0;
	case EXT_GROUPS:
		ch->groups = r_vec(&r, 2, &len);
		ch->groups_len = len;
		return r.bad || r.off != n || len % 2 ? -1 : 0;
	case EXT_SIGALGS:
		ch->sigalgs = r_vec(&r, 2, &len);
		ch->sigalgs_len = len;
		return r.bad || r.off != n || len % 2 ? -1 : 0;
	case EXT_KEY_SHARE:
		ch->shares = r_vec(&r, 2, &len);
		ch->shares_len = len;
		if (r.bad || r.off != n)
			return -1;
		/* Each entry: group(2) key_exchange<1..2^16-1>. */
		r = (struct rbuf){ ch->shares, len, 0, 0 };
		while (r.off < r.len && !r.bad) {
			r16(&r);
			if (r_vec(&r, 2, &len) == NULL || len == 0)
				return -1;
		}
		return r.bad ? -1 : 0;
	case EXT_RENEG:
		ch->reneg = 1;
		return 0;
	case EXT_HEARTBEAT:
		ch->heartbeat = 1;
		return 0;
	case EXT_POINTS:
		ch->points = 1;
		return 0;
	case EXT_COOKIE:
		/* RFC 8446 §4.2.2: cookie<1..2^16-1>. */
		ch->cookie = r_vec(&r, 2, &ch->cookie_len);
		return r.bad || r.off != n || ch->cookie_len == 0 ? -1 : 0;
	default:
		return 0;
	}
}

static int
offered(const struct chello *ch, uint16_t code)
{
	size_t	 i, w = ch->sslv2 ? 3 : 2;

	for (i = 0; i + w <= ch->suites_len; i += w) {
		if (ch->sslv2 && ch->suites[i] != 0)
			continue;
		if (get16(ch->suites + i + w - 2) == code)
			return 1;
	}
	return 0;
}

/* 0, or the alert to send for a malformed ClientHello body. */
static int
parse_hello(const uint8_t *m, size_t len, struct chello *ch)
{
	struct rbuf	 r = { m, len, 0, 0 };
	struct rbuf	 e;
	const uint8_t	*ext, *data;
	size_t		 elen, dlen, i;
	unsigned	 type, seen[16];
	size_t		 nseen = 0;

	memset(ch, 0, sizeof(*ch));
	ch->msg = m;
	ch->msglen = len;
	ch->version = (uint16_t)r16(&r);
	ch->random = r_take(&r, 32);
	ch->sid = r_vec(&r, 1, &ch->sidlen);
	ch->suites = r_vec(&r, 2, &ch->suites_len);
	ch->comp = r_vec(&r, 1, &ch->ncomp);
	if (r.bad || ch->sidlen > 32 || ch->suites_len < 2 ||
	    ch->suites_len % 2 || ch->ncomp < 1)
		return AL_DECODE;
	if (r.off == r.len)
		goto done;				/* no extensions */
	ext = r_vec(&r, 2, &elen);
	if (r.bad || r.off != r.len)
		return AL_DECODE;
	ch->exts = ext;
	ch->exts_len = elen;
	e = (struct rbuf){ ext, elen, 0, 0 };
	while (e.off < e.len) {
		type = r16(&e);
		data = r_vec(&e, 2, &dlen);
		if (e.bad)
			return AL_DECODE;
		/* RFC 8446 §4.2: no type twice (we track those we use). */
		for (i = 0; i < nseen; i++)
			if (seen[i] == type)
				return AL_ILLEGAL;
		if (nseen < NELEM(seen))
			seen[nseen++] = type;
		if (parse_ext(ch, type, data, dlen) != 0)
			return AL_DECODE;
	}
done:
	if (offered(ch, SCSV_RENEG))
		ch->reneg = 1;
	return 0;
}

/* SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00; RFC 5246 E.2). */
static int
parse_ssl2_hello(const uint8_t *m, size_t len, struct chello *ch)
{
	struct rbuf	 r = { m, len, 0, 0 };
	size_t		 nspecs, nsid, nchal;

	memset(ch, 0, sizeof(*ch));
	ch->sslv2 = 1;
	if (r8(&r) != 1)
		return -1;
	ch->version = (uint16_t)r16(&r);
	nspecs = r16(&r);
	nsid = r16(&r);
	nchal = r16(&r);
	ch->suites = r_take(&r, nspecs);
	ch->suites_len = nspecs;
	ch->sid = r_take(&r, nsid);
	ch->sidlen = nsid;
	r_take(&r, nchal);
	if (r.bad || r.off != r.len || nspecs == 0 || nspecs % 3 ||
	    nsid > 32 || nchal < 16 || nchal > 32)
		return -1;
	ch->ncomp = 0;			/* null compression only */
	if (offered(ch, SCSV_RENEG))
		ch->reneg = 1;
	return 0;
}

/* ---- answers ---- */

/* SSLv2 SERVER-HELLO with the kinds both sides have, or ERROR. */
static void
answer_ssl2(struct sess *s, const struct chello *ch)
{
	struct wbuf	 w;
	size_t		 i, j, lenoff, nspec = 0;
	uint8_t		 specs[3 * NELEM(ssl2_kinds)];
	uint32_t	 code;

	for (i = 0; i < NELEM(ssl2_kinds); i++)
		for (j = 0; j + 3 <= ch->suites_len; j += 3) {
			code = (uint32_t)ch->suites[j] << 16 |
			    (uint32_t)ch->suites[j + 1] << 8 |
			    ch->suites[j + 2];
			if (code == ssl2_kinds[i].code) {
				memcpy(specs + nspec * 3, ch->suites + j, 3);
				nspec++;
				break;
			}
		}
	w_init(&w, s->msg, sizeof(s->msg));
	w16(&w, 0);			/* 2-byte header, patched below */
	lenoff = 0;
	if (nspec == 0) {
		w8(&w, 0);		/* MSG-ERROR */
		w16(&w, 1);		/* NO-CIPHER-ERROR */
	} else {
		w8(&w, 4);		/* MSG-SERVER-HELLO */
		w8(&w, 0);		/* session id hit */
		w8(&w, 1);		/* SSL_CT_X509_CERTIFICATE */
		w16(&w, SSL2);
		w16(&w, (unsigned)s->srv->cert_rsa_len);
		w16(&w, (unsigned)(nspec * 3));
		w16(&w, 16);		/* connection id */
		w_bytes(&w, s->srv->cert_rsa, s->srv->cert_rsa_len);
		w_bytes(&w, specs, nspec * 3);
		w_junk(&w, s->srv, 16);
	}
	if (w.over || w.len - 2 > 0x7fff)
		die("internal: SSLv2 SERVER-HELLO too long");
	w.p[lenoff] = (uint8_t)(0x80 | (w.len - 2) >> 8);
	w.p[lenoff + 1] = (uint8_t)(w.len - 2);
	bufferevent_write(s->bev, w.p, w.len);
	if (nspec == 0)
		sess_finish(s);
	else
		sess_state(s, ST_ANSWERED);
}

static int
in_list(const uint16_t *list, size_t n, uint16_t v)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}

static int
vec_has(const uint8_t *p, size_t len, uint16_t v)
{
	size_t	 i;

	for (i = 0; p != NULL && i + 2 <= len; i += 2)
		if (get16(p + i) == v)
			return 1;
	return 0;
}

/* The key_share entry for group, or NULL. */
static int
share_has(const struct chello *ch, uint16_t group)
{
	size_t	 off = 0, klen;

	while (ch->shares != NULL && off + 4 <= ch->shares_len) {
		klen = get16(ch->shares + off + 2);
		if (get16(ch->shares + off) == group)
			return 1;
		off += 4 + klen;
	}
	return 0;
}

/* The group for ECDHE at TLS <= 1.2 (RFC 8422 §5.1.1), 0 if none. */
static uint16_t
pick_group(const struct sess *s, const struct chello *ch)
{
	const struct profile	*p = s->p;
	size_t			 i;

	if (p->ngroups == 0)
		return 0;
	if (ch->groups == NULL)	/* no extension: any curve will do */
		return in_list(p->groups, p->ngroups, 0x0017) ? 0x0017 :
		    p->groups[0];
	if (p->flags & F_CLIENT_ORDER) {
		for (i = 0; i + 2 <= ch->groups_len; i += 2)
			if (in_list(p->groups, p->ngroups,
			    get16(ch->groups + i)))
				return get16(ch->groups + i);
		return 0;
	}
	for (i = 0; i < p->ngroups; i++)
		if (vec_has(ch->groups, ch->groups_len, p->groups[i]))
			return p->groups[i];
	return 0;
}

/* Does the client accept a signature by this kind of key? RFC 5246
 * §7.4.1.4.1: without the extension, the suite's own algorithm. */
static int
sig_ok(const struct chello *ch, enum au au)
{
	size_t	 i;
	uint16_t c;

	if (ch->sigalgs == NULL || au == AU_ANY)
		return 1;
	for (i = 0; i + 2 <= ch->sigalgs_len; i += 2) {
		c = get16(ch->sigalgs + i);
		if (au == AU_ECDSA && (c & 0xff) == 3 && c < 0x0700)
			return 1;
		if (au == AU_RSA && (((c & 0xff) == 1 && c < 0x0700) ||
		    (c >= 0x0804 && c <= 0x0806) ||
		    (c >= 0x0809 && c <= 0x080b)))
			return 1;
	}
	return 0;
}

/* May this suite be chosen at version v for this client? */
static int
eligible(const struct sess *s, const struct chello *ch, uint16_t code,
    uint16_t v)
{
	const struct suite	*su = suite_find(code);

	if (su == NULL || v < su->minv || v > su->maxv)
		return 0;
	if (!in_list(s->p->suites, s->p->nsuites, code))
		return 0;
	if (su->kx == KX_ECDHE && pick_group(s, ch) == 0)
		return 0;
	if ((s->p->flags & F_DUAL) && v >= TLS12 && !sig_ok(ch, su->au))
		return 0;
	return 1;
}

/* The chosen suite in server or client order; 0 if none. */
static uint16_t
pick_suite(const struct sess *s, const struct chello *ch, uint16_t v)
{
	size_t	 i, w = ch->sslv2 ? 3 : 2;
	uint16_t c;

	if (s->p->flags & F_CLIENT_ORDER) {
		for (i = 0; i + w <= ch->suites_len; i += w) {
			if (ch->sslv2 && ch->suites[i] != 0)
				continue;
			c = get16(ch->suites + i + w - 2);
			if (eligible(s, ch, c, v))
				return c;
		}
		return 0;
	}
	for (i = 0; i < s->p->nsuites; i++)
		if (offered(ch, s->p->suites[i]) &&
		    eligible(s, ch, s->p->suites[i], v))
			return s->p->suites[i];
	return 0;
}

/* The version to use (RFC 8446 §4.2.1, RFC 5246 E.1), 0 if none. */
static uint16_t
pick_version(const struct sess *s, const struct chello *ch)
{
	const struct profile	*p = s->p;
	uint16_t		 v, best = 0;
	size_t			 i;

	if (ch->sv != NULL && p->vmax >= TLS13 && !ch->sslv2) {
		for (i = 0; i + 2 <= ch->sv_len; i += 2) {
			v = get16(ch->sv + i);
			if (v >= p->vmin && v <= p->vmax && v >= TLS12 &&
			    v > best)
				best = v;
		}
		return best;
	}
	v = ch->version > TLS12 ? TLS12 : ch->version;
	if (v > p->vmax)
		v = p->vmax;
	return v < p->vmin || v < SSL3 ? 0 : v;
}

/* A suite the client did not offer (liar-suite). */
static uint16_t
unoffered_suite(const struct chello *ch)
{
	static const uint16_t try[] = { 0xc02f, 0x009c, 0x002f, 0x1301,
		0x0005 };
	size_t		 i;
	unsigned	 c;

	for (i = 0; i < NELEM(try); i++)
		if (!offered(ch, try[i]))
			return try[i];
	for (c = 0x0001; c < 0xffff; c++)
		if (!offered(ch, (uint16_t)c))
			return (uint16_t)c;
	return 0;
}

static const uint8_t hrr_random[32] = {	/* RFC 8446 §4.1.3 */
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/*
 * The server's key_share for g, junk of the right shape: an uncompressed
 * point's 0x04 first; for ML-KEM a ciphertext where the client sent its
 * encapsulation key (draft-ietf-tls-ecdhe-mlkem §3).
 */
static void
put_server_share(struct sess *s, struct wbuf *w, const struct group *g)
{
	size_t	 classic = g->keylen - g->ek;

	w16(w, (unsigned)(classic + g->ct));
	if (g->kem_first)
		w_junk(w, s->srv, g->ct);
	if (g->nid != 0) {
		w8(w, 4);			/* uncompressed */
		w_junk(w, s->srv, classic - 1);
	} else
		w_junk(w, s->srv, classic);
	if (g->ek > 0 && !g->kem_first)
		w_junk(w, s->srv, g->ct);
}

/*
 * ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3). legacy is the version
 * field; sv, if not 0, goes into supported_versions; group/share for TLS
 * 1.3 key_share (hrr: selected_group only); dup_reneg for sh-dup-ext.
 */
static void
send_server_hello(struct sess *s, const struct chello *ch, uint16_t legacy,
    uint16_t sv, uint16_t suite, int comp, uint16_t group, int hrr)
{
	const struct group	*g;
	struct wbuf		 w;
	size_t			 extoff, off, i;
	int			 tls13 = sv != 0;

	w_init(&w, s->msg, sizeof(s->msg));
	w8(&w, 2);
	w24(&w, 0);
	w16(&w, legacy);
	if (hrr)
		w_bytes(&w, hrr_random, 32);
	else {
		w_junk(&w, s->srv, 24);
		/* RFC 8446 §4.1.3: a 1.3 server negotiating less says so. */
		if (s->p->quirk != Q_NONE || s->p->vmax < TLS13 || tls13)
			w_junk(&w, s->srv, 8);
		else if (legacy == TLS12)
			w_bytes(&w, "DOWNGRD\x01", 8);
		else
			w_bytes(&w, "DOWNGRD\x00", 8);
	}
	if (tls13) {
		w8(&w, (unsigned)ch->sidlen);
		w_bytes(&w, ch->sid, ch->sidlen);
	} else {
		w8(&w, 32);
		w_junk(&w, s->srv, 32);
	}
	w16(&w, suite);
	w8(&w, (unsigned)comp);
	extoff = w.len;
	w16(&w, 0);
	if (tls13) {
		w16(&w, EXT_VERSIONS);
		w16(&w, 2);
		w16(&w, sv);
		if (group != 0) {
			w16(&w, EXT_KEY_SHARE);
			off = w.len;
			w16(&w, 0);
			w16(&w, group);
			if (!hrr && (g = group_find(group)) != NULL)
				put_server_share(s, &w, g);
			w_patch(&w, off, 2);
		}
		if (hrr && s->cookie_len > 0) {
			w16(&w, EXT_COOKIE);
			w16(&w, (unsigned)(2 + s->cookie_len));
			w16(&w, (unsigned)s->cookie_len);
			w_bytes(&w, s->cookie, s->cookie_len);
		}
	} else {
		for (i = 0; i < (s->p->quirk == Q_SH_DUP_EXT ? 2u : 1u); i++)
			if (((s->p->flags & F_RENEG) && ch->reneg) ||
			    s->p->quirk == Q_SH_DUP_EXT) {
				w16(&w, EXT_RENEG);
				w16(&w, 1);
				w8(&w, 0);	/* renegotiated_connection */
			}
		if ((s->p->flags & F_HEARTBEAT) && ch->heartbeat) {
			w16(&w, EXT_HEARTBEAT);
			w16(&w, 1);
			w8(&w, 1);		/* peer_allowed_to_send */
		}
		if (ch->points && suite_find(suite) != NULL &&
		    suite_find(suite)->kx == KX_ECDHE) {
			w16(&w, EXT_POINTS);
			w16(&w, 2);
			w8(&w, 1);
			w8(&w, 0);		/* uncompressed */
		}
	}
	if (w.len == extoff + 2)
		w.len = extoff;		/* no extensions: omit the block */
	else
		w_patch(&w, extoff, 2);
	w_patch(&w, 1, 3);
	send_hs(s, &w);
}

static void
send_certificate(struct sess *s, int ecdsa)
{
	struct wbuf	 w;
	const uint8_t	*der = ecdsa ? s->srv->cert_ec : s->srv->cert_rsa;
	size_t		 len = ecdsa ? s->srv->cert_ec_len :
			    s->srv->cert_rsa_len;

	w_init(&w, s->msg, sizeof(s->msg));
	w8(&w, 11);
	w24(&w, len + 6);
	w24(&w, len + 3);
	w24(&w, len);
	w_bytes(&w, der, len);
	send_hs(s, &w);
}

/* ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4): right sizes, junk. */
static void
send_ske(struct sess *s, const struct suite *su, uint16_t group, int ecdsa)
{
	const struct group	*g = group_find(group);
	struct wbuf		 w;
	size_t			 plen, i;

	w_init(&w, s->msg, sizeof(s->msg));
	w8(&w, 12);
	w24(&w, 0);
	switch (su->kx) {
	case KX_DHE:
	case KX_DHE_EXP:
		plen = (size_t)(su->kx == KX_DHE_EXP ? 512 : s->p->dh_bits) / 8;
		w16(&w, (unsigned)plen);	/* p: odd, top bit set */
		w8(&w, 0x80 | rnd8(s->srv));
		w_junk(&w, s->srv, plen - 2);
		w8(&w, rnd8(s->srv) | 1);
		w16(&w, 1);
		w8(&w, 2);				/* g */
		w16(&w, (unsigned)plen);		/* Ys */
		w_junk(&w, s->srv, plen);
		break;
	case KX_RSA_EXP:
		w16(&w, 64);		/* 512-bit temporary RSA modulus */
		w8(&w, 0x80 | rnd8(s->srv));
		w_junk(&w, s->srv, 62);
		w8(&w, rnd8(s->srv) | 1);
		w16(&w, 3);
		w_bytes(&w, "\x01\x00\x01", 3);
		break;
	case KX_ECDHE:
		if (g == NULL)
			die("internal: ECDHE without a group");
		w8(&w, 3);		/* named_curve */
		w16(&w, group);
		w8(&w, (unsigned)g->keylen);
		if (g->keylen == 65 || g->keylen == 97 || g->keylen == 133) {
			w8(&w, 4);
			w_junk(&w, s->srv, g->keylen - 1);
		} else
			w_junk(&w, s->srv, g->keylen);
		break;
	default:
		return;
	}
	if (s->version >= TLS12)
		w16(&w, ecdsa ? 0x0403 : 0x0401);
	i = ecdsa ? 72 : 256;
	w16(&w, (unsigned)i);
	w_junk(&w, s->srv, i);
	w_patch(&w, 1, 3);
	send_hs(s, &w);
}

static void
send_done(struct sess *s)
{
	struct wbuf	 w;

	w_init(&w, s->msg, sizeof(s->msg));
	w8(&w, 14);
	w24(&w, 0);
	send_hs(s, &w);
}

/* After a TLS 1.3 ServerHello: the compat CCS and "encrypted" junk. */
static void
send_tls13_rest(struct sess *s, const struct chello *ch)
{
	uint8_t	 junk[96];
	size_t	 i;

	flight_end(s);
	if (ch->sidlen > 0)	/* RFC 8446 D.4: middlebox compatibility */
		send_records(s, 20, TLS12, (const uint8_t *)"\x01", 1, 1);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = rnd8(s->srv);
	send_records(s, 23, TLS12, junk, sizeof(junk), REC_MAX);
}

static void
answer_quirk(struct sess *s, const struct chello *ch)
{
	uint8_t		 junk[512];
	size_t		 i;

	switch (s->p->quirk) {
	case Q_LIAR_LENGTH:
		/* A handshake record claiming 16000 bytes; 10 arrive. */
		memcpy(junk, "\x16\x03\x03\x3e\x80\x02\x00\x3e\x7c\x03\x03"
		    "\x5a\x5a\x5a\x5a", 15);
		bufferevent_write(s->bev, junk, 15);
		sess_state(s, ST_ANSWERED);
		return;
	case Q_GARBAGE:
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = rnd8(s->srv);
		junk[0] = 0x81;	/* SSLv2 2-byte header: 256 bytes, */
		junk[1] = 0x00;
		junk[2] = 0x63;	/* of a message type no version has */
		bufferevent_write(s->bev, junk, sizeof(junk));
		sess_state(s, ST_ANSWERED);
		return;
	case Q_ALERT_UNKNOWN:
		fatal(s, 255);
		return;
	case Q_LIAR_SUITE:
		s->version = TLS12;
		send_server_hello(s, ch, TLS12, 0, unoffered_suite(ch), 0, 0,
		    0);
		break;
	case Q_LIAR_VERSION:
		s->version = TLS12;
		send_server_hello(s, ch, 0x0305, 0, 0xc02f, 0, 0, 0);
		break;
	case Q_LIAR_SV:
		s->version = TLS13;
		send_server_hello(s, ch, TLS12, 0x7f12, 0x1301, 0, 0x001d, 0);
		break;
	case Q_SH_DUP_EXT:
		s->version = TLS12;
		send_server_hello(s, ch, TLS12, 0, 0xc02f, 0, 0, 0);
		break;
	default:
		return;
	}
	flight_end(s);
	sess_state(s, ST_ANSWERED);
}

/* 1 if the extension blocks a and b are the same but for the ones a
 * second hello may change (RFC 8446 §4.1.2). */
static int
same_exts(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	struct rbuf	 x = { a, alen, 0, 0 }, y = { b, blen, 0, 0 };
	const uint8_t	*xd = NULL, *yd = NULL;
	size_t		 xl = 0, yl = 0;
	unsigned	 xt = 0, yt = 0;

	for (;;) {
		while (x.off < x.len && !x.bad) {
			xt = r16(&x);
			xd = r_vec(&x, 2, &xl);
			if (xt != EXT_KEY_SHARE && xt != EXT_COOKIE &&
			    xt != EXT_PADDING && xt != EXT_EARLY_DATA &&
			    xt != EXT_PSK)
				break;
			xd = NULL;
		}
		while (y.off < y.len && !y.bad) {
			yt = r16(&y);
			yd = r_vec(&y, 2, &yl);
			if (yt != EXT_KEY_SHARE && yt != EXT_COOKIE &&
			    yt != EXT_PADDING && yt != EXT_EARLY_DATA &&
			    yt != EXT_PSK)
				break;
			yd = NULL;
		}
		if (x.bad || y.bad || (xd == NULL) != (yd == NULL))
			return 0;
		if (xd == NULL)
			return 1;
		if (xt != yt || xl != yl || memcmp(xd, yd, xl) != 0)
			return 0;
		xd = yd = NULL;
	}
}

/*
 * An ML-KEM encapsulation key passes FIPS 203 §7.2's modulus check: every
 * 12-bit coefficient of the encoded vector (all but the 32-byte seed) is
 * below q = 3329.
 */
static int
ek_valid(const uint8_t *ek, size_t len)
{
	size_t	 i;

	for (i = 0; i + 3 <= len - 32; i += 3)
		if ((ek[i] | (ek[i + 1] & 0x0f) << 8) >= 3329 ||
		    (ek[i + 1] >> 4 | ek[i + 2] << 4) >= 3329)
			return 0;
	return 1;
}

/* A point on the curve nid, uncompressed (RFC 8446 §4.2.8.2). */
static int
point_valid(int nid, const uint8_t *key, size_t klen)
{
	EC_GROUP	*eg = NULL;
	EC_POINT	*pt = NULL;
	int		 ok;

	if ((eg = EC_GROUP_new_by_curve_name(nid)) == NULL ||
	    (pt = EC_POINT_new(eg)) == NULL)
		die("out of memory");
	ok = key[0] == 4 && EC_POINT_oct2point(eg, pt, key, klen, NULL) == 1 &&
	    EC_POINT_is_on_curve(eg, pt, NULL) == 1;
	EC_POINT_free(pt);
	EC_GROUP_free(eg);
	ERR_clear_error();
	return ok;
}

/* Whether the one key share is a valid public value for its group: the
 * right length, a point on the curve, an ML-KEM key that passes the
 * modulus check. */
static int
share_valid(const struct chello *ch)
{
	const struct group	*g = group_find(get16(ch->shares));
	const uint8_t		*key = ch->shares + 4, *ek;
	size_t			 klen = get16(ch->shares + 2);

	if (g == NULL || klen != g->keylen)
		return 0;
	if (g->ek > 0) {
		ek = g->kem_first ? key : key + klen - g->ek;
		if (!ek_valid(ek, g->ek))
			return 0;
		if (!g->kem_first)
			klen -= g->ek;		/* the classical part */
		else {
			key += g->ek;
			klen -= g->ek;
		}
	}
	return g->nid == 0 || point_valid(g->nid, key, klen);
}

/*
 * The second ClientHello must be the first one but for the key share
 * (one valid share, checked by the caller for its group), the cookie
 * echoed, and padding (RFC 8446 §4.1.2, §4.2.2). NULL if it is, else what
 * differs.
 */
static const char *
retry_check(struct sess *s, const struct chello *ch)
{
	struct chello	 c1;

	if (parse_hello(s->ch1, s->ch1len, &c1) != 0)
		return "the first hello is gone";
	if (ch->version != c1.version ||
	    memcmp(ch->random, c1.random, 32) != 0 ||
	    ch->sidlen != c1.sidlen ||
	    memcmp(ch->sid, c1.sid, ch->sidlen) != 0 ||
	    ch->suites_len != c1.suites_len ||
	    memcmp(ch->suites, c1.suites, ch->suites_len) != 0 ||
	    ch->ncomp != c1.ncomp || memcmp(ch->comp, c1.comp, ch->ncomp) != 0)
		return "version, random, session id, suites or compression "
		    "changed";
	if (!same_exts(c1.exts, c1.exts_len, ch->exts, ch->exts_len))
		return "extensions other than key_share changed";
	if (s->cookie_len > 0 && (ch->cookie == NULL ||
	    ch->cookie_len != s->cookie_len ||
	    memcmp(ch->cookie, s->cookie, s->cookie_len) != 0))
		return "cookie not echoed";
	if (s->cookie_len == 0 && ch->cookie != NULL)
		return "a cookie nobody sent";
	if (!share_valid(ch))
		return "key share not a valid public value";
	return NULL;
}

/* TLS 1.3: ServerHello, or HRR, or an alert (RFC 8446 §4.1.1). */
static void
answer_tls13(struct sess *s, const struct chello *ch, uint16_t suite)
{
	const struct profile	*p = s->p;
	const char		*why;
	uint16_t		 g = 0;
	size_t			 i, off;

	if (ch->ncomp != 1 || ch->comp[0] != 0) {
		fatal(s, AL_ILLEGAL);
		return;
	}
	if (ch->shares == NULL || ch->groups == NULL) {
		fatal(s, AL_MISSING_EXT);
		return;
	}
	if (s->hrr > 0 && (p->flags & F_HRR_SILENT))
		return;			/* until the client gives up */
	if (s->hrr > 0 && (p->flags & F_HRR_CLOSE)) {
		sess_finish(s);
		return;
	}
	if (s->hrr > 0 && (!share_has(ch, s->hrr_group) ||
	    ch->shares_len != 4u + get16(ch->shares + 2))) {
		fatal(s, AL_ILLEGAL);	/* §4.1.2: exactly the asked share */
		return;
	}
	if (s->hrr > 0 && (why = retry_check(s, ch)) != NULL) {
		if (s->srv->verbose)
			fprintf(stderr, "scanfake: %s: second hello: %s\n",
			    p->name, why);
		fatal(s, AL_ILLEGAL);
		return;
	}
	if (p->flags & F_CLIENT_ORDER) {
		for (off = 0; off + 4 <= ch->shares_len && g == 0;
		    off += 4u + get16(ch->shares + off + 2))
			if (in_list(p->groups, p->ngroups,
			    get16(ch->shares + off)))
				g = get16(ch->shares + off);
	} else
		for (i = 0; i < p->ngroups && g == 0; i++)
			if (share_has(ch, p->groups[i]))
				g = p->groups[i];
	if (p->quirk == Q_HRR_TWICE)
		g = 0;
	if (g == 0) {
		for (i = 0; i < p->ngroups && g == 0; i++)
			if (vec_has(ch->groups, ch->groups_len, p->groups[i]))
				g = p->groups[i];
		if (g == 0) {
			fatal(s, AL_HS_FAILURE);
			return;
		}
		if (s->hrr > 0 && p->quirk != Q_HRR_TWICE) {
			fatal(s, AL_ILLEGAL);
			return;
		}
		if (s->hrr == 0) {
			/* What the second hello is checked against. */
			memcpy(s->ch1, ch->msg, ch->msglen);
			s->ch1len = ch->msglen;
			if (p->flags & F_COOKIE) {
				s->cookie_len = 16 + rnd8(s->srv) % 17;
				for (i = 0; i < s->cookie_len; i++)
					s->cookie[i] = rnd8(s->srv);
			}
		}
		s->hrr++;
		s->hrr_group = g;
		send_server_hello(s, ch, TLS12, TLS13, suite, 0, g, 1);
		flight_end(s);
		s->hslen = 0;
		sess_state(s, ST_HELLO);	/* for the second hello */
		return;
	}
	send_server_hello(s, ch, TLS12, TLS13, suite, 0, g, 0);
	send_tls13_rest(s, ch);
	sess_state(s, ST_ANSWERED);
}

/* The profile's answer to one parsed ClientHello. */
static void
answer(struct sess *s, const struct chello *ch)
{
	const struct profile	*p = s->p;
	const struct suite	*su;
	uint16_t		 v, suite, group = 0;
	int			 comp = 0, ecdsa = 0;
	size_t			 i;

	if (p->quirk == Q_SSL2) {
		if (ch->sslv2)
			answer_ssl2(s, ch);
		else
			sess_finish(s);	/* an SSLv2 server cannot parse it */
		return;
	}
	if (ch->sslv2 && ch->version < SSL3) {
		sess_finish(s);		/* nor a TLS server an SSLv2 hello */
		return;
	}
	if (p->quirk != Q_NONE && p->quirk != Q_HRR_TWICE) {
		answer_quirk(s, ch);
		return;
	}
	if ((v = pick_version(s, ch)) == 0) {
		s->version = ch->version >= SSL3 && ch->version <= TLS12 ?
		    ch->version : TLS10;
		fatal(s, AL_PROTOCOL);
		return;
	}
	s->version = v;
	if ((p->flags & F_SCSV) && offered(ch, SCSV_FALLBACK) && v < p->vmax) {
		fatal(s, AL_FALLBACK);
		return;
	}
	if ((suite = pick_suite(s, ch, v)) == 0) {
		fatal(s, AL_HS_FAILURE);
		return;
	}
	if (v == TLS13) {
		answer_tls13(s, ch, suite);
		return;
	}
	/* RFC 5246 §7.4.1.2: null must be offered; DEFLATE is RFC 3749. */
	for (i = 0; i < ch->ncomp; i++)
		if (ch->comp[i] == 1 && (p->flags & F_DEFLATE))
			comp = 1;
	if (!ch->sslv2 && comp == 0 && memchr(ch->comp, 0, ch->ncomp) == NULL) {
		fatal(s, AL_ILLEGAL);
		return;
	}
	su = suite_find(suite);
	if (su->kx == KX_ECDHE)
		group = pick_group(s, ch);
	ecdsa = su->au == AU_ECDSA;
	if (p->flags & F_WARN_ALERT)
		send_alert(s, 1, AL_UNRECOGNIZED);
	send_server_hello(s, ch, v, 0, suite, comp, 0, 0);
	send_certificate(s, ecdsa);
	send_ske(s, su, group, ecdsa);
	send_done(s);
	flight_end(s);
	sess_state(s, ST_ANSWERED);
}

/* A complete TLS handshake message from the client, in s->hs. */
static void
hello_message(struct sess *s, size_t mlen)
{
	struct chello	 ch;
	int		 al;

	if ((al = parse_hello(s->hs + 4, mlen, &ch)) != 0) {
		fatal(s, al);
		return;
	}
	if (s->srv->verbose)
		fprintf(stderr, "scanfake: %s: hello 0x%04x, %zu suites, "
		    "sv %s\n", s->p->name, ch.version, ch.suites_len / 2,
		    ch.sv ? "yes" : "no");
	answer(s, &ch);
}

/* Read records (or one SSLv2 message) until a ClientHello is complete. */
static void
hello_input(struct sess *s)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	struct chello	 ch;
	uint8_t		 h[5], m2[2 + 0x7fff];
	size_t		 n, len, mlen;

	while (s->state == ST_HELLO) {
		n = evbuffer_get_length(in);
		if (n < 2 || evbuffer_copyout(in, h, n < 5 ? n : 5) < 2)
			return;
		if ((h[0] & 0x80) && s->hslen == 0 && s->hrr == 0) {
			/* SSLv2 record, 2-byte header: RFC 5246 E.2. */
			len = (size_t)(h[0] & 0x7f) << 8 | h[1];
			if (n < 2 + len)
				return;
			evbuffer_remove(in, m2, 2 + len);
			if (parse_ssl2_hello(m2 + 2, len, &ch) != 0) {
				sess_finish(s);
				return;
			}
			answer(s, &ch);
			return;
		}
		if (n < 5)
			return;
		if (h[1] != 3) {	/* not TLS: HTTP, junk... */
			sess_finish(s);
			return;
		}
		len = get16(h + 3);
		if (len > REC_MAX) {
			fatal(s, AL_OVERFLOW);
			return;
		}
		if (n < 5 + len)
			return;
		if (h[0] == 20 && s->hrr > 0) {	/* compat CCS: ignore */
			evbuffer_drain(in, 5 + len);
			continue;
		}
		if (h[0] == 21) {		/* the client's alert */
			sess_finish(s);
			return;
		}
		if (h[0] != 22 || len == 0) {
			fatal(s, AL_UNEXPECTED);
			return;
		}
		if (len > sizeof(s->hs) - s->hslen) {
			fatal(s, AL_DECODE);
			return;
		}
		evbuffer_drain(in, 5);
		evbuffer_remove(in, s->hs + s->hslen, len);
		s->hslen += len;
		if (s->hslen < 4)
			continue;
		if (s->hs[0] != 1) {
			fatal(s, AL_UNEXPECTED);
			return;
		}
		mlen = (size_t)s->hs[1] << 16 | (size_t)s->hs[2] << 8 |
		    s->hs[3];
		if (mlen > sizeof(s->hs) - 4) {
			fatal(s, AL_DECODE);
			return;
		}
		if (s->hslen < 4 + mlen)
			continue;
		/* Bytes past the ClientHello in its records are dropped. */
		s->hslen = 0;
		hello_message(s, mlen);
	}
}

/* Heartbeat (RFC 6520 §4) after our answer; Heartbleed if the profile
 * trusts payload_length (CVE-2014-0160). */
static void
heartbeat(struct sess *s, const uint8_t *rec, size_t len)
{
	struct wbuf	 w;
	size_t		 claimed, have, i;

	if (!(s->p->flags & F_HEARTBEAT)) {
		fatal(s, AL_UNEXPECTED);
		return;
	}
	if (len < 3 || rec[0] != 1)
		return;			/* not a request: silently dropped */
	claimed = get16(rec + 1);
	have = len - 3;
	if (!(s->p->flags & F_HB_LEAK)) {
		/* §4: payload_length too large: discard silently. */
		if (claimed + 16 > have)
			return;
	} else if (claimed > HB_CAP)
		claimed = HB_CAP;
	w_init(&w, s->msg, sizeof(s->msg));
	w8(&w, 2);			/* heartbeat_response */
	w16(&w, (unsigned)claimed);
	for (i = 0; i < claimed; i++)	/* the "leak": ours, not memory */
		w8(&w, i < have ? rec[3 + i] : rnd8(s->srv));
	w_junk(&w, s->srv, 16);		/* padding */
	if (w.over)
		die("internal: heartbeat response too long");
	send_records(s, 24, record_version(s), w.p, w.len, REC_MAX);
}

/* After the answer: heartbeats, a second hello, or the client's close. */
static void
answered_input(struct sess *s)
{
	struct evbuffer	*in = bufferevent_get_input(s->bev);
	uint8_t		 h[5], rec[REC_MAX];
	size_t		 n, len;

	while (s->state == ST_ANSWERED) {
		n = evbuffer_get_length(in);
		if (n < 5) {
			return;
		}
		evbuffer_copyout(in, h, 5);
		len = get16(h + 3);
		if (h[1] != 3 || len > REC_MAX) {
			sess_finish(s);
			return;
		}
		if (n < 5 + len)
			return;
		evbuffer_drain(in, 5);
		evbuffer_remove(in, rec, len);
		if (h[0] == 24)
			heartbeat(s, rec, len);
		else if (h[0] == 21)
			sess_finish(s);
		else if (h[0] == 20 || h[0] == 22) {
			/* A client going on with the handshake: the fake
			 * cannot, and says so like a failed real one. */
			fatal(s, AL_HS_FAILURE);
		}
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct sess	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	switch (s->state) {
	case ST_GREET_DELAY:
		if (evbuffer_get_length(in) > LINE_MAX_SMTP)
			sess_close(s);	/* a pregreet flood */
		break;
	case ST_SMTP:
		smtp_input(s);
		break;
	case ST_HELLO:
		hello_input(s);
		break;
	case ST_ANSWERED:
		if (s->p->quirk == Q_LIAR_LENGTH || s->p->quirk == Q_GARBAGE ||
		    s->p->quirk == Q_SSL2)
			evbuffer_drain(in, evbuffer_get_length(in));
		else
			answered_input(s);
		break;
	case ST_NEW:
	case ST_LINGER:
		evbuffer_drain(in, evbuffer_get_length(in));
		break;
	case ST_DEAD:
		break;
	}
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct sess	*s = arg;

	if (s->shut_on_flush && s->state != ST_DEAD) {
		s->shut_on_flush = 0;
		shutdown(bufferevent_getfd(bev), SHUT_WR);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		sess_close(arg);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;

	(void)fd;
	(void)what;
	if (s->state == ST_GREET_DELAY) {
		greet(s);
		smtp_input(s);	/* what a pregreeting client already sent */
	} else
		sess_close(s);
}

static void
life_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sess_close(arg);
}

/* busy-once: is this address new to the port (not seen for a while)? */
static int
busy_first(struct srv *sv, size_t prof, uint32_t addr)
{
	struct busy_addr	*b = sv->busy[prof], *old = &b[0];
	time_t			 now = time(NULL);
	size_t			 i;

	for (i = 0; i < BUSY_ADDRS; i++) {
		if (b[i].addr == addr && b[i].last != 0) {
			if (now - b[i].last < BUSY_WINDOW) {
				b[i].last = now;
				return 0;
			}
			b[i].last = now;
			return 1;
		}
		if (b[i].last < old->last)
			old = &b[i];
	}
	old->addr = addr;
	old->last = now;
	return 1;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct srv		*sv = arg;
	struct sess		*s;
	struct sockaddr_in	 me;
	socklen_t		 ml = sizeof(me);
	struct timeval		 life = { SESS_LIFE, 0 };
	size_t			 i;
	int			 one = 1;

	(void)l;
	if (getsockname(fd, (struct sockaddr *)&me, &ml) != 0 ||
	    (i = (size_t)(ntohs(me.sin_port) - sv->port0)) >= NPROFILES ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		return;
	}
	s->srv = sv;
	s->p = &profiles[i];
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->bev = bufferevent_socket_new(sv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	s->timer = evtimer_new(sv->base, timer_cb, s);
	s->life = evtimer_new(sv->base, life_cb, s);
	if (s->bev == NULL || s->timer == NULL || s->life == NULL)
		die("out of memory");
	bufferevent_setcb(s->bev, read_cb, write_cb, event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	evtimer_add(s->life, &life);
	if (s->p->flags & F_IMPLICIT)
		sess_state(s, ST_HELLO);
	else if ((s->p->flags & F_BUSY_ONCE) && salen >= (int)sizeof(me) &&
	    busy_first(sv, i, ((struct sockaddr_in *)sa)->sin_addr.s_addr)) {
		sess_state(s, ST_SMTP);
		reply(s, "421 4.7.0 " HOST " busy, try again later\r\n");
		sess_finish(s);
	} else if (s->p->flags & F_SLOW_GREET)
		sess_state(s, ST_GREET_DELAY);
	else
		greet(s);
}

/* ---- ground truth (-t) ---- */

static int
suite_in_version(const struct profile *p, uint16_t code, uint16_t v)
{
	const struct suite	*su = suite_find(code);

	return su != NULL && v >= su->minv && v <= su->maxv &&
	    (su->kx != KX_ECDHE || p->ngroups > 0);
}

/* What a correct scanner must report, one fact a line (see README). */
static void
print_truth(void)
{
	static const uint16_t vers[] = { SSL2, SSL3, TLS10, TLS11, TLS12,
		TLS13 };
	const struct profile	*p;
	const struct suite	*su;
	size_t			 i, j, k, maxper;
	int			 hasdh, ecdsa, multi;

	printf("# scanfake ground truth: generated by scanfake -t; see "
	    "README.md\n");
	for (i = 0; i < NPROFILES; i++) {
		p = &profiles[i];
		printf("\n# %s: %s\n", p->name, p->what);
		printf("%s port %zu\n", p->name, i);
		printf("%s mode %s\n", p->name, p->flags & F_IMPLICIT ?
		    "implicit" : "starttls");
		if (p->flags & F_SLOW_GREET)
			printf("%s delay %d\n", p->name, GREET_DELAY);
		if (p->flags & F_BUSY_ONCE)
			printf("%s busy first %d\n", p->name, BUSY_WINDOW);
		switch (p->quirk) {
		case Q_NONE:
		case Q_SSL2:
			printf("%s expect ok\n", p->name);
			break;
		case Q_LIAR_LENGTH:
			printf("%s expect timeout\n", p->name);
			continue;
		case Q_ALERT_UNKNOWN:
			printf("%s expect alert 255\n", p->name);
			continue;
		case Q_HRR_TWICE:
			printf("%s expect malformed TLSv1.3\n", p->name);
			printf("%s expect alert 70 below TLSv1.3\n", p->name);
			continue;
		default:
			printf("%s expect malformed\n", p->name);
			continue;
		}
		for (j = 0; j < NELEM(vers); j++)
			printf("%s %s %s\n", p->name, version_name(vers[j]),
			    vers[j] >= p->vmin && vers[j] <= p->vmax ?
			    "yes" : "no");
		if (p->quirk == Q_SSL2) {
			for (k = 0; k < NELEM(ssl2_kinds); k++)
				printf("%s SSLv2 %s 0x%06x\n", p->name,
				    ssl2_kinds[k].name,
				    (unsigned)ssl2_kinds[k].code);
			printf("%s order n/a\n%s cert rsa\n%s dh none\n"
			    "%s scsv n/a\n%s reneg n/a\n%s compression no\n"
			    "%s heartbeat no\n%s heartbleed no\n", p->name,
			    p->name, p->name, p->name, p->name, p->name,
			    p->name, p->name);
			continue;
		}
		maxper = 0;
		hasdh = ecdsa = 0;
		for (j = 0; j < NELEM(vers); j++) {
			size_t n = 0;

			if (vers[j] < p->vmin || vers[j] > p->vmax)
				continue;
			for (k = 0; k < p->nsuites; k++) {
				if (!suite_in_version(p, p->suites[k],
				    vers[j]))
					continue;
				su = suite_find(p->suites[k]);
				printf("%s %s %s 0x%04x\n", p->name,
				    version_name(vers[j]), su->name, su->code);
				n++;
				if (su->kx == KX_DHE || su->kx == KX_DHE_EXP)
					hasdh = su->kx == KX_DHE_EXP ? 512 :
					    p->dh_bits;
				if (su->au == AU_ECDSA)
					ecdsa = 1;
			}
			if (n > maxper)
				maxper = n;
		}
		printf("%s order %s\n", p->name, maxper < 2 ? "n/a" :
		    p->flags & F_CLIENT_ORDER ? "client" : "server");
		for (k = 0; k < p->ngroups; k++)
			printf("%s group %s 0x%04x\n", p->name,
			    group_find(p->groups[k])->name, p->groups[k]);
		printf("%s cert rsa%s\n", p->name, ecdsa ? " ecdsa" : "");
		if (hasdh)
			printf("%s dh %d\n", p->name, hasdh);
		else
			printf("%s dh none\n", p->name);
		multi = p->vmin < p->vmax;
		printf("%s scsv %s\n", p->name, !multi ? "n/a" :
		    p->flags & F_SCSV ? "yes" : "no");
		printf("%s reneg %s\n", p->name, p->vmin >= TLS13 ? "n/a" :
		    p->flags & F_RENEG ? "yes" : "no");
		printf("%s compression %s\n", p->name, p->flags & F_DEFLATE ?
		    "yes" : "no");
		printf("%s heartbeat %s\n", p->name, p->flags & F_HEARTBEAT ?
		    "yes" : "no");
		printf("%s heartbleed %s\n", p->name, p->flags & F_HB_LEAK ?
		    "yes" : "no");
	}
}

static void
server_life_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct srv		*sv;
	struct sockaddr_in	 sin;
	struct timeval		 tv = { SERVER_LIFE, 0 };
	struct evconnlistener	*ls[NPROFILES];
	const char		*pem = NULL;
	char			*end;
	long			 base = 12000;
	size_t			 i;
	int			 c, verbose = 0;

	while ((c = getopt(argc, argv, "c:tv")) != -1) {
		switch (c) {
		case 'c':
			pem = optarg;
			break;
		case 't':
			print_truth();
			return 0;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: scanfake [-tv] [-c CERT.pem] "
			    "[BASE]\n");
			return 2;
		}
	}
	if (optind < argc) {
		errno = 0;
		base = strtol(argv[optind], &end, 10);
		if (errno != 0 || *end != '\0' || base < 1024 ||
		    base + (long)NPROFILES > 65535) {
			fprintf(stderr, "scanfake: bad base port\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		die("out of memory");
	sv->port0 = (uint16_t)base;
	sv->verbose = verbose;
	sv->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
	if ((sv->base = event_base_new()) == NULL)
		die("event_base_new");
	load_certs(sv, pem);
	for (i = 0; i < NPROFILES; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)(base + (long)i));
		/* No SO_REUSEPORT: a stray old server must make us fail. */
		ls[i] = evconnlistener_new_bind(sv->base, accept_cb, sv,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
		    (struct sockaddr *)&sin, sizeof(sin));
		if (ls[i] == NULL) {
			fprintf(stderr, "scanfake: cannot listen on port %ld: "
			    "%s\n", base + (long)i, strerror(errno));
			return 1;
		}
		printf("%ld %s\n", base + (long)i, profiles[i].name);
	}
	event_base_once(sv->base, -1, EV_TIMEOUT, server_life_cb, sv->base,
	    &tv);
	printf("ready\n");
	event_base_dispatch(sv->base);
	for (i = 0; i < NPROFILES; i++)
		evconnlistener_free(ls[i]);
	event_base_free(sv->base);
	OPENSSL_free(sv->cert_rsa);
	OPENSSL_free(sv->cert_ec);
	free(sv);
	return 0;
}
