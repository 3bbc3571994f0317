/* SPDX-License-Identifier: MIT */
/* Internal: the opcode tables and their lookups. */
#ifndef MMIODEC_TABLES_H
#define MMIODEC_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include "decode.h"

extern const struct opcode_info mmiodec_legacy_map[256];

/* map is MAP_0F, MAP_0F38 or MAP_0F3A; prefix is the mandatory-prefix
 * class (none, 66, F3, F2). */
const struct opcode_info *mmiodec_map0f_info(unsigned map, uint8_t opcode,
				     unsigned prefix, bool mode64);
/* For forms flagged OP_RM_TABLE with mod == 3. */
bool mmiodec_rm_form_valid(unsigned map, uint8_t opcode, unsigned prefix,
		   bool mode64, uint8_t modrm);
bool mmiodec_map0f_rm_valid(unsigned map, uint8_t opcode, unsigned prefix,
		    bool mode64, uint8_t modrm);
bool mmiodec_map0f_has_imm8(uint8_t opcode);
bool mmiodec_amd3dnow_valid(uint8_t suffix);
/* The four rule numbers (memory, memory+b, register, register+b) of a
 * VEX-family opcode, or NULL when it has no valid form under this pp. */
const uint8_t *mmiodec_vex_rules_for(unsigned kind, unsigned map, uint8_t opcode,
			     unsigned pp);
/* A VEX-family rule: { L'L by W in 64-bit mode, VR_* bits, ModRM.reg mask,
 * VH_* bits, L'L by W outside 64-bit mode, vvvv unused/used by L'L }. */
const uint8_t *mmiodec_vex_rule(unsigned rule);

#endif
