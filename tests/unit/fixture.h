/* Hand-built reports for the judge and renderer tests. */
#ifndef MX_FIXTURE_H
#define MX_FIXTURE_H

#include "cli.h"
#include "report.h"

/* A fixed "now" so that dates in tests never drift. */
#define FIX_NOW		1767225600LL	/* 2026-01-01T00:00:00Z */
#define FIX_DAY		86400LL

/* Options as `mxprobe example.test` gives them. */
void	fix_options(struct options *);
/* A domain report for example.test with no hosts yet; MX lookup done. */
void	fix_report(struct report *, const struct options *);
/* Add host name with one good probe (STARTTLS, TLS 1.3, valid cert). */
struct probe *fix_good_probe(struct mx_host *, int family, const char *addr);
/* The same, on a fresh host of the report. */
struct probe *fix_good_host(struct report *, const char *name);
/* Fill one chain certificate with heap strings, valid around FIX_NOW. */
void	fix_cert(struct cert_info *, const char *name);
/* Feed a reply given as lines with their codes, CRLF. */
void	fix_reply(struct smtp_reply *, const char *const *lines, int n);

/* The first finding with this id, or NULL. */
const struct finding *fix_find(const struct report *, const char *id);
/* How many findings carry this id. */
int	fix_count(const struct report *, const char *id);
/* 1 if no finding is above SEV_OK. */
int	fix_only_ok(const struct report *);

#endif
