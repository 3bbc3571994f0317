#!/bin/bash
# SPDX-License-Identifier: MIT
# mmiodec as user space consumes a C library, checked end to end:
#  1. `meson install --destdir` of a library-only build (no Zydis, no
#     CMocka): exactly the header, libmmiodec.a, libmmiodec.so.0 (its soname)
#     exporting only the functions declared in include/mmiodec.h, mmiodec.pc
#     and the CLI are installed;
#  2. the outside project tests/install/consumer is built against that
#     install through pkg-config, with `pkg-config --cflags --libs` and cc,
#     and with Meson's dependency('mmiodec'), each linked shared (it must
#     need libmmiodec.so.0 and load it from the install) and static (it
#     must not), and run;
#  3. the same project is built as the parent of a copy of this source tree
#     in subprojects/mmiodec: only the static library is built, no test,
#     trap runtime, CLI or Zydis/CMocka lookup, nothing installed; and run;
#  4. a default configuration (tests, trap runtime) installs nothing beyond
#     the library, the CLI and the trap runtime: no test binary (skipped when
#     Zydis or CMocka is missing, as that configuration then cannot be set
#     up).
# Usage: tests/install/check-install.sh   (CC picks the compiler, default cc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mmiodec-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

prefix=/opt/mmiodec   # not a system directory: nothing else is found there
dest=$tmp/dest
libdir=$dest$prefix/lib

fail() { printf 'check-install: FAIL: %s\n' "$*" >&2; exit 1; }
# A failure the later checks do not depend on: reported now, fatal at the end.
failures=0
problem() { printf 'check-install: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { printf 'check-install: ok: %s\n' "$*"; }
# A list, one item a line, as one line.
words() { printf '%s\n' "$1" | paste -sd ' '; }
# Run a command quietly; on failure show its output and stop.
run() {
	"$@" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "$*"; }
}
# The NEEDED entries of an ELF file, one a line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }
# (no grep -q after a pipe: with pipefail, an early exit of grep would fail
# the writer with SIGPIPE)
# Check that $1 needs libmmiodec.so.N and loads it from the install; run it.
check_shared() {
	local so=libmmiodec.so.$soversion
	needed "$1" | grep -x "$so" >/dev/null ||
		fail "$1 does not need $so (NEEDED: $(words "$(needed "$1")"))"
	LD_LIBRARY_PATH=$libdir ldd "$1" | grep -F "$so => $libdir/$so " >/dev/null ||
		fail "$1 does not load $so from $libdir"
	LD_LIBRARY_PATH=$libdir "$1" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "$1 failed"; }
}
# Check that $1 has the library linked in and needs no libmmiodec.so; run it.
check_static() {
	! needed "$1" | grep libmmiodec >/dev/null ||
		fail "$1 was to be linked statically but needs $(needed "$1" | grep libmmiodec)"
	nm --defined-only "$1" | grep ' T mmiodec_decode$' >/dev/null ||
		fail "$1 does not contain mmiodec_decode"
	"$1" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "$1 failed"; }
}

# --- 1. install a library-only build ------------------------------------
run meson setup "$tmp/build" "$src" --buildtype=release \
	--prefix="$prefix" --libdir=lib -Dtests=false -Dtrap=false
run ninja -C "$tmp/build"
run meson install -C "$tmp/build" --destdir "$dest"
version=$(meson introspect --projectinfo "$tmp/build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
soversion=${version%%.*}

expected="bin/mmiodec
include/mmiodec.h
lib/libmmiodec.a
lib/libmmiodec.so
lib/libmmiodec.so.$soversion
lib/libmmiodec.so.$version
lib/pkgconfig/mmiodec.pc"
installed=$(cd "$dest$prefix" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[ "$installed" = "$expected" ] ||
	fail "meson install put in $prefix:
$installed
expected:
$expected"
ok "meson install --destdir: $(words "$installed")"

[ "$(readlink "$libdir/libmmiodec.so")" = "libmmiodec.so.$soversion" ] ||
	fail "libmmiodec.so does not point to libmmiodec.so.$soversion"
soname=$(readelf -d "$libdir/libmmiodec.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
[ "$soname" = "libmmiodec.so.$soversion" ] ||
	fail "libmmiodec.so.$version has soname '$soname', expected libmmiodec.so.$soversion"
ok "soname $soname"

# Exported: exactly the functions include/mmiodec.h declares.
exported=$(nm -D --defined-only "$libdir/libmmiodec.so.$version" | awk '{ print $3 }' | LC_ALL=C sort)
# (a declaration starts in column 0, its name after the type or alone)
declared=$(sed -En 's/^([A-Za-z][^(]*[ *])?(mmiodec_[a-z0-9_]+)\(.*/\2/p' \
	"$src/include/mmiodec.h" | LC_ALL=C sort -u)
[ -n "$declared" ] || fail "found no function declaration in include/mmiodec.h"
extra=$(LC_ALL=C comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(LC_ALL=C comm -13 <(echo "$exported") <(echo "$declared"))
[ -z "$extra" ] ||
	problem "libmmiodec.so exports what include/mmiodec.h does not declare: $(words "$extra")"
[ -z "$missing" ] ||
	problem "libmmiodec.so does not export what include/mmiodec.h declares: $(words "$missing")"
if [ -z "$extra$missing" ]; then
	ok "libmmiodec.so exports the $(echo "$exported" | wc -l) API functions only: $(words "$exported")"
fi

# --- 2. an outside project, through pkg-config ---------------------------
# PKG_CONFIG_LIBDIR replaces the default search path, so that only the
# install under $dest is found; the sysroot maps its paths into $dest.
(
	export PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
	unset PKG_CONFIG_PATH
	pc_version=$(pkg-config --modversion mmiodec) || fail "pkg-config does not find mmiodec"
	[ "$pc_version" = "$version" ] || fail "mmiodec.pc says version $pc_version, not $version"
	flags=$(pkg-config --cflags --libs mmiodec)
	ok "pkg-config --cflags --libs mmiodec: $flags"

	# shellcheck disable=SC2086 # the flags are words
	run "$cc" -o "$tmp/pc-shared" "$here/consumer/consumer.c" $flags
	check_shared "$tmp/pc-shared"
	ok "cc \$(pkg-config --cflags --libs mmiodec): needs libmmiodec.so.$soversion, runs: $(cat "$tmp/out")"

	# --static adds the private libraries; -Bstatic makes -lmmiodec the .a
	# shellcheck disable=SC2046 # the flags are words
	run "$cc" -o "$tmp/pc-static" "$here/consumer/consumer.c" \
		$(pkg-config --cflags mmiodec) \
		-Wl,-Bstatic $(pkg-config --static --libs mmiodec) -Wl,-Bdynamic
	check_static "$tmp/pc-static"
	ok "cc \$(pkg-config --static ...) -Wl,-Bstatic: libmmiodec.a linked in, runs"

	run meson setup "$tmp/consumer-pc" "$here/consumer"
	grep -q 'Run-time dependency mmiodec found: YES' "$tmp/out" ||
		fail "meson did not find mmiodec through pkg-config"
	run ninja -C "$tmp/consumer-pc"
	check_shared "$tmp/consumer-pc/consumer"
	ok "meson dependency('mmiodec'): needs libmmiodec.so.$soversion, runs"
	check_static "$tmp/consumer-pc/consumer-static"
	ok "meson dependency('mmiodec', static: true): libmmiodec.a linked in, runs"
)

# --- 3. the same project, with mmiodec in subprojects/ -------------------
# A copy of the source tree as a release would have it: the tracked and
# untracked-but-not-ignored files (so no build directory), or everything
# but build* outside a git work tree.
parent=$tmp/parent
mkdir -p "$parent/subprojects/mmiodec"
cp "$here/consumer/meson.build" "$here/consumer/consumer.c" "$parent/"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$parent/subprojects/mmiodec" -xf -
else
	tar -C "$src" --exclude='./build*' -cf - . | tar -C "$parent/subprojects/mmiodec" -xf -
fi
[ -f "$parent/subprojects/mmiodec/meson.build" ] || fail "copy of the source tree failed"
(
	# No pkg-config file of an installed mmiodec can be taken instead.
	export PKG_CONFIG_LIBDIR=$tmp/empty
	unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
	run meson setup "$tmp/parent-build" "$parent"
	grep -q 'Dependency mmiodec found: YES .*(overridden)' "$tmp/out" ||
		fail "dependency('mmiodec') did not come from subprojects/mmiodec"
	# What the subproject builds and looks up, and what the parent installs.
	targets=$(meson introspect --targets "$tmp/parent-build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["subproject"] == "mmiodec":
        print(t["type"], t["name"], "installed" if t["installed"] else "")')
	[ "$targets" = "static library mmiodec " ] ||
		fail "as a subproject mmiodec builds more than its static library: $targets"
	! grep -Eqi 'zydis|cmocka' "$tmp/parent-build/meson-logs/meson-log.txt" ||
		fail "as a subproject mmiodec looks for Zydis or CMocka: $(grep -Ei 'zydis|cmocka' "$tmp/parent-build/meson-logs/meson-log.txt" | head -3)"
	[ "$(meson introspect --installed "$tmp/parent-build")" = '{}' ] ||
		fail "the parent installs: $(meson introspect --installed "$tmp/parent-build")"
	ok "subprojects/mmiodec: dependency('mmiodec') is the override; builds only libmmiodec.a; no Zydis/CMocka lookup; installs nothing"
	run ninja -C "$tmp/parent-build"
	check_static "$tmp/parent-build/consumer"
	check_static "$tmp/parent-build/consumer-static"
	ok "subproject: dependency('mmiodec') and dependency('mmiodec', static: true) link libmmiodec.a, run: $(cat "$tmp/out")"
)

# --- 4. the default configuration installs no test binary ----------------
if meson setup "$tmp/default" "$src" >"$tmp/out" 2>&1; then
	# Every file a default `meson install` would write, relative to the prefix.
	dprefix=$(meson introspect --buildoptions "$tmp/default" |
		python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
	files=$(meson introspect --installed "$tmp/default" | python3 -c '
import json, sys
prefix = sys.argv[1].rstrip("/") + "/"
for path in sorted(json.load(sys.stdin).values()):
    print(path[len(prefix):] if path.startswith(prefix) else path)' "$dprefix")
	allowed='^(bin/mmiodec|include/mmiodec\.h|include/mmiotrap\.h|lib/([^/]*/)?(libmmiodec\.(a|so[.0-9]*)|libmmiotrap\.a|pkgconfig/mmiodec\.pc))$'
	unexpected=$(echo "$files" | grep -Ev "$allowed" || true)
	[ -z "$unexpected" ] ||
		fail "the default configuration installs more than the library, CLI and trap runtime: $(words "$unexpected")"
	ok "default configuration installs: $(words "$files")"
elif grep -Ei 'zydis|cmocka' "$tmp/out" >/dev/null; then
	ok "default configuration: skipped, Zydis or CMocka is missing ($(grep -m1 -i 'error' "$tmp/out"))"
else
	cat "$tmp/out" >&2
	fail "meson setup of the default configuration"
fi

[ "$failures" = 0 ] || fail "$failures of the checks above failed"
printf 'check-install: all passed\n'
