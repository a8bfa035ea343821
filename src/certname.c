/* Reference identity matching for certificates (RFC 6125), pure. */
#include <string.h>
#include <strings.h>

#include "certname.h"

/* Length without one trailing dot. */
static size_t
trim_dot(const char *s, size_t len)
{
	return (len > 0 && s[len - 1] == '.') ? len - 1 : len;
}

static int
labels_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0' || c >= 0x80 || c <= 0x20)
			return 0;
		if (c == '.' && (i + 1 == len || s[i + 1] == '.'))
			return 0;
	}
	return 1;
}

int
certname_match(const char *pattern, size_t plen, const char *host)
{
	size_t		 hlen = strlen(host), restlen;
	const char	*rest, *hdot;

	plen = trim_dot(pattern, plen);
	hlen = trim_dot(host, hlen);
	if (!labels_ok(host, hlen))
		return 0;
	if (plen >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		rest = pattern + 2;
		restlen = plen - 2;
		/* The rest must itself be a name of two labels or more. */
		if (!labels_ok(rest, restlen) || memchr(rest, '.', restlen) ==
		    NULL || memchr(rest, '*', restlen) != NULL)
			return 0;
		if ((hdot = memchr(host, '.', hlen)) == NULL || hdot == host)
			return 0;
		hdot++;
		return (size_t)(host + hlen - hdot) == restlen &&
		    strncasecmp(hdot, rest, restlen) == 0;
	}
	if (!labels_ok(pattern, plen) || memchr(pattern, '*', plen) != NULL)
		return 0;
	return plen == hlen && strncasecmp(pattern, host, hlen) == 0;
}
