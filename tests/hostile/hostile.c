/*
 * hostile: a fake SMTP/TLS server with one misbehaviour per port, for
 * testing that no server can crash, hang or fool mxprobe (issue 5).
 *
 *   hostile [-a] [-c CA.pem] [BASE]
 *
 * Listens on 127.0.0.1 ports BASE (default 11000) .. BASE+N-1, one
 * behaviour each; prints "PORT NAME" per port, then "ready". With -a it
 * listens on every address (0.0.0.0: all of 127/8 in a test namespace).
 * SIGUSR1 prints "peak TOTAL PER_ADDRESS": the most connections that were
 * open at once, and the most at once to any one local address, since the
 * start or the last SIGUSR1. Certificates
 * are made in memory at start: a test CA (written to CA.pem with -c, so the
 * client can trust it) and leaves signed by it, among them the deliberately
 * absurd ones (10 000 SANs, a chain of 50, names with NUL, escapes, HTML,
 * invalid UTF-8). One process, one libevent loop; every session ends by
 * itself after SESS_LIFE seconds at most, the server after SERVER_LIFE.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define SESS_LIFE	60	/* seconds: endless behaviours stop here */
#define SERVER_LIFE	3600	/* seconds: the server never outlives this */
#define IN_MAX		65536	/* client bytes kept while looking for a line */
#define OUT_LOW		65536	/* refill generators below this */
#define HOST		"mx.hostile.test"
#define TICKETS		1000	/* ticket-flood: session tickets after TLS */
#define ADDRS_MAX	4096	/* local addresses counted for the peaks */
#define BACKLOG		1024	/* a thousand connections arrive at once */
#define LIT(s)		s, sizeof(s) - 1	/* a literal that may hold NUL */

/* One behaviour per port, in port order. Keep names[] in step. */
enum beh {
	B_GOOD,
	B_SILENT,
	B_TRICKLE,
	B_SLOW,
	B_LONG_LINE,
	B_ENDLESS,
	B_MIXED,
	B_EHLO_MIXED,
	B_CODE_2X0,
	B_CODE_600,
	B_CODE_099,
	B_CODE_NOSEP,
	B_BARE_LF_NUL,
	B_GREET_421,
	B_GREET_554,
	B_EHLO_500_HELO_OK,
	B_EHLO_HELO_500,
	B_STARTTLS_454,
	B_INJECTION,
	B_TLS_GARBAGE,
	B_STARTTLS_CLOSE,
	B_SH_RST,
	B_TLS_ALERT,
	B_SH_BAD_VERSION,
	B_SH_BAD_SUITE,
	B_REC_LEN_HUGE,
	B_REC_LEN_SHORT,
	B_HS_LEN_LIE,
	B_CERT_10000,
	B_CHAIN_50,
	B_CERT_WEIRD,
	B_CERT_CN_NUL,
	B_BANNER_ESC,
	B_EHLO_10000,
	B_STRIPPED,
	B_STARTTLS_DELAY,
	B_EHLO_TLS_DROP,
	B_RST_AFTER_EHLO,
	B_YESMAN,
	B_HS_SILENT,
	B_HS_NO_FINISHED,
	B_GREET_CLOSE,
	B_REPLY_BYTES,
	B_SEGMENTED,
	B_EHLO_NO_FINAL,
	B_YESMAN_250,
	B_EHLO_421,
	B_EHLO_TLS_REFUSED,
	B_RST_AT_ACCEPT,
	B_CERT_OVERSIZE,
	B_EHLO_TLS_RST,
	B_TICKET_FLOOD,
	B_HS_TRICKLE,
	B_GREETING_LONG_LEGAL,
	B_TICKET_ENDLESS,
	B_N
};

static const char *const names[B_N] = {
	"good", "silent", "trickle", "slow", "long-line", "endless",
	"mixed-codes", "ehlo-mixed-codes", "code-2x0", "code-600", "code-099",
	"code-nosep", "bare-lf-nul", "greet-421", "greet-554",
	"ehlo-500-helo-ok", "ehlo-helo-500", "starttls-454", "injection",
	"tls-garbage", "starttls-close", "sh-then-rst", "tls-alert",
	"sh-bad-version", "sh-bad-suite", "rec-len-huge", "rec-len-short",
	"hs-len-lie", "cert-10000-san", "chain-50", "cert-weird-names",
	"cert-cn-nul", "banner-escapes", "ehlo-10000", "stripped",
	"starttls-delay", "ehlo-tls-drop", "rst-after-ehlo", "yes-man",
	"hs-silent", "hs-no-finished", "greet-then-close", "reply-over-bytes",
	"segmented", "ehlo-no-final", "yes-man-250-greeting", "ehlo-421",
	"ehlo-tls-refused", "rst-at-accept", "cert-oversize", "ehlo-tls-rst",
	"ticket-flood", "hs-trickle", "greeting-long-legal", "ticket-endless"
};

enum ctx_kind { CTX_NORMAL, CTX_SANS, CTX_CHAIN, CTX_WEIRD, CTX_CN_NUL,
	CTX_HUGE, CTX_N };

enum mode { M_PLAIN, M_HS, M_TLS, M_RAW, M_MEM };

/* What to do once everything queued has been written. */
enum after { A_NONE, A_CLOSE, A_RST, A_TLS, A_RAW, A_MEM };

struct sess;

/* Connections open now to one local address. */
struct addr_count {
	uint32_t		 addr;
	int			 open;
	struct sess		*list;		/* its sessions */
};

struct srv {
	struct event_base	*base;
	SSL_CTX			*ctx[CTX_N];
	int			 port0;
	int			 open, peak;	/* connections, all addresses */
	int			 peak_addr;	/* the most to one address */
	struct addr_count	 addrs[ADDRS_MAX];
	int			 naddrs;
};

struct sess {
	struct srv		*srv;
	enum beh		 b;
	int			 fd;
	struct addr_count	*count;		/* its local address's */
	struct sess		*anext;		/* in count->list */
	enum mode		 mode;
	int			 dead;
	struct event		*rev, *wev, *tick, *life;
	int			 tick_armed;
	char			 in[IN_MAX];
	size_t			 inlen;
	struct evbuffer		*out;
	struct evbuffer		*drip;		/* sent chunk by chunk by tick */
	size_t			 drip_chunk;
	int			 drip_ms;
	enum after		 after;
	SSL			*ssl;
	int			 tls_wlen;	/* length of a retried SSL_write */
	BIO			*mrb, *mwb;	/* M_MEM: the handshake in memory */
	int			 acted;		/* M_RAW/M_MEM: did its trick */
	int			 ticking;	/* sending session tickets */
	int			 tickets;	/* how many more, -1 for ever */
	long			 gen;		/* generator position */
};

static void	read_cb(evutil_socket_t, short, void *);
static void	write_cb(evutil_socket_t, short, void *);
static void	tick_cb(evutil_socket_t, short, void *);
static void	life_cb(evutil_socket_t, short, void *);
static int	flush(struct sess *);
static void	tickets_step(struct sess *);

static void
die(const char *what)
{
	fprintf(stderr, "hostile: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* ---- certificates ---- */

static EVP_PKEY *
newkey(void)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");

	if (k == NULL)
		die("key generation");
	return k;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 v;
	X509_EXTENSION	*e;

	X509V3_set_ctx_nodb(&v);
	X509V3_set_ctx(&v, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v, nid, value)) == NULL)
		die("extension");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A certificate for key, named subj, signed by issuer (NULL: self). */
static X509 *
mkcert(EVP_PKEY *key, X509_NAME *subj, X509 *issuer, EVP_PKEY *ikey, int ca,
    GENERAL_NAMES *san)
{
	static long	 serial = 1000;
	X509		*x = X509_new();

	if (x == NULL)
		die("X509_new");
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, key);
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subj);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints, ca ?
	    "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, issuer ? issuer : x, NID_key_usage, ca ?
	    "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	if (!ca)
		add_ext(x, issuer ? issuer : x, NID_ext_key_usage, "serverAuth");
	if (san != NULL && !X509_add1_ext_i2d(x, NID_subject_alt_name, san, 0,
	    0))
		die("subjectAltName");
	if (!X509_sign(x, ikey ? ikey : key, EVP_sha256()))
		die("X509_sign");
	return x;
}

static X509_NAME *
name_cn(const char *cn)
{
	X509_NAME	*n = X509_NAME_new();

	X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	return n;
}

/* A name entry of this ASN.1 string type holding exactly these bytes. */
static void
name_typed(X509_NAME *n, int nid, int type, const char *p, size_t len)
{
	if (!X509_NAME_add_entry_by_NID(n, nid, type,
	    (const unsigned char *)p, (int)len, -1, 0))
		die("name entry");
}

/* A UTF8String name entry holding exactly these bytes (NUL, ESC...). */
static void
name_raw(X509_NAME *n, int nid, const char *p, size_t len)
{
	name_typed(n, nid, V_ASN1_UTF8STRING, p, len);
}

/* A dNSName SAN holding exactly these bytes. */
static void
san_raw(GENERAL_NAMES *g, const char *p, size_t len)
{
	GENERAL_NAME	*gn = GENERAL_NAME_new();
	ASN1_IA5STRING	*s = ASN1_IA5STRING_new();

	if (gn == NULL || s == NULL || !ASN1_STRING_set(s, p, (int)len))
		die("SAN");
	GENERAL_NAME_set0_value(gn, GEN_DNS, s);
	sk_GENERAL_NAME_push(g, gn);
}

static SSL_CTX *
server_ctx(X509 *leaf, EVP_PKEY *key, X509 **chain, int nchain)
{
	SSL_CTX	*c = SSL_CTX_new(TLS_server_method());
	int	 i;

	if (c == NULL)
		die("SSL_CTX_new");
	/* TLS 1.2 and 1.3: the legacy probe must be refused, not crash. */
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_use_certificate(c, leaf) || !SSL_CTX_use_PrivateKey(c,
	    key))
		die("server certificate");
	for (i = 0; i < nchain; i++)
		if (!SSL_CTX_add1_chain_cert(c, chain[i]))
			die("chain certificate");
	return c;
}

/* name.hostile.test style SANs: many, short, then the real name last. */
static GENERAL_NAMES *
many_sans(int n)
{
	GENERAL_NAMES	*g = sk_GENERAL_NAME_new_null();
	char		 s[32];
	int		 i, len;

	for (i = 0; i < n; i++) {
		len = snprintf(s, sizeof(s), "%05x.t", i);
		san_raw(g, s, (size_t)len);
	}
	san_raw(g, HOST, strlen(HOST));
	return g;
}

static void
make_certs(struct srv *sv, const char *ca_out)
{
	EVP_PKEY	*cakey = newkey(), *key = newkey(), *ikey[49];
	X509		*ca, *leaf, *inter[49], *chain[49];
	X509_NAME	*n;
	GENERAL_NAMES	*g;
	FILE		*f;
	char		 cn[64], *big;
	int		 i;

	n = name_cn("hostile test CA");
	ca = mkcert(cakey, n, NULL, NULL, 1, NULL);
	X509_NAME_free(n);
	if (ca_out != NULL) {
		if ((f = fopen(ca_out, "w")) == NULL ||
		    !PEM_write_X509(f, ca) || fclose(f) != 0)
			die("writing the CA certificate");
	}

	/* The ordinary leaf: names the host, signed by the CA. */
	g = sk_GENERAL_NAME_new_null();
	san_raw(g, HOST, strlen(HOST));
	n = name_cn(HOST);
	leaf = mkcert(key, n, ca, cakey, 0, g);
	sv->ctx[CTX_NORMAL] = server_ctx(leaf, key, NULL, 0);
	X509_NAME_free(n);
	GENERAL_NAMES_free(g);
	X509_free(leaf);

	/* 10 000 SANs (~90 KB, under OpenSSL's 100 KB certificate list). */
	g = many_sans(10000);
	n = name_cn(HOST);
	leaf = mkcert(key, n, ca, cakey, 0, g);
	sv->ctx[CTX_SANS] = server_ctx(leaf, key, NULL, 0);
	GENERAL_NAMES_free(g);
	X509_free(leaf);

	/* 20 000 SANs: past every sane limit (~180 KB). */
	g = many_sans(20000);
	leaf = mkcert(key, n, ca, cakey, 0, g);
	sv->ctx[CTX_HUGE] = server_ctx(leaf, key, NULL, 0);
	GENERAL_NAMES_free(g);
	X509_free(leaf);

	/* CA -> I1 -> ... -> I49 -> leaf: 50 certificates sent. */
	for (i = 0; i < 49; i++) {
		X509_NAME *in;

		snprintf(cn, sizeof(cn), "hostile intermediate %02d", i + 1);
		in = name_cn(cn);
		ikey[i] = newkey();
		inter[i] = mkcert(ikey[i], in, i ? inter[i - 1] : ca,
		    i ? ikey[i - 1] : cakey, 1, NULL);
		X509_NAME_free(in);
	}
	g = sk_GENERAL_NAME_new_null();
	san_raw(g, HOST, strlen(HOST));
	leaf = mkcert(key, n, inter[48], ikey[48], 0, g);
	for (i = 0; i < 49; i++)
		chain[i] = inter[48 - i];	/* issuer of the leaf first */
	sv->ctx[CTX_CHAIN] = server_ctx(leaf, key, chain, 49);
	GENERAL_NAMES_free(g);
	X509_free(leaf);
	for (i = 0; i < 49; i++) {
		X509_free(inter[i]);
		EVP_PKEY_free(ikey[i]);
	}
	X509_NAME_free(n);

	/*
	 * Hostile names: NUL-prefix attack, HTML, terminal escapes (CSI, OSC
	 * with BEL, 8-bit CSI as raw byte and as UTF-8 C1), a bidi override,
	 * invalid UTF-8, two CNs, and one name of 30 000 bytes.
	 */
	n = X509_NAME_new();
	name_raw(n, NID_commonName, LIT(HOST "\0.evil.test"));
	name_raw(n, NID_organizationName, LIT("<script>alert(1)</script>"));
	name_raw(n, NID_organizationalUnitName,
	    LIT("\x1b[31mRED\x1b[0m\x1b]0;pwned\x07 C1 CSI \xc2\x9b" "31m"));
	/*
	 * Invalid UTF-8 cannot sit in a UTF8String: OpenSSL fails to encode or
	 * parse such a name. In a T61String (read as Latin-1) the same bytes
	 * become C1 controls and odd letters: 0x9b is an 8-bit CSI.
	 */
	name_typed(n, NID_localityName, V_ASN1_T61STRING,
	    LIT("\xff\xfe\xc0\xaf \x9b" "31m C1 CSI \x85 NEL"));
	name_raw(n, NID_commonName, LIT("\xe2\x80\xae" "tset.elitsoh.xm"));
	g = sk_GENERAL_NAME_new_null();
	san_raw(g, LIT(HOST "\0.evil.test"));
	san_raw(g, LIT("<script>alert(1)</script>.test"));
	san_raw(g, LIT("\x1b[2J\x1b[31mevil\x1b[0m.test"));
	san_raw(g, LIT("\xff\xfe\xc0\xaf.test"));
	san_raw(g, LIT("\xc2\x9b" "31mc1.test"));
	if ((big = malloc(30000)) == NULL)
		die("malloc");
	for (i = 0; i < 30000; i++)
		big[i] = "\x1b[5m"[i % 4];
	san_raw(g, big, 30000);
	free(big);
	leaf = mkcert(key, n, ca, cakey, 0, g);
	if (X509_NAME_entry_count(X509_get_subject_name(leaf)) != 5)
		die("the hostile subject did not survive encoding");
	sv->ctx[CTX_WEIRD] = server_ctx(leaf, key, NULL, 0);
	X509_NAME_free(n);
	GENERAL_NAMES_free(g);
	X509_free(leaf);

	/* No SAN; the CN alone, with the NUL-prefix attack. */
	n = X509_NAME_new();
	name_raw(n, NID_commonName, LIT(HOST "\0.evil.test"));
	leaf = mkcert(key, n, ca, cakey, 0, NULL);
	sv->ctx[CTX_CN_NUL] = server_ctx(leaf, key, NULL, 0);
	X509_NAME_free(n);
	X509_free(leaf);

	X509_free(ca);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
}

/* ---- sessions ---- */

static void
free_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;

	(void)fd;
	(void)what;
	event_free(s->rev);
	event_free(s->wev);
	event_free(s->tick);
	event_free(s->life);
	evbuffer_free(s->out);
	evbuffer_free(s->drip);
	SSL_free(s->ssl);
	free(s);
}

/* End a session; rst sends a TCP reset. Freed on the next loop turn. */
static void
sess_close(struct sess *s, int rst)
{
	struct linger	 l = { 1, 0 };
	struct timeval	 zero = { 0, 0 };

	if (s->dead)
		return;
	s->dead = 1;
	event_del(s->rev);
	event_del(s->wev);
	event_del(s->tick);
	event_del(s->life);
	if (rst)
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(s->fd);
	s->srv->open--;
	if (s->count != NULL) {
		struct sess **pp = &s->count->list;

		while (*pp != NULL && *pp != s)
			pp = &(*pp)->anext;
		if (*pp == s)
			*pp = s->anext;
		s->count->open--;
	}
	s->fd = -1;
	event_base_once(s->srv->base, -1, EV_TIMEOUT, free_cb, s, &zero);
}

static SSL_CTX *
ctx_for(const struct sess *s)
{
	switch (s->b) {
	case B_CERT_10000:
		return s->srv->ctx[CTX_SANS];
	case B_CHAIN_50:
		return s->srv->ctx[CTX_CHAIN];
	case B_CERT_WEIRD:
		return s->srv->ctx[CTX_WEIRD];
	case B_CERT_CN_NUL:
		return s->srv->ctx[CTX_CN_NUL];
	case B_CERT_OVERSIZE:
		return s->srv->ctx[CTX_HUGE];
	default:
		return s->srv->ctx[CTX_NORMAL];
	}
}

static void	hs_step(struct sess *);

static void
act(struct sess *s, enum after a)
{
	switch (a) {
	case A_NONE:
		break;
	case A_CLOSE:
		sess_close(s, 0);
		break;
	case A_RST:
		sess_close(s, 1);
		break;
	case A_TLS:
		if ((s->ssl = SSL_new(ctx_for(s))) == NULL ||
		    !SSL_set_fd(s->ssl, s->fd)) {
			sess_close(s, 0);
			break;
		}
		SSL_set_accept_state(s->ssl);
		s->mode = M_HS;
		s->inlen = 0;	/* a client must not pipeline past STARTTLS */
		hs_step(s);
		break;
	case A_RAW:
		s->mode = M_RAW;
		s->inlen = 0;
		break;
	case A_MEM:
		if ((s->ssl = SSL_new(s->srv->ctx[CTX_NORMAL])) == NULL) {
			sess_close(s, 0);
			break;
		}
		s->mrb = BIO_new(BIO_s_mem());
		s->mwb = BIO_new(BIO_s_mem());
		SSL_set_bio(s->ssl, s->mrb, s->mwb);
		SSL_set_accept_state(s->ssl);
		s->mode = M_MEM;
		s->inlen = 0;
		break;
	}
}

/* Refill the output of the endless or huge behaviours; 0 when done. */
static int
generate(struct sess *s)
{
	char	 line[64];
	int	 i, n;

	switch (s->b) {
	case B_LONG_LINE: {
		/* "220 " and then 1 MiB of 'A', never a line ending. */
		static char	 chunk[65536];

		if (s->gen == 0) {
			memset(chunk, 'A', sizeof(chunk));
			evbuffer_add(s->out, "220 ", 4);
		}
		if (s->gen >= 16)
			return 0;
		s->gen++;
		evbuffer_add(s->out, chunk, sizeof(chunk));
		return 1;
	}
	case B_ENDLESS:
		for (i = 0; i < 500; i++) {
			n = snprintf(line, sizeof(line), "220-endless "
			    "continuation line %ld\r\n", s->gen++);
			evbuffer_add(s->out, line, (size_t)n);
		}
		return 1;
	case B_EHLO_10000:
		if (s->gen < 0)
			return 0;
		for (i = 0; i < 1000 && s->gen < 10000; i++) {
			n = snprintf(line, sizeof(line), "250-X-EXT-%05ld "
			    "param\r\n", s->gen++);
			evbuffer_add(s->out, line, (size_t)n);
		}
		if (s->gen >= 10000) {
			evbuffer_add_printf(s->out, "250 STARTTLS\r\n");
			s->gen = -1;
		}
		return 1;
	default:
		return 0;
	}
}

static int
generating(const struct sess *s)
{
	return (s->b == B_LONG_LINE || s->b == B_ENDLESS) ||
	    (s->b == B_EHLO_10000 && s->gen > 0);
}

/* Write what is queued; on a full socket wait for EV_WRITE. -1: closed. */
static int
flush(struct sess *s)
{
	size_t	 len;
	int	 n, e;

	for (;;) {
		if (evbuffer_get_length(s->out) < OUT_LOW && generating(s))
			generate(s);
		if ((len = evbuffer_get_length(s->out)) == 0)
			break;
		if (s->mode == M_TLS) {
			if (s->tls_wlen == 0)
				s->tls_wlen = len > 16384 ? 16384 : (int)len;
			ERR_clear_error();
			n = SSL_write(s->ssl, evbuffer_pullup(s->out,
			    s->tls_wlen), s->tls_wlen);
			if (n <= 0) {
				e = SSL_get_error(s->ssl, n);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ) {
					event_add(s->wev, NULL);
					return 0;
				}
				sess_close(s, 0);
				return -1;
			}
			s->tls_wlen = 0;
			evbuffer_drain(s->out, (size_t)n);
		} else {
			n = evbuffer_write(s->out, s->fd);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				event_add(s->wev, NULL);
				return 0;
			}
			if (n <= 0) {
				sess_close(s, 0);
				return -1;
			}
		}
	}
	if (!s->tick_armed && evbuffer_get_length(s->drip) == 0 &&
	    s->after != A_NONE) {
		enum after a = s->after;

		s->after = A_NONE;
		act(s, a);
		if (s->dead)
			return -1;
	}
	return 0;
}

static void
arm_tick(struct sess *s, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	s->tick_armed = 1;
	evtimer_add(s->tick, &tv);
}

/* Queue a reply; slow and segmented behaviours drip it. */
static void
reply_then(struct sess *s, const char *p, size_t len, enum after a)
{
	s->after = a;
	switch (s->b) {
	case B_SLOW:
		/* Each reply within the 2 s phase timeouts, the sum not. */
		evbuffer_add(s->drip, p, len);
		s->drip_chunk = len;
		arm_tick(s, 1500);
		return;
	case B_SEGMENTED:
		/* Three bytes per TCP segment (or TLS record), 5 ms apart. */
		evbuffer_add(s->drip, p, len);
		s->drip_chunk = 3;
		s->drip_ms = 5;
		if (!s->tick_armed)
			arm_tick(s, 5);
		return;
	default:
		evbuffer_add(s->out, p, len);
		flush(s);
	}
}

static void
reply(struct sess *s, const char *str)
{
	reply_then(s, str, strlen(str), A_NONE);
}

/* Do nothing for ms, then a. */
static void
later(struct sess *s, int ms, enum after a)
{
	s->after = a;
	arm_tick(s, ms);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;
	size_t		 n = evbuffer_get_length(s->drip);

	(void)fd;
	(void)what;
	s->tick_armed = 0;
	if (s->ticking) {
		tickets_step(s);
		return;
	}
	if (n > 0) {
		if (n > s->drip_chunk)
			n = s->drip_chunk;
		evbuffer_remove_buffer(s->drip, s->out, n);
		if (evbuffer_get_length(s->drip) > 0)
			arm_tick(s, s->drip_ms);
	}
	flush(s);
}

static void
life_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sess_close(arg, 0);
}

static const char ehlo_ok[] =
    "250-" HOST " greets you\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250-STARTTLS\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250 8BITMIME\r\n";

static const char ehlo_tls[] =
    "250-" HOST " greets you again\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250 8BITMIME\r\n";

/*
 * NewSessionTicket messages (RFC 8446 §4.6.1): s->tickets more, 20 per turn
 * of the loop so that other sessions are served too, then the post-TLS
 * EHLO reply. For ever (-1): 500 per turn, faster than a client can take
 * them, which is the point (run.sh runs that case alone).
 */
static void
tickets_step(struct sess *s)
{
	int	 i, r, e;

	if (!SSL_in_init(s->ssl)) {
		if (s->tickets == 0) {
			s->ticking = 0;
			reply(s, ehlo_tls);
			return;
		}
		for (i = 0; i < (s->tickets < 0 ? 500 : 20) &&
		    s->tickets != 0; i++) {
			if (!SSL_new_session_ticket(s->ssl))
				break;
			if (s->tickets > 0)
				s->tickets--;
		}
	}
	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r != 1) {
		e = SSL_get_error(s->ssl, r);
		if (e == SSL_ERROR_WANT_WRITE) {
			event_add(s->wev, NULL);
			return;
		}
		if (e != SSL_ERROR_WANT_READ) {
			sess_close(s, 0);
			return;
		}
	}
	arm_tick(s, 1);
}

static void
on_accept(struct sess *s)
{
	static const char trickle[] = "220 " HOST " ESMTP trickling one byte "
	    "per second, for ever and ever\r\n";
	static const char bare[] = "220 " HOST " ESMTP\0with a NUL\n";
	static const char banner[] =
	    "220-" HOST " \x1b[31mRED\x1b[0m <script>alert(1)</script>\r\n"
	    "220-\x1b]0;pwned title\x07 raw CSI \x9b" "2J, C1 CSI \xc2\x9b"
	    "31m, bidi \xe2\x80\xae" "evil, bad UTF-8 \xff\xc0\xaf\r\n"
	    "220 ESMTP \x1b[2J\x1b[H cleared your screen\r\n";
	int	 i;

	switch (s->b) {
	case B_SILENT:
		return;
	case B_TRICKLE:
		evbuffer_add(s->drip, trickle, sizeof(trickle) - 1);
		s->drip_chunk = 1;
		s->drip_ms = 1000;
		arm_tick(s, 1000);
		return;
	case B_LONG_LINE:
	case B_ENDLESS:
		flush(s);
		return;
	case B_MIXED:
		reply(s, "220-" HOST "\r\n250-the code changed\r\n220 done\r\n");
		return;
	case B_CODE_2X0:
		reply(s, "2x0 " HOST " ESMTP\r\n");
		return;
	case B_CODE_600:
		reply(s, "600 " HOST " ESMTP\r\n");
		return;
	case B_CODE_099:
		reply(s, "099 " HOST " ESMTP\r\n");
		return;
	case B_CODE_NOSEP:
		reply(s, "220" HOST " ESMTP\r\n");
		return;
	case B_BARE_LF_NUL:
		reply_then(s, bare, sizeof(bare) - 1, A_NONE);
		return;
	case B_GREET_421:
		reply_then(s, LIT("421 4.3.2 \x1b[33mtoo busy\x1b[0m, try "
		    "later\r\n"), A_CLOSE);
		return;
	case B_GREET_554:
		reply(s, "554 5.7.1 \x1b[2J\x1b[31mgo away\x1b[0m "
		    "<script>alert(1)</script>\r\n");
		return;
	case B_BANNER_ESC:
		reply_then(s, banner, sizeof(banner) - 1, A_NONE);
		return;
	case B_GREET_CLOSE:
		reply_then(s, LIT("220 " HOST " ESMTP\r\n"), A_CLOSE);
		return;
	case B_REPLY_BYTES: {
		/* 100 lines of 1000 bytes: past 64 KiB, well under 1000 lines. */
		char	 line[1001];

		memset(line, 'B', sizeof(line));
		memcpy(line, "220-", 4);
		memcpy(line + 998, "\r\n", 2);
		for (i = 0; i < 100; i++)
			evbuffer_add(s->out, line, 1000);
		reply(s, "220 the end\r\n");
		return;
	}
	case B_GREETING_LONG_LEGAL: {
		/* 200 lines of 100 bytes: odd, but valid SMTP. */
		char	 line[101];

		memset(line, 'L', sizeof(line));
		memcpy(line, "220-", 4);
		memcpy(line + 98, "\r\n", 2);
		for (i = 0; i < 200; i++)
			evbuffer_add(s->out, line, 100);
		reply(s, "220 " HOST " ESMTP, finally\r\n");
		return;
	}
	case B_RST_AT_ACCEPT:
		sess_close(s, 1);
		return;
	case B_YESMAN:
		reply(s, "220 ok\r\n");
		return;
	case B_YESMAN_250:
		reply(s, "250 ok\r\n");
		return;
	default:
		reply(s, "220 " HOST " ESMTP hostile\r\n");
		return;
	}
}

/* STARTTLS accepted: the 220, then the behaviour's idea of TLS. */
static void
on_starttls(struct sess *s)
{
	static const char go[] = "220 2.0.0 Ready to start TLS\r\n";
	static const char inject[] = "220 2.0.0 Ready to start TLS\r\n"
	    "250-INJECTED \x1b[31mplaintext\r\n250 PIPELINING\r\n";

	switch (s->b) {
	case B_STARTTLS_454:
		reply(s, "454 4.7.0 TLS not available \x1b[31mnow\x1b[0m "
		    "<b>sorry</b>\r\n");
		return;
	case B_STARTTLS_DELAY:
		/* Past the 2 s reply timeout, long before SESS_LIFE. */
		evbuffer_add(s->drip, go, sizeof(go) - 1);
		s->drip_chunk = sizeof(go);
		s->after = A_TLS;
		arm_tick(s, 5000);
		return;
	case B_INJECTION:
		/* One write: the 220 and the injection share a segment. */
		reply_then(s, inject, sizeof(inject) - 1, A_TLS);
		return;
	case B_STARTTLS_CLOSE:
		reply_then(s, go, sizeof(go) - 1, A_CLOSE);
		return;
	case B_TLS_GARBAGE:
	case B_TLS_ALERT:
	case B_SH_BAD_VERSION:
	case B_SH_BAD_SUITE:
	case B_REC_LEN_HUGE:
	case B_REC_LEN_SHORT:
	case B_HS_LEN_LIE:
	case B_HS_SILENT:
		reply_then(s, go, sizeof(go) - 1, A_RAW);
		return;
	case B_SH_RST:
	case B_HS_NO_FINISHED:
	case B_HS_TRICKLE:
		reply_then(s, go, sizeof(go) - 1, A_MEM);
		return;
	default:
		reply_then(s, go, sizeof(go) - 1, A_TLS);
		return;
	}
}

static void
on_ehlo(struct sess *s, int tls)
{
	static const char bare[] = "250-" HOST "\0NUL\n250-PIPELINING\n"
	    "250-STARTTLS\n250 8BITMIME\n";
	static const char esc[] =
	    "250-" HOST " \x1b[32mhello\x1b[0m <img src=x onerror=alert(1)>\r\n"
	    "250-PIPELINING\r\n250-X-\x1b[5mBLINK\x1b[0m\r\n250-STARTTLS\r\n"
	    "250 \x1b]8;;http://evil.test/\x07link\x1b]8;;\x07\r\n";

	if (tls) {
		switch (s->b) {
		case B_EHLO_TLS_DROP:
			/* Gone without close_notify. */
			sess_close(s, 0);
			return;
		case B_EHLO_TLS_RST:
			sess_close(s, 1);
			return;
		case B_EHLO_TLS_REFUSED:
			reply(s, "554 5.7.0 no EHLO inside TLS\r\n");
			return;
		case B_TICKET_ENDLESS:
			s->tickets = -1;
			s->ticking = 1;
			tickets_step(s);
			return;
		case B_TICKET_FLOOD:
			s->tickets = TICKETS;
			s->ticking = 1;
			tickets_step(s);
			return;
		default:
			reply(s, ehlo_tls);
			return;
		}
	}
	switch (s->b) {
	case B_EHLO_500_HELO_OK:
	case B_EHLO_HELO_500:
		reply(s, "500 5.5.1 EHLO not recognised\r\n");
		return;
	case B_EHLO_MIXED:
		reply(s, "250-" HOST "\r\n251-STARTTLS\r\n250 8BITMIME\r\n");
		return;
	case B_EHLO_10000:
		evbuffer_add_printf(s->out, "250-" HOST "\r\n");
		s->gen = 1;
		flush(s);
		return;
	case B_STRIPPED:
		reply(s, "250-" HOST "\r\n250-PIPELINING\r\n250-XXXXXXXA\r\n"
		    "250 8BITMIME\r\n");
		return;
	case B_BARE_LF_NUL:
		reply_then(s, bare, sizeof(bare) - 1, A_NONE);
		return;
	case B_BANNER_ESC:
		reply(s, esc);
		return;
	case B_RST_AFTER_EHLO:
		sess_close(s, 1);
		return;
	case B_EHLO_NO_FINAL:
		reply(s, "250-" HOST "\r\n250-STARTTLS\r\n");
		return;
	case B_EHLO_421:
		reply_then(s, LIT("421 4.7.0 too many connections\r\n"),
		    A_CLOSE);
		return;
	default:
		reply(s, ehlo_ok);
		return;
	}
}

/* One command line from the client, plaintext or inside TLS. */
static void
on_cmd(struct sess *s, const char *line, size_t len)
{
	char	 verb[16];
	size_t	 i;
	int	 tls = s->mode == M_TLS;

	for (i = 0; i < len && i < sizeof(verb) - 1 && line[i] != ' '; i++)
		verb[i] = (char)(line[i] >= 'a' && line[i] <= 'z' ?
		    line[i] - 32 : line[i]);
	verb[i] = '\0';
	if (s->b == B_YESMAN || s->b == B_YESMAN_250) {
		reply_then(s, LIT("250 ok\r\n"), strcmp(verb, "QUIT") == 0 ?
		    A_CLOSE : A_NONE);
		return;
	}
	if (strcmp(verb, "QUIT") == 0)
		reply_then(s, LIT("221 2.0.0 bye\r\n"), A_CLOSE);
	else if (strcmp(verb, "EHLO") == 0)
		on_ehlo(s, tls);
	else if (strcmp(verb, "HELO") == 0)
		reply(s, s->b == B_EHLO_HELO_500 ? "500 5.5.1 no HELO either\r\n" :
		    "250 " HOST "\r\n");
	else if (strcmp(verb, "STARTTLS") == 0 && !tls)
		on_starttls(s);
	else if (strcmp(verb, "STARTTLS") == 0)
		reply(s, "554 5.5.1 TLS already active\r\n");
	else
		reply(s, "502 5.5.2 command not recognised\r\n");
}

/* Hand complete lines to on_cmd; stop when the session changes mode. */
static void
lines(struct sess *s)
{
	enum mode	 m = s->mode;
	char		*nl;
	size_t		 len;

	while (!s->dead && s->mode == m && s->inlen > 0) {
		if ((nl = memchr(s->in, '\n', s->inlen)) == NULL) {
			if (s->inlen >= IN_MAX)
				sess_close(s, 0);
			return;
		}
		len = (size_t)(nl - s->in);
		on_cmd(s, s->in, len > 0 && nl[-1] == '\r' ? len - 1 : len);
		if (s->dead || s->inlen == 0)
			return;
		memmove(s->in, nl + 1, s->inlen - len - 1);
		s->inlen -= len + 1;
	}
}

static void
hs_step(struct sess *s)
{
	int	 r, e;

	ERR_clear_error();
	r = SSL_accept(s->ssl);
	if (r == 1) {
		s->mode = M_TLS;
		event_del(s->wev);
		return;
	}
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return;
	if (e == SSL_ERROR_WANT_WRITE) {
		event_add(s->wev, NULL);
		return;
	}
	sess_close(s, 0);	/* the client gave up: nothing to see */
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/*
 * A ServerHello by hand (RFC 8446 §4.1.3): version, cipher suite and an
 * optional supported_versions value; the session id echoed from the
 * ClientHello so that only the intended lie is wrong.
 */
static void
crafted_server_hello(struct sess *s, unsigned version, unsigned suite,
    unsigned sv)
{
	unsigned char	 m[128], *p = m + 9;
	size_t		 sidlen = 0, body;

	/* record(5) handshake(4) version(2) random(32) sid_len(1) sid */
	if (s->inlen >= 44 && (unsigned char)s->in[43] <= 32 &&
	    s->inlen >= 44 + (size_t)(unsigned char)s->in[43])
		sidlen = (unsigned char)s->in[43];
	put16(p, version);
	p += 2;
	memset(p, 0x5a, 32);
	p += 32;
	*p++ = (unsigned char)sidlen;
	memcpy(p, s->in + 44, sidlen);
	p += sidlen;
	put16(p, suite);
	p += 2;
	*p++ = 0;			/* null compression */
	if (sv != 0) {
		put16(p, 6);		/* extensions length */
		put16(p + 2, 43);	/* supported_versions */
		put16(p + 4, 2);
		put16(p + 6, sv);
		p += 8;
	}
	body = (size_t)(p - (m + 9));
	m[0] = 0x16;
	put16(m + 1, 0x0303);
	put16(m + 3, (unsigned)(body + 4));
	m[5] = 2;			/* server_hello */
	m[6] = 0;
	put16(m + 7, (unsigned)body);
	evbuffer_add(s->out, m, (size_t)(p - m));
	flush(s);
}

/* M_RAW: the client's ClientHello bytes are here; answer with a lie. */
static void
raw_act(struct sess *s)
{
	static const unsigned char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02,
	    0x02, 0x28 };
	unsigned char	 junk[256];
	size_t		 i;

	switch (s->b) {
	case B_TLS_GARBAGE:
		evbuffer_add_printf(s->out, "HTTP/1.1 400 Bad Request\r\n\r\n");
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 151 + 7);
		evbuffer_add(s->out, junk, sizeof(junk));
		flush(s);
		break;
	case B_TLS_ALERT:
		/* Fatal handshake_failure where the ServerHello belongs. */
		evbuffer_add(s->out, alert, sizeof(alert));
		s->after = A_CLOSE;
		flush(s);
		break;
	case B_SH_BAD_VERSION:
		/* TLS 1.2 record, supported_versions says 0x0305. */
		crafted_server_hello(s, 0x0303, 0x1301, 0x0305);
		break;
	case B_SH_BAD_SUITE:
		/* TLS 1.2 with TLS_NULL_WITH_NULL_NULL: never offered. */
		crafted_server_hello(s, 0x0303, 0x0000, 0);
		break;
	case B_REC_LEN_HUGE:
		/* A handshake record claiming 65535 bytes (max is 16384). */
		memcpy(junk, "\x16\x03\x03\xff\xff\x02\x00\x00\x46\x03\x03", 11);
		memset(junk + 11, 0x41, sizeof(junk) - 11);
		evbuffer_add(s->out, junk, sizeof(junk));
		flush(s);
		break;
	case B_REC_LEN_SHORT:
		/* Claims 1000 bytes, sends 60, then nothing. */
		memcpy(junk, "\x16\x03\x03\x03\xe8\x02\x00\x03\xe4\x03\x03", 11);
		memset(junk + 11, 0x42, 60 - 6);
		evbuffer_add(s->out, junk, 65);
		flush(s);
		break;
	case B_HS_LEN_LIE:
		/* An honest 42-byte record; the message inside claims 16 MiB. */
		memcpy(junk, "\x16\x03\x03\x00\x2a\x02\xff\xff\xff\x03\x03", 11);
		memset(junk + 11, 0x43, 42 - 6);
		evbuffer_add(s->out, junk, 47);
		flush(s);
		break;
	default:
		break;		/* B_HS_SILENT: read it, say nothing */
	}
}

/* M_MEM: run the real handshake in memory, send only part of it. */
static void
mem_act(struct sess *s)
{
	unsigned char	*p;
	size_t		 len, off, rec[32] = { 0 };
	int		 nrec = 0, r;

	BIO_write(s->mrb, s->in, (int)s->inlen);
	s->inlen = 0;
	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r <= 0 && SSL_get_error(s->ssl, r) != SSL_ERROR_WANT_READ) {
		sess_close(s, 0);
		return;
	}
	if ((len = BIO_ctrl_pending(s->mwb)) == 0)
		return;		/* the ClientHello is not complete yet */
	s->acted = 1;
	if ((p = malloc(len)) == NULL) {
		sess_close(s, 0);
		return;
	}
	BIO_read(s->mwb, p, (int)len);
	for (off = 0; off + 5 <= len && nrec < 32; nrec++) {
		rec[nrec] = 5 + ((size_t)p[off + 3] << 8 | p[off + 4]);
		off += rec[nrec];
	}
	if (nrec == 0 || off != len) {
		free(p);
		sess_close(s, 0);
		return;
	}
	if (s->b == B_HS_TRICKLE) {
		/* The whole first flight, one byte every 50 ms. */
		evbuffer_add(s->drip, p, len);
		s->drip_chunk = 1;
		s->drip_ms = 50;
		arm_tick(s, 50);
	} else if (s->b == B_SH_RST) {
		/* The ServerHello record and 3 bytes of the next, then RST. */
		evbuffer_add(s->out, p, rec[0] + (nrec > 1 ? 3 : 0));
		flush(s);
		if (!s->dead)
			later(s, 200, A_RST);
	} else {
		/* Everything but the last record (Finished): then silence. */
		evbuffer_add(s->out, p, nrec > 1 ? len - rec[nrec - 1] : len);
		flush(s);
	}
	free(p);
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;
	ssize_t		 n;
	int		 e, crafted = s->b == B_SH_BAD_VERSION ||
			    s->b == B_SH_BAD_SUITE;

	(void)fd;
	(void)what;
	if (s->mode == M_HS) {
		hs_step(s);
		if (s->dead || s->mode != M_TLS)
			return;
	}
	if (s->mode == M_TLS) {
		for (;;) {
			if (s->inlen >= IN_MAX) {
				sess_close(s, 0);
				return;
			}
			ERR_clear_error();
			n = SSL_read(s->ssl, s->in + s->inlen,
			    (int)(IN_MAX - s->inlen));
			if (n > 0) {
				s->inlen += (size_t)n;
				continue;
			}
			e = SSL_get_error(s->ssl, (int)n);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				break;
			sess_close(s, 0);
			return;
		}
		lines(s);
		return;
	}
	if (s->inlen >= IN_MAX)
		s->inlen = 0;	/* raw modes: only the first bytes matter */
	n = recv(s->fd, s->in + s->inlen, IN_MAX - s->inlen, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		sess_close(s, 0);
		return;
	}
	if (n < 0)
		return;
	s->inlen += (size_t)n;
	switch (s->mode) {
	case M_PLAIN:
		lines(s);
		break;
	case M_RAW:
		/* Wait for the ClientHello's session id, then act once. */
		if (!s->acted && (s->inlen >= 76 || !crafted)) {
			s->acted = 1;
			raw_act(s);
		}
		if (!s->dead && s->acted)
			s->inlen = 0;
		break;
	case M_MEM:
		if (!s->acted)
			mem_act(s);
		else
			s->inlen = 0;
		break;
	default:
		break;
	}
}

static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sess	*s = arg;

	(void)fd;
	(void)what;
	if (s->mode == M_HS) {
		hs_step(s);
		/* The handshake may finish with replies still queued. */
		if (!s->dead && s->mode == M_TLS)
			flush(s);
		return;
	}
	if (s->ticking && evbuffer_get_length(s->out) == 0) {
		tickets_step(s);
		return;
	}
	flush(s);
}

/*
 * Connections to this address whose client has not hung up. A client that
 * closed one connection and opened the next can have its new connection
 * accepted here before the old one's end is read: the kernel already
 * knows (the socket left ESTABLISHED), so ask it rather than our state.
 */
static int
clients_open(const struct addr_count *c)
{
	struct tcp_info		 ti;
	socklen_t		 len;
	const struct sess	*s;
	int			 n = 0;

	for (s = c->list; s != NULL; s = s->anext) {
		len = sizeof(ti);
		if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
		    ti.tcpi_state == TCP_ESTABLISHED)
			n++;
	}
	return n;
}

/* Connection s is open to local address a: update the peaks. */
static void
count_open(struct srv *sv, struct sess *s, uint32_t a)
{
	struct addr_count	*c = NULL;
	int			 i, n;

	if (++sv->open > sv->peak)
		sv->peak = sv->open;
	for (i = 0; i < sv->naddrs && c == NULL; i++)
		if (sv->addrs[i].addr == a)
			c = &sv->addrs[i];
	if (c == NULL && sv->naddrs < ADDRS_MAX) {
		c = &sv->addrs[sv->naddrs++];
		c->addr = a;
	}
	if (c == NULL)
		return;
	s->count = c;
	s->anext = c->list;
	c->list = s;
	c->open++;
	if ((n = clients_open(c)) > sv->peak_addr)
		sv->peak_addr = n;
}

static void
peak_cb(evutil_socket_t sig, short what, void *arg)
{
	struct srv	*sv = arg;

	int		 i;

	(void)sig;
	(void)what;
	printf("peak %d %d\n", sv->peak, sv->peak_addr);
	/* The next report covers what happens from now on. */
	sv->peak = sv->open;
	sv->peak_addr = 0;
	for (i = 0; i < sv->naddrs; i++)
		if (sv->addrs[i].open > sv->peak_addr)
			sv->peak_addr = sv->addrs[i].open;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct srv	*sv = arg;
	struct sess	*s = calloc(1, sizeof(*s));
	struct timeval	 life = { SESS_LIFE, 0 };
	uint32_t	 local = 0;
	int		 one = 1;

	(void)l;
	(void)sa;
	(void)salen;
	if (s == NULL) {
		close(fd);
		return;
	}
	s->srv = sv;
	s->fd = fd;
	s->b = B_N;
	{
		struct sockaddr_in	 me;
		socklen_t		 ml = sizeof(me);

		if (getsockname(fd, (struct sockaddr *)&me, &ml) == 0) {
			s->b = (enum beh)(ntohs(me.sin_port) - sv->port0);
			local = me.sin_addr.s_addr;
		}
	}
	if ((unsigned)s->b >= B_N) {
		close(fd);
		free(s);
		return;
	}
	count_open(sv, s, local);
	evutil_make_socket_nonblocking(fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->out = evbuffer_new();
	s->drip = evbuffer_new();
	s->rev = event_new(sv->base, fd, EV_READ | EV_PERSIST, read_cb, s);
	s->wev = event_new(sv->base, fd, EV_WRITE, write_cb, s);
	s->tick = evtimer_new(sv->base, tick_cb, s);
	s->life = evtimer_new(sv->base, life_cb, s);
	if (s->out == NULL || s->drip == NULL || s->rev == NULL ||
	    s->wev == NULL || s->tick == NULL || s->life == NULL)
		die("out of memory");
	event_add(s->rev, NULL);
	event_add(s->life, &life);
	on_accept(s);
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
	struct srv		 sv;
	struct sockaddr_in	 sin;
	struct timeval		 tv = { SERVER_LIFE, 0 };
	struct evconnlistener	*ls[B_N];
	struct event		*usr1;
	struct rlimit		 rl;
	const char		*ca_out = NULL;
	char			*end;
	long			 base = 11000;
	int			 c, i, any = 0;

	while ((c = getopt(argc, argv, "ac:")) != -1) {
		switch (c) {
		case 'a':
			any = 1;
			break;
		case 'c':
			ca_out = optarg;
			break;
		default:
			fprintf(stderr, "usage: hostile [-a] [-c CA.pem] "
			    "[BASE]\n");
			return 2;
		}
	}
	if (optind < argc) {
		base = strtol(argv[optind], &end, 10);
		if (*end != '\0' || base < 1024 || base + B_N > 65535) {
			fprintf(stderr, "hostile: bad base port\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Room for the thousand-connection test. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sv, 0, sizeof(sv));
	sv.port0 = (int)base;
	if ((sv.base = event_base_new()) == NULL)
		die("event_base_new");
	make_certs(&sv, ca_out);
	for (i = 0; i < B_N; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(any ? INADDR_ANY : INADDR_LOOPBACK);
		sin.sin_port = htons((unsigned short)(base + i));
		/* No SO_REUSEPORT: a stray old server must make us fail. */
		ls[i] = evconnlistener_new_bind(sv.base, accept_cb, &sv,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, BACKLOG,
		    (struct sockaddr *)&sin, sizeof(sin));
		if (ls[i] == NULL) {
			fprintf(stderr, "hostile: cannot listen on port %ld: "
			    "%s\n", base + i, strerror(errno));
			return 1;
		}
		printf("%ld %s\n", base + i, names[i]);
	}
	event_base_once(sv.base, -1, EV_TIMEOUT, server_life_cb, sv.base, &tv);
	if ((usr1 = evsignal_new(sv.base, SIGUSR1, peak_cb, &sv)) == NULL ||
	    event_add(usr1, NULL) == -1)
		die("SIGUSR1");
	printf("ready\n");
	event_base_dispatch(sv.base);
	event_free(usr1);
	for (i = 0; i < B_N; i++)
		evconnlistener_free(ls[i]);
	for (i = 0; i < CTX_N; i++)
		SSL_CTX_free(sv.ctx[i]);
	event_base_free(sv.base);
	return 0;
}
