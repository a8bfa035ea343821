/*
 * Unit tests: our ClientHello builder and the bounded reader for the
 * server's answer (scan_hello.c). The server answers are written by hand,
 * field by field, as a server would send them.
 */
#include <stdio.h>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "unit.h"

#include "scan_hello.h"
#include "scan_suites.h"

#define B(...)	(const uint8_t[]){ __VA_ARGS__ }, \
		sizeof((const uint8_t[]){ __VA_ARGS__ })

/* 32 bytes of b: a server random, a session id, an x25519 share. */
#define X32(b)	b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, \
		b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b

/* Assert that p starts with the given bytes. */
#define ASSERT_BYTES(p, ...)						\
	do {								\
		static const uint8_t want_[] = { __VA_ARGS__ };		\
									\
		assert_memory_equal((p), want_, sizeof(want_));	\
	} while (0)
#define HRR_RANDOM \
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, \
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, \
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c

/* The requests the answers below reply to. */
static const uint16_t suites12[] = { 0xc02f, 0xc030, 0x009e, 0x0033,
    0x002f, 0x000a };
static const uint16_t suites13[] = { 0x1301, 0x1302, 0x1303 };
static const uint16_t suites_mixed[] = { 0x1301, 0x1302, 0xc02f, 0x002f };
static const uint16_t suites_ssl3[] = { 0x0005, 0x0004, 0x000a, 0x002f };
static const uint16_t groups13[] = { 29, 23, 24 };

static const struct hello_req req12 = {
	.version = VER_TLS12, .suites = suites12, .nsuites = NELEM(suites12),
	.sni = "mx.example.test",
	.flags = HELLO_F_RENEG | HELLO_F_STATUS | HELLO_F_TICKET |
	    HELLO_F_EMS | HELLO_F_ETM | HELLO_F_HEARTBEAT,
};
static const struct hello_req req12_ske = {
	.version = VER_TLS12, .suites = suites12, .nsuites = NELEM(suites12),
	.flags = HELLO_F_RENEG | HELLO_F_HEARTBEAT | HELLO_F_WANT_CERT |
	    HELLO_F_WANT_SKE,
};
static const struct hello_req req12_cert = {
	.version = VER_TLS12, .suites = suites12, .nsuites = NELEM(suites12),
	.flags = HELLO_F_WANT_CERT,
};
static const struct hello_req req10 = {
	.version = VER_TLS10, .suites = suites12, .nsuites = NELEM(suites12),
};
static const struct hello_req req13 = {
	.version = VER_TLS13, .suites = suites13, .nsuites = NELEM(suites13),
	.groups = groups13, .ngroups = NELEM(groups13), .sni = "mx.test",
};
static const struct hello_req req13_mixed = {
	.version = VER_TLS13, .min_version = VER_TLS10,
	.suites = suites_mixed, .nsuites = NELEM(suites_mixed),
	.flags = HELLO_F_WANT_SKE,
};
static const struct hello_req req_ssl3 = {
	.version = VER_SSL3, .suites = suites_ssl3,
	.nsuites = NELEM(suites_ssl3), .flags = HELLO_F_RENEG | HELLO_F_SCSV,
};
static const struct hello_req req_ssl2 = {
	.version = VER_SSL2,
};

/* TLS 1.2 ServerHello: ECDHE-RSA-AES128-GCM-SHA256, renegotiation_info. */
static const uint8_t sh12[] = {
	0x16, 0x03, 0x03, 0x00, 0x31,		/* handshake record, 49 */
	0x02, 0x00, 0x00, 0x2d,			/* ServerHello, 45 */
	0x03, 0x03,				/* TLS 1.2 */
	X32(0x11),				/* random */
	0x00,					/* no session id */
	0xc0, 0x2f,				/* suite */
	0x00,					/* no compression */
	0x00, 0x05,				/* extensions, 5 */
	0xff, 0x01, 0x00, 0x01, 0x00,		/* renegotiation_info */
};

/* TLS 1.3 ServerHello (x25519), then what follows it in the same flight:
 * middlebox CCS and encrypted records the reader must not look at. */
static const uint8_t sh13[] = {
	0x16, 0x03, 0x03, 0x00, 0x7a,		/* handshake record, 122 */
	0x02, 0x00, 0x00, 0x76,			/* ServerHello, 118 */
	0x03, 0x03,				/* legacy_version */
	X32(0x22),
	0x20, X32(0x33),			/* session id echo */
	0x13, 0x01,				/* TLS_AES_128_GCM_SHA256 */
	0x00,
	0x00, 0x2e,				/* extensions, 46 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,	/* supported_versions */
	0x00, 0x33, 0x00, 0x24,			/* key_share, 36 */
	0x00, 0x1d, 0x00, 0x20, X32(0x44),	/* x25519 */
	0x14, 0x03, 0x03, 0x00, 0x01, 0x01,	/* change_cipher_spec */
	0x17, 0x03, 0x03, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00,
};

/* HelloRetryRequest asking for secp384r1. */
static const uint8_t hrr[] = {
	0x16, 0x03, 0x03, 0x00, 0x58,		/* handshake record, 88 */
	0x02, 0x00, 0x00, 0x54,			/* ServerHello, 84 */
	0x03, 0x03,
	HRR_RANDOM,
	0x20, X32(0x33),
	0x13, 0x02,				/* TLS_AES_256_GCM_SHA384 */
	0x00,
	0x00, 0x0c,				/* extensions, 12 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,	/* supported_versions */
	0x00, 0x33, 0x00, 0x02, 0x00, 0x18,	/* key_share: secp384r1 */
};

/* HelloRetryRequest for secp384r1 with a cookie (RFC 8446 §4.2.2). */
static const uint8_t hrr_cookie[] = {
	0x16, 0x03, 0x03, 0x00, 0x63,		/* handshake record, 99 */
	0x02, 0x00, 0x00, 0x5f,			/* ServerHello, 95 */
	0x03, 0x03,
	HRR_RANDOM,
	0x20, X32(0x33),
	0x13, 0x02,				/* TLS_AES_256_GCM_SHA384 */
	0x00,
	0x00, 0x17,				/* extensions, 23 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,	/* supported_versions */
	0x00, 0x33, 0x00, 0x02, 0x00, 0x18,	/* key_share: secp384r1 */
	0x00, 0x2c, 0x00, 0x07,			/* cookie, 7 */
	0x00, 0x05, 'c', 'o', 'o', 'k', 'y',
};

/* The ServerHello to our second hello: secp384r1, a 97-byte point. */
static const uint8_t sh13_p384[] = {
	0x16, 0x03, 0x03, 0x00, 0xbb,		/* handshake record, 187 */
	0x02, 0x00, 0x00, 0xb7,			/* ServerHello, 183 */
	0x03, 0x03, X32(0x22),
	0x20, X32(0x33),
	0x13, 0x02,
	0x00,
	0x00, 0x6f,				/* extensions, 111 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	0x00, 0x33, 0x00, 0x65,			/* key_share, 101 */
	0x00, 0x18, 0x00, 0x61, 0x04, X32(0x44), X32(0x44), X32(0x44),
};

/* More than the reader keeps between an HRR and our second hello. */
#define PEND_JUNK	(5 + 16384 + 2048 + 1)

/* The compatibility change_cipher_spec (RFC 8446 Appendix D.4). */
static const uint8_t ccs_rec[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };

/* SSLv3 ServerHello choosing RC4-SHA, no extensions. */
static const uint8_t sh_ssl3[] = {
	0x16, 0x03, 0x00, 0x00, 0x2a,		/* handshake record, 42 */
	0x02, 0x00, 0x00, 0x26,			/* ServerHello, 38 */
	0x03, 0x00,				/* SSLv3 */
	X32(0x55),
	0x00,
	0x00, 0x05,				/* TLS_RSA_WITH_RC4_128_SHA */
	0x00,
};

/* SSLv2 SERVER-HELLO: a 4-byte "certificate", two cipher kinds. */
static const uint8_t sh_ssl2[] = {
	0x80, 0x25,				/* two-byte header, 37 */
	0x04,					/* SERVER-HELLO */
	0x00,					/* session id hit */
	0x01,					/* X.509 certificate */
	0x00, 0x02,				/* SSLv2 */
	0x00, 0x04,				/* certificate, 4 */
	0x00, 0x06,				/* cipher specs, 6 */
	0x00, 0x10,				/* connection id, 16 */
	0x30, 0x02, 0x05, 0x00,
	0x01, 0x00, 0x80,			/* RC4-MD5 */
	0x07, 0x00, 0xc0,			/* DES-CBC3-MD5 */
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/* SSLv2 ERROR: no cipher. */
static const uint8_t ssl2_error[] = { 0x80, 0x03, 0x00, 0x00, 0x01 };

/* Fatal handshake_failure. */
static const uint8_t alert40[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };

/* TLS 1.2 ServerHello without extensions, then a fatal alert. */
static const uint8_t sh_then_alert[] = {
	0x16, 0x03, 0x03, 0x00, 0x2a,
	0x02, 0x00, 0x00, 0x26,
	0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50,	/* internal_error */
};

/*
 * The whole TLS 1.2 flight in one record: ServerHello (DHE-RSA-AES128-GCM,
 * heartbeat extension), Certificate (two fake certificates), a
 * ServerKeyExchange with a 1024-bit p behind a leading zero byte, and
 * ServerHelloDone.
 */
static const uint8_t flight_dhe[] = {
	0x16, 0x03, 0x03, 0x00, 0xd9,		/* handshake record, 217 */
	0x02, 0x00, 0x00, 0x2d,			/* ServerHello, 45 */
	0x03, 0x03, X32(0x11), 0x00, 0x00, 0x9e, 0x00,
	0x00, 0x05,
	0x00, 0x0f, 0x00, 0x01, 0x01,		/* heartbeat */
	0x0b, 0x00, 0x00, 0x12,			/* Certificate, 18 */
	0x00, 0x00, 0x0f,			/* list, 15 */
	0x00, 0x00, 0x05, 0x30, 0x03, 0x02, 0x01, 0x07,	/* leaf */
	0x00, 0x00, 0x04, 0x30, 0x02, 0x05, 0x00,	/* CA */
	0x0c, 0x00, 0x00, 0x8a,			/* ServerKeyExchange, 138 */
	0x00, 0x81,				/* p, 129 */
	0x00, X32(0xff), X32(0xff), X32(0xff), X32(0xff),
	0x00, 0x01, 0x02,			/* g */
	0x00, 0x02, 0x12, 0x34,			/* Ys */
	0x0e, 0x00, 0x00, 0x00,			/* ServerHelloDone */
};

/* Heartbeat record: a vulnerable server's answer to our probe. */
static const uint8_t hb_leak[] = { 0x18, 0x03, 0x03, 0x40, 0x13, 0x02,
    0x40, 0x00, 0x41, 0x41 };

struct answer_case {
	const char		*name;
	const struct hello_req	*req;
	const uint8_t		*in;
	size_t			 len;
	enum hello_outcome	 want;
	const char		*why;		/* HELLO_MALFORMED */
	uint16_t		 version;
	uint16_t		 suite;
	uint16_t		 group;
};

static const struct answer_case cases[] = {
	{ "TLS 1.2 ECDHE-RSA-AES128-GCM", &req12, sh12, sizeof(sh12),
	  HELLO_SERVER_HELLO, NULL, VER_TLS12, 0xc02f, 0 },
	{ "TLS 1.3 x25519", &req13, sh13, sizeof(sh13), HELLO_SERVER_HELLO,
	  NULL, VER_TLS13, 0x1301, 29 },
	{ "HelloRetryRequest", &req13, hrr, sizeof(hrr), HELLO_HRR, NULL,
	  VER_TLS13, 0x1302, 24 },
	{ "SSLv3 RC4", &req_ssl3, sh_ssl3, sizeof(sh_ssl3),
	  HELLO_SERVER_HELLO, NULL, VER_SSL3, 0x0005, 0 },
	{ "SSLv2 SERVER-HELLO", &req_ssl2, sh_ssl2, sizeof(sh_ssl2),
	  HELLO_SSL2, NULL, VER_SSL2, 0, 0 },
	{ "SSLv2 ERROR", &req_ssl2, ssl2_error, sizeof(ssl2_error),
	  HELLO_ALERT, NULL, 0, 0, 0 },
	{ "alert 40", &req12, alert40, sizeof(alert40), HELLO_ALERT, NULL, 0,
	  0, 0 },
	{ "TLS alert to SSLv2", &req_ssl2, alert40, sizeof(alert40),
	  HELLO_ALERT, NULL, 0, 0, 0 },
	{ "alert after ServerHello", &req12_cert, sh_then_alert,
	  sizeof(sh_then_alert), HELLO_SERVER_HELLO, NULL, VER_TLS12,
	  0xc02f, 0 },
	{ "flight DHE-1024", &req12_ske, flight_dhe, sizeof(flight_dhe),
	  HELLO_SERVER_HELLO, NULL, VER_TLS12, 0x009e, 0 },
	{ "TLS 1.2 via a TLS 1.3 hello", &req13_mixed, sh12, sizeof(sh12),
	  HELLO_NEED_MORE, NULL, 0, 0, 0 },
	{ "TLS 1.3 via a mixed hello", &req13_mixed, sh13, sizeof(sh13),
	  HELLO_SERVER_HELLO, NULL, VER_TLS13, 0x1301, 29 },
	{ "suite not offered", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0x00, 0x35, 0x00),
	  HELLO_MALFORMED, "suite never offered", 0, 0, 0 },
	{ "SCSV chosen", &req_ssl3, B(
	  0x16, 0x03, 0x00, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x00, X32(0x11), 0x00, 0x56, 0x00, 0x00),
	  HELLO_MALFORMED, "suite never offered", 0, 0, 0 },
	{ "version not offered", &req10, sh12, sizeof(sh12), HELLO_MALFORMED,
	  "version never offered", 0, 0, 0 },
	{ "unknown version", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x05, X32(0x11), 0x00, 0xc0, 0x2f, 0x00),
	  HELLO_MALFORMED, "version never offered", 0, 0, 0 },
	{ "TLS 1.3 to a TLS 1.2 hello", &req12, sh13, sizeof(sh13),
	  HELLO_MALFORMED, "version never offered", 0, 0, 0 },
	{ "TLS 1.2 suite in TLS 1.3", &req13_mixed, B(
	  0x16, 0x03, 0x03, 0x00, 0x32, 0x02, 0x00, 0x00, 0x2e,
	  0x03, 0x03, X32(0x22), 0x00, 0xc0, 0x2f, 0x00,
	  0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04),
	  HELLO_MALFORMED, "suite does not fit the version", 0, 0, 0 },
	{ "GCM in TLS 1.0", &req12, B(
	  0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x01, X32(0x11), 0x00, 0xc0, 0x2f, 0x00),
	  HELLO_MALFORMED, "suite does not fit the version", 0, 0, 0 },
	{ "record length lies", &req12, B(
	  0x16, 0x03, 0x03, 0x48, 0x01, 0x02),
	  HELLO_MALFORMED, "record length lies", 0, 0, 0 },
	{ "record version 2", &req12, B(0x16, 0x02, 0x00, 0x00, 0x01, 0x02),
	  HELLO_MALFORMED, "record version is not 3.x", 0, 0, 0 },
	{ "application data", &req12, B(0x17, 0x03, 0x03, 0x00, 0x01, 0x00),
	  HELLO_MALFORMED, "application data before the handshake ended",
	  0, 0, 0 },
	{ "SMTP text instead of TLS", &req12, B('5', '5', '4', ' ', '5', '.',
	  '7', '.', '0', '\r', '\n'),
	  HELLO_MALFORMED, "not a TLS record", 0, 0, 0 },
	{ "empty handshake record", &req12, B(0x16, 0x03, 0x03, 0x00, 0x00),
	  HELLO_MALFORMED, "empty handshake record", 0, 0, 0 },
	{ "short alert", &req12, B(0x15, 0x03, 0x03, 0x00, 0x01, 0x02),
	  HELLO_MALFORMED, "alert record too short", 0, 0, 0 },
	{ "Certificate before ServerHello", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x07, 0x0b, 0x00, 0x00, 0x03,
	  0x00, 0x00, 0x00),
	  HELLO_MALFORMED, "handshake message before ServerHello", 0, 0, 0 },
	{ "session id 33", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x21, 0xc0, 0x2f, 0x00),
	  HELLO_MALFORMED, "session id longer than 32 bytes", 0, 0, 0 },
	{ "ServerHello too short", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x08, 0x02, 0x00, 0x00, 0x04,
	  0x03, 0x03, 0x11, 0x11),
	  HELLO_MALFORMED, "ServerHello too short", 0, 0, 0 },
	{ "extension block lies", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x2e, 0x02, 0x00, 0x00, 0x2a,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x00, 0x05, 0xff, 0x01),
	  HELLO_MALFORMED, "ServerHello extension block length lies", 0, 0,
	  0 },
	{ "duplicate extension", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x34, 0x02, 0x00, 0x00, 0x30,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x00, 0x08, 0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00),
	  HELLO_MALFORMED, "duplicate ServerHello extension", 0, 0, 0 },
	{ "renegotiation_info not empty", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x31, 0x02, 0x00, 0x00, 0x2d,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x0c),
	  HELLO_MALFORMED, "renegotiation_info not empty", 0, 0, 0 },
	{ "compression not offered", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x01),
	  HELLO_MALFORMED, "compression method never offered", 0, 0, 0 },
	{ "TLS 1.3 share for a group without one", &req13, B(
	  0x16, 0x03, 0x03, 0x00, 0x5b, 0x02, 0x00, 0x00, 0x57,
	  0x03, 0x03, X32(0x22), 0x00, 0x13, 0x01, 0x00,
	  0x00, 0x2f, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	  0x00, 0x33, 0x00, 0x25, 0x00, 0x18, 0x00, 0x21, 0x04, X32(0x01)),
	  HELLO_MALFORMED, "key share for a group we sent none", 0, 0, 0 },
	{ "TLS 1.3 without key_share", &req13, B(
	  0x16, 0x03, 0x03, 0x00, 0x32, 0x02, 0x00, 0x00, 0x2e,
	  0x03, 0x03, X32(0x22), 0x00, 0x13, 0x01, 0x00,
	  0x00, 0x06, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04),
	  HELLO_MALFORMED, "TLS 1.3 ServerHello without key_share", 0, 0, 0 },
	{ "HRR for a group that had a share", &req13, B(
	  0x16, 0x03, 0x03, 0x00, 0x38, 0x02, 0x00, 0x00, 0x34,
	  0x03, 0x03, HRR_RANDOM, 0x00, 0x13, 0x02, 0x00,
	  0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	  0x00, 0x33, 0x00, 0x02, 0x00, 0x1d),
	  HELLO_MALFORMED, "HelloRetryRequest for a group that had a share",
	  0, 0, 0 },
	{ "HRR with a cookie", &req13, hrr_cookie, sizeof(hrr_cookie),
	  HELLO_HRR, NULL, VER_TLS13, 0x1302, 24 },
	{ "HRR with an empty cookie", &req13, B(
	  0x16, 0x03, 0x03, 0x00, 0x3e, 0x02, 0x00, 0x00, 0x3a,
	  0x03, 0x03, HRR_RANDOM, 0x00, 0x13, 0x02, 0x00,
	  0x00, 0x12, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	  0x00, 0x33, 0x00, 0x02, 0x00, 0x18,
	  0x00, 0x2c, 0x00, 0x02, 0x00, 0x00),
	  HELLO_MALFORMED, "cookie length lies", 0, 0, 0 },
	{ "HRR for a group never offered", &req13, B(
	  0x16, 0x03, 0x03, 0x00, 0x38, 0x02, 0x00, 0x00, 0x34,
	  0x03, 0x03, HRR_RANDOM, 0x00, 0x13, 0x02, 0x00,
	  0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	  0x00, 0x33, 0x00, 0x02, 0x01, 0x00),
	  HELLO_MALFORMED, "HelloRetryRequest for a group never offered",
	  0, 0, 0 },
	{ "SSLv2 wrong version", &req_ssl2, B(
	  0x80, 0x0b, 0x04, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	  0x00, 0x00),
	  HELLO_MALFORMED, "SSLv2 SERVER-HELLO version is not 2", 0, 0, 0 },
	{ "SSLv2 lengths lie", &req_ssl2, B(
	  0x80, 0x0b, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x10, 0x00, 0x00,
	  0x00, 0x00),
	  HELLO_MALFORMED, "SSLv2 SERVER-HELLO lengths lie", 0, 0, 0 },
	{ "warning alert then ServerHello", &req12, B(
	  0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70,	/* unrecognized_name */
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00),
	  HELLO_SERVER_HELLO, NULL, VER_TLS12, 0xc02f, 0 },
	{ "close_notify", &req12, B(0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00),
	  HELLO_ALERT, NULL, 0, 0, 0 },
	{ "HelloRequest then ServerHello", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	  0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00),
	  HELLO_SERVER_HELLO, NULL, VER_TLS12, 0xc02f, 0 },
	{ "CCS inside a handshake message", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x02, 0x02, 0x00,
	  0x14, 0x03, 0x03, 0x00, 0x01, 0x01),
	  HELLO_MALFORMED, "change_cipher_spec inside a handshake message",
	  0, 0, 0 },
	{ "handshake message too long", &req12, B(
	  0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0x7f, 0xff, 0xff),
	  HELLO_MALFORMED, "handshake message too long", 0, 0, 0 },
	{ "ServerHelloDone not empty", &req12_ske, B(
	  0x16, 0x03, 0x03, 0x00, 0x2f, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x0e, 0x00, 0x00, 0x01, 0x00),
	  HELLO_MALFORMED, "ServerHelloDone not empty", 0, 0, 0 },
	{ "ServerKeyExchange before Certificate", &req12_ske, B(
	  0x16, 0x03, 0x03, 0x00, 0x41, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x0c, 0x00, 0x00, 0x05, 0x03, 0x00, 0x17, 0x01, 0x04,
	  0x0b, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x07, 0x00, 0x00, 0x04, 0x30,
	  0x02, 0x05, 0x00),
	  HELLO_MALFORMED, "Certificate out of order", 0, 0, 0 },
	{ "ECDHE point empty", &req12_ske, B(
	  0x16, 0x03, 0x03, 0x00, 0x32, 0x02, 0x00, 0x00, 0x26,
	  0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
	  0x0c, 0x00, 0x00, 0x04, 0x03, 0x00, 0x17, 0x00),
	  HELLO_MALFORMED, "ECDH parameters malformed", 0, 0, 0 },
};

/* Feed in in one piece, or one byte at a time. */
static enum hello_outcome
feed(const struct hello_req *q, const uint8_t *in, size_t len, int bytewise,
    struct hello_answer *a, struct hello_reader *r)
{
	unsigned char	*copy = dup_exact(in, len);
	enum hello_outcome o = HELLO_NEED_MORE;
	size_t		 i;

	hello_reader_init(r, q);
	if (!bytewise)
		o = hello_read(r, copy, len, a);
	else
		for (i = 0; i < len; i++) {
			unsigned char *one = dup_exact(copy + i, 1);

			o = hello_read(r, one, 1, a);
			free(one);
		}
	if (len == 0)
		o = hello_read(r, copy, 0, a);
	free(copy);
	return o;
}

/* Every hand-written answer, whole and one byte at a time. */
static void
test_answers(void **state)
{
	size_t		 i;
	int		 bytewise;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct answer_case *c = &cases[i];

		for (bytewise = 0; bytewise < 2; bytewise++) {
			struct hello_reader r;
			struct hello_answer a;
			enum hello_outcome o;

			o = feed(c->req, c->in, c->len, bytewise, &a, &r);
			CHECK(c->name, o == c->want);
			CHECK(c->name, a.outcome == o);
			if (c->why != NULL)
				CHECK(c->name, a.why != NULL &&
				    strcmp(a.why, c->why) == 0);
			else
				CHECK(c->name, a.why == NULL);
			if (c->version != 0)
				CHECK(c->name, a.version == c->version);
			if (c->suite != 0)
				CHECK(c->name, a.suite == c->suite);
			if (o == HELLO_SERVER_HELLO || o == HELLO_HRR)
				CHECK(c->name, a.group == c->group);
			hello_reader_free(&r);
		}
	}
}

/* The details of the main answers. */
static void
test_answer_details(void **state)
{
	struct hello_reader r;
	struct hello_answer a;

	(void)state;
	assert_int_equal(feed(&req12, sh12, sizeof(sh12), 0, &a, &r),
	    HELLO_SERVER_HELLO);
	assert_int_equal(a.record_version, VER_TLS12);
	assert_true(a.reneg_info);
	assert_true(a.sh_seen);
	assert_false(a.ticket || a.status || a.heartbeat || a.ems || a.etm);
	assert_int_equal(a.alert_level, -1);
	assert_false(a.downgrade);
	hello_reader_free(&r);

	assert_int_equal(feed(&req_ssl3, sh_ssl3, sizeof(sh_ssl3), 0, &a, &r),
	    HELLO_SERVER_HELLO);
	assert_int_equal(a.record_version, VER_SSL3);
	assert_false(a.reneg_info);
	hello_reader_free(&r);

	assert_int_equal(feed(&req_ssl2, sh_ssl2, sizeof(sh_ssl2), 0, &a, &r),
	    HELLO_SSL2);
	assert_int_equal(a.record_version, VER_SSL2);
	assert_int_equal(a.nssl2_kinds, 2);
	assert_int_equal(a.ssl2_kinds[0], 0x010080);
	assert_int_equal(a.ssl2_kinds[1], 0x0700c0);
	assert_int_equal(a.ncerts, 1);
	assert_int_equal(a.cert_len, 4);
	assert_memory_equal(a.cert, sh_ssl2 + 13, 4);
	hello_reader_free(&r);

	assert_int_equal(feed(&req_ssl2, ssl2_error, sizeof(ssl2_error), 0,
	    &a, &r), HELLO_ALERT);
	assert_int_equal(a.alert_level, 2);
	assert_int_equal(a.alert_desc, 1);
	hello_reader_free(&r);

	assert_int_equal(feed(&req12, alert40, sizeof(alert40), 0, &a, &r),
	    HELLO_ALERT);
	assert_int_equal(a.alert_level, 2);
	assert_int_equal(a.alert_desc, 40);
	assert_false(a.sh_seen);
	hello_reader_free(&r);

	assert_int_equal(feed(&req12_cert, sh_then_alert,
	    sizeof(sh_then_alert), 0, &a, &r), HELLO_SERVER_HELLO);
	assert_int_equal(a.alert_level, 2);
	assert_int_equal(a.alert_desc, 80);
	assert_int_equal(a.ncerts, 0);
	hello_reader_free(&r);

	assert_int_equal(feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0,
	    &a, &r), HELLO_SERVER_HELLO);
	assert_int_equal(a.dh_bits, 1024);
	assert_true(a.ske_seen);
	assert_true(a.done_seen);
	assert_true(a.heartbeat);
	assert_int_equal(a.ncerts, 2);
	assert_int_equal(a.cert_len, 5);
	ASSERT_BYTES(a.cert, 0x30, 0x03, 0x02, 0x01, 0x07);
	hello_reader_free(&r);
}

/* A TLS 1.2 flight across many records, a message split over three. */
static void
test_flight_fragmented(void **state)
{
	/* The flight_dhe handshake bytes, re-framed: record boundaries at
	 * 10, 50, 51 and 200 bytes into the handshake stream. */
	static const size_t cuts[] = { 0, 10, 50, 51, 200, 217 };
	uint8_t		 in[sizeof(flight_dhe) + 5 * NELEM(cuts)];
	const uint8_t	*hs = flight_dhe + 5;
	struct hello_reader r;
	struct hello_answer a;
	size_t		 i, n = 0, l;

	(void)state;
	for (i = 0; i + 1 < NELEM(cuts); i++) {
		l = cuts[i + 1] - cuts[i];
		in[n++] = 0x16;
		in[n++] = 0x03;
		in[n++] = 0x03;
		in[n++] = l >> 8;
		in[n++] = l & 0xff;
		memcpy(in + n, hs + cuts[i], l);
		n += l;
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(feed(&req12_ske, in, n, (int)i, &a, &r),
		    HELLO_SERVER_HELLO);
		assert_int_equal(a.dh_bits, 1024);
		assert_int_equal(a.ncerts, 2);
		assert_true(a.done_seen);
		hello_reader_free(&r);
	}
}

/* WANT_CERT alone ends at the Certificate, or at the CertificateStatus
 * the server promised. */
static void
test_want_cert(void **state)
{
	static const uint8_t sh_status[] = {
		0x16, 0x03, 0x03, 0x00, 0x3e,
		0x02, 0x00, 0x00, 0x2c,
		0x03, 0x03, X32(0x11), 0x00, 0xc0, 0x2f, 0x00,
		0x00, 0x04, 0x00, 0x05, 0x00, 0x00,	/* status_request */
		0x0b, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x07, 0x00, 0x00, 0x04, 0x30, 0x02, 0x05, 0x00,
		0x16, 0x03, 0x03, 0x00, 0x0a,
		0x16, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x30, 0x00,
	};
	struct hello_reader r;
	struct hello_answer a;

	(void)state;
	/* Certificate only: done after its record, CertificateStatus
	 * still to come. */
	assert_int_equal(feed(&req12_cert, sh_status, sizeof(sh_status) - 15,
	    0, &a, &r), HELLO_NEED_MORE);
	assert_int_equal(hello_close(&r, &a), HELLO_SERVER_HELLO);
	assert_int_equal(a.ncerts, 1);
	assert_true(a.status);
	assert_false(a.stapled);
	hello_reader_free(&r);

	assert_int_equal(feed(&req12_cert, sh_status, sizeof(sh_status), 0,
	    &a, &r), HELLO_SERVER_HELLO);
	assert_true(a.stapled);
	assert_int_equal(a.cert_len, 4);
	hello_reader_free(&r);
}

/* Every prefix of a valid answer needs more, and closing then is clean. */
static void
test_prefixes(void **state)
{
	size_t		 i, k;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct answer_case *c = &cases[i];

		if (c->want == HELLO_MALFORMED)
			continue;
		for (k = 0; k < c->len; k++) {
			struct hello_reader r;
			struct hello_answer a;
			enum hello_outcome o, cl;

			o = feed(c->req, c->in, k, 0, &a, &r);
			if (o == HELLO_NEED_MORE) {
				cl = hello_close(&r, &a);
				CHECK(c->name, cl == HELLO_CLOSED ||
				    (cl == HELLO_SERVER_HELLO && a.sh_seen));
				CHECK(c->name, a.why == NULL);
			} else
				CHECK(c->name, o == c->want);
			hello_reader_free(&r);
		}
	}
}

/* Garbage after a final answer is never read. */
static void
test_final_is_final(void **state)
{
	struct hello_reader r;
	struct hello_answer a;

	(void)state;
	assert_int_equal(feed(&req12, sh12, sizeof(sh12), 0, &a, &r),
	    HELLO_SERVER_HELLO);
	assert_int_equal(hello_read(&r, B(0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
	    &a), HELLO_SERVER_HELLO);
	assert_int_equal(hello_close(&r, &a), HELLO_SERVER_HELLO);
	assert_int_equal(a.suite, 0xc02f);
	hello_reader_free(&r);
	hello_reader_free(&r);
	hello_reader_free(NULL);
}

/* HELLO_IN_MAX bounds an answer that never ends. */
static void
test_answer_too_long(void **state)
{
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct hello_reader r;
	struct hello_answer a;
	enum hello_outcome o = HELLO_NEED_MORE;
	size_t		 i;

	(void)state;
	hello_reader_init(&r, &req12);
	for (i = 0; i < HELLO_IN_MAX / sizeof(ccs) + 2; i++)
		if ((o = hello_read(&r, ccs, sizeof(ccs), &a)) !=
		    HELLO_NEED_MORE)
			break;
	assert_int_equal(o, HELLO_MALFORMED);
	assert_string_equal(a.why, "answer too long");
	assert_true(r.total <= HELLO_IN_MAX);
	hello_reader_free(&r);

	hello_reader_init(&r, &req12);
	for (i = 0; i < 6; i++)
		o = hello_read(&r, B(0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70),
		    &a);
	assert_int_equal(o, HELLO_MALFORMED);
	assert_string_equal(a.why, "too many warning alerts");
	hello_reader_free(&r);
}

/* Heartbleed: the probe's bytes, and reading the answer. */
static void
test_heartbeat(void **state)
{
	uint8_t		 out[16];
	struct hello_reader r;
	struct hello_answer a;
	size_t		 echoed, i;

	(void)state;
	assert_int_equal(hello_heartbeat(VER_TLS12, out, sizeof(out)), 8);
	ASSERT_BYTES(out, 0x18, 0x03, 0x03, 0x00, 0x03, 0x01, 0x40,
	    0x00);
	assert_int_equal(hello_heartbeat(VER_TLS10, out, 8), 8);
	assert_int_equal(out[2], 0x01);
	assert_int_equal(hello_heartbeat(VER_TLS10, out, 7), 0);
	assert_int_equal(hello_heartbeat(VER_SSL3, out, sizeof(out)), 0);
	assert_int_equal(hello_heartbeat(VER_TLS13, out, sizeof(out)), 0);

	/* Vulnerable, whole and byte by byte. */
	assert_int_equal(feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0,
	    &a, &r), HELLO_SERVER_HELLO);
	assert_true(a.done_seen && a.heartbeat);
	assert_int_equal(hello_heartbeat_read(&r, hb_leak, sizeof(hb_leak),
	    &echoed), HELLO_HB_VULNERABLE);
	assert_int_equal(echoed, 0x4013);
	hello_reader_free(&r);

	feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0, &a, &r);
	for (i = 0; i < 4; i++)
		assert_int_equal(hello_heartbeat_read(&r, hb_leak + i, 1,
		    &echoed), HELLO_HB_NEED_MORE);
	assert_int_equal(hello_heartbeat_read(&r, hb_leak + 4, 1, &echoed),
	    HELLO_HB_VULNERABLE);
	assert_int_equal(hello_heartbeat_read(&r, NULL, 0, &echoed),
	    HELLO_HB_VULNERABLE);
	hello_reader_free(&r);

	/* An alert, a late handshake record then an alert, an exact-size
	 * echo: not vulnerable. */
	feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0, &a, &r);
	assert_int_equal(hello_heartbeat_read(&r, alert40, sizeof(alert40),
	    &echoed), HELLO_HB_NOT_VULNERABLE);
	assert_int_equal(echoed, 0);
	hello_reader_free(&r);

	feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0, &a, &r);
	assert_int_equal(hello_heartbeat_read(&r, B(0x16, 0x03, 0x03, 0x00,
	    0x04, 0x0e, 0x00, 0x00, 0x00), &echoed), HELLO_HB_NEED_MORE);
	assert_int_equal(hello_heartbeat_read(&r, alert40, sizeof(alert40),
	    &echoed), HELLO_HB_NOT_VULNERABLE);
	hello_reader_free(&r);

	feed(&req12_ske, flight_dhe, sizeof(flight_dhe), 0, &a, &r);
	assert_int_equal(hello_heartbeat_read(&r, B(0x18, 0x03, 0x03, 0x00,
	    0x03, 0x02, 0x00, 0x00), &echoed), HELLO_HB_NOT_VULNERABLE);
	hello_reader_free(&r);

	/* A reader left inside a record starts the probe clean. */
	assert_int_equal(feed(&req12_ske, flight_dhe, 20, 0, &a, &r),
	    HELLO_NEED_MORE);
	assert_int_equal(hello_heartbeat_read(&r, hb_leak, sizeof(hb_leak),
	    &echoed), HELLO_HB_VULNERABLE);
	hello_reader_free(&r);
}

/* A ClientHello taken apart, to check what hello_build() wrote. */
struct ch {
	uint16_t	 record_version;
	uint16_t	 version;
	size_t		 hs_len;
	size_t		 sid_len;
	uint16_t	 suites[HELLO_SUITES_MAX + 4];
	size_t		 nsuites;
	uint8_t		 comp[4];
	size_t		 ncomp;
	uint16_t	 ext[32];
	const uint8_t	*extbody[32];
	size_t		 extlen[32];
	size_t		 next;
	int		 has_ext_block;
};

static unsigned
rd16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Parse a ClientHello record strictly (RFC 5246 §7.4.1.2); 0 if valid. */
static int
ch_parse(const uint8_t *p, size_t n, struct ch *c)
{
	size_t		 off, l, end, i, j;

	memset(c, 0, sizeof(*c));
	if (n < 9 || p[0] != 0x16 || p[1] != 3 || rd16(p + 3) != n - 5 ||
	    p[5] != 1)
		return -1;
	c->record_version = rd16(p + 1);
	c->hs_len = (size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8];
	if (c->hs_len != n - 9 || n < 9 + 35)
		return -1;
	c->version = rd16(p + 9);
	off = 9 + 2 + 32;
	c->sid_len = p[off++];
	if (c->sid_len > 32 || off + c->sid_len + 2 > n)
		return -1;
	off += c->sid_len;
	l = rd16(p + off);
	off += 2;
	if (l == 0 || l % 2 != 0 || off + l + 1 > n ||
	    l / 2 > NELEM(c->suites))
		return -1;
	for (i = 0; i < l / 2; i++)
		c->suites[c->nsuites++] = rd16(p + off + 2 * i);
	off += l;
	l = p[off++];
	if (l == 0 || l > NELEM(c->comp) || off + l > n)
		return -1;
	memcpy(c->comp, p + off, l);
	c->ncomp = l;
	off += l;
	if (off == n)
		return 0;
	c->has_ext_block = 1;
	if (off + 2 > n || rd16(p + off) != n - off - 2)
		return -1;
	off += 2;
	end = n;
	while (off < end) {
		if (end - off < 4 || c->next == NELEM(c->ext))
			return -1;
		c->ext[c->next] = rd16(p + off);
		l = rd16(p + off + 2);
		off += 4;
		if (l > end - off)
			return -1;
		c->extbody[c->next] = p + off;
		c->extlen[c->next] = l;
		for (j = 0; j < c->next; j++)
			if (c->ext[j] == c->ext[c->next])
				return -1;
		c->next++;
		off += l;
	}
	return 0;
}

/* The body of extension type, or NULL. */
static const uint8_t *
ch_ext(const struct ch *c, uint16_t type, size_t *len)
{
	size_t	 i;

	for (i = 0; i < c->next; i++)
		if (c->ext[i] == type) {
			*len = c->extlen[i];
			return c->extbody[i];
		}
	return NULL;
}

static int
ch_has_suite(const struct ch *c, uint16_t s)
{
	size_t	 i;

	for (i = 0; i < c->nsuites; i++)
		if (c->suites[i] == s)
			return 1;
	return 0;
}

/* TLS 1.2 with every extra, TLS 1.0 with none, SSLv3. */
static void
test_build_tls12(void **state)
{
	uint8_t		 out[HELLO_OUT_MAX];
	const uint8_t	*e;
	struct ch	 c;
	size_t		 n, l, i;
	static const uint16_t want_ext[] = { 0x0000, 0x000b, 0x000a, 0x0023,
	    0x0005, 0x000d, 0x000f, 0x0016, 0x0017, 0xff01 };

	(void)state;
	n = hello_build(&req12, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_int_equal(c.record_version, VER_TLS10);
	assert_int_equal(c.version, VER_TLS12);
	assert_int_equal(c.sid_len, 0);
	assert_int_equal(c.nsuites, NELEM(suites12));
	ASSERT_BYTES(c.comp, 0x00);
	for (i = 0; i < NELEM(want_ext); i++)
		CHECK("extension", ch_ext(&c, want_ext[i], &l) != NULL);
	e = ch_ext(&c, 0x0000, &l);
	assert_int_equal(l, 2 + 1 + 2 + strlen("mx.example.test"));
	assert_memory_equal(e + 5, "mx.example.test", l - 5);
	e = ch_ext(&c, 0xff01, &l);
	assert_int_equal(l, 1);
	assert_int_equal(e[0], 0);
	e = ch_ext(&c, 0x000f, &l);
	assert_int_equal(l, 1);
	assert_int_equal(e[0], 1);
	e = ch_ext(&c, 0x0005, &l);
	ASSERT_BYTES(e, 0x01, 0x00, 0x00, 0x00, 0x00);
	assert_null(ch_ext(&c, 0x002b, &l));
	assert_null(ch_ext(&c, 0x0033, &l));
	assert_false(ch_has_suite(&c, 0x00ff));
	assert_false(ch_has_suite(&c, 0x5600));
	/* Padded out of the 256..511 byte window (RFC 7685). */
	assert_true(c.hs_len + 4 < 256 || c.hs_len + 4 >= 512);

	n = hello_build(&req10, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_int_equal(c.version, VER_TLS10);
	/* EC suites offered: groups and point formats, no sigalgs. */
	assert_non_null(ch_ext(&c, 0x000a, &l));
	assert_non_null(ch_ext(&c, 0x000b, &l));
	assert_null(ch_ext(&c, 0x000d, &l));

	n = hello_build(&req_ssl3, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_int_equal(c.record_version, VER_SSL3);
	assert_int_equal(c.version, VER_SSL3);
	assert_false(c.has_ext_block);
	assert_true(ch_has_suite(&c, 0x00ff));
	assert_true(ch_has_suite(&c, 0x5600));
	assert_int_equal(c.suites[c.nsuites - 1], 0x5600);
}

/* TLS 1.0 without EC suites and extras: no extension block at all;
 * DEFLATE offered on request. */
static void
test_build_plain(void **state)
{
	static const uint16_t rsa[] = { 0x002f, 0x0035 };
	struct hello_req q = { .version = VER_TLS10, .suites = rsa,
	    .nsuites = 2, .flags = HELLO_F_DEFLATE | HELLO_F_SCSV };
	uint8_t		 out[512];
	struct ch	 c;
	size_t		 n;

	(void)state;
	n = hello_build(&q, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_false(c.has_ext_block);
	assert_int_equal(c.ncomp, 2);
	ASSERT_BYTES(c.comp, 0x01, 0x00);
	assert_int_equal(c.nsuites, 3);
	assert_int_equal(c.suites[2], 0x5600);
}

/* TLS 1.3: supported_versions, key shares for x25519 and P-256 only. */
static void
test_build_tls13(void **state)
{
	static const uint8_t p256_g[] = { 0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1,
	    0x2c, 0x42, 0x47 };
	uint8_t		 out[HELLO_OUT_MAX];
	const uint8_t	*e;
	struct ch	 c;
	size_t		 n, l;

	(void)state;
	n = hello_build(&req13, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_int_equal(c.version, VER_TLS12);
	assert_int_equal(c.sid_len, 32);
	e = ch_ext(&c, 0x002b, &l);
	assert_non_null(e);
	assert_int_equal(l, 3);
	ASSERT_BYTES(e, 0x02, 0x03, 0x04);
	e = ch_ext(&c, 0x000a, &l);
	ASSERT_BYTES(e, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00,
	    0x18);
	e = ch_ext(&c, 0x0033, &l);
	assert_non_null(e);
	assert_int_equal(l, 2 + 4 + 32 + 4 + 65);
	assert_int_equal(rd16(e), l - 2);
	ASSERT_BYTES(e + 2, 0x00, 0x1d, 0x00, 0x20);
	ASSERT_BYTES(e + 38, 0x00, 0x17, 0x00, 0x41);
	assert_memory_equal(e + 42, p256_g, sizeof(p256_g));
	e = ch_ext(&c, 0x002d, &l);
	ASSERT_BYTES(e, 0x01, 0x01);
	assert_non_null(ch_ext(&c, 0x000d, &l));
	assert_null(ch_ext(&c, 0x000b, &l));

	/* Down to TLS 1.0: the whole list, point formats for 1.2. */
	n = hello_build(&req13_mixed, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	e = ch_ext(&c, 0x002b, &l);
	ASSERT_BYTES(e, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02,
	    0x03, 0x01);
	assert_non_null(ch_ext(&c, 0x000b, &l));
	/* Default groups: shares for x25519 and P-256. */
	e = ch_ext(&c, 0x0033, &l);
	assert_int_equal(l, 2 + 4 + 32 + 4 + 65);
}

/* No share for groups other than x25519 and P-256. */
static void
test_build_tls13_no_share(void **state)
{
	static const uint16_t g[] = { 24, 30 };
	struct hello_req q = { .version = VER_TLS13, .suites = suites13,
	    .nsuites = NELEM(suites13), .groups = g, .ngroups = 2 };
	uint8_t		 out[HELLO_OUT_MAX];
	const uint8_t	*e;
	struct ch	 c;
	size_t		 n, l;

	(void)state;
	n = hello_build(&q, out, sizeof(out));
	assert_int_equal(ch_parse(out, n, &c), 0);
	e = ch_ext(&c, 0x0033, &l);
	assert_int_equal(l, 2);
	ASSERT_BYTES(e, 0x00, 0x00);
}

/* SSLv2 CLIENT-HELLO: every SSLv2 kind plus the TLS suites. */
static void
test_build_ssl2(void **state)
{
	static const uint16_t s[] = { 0x000a, 0x0005 };
	struct hello_req q = { .version = VER_SSL2, .suites = s, .nsuites = 2 };
	uint8_t		 out[512];
	size_t		 n, i, specs;

	(void)state;
	n = hello_build(&q, out, sizeof(out));
	specs = 3 * (ssl2_kind_count + 2);
	assert_int_equal(n, 2 + 9 + specs + 16);
	assert_int_equal(out[0], 0x80);
	assert_int_equal(out[1], n - 2);
	assert_int_equal(out[2], 1);
	ASSERT_BYTES(out + 3, 0x00, 0x02);
	assert_int_equal(rd16(out + 5), specs);
	assert_int_equal(rd16(out + 7), 0);
	assert_int_equal(rd16(out + 9), 16);
	for (i = 0; i < ssl2_kind_count; i++)
		assert_int_equal((uint32_t)out[11 + 3 * i] << 16 |
		    (uint32_t)out[12 + 3 * i] << 8 | out[13 + 3 * i],
		    ssl2_kinds[i].code);
	ASSERT_BYTES(out + 11 + 3 * ssl2_kind_count, 0x00, 0x00, 0x0a, 0x00,
	    0x00, 0x05);
	assert_int_equal(hello_build(&req_ssl2, out, sizeof(out)),
	    2 + 9 + 3 * ssl2_kind_count + 16);
}

/* Too small a buffer gives 0 at every size, never a partial hello. */
static void
test_build_cap(void **state)
{
	const struct hello_req *reqs[] = { &req12, &req13, &req_ssl3,
	    &req_ssl2, &req13_mixed };
	uint8_t		 out[HELLO_OUT_MAX];
	uint8_t		*small;
	size_t		 i, n, cap;

	(void)state;
	for (i = 0; i < NELEM(reqs); i++) {
		n = hello_build(reqs[i], out, sizeof(out));
		assert_true(n > 0);
		for (cap = 0; cap < n; cap++) {
			small = malloc(cap ? cap : 1);
			assert_non_null(small);
			assert_int_equal(hello_build(reqs[i], small, cap), 0);
			free(small);
		}
		small = malloc(n);
		assert_non_null(small);
		assert_int_equal(hello_build(reqs[i], small, n), n);
		free(small);
	}
}

/* Invalid requests; the full TLS 1.2 table in one hello. */
static void
test_build_invalid(void **state)
{
	uint16_t	 all[HELLO_SUITES_MAX + 1];
	uint8_t		 out[HELLO_OUT_MAX];
	struct hello_req q;
	struct ch	 c;
	size_t		 n;
	char		 longname[300];

	(void)state;
	q = req12;
	q.version = 0x0305;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q.version = 0x0200;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q = req12;
	q.nsuites = 0;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q = req12;
	q.suites = NULL;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q = req13;
	q.min_version = 0x0200;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q = req12;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	q.sni = longname;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	q.sni = "";
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
	assert_int_equal(hello_build(NULL, out, sizeof(out)), 0);
	assert_int_equal(hello_build(&req12, NULL, 100), 0);

	q = req12;
	q.suites = all;
	q.nsuites = suite_select(VER_TLS12, 0, 0, all, HELLO_SUITES_MAX);
	n = hello_build(&q, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(ch_parse(out, n, &c), 0);
	assert_int_equal(c.nsuites, q.nsuites);
	q.nsuites = HELLO_SUITES_MAX + 1;
	assert_int_equal(hello_build(&q, out, sizeof(out)), 0);
}

/* The uncompressed generator of a curve, from OpenSSL: what our second
 * hello must send for it. Returns its length. */
static size_t
ossl_generator(int nid, uint8_t *out, size_t cap)
{
	EC_GROUP	*g = EC_GROUP_new_by_curve_name(nid);
	size_t		 n;

	assert_non_null(g);
	n = EC_POINT_point2oct(g, EC_GROUP_get0_generator(g),
	    POINT_CONVERSION_UNCOMPRESSED, out, cap, NULL);
	EC_GROUP_free(g);
	assert_true(n > 0);
	return n;
}

/* Offset of the extension block in a ClientHello record we parsed. */
static size_t
ch_fixed(const struct ch *c)
{
	return 9 + 2 + 32 + 1 + c->sid_len + 2 + 2 * c->nsuites + 1 + c->ncomp;
}

/*
 * The second hello (RFC 8446 §4.1.2): the compatibility CCS, a record
 * saying TLS 1.2 (§5.1), everything of the first hello but key_share
 * (one share, the P-384 generator), the cookie echoed right after it,
 * and padding recomputed.
 */
static void
test_retry_build(void **state)
{
	uint8_t		 first[HELLO_OUT_MAX], out[HELLO_OUT_MAX], g[200];
	const uint8_t	*e, *sec;
	struct ch	 c1, c2;
	size_t		 n1, n2, l, i, j, gl;

	(void)state;
	n1 = hello_build(&req13, first, sizeof(first));
	assert_int_equal(ch_parse(first, n1, &c1), 0);
	n2 = hello_build_retry(first, n1, 24, (const uint8_t *)"cooky", 5,
	    out, sizeof(out));
	assert_true(n2 > 6);
	ASSERT_BYTES(out, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01);
	sec = out + 6;
	assert_int_equal(ch_parse(sec, n2 - 6, &c2), 0);
	assert_int_equal(c2.record_version, VER_TLS12);
	assert_int_equal(c1.record_version, VER_TLS10);
	/* legacy_version, random, session id, suites, compression. */
	assert_int_equal(ch_fixed(&c1), ch_fixed(&c2));
	assert_memory_equal(first + 9, sec + 9, ch_fixed(&c1) - 9);

	/* Every extension as it was, in its place, but key_share. */
	for (i = 0, j = 0; i < c1.next; i++) {
		if (c1.ext[i] == 0x0015)
			continue;
		assert_true(j < c2.next);
		assert_int_equal(c2.ext[j], c1.ext[i]);
		if (c1.ext[i] == 0x0033) {
			assert_int_equal(c2.ext[++j], 0x002c);
			j++;
			continue;
		}
		assert_int_equal(c2.extlen[j], c1.extlen[i]);
		assert_memory_equal(c2.extbody[j], c1.extbody[i], c1.extlen[i]);
		j++;
	}
	assert_true(j == c2.next || (j + 1 == c2.next &&
	    c2.ext[j] == 0x0015));

	e = ch_ext(&c2, 0x0033, &l);
	assert_int_equal(l, 2 + 2 + 2 + 97);
	ASSERT_BYTES(e, 0x00, 0x65, 0x00, 0x18, 0x00, 0x61, 0x04, 0xaa, 0x87,
	    0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37);
	gl = ossl_generator(NID_secp384r1, g, sizeof(g));
	assert_int_equal(gl, 97);
	assert_memory_equal(e + 6, g, gl);
	e = ch_ext(&c2, 0x002c, &l);
	assert_int_equal(l, 7);
	ASSERT_BYTES(e, 0x00, 0x05, 'c', 'o', 'o', 'k', 'y');
	assert_true(c2.hs_len + 4 < 256 || c2.hs_len + 4 >= 512);

	/* No cookie, no session id: no cookie extension, no CCS. */
	n2 = hello_build_retry(first, n1, 24, NULL, 0, out, sizeof(out));
	assert_int_equal(ch_parse(out + 6, n2 - 6, &c2), 0);
	assert_null(ch_ext(&c2, 0x002c, &l));
}

/* The share for every group a second hello can ask for, byte by byte. */
static void
test_retry_shares(void **state)
{
	static const struct {
		uint16_t	 group;
		int		 nid;		/* curve, or 0 */
		size_t		 len;
	} shares[] = {
		{ 23, NID_X9_62_prime256v1, 65 }, { 24, NID_secp384r1, 97 },
		{ 25, NID_secp521r1, 133 }, { 26, NID_brainpoolP256r1, 65 },
		{ 27, NID_brainpoolP384r1, 97 },
		{ 28, NID_brainpoolP512r1, 129 },
		{ 31, NID_brainpoolP256r1, 65 },
		{ 32, NID_brainpoolP384r1, 97 },
		{ 33, NID_brainpoolP512r1, 129 }, { 29, 0, 32 }, { 30, 0, 56 },
		{ 256, 0, 256 }, { 257, 0, 384 }, { 258, 0, 512 },
		{ 259, 0, 768 }, { 260, 0, 1024 },
	};
	/* ML-KEM: a zero encapsulation key; hybrids: and the classical
	 * value, before it for the NIST curves (draft-ietf-tls-ecdhe-mlkem
	 * §3), after it for x25519. */
	static const struct {
		uint16_t	 group;
		int		 nid;		/* curve, 0 for x25519 */
		size_t		 classic, ek;
	} kems[] = {
		{ 0x0200, 0, 0, 800 }, { 0x0201, 0, 0, 1184 },
		{ 0x0202, 0, 0, 1568 },
		{ 0x11eb, NID_X9_62_prime256v1, 65, 1184 },
		{ 0x11ec, 0, 32, 1184 }, { 0x11ed, NID_secp384r1, 97, 1568 },
	};
	static const uint16_t none[] = { 0x6399, 0x0001, 0x0016, 0x0022,
	    0x01fc, 0x0000 };
	uint8_t		 first[HELLO_OUT_MAX], out[HELLO_OUT_MAX], g[200];
	uint16_t	 grp;
	struct hello_req q = req13;
	const uint8_t	*e;
	struct ch	 c;
	size_t		 i, k, n, l = 0;

	(void)state;
	q.groups = &grp;
	q.ngroups = 1;
	q.sni = NULL;
	for (i = 0; i < NELEM(shares); i++) {
		char	 name[16];

		snprintf(name, sizeof(name), "group %u", shares[i].group);
		grp = shares[i].group;
		CHECK(name, hello_can_retry(grp));
		n = hello_build(&q, first, sizeof(first));
		CHECK(name, n > 0);
		n = hello_build_retry(first, n, grp, NULL, 0, out, sizeof(out));
		CHECK(name, n > 6);
		CHECK(name, ch_parse(out + 6, n - 6, &c) == 0);
		e = ch_ext(&c, 0x0033, &l);
		CHECK(name, e != NULL && l == 6 + shares[i].len);
		CHECK(name, rd16(e) == l - 2 && rd16(e + 2) == grp &&
		    rd16(e + 4) == shares[i].len);
		e += 6;
		if (shares[i].nid != 0) {
			CHECK(name, ossl_generator(shares[i].nid, g,
			    sizeof(g)) == shares[i].len);
			CHECK(name, memcmp(e, g, shares[i].len) == 0);
			continue;
		}
		/* x25519 u = 9, x448 u = 5 (little-endian); ffdhe Y = 2. */
		for (k = 0; k < shares[i].len; k++)
			CHECK(name, e[k] == (grp == 29 && k == 0 ? 9 :
			    grp == 30 && k == 0 ? 5 : grp >= 256 &&
			    k == shares[i].len - 1 ? 2 : 0));
	}
	for (i = 0; i < NELEM(kems); i++) {
		char		 name[16];
		const uint8_t	*ek, *cl;

		snprintf(name, sizeof(name), "group 0x%04x", kems[i].group);
		grp = kems[i].group;
		CHECK(name, hello_can_retry(grp));
		n = hello_build(&q, first, sizeof(first));
		n = hello_build_retry(first, n, grp, NULL, 0, out, sizeof(out));
		CHECK(name, n > 6);
		CHECK(name, ch_parse(out + 6, n - 6, &c) == 0);
		e = ch_ext(&c, 0x0033, &l);
		k = kems[i].classic + kems[i].ek;
		CHECK(name, e != NULL && l == 6 + k && rd16(e + 2) == grp &&
		    rd16(e + 4) == k);
		if (e == NULL || l != 6 + k)
			continue;
		cl = kems[i].nid != 0 ? e + 6 : e + 6 + kems[i].ek;
		ek = kems[i].nid != 0 ? e + 6 + kems[i].classic : e + 6;
		for (k = 0; k < kems[i].ek; k++)
			CHECK(name, ek[k] == 0);
		if (kems[i].nid != 0) {
			CHECK(name, ossl_generator(kems[i].nid, g, sizeof(g)) ==
			    kems[i].classic);
			CHECK(name, memcmp(cl, g, kems[i].classic) == 0);
		} else if (kems[i].classic == 32)
			for (k = 0; k < 32; k++)
				CHECK(name, cl[k] == (k == 0 ? 9 : 0));
	}
	for (i = 0; i < NELEM(none); i++) {
		grp = none[i];
		CHECK("no share", !hello_can_retry(grp));
		n = hello_build(&q, first, sizeof(first));
		CHECK("no share", hello_build_retry(first, n, grp, NULL, 0,
		    out, sizeof(out)) == 0);
	}
}

/* What the second hello builder refuses: never a partial hello. */
static void
test_retry_build_invalid(void **state)
{
	uint8_t		 first[HELLO_OUT_MAX], out[HELLO_OUT_MAX], *small;
	size_t		 n1, n2, k;

	(void)state;
	n1 = hello_build(&req13, first, sizeof(first));
	n2 = hello_build_retry(first, n1, 24, (const uint8_t *)"c", 1, out,
	    sizeof(out));
	assert_true(n2 > 0);
	/* Not in supported_groups; no cookie bytes; not TLS 1.3. */
	assert_int_equal(hello_build_retry(first, n1, 25, NULL, 0, out,
	    sizeof(out)), 0);
	assert_int_equal(hello_build_retry(first, n1, 24, NULL, 3, out,
	    sizeof(out)), 0);
	assert_int_equal(hello_build_retry(NULL, n1, 24, NULL, 0, out,
	    sizeof(out)), 0);
	k = hello_build(&req12, first + 0, sizeof(first));
	assert_int_equal(hello_build_retry(first, k, 24, NULL, 0, out,
	    sizeof(out)), 0);
	/* Every prefix of the first hello, every short buffer. */
	n1 = hello_build(&req13, first, sizeof(first));
	for (k = 0; k < n1; k++)
		CHECK("prefix", hello_build_retry(first, k, 24, NULL, 0, out,
		    sizeof(out)) == 0);
	first[9]++;			/* the handshake length lies */
	first[8]++;
	assert_int_equal(hello_build_retry(first, n1, 24, NULL, 0, out,
	    sizeof(out)), 0);
	n1 = hello_build(&req13, first, sizeof(first));
	n2 = hello_build_retry(first, n1, 24, NULL, 0, out, sizeof(out));
	for (k = 0; k < n2; k++) {
		small = malloc(k ? k : 1);
		assert_non_null(small);
		CHECK("cap", hello_build_retry(first, n1, 24, NULL, 0, small,
		    k) == 0);
		free(small);
	}
}

/*
 * Reading on after a HelloRetryRequest: its cookie, the ServerHello to
 * the second hello, what may and may not come in between, and what the
 * caller must judge (a second HRR, another group).
 */
static void
test_retry_read(void **state)
{
	uint8_t		 in[sizeof(hrr_cookie) + sizeof(sh13_p384) + 16];
	uint8_t		 junk[PEND_JUNK];
	struct hello_reader r;
	struct hello_answer a;
	size_t		 i;

	(void)state;
	/* HRR with a cookie, the second hello, its ServerHello. */
	assert_int_equal(feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a,
	    &r), HELLO_HRR);
	assert_int_equal(a.cookie_len, 5);
	assert_memory_equal(a.cookie, "cooky", 5);
	assert_false(a.retried);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_NEED_MORE);
	assert_true(a.retried);
	assert_int_equal(a.hrr_suite, 0x1302);
	assert_int_equal(a.hrr_group, 24);
	assert_int_equal(hello_read(&r, sh13_p384, sizeof(sh13_p384), &a),
	    HELLO_SERVER_HELLO);
	assert_true(a.retried && a.sh_seen);
	assert_int_equal(a.version, VER_TLS13);
	assert_int_equal(a.suite, 0x1302);
	assert_int_equal(a.group, 24);
	assert_int_equal(a.cookie_len, 5);
	/* Once only, and final stays final. */
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_SERVER_HELLO);
	assert_int_equal(hello_close(&r, &a), HELLO_SERVER_HELLO);
	hello_reader_free(&r);

	/* Byte by byte, the compatibility CCS before our second hello. */
	memcpy(in, hrr_cookie, sizeof(hrr_cookie));
	memcpy(in + sizeof(hrr_cookie), ccs_rec, sizeof(ccs_rec));
	assert_int_equal(feed(&req13, in, sizeof(hrr_cookie) +
	    sizeof(ccs_rec), 1,
	    &a, &r), HELLO_HRR);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_NEED_MORE);
	for (i = 0; i + 1 < sizeof(sh13_p384); i++)
		assert_int_equal(hello_read(&r, sh13_p384 + i, 1, &a),
		    HELLO_NEED_MORE);
	assert_int_equal(hello_read(&r, sh13_p384 + i, 1, &a),
	    HELLO_SERVER_HELLO);
	hello_reader_free(&r);

	/* A ServerHello sent before our second hello answers nothing. */
	memcpy(in, hrr_cookie, sizeof(hrr_cookie));
	memcpy(in + sizeof(hrr_cookie), sh13_p384, sizeof(sh13_p384));
	assert_int_equal(feed(&req13, in, sizeof(hrr_cookie) +
	    sizeof(sh13_p384), 0, &a, &r), HELLO_HRR);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_MALFORMED);
	assert_string_equal(a.why, "data other than change_cipher_spec after "
	    "the HelloRetryRequest");
	hello_reader_free(&r);

	/* An alert before it: the second hello's answer. */
	memcpy(in, hrr_cookie, sizeof(hrr_cookie));
	memcpy(in + sizeof(hrr_cookie), alert40, sizeof(alert40));
	assert_int_equal(feed(&req13, in, sizeof(hrr_cookie) +
	    sizeof(alert40), 0, &a, &r), HELLO_HRR);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_ALERT);
	assert_true(a.retried);
	assert_int_equal(a.alert_desc, 40);
	hello_reader_free(&r);

	/* More than a record before it. */
	memset(junk, 0x14, sizeof(junk));
	feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a, &r);
	assert_int_equal(hello_read(&r, junk, sizeof(junk), &a), HELLO_HRR);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_MALFORMED);
	assert_string_equal(a.why, "too much data after the HelloRetryRequest");
	hello_reader_free(&r);

	/* After it: a second HRR, for the caller to judge (§4.1.4). */
	feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a, &r);
	hello_reader_retry(&r, &a);
	assert_int_equal(hello_read(&r, hrr, sizeof(hrr), &a), HELLO_HRR);
	assert_true(a.retried);
	assert_int_equal(a.group, 24);
	hello_reader_free(&r);

	/* A ServerHello for x25519, offered but not asked for: the caller
	 * sees the group; one never offered is malformed. */
	feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a, &r);
	hello_reader_retry(&r, &a);
	assert_int_equal(hello_read(&r, sh13, sizeof(sh13), &a),
	    HELLO_SERVER_HELLO);
	assert_int_equal(a.group, 29);
	assert_int_equal(a.hrr_group, 24);
	hello_reader_free(&r);
	memcpy(in, sh13_p384, sizeof(sh13_p384));
	in[sizeof(sh13_p384) - 100] = 0x19;	/* secp521r1 */
	feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a, &r);
	hello_reader_retry(&r, &a);
	assert_int_equal(hello_read(&r, in, sizeof(sh13_p384), &a),
	    HELLO_MALFORMED);
	assert_string_equal(a.why, "key share for a group we sent none");
	hello_reader_free(&r);

	/* The connection ends: closed, after the HRR. */
	feed(&req13, hrr_cookie, sizeof(hrr_cookie), 0, &a, &r);
	hello_reader_retry(&r, &a);
	assert_int_equal(hello_close(&r, &a), HELLO_CLOSED);
	assert_true(a.retried);
	hello_reader_free(&r);

	/* Nothing to retry after a ServerHello. */
	feed(&req12, sh12, sizeof(sh12), 0, &a, &r);
	assert_int_equal(hello_reader_retry(&r, &a), HELLO_SERVER_HELLO);
	assert_false(a.retried);
	hello_reader_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_answer_details),
		cmocka_unit_test(test_flight_fragmented),
		cmocka_unit_test(test_want_cert),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_final_is_final),
		cmocka_unit_test(test_answer_too_long),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_build_tls12),
		cmocka_unit_test(test_build_plain),
		cmocka_unit_test(test_build_tls13),
		cmocka_unit_test(test_build_tls13_no_share),
		cmocka_unit_test(test_build_ssl2),
		cmocka_unit_test(test_build_cap),
		cmocka_unit_test(test_build_invalid),
		cmocka_unit_test(test_retry_build),
		cmocka_unit_test(test_retry_shares),
		cmocka_unit_test(test_retry_build_invalid),
		cmocka_unit_test(test_retry_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
