package run

import (
	"bytes"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, linux/prctl.h

var subreaper atomic.Bool

// BecomeSubreaper makes this process the reaper of every process it starts,
// directly or not: a process whose parent ends is handed to it, not to
// init, even when it made a session of its own (Setsid). KillDescendants
// can then find them all. Call it once, first thing, in the grader's main.
func BecomeSubreaper() error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return e
	}
	subreaper.Store(true)
	return nil
}

// KillDescendants kills every process that this one started, directly or
// not, and waits until none is left, when this process is a subreaper
// (BecomeSubreaper). Call it when no command of the grader's own is
// running any more, before any result is written: nothing the student's
// code started can then change what is written.
func KillDescendants() {
	if !subreaper.Load() {
		return
	}
	self := os.Getpid()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		procs := descendants(self)
		if len(procs) == 0 {
			return
		}
		for _, p := range procs {
			syscall.Kill(p.pid, syscall.SIGKILL)
		}
		for _, p := range procs {
			if p.ppid == self {
				var ws syscall.WaitStatus
				syscall.Wait4(p.pid, &ws, syscall.WNOHANG, nil)
			}
		}
		// Orphans of the killed are handed to this process: reap them too.
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type proc struct{ pid, ppid int }

// descendants lists the processes below pid, from /proc.
func descendants(pid int) []proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	for _, de := range entries {
		p, err := strconv.Atoi(de.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + de.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(string(f[1]))
		parent[p] = pp
	}
	var out []proc
	for p, pp := range parent {
		for a, n := pp, 0; a > 1 && n < 1024; a, n = parent[a], n+1 {
			if a == pid {
				out = append(out, proc{p, pp})
				break
			}
		}
	}
	return out
}
