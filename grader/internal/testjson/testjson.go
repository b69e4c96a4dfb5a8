// Package testjson reads the event stream of `go test -json` (the format of
// cmd/test2json) as it arrives. It knows the wire format and nothing about
// grading.
package testjson

import (
	"bufio"
	"encoding/json"
	"io"
	"time"
)

// Action is what an event reports, in test2json's vocabulary.
type Action string

// The actions of cmd/test2json, and of the go command's build events
// (Go 1.24+: build-output and build-fail, keyed by ImportPath).
const (
	Start       Action = "start"
	Run         Action = "run"
	Pause       Action = "pause"
	Cont        Action = "cont"
	Pass        Action = "pass"
	Bench       Action = "bench"
	Fail        Action = "fail"
	Output      Action = "output"
	Skip        Action = "skip"
	BuildOutput Action = "build-output"
	BuildFail   Action = "build-fail"
)

// Event is one line of the stream.
type Event struct {
	Time        time.Time
	Action      Action
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
	ImportPath  string // build events only
}

// MaxLine bounds one line of the stream. Longer lines (a test that prints
// megabytes without a newline) are cut and passed on as noise.
const MaxLine = 1 << 20

// Decode reads r to its end and calls event for each event, in order. Lines
// that are not events (the go command's own messages, or a cut line) go to
// noise instead, which may be nil. Decode never stops at a bad line; it
// returns only the error of reading r.
func Decode(r io.Reader, event func(Event), noise func(line string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	cut := false
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= MaxLine {
			line = append(line, chunk...)
		} else {
			cut = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(line) > 0 {
			var ev Event
			if !cut && line[0] == '{' && json.Unmarshal(line, &ev) == nil && ev.Action != "" {
				event(ev)
			} else if noise != nil {
				noise(string(line))
			}
		}
		line, cut = line[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
