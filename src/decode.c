/* SPDX-License-Identifier: MIT */
/* STUB: being written. */
#include "mmiodec.h"
enum mmiodec_status mmiodec_decode(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len, enum mmiodec_mode mode)
{ (void)bytes; (void)len; (void)mode; if (!insn) return MMIODEC_BAD_ARGUMENT; *insn = (struct mmiodec_insn){0}; insn->status = MMIODEC_INVALID; return MMIODEC_INVALID; }
