/*
 * metrics: Prometheus text rendering of a sample's series. The hot path
 * (1000 domains x 25 series) avoids printf: integers are formatted by hand,
 * counters of nanoseconds and ticks are printed as exact decimals, and each
 * row's escaped labels are built once per render, not once per series.
 */
#include "config.h"
#include "lib/xalloc.h"
#include "exporters/metrics.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

void metrics_u64(struct strbuf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_reserve(b, (size_t)n);
	while (n)
		b->s[b->len++] = tmp[--n];
	b->s[b->len] = '\0';
}

static const uint64_t powers10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000 };

/* ".ddd": frac as `digits` decimal places, trailing zeros dropped; nothing
 * when frac is 0. digits <= 9. */
static void put_fraction(struct strbuf *b, uint64_t frac, int digits)
{
	char tmp[9];
	int n = digits;

	if (!frac)
		return;
	for (int i = digits - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	sb_putc(b, '.');
	sb_append(b, tmp, (size_t)n);
}

/* Six significant digits like %.6g, without printf: ratios are most of the
 * non-integer values, and printf was a third of a 1000-domain render.
 * Only for 1e-3 <= v < 1e9; elsewhere printf. */
static bool fast_decimal(struct strbuf *b, double v)
{
	if (!(v >= 1e-3 && v < 1e9))
		return false;
	int dec;
	if (v < 0.01)
		dec = 8;
	else if (v < 0.1)
		dec = 7;
	else if (v < 1)
		dec = 6;
	else {
		int intdigits = 1;
		while (intdigits < 9 && v >= (double)powers10[intdigits])
			intdigits++;
		dec = intdigits >= 6 ? 0 : 6 - intdigits;
	}
	uint64_t x = (uint64_t)llround(v * (double)powers10[dec]);
	metrics_u64(b, x / powers10[dec]);
	put_fraction(b, x % powers10[dec], dec);
	return true;
}

void metrics_double(struct strbuf *b, double v)
{
	if (isnan(v))
		sb_puts(b, "NaN");
	else if (isinf(v))
		sb_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15) {
		if (v < 0) {
			sb_putc(b, '-');
			v = -v;
		}
		metrics_u64(b, (uint64_t)v);
	} else if (!fast_decimal(b, v))
		sb_printf(b, "%.6g", v);
}

/* value / div as a decimal with up to `digits` places: 1500000000 ns / 1e9
 * -> "1.5", 7 ticks / 100 Hz -> "0.07". div <= 1e9 and digits <= 9 keep
 * frac * 10^digits inside 64 bits. */
static void fixed(struct strbuf *b, uint64_t value, uint64_t div, int digits)
{
	metrics_u64(b, value / div);
	put_fraction(b, value % div * powers10[digits] / div, digits);
}

void metrics_label_value(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		if (*s == '\\') {
			sb_puts(b, "\\\\");
			s++;
		} else if (*s == '"') {
			sb_puts(b, "\\\"");
			s++;
		} else if (*s == '\n') {
			sb_puts(b, "\\n");
			s++;
		} else if (*s < 0x80) {
			sb_putc(b, (char)*s++);
		} else {
			/* Copy a valid UTF-8 sequence; replace anything else. */
			size_t n = (*s & 0xe0) == 0xc0 && *s >= 0xc2 ? 2 : (*s & 0xf0) == 0xe0 ? 3 :
				   (*s & 0xf8) == 0xf0 && *s <= 0xf4 ? 4 : 0;
			for (size_t k = 1; k < n; k++)
				if ((s[k] & 0xc0) != 0x80)
					n = 0;
			if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
				n = 0;
			if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
				n = 0;
			if (n) {
				sb_append(b, (const char *)s, n);
				s += n;
			} else {
				sb_puts(b, "\xef\xbf\xbd");
				s++;
			}
		}
	}
}

static void family(struct strbuf *b, const struct series *se)
{
	sb_puts(b, "# HELP ");
	sb_puts(b, se->name);
	sb_putc(b, ' ');
	sb_puts(b, se->help);
	sb_puts(b, "\n# TYPE ");
	sb_puts(b, se->name);
	sb_puts(b, se->type == SERIES_COUNTER ? " counter\n" : " gauge\n");
}

static void put_value(struct strbuf *b, const struct series_value *v)
{
	switch (v->kind) {
	case SV_U64: metrics_u64(b, v->u); break;
	case SV_FRACTION: fixed(b, v->u, v->div, v->digits); break;
	default: metrics_double(b, v->d); break;
	}
}

/* Every row's {name="value",...}, built once per row set and render. */
static struct strbuf labels;
static uint32_t *label_off, label_cap;

void metrics_free(void)
{
	sb_free(&labels);
	free(label_off);
	label_off = NULL;
	label_cap = 0;
}

static uint32_t build_labels(const struct series_rows *rows, const void *ctx)
{
	uint32_t n = rows->count(ctx);
	struct series_label l[SERIES_MAX_LABELS];
	char scratch[SERIES_SCRATCH];

	sb_reset(&labels);
	if (label_cap < n + 1) {
		label_cap = (n + 1) * 2;
		label_off = xrealloc(label_off, label_cap * sizeof(*label_off));
	}
	for (uint32_t i = 0; i < n; i++) {
		label_off[i] = (uint32_t)labels.len;
		unsigned nl = rows->labels(ctx, i, l, scratch);
		for (unsigned k = 0; k < nl; k++) {
			sb_putc(&labels, k ? ',' : '{');
			sb_puts(&labels, l[k].name);
			sb_puts(&labels, "=\"");
			metrics_label_value(&labels, l[k].value);
			sb_putc(&labels, '"');
		}
		if (nl)
			sb_putc(&labels, '}');
		sb_putc(&labels, '\0');
	}
	label_off[n] = (uint32_t)labels.len;
	return n;
}

static void render_set(struct strbuf *b, const struct series_set *set)
{
	const struct series_rows *built = NULL;
	uint32_t nrows = 0;
	struct series_value v;

	for (uint32_t k = 0; k < set->n; k++) {
		const struct series *se = &set->series[k];
		size_t nl = strlen(se->name);
		family(b, se);
		if (!se->rows) {
			if (series_read(se, set->ctx, 0, &v)) {
				sb_append(b, se->name, nl);
				sb_putc(b, ' ');
				put_value(b, &v);
				sb_putc(b, '\n');
			}
			continue;
		}
		/* Labels are built for the first row with a value: a series with none (no
		 * trace, no caps) costs no escaping of a thousand names. */
		nrows = se->rows->count(set->ctx);
		const char *array = se->field != SF_CALL ? se->rows->array(set->ctx) : NULL;
		size_t stride = se->rows->stride;
		for (uint32_t i = 0; i < nrows; i++) {
			if (array) {
				const char *e = array + (size_t)i * stride;
				v.kind = SV_U64;
				v.u = se->field == SF_U64 ? series_field_u64(e, se->arg) : series_field_u32(e, se->arg);
			} else if (!series_read(se, set->ctx, i, &v)) {
				continue;	/* unknown: no line at all */
			}
			if (se->rows != built) {
				build_labels(se->rows, set->ctx);
				built = se->rows;
			}
			/* The hot loop: one reserve, two copies, the number. */
			size_t ll = label_off[i + 1] - label_off[i] - 1;
			sb_reserve(b, nl + ll + 48);
			memcpy(b->s + b->len, se->name, nl);
			memcpy(b->s + b->len + nl, labels.s + label_off[i], ll);
			b->len += nl + ll;
			b->s[b->len++] = ' ';
			put_value(b, &v);
			b->s[b->len++] = '\n';
		}
	}
}

void metrics_render(struct strbuf *b, const struct sample *s)
{
	sb_reset(b);
	sb_reserve(b, 1);
	for (uint32_t i = 0; i < s->nsets; i++)
		render_set(b, &s->sets[i]);
	b->s[b->len] = '\0';
}
