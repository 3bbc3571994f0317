/* SPDX-License-Identifier: MIT */
/*
 * A program outside mmiodec that uses it as any user would: the installed
 * header, the library found through pkg-config or a Meson subproject.
 * Decodes one store, mov [rax+8], rbx, and checks the descriptor and the
 * helpers' answers. Exit status 0 only when all of them are right.
 */
#include <mmiodec.h>

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "consumer: %s:%d: %s is false\n",  \
				__FILE__, __LINE__, #cond);                \
			return 1;                                          \
		}                                                          \
	} while (0)

int main(void)
{
	static const uint8_t bytes[] = { 0x48, 0x89, 0x58, 0x08, 0x90 };
	struct mmiodec_insn insn;
	struct mmiodec_regs regs;
	uint64_t addr = 0;

	memset(&regs, 0, sizeof(regs));
	regs.gpr[MMIODEC_RAX] = 0x1000;
	regs.gpr[MMIODEC_RBX] = 0x1122334455667788u;
	regs.rip = 0x400000;

	CHECK(sizeof(insn) == 64);
	CHECK(mmiodec_decode_vendor(&insn, bytes, sizeof(bytes), MMIODEC_MODE_64,
				    MMIODEC_VENDOR_INTEL) == MMIODEC_OK);
	CHECK(mmiodec_decode(&insn, bytes, sizeof(bytes), MMIODEC_MODE_64) ==
	      MMIODEC_OK);
	CHECK(insn.op == MMIODEC_OP_MOV);
	CHECK(insn.direction == MMIODEC_DIR_WRITE);
	CHECK(insn.width == 8);
	CHECK(insn.length == 4);
	CHECK(insn.reg_kind == MMIODEC_REG_KIND_GPR);
	CHECK(insn.reg == MMIODEC_RBX);
	CHECK(insn.mem_count == 1);
	CHECK(insn.mem[0].base == MMIODEC_RAX);
	CHECK(insn.mem[0].index == MMIODEC_NO_REG);
	CHECK(insn.mem[0].displacement == 8);
	CHECK(strcmp(mmiodec_mnemonic(&insn), "mov") == 0);
	CHECK(strcmp(mmiodec_status_name(MMIODEC_OK), "ok") == 0);
	CHECK(mmiodec_address(&insn, &regs, 0, &addr) && addr == 0x1008);
	CHECK(mmiodec_store_value(&insn, &regs) == 0x1122334455667788u);
	mmiodec_advance_rip(&insn, &regs);
	CHECK(regs.rip == 0x400004);

	printf("consumer: %s [%s+%lld], %s: %u-byte store at 0x%llx, "
	       "next rip 0x%llx: ok\n",
	       mmiodec_mnemonic(&insn),
	       mmiodec_reg_name(MMIODEC_REG_KIND_GPR, insn.mem[0].base, 8),
	       (long long)insn.mem[0].displacement,
	       mmiodec_reg_name(MMIODEC_REG_KIND_GPR, insn.reg, insn.width),
	       insn.width, (unsigned long long)addr,
	       (unsigned long long)regs.rip);
	return 0;
}
