/* SPDX-License-Identifier: MIT */
/*
 * mmiodec-diff: mmiodec_decode() against Zydis 4 on the same bytes.
 *
 * compare.c  judges one input, as each vendor, and keeps the tallies and the
 *            report,
 * inputs.c   makes the exhaustive and the random inputs,
 * sweep.c    walks the code sections of ELF files,
 * diff.c     parses the options, runs the phases, and holds the self-test.
 */
#ifndef MMIODEC_DIFF_H
#define MMIODEC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmiodec.h"
#include "zydis_json.h"

#define MODE_COUNT 3 /* 16, 32, 64 */
/* At least zydis_form_count(). */
#define DIFF_FORM_MAX 512
/* Indexed by enum mmiodec_vendor: ANY, INTEL, AMD. */
#define VENDOR_COUNT ZYDIS_VENDOR_COUNT
#define VENDOR_BIT(vendor) ZYDIS_VENDOR_BIT(vendor)
#define VENDORS_ALL ZYDIS_VENDORS_ALL

/* Where an input came from. */
enum diff_source {
	SOURCE_EXHAUSTIVE,
	SOURCE_RANDOM_RAW,
	SOURCE_RANDOM_STRUCTURED,
	SOURCE_SWEEP,
	SOURCE_SELF_TEST,
	SOURCE_COMMAND_LINE,
	SOURCE_COUNT
};

/* The kinds of disagreement, most fundamental first: an input is counted
 * under the first that applies. */
enum diff_kind {
	/* Zydis decodes the bytes and mmiodec does not, or the reverse. */
	KIND_VALIDITY,
	/* Both reject the bytes, one as truncated and one as invalid.
	 * Informational unless --strict-truncation. */
	KIND_TRUNCATED_VS_INVALID,
	/* Both decode the bytes, to different lengths. */
	KIND_LENGTH,
	/* Same length, different status among ok / no-memory / unsupported. */
	KIND_CLASS,
	/* A supported form whose JSON lines differ (vendor and
	 * vendor_dependent aside). */
	KIND_FIELDS,
	/* The vendor or vendor_dependent field, or a VENDOR_DEPENDENT status
	 * where the oracle has an answer (or the reverse). */
	KIND_VENDOR,
	/* mmiodec's three answers (INTEL, AMD, ANY) do not fit together: a
	 * vendor field, vendor_dependent against whether the INTEL and AMD
	 * descriptors differ, or ANY against its definition. Recorded under
	 * ANY. */
	KIND_CONSISTENCY,
	/* A prefix of a valid instruction that mmiodec does not call
	 * truncated, or the exact instruction bytes decoding otherwise than
	 * the longer buffer. */
	KIND_TRUNCATION,
	/* A prefix of a valid instruction that Zydis does not call
	 * NO_MORE_DATA. Informational: a note on the oracle. */
	KIND_ZYDIS_PREFIX,
	KIND_COUNT,
	KIND_NONE = KIND_COUNT
};

/* Instruction families, for the totals. */
enum diff_category {
	CATEGORY_LEGACY,
	CATEGORY_0F,
	CATEGORY_0F38,
	CATEGORY_0F3A,
	CATEGORY_VEX,
	CATEGORY_EVEX,
	CATEGORY_XOP,
	CATEGORY_3DNOW,
	CATEGORY_COUNT
};

/* The verdict on one input. detail depends on the kind: the Zydis error
 * (validity, truncated-vs-invalid), both lengths (length), the first
 * differing field (fields, vendor), what does not fit (consistency:
 * enum diff_consistency), the prefix length (truncation, zydis-prefix). */
struct diff_verdict {
	enum diff_kind kind;
	uint8_t detail;
};

/* What a consistency verdict found. */
enum diff_consistency {
	CONSISTENCY_OK,
	CONSISTENCY_VENDOR_ANY,        /* ANY's vendor field is not "any" */
	CONSISTENCY_VENDOR_INTEL,      /* INTEL's is not "intel" */
	CONSISTENCY_VENDOR_AMD,        /* AMD's is not "amd" */
	CONSISTENCY_DEPENDENT_INTEL,   /* INTEL's vendor_dependent is not
	                                  whether INTEL and AMD differ */
	CONSISTENCY_DEPENDENT_AMD,     /* AMD's likewise */
	CONSISTENCY_ANY_DEFINITION,    /* ANY is not the definition applied
	                                  to INTEL and AMD */
	CONSISTENCY_COUNT
};

struct diff_options {
	bool short_run;
	/* The vendors judged against Zydis (VENDOR_BIT()s); mmiodec is
	 * asked as all three every time, for the consistency check. */
	unsigned vendors;
	/* Decode with Zydis's AMD decoder even where AMD_BRANCHES cannot
	 * matter, and fail the run if it did (zydis_vendors_decode()). */
	bool verify_shortcut;
	bool strict_truncation;
	bool modes[MODE_COUNT];        /* by mode_index() */
	unsigned examples;             /* per kind */
	unsigned groups;               /* per kind */
	unsigned prefix_every;         /* check prefixes of every n-th valid input */
	uint64_t seed;
	uint64_t random_count;
	double seconds;                /* 0: no time limit */
	uint64_t sweep_bytes;          /* 0: no budget */
	const char **sweep_paths;
	unsigned sweep_path_count;
};

struct diff_tally {
	uint64_t compared;
	uint64_t agreed;
};

struct diff_example {
	uint8_t bytes[MMIODEC_MAX_LENGTH];
	uint8_t len;
	uint8_t cut;    /* truncation kinds: the bytes decoded, else 0 */
	uint8_t mode;
	uint8_t source;
	uint8_t vendor; /* enum mmiodec_vendor whose answers disagree */
};

struct diff_group {
	uint64_t key;   /* 0: free slot */
	uint64_t count;
	struct diff_example example;
};

/* mmiodec_decode_vendor()'s signature: the self-test puts deliberately
 * wrong decoders in its place. */
typedef enum mmiodec_status (*diff_decode_fn)(struct mmiodec_insn *insn, const uint8_t *bytes,
					      size_t len, enum mmiodec_mode mode,
					      enum mmiodec_vendor vendor);

/* Everything known about one input: Zydis's and mmiodec's answers as each
 * vendor, and the verdicts (KIND_NONE for a vendor not judged). */
struct diff_judgement {
	struct zydis_answer zydis[VENDOR_COUNT];
	struct mmiodec_insn insn[VENDOR_COUNT];
	struct diff_verdict verdict[VENDOR_COUNT];
	struct diff_verdict consistency;
	/* Whether Zydis's INTEL and AMD answers were both decoded. */
	bool both_vendors;
	/* False when ZYDIS_DECODE_VERIFY_SHORTCUT found the shortcut wrong. */
	bool shortcut_ok;
};

struct diff_run {
	struct diff_options options;
	diff_decode_fn decode;          /* mmiodec_decode_vendor */
	struct zydis_vendors oracles[MODE_COUNT];

	uint64_t kind_count[KIND_COUNT];
	uint64_t kind_by_vendor[KIND_COUNT][VENDOR_COUNT];
	/* Validity and truncation disagreements on VEX, EVEX and XOP
	 * encodings: tolerated up to 0.1% of those compared (issue 3). */
	uint64_t vex_family_validity;
	uint64_t kind_untracked[KIND_COUNT]; /* not in a group: table full */
	struct diff_example *examples[KIND_COUNT];
	unsigned example_count[KIND_COUNT];
	struct diff_group *groups;
	size_t group_capacity, group_used;

	struct diff_tally by_category[VENDOR_COUNT][MODE_COUNT][CATEGORY_COUNT];
	struct diff_tally by_expected[VENDOR_COUNT][MMIODEC_VENDOR_DEPENDENT + 1];
	struct diff_tally by_source[SOURCE_COUNT];
	/* Inputs whose corrected Zydis answers differ between Intel and AMD,
	 * by mode and category (Intel's). */
	uint64_t vendor_dependent[MODE_COUNT][CATEGORY_COUNT];
	uint64_t both_vendors_judged;
	/* How often each correction changed an answer, by vendor. */
	uint64_t corrections[VENDOR_COUNT][CORRECTION_COUNT];
	uint64_t shortcut_wrong;
	uint64_t prefix_instructions, prefix_decodes;

	/* Inputs on which Zydis and mmiodec both answered OK, by vendor,
	 * mode and form of src/forms.h (zydis_form_name()). */
	uint32_t form_ok[VENDOR_COUNT][MODE_COUNT][DIFF_FORM_MAX];
	/* Set once the exhaustive phase has run to its end: every form must
	 * then have been seen, in every mode where it exists, as every
	 * vendor judged (diff_forms_missing()). */
	bool forms_required;

	uint64_t valid_seen;       /* for options.prefix_every */
	uint64_t calls;            /* for the clock check */
	double start, deadline;    /* seconds, monotonic; deadline 0: none */
	bool out_of_time;
};

static inline unsigned mode_index(unsigned mode)
{
	return mode == 16 ? 0 : mode == 32 ? 1 : 2;
}

static inline unsigned mode_of_index(unsigned index)
{
	return index == 0 ? 16 : index == 1 ? 32 : 64;
}

/* compare.c */
double diff_now(void);
bool diff_run_init(struct diff_run *run, const struct diff_options *options);
void diff_run_free(struct diff_run *run);
const char *diff_vendor_name(unsigned vendor);
/* Judge mmiodec's answer against Zydis's for the same bytes and vendor. */
struct diff_verdict diff_compare(const struct zydis_answer *zydis,
				 const struct mmiodec_insn *insn, const uint8_t *bytes,
				 size_t len, unsigned mode);
/* The ANY descriptor the definition (include/mmiodec.h) makes of an INTEL
 * and an AMD descriptor for the same bytes in mode. */
struct mmiodec_insn diff_any_expected(const struct mmiodec_insn *intel,
				      const struct mmiodec_insn *amd, unsigned mode);
/* Whether two descriptors agree in every field but vendor and
 * vendor_dependent. */
bool diff_same_but_vendor(const struct mmiodec_insn *a, const struct mmiodec_insn *b);

/* Hex pairs without spaces ("0f05") into out; stops at the first pair
 * that is not hex or at cap bytes. Returns the byte count. */
size_t diff_parse_hex(const char *text, uint8_t *out, size_t cap);
/* Check mmiodec's answers insn[ANY], insn[INTEL], insn[AMD] against each
 * other (KIND_CONSISTENCY, detail enum diff_consistency). */
struct diff_verdict diff_consistency(const struct mmiodec_insn insn[VENDOR_COUNT], unsigned mode);
/* Decode bytes[0..len) with Zydis (the vendors asked for, and what they
 * need) and with mmiodec (all three), and judge them. */
void diff_judge(const struct zydis_vendors *oracles, diff_decode_fn decode, unsigned vendors,
		unsigned zydis_flags, const uint8_t *bytes, size_t len, unsigned mode,
		struct diff_judgement *judgement);
void diff_record(struct diff_run *run, enum diff_source source, unsigned vendor,
		 const uint8_t *bytes, size_t len, unsigned mode,
		 const struct zydis_answer *zydis, const struct mmiodec_insn *insn,
		 struct diff_verdict verdict, size_t cut);
/* Judge bytes[0..len) in mode as each vendor and record the result (also
 * its prefixes, for every prefix_every-th valid instruction). False once
 * the time limit has passed: the caller stops. */
bool diff_check(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
		size_t len, unsigned mode);
/* The same, also setting *zydis_length to Zydis's length (0 when Zydis
 * rejects the bytes; Intel's when Intel is judged, else AMD's): the linear
 * sweep steps by it. */
bool diff_check_step(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
		     size_t len, unsigned mode, size_t *zydis_length);
bool diff_kind_fails(const struct diff_run *run, enum diff_kind kind);
/* A validity or truncation disagreement on a VEX, EVEX or XOP encoding: the
 * kind the project tolerates up to 0.1% of such inputs (README). */
bool diff_is_tolerated_vex_kind(const struct zydis_answer *zydis, const uint8_t *bytes,
				size_t len, unsigned mode, enum diff_kind kind);
bool diff_run_failed(const struct diff_run *run);
/* The forms of src/forms.h not seen OK (by both decoders) in a mode where
 * they exist, as a vendor judged, counted over vendors and modes. */
unsigned diff_forms_missing(const struct diff_run *run);
const char *diff_kind_name(enum diff_kind kind);
void diff_field_name(uint8_t field, char *out, size_t cap);
uint8_t diff_first_differing_field(const char *expected, const char *actual);
/* The detail of a verdict, as the report shows it. */
void diff_detail_text(enum diff_kind kind, uint8_t detail, char *out, size_t cap);
void diff_report(const struct diff_run *run, FILE *out);
/* Both answers for one input, as each vendor, and the verdicts, as a
 * report shows them. */
void diff_explain(const struct diff_run *run, const uint8_t *bytes, size_t len, unsigned mode,
		  FILE *out);
/* One line of progress: a phase, its inputs and time. */
void diff_print_phase(const char *name, uint64_t inputs, double seconds, bool stopped);

/* inputs.c */
void diff_exhaustive(struct diff_run *run);
/* The encodings Intel and AMD read differently, with and without what
 * switches them off, in every mode, cut at every length. */
void diff_vendor_forms(struct diff_run *run);
void diff_random(struct diff_run *run);

/* sweep.c */
void diff_sweep(struct diff_run *run);

#endif /* MMIODEC_DIFF_H */
