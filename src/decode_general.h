/* SPDX-License-Identifier: MIT */
/*
 * Internal, for tests only: mmiodec_decode_general(), the path of
 * mmiodec_decode_vendor() that handles every form, which must give the same
 * answer as mmiodec_decode_vendor() for every input
 * (tests/unit/test_fastpath.c and fuzz/fuzz_decode.c compare the two).
 *
 * It is static in src/decode.c, like everything but the API. A test that
 * calls it includes this header in one of its files, which compiles the
 * decoder into that file: its mmiodec_decode() and mmiodec_decode_vendor()
 * then take the place of the library's, so that the program compares two
 * paths of one copy of the decoder.
 */
#ifndef MMIODEC_DECODE_GENERAL_H
#define MMIODEC_DECODE_GENERAL_H

#include "decode.c"

#endif
