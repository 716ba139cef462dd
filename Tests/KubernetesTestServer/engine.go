package main

// The write path: server-side apply and updates through structured-merge-diff's merge.Updater, managedFields as
// the API server encodes them, server-set metadata, generation, no-op detection.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/structured-merge-diff/v4/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v4/merge"
	"sigs.k8s.io/structured-merge-diff/v4/schema"
	"sigs.k8s.io/structured-merge-diff/v4/typed"
)

// identityConverter: every object is kept in the version it was written in (see README: no conversion).
type identityConverter struct{}

func (identityConverter) Convert(object *typed.TypedValue, version fieldpath.APIVersion) (*typed.TypedValue, error) {
	return object, nil
}
func (identityConverter) IsMissingVersionError(error) bool { return false }

var updater = &merge.Updater{Converter: identityConverter{}}

// managerKey is a managedFields entry without its time and fields: the API server's manager identifier.
type managerKey struct {
	Manager     string `json:"manager,omitempty"`
	Operation   string `json:"operation,omitempty"`
	APIVersion  string `json:"apiVersion,omitempty"`
	Subresource string `json:"subresource,omitempty"`
}

func managerID(manager, operation, apiVersion, subresource string) string {
	k := managerKey{Manager: manager, Operation: operation, APIVersion: apiVersion, Subresource: subresource}
	if operation == "Apply" {
		k.APIVersion = "" // appliers keep one entry whatever version they use
	}
	data, _ := json.Marshal(k)
	return string(data)
}

// stripSet: fields never tracked in managedFields (the API server's stripMeta manager).
var stripSet = fieldpath.NewSet(
	fieldpath.MakePathOrDie("apiVersion"),
	fieldpath.MakePathOrDie("kind"),
	fieldpath.MakePathOrDie("metadata"),
	fieldpath.MakePathOrDie("metadata", "name"),
	fieldpath.MakePathOrDie("metadata", "namespace"),
	fieldpath.MakePathOrDie("metadata", "creationTimestamp"),
	fieldpath.MakePathOrDie("metadata", "selfLink"),
	fieldpath.MakePathOrDie("metadata", "uid"),
	fieldpath.MakePathOrDie("metadata", "clusterName"),
	fieldpath.MakePathOrDie("metadata", "generation"),
	fieldpath.MakePathOrDie("metadata", "managedFields"),
	fieldpath.MakePathOrDie("metadata", "resourceVersion"),
)

// decodeManagedFields reads metadata.managedFields into the merge library's form, with each manager's time.
func decodeManagedFields(obj object) (fieldpath.ManagedFields, map[string]interface{}, error) {
	managers := fieldpath.ManagedFields{}
	times := map[string]interface{}{}
	if obj == nil {
		return managers, times, nil
	}
	entries, _ := meta(obj)["managedFields"].([]interface{})
	for _, e := range entries {
		em, _ := e.(map[string]interface{})
		str := func(k string) string { s, _ := em[k].(string); return s }
		id := managerID(str("manager"), str("operation"), str("apiVersion"), str("subresource"))
		set := fieldpath.NewSet()
		if fv, ok := em["fieldsV1"]; ok {
			data, err := json.Marshal(fv)
			if err != nil {
				return nil, nil, err
			}
			if err := set.FromJSON(bytes.NewReader(data)); err != nil {
				return nil, nil, fmt.Errorf("managedFields of %s: %v", str("manager"), err)
			}
		}
		managers[id] = fieldpath.NewVersionedSet(set, fieldpath.APIVersion(str("apiVersion")), str("operation") == "Apply")
		times[id] = em["time"]
	}
	return managers, times, nil
}

// encodeManagedFields writes managers back as metadata.managedFields entries, in the API server's order.
func encodeManagedFields(managers fieldpath.ManagedFields, times map[string]interface{}) ([]interface{}, error) {
	type entry struct {
		key  managerKey
		time string
		obj  object
	}
	var entries []entry
	for id, vs := range managers {
		var k managerKey
		if err := json.Unmarshal([]byte(id), &k); err != nil {
			return nil, err
		}
		data, err := vs.Set().ToJSON()
		if err != nil {
			return nil, err
		}
		var fields interface{}
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, err
		}
		o := object{"manager": k.Manager, "operation": k.Operation, "apiVersion": string(vs.APIVersion()),
			"fieldsType": "FieldsV1", "fieldsV1": fields}
		t, _ := times[id].(string)
		if t != "" {
			o["time"] = t
		}
		if k.Subresource != "" {
			o["subresource"] = k.Subresource
		}
		k.APIVersion = string(vs.APIVersion())
		entries = append(entries, entry{k, t, o})
	}
	sort.Slice(entries, func(i, j int) bool {
		p, q := entries[i], entries[j]
		if p.key.Operation != q.key.Operation {
			return p.key.Operation < q.key.Operation
		}
		if p.time != q.time {
			return p.time < q.time
		}
		if p.key.Manager != q.key.Manager {
			return p.key.Manager < q.key.Manager
		}
		if p.key.APIVersion != q.key.APIVersion {
			return p.key.APIVersion < q.key.APIVersion
		}
		return p.key.Subresource < q.key.Subresource
	})
	out := make([]interface{}, len(entries))
	for i, e := range entries {
		out[i] = e.obj
	}
	return out, nil
}

func stripManagers(managers fieldpath.ManagedFields) {
	for id, vs := range managers {
		set := vs.Set().Difference(stripSet)
		if set.Empty() {
			delete(managers, id)
			continue
		}
		managers[id] = fieldpath.NewVersionedSet(set, vs.APIVersion(), vs.Applied())
	}
}

// withoutManagedFields copies an object without metadata.managedFields.
func withoutManagedFields(obj object) object {
	c := copyObject(obj)
	if m, ok := c["metadata"].(map[string]interface{}); ok {
		delete(m, "managedFields")
	}
	return c
}

// pruneUnknown removes fields the schema does not declare and returns their paths (`spec.foo`).
func pruneUnknown(sch *schema.Schema, ref schema.TypeRef, v interface{}, path string) []string {
	atom, ok := sch.Resolve(ref)
	if !ok {
		return nil
	}
	var removed []string
	switch t := v.(type) {
	case map[string]interface{}:
		if atom.Map == nil {
			return nil
		}
		for k, x := range t {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			if f, ok := atom.Map.FindField(k); ok {
				removed = append(removed, pruneUnknown(sch, f.Type, x, sub)...)
			} else if atom.Map.ElementType.NamedType != nil || atom.Map.ElementType.Inlined != (schema.Atom{}) {
				removed = append(removed, pruneUnknown(sch, atom.Map.ElementType, x, sub)...)
			} else {
				delete(t, k)
				removed = append(removed, sub)
			}
		}
	case []interface{}:
		if atom.List == nil {
			return nil
		}
		for i, x := range t {
			removed = append(removed, pruneUnknown(sch, atom.List.ElementType, x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	sort.Strings(removed)
	return removed
}

// writeRequest is what a write needs besides the objects.
type writeRequest struct {
	res         *resourceInfo
	subresource string
	manager     string // manager identifier (managerID)
	dryRun      bool
	validation  string // Strict, Warn or Ignore
	warnings    []string
}

func (wr *writeRequest) gvk() string {
	return fmt.Sprintf("%s, Kind=%s", wr.res.groupVersion(), wr.res.Kind)
}

// typedObject converts an object with the resource's schema. Unknown fields fail with Strict, else are dropped.
func (s *server) typedObject(wr *writeRequest, obj object, forApply bool) (*typed.TypedValue, error) {
	pt := s.parseableType(wr.res)
	if wr.validation == "Strict" {
		tv, err := pt.FromUnstructured(obj)
		if err == nil {
			return tv, nil
		}
		if forApply {
			return nil, errBadRequest(fmt.Sprintf("failed to create typed patch object (%s): %v", wr.gvk(), err))
		}
		probe := copyObject(obj)
		if unknown := pruneUnknown(pt.Schema, pt.TypeRef, probe, ""); len(unknown) > 0 {
			var parts []string
			for _, u := range unknown {
				parts = append(parts, fmt.Sprintf("unknown field %q", u))
			}
			return nil, errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: strict decoding error: %s",
				wr.res.Kind, wr.res.Version, wr.res.Kind, strings.Join(parts, ", ")))
		}
		return nil, errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", wr.res.Kind, wr.res.Version, wr.res.Kind, err))
	}
	unknown := pruneUnknown(pt.Schema, pt.TypeRef, obj, "")
	if wr.validation == "Warn" {
		for _, u := range unknown {
			wr.warnings = append(wr.warnings, fmt.Sprintf("unknown field %q", u))
		}
	}
	tv, err := pt.FromUnstructured(obj)
	if err != nil {
		if forApply {
			return nil, errBadRequest(fmt.Sprintf("failed to create typed patch object (%s): %v", wr.gvk(), err))
		}
		return nil, errBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", wr.res.Kind, wr.res.Version, wr.res.Kind, err))
	}
	return tv, nil
}

// limitToSubresource keeps what a request on the main resource or on /status may change.
func limitToSubresource(res *resourceInfo, sub string, old, next object) object {
	if !res.HasStatus {
		return next
	}
	if sub == "status" {
		out := copyObject(old)
		if st, ok := next["status"]; ok {
			out["status"] = deepCopy(st)
		} else {
			delete(out, "status")
		}
		return out
	}
	if old != nil {
		if st, ok := old["status"]; ok {
			next["status"] = deepCopy(st)
		} else {
			delete(next, "status")
		}
	} else if res.Kind != "Namespace" {
		delete(next, "status")
	}
	return next
}

// conflictError is the API server's 409 for apply conflicts.
func conflictError(conflicts merge.Conflicts) *apiError {
	var causes []interface{}
	byManager := map[string][]string{}
	var managers []string
	for _, c := range conflicts {
		causes = append(causes, object{"type": "FieldManagerConflict", "message": "conflict with " + printManager(c.Manager), "field": c.Path.String()})
		if _, ok := byManager[c.Manager]; !ok {
			managers = append(managers, c.Manager)
		}
		byManager[c.Manager] = append(byManager[c.Manager], c.Path.String())
	}
	var msg string
	if len(conflicts) == 1 {
		msg = fmt.Sprintf("Apply failed with 1 conflict: conflict with %s: %s", printManager(conflicts[0].Manager), conflicts[0].Path.String())
	} else {
		sort.Strings(managers)
		var lines []string
		for _, m := range managers {
			lines = append(lines, fmt.Sprintf("conflicts with %s:", printManager(m)))
			for _, p := range byManager[m] {
				lines = append(lines, "- "+p)
			}
		}
		msg = fmt.Sprintf("Apply failed with %d conflicts: %s", len(conflicts), strings.Join(lines, "\n"))
	}
	return &apiError{Code: 409, Reason: "Conflict", Message: msg, Details: object{"causes": causes}}
}

func printManager(id string) string {
	var k managerKey
	if err := json.Unmarshal([]byte(id), &k); err != nil {
		return fmt.Sprintf("%q", id)
	}
	s := fmt.Sprintf("%q", k.Manager)
	if k.Subresource != "" {
		s = fmt.Sprintf("%s with subresource %q", s, k.Subresource)
	}
	if k.Operation == "Update" {
		return fmt.Sprintf("%s using %s", s, k.APIVersion)
	}
	return s
}

// apply runs a server-side apply of `config` on the object (nil: absent).
func (s *server) apply(wr *writeRequest, old object, config object, force bool) (object, bool, error) {
	if meta(config)["managedFields"] != nil {
		return nil, false, errBadRequest("metadata.managedFields must be nil")
	}
	if wr.res.HasStatus {
		if wr.subresource == "status" {
			kept := object{"apiVersion": config["apiVersion"], "kind": config["kind"],
				"metadata": object{"name": metaString(config, "name")}}
			if ns := metaString(config, "namespace"); ns != "" {
				meta(kept)["namespace"] = ns
			}
			if st, ok := config["status"]; ok {
				kept["status"] = st
			}
			config = kept
		} else {
			delete(config, "status")
		}
	}
	configTV, err := s.typedObject(wr, config, true)
	if err != nil {
		return nil, false, err
	}
	live, liveTV, managers, times, err := s.liveState(wr, old)
	if err != nil {
		return nil, false, err
	}
	before := copyManagers(managers)
	newTV, managers, err := updater.Apply(liveTV, configTV, fieldpath.APIVersion(wr.res.groupVersion()), managers, wr.manager, force)
	if err != nil {
		if conflicts, ok := err.(merge.Conflicts); ok {
			return nil, false, conflictError(conflicts)
		}
		return nil, false, errBadRequest(err.Error())
	}
	next := live
	objectChanged := newTV != nil
	if newTV != nil {
		u, ok := newTV.AsValue().Unstructured().(map[string]interface{})
		if !ok {
			return nil, false, errBadRequest("apply produced a non-object")
		}
		next = normalize(deepCopy(u)).(map[string]interface{})
	}
	stripManagers(managers)
	if objectChanged || !managerSetEqual(before[wr.manager], managers[wr.manager]) {
		times[wr.manager] = s.timestamp()
	}
	return s.finish(wr, old, next, managers, times)
}

// update records an Update operation (create, PUT, merge or JSON patch) whose result is `next`.
func (s *server) update(res *resourceInfo, sub string, old, next object, manager string, dryRun bool, strict bool) (object, error) {
	validation := "Ignore"
	if strict {
		validation = "Strict"
	}
	wr := &writeRequest{res: res, subresource: sub, manager: manager, dryRun: dryRun, validation: validation}
	out, _, err := s.updateWith(wr, old, next)
	return out, err
}

func (s *server) updateWith(wr *writeRequest, old, next object) (object, bool, error) {
	next = withoutManagedFields(next)
	if old != nil {
		next = limitToSubresource(wr.res, wr.subresource, withoutManagedFields(old), next)
		// Server-set metadata cannot be changed by clients.
		for _, k := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion"} {
			if v, ok := meta(old)[k]; ok {
				meta(next)[k] = v
			} else {
				delete(meta(next), k)
			}
		}
	} else {
		next = limitToSubresource(wr.res, "", nil, next)
	}
	newTV, err := s.typedObject(wr, next, false)
	if err != nil {
		return nil, false, err
	}
	_, liveTV, managers, times, err := s.liveState(wr, old)
	if err != nil {
		return nil, false, err
	}
	before := copyManagers(managers)
	_, managers, err = updater.Update(liveTV, newTV, fieldpath.APIVersion(wr.res.groupVersion()), managers, wr.manager)
	if err != nil {
		return nil, false, errBadRequest(err.Error())
	}
	stripManagers(managers)
	if !managerSetEqual(before[wr.manager], managers[wr.manager]) {
		times[wr.manager] = s.timestamp()
	}
	return s.finish(wr, old, next, managers, times)
}

func copyManagers(m fieldpath.ManagedFields) fieldpath.ManagedFields {
	out := fieldpath.ManagedFields{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func managerSetEqual(a, b fieldpath.VersionedSet) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Set().Equals(b.Set()) && a.APIVersion() == b.APIVersion()
}

// finish sets server-owned metadata, decides whether anything changed, and stores the object.
// It returns the object and whether it was created.
func (s *server) finish(wr *writeRequest, old, next object, managers fieldpath.ManagedFields, times map[string]interface{}) (object, bool, error) {
	res := wr.res
	for id := range times {
		if _, ok := managers[id]; !ok {
			delete(times, id)
		}
	}
	encoded, err := encodeManagedFields(managers, times)
	if err != nil {
		return nil, false, err
	}
	next["apiVersion"] = res.groupVersion()
	next["kind"] = res.Kind
	m := meta(next)
	if old == nil {
		if metaString(next, "name") == "" {
			return nil, false, errInvalid(res, "", []object{{"type": "FieldValueRequired", "message": "Required value: name or generateName is required", "field": "metadata.name"}})
		}
		m["uid"] = newUID()
		m["creationTimestamp"] = s.timestamp()
		if res.HasGeneration {
			m["generation"] = int64(1)
		} else {
			delete(m, "generation")
		}
		if res.Kind == "Namespace" && res.Group == "" {
			st, _ := next["status"].(map[string]interface{})
			if st == nil {
				st = object{}
				next["status"] = st
			}
			st["phase"] = "Active"
		}
		if len(encoded) > 0 {
			m["managedFields"] = encoded
		}
		if wr.dryRun {
			return next, true, nil
		}
		return s.store(res, next, true), true, nil
	}
	if res.HasGeneration {
		gen, _ := meta(old)["generation"].(int64)
		if !equalJSON(specPart(old, res.HasStatus), specPart(next, res.HasStatus)) {
			gen++
		}
		m["generation"] = gen
	}
	if len(encoded) > 0 {
		m["managedFields"] = encoded
	} else {
		delete(m, "managedFields")
	}
	m["resourceVersion"] = meta(old)["resourceVersion"]
	if equalJSON(old, next) {
		return old, false, nil // a no-op: nothing written, the resource version stays
	}
	if wr.dryRun {
		return next, false, nil
	}
	stored := s.store(res, next, false)
	if meta(stored)["deletionTimestamp"] != nil {
		s.collect()
		if s.get(res, metaString(stored, "namespace"), metaString(stored, "name")) == nil {
			return stored, false, nil
		}
	}
	return stored, false, nil
}

// liveState is the stored object without its managedFields, as it is and as a typed value, with its field managers
// and their timestamps; an empty object when there is none. A stored object the schema no longer fits (a CRD's schema
// changed) is taken without validation.
func (s *server) liveState(wr *writeRequest, old object) (object, *typed.TypedValue, fieldpath.ManagedFields, map[string]interface{}, error) {
	live := object{}
	managers := fieldpath.ManagedFields{}
	times := map[string]interface{}{}
	if old != nil {
		live = withoutManagedFields(old)
		var err error
		if managers, times, err = decodeManagedFields(old); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	pt := s.parseableType(wr.res)
	liveTV, err := pt.FromUnstructured(live)
	if err != nil {
		liveTV = typed.AsTypedUnvalidated(valueOf(live), pt.Schema, pt.TypeRef)
	}
	return live, liveTV, managers, times, nil
}
