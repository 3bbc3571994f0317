/* SPDX-License-Identifier: MIT */
/*
 * Internal: the types and attributes the library's sources use, the same
 * for a hosted or freestanding C11 build and for a Linux kernel build.
 *
 * A kernel build defines __KERNEL__ and compiles with -nostdinc: the
 * fixed-width types, bool and size_t then come from <linux/types.h> (which
 * defines them as the kernel does; the compiler's own <stdint.h> would
 * clash with it), true, false and NULL from <linux/stddef.h>.
 *
 * Attributes are spelled with the reserved __name__ forms: the kernel
 * defines noinline, __cold, __always_inline ... as macros, which would
 * otherwise expand inside __attribute__((...)).
 */
#ifndef MMIODEC_COMPILER_H
#define MMIODEC_COMPILER_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/* Elements in an array (not a pointer). */
#define MMIODEC_ARRAY_SIZE(array) (sizeof (array) / sizeof (array)[0])

#if defined(__GNUC__) || defined(__clang__)
/* Always expanded into the caller (a static function). */
#define MMIODEC_ALWAYS_INLINE inline __attribute__((__always_inline__))
/* Never expanded: its frame is not added to the caller's. */
#define MMIODEC_NOINLINE __attribute__((__noinline__))
/* Rarely run: built for size, kept out of the hot code. */
#define MMIODEC_COLD __attribute__((__cold__))
/* A static function of a shared internal header: a file may not use it. */
#define MMIODEC_MAYBE_UNUSED __attribute__((__unused__))
#elif defined(_MSC_VER)
#define MMIODEC_ALWAYS_INLINE __forceinline
#define MMIODEC_NOINLINE __declspec(noinline)
#define MMIODEC_COLD
#define MMIODEC_MAYBE_UNUSED
#else
#define MMIODEC_ALWAYS_INLINE inline
#define MMIODEC_NOINLINE
#define MMIODEC_COLD
#define MMIODEC_MAYBE_UNUSED
#endif

#endif
