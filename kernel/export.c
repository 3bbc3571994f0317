/* SPDX-License-Identifier: MIT */
/*
 * mmiodec.ko: the library as a module of its own, for other modules to
 * call; a module may instead link its own copy (kernel/mmiodec.mk).
 */
#include <linux/module.h>

#include "mmiodec.h"

EXPORT_SYMBOL_GPL(mmiodec_decode);
EXPORT_SYMBOL_GPL(mmiodec_decode_vendor);
EXPORT_SYMBOL_GPL(mmiodec_address);
EXPORT_SYMBOL_GPL(mmiodec_store_value);
EXPORT_SYMBOL_GPL(mmiodec_complete_load);
EXPORT_SYMBOL_GPL(mmiodec_advance_rip);
EXPORT_SYMBOL_GPL(mmiodec_string_pending);
EXPORT_SYMBOL_GPL(mmiodec_string_step);
EXPORT_SYMBOL_GPL(mmiodec_execute);
EXPORT_SYMBOL_GPL(mmiodec_vector_mask);
EXPORT_SYMBOL_GPL(mmiodec_vector_store_value);
EXPORT_SYMBOL_GPL(mmiodec_vector_complete_load);
EXPORT_SYMBOL_GPL(mmiodec_status_name);
EXPORT_SYMBOL_GPL(mmiodec_vendor_name);
EXPORT_SYMBOL_GPL(mmiodec_mnemonic);
EXPORT_SYMBOL_GPL(mmiodec_reg_name);
EXPORT_SYMBOL_GPL(mmiodec_seg_name);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("mmiodec: x86 instruction decoder for MMIO emulation");
