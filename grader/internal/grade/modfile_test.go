package grade

import (
	"flag"
	"reflect"
	"testing"
)

// update is accepted so that `go test ./grader/... -update` runs here too;
// this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (none here)")

func TestModuleChanges(t *testing.T) {
	const pristine = `module github.com/go-concurrency-lab/course

go 1.25

require (
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
`
	type testCase struct {
		name string
		tree string
		want []string
	}
	run := func(t *testing.T, tc testCase) {
		got := ModuleChanges([]byte(tc.tree), []byte(pristine))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ModuleChanges:\n got %q\nwant %q", got, tc.want)
		}
	}
	for _, tc := range []testCase{
		{"same", pristine, nil},
		{"reformatted", "module github.com/go-concurrency-lab/course\ngo 1.25\nrequire github.com/stretchr/testify v1.12.1\nrequire (\n go.uber.org/goleak  v1.3.0\n\tgo.yaml.in/yaml/v3 v3.0.5\n)\n", nil},
		{"replace", pristine + "\nreplace go.uber.org/goleak => ./fakeleak\n", []string{"go.mod adds `replace go.uber.org/goleak => ./fakeleak`"}},
		{"new dependency", pristine + "require example.org/dep v1.0.0\n", []string{"go.mod adds `require example.org/dep v1.0.0`"}},
		{"go line", "module github.com/go-concurrency-lab/course\n\ngo 1.99\n\nrequire (\n\tgithub.com/stretchr/testify v1.12.1\n\tgo.uber.org/goleak v1.3.0\n)\n\nrequire go.yaml.in/yaml/v3 v3.0.5 // indirect\n",
			[]string{"go.mod adds `go 1.99`", "go.mod drops `go 1.25`"}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}
