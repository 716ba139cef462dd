package main

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/structured-merge-diff/v4/value"
	"sigs.k8s.io/yaml"
)

func valueOf(o object) value.Value { return value.NewValueInterface(o) }

func sortStrings(s []string) { sort.Strings(s) }

// statusRecorder remembers the answer's code for the request log.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, code: 200}
	start := time.Now()
	s.serve(rec, r)
	// The log holds methods, paths and codes only: never headers or bodies (tokens, Secret data).
	log.Printf("%s %s -> %d (%s)", r.Method, r.URL.RequestURI(), rec.code, time.Since(start).Round(time.Millisecond))
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch path {
	case "/healthz", "/livez", "/readyz":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok"))
		return
	case "/version":
		writeJSON(w, 200, object{"major": "1", "minor": "37", "gitVersion": "v1.37.0-terrace-test", "platform": "linux/amd64"})
		return
	}
	if !s.authorized(r) {
		writeJSON(w, 401, (&apiError{Code: 401, Reason: "Unauthorized", Message: "Unauthorized"}).status())
		return
	}
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeJSON(w, 406, (&apiError{Code: 406, Reason: "NotAcceptable", Message: "only application/json is served"}).status())
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/api":
		writeJSON(w, 200, object{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []object{{"clientCIDR": "0.0.0.0/0", "serverAddress": s.address}}})
	case path == "/apis":
		s.mu.Lock()
		groups := s.groupList()
		s.mu.Unlock()
		writeJSON(w, 200, groups)
	case path == "/openapi/v3" || strings.HasPrefix(path, "/openapi/v3/"):
		s.openAPI(w, strings.TrimPrefix(strings.TrimPrefix(path, "/openapi/v3"), "/"))
	case segs[0] == "api" && len(segs) >= 2:
		s.resourceRequest(w, r, "", segs[1], segs[2:])
	case segs[0] == "apis" && len(segs) == 2:
		s.mu.Lock()
		g := s.group(segs[1])
		s.mu.Unlock()
		if g == nil {
			writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
			return
		}
		writeJSON(w, 200, g)
	case segs[0] == "apis" && len(segs) >= 3:
		s.resourceRequest(w, r, segs[1], segs[2], segs[3:])
	default:
		writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
	}
}

func (s *server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") {
		return false
	}
	token := strings.TrimPrefix(h, "Bearer ")
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) == 1 {
		return true
	}
	if !s.acceptEKSTokens {
		return false
	}
	if err := checkEKSToken(token, s.now()); err != nil {
		// The reason is a fixed text: nothing of the token is logged.
		log.Printf("EKS token refused: %v", err)
		return false
	}
	return true
}

// acceptsJSON: plain JSON (or anything) must be acceptable; the aggregated discovery and Table forms are not served.
func acceptsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		mt := strings.TrimSpace(fields[0])
		if mt != "application/json" && mt != "*/*" && mt != "application/*" {
			continue
		}
		plain := true
		for _, p := range fields[1:] {
			if strings.HasPrefix(strings.TrimSpace(p), "as=") {
				plain = false
			}
		}
		if plain {
			return true
		}
	}
	return false
}

// --- discovery ---

func (s *server) groupVersions() map[string][]string {
	out := map[string][]string{}
	for _, r := range s.allResources() {
		if r.Group == "" {
			continue
		}
		if !contains(out[r.Group], r.Version) {
			out[r.Group] = append(out[r.Group], r.Version)
		}
	}
	return out
}

func (s *server) group(name string) object {
	versions, ok := s.groupVersions()[name]
	if !ok {
		return nil
	}
	sort.Slice(versions, func(i, j int) bool { return kubeVersionLess(versions[j], versions[i]) })
	var vs []object
	for _, v := range versions {
		vs = append(vs, object{"groupVersion": name + "/" + v, "version": v})
	}
	return object{"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": vs, "preferredVersion": vs[0]}
}

// kubeVersionLess orders v1alpha1 < v1beta1 < v1 < v2alpha1 < v2 (Kubernetes' version priority, reversed).
func kubeVersionLess(a, b string) bool {
	rank := func(v string) (int, int, int) {
		v = strings.TrimPrefix(v, "v")
		major, stage, minor := 0, 3, 0
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		major, _ = strconv.Atoi(v[:i])
		rest := v[i:]
		switch {
		case strings.HasPrefix(rest, "alpha"):
			stage = 1
			minor, _ = strconv.Atoi(rest[5:])
		case strings.HasPrefix(rest, "beta"):
			stage = 2
			minor, _ = strconv.Atoi(rest[4:])
		}
		return stage, major, minor
	}
	sa, ma, na := rank(a)
	sb, mb, nb := rank(b)
	if sa != sb {
		return sa < sb
	}
	if ma != mb {
		return ma < mb
	}
	return na < nb
}

func (s *server) groupList() object {
	var groups []object
	gv := s.groupVersions()
	names := make([]string, 0, len(gv))
	for n := range gv {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		groups = append(groups, s.group(n))
	}
	return object{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
}

func (s *server) resourceList(group, version string) object {
	var resources []object
	for _, r := range s.allResources() {
		if r.Group != group || r.Version != version {
			continue
		}
		entry := object{"name": r.Plural, "singularName": r.Singular, "namespaced": r.Namespaced, "kind": r.Kind,
			"verbs": allVerbs}
		if len(r.ShortNames) > 0 {
			entry["shortNames"] = r.ShortNames
		}
		if len(r.Categories) > 0 {
			entry["categories"] = r.Categories
		}
		resources = append(resources, entry)
		if r.HasStatus {
			resources = append(resources, object{"name": r.Plural + "/status", "singularName": "", "namespaced": r.Namespaced,
				"kind": r.Kind, "verbs": []string{"get", "patch", "update"}})
		}
	}
	if resources == nil {
		return nil
	}
	gv := version
	if group != "" {
		gv = group + "/" + version
	}
	return object{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}
}

// openAPI serves the OpenAPI v3 index and, per group version, a document with each kind's PATCH operation and
// its query parameters: enough for kubectl to know the server validates fields itself (fieldValidation).
func (s *server) openAPI(w http.ResponseWriter, gvPath string) {
	s.mu.Lock()
	resources := s.allResources()
	s.mu.Unlock()
	byGV := map[string][]*resourceInfo{}
	for _, r := range resources {
		p := "api/" + r.Version
		if r.Group != "" {
			p = "apis/" + r.Group + "/" + r.Version
		}
		byGV[p] = append(byGV[p], r)
	}
	doc := func(rs []*resourceInfo) object {
		paths := object{}
		for _, r := range rs {
			prefix := "/" + map[bool]string{true: "api/" + r.Version, false: "apis/" + r.Group + "/" + r.Version}[r.Group == ""]
			if r.Namespaced {
				prefix += "/namespaces/{namespace}"
			}
			var params []object
			for _, q := range []string{"dryRun", "fieldManager", "fieldValidation", "force"} {
				params = append(params, object{"name": q, "in": "query", "schema": object{"type": "string", "uniqueItems": true}})
			}
			gvk := object{"group": r.Group, "version": r.Version, "kind": r.Kind}
			op := func(action string) object {
				return object{"operationId": action + r.Kind, "parameters": params, "x-kubernetes-action": action,
					"x-kubernetes-group-version-kind": gvk, "responses": object{"200": object{"description": "OK"}}}
			}
			paths[prefix+"/"+r.Plural+"/{name}"] = object{"get": op("get"), "put": op("put"), "patch": op("patch"), "delete": op("delete")}
			if r.HasStatus {
				paths[prefix+"/"+r.Plural+"/{name}/status"] = object{"get": op("get"), "put": op("put"), "patch": op("patch")}
			}
		}
		return object{"openapi": "3.0.0", "info": object{"title": "Kubernetes", "version": "v1.37.0"}, "paths": paths,
			"components": object{"schemas": object{}}}
	}
	if gvPath == "" {
		paths := object{}
		for p, rs := range byGV {
			data, _ := json.Marshal(doc(rs))
			paths[p] = object{"serverRelativeURL": "/openapi/v3/" + p + "?hash=" + hashOf(data)}
		}
		writeJSON(w, 200, object{"paths": paths})
		return
	}
	rs, ok := byGV[gvPath]
	if !ok {
		writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
		return
	}
	writeJSON(w, 200, doc(rs))
}

// --- resources ---

type target struct {
	res       *resourceInfo
	namespace string
	name      string
	sub       string
}

func (s *server) resourceRequest(w http.ResponseWriter, r *http.Request, group, version string, segs []string) {
	s.mu.Lock()
	if len(segs) == 0 {
		list := s.resourceList(group, version)
		s.mu.Unlock()
		if list == nil {
			writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
			return
		}
		writeJSON(w, 200, list)
		return
	}
	t := target{}
	rest := segs
	if segs[0] == "namespaces" && len(segs) >= 3 && segs[2] != "status" && segs[2] != "finalize" {
		t.namespace = segs[1]
		rest = segs[2:]
	}
	t.res = s.resolve(group, version, rest[0])
	s.mu.Unlock()
	if t.res == nil || len(rest) > 3 || (t.namespace != "" && !t.res.Namespaced) {
		writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
		return
	}
	if len(rest) >= 2 {
		t.name = rest[1]
	}
	if len(rest) == 3 {
		t.sub = rest[2]
		if t.sub != "status" || !t.res.HasStatus {
			writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
			return
		}
	}
	if t.res.Namespaced && t.namespace == "" && t.name != "" {
		writeError(w, &apiError{Code: 404, Reason: "NotFound", Message: "the server could not find the requested resource"})
		return
	}
	q := r.URL.Query()
	var err error
	switch {
	case r.Method == http.MethodGet && t.name == "" && (q.Get("watch") == "1" || q.Get("watch") == "true"):
		s.watch(w, r, t)
		return
	case r.Method == http.MethodGet && t.name == "":
		err = s.list(w, t, q)
	case r.Method == http.MethodGet:
		s.mu.Lock()
		obj := s.get(t.res, t.namespace, t.name)
		s.mu.Unlock()
		if obj == nil {
			err = errNotFound(t.res, t.name)
		} else {
			writeJSON(w, 200, s.present(t.res, obj))
		}
	case r.Method == http.MethodPost && t.name == "":
		err = s.create(w, r, t)
	case r.Method == http.MethodPut && t.name != "":
		err = s.put(w, r, t)
	case r.Method == http.MethodPatch && t.name != "":
		err = s.patch(w, r, t)
	case r.Method == http.MethodDelete && t.name != "":
		err = s.delete(w, r, t)
	default:
		err = &apiError{Code: 405, Reason: "MethodNotAllowed", Message: "the server does not allow this method on the requested resource"}
	}
	if err != nil {
		writeError(w, err)
	}
}

// present is the object as answered for this resource version (no conversion: the apiVersion is relabelled).
func (s *server) present(res *resourceInfo, obj object) object {
	out := copyObject(obj)
	out["apiVersion"] = res.groupVersion()
	out["kind"] = res.Kind
	return out
}

func (s *server) list(w http.ResponseWriter, t target, q url.Values) error {
	labels, err := parseLabelSelector(q.Get("labelSelector"))
	if err != nil {
		return errBadRequest(err.Error())
	}
	fields, err := parseLabelSelector(q.Get("fieldSelector"))
	if err != nil {
		return errBadRequest(err.Error())
	}
	s.mu.Lock()
	objs := s.objects[t.res.storageKey()]
	items := []interface{}{}
	for _, k := range sortedKeys(objs) {
		o := objs[k]
		if t.namespace != "" && metaString(o, "namespace") != t.namespace {
			continue
		}
		if !matches(labels, stringMap(meta(o)["labels"])) || !matches(fields, fieldValues(o)) {
			continue
		}
		items = append(items, s.present(t.res, o))
	}
	rv := strconv.FormatInt(s.rv, 10)
	s.mu.Unlock()
	writeJSON(w, 200, object{"kind": t.res.ListKind, "apiVersion": t.res.groupVersion(),
		"metadata": object{"resourceVersion": rv}, "items": items})
	return nil
}

func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return nil, errBadRequest(err.Error())
	}
	return data, nil
}

func dryRun(q url.Values) (bool, error) {
	for _, v := range q["dryRun"] {
		if v != "All" {
			return false, errBadRequest(fmt.Sprintf("Invalid dry run value: %q (supported: All)", v))
		}
		return true, nil
	}
	return false, nil
}

func validationOf(q url.Values) (string, error) {
	v := q.Get("fieldValidation")
	switch v {
	case "":
		return "Warn", nil
	case "Strict", "Warn", "Ignore":
		return v, nil
	}
	return "", errBadRequest(fmt.Sprintf("invalid fieldValidation directive: %q (supported: Ignore, Warn, Strict)", v))
}

// defaultManager is the API server's manager name from the user agent: up to the first "/".
func defaultManager(r *http.Request, q url.Values) string {
	if m := q.Get("fieldManager"); m != "" {
		return m
	}
	ua := r.UserAgent()
	if i := strings.Index(ua, "/"); i >= 0 {
		ua = ua[:i]
	}
	return ua
}

// checkIdentity: the body's kind, apiVersion, name and namespace must fit the URL.
func checkIdentity(t target, obj object, forApply bool) error {
	if av, _ := obj["apiVersion"].(string); av != t.res.groupVersion() {
		if av == "" && !forApply {
			obj["apiVersion"] = t.res.groupVersion()
		} else {
			return errBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", av, t.res.groupVersion()))
		}
	}
	if k, _ := obj["kind"].(string); k != t.res.Kind {
		if k == "" && !forApply {
			obj["kind"] = t.res.Kind
		} else {
			return errBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", k, t.res.Kind))
		}
	}
	m := meta(obj)
	if name := metaString(obj, "name"); t.name != "" && name != t.name {
		if name == "" {
			m["name"] = t.name
		} else {
			return errBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", name, t.name))
		}
	}
	if t.res.Namespaced {
		if ns := metaString(obj, "namespace"); ns == "" {
			m["namespace"] = t.namespace
		} else if ns != t.namespace {
			return errBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
	} else {
		delete(m, "namespace")
	}
	return nil
}

// namespaceOpen: a namespaced object may only be created in an existing namespace that is not terminating.
func (s *server) namespaceOpen(t target) error {
	if !t.res.Namespaced {
		return nil
	}
	ns := s.objects["/namespaces"][objectKey("", t.namespace)]
	if ns == nil {
		return &apiError{Code: 404, Reason: "NotFound", Message: fmt.Sprintf("namespaces %q not found", t.namespace),
			Details: object{"name": t.namespace, "kind": "namespaces"}}
	}
	if meta(ns)["deletionTimestamp"] != nil {
		return &apiError{Code: 403, Reason: "Forbidden",
			Message: fmt.Sprintf("%s %q is forbidden: unable to create new content in namespace %s because it is being terminated", t.res.qualifiedResource(), t.name, t.namespace)}
	}
	return nil
}

func (s *server) respondWrite(w http.ResponseWriter, wr *writeRequest, obj object, created bool) {
	for _, warning := range wr.warnings {
		w.Header().Add("Warning", fmt.Sprintf("299 - %q", warning))
	}
	code := 200
	if created {
		code = 201
	}
	writeJSON(w, code, s.present(wr.res, obj))
}

func (s *server) create(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	obj, err := readObject(r, t)
	if err != nil {
		return err
	}
	if metaString(obj, "name") == "" {
		if gn := metaString(obj, "generateName"); gn != "" {
			meta(obj)["name"] = gn + strings.ToLower(newUID()[:5])
		}
	}
	t.name = metaString(obj, "name")
	dry, err := dryRun(q)
	if err != nil {
		return err
	}
	validation, err := validationOf(q)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.namespaceOpen(t); err != nil {
		return err
	}
	if s.get(t.res, t.namespace, t.name) != nil {
		return &apiError{Code: 409, Reason: "AlreadyExists", Message: fmt.Sprintf("%s %q already exists", t.res.qualifiedResource(), t.name),
			Details: object{"name": t.name, "group": t.res.Group, "kind": t.res.Plural}}
	}
	wr := &writeRequest{res: t.res, manager: managerID(defaultManager(r, q), "Update", t.res.groupVersion(), ""), dryRun: dry, validation: validation}
	out, _, err := s.updateWith(wr, nil, obj)
	if err != nil {
		return err
	}
	s.respondWrite(w, wr, out, true)
	return nil
}

func decodeBody(r *http.Request, body []byte) (object, error) {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.Contains(ct, "yaml") {
		return nil, &apiError{Code: 415, Reason: "UnsupportedMediaType", Message: fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got %s)", ct)}
	}
	if strings.Contains(ct, "yaml") {
		j, err := yaml.YAMLToJSON(body)
		if err != nil {
			return nil, errBadRequest(err.Error())
		}
		body = j
	}
	obj, err := decodeJSONObject(body)
	if err != nil {
		return nil, errBadRequest(err.Error())
	}
	return obj, nil
}

func (s *server) put(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	obj, err := readObject(r, t)
	if err != nil {
		return err
	}
	dry, err := dryRun(q)
	if err != nil {
		return err
	}
	validation, err := validationOf(q)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.get(t.res, t.namespace, t.name)
	if old == nil {
		return errNotFound(t.res, t.name)
	}
	if rv := metaString(obj, "resourceVersion"); rv != "" && rv != metaString(old, "resourceVersion") {
		return conflictRV(t)
	}
	wr := &writeRequest{res: t.res, subresource: t.sub, manager: managerID(defaultManager(r, q), "Update", t.res.groupVersion(), t.sub), dryRun: dry, validation: validation}
	out, _, err := s.updateWith(wr, old, obj)
	if err != nil {
		return err
	}
	s.respondWrite(w, wr, out, false)
	return nil
}

func conflictRV(t target) *apiError {
	return &apiError{Code: 409, Reason: "Conflict",
		Message: fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", t.res.qualifiedResource(), t.name),
		Details: object{"name": t.name, "group": t.res.Group, "kind": t.res.Plural}}
}

func (s *server) patch(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	body, err := readBody(r)
	if err != nil {
		return err
	}
	dry, err := dryRun(q)
	if err != nil {
		return err
	}
	validation, err := validationOf(q)
	if err != nil {
		return err
	}
	ct := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0])
	if ct == "application/apply-patch+yaml" {
		manager := q.Get("fieldManager")
		if manager == "" {
			return errBadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set")
		}
		force := false
		if f := q.Get("force"); f != "" {
			if force, err = strconv.ParseBool(f); err != nil {
				return errBadRequest(fmt.Sprintf("invalid force: %q", f))
			}
		}
		convert := yaml.YAMLToJSON
		if validation == "Strict" {
			convert = yaml.YAMLToJSONStrict
		}
		j, err := convert(body)
		if err != nil {
			return errBadRequest(fmt.Sprintf("error decoding YAML: %v", err))
		}
		config, err := decodeJSONObject(j)
		if err != nil {
			return errBadRequest(err.Error())
		}
		if err := checkIdentity(t, config, true); err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		old := s.get(t.res, t.namespace, t.name)
		if old == nil {
			if t.sub != "" {
				return errNotFound(t.res, t.name)
			}
			if err := s.namespaceOpen(t); err != nil {
				return err
			}
		}
		wr := &writeRequest{res: t.res, subresource: t.sub, manager: managerID(manager, "Apply", t.res.groupVersion(), t.sub), dryRun: dry, validation: validation}
		out, created, err := s.apply(wr, old, config, force)
		if err != nil {
			return err
		}
		s.respondWrite(w, wr, out, created)
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.get(t.res, t.namespace, t.name)
	if old == nil {
		return errNotFound(t.res, t.name)
	}
	var next interface{}
	switch ct {
	case "application/merge-patch+json", "application/strategic-merge-patch+json":
		p, err := decodeJSONObject(body)
		if err != nil {
			return errBadRequest(err.Error())
		}
		next = mergePatch(copyObject(old), p)
	case "application/json-patch+json":
		var ops []interface{}
		if err := json.Unmarshal(body, &ops); err != nil {
			return errBadRequest(err.Error())
		}
		if next, err = jsonPatch(copyObject(old), ops); err != nil {
			return &apiError{Code: 422, Reason: "Invalid", Message: err.Error()}
		}
	default:
		return &apiError{Code: 415, Reason: "UnsupportedMediaType", Message: fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got %s)", ct)}
	}
	obj, ok := normalize(next).(map[string]interface{})
	if !ok {
		return errBadRequest("the patch result is not an object")
	}
	if err := checkIdentity(t, obj, false); err != nil {
		return err
	}
	if rv := metaString(obj, "resourceVersion"); rv != "" && rv != metaString(old, "resourceVersion") {
		return conflictRV(t)
	}
	wr := &writeRequest{res: t.res, subresource: t.sub, manager: managerID(defaultManager(r, q), "Update", t.res.groupVersion(), t.sub), dryRun: dry, validation: validation}
	out, _, err := s.updateWith(wr, old, obj)
	if err != nil {
		return err
	}
	s.respondWrite(w, wr, out, false)
	return nil
}

func (s *server) delete(w http.ResponseWriter, r *http.Request, t target) error {
	q := r.URL.Query()
	body, err := readBody(r)
	if err != nil {
		return err
	}
	propagation := q.Get("propagationPolicy")
	dry, err := dryRun(q)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		opts, err := decodeJSONObject(body)
		if err != nil {
			return errBadRequest(err.Error())
		}
		if p, ok := opts["propagationPolicy"].(string); ok && propagation == "" {
			propagation = p
		}
		if d := stringList(opts["dryRun"]); len(d) > 0 {
			dry = d[0] == "All"
		}
		if pre, ok := opts["preconditions"].(map[string]interface{}); ok {
			s.mu.Lock()
			old := s.get(t.res, t.namespace, t.name)
			s.mu.Unlock()
			if old != nil {
				if uid, ok := pre["uid"].(string); ok && uid != metaString(old, "uid") {
					return conflictRV(t)
				}
				if rv, ok := pre["resourceVersion"].(string); ok && rv != metaString(old, "resourceVersion") {
					return conflictRV(t)
				}
			}
		}
	}
	switch propagation {
	case "", "Background", "Foreground", "Orphan":
	default:
		return errBadRequest(fmt.Sprintf("invalid propagationPolicy: %q", propagation))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.get(t.res, t.namespace, t.name)
	if old == nil {
		return errNotFound(t.res, t.name)
	}
	if dry {
		writeJSON(w, 200, s.present(t.res, old))
		return nil
	}
	out, gone := s.deleteStored(t.res.storageKey(), old, propagation)
	s.collect()
	if gone {
		writeJSON(w, 200, s.present(t.res, out))
		return nil
	}
	if cur := s.get(t.res, t.namespace, t.name); cur != nil {
		out = cur
	}
	writeJSON(w, 200, s.present(t.res, out))
	return nil
}

// --- watch ---

func (s *server) watch(w http.ResponseWriter, r *http.Request, t target) {
	q := r.URL.Query()
	labels, err := parseLabelSelector(q.Get("labelSelector"))
	if err != nil {
		writeError(w, errBadRequest(err.Error()))
		return
	}
	fields, err := parseLabelSelector(q.Get("fieldSelector"))
	if err != nil {
		writeError(w, errBadRequest(err.Error()))
		return
	}
	sendInitial := q.Get("sendInitialEvents") == "true"
	bookmarks := q.Get("allowWatchBookmarks") == "true"
	if sendInitial && !s.watchList {
		writeError(w, &apiError{Code: 422, Reason: "Invalid", Message: "sendInitialEvents is not supported by this server (the watch-list feature is off)",
			Details: object{"causes": []object{{"type": "FieldValueForbidden", "field": "sendInitialEvents", "message": "Forbidden: sendInitialEvents is not supported"}}}})
		return
	}
	if sendInitial && (q.Get("resourceVersionMatch") != "NotOlderThan" || !bookmarks) {
		writeError(w, &apiError{Code: 422, Reason: "Invalid", Message: "sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true"})
		return
	}
	keep := func(o object) bool {
		if t.namespace != "" && metaString(o, "namespace") != t.namespace {
			return false
		}
		return matches(labels, stringMap(meta(o)["labels"])) && matches(fields, fieldValues(o))
	}
	var initial []event
	s.mu.Lock()
	key := t.res.storageKey()
	rvParam := q.Get("resourceVersion")
	if sendInitial || rvParam == "" || rvParam == "0" {
		objs := s.objects[key]
		for _, k := range sortedKeys(objs) {
			if keep(objs[k]) {
				initial = append(initial, event{typ: "ADDED", obj: copyObject(objs[k])})
			}
		}
		if sendInitial {
			initial = append(initial, event{typ: "BOOKMARK", obj: object{
				"kind": t.res.Kind, "apiVersion": t.res.groupVersion(),
				"metadata": object{"resourceVersion": strconv.FormatInt(s.rv, 10),
					"annotations": object{"k8s.io/initial-events-end": "true"}}}})
		}
	} else {
		from, err := strconv.ParseInt(rvParam, 10, 64)
		if err != nil {
			s.mu.Unlock()
			writeError(w, errBadRequest(fmt.Sprintf("invalid resourceVersion %q", rvParam)))
			return
		}
		for _, ev := range s.events {
			if ev.rv > from && ev.key == key && keep(ev.obj) {
				initial = append(initial, ev)
			}
		}
	}
	id := s.nextWatcher
	s.nextWatcher++
	wt := &watcher{key: key, ch: make(chan event, 4096)}
	s.watchers[id] = wt
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if _, ok := s.watchers[id]; ok {
			delete(s.watchers, id)
		}
		s.mu.Unlock()
	}()

	timeout := 30 * time.Minute
	if ts := q.Get("timeoutSeconds"); ts != "" {
		if n, err := strconv.Atoi(ts); err == nil && n > 0 {
			timeout = time.Duration(n) * time.Second
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(200)
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	send := func(ev event) bool {
		obj := ev.obj
		if ev.typ != "BOOKMARK" {
			obj = s.present(t.res, obj)
		}
		if err := enc.Encode(object{"type": ev.typ, "object": obj}); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	for _, ev := range initial {
		if !send(ev) {
			return
		}
	}
	if flusher != nil {
		flusher.Flush()
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-wt.ch:
			if !ok {
				return
			}
			if !keep(ev.obj) {
				continue
			}
			if !send(ev) {
				return
			}
		case <-timer.C:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// readObject reads a create or replace request's body as an object whose kind and name fit the target.
func readObject(r *http.Request, t target) (object, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	obj, err := decodeBody(r, body)
	if err != nil {
		return nil, err
	}
	if err := checkIdentity(t, obj, false); err != nil {
		return nil, err
	}
	return obj, nil
}
