// Package progress remembers, per checkout, what the student has done: the
// last grade of each exercise and how many of its hints they have seen. It
// lives in .grader/progress.json at the module root (ignored by git).
package progress

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/verdict"
)

// File is where the state lives, relative to the module root.
const File = ".grader/progress.json"

// Exercise is what is remembered of one exercise.
type Exercise struct {
	Status    verdict.Status `json:"status,omitempty"`
	Score     int            `json:"score"`
	MaxScore  int            `json:"max_score"`
	GradedAt  time.Time      `json:"graded_at,omitzero"`
	HintsSeen int            `json:"hints_seen,omitempty"`
}

// State is the whole file.
type State struct {
	Exercises map[string]*Exercise `json:"exercises"`
	path      string
}

// Load reads the state of the checkout at root; a missing or unreadable
// file is an empty state (it is only a memory, never a grade).
func Load(root string) *State {
	s := &State{Exercises: map[string]*Exercise{}, path: filepath.Join(root, File)}
	data, err := os.ReadFile(s.path)
	if err == nil {
		_ = json.Unmarshal(data, s)
		if s.Exercises == nil {
			s.Exercises = map[string]*Exercise{}
		}
	}
	return s
}

// Get returns the entry of an exercise, creating it.
func (s *State) Get(name string) *Exercise {
	e := s.Exercises[name]
	if e == nil {
		e = &Exercise{}
		s.Exercises[name] = e
	}
	return e
}

// Record remembers graded results.
func (s *State) Record(results []verdict.Result) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, r := range results {
		e := s.Get(r.Exercise)
		e.Status, e.Score, e.MaxScore, e.GradedAt = r.Status, r.Score, r.MaxScore, now
	}
}

// Save writes the state back.
func (s *State) Save() error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// Exists reports whether a state file was found.
func Exists(root string) bool {
	_, err := os.Stat(filepath.Join(root, File))
	return !errors.Is(err, fs.ErrNotExist)
}
