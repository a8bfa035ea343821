/* Decoding of record data as libunbound returns it (uncompressed), pure. */
#ifndef MX_DNSWIRE_H
#define MX_DNSWIRE_H

#include <stddef.h>

/*
 * Decode a wire-format name at p[*off] into lower-case dotted text without
 * the trailing dot ("" for the root). Only host-name bytes are accepted;
 * anything else, or a truncated name, is -1.
 */
int	dnswire_name(const unsigned char *p, size_t len, size_t *off,
	    char *out, size_t outlen);
/* MX rdata: preference and exchange; -1 if malformed. */
int	dnswire_mx(const unsigned char *p, size_t len, int *pref, char *name,
	    size_t namelen);

struct tlsa_rec;
/* TLSA rdata (RFC 6698 §2.1); data is allocated. -1 if malformed. */
int	dnswire_tlsa(const unsigned char *p, size_t len, struct tlsa_rec *);

/*
 * TXT rdata: the character-strings joined (RFC 7208 §3.3 style, as MTA-STS
 * and TLS-RPT records are read). out gets at most outlen-1 bytes and a NUL;
 * -1 if malformed or too long.
 */
int	dnswire_txt(const unsigned char *p, size_t len, char *out,
	    size_t outlen, size_t *outn);

#endif
