# Go Concurrency Lab. Students: `make test`, `make test EX=01`, `make watch`,
# `make hint EX=01`. Maintainers: `make check`. Where make is missing,
# `go run ./grader ...` does the same (see README.md).

GO ?= go
EX ?=
RUNS ?= 2
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: test watch hint list reset check vet unit selftest lint bench

## Students

# The grader is built into .grader/ (ignored by git) and run from there:
# `go run` would add its own "exit status 1" to every failing grade.
GRADER = .grader/bin/grader
RUN_GRADER = @$(GO) build -o $(GRADER) ./grader && GRADER_VIA_MAKE=1 $(GRADER)

test:
	$(RUN_GRADER) test $(EX)

watch:
	$(RUN_GRADER) watch $(EX)

hint:
	$(RUN_GRADER) hint $(EX)

list:
	$(RUN_GRADER) list

reset:
	$(RUN_GRADER) reset $(EX)

## Maintainers

check: vet unit lint selftest

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

unit:
	$(GO) test -race -count=1 ./...

lint:
	$(GO) run $(ACTIONLINT)

selftest:
	$(GO) run ./grader selftest -runs $(RUNS) $(EX)

bench:
	$(GO) run ./grader/internal/bench

# Longer proofs, not part of `make check` (CI runs each in a job of its
# own): mutation testing of the hidden tests, and a selftest of 20 runs
# that must show no flake. EX=05 limits either to some exercises.
.PHONY: mutate selftest20

mutate:
	$(GO) run ./grader selftest -mutate $(EX)

selftest20:
	$(GO) run ./grader selftest -runs 20 $(EX)
