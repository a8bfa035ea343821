/* Command-line options: parsed once into plain data. */
#ifndef MX_CLI_H
#define MX_CLI_H

#include <stdio.h>
#include <sys/socket.h>

#include "target.h"

enum policy { POLICY_OPPORTUNISTIC, POLICY_STRICT };

#define CLI_RESOLVE_MAX		16
#define CLI_MAX_CONN_DEFAULT	256	/* --max-conn */
#define CLI_MAX_CONN_MAX	4096

struct options {
	const char	*target_arg;
	struct target	 target;
	const char	*name;		/* --name: SNI and reference identity */
	int		 has_connect;
	struct sockaddr_storage connect_addr;
	socklen_t	 connect_len;
	int		 has_source;
	struct sockaddr_storage source_addr;
	socklen_t	 source_len;
	int		 family;	/* 0, AF_INET, AF_INET6 */
	int		 port;		/* effective port */
	int		 implicit_tls;
	char		 ehlo[256];
	double		 timeout;	/* total per target */
	double		 connect_timeout;
	double		 greeting_timeout;
	double		 reply_timeout;
	double		 handshake_timeout;
	double		 retry_delay;	/* back-off after a 4xx */
	int		 max_conn_per_ip;
	int		 max_conn;	/* at once in the whole run */
	enum policy	 policy;
	const char	*ca_file;
	const char	*resolver;	/* ADDR[@PORT] */
	const char	*trust_anchor;
	const char	*resolve[CLI_RESOLVE_MAX];	/* --resolve, curl's form */
	int		 nresolve;
	int		 fail_on;	/* enum severity that makes exit non-zero */
	int		 warn_days;
	int		 quick;		/* skip the deep TLS inspection */
	int		 scan;		/* deep TLS inspection (default on) */
	int		 ciphers_full;	/* --ciphers full: every suite */
	double		 scan_pause;	/* seconds between scan connections */
	int		 json;
	int		 verbose;
	int		 color;		/* -1 auto, 0 never, 1 always */
	int		 help;
	int		 version;
};

/* 0 ok, -1 with a one-line reason in err. */
int	cli_parse(int argc, char **argv, struct options *, char *err,
	    size_t errlen);
void	cli_usage(FILE *);

#endif
