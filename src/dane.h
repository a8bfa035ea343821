/*
 * DANE for SMTP (RFC 7672, RFC 7671): match a presented chain against a
 * host's TLSA records. Gathering code: it records whether and how a record
 * matched; whether DANE applies at all is the judge's call.
 */
#ifndef MX_DANE_H
#define MX_DANE_H

struct dane_fact;
struct tlsa_rec;

/* 1 if SMTP may use the record: DANE-TA(2)/DANE-EE(3), known selector and matching type. */
int	dane_usable(const struct tlsa_rec *);
/*
 * Try every usable record against chain (STACK_OF(X509), leaf first).
 * DANE-EE matches the leaf and ignores names and dates (RFC 7672 §3.1.1);
 * DANE-TA matches a certificate the server sent and the chain from the
 * leaf up to it must verify, names included (§3.1.2). refname is the MX
 * host name.
 */
void	dane_verify(void *chain, const struct tlsa_rec *, int n,
	    const char *refname, struct dane_fact *);

#endif
