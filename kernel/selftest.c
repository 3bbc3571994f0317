/* SPDX-License-Identifier: MIT */
/*
 * mmiodec_selftest.ko: the project's test vectors (tests/vectors/, the
 * tables the CMocka tests run), run inside the kernel on mmiodec.ko with
 * the same checks (check_case() of tests/unit/decode_text.c), then a few
 * calls of each emulation helper. Prints a summary to the kernel log:
 *
 *	mmiodec selftest: 806 of 806 cases passed (36 tables), 14 of 14 helper checks
 *	mmiodec selftest: PASS
 *
 * and each failure before it; loading fails (-EINVAL) when one fails.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "mmiodec.h"
#include "unit/decode_text.h"
#include "vectors/all.h"

#define PREFIX "mmiodec selftest: "

static void decode(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
		   unsigned int mode, unsigned int vendor)
{
	/* garbage first, so that a field the decoder forgets shows */
	memset(insn, 0xa5, sizeof(*insn));
	if (vendor == MMIODEC_VENDOR_ANY)
		mmiodec_decode(insn, bytes, len, (enum mmiodec_mode)mode);
	else
		mmiodec_decode_vendor(insn, bytes, len, (enum mmiodec_mode)mode,
				      (enum mmiodec_vendor)vendor);
}

static void report(const struct decode_case *c, const char *message)
{
	pr_err(PREFIX "%u-bit%s [%s]: %s\n", CASE_MODE(c), case_vendor_text(c),
	       c->bytes, message);
}

static unsigned int helper_checks, helper_failures;

static void helper_check(bool ok, const char *what)
{
	helper_checks++;
	if (!ok) {
		pr_err(PREFIX "helper check failed: %s\n", what);
		helper_failures++;
	}
}

#define CHECK(condition) helper_check((condition), #condition)

/* The vector registers: too large for the kernel stack. */
static struct mmiodec_vregs vregs;

/* Each emulation helper and name function once, on known values. */
static void check_helpers(void)
{
	static const uint8_t movsx[] = { 0x48, 0x0F, 0xBE, 0x43, 0x10 };
	static const uint8_t store_ah[] = { 0x88, 0x23 };
	static const uint8_t rep_movsb[] = { 0xF3, 0xA4 };
	static const uint8_t lock_add[] = { 0xF0, 0x01, 0x03 };
	static const uint8_t div_byte[] = { 0xF6, 0x33 };
	static const uint8_t cmpxchg16b[] = { 0xF0, 0x48, 0x0F, 0xC7, 0x0B };
	/* vmovdqu32 zmm2{k1}{z}, [rbx] */
	static const uint8_t masked_load[] = { 0x62, 0xF1, 0x7E, 0xC9, 0x6F, 0x13 };
	uint8_t data[64];
	unsigned int i;
	struct mmiodec_regs regs;
	struct mmiodec_insn insn;
	struct mmiodec_exec out;
	uint64_t loaded[2];
	uint64_t linear = 0;

	memset(&regs, 0, sizeof(regs));
	regs.gpr[MMIODEC_RBX] = 0x1000;
	regs.gpr[MMIODEC_RAX] = 0x1234;
	regs.rip = 0x400000;

	/* movsx rax, byte [rbx+0x10] */
	CHECK(mmiodec_decode(&insn, movsx, sizeof(movsx), MMIODEC_MODE_64) ==
	      MMIODEC_OK);
	CHECK(mmiodec_address(&insn, &regs, 0, &linear) && linear == 0x1010);
	CHECK(mmiodec_complete_load(&insn, &regs, 0x80) &&
	      regs.gpr[MMIODEC_RAX] == 0xffffffffffffff80ull);
	mmiodec_advance_rip(&insn, &regs);
	CHECK(regs.rip == 0x400005);
	CHECK(strcmp(mmiodec_mnemonic(&insn), "movsx") == 0 &&
	      strcmp(mmiodec_status_name(MMIODEC_OK), "ok") == 0 &&
	      strcmp(mmiodec_reg_name(MMIODEC_REG_KIND_GPR, MMIODEC_R15, 4),
		     "r15d") == 0 &&
	      strcmp(mmiodec_seg_name(MMIODEC_SEG_GS), "gs") == 0 &&
	      strcmp(mmiodec_vendor_name(MMIODEC_VENDOR_AMD), "amd") == 0);

	/* mov [rbx], ah */
	regs.gpr[MMIODEC_RAX] = 0x1234;
	CHECK(mmiodec_decode_vendor(&insn, store_ah, sizeof(store_ah),
				    MMIODEC_MODE_64, MMIODEC_VENDOR_INTEL) ==
		      MMIODEC_OK &&
	      mmiodec_store_value(&insn, &regs) == 0x12);

	/* rep movsb with rcx = 2: two iterations */
	regs.gpr[MMIODEC_RCX] = 2;
	regs.gpr[MMIODEC_RSI] = 0x100;
	regs.gpr[MMIODEC_RDI] = 0x200;
	regs.rip = 0x400000;
	CHECK(mmiodec_decode(&insn, rep_movsb, sizeof(rep_movsb),
			     MMIODEC_MODE_64) == MMIODEC_OK &&
	      mmiodec_string_pending(&insn, &regs));
	CHECK(!mmiodec_string_step(&insn, &regs) && regs.rip == 0x400000 &&
	      regs.gpr[MMIODEC_RCX] == 1 && regs.gpr[MMIODEC_RSI] == 0x101);
	CHECK(mmiodec_string_step(&insn, &regs) && regs.rip == 0x400002 &&
	      regs.gpr[MMIODEC_RCX] == 0 && regs.gpr[MMIODEC_RDI] == 0x202);

	/* lock add [rbx], eax: 0xffffffff + 1 wraps to 0 with CF, ZF, AF, PF */
	regs.gpr[MMIODEC_RAX] = 1;
	regs.rflags = 0x2;
	regs.rip = 0x400000;
	loaded[0] = 0xffffffff;
	loaded[1] = 0;
	CHECK(mmiodec_decode_vendor(&insn, lock_add, sizeof(lock_add),
				    MMIODEC_MODE_64, MMIODEC_VENDOR_INTEL) ==
		      MMIODEC_OK && insn.locked);
	CHECK(mmiodec_execute(&insn, &regs, loaded, &out) == MMIODEC_EXEC_OK &&
	      out.writes && out.store[0] == 0 && regs.rflags == 0x57 &&
	      regs.rip == 0x400003);

	/* div byte [rbx] by zero: #DE, nothing changed */
	loaded[0] = 0;
	CHECK(mmiodec_decode(&insn, div_byte, sizeof(div_byte), MMIODEC_MODE_64) ==
		      MMIODEC_OK &&
	      mmiodec_execute(&insn, &regs, loaded, &out) ==
		      MMIODEC_EXEC_DIVIDE_ERROR &&
	      regs.rip == 0x400003 && regs.gpr[MMIODEC_RAX] == 1);

	/* lock cmpxchg16b [rbx], failing: RDX:RAX gets memory, which is
	 * written back */
	regs.gpr[MMIODEC_RDX] = 0;
	loaded[0] = 0x1111;
	loaded[1] = 0x2222;
	CHECK(mmiodec_decode(&insn, cmpxchg16b, sizeof(cmpxchg16b),
			     MMIODEC_MODE_64) == MMIODEC_OK && insn.width == 16 &&
	      mmiodec_execute(&insn, &regs, loaded, &out) == MMIODEC_EXEC_OK &&
	      out.writes && out.writes_back && out.store[0] == 0x1111 &&
	      out.store[1] == 0x2222 && regs.gpr[MMIODEC_RAX] == 0x1111 &&
	      regs.gpr[MMIODEC_RDX] == 0x2222 && !(regs.rflags & 0x40));

	/* a masked, zeroing vector load: k1 = 2 selects element 1 only */
	memset(&vregs, 0x11, sizeof(vregs));
	vregs.k[1] = 2;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	CHECK(mmiodec_decode(&insn, masked_load, sizeof(masked_load),
			     MMIODEC_MODE_64) == MMIODEC_OK &&
	      insn.reg_kind == MMIODEC_REG_KIND_ZMM && insn.mask == 1 &&
	      insn.zeroing && mmiodec_vector_mask(&insn, &vregs) == 0xF0 &&
	      mmiodec_vector_complete_load(&insn, &vregs, data) &&
	      vregs.zmm[2][0] == 0 && vregs.zmm[2][4] == 4 &&
	      vregs.zmm[2][7] == 7 && vregs.zmm[2][8] == 0 &&
	      vregs.zmm[2][63] == 0 && vregs.zmm[1][0] == 0x11);
}

static int __init mmiodec_selftest_init(void)
{
	static const struct case_runner runner = { decode, report };
	unsigned int cases = 0, passed = 0;
	size_t t;

	for (t = 0; t < ARRAY_SIZE(vector_tables); t++) {
		const struct vector_table *table = &vector_tables[t];
		unsigned int i, failed = 0;

		for (i = 0; i < table->count; i++)
			failed += !check_case(&table->cases[i], &runner);
		if (failed)
			pr_err(PREFIX "%s: %u of %u cases failed\n", table->name,
			       failed, table->count);
		cases += table->count;
		passed += table->count - failed;
		cond_resched();
	}
	check_helpers();

	pr_info(PREFIX "%u of %u cases passed (%zu tables), %u of %u helper checks\n",
		passed, cases, ARRAY_SIZE(vector_tables),
		helper_checks - helper_failures, helper_checks);
	if (passed != cases || helper_failures) {
		pr_err(PREFIX "FAIL\n");
		return -EINVAL;
	}
	pr_info(PREFIX "PASS\n");
	return 0;
}

static void __exit mmiodec_selftest_exit(void)
{
}

module_init(mmiodec_selftest_init);
module_exit(mmiodec_selftest_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("mmiodec: the project's test vectors, run in the kernel");
