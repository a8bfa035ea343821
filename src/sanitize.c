/* Make server bytes safe for a terminal or for JSON. */
#include <string.h>

#include "buf.h"
#include "sanitize.h"

size_t
utf8_seq(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned long	 c;
	size_t		 n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal could act on or that reorder text. */
static int
cp_dangerous(unsigned long c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

int
sanitize_text(struct buf *b, const char *p, size_t len)
{
	const unsigned char	*s = (const unsigned char *)p;
	unsigned long		 cp;
	size_t			 i = 0, n;
	int			 r = 0;

	while (i < len && r == 0) {
		n = utf8_seq(s + i, len - i, &cp);
		if (n == 0)
			r = buf_addf(b, "\\x%02x", s[i++]);
		else if (cp_dangerous(cp) && n == 1)
			r = buf_addf(b, "\\x%02lx", cp), i++;
		else if (cp_dangerous(cp))
			r = buf_addf(b, "\\u{%lx}", cp), i += n;
		else
			r = buf_add(b, s + i, n), i += n;
	}
	return r;
}

char *
sanitize_text_dup(const char *p, size_t len)
{
	struct buf	 b;

	/* Worst case every byte becomes four: \xNN. */
	buf_init(&b, len * 4 + 16);
	if (sanitize_text(&b, p, len) == -1) {
		buf_free(&b);
		return xstrdup("?");
	}
	return buf_steal(&b);
}

char *
sanitize_utf8_dup(const char *p, size_t len, size_t *outlen)
{
	const unsigned char	*s = (const unsigned char *)p;
	static const char	 repl[] = "\xef\xbf\xbd";
	unsigned long		 cp;
	struct buf		 b;
	size_t			 i = 0, n;

	buf_init(&b, len * 3 + 16);
	while (i < len) {
		n = utf8_seq(s + i, len - i, &cp);
		if (n == 0) {
			buf_add(&b, repl, 3);
			i++;
		} else {
			buf_add(&b, s + i, n);
			i += n;
		}
	}
	*outlen = b.len;
	return buf_steal(&b);
}
