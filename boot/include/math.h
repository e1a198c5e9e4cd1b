/*
 * Freestanding math.h for wasm2c output. Only SSE2 may be assumed, so the
 * rounding functions are computed from truncating conversions rather than
 * SSE4.1 roundsd. Values with |x| >= 2^52 (2^23 for float), infinities and
 * NaNs are already integral and pass through unchanged.
 */
#ifndef ATOLL_MATH_H
#define ATOLL_MATH_H
#include <stdint.h>

#define INFINITY __builtin_inf()
#define NAN __builtin_nan("")
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define signbit(x) __builtin_signbit(x)

static inline double fabs(double x) { return __builtin_fabs(x); }
static inline float fabsf(float x) { return __builtin_fabsf(x); }
static inline double copysign(double x, double y) { return __builtin_copysign(x, y); }
static inline float copysignf(float x, float y) { return __builtin_copysignf(x, y); }
static inline double sqrt(double x) { return __builtin_sqrt(x); }
static inline float sqrtf(float x) { return __builtin_sqrtf(x); }

static inline double trunc(double x) {
  if (!(fabs(x) < 4503599627370496.0)) return x;
  return copysign((double)(int64_t)x, x);
}
static inline float truncf(float x) {
  if (!(fabsf(x) < 8388608.0f)) return x;
  return copysignf((float)(int32_t)x, x);
}
static inline double floor(double x) {
  double t = trunc(x);
  return t > x ? t - 1.0 : t;
}
static inline float floorf(float x) {
  float t = truncf(x);
  return t > x ? t - 1.0f : t;
}
static inline double ceil(double x) {
  double t = trunc(x);
  return t < x ? copysign(t + 1.0, x) : t;
}
static inline float ceilf(float x) {
  float t = truncf(x);
  return t < x ? copysignf(t + 1.0f, x) : t;
}
/* Round to nearest, ties to even: adding and removing 2^52 makes the FPU
   round in its default mode; -frounding-math keeps the compiler from folding. */
static inline double nearbyint(double x) {
  if (!(fabs(x) < 4503599627370496.0)) return x;
  double big = copysign(4503599627370496.0, x);
  return copysign((x + big) - big, x);
}
static inline float nearbyintf(float x) {
  if (!(fabsf(x) < 8388608.0f)) return x;
  float big = copysignf(8388608.0f, x);
  return copysignf((x + big) - big, x);
}
#endif
