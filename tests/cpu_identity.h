/* SPDX-License-Identifier: MIT */
/*
 * The tests that run on the processor itself (tests/cpu, tests/silicon)
 * decode for the vendor it is: its CPUID vendor string, the mmiodec
 * vendor that string means, and the family, model and stepping they
 * print first. Test-only (hosted C, x86-64).
 */
#ifndef MMIODEC_TESTS_CPU_IDENTITY_H
#define MMIODEC_TESTS_CPU_IDENTITY_H

#include <stdint.h>
#include <string.h>

#include "mmiodec.h"

struct cpu_identity {
	char vendor_id[13];
	enum mmiodec_vendor vendor;   /* ANY when neither Intel nor AMD */
	unsigned family, model, stepping;
	uint32_t max_leaf;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* Hygon's CPUs are AMD's design: they decode as AMD. */
static inline void cpu_identity_read(struct cpu_identity *id)
{
	uint32_t r[4];

	memset(id, 0, sizeof(*id));
	cpuid_count(0, 0, r);
	id->max_leaf = r[0];
	memcpy(id->vendor_id, &r[1], 4);
	memcpy(id->vendor_id + 4, &r[3], 4);
	memcpy(id->vendor_id + 8, &r[2], 4);
	if (!strcmp(id->vendor_id, "GenuineIntel"))
		id->vendor = MMIODEC_VENDOR_INTEL;
	else if (!strcmp(id->vendor_id, "AuthenticAMD") ||
		 !strcmp(id->vendor_id, "HygonGenuine"))
		id->vendor = MMIODEC_VENDOR_AMD;
	else
		id->vendor = MMIODEC_VENDOR_ANY;

	cpuid_count(1, 0, r);
	unsigned base_family = (r[0] >> 8) & 0xF;
	id->family = base_family;
	id->model = (r[0] >> 4) & 0xF;
	id->stepping = r[0] & 0xF;
	if (base_family == 0xF)
		id->family += (r[0] >> 20) & 0xFF;
	if (base_family == 0x6 || base_family == 0xF)
		id->model |= ((r[0] >> 16) & 0xF) << 4;
}

#endif
