/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's input: the bytes of the executable sections of real
 * x86-64 ELF files, concatenated into one buffer.
 */
#ifndef MMIODEC_BENCH_ELF_CORPUS_H
#define MMIODEC_BENCH_ELF_CORPUS_H

#include <stddef.h>
#include <stdint.h>

/** One executable section's bytes, at code[start .. start+length-1]. */
struct corpus_section {
	size_t start;
	size_t length;
};

struct elf_corpus {
	uint8_t *code;            /**< all sections, back to back */
	size_t code_bytes;
	size_t capacity;          /**< the byte budget: code_bytes <= capacity */
	struct corpus_section *sections;
	size_t section_count;
	size_t section_capacity;
	size_t file_count;        /**< ELF files that gave at least one byte */
};

/**
 * Fill `corpus` with up to `max_bytes` bytes of SHF_EXECINSTR sections of
 * x86-64 ELF64 files: each path is such a file or a directory searched
 * recursively, in name order, without following symbolic links. The budget
 * is split evenly between the paths, and no file gives more than
 * `per_file_max` bytes, so that the input is drawn from many programs.
 * Returns 0, or -1 when out of memory.
 */
int elf_corpus_collect(struct elf_corpus *corpus, const char *const *paths,
		       size_t path_count, size_t max_bytes, size_t per_file_max);

void elf_corpus_free(struct elf_corpus *corpus);

#endif
