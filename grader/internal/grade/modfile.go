package grade

import (
	"fmt"
	"strings"
)

// ModuleChanges lists, in words for a student, how the go.mod of a
// checkout differs from the course's: directives added, dropped or
// changed (a replace of goleak by a local fake, a new requirement, another
// go line). It reads the files line by line, the way they are written by
// the go command, and does not need them to be valid.
func ModuleChanges(tree, pristine []byte) []string {
	have, want := directives(tree), directives(pristine)
	var out []string
	for _, d := range have.list {
		if !want.set[d] {
			out = append(out, fmt.Sprintf("go.mod adds `%s`", d))
		}
	}
	for _, d := range want.list {
		if !have.set[d] {
			out = append(out, fmt.Sprintf("go.mod drops `%s`", d))
		}
	}
	return out
}

type directiveSet struct {
	list []string
	set  map[string]bool
}

// directives returns the directives of a go.mod, one per entry, with the
// verb of a block repeated on each of its lines and comments left out.
func directives(mod []byte) directiveSet {
	s := directiveSet{set: map[string]bool{}}
	block := ""
	for _, line := range strings.Split(string(mod), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.Join(strings.Fields(line), " ")
		switch {
		case line == "":
			continue
		case block != "" && line == ")":
			block = ""
			continue
		case strings.HasSuffix(line, " ("):
			block = strings.TrimSuffix(line, " (")
			continue
		case block != "":
			line = block + " " + line
		}
		if !s.set[line] {
			s.set[line] = true
			s.list = append(s.list, line)
		}
	}
	return s
}
