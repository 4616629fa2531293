# portlens: a thin wrapper over CMake, with the targets users of CMake
# projects expect. Every target that builds first installs what is missing
# (scripts/install-deps is quiet and quick when nothing is).
#
#   make            release binary at build/portlens
#   make run        portlens audit: this host's listeners judged with its firewall
#   make test       release + ASan/UBSan builds, every test, fuzz corpora replayed
#   make install    binary, man page, completions under PREFIX (default /usr/local)
#   make bench      side-by-side benchmarks (bench/RESULTS.md)
#   make fuzz       fuzz every target for FUZZ_SECONDS (default 300)
#   make pot        refresh po/portlens.pot from the sources

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 300
# Warnings are errors in CI (CI=true), plain warnings elsewhere.
CMAKE_FLAGS := $(if $(filter true,$(CI)),-DPORTLENS_WERROR=ON,)

.PHONY: all deps build run test test-release test-asan test-fuzz install bench fuzz pot clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

# Until `portlens audit` exists: what listens here and how risky its ports
# are, then the high-risk part of the knowledge base.
# The main job: judge this host's exposure. Findings are what it is for, so
# they do not fail `make run` (use --fail-on in cron or CI for that).
run: build
	./build/portlens audit

test: test-release test-asan test-fuzz

test-release: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPORTLENS_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test-fuzz: deps
	@CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTLENS_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	ctest --test-dir build-fuzz --output-on-failure -j $(JOBS)

install: build
	cmake --install build --prefix $(PREFIX)

bench: build
	bench/run-info-bench.sh build/portlens
	@if [ "$$(id -u)" = 0 ]; then bench/run-ls-bench.sh build; else echo "(bench/run-ls-bench.sh needs root)"; fi
	@if [ "$$(id -u)" = 0 ]; then bench/run-audit-bench.sh build; else echo "(bench/run-audit-bench.sh needs root)"; fi

fuzz: deps
	@CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORTLENS_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@for t in build-fuzz/*_fuzz; do \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  fuzz/run-fuzzer.sh $$t fuzz/corpus/$$(basename $$t) $(FUZZ_SECONDS) || exit 1; \
	done

pot:
	xgettext --from-code=UTF-8 --language=C++ --keyword=N_ --keyword=translate:1 --keyword=tr:1 \
	  --keyword=make_error:1 --keyword=trf:1 --no-location --sort-output \
	  --package-name=portlens -o po/portlens.pot $$(git ls-files 'src/*.cc' 'src/*.h' | grep -v _test.cc)

clean:
	rm -rf build build-asan build-fuzz
