// Package hidden embeds the hidden archives of the course: one txtar file
// per exercise, read by the catalog package.
package hidden

import "embed"

// FS holds every <exercise>.txtar.
//
//go:embed *.txtar
var FS embed.FS
