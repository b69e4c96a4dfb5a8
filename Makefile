# Go Concurrency Lab. Students: `make test`, `make test EX=01`, `make watch`,
# `make hint EX=01`. Maintainers: `make check`. Where make is missing,
# `go run ./grader ...` does the same (see README.md).

GO ?= go
EX ?=
RUNS ?= 2
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: test watch hint list reset check vet unit selftest lint bench

## Students

test:
	@GRADER_VIA_MAKE=1 $(GO) run ./grader test $(EX)

watch:
	@GRADER_VIA_MAKE=1 $(GO) run ./grader watch $(EX)

hint:
	@GRADER_VIA_MAKE=1 $(GO) run ./grader hint $(EX)

list:
	@GRADER_VIA_MAKE=1 $(GO) run ./grader list

reset:
	@GRADER_VIA_MAKE=1 $(GO) run ./grader reset $(EX)

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
