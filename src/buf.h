/* Growable byte buffer with a hard ceiling. */
#ifndef MX_BUF_H
#define MX_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard ceiling for len */
};

void	buf_init(struct buf *, size_t max);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
int	buf_add(struct buf *, const void *, size_t);
int	buf_adds(struct buf *, const char *);
int	buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	buf_consume(struct buf *, size_t);
char	*buf_steal(struct buf *);
const char *buf_str(const struct buf *);

/* Copy src into dst of size dstlen; -1 if it did not fit (dst truncated). */
int	str_copy(char *dst, size_t dstlen, const char *src);
/* Append src to the string in dst; -1 if it did not fit (truncated). */
int	str_append(char *dst, size_t dstlen, const char *src);
/* snprintf that reports truncation as -1. */
int	str_fmt(char *dst, size_t dstlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Parse a decimal in [min, max]; -1 on any junk or overflow. */
int	parse_num(const char *s, size_t len, long long min, long long max,
	    long long *out);
void	*xcalloc(size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
