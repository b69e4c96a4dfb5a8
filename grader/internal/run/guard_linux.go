package run

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
)

// notify watches dir and the folders under it with inotify until the
// returned function is called, which reports whether anything in them was
// written, created, removed, moved or had its mode changed. (Reading, as
// the go command does, is not a change.)
func notify(dir string) func() bool {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return func() bool { return false }
	}
	const mask = syscall.IN_MODIFY | syscall.IN_ATTRIB | syscall.IN_CLOSE_WRITE | syscall.IN_CREATE |
		syscall.IN_DELETE | syscall.IN_DELETE_SELF | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO | syscall.IN_MOVE_SELF
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			syscall.InotifyAddWatch(fd, p, mask)
		}
		return nil
	})
	// A non-blocking descriptor goes through the runtime's poller: Close
	// ends a Read that waits on it.
	f := os.NewFile(uintptr(fd), "inotify")
	var changed atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				changed.Store(true)
			}
			if err != nil {
				return
			}
		}
	}()
	return func() bool {
		// Events the reader has not got to yet (a busy machine) are still
		// in the queue: look at them before closing it.
		buf := make([]byte, 4096)
		if n, _ := syscall.Read(fd, buf); n > 0 {
			changed.Store(true)
		}
		f.Close()
		<-done
		return changed.Load()
	}
}
