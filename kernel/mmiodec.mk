# SPDX-License-Identifier: MIT
#
# mmiodec in a Kbuild makefile: an out-of-tree module, or a directory of a
# kernel tree. Set MMIODEC_DIR to the mmiodec tree, relative to the
# directory of the Kbuild file that includes this one, then include it:
#
#	MMIODEC_DIR := mmiodec
#	include $(src)/$(MMIODEC_DIR)/kernel/mmiodec.mk
#	obj-m += mydrv.o
#	mydrv-y := main.o $(MMIODEC_OBJS)
#
# This defines MMIODEC_OBJS, the library's objects (one per src/*.c), and
# MMIODEC_INCLUDE, the directory of mmiodec.h, and adds -I$(MMIODEC_INCLUDE)
# to ccflags-y. Nothing else is needed: the sources compile as they are
# (under __KERNEL__ they take their types from <linux/types.h>).
#
# Several modules, or a module and the kernel image, may each link their
# own copy: only the API (mmiodec_*, the functions of mmiodec.h) is global.
# kernel/Kbuild builds mmiodec.ko, which exports the API to other modules.

MMIODEC_DIR ?= mmiodec

# $(src) is absolute for an external module, relative to $(srctree) in a
# kernel tree.
mmiodec_root := $(if $(filter /%,$(src)),$(src),$(srctree)/$(src))/$(MMIODEC_DIR)
ifeq ($(wildcard $(mmiodec_root)/include/mmiodec.h),)
$(error mmiodec.mk: no $(mmiodec_root)/include/mmiodec.h: set MMIODEC_DIR to the mmiodec tree, relative to $(src))
endif

MMIODEC_OBJS := $(patsubst $(mmiodec_root)/%.c,$(MMIODEC_DIR)/%.o,\
	$(sort $(wildcard $(mmiodec_root)/src/*.c)))
MMIODEC_INCLUDE := $(mmiodec_root)/include
ccflags-y += -I$(MMIODEC_INCLUDE)
