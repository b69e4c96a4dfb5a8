package report

import (
	"encoding/json"
	"io"
)

func init() { register("json", writeJSON) }

// writeJSON writes the report as one JSON document (see the grader's
// package comment for its fields).
func writeJSON(w io.Writer, r *Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
