package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// A JSON Schema validator for the keywords the Classroom 50 result schema
// uses (testdata/classroom50-result-v1.schema.json, a copy of
// ../shared/schemas/): type, const, enum, required, properties,
// additionalProperties, items, $ref to #/$defs, minLength, pattern and
// minimum. A keyword it does not know fails the test, so a new schema
// cannot pass unchecked.

type schemaValidator struct {
	root map[string]any
}

func loadSchema(t *testing.T, path string) *schemaValidator {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	return &schemaValidator{root: root}
}

// validate returns every violation of the schema by doc (decoded JSON).
func (v *schemaValidator) validate(doc any) []string {
	var errs []string
	v.check(v.root, doc, "$", &errs)
	return errs
}

var knownKeywords = map[string]bool{
	"$schema": true, "$id": true, "title": true, "description": true, "$defs": true,
	"type": true, "const": true, "enum": true, "required": true, "properties": true,
	"additionalProperties": true, "items": true, "$ref": true, "minLength": true,
	"pattern": true, "minimum": true,
}

func (v *schemaValidator) check(s map[string]any, x any, at string, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, at+": "+fmt.Sprintf(format, args...))
	}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !knownKeywords[k] {
			fail("the test's validator does not know the keyword %q", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		def, _ := v.root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok || def == nil {
			fail("unresolvable $ref %s", ref)
			return
		}
		v.check(def, x, at, errs)
	}
	if typ, ok := s["type"]; ok {
		var types []string
		switch tt := typ.(type) {
		case string:
			types = []string{tt}
		case []any:
			for _, t := range tt {
				types = append(types, t.(string))
			}
		}
		matched := false
		for _, t := range types {
			matched = matched || hasType(x, t)
		}
		if !matched {
			fail("%v is not of type %v", x, types)
			return
		}
	}
	if c, ok := s["const"]; ok && !equalJSON(c, x) {
		fail("%v, want %v", x, c)
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, opt := range e {
			found = found || equalJSON(opt, x)
		}
		if !found {
			fail("%v is not one of %v", x, e)
		}
	}
	if str, ok := x.(string); ok {
		if n, ok := s["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			fail("%q is shorter than %v", str, n)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
	}
	if num, ok := x.(float64); ok {
		if m, ok := s["minimum"].(float64); ok && num < m {
			fail("%v is below %v", num, m)
		}
	}
	if obj, ok := x.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r]; !ok {
				fail("required %q is missing", r)
			}
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if ps, ok := props[k].(map[string]any); ok {
				v.check(ps, obj[k], at+"."+k, errs)
			} else if s["additionalProperties"] == false {
				fail("%q is not allowed (additionalProperties: false)", k)
			}
		}
	}
	if arr, ok := x.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for i, el := range arr {
				v.check(items, el, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	}
}

func hasType(x any, t string) bool {
	switch t {
	case "object":
		_, ok := x.(map[string]any)
		return ok
	case "array":
		_, ok := x.([]any)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "boolean":
		_, ok := x.(bool)
		return ok
	case "null":
		return x == nil
	case "number":
		_, ok := x.(float64)
		return ok
	case "integer":
		f, ok := x.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func asList(x any) []string {
	var out []string
	list, _ := x.([]any)
	for _, v := range list {
		out = append(out, v.(string))
	}
	return out
}

// classroom50Rules are what Classroom 50 enforces in code beyond the
// schema: score <= max-score overall and per test. This format also
// promises that score is the sum of its tests.
func classroom50Rules(doc map[string]any) []string {
	var errs []string
	score, _ := doc["score"].(float64)
	maxScore, _ := doc["max-score"].(float64)
	if score > maxScore {
		errs = append(errs, fmt.Sprintf("score %v > max-score %v", score, maxScore))
	}
	sum, maxSum := 0.0, 0.0
	tests, _ := doc["tests"].([]any)
	for i, x := range tests {
		tc, _ := x.(map[string]any)
		s, _ := tc["score"].(float64)
		m, _ := tc["max-score"].(float64)
		if s > m {
			errs = append(errs, fmt.Sprintf("tests[%d]: score %v > max-score %v", i, s, m))
		}
		sum += s
		maxSum += m
	}
	if sum != score || maxSum != maxScore {
		errs = append(errs, fmt.Sprintf("score %v/%v, but the tests add up to %v/%v", score, maxScore, sum, maxSum))
	}
	return errs
}

// TestSchemaValidator: the validator catches what the schema forbids.
func TestSchemaValidator(t *testing.T) {
	v := loadSchema(t, "testdata/classroom50-result-v1.schema.json")
	good := `{"schema":"classroom50/result/v1","classroom":"c","assignment":"a","assignment_type":"individual",
	"owner":"o","submission":"submit/x","commit":"c","release":"r","review":"r","datetime":"2026-01-02T03:04:05Z",
	"score":1,"max-score":2,"tests":[{"test-name":"t","passed":true,"score":1,"max-score":2,"extra":"ok"}],
	"submitted_by":{"username":"u","id":null}}`
	var doc any
	json.Unmarshal([]byte(good), &doc)
	if errs := v.validate(doc); len(errs) > 0 {
		t.Fatalf("a valid result fails: %v", errs)
	}
	bad := map[string]string{
		"extra top-level key": `"x":1`,
		"fractional score":    `"score":1.5`,
		"submission pattern":  `"submission":"v1"`,
		"datetime pattern":    `"datetime":"2026-01-02 03:04:05"`,
		"assignment_type":     `"assignment_type":"pair"`,
		"empty owner":         `"owner":""`,
		"test without passed": `"tests":[{"test-name":"t","score":0,"max-score":0}]`,
		"negative max-score":  `"max-score":-1`,
	}
	for name, patch := range bad {
		var d map[string]any
		json.Unmarshal([]byte(good), &d)
		var p map[string]any
		if err := json.Unmarshal([]byte("{"+patch+"}"), &p); err != nil {
			t.Fatal(err)
		}
		for k, x := range p {
			d[k] = x
		}
		if errs := v.validate(d); len(errs) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}
