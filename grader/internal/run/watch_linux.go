package run

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// watch polls the test processes that the go command started (its process
// group) until ctx ends: a process whose resident memory passes
// req.MaxMemory is killed at once, and the test binary of a package that
// has run past its Timeout plus a grace period gets SIGQUIT (a goroutine
// dump), then SIGKILL. The test binaries enforce -timeout themselves; this
// is for code that defeats that (an init that rewrites os.Args, say), and
// for what no flag bounds, like memory. Each stop is reported once per
// package through req.Stopped. The test processes of a folder received
// on kill are killed at once.
func watch(ctx context.Context, group int, req Request, kill <-chan string) {
	// The kernel shows working directories with symbolic links resolved.
	limits := map[string]time.Duration{}
	dirs := map[string]string{} // resolved: as in req
	for _, p := range req.Packages {
		d := filepath.Clean(p.Dir)
		if r, err := filepath.EvalSymlinks(d); err == nil {
			d = r
		}
		dirs[d] = p.Dir
		if p.Timeout > 0 {
			limits[d] = p.Timeout + watchGrace
		}
	}
	killed := map[string]bool{}     // resolved folders whose test processes must go
	first := map[string]time.Time{} // package dir: when its test binary was first seen
	quit := map[int]time.Time{}     // pid: when it got SIGQUIT
	stopped := map[string]bool{}
	page := int64(os.Getpagesize())
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case dir := <-kill:
			if r, err := filepath.EvalSymlinks(filepath.Clean(dir)); err == nil {
				dir = r
			}
			killed[dir] = true
		case <-tick.C:
		}
		now := time.Now()
		for _, pr := range testProcesses(group) {
			if _, ok := first[pr.dir]; !ok {
				first[pr.dir] = now
			}
			stop := Stop{Dir: dirs[pr.dir]}
			switch {
			case killed[pr.dir]:
				syscall.Kill(pr.pid, syscall.SIGKILL)
				continue // the caller knows why
			case req.MaxMemory > 0 && pr.rssPages*page > req.MaxMemory:
				stop.Memory = pr.rssPages * page
				syscall.Kill(pr.pid, syscall.SIGKILL)
			case limits[pr.dir] > 0 && now.Sub(first[pr.dir]) > limits[pr.dir]:
				stop.After = now.Sub(first[pr.dir])
				if t, ok := quit[pr.pid]; !ok {
					quit[pr.pid] = now
					syscall.Kill(pr.pid, syscall.SIGQUIT)
				} else if now.Sub(t) > watchGrace {
					syscall.Kill(pr.pid, syscall.SIGKILL)
				}
			default:
				continue
			}
			if !stopped[pr.dir] && req.Stopped != nil {
				stopped[pr.dir] = true
				req.Stopped(stop)
			}
		}
	}
}

type process struct {
	pid      int
	dir      string // its working directory: the package's folder
	rssPages int64
}

// testProcesses lists the test binaries in the process group: processes
// whose executable's name ends in .test (the compiler and linker, which
// also run in the package's folder, do not).
func testProcesses(group int) []process {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []process
	for _, de := range entries {
		pid, err := strconv.Atoi(de.Name())
		if err != nil || pid == group {
			continue
		}
		stat, err := os.ReadFile("/proc/" + de.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parens.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 22 {
			continue
		}
		if pg, _ := strconv.Atoi(f[2]); pg != group {
			continue
		}
		exe, err := os.Readlink("/proc/" + de.Name() + "/exe")
		if err != nil || !strings.HasSuffix(strings.TrimSuffix(exe, " (deleted)"), ".test") {
			continue
		}
		cwd, err := os.Readlink("/proc/" + de.Name() + "/cwd")
		if err != nil {
			continue
		}
		rss, _ := strconv.ParseInt(f[21], 10, 64)
		out = append(out, process{pid: pid, dir: filepath.Clean(cwd), rssPages: rss})
	}
	return out
}
