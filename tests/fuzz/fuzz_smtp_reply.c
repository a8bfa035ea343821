/*
 * libFuzzer target: SMTP replies and EHLO keywords (smtp_parse.c).
 * The input is a server's byte stream: lines split on LF, a CR before the
 * LF stripped as the io layer does. Replies are parsed one after another;
 * each finished or failed reply also goes through ehlo_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_parse.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* What every reply must satisfy, whatever the server sent. */
static void
check_reply(const struct smtp_reply *r)
{
	const char	*line;
	size_t		 len, total = 0;
	int		 i;

	CHECK(r->nlines >= 0 && r->nlines <= SMTP_REPLY_LINES_MAX);
	CHECK(r->text.len <= SMTP_REPLY_BYTES_MAX);
	CHECK(r->code == 0 || (r->code >= 200 && r->code <= 559 &&
	    r->code % 100 / 10 <= 5));
	CHECK(!(r->complete && r->error != REPLY_OK) || r->error ==
	    REPLY_ERR_LINES);
	if (r->error != REPLY_OK)
		return;
	/* Every line can be read back and they add up to the text. */
	for (i = 0; i < r->nlines; i++) {
		line = smtp_reply_line(r, i, &len);
		CHECK(line != NULL);
		CHECK(line >= buf_str(&r->text) && line + len <=
		    buf_str(&r->text) + r->text.len);
		total += len + (i > 0);
	}
	if (r->nlines > 0) {
		CHECK(total == r->text.len);
		CHECK(smtp_reply_line(r, r->nlines, &len) == NULL);
	}
}

static void
check_ehlo(const struct smtp_reply *r)
{
	struct ehlo_info	 e;
	int			 i;

	memset(&e, 0, sizeof(e));
	ehlo_parse(&e, r);
	CHECK(e.present == 1);
	CHECK(e.nkw >= 0 && e.nkw <= EHLO_KEYWORDS_MAX);
	CHECK(e.nkw_total >= e.nkw);
	CHECK(e.nkw_total < r->nlines || e.nkw_total == 0);
	CHECK(memchr(e.auth, '\0', sizeof(e.auth)) != NULL);
	CHECK(memchr(e.stripped, '\0', sizeof(e.stripped)) != NULL);
	CHECK(e.size >= -1);
	for (i = 0; i < e.nkw; i++)
		CHECK(e.kw[i] != NULL && strlen(e.kw[i]) <= EHLO_KEYWORD_LEN);
	/* The mechanisms are printable words. */
	for (i = 0; e.auth[i] != '\0'; i++)
		CHECK(e.auth[i] >= 0x20 && e.auth[i] < 0x7f);
	(void)ehlo_flag_name(e.flags & (0u - e.flags));
	/* Parsing again into the same struct must not leak. */
	ehlo_parse(&e, r);
	ehlo_free(&e);
	CHECK(e.nkw == 0);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*p = (const char *)data, *end = p + size, *nl;
	struct smtp_reply	 r;
	enum feed_result	 res;
	size_t			 len;
	char			*line;
	int			 crlf;

	smtp_reply_init(&r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		crlf = len > 0 && p[len - 1] == '\r';
		if (crlf)
			len--;
		/* An exact-size copy: ASan sees any read past the line. */
		line = malloc(len ? len : 1);
		if (line == NULL)
			abort();
		memcpy(line, p, len);
		(void)ehlo_keyword_stripped(line, len);
		res = smtp_reply_feed(&r, line, len, crlf);
		free(line);
		check_reply(&r);
		if (res != FEED_MORE) {
			CHECK((res == FEED_DONE) == (r.complete &&
			    r.error == REPLY_OK));
			CHECK((res == FEED_BAD) == (r.error != REPLY_OK));
			check_ehlo(&r);
			smtp_reply_free(&r);
			smtp_reply_init(&r);
		}
		p = nl ? nl + 1 : end;
	}
	/* A reply cut short by the end of the stream. */
	check_ehlo(&r);
	smtp_reply_free(&r);
	return 0;
}
