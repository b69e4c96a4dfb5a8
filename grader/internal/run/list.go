package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Listed is what `go list -json` says of one package, as the build of the
// request would see it: its files after build constraints, its imports,
// and every package it depends on.
type Listed struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	Module     *struct {
		Path string
		Main bool
	}
	GoFiles, CgoFiles, CFiles, CXXFiles, MFiles, HFiles, FFiles []string
	SFiles, SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles      []string
	EmbedPatterns                                               []string
	Imports                                                     []string
	Deps                                                        []string
	Error                                                       *struct{ Err string }
}

// listFields are the fields List asks the go command for.
const listFields = "ImportPath,Name,Dir,Standard,Module,GoFiles,CgoFiles,CFiles,CXXFiles,MFiles,HFiles,FFiles," +
	"SFiles,SwigFiles,SwigCXXFiles,SysoFiles,EmbedFiles,EmbedPatterns,Imports,Deps,Error"

// List runs `go list -e -deps -json` over the request's packages, with the
// same overlay, module files, environment and race setting as Test, and
// returns every package listed (the request's and all they depend on),
// by import path. It runs none of the code listed.
func List(ctx context.Context, req Request) (map[string]*Listed, error) {
	tmp, err := os.MkdirTemp("", "grader-list-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ovFile, pkgs, err := writeOverlay(tmp, req)
	if err != nil {
		return nil, err
	}
	args := []string{"list", "-e", "-deps", "-json=" + listFields, "-mod=readonly", "-overlay=" + ovFile}
	if req.Race {
		args = append(args, "-race")
	}
	modArgs, err := writeModFiles(tmp, req)
	if err != nil {
		return nil, err
	}
	args = append(append(args, modArgs...), pkgs...)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = req.Dir
	cmd.Env = Env(req.Env...)
	var stderr tailWriter
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting go list: %w", err)
	}
	listed := map[string]*Listed{}
	dec := json.NewDecoder(io.LimitReader(out, 256<<20))
	var decodeErr error
	for {
		var p Listed
		if err := dec.Decode(&p); err != nil {
			if !errors.Is(err, io.EOF) {
				decodeErr = err
			}
			break
		}
		listed[p.ImportPath] = &p
	}
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, listFailed(stderr.String())
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("reading go list's output: %w", decodeErr)
	}
	return listed, nil
}

// listFailed is goFailed for go list: the go command's complaint about
// the toolchain as it is, anything else on one line.
func listFailed(stderr string) error {
	if needGo.MatchString(stderr) {
		return goFailed(stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	return fmt.Errorf("go list failed before anything was built: %s", strings.TrimSpace(lines[len(lines)-1]))
}
