/* What the user asked to test, in Postfix's next-hop notation. */
#ifndef MX_TARGET_H
#define MX_TARGET_H

#include <sys/socket.h>

#define TARGET_NAME_MAX	254	/* 253 octets of name plus NUL */

enum target_kind {
	TARGET_DOMAIN,		/* example.com: MX lookup */
	TARGET_HOST,		/* [mx.example.com]: that host, no MX lookup */
	TARGET_ADDR		/* 192.0.2.1, [192.0.2.1], [2001:db8::1] */
};

struct target {
	enum target_kind	kind;
	char			name[TARGET_NAME_MAX];	/* lower case, no dot */
	int			port;			/* 0: not given */
	struct sockaddr_storage	addr;			/* TARGET_ADDR */
	socklen_t		addrlen;
};

int	target_parse(const char *, struct target *, char *err, size_t errlen);
int	target_hostname_ok(const char *, size_t);
int	target_parse_addr(const char *, struct sockaddr_storage *,
	    socklen_t *);
int	target_parse_port(const char *, int *);

#endif
