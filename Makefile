# spm — Sales Performance Management as small Unix programs.
# make | make check | make demo | make bench | make install PREFIX=... DESTDIR=... | make clean

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
# spm's own files that are not commands: the library the scripts source
PKGDATADIR ?= $(DATADIR)/spm
# where bash-completion and zsh look for completions of commands installed in PREFIX
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE $(WARN) -pthread -Isrc/lib $(CFLAGS)
LDLIBS_CSV = -lcsv -pthread

# Build directory: build/ for the normal build, build/san for the sanitizer build.
B       ?= build
BIN     ?= bin

PROGRAMS = spm-track spm-goal spm-score spm-report spm-mail
# POSIX sh scripts installed beside the programs (scripts/NAME), and the code they share,
# which they source (installed in PKGDATADIR: it is not a command)
SCRIPTS  = spm-weekly spm-quarter-close
SCRIPT_LIB = spm-script-lib.sh
LIB_SRC  = $(wildcard src/lib/*.c)
LIB_OBJ  = $(LIB_SRC:src/lib/%.c=$(B)/lib/%.o)
LIB_HDR  = $(wildcard src/lib/*.h)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
MAN1     = $(wildcard man/*.1)
MAN7     = $(wildcard man/*.7)

.PHONY: all deps check unit cli exact test-scripts fault fuzz-regress sanitize clang fuzz demo bench test-spark install uninstall clean lint-man

all: deps $(PROGRAMS:%=$(BIN)/%) $(BIN)/gen-deals

deps:
	@sh scripts/deps.sh build

$(B)/lib/%.o: src/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libspm.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# A program is a small folder (src/spm-goal/*.c), built with the core library;
# LDLIBS_<name> adds libraries (libm for statistics).
LDLIBS_spm-score = -lm
LDLIBS_spm-report = -lm -lxlsxwriter
define folder_program
$$(BIN)/$(1): $$(wildcard src/$(1)/*.c) $$(wildcard src/$(1)/*.h) $$(B)/libspm.a $$(LIB_HDR)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) -o $$@ $$(wildcard src/$(1)/*.c) $$(B)/libspm.a $$(LDLIBS_$(1)) $$(LDLIBS_CSV)
endef
$(foreach p,$(PROGRAMS),$(eval $(call folder_program,$(p))))

$(BIN)/gen-deals: scripts/gen-deals.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $<

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libspm.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libspm.a -lcmocka $(LDLIBS_CSV)

# Unit tests that compile a program's sources in.
$(B)/tests/test_report: $(wildcard src/spm-report/*.c src/spm-report/*.h)
$(B)/tests/test_payout: $(wildcard src/spm-score/plan.[ch] src/spm-score/payout.c src/spm-score/*.h)
$(B)/tests/test_cards: src/spm-score/cards.c src/spm-score/cards.h
$(B)/tests/test_render_csv: src/spm-report/doc.c src/spm-report/render.c src/spm-report/render_data.c $(wildcard src/spm-report/*.h)
$(B)/tests/test_track: $(filter-out src/spm-track/main.c,$(wildcard src/spm-track/*.c)) src/spm-track/spm-track.h

# Every unit test program, then every CLI case, then all of it again under ASan+UBSan.
# Each suite appends "NAME PASSED FAILED" to CHECK_TALLY; the last line sums them up.
check: export CHECK_TALLY = $(CURDIR)/$(B)/check.tally
check: deps
	@sh scripts/deps.sh test
	@mkdir -p $(B) && rm -f $(CHECK_TALLY)
	$(MAKE) unit cli exact
	$(MAKE) test-scripts
	$(MAKE) fault
	$(MAKE) fuzz-regress
	$(MAKE) sanitize
	$(MAKE) clang
	@if command -v man >/dev/null 2>&1; then $(MAKE) --no-print-directory lint-man; \
	else echo "man: not installed, man page lint skipped"; fi
	@sh tests/browser/run.sh $(BIN)
	@awk '{ p += $$2; f += $$3; parts = parts (parts ? ", " : "") $$1 " " $$2 } \
		END { printf "check: %d passed, %d failed (%s)\n", p, f, parts; exit f > 0 }' $(CHECK_TALLY)

# The same sources must build warning-free with clang too.
clang:
	@if command -v clang >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory CC=clang B=build/clang BIN=build/clang/bin \
			$(PROGRAMS:%=build/clang/bin/%) build/clang/bin/gen-deals $(UNIT_SRC:tests/unit/%.c=build/clang/tests/%) && \
		echo "clang: warning-free build" && \
		{ [ -z "$$CHECK_TALLY" ] || echo "clang 1 0" >>"$$CHECK_TALLY"; }; \
	else echo "clang: not installed, clang build skipped (apt-get install clang)"; fi

unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

cli: $(PROGRAMS:%=$(BIN)/%) $(BIN)/gen-deals
	@sh tests/cli/run.sh $(BIN)

# Progress values against exact rational arithmetic (tests/exact/, Python fractions):
# 20,000 random cases, a third of them past 128-bit steps.
exact: $(B)/libspm.a
	@LIBSPM=$(B)/libspm.a python3 tests/exact/check-progress.py

# The automation around the programs (tests/scripts/): spm-weekly and spm-quarter-close
# end to end on the demo data, the examples, the bash and zsh completions, install and
# uninstall into a DESTDIR, and shellcheck.
test-scripts: $(PROGRAMS:%=$(BIN)/%) $(BIN)/gen-deals
	@sh tests/scripts/run.sh $(BIN)

# Faults and signals (tests/fault/): every program and output mode, and the scripts'
# publish, with the Nth write, rename, fsync, close or malloc failing (an LD_PRELOAD
# shim), and killed by each terminating signal mid-write: old outputs unchanged, no
# temporary file left.
fault: $(PROGRAMS:%=$(BIN)/%) $(BIN)/gen-deals
	@sh tests/fault/signals.sh $(BIN)
	@sh tests/fault/run.sh $(BIN)

# Every fuzz harness over its seed corpus, once (clang with libFuzzer; skipped without).
fuzz-regress:
	@FUZZ_REGRESS=1 sh tests/fuzz/run.sh

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize:
	CHECK_PREFIX=sanitize- $(MAKE) B=build/san BIN=build/san/bin CFLAGS="$(SAN_FLAGS)" \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 unit cli

# libFuzzer harnesses (clang); FUZZ_SECONDS per harness (check runs only their seeds).
fuzz:
	@sh tests/fuzz/run.sh

demo: all
	@sh scripts/demo.sh $(BIN)

bench: all
	@bash scripts/bench.sh

# The Spark driver (scripts/spm-spark.py) on the real pyspark, installed from PyPI into
# .spark-venv (needs Java 17 and python3-venv); make check runs it on a stand-in.
test-spark: all
	@sh tests/spark/run-real.sh $(BIN)

# Programs and scripts in BINDIR, the scripts' library in PKGDATADIR, manual pages, and
# the completions: bash-completion loads BASHCOMPDIR/NAME when NAME is first completed
# (one file, linked under every name), zsh finds _spm in ZSHCOMPDIR, which is in its
# fpath. Each script is installed with the library's installed path (without DESTDIR)
# in place of its source-tree line (the library beside the script).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(PROGRAMS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)/
	install -m 644 scripts/$(SCRIPT_LIB) $(DESTDIR)$(PKGDATADIR)/
	for s in $(SCRIPTS); do \
		sed "s|^spm_lib=.*/$(SCRIPT_LIB)\"\$$|spm_lib='$(PKGDATADIR)/$(SCRIPT_LIB)' # make install|" \
			scripts/$$s >$(DESTDIR)$(BINDIR)/$$s && chmod 755 $(DESTDIR)$(BINDIR)/$$s && \
		grep -qxF "spm_lib='$(PKGDATADIR)/$(SCRIPT_LIB)' # make install" $(DESTDIR)$(BINDIR)/$$s || \
		{ echo "make install: $$s: the library's path not written" >&2; exit 1; }; done
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	install -m 644 completions/spm.bash $(DESTDIR)$(BASHCOMPDIR)/spm-track
	for p in $(filter-out spm-track,$(PROGRAMS) $(SCRIPTS)); do \
		ln -sf spm-track $(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; done
	install -m 644 completions/_spm $(DESTDIR)$(ZSHCOMPDIR)/_spm
	install -m 755 scripts/spm-spark.py $(DESTDIR)$(PKGDATADIR)/

# Removes every file install put in place. Into a DESTDIR (a staging tree, which install
# made), it also removes the folders left empty up to DESTDIR, so that nothing is left
# behind; into a live system it leaves shared folders such as /usr/local/bin alone, and
# removes only spm's own PKGDATADIR.
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(SCRIPTS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%)
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BASHCOMPDIR)/%) $(SCRIPTS:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_spm $(DESTDIR)$(PKGDATADIR)/$(SCRIPT_LIB) $(DESTDIR)$(PKGDATADIR)/spm-spark.py
	@if [ -n "$(DESTDIR)" ]; then \
		for d in $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(MANDIR)/man1 \
			$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR); do \
			while case $$d in "$(DESTDIR)"/?*) true ;; *) false ;; esac && \
				rmdir "$$d" 2>/dev/null; do d=$$(dirname "$$d"); done; \
		done; \
	else rmdir $(PKGDATADIR) 2>/dev/null || :; fi # spm's own folder, once empty

lint-man:
	@for m in $(MAN1) $(MAN7); do \
		out=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $$m 2>&1 >/dev/null); \
		if [ -n "$$out" ]; then echo "$$m: $$out"; exit 1; fi; done; echo "man pages: no warnings"; \
		[ -z "$$CHECK_TALLY" ] || echo "man $(words $(MAN1) $(MAN7)) 0" >>"$$CHECK_TALLY"

clean:
	rm -rf build bin tests/cli/out
