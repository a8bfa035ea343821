/* Certificate facts: what a certificate says, extracted once, as plain data. */
#ifndef MX_CERT_H
#define MX_CERT_H

#include <time.h>

#define CERT_SAN_MAX	200	/* names kept per certificate; the rest counted */
#define CERT_CHAIN_MAX	16	/* certificates kept per chain; the rest counted */

struct x509_st;

struct cert_info {
	char	*subject;	/* RFC 2253 one-line form, sanitised */
	char	*issuer;
	char	*cn;		/* last CN, sanitised; NULL if none */
	char	**san;		/* DNS names (sanitised for display) */
	int	 nsan;
	int	 nsan_total;
	char	*san_ip;	/* IP SANs, comma separated, or NULL */
	char	 serial[96];
	long long not_before;	/* seconds since the epoch */
	long long not_after;
	char	 key_type[16];	/* RSA, EC, ED25519, ... */
	int	 key_bits;
	char	 key_group[32];	/* curve name for EC keys */
	char	 sig_alg[64];
	char	 sig_hash[16];	/* sha256, sha1, md5 ... */
	char	 sha256[65];	/* of the DER certificate */
	char	 spki_sha256[65]; /* of SubjectPublicKeyInfo: TLSA 3 1 1 */
	int	 self_issued;	/* subject == issuer */
	int	 self_signed;	/* and its own key verifies it */
	int	 is_ca;
};

int	cert_info_from_x509(struct cert_info *, struct x509_st *);
void	cert_info_free(struct cert_info *);
/*
 * RFC 6125 match of host against every DNS SAN of the certificate (not only
 * those kept in cert_info), or the last CN when it has none.
 */
int	cert_matches_host(struct x509_st *, const char *host);
/* Whole days from now until not_after (negative once expired). */
long long cert_days_left(const struct cert_info *, long long now);

#endif
