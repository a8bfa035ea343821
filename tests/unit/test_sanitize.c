/* Unit tests: making server bytes safe for terminals and JSON (sanitize.c). */
#include <stdio.h>

#include "unit.h"

#include "buf.h"
#include "sanitize.h"

struct san_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*out;
};

#define S(x)	(x), sizeof(x) - 1

static const struct san_case text_cases[] = {
	{ "plain", S("220 mx.example.com ESMTP"), "220 mx.example.com ESMTP" },
	{ "empty", S(""), "" },
	{ "ESC", S("\x1b"), "\\x1b" },
	{ "CSI colour", S("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m" },
	{ "OSC title", S("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07" },
	{ "clear screen", S("\x1b[2J\x1b[H"), "\\x1b[2J\\x1b[H" },
	{ "NUL", S("a\0b"), "a\\x00b" },
	{ "DEL", S("a\x7f"), "a\\x7f" },
	{ "CR", S("a\rb"), "a\\x0db" },
	{ "LF", S("a\nb"), "a\\x0ab" },
	{ "TAB", S("a\tb"), "a\\x09b" },
	{ "backspace", S("ok\b\bno"), "ok\\x08\\x08no" },
	{ "C1 NEL as UTF-8", S("\xc2\x85"), "\\u{85}" },
	{ "C1 CSI as UTF-8", S("\xc2\x9b" "31m"), "\\u{9b}31m" },
	{ "C1 CSI raw byte", S("\x9b" "31m"), "\\x9b31m" },
	{ "bidi RLO", S("abc\xe2\x80\xae" "def"), "abc\\u{202e}def" },
	{ "bidi LRI", S("\xe2\x81\xa6"), "\\u{2066}" },
	{ "zero width space", S("\xe2\x80\x8b"), "\\u{200b}" },
	{ "BOM", S("\xef\xbb\xbf"), "\\u{feff}" },
	{ "invalid byte", S("\xff"), "\\xff" },
	{ "invalid bytes", S("a\xfe\xff" "b"), "a\\xfe\\xffb" },
	{ "lone continuation", S("\x80"), "\\x80" },
	{ "truncated 2-byte", S("\xc3"), "\\xc3" },
	{ "broken 2-byte", S("\xc3("), "\\xc3(" },
	{ "truncated 3-byte", S("\xe6\x97"), "\\xe6\\x97" },
	{ "overlong slash 2", S("\xc0\xaf"), "\\xc0\\xaf" },
	{ "overlong slash 3", S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf" },
	{ "overlong slash 4", S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf" },
	{ "overlong NUL", S("\xc0\x80"), "\\xc0\\x80" },
	{ "overlong ESC", S("\xc0\x9b"), "\\xc0\\x9b" },
	{ "surrogate high", S("\xed\xa0\x80"), "\\xed\\xa0\\x80" },
	{ "surrogate low", S("\xed\xbf\xbf"), "\\xed\\xbf\\xbf" },
	{ "past U+10FFFF", S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80" },
	{ "5-byte lead", S("\xf8\x88\x80\x80\x80"),
	  "\\xf8\\x88\\x80\\x80\\x80" },
	{ "e acute", S("caf\xc3\xa9"), "caf\xc3\xa9" },
	{ "nihon", S("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "emoji", S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	{ "U+10FFFF", S("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf" },
	{ "backslash", S("a\\b"), "a\\b" },
	{ "escape lookalike", S("\\x1b"), "\\x1b" },
	{ "script", S("<script>alert(1)</script>"),
	  "<script>alert(1)</script>" },
	{ "quotes", S("\"'&"), "\"'&" },
	{ "mixed", S("\x1b[31m<script>\xff"), "\\x1b[31m<script>\\xff" },
};

static void
test_sanitize_text_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(text_cases); i++) {
		const struct san_case *c = &text_cases[i];
		unsigned char *in = dup_exact(c->in, c->len);
		struct buf b;
		char *d;

		buf_init(&b, 4096);
		CHECK(c->name, sanitize_text(&b, (const char *)in, c->len) ==
		    0);
		if (strcmp(buf_str(&b), c->out) != 0)
			fail_msg("case '%s': got '%s' want '%s'", c->name,
			    buf_str(&b), c->out);
		buf_free(&b);

		d = sanitize_text_dup((const char *)in, c->len);
		CHECK(c->name, strcmp(d, c->out) == 0);
		free(d);
		free(in);
	}
}

/* sanitize_text appends, and fails (not truncates silently) at the ceiling. */
static void
test_sanitize_text_buf(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(buf_adds(&b, "greeting: "), 0);
	assert_int_equal(sanitize_text(&b, "\x1bok", 3), 0);
	assert_string_equal(buf_str(&b), "greeting: \\x1bok");
	buf_free(&b);

	buf_init(&b, 3);
	assert_int_equal(sanitize_text(&b, "\x1b", 1), -1);
	assert_true(b.len <= 3);
	buf_free(&b);
}

/* The worst case, every byte escaped, fits sanitize_text_dup's ceiling. */
static void
test_sanitize_text_dup_worst(void **state)
{
	static const char *const units[] = { "\x1b", "\\", "\xff", "\x80",
	    "\xc2\x85", "\xe2\x80\xae", "\xef\xbb\xbf", "\xc0\xaf" };
	char	 in[3000];
	size_t	 i, n;
	char	*d;

	(void)state;
	for (i = 0; i < NELEM(units); i++) {
		n = 0;
		while (n + 3 < sizeof(in)) {
			memcpy(in + n, units[i], strlen(units[i]));
			n += strlen(units[i]);
		}
		d = sanitize_text_dup(in, n);
		CHECK(units[i], strcmp(d, "?") != 0);
		CHECK(units[i], strlen(d) >= n);
		CHECK(units[i], unit_utf8_ok(d, strlen(d), 1, 0));
		free(d);
	}
	d = sanitize_text_dup("", 0);
	assert_string_equal(d, "");
	free(d);
}

/* Whatever comes in, the terminal form is clean UTF-8 with no controls. */
static void
test_sanitize_text_exhaustive(void **state)
{
	unsigned char	 in[4];
	unsigned	 a, b;
	unsigned long	 seed = 12345;
	char		*d;
	int		 i, k;

	(void)state;
	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			d = sanitize_text_dup((const char *)in, 2);
			if (!unit_utf8_ok(d, strlen(d), 1, 0))
				fail_msg("%02x %02x -> unsafe '%s'", a, b, d);
			free(d);
		}
	}
	/* Random 4-byte strings biased to lead and continuation bytes. */
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			in[k] = (unsigned char)(seed >> 33);
			if (k > 0 && (seed & 1))
				in[k] = 0x80 | (in[k] & 0x3f);
		}
		d = sanitize_text_dup((const char *)in, 4);
		if (!unit_utf8_ok(d, strlen(d), 1, 0))
			fail_msg("%02x %02x %02x %02x -> unsafe", in[0], in[1],
			    in[2], in[3]);
		free(d);
	}
}

static const struct san_case utf8_cases[] = {
	{ "plain", S("hello"), "hello" },
	{ "empty", S(""), "" },
	{ "invalid byte", S("\xff"), "\xef\xbf\xbd" },
	{ "two invalid", S("a\xfe\xff" "b"), "a\xef\xbf\xbd\xef\xbf\xbd" "b" },
	{ "truncated", S("\xe6\x97"), "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "overlong", S("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "surrogate", S("\xed\xa0\x80"),
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "valid kept", S("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80"),
	  "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80" },
	{ "controls kept", S("\x1b[31m\r"), "\x1b[31m\r" },
	{ "NUL kept", S("a\0b"), "a\0b" },
	{ "bidi kept", S("\xe2\x80\xae"), "\xe2\x80\xae" },
};

static void
test_sanitize_utf8_table(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(utf8_cases); i++) {
		const struct san_case *c = &utf8_cases[i];
		unsigned char *in = dup_exact(c->in, c->len);
		size_t outlen = 99999, want;
		char *d;

		/* The expected output may hold a NUL: measure it by case. */
		want = strcmp(c->name, "NUL kept") == 0 ? 3 : strlen(c->out);
		d = sanitize_utf8_dup((const char *)in, c->len, &outlen);
		CHECK(c->name, d != NULL);
		CHECK(c->name, outlen == want);
		CHECK(c->name, memcmp(d, c->out, want) == 0);
		CHECK(c->name, d[outlen] == '\0');
		free(d);
		free(in);
	}
}

static void
test_sanitize_utf8_exhaustive(void **state)
{
	unsigned char	 in[3];
	unsigned	 a, b;
	size_t		 n;
	char		*d;

	(void)state;
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			in[2] = 0xbf;
			d = sanitize_utf8_dup((const char *)in, 3, &n);
			if (!unit_utf8_ok(d, n, 0, 0))
				fail_msg("%02x %02x bf -> invalid UTF-8", a, b);
			free(d);
		}
}

struct seq_case {
	const char	*name;
	const char	*s;
	size_t		 len;
	size_t		 n;
	unsigned long	 cp;
};

static void
test_utf8_seq(void **state)
{
	static const struct seq_case cases[] = {
		{ "ASCII", S("A"), 1, 0x41 },
		{ "NUL", S("\0"), 1, 0 },
		{ "DEL", S("\x7f"), 1, 0x7f },
		{ "empty", S(""), 0, 0 },
		{ "continuation", S("\x80"), 0, 0 },
		{ "C0 lead", S("\xc0\x80"), 0, 0 },
		{ "C1 lead", S("\xc1\xbf"), 0, 0 },
		{ "U+0080", S("\xc2\x80"), 2, 0x80 },
		{ "U+07FF", S("\xdf\xbf"), 2, 0x7ff },
		{ "overlong 3", S("\xe0\x9f\xbf"), 0, 0 },
		{ "U+0800", S("\xe0\xa0\x80"), 3, 0x800 },
		{ "U+D7FF", S("\xed\x9f\xbf"), 3, 0xd7ff },
		{ "U+D800", S("\xed\xa0\x80"), 0, 0 },
		{ "U+DFFF", S("\xed\xbf\xbf"), 0, 0 },
		{ "U+E000", S("\xee\x80\x80"), 3, 0xe000 },
		{ "U+FFFF", S("\xef\xbf\xbf"), 3, 0xffff },
		{ "overlong 4", S("\xf0\x8f\xbf\xbf"), 0, 0 },
		{ "U+10000", S("\xf0\x90\x80\x80"), 4, 0x10000 },
		{ "U+10FFFF", S("\xf4\x8f\xbf\xbf"), 4, 0x10ffff },
		{ "U+110000", S("\xf4\x90\x80\x80"), 0, 0 },
		{ "F5 lead", S("\xf5\x80\x80\x80"), 0, 0 },
		{ "FF", S("\xff"), 0, 0 },
		{ "truncated 2", S("\xc3"), 0, 0 },
		{ "bad continuation", S("\xc3\x28"), 0, 0 },
		{ "truncated 3", S("\xe6\x97"), 0, 0 },
		{ "truncated 4", S("\xf0\x9f\x98"), 0, 0 },
		{ "ASCII then more", S("ab"), 1, 0x61 },
		{ "e acute then more", S("\xc3\xa9z"), 2, 0xe9 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		const struct seq_case *c = &cases[i];
		unsigned char *s = dup_exact(c->s, c->len);
		unsigned long cp = 0xdeadbeef;
		size_t n = utf8_seq(s, c->len, &cp);

		CHECK(c->name, n == c->n);
		if (n > 0)
			CHECK(c->name, cp == c->cp);
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_text_table),
		cmocka_unit_test(test_sanitize_text_buf),
		cmocka_unit_test(test_sanitize_text_dup_worst),
		cmocka_unit_test(test_sanitize_text_exhaustive),
		cmocka_unit_test(test_sanitize_utf8_table),
		cmocka_unit_test(test_sanitize_utf8_exhaustive),
		cmocka_unit_test(test_utf8_seq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
