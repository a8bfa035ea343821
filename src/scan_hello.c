/*
 * Our own ClientHello (SSLv2, SSLv3, TLS 1.0-1.3), the second one after a
 * HelloRetryRequest, and a bounded, incremental reader for what the server
 * answers. Pure: no sockets, no OpenSSL. Every byte the server sends is
 * hostile; every length is checked before use.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "scan_hello.h"
#include "scan_suites.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Record content types, RFC 5246 §6.2.1, RFC 6520 §3. */
#define CT_CCS			20
#define CT_ALERT		21
#define CT_HANDSHAKE		22
#define CT_APPDATA		23
#define CT_HEARTBEAT		24

/* Handshake message types, RFC 5246 §7.4, RFC 6066 §8. */
#define HS_HELLO_REQUEST	0
#define HS_CLIENT_HELLO		1
#define HS_SERVER_HELLO		2
#define HS_CERTIFICATE		11
#define HS_SKE			12
#define HS_CERT_REQUEST		13
#define HS_DONE			14
#define HS_CERT_STATUS		22

/* Extension types (IANA TLS ExtensionType registry). */
#define EXT_SERVER_NAME		0x0000
#define EXT_STATUS_REQUEST	0x0005
#define EXT_GROUPS		0x000a
#define EXT_POINT_FORMATS	0x000b
#define EXT_SIGALGS		0x000d
#define EXT_HEARTBEAT		0x000f
#define EXT_PADDING		0x0015
#define EXT_ETM			0x0016
#define EXT_EMS			0x0017
#define EXT_TICKET		0x0023
#define EXT_VERSIONS		0x002b
#define EXT_COOKIE		0x002c
#define EXT_PSK_MODES		0x002d
#define EXT_KEY_SHARE		0x0033
#define EXT_RENEG		0xff01

#define SCSV_RENEG		0x00ff	/* RFC 5746 §3.3 */
#define SCSV_FALLBACK		0x5600	/* RFC 7507 */

#define GROUP_SECP256R1		23
#define GROUP_SECP384R1		24
#define GROUP_SECP521R1		25
#define GROUP_BP256R1		26
#define GROUP_BP384R1		27
#define GROUP_BP512R1		28
#define GROUP_X25519		29
#define GROUP_X448		30
#define GROUP_BP256R1_TLS13	31
#define GROUP_BP384R1_TLS13	32
#define GROUP_BP512R1_TLS13	33
#define GROUP_FFDHE2048		256
#define GROUP_FFDHE8192		260

#define SSL2_MT_ERROR		0
#define SSL2_MT_CLIENT_HELLO	1
#define SSL2_MT_SERVER_HELLO	4
#define SSL2_CHALLENGE_LEN	16

#define TLS_HDR			5
#define IN_BUF_MAX		(0x7fff + 3)	/* largest SSLv2 record */
#define HS_BUF_MAX		(HELLO_HS_MAX + 4 + HELLO_REC_MAX)
#define EXT_SEEN_MAX		64
#define WARN_MAX		4
#define PEND_MAX		(TLS_HDR + HELLO_REC_MAX) /* after an HRR */
#define MLKEM512_EK		800	/* FIPS 203 §8: 384k + 32 bytes */
#define MLKEM768_EK		1184
#define MLKEM1024_EK		1568
#define SHARE_MAX		(97 + MLKEM1024_EK) /* SecP384r1MLKEM1024 */

/*
 * Reader states. Only reader_enter() changes them. After the ServerHello
 * of TLS <= 1.2 the server's flight must come in RFC 5246 §7.3 order:
 * Certificate, CertificateStatus, ServerKeyExchange, CertificateRequest,
 * ServerHelloDone, each optional but the last.
 */
enum rstate {
	RS_WAIT_SH,
	RS_AFTER_SH,
	RS_AFTER_CERT,
	RS_AFTER_STATUS,
	RS_AFTER_SKE,
	RS_AFTER_CREQ,
	RS_FINAL
};

/* SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC
 * 8446 §4.1.3). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* "DOWNGRD": a TLS 1.3 server that negotiated less (RFC 8446 §4.1.3). */
static const uint8_t downgrade_marker[7] = {
	0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44
};

/*
 * Our P-256 key share: the curve's generator G (SEC 2 §2.4.2), uncompressed.
 * Servers check that a share is a valid point on the curve (RFC 8446
 * §4.2.8.2) and abort otherwise; G is one, and the shared secret it yields
 * is of no interest, since no handshake is ever finished.
 */
static const uint8_t p256_generator[65] = {
	0x04,
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5,
	0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0,
	0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a,
	0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce,
	0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5
};

/*
 * The other curves' generators, uncompressed: valid public values for the
 * second ClientHello after a HelloRetryRequest, as p256_generator is for
 * the first. P-384 and P-521: SEC 2 §2.5.1, §2.6.1; brainpool: RFC 5639
 * §3.4, §3.6, §3.7 (the same curves as RFC 8734's TLS 1.3 code points).
 */
static const uint8_t p384_generator[97] = {
	0x04,
	0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e,
	0xf3, 0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98,
	0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2, 0x5d,
	0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7,
	0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf,
	0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14, 0x7c,
	0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1, 0xce,
	0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f
};

static const uint8_t p521_generator[133] = {
	0x04,
	0x00, 0xc6, 0x85, 0x8e, 0x06, 0xb7, 0x04, 0x04, 0xe9, 0xcd, 0x9e, 0x3e,
	0xcb, 0x66, 0x23, 0x95, 0xb4, 0x42, 0x9c, 0x64, 0x81, 0x39, 0x05, 0x3f,
	0xb5, 0x21, 0xf8, 0x28, 0xaf, 0x60, 0x6b, 0x4d, 0x3d, 0xba, 0xa1, 0x4b,
	0x5e, 0x77, 0xef, 0xe7, 0x59, 0x28, 0xfe, 0x1d, 0xc1, 0x27, 0xa2, 0xff,
	0xa8, 0xde, 0x33, 0x48, 0xb3, 0xc1, 0x85, 0x6a, 0x42, 0x9b, 0xf9, 0x7e,
	0x7e, 0x31, 0xc2, 0xe5, 0xbd, 0x66,
	0x01, 0x18, 0x39, 0x29, 0x6a, 0x78, 0x9a, 0x3b, 0xc0, 0x04, 0x5c, 0x8a,
	0x5f, 0xb4, 0x2c, 0x7d, 0x1b, 0xd9, 0x98, 0xf5, 0x44, 0x49, 0x57, 0x9b,
	0x44, 0x68, 0x17, 0xaf, 0xbd, 0x17, 0x27, 0x3e, 0x66, 0x2c, 0x97, 0xee,
	0x72, 0x99, 0x5e, 0xf4, 0x26, 0x40, 0xc5, 0x50, 0xb9, 0x01, 0x3f, 0xad,
	0x07, 0x61, 0x35, 0x3c, 0x70, 0x86, 0xa2, 0x72, 0xc2, 0x40, 0x88, 0xbe,
	0x94, 0x76, 0x9f, 0xd1, 0x66, 0x50
};

static const uint8_t bp256_generator[65] = {
	0x04,
	0x8b, 0xd2, 0xae, 0xb9, 0xcb, 0x7e, 0x57, 0xcb, 0x2c, 0x4b, 0x48, 0x2f,
	0xfc, 0x81, 0xb7, 0xaf, 0xb9, 0xde, 0x27, 0xe1, 0xe3, 0xbd, 0x23, 0xc2,
	0x3a, 0x44, 0x53, 0xbd, 0x9a, 0xce, 0x32, 0x62,
	0x54, 0x7e, 0xf8, 0x35, 0xc3, 0xda, 0xc4, 0xfd, 0x97, 0xf8, 0x46, 0x1a,
	0x14, 0x61, 0x1d, 0xc9, 0xc2, 0x77, 0x45, 0x13, 0x2d, 0xed, 0x8e, 0x54,
	0x5c, 0x1d, 0x54, 0xc7, 0x2f, 0x04, 0x69, 0x97
};

static const uint8_t bp384_generator[97] = {
	0x04,
	0x1d, 0x1c, 0x64, 0xf0, 0x68, 0xcf, 0x45, 0xff, 0xa2, 0xa6, 0x3a, 0x81,
	0xb7, 0xc1, 0x3f, 0x6b, 0x88, 0x47, 0xa3, 0xe7, 0x7e, 0xf1, 0x4f, 0xe3,
	0xdb, 0x7f, 0xca, 0xfe, 0x0c, 0xbd, 0x10, 0xe8, 0xe8, 0x26, 0xe0, 0x34,
	0x36, 0xd6, 0x46, 0xaa, 0xef, 0x87, 0xb2, 0xe2, 0x47, 0xd4, 0xaf, 0x1e,
	0x8a, 0xbe, 0x1d, 0x75, 0x20, 0xf9, 0xc2, 0xa4, 0x5c, 0xb1, 0xeb, 0x8e,
	0x95, 0xcf, 0xd5, 0x52, 0x62, 0xb7, 0x0b, 0x29, 0xfe, 0xec, 0x58, 0x64,
	0xe1, 0x9c, 0x05, 0x4f, 0xf9, 0x91, 0x29, 0x28, 0x0e, 0x46, 0x46, 0x21,
	0x77, 0x91, 0x81, 0x11, 0x42, 0x82, 0x03, 0x41, 0x26, 0x3c, 0x53, 0x15
};

static const uint8_t bp512_generator[129] = {
	0x04,
	0x81, 0xae, 0xe4, 0xbd, 0xd8, 0x2e, 0xd9, 0x64, 0x5a, 0x21, 0x32, 0x2e,
	0x9c, 0x4c, 0x6a, 0x93, 0x85, 0xed, 0x9f, 0x70, 0xb5, 0xd9, 0x16, 0xc1,
	0xb4, 0x3b, 0x62, 0xee, 0xf4, 0xd0, 0x09, 0x8e, 0xff, 0x3b, 0x1f, 0x78,
	0xe2, 0xd0, 0xd4, 0x8d, 0x50, 0xd1, 0x68, 0x7b, 0x93, 0xb9, 0x7d, 0x5f,
	0x7c, 0x6d, 0x50, 0x47, 0x40, 0x6a, 0x5e, 0x68, 0x8b, 0x35, 0x22, 0x09,
	0xbc, 0xb9, 0xf8, 0x22,
	0x7d, 0xde, 0x38, 0x5d, 0x56, 0x63, 0x32, 0xec, 0xc0, 0xea, 0xbf, 0xa9,
	0xcf, 0x78, 0x22, 0xfd, 0xf2, 0x09, 0xf7, 0x00, 0x24, 0xa5, 0x7b, 0x1a,
	0xa0, 0x00, 0xc5, 0x5b, 0x88, 0x1f, 0x81, 0x11, 0xb2, 0xdc, 0xde, 0x49,
	0x4a, 0x5f, 0x48, 0x5e, 0x5b, 0xca, 0x4b, 0xd8, 0x8a, 0x27, 0x63, 0xae,
	0xd1, 0xca, 0x2b, 0x2f, 0xa8, 0xf0, 0x54, 0x06, 0x78, 0xcd, 0x1e, 0x0f,
	0x3a, 0xd8, 0x08, 0x92
};

/* The curves with a generator above, by group code. */
static const struct {
	uint16_t	 group;
	const uint8_t	*point;
	size_t		 len;
} retry_points[] = {
	{ GROUP_SECP256R1, p256_generator, sizeof(p256_generator) },
	{ GROUP_SECP384R1, p384_generator, sizeof(p384_generator) },
	{ GROUP_SECP521R1, p521_generator, sizeof(p521_generator) },
	{ GROUP_BP256R1, bp256_generator, sizeof(bp256_generator) },
	{ GROUP_BP384R1, bp384_generator, sizeof(bp384_generator) },
	{ GROUP_BP512R1, bp512_generator, sizeof(bp512_generator) },
	{ GROUP_BP256R1_TLS13, bp256_generator, sizeof(bp256_generator) },
	{ GROUP_BP384R1_TLS13, bp384_generator, sizeof(bp384_generator) },
	{ GROUP_BP512R1_TLS13, bp512_generator, sizeof(bp512_generator) },
};

/* Bytes of p of the RFC 7919 groups ffdhe2048 .. ffdhe8192 (256 .. 260). */
static const size_t ffdhe_bytes[] = { 256, 384, 512, 768, 1024 };

/* Groups offered when the caller gives none. */
static const uint16_t groups12[] = { 29, 23, 30, 25, 24, 28, 27, 26 };
static const uint16_t groups13[] = { 29, 23, 30, 25, 24, 256, 257, 258 };

/* Signature schemes offered when the caller gives none: everything a
 * server certificate of the last twenty years can be signed with. */
static const uint16_t sigalgs_default[] = {
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081a, 0x081b, 0x081c,
	0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501,
	0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203,
	0x0201, 0x0202
};

/* A bounded writer: the first overflow sets err and stops all writing. */
struct wr {
	uint8_t	*p;
	size_t	 len, cap;
	int	 err;
};

/* A bounded reader over (pointer, length): short input sets err. */
struct rd {
	const uint8_t	*p;
	size_t		 len, off;
	int		 err;
};

static void
put8(struct wr *w, unsigned v)
{
	if (w->err || w->len >= w->cap) {
		w->err = 1;
		return;
	}
	w->p[w->len++] = v & 0xff;
}

static void
put16(struct wr *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v);
}

static void
put24(struct wr *w, uint32_t v)
{
	put8(w, v >> 16);
	put8(w, v >> 8);
	put8(w, v);
}

static void
put_bytes(struct wr *w, const void *p, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = 1;
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

/* Reserve an n-byte length field; returns its offset for len_close(). */
static size_t
len_open(struct wr *w, int n)
{
	size_t	 at = w->len;

	while (n-- > 0)
		put8(w, 0);
	return at;
}

/* Fill the n-byte length field at at with the bytes written after it. */
static void
len_close(struct wr *w, size_t at, int n)
{
	size_t	 v;
	int	 i;

	if (w->err)
		return;
	v = w->len - at - (size_t)n;
	if ((n < 3 && (v >> (8 * n)) != 0) || v > 0xffffff) {
		w->err = 1;
		return;
	}
	for (i = n; i > 0; i--) {
		w->p[at + (size_t)i - 1] = v & 0xff;
		v >>= 8;
	}
}

/* Random bytes for client randoms, session ids and key shares. */
static int
fill_random(struct wr *w, size_t n)
{
	uint8_t	 r[32];

	if (n > sizeof(r) || getentropy(r, n) == -1) {
		w->err = 1;
		return -1;
	}
	put_bytes(w, r, n);
	return 0;
}

static unsigned
get8(struct rd *c)
{
	if (c->err || c->off >= c->len) {
		c->err = 1;
		return 0;
	}
	return c->p[c->off++];
}

static unsigned
get16(struct rd *c)
{
	unsigned	 v = get8(c) << 8;

	return v | get8(c);
}

static uint32_t
get24(struct rd *c)
{
	uint32_t	 v = (uint32_t)get8(c) << 16;

	v |= (uint32_t)get8(c) << 8;
	return v | get8(c);
}

/* The next n bytes, or NULL (err set) if fewer are left. */
static const uint8_t *
get_bytes(struct rd *c, size_t n)
{
	const uint8_t	*p;

	if (c->err || n > c->len - c->off) {
		c->err = 1;
		return NULL;
	}
	p = c->p + c->off;
	c->off += n;
	return p;
}

/* Bytes of the key share we send for group g, or 0 for none. */
static size_t
share_len(uint16_t g)
{
	if (g == GROUP_X25519)
		return 32;
	if (g == GROUP_SECP256R1)
		return sizeof(p256_generator);
	return 0;
}

/* 1 if the hello offers a suite that needs supported_groups. */
static int
any_ec_suite(const struct hello_req *q)
{
	size_t	 i;

	for (i = 0; i < q->nsuites; i++)
		if (suite_is_ec(q->suites[i]))
			return 1;
	return 0;
}

/* The groups a hello offers: the caller's, else our defaults where the
 * hello needs some (TLS 1.3, or EC suites in TLS 1.0-1.2). */
static size_t
offered_groups(const struct hello_req *q, const uint16_t **g)
{
	*g = NULL;
	if (q->version < VER_TLS10 || q->version > VER_TLS13)
		return 0;
	if (q->ngroups > 0) {
		*g = q->groups;
		return q->ngroups;
	}
	if (q->version == VER_TLS13) {
		*g = groups13;
		return NELEM(groups13);
	}
	if (any_ec_suite(q)) {
		*g = groups12;
		return NELEM(groups12);
	}
	return 0;
}

/* 1 if group g is in the hello's supported_groups. */
static int
group_offered(const struct hello_req *q, uint16_t g)
{
	const uint16_t	*gs;
	size_t		 i, n = offered_groups(q, &gs);

	for (i = 0; i < n; i++)
		if (gs[i] == g)
			return 1;
	return 0;
}

/* 1 if the TLS 1.3 hello carries a key share for group g. */
static int
group_shared(const struct hello_req *q, uint16_t g)
{
	return q->version == VER_TLS13 && share_len(g) > 0 &&
	    group_offered(q, g);
}

/* The lowest version a TLS 1.3 hello lists in supported_versions. */
static uint16_t
lowest_version(const struct hello_req *q)
{
	return q->min_version != 0 ? q->min_version : q->version;
}

/* 1 if the server may choose version v in answer to q. Without
 * supported_versions a client offers every version up to its own (RFC 5246
 * Appendix E.1); SSLv2 hellos offer no TLS version at all. */
static int
version_offered(const struct hello_req *q, uint16_t v)
{
	if (v < VER_SSL3 || v > VER_TLS13 || q->version == VER_SSL2)
		return 0;
	if (q->version == VER_TLS13)
		return v >= lowest_version(q);
	return v <= q->version;
}

/* 1 if code is among the suites the hello offered. */
static int
suite_offered(const struct hello_req *q, uint16_t code)
{
	size_t	 i;

	for (i = 0; i < q->nsuites; i++)
		if (q->suites[i] == code)
			return 1;
	return 0;
}

/* 1 if req can be built: known version, arrays within the header's caps. */
static int
req_ok(const struct hello_req *q)
{
	size_t	 sl;

	if (q == NULL || q->nsuites > HELLO_SUITES_MAX ||
	    q->ngroups > HELLO_GROUPS_MAX || q->nsigalgs > HELLO_SIGALGS_MAX)
		return 0;
	if ((q->nsuites > 0 && q->suites == NULL) ||
	    (q->ngroups > 0 && q->groups == NULL) ||
	    (q->nsigalgs > 0 && q->sigalgs == NULL))
		return 0;
	if (q->sni != NULL) {
		sl = strnlen(q->sni, 256);
		if (sl == 0 || sl > 255)
			return 0;
	}
	switch (q->version) {
	case VER_SSL2:
		return 1;
	case VER_SSL3:
	case VER_TLS10:
	case VER_TLS11:
	case VER_TLS12:
		return q->nsuites > 0;
	case VER_TLS13:
		return q->nsuites > 0 && (q->min_version == 0 ||
		    (q->min_version >= VER_SSL3 &&
		    q->min_version <= VER_TLS13));
	}
	return 0;
}

/* Open extension type; returns the offset of its length for ext_close. */
static size_t
ext_open(struct wr *w, unsigned type)
{
	put16(w, type);
	return len_open(w, 2);
}

/*
 * Some TLS terminators (F5 BIG-IP) hang on a ClientHello of 256 to 511
 * bytes; pad it to 512 as OpenSSL and browsers do (RFC 7685 §1). The
 * last extension; hs_start is where the handshake message begins.
 */
static void
put_padding(struct wr *w, size_t hs_start)
{
	size_t	 msg, pad, at;

	if (w->err)
		return;
	msg = w->len - hs_start;
	if (msg > 0xff && msg < 0x200) {
		pad = 0x200 - msg;
		pad = pad >= 4 ? pad - 4 : 0;
		at = ext_open(w, EXT_PADDING);
		while (pad-- > 0)
			put8(w, 0);
		len_close(w, at, 2);
	}
}

/* The client's extensions (RFC 6066, 8422, 8446 §4.2), TLS only. */
static void
put_extensions(struct wr *w, const struct hello_req *q, size_t hs_start)
{
	const uint16_t	*g, *sa;
	size_t		 ng, nsa, i, at, list;
	int		 tls13 = q->version == VER_TLS13;
	int		 done_x = 0, done_p = 0;
	uint16_t	 v;

	if (q->sni != NULL) {
		at = ext_open(w, EXT_SERVER_NAME);
		list = len_open(w, 2);
		put8(w, 0);				/* host_name */
		put16(w, strlen(q->sni));
		put_bytes(w, q->sni, strlen(q->sni));
		len_close(w, list, 2);
		len_close(w, at, 2);
	}
	ng = offered_groups(q, &g);
	if (ng > 0 && (!tls13 || lowest_version(q) < VER_TLS13)) {
		at = ext_open(w, EXT_POINT_FORMATS);
		put8(w, 1);
		put8(w, 0);				/* uncompressed */
		len_close(w, at, 2);
	}
	if (ng > 0) {
		at = ext_open(w, EXT_GROUPS);
		list = len_open(w, 2);
		for (i = 0; i < ng; i++)
			put16(w, g[i]);
		len_close(w, list, 2);
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_TICKET) {
		at = ext_open(w, EXT_TICKET);
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_STATUS) {
		at = ext_open(w, EXT_STATUS_REQUEST);
		put8(w, 1);				/* ocsp */
		put16(w, 0);				/* responder_id_list */
		put16(w, 0);				/* request_extensions */
		len_close(w, at, 2);
	}
	if (q->version >= VER_TLS12) {
		sa = q->nsigalgs > 0 ? q->sigalgs : sigalgs_default;
		nsa = q->nsigalgs > 0 ? q->nsigalgs : NELEM(sigalgs_default);
		at = ext_open(w, EXT_SIGALGS);
		list = len_open(w, 2);
		for (i = 0; i < nsa; i++)
			put16(w, sa[i]);
		len_close(w, list, 2);
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_HEARTBEAT) {
		at = ext_open(w, EXT_HEARTBEAT);
		put8(w, 1);		/* peer_allowed_to_send */
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_ETM) {
		at = ext_open(w, EXT_ETM);
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_EMS) {
		at = ext_open(w, EXT_EMS);
		len_close(w, at, 2);
	}
	if (q->flags & HELLO_F_RENEG) {
		at = ext_open(w, EXT_RENEG);
		put8(w, 0);			/* empty: initial handshake */
		len_close(w, at, 2);
	}
	if (tls13) {
		at = ext_open(w, EXT_VERSIONS);
		list = len_open(w, 1);
		for (v = VER_TLS13; v >= lowest_version(q); v--)
			put16(w, v);
		len_close(w, list, 1);
		len_close(w, at, 2);

		at = ext_open(w, EXT_PSK_MODES);
		put8(w, 1);
		put8(w, 1);				/* psk_dhe_ke */
		len_close(w, at, 2);

		/* Shares in supported_groups order, one per group (RFC 8446
		 * §4.2.8); groups without one make the server ask (HRR). */
		at = ext_open(w, EXT_KEY_SHARE);
		list = len_open(w, 2);
		for (i = 0; i < ng; i++) {
			if (g[i] == GROUP_X25519 && !done_x) {
				done_x = 1;
				put16(w, g[i]);
				put16(w, 32);
				fill_random(w, 32);
			} else if (g[i] == GROUP_SECP256R1 && !done_p) {
				done_p = 1;
				put16(w, g[i]);
				put16(w, sizeof(p256_generator));
				put_bytes(w, p256_generator,
				    sizeof(p256_generator));
			}
		}
		len_close(w, list, 2);
		len_close(w, at, 2);
	}
	put_padding(w, hs_start);
}

/* ClientHello in a TLS record (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2). */
static size_t
build_tls(const struct hello_req *q, uint8_t *out, size_t cap)
{
	struct wr	 w = { out, 0, cap, 0 };
	size_t		 rec, hs, at, i;
	int		 tls13 = q->version == VER_TLS13;

	put8(&w, CT_HANDSHAKE);
	/* The record version many servers expect of a first hello. */
	put16(&w, q->version == VER_SSL3 ? VER_SSL3 : VER_TLS10);
	rec = len_open(&w, 2);
	put8(&w, HS_CLIENT_HELLO);
	hs = len_open(&w, 3);
	put16(&w, tls13 ? VER_TLS12 : q->version);
	fill_random(&w, 32);
	if (tls13) {
		/* Middlebox compatibility mode (RFC 8446 Appendix D.4). */
		put8(&w, 32);
		fill_random(&w, 32);
	} else
		put8(&w, 0);
	at = len_open(&w, 2);
	for (i = 0; i < q->nsuites; i++)
		put16(&w, q->suites[i]);
	/* SSLv3 cannot carry renegotiation_info: signal it (RFC 5746 §3.3). */
	if ((q->flags & HELLO_F_RENEG) && q->version == VER_SSL3)
		put16(&w, SCSV_RENEG);
	if (q->flags & HELLO_F_SCSV)
		put16(&w, SCSV_FALLBACK);
	len_close(&w, at, 2);
	if (q->flags & HELLO_F_DEFLATE) {
		put8(&w, 2);
		put8(&w, 1);				/* DEFLATE, RFC 3749 */
		put8(&w, 0);
	} else {
		put8(&w, 1);
		put8(&w, 0);
	}
	if (q->version >= VER_TLS10) {
		at = len_open(&w, 2);
		put_extensions(&w, q, hs - 1);
		if (!w.err && w.len == at + 2)
			w.len = at;			/* no extensions */
		else
			len_close(&w, at, 2);
	}
	len_close(&w, hs, 3);
	len_close(&w, rec, 2);
	if (w.err || w.len - TLS_HDR > 16384)
		return 0;
	return w.len;
}

/*
 * SSLv2 CLIENT-HELLO (SSLv2 draft §2.5; RFC 6101 Appendix E.1): every SSLv2
 * cipher kind, then the TLS suites as 0x00XXXX kinds, version 2 so that
 * only a server that still speaks SSLv2 answers in kind.
 */
static size_t
build_ssl2(const struct hello_req *q, uint8_t *out, size_t cap)
{
	struct wr	 w = { out, 0, cap, 0 };
	size_t		 i, body;

	put16(&w, 0);				/* header, filled below */
	put8(&w, SSL2_MT_CLIENT_HELLO);
	put16(&w, VER_SSL2);
	put16(&w, 3 * (ssl2_kind_count + q->nsuites));
	put16(&w, 0);				/* session id */
	put16(&w, SSL2_CHALLENGE_LEN);
	for (i = 0; i < ssl2_kind_count; i++)
		put24(&w, ssl2_kinds[i].code);
	for (i = 0; i < q->nsuites; i++)
		put24(&w, q->suites[i]);
	fill_random(&w, SSL2_CHALLENGE_LEN);
	if (w.err)
		return 0;
	body = w.len - 2;
	if (body > 0x7fff)
		return 0;
	out[0] = 0x80 | (body >> 8);
	out[1] = body & 0xff;
	return w.len;
}

size_t
hello_build(const struct hello_req *req, uint8_t *out, size_t cap)
{
	if (!req_ok(req) || out == NULL)
		return 0;
	if (req->version == VER_SSL2)
		return build_ssl2(req, out, cap);
	return build_tls(req, out, cap);
}

/*
 * A classical public value for group that needs no private key of ours
 * (we never finish a handshake): for x25519 and x448 the base point u = 9
 * and u = 5 (RFC 7748 §4.1-4.2), for the NIST and brainpool curves the
 * generator, for the RFC 7919 groups 2, which generates their prime-order
 * subgroup (RFC 7919 Appendix A) and passes 1 < Y < p-1 (RFC 8446
 * §4.2.8.1), left padded to the size of p. Written to out (if not NULL,
 * cap bytes); returns its length, 0 if there is none or it does not fit.
 */
static size_t
classic_share(uint16_t g, uint8_t *out, size_t cap)
{
	const uint8_t	*point = NULL;
	size_t		 i, n = 0;

	for (i = 0; i < NELEM(retry_points); i++)
		if (retry_points[i].group == g) {
			point = retry_points[i].point;
			n = retry_points[i].len;
		}
	if (g == GROUP_X25519)
		n = 32;
	else if (g == GROUP_X448)
		n = 56;
	else if (g >= GROUP_FFDHE2048 && g <= GROUP_FFDHE8192)
		n = ffdhe_bytes[g - GROUP_FFDHE2048];
	if (n == 0 || n > cap || out == NULL)
		return n > cap ? 0 : n;
	if (point != NULL) {
		memcpy(out, point, n);
		return n;
	}
	memset(out, 0, n);
	if (g == GROUP_X25519)
		out[0] = 9;		/* little-endian u */
	else if (g == GROUP_X448)
		out[0] = 5;
	else
		out[n - 1] = 2;		/* big-endian Y */
	return n;
}

/*
 * ML-KEM groups (draft-connolly-tls-mlkem-key-agreement) and the hybrids
 * (draft-ietf-tls-ecdhe-mlkem §3): the client's share is an ML-KEM
 * encapsulation key, after the classical share for SecP256r1MLKEM768 and
 * SecP384r1MLKEM1024, before it for X25519MLKEM768.
 */
static const struct {
	uint16_t	 group;
	uint16_t	 classic;	/* 0: pure ML-KEM */
	size_t		 ek;		/* encapsulation key bytes */
	int		 classic_first;
} kem_groups[] = {
	{ 0x0200, 0, MLKEM512_EK, 0 },
	{ 0x0201, 0, MLKEM768_EK, 0 },
	{ 0x0202, 0, MLKEM1024_EK, 0 },
	{ 0x11eb, GROUP_SECP256R1, MLKEM768_EK, 1 },
	{ 0x11ec, GROUP_X25519, MLKEM768_EK, 0 },
	{ 0x11ed, GROUP_SECP384R1, MLKEM1024_EK, 1 },
};

/*
 * The public value a second hello carries for group: a classical one
 * (classic_share()), or for the ML-KEM groups an encapsulation key of
 * zeros, t = 0 and seed 0, which passes FIPS 203 §7.2's input check
 * (every coefficient below q) and lets the server encapsulate; we never
 * decapsulate. Same contract as classic_share().
 */
static size_t
retry_share(uint16_t g, uint8_t *out, size_t cap)
{
	size_t	 i, c;

	for (i = 0; i < NELEM(kem_groups); i++) {
		if (kem_groups[i].group != g)
			continue;
		c = kem_groups[i].classic == 0 ? 0 :
		    classic_share(kem_groups[i].classic, NULL, cap);
		if (c + kem_groups[i].ek > cap)
			return 0;
		if (out == NULL)
			return c + kem_groups[i].ek;
		if (kem_groups[i].classic_first) {
			classic_share(kem_groups[i].classic, out, cap);
			memset(out + c, 0, kem_groups[i].ek);
		} else {
			memset(out, 0, kem_groups[i].ek);
			if (c > 0)
				classic_share(kem_groups[i].classic,
				    out + kem_groups[i].ek, c);
		}
		return c + kem_groups[i].ek;
	}
	return classic_share(g, out, cap);
}

int
hello_can_retry(uint16_t group)
{
	return retry_share(group, NULL, SHARE_MAX) > 0;
}

/*
 * Check that b (n bytes) is the extension block of a TLS 1.3 hello of
 * ours: well framed, supported_versions listing TLS 1.3, a key_share, and
 * group among supported_groups. 0 if so.
 */
static int
retry_check_ext(const uint8_t *b, size_t n, uint16_t group)
{
	struct rd	 c = { b, n, 0, 0 }, e;
	const uint8_t	*body;
	size_t		 blen, l, i;
	unsigned	 type;
	int		 v13 = 0, ks = 0, gr = 0;

	while (c.off < c.len) {
		type = get16(&c);
		blen = get16(&c);
		if ((body = get_bytes(&c, blen)) == NULL)
			return -1;
		e.p = body;
		e.len = blen;
		e.off = 0;
		e.err = 0;
		switch (type) {
		case EXT_VERSIONS:
			l = get8(&e);
			for (i = 0; i + 2 <= l && !e.err; i += 2)
				if (get16(&e) == VER_TLS13)
					v13 = 1;
			break;
		case EXT_GROUPS:
			l = get16(&e);
			for (i = 0; i + 2 <= l && !e.err; i += 2)
				if (get16(&e) == group)
					gr = 1;
			break;
		case EXT_KEY_SHARE:
			ks = 1;
			break;
		}
		if (e.err)
			return -1;
	}
	return v13 && ks && gr ? 0 : -1;
}

size_t
hello_build_retry(const uint8_t *first, size_t first_len, uint16_t group,
    const uint8_t *cookie, size_t cookie_len, uint8_t *out, size_t cap)
{
	struct rd	 c = { first, first_len, 0, 0 };
	struct wr	 w = { out, 0, cap, 0 };
	const uint8_t	*body;
	uint8_t		 share[SHARE_MAX];
	size_t		 slen, sid, fixed, elen, blen, rec, hs, at, x, list;
	unsigned	 type;

	if (first == NULL || out == NULL ||
	    (cookie == NULL && cookie_len > 0) || cookie_len > 0xffff - 2 ||
	    (slen = retry_share(group, share, sizeof(share))) == 0)
		return 0;
	/* One record holding one ClientHello, as build_tls() writes it. */
	if (get8(&c) != CT_HANDSHAKE || get8(&c) != 3)
		return 0;
	get8(&c);
	if (get16(&c) != first_len - TLS_HDR || get8(&c) != HS_CLIENT_HELLO ||
	    get24(&c) != first_len - TLS_HDR - 4 || c.err)
		return 0;
	get_bytes(&c, 2 + 32);			/* legacy_version, random */
	sid = get8(&c);
	get_bytes(&c, sid);
	get_bytes(&c, get16(&c));		/* cipher_suites */
	get_bytes(&c, get8(&c));		/* compression_methods */
	fixed = c.off;
	elen = get16(&c);
	if (c.err || elen != c.len - c.off ||
	    retry_check_ext(first + c.off, elen, group) == -1)
		return 0;

	/* RFC 8446 Appendix D.4: the compatibility CCS goes first. */
	if (sid > 0) {
		put8(&w, CT_CCS);
		put16(&w, VER_TLS12);
		put16(&w, 1);
		put8(&w, 1);
	}
	rec = w.len;
	put8(&w, CT_HANDSHAKE);
	put16(&w, VER_TLS12);			/* RFC 8446 §5.1 */
	at = len_open(&w, 2);
	put8(&w, HS_CLIENT_HELLO);
	hs = len_open(&w, 3);
	put_bytes(&w, first + TLS_HDR + 4, fixed - TLS_HDR - 4);
	x = len_open(&w, 2);
	while (c.off < c.len) {
		type = get16(&c);
		blen = get16(&c);
		body = get_bytes(&c, blen);
		if (c.err)
			return 0;
		if (type == EXT_PADDING || type == EXT_COOKIE)
			continue;
		if (type != EXT_KEY_SHARE) {
			put16(&w, type);
			put16(&w, blen);
			put_bytes(&w, body, blen);
			continue;
		}
		/* §4.1.2: one KeyShareEntry, for the group asked for. */
		list = ext_open(&w, EXT_KEY_SHARE);
		put16(&w, 2 + 2 + slen);
		put16(&w, group);
		put16(&w, slen);
		put_bytes(&w, share, slen);
		len_close(&w, list, 2);
		if (cookie_len > 0) {
			list = ext_open(&w, EXT_COOKIE);
			put16(&w, cookie_len);
			put_bytes(&w, cookie, cookie_len);
			len_close(&w, list, 2);
		}
	}
	put_padding(&w, rec + TLS_HDR);
	len_close(&w, x, 2);
	len_close(&w, hs, 3);
	len_close(&w, at, 2);
	if (w.err || w.len - rec - TLS_HDR > 16384)
		return 0;
	return w.len;
}

/* Make *buf hold at least need bytes, growing geometrically up to max. */
static int
grow(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	uint8_t	*nb;
	size_t	 ncap;

	if (need <= *cap)
		return 0;
	if (need > max)
		return -1;
	ncap = *cap > 0 ? *cap : 1024;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if ((nb = realloc(*buf, ncap)) == NULL)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* An answer with nothing in it yet. */
static void
answer_init(struct hello_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->outcome = HELLO_NEED_MORE;
	a->alert_level = -1;
	a->alert_desc = -1;
}

void
hello_reader_init(struct hello_reader *r, const struct hello_req *req)
{
	memset(r, 0, sizeof(*r));
	r->req = *req;
	r->state = RS_WAIT_SH;
	answer_init(&r->ans);
}

void
hello_reader_free(struct hello_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->hs);
	free(r->cert);
	free(r->cookie);
	free(r->pend);
	r->buf = r->hs = r->cert = r->cookie = r->pend = NULL;
	r->len = r->cap = r->hslen = r->hscap = r->plen = r->pcap = 0;
	r->ans.cert = r->ans.cookie = NULL;
	r->ans.cert_len = r->ans.cookie_len = 0;
}

/*
 * The one place the reader's state changes (bar finish()). A final read
 * stays final; only hello_reader_retry() starts one again, from RS_FINAL
 * to RS_WAIT_SH, after a HelloRetryRequest.
 */
static void
reader_enter(struct hello_reader *r, enum rstate st)
{
	if (r->state != RS_FINAL || (st == RS_WAIT_SH &&
	    r->ans.outcome == HELLO_HRR && !r->ans.retried))
		r->state = st;
}

/* End the read with outcome o; the first end (and reason) wins. */
static void
finish(struct hello_reader *r, enum hello_outcome o, const char *why)
{
	if (r->state == RS_FINAL)
		return;
	r->state = RS_FINAL;
	r->ans.outcome = o;
	if (o == HELLO_MALFORMED)
		r->ans.why = why;
}

/* Keep a copy of the leaf certificate if it is within HELLO_CERT_MAX. */
static int
keep_cert(struct hello_reader *r, const uint8_t *der, size_t len)
{
	if (len == 0 || len > HELLO_CERT_MAX || r->cert != NULL)
		return 0;
	if ((r->cert = malloc(len)) == NULL)
		return -1;
	memcpy(r->cert, der, len);
	r->ans.cert = r->cert;
	r->ans.cert_len = len;
	return 0;
}

/* Keep a copy of a HelloRetryRequest's cookie (RFC 8446 §4.2.2). */
static int
keep_cookie(struct hello_reader *r, const uint8_t *p, size_t len)
{
	if (r->cookie != NULL)
		return 0;
	if ((r->cookie = malloc(len)) == NULL)
		return -1;
	memcpy(r->cookie, p, len);
	r->ans.cookie = r->cookie;
	r->ans.cookie_len = len;
	return 0;
}

/* The ServerHello's extensions (RFC 5246 §7.4.1.4, RFC 8446 §4.2). */
static const char *
sh_extensions(struct hello_reader *r, struct rd *c, int hrr, int *have_sv,
    uint16_t *sv, int *have_ks, uint16_t *ks)
{
	struct hello_answer	*a = &r->ans;
	uint16_t		 seen[EXT_SEEN_MAX];
	size_t			 nseen = 0, i, elen, blen, clen;
	const uint8_t		*body, *cookie;
	unsigned		 type;

	elen = get16(c);
	if (c->err || elen != c->len - c->off)
		return "ServerHello extension block length lies";
	while (c->off < c->len) {
		struct rd	 e;

		type = get16(c);
		blen = get16(c);
		if ((body = get_bytes(c, blen)) == NULL)
			return "ServerHello extension length lies";
		for (i = 0; i < nseen; i++)
			if (seen[i] == type)
				return "duplicate ServerHello extension";
		if (nseen == EXT_SEEN_MAX)
			return "too many ServerHello extensions";
		seen[nseen++] = type;
		e.p = body;
		e.len = blen;
		e.off = 0;
		e.err = 0;
		switch (type) {
		case EXT_VERSIONS:
			*sv = get16(&e);
			*have_sv = 1;
			break;
		case EXT_KEY_SHARE:
			*ks = get16(&e);
			*have_ks = 1;
			if (!hrr) {
				size_t	 kl = get16(&e);

				if (kl == 0 || get_bytes(&e, kl) == NULL)
					return "key_share length lies";
			}
			break;
		case EXT_RENEG:
			/* Initial handshake: an empty renegotiated_connection
			 * (RFC 5746 §3.4). */
			if (get8(&e) != 0)
				return "renegotiation_info not empty";
			a->reneg_info = 1;
			break;
		case EXT_TICKET:
			a->ticket = 1;
			break;
		case EXT_STATUS_REQUEST:
			a->status = 1;
			break;
		case EXT_HEARTBEAT:
			if (get8(&e) == 0)
				return "heartbeat mode invalid";
			a->heartbeat = 1;
			break;
		case EXT_EMS:
			a->ems = 1;
			break;
		case EXT_ETM:
			a->etm = 1;
			break;
		case EXT_COOKIE:
			/* Only a HelloRetryRequest carries one (§4.2). */
			if (!hrr) {
				e.off = e.len;
				break;
			}
			clen = get16(&e);
			if ((cookie = get_bytes(&e, clen)) == NULL || clen == 0)
				return "cookie length lies";
			if (keep_cookie(r, cookie, clen) == -1)
				return "out of memory";
			break;
		default:
			/* Others (server_name, ec_point_formats, ALPN, ...)
			 * carry nothing we judge. */
			e.off = e.len;
			break;
		}
		if (e.err)
			return "ServerHello extension too short";
		if (e.off != e.len)
			return "ServerHello extension too long";
	}
	return NULL;
}

/* The ServerHello or HelloRetryRequest (RFC 5246 §7.4.1.3, RFC 8446
 * §4.1.3-4); returns the reason it is malformed, or NULL. */
static const char *
on_server_hello(struct hello_reader *r, const uint8_t *b, size_t n)
{
	const struct hello_req	*q = &r->req;
	struct hello_answer	*a = &r->ans;
	const struct suite	*s;
	struct rd		 c = { b, n, 0, 0 };
	const uint8_t		*rnd;
	const char		*why;
	uint16_t		 legacy, version, suite, sv = 0, ks = 0;
	size_t			 sid;
	int			 hrr, have_sv = 0, have_ks = 0;

	legacy = get16(&c);
	rnd = get_bytes(&c, 32);
	sid = get8(&c);
	if (c.err)
		return "ServerHello too short";
	if (sid > 32)
		return "session id longer than 32 bytes";
	get_bytes(&c, sid);
	suite = get16(&c);
	a->compression = get8(&c);
	if (c.err)
		return "ServerHello too short";
	hrr = memcmp(rnd, hrr_random, sizeof(hrr_random)) == 0;
	if (c.off < c.len && (why = sh_extensions(r, &c, hrr, &have_sv, &sv,
	    &have_ks, &ks)) != NULL)
		return why;

	if (have_sv) {
		if (legacy != VER_TLS12)
			return "legacy_version beside supported_versions is "
			    "not TLS 1.2";
		version = sv;
		if (version != VER_TLS13 || !version_offered(q, version))
			return "version never offered";
	} else {
		if (hrr)
			return "HelloRetryRequest without supported_versions";
		version = legacy;
		if (version > VER_TLS12 || !version_offered(q, version))
			return "version never offered";
	}
	if (suite == SCSV_RENEG || suite == SCSV_FALLBACK ||
	    !suite_offered(q, suite))
		return "suite never offered";
	if ((s = suite_find(suite)) != NULL) {
		if ((version == VER_TLS13) != ((s->classes & SC_TLS13) != 0))
			return "suite does not fit the version";
		if (version < s->min_version)
			return "suite does not fit the version";
	}
	if (a->compression != 0 && (version == VER_TLS13 ||
	    a->compression != 1 || !(q->flags & HELLO_F_DEFLATE)))
		return "compression method never offered";
	a->version = version;
	a->suite = suite;

	if (version == VER_TLS13) {
		/*
		 * RFC 8446 §4.2.8: an HRR names a group offered with no share;
		 * a ServerHello one we sent a share for. After our second
		 * hello (one share, for the HRR's group) the caller compares
		 * the groups: it judges a second HRR, too.
		 */
		if (hrr && have_ks) {
			if (!group_offered(q, ks))
				return "HelloRetryRequest for a group never "
				    "offered";
			if (!a->retried && group_shared(q, ks))
				return "HelloRetryRequest for a group that "
				    "had a share";
		} else if (!hrr) {
			if (!have_ks)
				return "TLS 1.3 ServerHello without key_share";
			if (a->retried ? !group_offered(q, ks) :
			    !group_shared(q, ks))
				return "key share for a group we sent none";
		}
		a->group = ks;
	} else if (memcmp(rnd + 24, downgrade_marker,
	    sizeof(downgrade_marker)) == 0 && rnd[31] <= 1)
		a->downgrade = 1;

	if (hrr) {
		finish(r, HELLO_HRR, NULL);
		return NULL;
	}
	a->sh_seen = 1;
	/* TLS 1.3: all that follows is encrypted. */
	if (version == VER_TLS13 ||
	    !(q->flags & (HELLO_F_WANT_CERT | HELLO_F_WANT_SKE)))
		finish(r, HELLO_SERVER_HELLO, NULL);
	else
		reader_enter(r, RS_AFTER_SH);
	return NULL;
}

/* Certificate (RFC 5246 §7.4.2): count, keep the leaf. */
static const char *
on_certificate(struct hello_reader *r, const uint8_t *b, size_t n)
{
	struct rd	 c = { b, n, 0, 0 };
	const uint8_t	*der;
	size_t		 total, l;

	total = get24(&c);
	if (c.err || total != n - 3)
		return "certificate list length lies";
	while (c.off < c.len) {
		l = get24(&c);
		if ((der = get_bytes(&c, l)) == NULL)
			return "certificate length lies";
		if (l == 0)
			return "empty certificate";
		if (r->ans.ncerts == 0 && keep_cert(r, der, l) == -1)
			return "out of memory";
		r->ans.ncerts++;
	}
	if (r->ans.ncerts == 0)
		return "empty Certificate message";
	return NULL;
}

/* CertificateStatus (RFC 6066 §8): one OCSP response. */
static const char *
on_cert_status(struct hello_reader *r, const uint8_t *b, size_t n)
{
	struct rd	 c = { b, n, 0, 0 };
	size_t		 l;

	if (get8(&c) != 1)
		return "CertificateStatus type is not ocsp";
	l = get24(&c);
	if (c.err || l == 0 || l != c.len - c.off)
		return "CertificateStatus length lies";
	r->ans.stapled = 1;
	return NULL;
}

/* Bits of a big-endian unsigned number, leading zeros ignored. */
static int
bit_length(const uint8_t *p, size_t n)
{
	size_t	 i = 0;
	int	 bits;
	unsigned v;

	while (i < n && p[i] == 0)
		i++;
	if (i == n)
		return 0;
	bits = (int)(n - i - 1) * 8;
	for (v = p[i]; v != 0; v >>= 1)
		bits++;
	return bits;
}

/* ServerKeyExchange: the DH prime size or the named curve (RFC 5246
 * §7.4.3, RFC 8422 §5.4, RFC 4279 §3-4). The signature is not checked. */
static const char *
on_ske(struct hello_reader *r, const uint8_t *b, size_t n)
{
	const struct suite	*s = suite_find(r->ans.suite);
	struct rd		 c = { b, n, 0, 0 };
	const uint8_t		*p;
	size_t			 l;
	unsigned		 ct;

	r->ans.ske_seen = 1;
	if (s == NULL)
		return NULL;
	if (s->kx == KX_DHE_PSK || s->kx == KX_ECDHE_PSK)
		get_bytes(&c, get16(&c));	/* psk_identity_hint */
	if (s->kx == KX_DHE || s->kx == KX_DHE_PSK) {
		l = get16(&c);
		p = get_bytes(&c, l);
		if (c.err || l == 0)
			return "DH parameters malformed";
		r->ans.dh_bits = bit_length(p, l);
		if (r->ans.dh_bits == 0)
			return "DH prime is zero";
		l = get16(&c);
		if (get_bytes(&c, l) == NULL || l == 0)
			return "DH parameters malformed";
		l = get16(&c);
		if (get_bytes(&c, l) == NULL || l == 0)
			return "DH parameters malformed";
	} else if (s->kx == KX_ECDHE || s->kx == KX_ECDHE_PSK) {
		ct = get8(&c);
		if (c.err)
			return "ECDH parameters malformed";
		if (ct == 1 || ct == 2) {
			/* explicit_prime / explicit_char2 (RFC 4492 §5.4). */
			r->ans.ske_group_explicit = 1;
			return NULL;
		}
		if (ct != 3)
			return "ECDH curve type unknown";
		r->ans.group = get16(&c);
		l = get8(&c);
		if (get_bytes(&c, l) == NULL || l == 0)
			return "ECDH parameters malformed";
	}
	return NULL;
}

/* 1 if the caller's WANT flags are satisfied once the Certificate (and,
 * if the server promised one, the CertificateStatus) arrived. */
static int
cert_is_enough(const struct hello_reader *r)
{
	return (r->req.flags & HELLO_F_WANT_CERT) &&
	    !(r->req.flags & HELLO_F_WANT_SKE);
}

/* One server handshake message after the ServerHello (TLS <= 1.2). */
static const char *
on_flight(struct hello_reader *r, unsigned type, const uint8_t *b, size_t n)
{
	const char	*why = NULL;
	int		 st = r->state;

	switch (type) {
	case HS_HELLO_REQUEST:
		return n == 0 ? NULL : "HelloRequest not empty";
	case HS_SERVER_HELLO:
		return "second ServerHello";
	case HS_CERTIFICATE:
		if (st != RS_AFTER_SH)
			return "Certificate out of order";
		if ((why = on_certificate(r, b, n)) != NULL)
			return why;
		reader_enter(r, RS_AFTER_CERT);
		if (cert_is_enough(r) && !r->ans.status)
			finish(r, HELLO_SERVER_HELLO, NULL);
		return NULL;
	case HS_CERT_STATUS:
		if (st != RS_AFTER_CERT)
			return "CertificateStatus out of order";
		if ((why = on_cert_status(r, b, n)) != NULL)
			return why;
		reader_enter(r, RS_AFTER_STATUS);
		if (cert_is_enough(r))
			finish(r, HELLO_SERVER_HELLO, NULL);
		return NULL;
	case HS_SKE:
		if (st != RS_AFTER_SH && st != RS_AFTER_CERT &&
		    st != RS_AFTER_STATUS)
			return "ServerKeyExchange out of order";
		if ((why = on_ske(r, b, n)) != NULL)
			return why;
		reader_enter(r, RS_AFTER_SKE);
		return NULL;
	case HS_CERT_REQUEST:
		if (st == RS_AFTER_CREQ)
			return "CertificateRequest out of order";
		reader_enter(r, RS_AFTER_CREQ);
		return NULL;
	case HS_DONE:
		if (n != 0)
			return "ServerHelloDone not empty";
		r->ans.done_seen = 1;
		finish(r, HELLO_SERVER_HELLO, NULL);
		return NULL;
	}
	return "unexpected handshake message";
}

/* One complete handshake message. */
static const char *
on_message(struct hello_reader *r, unsigned type, const uint8_t *b, size_t n)
{
	if (r->state != RS_WAIT_SH)
		return on_flight(r, type, b, n);
	if (type == HS_SERVER_HELLO)
		return on_server_hello(r, b, n);
	/* RFC 5246 §7.4.1.1: a HelloRequest may come at any time. */
	if (type == HS_HELLO_REQUEST && n == 0)
		return NULL;
	return "handshake message before ServerHello";
}

/* A handshake record: reassemble messages across records (RFC 5246
 * §6.2.1), several may share one record. */
static void
on_handshake(struct hello_reader *r, const uint8_t *p, size_t n)
{
	const char	*why = NULL;
	size_t		 off = 0, mlen;

	if (n == 0) {
		finish(r, HELLO_MALFORMED, "empty handshake record");
		return;
	}
	if (grow(&r->hs, &r->hscap, r->hslen + n, HS_BUF_MAX) == -1) {
		finish(r, HELLO_MALFORMED, "handshake message too long");
		return;
	}
	memcpy(r->hs + r->hslen, p, n);
	r->hslen += n;
	while (r->state != RS_FINAL && r->hslen - off >= 4) {
		mlen = (size_t)r->hs[off + 1] << 16 |
		    (size_t)r->hs[off + 2] << 8 | r->hs[off + 3];
		if (mlen > HELLO_HS_MAX) {
			why = "handshake message too long";
			break;
		}
		if (r->hslen - off - 4 < mlen)
			break;
		why = on_message(r, r->hs[off], r->hs + off + 4, mlen);
		if (why != NULL)
			break;
		off += 4 + mlen;
	}
	if (why != NULL) {
		finish(r, HELLO_MALFORMED, why);
		return;
	}
	if (off > 0) {
		memmove(r->hs, r->hs + off, r->hslen - off);
		r->hslen -= off;
	}
}

/* An alert record (RFC 5246 §7.2). */
static void
on_alert(struct hello_reader *r, const uint8_t *p, size_t n)
{
	struct hello_answer	*a = &r->ans;

	if (n < 2) {
		finish(r, HELLO_MALFORMED, "alert record too short");
		return;
	}
	/* A warning before the ServerHello (unrecognized_name from some
	 * servers) does not end the handshake; close_notify does. */
	if (p[0] == 1 && p[1] != 0 && r->state == RS_WAIT_SH) {
		if (++a->warnings > WARN_MAX)
			finish(r, HELLO_MALFORMED, "too many warning alerts");
		return;
	}
	a->alert_level = p[0];
	a->alert_desc = p[1];
	finish(r, a->sh_seen ? HELLO_SERVER_HELLO : HELLO_ALERT, NULL);
}

/* SSLv2 SERVER-HELLO (SSLv2 draft §2.6): certificate and cipher kinds. */
static const char *
on_ssl2_server_hello(struct hello_reader *r, const uint8_t *p, size_t n)
{
	struct hello_answer	*a = &r->ans;
	struct rd		 c = { p, n, 0, 0 };
	const uint8_t		*cert, *specs;
	size_t			 clen, slen, idlen, i;

	get8(&c);				/* message type */
	get8(&c);				/* session id hit */
	get8(&c);				/* certificate type */
	if (get16(&c) != VER_SSL2 && !c.err)
		return "SSLv2 SERVER-HELLO version is not 2";
	clen = get16(&c);
	slen = get16(&c);
	idlen = get16(&c);
	if (c.err)
		return "SSLv2 SERVER-HELLO too short";
	cert = get_bytes(&c, clen);
	specs = get_bytes(&c, slen);
	get_bytes(&c, idlen);
	if (c.err || c.off != c.len)
		return "SSLv2 SERVER-HELLO lengths lie";
	if (slen % 3 != 0)
		return "SSLv2 cipher specs not a multiple of 3";
	if (clen > 0) {
		if (keep_cert(r, cert, clen) == -1)
			return "out of memory";
		a->ncerts = 1;
	}
	for (i = 0; i < slen / 3 && i < NELEM(a->ssl2_kinds); i++)
		a->ssl2_kinds[i] = (uint32_t)specs[3 * i] << 16 |
		    (uint32_t)specs[3 * i + 1] << 8 | specs[3 * i + 2];
	a->nssl2_kinds = (int)i;
	a->version = VER_SSL2;
	finish(r, HELLO_SSL2, NULL);
	return NULL;
}

/* One SSLv2 record: SERVER-HELLO or ERROR; nothing else may come first. */
static void
on_ssl2_record(struct hello_reader *r, const uint8_t *p, size_t n)
{
	const char	*why;

	if (n == 0) {
		finish(r, HELLO_MALFORMED, "empty SSLv2 record");
		return;
	}
	switch (p[0]) {
	case SSL2_MT_SERVER_HELLO:
		if ((why = on_ssl2_server_hello(r, p, n)) != NULL)
			finish(r, HELLO_MALFORMED, why);
		return;
	case SSL2_MT_ERROR:
		if (n != 3) {
			finish(r, HELLO_MALFORMED, "SSLv2 ERROR length wrong");
			return;
		}
		/* Reported as a fatal alert with the SSLv2 error code
		 * (1 no cipher, 2 no certificate, 4 bad certificate, 6
		 * unsupported certificate type). */
		r->ans.alert_level = 2;
		r->ans.alert_desc = p[1] << 8 | p[2];
		finish(r, HELLO_ALERT, NULL);
		return;
	}
	finish(r, HELLO_MALFORMED, "unexpected SSLv2 message");
}

/*
 * Total size of the record at the head of r->buf (at least TLS_HDR bytes
 * there), header included; 0 if the header is bad (the read is finished).
 * The first record decides whether an SSLv2 hello is answered in SSLv2.
 */
static size_t
record_need(struct hello_reader *r)
{
	const uint8_t	*h = r->buf;
	size_t		 len, hdr, pad;

	if (r->ans.record_version == 0) {
		r->ssl2 = r->req.version == VER_SSL2 &&
		    (h[0] & 0x80 || h[0] < CT_CCS || h[0] > CT_HEARTBEAT);
		r->ans.record_version = r->ssl2 ? VER_SSL2 : h[1] << 8 | h[2];
	}
	if (r->ssl2) {
		/* Two-byte header, or three with padding (SSLv2 §1.2). */
		if (h[0] & 0x80) {
			hdr = 2;
			len = (size_t)(h[0] & 0x7f) << 8 | h[1];
			pad = 0;
		} else {
			hdr = 3;
			len = (size_t)(h[0] & 0x3f) << 8 | h[1];
			pad = h[2];
		}
		if (pad > len || hdr + len < TLS_HDR) {
			finish(r, HELLO_MALFORMED, "SSLv2 record too short");
			return 0;
		}
		return hdr + len;
	}
	switch (h[0]) {
	case CT_CCS:
	case CT_ALERT:
	case CT_HANDSHAKE:
		break;
	case CT_APPDATA:
		finish(r, HELLO_MALFORMED,
		    "application data before the handshake ended");
		return 0;
	case CT_HEARTBEAT:
		finish(r, HELLO_MALFORMED, "heartbeat during the handshake");
		return 0;
	default:
		finish(r, HELLO_MALFORMED, "not a TLS record");
		return 0;
	}
	if (h[1] != 3) {
		finish(r, HELLO_MALFORMED, "record version is not 3.x");
		return 0;
	}
	len = (size_t)h[3] << 8 | h[4];
	if (len > HELLO_REC_MAX) {
		finish(r, HELLO_MALFORMED, "record length lies");
		return 0;
	}
	return TLS_HDR + len;
}

/* Handle the complete record in r->buf (need bytes). */
static void
on_record(struct hello_reader *r, size_t need)
{
	const uint8_t	*p = r->buf;
	size_t		 n;

	if (r->ssl2) {
		if (p[0] & 0x80)
			on_ssl2_record(r, p + 2, need - 2);
		else
			on_ssl2_record(r, p + 3, need - 3 - p[2]);
		return;
	}
	n = need - TLS_HDR;
	switch (p[0]) {
	case CT_HANDSHAKE:
		on_handshake(r, p + TLS_HDR, n);
		return;
	case CT_ALERT:
		on_alert(r, p + TLS_HDR, n);
		return;
	case CT_CCS:
		/* TLS 1.3 middlebox compatibility (RFC 8446 Appendix D.4);
		 * never inside a handshake message (§5.1). */
		if (n != 1 || p[TLS_HDR] != 1)
			finish(r, HELLO_MALFORMED, "bad change_cipher_spec");
		else if (r->hslen != 0)
			finish(r, HELLO_MALFORMED,
			    "change_cipher_spec inside a handshake message");
		return;
	}
	finish(r, HELLO_MALFORMED, "not a TLS record");
}

/*
 * Bytes fed after a HelloRetryRequest, before hello_reader_retry(): kept
 * to be read then, up to a record's worth.
 */
static void
keep_pending(struct hello_reader *r, const uint8_t *data, size_t len)
{
	if (len == 0 || r->pend_over)
		return;
	if (len > PEND_MAX - r->plen ||
	    grow(&r->pend, &r->pcap, r->plen + len, PEND_MAX) == -1) {
		r->pend_over = 1;
		return;
	}
	memcpy(r->pend + r->plen, data, len);
	r->plen += len;
}

/* Copy the answer out; ans->cert points into the reader. */
static enum hello_outcome
answer(struct hello_reader *r, struct hello_answer *ans)
{
	if (r->state != RS_FINAL)
		r->ans.outcome = HELLO_NEED_MORE;
	if (ans != NULL)
		*ans = r->ans;
	return r->ans.outcome;
}

enum hello_outcome
hello_read(struct hello_reader *r, const uint8_t *data, size_t len,
    struct hello_answer *ans)
{
	size_t	 need, take;

	while (r->state != RS_FINAL) {
		need = TLS_HDR;
		if (r->len >= TLS_HDR) {
			if ((need = record_need(r)) == 0)
				break;
			if (r->len == need) {
				on_record(r, need);
				r->len = 0;
				continue;
			}
		}
		if (len == 0)
			break;
		take = need - r->len;
		if (take > len)
			take = len;
		if (take > HELLO_IN_MAX - r->total) {
			finish(r, HELLO_MALFORMED, "answer too long");
			break;
		}
		if (grow(&r->buf, &r->cap, need, IN_BUF_MAX) == -1) {
			finish(r, HELLO_MALFORMED, "out of memory");
			break;
		}
		memcpy(r->buf + r->len, data, take);
		r->len += take;
		r->total += take;
		data += take;
		len -= take;
	}
	if (r->ans.outcome == HELLO_HRR && !r->ans.retried)
		keep_pending(r, data, len);
	return answer(r, ans);
}

/*
 * What came before our second ClientHello can answer nothing: only the
 * change_cipher_spec of middlebox compatibility mode (RFC 8446 Appendix
 * D.4) or an alert may be there. The type of every record that starts in
 * the pending bytes is checked; NULL if they are fine.
 */
static const char *
pending_check(const struct hello_reader *r)
{
	size_t	 off = 0;

	if (r->pend_over)
		return "too much data after the HelloRetryRequest";
	if (r->hslen > 0)
		return "handshake data after the HelloRetryRequest";
	while (off < r->plen) {
		if (r->pend[off] != CT_CCS && r->pend[off] != CT_ALERT)
			return "data other than change_cipher_spec after the "
			    "HelloRetryRequest";
		if (r->plen - off < TLS_HDR)
			break;
		off += TLS_HDR + ((size_t)r->pend[off + 3] << 8 |
		    r->pend[off + 4]);
	}
	return NULL;
}

enum hello_outcome
hello_reader_retry(struct hello_reader *r, struct hello_answer *ans)
{
	struct hello_answer	*a = &r->ans, hrr;
	const char		*why;
	uint8_t			*pend;
	size_t			 plen;

	if (r->state != RS_FINAL || a->outcome != HELLO_HRR || a->retried)
		return answer(r, ans);
	hrr = *a;
	reader_enter(r, RS_WAIT_SH);
	answer_init(a);
	a->record_version = hrr.record_version;
	a->cookie = hrr.cookie;
	a->cookie_len = hrr.cookie_len;
	a->retried = 1;
	a->hrr_suite = hrr.suite;
	a->hrr_group = hrr.group;
	if ((why = pending_check(r)) != NULL) {
		finish(r, HELLO_MALFORMED, why);
		return answer(r, ans);
	}
	pend = r->pend;
	plen = r->plen;
	r->pend = NULL;
	r->plen = r->pcap = 0;
	hello_read(r, pend, plen, NULL);
	free(pend);
	return answer(r, ans);
}

enum hello_outcome
hello_close(struct hello_reader *r, struct hello_answer *ans)
{
	/* The ServerHello answered the main question; what the caller
	 * wanted beyond it simply did not come. */
	if (r->ans.sh_seen)
		finish(r, HELLO_SERVER_HELLO, NULL);
	else
		finish(r, HELLO_CLOSED, NULL);
	return answer(r, ans);
}

size_t
hello_heartbeat(uint16_t version, uint8_t *out, size_t cap)
{
	/* heartbeat_request, payload_length 16384, no payload, no padding:
	 * the request a fixed server silently drops (RFC 6520 §4). */
	const uint8_t	 probe[8] = { CT_HEARTBEAT, version >> 8,
	    version & 0xff, 0x00, 0x03, 0x01, 0x40, 0x00 };

	if (version < VER_TLS10 || version > VER_TLS12 || out == NULL ||
	    cap < sizeof(probe))
		return 0;
	memcpy(out, probe, sizeof(probe));
	return sizeof(probe);
}

enum hello_hb
hello_heartbeat_read(struct hello_reader *r, const uint8_t *data, size_t len,
    size_t *echoed)
{
	size_t	 take, rlen;

	if (!r->hb_started) {
		/* Whatever the handshake reader had buffered is done with. */
		r->hb_started = 1;
		r->len = 0;
	}
	while (r->hb_done == 0 && len > 0) {
		if (r->hb_skip > 0) {
			take = r->hb_skip < len ? r->hb_skip : len;
		} else {
			if (grow(&r->buf, &r->cap, TLS_HDR, IN_BUF_MAX) == -1) {
				r->hb_done = HELLO_HB_NOT_VULNERABLE;
				break;
			}
			take = TLS_HDR - r->len < len ? TLS_HDR - r->len : len;
			memcpy(r->buf + r->len, data, take);
			r->len += take;
		}
		if (take > HELLO_IN_MAX - r->hb_total) {
			r->hb_done = HELLO_HB_NOT_VULNERABLE;
			break;
		}
		r->hb_total += take;
		data += take;
		len -= take;
		if (r->hb_skip > 0) {
			r->hb_skip -= take;
			continue;
		}
		if (r->len < TLS_HDR)
			continue;
		r->len = 0;
		rlen = (size_t)r->buf[3] << 8 | r->buf[4];
		if (r->buf[0] == CT_HEARTBEAT) {
			/* Our request was 3 bytes; more came back. */
			r->hb_echoed = rlen;
			r->hb_done = rlen > 3 ? HELLO_HB_VULNERABLE :
			    HELLO_HB_NOT_VULNERABLE;
		} else if (r->buf[0] == CT_HANDSHAKE && r->buf[1] == 3)
			r->hb_skip = rlen;	/* late handshake record */
		else
			r->hb_done = HELLO_HB_NOT_VULNERABLE;
	}
	if (echoed != NULL)
		*echoed = r->hb_echoed;
	return r->hb_done == 0 ? HELLO_HB_NEED_MORE : (enum hello_hb)r->hb_done;
}
