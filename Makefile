# Go Concurrency Lab. Students: `make test`, `make test EX=01`, `make watch`,
# `make hint EX=01`. Maintainers: `make check`. Where make is missing,
# `go run ./grader ...` does the same (see README.md).

GO ?= go
EX ?=
RUNS ?= 2
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: test watch hint list reset check vet unit selftest lint lint-go bench

## Students

# The grader is built into .grader/ (ignored by git) and run from there:
# `go run` would add its own "exit status 1" to every failing grade. Each
# recipe line is a plain command, without `VAR=value cmd` or `&&`, so that
# it runs the same under sh and under cmd.exe (make on Windows); the name
# ends in .exe where Go's executables do, and a quoted path with forward
# slashes works in both.
GRADER = .grader/bin/grader$(shell $(GO) env GOEXE)
RUN_GRADER = @"$(GRADER)"

# The grader suggests commands in the form the student used: make's.
test watch hint list reset: export GRADER_VIA_MAKE = 1

test: .grader-build
	$(RUN_GRADER) test $(EX)

watch: .grader-build
	$(RUN_GRADER) watch $(EX)

hint: .grader-build
	$(RUN_GRADER) hint $(EX)

list: .grader-build
	$(RUN_GRADER) list

reset: .grader-build
	$(RUN_GRADER) reset $(EX)

.PHONY: .grader-build
.grader-build:
	@$(GO) build -o $(GRADER) ./grader

## Maintainers

check: vet lint-go unit lint selftest

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

unit:
	$(GO) test -race -count=1 ./...

lint:
	$(GO) run $(ACTIONLINT)

# go.mod tidy, staticcheck, and gofmt + vet + staticcheck of every hidden
# test and mutant compiled against the reference solution.
lint-go:
	$(GO) run ./grader/internal/lint

# -contracts: every exercise has its contract table (since issue 13).
selftest:
	$(GO) run ./grader selftest -contracts -runs $(RUNS) $(EX)

bench:
	$(GO) run ./grader/internal/bench

# Longer proofs, not part of `make check` (CI runs each in a job of its
# own): mutation testing of the hidden tests, and a selftest of 20 runs
# that must show no flake. EX=05 limits either to some exercises.
.PHONY: mutate selftest20

mutate:
	$(GO) run ./grader selftest -mutate $(EX)

selftest20:
	$(GO) run ./grader selftest -contracts -runs 20 $(EX)
