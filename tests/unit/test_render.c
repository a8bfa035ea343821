/* Unit tests: the JSON and text renderers (out_json.c, out_text.c). */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include <jansson.h>

#include "unit.h"

#include "cli.h"
#include "fixture.h"
#include "judge.h"
#include "out.h"
#include "report.h"

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

/* Render into memory; the caller frees. */
static char *
render(struct fx *f, int json, int color, size_t *len)
{
	char	*out = NULL;
	FILE	*fp;

	fp = open_memstream(&out, len);
	assert_non_null(fp);
	if (json)
		assert_int_equal(out_json(fp, &f->r, &f->o), 0);
	else
		assert_int_equal(out_text(fp, &f->r, &f->o, color), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(out);
	return out;
}

/* Render as JSON and parse it back; the caller json_decref()s. */
static json_t *
render_json(struct fx *f)
{
	json_error_t	 e;
	json_t		*root;
	size_t		 len;
	char		*s = render(f, 1, 0, &len);

	/* JSON_ENSURE_ASCII: printable ASCII and line breaks only. */
	if (!unit_utf8_ok(s, len, 1, 1))
		fail_msg("JSON output has raw control or 8-bit bytes");
	/* Server bytes may hold NUL: valid JSON (\u0000), kept on purpose. */
	root = json_loadb(s, len, JSON_ALLOW_NUL, &e);
	if (root == NULL)
		fail_msg("JSON does not parse: %s at line %d", e.text, e.line);
	free(s);
	return root;
}

/* The object at hosts[h].addresses[a]. */
static json_t *
json_probe(json_t *root, size_t h, size_t a)
{
	json_t	*host, *p;

	host = json_array_get(json_object_get(root, "hosts"), h);
	p = json_array_get(json_object_get(host, "addresses"), a);

	assert_non_null(p);
	return p;
}

/* Every key a probe object always has: a failed json_pack drops one. */
static void
check_probe_keys(json_t *p)
{
	static const char *const keys[] = { "address", "family", "port",
	    "end", "stage", "implicit_tls", "conclusive", "timing_ms",
	    "greeting", "ehlo", "helo_fallback", "starttls", "tls", "ehlo_tls",
	    "legacy_tls", "last_reply", "transcript", "transcript_dropped" };
	size_t	 i;

	for (i = 0; i < NELEM(keys); i++)
		if (json_object_get(p, keys[i]) == NULL)
			fail_msg("probe object lacks '%s'", keys[i]);
}

static int
has_finding(json_t *root, const char *id, const char *sev)
{
	json_t	*a = json_object_get(root, "findings"), *v;
	size_t	 i;

	json_array_foreach(a, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "id")), id) ==
		    0 && strcmp(json_string_value(json_object_get(v,
		    "severity")), sev) == 0)
			return 1;
	}
	return 0;
}

static void
test_json_good(void **state)
{
	struct fx	*f = *state;
	json_t		*root, *p, *tls, *v;
	size_t		 i;

	judge_report(&f->r, &f->o, FIX_NOW);
	root = render_json(f);
	assert_int_equal(json_integer_value(json_object_get(root,
	    "schema_version")), 1);
	assert_int_equal(JSON_SCHEMA_VERSION, 1);
	assert_string_equal(json_string_value(json_object_get(root,
	    "verdict")), "ok");
	assert_int_equal(json_integer_value(json_object_get(root,
	    "exit_code")), 0);
	assert_int_equal(json_integer_value(json_object_get(root,
	    "tested_addresses")), 1);
	v = json_object_get(root, "target");
	assert_string_equal(json_string_value(json_object_get(v, "input")),
	    "example.test");
	assert_string_equal(json_string_value(json_object_get(v, "kind")),
	    "domain");
	assert_int_equal(json_integer_value(json_object_get(v, "port")), 25);
	assert_true(json_is_object(json_object_get(root, "dns")));
	assert_true(json_is_array(json_object_get(root, "findings")));
	assert_int_equal(json_array_size(json_object_get(root, "findings")),
	    (size_t)f->r.nfindings);
	assert_true(has_finding(root, "tls.ok", "ok"));
	assert_true(has_finding(root, "cert.ok", "ok"));
	json_array_foreach(json_object_get(root, "findings"), i, v) {
		assert_non_null(judge_def(json_string_value(json_object_get(v,
		    "id"))));
		assert_true(json_is_string(json_object_get(v, "detail")));
	}

	p = json_probe(root, 0, 0);
	check_probe_keys(p);
	assert_string_equal(json_string_value(json_object_get(p, "address")),
	    "192.0.2.25");
	assert_string_equal(json_string_value(json_object_get(p, "family")),
	    "ipv4");
	assert_true(json_is_true(json_object_get(json_object_get(p,
	    "starttls"), "offered")));
	tls = json_object_get(p, "tls");
	assert_true(json_is_true(json_object_get(tls, "ok")));
	assert_string_equal(json_string_value(json_object_get(tls, "version")),
	    "TLSv1.3");
	assert_string_equal(json_string_value(json_object_get(tls,
	    "cipher_id")), "0x1302");
	assert_int_equal(json_array_size(json_object_get(tls, "chain")), 2);
	v = json_array_get(json_object_get(tls, "chain"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "not_after")),
	    "2026-03-02T00:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(v, "days_left")),
	    60);
	v = json_object_get(p, "ehlo");
	assert_int_equal(json_integer_value(json_object_get(v, "size")),
	    10240000);
	assert_true(json_is_true(json_object_get(json_object_get(v,
	    "extensions"), "STARTTLS")));
	json_decref(root);
}

static const char hostile[] = "220 \x1b[31m<script>alert(1)</script>\xff\xfe"
    " \xe2\x80\xae" "evil\x1b]0;title\x07 \xc0\xaf";

/* Put server-controlled bytes everywhere a server can reach. */
static void
make_hostile(struct fx *f)
{
	static const char *const last[] = {
	    "454-\x1b[2J<script>\xff", "454 4.7.0 \xe2\x80\xae" "tls down" };
	static const char kwline[] = "250-X-\x1b]0;pwn\x07\xff";
	static const char xline[] = "250-\x1b[1Ax\0y";
	struct probe	*p = f->p;
	struct smtp_reply r;

	smtp_reply_free(&p->greeting);
	smtp_reply_init(&p->greeting);
	assert_int_equal(smtp_reply_feed(&p->greeting, hostile,
	    sizeof(hostile) - 1, 1), FEED_DONE);
	probe_xcript(p, 1.0, 'S', hostile, sizeof(hostile) - 1);
	probe_xcript(p, 2.0, 'C', "EHLO client.example.test", 24);
	probe_xcript(p, 3.0, 'S', xline, sizeof(xline) - 1);
	fix_reply(&p->last, last, 2);
	p->last_stage = STAGE_STARTTLS;
	p->starttls_code = 454;
	p->injected = xstrdup("\x1b[31minjected\xff");
	p->injected_len = strlen(p->injected);
	/* A keyword line with escapes. */
	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, "250-mx", 6, 1), FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, kwline, sizeof(kwline) - 1, 1),
	    FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250 STARTTLS", 12, 1), FEED_DONE);
	ehlo_parse(&p->ehlo, &r);
	smtp_reply_free(&r);
	/* Certificate strings as a broken extractor might leave them. */
	free(p->tls.chain[0].subject);
	p->tls.chain[0].subject = xstrdup("CN=\x1b[31mevil\xff");
	free(p->tls.chain[0].san[0]);
	p->tls.chain[0].san[0] = xstrdup("\x1b[2J.example.test");
	p->tls.name_ok = 0;
}

static void
test_json_hostile(void **state)
{
	struct fx	*f = *state;
	json_t		*root, *p, *lines;
	const char	*s;

	make_hostile(f);
	judge_report(&f->r, &f->o, FIX_NOW);
	root = render_json(f);
	p = json_probe(root, 0, 0);
	check_probe_keys(p);
	lines = json_object_get(json_object_get(p, "greeting"), "lines");
	assert_int_equal(json_array_size(lines), 1);
	s = json_string_value(json_array_get(lines, 0));
	assert_non_null(s);
	/* Raw bytes kept (escaped by JSON), invalid UTF-8 as U+FFFD. */
	assert_non_null(strstr(s, "\x1b[31m<script>alert(1)</script>"));
	assert_non_null(strstr(s, "\xef\xbf\xbd"));
	assert_true(unit_utf8_ok(s, strlen(s), 0, 0));
	lines = json_object_get(json_object_get(p, "last_reply"), "lines");
	assert_int_equal(json_array_size(lines), 2);
	assert_true(json_is_string(json_object_get(json_object_get(p,
	    "starttls"), "injected")));
	assert_int_equal(json_array_size(json_object_get(p, "transcript")), 3);
	assert_true(has_finding(root, "starttls.rejected", "fail"));
	json_decref(root);
}

static void
test_text_hostile(void **state)
{
	struct fx	*f = *state;
	size_t		 len, i;
	char		*s;

	make_hostile(f);
	judge_report(&f->r, &f->o, FIX_NOW);
	/* Verbose shows the transcript and the certificate details. */
	f->o.verbose = 1;
	s = render(f, 0, 0, &len);
	for (i = 0; i < len; i++)
		if (s[i] == '\x1b')
			fail_msg("raw ESC at offset %zu of the text output", i);
	if (!unit_utf8_ok(s, len, 1, 1))
		fail_msg("text output has control bytes or invalid UTF-8:\n%s",
		    s);
	/* Visible, not acted on; <script> is for the HTML renderer. */
	assert_non_null(strstr(s, "\\x1b[31m<script>"));
	assert_non_null(strstr(s, "starttls.rejected"));
	free(s);
}

static void
test_text_good(void **state)
{
	struct fx	*f = *state;
	size_t		 len;
	char		*s;

	judge_report(&f->r, &f->o, FIX_NOW);
	s = render(f, 0, 0, &len);
	assert_null(memchr(s, '\x1b', len));
	assert_non_null(strstr(s, "example.test"));
	assert_non_null(strstr(s, "mx.example.test"));
	assert_non_null(strstr(s, "192.0.2.25"));
	assert_non_null(strstr(s, "TLSv1.3"));
	assert_non_null(strstr(s, "No problems found."));
	assert_non_null(strstr(s, "exit status 0"));
	assert_true(unit_utf8_ok(s, len, 1, 1));
	free(s);

	/* Colour only when asked for. */
	s = render(f, 0, 1, &len);
	assert_non_null(memchr(s, '\x1b', len));
	free(s);
}

static void
test_text_findings(void **state)
{
	struct fx	*f = *state;
	size_t		 len;
	char		*s;

	f->p->tls.name_ok = 0;
	f->p->legacy = LEGACY_ACCEPTED;
	str_copy(f->p->legacy_version, sizeof(f->p->legacy_version), "TLSv1");
	judge_report(&f->r, &f->o, FIX_NOW);
	s = render(f, 0, 0, &len);
	assert_non_null(strstr(s, "cert.name.mismatch"));
	assert_non_null(strstr(s, "tls.version.legacy"));
	assert_non_null(strstr(s, "fix: "));
	assert_non_null(strstr(s, "exit status 1"));
	assert_null(strstr(s, "No problems found."));
	free(s);
}

/* A report with nothing tested still renders, as "untested". */
static void
test_render_untested(void **state)
{
	struct fx	*f = *state;
	json_t		*root;
	size_t		 len;
	char		*s;

	report_free(&f->r);
	fix_report(&f->r, &f->o);
	f->r.mx.nxdomain = 1;
	f->r.mx.rcode = 3;
	judge_report(&f->r, &f->o, FIX_NOW);
	root = render_json(f);
	assert_string_equal(json_string_value(json_object_get(root,
	    "verdict")), "untested");
	assert_int_equal(json_integer_value(json_object_get(root,
	    "exit_code")), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(root, "dns"), "mx"), "status")), "nxdomain");
	assert_true(has_finding(root, "dns.nxdomain", "fail"));
	json_decref(root);
	s = render(f, 0, 0, &len);
	assert_non_null(strstr(s, "UNTESTED"));
	assert_non_null(strstr(s, "dns.nxdomain"));
	free(s);
}

/* A failed handshake and a busy server render their own shapes. */
static void
test_render_failed_shapes(void **state)
{
	static const char *const busy[] = { "421 4.7.0 try later" };
	struct fx	*f = *state;
	struct probe	*p2;
	json_t		*root, *tls;

	f->p->end = END_TLS_FAILED;
	f->p->stage = STAGE_HANDSHAKE;
	f->p->tls.ok = 0;
	f->p->tls.alert = 40;
	str_copy(f->p->tls.error, sizeof(f->p->tls.error),
	    "sslv3 alert handshake failure");
	p2 = fix_good_probe(f->r.hosts[0], AF_INET6, "2001:db8::25");
	p2->end = END_BUSY;
	p2->tls.attempted = p2->tls.ok = 0;
	fix_reply(&p2->greeting, busy, 1);
	judge_report(&f->r, &f->o, FIX_NOW);
	root = render_json(f);
	check_probe_keys(json_probe(root, 0, 0));
	check_probe_keys(json_probe(root, 0, 1));
	tls = json_object_get(json_probe(root, 0, 0), "tls");
	assert_true(json_is_false(json_object_get(tls, "ok")));
	assert_int_equal(json_integer_value(json_object_get(tls, "alert")), 40);
	assert_true(json_is_null(json_object_get(json_probe(root, 0, 1),
	    "tls")));
	assert_string_equal(json_string_value(json_object_get(json_probe(root,
	    0, 1), "family")), "ipv6");
	json_decref(root);
}

/*
 * The middlebox-stripped keyword is server bytes too: two of its eight may
 * be anything. The JSON must still carry the EHLO object and the keyword.
 */
static void
test_json_stripped_8bit(void **state)
{
	struct fx	*f = *state;
	struct smtp_reply r;
	json_t		*root, *ehlo;
	int		 lost, kw;

	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, "250-mx", 6, 1), FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250 XXXXXXX\xff", 12, 1),
	    FEED_DONE);
	ehlo_parse(&f->p->ehlo, &r);
	smtp_reply_free(&r);
	assert_true(f->p->ehlo.stripped[0] != '\0');
	f->p->starttls_code = 0;
	f->p->tls.attempted = f->p->tls.ok = 0;
	judge_report(&f->r, &f->o, FIX_NOW);
	assert_non_null(judge_def("starttls.stripped"));
	root = render_json(f);
	assert_true(has_finding(root, "starttls.stripped", "fail"));
	ehlo = json_object_get(json_probe(root, 0, 0), "ehlo");
	lost = !json_is_object(ehlo);
	kw = json_is_string(json_object_get(ehlo, "stripped_keyword"));
	json_decref(root);
	if (lost)
		fail_msg("JSON lost the whole 'ehlo' object for a stripped "
		    "keyword with a non-UTF-8 byte");
	assert_true(kw);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_json_good),
		T(test_json_hostile),
		T(test_text_hostile),
		T(test_text_good),
		T(test_text_findings),
		T(test_render_untested),
		T(test_render_failed_shapes),
		T(test_json_stripped_8bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
