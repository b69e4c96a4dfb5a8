// Package watch tells when the Go files of a folder change. It listens for
// file events (fsnotify) and, because events do not arrive everywhere (WSL
// on a Windows drive, network drives, some editors' save-by-rename), also
// compares snapshots of the folder on a timer: if the timer sees a change
// that no event announced, it switches to polling for good and says so.
package watch

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher reports changes to the .go files of one folder.
type Watcher struct {
	// Changes receives a value after each change (several changes close
	// together arrive as one).
	Changes <-chan struct{}
	// Notes receives a sentence whenever the way of watching changes.
	Notes <-chan string
	mode  string
}

// Mode says how the folder is watched, for the screen.
func (w *Watcher) Mode() string { return w.mode }

// Options tune a Watcher.
type Options struct {
	Poll     bool          // poll only, no file events
	Interval time.Duration // polling interval; default 500ms
}

// Dir watches dir until ctx ends.
func Dir(ctx context.Context, dir string, o Options) *Watcher {
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	changes := make(chan struct{}, 1)
	notes := make(chan string, 4)
	w := &Watcher{Changes: changes, Notes: notes}

	var events chan fsnotify.Event
	var errs chan error
	polling := o.Poll
	if polling {
		w.mode = fmt.Sprintf("polling every %v (-poll)", o.Interval)
	} else if fw, err := fsnotify.NewWatcher(); err != nil {
		polling = true
		w.mode = fmt.Sprintf("polling every %v: file events are not available here (%v)", o.Interval, err)
	} else if err := fw.Add(dir); err != nil {
		fw.Close()
		polling = true
		w.mode = fmt.Sprintf("polling every %v: cannot watch %s for events (%v)", o.Interval, dir, err)
	} else {
		events, errs = fw.Events, fw.Errors
		w.mode = "file events"
		go func() {
			<-ctx.Done()
			fw.Close()
		}()
	}

	go func() {
		last := snapshot(dir)
		period := o.Interval
		if !polling {
			// With events, the timer is only the safety net.
			period = 2 * o.Interval
		}
		tick := time.NewTicker(period)
		defer tick.Stop()
		signal := func() {
			select {
			case changes <- struct{}{}:
			default:
			}
		}
		for {
			fromEvent := false
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					events = nil
					continue
				}
				if !strings.HasSuffix(ev.Name, ".go") {
					continue
				}
				// Editors write in bursts; let the burst end.
				time.Sleep(50 * time.Millisecond)
				fromEvent = true
			case <-errs:
				continue
			case <-tick.C:
			}
			now := snapshot(dir)
			if now == last {
				continue
			}
			last = now
			if !fromEvent && !polling {
				polling = true
				tick.Reset(o.Interval)
				notes <- fmt.Sprintf("A change arrived without a file event, so the grader now polls every %v.", o.Interval)
			}
			signal()
		}
	}()
	return w
}

// snapshot fingerprints the .go files of dir: names and contents.
func snapshot(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "missing"
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(dir, n))
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return string(h.Sum(nil))
}
