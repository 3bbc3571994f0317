/* SPDX-License-Identifier: MIT */
/* Internal: mmiodec_decode_vendor() without its fast path, for the tests. */
#ifndef MMIODEC_DECODE_GENERAL_H
#define MMIODEC_DECODE_GENERAL_H

#include "mmiodec.h"

/* The same answer as mmiodec_decode_vendor() for every input, by the path that
 * handles every form; tests/unit/test_fastpath.c compares the two. */
enum mmiodec_status mmiodec_decode_general(struct mmiodec_insn *insn,
					   const uint8_t *bytes, size_t len,
					   enum mmiodec_mode mode,
					   enum mmiodec_vendor vendor);

#endif
