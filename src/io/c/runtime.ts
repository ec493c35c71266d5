/**
 * The fixed part of the generated C source: the integer kernels every exported model shares.
 *
 * Integer only: no float or double anywhere, no division in a loop over elements (average
 * pooling divides by a multiply-high with a magic constant, C_KERNELS.pool). Activations are typed by a tag (uint8 /
 * int8 / int16 / int32 codes) and read / written through ld / st (memcpy for the wide types, so
 * the byte arena is never accessed through another lvalue type); requantisation is the exact
 * floor(acc·m / 2^shift) of the TS engine (quant/integer/requant.ts) with a 64-bit product.
 *
 * Convolutions (a linear layer is a 1×1 conv on a 1×1 input) are written for Cortex-M DSP cores,
 * as CMSIS-NN does it: the input patch of one output position is gathered once (im2col) into
 * 32-bit words holding two int16 activations each, and every output channel's row of weights
 * (32-bit words of 4 int8, 8 int4 or 16 int2 codes, stored in the order dsp.ts lays out) is
 * multiplied into it two products per SMLAD: int8 words are widened with SXTB16 (and SXTB16 of
 * the word rotated by 8), int4 / int2 fields are first masked into the top of their bytes, which
 * widens them times 16 / 64, and the word's sum is shifted back (exactly: every term is a
 * multiple). On a core without the DSP extension (Cortex-M0 / M3, x86) the same words go through
 * C versions of SXTB16 and SMLAD, so every build computes the same integers. Only the kernels a
 * model uses are emitted (-Wunused-function would reject the rest).
 */

export type CKernel = 'pool' | 'requant_all' | 'pad_last' | 'add';

/** Always emitted: the DSP primitives, typed load / store, requantisation, the layer descriptors, im2col and the convolution. */
export const C_CORE = String.raw`
#if defined(__ARM_FEATURE_DSP) && !defined(TSD_NO_DSP)
#include <arm_acle.h>
/* Sign-extend bytes 0 and 2 of v into two int16 halves; two int16 x int16 products added to acc. */
#define SXTB16(v) ((uint32_t)__sxtb16((int32_t)(v)))
#define SMLAD(a, b, acc) __smlad((int32_t)(a), (int32_t)(b), (acc))
/* SXTB16 with its built-in rotation (GCC does not fold a separate ROR into it). */
static inline uint32_t SXTB16_ROR8(uint32_t v) { uint32_t r; __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v)); return r; }
#else
static uint32_t SXTB16(uint32_t v) {
  return (uint32_t)(uint16_t)(int16_t)(int8_t)(v & 0xFFu) | (uint32_t)(uint16_t)(int16_t)(int8_t)((v >> 16) & 0xFFu) << 16;
}
static int32_t SMLAD(uint32_t a, uint32_t b, int32_t acc) {
  return acc + (int32_t)(int16_t)(a & 0xFFFFu) * (int16_t)(b & 0xFFFFu) + (int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16);
}
#define SXTB16_ROR8(v) SXTB16(((v) >> 8) | ((v) << 24))
#endif
/* The int4 / int2 dot products shift sums of multiples of 16 / 64 right: that needs the arithmetic shift every ARM and x86 compiler does. */
typedef char tsd_needs_arithmetic_shift[(-64 >> 6) == -1 ? 1 : -1];

enum { T_U8 = 0, T_I8 = 1, T_I16 = 2, T_I32 = 3 };

static int32_t ld(const unsigned char *p, int t, int32_t i) {
  int16_t h; int32_t w;
  switch (t) {
    case T_U8: return p[i];
    case T_I8: return (int32_t)(int8_t)p[i];
    case T_I16: memcpy(&h, p + 2 * i, 2); return h;
    default: memcpy(&w, p + 4 * i, 4); return w;
  }
}

static void st(unsigned char *p, int t, int32_t i, int32_t v) {
  int16_t h; int8_t b;
  switch (t) {
    case T_U8: p[i] = (unsigned char)v; break;
    case T_I8: b = (int8_t)v; memcpy(p + i, &b, 1); break;
    case T_I16: h = (int16_t)v; memcpy(p + 2 * i, &h, 2); break;
    default: memcpy(p + 4 * i, &v, 4); break;
  }
}

/* clamp(floor(acc·m / 2^shift), lo, hi), exactly: the arithmetic right shift of the 64-bit product is the floor. */
static int32_t requant(int32_t acc, int32_t m, int shift, int32_t lo, int32_t hi) {
  int64_t q = shift >= 63 ? ((int64_t)acc * m < 0 ? -1 : 0) : ((int64_t)acc * (int64_t)m) >> shift;
  return q < lo ? lo : q > hi ? hi : (int32_t)q;
}

/* Dot products of one row of weights (nw words) with the im2col words c (two int16 each). */
static int32_t dot8(const uint32_t *w, const uint32_t *c, int32_t nw) {
  int32_t s = 0;
  for (; nw > 0; nw--, w++, c += 2) {
    uint32_t v = *w;
    s = SMLAD(SXTB16(v), c[0], s);
    s = SMLAD(SXTB16_ROR8(v), c[1], s);
  }
  return s;
}

/* Two int8 rows at once: each im2col word is loaded once for both (the loads, not the SMLADs, bound this loop). */
static void dot8x2(const uint32_t *w, int32_t nw, const uint32_t *c, int32_t *sa, int32_t *sb) {
  const uint32_t *v = w + nw;
  int32_t a = 0, b = 0;
  for (; nw > 0; nw--, w++, v++, c += 2) {
    uint32_t c0 = c[0], c1 = c[1], x = *w, z = *v;
    a = SMLAD(SXTB16(x), c0, a);
    b = SMLAD(SXTB16(z), c0, b);
    a = SMLAD(SXTB16_ROR8(x), c1, a);
    b = SMLAD(SXTB16_ROR8(z), c1, b);
  }
  *sa = a;
  *sb = b;
}

static int32_t dot4(const uint32_t *w, const uint32_t *c, int32_t nw) {
  int32_t s = 0, t;
  for (; nw > 0; nw--, w++, c += 4) {
    uint32_t v = *w, e = (v << 4) & 0xF0F0F0F0u, o = v & 0xF0F0F0F0u;
    t = SMLAD(SXTB16(e), c[0], 0);
    t = SMLAD(SXTB16_ROR8(e), c[1], t);
    t = SMLAD(SXTB16(o), c[2], t);
    t = SMLAD(SXTB16_ROR8(o), c[3], t);
    s += t >> 4;
  }
  return s;
}

static int32_t dot2(const uint32_t *w, const uint32_t *c, int32_t nw) {
  int32_t s = 0, t;
  for (; nw > 0; nw--, w++, c += 8) {
    uint32_t v = *w, a0 = (v << 6) & 0xC0C0C0C0u, a1 = (v << 4) & 0xC0C0C0C0u, a2 = (v << 2) & 0xC0C0C0C0u, a3 = v & 0xC0C0C0C0u;
    t = SMLAD(SXTB16(a0), c[0], 0);
    t = SMLAD(SXTB16_ROR8(a0), c[1], t);
    t = SMLAD(SXTB16(a1), c[2], t);
    t = SMLAD(SXTB16_ROR8(a1), c[3], t);
    t = SMLAD(SXTB16(a2), c[4], t);
    t = SMLAD(SXTB16_ROR8(a2), c[5], t);
    t = SMLAD(SXTB16(a3), c[6], t);
    t = SMLAD(SXTB16_ROR8(a3), c[7], t);
    s += t >> 6;
  }
  return s;
}

typedef struct {
  uint8_t bits;            /* 2, 4 or 8 (container width) */
  uint16_t count;          /* output channels in this group */
  const uint16_t *ch;      /* their indices, ascending */
  const uint32_t *w;       /* weight rows, one per channel, each padded to whole 32-bit words (dsp order) */
  const int32_t *bias;     /* int32 bias codes [count] */
  const int32_t *m;        /* requantisation multipliers [count] (NULL: output layer) */
  const uint8_t *shift;    /* right shifts [count] */
} tsd_group;

typedef struct {
  int32_t cin, h, w, cout, ho, wo;
  int16_t kh, kw, sh, sw, dh, dw, pt, pl, groups;
  uint8_t ngroups, pruned;
  int32_t qmin, qmax;
  const tsd_group *g;
  int32_t nin;             /* input channels with stored weights (when in != NULL) */
  const uint16_t *in;      /* their indices, ascending; NULL: all (the others are known zero) */
} tsd_layer;

/* Element i of an activation buffer, with the 8-bit types read directly (the common case, kept out of ld's switch). */
#define LD(x, xt, i) ((xt) == T_U8 ? (int32_t)(x)[i] : (xt) == T_I8 ? (int32_t)(int8_t)(x)[i] : ld((x), (xt), (i)))

/* The input patch of output position (oy, ox) over input channels ci0.. (or L->in), as int16 pairs, zero-padded to 16 values.
   The layer's fields are copied to locals: col's uint32 stores could alias its int32 fields, which would force reloads. */
static void im2col(const tsd_layer *L, const unsigned char *x, int xt, int32_t ci0, int32_t kin, int32_t oy, int32_t ox, uint32_t *col) {
  const int32_t h = L->h, w = L->w, kh = L->kh, kw = L->kw, dh = L->dh, dw = L->dw, ix0 = ox * L->sw - L->pl, iy0 = oy * L->sh - L->pt;
  const uint16_t *in = L->in;
  int32_t ci, ky, kx, iy, ix, row, k = 0, end = ((kin * kh * kw + 15) >> 4) << 4;
  uint32_t lo = 0, v;
  for (ci = 0; ci < kin; ci++) {
    int32_t plane = (in != NULL ? in[ci] : ci0 + ci) * h;
    for (ky = 0, iy = iy0; ky < kh; ky++, iy += dh) {
      row = iy < 0 || iy >= h ? -1 : (plane + iy) * w;
      for (kx = 0, ix = ix0; kx < kw; kx++, k++, ix += dw) {
        v = row < 0 || ix < 0 || ix >= w ? 0u : (uint32_t)(uint16_t)(int16_t)LD(x, xt, row + ix);
        if (k & 1) col[k >> 1] = lo | v << 16; else lo = v;
      }
    }
  }
  if (k & 1) { col[k >> 1] = lo; k++; }
  for (; k < end; k += 2) col[k >> 1] = 0;
}

/* Code k (in row order) of a weight row stored in the SMLAD order of dsp.ts: tsd_slotB[k % per] is its field in word k / per. */
static int32_t wcode(const uint32_t *row, int bits, int32_t k) {
  uint32_t f;
  if (bits == 8) { f = (row[k >> 2] >> (8 * tsd_slot8[k & 3])) & 0xFFu; return (int32_t)(int8_t)f; }
  if (bits == 4) { f = (row[k >> 3] >> (4 * tsd_slot4[k & 7])) & 0xFu; return f >= 8u ? (int32_t)f - 16 : (int32_t)f; }
  f = (row[k >> 4] >> (2 * tsd_slot2[k & 15])) & 0x3u;
  return f >= 2u ? (int32_t)f - 4 : (int32_t)f;
}

/* Channel i's output from its accumulator: requantised into the next quantiser's codes, or the raw int32 of the output layer. */
static int32_t result(const tsd_layer *L, const tsd_group *G, int32_t i, int32_t s) {
  return G->m == NULL ? s : requant(s, G->m[i], G->shift[i], L->qmin, L->qmax);
}

/* Every channel of group G at output position (oy, ox), whose patch is in col: dot product, bias, requantisation, store. */
static void channels(const tsd_layer *L, const tsd_group *G, int32_t ksz, const uint32_t *col, unsigned char *y, int yt, int32_t oy, int32_t ox, int32_t first, int32_t end) {
  int32_t i = first, s, s2, nw = (ksz * G->bits + 31) >> 5, at = oy * L->wo + ox, plane = L->ho * L->wo;
  const uint32_t *w = G->w + first * nw;
  if (G->bits == 8) for (; i + 1 < end; i += 2, w += 2 * nw) {
    dot8x2(w, nw, col, &s, &s2);
    s += G->bias[i];
    s2 += G->bias[i + 1];
    st(y, yt, G->ch[i] * plane + at, result(L, G, i, s));
    st(y, yt, G->ch[i + 1] * plane + at, result(L, G, i + 1, s2));
  }
  for (; i < end; i++, w += nw) {
    s = G->bias[i] + (G->bits == 8 ? dot8(w, col, nw) : G->bits == 4 ? dot4(w, col, nw) : dot2(w, col, nw));
    st(y, yt, G->ch[i] * plane + at, result(L, G, i, s));
  }
}

/* Depthwise channel i of group G (input plane c): direct convolution, its kernel unpacked once into wk (ksz int32 codes). */
static void depthwise(const tsd_layer *L, const tsd_group *G, int32_t i, const unsigned char *x, int xt, unsigned char *y, int yt, int32_t ksz, int32_t *wk, int32_t c) {
  const int32_t h = L->h, w = L->w, kh = L->kh, kw = L->kw, sh = L->sh, sw = L->sw, dh = L->dh, dw = L->dw, ho = L->ho, wo = L->wo;
  const int32_t bias = G->bias[i], out = G->ch[i] * ho * wo;
  const unsigned char *xp = x + (xt == T_U8 || xt == T_I8 ? 1 : xt == T_I16 ? 2 : 4) * c * h * w;
  const uint32_t *row = G->w + i * ((ksz * G->bits + 31) >> 5);
  int32_t k, ky, kx, iy, ix, oy, ox, s;
  for (k = 0; k < ksz; k++) wk[k] = wcode(row, G->bits, k);
  for (oy = 0; oy < ho; oy++) for (ox = 0; ox < wo; ox++) {
    const int32_t iy0 = oy * sh - L->pt, ix0 = ox * sw - L->pl;
    s = bias;
    if (xt <= T_I8 && iy0 >= 0 && iy0 + (kh - 1) * dh < h && ix0 >= 0 && ix0 + (kw - 1) * dw < w) {
      /* Interior position, 8-bit input: no bounds checks, no type switch. */
      const unsigned char *p = xp + iy0 * w + ix0;
      for (ky = 0, k = 0; ky < kh; ky++, p += dh * w)
        for (kx = 0; kx < kw; kx++, k++) s += wk[k] * (xt == T_U8 ? (int32_t)p[kx * dw] : (int32_t)(int8_t)p[kx * dw]);
    } else {
      for (ky = 0, k = 0, iy = iy0; ky < kh; ky++, iy += dh) {
        if (iy < 0 || iy >= h) { k += kw; continue; }
        for (kx = 0, ix = ix0; kx < kw; kx++, k++, ix += dw)
          if (ix >= 0 && ix < w) s += wk[k] * LD(xp, xt, iy * w + ix);
      }
    }
    st(y, yt, out + oy * wo + ox, result(L, G, i, s));
  }
}

/* Convolution, one sub-convolution per weight precision; col is the static im2col buffer. */
static void conv(const tsd_layer *L, const unsigned char *x, int xt, unsigned char *y, int yt, uint32_t *col) {
  int32_t cinG = L->cin / L->groups, coutG = L->cout / L->groups, kin = L->in != NULL ? L->nin : cinG, ksz = kin * L->kh * L->kw;
  int32_t n, i, oy, ox;
  if (L->pruned) for (i = 0; i < L->cout * L->ho * L->wo; i++) st(y, yt, i, 0);
  if (L->groups == 1) {
    /* One patch per position, shared by every output channel. */
    for (oy = 0; oy < L->ho; oy++) for (ox = 0; ox < L->wo; ox++) {
      im2col(L, x, xt, 0, kin, oy, ox, col);
      for (n = 0; n < L->ngroups; n++) channels(L, &L->g[n], ksz, col, y, yt, oy, ox, 0, L->g[n].count);
    }
    return;
  }
  if (kin == 1) {
    for (n = 0; n < L->ngroups; n++) for (i = 0; i < L->g[n].count; i++) depthwise(L, &L->g[n], i, x, xt, y, yt, ksz, (int32_t *)col, L->g[n].ch[i] / coutG);
    return;
  }
  /* Grouped: each channel reads its own group's inputs. */
  for (n = 0; n < L->ngroups; n++) for (i = 0; i < L->g[n].count; i++) {
    int32_t ci0 = (L->g[n].ch[i] / coutG) * cinG;
    for (oy = 0; oy < L->ho; oy++) for (ox = 0; ox < L->wo; ox++) {
      im2col(L, x, xt, ci0, kin, oy, ox, col);
      channels(L, &L->g[n], ksz, col, y, yt, oy, ox, i, i + 1);
    }
  }
}
`;

export const C_KERNELS: Readonly<Record<CKernel, string>> = {
  pool: String.raw`
/* floor(a / k) for |a| < 2^31 by a multiply-high: m = ceil(2^s / k) (Granlund-Montgomery); a < 0 via floor(a/k) = -1 - floor((-a-1)/k). */
static int32_t divk(int32_t a, uint32_t m, int s) {
  uint32_t u = a >= 0 ? (uint32_t)a : (uint32_t)(-(a + 1));
  int32_t q = (int32_t)(((uint64_t)u * m) >> s);
  return a >= 0 ? q : -1 - q;
}

/* Max (padding ignored) or floor-average pooling over [C][H][W]; the average divides by kh·kw through (dm, ds). */
static void pool(const unsigned char *x, int xt, unsigned char *y, int yt, int32_t c, int32_t h, int32_t w,
                 int32_t kh, int32_t kw, int32_t sh, int32_t sw, int32_t ph, int32_t pw, int32_t ho, int32_t wo, int avg, uint32_t dm, int ds) {
  int32_t ch, oy, ox, ky, kx, iy, ix, a, v;
  for (ch = 0; ch < c; ch++) for (oy = 0; oy < ho; oy++) for (ox = 0; ox < wo; ox++) {
    a = avg ? 0 : INT32_MIN;
    for (ky = 0; ky < kh; ky++) {
      iy = oy * sh - ph + ky;
      if (iy < 0 || iy >= h) continue;
      for (kx = 0; kx < kw; kx++) {
        ix = ox * sw - pw + kx;
        if (ix < 0 || ix >= w) continue;
        v = ld(x, xt, (ch * h + iy) * w + ix);
        if (avg) a += v; else if (v > a) a = v;
      }
    }
    st(y, yt, (ch * ho + oy) * wo + ox, avg ? divk(a, dm, ds) : a);
  }
}
`,
  requant_all: String.raw`
static void requant_all(const unsigned char *x, int xt, unsigned char *y, int yt, int32_t n, int32_t m, int shift, int32_t lo, int32_t hi) {
  int32_t i;
  for (i = 0; i < n; i++) st(y, yt, i, requant(ld(x, xt, i), m, shift, lo, hi));
}
`,
  pad_last: String.raw`
static void pad_last(const unsigned char *x, int xt, unsigned char *y, int yt, int32_t rows, int32_t len, int32_t left, int32_t right) {
  int32_t r, i, len2 = len + left + right;
  for (r = 0; r < rows; r++) for (i = 0; i < len2; i++)
    st(y, yt, r * len2 + i, i < left || i >= left + len ? 0 : ld(x, xt, r * len + i - left));
}
`,
  add: String.raw`
static void add(const unsigned char *a, int at, const unsigned char *b, int bt, unsigned char *y, int yt, int32_t n) {
  int32_t i;
  for (i = 0; i < n; i++) st(y, yt, i, ld(a, at, i) + ld(b, bt, i));
}
`,
};
