/* SPDX-License-Identifier: MIT */
/*
 * The oracle side of the differential test: what Zydis 4 makes of some
 * bytes, said in mmiodec's terms (the status mmiodec should return) and as
 * the JSON line the mmiodec CLI prints (tools/json.h), for an Intel or an
 * AMD processor, or for either (MMIODEC_VENDOR_ANY).
 *
 * Everything here is computed from Zydis's decoded instruction and operands
 * alone, never from mmiodec's answer, so that a comparison of the two is a
 * comparison of two independent decoders. Only mmiodec.h's enums are used.
 *
 * Intel's answer is Zydis's default decoder; AMD's is Zydis with
 * ZYDIS_DECODER_MODE_AMD_BRANCHES. Where Zydis 4.0.0 does not say what the
 * CPU does, a correction (zydis_corrections[], each naming its evidence)
 * changes the answer for the vendor it concerns.
 *
 * Shared by tests/diff (mmiodec-diff), the fuzz target and the benchmark:
 * the two files need only Zydis and include/mmiodec.h.
 */
#ifndef MMIODEC_ZYDIS_JSON_H
#define MMIODEC_ZYDIS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "mmiodec.h"

/* Answers indexed by enum mmiodec_vendor: ANY, INTEL, AMD. */
#define ZYDIS_VENDOR_COUNT 3
#define ZYDIS_VENDOR_BIT(vendor) (1u << (vendor))
#define ZYDIS_VENDORS_ALL 7u

/** Where the harness sides with the CPU against Zydis 4.0.0. */
enum zydis_correction {
	/** 67 + REX.B, SIB base 101, mod 00: disp32 and no base (both). */
	CORRECTION_SIB_NO_BASE,
	/** D2: 66 63 /r memory reads a word (Intel). */
	CORRECTION_MOVSXD_WORD,
	/** D3: SYSENTER/SYSEXIT invalid in 64-bit mode (AMD). */
	CORRECTION_SYSENTER_64,
	/** D4: SYSCALL/SYSRET invalid outside 64-bit mode (Intel). */
	CORRECTION_SYSCALL_LEGACY,
	/** D5: VMREAD/VMWRITE invalid (AMD). */
	CORRECTION_NO_VMX,
	/** D6: LOCK MOV CR0 is MOV CR8 (AMD). */
	CORRECTION_LOCK_MOV_CR8,
	/** D7: UD0 has no ModRM (AMD). */
	CORRECTION_UD0_NO_MODRM,
	/** D8: the rest of VMX invalid (AMD). */
	CORRECTION_NO_VMX_REST,
	/** D9: SVM invalid (Intel). */
	CORRECTION_NO_SVM,
	/** MOVDIR64B's destination is ES:[reg], whatever the prefixes (both). */
	CORRECTION_PORTAL_ES,
	/** ENQCMD/ENQCMDS write ES:[reg], which Zydis does not list (both). */
	CORRECTION_ENQCMD_DESTINATION,
	CORRECTION_COUNT
};

struct zydis_correction_info {
	const char *name;     /**< short, for the report */
	const char *evidence; /**< where the CPU's behaviour is documented */
	unsigned vendors;     /**< ZYDIS_VENDOR_BIT()s of the answers it corrects */
};

extern const struct zydis_correction_info zydis_corrections[CORRECTION_COUNT];

/** A Zydis decoder set up for one mmiodec mode and one vendor. */
struct zydis_oracle {
	ZydisDecoder decoder;
	unsigned mode;   /**< 16, 32 or 64 */
	unsigned vendor; /**< MMIODEC_VENDOR_INTEL or MMIODEC_VENDOR_AMD */
};

/** Both vendors' decoders for one mode. */
struct zydis_vendors {
	struct zydis_oracle intel, amd;
};

/** Zydis's answer for one byte string, for one vendor (or ANY). */
struct zydis_answer {
	/** What ZydisDecoderDecodeFull() returned (for a corrected answer,
	 *  what it returned on the bytes the correction decoded). */
	ZyanStatus zydis_status;
	/** The status mmiodec should return: OK, NO_MEMORY, UNSUPPORTED when
	 *  the instruction is valid; TRUNCATED for ZYDIS_STATUS_NO_MORE_DATA;
	 *  INVALID for any other failure; for ANY where the two vendors'
	 *  answers differ, TRUNCATED if one of them is, else
	 *  VENDOR_DEPENDENT. */
	enum mmiodec_status status;
	/** Instruction length when valid (for VENDOR_DEPENDENT, the two
	 *  vendors' common non-zero length, or 0), else 0. */
	uint8_t length;
	/** enum mmiodec_vendor this answer is for. */
	uint8_t vendor;
	/** Whether the other vendor's answer differs; meaningful only when
	 *  vendor_dependent_known (both vendors were decoded). */
	bool vendor_dependent;
	bool vendor_dependent_known;
	/** The corrections applied, as 1 << enum zydis_correction. */
	uint16_t corrections;
	/** For status OK, the form of src/forms.h Zydis decoded, + 1 (see
	 *  zydis_form_name()); else 0. */
	uint16_t form;
	ZydisDecodedInstruction insn;
	ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
};

/**
 * The descriptor fields a JSON line does not show, as Zydis's answer says
 * they should be (status OK only): see zydis_expected_fields().
 */
struct zydis_fields {
	uint8_t dest_width;   /**< size of the register named, else width */
	uint8_t operand_size; /**< effective operand size in bytes */
	uint8_t address_size; /**< Zydis's address width */
	uint8_t repeat;       /**< a string instruction with a repeat prefix */
	uint8_t locked;       /**< Zydis's HAS_LOCK, or XCHG with memory */
	uint8_t condition;    /**< SETcc/CMOVcc: the condition of the mnemonic */
	uint8_t reg_first;    /**< Zydis's operand 0 is the register named */
};

/** Fill *fields from an answer whose status is OK, in mode. */
void zydis_expected_fields(const struct zydis_answer *answer, unsigned mode,
			   struct zydis_fields *fields);

/**
 * The whole descriptor mmiodec should give, built from Zydis's answer
 * alone (registers numbered as include/mmiodec.h numbers them): for
 * status OK every field; otherwise status, length, mode and the vendor
 * fields, the rest zero. The JSON line shows the same but for the fields
 * of struct zydis_fields; comparing descriptors is faster than comparing
 * lines.
 */
void zydis_expected_descriptor(const struct zydis_answer *answer, unsigned mode,
			       struct mmiodec_insn *out);

/** How many concrete forms src/forms.h lists. */
unsigned zydis_form_count(void);

/** "add 01 /r" and the like: form `index` (0-based) of src/forms.h, for
 *  reports. */
void zydis_form_name(unsigned index, char *out, size_t cap);

/** Whether form `index` is an instruction in mode 16, 32 or 64. */
bool zydis_form_exists(unsigned index, unsigned mode);

/** Set up Zydis for mode 16 (LONG_COMPAT_16), 32 (LONG_COMPAT_32) or 64
 *  (LONG_64), each with the matching stack width, as vendor INTEL or AMD.
 *  False for other modes or vendors. */
bool zydis_oracle_init(struct zydis_oracle *oracle, unsigned mode, unsigned vendor);

/** Decode bytes[0..len) with Zydis as the oracle's vendor, apply that
 *  vendor's corrections and classify the result. vendor_dependent is not
 *  known. Returns answer->status. */
enum mmiodec_status zydis_oracle_decode(const struct zydis_oracle *oracle,
					const uint8_t *bytes, size_t len,
					struct zydis_answer *answer);

bool zydis_vendors_init(struct zydis_vendors *oracles, unsigned mode);

/* zydis_vendors_decode() flags. */
/** Decode with the AMD decoder even where ZYDIS_DECODER_MODE_AMD_BRANCHES
 *  cannot matter (see there), and check that it did not. */
#define ZYDIS_DECODE_VERIFY_SHORTCUT 1u

/**
 * The answers for the vendors in `which` (ZYDIS_VENDOR_BIT()s), in
 * answers[vendor]. ANY needs both vendors and is built from them: their
 * answer where they agree, else VENDOR_DEPENDENT. When both INTEL and AMD
 * are decoded (asked for, or needed for ANY), every answer given has
 * vendor_dependent set and known.
 *
 * AMD_BRANCHES changes only near branches (E8, E9, 0F 80..8F) with a 66
 * prefix in 64-bit mode: elsewhere, that is outside 64-bit mode or without
 * a 66 byte, the AMD decoder's raw answer is taken to be the Intel one and
 * the AMD decoder is not run, unless ZYDIS_DECODE_VERIFY_SHORTCUT is given
 * (a full mmiodec-diff run and fuzz-zydis give it and fail when it finds
 * otherwise; the self-test checks it over the one-byte and 0F maps). Returns
 * false only when that flag is given and the two raw answers differ where
 * the shortcut would have taken them to be equal.
 */
bool zydis_vendors_decode(const struct zydis_vendors *oracles, const uint8_t *bytes,
			  size_t len, unsigned which, unsigned flags,
			  struct zydis_answer answers[ZYDIS_VENDOR_COUNT]);

/** Set vendor_dependent (known) on answers[INTEL] and answers[AMD], and
 *  build answers[ANY] from them; `same`: the caller knows they agree. */
void zydis_vendors_combine(struct zydis_answer answers[ZYDIS_VENDOR_COUNT], bool same);

/** Whether two vendors' answers for the same bytes differ: status, length,
 *  or for a supported form any JSON field but vendor and vendor_dependent. */
bool zydis_answers_differ(const struct zydis_answer *a, const struct zydis_answer *b);

/**
 * The line mmiodec_json_format() should print for bytes[0..len) in mode,
 * built from Zydis's answer. Pass exactly the bytes to show (for a valid
 * instruction, its answer->length bytes, as the harness does). Returns what
 * snprintf would: the length needed, excluding the NUL.
 */
int zydis_json_format(char *out, size_t cap, const uint8_t *bytes, size_t len,
		      unsigned mode, const struct zydis_answer *answer);

/** The short name of a Zydis decoder status ("no-more-data",
 *  "decoding-error", "illegal-lock", ...), or "success". */
const char *zydis_status_name(ZyanStatus status);

/* Where the opcode starts: after the legacy prefixes and (in 64-bit mode)
 * REX bytes. May be len. */
size_t zydis_opcode_start(const uint8_t *bytes, size_t len, unsigned mode);

#endif /* MMIODEC_ZYDIS_JSON_H */
