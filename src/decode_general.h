/* SPDX-License-Identifier: MIT */
/* Internal: mmiodec_decode() without its fast path, for the tests. */
#ifndef MMIODEC_DECODE_GENERAL_H
#define MMIODEC_DECODE_GENERAL_H

#include "mmiodec.h"

/* The same answer as mmiodec_decode() for every input, by the path that
 * handles every form; tests/unit/test_fastpath.c compares the two. */
enum mmiodec_status mmiodec_decode_general(struct mmiodec_insn *insn,
					   const uint8_t *bytes, size_t len,
					   enum mmiodec_mode mode);

#endif
