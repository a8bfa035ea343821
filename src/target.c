/* Parse targets: domain, [host], address literals, each with an optional :port. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "buf.h"
#include "target.h"

static int
is_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/*
 * A host name per RFC 1123 §2.1: LDH labels of 1-63 octets, no leading or
 * trailing hyphen, 253 octets at most; one trailing dot allowed. Underscore
 * is allowed inside a label because real MX host names carry it.
 */
int
target_hostname_ok(const char *s, size_t len)
{
	size_t	 i, label = 0, digits = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = digits = 0;
			continue;
		}
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		if (!is_ldh((unsigned char)s[i]) && s[i] != '_')
			return 0;
		if (label == 0 && s[i] == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	/* An all-numeric last label is a mistyped address, not a name. */
	return s[len - 1] != '-' && digits != label;
}

int
target_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

int
target_parse_port(const char *s, int *port)
{
	long long	 v;

	if (parse_num(s, strlen(s), 1, 65535, &v) == -1)
		return -1;
	*port = (int)v;
	return 0;
}

static int
set_name(struct target *t, const char *s, size_t len)
{
	size_t	 i;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len >= sizeof(t->name))
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		t->name[i] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	t->name[len] = '\0';
	return 0;
}

/* Classify the inside of a target (no brackets, no port). */
static int
parse_inner(const char *s, size_t len, int bracketed, struct target *t,
    char *err, size_t errlen)
{
	char	 tmp[TARGET_NAME_MAX + 8];

	if (len == 0 || len >= sizeof(tmp)) {
		str_fmt(err, errlen, "empty or overlong target");
		return -1;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (target_parse_addr(tmp, &t->addr, &t->addrlen) == 0) {
		t->kind = TARGET_ADDR;
		return str_copy(t->name, sizeof(t->name), tmp);
	}
	if (!target_hostname_ok(s, len)) {
		str_fmt(err, errlen, "'%s' is neither a host name nor an "
		    "IP address", tmp);
		return -1;
	}
	t->kind = bracketed ? TARGET_HOST : TARGET_DOMAIN;
	return set_name(t, s, len);
}

int
target_parse(const char *s, struct target *t, char *err, size_t errlen)
{
	const char	*end, *colon, *inner = s;
	size_t		 innerlen;
	int		 bracketed = 0;

	memset(t, 0, sizeof(*t));
	if (s == NULL || *s == '\0') {
		str_fmt(err, errlen, "empty target");
		return -1;
	}
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL) {
			str_fmt(err, errlen, "missing ']' in target");
			return -1;
		}
		bracketed = 1;
		inner = s + 1;
		innerlen = (size_t)(end - inner);
		colon = end + 1;
		if (*colon != '\0' && *colon != ':') {
			str_fmt(err, errlen, "junk after ']' in target");
			return -1;
		}
		if (*colon == '\0')
			colon = NULL;
	} else {
		/* Two or more colons without brackets: a bare IPv6 address. */
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		innerlen = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (parse_inner(inner, innerlen, bracketed, t, err, errlen) == -1)
		return -1;
	if (colon != NULL && target_parse_port(colon + 1, &t->port) == -1) {
		str_fmt(err, errlen, "bad port '%.16s' (1-65535)", colon + 1);
		return -1;
	}
	return 0;
}
