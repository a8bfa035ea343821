/* Unit tests: SMTP reply parsing and EHLO keywords (smtp_parse.c). */
#include <stdio.h>

#include "unit.h"

#include "smtp_parse.h"

struct line {
	const char	*s;
	size_t		 len;
};

#define L(x)	{ (x), sizeof(x) - 1 }
#define MAXL	4

struct reply_case {
	const char		*name;
	struct line		 lines[MAXL];
	int			 crlf;
	enum feed_result	 result;	/* of the last line fed */
	enum reply_error	 error;
	int			 code;		/* when not FEED_BAD */
	int			 nlines;
	unsigned		 flags_set;
	unsigned		 flags_clear;
	const char		*text;		/* NULL: not checked */
	size_t			 textlen;
};

/* A reply rejected at its last line. */
#define BAD(name, err, ...) \
	{ (name), { __VA_ARGS__ }, 1, FEED_BAD, (err), 0, 0, 0, 0, NULL, 0 }

static const struct reply_case reply_cases[] = {
	{ "single line", { L("220 mx.example.com ESMTP ready") }, 1,
	  FEED_DONE, REPLY_OK, 220, 1, 0, ~0u, "mx.example.com ESMTP ready",
	  26 },
	{ "multi-line", { L("250-mx.example.com"), L("250-PIPELINING"),
	  L("250 STARTTLS") }, 1, FEED_DONE, REPLY_OK, 250, 3, 0, ~0u,
	  "mx.example.com\nPIPELINING\nSTARTTLS", 34 },
	{ "continuation pending", { L("250-mx.example.com"),
	  L("250-PIPELINING") }, 1, FEED_MORE, REPLY_OK, 250, 2, 0, ~0u,
	  "mx.example.com\nPIPELINING", 25 },
	{ "code alone", { L("250") }, 1, FEED_DONE, REPLY_OK, 250, 1,
	  REPLY_NO_TEXT, 0, "", 0 },
	{ "code and space", { L("250 ") }, 1, FEED_DONE, REPLY_OK, 250, 1, 0,
	  REPLY_NO_TEXT, "", 0 },
	{ "empty continuation", { L("250-"), L("250 ok") }, 1, FEED_DONE,
	  REPLY_OK, 250, 2, 0, 0, "\nok", 3 },
	{ "bare LF", { L("220 hi") }, 0, FEED_DONE, REPLY_OK, 220, 1,
	  REPLY_BARE_LF, 0, "hi", 2 },
	{ "CRLF is not bare LF", { L("220 hi") }, 1, FEED_DONE, REPLY_OK, 220,
	  1, 0, REPLY_BARE_LF, NULL, 0 },
	{ "NUL in text", { L("220 a\0b") }, 1, FEED_DONE, REPLY_OK, 220, 1,
	  REPLY_NUL, 0, "a\0b", 3 },
	{ "8-bit text", { L("220 caf\xc3\xa9") }, 1, FEED_DONE, REPLY_OK, 220,
	  1, REPLY_8BIT, REPLY_NUL | REPLY_CTRL, NULL, 0 },
	{ "escape is control", { L("220 \x1b[31mred") }, 1, FEED_DONE,
	  REPLY_OK, 220, 1, REPLY_CTRL, REPLY_NUL, NULL, 0 },
	{ "DEL is control", { L("220 a\x7f") }, 1, FEED_DONE, REPLY_OK, 220, 1,
	  REPLY_CTRL, 0, NULL, 0 },
	{ "tab is not control", { L("220 a\tb") }, 1, FEED_DONE, REPLY_OK, 220,
	  1, 0, REPLY_CTRL | REPLY_8BIT | REPLY_NUL, NULL, 0 },
	{ "lowest code", { L("200 ok") }, 1, FEED_DONE, REPLY_OK, 200, 1, 0, 0,
	  NULL, 0 },
	{ "highest code", { L("559 no") }, 1, FEED_DONE, REPLY_OK, 559, 1, 0,
	  0, NULL, 0 },
	BAD("code 2x0", REPLY_ERR_CODE, L("2x0 hi")),
	BAD("code 600", REPLY_ERR_CODE, L("600 hi")),
	BAD("code 099", REPLY_ERR_CODE, L("099 hi")),
	BAD("code 199", REPLY_ERR_CODE, L("199 hi")),
	BAD("code 260 (second digit > 5)", REPLY_ERR_CODE, L("260 hi")),
	BAD("code 590", REPLY_ERR_CODE, L("590 hi")),
	BAD("code 25x", REPLY_ERR_CODE, L("25x hi")),
	BAD("two digits", REPLY_ERR_CODE, L("25")),
	BAD("empty line", REPLY_ERR_CODE, L("")),
	BAD("leading space", REPLY_ERR_CODE, L(" 250 ok")),
	BAD("signed code", REPLY_ERR_CODE, L("+25 ok")),
	BAD("mixed codes", REPLY_ERR_MIXED, L("250-a"), L("251 b")),
	BAD("mixed codes later", REPLY_ERR_MIXED, L("250-a"), L("250-b"),
	    L("550 c")),
	BAD("bad separator", REPLY_ERR_SEP, L("250x")),
	BAD("tab separator", REPLY_ERR_SEP, L("250\tok")),
	BAD("four digits", REPLY_ERR_SEP, L("2500 ok")),
	BAD("bad code on continuation", REPLY_ERR_CODE, L("250-a"), L("25")),
	BAD("line after the last", REPLY_ERR_LINES, L("250 a"), L("250 b")),
};

static void
test_reply_table(void **state)
{
	size_t	 i, k;

	(void)state;
	for (i = 0; i < NELEM(reply_cases); i++) {
		const struct reply_case *c = &reply_cases[i];
		struct smtp_reply	 r;
		enum feed_result	 res = FEED_MORE;

		smtp_reply_init(&r);
		for (k = 0; k < MAXL && c->lines[k].s != NULL; k++) {
			unsigned char *s = dup_exact(c->lines[k].s,
			    c->lines[k].len);

			res = smtp_reply_feed(&r, (const char *)s,
			    c->lines[k].len, c->crlf);
			free(s);
			/* Only the last line may end the reply. */
			if (k + 1 < MAXL && c->lines[k + 1].s != NULL &&
			    c->result != FEED_BAD)
				CHECK(c->name, res == FEED_MORE);
		}
		CHECK(c->name, res == c->result);
		CHECK(c->name, r.error == c->error);
		if (c->result == FEED_BAD) {
			CHECK(c->name, r.error != REPLY_OK);
			CHECK(c->name, strcmp(smtp_reply_error_str(r.error),
			    "unknown") != 0);
		} else {
			CHECK(c->name, r.code == c->code);
			CHECK(c->name, r.nlines == c->nlines);
			CHECK(c->name, r.complete == (c->result == FEED_DONE));
			CHECK(c->name, (r.flags & c->flags_set) ==
			    c->flags_set);
			if (c->flags_clear != ~0u)
				CHECK(c->name, (r.flags & c->flags_clear) == 0);
			if (c->text != NULL) {
				CHECK(c->name, r.text.len == c->textlen);
				CHECK(c->name, memcmp(buf_str(&r.text),
				    c->text, c->textlen) == 0);
			}
		}
		smtp_reply_free(&r);
	}
}

/* A reply that errs stays in error: nothing fed later is accepted. */
static void
test_reply_error_sticks(void **state)
{
	struct smtp_reply	 r;

	(void)state;
	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, "250-a", 5, 1), FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "25", 2, 1), FEED_BAD);
	assert_int_equal(r.error, REPLY_ERR_CODE);
	assert_int_equal(smtp_reply_feed(&r, "250 b", 5, 1), FEED_BAD);
	assert_int_equal(r.error, REPLY_ERR_CODE);
	smtp_reply_free(&r);
	/* smtp_reply_free accepts NULL and a freed reply. */
	smtp_reply_free(NULL);
	smtp_reply_free(&r);
}

static void
test_reply_line_limit(void **state)
{
	struct smtp_reply	 r;
	int			 i;

	(void)state;
	/* SMTP_REPLY_LINES_MAX lines in all are accepted ... */
	smtp_reply_init(&r);
	for (i = 0; i < SMTP_REPLY_LINES_MAX - 1; i++)
		assert_int_equal(smtp_reply_feed(&r, "250-x", 5, 1),
		    FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250 x", 5, 1), FEED_DONE);
	assert_int_equal(r.nlines, SMTP_REPLY_LINES_MAX);
	smtp_reply_free(&r);

	/* ... one more is not. */
	smtp_reply_init(&r);
	for (i = 0; i < SMTP_REPLY_LINES_MAX; i++)
		assert_int_equal(smtp_reply_feed(&r, "250-x", 5, 1),
		    FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250 x", 5, 1), FEED_BAD);
	assert_int_equal(r.error, REPLY_ERR_LINES);
	assert_int_equal(r.nlines, SMTP_REPLY_LINES_MAX);
	assert_false(r.complete);
	smtp_reply_free(&r);
}

static void
test_reply_byte_limit(void **state)
{
	struct smtp_reply	 r;
	char			*line;
	size_t			 n = 4 + SMTP_REPLY_BYTES_MAX + 1;
	int			 i, res = FEED_MORE;

	(void)state;
	line = malloc(n);
	assert_non_null(line);
	memcpy(line, "250 ", 4);
	memset(line + 4, 'a', n - 4);

	/* Exactly SMTP_REPLY_BYTES_MAX bytes of text fit. */
	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, line, n - 1, 1), FEED_DONE);
	assert_int_equal(r.text.len, SMTP_REPLY_BYTES_MAX);
	smtp_reply_free(&r);

	/* One more does not. */
	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, line, n, 1), FEED_BAD);
	assert_int_equal(r.error, REPLY_ERR_BYTES);
	assert_true(r.text.len <= SMTP_REPLY_BYTES_MAX);
	smtp_reply_free(&r);

	/* Many lines of SMTP_LINE_MAX bytes hit the byte cap, not memory. */
	line[3] = '-';
	smtp_reply_init(&r);
	for (i = 0; i < SMTP_REPLY_LINES_MAX && res == FEED_MORE; i++)
		res = smtp_reply_feed(&r, line, SMTP_LINE_MAX, 1);
	assert_int_equal(res, FEED_BAD);
	assert_int_equal(r.error, REPLY_ERR_BYTES);
	assert_true(r.text.len <= SMTP_REPLY_BYTES_MAX);
	assert_true(i < SMTP_REPLY_LINES_MAX);
	smtp_reply_free(&r);
	free(line);
}

static const char valid_multi[] =
    "250-mx.example.com Hello client.example.net [192.0.2.1]\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 52428800\r\n"
    "250-8BITMIME\r\n"
    "250-STARTTLS\r\n"
    "250 SMTPUTF8\r\n";

/*
 * Feed the complete lines of the first k bytes, then the truncated rest as
 * if the connection had closed mid-line. Returns the last feed result.
 */
static enum feed_result
feed_prefix(struct smtp_reply *r, const char *s, size_t k, int with_tail)
{
	enum feed_result	 res = FEED_MORE;
	size_t			 start = 0, i, len;
	unsigned char		*copy;

	for (i = 0; i < k; i++) {
		if (s[i] != '\n')
			continue;
		len = i - start;
		if (len > 0 && s[i - 1] == '\r')
			len--;
		copy = dup_exact(s + start, len);
		res = smtp_reply_feed(r, (const char *)copy, len,
		    len < i - start);
		free(copy);
		start = i + 1;
		if (res != FEED_MORE)
			return res;
	}
	if (with_tail && start < k) {
		copy = dup_exact(s + start, k - start);
		res = smtp_reply_feed(r, (const char *)copy, k - start, 1);
		free(copy);
	}
	return res;
}

static void
test_reply_prefixes(void **state)
{
	size_t	 n = sizeof(valid_multi) - 1, k;

	(void)state;
	for (k = 0; k <= n; k++) {
		struct smtp_reply	 r;
		enum feed_result	 res;
		char			 name[32];

		snprintf(name, sizeof(name), "prefix %zu", k);
		/* Complete lines only: incomplete until the final line. */
		smtp_reply_init(&r);
		res = feed_prefix(&r, valid_multi, k, 0);
		if (k == n) {
			CHECK(name, res == FEED_DONE);
			CHECK(name, r.nlines == 6 && r.code == 250);
		} else {
			CHECK(name, res == FEED_MORE);
			CHECK(name, !r.complete && r.error == REPLY_OK);
		}
		smtp_reply_free(&r);

		/* With the cut line: incomplete, done or a clean error. */
		smtp_reply_init(&r);
		res = feed_prefix(&r, valid_multi, k, 1);
		if (res == FEED_BAD)
			CHECK(name, r.error == REPLY_ERR_CODE ||
			    r.error == REPLY_ERR_SEP);
		else {
			CHECK(name, r.error == REPLY_OK);
			CHECK(name, r.complete == (res == FEED_DONE));
			CHECK(name, r.code == 0 || r.code == 250);
			CHECK(name, r.text.len <= k);
		}
		smtp_reply_free(&r);
	}
}

static void
test_reply_line(void **state)
{
	struct smtp_reply	 r;
	const char		*p;
	size_t			 len = 99;

	(void)state;
	smtp_reply_init(&r);
	/* An empty reply has one empty line 0 and nothing after. */
	p = smtp_reply_line(&r, 0, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_null(smtp_reply_line(&r, 1, &len));

	assert_int_equal(smtp_reply_feed(&r, "250-first", 9, 1), FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250-", 4, 1), FEED_MORE);
	assert_int_equal(smtp_reply_feed(&r, "250 third line", 14, 1),
	    FEED_DONE);
	p = smtp_reply_line(&r, 0, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "first", 5);
	p = smtp_reply_line(&r, 1, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	p = smtp_reply_line(&r, 2, &len);
	assert_non_null(p);
	assert_int_equal(len, 10);
	assert_memory_equal(p, "third line", 10);
	assert_null(smtp_reply_line(&r, 3, &len));
	assert_null(smtp_reply_line(&r, 1000, &len));
	smtp_reply_free(&r);
}

/* Parse an EHLO reply given as lines without codes. */
static void
ehlo_from(struct ehlo_info *e, const char *const *lines, size_t n)
{
	struct smtp_reply	 r;
	struct buf		 b;
	size_t			 i;

	smtp_reply_init(&r);
	for (i = 0; i < n; i++) {
		buf_init(&b, 4096);
		assert_int_equal(buf_addf(&b, "250%c%s", i + 1 == n ? ' ' : '-',
		    lines[i]), 0);
		assert_int_equal(smtp_reply_feed(&r, buf_str(&b), b.len, 1),
		    i + 1 == n ? FEED_DONE : FEED_MORE);
		buf_free(&b);
	}
	memset(e, 0, sizeof(*e));
	ehlo_parse(e, &r);
	smtp_reply_free(&r);
}

static void
test_ehlo_flags(void **state)
{
	static const char *const lines[] = {
		"mx.example.com Hello client.example.net [192.0.2.1]",
		"PIPELINING", "SIZE 52428800", "8BITMIME", "STARTTLS",
		"ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "DSN",
		"AUTH PLAIN LOGIN", "ETRN", "VRFY", "BINARYMIME",
		"DELIVERBY 300", "REQUIRETLS", "X-UNKNOWN-THING foo",
	};
	struct ehlo_info	 e;
	unsigned		 all = EXT_STARTTLS | EXT_PIPELINING |
				    EXT_SIZE | EXT_8BITMIME | EXT_SMTPUTF8 |
				    EXT_CHUNKING | EXT_REQUIRETLS | EXT_AUTH |
				    EXT_DSN | EXT_ENHANCEDSTATUSCODES |
				    EXT_BINARYMIME | EXT_DELIVERBY | EXT_ETRN |
				    EXT_VRFY;
	unsigned		 f;

	(void)state;
	ehlo_from(&e, lines, NELEM(lines));
	assert_true(e.present);
	assert_int_equal(e.flags, all);
	assert_int_equal(e.size, 52428800);
	assert_string_equal(e.auth, "PLAIN LOGIN");
	assert_string_equal(e.stripped, "");
	assert_int_equal(e.nkw, (int)NELEM(lines) - 1);
	assert_int_equal(e.nkw_total, (int)NELEM(lines) - 1);
	assert_string_equal(e.kw[0], "PIPELINING");
	assert_string_equal(e.kw[e.nkw - 1], "X-UNKNOWN-THING foo");
	ehlo_free(&e);
	assert_int_equal(e.nkw, 0);
	assert_int_equal(e.size, -1);

	/* Every flag has a name, and the names round-trip. */
	for (f = 1; f <= EXT_VRFY; f <<= 1)
		assert_string_not_equal(ehlo_flag_name(f), "?");
	assert_string_equal(ehlo_flag_name(EXT_STARTTLS), "STARTTLS");
	assert_string_equal(ehlo_flag_name(1u << 30), "?");
}

struct size_case {
	const char	*line;
	long long	 size;
};

static void
test_ehlo_size(void **state)
{
	static const struct size_case cases[] = {
		{ "SIZE 10240000", 10240000 },
		{ "SIZE 0", 0 },
		{ "SIZE", -1 },
		{ "SIZE ", -1 },
		{ "SIZE abc", -1 },
		{ "SIZE 12abc", -1 },
		{ "SIZE -1", -1 },
		{ "SIZE 1 2", -1 },
		{ "SIZE 99999999999999999999", -1 },
		/* 19 digits: fits the length check, not a long long. */
		{ "SIZE 9999999999999999999", -1 },
		{ "SIZE 9007199254740993", -1 },	/* 2^53 + 1 */
		{ "size 2048", 2048 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const char *lines[] = { "mx.example.com", cases[i].line };
		struct ehlo_info e;

		ehlo_from(&e, lines, 2);
		CHECK(cases[i].line, e.flags == EXT_SIZE);
		CHECK(cases[i].line, e.size == cases[i].size);
		ehlo_free(&e);
	}
}

/* Every space-separated AUTH mechanism must be one of the advertised. */
static int
auth_tokens_ok(const char *auth, const char *const *allowed, size_t n)
{
	char	 tmp[256];
	char	*p = tmp, *sp;
	size_t	 i;
	int	 found;

	if (strlen(auth) >= sizeof(tmp))
		return 0;
	memcpy(tmp, auth, strlen(auth) + 1);
	while (*p != '\0') {
		if ((sp = strchr(p, ' ')) != NULL)
			*sp = '\0';
		for (found = 0, i = 0; i < n; i++)
			found |= strcmp(p, allowed[i]) == 0;
		if (!found)
			return 0;
		if (sp == NULL)
			break;
		p = sp + 1;
	}
	return 1;
}

static void
test_ehlo_auth(void **state)
{
	static const char *const mech[] = { "PLAIN", "LOGIN", "CRAM-MD5" };
	const char		*a[] = { "mx.example.com", "AUTH=LOGIN" };
	const char		*b[] = { "mx.example.com",
				    "AUTH  PLAIN   LOGIN  " };
	const char		*c[] = { "mx.example.com",
				    "auth PLAIN\x01LOGIN" };
	/* Postfix with broken_sasl_auth_clients sends both forms. */
	const char		*d[] = { "mx.example.com", "AUTH PLAIN LOGIN",
				    "AUTH=PLAIN LOGIN" };
	const char		*e2[] = { "mx.example.com", "AUTH" };
	struct ehlo_info	 e;
	char			 got[sizeof(e.auth)];

	(void)state;
	ehlo_from(&e, a, NELEM(a));
	assert_int_equal(e.flags, EXT_AUTH);
	assert_string_equal(e.auth, "LOGIN");
	ehlo_free(&e);

	ehlo_from(&e, b, NELEM(b));
	assert_string_equal(e.auth, "PLAIN LOGIN");
	ehlo_free(&e);

	/* Control bytes are dropped from the mechanism list. */
	ehlo_from(&e, c, NELEM(c));
	assert_int_equal(e.flags, EXT_AUTH);
	assert_null(strchr(e.auth, '\x01'));
	ehlo_free(&e);

	/* Two AUTH lines: mechanisms stay separate words. */
	ehlo_from(&e, d, NELEM(d));
	memcpy(got, e.auth, sizeof(got));
	ehlo_free(&e);
	if (!auth_tokens_ok(got, mech, NELEM(mech)))
		fail_msg("AUTH from two lines ran together: '%s'", got);

	ehlo_from(&e, e2, NELEM(e2));
	assert_int_equal(e.flags, EXT_AUTH);
	assert_string_equal(e.auth, "");
	ehlo_free(&e);
}

static void
test_ehlo_auth_long(void **state)
{
	const char		*lines[] = { "mx.example.com", NULL };
	char			 line[2048];
	struct ehlo_info	 e;
	size_t			 i;

	(void)state;
	memcpy(line, "AUTH ", 5);
	for (i = 5; i + 1 < sizeof(line); i++)
		line[i] = (i % 7 == 0) ? ' ' : 'A';
	line[sizeof(line) - 1] = '\0';
	lines[1] = line;
	ehlo_from(&e, lines, 2);
	assert_true(strlen(e.auth) < sizeof(e.auth));
	assert_true(strlen(e.auth) > 200);
	ehlo_free(&e);
}

static void
test_ehlo_case(void **state)
{
	const char		*lines[] = { "mx.example.com", "starttls",
				    "Pipelining", "sMtPuTf8", "8bitmime" };
	struct ehlo_info	 e;

	(void)state;
	ehlo_from(&e, lines, NELEM(lines));
	assert_int_equal(e.flags, EXT_STARTTLS | EXT_PIPELINING |
	    EXT_SMTPUTF8 | EXT_8BITMIME);
	ehlo_free(&e);
}

/* A keyword only counts as a whole word: no prefixes, no suffixes. */
static void
test_ehlo_whole_keyword(void **state)
{
	const char		*lines[] = { "mx.example.com", "STARTTLSX",
				    "STARTTL", "XSTARTTLS", "START TLS" };
	struct ehlo_info	 e;

	(void)state;
	ehlo_from(&e, lines, NELEM(lines));
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.nkw_total, 4);
	ehlo_free(&e);
}

static void
test_ehlo_stripped(void **state)
{
	const char		*a[] = { "mx.example.com", "PIPELINING",
				    "XXXXXXXA", "8BITMIME" };
	const char		*b[] = { "mx.example.com", "XXXXXXXX" };
	const char		*c[] = { "mx.example.com", "XXXXXXXA",
				    "XXXXXXXX" };
	struct ehlo_info	 e;

	(void)state;
	ehlo_from(&e, a, NELEM(a));
	assert_string_equal(e.stripped, "XXXXXXXA");
	assert_false(e.flags & EXT_STARTTLS);
	assert_true(e.flags & EXT_8BITMIME);
	ehlo_free(&e);

	ehlo_from(&e, b, NELEM(b));
	assert_string_equal(e.stripped, "XXXXXXXX");
	ehlo_free(&e);

	/* The first one wins. */
	ehlo_from(&e, c, NELEM(c));
	assert_string_equal(e.stripped, "XXXXXXXA");
	ehlo_free(&e);
}

struct strip_case {
	const char	*kw;
	int		 stripped;
};

static void
test_ehlo_keyword_stripped(void **state)
{
	static const struct strip_case cases[] = {
		{ "XXXXXXXA", 1 },
		{ "XXXXXXXX", 1 },
		{ "xxxxxxxa", 1 },
		{ "8BITMIME", 0 },
		{ "STARTTLS", 0 },
		{ "SMTPUTF8", 0 },
		{ "CHUNKING", 0 },
		{ "XFORWARD", 0 },
		{ "XCLIENT", 0 },
		{ "XXXXXXX", 0 },
		{ "XXXXXXXXX", 0 },
		{ "XXXXXAAA", 0 },
		{ "", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		CHECK(cases[i].kw, ehlo_keyword_stripped(cases[i].kw,
		    strlen(cases[i].kw)) == cases[i].stripped);
	/* The length is what counts, not the terminator. */
	assert_int_equal(ehlo_keyword_stripped("XXXXXXXA PIPELINING", 8), 1);
}

static void
test_ehlo_keyword_cap(void **state)
{
	struct smtp_reply	 r;
	struct ehlo_info	 e;
	char			 line[64];
	int			 i, n = EHLO_KEYWORDS_MAX + 36;

	(void)state;
	smtp_reply_init(&r);
	assert_int_equal(smtp_reply_feed(&r, "250-mx.example.com", 18, 1),
	    FEED_MORE);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "250%cX-KW%d", i + 1 == n ? ' ' :
		    '-', i);
		smtp_reply_feed(&r, line, strlen(line), 1);
	}
	assert_true(r.complete);
	memset(&e, 0, sizeof(e));
	ehlo_parse(&e, &r);
	assert_int_equal(e.nkw, EHLO_KEYWORDS_MAX);
	assert_int_equal(e.nkw_total, n);
	assert_string_equal(e.kw[0], "X-KW0");
	assert_string_equal(e.kw[EHLO_KEYWORDS_MAX - 1], "X-KW63");

	/* Parsing again into the same struct frees what it held. */
	ehlo_parse(&e, &r);
	assert_int_equal(e.nkw, EHLO_KEYWORDS_MAX);
	ehlo_free(&e);
	smtp_reply_free(&r);

	/* Keywords past the cap are still recognised. */
	smtp_reply_init(&r);
	smtp_reply_feed(&r, "250-mx.example.com", 18, 1);
	for (i = 0; i < EHLO_KEYWORDS_MAX + 5; i++) {
		snprintf(line, sizeof(line), "250-X-KW%d", i);
		smtp_reply_feed(&r, line, strlen(line), 1);
	}
	assert_int_equal(smtp_reply_feed(&r, "250 STARTTLS", 12, 1), FEED_DONE);
	memset(&e, 0, sizeof(e));
	ehlo_parse(&e, &r);
	assert_true(e.flags & EXT_STARTTLS);
	assert_int_equal(e.nkw_total, EHLO_KEYWORDS_MAX + 6);
	ehlo_free(&e);
	smtp_reply_free(&r);
}

static void
test_ehlo_long_keyword(void **state)
{
	const char		*lines[] = { "mx.example.com", NULL };
	char			 line[1024];
	struct ehlo_info	 e;

	(void)state;
	memset(line, 'K', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	lines[1] = line;
	ehlo_from(&e, lines, 2);
	assert_int_equal(e.nkw, 1);
	assert_true(strlen(e.kw[0]) <= EHLO_KEYWORD_LEN);
	assert_string_equal(e.stripped, "");
	ehlo_free(&e);
}

static void
test_ehlo_first_line_only(void **state)
{
	const char		*a[] = { "mx.example.com ESMTP STARTTLS" };
	/* The first line is the server's name, even if it looks like one. */
	const char		*b[] = { "STARTTLS", "PIPELINING" };
	struct ehlo_info	 e;

	(void)state;
	ehlo_from(&e, a, NELEM(a));
	assert_true(e.present);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.nkw, 0);
	assert_int_equal(e.nkw_total, 0);
	assert_int_equal(e.size, -1);
	ehlo_free(&e);

	ehlo_from(&e, b, NELEM(b));
	assert_int_equal(e.flags, EXT_PIPELINING);
	assert_int_equal(e.nkw_total, 1);
	ehlo_free(&e);
}

/* Empty continuation lines are not keywords. */
static void
test_ehlo_empty_lines(void **state)
{
	struct smtp_reply	 r;
	struct ehlo_info	 e;

	(void)state;
	smtp_reply_init(&r);
	smtp_reply_feed(&r, "250-mx.example.com", 18, 1);
	smtp_reply_feed(&r, "250-", 4, 1);
	smtp_reply_feed(&r, "250-STARTTLS", 12, 1);
	assert_int_equal(smtp_reply_feed(&r, "250", 3, 1), FEED_DONE);
	memset(&e, 0, sizeof(e));
	ehlo_parse(&e, &r);
	assert_int_equal(e.flags, EXT_STARTTLS);
	assert_int_equal(e.nkw_total, 1);
	ehlo_free(&e);
	smtp_reply_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_table),
		cmocka_unit_test(test_reply_error_sticks),
		cmocka_unit_test(test_reply_line_limit),
		cmocka_unit_test(test_reply_byte_limit),
		cmocka_unit_test(test_reply_prefixes),
		cmocka_unit_test(test_reply_line),
		cmocka_unit_test(test_ehlo_flags),
		cmocka_unit_test(test_ehlo_size),
		cmocka_unit_test(test_ehlo_auth),
		cmocka_unit_test(test_ehlo_auth_long),
		cmocka_unit_test(test_ehlo_case),
		cmocka_unit_test(test_ehlo_whole_keyword),
		cmocka_unit_test(test_ehlo_stripped),
		cmocka_unit_test(test_ehlo_keyword_stripped),
		cmocka_unit_test(test_ehlo_keyword_cap),
		cmocka_unit_test(test_ehlo_long_keyword),
		cmocka_unit_test(test_ehlo_first_line_only),
		cmocka_unit_test(test_ehlo_empty_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
