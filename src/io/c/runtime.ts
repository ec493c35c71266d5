/**
 * The fixed part of the generated C source: the integer kernels every exported model shares.
 * Activations are typed by a tag (uint8 / int8 / int16 / int32 codes) and read / written through
 * ld / st (memcpy for the wide types, so the byte arena is never accessed through another
 * lvalue type); weights are read from their packed LSB-first buffers; requantisation is the
 * exact floor(acc·m / 2^shift) of the TS engine (quant/integer/requant.ts) with a 64-bit product.
 * Only the kernels a model uses are emitted (-Wunused-function would reject the rest). These are
 * reference loops written for exactness and readability, not speed.
 */

export type CKernel = 'pool' | 'requant_all' | 'pad_last' | 'add';

/** Always emitted: typed load / store, packed weight access, requantisation, the layer descriptors and the convolution. */
export const C_CORE = String.raw`
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

/* Weight i of a packed buffer: int8, or int4 / int2 fields LSB-first, sign-extended. */
static int32_t wget(const uint8_t *p, int bits, int32_t i) {
  int32_t f;
  if (bits == 8) return (int32_t)(int8_t)p[i];
  if (bits == 4) { f = (p[i >> 1] >> ((i & 1) * 4)) & 15; return f >= 8 ? f - 16 : f; }
  f = (p[i >> 2] >> ((i & 3) * 2)) & 3;
  return f >= 2 ? f - 4 : f;
}

/* clamp(floor(acc·m / 2^shift), lo, hi), exactly. */
static int32_t requant(int32_t acc, int32_t m, int shift, int32_t lo, int32_t hi) {
  int64_t p = (int64_t)acc * (int64_t)m, q;
  if (shift >= 63) q = p < 0 ? -1 : 0;
  else if (p >= 0) q = p >> shift;
  else q = -(int64_t)(((uint64_t)(-p) + (((uint64_t)1 << shift) - 1u)) >> shift);
  return q < lo ? lo : q > hi ? hi : (int32_t)q;
}

typedef struct {
  uint8_t bits;            /* 2, 4 or 8 (container width) */
  uint16_t count;          /* output channels in this group */
  const uint16_t *ch;      /* their indices, ascending */
  const uint8_t *w;        /* packed weights, row-major [count][kept Cin/groups][kh][kw] */
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

/* Convolution (a linear layer is a 1x1 conv on a 1x1 input), one sub-convolution per weight precision. */
static void conv(const tsd_layer *L, const unsigned char *x, int xt, unsigned char *y, int yt) {
  int32_t cinG = L->cin / L->groups, coutG = L->cout / L->groups, kin = L->in != NULL ? L->nin : cinG, ksz = kin * L->kh * L->kw;
  int32_t n, i, co, ci0, ci, xc, oy, ox, ky, kx, iy, ix, s, v;
  if (L->pruned) for (i = 0; i < L->cout * L->ho * L->wo; i++) st(y, yt, i, 0);
  for (n = 0; n < L->ngroups; n++) {
    const tsd_group *G = &L->g[n];
    for (i = 0; i < G->count; i++) {
      co = G->ch[i];
      ci0 = (co / coutG) * cinG;
      for (oy = 0; oy < L->ho; oy++) for (ox = 0; ox < L->wo; ox++) {
        s = G->bias[i];
        for (ci = 0; ci < kin; ci++) {
          xc = L->in != NULL ? L->in[ci] : ci0 + ci;
          for (ky = 0; ky < L->kh; ky++) {
            iy = oy * L->sh - L->pt + ky * L->dh;
            if (iy < 0 || iy >= L->h) continue;
            for (kx = 0; kx < L->kw; kx++) {
              ix = ox * L->sw - L->pl + kx * L->dw;
              if (ix < 0 || ix >= L->w) continue;
              s += ld(x, xt, (xc * L->h + iy) * L->w + ix) * wget(G->w, G->bits, i * ksz + (ci * L->kh + ky) * L->kw + kx);
            }
          }
        }
        v = G->m == NULL ? s : requant(s, G->m[i], G->shift[i], L->qmin, L->qmax);
        st(y, yt, (co * L->ho + oy) * L->wo + ox, v);
      }
    }
  }
}
`;

export const C_KERNELS: Readonly<Record<CKernel, string>> = {
  pool: String.raw`
static int32_t floordiv(int32_t a, int32_t k) {
  return a >= 0 ? a / k : -((-a + k - 1) / k);
}

/* Max (padding ignored) or floor-average pooling over [C][H][W]. */
static void pool(const unsigned char *x, int xt, unsigned char *y, int yt, int32_t c, int32_t h, int32_t w,
                 int32_t kh, int32_t kw, int32_t sh, int32_t sw, int32_t ph, int32_t pw, int32_t ho, int32_t wo, int avg) {
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
    st(y, yt, (ch * ho + oy) * wo + ox, avg ? floordiv(a, kh * kw) : a);
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
