/* SPDX-License-Identifier: MIT */
/*
 * Real code: a linear sweep over the executable sections of 64-bit x86 ELF
 * files, one instruction at a time as Zydis splits them (one byte on when
 * Zydis rejects the bytes), each judged in 64-bit mode.
 *
 * The ELF headers are read here by offset, with every size and offset
 * checked against the file, so any file can be handed over: what is not a
 * well-formed ELF64 x86-64 file is skipped.
 */
#include "diff.h"

#include <dirent.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 6

/* ELF64 facts (System V ABI): header and section header layout. */
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_X86_64 62
#define EHDR_SIZE 64
#define E_MACHINE 18
#define E_SHOFF 40
#define E_SHENTSIZE 58
#define E_SHNUM 60
#define SHDR_SIZE 64
#define SH_TYPE 4
#define SH_FLAGS 8
#define SH_OFFSET 24
#define SH_SIZE 32
#define SHT_NOBITS 8
#define SHF_EXECINSTR 4

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
	uint64_t value = 0;

	for (unsigned i = bytes; i-- > 0;)
		value = value << 8 | p[i];
	return value;
}

struct sweep_state {
	struct diff_run *run;
	uint64_t budget;      /* total bytes left; UINT64_MAX: none */
	uint64_t file_cap;    /* bytes per file */
	uint64_t files, bytes, instructions;
	bool stopped;
};

/* Sweep one section's bytes; returns the bytes covered. */
static uint64_t sweep_code(struct sweep_state *state, const uint8_t *code, uint64_t size)
{
	uint64_t at = 0;

	while (at < size && !state->stopped) {
		size_t len = size - at < MMIODEC_MAX_LENGTH ? (size_t)(size - at) : MMIODEC_MAX_LENGTH;
		size_t step = 0;

		if (!diff_check_step(state->run, SOURCE_SWEEP, code + at, len, 64, &step))
			state->stopped = true;
		at += step ? step : 1;
		state->instructions++;
	}
	return at < size ? at : size;
}

static void sweep_elf(struct sweep_state *state, const uint8_t *file, uint64_t size)
{
	uint64_t shoff, shnum, shentsize, left;

	if (size < EHDR_SIZE || memcmp(file, "\177ELF", 4) != 0 || file[EI_CLASS] != ELFCLASS64 ||
	    file[EI_DATA] != ELFDATA2LSB || read_le(file + E_MACHINE, 2) != EM_X86_64)
		return;
	shoff = read_le(file + E_SHOFF, 8);
	shentsize = read_le(file + E_SHENTSIZE, 2);
	shnum = read_le(file + E_SHNUM, 2);
	if (shoff == 0 || shentsize < SHDR_SIZE || shoff > size || shoff + SHDR_SIZE > size)
		return;
	/* More than 0xff00 sections: the count is in section 0's sh_size. */
	if (shnum == 0)
		shnum = read_le(file + shoff + SH_SIZE, 8);
	if (shnum > (size - shoff) / shentsize)
		return;

	left = state->file_cap;
	for (uint64_t i = 0; i < shnum && left > 0 && state->budget > 0 && !state->stopped; i++) {
		const uint8_t *header = file + shoff + i * shentsize;
		uint64_t offset = read_le(header + SH_OFFSET, 8);
		uint64_t length = read_le(header + SH_SIZE, 8);
		uint64_t swept;

		if (!(read_le(header + SH_FLAGS, 8) & SHF_EXECINSTR) ||
		    read_le(header + SH_TYPE, 4) == SHT_NOBITS || offset > size ||
		    length > size - offset)
			continue;
		if (length > left)
			length = left;
		if (length > state->budget)
			length = state->budget;
		swept = sweep_code(state, file + offset, length);
		left -= swept;
		state->bytes += swept;
		if (state->budget != UINT64_MAX)
			state->budget -= swept;
	}
	if (left < state->file_cap)
		state->files++;
}

static void sweep_file(struct sweep_state *state, const char *path)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= EHDR_SIZE) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			sweep_elf(state, map, (uint64_t)st.st_size);
			munmap(map, (size_t)st.st_size);
		}
	}
	close(fd);
}

/* ---- Which files: every regular file under the paths, in an order
 * shuffled by the seed so that a budget samples many programs. ---- */

struct file_list {
	char **paths;
	size_t count, capacity;
};

static void add_path(struct file_list *list, const char *path)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 256;
		char **paths = realloc(list->paths, capacity * sizeof(*paths));

		if (!paths)
			return;
		list->paths = paths;
		list->capacity = capacity;
	}
	list->paths[list->count] = strdup(path);
	if (list->paths[list->count])
		list->count++;
}

/* Symbolic links are not followed: they would count files twice and can
 * loop. */
static void collect(struct file_list *list, const char *path, unsigned depth)
{
	struct stat st;
	struct dirent **entries;
	int n;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISREG(st.st_mode)) {
		add_path(list, path);
		return;
	}
	if (!S_ISDIR(st.st_mode) || depth > MAX_DEPTH)
		return;
	n = scandir(path, &entries, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			size_t size = strlen(path) + strlen(name) + 2;
			char *child = malloc(size);

			if (child) {
				snprintf(child, size, "%s/%s", path, name);
				collect(list, child, depth + 1);
				free(child);
			}
		}
		free(entries[i]);
	}
	free(entries);
}

static uint64_t shuffle_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void diff_sweep(struct diff_run *run)
{
	static const char *const default_paths[] = { "/usr/bin", "/usr/lib/x86_64-linux-gnu" };
	const char *const *paths = run->options.sweep_paths;
	unsigned path_count = run->options.sweep_path_count;
	struct sweep_state state = { .run = run };
	struct file_list list = { NULL, 0, 0 };
	uint64_t shuffle = run->options.seed ^ UINT64_C(0x5eed5eed5eed5eed);
	double start = diff_now();
	char name[96];

	if (!run->options.modes[mode_index(64)]) {
		printf("  sweep: skipped (64-bit mode not selected)\n");
		return;
	}
	if (path_count == 0) {
		paths = default_paths;
		path_count = sizeof(default_paths) / sizeof(default_paths[0]);
	}
	for (unsigned i = 0; i < path_count; i++)
		collect(&list, paths[i], 0);
	for (size_t i = list.count; i > 1; i--) {
		size_t j = (size_t)(shuffle_random(&shuffle) % i);
		char *swap = list.paths[i - 1];

		list.paths[i - 1] = list.paths[j];
		list.paths[j] = swap;
	}

	state.budget = run->options.sweep_bytes ? run->options.sweep_bytes : UINT64_MAX;
	/* With a budget, take a slice of many files rather than all of a few. */
	state.file_cap = UINT64_MAX;
	if (run->options.sweep_bytes) {
		state.file_cap = run->options.sweep_bytes / 32;
		if (state.file_cap < 64 * 1024)
			state.file_cap = 64 * 1024;
	}
	for (size_t i = 0; i < list.count; i++) {
		if (state.budget > 0 && !state.stopped)
			sweep_file(&state, list.paths[i]);
		free(list.paths[i]);
	}
	free(list.paths);
	snprintf(name, sizeof(name), "sweep: %.1f MiB of code in %" PRIu64 " ELF files (of %zu)",
		 (double)state.bytes / (1 << 20), state.files, list.count);
	diff_print_phase(name, state.instructions, diff_now() - start, state.stopped);
}
