/* SPDX-License-Identifier: MIT */
/*
 * The JSON formatter on hand-built descriptors, so that it is checked apart
 * from the decoder: field order and null rules, the register named at
 * dest_width, locked, snprintf's truncation contract, and string escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "mmiodec.h"

static void expect_json(const struct mmiodec_insn *insn, const uint8_t *bytes,
			size_t len, unsigned mode, const char *expected)
{
	char out[1024];
	int n = mmiodec_json_format(out, sizeof(out), bytes, len, mode, insn);

	assert_string_equal(out, expected);
	assert_int_equal(n, (int)strlen(expected));
}

/* 67 C7 44 8B FC 78 56 34 12 in 64-bit mode:
 * mov dword [ebx+ecx*4-4], 0x12345678 */
static const uint8_t store_bytes[] = { 0x67, 0xc7, 0x44, 0x8b, 0xfc, 0x78, 0x56, 0x34, 0x12 };

static struct mmiodec_insn store_insn(void)
{
	return (struct mmiodec_insn){
		.status = MMIODEC_OK, .length = 9, .op = MMIODEC_OP_MOV,
		.direction = MMIODEC_DIR_WRITE, .width = 4, .dest_width = 4,
		.reg_kind = MMIODEC_REG_KIND_NONE, .has_immediate = 1,
		.immediate = 0x12345678, .mem_count = 1, .mode = 64,
		.operand_size = 4, .address_size = 32,
		.mem[0] = { .displacement = -4, .segment = MMIODEC_SEG_DS,
			    .base = MMIODEC_RBX, .index = MMIODEC_RCX, .scale = 4,
			    .address_size = 32, .access = MMIODEC_DIR_WRITE },
	};
}

static const char store_json[] =
	"{\"bytes\":\"67c7448bfc78563412\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":9,"
	"\"mnemonic\":\"mov\",\"direction\":\"write\",\"width\":4,\"extend\":\"none\","
	"\"register\":null,\"immediate\":305419896,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":["
	"{\"segment\":\"ds\",\"base\":\"ebx\",\"index\":\"ecx\",\"scale\":4,"
	"\"displacement\":-4,\"address_size\":32,\"access\":\"write\",\"align\":0,\"element\":0}]}";

/* 62 E1 7E CB 6F 40 01 in 64-bit mode: vmovdqu32 xmm16{k3}{z}, [rax+0x10]
 * (EVEX.R' names XMM16; disp8*N: 1 * 16). The mask, EVEX.z and the
 * element size the mask selects (4) show; reg2 does not (only the VMOVLPS
 * loads have one, and reg2 0 would be XMM0). */
static void masked_vector_load(void **state)
{
	static const uint8_t bytes[] = { 0x62, 0xe1, 0x7e, 0xcb, 0x6f, 0x40, 0x01 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 7, .op = MMIODEC_OP_VMOVDQU32,
		.direction = MMIODEC_DIR_READ, .width = 16, .dest_width = 16,
		.reg_kind = MMIODEC_REG_KIND_XMM, .reg = 16, .mem_count = 1, .mode = 64,
		.operand_size = 4, .address_size = 64, .reg_first = 1, .mask = 3, .zeroing = 1,
		.mem[0] = { .displacement = 16, .segment = MMIODEC_SEG_DS, .base = MMIODEC_RAX,
			    .index = MMIODEC_NO_REG, .address_size = 64,
			    .access = MMIODEC_DIR_READ, .element = 4 },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 64,
		    "{\"bytes\":\"62e17ecb6f4001\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
		    "\"vendor_dependent\":false,\"length\":7,\"mnemonic\":\"vmovdqu32\","
		    "\"direction\":\"read\",\"width\":16,\"extend\":\"none\",\"register\":\"xmm16\","
		    "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":\"k3\",\"zeroing\":true,"
		    "\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\",\"index\":null,"
		    "\"scale\":0,\"displacement\":16,\"address_size\":64,\"access\":\"read\","
		    "\"align\":0,\"element\":4}]}");
}

/* C5 F9 13 07: vmovlpd [rdi], xmm0, a store: no reg2 even though the
 * descriptor's reg2 is 0; C5 E8 12 0F: vmovlps xmm1, xmm2, [rdi], a load:
 * reg2 xmm2. And MOVAPS's alignment. */
static void vector_reg2_and_align(void **state)
{
	static const uint8_t load[] = { 0xc5, 0xe8, 0x12, 0x0f };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 4, .op = MMIODEC_OP_VMOVLPS,
		.direction = MMIODEC_DIR_READ, .width = 8, .dest_width = 16,
		.reg_kind = MMIODEC_REG_KIND_XMM, .reg = 1, .reg2 = 2, .mem_count = 1,
		.mode = 64, .operand_size = 4, .address_size = 64, .reg_first = 1,
		.mem[0] = { .segment = MMIODEC_SEG_DS, .base = MMIODEC_RDI,
			    .index = MMIODEC_NO_REG, .address_size = 64, .access = MMIODEC_DIR_READ },
	};
	char out[1024];

	(void)state;
	mmiodec_json_format(out, sizeof(out), load, sizeof(load), 64, &insn);
	assert_non_null(strstr(out, ",\"reg2\":\"xmm2\","));
	insn.direction = insn.mem[0].access = MMIODEC_DIR_WRITE;
	insn.reg2 = 0;
	mmiodec_json_format(out, sizeof(out), load, sizeof(load), 64, &insn);
	assert_non_null(strstr(out, ",\"reg2\":null,"));
	insn.op = MMIODEC_OP_MOVAPS;
	insn.width = 16;
	insn.mem[0].align = 16;
	mmiodec_json_format(out, sizeof(out), load, sizeof(load), 64, &insn);
	assert_non_null(strstr(out, ",\"access\":\"write\",\"align\":16,\"element\":0}"));
}

static void immediate_store(void **state)
{
	struct mmiodec_insn insn = store_insn();

	(void)state;
	expect_json(&insn, store_bytes, sizeof(store_bytes), 64, store_json);
}

/* 48 0F BF 06: movsx rax, word [rsi]. The register is the destination,
 * named at dest_width (rax), not at the access width (ax). */
static void load_names_register_at_dest_width(void **state)
{
	static const uint8_t bytes[] = { 0x48, 0x0f, 0xbf, 0x06 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 4, .op = MMIODEC_OP_MOVSX,
		.direction = MMIODEC_DIR_READ, .width = 2, .dest_width = 8,
		.extend = MMIODEC_EXTEND_SIGN, .reg = MMIODEC_RAX,
		.reg_kind = MMIODEC_REG_KIND_GPR, .mem_count = 1, .mode = 64,
		.operand_size = 8, .address_size = 64,
		.mem[0] = { .segment = MMIODEC_SEG_DS, .base = MMIODEC_RSI,
			    .index = MMIODEC_NO_REG, .address_size = 64,
			    .access = MMIODEC_DIR_READ },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 64,
		    "{\"bytes\":\"480fbf06\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":4,"
		    "\"mnemonic\":\"movsx\",\"direction\":\"read\",\"width\":2,"
		    "\"extend\":\"sign\",\"register\":\"rax\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rsi\","
		    "\"index\":null,\"scale\":0,\"displacement\":0,"
		    "\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}");
}

/* F2 A5 in 32-bit mode: repne movsd, two operands, destination first. */
static void string_move_has_two_operands(void **state)
{
	static const uint8_t bytes[] = { 0xf2, 0xa5 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 2, .op = MMIODEC_OP_MOVS,
		.direction = MMIODEC_DIR_READ_WRITE, .width = 4, .dest_width = 4,
		.reg_kind = MMIODEC_REG_KIND_NONE, .mem_count = 2,
		.rep = MMIODEC_REP_REPNE, .repeat = 1, .mode = 32,
		.operand_size = 4, .address_size = 32,
		.mem[0] = { .segment = MMIODEC_SEG_ES, .base = MMIODEC_RDI,
			    .index = MMIODEC_NO_REG, .address_size = 32,
			    .access = MMIODEC_DIR_WRITE },
		.mem[1] = { .segment = MMIODEC_SEG_DS, .base = MMIODEC_RSI,
			    .index = MMIODEC_NO_REG, .address_size = 32,
			    .access = MMIODEC_DIR_READ },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 32,
		    "{\"bytes\":\"f2a5\",\"mode\":32,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":2,"
		    "\"mnemonic\":\"movsd\",\"direction\":\"read-write\",\"width\":4,"
		    "\"extend\":\"none\",\"register\":null,\"immediate\":null,"
		    "\"rep\":\"repne\",\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":["
		    "{\"segment\":\"es\",\"base\":\"edi\",\"index\":null,\"scale\":0,"
		    "\"displacement\":0,\"address_size\":32,\"access\":\"write\",\"align\":0,\"element\":0},"
		    "{\"segment\":\"ds\",\"base\":\"esi\",\"index\":null,\"scale\":0,"
		    "\"displacement\":0,\"address_size\":32,\"access\":\"read\",\"align\":0,\"element\":0}]}");
}

/* 8B 05 disp32 with 67 in 64-bit mode: mov eax, [eip+0x10]. */
static void rip_base_at_address_size(void **state)
{
	static const uint8_t bytes[] = { 0x67, 0x8b, 0x05, 0x10, 0, 0, 0 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 7, .op = MMIODEC_OP_MOV,
		.direction = MMIODEC_DIR_READ, .width = 4, .dest_width = 4,
		.reg = MMIODEC_RAX, .reg_kind = MMIODEC_REG_KIND_GPR,
		.mem_count = 1, .mode = 64, .operand_size = 4, .address_size = 32,
		.mem[0] = { .displacement = 16, .segment = MMIODEC_SEG_DS,
			    .base = MMIODEC_RIP, .index = MMIODEC_NO_REG,
			    .address_size = 32, .access = MMIODEC_DIR_READ },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 64,
		    "{\"bytes\":\"678b0510000000\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":7,"
		    "\"mnemonic\":\"mov\",\"direction\":\"read\",\"width\":4,"
		    "\"extend\":\"none\",\"register\":\"eax\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"eip\","
		    "\"index\":null,\"scale\":0,\"displacement\":16,"
		    "\"address_size\":32,\"access\":\"read\",\"align\":0,\"element\":0}]}");
}

/* F0 01 08: lock add [rax], ecx: a read-modify-write, locked. */
static void locked_read_modify_write(void **state)
{
	static const uint8_t bytes[] = { 0xf0, 0x01, 0x08 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 3, .op = MMIODEC_OP_ADD,
		.direction = MMIODEC_DIR_READ_WRITE, .width = 4, .dest_width = 4,
		.reg = MMIODEC_RCX, .reg_kind = MMIODEC_REG_KIND_GPR,
		.mem_count = 1, .mode = 64, .operand_size = 4, .address_size = 64,
		.locked = 1,
		.mem[0] = { .segment = MMIODEC_SEG_DS, .base = MMIODEC_RAX,
			    .index = MMIODEC_NO_REG, .address_size = 64,
			    .access = MMIODEC_DIR_READ_WRITE },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 64,
		    "{\"bytes\":\"f00108\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":3,"
		    "\"mnemonic\":\"add\",\"direction\":\"read-write\",\"width\":4,"
		    "\"extend\":\"none\",\"register\":\"ecx\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":true,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
		    "\"index\":null,\"scale\":0,\"displacement\":0,"
		    "\"address_size\":64,\"access\":\"read-write\",\"align\":0,\"element\":0}]}");
}

/* The register is named at dest_width, whatever the access width: D3 20
 * shl dword [rax], cl has cl; F6 30 div byte [rax] has ax. */
static void register_at_its_own_width(void **state)
{
	static const uint8_t shl_bytes[] = { 0xd3, 0x20 };
	static const uint8_t div_bytes[] = { 0xf6, 0x30 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 2, .op = MMIODEC_OP_SHL,
		.direction = MMIODEC_DIR_READ_WRITE, .width = 4, .dest_width = 1,
		.reg = MMIODEC_RCX, .reg_kind = MMIODEC_REG_KIND_GPR,
		.mem_count = 1, .mode = 64, .operand_size = 4, .address_size = 64,
		.mem[0] = { .segment = MMIODEC_SEG_DS, .base = MMIODEC_RAX,
			    .index = MMIODEC_NO_REG, .address_size = 64,
			    .access = MMIODEC_DIR_READ_WRITE },
	};

	(void)state;
	expect_json(&insn, shl_bytes, sizeof(shl_bytes), 64,
		    "{\"bytes\":\"d320\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":2,"
		    "\"mnemonic\":\"shl\",\"direction\":\"read-write\",\"width\":4,"
		    "\"extend\":\"none\",\"register\":\"cl\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
		    "\"index\":null,\"scale\":0,\"displacement\":0,"
		    "\"address_size\":64,\"access\":\"read-write\",\"align\":0,\"element\":0}]}");
	insn.op = MMIODEC_OP_DIV;
	insn.direction = insn.mem[0].access = MMIODEC_DIR_READ;
	insn.width = 1;
	insn.dest_width = 2;
	insn.reg = MMIODEC_RAX;
	expect_json(&insn, div_bytes, sizeof(div_bytes), 64,
		    "{\"bytes\":\"f630\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":2,"
		    "\"mnemonic\":\"div\",\"direction\":\"read\",\"width\":1,"
		    "\"extend\":\"none\",\"register\":\"ax\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
		    "\"index\":null,\"scale\":0,\"displacement\":0,"
		    "\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}");
}

static void string_escapes(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(mmiodec_json_string(out, sizeof(out), "a\"b\\\x01"), 14);
	assert_string_equal(out, "\"a\\\"b\\\\\\u0001\"");
	assert_int_equal(mmiodec_json_string(NULL, 0, ""), 2);
}

/* A register the descriptor claims but that has no name must not look
 * like no register. */
static void unnameable_register_is_not_null(void **state)
{
	static const uint8_t bytes[] = { 0x8b, 0x07 };
	struct mmiodec_insn insn = {
		.status = MMIODEC_OK, .length = 2, .op = MMIODEC_OP_MOV,
		.direction = MMIODEC_DIR_READ, .width = 4, .dest_width = 3,
		.reg = MMIODEC_RAX, .reg_kind = MMIODEC_REG_KIND_GPR,
		.mem_count = 1, .mode = 64, .operand_size = 4, .address_size = 64,
		.mem[0] = { .segment = 9, .base = 40, .index = MMIODEC_NO_REG,
			    .address_size = 64, .access = MMIODEC_DIR_READ },
	};

	(void)state;
	expect_json(&insn, bytes, sizeof(bytes), 64,
		    "{\"bytes\":\"8b07\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"vendor_dependent\":false,\"length\":2,"
		    "\"mnemonic\":\"mov\",\"direction\":\"read\",\"width\":4,"
		    "\"extend\":\"none\",\"register\":\"?\",\"immediate\":null,"
		    "\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"?\",\"base\":\"?\","
		    "\"index\":null,\"scale\":0,\"displacement\":0,"
		    "\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}");
}

/* Only status and (for the three valid statuses) length are shown; stray
 * values in the other fields must not leak out. */
static void statuses_without_access(void **state)
{
	static const uint8_t bytes[] = { 0x89, 0xd8 };
	static const struct {
		uint8_t status;
		const char *json;
	} cases[] = {
		{ MMIODEC_NO_MEMORY, "{\"bytes\":\"89d8\",\"mode\":16,\"vendor\":\"any\",\"status\":\"no-memory\",\"vendor_dependent\":false,\"length\":2}" },
		{ MMIODEC_UNSUPPORTED, "{\"bytes\":\"89d8\",\"mode\":16,\"vendor\":\"any\",\"status\":\"unsupported\",\"vendor_dependent\":false,\"length\":2}" },
		{ MMIODEC_INVALID, "{\"bytes\":\"89d8\",\"mode\":16,\"vendor\":\"any\",\"status\":\"invalid\",\"vendor_dependent\":false}" },
		{ MMIODEC_TRUNCATED, "{\"bytes\":\"89d8\",\"mode\":16,\"vendor\":\"any\",\"status\":\"truncated\",\"vendor_dependent\":false}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmiodec_insn insn = store_insn();

		insn.status = cases[i].status;
		insn.length = 2;
		expect_json(&insn, bytes, sizeof(bytes), 16, cases[i].json);
	}
}

/* Like snprintf: always the full length back; at most cap bytes written,
 * the last of them a NUL; nothing past cap touched. */
static void truncates_like_snprintf(void **state)
{
	struct mmiodec_insn insn = store_insn();
	size_t full = strlen(store_json);

	(void)state;
	assert_int_equal(mmiodec_json_format(NULL, 0, store_bytes, sizeof(store_bytes), 64, &insn),
			 (int)full);
	for (size_t cap = 1; cap <= full + 2; cap++) {
		char out[sizeof(store_json) + 8];
		size_t kept = cap - 1 < full ? cap - 1 : full;

		memset(out, '#', sizeof(out));
		assert_int_equal(mmiodec_json_format(out, cap, store_bytes, sizeof(store_bytes), 64, &insn),
				 (int)full);
		assert_memory_equal(out, store_json, kept);
		assert_int_equal(out[kept], '\0');
		for (size_t k = cap; k < sizeof(out); k++)
			assert_int_equal(out[k], '#');
	}
}

static void bad_input_escapes(void **state)
{
	static const struct {
		const char *text;
		const char *json_text;
	} cases[] = {
		{ "zz", "\"zz\"" },
		{ "", "\"\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "\x01\t\n\r\x1f", "\"\\u0001\\u0009\\u000a\\u000d\\u001f\"" },
		{ "\x7f", "\"\x7f\"" },
		/* é, €, U+1F600: well-formed UTF-8 is kept as it is. */
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		/* Each byte that does not start a well-formed sequence is one
		 * U+FFFD: a stray continuation, overlong, a surrogate, above
		 * U+10FFFF, a sequence cut short by the end. */
		{ "\x80", "\"\\ufffd\"" },
		{ "\xff", "\"\\ufffd\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char expected[256];
		char out[256];
		int n;

		strcpy(expected, "{\"bytes\":");
		strcat(expected, cases[i].json_text);
		strcat(expected, ",\"status\":\"bad-input\",\"error\":\"odd \\\"count\\\"\"}");
		n = mmiodec_json_bad_input(out, sizeof(out), cases[i].text, "odd \"count\"");
		assert_string_equal(out, expected);
		assert_int_equal(n, (int)strlen(expected));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(immediate_store),
		cmocka_unit_test(masked_vector_load),
		cmocka_unit_test(vector_reg2_and_align),
		cmocka_unit_test(load_names_register_at_dest_width),
		cmocka_unit_test(string_move_has_two_operands),
		cmocka_unit_test(rip_base_at_address_size),
		cmocka_unit_test(locked_read_modify_write),
		cmocka_unit_test(register_at_its_own_width),
		cmocka_unit_test(string_escapes),
		cmocka_unit_test(unnameable_register_is_not_null),
		cmocka_unit_test(statuses_without_access),
		cmocka_unit_test(truncates_like_snprintf),
		cmocka_unit_test(bad_input_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
