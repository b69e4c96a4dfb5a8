package main

// maxrssBytes: Linux reports ru_maxrss in kilobytes.
func maxrssBytes(v int64) int64 { return v * 1024 }
