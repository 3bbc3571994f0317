/* SPDX-License-Identifier: MIT */
/*
 * mmiodec_execute(): one line per case, values worked out by hand from
 * the SDM (vol. 2, each instruction's Operation and Flags Affected), the
 * undefined flags as tests/cpu measured them on Intel. Each case decodes
 * real bytes, starts from registers whose every byte tells where it came
 * from (RAX = 0x1020304050607080, RCX = 0x1121314151617181, ..., R15 =
 * 0x1f2f3f4f5f6f7f8f; so AL = 0x80, AH = 0x70, CL = 0x81, ECX =
 * 0x51617181), sets the registers and arithmetic flags the case names,
 * and checks every register, RIP, RFLAGS and what memory gets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_case.h"

#define RFLAGS_IN 0x202u   /* bit 1 and IF: they must stay */
#define START_RIP 0x1000u

enum { NO = 0, W = 1, WB = 2 };   /* no write, a write, a write-back */
#define OK MMIODEC_EXEC_OK
#define DE MMIODEC_EXEC_DIVIDE_ERROR
#define NH MMIODEC_EXEC_NOT_HANDLED
#define I64 AS_INTEL(64)
#define A64 AS_AMD(64)
#define ALL "CF PF AF ZF SF OF"

struct exec_case {
	unsigned mode;          /* as in decode_text.h: AS_INTEL(64)... */
	const char *bytes;
	const char *in;         /* registers set first: "rax=0x1 cl=..." */
	const char *flags_in;   /* arithmetic flags set first */
	uint64_t mem;           /* what memory returns */
	unsigned status;
	const char *out;        /* registers that change, and their values */
	const char *flags_out;  /* arithmetic flags after */
	unsigned writes;        /* NO, W or WB */
	uint64_t store;
	const char *undefined;  /* out->undefined_flags */
};

/* [rbx] with ModRM.reg 0 (al/ax/eax/rax) is 03, 1 (cl...) 0B, 4 (ah) 23,
 * 7 (bh) 3B; group members put their /digit there. */
static const struct exec_case cases[] = {
	/* ADD: CF carry out, OF signed overflow, AF carry out of bit 3 */
	{ I64, "00 03", "rax=0x7f", "", 0x01, OK, "", "AF SF OF", W, 0x80, "" },
	{ I64, "00 03", "rax=0x01", "", 0xff, OK, "", "CF PF AF ZF", W, 0x00, "" },
	{ I64, "01 03", "rax=0xffffffff80000000", "", 0x80000000, OK, "", "CF PF ZF OF", W, 0, "" },
	{ I64, "48 01 03", "rax=0x7fffffffffffffff", "", 1, OK, "", "PF AF SF OF", W, 0x8000000000000000, "" },
	{ I64, "02 03", "", ALL, 0x80, OK, "rax=0x1020304050607000", "CF PF ZF OF", NO, 0, "" },
	{ I64, "03 03", "", "", 0x01, OK, "rax=0x50607081", "PF", NO, 0, "" },
	{ I64, "66 03 03", "", "", 0x0f80, OK, "rax=0x1020304050608000", "PF SF OF", NO, 0, "" },
	{ I64, "00 23", "", "", 0x10, OK, "", "SF OF", W, 0x80, "" },
	{ I64, "02 23", "", "", 0x95, OK, "rax=0x1020304050600580", "CF PF", NO, 0, "" },
	{ I64, "80 03 FF", "", "", 0x01, OK, "", "CF PF AF ZF", W, 0x00, "" },
	{ I64, "83 03 FF", "", "", 0x00000001, OK, "", "CF PF AF ZF", W, 0, "" },
	{ I64, "48 83 03 80", "", "", 0, OK, "", "SF", W, 0xffffffffffffff80, "" },
	{ I64, "48 81 03 00 00 00 80", "", "", 0x80000000, OK, "", "CF PF ZF", W, 0, "" },
	{ I64, "F0 01 03", "rax=1", "", 2, OK, "", "PF", W, 3, "" },
	/* ADC, SBB take CF in */
	{ I64, "10 03", "", "CF", 0x7f, OK, "", "CF PF AF ZF", W, 0x00, "" },
	{ I64, "10 03", "", "", 0x7f, OK, "", "PF SF", W, 0xff, "" },
	{ I64, "18 03", "", "CF", 0x00, OK, "", "CF AF", W, 0x7f, "" },
	{ I64, "1B 03", "", "", 0x50607081, OK, "rax=0xffffffff", "CF PF AF SF", NO, 0, "" },
	{ I64, "48 13 03", "rax=0xffffffffffffffff", "CF", 0, OK, "rax=0", "CF PF AF ZF", NO, 0, "" },
	/* SUB and CMP: memory minus register unless the register is first */
	{ I64, "28 03", "", "", 0x00, OK, "", "CF SF OF", W, 0x80, "" },
	{ I64, "38 03", "", ALL, 0x81, OK, "", "", NO, 0, "" },
	{ I64, "3A 03", "", "", 0x81, OK, "", "CF PF AF SF", NO, 0, "" },
	{ I64, "48 39 0B", "", "", 0x1121314151617181, OK, "", "PF ZF", NO, 0, "" },
	{ I64, "80 3B 01", "", "", 0x80, OK, "", "AF OF", NO, 0, "" },
	{ I64, "66 83 3B FF", "", "", 0xffff, OK, "", "PF ZF", NO, 0, "" },
	/* logic: CF = OF = 0; AF undefined: Intel clears it, AMD/ANY keep it */
	{ I64, "20 03", "", ALL, 0xff, OK, "", "SF", W, 0x80, "AF" },
	{ A64, "20 03", "", ALL, 0xff, OK, "", "AF SF", W, 0x80, "AF" },
	{ 64, "20 03", "", "AF", 0xff, OK, "", "AF SF", W, 0x80, "AF" },
	{ I64, "08 03", "", "", 0x01, OK, "", "PF SF", W, 0x81, "AF" },
	{ I64, "30 03", "", "", 0x80, OK, "", "PF ZF", W, 0x00, "AF" },
	{ I64, "48 33 03", "", "CF OF", 0x1020304050607080, OK, "rax=0", "PF ZF", NO, 0, "AF" },
	{ I64, "84 03", "rax=0x7f", "", 0x80, OK, "", "PF ZF", NO, 0, "AF" },
	{ I64, "F6 03 80", "", "", 0x80, OK, "", "SF", NO, 0, "AF" },
	{ I64, "F7 03 00 00 00 80", "", "", 0xffffffff, OK, "", "PF SF", NO, 0, "AF" },
	{ I64, "48 F7 03 00 00 00 80", "", "", 0x100000000, OK, "", "PF", NO, 0, "AF" },
	/* NOT changes no flag; NEG: CF = source not 0; INC/DEC keep CF */
	{ I64, "F6 13", "", "CF ZF", 0x0f, OK, "", "CF ZF", W, 0xf0, "" },
	{ I64, "F7 1B", "", "CF", 0, OK, "", "PF ZF", W, 0, "" },
	{ I64, "F7 1B", "", "", 0x80000000, OK, "", "CF PF SF OF", W, 0x80000000, "" },
	{ I64, "F6 1B", "", "", 0x01, OK, "", "CF PF AF SF", W, 0xff, "" },
	{ I64, "FE 03", "", "CF", 0x7f, OK, "", "CF AF SF OF", W, 0x80, "" },
	{ I64, "FE 0B", "", "", 0x00, OK, "", "PF AF SF", W, 0xff, "" },
	{ I64, "48 FF 03", "", "", 0xffffffffffffffff, OK, "", "PF AF ZF", W, 0, "" },
	{ I64, "66 FF 0B", "", "CF", 0x8000, OK, "", "CF PF AF OF", W, 0x7fff, "" },
	/* MUL, IMUL: CF = OF = the high half matters; Intel: SF, PF from
	 * the low half, ZF = AF = 0 */
	{ I64, "F6 23", "", "", 0x02, OK, "rax=0x1020304050600100", "CF PF OF", NO, 0, "PF AF ZF SF" },
	{ A64, "F6 23", "", "ZF AF", 0x02, OK, "rax=0x1020304050600100", "CF AF ZF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "F6 23", "rax=0", ALL, 0x02, OK, "", "PF", NO, 0, "PF AF ZF SF" },
	{ I64, "F7 23", "", "", 0x10, OK, "rax=0x06070800 rdx=0x5", "CF PF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "66 F7 23", "rax=0x8000", "", 0x2, OK, "rax=0 rdx=0x1222324252620001", "CF PF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 F7 23", "rax=0xffffffffffffffff", "", 0xffffffffffffffff, OK, "rax=1 rdx=0xfffffffffffffffe", "CF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "F6 2B", "", "", 0xff, OK, "rax=0x1020304050600080", "CF SF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "F6 2B", "rax=0xfe", "", 0xff, OK, "rax=0x0002", "", NO, 0, "PF AF ZF SF" },
	{ I64, "48 F7 2B", "rax=0xfffffffffffffffe", "", 3, OK, "rax=0xfffffffffffffffa rdx=0xffffffffffffffff", "PF SF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 F7 2B", "rax=0x4000000000000000", "", 0xfffffffffffffffe, OK, "rax=0x8000000000000000 rdx=0xffffffffffffffff", "PF SF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 F7 2B", "rax=0x4000000000000000", "", 2, OK, "rax=0x8000000000000000 rdx=0", "CF PF SF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "0F AF 03", "", "", 2, OK, "rax=0xa0c0e100", "CF PF SF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "66 6B 03 FD", "", "", 0x0010, OK, "rax=0x102030405060ffd0", "SF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 69 03 00 00 00 80", "", "", 2, OK, "rax=0xffffffff00000000", "PF SF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 0F AF 03", "rax=0x4000000000000000", "", 2, OK, "rax=0x8000000000000000", "CF PF SF OF", NO, 0, "PF AF ZF SF" },
	{ I64, "48 6B 0B 02", "", "", 0xc000000000000000, OK, "rcx=0x8000000000000000", "PF SF", NO, 0, "PF AF ZF SF" },
	/* DIV, IDIV: every flag undefined (Intel: unchanged); #DE changes
	 * nothing, RIP included */
	{ I64, "F6 33", "", "CF ZF", 0x80, OK, "rax=0x10203040506000e1", "CF ZF", NO, 0, ALL },
	{ I64, "F6 33", "", "", 0x70, DE, "", "", NO, 0, "" },
	{ I64, "F7 33", "", "", 0, DE, "", "", NO, 0, "" },
	{ I64, "F7 33", "rdx=0xffffffff00000000 rax=0xffffffff00000007", "", 2, OK, "rax=3 rdx=1", "", NO, 0, ALL },
	{ I64, "66 F7 33", "rdx=0x0002 rax=0x0003", "", 3, OK, "rax=0xaaab rdx=0x2", "", NO, 0, ALL },
	{ I64, "48 F7 33", "rdx=1 rax=0", "", 2, OK, "rax=0x8000000000000000 rdx=0", "", NO, 0, ALL },
	{ I64, "48 F7 33", "rdx=2 rax=0", "", 2, DE, "", "", NO, 0, "" },
	{ I64, "48 F7 33", "rdx=0x123456789 rax=0xabcdef0123456789", "", 0x1000000000, OK, "rax=0x123456789abcdef0 rdx=0x123456789", "", NO, 0, ALL },
	{ I64, "48 F7 3B", "rdx=0xffffffffffffffff rax=0xfffffffffffffff9", "", 2, OK, "rax=0xfffffffffffffffd rdx=0xffffffffffffffff", "", NO, 0, ALL },
	{ I64, "F6 3B", "rax=0xff80", "", 0xff, DE, "", "", NO, 0, "" },
	{ I64, "F6 3B", "rax=0xff80", "", 0x01, OK, "rax=0x0080", "", NO, 0, ALL },
	{ I64, "F6 3B", "rax=0x00f9", "", 0xfe, OK, "rax=0x0184", "", NO, 0, ALL },
	{ I64, "F6 3B", "rax=0xfff9", "", 0xfe, OK, "rax=0xff03", "", NO, 0, ALL },
	{ I64, "F7 3B", "rdx=0x80000000 rax=0", "", 0xffffffff, DE, "", "", NO, 0, "" },
	{ I64, "66 F7 3B", "rdx=0xffff rax=0xfff9", "", 2, OK, "rax=0xfffd rdx=0xffff", "", NO, 0, ALL },
	{ I64, "48 F7 3B", "rdx=1 rax=0", "", 4, OK, "rax=0x4000000000000000 rdx=0", "", NO, 0, ALL },
	{ I64, "48 F7 3B", "rdx=0xffffffffffffffff rax=0x8000000000000000", "", 0xffffffffffffffff, DE, "", "", NO, 0, "" },
	{ I64, "48 F7 3B", "rdx=0xffffffffffffffff rax=0x8000000000000000", "", 1, OK, "rdx=0", "", NO, 0, ALL },
	{ I64, "48 F7 3B", "rdx=0 rax=0x8000000000000000", "", 0xffffffffffffffff, OK, "", "", NO, 0, ALL },
	{ I64, "48 F7 3B", "rdx=0 rax=0x8000000000000000", "", 1, DE, "", "", NO, 0, "" },
	{ I64, "48 F7 3B", "rdx=0xfffffffffffffffe rax=0", "", 0x7fffffffffffffff, OK, "rax=0xfffffffffffffffc rdx=0xfffffffffffffffc", "", NO, 0, ALL },
	{ A64, "F6 33", "", "CF ZF", 0x80, OK, "rax=0x10203040506000e1", "CF ZF", NO, 0, ALL },
	/* XCHG, XADD */
	{ I64, "87 0B", "", ALL, 0xdeadbeef, OK, "rcx=0xdeadbeef", ALL, W, 0x51617181, "" },
	{ I64, "86 23", "", "", 0x12, OK, "rax=0x1020304050601280", "", W, 0x70, "" },
	{ I64, "48 87 0B", "", "", 0xfedcba9876543210, OK, "rcx=0xfedcba9876543210", "", W, 0x1121314151617181, "" },
	{ I64, "0F C1 0B", "rcx=0xffffffff", "", 1, OK, "rcx=1", "CF PF AF ZF", W, 0, "" },
	{ I64, "F0 0F C0 23", "", "", 0x90, OK, "rax=0x1020304050609080", "CF PF ZF", W, 0x00, "" },
	/* CMPXCHG: flags as CMP accumulator, memory; on failure memory is
	 * written back and the accumulator loaded (a 32-bit one clears bits
	 * 63:32; on success RAX is not written) */
	{ I64, "0F B1 0B", "rax=0xffffffff12345678", "", 0x12345678, OK, "", "PF ZF", W, 0x51617181, "" },
	{ I64, "0F B1 0B", "rax=0xffffffff00000001", "", 2, OK, "rax=2", "CF PF AF SF", WB, 2, "" },
	{ I64, "0F B0 23", "", "", 0x7f, OK, "rax=0x102030405060707f", "AF OF", WB, 0x7f, "" },
	{ I64, "66 0F B1 0B", "", "", 0x7080, OK, "", "PF ZF", W, 0x7181, "" },
	{ I64, "48 0F B1 03", "", "", 0x1020304050607080, OK, "", "PF ZF", W, 0x1020304050607080, "" },
	/* CMPXCHG8B: only ZF */
	{ I64, "0F C7 0B", "rax=0xaaaaaaaa00000001 rdx=0xbbbbbbbb00000002", "CF", 0x0000000200000001, OK, "", "CF ZF", W, 0x5161718153637383, "" },
	{ I64, "0F C7 0B", "rax=0xaaaaaaaa00000001 rdx=0xbbbbbbbb00000002", "CF ZF", 0x0000000300000001, OK, "rax=1 rdx=3", "CF", WB, 0x0000000300000001, "" },
	{ I64, "F0 0F C7 0B", "rax=0x1 rdx=0x2", "ZF", 0x0000000100000002, OK, "rax=2 rdx=1", "", WB, 0x0000000100000002, "" },
	/* BT*: CF = the bit; a register offset counts modulo the width (the
	 * address has moved by the rest); OF SF AF PF undefined (Intel:
	 * unchanged), ZF unchanged */
	{ I64, "0F A3 0B", "rcx=0x25", "PF AF ZF SF OF", 0x20, OK, "", ALL, NO, 0, "PF AF SF OF" },
	{ I64, "0F A3 0B", "rcx=0xffffffff", "", 0x80000000, OK, "", "CF", NO, 0, "PF AF SF OF" },
	{ I64, "66 0F A3 0B", "rcx=0xfff1", "CF", 0x0002, OK, "", "CF", NO, 0, "PF AF SF OF" },
	{ I64, "66 0F A3 0B", "rcx=0xfff1", "CF", 0xfffd, OK, "", "", NO, 0, "PF AF SF OF" },
	{ I64, "48 0F AB 0B", "rcx=63", "CF", 0, OK, "", "", W, 0x8000000000000000, "PF AF SF OF" },
	{ I64, "48 0F AB 0B", "rcx=0xffffffffffffffc0", "", 1, OK, "", "CF", W, 1, "PF AF SF OF" },
	{ I64, "0F BA 33 23", "", "", 0xff, OK, "", "CF", W, 0xf7, "PF AF SF OF" },
	{ I64, "0F BA 3B 07", "", "", 0, OK, "", "", W, 0x80, "PF AF SF OF" },
	{ I64, "66 0F BA 2B 1F", "", "", 0x8000, OK, "", "CF", W, 0x8000, "PF AF SF OF" },
	{ I64, "0F B3 0B", "rcx=4", ALL, 0x0f, OK, "", "PF AF ZF SF OF", W, 0x0f, "PF AF SF OF" },
	{ I64, "0F B3 0B", "rcx=3", "", 0x0f, OK, "", "CF", W, 0x07, "PF AF SF OF" },
	/* shifts: a masked count of 0 changes no flag (the CPU still writes
	 * the operand); OF defined for 1 (Intel: always the top bit against
	 * the bit a one-bit shift brings there); AF undefined (Intel: 0);
	 * CF of SHL/SHR by the width or more undefined */
	{ I64, "D0 23", "", "", 0x81, OK, "", "CF OF", W, 0x02, "AF" },
	{ I64, "C0 23 00", "", "CF ZF", 0x81, OK, "", "CF ZF", W, 0x81, "" },
	{ I64, "C0 23 20", "", "CF ZF", 0x81, OK, "", "CF ZF", W, 0x81, "" },
	{ I64, "48 C1 23 40", "", "CF ZF", 0x81, OK, "", "CF ZF", W, 0x81, "" },
	{ I64, "C0 23 09", "", "", 0xff, OK, "", "PF ZF", W, 0x00, "CF AF OF" },
	{ I64, "C0 23 08", "", "", 0x01, OK, "", "CF PF ZF", W, 0x00, "CF AF OF" },
	{ A64, "C0 23 09", "", "CF AF", 0xff, OK, "", "CF PF AF ZF", W, 0x00, "CF AF OF" },
	{ I64, "C0 23 07", "", "", 0x03, OK, "", "CF SF", W, 0x80, "AF OF" },
	{ I64, "D2 2B", "rcx=0x103", "", 0x8f, OK, "", "CF PF OF", W, 0x11, "AF OF" },
	{ I64, "D1 2B", "", "", 0x80000000, OK, "", "PF OF", W, 0x40000000, "AF" },
	{ I64, "D1 3B", "", "OF", 0x80000001, OK, "", "CF PF SF", W, 0xc0000000, "AF" },
	{ I64, "48 C1 3B 3F", "", "", 0x8000000000000000, OK, "", "PF SF", W, 0xffffffffffffffff, "AF OF" },
	{ I64, "66 C1 3B 1F", "", "", 0x8000, OK, "", "CF PF SF", W, 0xffff, "AF OF" },
	{ I64, "C1 03 04", "", "ZF SF", 0x12345678, OK, "", "CF ZF SF", W, 0x23456781, "OF" },
	{ I64, "D1 0B", "", "", 0x00000001, OK, "", "CF OF", W, 0x80000000, "" },
	{ I64, "C0 0B 08", "", "", 0x81, OK, "", "CF", W, 0x81, "OF" },
	{ I64, "C0 03 10", "", "", 0x80, OK, "", "OF", W, 0x80, "OF" },
	/* RCL/RCR through CF: counts modulo 9 and 17 for 8 and 16 bits */
	{ I64, "C0 13 09", "", "CF OF", 0x55, OK, "", "CF OF", W, 0x55, "OF" },
	{ I64, "C0 13 12", "", "", 0xaa, OK, "", "", W, 0xaa, "OF" },
	{ I64, "C0 13 0A", "", "CF", 0x80, OK, "", "CF OF", W, 0x01, "OF" },
	{ I64, "D0 13", "", "", 0x40, OK, "", "OF", W, 0x80, "" },
	{ I64, "C0 13 08", "", "CF", 0x03, OK, "", "CF", W, 0x81, "OF" },
	{ I64, "66 C1 1B 11", "", "CF", 0x1234, OK, "", "CF", W, 0x1234, "OF" },
	{ I64, "66 C1 1B 10", "", "CF", 0x0001, OK, "", "OF", W, 0x0003, "OF" },
	{ I64, "48 D1 1B", "", "CF", 1, OK, "", "CF OF", W, 0x8000000000000000, "" },
	{ I64, "48 C1 13 3F", "", "", 2, OK, "", "CF", W, 0, "OF" },
	/* SHLD, SHRD; a 16-bit count over 16 is undefined: Intel shifts
	 * the 48-bit v:s:v */
	{ I64, "0F A4 0B 04", "", "", 0x12345678, OK, "", "CF", W, 0x23456785, "AF OF" },
	{ I64, "0F AD 0B", "", "", 0x00000003, OK, "", "CF SF OF", W, 0x80000001, "AF" },
	{ I64, "66 0F A4 0B 14", "", "", 0x1234, OK, "", "CF PF", W, 0x1811, ALL },
	{ I64, "66 0F A4 0B 10", "", "", 0x1235, OK, "", "CF PF", W, 0x7181, "AF OF" },
	{ I64, "48 0F A4 0B 00", "", "ZF", 0x1235, OK, "", "ZF", W, 0x1235, "" },
	{ I64, "48 0F AC 0B 3C", "", "", 0xfedcba9876543210, OK, "", "CF", W, 0x121314151617181f, "AF OF" },
	/* SETcc stores 1 or 0 */
	{ I64, "0F 94 03", "", "ZF", 0, OK, "", "ZF", W, 1, "" },
	{ I64, "0F 95 03", "", "ZF", 0, OK, "", "ZF", W, 0, "" },
	{ I64, "0F 9C 03", "", "SF", 0, OK, "", "SF", W, 1, "" },
	{ I64, "0F 9C 03", "", "SF OF", 0, OK, "", "SF OF", W, 0, "" },
	{ I64, "0F 9E 03", "", "ZF", 0, OK, "", "ZF", W, 1, "" },
	{ I64, "0F 9F 03", "", "OF", 0, OK, "", "OF", W, 0, "" },
	{ I64, "0F 97 03", "", "", 0, OK, "", "", W, 1, "" },
	{ I64, "0F 97 03", "", "CF", 0, OK, "", "CF", W, 0, "" },
	{ I64, "0F 96 03", "", "ZF", 0, OK, "", "ZF", W, 1, "" },
	{ I64, "0F 9A 03", "", "PF", 0, OK, "", "PF", W, 1, "" },
	{ I64, "0F 9B 03", "", "PF", 0, OK, "", "PF", W, 0, "" },
	{ I64, "0F 90 03", "", "OF", 0, OK, "", "OF", W, 1, "" },
	{ I64, "0F 93 03", "", "CF", 0, OK, "", "CF", W, 0, "" },
	{ I64, "0F 99 03", "", "", 0, OK, "", "", W, 1, "" },
	/* CMOVcc reads always; a 32-bit one writes (clears 63:32) either way */
	{ I64, "0F 44 03", "", "ZF", 0x11223344, OK, "rax=0x11223344", "ZF", NO, 0, "" },
	{ I64, "0F 44 03", "", "", 0x11223344, OK, "rax=0x50607080", "", NO, 0, "" },
	{ I64, "66 0F 44 03", "", "", 0x3344, OK, "", "", NO, 0, "" },
	{ I64, "66 0F 45 03", "", "", 0x3344, OK, "rax=0x1020304050603344", "", NO, 0, "" },
	{ I64, "48 0F 4F 03", "", "", 0x1122334455667788, OK, "rax=0x1122334455667788", "", NO, 0, "" },
	{ I64, "4C 0F 4C 3B", "", "", 0x1122334455667788, OK, "", "", NO, 0, "" },
	{ I64, "44 0F 4C 3B", "", "", 0x11223344, OK, "r15=0x5f6f7f8f", "", NO, 0, "" },
	/* the MOV family */
	{ I64, "8A 23", "", ALL, 0x5a, OK, "rax=0x1020304050605a80", ALL, NO, 0, "" },
	{ I64, "8B 03", "", "", 0x89abcdef, OK, "rax=0x89abcdef", "", NO, 0, "" },
	{ I64, "0F B6 03", "", "", 0xff, OK, "rax=0xff", "", NO, 0, "" },
	{ I64, "66 0F B6 03", "", "", 0xff, OK, "rax=0x10203040506000ff", "", NO, 0, "" },
	{ I64, "48 0F BE 03", "", "", 0x80, OK, "rax=0xffffffffffffff80", "", NO, 0, "" },
	{ I64, "0F BF 03", "", "", 0x8000, OK, "rax=0xffff8000", "", NO, 0, "" },
	{ I64, "48 63 03", "", "", 0x80000000, OK, "rax=0xffffffff80000000", "", NO, 0, "" },
	{ I64, "63 03", "", "", 0x80000000, OK, "rax=0x80000000", "", NO, 0, "" },
	{ A64, "66 63 03", "", "", 0x12348765, OK, "rax=0x1020304050608765", "", NO, 0, "" },
	{ I64, "66 63 03", "", "", 0x8765, OK, "rax=0x1020304050608765", "", NO, 0, "" },
	{ I64, "0F 38 F0 03", "", "", 0x12345678, OK, "rax=0x78563412", "", NO, 0, "" },
	{ I64, "66 0F 38 F0 03", "", "", 0x1234, OK, "rax=0x1020304050603412", "", NO, 0, "" },
	{ I64, "66 0F 38 F1 03", "", "", 0, OK, "", "", W, 0x8070, "" },
	{ I64, "48 0F 38 F1 03", "", "", 0, OK, "", "", W, 0x8070605040302010, "" },
	{ I64, "89 03", "", "", 0, OK, "", "", W, 0x50607080, "" },
	{ I64, "88 3B", "", "", 0, OK, "", "", W, 0x73, "" },
	{ I64, "C6 03 AB", "", "", 0, OK, "", "", W, 0xab, "" },
	{ I64, "48 C7 03 00 00 00 80", "", "", 0, OK, "", "", W, 0xffffffff80000000, "" },
	{ I64, "0F C3 0B", "", "", 0, OK, "", "", W, 0x51617181, "" },
	{ I64, "A0 00 10 00 00 00 00 00 00", "", "", 0x12, OK, "rax=0x1020304050607012", "", NO, 0, "" },
	{ I64, "48 A3 00 10 00 00 00 00 00 00", "", "", 0, OK, "", "", W, 0x1020304050607080, "" },
	/* 32- and 16-bit modes: RIP wraps; a 32-bit write clears 63:32 */
	{ AS_INTEL(32), "01 03", "rip=0xfffffffe", "", 1, OK, "rip=0", "PF", W, 0x50607081, "" },
	{ AS_INTEL(32), "0F 44 03", "", "", 0x5, OK, "rax=0x50607080", "", NO, 0, "" },
	{ AS_INTEL(16), "01 07", "rip=0xffff", "", 1, OK, "rip=1", "PF", W, 0x7081, "" },
	{ AS_INTEL(16), "66 F7 27", "rax=0x80000000", "", 4, OK, "rax=0 rdx=2", "CF PF OF", NO, 0, "PF AF ZF SF" },
	{ AS_INTEL(16), "F6 37", "rax=0x0100", "", 0, DE, "", "", NO, 0, "" },
	/* not handled: strings, not OK */
	{ I64, "A4", "", "", 0, NH, "", "", NO, 0, "" },
	{ I64, "AB", "", "", 0, NH, "", "", NO, 0, "" },
	{ I64, "89 D8", "", "", 0, NH, "", "", NO, 0, "" },
	{ I64, "0F 0B", "", "", 0, NH, "", "", NO, 0, "" },
};

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* "rax=0x10 rip=5": sets those registers; false on a bad name. */
static bool apply_regs(struct mmiodec_regs *regs, const char *text)
{
	char name[8];
	int used;

	/* strtoull: values above INT64_MAX are common here */
	while (sscanf(text, " %7[a-z0-9]=%n", name, &used) == 1 && used > 0) {
		char *end;
		uint64_t value = strtoull(text + used, &end, 0);
		bool found = false;

		if (end == text + used)
			return false;
		if (!strcmp(name, "rip")) {
			regs->rip = value;
			found = true;
		}
		for (unsigned i = 0; i < 16 && !found; i++)
			if (!strcmp(name, gpr_names[i])) {
				regs->gpr[i] = value;
				found = true;
			}
		if (!found)
			return false;
		text = end;
		used = 0;
	}
	while (*text == ' ')
		text++;
	return *text == 0;
}

/* "CF ZF" to bits; ~0u on a bad name. */
static uint32_t parse_flags(const char *text)
{
	static const char *const names[12] = {
		"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "", "OF",
	};
	uint32_t flags = 0;
	char name[4];
	int used;

	while (sscanf(text, " %3s%n", name, &used) == 1) {
		unsigned i;
		for (i = 0; i < 12; i++)
			if (names[i][0] && !strcmp(name, names[i]))
				break;
		if (i == 12)
			return ~0u;
		flags |= 1u << i;
		text += used;
	}
	return flags;
}

static void fill_gprs(struct mmiodec_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	for (unsigned i = 0; i < 16; i++)
		regs->gpr[i] = UINT64_C(0x1020304050607080) +
			       i * UINT64_C(0x0101010101010101);
	regs->rip = START_RIP;
}

static int run_case(const struct exec_case *c)
{
	uint8_t bytes[DECODE_CASE_MAX_BYTES];
	size_t len;
	int n = parse_hex(c->bytes, bytes, sizeof(bytes), &len);
	struct mmiodec_insn insn;
	struct mmiodec_regs regs, expect;
	struct mmiodec_exec out;
	int failures = 0;
	uint32_t fin = parse_flags(c->flags_in), fout = parse_flags(c->flags_out);
	uint32_t undefined = parse_flags(c->undefined);

	fill_gprs(&regs);
	if (n < 0 || !apply_regs(&regs, c->in) || fin == ~0u || fout == ~0u ||
	    undefined == ~0u) {
		report(CASE_MODE(c), c->bytes, "malformed case");
		return 1;
	}
	regs.rflags = RFLAGS_IN | fin;
	expect = regs;
	mmiodec_decode_vendor(&insn, bytes, (size_t)n,
			      (enum mmiodec_mode)CASE_MODE(c),
			      (enum mmiodec_vendor)CASE_VENDOR(c));
	if (c->status != NH && insn.status != MMIODEC_OK) {
		report(CASE_MODE(c), c->bytes, "decode status %u", insn.status);
		return 1;
	}
	uint64_t loaded[2] = { c->mem, 0 };
	memset(&out, 0xA5, sizeof(out));
	unsigned status = mmiodec_execute(&insn, &regs, loaded, &out);

	if (status == OK) {
		mmiodec_advance_rip(&insn, &expect);
		expect.rflags = RFLAGS_IN | fout;
		if (!apply_regs(&expect, c->out)) {
			report(CASE_MODE(c), c->bytes, "malformed case");
			return 1;
		}
	}
	if (status != c->status) {
		report(CASE_MODE(c), c->bytes, "status %u, expected %u", status,
		       c->status);
		return 1;
	}
	for (unsigned i = 0; i < 16; i++)
		if (regs.gpr[i] != expect.gpr[i]) {
			report(CASE_MODE(c), c->bytes, "%s 0x%llx, expected 0x%llx",
			       gpr_names[i], (unsigned long long)regs.gpr[i],
			       (unsigned long long)expect.gpr[i]);
			failures++;
		}
	if (regs.rip != expect.rip) {
		report(CASE_MODE(c), c->bytes, "rip 0x%llx, expected 0x%llx",
		       (unsigned long long)regs.rip,
		       (unsigned long long)expect.rip);
		failures++;
	}
	if (regs.rflags != expect.rflags) {
		report(CASE_MODE(c), c->bytes, "rflags 0x%llx, expected 0x%llx",
		       (unsigned long long)regs.rflags,
		       (unsigned long long)expect.rflags);
		failures++;
	}
	if (memcmp(regs.seg_base, expect.seg_base, sizeof(regs.seg_base))) {
		report(CASE_MODE(c), c->bytes, "segment bases changed");
		failures++;
	}
	uint64_t store = c->writes ? c->store : 0;
	if (out.writes != (c->writes != NO) ||
	    out.writes_back != (c->writes == WB) || out.store[0] != store ||
	    out.store[1] != 0 || out.reserved[0] || out.reserved[1]) {
		report(CASE_MODE(c), c->bytes, "writes %u back %u store 0x%llx, "
		       "expected %u %u 0x%llx", out.writes, out.writes_back,
		       (unsigned long long)out.store[0], c->writes != NO,
		       c->writes == WB, (unsigned long long)store);
		failures++;
	}
	if (out.undefined_flags != (status == OK ? undefined : 0)) {
		report(CASE_MODE(c), c->bytes, "undefined flags 0x%x, expected 0x%x",
		       out.undefined_flags, undefined);
		failures++;
	}
	return failures;
}

static void test_cases(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++)
		failures += run_case(&cases[i]);
	assert_int_equal(failures, 0);
}

/* CMPXCHG16B: RDX:RAX against the 16 bytes; RCX:RBX stored on success. */
static void test_cmpxchg16b(void **state)
{
	static const uint8_t bytes[] = { 0x48, 0x0F, 0xC7, 0x0B };
	struct mmiodec_insn insn;
	struct mmiodec_regs regs;
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 0x1020304050607080, 0x1222324252627282 };

	(void)state;
	assert_int_equal(mmiodec_decode_vendor(&insn, bytes, sizeof(bytes),
					       MMIODEC_MODE_64,
					       MMIODEC_VENDOR_INTEL), MMIODEC_OK);
	assert_int_equal(insn.op, MMIODEC_OP_CMPXCHG16B);
	fill_gprs(&regs);
	regs.rflags = RFLAGS_IN | 0x8D5;   /* all six */
	assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out), OK);
	assert_true(out.writes);
	assert_false(out.writes_back);
	assert_int_equal(out.store[0], 0x1323334353637383);
	assert_int_equal(out.store[1], 0x1121314151617181);
	assert_int_equal(regs.rflags, RFLAGS_IN | 0x8D5);
	assert_int_equal(regs.rip, START_RIP + 4);

	fill_gprs(&regs);
	regs.rflags = RFLAGS_IN | 0x040;   /* ZF */
	loaded[1] ^= 1;
	assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out), OK);
	assert_true(out.writes);
	assert_true(out.writes_back);
	assert_int_equal(out.store[0], loaded[0]);
	assert_int_equal(out.store[1], loaded[1]);
	assert_int_equal(regs.gpr[MMIODEC_RAX], loaded[0]);
	assert_int_equal(regs.gpr[MMIODEC_RDX], loaded[1]);
	assert_int_equal(regs.rflags, RFLAGS_IN);
}

/* A register bit offset moves the address (mmiodec_address()); execute
 * then takes the offset modulo the width. */
static void test_bt_address(void **state)
{
	static const struct {
		const char *bytes;
		uint64_t offset;
		int64_t moved;
	} cases[] = {
		{ "0F A3 0B", 0x25, 4 },
		{ "0F A3 0B", 0xffffffff, -4 },
		{ "66 0F A3 0B", 0xfff1, -2 },
		{ "48 0F AB 0B", 0xffffffffffffffc0, -8 },
		{ "48 0F AB 0B", 130, 16 },
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t bytes[8];
		size_t len;
		int n = parse_hex(cases[i].bytes, bytes, sizeof(bytes), &len);
		struct mmiodec_insn insn;
		struct mmiodec_regs regs;
		uint64_t linear;

		fill_gprs(&regs);
		regs.gpr[MMIODEC_RCX] = cases[i].offset;
		regs.gpr[MMIODEC_RBX] = 0x100000;
		assert_int_equal(mmiodec_decode_vendor(&insn, bytes, (size_t)n,
						       MMIODEC_MODE_64,
						       MMIODEC_VENDOR_INTEL),
				 MMIODEC_OK);
		assert_true(mmiodec_address(&insn, &regs, 0, &linear));
		assert_int_equal(linear, 0x100000 + cases[i].moved);
	}
}

/* Bad arguments change nothing and zero *out. */
static void test_arguments(void **state)
{
	static const uint8_t add[] = { 0x01, 0x03 }, mov[] = { 0x89, 0x03 };
	struct mmiodec_insn insn;
	struct mmiodec_regs regs, before;
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 1, 0 };

	(void)state;
	fill_gprs(&regs);
	before = regs;
	mmiodec_decode_vendor(&insn, add, sizeof(add), MMIODEC_MODE_64,
			      MMIODEC_VENDOR_INTEL);
	memset(&out, 0xA5, sizeof(out));
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out), NH);
	assert_int_equal(out.writes, 0);
	assert_int_equal(out.store[0], 0);
	assert_int_equal(mmiodec_execute(NULL, &regs, loaded, &out), NH);
	assert_int_equal(mmiodec_execute(&insn, NULL, loaded, &out), NH);
	assert_int_equal(mmiodec_execute(&insn, &regs, loaded, NULL), NH);
	assert_memory_equal(&regs, &before, sizeof(regs));
	/* a hand-made CMPXCHG8B that claims to be a store still needs the
	 * loaded value (it read loaded[0] through NULL once) */
	static const uint8_t cmpxchg8b[] = { 0x0F, 0xC7, 0x0B };
	mmiodec_decode_vendor(&insn, cmpxchg8b, sizeof(cmpxchg8b), MMIODEC_MODE_64,
			      MMIODEC_VENDOR_INTEL);
	assert_int_equal(insn.op, MMIODEC_OP_CMPXCHG8B);
	insn.direction = MMIODEC_DIR_WRITE;
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out), NH);
	assert_memory_equal(&regs, &before, sizeof(regs));
	/* a store needs no loaded value */
	mmiodec_decode_vendor(&insn, mov, sizeof(mov), MMIODEC_MODE_64,
			      MMIODEC_VENDOR_INTEL);
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out), OK);
	assert_int_equal(out.store[0], 0x50607080);
	assert_int_equal(regs.rip, before.rip + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_cmpxchg16b),
		cmocka_unit_test(test_bt_address),
		cmocka_unit_test(test_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
