package check

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Locks are the sync.Mutex and sync.RWMutex values of a student's struct,
// found by LocksOf, so that a test can take part in them the way another
// goroutine of the student's code would: hold a read lock while a hit must
// still go through, or hold back the writers while two goroutines are
// between "the key is missing" and "I add it".
type Locks struct {
	Mutexes   []*sync.Mutex
	RWMutexes []*sync.RWMutex
}

var (
	mutexType   = reflect.TypeFor[sync.Mutex]()
	rwMutexType = reflect.TypeFor[sync.RWMutex]()
)

// LocksOf returns the locks in the struct that p points to: its fields of
// type sync.Mutex, sync.RWMutex or a pointer to one, and those of the
// structs it holds by value (embedded ones included), but not the locks
// inside the types of package sync itself (a sync.Once's).
func LocksOf(p any) Locks {
	var l Locks
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return l
	}
	l.collect(v.Elem(), 0)
	return l
}

func (l *Locks) collect(v reflect.Value, depth int) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == mutexType:
			l.Mutexes = append(l.Mutexes, (*sync.Mutex)(unsafe.Pointer(f.UnsafeAddr())))
		case f.Type() == rwMutexType:
			l.RWMutexes = append(l.RWMutexes, (*sync.RWMutex)(unsafe.Pointer(f.UnsafeAddr())))
		case f.Kind() == reflect.Pointer && f.Type().Elem() == mutexType && !f.IsNil():
			l.Mutexes = append(l.Mutexes, (*sync.Mutex)(f.UnsafePointer()))
		case f.Kind() == reflect.Pointer && f.Type().Elem() == rwMutexType && !f.IsNil():
			l.RWMutexes = append(l.RWMutexes, (*sync.RWMutex)(f.UnsafePointer()))
		case f.Kind() == reflect.Struct && depth < 3 && !strings.HasPrefix(f.Type().PkgPath(), "sync"):
			// A sync.Once or sync.WaitGroup has a lock inside: not one the
			// student's code takes.
			l.collect(f, depth+1)
		}
	}
}

// Empty reports whether no lock was found.
func (l Locks) Empty() bool { return len(l.Mutexes) == 0 && len(l.RWMutexes) == 0 }

// HoldAsReader acts as a goroutine that is looking something up right now:
// it takes a read lock of every RWMutex and the lock of every Mutex, and
// returns the function that lets them go. Code whose lookups use read locks
// goes on meanwhile; code whose lookups take an exclusive lock waits.
func (l Locks) HoldAsReader() (release func()) {
	for _, m := range l.RWMutexes {
		m.RLock()
	}
	for _, m := range l.Mutexes {
		m.Lock()
	}
	return func() {
		for _, m := range l.RWMutexes {
			m.RUnlock()
		}
		for _, m := range l.Mutexes {
			m.Unlock()
		}
	}
}

// StallWriters makes every call of Lock on the RWMutexes wait, without
// shutting readers out, until release is called: it holds the mutex that
// an RWMutex's Lock takes first, before it tells readers to wait (the
// first field of sync.RWMutex; TestStallWriters checks that this is still
// so). Two goroutines that both found a key missing under RLock and then
// call Lock are thus both in between at once: the interleaving in which an
// answer that does not look again under the write lock adds the key twice.
func (l Locks) StallWriters() (release func()) {
	// The race detector sees the writer mutex only from inside the
	// RWMutex's own methods, as a plain read before Lock blocks: a lock or
	// unlock of it from here would be reported as a race in the student's
	// code.
	unseen(func() {
		for _, m := range l.RWMutexes {
			writerMutex(m).Lock()
		}
	})
	since := time.Now()
	return func() {
		unseen(func() {
			// A waiter that has waited over a millisecond and then
			// finds the mutex taken puts it in starvation mode: Unlock
			// hands it to the first in line, and latecomers queue behind.
			// The callers of Lock then take turns strictly, so a second
			// Lock of one caller (a critical section split in two) comes
			// after the next caller's first: on every run, not when the
			// scheduler happens to interleave them.
			time.Sleep(time.Until(since.Add(2 * time.Millisecond)))
			prev := runtime.GOMAXPROCS(1)
			defer runtime.GOMAXPROCS(prev)
			for _, m := range l.RWMutexes {
				w := writerMutex(m)
				w.Unlock()
				w.Lock()          // before the woken waiter can run
				runtime.Gosched() // it runs, finds the mutex taken, and starves
				w.Unlock()        // hands it over
			}
		})
	}
}

func writerMutex(rw *sync.RWMutex) *sync.Mutex {
	return (*sync.Mutex)(unsafe.Pointer(rw))
}
