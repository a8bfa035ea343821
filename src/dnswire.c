/* Decoding of record data as libunbound returns it (uncompressed), pure. */
#include <string.h>

#include "buf.h"
#include "dnswire.h"
#include "report.h"

static int
host_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
dnswire_name(const unsigned char *p, size_t len, size_t *off, char *out,
    size_t outlen)
{
	size_t	 i = *off, o = 0, l, k;

	if (outlen == 0)
		return -1;
	for (;;) {
		if (i >= len)
			return -1;
		l = p[i++];
		if (l == 0)
			break;
		/* Compression pointers never appear in rdata from libunbound. */
		if (l > 63 || l > len - i)
			return -1;
		if (o != 0) {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = '.';
		}
		if (o + l >= outlen)
			return -1;
		for (k = 0; k < l; k++) {
			unsigned char c = p[i + k];

			if (!host_byte(c))
				return -1;
			out[o++] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
		}
		i += l;
	}
	out[o] = '\0';
	*off = i;
	return 0;
}

int
dnswire_mx(const unsigned char *p, size_t len, int *pref, char *name,
    size_t namelen)
{
	size_t	 off = 2;

	if (len < 3)
		return -1;
	*pref = p[0] << 8 | p[1];
	if (dnswire_name(p, len, &off, name, namelen) == -1 || off != len)
		return -1;
	return 0;
}

int
dnswire_tlsa(const unsigned char *p, size_t len, struct tlsa_rec *t)
{
	/* Usage, selector, matching type, then at least one byte of data. */
	if (len < 4 || len - 3 > TLSA_DATA_MAX)
		return -1;
	t->usage = p[0];
	t->selector = p[1];
	t->mtype = p[2];
	t->len = len - 3;
	t->data = xcalloc(1, t->len);
	memcpy(t->data, p + 3, t->len);
	return 0;
}

int
dnswire_txt(const unsigned char *p, size_t len, char *out, size_t outlen,
    size_t *outn)
{
	size_t	 i = 0, o = 0, l;

	if (outlen == 0)
		return -1;
	while (i < len) {
		l = p[i++];
		if (l > len - i || o + l >= outlen)
			return -1;
		memcpy(out + o, p + i, l);
		o += l;
		i += l;
	}
	out[o] = '\0';
	*outn = o;
	return 0;
}
