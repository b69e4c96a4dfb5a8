//go:build unix

package run

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-concurrency-lab/course/grader/internal/seal"
)

// ExecCommand is the grader's hidden subcommand in which it runs as go
// test's -exec wrapper: `grader __exec TESTBINARY FLAGS...`.
const ExecCommand = "__exec"

// Any program that links this package serves as the wrapper: the grader,
// and the test binaries of the packages that grade in their tests. This
// runs before their main function (and before the testing package parses
// its flags).
func init() {
	if len(os.Args) > 1 && os.Args[1] == ExecCommand && os.Getenv(serverFDEnv) != "" {
		os.Exit(Exec(os.Args[2:]))
	}
}

// keyFD is the descriptor on which a test binary finds its key.
const keyFD = 3

// keyServer answers every datagram on its socket with the key. The other
// end of the socket is handed to the go command.
type keyServer struct {
	srv, peer *os.File
	done      chan struct{}
}

func startKeyServer(key []byte) (*keyServer, error) {
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("the seal key's socket: %w", err)
	}
	syscall.SetNonblock(fds[0], true)
	k := &keyServer{srv: os.NewFile(uintptr(fds[0]), "seal-server"), peer: os.NewFile(uintptr(fds[1]), "seal-peer"), done: make(chan struct{})}
	go func() {
		defer close(k.done)
		buf := make([]byte, 64)
		for {
			if _, err := k.srv.Read(buf); err != nil {
				return
			}
			if _, err := k.srv.Write(key); err != nil {
				return
			}
		}
	}()
	return k, nil
}

func (k *keyServer) stop() {
	k.peer.Close()
	k.srv.Close()
	<-k.done
}

// prepareExec makes the go command run each test binary through the
// grader's own -exec wrapper, which hands it the key on a descriptor,
// in a sandbox when the request asks for one. It returns go test's extra
// flags and what to call once the go command has ended.
func prepareExec(cmd *exec.Cmd, req Request) ([]string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("finding the grader's own executable: %w", err)
	}
	k, err := startKeyServer(req.SealKey)
	if err != nil {
		return nil, nil, err
	}
	cmd.ExtraFiles = []*os.File{k.peer} // descriptor 3 of the go command
	cmd.Env = append(cmd.Env, serverFDEnv+"=3")
	if req.Sandbox {
		cmd.Env = append(cmd.Env, sandboxEnv+"="+req.Dir, hideEnv+"="+strings.Join(req.Hide, string(os.PathListSeparator)))
	}
	return []string{"-exec", quoteArg(self) + " " + ExecCommand}, k.stop, nil
}

// quoteArg quotes a path for the go command's -exec, which splits its
// value into words as a shell would, quotes kept.
func quoteArg(s string) string {
	if !strings.ContainsAny(s, " \t\n'\"") {
		return s
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}

// Exec is the -exec wrapper: it fetches the key from the grader, puts it
// in a pipe at descriptor 3 of the test binary (named in its environment
// by seal.KeyFDEnv), and becomes the test binary, in the sandbox when one
// is asked for. It returns only when it fails.
func Exec(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "grader: "+ExecCommand+": no test binary to run")
		return 2
	}
	fd, err := strconv.Atoi(os.Getenv(serverFDEnv))
	if err != nil || fd < 3 {
		fmt.Fprintln(os.Stderr, "grader: "+ExecCommand+" runs only under the grader's go test")
		return 2
	}
	key, err := askKey(fd)
	if err != nil {
		fmt.Fprintf(os.Stderr, "grader: %s: the seal key: %v\n", ExecCommand, err)
		return 2
	}
	if err := keyPipe(key, keyFD); err != nil {
		fmt.Fprintf(os.Stderr, "grader: %s: handing the key over: %v\n", ExecCommand, err)
		return 2
	}
	if fd != keyFD {
		syscall.Close(fd)
	}
	root := os.Getenv(sandboxEnv)
	var hide []string
	if h := os.Getenv(hideEnv); h != "" {
		hide = strings.Split(h, string(os.PathListSeparator))
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == serverFDEnv || k == sandboxEnv || k == hideEnv || k == seal.KeyFDEnv || k == seal.KeyEnv {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, seal.KeyFDEnv+"="+strconv.Itoa(keyFD))
	path, argv := args[0], args
	if root != "" {
		path, argv, err = sandboxed(root, hide, args)
		if err != nil {
			fmt.Fprintf(os.Stderr, "grader: %s: %v\n", ExecCommand, err)
			return 2
		}
	}
	err = syscall.Exec(path, argv, env)
	fmt.Fprintf(os.Stderr, "grader: %s: starting %s: %v\n", ExecCommand, path, err)
	return 2
}

// askKey asks the grader for the key on the socket fd.
func askKey(fd int) ([]byte, error) {
	timer := time.AfterFunc(30*time.Second, func() {
		fmt.Fprintln(os.Stderr, "grader: "+ExecCommand+": the grader did not hand over the seal key")
		os.Exit(2)
	})
	defer timer.Stop()
	if _, err := syscall.Write(fd, []byte("key")); err != nil {
		return nil, err
	}
	buf := make([]byte, seal.MaxKey)
	for {
		n, err := syscall.Read(fd, buf)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, errors.New("empty")
		}
		return buf[:n], nil
	}
}

// keyPipe puts a pipe that holds key at descriptor target, inherited
// across exec, and closes everything else it opened.
func keyPipe(key []byte, target int) error {
	var p [2]int
	syscall.ForkLock.RLock()
	err := syscall.Pipe(p[:])
	if err == nil {
		syscall.CloseOnExec(p[0])
		syscall.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return err
	}
	_, err = syscall.Write(p[1], key)
	syscall.Close(p[1])
	if err != nil {
		syscall.Close(p[0])
		return err
	}
	if err := dup(p[0], target); err != nil {
		syscall.Close(p[0])
		return err
	}
	return syscall.Close(p[0])
}
