# SPDX-License-Identifier: MIT
"""Write the seed corpora fuzz/corpus/<target>/ from the list below.

Each seed is the header byte of fuzz_common.h (mode, DF, register seed,
flavour) and the instruction bytes. Run from anywhere:
    python3 fuzz/make-corpus.py
It replaces the generated files (named <mode>-<what>) and keeps any other
file, such as a crash reproducer added by hand.
"""
import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
MODE_BITS = {16: 0, 32: 1, 64: 2}
DF = 0x04
SEED = 0x08


def flavour(n):
    return n << 4


# (name, modes, instruction hex)
SUPPORTED = [
    ("mov-store8", (16, 32, 64), "8800"),
    ("mov-store-disp8", (16, 32, 64), "894604"),
    ("mov-load-ah", (16, 32, 64), "8a6601"),
    ("mov-load-disp32", (32, 64), "8b0d78563412"),
    ("mov-load-sib", (32, 64), "8b448840"),
    ("mov-load-sib-nobase", (32, 64), "8b0425f0debc0a"),
    ("mov-load-index-scale", (32, 64), "8b0485f0debc0a"),
    ("mov-store-opsize", (16, 32, 64), "66894604"),
    ("mov-store-rex-w", (64,), "48890424"),
    ("mov-load-rex-rxb", (64,), "4f8b448840"),
    ("mov-load-rip", (64,), "8b0500010000"),
    ("mov-load-rip-adsize", (64,), "678b0500010000"),
    ("mov-load-adsize", (16, 32, 64), "678b00"),
    ("mov-imm8", (16, 32, 64), "c60012"),
    ("mov-imm16", (16, 32, 64), "66c7001234"),
    ("mov-imm32-disp8", (32, 64), "c7401078563412"),
    ("mov-imm-rex-w", (64,), "48c700f0ffffff"),
    ("mov-imm-long", (64,), "48c7842478563412f0debc9a"),
    ("mov-moffs-load8", (16,), "a03412"),
    ("mov-moffs-load", (32,), "a178563412"),
    ("mov-moffs-store64", (64,), "a3f0debc9a78563412"),
    ("mov-moffs-store8-adsize", (64,), "67a278563412"),
    ("movzx8", (16, 32, 64), "0fb600"),
    ("movzx16-rex-w", (64,), "480fb708"),
    ("movsx8", (16, 32, 64), "0fbe4001"),
    ("movsx16", (16, 32, 64), "0fbf00"),
    ("movsxd", (64,), "486300"),
    ("movsxd-32", (64,), "6300"),
    ("movnti", (32, 64), "0fc300"),
    ("movnti-rex-w", (64,), "480fc300"),
    ("movsb", (16, 32, 64), "a4"),
    ("rep-movsb", (16, 32, 64), "f3a4"),
    ("rep-movs", (16, 32, 64), "f3a5"),
    ("repne-movs", (16, 32, 64), "f2a5"),
    ("movsq", (64,), "48a5"),
    ("movs-fs-source", (32, 64), "64a5"),
    ("rep-movs-adsize", (16, 32, 64), "67f3a4"),
    ("stosb", (16, 32, 64), "aa"),
    ("rep-stos", (16, 32, 64), "f3ab"),
    ("rep-stosq", (64,), "f348ab"),
    ("lodsb", (16, 32, 64), "ac"),
    ("rep-lods-opsize", (16, 32, 64), "f366ad"),
    ("mov-seg-fs", (32, 64), "648b00"),
    ("mov-seg-gs", (64,), "65488b00"),
    ("mov-seg-ss-bp", (16, 32), "8b4604"),
    ("mov-16-bx-si", (16,), "8b00"),
    ("mov-16-disp16", (16,), "8b063412"),
    ("xrelease-mov", (32, 64), "f38900"),
]

# Tier 2: read-modify-write, compares, MUL/DIV, exchanges, bits, shifts,
# conditions (decoded, emulated and executed).
TIER2 = [
    ("add-mem", (16, 32, 64), "0100"),
    ("lock-add", (16, 32, 64), "f00100"),
    ("add-load", (16, 32, 64), "0308"),
    ("lock-adc-rex-w", (64,), "f0481118"),
    ("sub-imm8-opsize", (16, 32, 64), "66832880"),
    ("cmp-load", (16, 32, 64), "3a4801"),
    ("xor-imm32", (32, 64), "8130ffffff7f"),
    ("group1-82", (16, 32), "823001"),
    ("test-imm", (16, 32, 64), "f60080"),
    ("test-reg", (16, 32, 64), "8520"),
    ("not-mem", (16, 32, 64), "f610"),
    ("lock-neg", (16, 32, 64), "f0f718"),
    ("mul-byte", (16, 32, 64), "f620"),
    ("imul-1op", (16, 32, 64), "f728"),
    ("div-byte", (16, 32, 64), "f630"),
    ("idiv-rex-w", (64,), "48f738"),
    ("imul-r-m", (16, 32, 64), "0faf00"),
    ("imul-imm8", (16, 32, 64), "6b0080"),
    ("imul-imm32", (32, 64), "690000000080"),
    ("inc-mem", (16, 32, 64), "ff00"),
    ("dec-byte", (16, 32, 64), "fe08"),
    ("xchg-ah", (16, 32, 64), "8620"),
    ("xchg-rex", (64,), "4c8700"),
    ("cmpxchg", (16, 32, 64), "0fb108"),
    ("lock-cmpxchg-byte", (16, 32, 64), "f00fb000"),
    ("xadd", (16, 32, 64), "0fc100"),
    ("cmpxchg8b", (16, 32, 64), "0fc708"),
    ("lock-cmpxchg16b", (64,), "f0480fc708"),
    ("bt-reg", (16, 32, 64), "0fa300"),
    ("bts-imm", (16, 32, 64), "0fba2821"),
    ("btc-reg-rex-w", (64,), "480fbb00"),
    ("rol-imm", (16, 32, 64), "c00005"),
    ("shl-1", (16, 32, 64), "d120"),
    ("sar-cl", (16, 32, 64), "d338"),
    ("sal-6", (16, 32, 64), "d330"),
    ("rcr-cl-byte", (16, 32, 64), "d218"),
    ("shld-imm", (16, 32, 64), "0fa40004"),
    ("shrd-cl", (16, 32, 64), "0fad00"),
    ("setz", (16, 32, 64), "0f9400"),
    ("setnle", (16, 32, 64), "0f9f00"),
    ("cmovb", (16, 32, 64), "0f4200"),
    ("cmovnz-opsize", (16, 32, 64), "660f4500"),
    ("movbe-load", (16, 32, 64), "0f38f000"),
    ("movbe-store-rex-w", (64,), "480f38f100"),
    ("crc32-not-movbe", (32, 64), "f20f38f000"),
]

# Tier 3: vector moves and portal stores, every encoding and what
# changes them: SSE/MMX, VEX (L, vvvv), EVEX (L'L, R', opmask, z, disp8*N),
# the aligned forms, the half moves, MOVDIRI, MOVDIR64B, ENQCMD(S).
TIER3 = [
    ("movd-mmx-load", (16, 32, 64), "0f6e00"),
    ("movq-mmx-store", (16, 32, 64), "0f7f08"),
    ("movq-xmm-rex-w", (64,), "66480f6e00"),
    ("movq-f3-load", (16, 32, 64), "f30f7e00"),
    ("movq-d6-store", (16, 32, 64), "660fd600"),
    ("movss-load", (16, 32, 64), "f30f1000"),
    ("movsd-store", (16, 32, 64), "f20f1100"),
    ("movups-load", (16, 32, 64), "0f1000"),
    ("movupd-store-rex", (64,), "66440f1100"),
    ("movaps-load", (16, 32, 64), "0f2800"),
    ("movdqa-store", (16, 32, 64), "660f7f00"),
    ("movdqu-load-66", (16, 32, 64), "66f30f6f00"),
    ("movlps-load", (16, 32, 64), "0f1200"),
    ("movhpd-store", (16, 32, 64), "660f1700"),
    ("movntdq", (16, 32, 64), "660fe700"),
    ("movntdqa", (16, 32, 64), "660f382a00"),
    ("vmovups-128", (32, 64), "c5f81000"),
    ("vmovups-256-store", (32, 64), "c5fc1100"),
    ("vmovdqu-vex3-rxb", (64,), "c4417e6f04c8"),
    ("vmovd-vex", (32, 64), "c5f96e00"),
    ("vmovq-vex-w1", (64,), "c4e1f97e00"),
    ("vmovss-vex", (32, 64), "c5fa1000"),
    ("vmovlps-vex-load", (32, 64), "c5e81208"),
    ("vmovhpd-vex-load", (32, 64), "c5e11600"),
    ("vmovntdqa-vex-256", (32, 64), "c4e27d2a00"),
    ("vmovaps-evex-512", (32, 64), "62f17c482800"),
    ("vmovups-evex-mask-store", (32, 64), "62f17c4d1100"),
    ("vmovups-evex-zmm16-disp8", (64,), "62e17c4d11400f"),
    ("vmovdqu8-evex-mask", (32, 64), "62f17f496f00"),
    ("vmovdqu16-evex-zero", (32, 64), "62f1ffc96f00"),
    ("vmovdqu32-evex-zero", (32, 64), "62f17ec96f17"),
    ("vmovdqu64-evex-256", (32, 64), "62f1fe2f6f4c2401"),
    ("vmovdqa32-evex-128", (32, 64), "62f17d096f00"),
    ("vmovsd-evex-mask", (32, 64), "62f1ff091000"),
    ("vmovss-evex-mask-store", (32, 64), "62f17e0f1100"),
    ("vmovhps-evex-load", (32, 64), "62f12c081600"),
    ("vmovntps-evex", (32, 64), "62f17c482b00"),
    ("movdiri", (16, 32, 64), "0f38f900"),
    ("movdiri-rex-w", (64,), "480f38f900"),
    ("movdir64b", (16, 32, 64), "660f38f808"),
    ("movdir64b-fs-adsize", (32, 64), "6467660f38f808"),
    ("enqcmd", (16, 32, 64), "f20f38f808"),
    ("enqcmds", (16, 32, 64), "f30f38f808"),
]

OTHERS = [
    # valid, no memory or not emulated
    ("nop", (16, 32, 64), "90"),
    ("mov-reg-reg", (16, 32, 64), "89c8"),
    ("cpuid", (16, 32, 64), "0fa2"),
    ("call-rel", (32, 64), "e800000000"),
    ("clflush", (16, 32, 64), "0fae38"),
    ("3dnow-pfadd", (32, 64), "0f0f009e"),
    ("sse-0f38", (32, 64), "660f380000"),
    ("sse-0f3a-imm", (32, 64), "660f3a0f0001"),
    ("vex2-load", (32, 64), "c5f96f00"),
    ("vex2-vzeroupper", (32, 64), "c5f877"),
    ("vex3-broadcast", (32, 64), "c4e2791800"),
    ("evex-load", (32, 64), "62f17c481000"),
    ("evex-disp8", (32, 64), "62f17c48104001"),
    ("xop", (32, 64), "8fe878c0000000"),
    ("lds", (32,), "c500"),
    ("bound", (32,), "620000"),
    # invalid or truncated
    ("lock-mov", (16, 32, 64), "f08900"),
    ("lock-cmp", (16, 32, 64), "f03900"),
    ("lock-bt", (16, 32, 64), "f00fa300"),
    ("push-es-64", (64,), "06"),
    ("ud0-short", (16, 32, 64), "0fff"),
    ("trunc-opcode", (16, 32, 64), "8b"),
    ("trunc-escape", (16, 32, 64), "0f"),
    ("trunc-imm", (16, 32, 64), "c70078"),
    ("trunc-rex", (64,), "48"),
    ("trunc-prefix", (16, 32, 64), "66"),
    ("trunc-moffs", (16, 32, 64), "a100"),
    ("trunc-vex", (32, 64), "c4e2"),
    ("prefix-flood-15", (16, 32, 64), "26" * 13 + "8800"),
    ("prefix-flood-16", (16, 32, 64), "66" * 14 + "8b00"),
    ("rep-flood", (16, 32, 64), "f3" * 14 + "a4"),
    ("rex-flood", (64,), "48" * 13 + "8b00"),
]

# What the fuzzers found, kept so that a regression shows at once.
FOUND = [
    ("found-movnti-16", (16,), "0fc300"),
    ("found-movsxd-opsize", (64,), "666338"),
    ("found-seg-gs-then-ds", (64,), "653ea0" + "00" * 8),
    ("found-movs-gs-then-es", (64,), "6526f3a4"),
    ("found-mov-dr8", (64,), "440f23f2"),
    ("found-bnd8", (64,), "4d0f1b02"),
    ("found-evex-vsib-v", (64,), "62f27d41a32c00"),
    ("found-evex-vsib-16", (16,), "2662f27d49a32c01"),
    ("found-evex-p1-bit2", (64,), "62f249aa5df3"),
    ("found-vex-kand-l0", (32, 64), "c5f041d6"),
    ("found-sib-r13-adsize", (64,), "674b63242526267856"),
    ("found-moffs-dest-width", (64,), "a1" + "00" * 8),
]

# Register files for the emulator: DF set, small counts, random values,
# values near address-size boundaries.
EMULATE_REGS = [
    ("small", flavour(1), b""),
    ("small-df", flavour(1) | DF, b""),
    ("boundary", flavour(0), b""),
    ("mixed", flavour(15) | SEED, bytes.fromhex("01020304")),
    ("window", flavour(4) | SEED, bytes.fromhex("c0ffee00")),
]


def write(target, name, data):
    directory = HERE / "corpus" / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main():
    for target in ("decode", "emulate", "execute", "zydis"):
        directory = HERE / "corpus" / target
        if directory.is_dir():
            for old in directory.iterdir():
                if old.name[:3] in ("16-", "32-", "64-"):
                    old.unlink()
    for name, modes, text in SUPPORTED + TIER2 + TIER3 + OTHERS + FOUND:
        insn = bytes.fromhex(text)
        for mode in modes:
            base = f"{mode}-{name}"
            write("decode", base, bytes([MODE_BITS[mode] | flavour(15)]) + insn)
            write("zydis", base, bytes([MODE_BITS[mode]]) + insn)
    # the emulator goes further only on supported forms; each gets one of
    # the register files in turn
    for i, (name, modes, text) in enumerate(SUPPORTED + TIER2 + TIER3):
        insn = bytes.fromhex(text)
        for mode in modes:
            regs, header, seed = EMULATE_REGS[(i + mode) % len(EMULATE_REGS)]
            write("emulate", f"{mode}-{name}-{regs}",
                  bytes([MODE_BITS[mode] | header]) + seed + insn)
    # mmiodec_execute(): every tier-2 and tier-3 seed with two register
    # files, and a few MOV-family and string ones (NOT_HANDLED)
    for i, (name, modes, text) in enumerate(TIER2 + SUPPORTED[:8] + SUPPORTED[30:34] + TIER3):
        insn = bytes.fromhex(text)
        for mode in modes:
            for k in (0, 3):
                regs, header, seed = EMULATE_REGS[(i + mode + k) % len(EMULATE_REGS)]
                write("execute", f"{mode}-{name}-{regs}",
                      bytes([MODE_BITS[mode] | header]) + seed + insn)
    # a few decode seeds with DF and an explicit register seed
    write("decode", "64-rep-movs-df-seeded",
          bytes([MODE_BITS[64] | DF | SEED | flavour(7)])
          + bytes.fromhex("0badf00d") + bytes.fromhex("f3a5"))
    write("decode", "16-mov-ah-seeded",
          bytes([MODE_BITS[16] | SEED | flavour(3)])
          + bytes.fromhex("00000001") + bytes.fromhex("8a6601"))


if __name__ == "__main__":
    os.chdir(HERE)
    main()
