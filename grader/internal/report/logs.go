package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// LogDir is where SaveLogs writes the full logs, relative to the
// repository's root: the grader's own folder, which git ignores.
const LogDir = ".grader/logs"

// SaveLogs writes the full log of each exercise that did not pass to
// root/.grader/logs/NN-slug.txt (Options.LogDir names them in the text),
// and removes the log of each that passed.
func SaveLogs(root string, r *Report) error {
	dir := filepath.Join(root, filepath.FromSlash(LogDir))
	for i := range r.Exercises {
		e := &r.Exercises[i]
		path := filepath.Join(dir, e.Exercise+".txt")
		if e.Log == "" {
			os.Remove(path)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("saving the full log: %w", err)
		}
		text := fmt.Sprintf("%s %s: %s, %d/%d\n\n%s", e.Exercise, e.Title, e.Status, e.Score, e.MaxScore, e.Log)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("saving the full log: %w", err)
		}
	}
	return nil
}
