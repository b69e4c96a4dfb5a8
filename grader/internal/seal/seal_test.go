package seal

import (
	"os"
	"strconv"
	"testing"
)

func TestTakeKey(t *testing.T) {
	pipe := func(data string) *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString(data)
		w.Close()
		return r
	}
	// The key on a descriptor: read, and gone from the environment.
	r := pipe("k3y")
	t.Setenv(KeyFDEnv, strconv.Itoa(int(r.Fd())))
	if key, st := takeKey(); st != Got || string(key) != "k3y" {
		t.Errorf("takeKey() = %q, %v; want k3y, Got", key, st)
	}
	if _, ok := os.LookupEnv(KeyFDEnv); ok {
		t.Errorf("%s is still in the environment", KeyFDEnv)
	}
	// Something read it first: the pipe is empty.
	r = pipe("k3y")
	buf := make([]byte, 8)
	r.Read(buf)
	t.Setenv(KeyFDEnv, strconv.Itoa(int(r.Fd())))
	if _, st := takeKey(); st != Gone {
		t.Errorf("an emptied descriptor: %v, want Gone", st)
	}
	// Something closed it.
	t.Setenv(KeyFDEnv, "987")
	if _, st := takeKey(); st != Gone {
		t.Errorf("a closed descriptor: %v, want Gone", st)
	}
	// Not started by the grader.
	os.Unsetenv(KeyFDEnv)
	if _, st := takeKey(); st != NoKey {
		t.Errorf("no key handed over: %v, want NoKey", st)
	}
}

func TestEarlyFile(t *testing.T) {
	if got := string(EarlyFile("hammer")); got == "" || got[len(got)-1] != '\n' {
		t.Errorf("EarlyFile: %q", got)
	}
}
