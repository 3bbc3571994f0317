/* SPDX-License-Identifier: MIT */
/*
 * mmiodec-diff: decode the same bytes with mmiodec_decode_vendor() and with
 * Zydis 4, as Intel, as AMD and as either, and report every disagreement,
 * grouped, with examples and totals.
 * Run with --help for the options; see diff.h for the parts.
 */
#include "diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#define SHORT_SEED UINT64_C(20250101)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmiodec-diff [options]\n"
		"Decode the same bytes with mmiodec and with Zydis 4 and report where they\n"
		"disagree. Each input is judged as Intel (Zydis's default decoder), as AMD\n"
		"(Zydis's AMD_BRANCHES mode), each with the corrections that name their\n"
		"evidence in zydis_json.c, and as either (ANY: the two combined; mmiodec's\n"
		"ANY answer is also checked against its own INTEL and AMD answers).\n"
		"Exit status 1 when they disagree (in a failing kind), 2 on bad usage.\n"
		"\n"
		"  --short             the CI run: a bounded exhaustive part, 500000 random\n"
		"                      inputs with a fixed seed, 4 MiB of real code\n"
		"  --only PHASE        exhaustive, random or sweep (repeatable; default all)\n"
		"  --mode M            16, 32 or 64 (repeatable; default all three)\n"
		"  --vendor V          intel, amd, any or all (repeatable; default all)\n"
		"  --verify-shortcut   run Zydis's AMD decoder on every input, also where\n"
		"                      AMD_BRANCHES cannot matter, and fail if it did\n"
		"                      (default in a full run, not in --short)\n"
		"  --random N          random inputs, half raw, half structured\n"
		"                      (default 2000000, short 500000)\n"
		"  --seed N            seed of the random inputs and the sweep's file order\n"
		"                      (default from the clock; short: %" PRIu64 ")\n"
		"  --seconds S         stop every phase after S seconds in all\n"
		"  --sweep PATH        an ELF file or a directory to sweep (repeatable;\n"
		"                      default /usr/bin and /usr/lib/x86_64-linux-gnu)\n"
		"  --sweep-bytes N     code bytes to sweep, 0 for all (default 64M, short 4M;\n"
		"                      K, M, G suffixes)\n"
		"  --examples N        examples shown per kind of disagreement (default 10)\n"
		"  --groups N          groups shown per kind of disagreement (default 25)\n"
		"  --prefix-every N    check the prefixes of every N-th valid instruction\n"
		"                      (default 1, short 4)\n"
		"  --strict-truncation make truncated-vs-invalid disagreements fail the run\n"
		"  --check HEX         judge these bytes only (repeatable), in each --mode,\n"
		"                      showing both answers\n"
		"  --self-test         check that the harness itself finds disagreements\n",
		SHORT_SEED);
}

static bool parse_number(const char *text, uint64_t *value)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 0);
	if (errno || end == text || text[0] == '-')
		return false;
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return false;
	*value = n;
	return true;
}

static bool is_value_option(const char *arg)
{
	static const char *const names[] = {
		"--only", "--mode", "--vendor", "--random", "--seed", "--seconds", "--sweep",
		"--sweep-bytes", "--examples", "--groups", "--prefix-every", "--check",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i]) == 0)
			return true;
	return false;
}

enum phase { PHASE_EXHAUSTIVE, PHASE_RANDOM, PHASE_SWEEP, PHASE_COUNT };

static const char *const phase_names[PHASE_COUNT] = { "exhaustive", "random", "sweep" };

static int self_test(void);

/* main() owns the two argument lists, so that every return frees them. */
static int diff_main(int argc, char **argv, const char **sweep_paths, const char **checks)
{
	struct diff_options options = { .examples = 10, .groups = 25 };
	bool phases[PHASE_COUNT] = { false }, any_phase = false, any_mode = false;
	bool seed_given = false, random_given = false, sweep_bytes_given = false;
	bool prefix_every_given = false, verify_given = false;
	unsigned check_count = 0;
	struct diff_run *run;
	int status;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n = 0;
		bool takes_value = true, ok = true;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(arg, "--self-test") == 0) {
			return self_test();
		} else if (strcmp(arg, "--short") == 0) {
			options.short_run = true;
			takes_value = false;
		} else if (strcmp(arg, "--strict-truncation") == 0) {
			options.strict_truncation = true;
			takes_value = false;
		} else if (strcmp(arg, "--verify-shortcut") == 0) {
			options.verify_shortcut = verify_given = true;
			takes_value = false;
		} else if (!is_value_option(arg)) {
			fprintf(stderr, "mmiodec-diff: unknown option %s\n", arg);
			usage(stderr);
			return 2;
		} else if (!value) {
			ok = false;
		} else if (strcmp(arg, "--only") == 0) {
			unsigned p;

			for (p = 0; p < PHASE_COUNT && strcmp(value, phase_names[p]) != 0; p++)
				;
			ok = p < PHASE_COUNT;
			if (ok)
				phases[p] = any_phase = true;
		} else if (strcmp(arg, "--mode") == 0) {
			ok = parse_number(value, &n) && (n == 16 || n == 32 || n == 64);
			if (ok)
				options.modes[mode_index((unsigned)n)] = any_mode = true;
		} else if (strcmp(arg, "--vendor") == 0) {
			if (strcmp(value, "all") == 0)
				options.vendors |= VENDORS_ALL;
			else if (strcmp(value, "intel") == 0)
				options.vendors |= VENDOR_BIT(MMIODEC_VENDOR_INTEL);
			else if (strcmp(value, "amd") == 0)
				options.vendors |= VENDOR_BIT(MMIODEC_VENDOR_AMD);
			else if (strcmp(value, "any") == 0)
				options.vendors |= VENDOR_BIT(MMIODEC_VENDOR_ANY);
			else
				ok = false;
		} else if (strcmp(arg, "--random") == 0) {
			ok = parse_number(value, &options.random_count);
			random_given = true;
		} else if (strcmp(arg, "--seed") == 0) {
			ok = parse_number(value, &options.seed);
			seed_given = true;
		} else if (strcmp(arg, "--seconds") == 0) {
			char *end;

			options.seconds = strtod(value, &end);
			ok = end != value && !*end && options.seconds >= 0;
		} else if (strcmp(arg, "--check") == 0) {
			uint8_t bytes[MMIODEC_MAX_LENGTH];
			size_t len = diff_parse_hex(value, bytes, sizeof(bytes));

			ok = len > 0 && strlen(value) == 2 * len;
			checks[check_count++] = value;
		} else if (strcmp(arg, "--sweep") == 0) {
			sweep_paths[options.sweep_path_count++] = value;
		} else if (strcmp(arg, "--sweep-bytes") == 0) {
			ok = parse_number(value, &options.sweep_bytes);
			sweep_bytes_given = true;
		} else if (strcmp(arg, "--examples") == 0) {
			ok = parse_number(value, &n) && n <= 100000;
			options.examples = (unsigned)n;
		} else if (strcmp(arg, "--groups") == 0) {
			ok = parse_number(value, &n) && n <= 1000000;
			options.groups = (unsigned)n;
		} else if (strcmp(arg, "--prefix-every") == 0) {
			ok = parse_number(value, &n) && n >= 1 && n <= UINT32_MAX;
			options.prefix_every = (unsigned)n;
			prefix_every_given = true;
		}
		if (!ok) {
			fprintf(stderr, "mmiodec-diff: bad or missing value for %s\n", arg);
			return 2;
		}
		if (takes_value)
			i++;
	}
	options.sweep_paths = sweep_paths;
	for (unsigned p = 0; p < PHASE_COUNT; p++)
		phases[p] = phases[p] || !any_phase;
	for (unsigned m = 0; m < MODE_COUNT; m++)
		options.modes[m] = options.modes[m] || !any_mode;
	if (!seed_given)
		options.seed = options.short_run ? SHORT_SEED
						 : (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	if (!random_given)
		options.random_count = options.short_run ? 500000 : 2000000;
	if (!sweep_bytes_given)
		options.sweep_bytes = options.short_run ? 4u << 20 : 64u << 20;
	if (!prefix_every_given)
		options.prefix_every = options.short_run ? 4 : 1;
	if (options.vendors == 0)
		options.vendors = VENDORS_ALL;
	if (!verify_given)
		options.verify_shortcut = !options.short_run;

	run = malloc(sizeof(*run));
	if (!run || !diff_run_init(run, &options)) {
		fprintf(stderr, "mmiodec-diff: cannot set up (memory or Zydis)\n");
		return 2;
	}
	printf("mmiodec-diff (Zydis %u.%u.%u): %s run, modes", ZYDIS_VERSION_MAJOR(ZydisGetVersion()),
	       ZYDIS_VERSION_MINOR(ZydisGetVersion()), ZYDIS_VERSION_PATCH(ZydisGetVersion()),
	       options.short_run ? "short" : "full");
	for (unsigned m = 0; m < MODE_COUNT; m++)
		if (options.modes[m])
			printf(" %u", mode_of_index(m));
	printf(", vendors");
	for (unsigned v = MMIODEC_VENDOR_INTEL;; v = (v + 1) % VENDOR_COUNT) {
		if (options.vendors & VENDOR_BIT(v))
			printf(" %s", diff_vendor_name(v));
		if (v == MMIODEC_VENDOR_ANY)
			break;
	}
	printf(", seed %" PRIu64 " (replay: --seed %" PRIu64 ")\n", options.seed, options.seed);
	fflush(stdout);

	for (unsigned c = 0; c < check_count; c++) {
		uint8_t bytes[MMIODEC_MAX_LENGTH];
		size_t len = diff_parse_hex(checks[c], bytes, sizeof(bytes));

		for (unsigned m = 0; m < MODE_COUNT; m++) {
			if (!options.modes[m])
				continue;
			diff_explain(run, bytes, len, mode_of_index(m), stdout);
			diff_check(run, SOURCE_COMMAND_LINE, bytes, len, mode_of_index(m));
		}
	}
	if (check_count)
		phases[PHASE_EXHAUSTIVE] = phases[PHASE_RANDOM] = phases[PHASE_SWEEP] = false;

	if (phases[PHASE_EXHAUSTIVE] && !run->out_of_time) {
		diff_exhaustive(run);
		/* The walks reach every form of src/forms.h in every mode:
		 * one they ran through without seeing is a failure. */
		run->forms_required = !run->out_of_time;
	}
	if (phases[PHASE_RANDOM] && !run->out_of_time)
		diff_random(run);
	if (phases[PHASE_SWEEP] && !run->out_of_time)
		diff_sweep(run);
	if (run->out_of_time)
		printf("  time limit of %g s reached; later phases skipped\n", options.seconds);

	diff_report(run, stdout);
	printf("elapsed %.2f s\n", diff_now() - run->start);
	status = diff_run_failed(run) ? 1 : 0;
	diff_run_free(run);
	free(run);
	return status;
}

int main(int argc, char **argv)
{
	const char **sweep_paths = calloc((size_t)argc, sizeof(*sweep_paths));
	const char **checks = calloc((size_t)argc, sizeof(*checks));
	int status = 2;

	if (sweep_paths && checks)
		status = diff_main(argc, argv, sweep_paths, checks);
	free(sweep_paths);
	free(checks);
	return status;
}

/* ------------------------------------------------------------------------
 * The self-test: the harness must find disagreements when there are some.
 * It does not judge mmiodec: it feeds the comparator answers that are wrong
 * by construction (relative to Zydis) and checks they are caught, and it
 * checks the Zydis side's JSON against lines written out by hand.
 * --------------------------------------------------------------------- */

static unsigned self_test_failures;

#define EXPECT(cond, ...)                                                            \
	do {                                                                         \
		if (!(cond)) {                                                       \
			self_test_failures++;                                        \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
			printf(__VA_ARGS__);                                         \
			printf("\n");                                                \
		}                                                                    \
	} while (0)


static struct zydis_vendors self_oracles[MODE_COUNT];

/* The Zydis side's line for instructions whose answer is known. */
/* VENDOR_EACH: the same line as each vendor and ANY, with "vendor":"any"
 * replaced by the vendor's name. */
#define VENDOR_EACH 7u

static const struct {
	unsigned mode;
	const char *hex;
	const char *json;
	unsigned vendor;
} golden_lines[] = {
	{ 64, "8827",
	  "{\"bytes\":\"8827\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"mov\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":\"ah\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rdi\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "f3a5",
	  "{\"bytes\":\"f3a5\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"movsd\","
	  "\"direction\":\"read-write\",\"width\":4,\"extend\":\"none\",\"register\":null,"
	  "\"immediate\":null,\"rep\":\"rep\",\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"es\",\"base\":\"rdi\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,\"access\":\"write\",\"align\":0,\"element\":0},"
	  "{\"segment\":\"ds\",\"base\":\"rsi\",\"index\":null,\"scale\":0,\"displacement\":0,"
	  "\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "48c700ffffffff",
	  "{\"bytes\":\"48c700ffffffff\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":7,"
	  "\"mnemonic\":\"mov\",\"direction\":\"write\",\"width\":8,\"extend\":\"none\","
	  "\"register\":null,\"immediate\":18446744073709551615,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":["
	  "{\"segment\":\"ds\",\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,"
	  "\"address_size\":64,\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "c600ff",
	  "{\"bytes\":\"c600ff\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"mov\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":null,"
	  "\"immediate\":255,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "0fb600",
	  "{\"bytes\":\"0fb600\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"movzx\","
	  "\"direction\":\"read\",\"width\":1,\"extend\":\"zero\",\"register\":\"eax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "67a0ffffffff",
	  "{\"bytes\":\"67a0ffffffff\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":6,"
	  "\"mnemonic\":\"mov\",\"direction\":\"read\",\"width\":1,\"extend\":\"none\","
	  "\"register\":\"al\",\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":null,\"index\":null,\"scale\":0,\"displacement\":-1,\"address_size\":32,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 16, "8800",
	  "{\"bytes\":\"8800\",\"mode\":16,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"mov\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":\"al\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"bx\","
	  "\"index\":\"si\",\"scale\":1,\"displacement\":0,\"address_size\":16,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "4a8b44a0f0",
	  "{\"bytes\":\"4a8b44a0f0\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":5,\"mnemonic\":\"mov\","
	  "\"direction\":\"read\",\"width\":8,\"extend\":\"none\",\"register\":\"rax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
	  "\"index\":\"r12\",\"scale\":4,\"displacement\":-16,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "8b0511223344",
	  "{\"bytes\":\"8b0511223344\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":6,\"mnemonic\":\"mov\","
	  "\"direction\":\"read\",\"width\":4,\"extend\":\"none\",\"register\":\"eax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rip\","
	  "\"index\":null,\"scale\":0,\"displacement\":1144201745,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "66ad",
	  "{\"bytes\":\"66ad\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"lodsw\","
	  "\"direction\":\"read\",\"width\":2,\"extend\":\"none\",\"register\":\"ax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rsi\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "f2aa",
	  "{\"bytes\":\"f2aa\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"stosb\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":\"al\","
	  "\"immediate\":null,\"rep\":\"repne\",\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"es\",\"base\":\"rdi\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "6300",
	  "{\"bytes\":\"6300\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"movsxd\","
	  "\"direction\":\"read\",\"width\":4,\"extend\":\"sign\",\"register\":\"eax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "64a31122334455667788",
	  "{\"bytes\":\"64a31122334455667788\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":10,"
	  "\"mnemonic\":\"mov\",\"direction\":\"write\",\"width\":4,\"extend\":\"none\","
	  "\"register\":\"eax\",\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"fs\","
	  "\"base\":null,\"index\":null,\"scale\":0,\"displacement\":-8613303245920329199,"
	  "\"address_size\":64,\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 32, "2e8800",
	  "{\"bytes\":\"2e8800\",\"mode\":32,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"mov\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":\"al\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"cs\",\"base\":\"eax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":32,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	/* Tier 2: a locked read-modify-write, XCHG locked without F0, a
	 * shift by CL (cl, at its own width), a byte DIV (ax), SETcc, CMOVcc
	 * (the register first), CMPXCHG8B (edx:eax, 8 bytes, read-write). */
	{ 64, "f00118",
	  "{\"bytes\":\"f00118\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"add\","
	  "\"direction\":\"read-write\",\"width\":4,\"extend\":\"none\",\"register\":\"ebx\","
	  "\"immediate\":null,\"rep\":null,\"locked\":true,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read-write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 32, "8620",
	  "{\"bytes\":\"8620\",\"mode\":32,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"xchg\","
	  "\"direction\":\"read-write\",\"width\":1,\"extend\":\"none\",\"register\":\"ah\","
	  "\"immediate\":null,\"rep\":null,\"locked\":true,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"eax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":32,"
	  "\"access\":\"read-write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "48d320",
	  "{\"bytes\":\"48d320\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"shl\","
	  "\"direction\":\"read-write\",\"width\":8,\"extend\":\"none\",\"register\":\"cl\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read-write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "d120",
	  "{\"bytes\":\"d120\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"shl\","
	  "\"direction\":\"read-write\",\"width\":4,\"extend\":\"none\",\"register\":null,"
	  "\"immediate\":1,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read-write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 16, "f630",
	  "{\"bytes\":\"f630\",\"mode\":16,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":2,\"mnemonic\":\"div\","
	  "\"direction\":\"read\",\"width\":1,\"extend\":\"none\",\"register\":\"ax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"bx\",\"index\":\"si\",\"scale\":1,\"displacement\":0,\"address_size\":16,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "0f9400",
	  "{\"bytes\":\"0f9400\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"setz\","
	  "\"direction\":\"write\",\"width\":1,\"extend\":\"none\",\"register\":null,"
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "0fc708",
	  "{\"bytes\":\"0fc708\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"cmpxchg8b\","
	  "\"direction\":\"read-write\",\"width\":8,\"extend\":\"none\",\"register\":\"eax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read-write\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "90",
	  "{\"bytes\":\"90\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":1}", VENDOR_EACH },
	{ 64, "8d00",
	  "{\"bytes\":\"8d00\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	{ 64, "0f2000",
	  "{\"bytes\":\"0f2000\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":3}", VENDOR_EACH },
	{ 64, "6a00",
	  "{\"bytes\":\"6a00\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	{ 64, "4088c0",
	  "{\"bytes\":\"4088c0\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":3}", VENDOR_EACH },
	{ 64, "ff10",
	  "{\"bytes\":\"ff10\",\"mode\":64,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	{ 64, "8c00",
	  "{\"bytes\":\"8c00\",\"mode\":64,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	/* Tier 3: the Zydis side's lines, hand-checked against the SDM: MOVSD
	 * xmm, m64; VMOVUPS m512{k5}, zmm16 (EVEX.R', disp8*64: 0x0f * 64 = 960,
	 * elements of 4 selected); VMOVLPS xmm1, xmm2, m64 (reg2 = VEX.vvvv);
	 * MOVAPD m128, xmm0 (aligned to 16); VMOVDQU64 zmm0{k7}{z}, m512;
	 * MOVD mm0, m32 in 32-bit mode; MOVDIR64B with FS (its destination stays
	 * ES:[rcx]: correct_portal_es()); ENQCMD (the destination Zydis omits:
	 * correct_enqcmd_destination()). */
	{ 64, "f20f1000",
	  "{\"bytes\":\"f20f1000\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":4,\"mnemonic\":\"movsd\",\"direction\":\"read\","
	  "\"width\":8,\"extend\":\"none\",\"register\":\"xmm0\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "62e17c4d11400f",
	  "{\"bytes\":\"62e17c4d11400f\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":7,\"mnemonic\":\"vmovups\",\"direction\":\"write\","
	  "\"width\":64,\"extend\":\"none\",\"register\":\"zmm16\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":\"k5\",\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":960,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":0,\"element\":4}]}", VENDOR_EACH },
	{ 64, "c5e81208",
	  "{\"bytes\":\"c5e81208\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":4,\"mnemonic\":\"vmovlps\",\"direction\":\"read\","
	  "\"width\":8,\"extend\":\"none\",\"register\":\"xmm1\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":\"xmm2\",\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "660f2900",
	  "{\"bytes\":\"660f2900\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":4,\"mnemonic\":\"movapd\",\"direction\":\"write\","
	  "\"width\":16,\"extend\":\"none\",\"register\":\"xmm0\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":16,\"element\":0}]}", VENDOR_EACH },
	{ 64, "62f1fecf6f00",
	  "{\"bytes\":\"62f1fecf6f00\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":6,\"mnemonic\":\"vmovdqu64\",\"direction\":\"read\","
	  "\"width\":64,\"extend\":\"none\",\"register\":\"zmm0\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":\"k7\",\"zeroing\":true,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"rax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"read\",\"align\":0,\"element\":8}]}", VENDOR_EACH },
	{ 32, "0f6e00",
	  "{\"bytes\":\"0f6e00\",\"mode\":32,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":3,\"mnemonic\":\"movd\",\"direction\":\"read\","
	  "\"width\":4,\"extend\":\"none\",\"register\":\"mm0\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\","
	  "\"base\":\"eax\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":32,"
	  "\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "64660f38f808",
	  "{\"bytes\":\"64660f38f808\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":6,\"mnemonic\":\"movdir64b\",\"direction\":\"read-write\","
	  "\"width\":64,\"extend\":\"none\",\"register\":\"rcx\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"es\","
	  "\"base\":\"rcx\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":64,\"element\":0},{\"segment\":\"fs\",\"base\":\"rax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,\"access\":\"read\","
	  "\"align\":0,\"element\":0}]}", VENDOR_EACH },
	/* MOVDIR64B rax, [rax*1+disp32] (SIB base 101, mod 00: no base): the
	 * destination ES:[rax] keeps its base (correct_sib_no_base() is the
	 * ModRM operand's; the full tier-3 run found it applied to both). */
	{ 64, "660f38f8040511223344",
	  "{\"bytes\":\"660f38f8040511223344\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":10,\"mnemonic\":\"movdir64b\","
	  "\"direction\":\"read-write\",\"width\":64,\"extend\":\"none\",\"register\":\"rax\","
	  "\"immediate\":null,\"rep\":null,\"locked\":false,\"mask\":null,\"zeroing\":false,"
	  "\"reg2\":null,\"memory\":[{\"segment\":\"es\",\"base\":\"rax\",\"index\":null,"
	  "\"scale\":0,\"displacement\":0,\"address_size\":64,\"access\":\"write\",\"align\":64,"
	  "\"element\":0},{\"segment\":\"ds\",\"base\":null,\"index\":\"rax\",\"scale\":1,"
	  "\"displacement\":1144201745,\"address_size\":64,\"access\":\"read\",\"align\":0,"
	  "\"element\":0}]}", VENDOR_EACH },
	{ 64, "f20f38f808",
	  "{\"bytes\":\"f20f38f808\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":5,\"mnemonic\":\"enqcmd\",\"direction\":\"read-write\","
	  "\"width\":64,\"extend\":\"none\",\"register\":\"rcx\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"es\","
	  "\"base\":\"rcx\",\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,"
	  "\"access\":\"write\",\"align\":64,\"element\":0},{\"segment\":\"ds\",\"base\":\"rax\","
	  "\"index\":null,\"scale\":0,\"displacement\":0,\"address_size\":64,\"access\":\"read\","
	  "\"align\":0,\"element\":0}]}", VENDOR_EACH },
	{ 64, "d7",
	  "{\"bytes\":\"d7\",\"mode\":64,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":1}", VENDOR_EACH },
	{ 64, "a6",
	  "{\"bytes\":\"a6\",\"mode\":64,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":1}", VENDOR_EACH },
	{ 64, "6c",
	  "{\"bytes\":\"6c\",\"mode\":64,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":1}", VENDOR_EACH },
	{ 32, "6300",
	  "{\"bytes\":\"6300\",\"mode\":32,\"vendor\":\"any\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	{ 64, "f0880000",
	  "{\"bytes\":\"f0880000\",\"mode\":64,\"vendor\":\"any\",\"status\":\"invalid\","
	  "\"vendor_dependent\":false}", VENDOR_EACH },
	{ 64, "8b",
	  "{\"bytes\":\"8b\",\"mode\":64,\"vendor\":\"any\",\"status\":\"truncated\","
	  "\"vendor_dependent\":false}", VENDOR_EACH },
	/* D1: 66 E8/E9/0F 8x in 64-bit mode: rel16 on AMD, rel32 on Intel;
	 * REX.W or another mode switch it off. */
	{ 64, "66e81122",
	  "{\"bytes\":\"66e81122\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"truncated\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "66e81122",
	  "{\"bytes\":\"66e81122\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":4}", MMIODEC_VENDOR_AMD },
	{ 64, "66e81122",
	  "{\"bytes\":\"66e81122\",\"mode\":64,\"vendor\":\"any\",\"status\":\"truncated\","
	  "\"vendor_dependent\":false}", MMIODEC_VENDOR_ANY },
	{ 64, "66e811223344",
	  "{\"bytes\":\"66e811223344\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":6}", MMIODEC_VENDOR_INTEL },
	{ 64, "66e811223344",
	  "{\"bytes\":\"66e811223344\",\"mode\":64,\"vendor\":\"any\","
	  "\"status\":\"vendor-dependent\",\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 64, "660f851122",
	  "{\"bytes\":\"660f851122\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":5}", MMIODEC_VENDOR_AMD },
	{ 64, "66480f8511223344",
	  "{\"bytes\":\"66480f8511223344\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":8}", VENDOR_EACH },
	{ 32, "66e81122",
	  "{\"bytes\":\"66e81122\",\"mode\":32,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":4}", VENDOR_EACH },
	/* D2: 66 63 /r memory: a word on Intel, a dword on AMD. */
	{ 64, "666300",
	  "{\"bytes\":\"666300\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"ok\","
	  "\"vendor_dependent\":true,\"length\":3,\"mnemonic\":\"movsxd\",\"direction\":\"read\","
	  "\"width\":2,\"extend\":\"sign\",\"register\":\"ax\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\",\"index\":null,\"scale\":0,"
	  "\"displacement\":0,\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}", MMIODEC_VENDOR_INTEL },
	{ 64, "666300",
	  "{\"bytes\":\"666300\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"ok\","
	  "\"vendor_dependent\":true,\"length\":3,\"mnemonic\":\"movsxd\",\"direction\":\"read\","
	  "\"width\":4,\"extend\":\"sign\",\"register\":\"ax\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\",\"index\":null,\"scale\":0,"
	  "\"displacement\":0,\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}", MMIODEC_VENDOR_AMD },
	{ 64, "666300",
	  "{\"bytes\":\"666300\",\"mode\":64,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true,\"length\":3}", MMIODEC_VENDOR_ANY },
	{ 64, "66486300",
	  "{\"bytes\":\"66486300\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\","
	  "\"vendor_dependent\":false,\"length\":4,\"mnemonic\":\"movsxd\",\"direction\":\"read\","
	  "\"width\":4,\"extend\":\"sign\",\"register\":\"rax\",\"immediate\":null,\"rep\":null,"
	  "\"locked\":false,\"mask\":null,\"zeroing\":false,\"reg2\":null,\"memory\":[{\"segment\":\"ds\",\"base\":\"rax\",\"index\":null,\"scale\":0,"
	  "\"displacement\":0,\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}]}", VENDOR_EACH },
	/* D3: SYSENTER/SYSEXIT, invalid in 64-bit mode on AMD. */
	{ 64, "0f34",
	  "{\"bytes\":\"0f34\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":2}", MMIODEC_VENDOR_INTEL },
	{ 64, "0f34",
	  "{\"bytes\":\"0f34\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_AMD },
	{ 64, "0f34",
	  "{\"bytes\":\"0f34\",\"mode\":64,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 32, "0f34",
	  "{\"bytes\":\"0f34\",\"mode\":32,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	/* D4: SYSCALL/SYSRET, invalid outside 64-bit mode on Intel. */
	{ 32, "0f05",
	  "{\"bytes\":\"0f05\",\"mode\":32,\"vendor\":\"intel\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 32, "0f05",
	  "{\"bytes\":\"0f05\",\"mode\":32,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":2}", MMIODEC_VENDOR_AMD },
	{ 32, "0f05",
	  "{\"bytes\":\"0f05\",\"mode\":32,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 16, "0f07",
	  "{\"bytes\":\"0f07\",\"mode\":16,\"vendor\":\"intel\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "0f05",
	  "{\"bytes\":\"0f05\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":2}", VENDOR_EACH },
	/* D5: VMREAD/VMWRITE, invalid on AMD (and so even before the
	 * ModRM); with 66, EXTRQ on both. */
	{ 64, "0f7800",
	  "{\"bytes\":\"0f7800\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":true,\"length\":3}", MMIODEC_VENDOR_INTEL },
	{ 64, "0f7800",
	  "{\"bytes\":\"0f7800\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_AMD },
	{ 64, "0f7800",
	  "{\"bytes\":\"0f7800\",\"mode\":64,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 16, "0f78",
	  "{\"bytes\":\"0f78\",\"mode\":16,\"vendor\":\"intel\",\"status\":\"truncated\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 16, "0f78",
	  "{\"bytes\":\"0f78\",\"mode\":16,\"vendor\":\"amd\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_AMD },
	{ 64, "660f78c01122",
	  "{\"bytes\":\"660f78c01122\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":false,\"length\":6}", VENDOR_EACH },
	/* D6: LOCK MOV CR0 is MOV CR8 on AMD; other CRs, or REX.R: invalid
	 * on both. */
	{ 64, "f00f20c0",
	  "{\"bytes\":\"f00f20c0\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "f00f20c0",
	  "{\"bytes\":\"f00f20c0\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":4}", MMIODEC_VENDOR_AMD },
	{ 64, "f00f20c0",
	  "{\"bytes\":\"f00f20c0\",\"mode\":64,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 32, "f00f22c0",
	  "{\"bytes\":\"f00f22c0\",\"mode\":32,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":4}", MMIODEC_VENDOR_AMD },
	{ 64, "f00f20c8",
	  "{\"bytes\":\"f00f20c8\",\"mode\":64,\"vendor\":\"any\",\"status\":\"invalid\","
	  "\"vendor_dependent\":false}", VENDOR_EACH },
	{ 64, "f0440f20c0",
	  "{\"bytes\":\"f0440f20c0\",\"mode\":64,\"vendor\":\"any\",\"status\":\"invalid\","
	  "\"vendor_dependent\":false}", VENDOR_EACH },
	/* D7: UD0 without ModRM on AMD, up to the 15-byte limit. */
	{ 64, "0fff00",
	  "{\"bytes\":\"0fff00\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"unsupported\","
	  "\"vendor_dependent\":true,\"length\":3}", MMIODEC_VENDOR_INTEL },
	{ 64, "0fff",
	  "{\"bytes\":\"0fff\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"no-memory\","
	  "\"vendor_dependent\":true,\"length\":2}", MMIODEC_VENDOR_AMD },
	{ 64, "0fff00",
	  "{\"bytes\":\"0fff00\",\"mode\":64,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 16, "0fffc0",
	  "{\"bytes\":\"0fffc0\",\"mode\":16,\"vendor\":\"any\",\"status\":\"vendor-dependent\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_ANY },
	{ 64, "0fff",
	  "{\"bytes\":\"0fff\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"truncated\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "f00fff",
	  "{\"bytes\":\"f00fff\",\"mode\":64,\"vendor\":\"intel\",\"status\":\"truncated\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "f00fff",
	  "{\"bytes\":\"f00fff\",\"mode\":64,\"vendor\":\"amd\",\"status\":\"invalid\","
	  "\"vendor_dependent\":true}", MMIODEC_VENDOR_AMD },
	{ 64, "666666666666666666666666660fff",
	  "{\"bytes\":\"666666666666666666666666660fff\",\"mode\":64,\"vendor\":\"intel\","
	  "\"status\":\"invalid\",\"vendor_dependent\":true}", MMIODEC_VENDOR_INTEL },
	{ 64, "666666666666666666666666660fff",
	  "{\"bytes\":\"666666666666666666666666660fff\",\"mode\":64,\"vendor\":\"amd\","
	  "\"status\":\"no-memory\",\"vendor_dependent\":true,\"length\":15}", MMIODEC_VENDOR_AMD },
};

/* A copy of `line` with the first `from` after the first `after` replaced. */
static void edit(char *out, size_t cap, const char *line, const char *after, const char *from,
		 const char *to)
{
	const char *start = strstr(line, after);
	const char *at = start ? strstr(start + strlen(after), from) : NULL;

	if (!at) {
		snprintf(out, cap, "%s", line);
		return;
	}
	snprintf(out, cap, "%.*s%s%s", (int)(at - line), line, to, at + strlen(from));
}

/* Zydis's answers, as each vendor and ANY, the way the harness gets them. */
static void zydis_all(unsigned mode, const uint8_t *bytes, size_t len,
		      struct zydis_answer answers[VENDOR_COUNT])
{
	zydis_vendors_decode(&self_oracles[mode_index(mode)], bytes, len, VENDORS_ALL, 0, answers);
}

static void test_golden_lines(void)
{
	for (size_t i = 0; i < sizeof(golden_lines) / sizeof(golden_lines[0]); i++) {
		uint8_t bytes[MMIODEC_MAX_LENGTH];
		size_t len = diff_parse_hex(golden_lines[i].hex, bytes, sizeof(bytes));
		unsigned mode = golden_lines[i].mode;
		struct zydis_answer zydis[VENDOR_COUNT];

		zydis_all(mode, bytes, len, zydis);
		for (unsigned v = 0; v < VENDOR_COUNT; v++) {
			char line[1024], expected[1024], vendor[32];

			if (golden_lines[i].vendor != VENDOR_EACH && golden_lines[i].vendor != v)
				continue;
			snprintf(vendor, sizeof(vendor), "\"vendor\":\"%s\"", diff_vendor_name(v));
			edit(expected, sizeof(expected), golden_lines[i].json, "\"mode\"",
			     "\"vendor\":\"any\"", vendor);
			zydis_json_format(line, sizeof(line), bytes, len, mode, &zydis[v]);
			EXPECT(strcmp(line, expected) == 0, "%u-bit %s as %s:\n  got      %s\n  expected %s",
			       mode, golden_lines[i].hex, diff_vendor_name(v), line, expected);
		}
	}
}

static void test_field_locator(void)
{
	static const struct {
		size_t line;       /* in golden_lines */
		const char *after, *from, *to, *field;
	} cases[] = {
		{ 0, "\"width\"", "1", "2", "width" },
		{ 0, "\"register\"", "\"ah\"", "\"al\"", "register" },
		{ 0, "\"register\"", "\"ah\"", "null", "register" },
		{ 0, "\"mnemonic\"", "\"mov\"", "\"\"", "mnemonic" },
		{ 0, "\"direction\"", "write", "read", "direction" },
		{ 0, "\"segment\"", "ds", "es", "memory[0].segment" },
		{ 0, "\"displacement\"", "0", "-1", "memory[0].displacement" },
		{ 0, "\"access\"", "write", "read", "memory[0].access" },
		{ 0, "\"memory\"", "[{", "[]", "memory" },
		{ 1, "\"rep\":", "\"rep\"", "null", "rep" },
		{ 1, "},{", "rsi", "rdi", "memory[1].base" },
		{ 1, "\"access\":\"write\",\"align\":0,\"element\":0}", ",{\"segment\":\"ds\",\"base\":\"rsi\",\"index\":null,"
			"\"scale\":0,\"displacement\":0,\"address_size\":64,\"access\":\"read\",\"align\":0,\"element\":0}", "",
		  "memory" },
		{ 2, "\"immediate\"", "18446744073709551615", "4294967295", "immediate" },
		{ 7, "\"scale\"", "4", "1", "memory[0].scale" },
		{ 7, "\"index\"", "r12", "r13", "memory[0].index" },
		{ 7, "\"address_size\"", "64", "32", "memory[0].address_size" },
		{ 4, "\"extend\"", "zero", "sign", "extend" },
		{ 0, "\"vendor\"", "any", "intel", "vendor" },
		{ 0, "\"vendor_dependent\"", "false", "true", "vendor_dependent" },
		{ 21, "\"status\"", "no-memory", "vendor-dependent", "status" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *expected = golden_lines[cases[i].line].json;
		char actual[1024], field[32];

		edit(actual, sizeof(actual), expected, cases[i].after, cases[i].from, cases[i].to);
		EXPECT(strcmp(actual, expected) != 0, "case %zu did not change the line", i);
		diff_field_name(diff_first_differing_field(expected, actual), field, sizeof(field));
		EXPECT(strcmp(field, cases[i].field) == 0, "case %zu: located %s, expected %s", i, field,
		       cases[i].field);
	}
}

static void expect_kind(const char *what, const char *hex, const struct zydis_answer *zydis,
			const struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
			unsigned mode, enum diff_kind kind)
{
	struct diff_verdict verdict = diff_compare(zydis, insn, bytes, len, mode);

	EXPECT(verdict.kind == kind, "%s on %u-bit %s: reported as %s, expected %s", what, mode, hex,
	       diff_kind_name(verdict.kind), diff_kind_name(kind));
}

/* The real mmiodec answer, copied and corrupted so that it is wrong
 * whatever the original was, must be caught in the right kind, as each
 * vendor. */
static void test_corrupted_answers(void)
{
	static const struct {
		unsigned mode;
		const char *hex;
		enum mmiodec_status zydis_says[VENDOR_COUNT]; /* ANY, INTEL, AMD */
	} cases[] = {
		{ 64, "8827", { MMIODEC_OK, MMIODEC_OK, MMIODEC_OK } },
		{ 64, "f3a5", { MMIODEC_OK, MMIODEC_OK, MMIODEC_OK } },
		{ 64, "48c700ffffffff", { MMIODEC_OK, MMIODEC_OK, MMIODEC_OK } },
		{ 32, "8b4c2410", { MMIODEC_OK, MMIODEC_OK, MMIODEC_OK } },
		{ 16, "a01234", { MMIODEC_OK, MMIODEC_OK, MMIODEC_OK } },
		{ 64, "90", { MMIODEC_NO_MEMORY, MMIODEC_NO_MEMORY, MMIODEC_NO_MEMORY } },
		{ 64, "ff10", { MMIODEC_UNSUPPORTED, MMIODEC_UNSUPPORTED, MMIODEC_UNSUPPORTED } },
		{ 64, "f0880000", { MMIODEC_INVALID, MMIODEC_INVALID, MMIODEC_INVALID } },
		{ 64, "8b", { MMIODEC_TRUNCATED, MMIODEC_TRUNCATED, MMIODEC_TRUNCATED } },
		{ 64, "666300", { MMIODEC_VENDOR_DEPENDENT, MMIODEC_OK, MMIODEC_OK } },
		{ 64, "66e811223344", { MMIODEC_VENDOR_DEPENDENT, MMIODEC_NO_MEMORY, MMIODEC_NO_MEMORY } },
		{ 64, "0f34", { MMIODEC_VENDOR_DEPENDENT, MMIODEC_NO_MEMORY, MMIODEC_INVALID } },
		{ 32, "0f05", { MMIODEC_VENDOR_DEPENDENT, MMIODEC_INVALID, MMIODEC_NO_MEMORY } },
		{ 16, "0f78", { MMIODEC_TRUNCATED, MMIODEC_TRUNCATED, MMIODEC_INVALID } },
		{ 64, "0fff", { MMIODEC_TRUNCATED, MMIODEC_TRUNCATED, MMIODEC_NO_MEMORY } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	for (unsigned v = 0; v < VENDOR_COUNT; v++) {
		unsigned mode = cases[i].mode;
		const char *hex = cases[i].hex;
		uint8_t bytes[MMIODEC_MAX_LENGTH];
		size_t len = diff_parse_hex(hex, bytes, sizeof(bytes));
		struct zydis_answer answers[VENDOR_COUNT];
		const struct zydis_answer *zy = &answers[v];
		struct mmiodec_insn real, bad, shaped;
		bool valid;

		zydis_all(mode, bytes, len, answers);
		EXPECT(zy->status == cases[i].zydis_says[v], "Zydis on %s as %s: %s", hex,
		       diff_vendor_name(v), mmiodec_status_name(zy->status));
		valid = zy->status <= MMIODEC_UNSUPPORTED;
		mmiodec_decode_vendor(&real, bytes, len, (enum mmiodec_mode)mode, (enum mmiodec_vendor)v);

		/* An answer shaped after Zydis's (no access fields) agrees
		 * unless the form is supported; its vendor fields must be
		 * judged. */
		memset(&shaped, 0, sizeof(shaped));
		shaped.status = (uint8_t)zy->status;
		shaped.length = zy->length;
		shaped.vendor = (uint8_t)v;
		shaped.vendor_dependent = zy->vendor_dependent;
		if (zy->status != MMIODEC_OK) {
			expect_kind("an answer shaped after Zydis's", hex, zy, &shaped, bytes, len, mode,
				    KIND_NONE);
			bad = shaped;
			bad.vendor = (uint8_t)((v + 1) % VENDOR_COUNT);
			expect_kind("the wrong vendor field", hex, zy, &bad, bytes, len, mode,
				    KIND_VENDOR);
			bad = shaped;
			bad.vendor_dependent = !shaped.vendor_dependent;
			expect_kind("vendor_dependent flipped", hex, zy, &bad, bytes, len, mode,
				    KIND_VENDOR);
		}
		if (zy->status == MMIODEC_VENDOR_DEPENDENT) {
			bad = shaped;
			bad.length = (uint8_t)(zy->length + 1);
			expect_kind("vendor-dependent, with another length", hex, zy, &bad, bytes, len,
				    mode, KIND_LENGTH);
			for (uint8_t s = MMIODEC_OK; s <= MMIODEC_TRUNCATED; s++) {
				bad = shaped;
				bad.status = s;
				expect_kind("an answer where the vendors differ", hex, zy, &bad, bytes,
					    len, mode, KIND_VENDOR);
			}
			continue;
		}
		bad = shaped;
		bad.status = MMIODEC_VENDOR_DEPENDENT;
		expect_kind("vendor-dependent where Zydis answers", hex, zy, &bad, bytes, len, mode,
			    KIND_VENDOR);

		if (valid) {
			static const uint8_t rejects[] = { MMIODEC_INVALID, MMIODEC_TRUNCATED,
							   MMIODEC_BAD_ARGUMENT, 77 };

			for (size_t r = 0; r < sizeof(rejects); r++) {
				bad = real;
				bad.status = rejects[r];
				expect_kind("rejecting a valid instruction", hex, zy, &bad, bytes,
					    len, mode, KIND_VALIDITY);
			}
			bad = real;
			bad.status = (uint8_t)zy->status;
			bad.length = (uint8_t)(zy->length + 1);
			expect_kind("one byte too long", hex, zy, &bad, bytes, len, mode, KIND_LENGTH);
			bad.length = (uint8_t)(zy->length - 1);
			expect_kind("one byte too short", hex, zy, &bad, bytes, len, mode,
				    KIND_LENGTH);
			for (uint8_t s = MMIODEC_OK; s <= MMIODEC_UNSUPPORTED; s++) {
				if (s == zy->status)
					continue;
				bad = real;
				bad.status = s;
				bad.length = zy->length;
				expect_kind("another class", hex, zy, &bad, bytes, len, mode,
					    KIND_CLASS);
			}
		} else {
			static const uint8_t accepts[] = { MMIODEC_OK, MMIODEC_NO_MEMORY,
							   MMIODEC_UNSUPPORTED, MMIODEC_BAD_ARGUMENT };

			for (size_t a = 0; a < sizeof(accepts); a++) {
				bad = real;
				bad.status = accepts[a];
				bad.length = 1;
				expect_kind("accepting an invalid instruction", hex, zy, &bad,
					    bytes, len, mode, KIND_VALIDITY);
			}
			bad = real;
			bad.status = zy->status == MMIODEC_INVALID ? MMIODEC_TRUNCATED : MMIODEC_INVALID;
			expect_kind("the other rejection", hex, zy, &bad, bytes, len, mode,
				    KIND_TRUNCATED_VS_INVALID);
		}

		if (zy->status == MMIODEC_OK) {
			/* Each corruption makes a field differ from any value
			 * Zydis can give; when mmiodec's own answer agrees, the
			 * report must also name that field. */
			static const char *const corrupted_fields[] = {
				"width", "direction", "memory[0].segment", "memory",
			};
			bool real_agrees = diff_compare(zy, &real, bytes, len, mode).kind == KIND_NONE;

			for (size_t c = 0; c < sizeof(corrupted_fields) / sizeof(corrupted_fields[0]); c++) {
				struct diff_verdict verdict;
				char field[32];

				bad = real;
				bad.status = MMIODEC_OK;
				bad.length = zy->length;
				switch (c) {
				case 0: bad.width = (uint8_t)(bad.width | 0x10); break;
				case 1: bad.direction = MMIODEC_DIR_NONE; break;
				case 2: bad.mem[0].segment = 7; break;
				default: bad.mem_count = 0; break;
				}
				verdict = diff_compare(zy, &bad, bytes, len, mode);
				EXPECT(verdict.kind == KIND_FIELDS, "corrupting %s of %s as %s: reported as %s",
				       corrupted_fields[c], hex, diff_vendor_name(v),
				       diff_kind_name(verdict.kind));
				diff_field_name(verdict.detail, field, sizeof(field));
				/* The string mnemonics carry the width, and come
				 * first in the line. */
				if (real_agrees && !(c == 0 && real.op >= MMIODEC_OP_MOVS))
					EXPECT(strcmp(field, corrupted_fields[c]) == 0,
					       "corrupting %s of %s: located as %s", corrupted_fields[c],
					       hex, field);
			}
			if (real_agrees) {
				bad = real;
				bad.vendor = (uint8_t)((v + 2) % VENDOR_COUNT);
				expect_kind("a supported form with the wrong vendor field", hex, zy, &bad,
					    bytes, len, mode, KIND_VENDOR);
				bad = real;
				bad.vendor_dependent = !real.vendor_dependent;
				expect_kind("a supported form with vendor_dependent flipped", hex, zy,
					    &bad, bytes, len, mode, KIND_VENDOR);
			}
		}
	}
}

/* ---- Vendors: the ANY definition and the consistency check ---- */

static struct mmiodec_insn descriptor(uint8_t status, uint8_t length, unsigned mode,
				      unsigned vendor)
{
	struct mmiodec_insn insn;

	memset(&insn, 0, sizeof(insn));
	insn.status = status;
	insn.length = length;
	insn.mode = length ? (uint8_t)mode : 0;
	insn.vendor = (uint8_t)vendor;
	return insn;
}

static void test_any_definition(void)
{
	static const struct {
		uint8_t intel_status, intel_length, amd_status, amd_length;
		uint8_t any_status, any_length; /* any_length 0: mode 0 too */
	} cases[] = {
		{ MMIODEC_NO_MEMORY, 5, MMIODEC_NO_MEMORY, 5, MMIODEC_NO_MEMORY, 5 },
		{ MMIODEC_INVALID, 0, MMIODEC_INVALID, 0, MMIODEC_INVALID, 0 },
		{ MMIODEC_NO_MEMORY, 6, MMIODEC_NO_MEMORY, 4, MMIODEC_VENDOR_DEPENDENT, 0 },
		{ MMIODEC_NO_MEMORY, 3, MMIODEC_UNSUPPORTED, 3, MMIODEC_VENDOR_DEPENDENT, 3 },
		{ MMIODEC_NO_MEMORY, 2, MMIODEC_INVALID, 0, MMIODEC_VENDOR_DEPENDENT, 0 },
		{ MMIODEC_TRUNCATED, 0, MMIODEC_INVALID, 0, MMIODEC_TRUNCATED, 0 },
		{ MMIODEC_TRUNCATED, 0, MMIODEC_NO_MEMORY, 4, MMIODEC_TRUNCATED, 0 },
		{ MMIODEC_NO_MEMORY, 2, MMIODEC_TRUNCATED, 0, MMIODEC_TRUNCATED, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mmiodec_insn insn[VENDOR_COUNT], want, got;

		insn[MMIODEC_VENDOR_INTEL] = descriptor(cases[i].intel_status, cases[i].intel_length, 64,
						       MMIODEC_VENDOR_INTEL);
		insn[MMIODEC_VENDOR_AMD] = descriptor(cases[i].amd_status, cases[i].amd_length, 64,
						     MMIODEC_VENDOR_AMD);
		want = descriptor(cases[i].any_status, cases[i].any_length, 64, MMIODEC_VENDOR_ANY);
		want.vendor_dependent = cases[i].any_status == MMIODEC_VENDOR_DEPENDENT;
		got = diff_any_expected(&insn[MMIODEC_VENDOR_INTEL], &insn[MMIODEC_VENDOR_AMD], 64);
		EXPECT(memcmp(&got, &want, sizeof(got)) == 0, "ANY of case %zu: status %u length %u mode %u",
		       i, got.status, got.length, got.mode);

		/* The three answers as a correct decoder gives them, then
		 * each field that ties them together made wrong. */
		bool differ = cases[i].intel_status != cases[i].amd_status ||
			      cases[i].intel_length != cases[i].amd_length;
		insn[MMIODEC_VENDOR_INTEL].vendor_dependent = differ;
		insn[MMIODEC_VENDOR_AMD].vendor_dependent = differ;
		insn[MMIODEC_VENDOR_ANY] = want;
		EXPECT(diff_consistency(insn, 64).kind == KIND_NONE, "case %zu: inconsistent", i);
		for (uint8_t c = CONSISTENCY_VENDOR_ANY; c < CONSISTENCY_COUNT; c++) {
			struct mmiodec_insn bad[VENDOR_COUNT];
			struct diff_verdict verdict;

			memcpy(bad, insn, sizeof(bad));
			switch (c) {
			case CONSISTENCY_VENDOR_ANY: bad[MMIODEC_VENDOR_ANY].vendor = MMIODEC_VENDOR_INTEL; break;
			case CONSISTENCY_VENDOR_INTEL: bad[MMIODEC_VENDOR_INTEL].vendor = MMIODEC_VENDOR_ANY; break;
			case CONSISTENCY_VENDOR_AMD: bad[MMIODEC_VENDOR_AMD].vendor = MMIODEC_VENDOR_INTEL; break;
			case CONSISTENCY_DEPENDENT_INTEL:
				bad[MMIODEC_VENDOR_INTEL].vendor_dependent ^= 1;
				break;
			case CONSISTENCY_DEPENDENT_AMD:
				bad[MMIODEC_VENDOR_AMD].vendor_dependent ^= 1;
				break;
			default:
				/* Where the vendors differ, one of their answers
				 * passed off as ANY's; elsewhere a mode too many. */
				if (want.status == MMIODEC_VENDOR_DEPENDENT) {
					bad[MMIODEC_VENDOR_ANY] = insn[MMIODEC_VENDOR_INTEL];
					bad[MMIODEC_VENDOR_ANY].vendor = MMIODEC_VENDOR_ANY;
				} else {
					bad[MMIODEC_VENDOR_ANY].reg2 = 1;
				}
				break;
			}
			verdict = diff_consistency(bad, 64);
			EXPECT(verdict.kind == KIND_CONSISTENCY && verdict.detail == c,
			       "case %zu, made wrong in %u: found %s %u", i, c, diff_kind_name(verdict.kind),
			       verdict.detail);
		}
		/* VENDOR_DEPENDENT without a common length has no mode. */
		if (want.status == MMIODEC_VENDOR_DEPENDENT && want.length == 0) {
			struct mmiodec_insn bad[VENDOR_COUNT];

			memcpy(bad, insn, sizeof(bad));
			bad[MMIODEC_VENDOR_ANY].mode = 64;
			EXPECT(diff_consistency(bad, 64).detail == CONSISTENCY_ANY_DEFINITION,
			       "case %zu: a mode without a length passes", i);
		}
	}
}

/* AMD_BRANCHES changes nothing without a 66 in 64-bit mode, nor outside
 * 64-bit mode: the claim zydis_vendors_decode()'s shortcut rests on,
 * checked over the one-byte and 0F maps x every ModRM. */
static void test_shortcut(void)
{
	static const struct {
		unsigned mode;
		const char *prefix;
	} cases[] = {
		{ 64, "" }, { 64, "48" }, { 64, "f2" }, { 32, "" }, { 32, "66" }, { 16, "66" },
	};
	static const uint8_t tail[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x77, 0x88, 0x99, 0xaa,
					0xbb, 0xcc, 0xdd, 0xee };
	uint64_t wrong = 0, checked = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[MMIODEC_MAX_LENGTH];
		size_t start = diff_parse_hex(cases[i].prefix, buf, sizeof(buf));

		for (unsigned map = 0; map < 2; map++)
		for (unsigned op = 0; op < 256; op++)
		for (unsigned modrm = 0; modrm < 256; modrm++) {
			struct zydis_answer answers[VENDOR_COUNT];
			size_t at = start;

			if (map)
				buf[at++] = 0x0f;
			buf[at++] = (uint8_t)op;
			buf[at++] = (uint8_t)modrm;
			memcpy(buf + at, tail, sizeof(buf) - at);
			checked++;
			if (!zydis_vendors_decode(&self_oracles[mode_index(cases[i].mode)], buf,
						  sizeof(buf), VENDORS_ALL,
						  ZYDIS_DECODE_VERIFY_SHORTCUT, answers))
				wrong++;
		}
	}
	EXPECT(wrong == 0, "AMD_BRANCHES changed %" PRIu64 " of %" PRIu64 " answers the shortcut"
	       " takes as Intel's", wrong, checked);
}

/* ---- The whole pipeline, with decoders that are wrong by construction ---- */

static enum diff_kind fake_fault;
/* Every vendor answered as Intel: the decoder ignores the vendor. */
static bool fake_ignores_vendor;

/* Zydis's status and length (fields zero), then the fault under test. */
static void fake_one(struct mmiodec_insn *insn, const struct zydis_answer *zydis, size_t len,
		     unsigned mode, unsigned vendor)
{
	memset(insn, 0, sizeof(*insn));
	insn->status = (uint8_t)zydis->status;
	insn->length = zydis->length;
	insn->mode = (uint8_t)mode;
	insn->vendor = (uint8_t)vendor;
	switch (fake_fault) {
	case KIND_VALIDITY:
		insn->status = zydis->status <= MMIODEC_UNSUPPORTED ? MMIODEC_INVALID : MMIODEC_NO_MEMORY;
		break;
	case KIND_TRUNCATED_VS_INVALID:
		/* Only on whole buffers, so that the prefixes stay right. */
		if (len < MMIODEC_MAX_LENGTH)
			break;
		if (zydis->status == MMIODEC_INVALID)
			insn->status = MMIODEC_TRUNCATED;
		else if (zydis->status == MMIODEC_TRUNCATED)
			insn->status = MMIODEC_INVALID;
		break;
	case KIND_LENGTH:
		if (zydis->status <= MMIODEC_UNSUPPORTED)
			insn->length++;
		break;
	case KIND_CLASS:
		if (zydis->status <= MMIODEC_UNSUPPORTED)
			insn->status = (uint8_t)((zydis->status + 1) % 3);
		break;
	case KIND_TRUNCATION:
		/* Right on whole buffers; a shorter one is called invalid. */
		if (len < MMIODEC_MAX_LENGTH && zydis->status == MMIODEC_TRUNCATED)
			insn->status = MMIODEC_INVALID;
		break;
	default:
		break;
	}
}

/* As INTEL and AMD, each vendor's fake answer, marked vendor-dependent
 * where the two differ; as ANY, the two combined by the definition: the
 * three always fit together. The harness asks for the same bytes three
 * times in a row, so Zydis's answers are kept for the next call. */
static enum mmiodec_status fake_decode(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
				       enum mmiodec_mode mode, enum mmiodec_vendor vendor)
{
	static struct zydis_answer zydis[VENDOR_COUNT];
	static uint8_t last_bytes[MMIODEC_MAX_LENGTH];
	static size_t last_len = SIZE_MAX;
	static unsigned last_mode;
	struct mmiodec_insn intel, amd;
	size_t n = len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH;

	if (n != last_len || (unsigned)mode != last_mode || memcmp(bytes, last_bytes, n) != 0) {
		zydis_all(mode, bytes, n, zydis);
		memcpy(last_bytes, bytes, n);
		last_len = n;
		last_mode = mode;
	}
	fake_one(&intel, &zydis[MMIODEC_VENDOR_INTEL], len, mode, MMIODEC_VENDOR_INTEL);
	fake_one(&amd, &zydis[fake_ignores_vendor ? MMIODEC_VENDOR_INTEL : MMIODEC_VENDOR_AMD], len,
		 mode, MMIODEC_VENDOR_AMD);
	intel.vendor_dependent = amd.vendor_dependent = !diff_same_but_vendor(&intel, &amd);
	if (vendor == MMIODEC_VENDOR_INTEL)
		*insn = intel;
	else if (vendor == MMIODEC_VENDOR_AMD)
		*insn = amd;
	else
		*insn = diff_any_expected(&intel, &amd, mode);
	return (enum mmiodec_status)insn->status;
}

struct input_counts {
	uint64_t all, valid, ok, invalid, truncated, longer_than_one;
};

/* The one-byte and 0F maps x every ModRM, 64-bit mode, no prefix; counted
 * as `vendor` reads them. */
static struct input_counts feed_opcode_space(struct diff_run *run, unsigned vendor)
{
	static const uint8_t tail[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
					0x99, 0xaa, 0xbb, 0xcc, 0xdd };
	struct input_counts counts = { 0, 0, 0, 0, 0, 0 };
	uint8_t buf[MMIODEC_MAX_LENGTH];

	for (unsigned map = 0; map < 2; map++) {
		for (unsigned op = 0; op < 256; op++) {
			for (unsigned modrm = 0; modrm < 256; modrm++) {
				size_t at = 0;
				struct zydis_answer answers[VENDOR_COUNT];
				const struct zydis_answer *zydis = &answers[vendor];

				if (map == 1)
					buf[at++] = 0x0f;
				buf[at++] = (uint8_t)op;
				buf[at++] = (uint8_t)modrm;
				memcpy(buf + at, tail, sizeof(buf) - at);
				diff_check(run, SOURCE_SELF_TEST, buf, sizeof(buf), 64);
				zydis_all(64, buf, sizeof(buf), answers);
				counts.all++;
				counts.valid += zydis->status <= MMIODEC_UNSUPPORTED;
				counts.ok += zydis->status == MMIODEC_OK;
				counts.invalid += zydis->status == MMIODEC_INVALID;
				counts.truncated += zydis->status == MMIODEC_TRUNCATED;
				counts.longer_than_one += zydis->status <= MMIODEC_UNSUPPORTED &&
							  zydis->length > 1;
			}
		}
	}
	return counts;
}

static bool contains(const char *text, const char *format, ...)
{
	char needle[256];
	va_list args;

	va_start(args, format);
	vsnprintf(needle, sizeof(needle), format, args);
	va_end(args);
	return strstr(text, needle) != NULL;
}

/* The report of a run, as text (malloc'd; NULL on failure). */
static char *report_text(const struct diff_run *run)
{
	FILE *file = tmpfile();
	char *text = NULL;
	long size;

	if (!file)
		return NULL;
	diff_report(run, file);
	size = ftell(file);
	rewind(file);
	if (size >= 0)
		text = calloc((size_t)size + 1, 1);
	if (text && fread(text, 1, (size_t)size, file) != (size_t)size) {
		free(text);
		text = NULL;
	}
	fclose(file);
	return text;
}

/* The report of an Intel run whose decoder makes every length one too
 * long. */
static void check_report(const struct diff_run *run, struct input_counts n)
{
	char *text = report_text(run);

	if (!text) {
		EXPECT(false, "cannot write and read back the report");
		return;
	}
	EXPECT(contains(text, "  %-22s %12" PRIu64 "  (%" PRIu64 " / 0 / 0)  FAIL\n", "length",
			n.valid, n.valid), "kind line");
	EXPECT(contains(text, "\n== length: %" PRIu64 " -- ", n.valid), "kind heading");
	/* BSWAP has no ModRM: each of its groups holds the 256 inputs with
	 * BSWAP first (and one more), so is among the largest. add [rax], al
	 * (00 00) is the first input. */
	EXPECT(contains(text, " intel  64   0F         C8  bswap          %-16s -> %-16s %s",
			"no-memory", "no-memory", "zydis 2, mmiodec 3"), "group line");
	EXPECT(contains(text, "    [64-bit, intel, self-test] 0000 112233445566778899aabbccdd   ; "
			      "add [rax], al\n"), "example");
	/* The fake's fields are all zero (ADD is a supported form). */
	EXPECT(contains(text, "      mmiodec  {\"bytes\":\"0000\",\"mode\":64,\"vendor\":\"intel\","
			      "\"status\":\"ok\",\"vendor_dependent\":false,\"length\":3,"
			      "\"mnemonic\":\"\",\"direction\":\"none\""),
	       "mmiodec's line");
	EXPECT(contains(text, "Totals as intel: "), "the Intel table");
	EXPECT(!contains(text, "Totals as amd: "), "an AMD table in an Intel run");
	EXPECT(contains(text, "    %-16s %12" PRIu64 " ", "self-test", n.all), "source tally");
	EXPECT(contains(text, "\nmmiodec-diff: FAIL: %" PRIu64 " disagreements\n", n.valid),
	       "verdict line");
	if (self_test_failures)
		printf("the report was:\n%s", text);
	free(text);
}

static struct diff_run *new_run(const struct diff_options *options)
{
	struct diff_run *run = malloc(sizeof(*run));

	if (!run || !diff_run_init(run, options)) {
		EXPECT(false, "cannot set up a run");
		free(run);
		return NULL;
	}
	run->decode = fake_decode;
	return run;
}

static void free_run(struct diff_run *run)
{
	diff_run_free(run);
	free(run);
}

static void test_pipeline(void)
{
	static const enum diff_kind faults[] = { KIND_VALIDITY, KIND_TRUNCATED_VS_INVALID,
						 KIND_LENGTH, KIND_CLASS, KIND_TRUNCATION };
	static const unsigned vendors[] = { MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD };

	fake_ignores_vendor = false;
	for (size_t v = 0; v < sizeof(vendors) / sizeof(vendors[0]); v++)
	for (size_t f = 0; f < sizeof(faults) / sizeof(faults[0]); f++) {
		struct diff_options options = { .examples = 2, .groups = 6, .prefix_every = 1,
						.modes = { true, true, true },
						.vendors = VENDOR_BIT(vendors[v]) };
		struct diff_run *run = new_run(&options);
		struct input_counts n;
		uint64_t expected[KIND_COUNT] = { 0 };

		if (!run)
			return;
		fake_fault = faults[f];
		n = feed_opcode_space(run, vendors[v]);
		EXPECT(n.ok > 0 && n.invalid > 0 && n.valid > n.ok, "too few kinds of input");

		/* Zydis-shaped answers carry no fields: every supported form
		 * differs in its fields unless an earlier kind took it. */
		switch (fake_fault) {
		case KIND_VALIDITY:
			expected[KIND_VALIDITY] = n.valid + n.invalid + n.truncated;
			/* Every shorter buffer of a valid instruction is then
			 * accepted, as no-memory. */
			expected[KIND_TRUNCATION] = n.longer_than_one;
			break;
		case KIND_TRUNCATED_VS_INVALID:
			expected[KIND_TRUNCATED_VS_INVALID] = n.invalid + n.truncated;
			expected[KIND_FIELDS] = n.ok;
			break;
		case KIND_LENGTH:
			expected[KIND_LENGTH] = n.valid;
			break;
		case KIND_CLASS:
			expected[KIND_CLASS] = n.valid;
			break;
		default: /* KIND_TRUNCATION */
			expected[KIND_TRUNCATION] = n.longer_than_one;
			expected[KIND_FIELDS] = n.ok;
			break;
		}
		for (unsigned k = 0; k < KIND_COUNT; k++) {
			if (k == KIND_ZYDIS_PREFIX)
				continue;
			EXPECT(run->kind_count[k] == expected[k],
			       "as %s, decoder faulty in %s: %" PRIu64 " %s disagreements, expected %" PRIu64,
			       diff_vendor_name(vendors[v]), diff_kind_name(fake_fault), run->kind_count[k],
			       diff_kind_name((enum diff_kind)k), expected[k]);
		}
		EXPECT(run->by_source[SOURCE_SELF_TEST].compared == n.all, "inputs not all counted");
		EXPECT(diff_run_failed(run), "as %s, decoder faulty in %s: the run passes",
		       diff_vendor_name(vendors[v]), diff_kind_name(fake_fault));
		if (fake_fault == KIND_LENGTH && vendors[v] == MMIODEC_VENDOR_INTEL)
			check_report(run, n);
		free_run(run);
	}
}

/*
 * The walk over the encodings Intel and AMD read differently, with all
 * three vendors judged: it must exercise every vendor correction and find
 * vendor-dependent inputs in every mode; a decoder that answers as Zydis
 * does for each vendor disagrees only where it has no access fields; one
 * that ignores the vendor is caught on every vendor-dependent input.
 */
static void test_vendor_walk(void)
{
	struct diff_options options = { .examples = 2, .groups = 6, .prefix_every = 1,
					.modes = { true, true, true }, .vendors = VENDORS_ALL };

	for (int ignores = 0; ignores < 2; ignores++) {
		struct diff_run *run = new_run(&options);
		uint64_t dependent = 0;

		if (!run)
			return;
		fake_fault = KIND_NONE;
		fake_ignores_vendor = ignores;
		diff_vendor_forms(run);
		for (unsigned m = 0; m < MODE_COUNT; m++) {
			uint64_t in_mode = 0;

			for (unsigned c = 0; c < CATEGORY_COUNT; c++)
				in_mode += run->vendor_dependent[m][c];
			EXPECT(in_mode > 0, "no vendor-dependent input in %u-bit mode", mode_of_index(m));
			dependent += in_mode;
		}
		for (unsigned c = 0; c < CORRECTION_COUNT; c++)
			for (unsigned v = MMIODEC_VENDOR_INTEL; v <= MMIODEC_VENDOR_AMD; v++)
				if (c != CORRECTION_SIB_NO_BASE && c != CORRECTION_PORTAL_ES &&
				    c != CORRECTION_ENQCMD_DESTINATION &&
				    (zydis_corrections[c].vendors & VENDOR_BIT(v)))
					EXPECT(run->corrections[v][c] > 0, "%s never applied as %s",
					       zydis_corrections[c].name, diff_vendor_name(v));
		EXPECT(run->kind_count[KIND_CONSISTENCY] == 0, "the fake's answers do not fit together");
		if (!ignores) {
			static const enum diff_kind must_not[] = {
				KIND_VALIDITY, KIND_LENGTH, KIND_CLASS, KIND_TRUNCATION,
			};

			for (size_t k = 0; k < sizeof(must_not) / sizeof(must_not[0]); k++)
				EXPECT(run->kind_count[must_not[k]] == 0,
				       "answering as Zydis does: %" PRIu64 " %s disagreements",
				       run->kind_count[must_not[k]], diff_kind_name(must_not[k]));
			EXPECT(run->kind_by_vendor[KIND_VENDOR][MMIODEC_VENDOR_INTEL] == 0 &&
			       run->kind_by_vendor[KIND_VENDOR][MMIODEC_VENDOR_AMD] == 0,
			       "answering as Zydis does: vendor fields judged wrong");
		} else {
			EXPECT(diff_run_failed(run), "a decoder that ignores the vendor passes");
			/* Its AMD answer is Intel's: each vendor-dependent
			 * input is caught as AMD (some more than once: the
			 * shorter buffers of the prefix checks count too), and
			 * as ANY too except where one vendor needs more bytes
			 * and ANY's answer is TRUNCATED either way. */
			uint64_t caught = 0;

			for (unsigned k = 0; k < KIND_COUNT; k++)
				caught += run->kind_by_vendor[k][MMIODEC_VENDOR_AMD];
			EXPECT(caught >= dependent && run->kind_by_vendor[KIND_VENDOR][MMIODEC_VENDOR_ANY] > 0,
			       "ignoring the vendor: %" PRIu64 " disagreements as AMD, %" PRIu64
			       " vendor-dependent inputs", caught, dependent);
		}
		if (self_test_failures) {
			char *text = report_text(run);

			printf("the report was:\n%s", text ? text : "(none)\n");
			free(text);
		}
		free_run(run);
	}
	fake_ignores_vendor = false;
}

/* Which kinds fail the run: all but the informational ones. */
static void test_failure_rule(void)
{
	struct diff_options options = { .examples = 1, .groups = 1, .modes = { true, true, true } };
	struct diff_run *run = malloc(sizeof(*run));

	if (!run || !diff_run_init(run, &options)) {
		EXPECT(false, "cannot set up a run");
		free(run);
		return;
	}
	EXPECT(!diff_run_failed(run), "an empty run fails");
	run->kind_count[KIND_TRUNCATED_VS_INVALID] = 5;
	run->kind_count[KIND_ZYDIS_PREFIX] = 3;
	EXPECT(!diff_run_failed(run), "informational kinds fail the run");
	run->options.strict_truncation = true;
	EXPECT(diff_run_failed(run), "--strict-truncation does not fail the run");
	run->options.strict_truncation = false;
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		if (k == KIND_TRUNCATED_VS_INVALID || k == KIND_ZYDIS_PREFIX)
			continue;
		run->kind_count[k] = 1;
		EXPECT(diff_run_failed(run), "%s does not fail the run", diff_kind_name((enum diff_kind)k));
		run->kind_count[k] = 0;
	}
	run->shortcut_wrong = 1;
	EXPECT(diff_run_failed(run), "a wrong AMD_BRANCHES shortcut does not fail the run");
	diff_run_free(run);
	free(run);
}

static int self_test(void)
{
	for (unsigned m = 0; m < MODE_COUNT; m++)
		if (!zydis_vendors_init(&self_oracles[m], mode_of_index(m))) {
			printf("FAIL: Zydis set-up\n");
			return 1;
		}
	test_golden_lines();
	test_field_locator();
	test_corrupted_answers();
	test_any_definition();
	test_shortcut();
	test_failure_rule();
	test_pipeline();
	test_vendor_walk();
	if (self_test_failures) {
		printf("mmiodec-diff --self-test: %u FAILED\n", self_test_failures);
		return 1;
	}
	printf("mmiodec-diff --self-test: all passed\n");
	return 0;
}
