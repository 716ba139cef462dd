package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

type object = map[string]interface{}

// apiError is a Kubernetes Status answer.
type apiError struct {
	Code    int
	Reason  string
	Message string
	Details map[string]interface{}
}

func (e *apiError) Error() string { return e.Message }

func (e *apiError) status() object {
	st := object{
		"kind": "Status", "apiVersion": "v1", "metadata": object{}, "status": "Failure",
		"message": e.Message, "reason": e.Reason, "code": e.Code,
	}
	if e.Details != nil {
		st["details"] = e.Details
	}
	return st
}

func errNotFound(res *resourceInfo, name string) *apiError {
	return &apiError{Code: 404, Reason: "NotFound", Message: fmt.Sprintf("%s %q not found", res.qualifiedResource(), name),
		Details: object{"name": name, "group": res.Group, "kind": res.Plural}}
}

func errBadRequest(msg string) *apiError {
	return &apiError{Code: 400, Reason: "BadRequest", Message: msg}
}

func errInvalid(res *resourceInfo, name string, causes []object) *apiError {
	var parts []string
	for _, c := range causes {
		parts = append(parts, fmt.Sprintf("%v: %v", c["field"], c["message"]))
	}
	return &apiError{Code: 422, Reason: "Invalid",
		Message: fmt.Sprintf("%s.%s %q is invalid: %s", res.Kind, res.Group, name, strings.Join(parts, ", ")),
		Details: object{"name": name, "group": res.Group, "kind": res.Kind, "causes": toList(causes)}}
}

func toList(causes []object) []interface{} {
	out := make([]interface{}, len(causes))
	for i, c := range causes {
		out[i] = c
	}
	return out
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	data, err := json.Marshal(v)
	if err != nil {
		code = 500
		data = []byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"encoding failed","code":500}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

func writeError(w http.ResponseWriter, err error) {
	if e, ok := err.(*apiError); ok {
		writeJSON(w, e.Code, e.status())
		return
	}
	writeJSON(w, 500, (&apiError{Code: 500, Reason: "InternalError", Message: err.Error()}).status())
}

// deepCopy copies a JSON value.
func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	default:
		return v
	}
}

func copyObject(o object) object {
	if o == nil {
		return nil
	}
	return deepCopy(o).(object)
}

// normalize turns a decoded JSON value into the shapes the merge library expects (integral floats into int64).
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case []interface{}:
		for i, x := range t {
			t[i] = normalize(x)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
		return t
	case int:
		return int64(t)
	default:
		return v
	}
}

func decodeJSONObject(data []byte) (object, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	o, ok := normalize(v).(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	return o, nil
}

func meta(o object) object {
	m, _ := o["metadata"].(map[string]interface{})
	if m == nil {
		m = object{}
		o["metadata"] = m
	}
	return m
}

func metaString(o object, key string) string {
	m, _ := o["metadata"].(map[string]interface{})
	s, _ := m[key].(string)
	return s
}

func stringMap(v interface{}) map[string]string {
	out := map[string]string{}
	if m, ok := v.(map[string]interface{}); ok {
		for k, x := range m {
			if s, ok := x.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

func stringList(v interface{}) []string {
	var out []string
	if l, ok := v.([]interface{}); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func finalizers(o object) []string { return stringList(meta(o)["finalizers"]) }

func setFinalizers(o object, f []string) {
	if len(f) == 0 {
		delete(meta(o), "finalizers")
		return
	}
	l := make([]interface{}, len(f))
	for i, s := range f {
		l[i] = s
	}
	meta(o)["finalizers"] = l
}

func equalJSON(a, b interface{}) bool {
	return reflect.DeepEqual(normalize(deepCopy(a)), normalize(deepCopy(b)))
}

// withoutKeys copies an object without the given top-level keys and metadata.
func specPart(o object, dropStatus bool) object {
	c := copyObject(o)
	delete(c, "metadata")
	delete(c, "apiVersion")
	delete(c, "kind")
	if dropStatus {
		delete(c, "status")
	}
	return c
}

// --- selectors ---

type requirement struct {
	key, op string
	values  []string
}

// parseLabelSelector parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
func parseLabelSelector(s string) ([]requirement, error) {
	var reqs []requirement
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, s[start:])
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		switch {
		case strings.Contains(p, " notin "), strings.Contains(p, " in "):
			op := "in"
			sep := " in "
			if strings.Contains(p, " notin ") {
				op, sep = "notin", " notin "
			}
			kv := strings.SplitN(p, sep, 2)
			vals := strings.Trim(strings.TrimSpace(kv[1]), "()")
			var values []string
			for _, v := range strings.Split(vals, ",") {
				values = append(values, strings.TrimSpace(v))
			}
			reqs = append(reqs, requirement{strings.TrimSpace(kv[0]), op, values})
		case strings.Contains(p, "!="):
			kv := strings.SplitN(p, "!=", 2)
			reqs = append(reqs, requirement{strings.TrimSpace(kv[0]), "!=", []string{strings.TrimSpace(kv[1])}})
		case strings.Contains(p, "=="):
			kv := strings.SplitN(p, "==", 2)
			reqs = append(reqs, requirement{strings.TrimSpace(kv[0]), "=", []string{strings.TrimSpace(kv[1])}})
		case strings.Contains(p, "="):
			kv := strings.SplitN(p, "=", 2)
			reqs = append(reqs, requirement{strings.TrimSpace(kv[0]), "=", []string{strings.TrimSpace(kv[1])}})
		case strings.HasPrefix(p, "!"):
			reqs = append(reqs, requirement{strings.TrimSpace(p[1:]), "!exists", nil})
		default:
			if strings.ContainsAny(p, " <>") {
				return nil, fmt.Errorf("unable to parse requirement: %q", p)
			}
			reqs = append(reqs, requirement{p, "exists", nil})
		}
	}
	return reqs, nil
}

func matches(reqs []requirement, values map[string]string) bool {
	for _, r := range reqs {
		v, ok := values[r.key]
		switch r.op {
		case "=":
			if !ok || v != r.values[0] {
				return false
			}
		case "!=":
			if ok && v == r.values[0] {
				return false
			}
		case "in":
			if !ok || !contains(r.values, v) {
				return false
			}
		case "notin":
			if ok && contains(r.values, v) {
				return false
			}
		case "exists":
			if !ok {
				return false
			}
		case "!exists":
			if ok {
				return false
			}
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func fieldValues(o object) map[string]string {
	return map[string]string{"metadata.name": metaString(o, "name"), "metadata.namespace": metaString(o, "namespace")}
}

func sortedKeys(m map[string]object) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// --- patches ---

// mergePatch applies an RFC 7386 JSON merge patch.
func mergePatch(target interface{}, patch interface{}) interface{} {
	p, ok := patch.(map[string]interface{})
	if !ok {
		return deepCopy(patch)
	}
	t, ok := target.(map[string]interface{})
	if !ok {
		t = map[string]interface{}{}
	} else {
		t = deepCopy(t).(map[string]interface{})
	}
	for k, v := range p {
		if strings.HasPrefix(k, "$") {
			continue // strategic merge patch directives: not supported, see README
		}
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// jsonPatch applies an RFC 6902 JSON patch (add, remove, replace, test).
func jsonPatch(doc interface{}, ops []interface{}) (interface{}, error) {
	doc = deepCopy(doc)
	for _, raw := range ops {
		op, _ := raw.(map[string]interface{})
		kind, _ := op["op"].(string)
		path, _ := op["path"].(string)
		tokens := strings.Split(path, "/")[1:]
		for i, t := range tokens {
			tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		}
		if len(tokens) == 0 {
			return nil, fmt.Errorf("json patch: empty path")
		}
		parent := doc
		for _, t := range tokens[:len(tokens)-1] {
			switch p := parent.(type) {
			case map[string]interface{}:
				parent = p[t]
			case []interface{}:
				i, err := strconv.Atoi(t)
				if err != nil || i < 0 || i >= len(p) {
					return nil, fmt.Errorf("json patch: bad index %q", t)
				}
				parent = p[i]
			default:
				return nil, fmt.Errorf("json patch: path %q not found", path)
			}
		}
		last := tokens[len(tokens)-1]
		value := normalize(deepCopy(op["value"]))
		switch p := parent.(type) {
		case map[string]interface{}:
			switch kind {
			case "add", "replace":
				if _, ok := p[last]; kind == "replace" && !ok {
					return nil, fmt.Errorf("json patch: path %q not found", path)
				}
				p[last] = value
			case "remove":
				if _, ok := p[last]; !ok {
					return nil, fmt.Errorf("json patch: path %q not found", path)
				}
				delete(p, last)
			case "test":
				if !equalJSON(p[last], value) {
					return nil, fmt.Errorf("json patch: test failed at %q", path)
				}
			default:
				return nil, fmt.Errorf("json patch: unsupported op %q", kind)
			}
		case []interface{}:
			// Lists are replaced in their parent: rebuild and write back.
			i := len(p)
			if last != "-" {
				n, err := strconv.Atoi(last)
				if err != nil {
					return nil, fmt.Errorf("json patch: bad index %q", last)
				}
				i = n
			}
			var updated []interface{}
			switch kind {
			case "add":
				if i > len(p) {
					return nil, fmt.Errorf("json patch: index out of range")
				}
				updated = append(append(append([]interface{}{}, p[:i]...), value), p[i:]...)
			case "remove":
				if i >= len(p) {
					return nil, fmt.Errorf("json patch: index out of range")
				}
				updated = append(append([]interface{}{}, p[:i]...), p[i+1:]...)
			case "replace":
				if i >= len(p) {
					return nil, fmt.Errorf("json patch: index out of range")
				}
				p[i] = value
				updated = p
			case "test":
				if i >= len(p) || !equalJSON(p[i], value) {
					return nil, fmt.Errorf("json patch: test failed at %q", path)
				}
				updated = p
			default:
				return nil, fmt.Errorf("json patch: unsupported op %q", kind)
			}
			var err error
			doc, err = setAt(doc, tokens[:len(tokens)-1], updated)
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("json patch: path %q not found", path)
		}
	}
	return doc, nil
}

func setAt(doc interface{}, tokens []string, value interface{}) (interface{}, error) {
	if len(tokens) == 0 {
		return value, nil
	}
	switch p := doc.(type) {
	case map[string]interface{}:
		v, err := setAt(p[tokens[0]], tokens[1:], value)
		if err != nil {
			return nil, err
		}
		p[tokens[0]] = v
		return p, nil
	case []interface{}:
		i, err := strconv.Atoi(tokens[0])
		if err != nil || i < 0 || i >= len(p) {
			return nil, fmt.Errorf("json patch: bad index %q", tokens[0])
		}
		v, err := setAt(p[i], tokens[1:], value)
		if err != nil {
			return nil, err
		}
		p[i] = v
		return p, nil
	}
	return nil, fmt.Errorf("json patch: path not found")
}
