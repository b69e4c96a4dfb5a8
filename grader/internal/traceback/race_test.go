package traceback

import (
	"strings"
	"testing"
)

// A WaitGroup's Add inside the goroutine races with Wait; the report's
// frames are in sync, and the description names the student's calls.
const waitGroupRace = `==================
WARNING: DATA RACE
Write at 0x00c000014108 by goroutine 7:
  sync.(*WaitGroup).Add()
      /usr/local/go/src/sync/waitgroup.go:93 +0x1c4
  main.main.func1()
      /w/exercises/01-wait-for-hello/main.go:14 +0x3c

Previous read at 0x00c000014108 by main goroutine:
  sync.(*WaitGroup).Wait()
      /usr/local/go/src/sync/waitgroup.go:171 +0x1b1
  main.main()
      /w/exercises/01-wait-for-hello/main.go:18 +0xab
  github.com/go-concurrency-lab/course/grader/check.ServeMain()
      /w/grader/check/program.go:44 +0x2c

Goroutine 7 (running) created at:
  main.main()
      /w/exercises/01-wait-for-hello/main.go:13 +0x9d
==================
`

// A send racing the close of its channel, the send made by the hidden
// test's function that the student's goroutine called.
const sendCloseRace = `==================
WARNING: DATA RACE
Read at 0x00c0001ef690 by goroutine 12:
  runtime.chansend()
      /usr/local/go/src/runtime/chan.go:176 +0x0
  pc_test.TestEveryItemOnce.func1.(*plant).producers.1()
      /w/exercises/11-producer-consumer/prodcons_test.go:80 +0x10e
  pc.Run.func1()
      /w/exercises/11-producer-consumer/prodcons.go:24 +0x38

Previous write at 0x00c0001ef690 by goroutine 11:
  runtime.closechan()
      /usr/local/go/src/runtime/chan.go:414 +0x0
  pc.Run()
      /w/exercises/11-producer-consumer/prodcons.go:40 +0x290
==================
`

func TestDescribeRaceKinds(t *testing.T) {
	type testCase struct {
		name, report, dir string
		kind              RaceKind
		want              []string
	}
	run := func(t *testing.T, tc testCase) {
		mine := Filter{Dir: "/w/exercises/" + tc.dir, Root: "/w", Source: func(string) []byte {
			return []byte("package main\n\n\n\n\n\n\n\n\n\n\n\n\tgo func() {\n\t\twg.Add(1)\n\t\tdefer wg.Done()\n\t\thello()\n\t}()\n\twg.Wait()\n")
		}}
		races := Races(tc.report)
		if len(races) != 1 {
			t.Fatalf("Races = %d, want 1", len(races))
		}
		if k := races[0].Kind(mine); k != tc.kind {
			t.Errorf("Kind = %d, want %d", k, tc.kind)
		}
		got := DescribeRace(races[0], mine)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("DescribeRace lacks %q:\n%s", w, got)
			}
		}
		if strings.Contains(got, "grader/") || strings.Contains(got, "_test.go") {
			t.Errorf("DescribeRace names a file the student cannot open:\n%s", got)
		}
	}
	for _, tc := range []testCase{
		{"waitgroup", waitGroupRace, "01-wait-for-hello", WaitGroupRace, []string{
			"wg.Add at exercises/01-wait-for-hello/main.go:14 runs in the goroutine, while wg.Wait at exercises/01-wait-for-hello/main.go:18 already waits",
		}},
		{"send-close", sendCloseRace, "11-producer-consumer", SendCloseRace, []string{
			"a send on a channel at exercises/11-producer-consumer/prodcons.go:24 (in Run)",
			"races with the close of that channel at exercises/11-producer-consumer/prodcons.go:40 (in Run)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}
