/* MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) parsing: pure, bounded, fuzzed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mtasts.h"
#include "sanitize.h"
#include "target.h"

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* One "key=value" field of a TXT record, whitespace trimmed. */
struct field {
	const char	*key, *val;
	size_t		 klen, vlen;
};

/* Next ';'-separated field from *p; 0 at the end, -1 if malformed. */
static int
next_field(const char **p, const char *end, struct field *f)
{
	const char	*s = *p, *semi, *eq;

	while (s < end && (is_wsp((unsigned char)*s) || *s == ';'))
		s++;
	if (s >= end)
		return 0;
	semi = memchr(s, ';', (size_t)(end - s));
	if (semi == NULL)
		semi = end;
	*p = semi;
	if ((eq = memchr(s, '=', (size_t)(semi - s))) == NULL)
		return -1;
	f->key = s;
	f->klen = (size_t)(eq - s);
	while (f->klen > 0 && is_wsp((unsigned char)s[f->klen - 1]))
		f->klen--;
	f->val = eq + 1;
	while (f->val < semi && is_wsp((unsigned char)*f->val))
		f->val++;
	f->vlen = (size_t)(semi - f->val);
	while (f->vlen > 0 && is_wsp((unsigned char)f->val[f->vlen - 1]))
		f->vlen--;
	return f->klen > 0 ? 1 : -1;
}

static int
field_is(const struct field *f, const char *key)
{
	return f->klen == strlen(key) && memcmp(f->key, key, f->klen) == 0;
}

/* The version must be the first field, exactly (RFC 8461 §3.1). */
static int
starts_with_version(const char *s, size_t len, const char *v)
{
	size_t	 vl = strlen(v);

	return len >= vl && memcmp(s, v, vl) == 0 && (len == vl ||
	    s[vl] == ';' || is_wsp((unsigned char)s[vl]));
}

/*
 * Walk a "v=VERSION; key=value; ..." record: the version first (RFC 8461
 * §3.1, RFC 8460 §3), then exactly one field named key, which goes to *f;
 * other fields are extensions and ignored. -2 if the record is of another
 * kind, -1 (err set) if malformed.
 */
static int
record_field(const char *s, size_t len, const char *version, const char *key,
    struct field *f, char *err, size_t errlen)
{
	const char	*p = s, *end = s + len;
	struct field	 cur;
	int		 r, have = 0;

	if (!starts_with_version(s, len, version))
		return -2;
	next_field(&p, end, &cur);		/* the version itself */
	while ((r = next_field(&p, end, &cur)) == 1) {
		if (!field_is(&cur, key))
			continue;
		if (have++) {
			str_fmt(err, errlen, "more than one %s field", key);
			return -1;
		}
		*f = cur;
	}
	if (r == -1) {
		str_copy(err, errlen, "a field is not of the form key=value");
		return -1;
	}
	if (!have) {
		str_fmt(err, errlen, "no %s field", key);
		return -1;
	}
	return 0;
}

int
sts_txt_parse(const char *s, size_t len, struct sts_txt *t, char *err,
    size_t errlen)
{
	struct field	 f;
	size_t		 i;
	int		 r;

	memset(t, 0, sizeof(*t));
	if ((r = record_field(s, len, "v=STSv1", "id", &f, err, errlen)) != 0)
		return r;
	for (i = 0; i < f.vlen; i++)
		if (!is_alnum((unsigned char)f.val[i]))
			break;
	if (f.vlen == 0 || f.vlen > STS_ID_MAX || i < f.vlen) {
		str_copy(err, errlen, "id must be 1-32 letters or digits");
		return -1;
	}
	memcpy(t->id, f.val, f.vlen);
	t->id[f.vlen] = '\0';
	return 0;
}

/* One rua URI: mailto:addr or https://host... (RFC 8460 §3). */
static int
rua_ok(const char *u, size_t len)
{
	const char	*at;

	if (len > 7 && strncasecmp(u, "mailto:", 7) == 0) {
		at = memchr(u + 7, '@', len - 7);
		return at != NULL && at > u + 7 && at < u + len - 1;
	}
	return len > 8 && strncasecmp(u, "https://", 8) == 0;
}

static int
parse_rua(struct tlsrpt *t, const char *v, size_t len, char *err,
    size_t errlen)
{
	const char	*p = v, *end = v + len, *comma;
	char		*safe;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		while (p < comma && is_wsp((unsigned char)*p))
			p++;
		if (!rua_ok(p, (size_t)(comma - p))) {
			safe = sanitize_text_dup(p, (size_t)(comma - p) > 80 ?
			    80 : (size_t)(comma - p));
			str_fmt(err, errlen, "rua '%s' is neither mailto: nor "
			    "https:", safe);
			free(safe);
			return -1;
		}
		t->nrua++;
		p = comma + 1;
	}
	safe = sanitize_text_dup(v, len);
	str_copy(t->rua, sizeof(t->rua), safe);
	free(safe);
	return 0;
}

int
tlsrpt_parse(const char *s, size_t len, struct tlsrpt *t, char *err,
    size_t errlen)
{
	struct field	 f;
	int		 r;

	memset(t, 0, sizeof(*t));
	if ((r = record_field(s, len, "v=TLSRPTv1", "rua", &f, err,
	    errlen)) != 0)
		return r;
	if (parse_rua(t, f.val, f.vlen, err, errlen) == -1)
		return -1;
	if (t->nrua == 0) {
		str_copy(err, errlen, "the rua field is empty");
		return -1;
	}
	return 0;
}

const char *
sts_mode_name(enum sts_mode m)
{
	switch (m) {
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_NONE:
		return "none";
	case STS_MODE_NONE_GIVEN:
		break;
	}
	return "missing";
}

static void
problem(struct buf *b, const char *what, const char *line, size_t len)
{
	char	*safe = sanitize_text_dup(line, len > 80 ? 80 : len);

	buf_addf(b, "%s: '%s'\n", what, safe);
	free(safe);
}

/* An mx pattern: a host name, optionally "*." and a host name. */
static int
mx_pattern_ok(const char *v, size_t len)
{
	if (len > 2 && v[0] == '*' && v[1] == '.')
		v += 2, len -= 2;
	return target_hostname_ok(v, len);
}

/* One "key: value" line of the policy (RFC 8461 §3.2). */
static void
policy_line(struct sts_policy *p, const char *s, size_t len, struct buf *b)
{
	const char	*colon = memchr(s, ':', len), *v;
	size_t		 klen, vlen;
	long long	 n;

	if (colon == NULL) {
		problem(b, "not a key: value line", s, len);
		return;
	}
	klen = (size_t)(colon - s);
	v = colon + 1;
	vlen = len - klen - 1;
	while (vlen > 0 && is_wsp((unsigned char)*v))
		v++, vlen--;
	while (vlen > 0 && is_wsp((unsigned char)v[vlen - 1]))
		vlen--;
	if (klen == 7 && memcmp(s, "version", 7) == 0) {
		if (vlen == 5 && memcmp(v, "STSv1", 5) == 0)
			p->version_ok = 1;
		else
			problem(b, "version is not STSv1", s, len);
	} else if (klen == 4 && memcmp(s, "mode", 4) == 0) {
		if (p->mode != STS_MODE_NONE_GIVEN)
			problem(b, "mode given twice", s, len);
		else if (vlen == 7 && memcmp(v, "enforce", 7) == 0)
			p->mode = STS_MODE_ENFORCE;
		else if (vlen == 7 && memcmp(v, "testing", 7) == 0)
			p->mode = STS_MODE_TESTING;
		else if (vlen == 4 && memcmp(v, "none", 4) == 0)
			p->mode = STS_MODE_NONE;
		else
			problem(b, "mode is not enforce, testing or none", s,
			    len);
	} else if (klen == 7 && memcmp(s, "max_age", 7) == 0) {
		if (vlen > 10 || parse_num(v, vlen, 0, STS_MAX_AGE_MAX, &n) ==
		    -1)
			problem(b, "max_age is not 0-31557600 seconds", s, len);
		else
			p->max_age = n;
	} else if (klen == 2 && memcmp(s, "mx", 2) == 0) {
		p->nmx_total++;
		if (!mx_pattern_ok(v, vlen))
			problem(b, "mx is not a host name or *.name pattern", s,
			    len);
		else if (p->nmx < STS_MX_MAX)
			p->mx[p->nmx++] = xstrndup(v, vlen);
	} else if (klen == 0)
		problem(b, "empty key", s, len);
	/* Other keys are extensions: allowed and ignored. */
}

int
sts_policy_parse(const char *s, size_t len, struct sts_policy *p,
    struct buf *b)
{
	const char	*end = s + len, *nl;
	size_t		 l;

	memset(p, 0, sizeof(*p));
	p->max_age = -1;
	if (len > STS_POLICY_MAX) {
		buf_adds(b, "policy is larger than 64 KiB\n");
		return -1;
	}
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		l = (size_t)((nl ? nl : end) - s);
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l > 0)
			policy_line(p, s, l, b);
		s = nl ? nl + 1 : end;
	}
	if (!p->version_ok)
		buf_adds(b, "no 'version: STSv1' line\n");
	if (p->mode == STS_MODE_NONE_GIVEN)
		buf_adds(b, "no valid mode line\n");
	if (p->max_age < 0)
		buf_adds(b, "no valid max_age line\n");
	if (p->nmx == 0 && p->mode != STS_MODE_NONE)
		buf_adds(b, "no valid mx line\n");
	return p->version_ok && p->mode != STS_MODE_NONE_GIVEN &&
	    p->max_age >= 0 && (p->nmx > 0 || p->mode == STS_MODE_NONE) ?
	    0 : -1;
}

void
sts_policy_free(struct sts_policy *p)
{
	int	 i;

	for (i = 0; i < p->nmx; i++)
		free(p->mx[i]);
	p->nmx = 0;
}

int
sts_mx_match(const char *pattern, const char *host)
{
	size_t		 plen = strlen(pattern), hlen = strlen(host);
	const char	*dot;

	if (plen > 0 && pattern[plen - 1] == '.')
		plen--;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (plen > 2 && pattern[0] == '*' && pattern[1] == '.') {
		if ((dot = memchr(host, '.', hlen)) == NULL || dot == host)
			return 0;
		dot++;
		return (size_t)(host + hlen - dot) == plen - 2 &&
		    strncasecmp(dot, pattern + 2, plen - 2) == 0;
	}
	return plen == hlen && strncasecmp(pattern, host, hlen) == 0;
}
