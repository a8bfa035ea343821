/* SMTP reply and EHLO keyword parsing: pure, bounded, fuzzed. */
#ifndef MX_SMTP_PARSE_H
#define MX_SMTP_PARSE_H

#include <stddef.h>

#include "buf.h"

#define SMTP_LINE_MAX		2048	/* RFC 5321 says 512; real servers exceed it */
#define SMTP_REPLY_LINES_MAX	1000	/* an EHLO with more is hostile */
#define SMTP_REPLY_BYTES_MAX	65536
#define EHLO_KEYWORDS_MAX	64	/* kept for the report; the rest counted */
#define EHLO_KEYWORD_LEN	128

/* Protocol deviations seen while reading one reply. */
enum reply_flag {
	REPLY_BARE_LF	= 1 << 0,	/* line ended in LF without CR */
	REPLY_NUL	= 1 << 1,	/* NUL byte inside a line */
	REPLY_NO_TEXT	= 1 << 2,	/* "250" with nothing after the code */
	REPLY_8BIT	= 1 << 3,	/* bytes >= 0x80 */
	REPLY_CTRL	= 1 << 4	/* other control bytes */
};

/* Why a reply could not be parsed at all. */
enum reply_error {
	REPLY_OK = 0,
	REPLY_ERR_CODE,		/* not three digits 2-5, 0-5, 0-9 */
	REPLY_ERR_SEP,		/* code not followed by SP, '-' or end */
	REPLY_ERR_MIXED,	/* code changed between lines */
	REPLY_ERR_LINES,	/* too many lines */
	REPLY_ERR_BYTES		/* too many bytes */
};

struct smtp_reply {
	int		 code;		/* 0 until the first line */
	int		 nlines;
	int		 complete;
	unsigned	 flags;		/* enum reply_flag */
	enum reply_error error;
	struct buf	 text;		/* line texts joined with '\n' */
};

enum feed_result { FEED_MORE, FEED_DONE, FEED_BAD };

void	smtp_reply_init(struct smtp_reply *);
void	smtp_reply_free(struct smtp_reply *);
/* Feed one line without its line ending; crlf says whether CR preceded LF. */
enum feed_result smtp_reply_feed(struct smtp_reply *, const char *, size_t,
	    int crlf);
const char *smtp_reply_error_str(enum reply_error);
/* The text of line n (0-based) of a reply; length in *len. */
const char *smtp_reply_line(const struct smtp_reply *, int n, size_t *len);

enum ehlo_flag {
	EXT_STARTTLS		= 1 << 0,
	EXT_PIPELINING		= 1 << 1,
	EXT_SIZE		= 1 << 2,
	EXT_8BITMIME		= 1 << 3,
	EXT_SMTPUTF8		= 1 << 4,
	EXT_CHUNKING		= 1 << 5,
	EXT_REQUIRETLS		= 1 << 6,
	EXT_AUTH		= 1 << 7,
	EXT_DSN			= 1 << 8,
	EXT_ENHANCEDSTATUSCODES	= 1 << 9,
	EXT_BINARYMIME		= 1 << 10,
	EXT_DELIVERBY		= 1 << 11,
	EXT_ETRN		= 1 << 12,
	EXT_VRFY		= 1 << 13
};

struct ehlo_info {
	int		 present;	/* an EHLO reply was parsed */
	unsigned	 flags;		/* enum ehlo_flag */
	long long	 size;		/* SIZE value, -1 if none or bad */
	char		 auth[256];	/* AUTH mechanisms, space separated */
	char		 stripped[EHLO_KEYWORD_LEN]; /* e.g. XXXXXXXA */
	int		 nkw;		/* keywords kept */
	int		 nkw_total;	/* keywords seen */
	char		*kw[EHLO_KEYWORDS_MAX]; /* raw lines, capped */
};

/* Parse an EHLO reply into e, which must be zeroed or previously parsed. */
void	ehlo_parse(struct ehlo_info *, const struct smtp_reply *);
void	ehlo_free(struct ehlo_info *);
/* The name of one flag, e.g. "STARTTLS". */
const char *ehlo_flag_name(unsigned flag);
/* 1 if keyword looks like STARTTLS overwritten by a middlebox. */
int	ehlo_keyword_stripped(const char *, size_t);

#endif
