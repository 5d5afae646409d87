# studypack - see README.md
#
#   make            build build/studypack (and copy the fonts into fonts/)
#   make deps       install the Debian packages needed to build, run, test
#   make packs      build every pack in sources/ into out/
#   make check      run the whole test suite
#   make check-asan the suite under AddressSanitizer + UBSan
#   make check-valgrind  the suite under valgrind
#   make bench      speed and memory benchmarks
#   make fuzz       run the libFuzzer targets (FUZZ_SECONDS=60 each)
#   make install    PREFIX=/usr/local DESTDIR=

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    := $(PREFIX)/bin
DATADIR   := $(PREFIX)/share/studypack
MANDIR    := $(PREFIX)/share/man/man1
LOCALEDIR := $(PREFIX)/share/locale

CC        ?= cc
BUILD     ?= build
PKGS      := libxml-2.0 freetype2 libdeflate harfbuzz harfbuzz-subset fribidi \
             libunibreak fontconfig sqlite3 libzip icu-i18n icu-uc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT       ?= -O2
WARN      := -std=c11 -Wall -Wextra -pedantic -Wstrict-prototypes \
             -Wmissing-prototypes -Wshadow -Wformat=2
CFLAGS    ?=
CFLAGS    += $(OPT) -g $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -Iinclude -I$(BUILD) $(PKG_CFLAGS) \
             -DSP_VERSION='"$(VERSION)"' -DSP_FONTDIR='"$(DATADIR)/fonts"' \
             -DSP_LOCALEDIR='"$(LOCALEDIR)"'
LDLIBS    += -lhpdf -lpng -ljpeg -lmd -lm $(PKG_LIBS) -lhyphen -lpthread

DEBIAN_PACKAGES := build-essential pkg-config libxml2-dev libxml2-utils \
  libhpdf-dev libfreetype-dev libmd-dev zlib1g-dev libpng-dev libjpeg-dev xxd \
  fonts-dejavu-core fonts-dejavu-extra libcmocka-dev qpdf poppler-utils \
  valgrind clang libclang-rt-14-dev time python3 fonts-wqy-microhei \
  python3-reportlab libdeflate-dev \
  libharfbuzz-dev libfribidi-dev libunibreak-dev libfontconfig-dev \
  fontconfig fonts-noto-cjk fonts-noto-core fonts-symbola \
  fonts-urw-base35 \
  libsqlite3-dev sqlite3 libzip-dev zip unzip python3-icalendar \
  gettext libicu-dev libhyphen-dev hyphen-en-us hyphen-de hyphen-fr hyphen-es \
  hyphen-sv

FONT_SRC  := /usr/share/fonts/truetype/dejavu
FONTS     := fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf \
             fonts/DejaVuSans-Oblique.ttf fonts/DejaVuSansMono.ttf

LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard src/font/*.c) \
             $(wildcard src/booklet/*.c)
# importers and exporters (import/export commands)
LIB_SRCS  += $(wildcard src/io/*.c)
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRCS)) $(BUILD)/schema.o
# the command line (main.c and its commands): only in the program
CLI_OBJS  := $(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/cli/*.c))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps packs check check-asan check-valgrind bench fuzz install \
        uninstall clean fonts unit mo pot check-po
.DELETE_ON_ERROR:

all: $(BUILD)/studypack fonts mo

# Message catalogues (msg.h): po/LANG.po -> BUILD/locale/LANG/LC_MESSAGES/
# studypack.mo, found beside the program; po/studypack.pot is extracted
# from the sources by `make pot`.
PO_LANGS  := $(patsubst po/%.po,%,$(wildcard po/*.po))
MO_FILES  := $(foreach l,$(PO_LANGS),$(BUILD)/locale/$(l)/LC_MESSAGES/studypack.mo)
XGETTEXT_KEYS := --keyword=sp_tr:2 --keyword=sp_trn:2,3 --keyword=sp_trc:2c,3 \
                 --keyword=N_
mo: $(MO_FILES)
$(BUILD)/locale/%/LC_MESSAGES/studypack.mo: po/%.po
	mkdir -p $(dir $@)
	msgfmt --check -o $@.tmp $< && mv $@.tmp $@
POT_CMD = xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
  $(XGETTEXT_KEYS) --package-name=studypack --package-version=$(VERSION) \
  --sort-by-file --add-location=file -o - $(sort $(wildcard src/*.c src/*/*.c)) | \
  sed '/^"POT-Creation-Date:/d'
pot:
	$(POT_CMD) > po/studypack.pot
# Every catalogue complete: po/studypack.pot is what the sources say now,
# every .po has every message, none untranslated or fuzzy.
check-po: | $(BUILD)
	@$(POT_CMD) > $(BUILD)/studypack.pot
	@cmp -s $(BUILD)/studypack.pot po/studypack.pot || \
	  { echo "po/studypack.pot is out of date: run make pot"; exit 1; }
	@for po in po/*.po; do \
	  out=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null $$po 2>&1) || { echo "$$out"; exit 1; }; \
	  echo "$$po: $$out"; \
	  case "$$out" in *untranslated*|*fuzzy*|*warning*) echo "$$po is incomplete"; exit 1;; esac; \
	  msgcmp $$po po/studypack.pot || exit 1; \
	done

fonts: $(FONTS)
fonts/%.ttf: | $(FONT_SRC)
	cp $(FONT_SRC)/$*.ttf $@

$(BUILD)/studypack: $(BUILD)/main.o $(CLI_OBJS) $(BUILD)/libstudypack.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libstudypack.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: src/%.c $(wildcard include/*.h) $(wildcard src/*.h) $(wildcard src/*/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<
$(BUILD)/io/%.o: src/io/%.c $(wildcard include/*.h) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The schema is embedded so the installed program works from any folder.
$(BUILD)/schema.c: sources/studypack.xsd | $(BUILD)
	cd sources && xxd -i studypack.xsd > ../$@.tmp && mv ../$@.tmp ../$@
$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(OPT) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)/tests

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.c tests/unit/testutil.h \
                  $(BUILD)/libstudypack.a | $(BUILD)
	$(CC) $(CFLAGS) -Itests/unit -Wno-missing-prototypes -o $@ $< \
	  tests/unit/testutil.c $(BUILD)/libstudypack.a -lcmocka $(LDLIBS)

unit: $(UNIT_BINS)

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBIAN_PACKAGES)

packs: all
	$(BUILD)/studypack batch sources -o out

check: all unit check-po
	@BUILD=$(BUILD) tests/run.sh

check-asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' check

check-valgrind: all unit
	@BUILD=$(BUILD) VALGRIND=1 tests/run.sh

bench: all
	@tests/bench.sh

# libFuzzer over the whole pipeline (tests/fuzz/fuzz_pipeline.c); new
# inputs go to build-fuzz/corpus, crashes to build-fuzz/crash-*.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build-fuzz/fuzz_pipeline: $(LIB_SRCS) tests/fuzz/fuzz_pipeline.c $(BUILD)/schema.c $(wildcard include/*.h)
	mkdir -p build-fuzz/corpus
	clang $(FUZZ_CFLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	  -Iinclude -I$(BUILD) $(PKG_CFLAGS) -DSP_VERSION='"$(VERSION)"' \
	  -o $@ $(LIB_SRCS) $(BUILD)/schema.c tests/fuzz/fuzz_pipeline.c $(LDLIBS)

# the importers (CSV/TSV/Anki text parser, .apkg reader): fuzz_import.c
build-fuzz/fuzz_import: $(LIB_SRCS) tests/fuzz/fuzz_import.c $(BUILD)/schema.c $(wildcard include/*.h)
	mkdir -p build-fuzz/corpus-import
	clang $(FUZZ_CFLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	  -Iinclude -I$(BUILD) $(PKG_CFLAGS) -DSP_VERSION='"$(VERSION)"' \
	  -o $@ $(LIB_SRCS) $(BUILD)/schema.c tests/fuzz/fuzz_import.c $(LDLIBS)

fuzz: fonts build-fuzz/fuzz_pipeline build-fuzz/fuzz_import
	build-fuzz/fuzz_pipeline -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -max_len=65536 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/ \
	  -print_final_stats=1 \
	  build-fuzz/corpus tests/fuzz/corpus
	build-fuzz/fuzz_import -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -max_len=262144 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/import- \
	  -print_final_stats=1 \
	  build-fuzz/corpus-import tests/fuzz/corpus-import

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(MANDIR)
	install -m 755 $(BUILD)/studypack $(DESTDIR)$(BINDIR)/studypack
	install -m 644 sources/studypack.xsd $(DESTDIR)$(DATADIR)/studypack.xsd
	install -m 644 $(FONTS) fonts/fonts.txt $(DESTDIR)$(DATADIR)/fonts/
	if [ -f man/studypack.1 ]; then install -m 644 man/studypack.1 $(DESTDIR)$(MANDIR)/; fi
	for l in $(PO_LANGS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/studypack.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/studypack $(DESTDIR)$(MANDIR)/studypack.1
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(foreach l,$(PO_LANGS),$(DESTDIR)$(LOCALEDIR)/$(l)/LC_MESSAGES/studypack.mo)

clean:
	rm -rf build build-asan build-fuzz out
