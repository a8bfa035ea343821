/*
 * Asynchronous DNS through libunbound, validating (DNSSEC) in-process, with
 * its file descriptor in the event loop. Every answer carries its DNSSEC
 * status.
 */
#ifndef MX_DNS_H
#define MX_DNS_H

#include "report.h"

struct event_base;
struct dns;

struct dns_answer {
	struct dns_fact	 fact;
	int		 n;		/* records */
	unsigned char	**data;		/* rdata of each record */
	int		*len;
	const char	*canonname;	/* where CNAMEs led, if they did; else NULL */
};

typedef void (*dns_cb)(void *arg, const struct dns_answer *);

struct dns *dns_new(struct event_base *, const char *resolver,
	    const char *trust_anchor, char *err, size_t errlen);
int	dns_query(struct dns *, const char *name, int rrtype, dns_cb, void *);
/* Queries still waiting for an answer. */
int	dns_pending(const struct dns *);
void	dns_free(struct dns *);

#define DNS_TYPE_A	1
#define DNS_TYPE_MX	15
#define DNS_TYPE_TXT	16
#define DNS_TYPE_AAAA	28
#define DNS_TYPE_TLSA	52

#endif
