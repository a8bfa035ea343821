/* SMTP reply and EHLO keyword parsing: pure, bounded, fuzzed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp_parse.h"

void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, SMTP_REPLY_BYTES_MAX);
}

void
smtp_reply_free(struct smtp_reply *r)
{
	if (r == NULL)
		return;
	buf_free(&r->text);
	memset(r, 0, sizeof(*r));
}

const char *
smtp_reply_error_str(enum reply_error e)
{
	switch (e) {
	case REPLY_OK:
		return "ok";
	case REPLY_ERR_CODE:
		return "reply code is not three digits in range 200-559";
	case REPLY_ERR_SEP:
		return "reply code not followed by space or '-'";
	case REPLY_ERR_MIXED:
		return "reply code changed between lines of one reply";
	case REPLY_ERR_LINES:
		return "reply has too many lines";
	case REPLY_ERR_BYTES:
		return "reply is too long";
	}
	return "unknown";
}

static enum feed_result
reply_bad(struct smtp_reply *r, enum reply_error e)
{
	r->error = e;
	return FEED_BAD;
}

/* RFC 5321 §4.2: first digit 2-5, second 0-5, third 0-9. */
static int
parse_code(const char *s, size_t len)
{
	if (len < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' ||
	    s[1] > '5' || s[2] < '0' || s[2] > '9')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static void
note_bytes(struct smtp_reply *r, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			r->flags |= REPLY_NUL;
		else if (c >= 0x80)
			r->flags |= REPLY_8BIT;
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			r->flags |= REPLY_CTRL;
	}
}

enum feed_result
smtp_reply_feed(struct smtp_reply *r, const char *s, size_t len, int crlf)
{
	int	 code, last;

	if (r->complete || r->error)
		return reply_bad(r, r->error ? r->error : REPLY_ERR_LINES);
	if ((code = parse_code(s, len)) == -1)
		return reply_bad(r, REPLY_ERR_CODE);
	if (r->code != 0 && code != r->code)
		return reply_bad(r, REPLY_ERR_MIXED);
	if (len > 3 && s[3] != ' ' && s[3] != '-')
		return reply_bad(r, REPLY_ERR_SEP);
	if (r->nlines >= SMTP_REPLY_LINES_MAX)
		return reply_bad(r, REPLY_ERR_LINES);
	r->code = code;
	last = (len == 3 || s[3] == ' ');
	if (len == 3)
		r->flags |= REPLY_NO_TEXT;
	if (!crlf)
		r->flags |= REPLY_BARE_LF;
	note_bytes(r, s + 3, len - 3);
	if ((r->nlines > 0 && buf_add(&r->text, "\n", 1) == -1) ||
	    buf_add(&r->text, s + (len > 3 ? 4 : 3), len > 3 ? len - 4 : 0) ==
	    -1)
		return reply_bad(r, REPLY_ERR_BYTES);
	r->nlines++;
	if (last) {
		r->complete = 1;
		return FEED_DONE;
	}
	return FEED_MORE;
}

const char *
smtp_reply_line(const struct smtp_reply *r, int n, size_t *len)
{
	const char	*p = buf_str(&r->text), *end = p + r->text.len, *nl;

	while (n-- > 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = nl ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

static const struct {
	const char	*name;
	unsigned	 flag;
} ehlo_keywords[] = {
	{ "STARTTLS", EXT_STARTTLS },
	{ "PIPELINING", EXT_PIPELINING },
	{ "SIZE", EXT_SIZE },
	{ "8BITMIME", EXT_8BITMIME },
	{ "SMTPUTF8", EXT_SMTPUTF8 },
	{ "CHUNKING", EXT_CHUNKING },
	{ "REQUIRETLS", EXT_REQUIRETLS },
	{ "AUTH", EXT_AUTH },
	{ "DSN", EXT_DSN },
	{ "ENHANCEDSTATUSCODES", EXT_ENHANCEDSTATUSCODES },
	{ "BINARYMIME", EXT_BINARYMIME },
	{ "DELIVERBY", EXT_DELIVERBY },
	{ "ETRN", EXT_ETRN },
	{ "VRFY", EXT_VRFY },
};

const char *
ehlo_flag_name(unsigned flag)
{
	size_t	 i;

	for (i = 0; i < sizeof(ehlo_keywords) / sizeof(ehlo_keywords[0]); i++)
		if (ehlo_keywords[i].flag == flag)
			return ehlo_keywords[i].name;
	return "?";
}

/*
 * Cisco PIX/ASA "ESMTP inspection" and similar middleboxes overwrite the
 * STARTTLS keyword in place with X's (XXXXXXXA, XXXXXXXX) so that senders
 * fall back to plaintext. Same length, mostly X.
 */
int
ehlo_keyword_stripped(const char *kw, size_t len)
{
	size_t	 i, x = 0;

	if (len != 8)
		return 0;
	for (i = 0; i < len; i++)
		if (kw[i] == 'X' || kw[i] == 'x')
			x++;
	return x >= 6;
}

/* Space-separated AUTH mechanisms; also the old "AUTH=" form. */
static void
parse_auth(struct ehlo_info *e, const char *p, size_t len)
{
	size_t	 i, have = strlen(e->auth);

	/* A second AUTH line: keep its mechanisms separate words. */
	if (have > 0 && have + 2 < sizeof(e->auth))
		e->auth[have++] = ' ';
	for (i = 0; i < len && have + 2 < sizeof(e->auth); i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' && (have == 0 || e->auth[have - 1] == ' '))
			continue;
		if (c != ' ' && (c < 0x21 || c > 0x7e))
			continue;
		e->auth[have++] = (char)c;
	}
	while (have > 0 && e->auth[have - 1] == ' ')
		have--;
	e->auth[have] = '\0';
}

static void
parse_keyword_line(struct ehlo_info *e, const char *p, size_t len)
{
	size_t		 kwlen, i;
	long long	 v;

	for (kwlen = 0; kwlen < len && p[kwlen] != ' ' && p[kwlen] != '='; kwlen++)
		;
	e->nkw_total++;
	if (e->nkw < EHLO_KEYWORDS_MAX)
		e->kw[e->nkw++] = xstrndup(p, len < EHLO_KEYWORD_LEN ? len :
		    EHLO_KEYWORD_LEN);
	for (i = 0; i < sizeof(ehlo_keywords) / sizeof(ehlo_keywords[0]); i++) {
		const char *name = ehlo_keywords[i].name;

		if (strlen(name) != kwlen || strncasecmp(name, p, kwlen) != 0)
			continue;
		e->flags |= ehlo_keywords[i].flag;
		if (ehlo_keywords[i].flag == EXT_AUTH && kwlen < len)
			parse_auth(e, p + kwlen + 1, len - kwlen - 1);
		if (ehlo_keywords[i].flag == EXT_SIZE && kwlen + 1 < len &&
		    parse_num(p + kwlen + 1, len - kwlen - 1, 0,
		    (long long)1 << 53, &v) == 0)
			e->size = v;
		return;
	}
	if (ehlo_keyword_stripped(p, kwlen) && e->stripped[0] == '\0') {
		memcpy(e->stripped, p, kwlen);
		e->stripped[kwlen] = '\0';
	}
}

/* RFC 5321 §4.1.1.1: the first line is the domain, each later one a keyword. */
void
ehlo_parse(struct ehlo_info *e, const struct smtp_reply *r)
{
	const char	*p = buf_str(&r->text), *end = p + r->text.len, *nl;
	int		 first = 1;

	ehlo_free(e);
	e->present = 1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (!first && nl > p)
			parse_keyword_line(e, p, (size_t)(nl - p));
		first = 0;
		p = nl + 1;
	}
}

void
ehlo_free(struct ehlo_info *e)
{
	int	 i;

	for (i = 0; i < e->nkw; i++)
		free(e->kw[i]);
	memset(e, 0, sizeof(*e));
	e->size = -1;
}
