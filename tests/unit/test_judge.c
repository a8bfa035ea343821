/* Unit tests: facts to findings (judge.c), on hand-built reports. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/x509_vfy.h>

#include "unit.h"

#include "cli.h"
#include "fixture.h"
#include "judge.h"
#include "report.h"
#include "scan_plan.h"

struct fx {
	struct options	 o;
	struct report	 r;
	struct probe	*p;
};

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	fix_options(&f->o);
	fix_report(&f->r, &f->o);
	f->p = fix_good_host(&f->r, "mx.example.test");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	report_free(&f->r);
	free(f);
	return 0;
}

/* Every finding is well formed and its id is in the table. */
static void
check_findings(const struct report *r)
{
	int	 i;

	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		const struct finding_def *d = judge_def(f->id);

		if (d == NULL)
			fail_msg("finding id '%s' is not in judge_defs()",
			    f->id);
		assert_ptr_equal(d->id, f->id);
		assert_true(f->sev >= SEV_OK && f->sev <= SEV_FAIL);
		assert_non_null(f->detail);
		if (f->sev >= SEV_INFO && f->fix == NULL)
			fail_msg("finding '%s' (%s) has no fix", f->id,
			    severity_name(f->sev));
	}
}

static void
run(struct fx *f)
{
	judge_report(&f->r, &f->o, FIX_NOW);
	check_findings(&f->r);
}

/* Print the findings; on a failed expectation this says what there was. */
static void
dump(const struct report *r)
{
	int	 i;

	for (i = 0; i < r->nfindings; i++)
		print_message("  finding %s %s: %s\n", r->findings[i].id,
		    severity_name(r->findings[i].sev), r->findings[i].detail);
}

static void
expect(const struct report *r, const char *id, enum severity sev)
{
	const struct finding	*f = fix_find(r, id);

	if (f == NULL) {
		dump(r);
		fail_msg("no finding '%s'", id);
	}
	if (f->sev != sev) {
		dump(r);
		fail_msg("finding '%s' is %s, want %s", id,
		    severity_name(f->sev), severity_name(sev));
	}
}

static void
expect_none(const struct report *r, const char *id)
{
	if (fix_find(r, id) != NULL) {
		dump(r);
		fail_msg("unexpected finding '%s'", id);
	}
}

static void
expect_exit(const struct report *r, int code)
{
	if (r->exit_code != code) {
		dump(r);
		fail_msg("exit code %d, want %d", r->exit_code, code);
	}
}

static void
test_judge_good(void **state)
{
	struct fx	*f = *state;

	run(f);
	expect(&f->r, "tls.ok", SEV_OK);
	expect(&f->r, "cert.ok", SEV_OK);
	if (!fix_only_ok(&f->r)) {
		dump(&f->r);
		fail_msg("a good server has non-ok findings");
	}
	assert_int_equal(f->r.verdict, SEV_OK);
	assert_int_equal(f->r.tested, 1);
	assert_false(f->r.untestable);
	assert_true(f->p->conclusive);
	assert_string_equal(f->r.policy, "opportunistic");
	expect_exit(&f->r, 0);
}

static void
test_judge_no_starttls(void **state)
{
	struct fx	*f = *state;

	f->p->ehlo.flags &= ~(unsigned)EXT_STARTTLS;
	f->p->starttls_code = 0;
	f->p->tls.attempted = f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "starttls.missing", SEV_FAIL);
	expect_none(&f->r, "tls.ok");
	expect_none(&f->r, "cert.ok");
	expect_none(&f->r, "starttls.stripped");
	assert_int_equal(f->r.verdict, SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_stripped(void **state)
{
	struct fx	*f = *state;

	f->p->ehlo.flags &= ~(unsigned)EXT_STARTTLS;
	str_copy(f->p->ehlo.stripped, sizeof(f->p->ehlo.stripped), "XXXXXXXA");
	f->p->starttls_code = 0;
	f->p->tls.attempted = f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "starttls.stripped", SEV_FAIL);
	expect_none(&f->r, "starttls.missing");
	assert_non_null(strstr(fix_find(&f->r, "starttls.stripped")->detail,
	    "XXXXXXXA"));
	expect_exit(&f->r, 2);
}

static void
test_judge_starttls_rejected(void **state)
{
	static const char *const reply[] = {
	    "454 4.7.0 TLS not available due to local problem" };
	struct fx	*f = *state;

	f->p->starttls_code = 454;
	fix_reply(&f->p->last, reply, 1);
	f->p->last_stage = STAGE_STARTTLS;
	f->p->tls.attempted = f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "starttls.rejected", SEV_FAIL);
	assert_non_null(strstr(fix_find(&f->r, "starttls.rejected")->detail,
	    "454"));
	expect_none(&f->r, "tls.ok");
	expect_exit(&f->r, 2);
}

static void
test_judge_injection(void **state)
{
	struct fx	*f = *state;

	f->p->injected = xstrdup("250 pwned\r\n");
	f->p->injected_len = 11;
	run(f);
	expect(&f->r, "starttls.injection", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_injection_tls_failed(void **state)
{
	struct fx	*f = *state;

	f->p->injected = xstrdup("x");
	f->p->injected_len = 1;
	f->p->end = END_TLS_FAILED;
	f->p->stage = STAGE_HANDSHAKE;
	f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "starttls.injection", SEV_FAIL);
	expect(&f->r, "tls.handshake.failed", SEV_FAIL);
}

static void
test_judge_handshake_failed(void **state)
{
	struct fx	*f = *state;

	f->p->end = END_TLS_FAILED;
	f->p->stage = STAGE_HANDSHAKE;
	f->p->tls.ok = 0;
	str_copy(f->p->tls.error, sizeof(f->p->tls.error),
	    "sslv3 alert handshake failure");
	run(f);
	expect(&f->r, "tls.handshake.failed", SEV_FAIL);
	assert_non_null(strstr(fix_find(&f->r, "tls.handshake.failed")->detail,
	    "handshake failure"));
	expect_none(&f->r, "tls.ok");
	assert_true(f->p->conclusive);
	expect_exit(&f->r, 2);
}

static void
test_judge_handshake_timeout(void **state)
{
	struct fx	*f = *state;

	f->p->end = END_TIMEOUT;
	f->p->stage = STAGE_HANDSHAKE;
	f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "tls.handshake.failed", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_tls10(void **state)
{
	struct fx	*f = *state;

	f->p->tls.version_num = 0x0301;
	str_copy(f->p->tls.version, sizeof(f->p->tls.version), "TLSv1");
	run(f);
	expect(&f->r, "tls.version.old", SEV_FAIL);
	expect_none(&f->r, "tls.version.no13");
	expect_exit(&f->r, 2);
}

static void
test_judge_tls12(void **state)
{
	struct fx	*f = *state;

	f->p->tls.version_num = 0x0303;
	str_copy(f->p->tls.version, sizeof(f->p->tls.version), "TLSv1.2");
	str_copy(f->p->tls.kx, sizeof(f->p->tls.kx), "ECDHE");
	run(f);
	expect(&f->r, "tls.version.no13", SEV_INFO);
	expect_none(&f->r, "tls.version.old");
	assert_int_equal(f->r.verdict, SEV_INFO);
	expect_exit(&f->r, 0);
}

static void
test_judge_static_rsa(void **state)
{
	struct fx	*f = *state;

	f->p->tls.version_num = 0x0303;
	str_copy(f->p->tls.kx, sizeof(f->p->tls.kx), "RSA");
	run(f);
	expect(&f->r, "tls.cipher.nopfs", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_legacy(void **state)
{
	struct fx	*f = *state;

	f->p->legacy = LEGACY_ACCEPTED;
	str_copy(f->p->legacy_version, sizeof(f->p->legacy_version), "TLSv1");
	run(f);
	expect(&f->r, "tls.version.legacy", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_legacy_strict(void **state)
{
	struct fx	*f = *state;

	f->o.policy = POLICY_STRICT;
	f->p->legacy = LEGACY_ACCEPTED;
	run(f);
	expect(&f->r, "tls.version.legacy", SEV_FAIL);
	assert_string_equal(f->r.policy, "strict");
	expect_exit(&f->r, 2);
}

static void
test_judge_legacy_other(void **state)
{
	struct fx	*f = *state;

	f->p->legacy = LEGACY_INCONCLUSIVE;
	run(f);
	expect_none(&f->r, "tls.version.legacy");
	expect_exit(&f->r, 0);
}

static void
set_error(struct probe *p, int depth, int code)
{
	p->tls.errors[p->tls.nerrors].depth = depth;
	p->tls.errors[p->tls.nerrors].code = code;
	p->tls.nerrors++;
	p->tls.verify_result = code;
}

/* An MTA-STS record and a fetched policy with one mx pattern. */
static void
sts_policy(struct fx *f, enum sts_mode mode, const char *mx)
{
	struct sts_fetch_fact	*p = &f->r.stsp;

	f->r.sts.dns.asked = f->r.sts.dns.done = 1;
	f->r.sts.nrecords = 1;
	f->r.sts.valid = 1;
	str_copy(f->r.sts.id, sizeof(f->r.sts.id), "20260101");
	p->attempted = p->done = 1;
	str_copy(p->host, sizeof(p->host), "mta-sts.example.test");
	str_copy(p->url, sizeof(p->url),
	    "https://mta-sts.example.test/.well-known/mta-sts.txt");
	p->http_code = 200;
	str_copy(p->content_type, sizeof(p->content_type),
	    "text/plain; charset=utf-8");
	p->usable = 1;
	p->policy.version_ok = 1;
	p->policy.mode = mode;
	p->policy.max_age = 604800;
	p->policy.mx[0] = xstrdup(mx);
	p->policy.nmx = 1;
}

static void
test_judge_sts_enforce_good(void **state)
{
	struct fx	*f = *state;

	sts_policy(f, STS_MODE_ENFORCE, "*.example.test");
	run(f);
	expect(&f->r, "mtasts.policy.ok", SEV_OK);
	expect_none(&f->r, "mtasts.mx.unlisted");
	expect_none(&f->r, "mtasts.mx.tls");
	expect_none(&f->r, "mtasts.policy.type");
	expect_exit(&f->r, 0);
}

static void
test_judge_sts_enforce_selfsigned(void **state)
{
	struct fx	*f = *state;

	sts_policy(f, STS_MODE_ENFORCE, "mx.example.test");
	set_error(f->p, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	f->p->tls.chain[0].self_signed = f->p->tls.chain[0].self_issued = 1;
	run(f);
	expect(&f->r, "cert.selfsigned", SEV_WARN);
	expect(&f->r, "mtasts.mx.tls", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_sts_testing_mismatch(void **state)
{
	struct fx	*f = *state;

	sts_policy(f, STS_MODE_TESTING, "mx.example.test");
	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "mtasts.policy.testing", SEV_INFO);
	expect(&f->r, "mtasts.mx.tls", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_sts_unlisted(void **state)
{
	struct fx		*f = *state;
	const struct finding	*u;

	/* One label only: *.example.test does not cover a.mx.example.test. */
	sts_policy(f, STS_MODE_ENFORCE, "*.other.test");
	run(f);
	expect(&f->r, "mtasts.mx.unlisted", SEV_FAIL);
	expect_none(&f->r, "mtasts.mx.tls");
	u = fix_find(&f->r, "mtasts.mx.unlisted");
	assert_non_null(u->paste);
	assert_non_null(strstr(u->paste, "mx: mx.example.test\n"));
	assert_non_null(strstr(u->paste, "mode: enforce\n"));
	expect_exit(&f->r, 2);
}

static void
test_judge_sts_mode_none(void **state)
{
	struct fx	*f = *state;

	sts_policy(f, STS_MODE_NONE, "*.other.test");
	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "mtasts.policy.none", SEV_INFO);
	expect_none(&f->r, "mtasts.mx.unlisted");
	expect_none(&f->r, "mtasts.mx.tls");
}

/* Every way a fetch can fail maps to its own finding, and no mx check. */
static void
test_judge_sts_fetch_errors(void **state)
{
	static const struct {
		int		 curl, big;
		long		 http;
		const char	*id;
	} c[] = {
		{ 60, 0, 0, "mtasts.policy.cert" },
		{ 7, 0, 0, "mtasts.policy.unreachable" },
		{ 28, 0, 0, "mtasts.policy.unreachable" },
		{ 63, 1, 200, "mtasts.policy.size" },
		{ 23, 1, 200, "mtasts.policy.size" },
		{ 0, 0, 301, "mtasts.policy.redirect" },
		{ 0, 0, 404, "mtasts.policy.http" },
		{ 0, 0, 500, "mtasts.policy.http" },
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(c); i++) {
		struct fx	*f = calloc(1, sizeof(*f));

		assert_non_null(f);
		fix_options(&f->o);
		fix_report(&f->r, &f->o);
		f->p = fix_good_host(&f->r, "mx.example.test");
		f->p->tls.name_ok = 0;
		sts_policy(f, STS_MODE_ENFORCE, "other.example.test");
		f->r.stsp.curl_code = c[i].curl;
		f->r.stsp.too_large = c[i].big;
		f->r.stsp.http_code = c[i].http;
		str_copy(f->r.stsp.error, sizeof(f->r.stsp.error), "boom");
		run(f);
		expect(&f->r, c[i].id, SEV_FAIL);
		expect_none(&f->r, "mtasts.policy.ok");
		expect_none(&f->r, "mtasts.mx.unlisted");
		expect_none(&f->r, "mtasts.mx.tls");
		report_free(&f->r);
		free(f);
	}
}

static void
test_judge_sts_wrong_type(void **state)
{
	struct fx	*f = *state;

	sts_policy(f, STS_MODE_ENFORCE, "mx.example.test");
	str_copy(f->r.stsp.content_type, sizeof(f->r.stsp.content_type),
	    "text/plainish");
	run(f);
	expect(&f->r, "mtasts.policy.type", SEV_WARN);
	expect(&f->r, "mtasts.policy.ok", SEV_OK);
}

static void
test_judge_sts_none_paste(void **state)
{
	struct fx		*f = *state;
	const struct finding	*n;

	f->r.sts.dns.asked = f->r.sts.dns.done = 1;
	f->r.rpt.dns.asked = f->r.rpt.dns.done = 1;
	run(f);
	n = fix_find(&f->r, "mtasts.none");
	assert_non_null(n);
	assert_non_null(n->paste);
	assert_non_null(strstr(n->paste, "_mta-sts.example.test. IN TXT "
	    "\"v=STSv1; id=20260101T000000\""));
	assert_non_null(strstr(n->paste, "mx: mx.example.test\n"));
	n = fix_find(&f->r, "tlsrpt.none");
	assert_non_null(n);
	assert_non_null(strstr(n->paste, "rua=mailto:tlsrpt@example.test"));
	expect_exit(&f->r, 0);
}

/* A scan result with the given versions accepted (SCAN_V_* bits). */
static struct scan_result *
scan_fix(struct fx *f, unsigned versions)
{
	struct scan_result	*r = calloc(1, sizeof(*r));
	int			 i;

	assert_non_null(r);
	for (i = 0; i < SCAN_VERSIONS; i++)
		r->v[i].state = versions & (1u << i) ? SCAN_ACCEPTED :
		    SCAN_REJECTED;
	r->reneg = r->scsv = SCAN_TRI_YES;
	r->compression = r->heartbleed = SCAN_TRI_NO;
	r->cap = 20;
	r->conns_used = 12;
	f->p->scan = r;
	return r;
}

static void
weak_class(struct scan_result *r, unsigned bit, uint16_t suite)
{
	int	 n = 0;

	while (!(bit & (1u << n)))
		n++;
	r->weak.tested |= bit;
	r->weak.accepted |= bit;
	r->weak.proof[n].version = VER_TLS12;
	r->weak.proof[n].suite = suite;
}

static void
test_judge_scan_clean(void **state)
{
	struct fx	*f = *state;

	scan_fix(f, 1u << SCAN_V_TLS12 | 1u << SCAN_V_TLS13);
	f->p->scan->weak.tested = SCAN_WEAK_CLASSES;
	run(f);
	if (!fix_only_ok(&f->r)) {
		dump(&f->r);
		fail_msg("a clean scan gives non-ok findings");
	}
}

static void
test_judge_scan_weak(void **state)
{
	struct fx		*f = *state;
	struct scan_result	*r;

	r = scan_fix(f, 1u << SCAN_V_SSL3 | 1u << SCAN_V_TLS12);
	weak_class(r, SC_RC4, 0x0005);
	weak_class(r, SC_3DES, 0x000a);
	weak_class(r, SC_ANON, 0x00a6);
	weak_class(r, SC_NOPFS, 0x002f);
	r->dh_bits_min = 1024;
	r->heartbleed = SCAN_TRI_YES;
	r->compression = SCAN_TRI_YES;
	r->reneg = SCAN_TRI_NO;
	r->scsv = SCAN_TRI_NO;
	run(f);
	expect(&f->r, "tls.version.ssl3", SEV_FAIL);
	expect(&f->r, "tls.cipher.rc4", SEV_FAIL);
	expect(&f->r, "tls.cipher.3des", SEV_WARN);
	expect(&f->r, "tls.cipher.anon", SEV_INFO);
	expect(&f->r, "tls.cipher.static", SEV_INFO);
	expect(&f->r, "tls.dh.weak", SEV_WARN);
	expect(&f->r, "tls.heartbleed", SEV_FAIL);
	expect(&f->r, "tls.compression", SEV_FAIL);
	expect(&f->r, "tls.reneg.insecure", SEV_WARN);
	expect(&f->r, "tls.scsv.missing", SEV_INFO);
	expect_none(&f->r, "tls.version.ssl2");
	expect_none(&f->r, "tls.cipher.null");
	assert_non_null(strstr(fix_find(&f->r, "tls.cipher.rc4")->detail,
	    "TLS_RSA_WITH_RC4_128_SHA"));
	expect_exit(&f->r, 2);
}

static void
test_judge_scan_strict(void **state)
{
	struct fx		*f = *state;
	struct scan_result	*r;

	f->o.policy = POLICY_STRICT;
	r = scan_fix(f, 1u << SCAN_V_TLS12);
	weak_class(r, SC_NOPFS, 0x002f);
	weak_class(r, SC_3DES, 0x000a);
	r->dh_bits_min = 1536;
	run(f);
	expect(&f->r, "tls.cipher.static", SEV_WARN);
	expect(&f->r, "tls.cipher.3des", SEV_FAIL);
	expect(&f->r, "tls.dh.weak", SEV_FAIL);
}

/* CBC-only matters only where TLS 1.2 is there; a partial scan is said. */
static void
test_judge_scan_cbc_partial(void **state)
{
	struct fx		*f = *state;
	struct scan_result	*r;

	r = scan_fix(f, 1u << SCAN_V_TLS10);
	r->cbc_only = SCAN_TRI_YES;
	r->budget_hit = 1;
	r->anomalies = 1;
	str_copy(r->anomaly, sizeof(r->anomaly), "suite never offered");
	run(f);
	expect_none(&f->r, "tls.cipher.cbconly");
	expect(&f->r, "tls.scan.partial", SEV_INFO);
	expect(&f->r, "tls.scan.anomaly", SEV_WARN);
}

static void
test_judge_selfsigned(void **state)
{
	struct fx	*f = *state;

	set_error(f->p, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	f->p->tls.chain[0].self_signed = f->p->tls.chain[0].self_issued = 1;
	run(f);
	expect(&f->r, "cert.selfsigned", SEV_WARN);
	expect_none(&f->r, "cert.invalid");
	expect_none(&f->r, "cert.untrusted");
	expect_none(&f->r, "cert.ok");
	expect_exit(&f->r, 1);
}

static void
test_judge_selfsigned_strict(void **state)
{
	struct fx	*f = *state;

	f->o.policy = POLICY_STRICT;
	set_error(f->p, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	run(f);
	expect(&f->r, "cert.selfsigned", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_chain_incomplete(void **state)
{
	struct fx	*f = *state;

	cert_info_free(&f->p->tls.chain[1]);
	f->p->tls.nchain = f->p->tls.nchain_total = 1;
	set_error(f->p, 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	run(f);
	expect(&f->r, "cert.chain.incomplete", SEV_WARN);
	expect_none(&f->r, "cert.untrusted");
	expect_none(&f->r, "cert.invalid");
	expect_exit(&f->r, 1);
}

static void
test_judge_untrusted(void **state)
{
	struct fx	*f = *state;

	/* The intermediate was sent but its issuer is unknown. */
	set_error(f->p, 1, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	run(f);
	expect(&f->r, "cert.untrusted", SEV_WARN);
	expect_none(&f->r, "cert.chain.incomplete");
	expect_exit(&f->r, 1);
}

static void
test_judge_cert_invalid(void **state)
{
	struct fx	*f = *state;

	set_error(f->p, 0, X509_V_ERR_CERT_SIGNATURE_FAILURE);
	run(f);
	expect(&f->r, "cert.invalid", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_no_cert(void **state)
{
	struct fx	*f = *state;

	cert_info_free(&f->p->tls.chain[0]);
	cert_info_free(&f->p->tls.chain[1]);
	f->p->tls.nchain = f->p->tls.nchain_total = 0;
	run(f);
	expect(&f->r, "cert.invalid", SEV_WARN);
}

static void
test_judge_expired(void **state)
{
	struct fx	*f = *state;

	f->p->tls.chain[0].not_after = FIX_NOW - 2 * FIX_DAY;
	set_error(f->p, 0, X509_V_ERR_CERT_HAS_EXPIRED);
	run(f);
	expect(&f->r, "cert.expired", SEV_WARN);
	expect_none(&f->r, "cert.expiring");
	expect_none(&f->r, "cert.invalid");
	expect_exit(&f->r, 1);
	assert_non_null(strstr(fix_find(&f->r, "cert.expired")->detail,
	    "2 days"));
}

static void
test_judge_expired_intermediate_strict(void **state)
{
	struct fx	*f = *state;

	f->o.policy = POLICY_STRICT;
	f->p->tls.chain[1].not_after = FIX_NOW - 1;
	run(f);
	expect(&f->r, "cert.expired", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_notyetvalid(void **state)
{
	struct fx	*f = *state;

	f->p->tls.chain[0].not_before = FIX_NOW + FIX_DAY;
	run(f);
	expect(&f->r, "cert.notyetvalid", SEV_WARN);
}

static void
test_judge_expiring(void **state)
{
	struct fx	*f = *state;

	f->p->tls.chain[0].not_after = FIX_NOW + 10 * FIX_DAY + 60;
	run(f);
	expect(&f->r, "cert.expiring", SEV_WARN);
	expect_none(&f->r, "cert.expired");
	expect_exit(&f->r, 1);
}

static void
test_judge_expiring_threshold(void **state)
{
	struct fx	*f = *state;

	/* Exactly warn_days left is not "within" warn_days. */
	f->p->tls.chain[0].not_after = FIX_NOW + 21 * FIX_DAY;
	run(f);
	expect_none(&f->r, "cert.expiring");
	expect_exit(&f->r, 0);

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->p = fix_good_host(&f->r, "mx.example.test");
	f->o.warn_days = 90;
	run(f);
	expect(&f->r, "cert.expiring", SEV_WARN);
}

static void
test_judge_name_mismatch(void **state)
{
	struct fx	*f = *state;

	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "cert.name.mismatch", SEV_WARN);
	assert_non_null(strstr(fix_find(&f->r, "cert.name.mismatch")->detail,
	    "mx.example.test"));
	expect_none(&f->r, "cert.ok");
	expect_exit(&f->r, 1);
}

static void
test_judge_name_mismatch_strict(void **state)
{
	struct fx	*f = *state;

	f->o.policy = POLICY_STRICT;
	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "cert.name.mismatch", SEV_FAIL);
	expect_exit(&f->r, 2);
}

static void
test_judge_name_unchecked(void **state)
{
	struct fx	*f = *state;

	f->p->tls.name_checked = 0;
	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "cert.name.unchecked", SEV_INFO);
	expect_none(&f->r, "cert.name.mismatch");
	expect_exit(&f->r, 0);
}

static void
test_judge_weak_key(void **state)
{
	struct fx	*f = *state;
	struct cert_info *c = &f->p->tls.chain[0];

	str_copy(c->key_type, sizeof(c->key_type), "RSA");
	c->key_bits = 1024;
	run(f);
	expect(&f->r, "cert.key.weak", SEV_WARN);
	assert_non_null(strstr(fix_find(&f->r, "cert.key.weak")->detail,
	    "1024"));
	expect_exit(&f->r, 1);
}

static void
test_judge_rsa2048_ok(void **state)
{
	struct fx	*f = *state;
	struct cert_info *c = &f->p->tls.chain[0];

	str_copy(c->key_type, sizeof(c->key_type), "RSA");
	c->key_bits = 2048;
	str_copy(c->sig_hash, sizeof(c->sig_hash), "SHA256");
	run(f);
	expect_none(&f->r, "cert.key.weak");
	expect(&f->r, "cert.ok", SEV_OK);
	expect_exit(&f->r, 0);
}

static void
test_judge_sha1(void **state)
{
	struct fx	*f = *state;
	struct cert_info *c = &f->p->tls.chain[0];

	str_copy(c->sig_hash, sizeof(c->sig_hash), "SHA1");
	str_copy(c->sig_alg, sizeof(c->sig_alg), "sha1WithRSAEncryption");
	run(f);
	expect(&f->r, "cert.sig.weak", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_sha1_root_ignored(void **state)
{
	struct fx	*f = *state;
	struct cert_info *c = &f->p->tls.chain[1];

	/* A self-signed root's own SHA-1 signature is never checked. */
	str_copy(c->sig_hash, sizeof(c->sig_hash), "SHA1");
	c->self_signed = c->self_issued = 1;
	run(f);
	expect_none(&f->r, "cert.sig.weak");
	expect_exit(&f->r, 0);
}

static void
test_judge_busy(void **state)
{
	static const char *const greeting[] = {
	    "421 4.7.0 mx.example.test Too many connections, try later" };
	struct fx	*f = *state;

	f->p->end = END_BUSY;
	f->p->stage = STAGE_GREETING;
	f->p->attempts = 2;
	fix_reply(&f->p->greeting, greeting, 1);
	f->p->tls.attempted = f->p->tls.ok = 0;
	f->p->ehlo.present = 0;
	run(f);
	expect(&f->r, "smtp.busy", SEV_WARN);
	assert_non_null(strstr(fix_find(&f->r, "smtp.busy")->detail, "421"));
	assert_false(f->p->conclusive);
	assert_true(f->r.untestable);
	assert_int_equal(f->r.tested, 0);
	expect_exit(&f->r, 3);
}

static void
test_judge_rejected(void **state)
{
	static const char *const greeting[] = { "554 5.7.1 go away" };
	struct fx	*f = *state;

	f->p->end = END_REJECTED;
	f->p->stage = STAGE_GREETING;
	fix_reply(&f->p->greeting, greeting, 1);
	f->p->tls.attempted = f->p->tls.ok = 0;
	run(f);
	expect(&f->r, "smtp.rejected", SEV_WARN);
	expect_exit(&f->r, 3);
}

static void
test_judge_connect_failed(void **state)
{
	struct fx	*f = *state;
	struct probe	*p6;

	f->p->end = END_CONNECT_FAILED;
	f->p->stage = STAGE_CONNECT;
	f->p->tls.attempted = f->p->tls.ok = 0;
	str_copy(f->p->error, sizeof(f->p->error), "connect: Connection "
	    "refused");
	p6 = fix_good_probe(f->r.hosts[0], AF_INET6, "2001:db8::25");
	p6->end = END_TIMEOUT;
	p6->stage = STAGE_CONNECT;
	p6->tls.attempted = p6->tls.ok = 0;
	run(f);
	expect(&f->r, "connect.failed", SEV_WARN);
	expect(&f->r, "connect.timeout", SEV_WARN);
	assert_true(f->r.untestable);
	expect_exit(&f->r, 3);
}

/* One address untestable, another tested: the run is not untestable. */
static void
test_judge_partly_tested(void **state)
{
	struct fx	*f = *state;
	struct probe	*p2;

	p2 = fix_good_probe(f->r.hosts[0], AF_INET, "192.0.2.26");
	p2->end = END_CONNECT_FAILED;
	p2->tls.ok = 0;
	run(f);
	expect(&f->r, "connect.failed", SEV_WARN);
	assert_int_equal(f->r.tested, 1);
	assert_false(f->r.untestable);
	expect_exit(&f->r, 1);
}

static void
test_judge_nxdomain(void **state)
{
	struct fx	*f = *state;

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->r.mx.nxdomain = 1;
	f->r.mx.rcode = 3;
	run(f);
	expect(&f->r, "dns.nxdomain", SEV_FAIL);
	assert_int_equal(f->r.nfindings, 1);
	assert_true(f->r.untestable);
	expect_exit(&f->r, 3);
}

static void
test_judge_mx_servfail(void **state)
{
	struct fx	*f = *state;

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->r.mx.rcode = 2;
	str_copy(f->r.mx.errstr, sizeof(f->r.mx.errstr), "SERVFAIL");
	run(f);
	expect(&f->r, "dns.mx.error", SEV_FAIL);
	expect_exit(&f->r, 3);
}

static void
test_judge_mx_bogus(void **state)
{
	struct fx	*f = *state;

	f->r.mx.sec = DNSSEC_BOGUS;
	run(f);
	expect(&f->r, "dns.mx.bogus", SEV_FAIL);
	/* Nothing past a bogus MX answer is judged. */
	expect_none(&f->r, "tls.ok");
}

static void
test_judge_null_mx(void **state)
{
	struct fx	*f = *state;

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->r.null_mx = 1;
	run(f);
	expect(&f->r, "dns.mx.null", SEV_INFO);
	expect_none(&f->r, "dns.mx.implicit");
	expect_exit(&f->r, 3);
}

static void
test_judge_implicit_mx(void **state)
{
	struct fx	*f = *state;

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->r.implicit_mx = 1;
	f->p = fix_good_host(&f->r, "example.test");
	f->r.hosts[0]->implicit = 1;
	f->r.hosts[0]->pref = -1;
	run(f);
	expect(&f->r, "dns.mx.implicit", SEV_INFO);
	expect(&f->r, "cert.ok", SEV_OK);
	expect_exit(&f->r, 0);
}

static void
test_judge_no_address(void **state)
{
	struct fx	*f = *state;
	struct mx_host	*h;

	h = report_add_host(&f->r, "mx2.example.test", 20);
	h->a.done = h->aaaa.done = 1;
	h->a.nodata = h->aaaa.nodata = 1;
	run(f);
	expect(&f->r, "dns.mx.noaddress", SEV_FAIL);
	assert_non_null(strstr(fix_find(&f->r, "dns.mx.noaddress")->host,
	    "mx2.example.test"));
	expect_exit(&f->r, 2);
}

static void
test_judge_families_differ(void **state)
{
	struct fx	*f = *state;
	struct probe	*p6;

	p6 = fix_good_probe(f->r.hosts[0], AF_INET6, "2001:db8::25");
	p6->tls.version_num = 0x0303;
	str_copy(p6->tls.version, sizeof(p6->tls.version), "TLSv1.2");
	run(f);
	expect(&f->r, "tls.version.no13", SEV_INFO);
	expect(&f->r, "addr.family.differs", SEV_WARN);
	expect_exit(&f->r, 1);
}

static void
test_judge_families_same(void **state)
{
	struct fx	*f = *state;

	fix_good_probe(f->r.hosts[0], AF_INET6, "2001:db8::25");
	run(f);
	expect_none(&f->r, "addr.family.differs");
	assert_int_equal(f->r.tested, 2);
	expect_exit(&f->r, 0);
}

static void
test_judge_fail_on_fail(void **state)
{
	struct fx	*f = *state;

	f->o.fail_on = SEV_FAIL;
	f->p->tls.name_ok = 0;
	run(f);
	expect(&f->r, "cert.name.mismatch", SEV_WARN);
	assert_int_equal(f->r.verdict, SEV_WARN);
	expect_exit(&f->r, 0);

	/* A failure still fails. */
	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->p = fix_good_host(&f->r, "mx.example.test");
	f->p->ehlo.flags = 0;
	run(f);
	expect_exit(&f->r, 2);
}

static void
test_judge_ehlo_rejected(void **state)
{
	struct fx	*f = *state;

	f->p->helo_fallback = 1;
	f->p->ehlo_code = 502;
	f->p->ehlo.present = 0;
	run(f);
	expect(&f->r, "smtp.ehlo.rejected", SEV_FAIL);
	expect_none(&f->r, "starttls.missing");
	expect_exit(&f->r, 2);
}

static void
test_judge_ehlo_tls_missing(void **state)
{
	struct fx	*f = *state;

	ehlo_free(&f->p->ehlo_tls);
	run(f);
	expect(&f->r, "smtp.ehlo.tls", SEV_WARN);
}

static void
test_judge_reply_syntax(void **state)
{
	struct fx	*f = *state;

	f->p->reply_flags = REPLY_BARE_LF | REPLY_NUL;
	run(f);
	expect(&f->r, "smtp.reply.syntax", SEV_WARN);
}

static void
test_judge_protocol_error(void **state)
{
	struct fx	*f = *state;

	f->p->end = END_PROTOCOL;
	f->p->stage = STAGE_EHLO;
	f->p->tls.ok = 0;
	str_copy(f->p->error, sizeof(f->p->error),
	    smtp_reply_error_str(REPLY_ERR_CODE));
	run(f);
	expect(&f->r, "smtp.reply.malformed", SEV_FAIL);
	assert_true(f->p->conclusive);
	expect_exit(&f->r, 2);
}

static void
test_judge_other_ends(void **state)
{
	static const struct {
		enum probe_end	 end;
		enum probe_stage stage;
		const char	*id;
	} cases[] = {
		{ END_TIMEOUT, STAGE_GREETING, "smtp.greeting.timeout" },
		{ END_TIMEOUT, STAGE_EHLO, "smtp.timeout" },
		{ END_DEADLINE, STAGE_EHLO, "probe.deadline" },
		{ END_CLOSED, STAGE_EHLO, "smtp.closed" },
		{ END_CLOSED, STAGE_HANDSHAKE, "tls.handshake.failed" },
		{ END_INTERNAL, STAGE_CONNECT, "probe.internal" },
		{ END_NONE, STAGE_NONE, "probe.internal" },
	};
	struct fx	*f = *state;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		report_free(&f->r);
		fix_report(&f->r, &f->o);
		f->p = fix_good_host(&f->r, "mx.example.test");
		f->p->end = cases[i].end;
		f->p->stage = cases[i].stage;
		f->p->tls.ok = 0;
		run(f);
		if (fix_find(&f->r, cases[i].id) == NULL) {
			dump(&f->r);
			fail_msg("end %s at %s: no '%s'",
			    end_name(cases[i].end), stage_name(cases[i].stage),
			    cases[i].id);
		}
	}
}

/* The table: ids are unique, each has a title; names of enums exist. */
static void
test_judge_defs(void **state)
{
	const struct finding_def *d, *e;
	int			 n = 0;

	(void)state;
	for (d = judge_defs(); d->id != NULL; d++, n++) {
		assert_non_null(d->title);
		assert_true(d->title[0] != '\0');
		assert_ptr_equal(judge_def(d->id), d);
		for (e = d + 1; e->id != NULL; e++)
			if (strcmp(d->id, e->id) == 0)
				fail_msg("duplicate finding id '%s'", d->id);
	}
	assert_true(n > 30);
	assert_null(judge_def("no.such.id"));
	assert_string_equal(severity_name(SEV_FAIL), "fail");
	assert_string_equal(severity_name((enum severity)99), "?");
	assert_string_equal(end_name((enum probe_end)99), "?");
	assert_string_equal(stage_name((enum probe_stage)99), "?");
	assert_string_equal(dnssec_name((enum dnssec)99), "?");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)


/* A host with secure addresses and secure TLSA records (n of them). */
static void
dane_host(struct fx *f, int n, int usage)
{
	struct mx_host	*h = f->r.hosts[0];
	int		 i;

	h->a.asked = h->a.done = 1;
	h->a.sec = DNSSEC_SECURE;
	str_copy(h->tlsa_name, sizeof(h->tlsa_name), "_25._tcp.mx.example.test");
	h->tlsa.asked = h->tlsa.done = 1;
	h->tlsa.sec = DNSSEC_SECURE;
	for (i = 0; i < n; i++) {
		h->tlsa_recs[i].usage = usage;
		h->tlsa_recs[i].selector = 1;
		h->tlsa_recs[i].mtype = 1;
		h->tlsa_recs[i].data = calloc(1, 32);
		h->tlsa_recs[i].len = 32;
	}
	h->ntlsa = n;
}

static void
dane_matched(struct probe *p, int usage)
{
	p->dane.checked = p->dane.ok = 1;
	p->dane.usage = usage;
	p->dane.selector = p->dane.mtype = 1;
	p->dane.depth = usage == 3 ? 0 : 1;
}

/* DANE-EE matched: a self-signed certificate is only worth knowing. */
static void
test_judge_dane_ok_selfsigned(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 2, 3);
	dane_matched(f->p, 3);
	f->p->tls.errors[0].code = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	f->p->tls.nerrors = 1;
	run(f);
	expect(&f->r, "dane.ok", SEV_OK);
	expect(&f->r, "cert.selfsigned", SEV_INFO);
	assert_null(fix_find(&f->r, "dane.rollover"));
	expect_exit(&f->r, 0);
}

static void
test_judge_dane_mismatch(void **state)
{
	struct fx	*f = *state;
	const struct finding *m;

	dane_host(f, 2, 3);
	f->p->dane.checked = 1;
	run(f);
	expect(&f->r, "dane.mismatch", SEV_FAIL);
	m = fix_find(&f->r, "dane.mismatch");
	assert_non_null(strstr(m->detail, "_25._tcp.mx.example.test IN TLSA 3 1 1 "));
	expect_exit(&f->r, 2);
}

static void
test_judge_dane_rollover(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 1, 3);
	dane_matched(f->p, 3);
	run(f);
	expect(&f->r, "dane.rollover", SEV_WARN);
	expect_exit(&f->r, 1);
}

/* PKIX-EE only: unusable for SMTP, and nothing to mismatch. */
static void
test_judge_dane_unusable(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 1, 1);
	run(f);
	expect(&f->r, "dane.tlsa.unusable", SEV_WARN);
	assert_null(fix_find(&f->r, "dane.mismatch"));
	assert_null(fix_find(&f->r, "dane.ok"));
}

static void
test_judge_dane_bogus(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 2, 3);
	f->r.hosts[0]->tlsa.sec = DNSSEC_BOGUS;
	run(f);
	expect(&f->r, "dane.tlsa.bogus", SEV_FAIL);
	assert_null(fix_find(&f->r, "dane.mismatch"));
}

static void
test_judge_dane_insecure(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 2, 3);
	f->r.hosts[0]->tlsa.sec = DNSSEC_INSECURE;
	f->p->dane.checked = 1;
	run(f);
	expect(&f->r, "dane.tlsa.insecure", SEV_INFO);
	assert_null(fix_find(&f->r, "dane.mismatch"));
	expect_exit(&f->r, 0);
}

/* SERVFAIL on TLSA matters only where the addresses are secure. */
static void
test_judge_dane_servfail(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 0, 3);
	f->r.hosts[0]->tlsa.rcode = 2;
	run(f);
	expect(&f->r, "dane.tlsa.error", SEV_FAIL);
	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->p = fix_good_host(&f->r, "mx.example.test");
	dane_host(f, 0, 3);
	f->r.hosts[0]->tlsa.rcode = 2;
	f->r.hosts[0]->a.sec = DNSSEC_INSECURE;
	run(f);
	assert_null(fix_find(&f->r, "dane.tlsa.error"));
}

static void
test_judge_dane_none(void **state)
{
	struct fx	*f = *state;

	dane_host(f, 0, 3);
	f->r.hosts[0]->tlsa.nxdomain = 1;
	run(f);
	expect(&f->r, "dane.none", SEV_INFO);
	expect_exit(&f->r, 0);
}


/* An MX host that is a CNAME; the implicit MX may be one. */
static void
test_judge_mx_cname(void **state)
{
	struct fx	*f = *state;

	str_copy(f->r.hosts[0]->alias_of, sizeof(f->r.hosts[0]->alias_of),
	    "real.example.test");
	run(f);
	expect(&f->r, "dns.mx.cname", SEV_WARN);
	assert_non_null(strstr(fix_find(&f->r, "dns.mx.cname")->detail,
	    "real.example.test"));
	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->p = fix_good_host(&f->r, "example.test");
	f->r.hosts[0]->implicit = 1;
	str_copy(f->r.hosts[0]->alias_of, sizeof(f->r.hosts[0]->alias_of),
	    "real.example.test");
	run(f);
	assert_null(fix_find(&f->r, "dns.mx.cname"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_judge_good),
		T(test_judge_mx_cname),
		T(test_judge_dane_ok_selfsigned),
		T(test_judge_dane_mismatch),
		T(test_judge_dane_rollover),
		T(test_judge_dane_unusable),
		T(test_judge_dane_bogus),
		T(test_judge_dane_insecure),
		T(test_judge_dane_servfail),
		T(test_judge_dane_none),
		T(test_judge_no_starttls),
		T(test_judge_stripped),
		T(test_judge_starttls_rejected),
		T(test_judge_injection),
		T(test_judge_injection_tls_failed),
		T(test_judge_handshake_failed),
		T(test_judge_handshake_timeout),
		T(test_judge_tls10),
		T(test_judge_tls12),
		T(test_judge_static_rsa),
		T(test_judge_legacy),
		T(test_judge_legacy_strict),
		T(test_judge_legacy_other),
		T(test_judge_selfsigned),
		T(test_judge_selfsigned_strict),
		T(test_judge_chain_incomplete),
		T(test_judge_untrusted),
		T(test_judge_cert_invalid),
		T(test_judge_no_cert),
		T(test_judge_expired),
		T(test_judge_expired_intermediate_strict),
		T(test_judge_notyetvalid),
		T(test_judge_expiring),
		T(test_judge_expiring_threshold),
		T(test_judge_name_mismatch),
		T(test_judge_name_mismatch_strict),
		T(test_judge_name_unchecked),
		T(test_judge_weak_key),
		T(test_judge_rsa2048_ok),
		T(test_judge_sha1),
		T(test_judge_sha1_root_ignored),
		T(test_judge_busy),
		T(test_judge_rejected),
		T(test_judge_connect_failed),
		T(test_judge_partly_tested),
		T(test_judge_nxdomain),
		T(test_judge_mx_servfail),
		T(test_judge_mx_bogus),
		T(test_judge_null_mx),
		T(test_judge_implicit_mx),
		T(test_judge_no_address),
		T(test_judge_families_differ),
		T(test_judge_families_same),
		T(test_judge_fail_on_fail),
		T(test_judge_ehlo_rejected),
		T(test_judge_ehlo_tls_missing),
		T(test_judge_reply_syntax),
		T(test_judge_protocol_error),
		T(test_judge_other_ends),
		T(test_judge_scan_clean),
		T(test_judge_scan_weak),
		T(test_judge_scan_strict),
		T(test_judge_scan_cbc_partial),
		T(test_judge_sts_enforce_good),
		T(test_judge_sts_enforce_selfsigned),
		T(test_judge_sts_testing_mismatch),
		T(test_judge_sts_unlisted),
		T(test_judge_sts_mode_none),
		T(test_judge_sts_wrong_type),
		T(test_judge_sts_none_paste),
		cmocka_unit_test(test_judge_sts_fetch_errors),
		cmocka_unit_test(test_judge_defs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
