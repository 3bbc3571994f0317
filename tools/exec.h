/* SPDX-License-Identifier: MIT */
/*
 * `mmiodec exec`: the library as a reference model. Each input line is a
 * JSON object giving an instruction, the registers and what memory
 * returns; each output line says what the instruction does: the memory
 * accesses in order and the registers after. The format is in the help
 * text (exec.c) and the README.
 */
#ifndef MMIODEC_TOOLS_EXEC_H
#define MMIODEC_TOOLS_EXEC_H

/*
 * exec_main() - run `mmiodec exec`
 * @argc: arguments from "exec" on
 * @argv: argv[0] is "exec"
 *
 * Return: the exit status: 0, 1 when some line was bad (or reading or
 * writing failed), 2 for a bad command line.
 */
int exec_main(int argc, char **argv);

#endif /* MMIODEC_TOOLS_EXEC_H */
