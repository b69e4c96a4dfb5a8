package check

import (
	"errors"
	"os"
	"syscall"
	"unsafe"
)

// fSetPipeSize is F_SETPIPE_SZ.
const fSetPipeSize = 1031

// newGate puts a pipe in place of os.Stdout that holds one write at a time:
// a pipe in packet mode (O_DIRECT: every write is one packet, never merged
// with the next) one page long, so one packet fills it. The gate keeps it
// full, starting with a filler packet of its own: a write then waits, in
// the runtime's poller (parked), until the gate reads the packet before it.
func newGate(worker string) (*gate, error) { // worker: the function's full name
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_DIRECT|syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	fail := func(err error) (*gate, error) {
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, err
	}
	if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(p[1]), fSetPipeSize, 4096); e != 0 {
		return fail(e)
	}
	if n, err := syscall.Write(p[1], []byte{0}); err != nil || n != 1 {
		return fail(errors.Join(err, errors.New("check: cannot fill the gate's pipe")))
	}
	g := &gate{
		worker:   worker,
		mainID:   goroutineID(),
		real:     os.Stdout,
		r:        os.NewFile(uintptr(p[0]), "|gate"),
		w:        os.NewFile(uintptr(p[1]), "|stdout"),
		stopping: make(chan struct{}),
		stopped:  make(chan struct{}),
		seen:     map[string]bool{},
	}
	os.Stdout = g.w
	go func() {
		defer close(g.stopped)
		buf := make([]byte, 1<<16)
		for g.step(buf) {
		}
	}()
	return g, nil
}

// readNow reads what the pipe holds now, without waiting.
func readNow(f *os.File, buf []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), buf)
		return true // never wait
	}); err != nil {
		return 0, err
	}
	return n, rerr
}

// filled reports whether the pipe holds a write.
func filled(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	n := 0
	rc.Control(func(fd uintptr) {
		syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
	})
	return n > 0
}
