/*
 * Facts of one run, as plain data: what DNS said, and per address what the
 * SMTP session and the TLS handshake showed. Gathering code fills it, the
 * judge adds findings, renderers read it.
 */
#ifndef MX_REPORT_H
#define MX_REPORT_H

#include <sys/socket.h>

#include "buf.h"
#include "cert.h"
#include "mtasts.h"
#include "scan_plan.h"
#include "smtp_parse.h"
#include "target.h"

#define RUN_MX_MAX	20	/* MX hosts probed per domain */
#define RUN_ADDRS_MAX	16	/* addresses probed per host and family */

enum dnssec { DNSSEC_UNKNOWN, DNSSEC_INSECURE, DNSSEC_SECURE, DNSSEC_BOGUS };

/* One DNS lookup as the report records it. */
struct dns_fact {
	int		 asked;		/* a query was sent */
	int		 done;
	int		 rcode;		/* DNS rcode, 0 = NOERROR */
	int		 nxdomain;
	int		 nodata;	/* NOERROR but no records */
	int		 error;		/* resolver failure (no answer at all) */
	enum dnssec	 sec;
	char		 why_bogus[160];
	char		 errstr[160];
};

/* How far an SMTP session got; also how it ended. */
enum probe_stage {
	STAGE_NONE,
	STAGE_CONNECT,
	STAGE_GREETING,
	STAGE_EHLO,
	STAGE_HELO,
	STAGE_STARTTLS,
	STAGE_HANDSHAKE,
	STAGE_EHLO_TLS,
	STAGE_QUIT,
	STAGE_DONE
};

enum probe_end {
	END_NONE,
	END_OK,			/* went as far as it could and said QUIT */
	END_CONNECT_FAILED,
	END_TIMEOUT,		/* a phase timeout */
	END_DEADLINE,		/* the total deadline for the target */
	END_CLOSED,		/* server closed the connection */
	END_PROTOCOL,		/* unparseable reply */
	END_BUSY,		/* 4xx where it mattered */
	END_REJECTED,		/* 5xx greeting */
	END_TLS_FAILED,		/* handshake failed */
	END_INTERNAL
};

#define TLSA_RECORDS_MAX 16	/* TLSA records kept per host */
#define TLSA_DATA_MAX	 2048	/* bytes of association data kept */

/* One TLSA record (RFC 6698 §2.1). */
struct tlsa_rec {
	int		 usage;		/* 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE */
	int		 selector;	/* 0 full certificate, 1 SubjectPublicKeyInfo */
	int		 mtype;		/* 0 exact, 1 SHA-256, 2 SHA-512 */
	unsigned char	*data;
	size_t		 len;
};

/* Whether the presented chain matched the host's TLSA records. */
struct dane_fact {
	int		 checked;	/* usable TLSA records were tried */
	int		 ok;		/* one matched (and, for DANE-TA, verified) */
	int		 usage, selector, mtype;	/* the record that matched */
	int		 depth;		/* certificate it matched */
	char		 error[192];	/* why nothing matched */
};

struct xcript_line {
	double		 ms;		/* since connect started */
	char		 dir;		/* 'S' server, 'C' client, '*' note */
	char		*data;
	size_t		 len;
};

#define XCRIPT_LINES_MAX 400
#define SCAN_LOG_MAX	 256	/* inspection connections listed per address */

/* One connection of the deep TLS inspection, as -v and JSON list it. */
struct scan_log {
	int		 id;
	double		 ms;		/* the connection, start to end */
	char		 purpose[64];	/* "TLSv1.2 support" */
	char		 offered[64];	/* "TLSv1.2, 45 suites" */
	char		 answer[160];	/* "ServerHello TLSv1.2 TLS_..." */
};
#define INJECTED_KEEP	512	/* bytes kept of what followed the STARTTLS 220 */

struct cert_error {
	int		 depth;
	int		 code;		/* X509_V_ERR_* */
};

#define CERT_ERRORS_MAX 16

/* What one TLS handshake showed. */
struct tls_fact {
	int		 attempted;
	int		 ok;
	char		 version[16];	/* TLSv1.3 */
	int		 version_num;	/* 0x0304 */
	char		 cipher[64];	/* OpenSSL name */
	char		 cipher_iana[96];
	unsigned	 cipher_id;	/* IANA code */
	char		 kx[16];	/* key exchange of the suite: ECDHE, DHE, RSA, any */
	char		 group[32];	/* negotiated group */
	char		 temp_key[32];	/* server temp key type */
	int		 temp_key_bits;
	char		 peer_sig[32];	/* signature scheme used by the server */
	char		 error[256];	/* why the handshake failed */
	int		 alert;		/* TLS alert received, -1 none */
	long		 verify_result;	/* X509_V_* of the chain (no name check) */
	char		 verify_error[128];
	struct cert_error errors[CERT_ERRORS_MAX];
	int		 nerrors;
	int		 name_checked;
	int		 name_ok;	/* leaf matches the reference identity */
	struct cert_info chain[CERT_CHAIN_MAX];	/* as sent, leaf first */
	int		 nchain;
	int		 nchain_total;
	char		*verified[CERT_CHAIN_MAX]; /* subjects of verified chain */
	int		 nverified;
	double		 ms;		/* handshake time */
};

/* A second, minimal handshake that offers only TLS 1.0 and 1.1. */
enum legacy_result { LEGACY_UNTESTED, LEGACY_REFUSED, LEGACY_ACCEPTED,
	LEGACY_INCONCLUSIVE };

struct finding;

/*
 * Another certificate the server presents (RSA next to ECDSA), found by
 * the scan through the suites and signature algorithms it offered. Only
 * the leaf is kept, so its chain cannot be verified.
 */
struct alt_cert {
	struct cert_info info;
	char		 key[8];	/* "RSA", "ECDSA": what was asked for */
	int		 name_checked;
	int		 name_ok;
	struct dane_fact dane;
	void		*x509;		/* X509 *, for the DANE check */
	/* A handshake that asked for this key type only: the full chain,
	 * verified like the main one (when it succeeded). */
	struct tls_fact	 tls;
	void		*peer_chain;	/* STACK_OF(X509) as sent, or NULL */
};

/* Everything learned from one server address. */
struct probe {
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	char		 addr_text[64];
	int		 family;	/* AF_INET, AF_INET6 */
	int		 port;
	int		 implicit_tls;
	const char	*refname;	/* SNI and certificate reference identity */
	enum probe_stage stage;		/* how far it got */
	enum probe_end	 end;
	char		 error[256];
	int		 attempts;	/* 2 after a polite retry on 4xx */
	struct smtp_reply greeting;
	struct smtp_reply last;		/* the reply that ended the session */
	enum probe_stage last_stage;	/* what that reply answered */
	unsigned	 reply_flags;	/* union of reply deviations seen */
	enum reply_error reply_error;
	int		 helo_fallback;
	int		 ehlo_code;	/* reply to EHLO */
	struct ehlo_info ehlo;
	struct ehlo_info ehlo_tls;
	int		 starttls_code;
	char		*injected;	/* bytes after STARTTLS 220, sanitised */
	size_t		 injected_len;
	struct tls_fact	 tls;
	void		*peer_chain;	/* STACK_OF(X509), for DANE checks */
	struct dane_fact dane;
	enum legacy_result legacy;
	char		 legacy_version[16];
	struct scan_result *scan;	/* deep TLS inspection, or NULL */
	struct alt_cert	*alt;		/* SCAN_CERTS_MAX, once one is found */
	int		 nalt;
	double		 connect_ms, greeting_ms, total_ms;
	struct xcript_line *xcript;
	int		 nxcript;
	int		 xcript_dropped;
	struct scan_log	*scan_log;	/* the inspection's connections */
	int		 nscan_log;
	int		 scan_log_dropped;
	char		 source[64];	/* local address used */
	/* Filled by the judge. */
	int		 conclusive;	/* reached a verdict on this address */
	int		 worst;		/* enum severity */
};

/* TLSA at the CNAME target of an MX host (RFC 7672 §2.2.3), kept apart
 * until the run decides which RRset applies. */
struct tlsa_lookup {
	char		 name[TARGET_NAME_MAX + 16];
	struct dns_fact	 dns;
	struct tlsa_rec	 recs[TLSA_RECORDS_MAX];
	int		 n;
	int		 nbad;
};

struct mx_host {
	char		 name[TARGET_NAME_MAX];
	int		 pref;
	int		 implicit;	/* implicit MX: the domain itself */
	struct dns_fact	 a, aaaa;
	int		 addr_dropped;	/* addresses past RUN_ADDRS_MAX */
	char		 alias_of[TARGET_NAME_MAX]; /* CNAME target, if an alias */
	char		 tlsa_name[TARGET_NAME_MAX + 16]; /* _25._tcp.host */
	int		 tlsa_at_target;	/* tlsa* came from alias_of */
	struct tlsa_lookup *tlsa_target;	/* at the CNAME target, or NULL */
	int		 sni_target;	/* SNI and names: alias_of, the TLSA
					   base domain (RFC 7672 §2.2.3) */
	/* Addresses of a secure alias wait for the target's TLSA answer,
	 * which decides the SNI. */
	struct sockaddr_storage held[2 * RUN_ADDRS_MAX];
	socklen_t	 heldlen[2 * RUN_ADDRS_MAX];
	int		 nheld;
	struct dns_fact	 tlsa;
	struct tlsa_rec	 tlsa_recs[TLSA_RECORDS_MAX];
	int		 ntlsa;
	int		 ntlsa_bad;	/* records that did not parse */
	struct probe	**probes;
	int		 nprobes;
};

enum severity { SEV_OK, SEV_INFO, SEV_WARN, SEV_FAIL };

struct finding {
	const char	*id;
	enum severity	 sev;
	char		*host;		/* MX host name, or NULL */
	char		*addr;		/* address text, or NULL */
	char		*detail;	/* evidence, sanitised */
	const char	*fix;
	char		*paste;		/* records/policy to paste, or NULL */
	const struct probe *probe;	/* the address that showed it, or NULL */
};

#define POLICY_TXT_MAX	1024	/* bytes of one policy TXT record kept */

/* An _mta-sts or _smtp._tls TXT lookup and the record of its kind. */
struct txt_fact {
	struct dns_fact	 dns;
	int		 nrecords;	/* records of this kind (v=STSv1 ...) */
	int		 nbad;		/* TXT rdata that did not decode */
	char		 text[POLICY_TXT_MAX];	/* the first such record, raw */
	size_t		 textlen;
	int		 valid;		/* exactly one, and it parsed */
	char		 error[160];
	char		 id[33];	/* MTA-STS policy id */
	int		 nrua;		/* TLS-RPT report URIs */
};

/* The MTA-STS policy fetch (RFC 8461 §3.3) and what the policy says. */
struct sts_fetch_fact {
	int		 attempted;
	int		 done;
	char		 host[TARGET_NAME_MAX + 8];	/* mta-sts.<domain> */
	char		 url[TARGET_NAME_MAX + 48];
	struct dns_fact	 a, aaaa;	/* of the policy host */
	int		 user_resolve;	/* --resolve named the host */
	int		 naddrs;	/* addresses DNS gave */
	int		 curl_code;	/* 0: an HTTP response came */
	char		 error[256];	/* why there is no policy, sanitised */
	int		 too_large;
	long		 http_code;
	char		 content_type[128];	/* sanitised */
	char		 location[256];	/* redirect target, sanitised */
	char		 addr[64];	/* server address used */
	char		*body;		/* raw, NUL-terminated, <= 64 KiB */
	size_t		 body_len;
	int		 usable;	/* sts_policy_parse said 0 */
	struct sts_policy policy;
	char		*problems;	/* syntax problems, one per line */
	double		 ms;
};

struct report {
	struct target	 target;
	char		 input[300];	/* what the user typed, sanitised */
	char		 policy[16];
	int		 port;
	long long	 started;	/* epoch seconds */
	double		 ms;		/* wall time */
	struct dns_fact	 mx;		/* for domain targets */
	int		 null_mx;
	int		 implicit_mx;
	struct txt_fact	 sts;		/* _mta-sts.<domain> (RFC 8461 §3.1) */
	struct txt_fact	 rpt;		/* _smtp._tls.<domain> (RFC 8460 §3) */
	struct sts_fetch_fact stsp;	/* the policy file */
	int		 mx_bad;	/* MX records that did not decode */
	int		 mx_dropped;	/* MX hosts past RUN_MX_MAX */
	struct mx_host	**hosts;
	int		 nhosts;
	struct finding	*findings;
	int		 nfindings;
	int		 verdict;	/* enum severity of the worst finding */
	int		 tested;	/* addresses tested conclusively */
	int		 untestable;	/* nothing could be tested */
	int		 exit_code;
};

struct probe	*probe_new(void);
/* A fresh probe of the same address and identity (a side connection). */
struct probe	*probe_new_like(const struct probe *);
void		 probe_free(struct probe *);
/* Forget one session's facts before a retry; keep identity and transcript. */
void		 probe_reset(struct probe *);
struct probe	*report_add_probe(struct mx_host *);
struct mx_host	*report_add_host(struct report *, const char *name, int pref);
void		 report_free(struct report *);
void		 probe_xcript(struct probe *, double ms, char dir,
		     const char *, size_t);
void		 probe_scan_log(struct probe *, const struct scan_log *);
const char	*severity_name(enum severity);
const char	*dnssec_name(enum dnssec);
const char	*stage_name(enum probe_stage);
const char	*end_name(enum probe_end);

#endif
