/*
 * The one table of TLS cipher suites (the whole IANA registry plus the
 * SSLv2 cipher kinds), named groups and signature schemes, with each suite's
 * classification: the scanner offers from it, the judge classifies from it,
 * renderers print its names.
 */
#ifndef MX_SCAN_SUITES_H
#define MX_SCAN_SUITES_H

#include <stddef.h>
#include <stdint.h>

enum suite_kx { KX_NONE, KX_RSA, KX_DH, KX_DHE, KX_ECDH, KX_ECDHE, KX_PSK,
	KX_DHE_PSK, KX_ECDHE_PSK, KX_RSA_PSK, KX_SRP, KX_KRB5, KX_GOST,
	KX_TLS13, KX_OTHER };
enum suite_au { AU_NONE, AU_RSA, AU_DSS, AU_ECDSA, AU_PSK, AU_ANON,
	AU_KRB5, AU_GOST, AU_TLS13, AU_OTHER };

/* Weakness classes (bit flags); a suite can be in several. */
#define SC_NULL		0x0001	/* no encryption */
#define SC_ANON		0x0002	/* no authentication */
#define SC_EXPORT	0x0004	/* export grade (40/56-bit) */
#define SC_RC4		0x0008
#define SC_DES		0x0010	/* single DES */
#define SC_3DES		0x0020
#define SC_NOPFS	0x0040	/* static key exchange: no forward secrecy */
#define SC_CBC		0x0080	/* CBC mode */
#define SC_AEAD		0x0100	/* GCM, CCM, ChaCha20-Poly1305 */
#define SC_TLS13	0x0200	/* TLS 1.3 only suite */
#define SC_PSK		0x0400	/* needs a pre-shared key / SRP password */
#define SC_OBSCURE	0x0800	/* GOST, Kerberos, other rarely usable */
#define SC_IDEA		0x1000
#define SC_RC2		0x2000
#define SC_SEED		0x4000
#define SC_SCSV		0x8000	/* signalling value, not a suite */

enum suite_strength { STR_INSECURE, STR_WEAK, STR_FAIR, STR_GOOD };

struct suite {
	uint16_t	 code;		/* IANA; SSLv2 kinds use ssl2 tables */
	const char	*iana;		/* TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
	const char	*ossl;		/* OpenSSL name, or NULL */
	enum suite_kx	 kx;
	enum suite_au	 au;
	const char	*enc;		/* "AES-128-GCM", "3DES-EDE-CBC", ... */
	int		 bits;		/* effective symmetric key bits */
	const char	*mac;		/* "SHA256", "AEAD", ... */
	uint16_t	 min_version;	/* lowest version it can be used with */
	unsigned	 classes;	/* SC_* */
	enum suite_strength strength;
};

/* The whole table in IANA code order, and its size. */
extern const struct suite suite_table[];
extern const size_t suite_count;

const struct suite *suite_find(uint16_t code);	/* NULL if unknown */
const char	*suite_strength_name(enum suite_strength s); /* "weak" */

/* Fill out[] (capacity cap) with the codes usable at version that have all
 * bits of want and none of avoid, in table order; returns the count. For
 * TLS 1.3 only the TLS 1.3 suites are returned, and they only for it. */
size_t		 suite_select(uint16_t version, unsigned want, unsigned avoid,
		    uint16_t *out, size_t cap);

struct ssl2_kind {
	uint32_t	 code;		/* 3-byte SSLv2 cipher kind */
	const char	*name;
	int		 bits;
	unsigned	 classes;
};
extern const struct ssl2_kind ssl2_kinds[];
extern const size_t ssl2_kind_count;

struct named_group {
	uint16_t	 code;
	const char	*name;		/* "x25519", "secp256r1", "ffdhe2048" */
	int		 bits;		/* security-relevant size */
	int		 ffdhe;		/* finite-field group */
};
extern const struct named_group group_table[];
extern const size_t group_count;
const struct named_group *group_find(uint16_t code);

struct sig_scheme {
	uint16_t	 code;
	const char	*name;		/* "rsa_pss_rsae_sha256" */
	int		 ecdsa;		/* needs an ECDSA key */
	int		 rsa;		/* needs an RSA key */
};
extern const struct sig_scheme sigalg_table[];
extern const size_t sigalg_count;
const char	*version_name(uint16_t version);	/* "TLSv1.2" */

/* Lookups the builder, the engine and the renderers share. */
const struct ssl2_kind *ssl2_kind_find(uint32_t code);	/* NULL if unknown */
const struct sig_scheme *sigalg_find(uint16_t code);	/* NULL if unknown */
/* 1 if the suite needs elliptic curves (ECDH(E) or ECDSA, RFC 8422). */
int		 suite_is_ec(uint16_t code);
/* Stable names for renderers and JSON: "ECDHE", "RSA", "any" (TLS 1.3),
 * and one per class bit ("null", "anon", "export", "rc4", "des", "3des",
 * "nopfs", "cbc", "aead", "tls13", "psk", "obscure", "idea", "rc2", "seed",
 * "scsv"); "unknown" for anything else, never NULL. */
const char	*suite_kx_name(enum suite_kx kx);
const char	*suite_au_name(enum suite_au au);
const char	*suite_class_name(unsigned bit);

#endif
