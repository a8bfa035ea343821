/*
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) record and policy parsing:
 * pure, bounded, fuzzed. Fetching the policy is not here.
 */
#ifndef MX_MTASTS_H
#define MX_MTASTS_H

#include <stddef.h>

#include "buf.h"

#define STS_POLICY_MAX	65536	/* RFC 8461 §3.3: senders may cap at 64 KiB */
#define STS_MX_MAX	32	/* mx patterns kept */
#define STS_ID_MAX	32	/* RFC 8461 §3.1: 1-32 alphanumerics */
#define STS_MAX_AGE_MAX	31557600 /* RFC 8461 §3.2: one year */

enum sts_mode { STS_MODE_NONE_GIVEN, STS_MODE_ENFORCE, STS_MODE_TESTING,
	STS_MODE_NONE };

/* The _mta-sts TXT record. */
struct sts_txt {
	char		 id[STS_ID_MAX + 1];
};

struct sts_policy {
	int		 version_ok;	/* version: STSv1 seen */
	enum sts_mode	 mode;
	long long	 max_age;	/* -1 if missing or bad */
	char		*mx[STS_MX_MAX];
	int		 nmx;
	int		 nmx_total;
};

/* The _smtp._tls TXT record. */
struct tlsrpt {
	int		 nrua;		/* usable rua URIs (mailto:, https:) */
	char		 rua[512];	/* as published, sanitised */
};

/*
 * Parse one TXT record (strings already joined). 0 if it is a valid record
 * of the kind, -1 with the reason in err otherwise. A record of another
 * kind (not starting with v=STSv1 / v=TLSRPTv1) gives -2: not ours.
 */
int	sts_txt_parse(const char *, size_t, struct sts_txt *, char *err,
	    size_t errlen);
int	tlsrpt_parse(const char *, size_t, struct tlsrpt *, char *err,
	    size_t errlen);
/*
 * Parse a policy body. Returns 0 if usable; every syntax problem is
 * appended to problems as one line each (the policy may still be usable:
 * unknown keys are allowed, RFC 8461 §3.2).
 */
int	sts_policy_parse(const char *, size_t, struct sts_policy *,
	    struct buf *problems);
void	sts_policy_free(struct sts_policy *);
/* RFC 8461 §4.1: "*.example.com" matches exactly one extra label. */
int	sts_mx_match(const char *pattern, const char *host);
const char *sts_mode_name(enum sts_mode);

#endif
