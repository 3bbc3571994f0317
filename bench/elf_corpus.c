/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "elf_corpus.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int add_section(struct elf_corpus *corpus, size_t start, size_t length)
{
	if (corpus->section_count == corpus->section_capacity) {
		size_t capacity = corpus->section_capacity ? 2 * corpus->section_capacity : 64;
		struct corpus_section *grown =
			realloc(corpus->sections, capacity * sizeof(*grown));
		if (!grown)
			return -1;
		corpus->sections = grown;
		corpus->section_capacity = capacity;
	}
	corpus->sections[corpus->section_count++] =
		(struct corpus_section){ .start = start, .length = length };
	return 0;
}

static int read_exact(int fd, void *buffer, size_t length, off_t offset)
{
	uint8_t *out = buffer;
	while (length > 0) {
		ssize_t got = pread(fd, out, length, offset);
		if (got <= 0)
			return -1;
		out += got;
		length -= (size_t)got;
		offset += got;
	}
	return 0;
}

static int is_x86_64_elf64(const Elf64_Ehdr *header)
{
	return memcmp(header->e_ident, ELFMAG, SELFMAG) == 0 &&
	       header->e_ident[EI_CLASS] == ELFCLASS64 &&
	       header->e_ident[EI_DATA] == ELFDATA2LSB &&
	       header->e_machine == EM_X86_64 &&
	       header->e_shentsize == sizeof(Elf64_Shdr);
}

/*
 * Append the executable sections of one file, at most `budget` bytes.
 * Returns the number of bytes taken (0 for a file that is not an x86-64
 * ELF64 file or cannot be read), or -1 when out of memory.
 */
static long long take_file(struct elf_corpus *corpus, const char *path, size_t budget)
{
	int fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return 0;

	long long taken = 0;
	Elf64_Shdr *sections = NULL;
	struct stat st;
	Elf64_Ehdr header;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(header) ||
	    read_exact(fd, &header, sizeof(header), 0) != 0 ||
	    !is_x86_64_elf64(&header) || header.e_shnum == 0)
		goto done;

	uint64_t file_size = (uint64_t)st.st_size;
	uint64_t table_size = (uint64_t)header.e_shnum * sizeof(Elf64_Shdr);
	if (header.e_shoff > file_size || table_size > file_size - header.e_shoff)
		goto done;
	sections = malloc(table_size);
	if (!sections) {
		taken = -1;
		goto done;
	}
	if (read_exact(fd, sections, table_size, (off_t)header.e_shoff) != 0)
		goto done;

	for (unsigned i = 0; i < header.e_shnum && (size_t)taken < budget; i++) {
		const Elf64_Shdr *section = &sections[i];
		if (section->sh_type != SHT_PROGBITS || !(section->sh_flags & SHF_EXECINSTR) ||
		    section->sh_size == 0 || section->sh_offset > file_size ||
		    section->sh_size > file_size - section->sh_offset)
			continue;
		size_t length = section->sh_size;
		if (length > budget - (size_t)taken)
			length = budget - (size_t)taken;
		size_t start = corpus->code_bytes;
		if (read_exact(fd, corpus->code + start, length, (off_t)section->sh_offset) != 0)
			continue;
		if (add_section(corpus, start, length) != 0) {
			taken = -1;
			goto done;
		}
		corpus->code_bytes += length;
		taken += (long long)length;
	}
	if (taken > 0)
		corpus->file_count++;
done:
	free(sections);
	close(fd);
	return taken;
}

/* Walk `dir` in name order; returns bytes taken or -1 when out of memory. */
static long long take_tree(struct elf_corpus *corpus, const char *dir, size_t budget,
			   size_t per_file_max)
{
	struct dirent **entries;
	int count = scandir(dir, &entries, NULL, alphasort);
	if (count < 0)
		return 0;

	long long taken = 0;
	for (int i = 0; i < count; i++) {
		const char *name = entries[i]->d_name;
		if (taken < 0 || (size_t)taken >= budget || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0)
			continue;
		char path[4096];
		struct stat st;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		size_t left = budget - (size_t)taken;
		long long got = 0;
		if (S_ISDIR(st.st_mode))
			got = take_tree(corpus, path, left, per_file_max);
		else if (S_ISREG(st.st_mode))
			got = take_file(corpus, path, left < per_file_max ? left : per_file_max);
		taken = got < 0 ? -1 : taken + got;
	}
	for (int i = 0; i < count; i++)
		free(entries[i]);
	free(entries);
	return taken;
}

int elf_corpus_collect(struct elf_corpus *corpus, const char *const *paths,
		       size_t path_count, size_t max_bytes, size_t per_file_max)
{
	*corpus = (struct elf_corpus){ 0 };
	corpus->code = malloc(max_bytes ? max_bytes : 1);
	if (!corpus->code)
		return -1;
	corpus->capacity = max_bytes;

	for (size_t i = 0; i < path_count; i++) {
		/* What one path leaves unused goes to the next ones. */
		size_t budget = (max_bytes - corpus->code_bytes) / (path_count - i);
		struct stat st;
		long long taken = 0;
		if (stat(paths[i], &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			taken = take_tree(corpus, paths[i], budget, per_file_max);
		else if (S_ISREG(st.st_mode))
			taken = take_file(corpus, paths[i], budget < per_file_max ? budget : per_file_max);
		if (taken < 0)
			return -1;
	}
	return 0;
}

void elf_corpus_free(struct elf_corpus *corpus)
{
	free(corpus->code);
	free(corpus->sections);
	*corpus = (struct elf_corpus){ 0 };
}
