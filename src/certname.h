/* Reference identity matching for certificates (RFC 6125), pure. */
#ifndef MX_CERTNAME_H
#define MX_CERTNAME_H

#include <stddef.h>

/*
 * 1 if the DNS-ID pattern (pattern, plen) matches host. A wildcard is only
 * allowed as the whole left-most label and matches exactly one label
 * (RFC 6125 §6.4.3, as mail senders apply it). Patterns with NUL bytes, empty
 * labels or a wildcard over fewer than two labels never match.
 */
int	certname_match(const char *pattern, size_t plen, const char *host);

#endif
