// Package hidden embeds the hidden tests of the course: one folder per
// exercise, read by the catalog package (see its documentation for what a
// folder holds). The Go files in the folders carry the build tag
// gclhidden, so that ordinary builds of the module leave them out.
package hidden

import "embed"

// FS holds every exercise's folder, NN-slug/.
//
//go:embed [0-9]*
var FS embed.FS
