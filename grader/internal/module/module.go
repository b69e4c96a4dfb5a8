// Package module reads and writes the course's go.mod: its module path, and
// the go.mod of a scratch module (selftest's variants, the lint of hidden
// tests, the grader's own tests) whose packages import the course's.
package module

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// Path returns the module path that the go.mod file data declares, or ""
// when it declares none (or is not a go.mod).
func Path(data []byte) string {
	return modfile.ModulePath(data)
}

// WriteScratch makes dir a module named path whose packages can import
// the course's, at root: its go.mod has the course's go line and
// requirements plus a replace of the course module by root, and its go.sum
// is the course's.
func WriteScratch(dir, path, root string) error {
	modData, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	course, err := modfile.ParseLax("go.mod", modData, nil)
	if err != nil || course.Module == nil {
		return fmt.Errorf("%s: not a go.mod with a module line: %v", filepath.Join(root, "go.mod"), err)
	}
	f := new(modfile.File)
	if err := f.AddModuleStmt(path); err != nil {
		return err
	}
	if course.Go != nil {
		if err := f.AddGoStmt(course.Go.Version); err != nil {
			return err
		}
	}
	for _, r := range course.Require {
		f.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
	}
	coursePath := course.Module.Mod.Path
	f.AddNewRequire(coursePath, "v0.0.0-00010101000000-000000000000", false)
	if err := f.AddReplace(coursePath, "", filepath.ToSlash(root), ""); err != nil {
		return err
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), out, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}
