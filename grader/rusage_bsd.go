//go:build unix && !linux

package main

// maxrssBytes: macOS and the BSDs report ru_maxrss in bytes.
func maxrssBytes(v int64) int64 { return v }
