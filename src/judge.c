/* The judge: pure functions from facts to findings, for mail (RFC 7435). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "buf.h"
#include "cli.h"
#include "dane.h"
#include "judge.h"
#include "report.h"
#include "sanitize.h"
#include "scan_suites.h"

static const struct finding_def defs[] = {
	{ "dns.nxdomain", "the domain does not exist (NXDOMAIN)",
	  "Check the spelling; a domain that receives mail needs to exist in "
	  "DNS with MX records." },
	{ "dns.mx.error", "the MX lookup failed",
	  "Make the domain's authoritative servers answer MX queries (SERVFAIL "
	  "or no answer makes senders defer mail)." },
	{ "dns.mx.bogus", "the MX answer failed DNSSEC validation",
	  "Fix the zone's DNSSEC signatures or the DS record at the parent; "
	  "validating senders cannot deliver while answers are bogus." },
	{ "dns.mx.malformed", "MX records that cannot be used (bad rdata or a "
	  "target that is not a host name)",
	  "Publish MX records whose exchange is a host name with A/AAAA "
	  "records (RFC 5321 §5.1); never an address or an odd name." },
	{ "dns.mx.null", "the domain publishes a null MX: it accepts no mail "
	  "(RFC 7505)",
	  "Nothing to fix if the domain should receive no mail; otherwise "
	  "replace 'MX 0 .' with real MX records." },
	{ "dns.mx.implicit", "no MX records: senders use the domain's own "
	  "address (implicit MX, RFC 5321 §5.1)",
	  "Publish an MX record naming the mail server explicitly." },
	{ "dns.mx.cname", "an MX host name is an alias (CNAME)",
	  "Point the MX record at the canonical host name: MX targets must not "
	  "be aliases (RFC 2181 §10.3, RFC 5321 §5.1); some senders refuse "
	  "them and certificate names may not match." },
	{ "dns.mx.noaddress", "an MX host has no IPv4 or IPv6 address",
	  "Give the MX host an A and/or AAAA record, or remove it from the MX "
	  "set." },
	{ "dns.addr.error", "the address lookup of an MX host failed",
	  "Make the MX host's zone answer A and AAAA queries (including "
	  "NODATA for AAAA when there is no IPv6)." },
	{ "dns.addr.bogus", "the address records of an MX host failed DNSSEC "
	  "validation",
	  "Fix the DNSSEC signatures of the MX host's zone; validating senders "
	  "cannot reach it." },
	{ "dane.tlsa.bogus", "the TLSA records of an MX host failed DNSSEC "
	  "validation",
	  "Fix the DNSSEC signatures of the TLSA records (re-sign the zone); "
	  "DANE senders defer all mail while they are bogus." },
	{ "dane.tlsa.error", "the TLSA lookup of an MX host with signed "
	  "addresses failed",
	  "Make the zone answer TLSA queries (NXDOMAIN or NODATA when there "
	  "are none); DANE senders defer mail on SERVFAIL (RFC 7672 §2.2)." },
	{ "dane.tlsa.insecure", "TLSA records exist but are not "
	  "DNSSEC-secure, so senders ignore them",
	  "Sign the zone of the MX host (and its address records) and publish "
	  "the DS record at the parent, or remove the TLSA records." },
	{ "dane.tlsa.unusable", "TLSA records that SMTP senders cannot use "
	  "(PKIX-TA/PKIX-EE usages or unknown parameters)",
	  "Publish DANE-EE (3 1 1) or DANE-TA (2 1 1) records; RFC 7672 §3.1.3 "
	  "makes usages 0 and 1 unusable for SMTP." },
	{ "dane.mismatch", "no usable TLSA record matches the server's "
	  "certificate: DANE senders will not deliver",
	  "Publish TLSA records that match the certificate the server "
	  "presents (the detail lists them), keeping the old ones until the "
	  "new certificate is live everywhere." },
	{ "dane.rollover", "only one TLSA record, matching the current key: "
	  "the next key has no record yet",
	  "Publish a second TLSA record for the next key (or a 2 1 1 record "
	  "for the issuing CA) before the next certificate change." },
	{ "dane.none", "the MX host's zone is signed but publishes no TLSA "
	  "records",
	  "Publish TLSA records (the detail lists records that match now) to "
	  "protect delivery against downgrade (RFC 7672)." },
	{ "dane.ok", "DANE authenticated the server", NULL },
	{ "mtasts.none", "no MTA-STS policy (no _mta-sts TXT record)",
	  "Publish an MTA-STS policy (RFC 8461): a TXT record _mta-sts.<domain> "
	  "\"v=STSv1; id=<date>\" and the policy file at https://mta-sts."
	  "<domain>/.well-known/mta-sts.txt, starting in mode testing." },
	{ "mtasts.txt.invalid", "the _mta-sts TXT record is invalid, so "
	  "senders see no policy",
	  "Publish exactly one record of the form \"v=STSv1; id=<1-32 letters "
	  "or digits>;\" at _mta-sts.<domain>." },
	{ "mtasts.txt.error", "the _mta-sts TXT lookup failed",
	  "Make the zone answer TXT queries for _mta-sts.<domain>; senders "
	  "then keep using a cached policy." },
	{ "mtasts.policy.unreachable", "the MTA-STS policy could not be "
	  "fetched: senders apply no policy",
	  "Serve the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt "
	  "on port 443: the name needs an address and the server must answer "
	  "within a minute." },
	{ "mtasts.policy.cert", "the policy server's certificate is not valid "
	  "for mta-sts.<domain>",
	  "Give the policy host a certificate from a public CA that names "
	  "mta-sts.<domain> and send the full chain (RFC 8461 §3.3)." },
	{ "mtasts.policy.redirect", "the policy URL redirects, and senders "
	  "must not follow redirects",
	  "Serve the policy file itself at the well-known URL with status 200 "
	  "(RFC 8461 §3.3)." },
	{ "mtasts.policy.http", "the policy URL does not answer 200 OK",
	  "Serve the policy file at /.well-known/mta-sts.txt with status 200." },
	{ "mtasts.policy.size", "the policy file is larger than 64 KiB, "
	  "so senders refuse it",
	  "Serve a short policy: version, mode, mx and max_age lines." },
	{ "mtasts.policy.type", "the policy is not served as text/plain",
	  "Serve mta-sts.txt with Content-Type: text/plain (RFC 8461 §3.3); "
	  "strict senders reject other types." },
	{ "mtasts.policy.invalid", "the policy file is not a usable MTA-STS "
	  "policy: senders apply none",
	  "Publish a policy with version: STSv1, a mode, max_age and one mx "
	  "line per MX host (the paste block fits this domain), then change "
	  "the id in the TXT record." },
	{ "mtasts.policy.syntax", "the policy file has syntax problems that "
	  "senders may treat differently",
	  "Fix the lines named in the detail; use exactly one key: value per "
	  "line with CRLF or LF endings." },
	{ "mtasts.policy.ok", "MTA-STS policy fetched and usable", NULL },
	{ "mtasts.policy.testing", "the MTA-STS policy is in testing mode: "
	  "failures are reported, not enforced",
	  "Switch to mode: enforce once the TLS-RPT reports show no failures "
	  "(and change the id in the TXT record)." },
	{ "mtasts.policy.none", "the MTA-STS policy has mode none: senders "
	  "drop the policy",
	  "Nothing to fix if the policy is being withdrawn; otherwise use mode "
	  "testing or enforce." },
	{ "mtasts.policy.maxage", "the policy's max_age is under a day, so "
	  "it protects little against downgrade",
	  "Use a max_age of weeks (RFC 8461 §3.2 suggests weeks or more), e.g. "
	  "max_age: 1209600." },
	{ "mtasts.mx.unlisted", "an MX host matches none of the policy's mx "
	  "patterns: policy senders will not deliver to it",
	  "Add an mx line for the host to the policy (the paste block lists "
	  "every MX), then change the id in the TXT record." },
	{ "mtasts.mx.tls", "senders that apply the MTA-STS policy refuse this "
	  "server's TLS",
	  "Give the MX a certificate from a public CA naming the MX host, with "
	  "its chain, and offer STARTTLS (RFC 8461 §4.2)." },
	{ "mtasts.dane", "DANE and MTA-STS are both published; DANE takes "
	  "precedence for senders that support both",
	  "Nothing to fix; keep both consistent (RFC 8461 §2)." },
	{ "tlsrpt.none", "no TLS-RPT record: failures of TLS delivery are not "
	  "reported to the domain",
	  "Publish _smtp._tls.<domain> TXT \"v=TLSRPTv1; rua=mailto:"
	  "tlsrpt@<domain>\" (RFC 8460) to learn when senders fail." },
	{ "tlsrpt.invalid", "the TLS-RPT record is invalid, so senders send "
	  "no reports",
	  "Publish exactly one record \"v=TLSRPTv1; rua=mailto:...\" (or "
	  "https:) at _smtp._tls.<domain>." },
	{ "tlsrpt.ok", "TLS-RPT record present", NULL },
	{ "connect.failed", "the TCP connection failed",
	  "Make sure the server listens on this address and port and that no "
	  "firewall blocks it." },
	{ "connect.timeout", "the TCP connection timed out",
	  "Check firewalls and routing for this address; an MX address that "
	  "does not answer delays all mail." },
	{ "smtp.greeting.timeout", "no complete 220 greeting within the "
	  "greeting timeout",
	  "Make the server greet within 30 seconds (postscreen greet_wait or "
	  "greet_pause longer than that loses mail)." },
	{ "smtp.timeout", "the server stopped answering in the SMTP dialogue",
	  "Check the server's logs for why it stalls after this command." },
	{ "smtp.closed", "the server closed the connection before TLS",
	  "Check the server's logs; it may be rate limiting or blocking the "
	  "tester's address." },
	{ "smtp.busy", "the server answered 4xx (busy or rate limited): "
	  "inconclusive",
	  "Try again later or from another address; if it persists, the "
	  "server refuses connections from this client." },
	{ "smtp.rejected", "the server refused the session (5xx greeting, or "
	  "EHLO and HELO both refused): inconclusive",
	  "The server blocks this client's address; test from an address it "
	  "accepts." },
	{ "smtp.reply.malformed", "a reply that is not valid SMTP",
	  "Fix the server or the middlebox in front of it: replies must be "
	  "three-digit codes followed by space or '-', ending in CRLF "
	  "(RFC 5321 §4.2)." },
	{ "smtp.reply.syntax", "replies with protocol deviations (bare LF, "
	  "NUL or control bytes)",
	  "Make the server end lines with CRLF and send only printable text "
	  "(RFC 5321 §2.3.8)." },
	{ "smtp.ehlo.rejected", "EHLO was refused; only HELO works, so "
	  "STARTTLS is impossible",
	  "Enable ESMTP (EHLO) on the server; without it no sender can use "
	  "STARTTLS." },
	{ "smtp.ehlo.tls", "EHLO after STARTTLS failed",
	  "The server must accept EHLO again inside TLS (RFC 3207 §4.2)." },
	{ "starttls.missing", "STARTTLS is not offered: mail arrives in "
	  "plaintext",
	  "Configure a certificate and enable STARTTLS, e.g. Postfix "
	  "smtpd_tls_security_level = may with smtpd_tls_chain_files." },
	{ "starttls.stripped", "STARTTLS was overwritten by a middlebox "
	  "(e.g. XXXXXXXA)",
	  "Disable SMTP/ESMTP inspection on the firewall in front of the "
	  "server (Cisco: no inspect esmtp)." },
	{ "starttls.rejected", "the STARTTLS command was refused",
	  "Make the server able to start TLS (certificate and key readable, "
	  "TLS library working); check its logs." },
	{ "starttls.injection", "the server sent data after the STARTTLS 220 "
	  "before the handshake",
	  "This can be a response-injection attack or a broken middlebox "
	  "(CVE-2011-0411 class); check what sits in front of the server." },
	{ "tls.handshake.failed", "STARTTLS is offered but the TLS handshake "
	  "fails",
	  "Senders then deliver in plaintext or not at all: fix the "
	  "certificate, key and protocol/cipher settings until a default "
	  "client can complete a handshake." },
	{ "tls.version.old", "the best protocol the server negotiates is TLS "
	  "1.1 or older",
	  "Enable TLS 1.2 and 1.3, e.g. Postfix smtpd_tls_protocols = "
	  ">=TLSv1.2 with a current OpenSSL." },
	{ "tls.version.legacy", "the server still accepts TLS 1.0 or 1.1",
	  "Set the protocol floor to TLS 1.2, e.g. Postfix "
	  "smtpd_tls_protocols = >=TLSv1.2 (and smtpd_tls_mandatory_protocols)." },
	{ "tls.version.no13", "TLS 1.3 is not offered",
	  "Enable TLS 1.3 (OpenSSL 1.1.1 or later does it by default)." },
	{ "tls.cipher.nopfs", "the negotiated suite has no forward secrecy "
	  "(static RSA key exchange)",
	  "Prefer ECDHE suites; remove static-RSA suites from the server's "
	  "cipher list." },
	{ "tls.version.ssl2", "the server accepts SSLv2",
	  "Disable SSLv2 (DROWN, RFC 6176): a current OpenSSL cannot even "
	  "speak it; replace the TLS stack or the appliance that does." },
	{ "tls.version.ssl3", "the server accepts SSLv3",
	  "Disable SSLv3 (POODLE, RFC 7568), e.g. Postfix smtpd_tls_protocols "
	  "= >=TLSv1.2." },
	{ "tls.cipher.null", "the server accepts NULL suites: no encryption",
	  "Remove eNULL suites from the cipher list (Postfix: keep "
	  "smtpd_tls_exclude_ciphers free of overrides that allow them)." },
	{ "tls.cipher.anon", "the server accepts anonymous suites: no "
	  "server authentication at all",
	  "Remove aNULL suites (ADH, AECDH) from the cipher list, e.g. "
	  "smtpd_tls_exclude_ciphers = aNULL." },
	{ "tls.cipher.export", "the server accepts export-grade suites "
	  "(40/56-bit)",
	  "Remove EXPORT suites (FREAK, Logjam); a current OpenSSL has none." },
	{ "tls.cipher.rc4", "the server accepts RC4 suites",
	  "Remove RC4 (RFC 7465 prohibits it), e.g. smtpd_tls_exclude_ciphers "
	  "= RC4." },
	{ "tls.cipher.des", "the server accepts single-DES suites",
	  "Remove DES suites (56-bit keys)." },
	{ "tls.cipher.3des", "the server accepts 3DES or other 64-bit-block "
	  "suites (Sweet32)",
	  "Remove 3DES, IDEA and RC2 suites, e.g. smtpd_tls_exclude_ciphers = "
	  "3DES, IDEA, RC2." },
	{ "tls.cipher.static", "the server accepts suites without forward "
	  "secrecy (static RSA or DH key exchange)",
	  "Prefer ECDHE/DHE suites and drop kRSA ones where all senders can "
	  "do without them." },
	{ "tls.cipher.cbconly", "a client limited to TLS 1.2 gets no AEAD "
	  "suite (CBC only)",
	  "Enable AES-GCM or ChaCha20-Poly1305 suites for TLS 1.2." },
	{ "tls.dh.weak", "the server's DHE group is smaller than 2048 bits",
	  "Use a 2048-bit or larger DH group (Postfix: smtpd_tls_dh1024_param_"
	  "file with a 2048-bit group, or rely on ECDHE and the built-in "
	  "group)." },
	{ "tls.heartbleed", "the server leaks memory through the heartbeat "
	  "extension (Heartbleed, CVE-2014-0160)",
	  "Upgrade the TLS library at once, then replace the private key and "
	  "certificate: they may have leaked." },
	{ "tls.compression", "the server accepts TLS compression (CRIME)",
	  "Disable TLS-level compression (a current OpenSSL has it off)." },
	{ "tls.reneg.insecure", "the server does not support secure "
	  "renegotiation (RFC 5746)",
	  "Upgrade the TLS library; every current one supports RFC 5746." },
	{ "tls.scsv.missing", "the server ignores TLS_FALLBACK_SCSV",
	  "Upgrade the TLS library (RFC 7507); it matters only while "
	  "versions below the best one stay enabled." },
	{ "tls.scan.anomaly", "the server answered a hello with a version or "
	  "suite that was never offered",
	  "Such a server (or a middlebox in front of it) breaks the TLS "
	  "protocol; clients abort. Check what answers on this port." },
	{ "tls.scan.partial", "the deep TLS inspection could not answer every "
	  "question",
	  "Run again later, with a longer --timeout, or with --max-conn-per-ip "
	  "allowing more connections; some servers throttle scanners." },
	{ "tls.ok", "TLS established", NULL },
	{ "cert.selfsigned", "the certificate is self-signed",
	  "Use a certificate from a public CA (e.g. ACME/Let's Encrypt), or "
	  "publish DANE TLSA records for it." },
	{ "cert.untrusted", "the certificate chain does not lead to a "
	  "trusted CA",
	  "Use a certificate from a CA that senders trust, or publish DANE "
	  "TLSA records for it." },
	{ "cert.chain.incomplete", "the server does not send the "
	  "intermediate certificate(s)",
	  "Serve the full chain: leaf first, then the intermediates (Postfix "
	  "smtpd_tls_chain_files = key, cert, intermediates)." },
	{ "cert.expired", "a certificate in the chain has expired",
	  "Renew the certificate and reload the server; automate renewal." },
	{ "cert.notyetvalid", "a certificate in the chain is not valid yet",
	  "Check the server's clock and the certificate's start date." },
	{ "cert.expiring", "the certificate expires soon",
	  "Renew the certificate now and make sure renewal is automated." },
	{ "cert.name.mismatch", "the certificate does not name the MX host",
	  "Issue a certificate whose subjectAltName contains the MX host name "
	  "(with MTA-STS or DANE-TA this is a failure)." },
	{ "cert.name.unchecked", "no host name to check the certificate "
	  "against (address target without --name)",
	  "Give --name with the host name senders use for this address." },
	{ "cert.invalid", "the certificate chain failed verification",
	  "Fix the chain so that it verifies; the detail names the error." },
	{ "cert.key.weak", "the certificate key is too small",
	  "Use RSA 2048 bits or more, or an ECDSA P-256 key." },
	{ "cert.sig.weak", "a certificate is signed with SHA-1 or MD5",
	  "Reissue the certificate (and intermediates) with SHA-256 signatures." },
	{ "cert.alt.invalid", "another certificate the server presents (RSA "
	  "or ECDSA, to clients that ask for that key type) has problems",
	  "Renew or replace that certificate too: a sender that prefers the "
	  "other key type gets it. Keep every certificate of the server in "
	  "step (names, dates, key size)." },
	{ "dane.alt.mismatch", "no DANE-EE record matches the server's other "
	  "certificate: DANE senders that get it will not deliver",
	  "Publish a TLSA record for each certificate the server can present "
	  "(the detail lists the one missing), RFC 7671 §8.1." },
	{ "cert.ok", "certificate trusted and names the host", NULL },
	{ "addr.family.differs", "the IPv4 and IPv6 addresses of one host "
	  "give different results",
	  "Give every node the same TLS configuration; IPv4 and IPv6 of one "
	  "name are often different machines." },
	{ "probe.limit", "more MX hosts or addresses than mxprobe tests; "
	  "the rest were skipped",
	  "Nothing to fix for most domains; so many MX hosts or addresses "
	  "slow every sender down." },
	{ "probe.deadline", "the total deadline ran out before this address "
	  "was fully tested: inconclusive",
	  "Raise --timeout, or check why the server is so slow." },
	{ "probe.internal", "mxprobe could not test this address",
	  "This is a bug or a local resource problem; the detail says which." },
	{ NULL, NULL, NULL }
};

const struct finding_def *
judge_defs(void)
{
	return defs;
}

const struct finding_def *
judge_def(const char *id)
{
	const struct finding_def *d;

	for (d = defs; d->id != NULL; d++)
		if (strcmp(d->id, id) == 0)
			return d;
	return NULL;
}

struct judge {
	struct report		*rep;
	const struct options	*o;
	long long		 now;
	const char		*host;
	struct mx_host		*mxh;		/* the current host */
	int			 dane;		/* DANE applies, with usable records */
	int			 dane_any;	/* ... to some host */
	enum sts_mode		 sts_mode;	/* MTA-STS in force, or NONE_GIVEN */
	int			 sts_listed;	/* the current host is in it */
	struct probe		*probe;
};

static void
add(struct judge *j, const char *id, enum severity sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record one finding against the current host and probe. */
static void
add(struct judge *j, const char *id, enum severity sev, const char *fmt, ...)
{
	const struct finding_def *d = judge_def(id);
	struct report	*r = j->rep;
	struct finding	*f, *n;
	struct buf	 b;
	va_list		 ap;

	if (d == NULL)
		abort();	/* every id must be in the table */
	n = realloc(r->findings, sizeof(*n) * (size_t)(r->nfindings + 1));
	if (n == NULL)
		abort();
	r->findings = n;
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->id = d->id;
	f->sev = sev;
	f->fix = d->fix;
	f->host = j->host ? xstrdup(j->host) : NULL;
	f->addr = j->probe ? xstrdup(j->probe->addr_text) : NULL;
	f->probe = j->probe;
	buf_init(&b, 4096);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->detail = buf_steal(&b);
	if (j->probe != NULL && (int)sev > j->probe->worst)
		j->probe->worst = sev;
}

/* Key and signature strength: warn for opportunistic port 25, fail if strict. */
static enum severity
strict_sev(const struct judge *j)
{
	return j->o->policy == POLICY_STRICT ? SEV_FAIL : SEV_WARN;
}

/*
 * Certificate trust problems: warn for opportunistic port 25, fail if
 * strict; only worth knowing once DANE authenticated the server, since
 * DANE's rules then decide (RFC 7672 §3.1).
 */
static enum severity
auth_sev(const struct judge *j)
{
	if (j->probe != NULL && j->probe->dane.ok && j->dane)
		return SEV_INFO;
	return strict_sev(j);
}

/* The reply text of the greeting or last reply, sanitised, one line. */
static char *
reply_summary(const struct smtp_reply *r)
{
	struct buf	 b;
	char		*s;
	size_t		 len;
	const char	*line = smtp_reply_line(r, 0, &len);

	buf_init(&b, 1024);
	buf_addf(&b, "%d", r->code);
	if (line != NULL && len > 0) {
		s = sanitize_text_dup(line, len > 200 ? 200 : len);
		buf_addf(&b, " %s", s);
		free(s);
	}
	return buf_steal(&b);
}

static int
has_chain_error(const struct tls_fact *t, int code, int *depth)
{
	int	 i;

	for (i = 0; i < t->nerrors; i++)
		if (t->errors[i].code == code) {
			if (depth != NULL)
				*depth = t->errors[i].depth;
			return 1;
		}
	return 0;
}

static void
judge_dates(struct judge *j, const struct tls_fact *t)
{
	const struct cert_info	*leaf = &t->chain[0];
	long long		 days = cert_days_left(leaf, j->now);
	int			 i;

	for (i = 0; i < t->nchain; i++) {
		const struct cert_info *c = &t->chain[i];

		if (c->not_after < j->now)
			add(j, "cert.expired", auth_sev(j), "%s expired %lld "
			    "days ago (%s)", i == 0 ? "the server certificate" :
			    "a chain certificate", -cert_days_left(c, j->now),
			    c->subject);
		else if (c->not_before > j->now)
			add(j, "cert.notyetvalid", auth_sev(j), "%s (%s) is "
			    "valid only from %lld", i == 0 ? "the server "
			    "certificate" : "a chain certificate", c->subject,
			    c->not_before);
	}
	if (leaf->not_after >= j->now && days < j->o->warn_days)
		add(j, "cert.expiring", j->probe->dane.ok && j->dane &&
		    j->probe->dane.usage == 3 ? SEV_INFO : SEV_WARN, "expires "
		    "in %lld days (warning threshold %d)", days,
		    j->o->warn_days);
}

static void
judge_trust(struct judge *j, const struct tls_fact *t)
{
	int	 depth = -1, i;

	if (has_chain_error(t, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, NULL))
		add(j, "cert.selfsigned", auth_sev(j), "%s", t->chain[0].subject);
	else if (has_chain_error(t, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
	    &depth) || has_chain_error(t, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
	    &depth)) {
		/* The leaf's own issuer is missing: the server did not send it. */
		if (depth == 0 && t->nchain_total == 1)
			add(j, "cert.chain.incomplete", auth_sev(j), "only the "
			    "server certificate was sent; its issuer (%s) is "
			    "not a trusted CA", t->chain[0].issuer);
		else
			add(j, "cert.untrusted", auth_sev(j), "no trusted CA "
			    "issued %s", depth >= 0 && depth < t->nchain ?
			    t->chain[depth].issuer : "the chain");
	} else if (has_chain_error(t, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
	    NULL))
		add(j, "cert.untrusted", auth_sev(j), "the chain ends in a root "
		    "that is not trusted");
	for (i = 0; i < t->nerrors; i++) {
		switch (t->errors[i].code) {
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_CERT_HAS_EXPIRED:
		case X509_V_ERR_CERT_NOT_YET_VALID:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		case X509_V_ERR_CA_KEY_TOO_SMALL:
		case X509_V_ERR_EE_KEY_TOO_SMALL:
		case X509_V_ERR_CA_MD_TOO_WEAK:
			continue;	/* judged on their own */
		}
		add(j, "cert.invalid", auth_sev(j), "depth %d: %s",
		    t->errors[i].depth,
		    X509_verify_cert_error_string(t->errors[i].code));
	}
}

static int
key_weak(const struct cert_info *c)
{
	if (strcmp(c->key_type, "RSA") == 0 || strcmp(c->key_type, "DSA") == 0)
		return c->key_bits < 2048;
	if (strcmp(c->key_type, "EC") == 0)
		return c->key_bits < 224;
	return 0;
}

static int
hash_weak(const char *h)
{
	return strcmp(h, "SHA1") == 0 || strcmp(h, "MD5") == 0 ||
	    strcmp(h, "MD4") == 0 || strcmp(h, "MD2") == 0;
}

static void
judge_keys(struct judge *j, const struct tls_fact *t)
{
	int	 i;

	if (key_weak(&t->chain[0]))
		add(j, "cert.key.weak", strict_sev(j), "%s key of %d bits",
		    t->chain[0].key_type, t->chain[0].key_bits);
	for (i = 0; i < t->nchain; i++) {
		const struct cert_info *c = &t->chain[i];

		/* A root's self-signature is never checked by anyone. */
		if (c->self_signed && i > 0)
			continue;
		if (hash_weak(c->sig_hash))
			add(j, "cert.sig.weak", SEV_WARN, "%s is signed with %s",
			    c->subject, c->sig_hash);
	}
}

static void
judge_cert(struct judge *j, const struct tls_fact *t)
{
	size_t	 before = (size_t)j->rep->nfindings;

	if (t->nchain == 0) {
		add(j, "cert.invalid", auth_sev(j), "no certificate was sent");
		return;
	}
	judge_trust(j, t);
	judge_dates(j, t);
	if (!t->name_checked)
		add(j, "cert.name.unchecked", SEV_INFO, "certificate names: %s",
		    t->chain[0].nsan > 0 ? t->chain[0].san[0] :
		    t->chain[0].cn ? t->chain[0].cn : "(none)");
	else if (!t->name_ok)
		add(j, "cert.name.mismatch", auth_sev(j), "%s is not among the "
		    "certificate's names (%s%s)", j->probe->refname,
		    t->chain[0].nsan > 0 ? t->chain[0].san[0] :
		    t->chain[0].cn ? t->chain[0].cn : "none",
		    t->chain[0].nsan > 1 ? ", ..." : "");
	judge_keys(j, t);
	if ((size_t)j->rep->nfindings == before)
		add(j, "cert.ok", SEV_OK, "trusted, names %s, %lld days left",
		    j->probe->refname ? j->probe->refname : "-",
		    cert_days_left(&t->chain[0], j->now));
}

/* TLSA records that would match the chain this server presents. */
static void
tlsa_suggestion(const struct judge *j, const struct probe *p, struct buf *b)
{
	const struct tls_fact	*t = &p->tls;
	int			 i;

	buf_addf(b, "%s IN TLSA 3 1 1 %s", j->mxh->tlsa_name,
	    t->chain[0].spki_sha256);
	if (t->nchain > 1)
		buf_addf(b, "; or %s IN TLSA 2 1 1 %s (the issuing CA)",
		    j->mxh->tlsa_name, t->chain[1].spki_sha256);
	/* RFC 7671 §8.1: one record per certificate the server may send. */
	for (i = 0; i < p->nalt; i++)
		buf_addf(b, "; and for the %s certificate %s IN TLSA 3 1 1 %s",
		    p->alt[i].key, j->mxh->tlsa_name,
		    p->alt[i].info.spki_sha256);
}

/* DANE for one address whose handshake completed. */
static void
judge_dane_probe(struct judge *j, struct probe *p)
{
	struct buf	 b;

	if (!j->dane || p->tls.nchain == 0)
		return;
	if (p->dane.ok) {
		add(j, "dane.ok", SEV_OK, "TLSA %d %d %d matched certificate %d",
		    p->dane.usage, p->dane.selector, p->dane.mtype,
		    p->dane.depth);
		return;
	}
	buf_init(&b, 2048);
	tlsa_suggestion(j, p, &b);
	add(j, "dane.mismatch", SEV_FAIL, "%s; records that would match: %s",
	    p->dane.error[0] ? p->dane.error : "not checked", buf_str(&b));
	buf_free(&b);
}

static void
judge_tls(struct judge *j, struct probe *p)
{
	const struct tls_fact	*t = &p->tls;

	add(j, "tls.ok", SEV_OK, "%s %s %s", t->version, t->cipher,
	    t->group[0] ? t->group : "");
	if (t->version_num < TLS1_2_VERSION)
		add(j, "tls.version.old", SEV_FAIL, "negotiated %s", t->version);
	else if (t->version_num < TLS1_3_VERSION)
		add(j, "tls.version.no13", SEV_INFO, "negotiated %s",
		    t->version);
	/* p->legacy comes from the deep inspection (scan_engine.c). */
	if (p->legacy == LEGACY_ACCEPTED && t->version_num >= TLS1_2_VERSION)
		add(j, "tls.version.legacy", j->o->policy == POLICY_STRICT ?
		    SEV_FAIL : SEV_WARN, "accepted up to %s", p->legacy_version);
	if (strcmp(t->kx, "RSA") == 0)
		add(j, "tls.cipher.nopfs", SEV_WARN, "negotiated %s", t->cipher);
	judge_dane_probe(j, p);
	judge_cert(j, t);
	if (!p->ehlo_tls.present)
		add(j, "smtp.ehlo.tls", SEV_WARN, "%s", p->end == END_OK ?
		    "the server refused EHLO after the handshake" :
		    p->error[0] ? p->error : end_name(p->end));
}

/* Which finding a weakness class raises, and how bad it is for mail. */
struct class_rule {
	unsigned	 classes;	/* SC_* */
	const char	*id;
	enum severity	 sev;
	enum severity	 strict;	/* under --policy strict */
};

/*
 * Anonymous suites are no failure for mail: a sender that authenticates
 * (DANE, MTA-STS) never offers them, and one that does not is open to an
 * active attacker anyway (RFC 7435 §3; Postfix enables them by default
 * for opportunistic TLS). Static RSA only costs forward secrecy.
 */
#ifndef NELEM
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static const struct class_rule class_rules[] = {
	{ SC_NULL, "tls.cipher.null", SEV_FAIL, SEV_FAIL },
	{ SC_EXPORT, "tls.cipher.export", SEV_FAIL, SEV_FAIL },
	{ SC_RC4, "tls.cipher.rc4", SEV_FAIL, SEV_FAIL },
	{ SC_DES, "tls.cipher.des", SEV_FAIL, SEV_FAIL },
	{ SC_3DES | SC_IDEA | SC_RC2, "tls.cipher.3des", SEV_WARN, SEV_FAIL },
	{ SC_ANON, "tls.cipher.anon", SEV_INFO, SEV_INFO },
	{ SC_NOPFS, "tls.cipher.static", SEV_INFO, SEV_WARN },
};

/* The proving suites of the classes in mask, as "TLSv1.0 NAME, ...". */
static void
class_proof(const struct scan_weak *w, unsigned mask, struct buf *b)
{
	const struct suite	*s;
	const struct ssl2_kind	*k;
	unsigned		 i;

	for (i = 0; i < SCAN_CLASS_BITS; i++) {
		const struct scan_proof *p = &w->proof[i];

		if (!(mask & w->accepted & (1u << i)) || p->version == 0)
			continue;
		s = suite_find(p->suite);
		k = p->ssl2_kind ? ssl2_kind_find(p->ssl2_kind) : NULL;
		buf_addf(b, "%s%s %s", b->len ? ", " : "",
		    version_name(p->version), p->ssl2_kind ? (k != NULL ?
		    k->name : "cipher kind") : s != NULL ? s->iana : "?");
	}
}

static void
judge_scan_classes(struct judge *j, const struct scan_result *r)
{
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < NELEM(class_rules); i++) {
		const struct class_rule *c = &class_rules[i];

		if (!(r->weak.accepted & c->classes))
			continue;
		buf_init(&b, 2048);
		class_proof(&r->weak, c->classes, &b);
		if (c->classes == SC_ANON && r->dh_bits_anon_min > 0)
			buf_addf(&b, " (DH group of %d bits)",
			    r->dh_bits_anon_min);
		add(j, c->id, j->o->policy == POLICY_STRICT ? c->strict :
		    c->sev, "accepted: %s", b.len ? buf_str(&b) : "yes");
		buf_free(&b);
	}
}

/*
 * Did the inspection miss a question that matters: a version, or a weak
 * class at a version below TLS 1.3 that is accepted? The cap leaving
 * lower-priority questions (groups, order) unasked is by design, most of
 * all with a slow greeting; JSON still says budget_hit.
 */
static int
scan_partial(const struct scan_result *r)
{
	int	 i, legacy = 0;

	if (r->aborted)
		return 1;
	for (i = 0; i < SCAN_VERSIONS; i++) {
		if (r->v[i].state == SCAN_INCONCLUSIVE ||
		    r->v[i].state == SCAN_UNTESTED)
			return 1;
		/* SSLv2 shows its cipher kinds in one answer: no drill. */
		if (i >= SCAN_V_SSL3 && i < SCAN_V_TLS13 &&
		    r->v[i].state == SCAN_ACCEPTED)
			legacy = 1;
	}
	return legacy && (r->weak.tested & SCAN_WEAK_CLASSES) !=
	    SCAN_WEAK_CLASSES;
}

/* The deep TLS inspection: what else the server accepts (issue 3). */
static void
judge_scan(struct judge *j, const struct probe *p)
{
	const struct scan_result *r = p->scan;

	if (r == NULL)
		return;
	if (r->v[SCAN_V_SSL2].state == SCAN_ACCEPTED)
		add(j, "tls.version.ssl2", SEV_FAIL, "%s",
		    r->v[SCAN_V_SSL2].evidence);
	if (r->v[SCAN_V_SSL3].state == SCAN_ACCEPTED)
		add(j, "tls.version.ssl3", SEV_FAIL, "%s",
		    r->v[SCAN_V_SSL3].evidence);
	judge_scan_classes(j, r);
	/* Below TLS 1.2 there is no AEAD at all: tls.version.* says it. */
	if (r->cbc_only == SCAN_TRI_YES &&
	    r->v[SCAN_V_TLS12].state == SCAN_ACCEPTED &&
	    (r->v[SCAN_V_TLS12].classes_accepted & SC_CBC))
		add(j, "tls.cipher.cbconly", SEV_WARN, "no AES-GCM, CCM or "
		    "ChaCha20-Poly1305 suite below TLS 1.3");
	if (r->dh_bits_min > 0 && r->dh_bits_min < 2048)
		add(j, "tls.dh.weak", r->dh_bits_min < 1024 ||
		    j->o->policy == POLICY_STRICT ? SEV_FAIL : SEV_WARN,
		    "DHE group of %d bits", r->dh_bits_min);
	if (r->heartbleed == SCAN_TRI_YES)
		add(j, "tls.heartbleed", SEV_FAIL, "%s",
		    r->heartbleed_evidence);
	if (r->compression == SCAN_TRI_YES)
		add(j, "tls.compression", SEV_FAIL, "DEFLATE accepted");
	if (r->reneg == SCAN_TRI_NO)
		add(j, "tls.reneg.insecure", SEV_WARN, "no renegotiation_info "
		    "in the ServerHello");
	if (r->scsv == SCAN_TRI_NO)
		add(j, "tls.scsv.missing", SEV_INFO, "%s", r->scsv_evidence);
	if (r->anomalies > 0)
		add(j, "tls.scan.anomaly", SEV_WARN, "%d time%s; first: %s",
		    r->anomalies, r->anomalies == 1 ? "" : "s", r->anomaly);
	if (scan_partial(r))
		add(j, "tls.scan.partial", SEV_INFO, "%s%s%d connection%s used",
		    r->aborted ? r->abort_why : "", r->aborted ? "; " : "",
		    r->conns_used, r->conns_used == 1 ? "" : "s");
}

/* The certificates the scan found next to the negotiated one. */
static void
judge_alt_certs(struct judge *j, const struct probe *p)
{
	const struct alt_cert	*a;
	const struct cert_info	*c;
	enum severity		 sev, auth;
	struct buf		 b;
	long long		 days;
	int			 i;

	for (i = 0; i < p->nalt; i++) {
		a = &p->alt[i];
		c = &a->info;
		auth = j->dane && a->dane.ok ? SEV_INFO : strict_sev(j);
		sev = SEV_OK;
		buf_init(&b, 2048);
		days = cert_days_left(c, j->now);
		if (days < 0) {
			buf_addf(&b, "; expired %lld days ago", -days);
			sev = auth;
		} else if (days < j->o->warn_days) {
			buf_addf(&b, "; expires in %lld days", days);
			sev = sev > SEV_WARN ? sev : SEV_WARN;
		}
		if (a->name_checked && !a->name_ok) {
			buf_addf(&b, "; does not name %s", p->refname);
			sev = sev > auth ? sev : auth;
		}
		if (c->self_signed) {
			buf_adds(&b, "; self-signed");
			sev = sev > auth ? sev : auth;
		} else if (a->tls.ok && a->tls.nchain > 0 &&
		    strcmp(a->tls.chain[0].sha256, c->sha256) == 0 &&
		    a->tls.verify_result != X509_V_OK) {
			buf_addf(&b, "; chain: %s", a->tls.verify_error);
			sev = sev > auth ? sev : auth;
		}
		if (strcmp(c->key_type, "RSA") == 0 && c->key_bits < 2048) {
			buf_addf(&b, "; RSA key of %d bits", c->key_bits);
			sev = sev > strict_sev(j) ? sev : strict_sev(j);
		}
		if (!c->self_signed && (strcmp(c->sig_hash, "sha1") == 0 ||
		    strcmp(c->sig_hash, "md5") == 0)) {
			buf_addf(&b, "; signed with %s", c->sig_hash);
			sev = sev > SEV_WARN ? sev : SEV_WARN;
		}
		if (sev > SEV_OK)
			add(j, "cert.alt.invalid", sev, "the %s certificate (%s)%s",
			    a->key, c->subject, buf_str(&b));
		buf_free(&b);
		if (j->dane && a->dane.checked && !a->dane.ok)
			add(j, "dane.alt.mismatch", SEV_FAIL, "the %s certificate "
			    "(%s): %s; a record that would match: %s IN TLSA 3 1 "
			    "1 %s", a->key, c->subject, a->dane.error[0] ?
			    a->dane.error : "no match", j->mxh->tlsa_name,
			    c->spki_sha256);
	}
}

/* A session that ran its course: judge what it showed. */
static void
judge_session(struct judge *j, struct probe *p)
{
	char	*s;

	p->conclusive = 1;
	if (p->reply_flags & (REPLY_BARE_LF | REPLY_NUL | REPLY_CTRL))
		add(j, "smtp.reply.syntax", SEV_WARN, "%s%s%s",
		    p->reply_flags & REPLY_BARE_LF ? "bare LF line endings " : "",
		    p->reply_flags & REPLY_NUL ? "NUL bytes " : "",
		    p->reply_flags & REPLY_CTRL ? "control bytes" : "");
	if (p->implicit_tls) {
		judge_tls(j, p);
		return;
	}
	if (p->helo_fallback || (p->ehlo_code >= 500 && !p->ehlo.present)) {
		add(j, "smtp.ehlo.rejected", SEV_FAIL, "EHLO answered %d%s",
		    p->ehlo_code, p->helo_fallback ? ", HELO accepted" : "");
		return;
	}
	if (!(p->ehlo.flags & EXT_STARTTLS)) {
		if (p->ehlo.stripped[0] != '\0')
			add(j, "starttls.stripped", SEV_FAIL, "EHLO lists '%s' "
			    "where STARTTLS belongs", p->ehlo.stripped);
		else
			add(j, "starttls.missing", SEV_FAIL, "EHLO lists %d "
			    "extensions, none is STARTTLS", p->ehlo.nkw_total);
		return;
	}
	if (p->starttls_code != 220) {
		s = reply_summary(&p->last);
		add(j, "starttls.rejected", SEV_FAIL, "STARTTLS answered %s", s);
		free(s);
		return;
	}
	if (p->tls.ok)
		judge_tls(j, p);
}

static void
judge_end(struct judge *j, struct probe *p)
{
	char	*s;

	if (p->injected_len > 0)
		add(j, "starttls.injection", SEV_FAIL, "%zu bytes after the 220",
		    p->injected_len);
	/* Once TLS is up the facts are in, however the session ended. */
	if (p->tls.ok && p->end != END_DEADLINE) {
		judge_session(j, p);
		return;
	}
	switch (p->end) {
	case END_OK:
		judge_session(j, p);
		return;
	case END_TLS_FAILED:
		p->conclusive = 1;
		add(j, "tls.handshake.failed", SEV_FAIL, "%s", p->tls.error);
		return;
	case END_CONNECT_FAILED:
		add(j, "connect.failed", SEV_WARN, "%s", p->error);
		return;
	case END_TIMEOUT:
		if (p->stage == STAGE_HANDSHAKE) {
			p->conclusive = 1;
			add(j, "tls.handshake.failed", SEV_FAIL, "the handshake "
			    "did not complete within %g s",
			    j->o->handshake_timeout);
		} else if (p->stage == STAGE_CONNECT)
			add(j, "connect.timeout", SEV_WARN, "no answer within "
			    "%g s", j->o->connect_timeout);
		else if (p->stage == STAGE_GREETING)
			add(j, "smtp.greeting.timeout", SEV_WARN, "no complete "
			    "greeting within %g s", j->o->greeting_timeout);
		else
			add(j, "smtp.timeout", SEV_WARN, "no reply to %s within "
			    "%g s", stage_name(p->stage), j->o->reply_timeout);
		return;
	case END_DEADLINE:
		add(j, "probe.deadline", SEV_WARN, "stopped at %s after %g s",
		    stage_name(p->stage), j->o->timeout);
		return;
	case END_CLOSED:
		if (p->stage == STAGE_HANDSHAKE) {
			p->conclusive = 1;
			add(j, "tls.handshake.failed", SEV_FAIL, "%s",
			    p->tls.error[0] ? p->tls.error : p->error);
		} else
			add(j, "smtp.closed", SEV_WARN, "closed while waiting "
			    "for the %s reply", stage_name(p->stage));
		return;
	case END_PROTOCOL:
		p->conclusive = 1;
		add(j, "smtp.reply.malformed", SEV_FAIL, "in the %s reply: %s",
		    stage_name(p->stage), p->error);
		return;
	case END_BUSY:
	case END_REJECTED:
		s = reply_summary(p->last.code ? &p->last : &p->greeting);
		add(j, p->end == END_BUSY ? "smtp.busy" : "smtp.rejected",
		    SEV_WARN, "%s answered %s (attempts: %d)",
		    stage_name(p->last.code ? p->last_stage : STAGE_GREETING),
		    s, p->attempts);
		free(s);
		return;
	case END_NONE:
	case END_INTERNAL:
		add(j, "probe.internal", SEV_WARN, "%s", p->error);
		return;
	}
}

/* What the address lookups of one host said, and whether any address came. */
static void
judge_dns_host(struct judge *j, struct mx_host *h)
{
	const struct dns_fact *f[2] = { &h->a, &h->aaaa };
	const char *const type[2] = { "A", "AAAA" };
	enum severity	 sev = h->nprobes > 0 ? SEV_WARN : SEV_FAIL;
	int		 i, failed = 0;

	if (j->o->has_connect || j->rep->target.kind == TARGET_ADDR)
		return;
	if (h->alias_of[0] != '\0' && j->rep->target.kind == TARGET_DOMAIN &&
	    !h->implicit)
		add(j, "dns.mx.cname", SEV_WARN, "%s is an alias for %s",
		    h->name, h->alias_of);
	for (i = 0; i < 2; i++) {
		if (!f[i]->asked)
			continue;
		if (f[i]->sec == DNSSEC_BOGUS) {
			add(j, "dns.addr.bogus", sev, "%s %s: %s", h->name,
			    type[i], f[i]->why_bogus);
			failed = 1;
		} else if (!f[i]->done || f[i]->error ||
		    (f[i]->rcode != 0 && !f[i]->nxdomain)) {
			add(j, "dns.addr.error", sev, "%s %s: %s", h->name,
			    type[i], f[i]->done ? f[i]->errstr : "no answer");
			failed = 1;
		}
	}
	if (h->addr_dropped > 0)
		add(j, "probe.limit", SEV_INFO, "%s: %d addresses not tested "
		    "(at most %d per family)", h->name, h->addr_dropped,
		    RUN_ADDRS_MAX);
	if (h->nprobes == 0 && !failed)
		add(j, "dns.mx.noaddress", SEV_FAIL, "%s has no %s", h->name,
		    j->o->family == AF_INET ? "A record" :
		    j->o->family == AF_INET6 ? "AAAA record" :
		    "A or AAAA record");
}

static int
addr_secure(const struct mx_host *h)
{
	return h->a.sec == DNSSEC_SECURE || h->aaaa.sec == DNSSEC_SECURE;
}

/*
 * The one place that decides whether DANE applies to a host (RFC 7672
 * §2.2): its TLSA RRset is DNSSEC-secure and not empty, and its address
 * records are secure. 1 if so, with at least one usable record.
 */
static int
dane_applies(const struct mx_host *h)
{
	int	 i;

	if (h->tlsa.sec != DNSSEC_SECURE || h->ntlsa == 0 || !addr_secure(h))
		return 0;
	for (i = 0; i < h->ntlsa; i++)
		if (dane_usable(&h->tlsa_recs[i]))
			return 1;
	return 0;
}

/* The first completed handshake of a host, for suggested records. */
static const struct probe *
first_tls(const struct mx_host *h)
{
	int	 i;

	for (i = 0; i < h->nprobes; i++)
		if (h->probes[i]->tls.ok && h->probes[i]->tls.nchain > 0)
			return h->probes[i];
	return NULL;
}

static void
judge_tlsa_records(struct judge *j, struct mx_host *h)
{
	struct buf	 b;
	int		 i, unusable = 0, usable = 0, all_matched = 1;

	buf_init(&b, 1024);
	for (i = 0; i < h->ntlsa; i++) {
		const struct tlsa_rec *t = &h->tlsa_recs[i];

		if (dane_usable(t)) {
			usable++;
			continue;
		}
		unusable++;
		buf_addf(&b, "%s%d %d %d", b.len ? ", " : "", t->usage,
		    t->selector, t->mtype);
	}
	if (unusable > 0)
		add(j, "dane.tlsa.unusable", SEV_WARN, "%s: %s%s", h->tlsa_name,
		    buf_str(&b), usable ? "" : "; no usable record: DANE "
		    "senders still insist on TLS but authenticate nothing");
	buf_free(&b);
	for (i = 0; i < h->nprobes; i++)
		if (h->probes[i]->tls.ok && !h->probes[i]->dane.ok)
			all_matched = 0;
	if (usable == 1 && all_matched && first_tls(h) != NULL)
		add(j, "dane.rollover", SEV_WARN, "%s has a single usable "
		    "record", h->tlsa_name);
}

/* DANE at the host level: is there a policy, can senders use it. */
static void
judge_dane_host(struct judge *j, struct mx_host *h)
{
	const struct probe	*p;
	struct buf		 b;

	j->dane = 0;
	if (j->o->has_connect || j->rep->target.kind == TARGET_ADDR ||
	    !h->tlsa.asked)
		return;
	if (h->tlsa.sec == DNSSEC_BOGUS) {
		add(j, "dane.tlsa.bogus", SEV_FAIL, "%s: %s", h->tlsa_name,
		    h->tlsa.why_bogus);
		return;
	}
	if (!h->tlsa.done || h->tlsa.error || (h->tlsa.rcode != 0 &&
	    !h->tlsa.nxdomain)) {
		if (addr_secure(h))
			add(j, "dane.tlsa.error", SEV_FAIL, "%s: %s",
			    h->tlsa_name, h->tlsa.done ? h->tlsa.errstr :
			    "no answer");
		return;
	}
	if (h->ntlsa > 0 && (h->tlsa.sec != DNSSEC_SECURE || !addr_secure(h))) {
		add(j, "dane.tlsa.insecure", SEV_INFO, "%s: %s is not "
		    "DNSSEC-secure", h->tlsa_name, h->tlsa.sec !=
		    DNSSEC_SECURE ? "the TLSA RRset" : "the address records");
		return;
	}
	if (h->ntlsa == 0) {
		if (addr_secure(h) && (p = first_tls(h)) != NULL) {
			buf_init(&b, 2048);
			tlsa_suggestion(j, p, &b);
			add(j, "dane.none", SEV_INFO, "publish e.g. %s",
			    buf_str(&b));
			buf_free(&b);
		}
		return;
	}
	judge_tlsa_records(j, h);
	j->dane = dane_applies(h);
}

/* Attach a multi-line block a person can paste (records, a policy file)
 * to the finding just added. */
static void
add_paste(struct judge *j, const char *text)
{
	struct report	*r = j->rep;

	if (r->nfindings > 0 && text != NULL && *text != '\0') {
		free(r->findings[r->nfindings - 1].paste);
		r->findings[r->nfindings - 1].paste = xstrdup(text);
	}
}

/* A policy file listing every MX host the report saw. */
static void
sts_policy_text(const struct report *r, const char *mode, long long max_age,
    struct buf *b)
{
	int	 i;

	buf_addf(b, "version: STSv1\nmode: %s\n", mode);
	for (i = 0; i < r->nhosts; i++)
		buf_addf(b, "mx: %s\n", r->hosts[i]->name);
	buf_addf(b, "max_age: %lld\n", max_age);
}

/* Paste-ready records for a domain without (working) MTA-STS/TLS-RPT. */
static void
sts_paste_new(struct judge *j, int with_policy)
{
	const struct report	*r = j->rep;
	struct buf		 b;
	char			 id[32];
	struct tm		 tm;
	time_t			 t = (time_t)j->now;

	gmtime_r(&t, &tm);
	strftime(id, sizeof(id), "%Y%m%dT%H%M%S", &tm);
	buf_init(&b, 8192);
	buf_addf(&b, "_mta-sts.%s. IN TXT \"v=STSv1; id=%s\"\n",
	    r->target.name, id);
	if (with_policy && r->nhosts > 0) {
		buf_addf(&b, "# https://mta-sts.%s/.well-known/mta-sts.txt "
		    "(text/plain; mode: enforce once TLS-RPT reports are "
		    "clean)\n", r->target.name);
		sts_policy_text(r, "testing", 604800, &b);
	}
	add_paste(j, buf_str(&b));
	buf_free(&b);
}

static void
tlsrpt_paste(struct judge *j)
{
	char	 line[2 * TARGET_NAME_MAX + 64];

	if (str_fmt(line, sizeof(line), "_smtp._tls.%s. IN TXT "
	    "\"v=TLSRPTv1; rua=mailto:tlsrpt@%s\"\n", j->rep->target.name,
	    j->rep->target.name) == 0)
		add_paste(j, line);
}

/* Why the policy could not be had, as one finding. */
static void
judge_sts_fetch_error(struct judge *j, const struct sts_fetch_fact *f)
{
	if (f->too_large)
		add(j, "mtasts.policy.size", SEV_FAIL, "%s: more than %d "
		    "bytes", f->url, STS_POLICY_MAX);
	else if (f->curl_code == 60 || f->curl_code == 51 ||
	    f->curl_code == 58 || f->curl_code == 77 || f->curl_code == 83)
		add(j, "mtasts.policy.cert", SEV_FAIL, "%s: %s", f->host,
		    f->error);
	else if (f->curl_code != 0 || f->http_code == 0)
		add(j, "mtasts.policy.unreachable", SEV_FAIL, "%s: %s", f->url,
		    f->error[0] ? f->error : "no response");
	else if (f->http_code >= 300 && f->http_code < 400)
		add(j, "mtasts.policy.redirect", SEV_FAIL, "%s answered %ld%s%s",
		    f->url, f->http_code, f->location[0] ? " to " : "",
		    f->location);
	else
		add(j, "mtasts.policy.http", SEV_FAIL, "%s answered %ld",
		    f->url, f->http_code);
}

/* The parser's problem lines joined with "; " into b (initialised here). */
static const char *
one_line(const char *lines, struct buf *b)
{
	const char	*nl;

	buf_init(b, 4096);
	while (lines != NULL && *lines != '\0') {
		nl = strchr(lines, '\n');
		buf_addf(b, "%s%.*s", b->len ? "; " : "", nl ? (int)(nl - lines) :
		    (int)strlen(lines), lines);
		lines = nl ? nl + 1 : NULL;
	}
	return b->len ? buf_str(b) : "unusable";
}

/* RFC 8461 §3.3: the media type is text/plain (parameters allowed). */
static int
plain_text(const char *ct)
{
	size_t	 n = strlen("text/plain");

	return strncasecmp(ct, "text/plain", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * The policy file (RFC 8461 §3.2, §3.3). Returns the mode senders apply,
 * STS_MODE_NONE_GIVEN when there is no usable policy.
 */
static enum sts_mode
judge_sts_policy(struct judge *j)
{
	const struct report		*r = j->rep;
	const struct sts_fetch_fact	*f = &r->stsp;
	const struct sts_policy		*p = &f->policy;
	struct buf			 b;

	if (!f->attempted)
		return STS_MODE_NONE_GIVEN;
	if (!f->done || f->curl_code != 0 || f->http_code != 200) {
		judge_sts_fetch_error(j, f);
		return STS_MODE_NONE_GIVEN;
	}
	if (!plain_text(f->content_type))
		add(j, "mtasts.policy.type", SEV_WARN, "served as '%s'",
		    f->content_type[0] ? f->content_type : "(no type)");
	if (!f->usable) {
		add(j, "mtasts.policy.invalid", SEV_FAIL, "%s",
		    one_line(f->problems, &b));
		buf_free(&b);
		buf_init(&b, 8192);
		sts_policy_text(r, "testing", 604800, &b);
		add_paste(j, buf_str(&b));
		buf_free(&b);
		return STS_MODE_NONE_GIVEN;
	}
	if (f->problems != NULL) {
		add(j, "mtasts.policy.syntax", SEV_WARN, "%s",
		    one_line(f->problems, &b));
		buf_free(&b);
	}
	add(j, "mtasts.policy.ok", SEV_OK, "mode %s, max_age %lld, %d mx "
	    "pattern%s", sts_mode_name(p->mode), p->max_age, p->nmx,
	    p->nmx == 1 ? "" : "s");
	if (p->mode == STS_MODE_TESTING)
		add(j, "mtasts.policy.testing", SEV_INFO, "senders report "
		    "failures but still deliver");
	else if (p->mode == STS_MODE_NONE)
		add(j, "mtasts.policy.none", SEV_INFO, "mode none: the policy "
		    "is withdrawn");
	if (p->mode != STS_MODE_NONE && p->max_age >= 0 &&
	    p->max_age < 86400)
		add(j, "mtasts.policy.maxage", SEV_INFO, "max_age %lld "
		    "seconds", p->max_age);
	return p->mode == STS_MODE_NONE ? STS_MODE_NONE_GIVEN : p->mode;
}

/* Does any mx: pattern of the policy cover host? */
static int
sts_listed(const struct sts_policy *p, const char *host)
{
	int	 i;

	for (i = 0; i < p->nmx; i++)
		if (sts_mx_match(p->mx[i], host))
			return 1;
	return 0;
}

static enum severity
sts_sev(const struct judge *j)
{
	return j->sts_mode == STS_MODE_ENFORCE ? SEV_FAIL : SEV_WARN;
}

/* RFC 8461 §4.1: an MX host the policy does not list gets no mail. */
static void
judge_sts_host(struct judge *j, struct mx_host *h)
{
	const struct sts_policy	*p = &j->rep->stsp.policy;
	struct buf		 b;
	int			 i;

	j->sts_listed = 0;
	if (j->sts_mode == STS_MODE_NONE_GIVEN)
		return;
	if (sts_listed(p, h->name)) {
		j->sts_listed = 1;
		return;
	}
	buf_init(&b, 8192);
	for (i = 0; i < p->nmx; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", p->mx[i]);
	add(j, "mtasts.mx.unlisted", sts_sev(j), "no mx pattern of the "
	    "policy matches it (%s)", buf_str(&b));
	buf_free(&b);
	buf_init(&b, 8192);
	sts_policy_text(j->rep, sts_mode_name(p->mode), p->max_age > 0 ?
	    p->max_age : 604800, &b);
	add_paste(j, buf_str(&b));
	buf_free(&b);
}

/* RFC 8461 §4.2: what a policy-honouring sender demands of one address. */
static void
judge_sts_probe(struct judge *j, const struct probe *p)
{
	const char	*why = NULL;

	if (!j->sts_listed || !p->conclusive)
		return;
	if (!p->tls.attempted)
		why = "no TLS: STARTTLS is not available";
	else if (!p->tls.ok)
		why = "the TLS handshake fails";
	else if (p->tls.verify_result != 0)
		why = p->tls.verify_error[0] ? p->tls.verify_error :
		    "the certificate chain does not verify";
	else if (!p->tls.name_ok)
		why = "the certificate does not name the MX host";
	if (why != NULL)
		add(j, "mtasts.mx.tls", sts_sev(j), "mode %s: %s",
		    sts_mode_name(j->rep->stsp.policy.mode), why);
}

/* The _mta-sts and _smtp._tls TXT records of a domain (RFC 8461, 8460). */
static void
judge_policy_records(struct judge *j)
{
	const struct report	*r = j->rep;
	const struct txt_fact	*s = &r->sts, *t = &r->rpt;

	if (s->dns.asked && (s->dns.error || (s->dns.rcode != 0 &&
	    !s->dns.nxdomain) || s->dns.sec == DNSSEC_BOGUS))
		add(j, "mtasts.txt.error", SEV_INFO, "_mta-sts.%s: %s",
		    r->target.name, s->dns.sec == DNSSEC_BOGUS ?
		    s->dns.why_bogus : s->dns.errstr);
	else if (s->dns.asked && s->nrecords == 0) {
		add(j, "mtasts.none", SEV_INFO, "_mta-sts.%s has no v=STSv1 "
		    "record", r->target.name);
		sts_paste_new(j, 1);
	} else if (s->nrecords > 1) {
		add(j, "mtasts.txt.invalid", SEV_WARN, "%d v=STSv1 records; "
		    "RFC 8461 §3.1 allows one", s->nrecords);
		sts_paste_new(j, 0);
	} else if (s->nrecords == 1 && !s->valid) {
		add(j, "mtasts.txt.invalid", SEV_WARN, "'%.*s': %s",
		    (int)s->textlen, s->text, s->error);
		sts_paste_new(j, 0);
	}
	/* Senders fetch the policy only for a valid record (RFC 8461 §3.1);
	 * a policy behind an invalid one is still worth checking. */
	j->sts_mode = judge_sts_policy(j);
	if (!s->valid)
		j->sts_mode = STS_MODE_NONE_GIVEN;
	if (!t->dns.asked || t->dns.error || (t->dns.rcode != 0 &&
	    !t->dns.nxdomain) || t->dns.sec == DNSSEC_BOGUS)
		return;
	if (t->nrecords == 0) {
		add(j, "tlsrpt.none", SEV_INFO, "_smtp._tls.%s has no "
		    "v=TLSRPTv1 record", r->target.name);
		tlsrpt_paste(j);
	}
	else if (t->nrecords > 1)
		add(j, "tlsrpt.invalid", SEV_WARN, "%d v=TLSRPTv1 records; "
		    "RFC 8460 §3 allows one", t->nrecords);
	else if (!t->valid)
		add(j, "tlsrpt.invalid", SEV_WARN, "'%.*s': %s",
		    (int)t->textlen, t->text, t->error);
	else
		add(j, "tlsrpt.ok", SEV_OK, "%d report address%s", t->nrua,
		    t->nrua == 1 ? "" : "es");
}

static int
judge_dns_mx(struct judge *j)
{
	struct report	*r = j->rep;
	const struct dns_fact *f = &r->mx;

	if (r->target.kind != TARGET_DOMAIN)
		return 0;
	if (f->sec == DNSSEC_BOGUS) {
		add(j, "dns.mx.bogus", SEV_FAIL, "%s", f->why_bogus);
		return -1;
	}
	if (f->nxdomain) {
		add(j, "dns.nxdomain", SEV_FAIL, "%s", r->target.name);
		return -1;
	}
	if (f->error || f->rcode != 0) {
		add(j, "dns.mx.error", SEV_FAIL, "%s", f->errstr);
		return -1;
	}
	if (r->null_mx) {
		add(j, "dns.mx.null", SEV_INFO, "%s MX 0 .", r->target.name);
		return -1;
	}
	if (r->mx_bad > 0)
		add(j, "dns.mx.malformed", r->nhosts > 0 ? SEV_WARN : SEV_FAIL,
		    "%d of the MX records of %s cannot be used", r->mx_bad,
		    r->target.name);
	if (r->nhosts == 0 && !r->implicit_mx)
		return -1;
	if (r->mx_dropped > 0)
		add(j, "probe.limit", SEV_INFO, "%d MX hosts not tested (the %d "
		    "most preferred were)", r->mx_dropped, r->nhosts);
	if (r->implicit_mx)
		add(j, "dns.mx.implicit", SEV_INFO, "%s has no MX records",
		    r->target.name);
	return 0;
}

/* The ids (not severities) of one probe's findings, as one string. */
static void
probe_signature(const struct report *r, const struct probe *p, struct buf *b)
{
	int	 i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].probe == p && r->findings[i].sev >= SEV_INFO)
			buf_addf(b, "%s ", r->findings[i].id);
}

/* IPv4 and IPv6 of one name are often different machines: compare them. */
static void
judge_families(struct judge *j, struct mx_host *h)
{
	struct buf	 a, b;
	struct probe	*p4 = NULL, *p6 = NULL;
	int		 i;

	for (i = 0; i < h->nprobes; i++) {
		struct probe *p = h->probes[i];

		if (!p->conclusive)
			continue;
		if (p->family == AF_INET && p4 == NULL)
			p4 = p;
		if (p->family == AF_INET6 && p6 == NULL)
			p6 = p;
	}
	if (p4 == NULL || p6 == NULL)
		return;
	buf_init(&a, 8192);
	buf_init(&b, 8192);
	probe_signature(j->rep, p4, &a);
	probe_signature(j->rep, p6, &b);
	while (a.len > 0 && a.data[a.len - 1] == ' ')
		a.data[--a.len] = '\0';
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (strcmp(buf_str(&a), buf_str(&b)) != 0)
		add(j, "addr.family.differs", SEV_WARN, "%s: %s; %s: %s",
		    p4->addr_text, a.len ? buf_str(&a) : "no findings",
		    p6->addr_text, b.len ? buf_str(&b) : "no findings");
	buf_free(&a);
	buf_free(&b);
}

static void
verdict(struct report *r, const struct options *o)
{
	int	 i, h, k;

	r->verdict = SEV_OK;
	for (i = 0; i < r->nfindings; i++)
		if ((int)r->findings[i].sev > r->verdict)
			r->verdict = r->findings[i].sev;
	r->tested = 0;
	for (h = 0; h < r->nhosts; h++)
		for (k = 0; k < r->hosts[h]->nprobes; k++)
			r->tested += r->hosts[h]->probes[k]->conclusive;
	r->untestable = r->tested == 0;
	if (r->untestable)
		r->exit_code = 3;
	else if (r->verdict == SEV_FAIL)
		r->exit_code = 2;
	else if (r->verdict == SEV_WARN && o->fail_on == SEV_WARN)
		r->exit_code = 1;
	else
		r->exit_code = 0;
}

void
judge_report(struct report *r, const struct options *o, long long now)
{
	struct judge	 j;
	int		 h, k;

	memset(&j, 0, sizeof(j));
	j.rep = r;
	j.o = o;
	j.now = now;
	str_copy(r->policy, sizeof(r->policy), o->policy == POLICY_STRICT ?
	    "strict" : "opportunistic");
	if (judge_dns_mx(&j) == 0) {
		judge_policy_records(&j);
		for (h = 0; h < r->nhosts; h++) {
			j.host = r->hosts[h]->name;
			j.mxh = r->hosts[h];
			judge_dns_host(&j, r->hosts[h]);
			judge_dane_host(&j, r->hosts[h]);
			j.dane_any |= j.dane;
			judge_sts_host(&j, r->hosts[h]);
			for (k = 0; k < r->hosts[h]->nprobes; k++) {
				j.probe = r->hosts[h]->probes[k];
				judge_end(&j, j.probe);
				judge_scan(&j, j.probe);
				judge_alt_certs(&j, j.probe);
				judge_sts_probe(&j, j.probe);
			}
			j.probe = NULL;
			judge_families(&j, r->hosts[h]);
		}
		j.host = NULL;
		j.mxh = NULL;
		/* RFC 8461 §2: a sender that does DANE ignores MTA-STS. */
		if (j.dane_any && r->sts.valid)
			add(&j, "mtasts.dane", SEV_INFO, "DANE applies to MX "
			    "hosts of this domain; senders that support DANE "
			    "use it there and ignore the MTA-STS policy");
	}
	verdict(r, o);
}
