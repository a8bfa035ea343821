/* Certificate facts: what a certificate says, extracted once, as plain data. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "cert.h"
#include "certname.h"
#include "sanitize.h"

static char *
name_oneline(const X509_NAME *n)
{
	BIO	*bio;
	char	*p, *s;
	long	 len;

	if (n == NULL || (bio = BIO_new(BIO_s_mem())) == NULL)
		return xstrdup("");
	X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(bio, &p);
	s = sanitize_text_dup(p, len > 0 ? (size_t)len : 0);
	BIO_free(bio);
	return s;
}

static int
bytes_bad(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] == 0 || p[i] >= 0x80)
			return 1;
	return 0;
}

static void
hex(char *out, const unsigned char *p, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

static void
get_cn(struct cert_info *ci, X509 *x)
{
	const X509_NAME	*n = X509_get_subject_name(x);
	const ASN1_STRING *s;
	int		 i = -1, last = -1;

	while ((i = X509_NAME_get_index_by_NID(n, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, last));
	ci->cn = sanitize_text_dup((const char *)ASN1_STRING_get0_data(s),
	    (size_t)ASN1_STRING_length(s));
}

static void
add_ip_san(struct cert_info *ci, const ASN1_OCTET_STRING *ip, struct buf *b)
{
	const unsigned char *p = ASN1_STRING_get0_data(ip);
	int		 len = ASN1_STRING_length(ip), i;

	if (b->len > 0)
		buf_adds(b, ",");
	if (len == 4)
		buf_addf(b, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	else if (len == 16)
		for (i = 0; i < 16; i += 2)
			buf_addf(b, "%s%x", i ? ":" : "", p[i] << 8 | p[i + 1]);
	(void)ci;
}

static void
get_sans(struct cert_info *ci, X509 *x)
{
	GENERAL_NAMES	*gens;
	struct buf	 ips;
	int		 i, n;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	buf_init(&ips, 4096);
	n = sk_GENERAL_NAME_num(gens);
	ci->san = xcalloc((size_t)(n < CERT_SAN_MAX ? n : CERT_SAN_MAX) + 1,
	    sizeof(char *));
	for (i = 0; i < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *p;
		size_t len;

		if (g->type == GEN_IPADD) {
			add_ip_san(ci, g->d.iPAddress, &ips);
			continue;
		}
		if (g->type != GEN_DNS)
			continue;
		ci->nsan_total++;
		if (ci->nsan >= CERT_SAN_MAX)
			continue;
		p = ASN1_STRING_get0_data(g->d.dNSName);
		len = (size_t)ASN1_STRING_length(g->d.dNSName);
		ci->san[ci->nsan++] = sanitize_text_dup((const char *)p, len);
	}
	if (ips.len > 0)
		ci->san_ip = buf_steal(&ips);
	buf_free(&ips);
	GENERAL_NAMES_free(gens);
}

static void
get_key(struct cert_info *ci, X509 *x)
{
	EVP_PKEY	*pk = X509_get0_pubkey(x);
	const char	*t = "unknown";
	size_t		 glen;

	if (pk == NULL)
		return;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		t = "RSA";
		break;
	case EVP_PKEY_EC:
		t = "EC";
		break;
	case EVP_PKEY_ED25519:
		t = "ED25519";
		break;
	case EVP_PKEY_ED448:
		t = "ED448";
		break;
	case EVP_PKEY_DSA:
		t = "DSA";
		break;
	}
	str_copy(ci->key_type, sizeof(ci->key_type), t);
	ci->key_bits = EVP_PKEY_get_bits(pk);
	if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    ci->key_group, sizeof(ci->key_group), &glen))
		ci->key_group[0] = '\0';
}

static void
get_sig(struct cert_info *ci, X509 *x)
{
	int	 nid = X509_get_signature_nid(x), md = NID_undef, pk = NID_undef;

	str_copy(ci->sig_alg, sizeof(ci->sig_alg), nid == NID_undef ?
	    "unknown" : OBJ_nid2ln(nid));
	if (OBJ_find_sigid_algs(nid, &md, &pk) && md != NID_undef)
		str_copy(ci->sig_hash, sizeof(ci->sig_hash), OBJ_nid2sn(md));
	else if (nid == NID_ED25519 || nid == NID_ED448)
		str_copy(ci->sig_hash, sizeof(ci->sig_hash), "intrinsic");
	else if (nid == NID_rsassaPss)
		str_copy(ci->sig_hash, sizeof(ci->sig_hash), "pss");
}

static long long
asn1_epoch(const ASN1_TIME *t)
{
	struct tm	 tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (long long)timegm(&tm);
}

static void
get_digests(struct cert_info *ci, X509 *x)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int	 mdlen = 0;
	int		 len;

	if (X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32)
		hex(ci->sha256, md, 32);
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	if (len > 0 && EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(),
	    NULL) && mdlen == 32)
		hex(ci->spki_sha256, md, 32);
	OPENSSL_free(der);
}

static void
get_serial(struct cert_info *ci, X509 *x)
{
	BIGNUM	*bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char	*h = bn ? BN_bn2hex(bn) : NULL;

	if (h != NULL)
		str_copy(ci->serial, sizeof(ci->serial), h);
	OPENSSL_free(h);
	BN_free(bn);
}

int
cert_info_from_x509(struct cert_info *ci, X509 *x)
{
	memset(ci, 0, sizeof(*ci));
	ci->subject = name_oneline(X509_get_subject_name(x));
	ci->issuer = name_oneline(X509_get_issuer_name(x));
	get_cn(ci, x);
	get_sans(ci, x);
	get_serial(ci, x);
	ci->not_before = asn1_epoch(X509_get0_notBefore(x));
	ci->not_after = asn1_epoch(X509_get0_notAfter(x));
	get_key(ci, x);
	get_sig(ci, x);
	get_digests(ci, x);
	ci->self_issued = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
	ci->self_signed = ci->self_issued && X509_get0_pubkey(x) != NULL &&
	    X509_verify(x, X509_get0_pubkey(x)) == 1;
	ci->is_ca = X509_check_ca(x) > 0;
	return 0;
}

void
cert_info_free(struct cert_info *ci)
{
	int	 i;

	if (ci == NULL)
		return;
	free(ci->subject);
	free(ci->issuer);
	free(ci->cn);
	for (i = 0; i < ci->nsan; i++)
		free(ci->san[i]);
	free(ci->san);
	free(ci->san_ip);
	memset(ci, 0, sizeof(*ci));
}

/* One DNS-ID or CN value, usable only if it is plain ASCII without NUL. */
static int
name_matches(const ASN1_STRING *s, const char *host)
{
	const unsigned char	*p = ASN1_STRING_get0_data(s);
	size_t			 len = (size_t)ASN1_STRING_length(s);

	return !bytes_bad(p, len) && certname_match((const char *)p, len,
	    host);
}

int
cert_matches_host(X509 *x, const char *host)
{
	GENERAL_NAMES		*gens;
	const X509_NAME		*n = X509_get_subject_name(x);
	int			 i, last = -1, seen = 0, ok = 0;

	/*
	 * Every DNS-ID counts, not only the ones kept for the report; the CN
	 * only without DNS-IDs (RFC 6125 §6.4.4), and only the last one.
	 */
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && !ok;
	    i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type != GEN_DNS)
			continue;
		seen = 1;
		ok = name_matches(g->d.dNSName, host);
	}
	GENERAL_NAMES_free(gens);
	if (seen)
		return ok;
	i = -1;
	while ((i = X509_NAME_get_index_by_NID(n, NID_commonName, i)) >= 0)
		last = i;
	return last >= 0 && name_matches(X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(n, last)), host);
}

long long
cert_days_left(const struct cert_info *ci, long long now)
{
	long long	 d = ci->not_after - now;

	return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}
