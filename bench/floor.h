/* SPDX-License-Identifier: MIT */
/*
 * The floor of the MOV mix: the leanest table-driven decode of the MOV
 * family that fills mmiodec's descriptor (see floor.c).
 */
#ifndef MMIODEC_BENCH_FLOOR_H
#define MMIODEC_BENCH_FLOOR_H

#include <mmiodec.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Builds the templates from mmiodec_decode()'s own answers; false if one
 * of them is not what floor.c expects. */
bool floor_init(void);

/* With the argument checks mmiodec_decode_vendor() makes: true and the
 * whole descriptor when the bytes are one of the forms floor.c knows,
 * else false (and *insn unspecified). */
bool floor_decode(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
		  enum mmiodec_mode mode, enum mmiodec_vendor vendor);

/* The same without them: what the API's checks cost. */
bool floor_decode_unchecked(struct mmiodec_insn *insn, const uint8_t *bytes,
			    size_t len, enum mmiodec_mode mode,
			    enum mmiodec_vendor vendor);

#endif
