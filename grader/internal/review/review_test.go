package review

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-concurrency-lab/course/grader/internal/handout"
)

const reference = `package main

import (
	"fmt"
	"sync"
)

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	var wg sync.WaitGroup
	wg.Go(hello)
	wg.Wait()
	fmt.Println("End")
}
`

func TestFingerprint(t *testing.T) {
	type testCase struct {
		name string
		code string
		same bool // the same fingerprint as reference
	}
	run := func(t *testing.T, tc testCase) {
		want := Fingerprint(map[string][]byte{"main.go": []byte(reference)})
		got := Fingerprint(map[string][]byte{"main.go": []byte(tc.code)})
		if got == "" || want == "" {
			t.Fatalf("no fingerprint: %q, %q", got, want)
		}
		if (got == want) != tc.same {
			t.Errorf("same fingerprint = %v, want %v", got == want, tc.same)
		}
	}
	for _, tc := range []testCase{
		{"identical", reference, true},
		{"renamed, commented, reformatted", `package main

import (
	"fmt"
	"sync"
)

// greet says hello.
func greet() { fmt.Println("hello world") }

func main() {
	fmt.Println("Start")
	var group sync.WaitGroup // waits for greet
	group.Go(greet)

	group.Wait()
	fmt.Println("End")
}
`, true},
		{"another method", strings.Replace(reference, "wg.Wait()", "wg.Go(hello)", 1), false},
		{"another string", strings.Replace(reference, `"End"`, `"end"`, 1), false},
		{"another package function", strings.Replace(reference, `fmt.Println("Start")`, `fmt.Print("Start")`, 1), false},
		{"a channel instead", `package main

import "fmt"

func hello() {
	fmt.Println("hello world")
}

func main() {
	fmt.Println("Start")
	done := make(chan struct{})
	go func() { hello(); close(done) }()
	<-done
	fmt.Println("End")
}
`, false},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestFingerprintNoCode(t *testing.T) {
	if fp := Fingerprint(nil); fp != "" {
		t.Errorf("no files: %q, want none", fp)
	}
	if fp := Fingerprint(map[string][]byte{"main.go": []byte("package main\nfunc {")}); fp != "" {
		t.Errorf("syntax error: %q, want none", fp)
	}
}

func TestSimilar(t *testing.T) {
	gb := &Gradebook{
		Exercises: []Column{{Name: "01"}},
		Reference: map[string]Prints{"01": {Stub: "stub", Solution: "sol"}},
		Students: []Student{
			{Name: "ann", Grades: []Grade{{Name: "01", Fingerprint: "stub"}}},
			{Name: "bob", Grades: []Grade{{Name: "01", Fingerprint: "stub"}}},
			{Name: "cat", Grades: []Grade{{Name: "01", Fingerprint: "x"}}},
			{Name: "dan", Grades: []Grade{{Name: "01", Fingerprint: "x"}}},
			{Name: "eve", Grades: []Grade{{Name: "01", Fingerprint: "sol"}}},
			{Name: "fay", Grades: []Grade{{Name: "01", Fingerprint: "y"}}},
		},
	}
	gb.finish()
	var got []string
	for _, s := range gb.Students {
		got = append(got, s.Name+":"+flagSummary(gb.AllFlags(s)))
	}
	want := []string{"ann:", "bob:", "cat:similar(01)", "dan:similar(01)", "eve:solution(01)", "fay:"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("flags:\n got %q\nwant %q", got, want)
	}
}

func TestUnified(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	b := "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n"
	want := `--- x
+++ y
@@ -2,9 +2,10 @@
 b
 c
 d
-e
+E
 f
 g
 h
 i
 j
+k
`
	if got := unified("x", "y", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	far := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	got := unified("x", "y", far, strings.Replace(strings.Replace(far, "1\n", "one\n", 1), "12\n", "twelve\n", 1))
	if n := strings.Count(got, "@@ -"); n != 2 {
		t.Errorf("two changes far apart: %d hunks, want 2:\n%s", n, got)
	}
}

func TestHashLineEndings(t *testing.T) {
	unix := "line one\nline two\n"
	if handout.HashBytes([]byte(unix)) != handout.HashBytes([]byte(strings.ReplaceAll(unix, "\n", "\r\n"))) {
		t.Error("CRLF line endings change the digest")
	}
	if handout.HashBytes([]byte("a\rb")) == handout.HashBytes([]byte("ab")) {
		t.Error("a lone CR was dropped")
	}
	big := bytes.Repeat([]byte("x\r\n"), 50000) // CR and LF across read chunks
	if handout.HashBytes(big) != handout.HashBytes(bytes.ReplaceAll(big, []byte("\r\n"), []byte("\n"))) {
		t.Error("CRLF across chunk boundaries changes the digest")
	}
}

func TestCSVQuotesFlags(t *testing.T) {
	gb := &Gradebook{
		Exercises: []Column{{Name: "01", MaxScore: 10}},
		Students: []Student{{Name: "ann", Score: 3, MaxScore: 10,
			Flags:  []Flag{{Kind: FlagChanged, Detail: "go.mod"}, {Kind: FlagTestFile, Exercise: "01"}},
			Grades: []Grade{{Name: "01", Score: 3}}}},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, gb); err != nil {
		t.Fatal(err)
	}
	want := "student,score,max_score,flags,01\nann,3,10,changed; test-file(01),3\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestMergeFindsSimilarAcrossParts(t *testing.T) {
	part := func(students ...Student) *Gradebook {
		gb := &Gradebook{
			Exercises: []Column{{Name: "01", MaxScore: 10}},
			Reference: map[string]Prints{"01": {Stub: "stub", Solution: "sol"}},
			Students:  students,
		}
		gb.finish()
		return gb
	}
	a := part(Student{Name: "ann", Score: 10, Grades: []Grade{{Name: "01", Score: 10, Fingerprint: "x"}}},
		Student{Name: "bob", Grades: []Grade{{Name: "01", Fingerprint: "y"}},
			Flags: []Flag{{Kind: FlagChanged, Detail: "go.mod"}}})
	b := part(Student{Name: "cat", Score: 10, Grades: []Grade{{Name: "01", Score: 10, Fingerprint: "x"}}},
		Student{Name: "bob", Grades: []Grade{{Name: "01", Fingerprint: "z"}}})
	dir := t.TempDir()
	var files []string
	for i, gb := range []*Gradebook{a, b} {
		var buf bytes.Buffer
		if err := WriteJSON(&buf, gb); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("part%d.json", i))
		if err := os.WriteFile(f, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	merged, err := Merge(files)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, merged); err != nil {
		t.Fatal(err)
	}
	want := `student,score,max_score,flags,01
ann,10,0,similar(01),10
bob,0,0,changed,0
bob (2),0,0,,0
cat,10,0,similar(01),10
`
	if csv.String() != want {
		t.Errorf("merged:\n%s\nwant:\n%s", csv.String(), want)
	}
}
