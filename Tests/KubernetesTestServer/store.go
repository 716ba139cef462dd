package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"sigs.k8s.io/structured-merge-diff/v4/typed"
)

// event is one change, as watchers see it.
type event struct {
	rv  int64
	key string // resource storage key
	typ string // ADDED, MODIFIED, DELETED
	obj object
}

type watcher struct {
	key string
	ch  chan event
}

// server is the whole in-memory API server. One mutex guards everything.
type server struct {
	mu             sync.Mutex
	rv             int64
	objects        map[string]map[string]object // storage key -> "namespace/name" -> object
	builtin        []*resourceInfo
	schemas        *schemaSet
	parseCache     map[string]typed.ParseableType
	events         []event
	watchers       map[int]*watcher
	nextWatcher    int
	establishDelay time.Duration
	watchList      bool
	token          string
	address        string
	now            func() time.Time
	// simulate runs the simulated controllers (-simulate-controllers, controllers.go); pending holds the objects
	// whose reconcile is scheduled.
	simulate bool
	pending  map[string]bool
	// chartCRDs are the CRDs each Helm chart installs (-chart-crds, chartcrds.go), by chart name.
	chartCRDs map[string][]object
	// acceptEKSTokens also accepts bearer tokens of EKS form (-accept-eks-tokens, eks.go).
	acceptEKSTokens bool
}

func newServer(schemas *schemaSet) *server {
	s := &server{
		objects: map[string]map[string]object{}, builtin: builtinResources(), schemas: schemas,
		parseCache: map[string]typed.ParseableType{}, watchers: map[int]*watcher{}, now: time.Now,
		pending: map[string]bool{},
	}
	// The namespaces every cluster starts with.
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		s.store(s.builtin[0], object{"apiVersion": "v1", "kind": "Namespace", "metadata": object{
			"name": ns, "uid": newUID(), "creationTimestamp": s.timestamp(),
			"labels": object{"kubernetes.io/metadata.name": ns}},
			"spec": object{"finalizers": []interface{}{"kubernetes"}}, "status": object{"phase": "Active"}}, true)
	}
	return s
}

func objectKey(ns, name string) string { return ns + "/" + name }

func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *server) timestamp() string { return s.now().UTC().Format(time.RFC3339) }

// --- resources ---

// crdResources lists the resources that established CRDs serve (all served versions).
func (s *server) crdResources() []*resourceInfo {
	var out []*resourceInfo
	crds := s.objects["apiextensions.k8s.io/customresourcedefinitions"]
	for _, key := range sortedKeys(crds) {
		crd := crds[key]
		if !crdEstablished(crd) || meta(crd)["deletionTimestamp"] != nil {
			continue
		}
		out = append(out, crdVersions(crd)...)
	}
	return out
}

func crdEstablished(crd object) bool {
	status, _ := crd["status"].(map[string]interface{})
	conds, _ := status["conditions"].([]interface{})
	for _, c := range conds {
		cm, _ := c.(map[string]interface{})
		if cm["type"] == "Established" && cm["status"] == "True" {
			return true
		}
	}
	return false
}

// crdVersions turns a CRD into the resources its served versions define.
func crdVersions(crd object) []*resourceInfo {
	spec, _ := crd["spec"].(map[string]interface{})
	names, _ := spec["names"].(map[string]interface{})
	group, _ := spec["group"].(string)
	kind, _ := names["kind"].(string)
	plural, _ := names["plural"].(string)
	singular, _ := names["singular"].(string)
	listKind, _ := names["listKind"].(string)
	if singular == "" {
		singular = lower(kind)
	}
	if listKind == "" {
		listKind = kind + "List"
	}
	var out []*resourceInfo
	versions, _ := spec["versions"].([]interface{})
	for _, v := range versions {
		vm, _ := v.(map[string]interface{})
		if served, _ := vm["served"].(bool); !served {
			continue
		}
		name, _ := vm["name"].(string)
		sub, _ := vm["subresources"].(map[string]interface{})
		_, hasStatus := sub["status"]
		out = append(out, &resourceInfo{
			Group: group, Version: name, Kind: kind, Plural: plural, Singular: singular, ListKind: listKind,
			Namespaced: spec["scope"] == "Namespaced", HasStatus: hasStatus, HasGeneration: true,
			ShortNames: stringList(names["shortNames"]), Categories: stringList(names["categories"]),
			SchemaType: "crd:" + metaString(crd, "name") + ":" + name + ":" + metaString(crd, "resourceVersion"),
			CRD:        metaString(crd, "name"),
		})
	}
	return out
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// allResources lists every served resource: the built-in ones, then established CRDs'.
func (s *server) allResources() []*resourceInfo {
	return append(append([]*resourceInfo{}, s.builtin...), s.crdResources()...)
}

func (s *server) resolve(group, version, plural string) *resourceInfo {
	for _, r := range s.allResources() {
		if r.Group == group && r.Version == version && r.Plural == plural {
			return r
		}
	}
	return nil
}

// parseableType returns the merge library's type for a resource.
func (s *server) parseableType(res *resourceInfo) typed.ParseableType {
	if pt, ok := s.parseCache[res.SchemaType]; ok {
		return pt
	}
	var pt typed.ParseableType
	if res.CRD == "" {
		pt = s.schemas.parseable(res.SchemaType, nil)
	} else {
		crd := s.objects["apiextensions.k8s.io/customresourcedefinitions"][objectKey("", res.CRD)]
		var openAPI map[string]interface{}
		spec, _ := crd["spec"].(map[string]interface{})
		versions, _ := spec["versions"].([]interface{})
		for _, v := range versions {
			vm, _ := v.(map[string]interface{})
			if vm["name"] == res.Version {
				sch, _ := vm["schema"].(map[string]interface{})
				openAPI, _ = sch["openAPIV3Schema"].(map[string]interface{})
			}
		}
		pt = s.schemas.parseable(res.SchemaType, customResourceTypes(res.SchemaType, openAPI))
	}
	s.parseCache[res.SchemaType] = pt
	return pt
}

// --- storage and events ---

func (s *server) get(res *resourceInfo, ns, name string) object {
	return s.objects[res.storageKey()][objectKey(ns, name)]
}

func (s *server) emit(key, typ string, obj object) {
	ev := event{rv: s.rv, key: key, typ: typ, obj: copyObject(obj)}
	s.events = append(s.events, ev)
	for id, w := range s.watchers {
		if w.key != key {
			continue
		}
		select {
		case w.ch <- ev:
		default:
			// A watcher that cannot keep up is closed; clients watch again.
			close(w.ch)
			delete(s.watchers, id)
		}
	}
	if s.simulate && typ != "DELETED" {
		s.scheduleReconcile(key, obj)
	}
}

// store writes an object (create or update), bumping the resource version.
func (s *server) store(res *resourceInfo, obj object, created bool) object {
	s.rv++
	meta(obj)["resourceVersion"] = strconv.FormatInt(s.rv, 10)
	key := res.storageKey()
	if s.objects[key] == nil {
		s.objects[key] = map[string]object{}
	}
	s.objects[key][objectKey(metaString(obj, "namespace"), metaString(obj, "name"))] = obj
	typ := "MODIFIED"
	if created {
		typ = "ADDED"
	}
	s.emit(key, typ, obj)
	if res.Kind == "CustomResourceDefinition" && res.Group == "apiextensions.k8s.io" {
		s.crdChanged(obj)
	}
	return obj
}

// remove deletes an object for good and cascades to its dependents (background propagation).
func (s *server) remove(key string, obj object) {
	ns, name := metaString(obj, "namespace"), metaString(obj, "name")
	if s.objects[key][objectKey(ns, name)] == nil {
		return
	}
	delete(s.objects[key], objectKey(ns, name))
	s.rv++
	gone := copyObject(obj)
	meta(gone)["resourceVersion"] = strconv.FormatInt(s.rv, 10)
	s.emit(key, "DELETED", gone)
	uid := metaString(obj, "uid")
	if key == "apiextensions.k8s.io/customresourcedefinitions" {
		// The CRD's custom resources go with it.
		for _, r := range crdVersions(obj) {
			for _, k := range sortedKeys(s.objects[r.storageKey()]) {
				if o := s.objects[r.storageKey()][k]; o != nil {
					s.remove(r.storageKey(), o)
				}
			}
		}
	}
	for _, dep := range s.dependents(uid) {
		s.deleteStored(dep.key, dep.obj, "Background")
	}
}

type stored struct {
	key string
	obj object
}

// dependents are the objects whose ownerReferences name `uid`.
func (s *server) dependents(uid string) []stored {
	var out []stored
	if uid == "" {
		return out
	}
	for key, objs := range s.objects {
		for _, k := range sortedKeys(objs) {
			o := objs[k]
			refs, _ := meta(o)["ownerReferences"].([]interface{})
			for _, r := range refs {
				rm, _ := r.(map[string]interface{})
				if rm["uid"] == uid {
					out = append(out, stored{key, o})
					break
				}
			}
		}
	}
	return out
}

// deleteStored starts deleting an object: with finalizers it gets a deletionTimestamp, without it goes.
// It returns the object as it is afterwards and whether it is gone.
func (s *server) deleteStored(key string, obj object, propagation string) (object, bool) {
	if meta(obj)["deletionTimestamp"] != nil {
		return obj, false
	}
	next := copyObject(obj)
	f := finalizers(next)
	switch propagation {
	case "Foreground":
		if !contains(f, "foregroundDeletion") {
			f = append(f, "foregroundDeletion")
		}
	case "Orphan":
		if !contains(f, "orphan") {
			f = append(f, "orphan")
		}
	}
	isNamespace := key == "/namespaces"
	if len(f) == 0 && !isNamespace {
		s.remove(key, obj)
		return obj, true
	}
	setFinalizers(next, f)
	meta(next)["deletionTimestamp"] = s.timestamp()
	meta(next)["deletionGracePeriodSeconds"] = int64(0)
	if isNamespace {
		status, _ := next["status"].(map[string]interface{})
		if status == nil {
			status = object{}
			next["status"] = status
		}
		status["phase"] = "Terminating"
	}
	s.rv++
	meta(next)["resourceVersion"] = strconv.FormatInt(s.rv, 10)
	s.objects[key][objectKey(metaString(next, "namespace"), metaString(next, "name"))] = next
	s.emit(key, "MODIFIED", next)
	return next, false
}

// collect runs the garbage collector's and namespace controller's work until nothing changes: orphaning,
// foreground deletion, namespace content removal, and removing objects whose finalizers are all gone.
func (s *server) collect() {
	for changed := true; changed; {
		changed = false
		for _, key := range s.storageKeys() {
			for _, k := range sortedKeys(s.objects[key]) {
				obj := s.objects[key][k]
				if obj == nil || meta(obj)["deletionTimestamp"] == nil {
					continue
				}
				if s.collectOne(key, obj) {
					changed = true
				}
			}
		}
	}
}

func (s *server) storageKeys() []string {
	keys := make([]string, 0, len(s.objects))
	for k := range s.objects {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func (s *server) collectOne(key string, obj object) bool {
	f := finalizers(obj)
	uid := metaString(obj, "uid")
	if contains(f, "orphan") {
		for _, dep := range s.dependents(uid) {
			next := copyObject(dep.obj)
			var kept []interface{}
			refs, _ := meta(next)["ownerReferences"].([]interface{})
			for _, r := range refs {
				if rm, _ := r.(map[string]interface{}); rm["uid"] != uid {
					kept = append(kept, r)
				}
			}
			if len(kept) == 0 {
				delete(meta(next), "ownerReferences")
			} else {
				meta(next)["ownerReferences"] = kept
			}
			s.store(s.resourceByKey(dep.key), next, false)
		}
		s.dropFinalizer(key, obj, "orphan")
		return true
	}
	if contains(f, "foregroundDeletion") {
		deps := s.dependents(uid)
		pending := 0
		for _, dep := range deps {
			if _, gone := s.deleteStored(dep.key, dep.obj, "Foreground"); !gone {
				pending++
			}
		}
		if pending == 0 {
			s.dropFinalizer(key, obj, "foregroundDeletion")
			return true
		}
		return len(deps) > 0 && pending < len(deps)
	}
	if key == "/namespaces" {
		ns := metaString(obj, "name")
		remaining, progressed := 0, false
		for _, k := range s.storageKeys() {
			for _, ok := range sortedKeys(s.objects[k]) {
				o := s.objects[k][ok]
				if o == nil || metaString(o, "namespace") != ns || k == "/namespaces" {
					continue
				}
				remaining++
				if meta(o)["deletionTimestamp"] == nil {
					s.deleteStored(k, o, "Background")
					progressed = true
				}
			}
		}
		if remaining == 0 && len(f) == 0 {
			s.remove(key, obj)
			return true
		}
		return progressed
	}
	if len(f) == 0 {
		s.remove(key, obj)
		return true
	}
	return false
}

func (s *server) dropFinalizer(key string, obj object, name string) {
	next := copyObject(obj)
	var kept []string
	for _, f := range finalizers(next) {
		if f != name {
			kept = append(kept, f)
		}
	}
	setFinalizers(next, kept)
	s.store(s.resourceByKey(key), next, false)
}

// resourceByKey finds a resource (any version) for a storage key.
func (s *server) resourceByKey(key string) *resourceInfo {
	for _, r := range s.allResources() {
		if r.storageKey() == key {
			return r
		}
	}
	// A custom resource whose CRD is not established any more: a stand-in that only carries the key.
	return &resourceInfo{Plural: key}
}

// --- CRD establishing ---

// crdChanged schedules the CRD's status update (NamesAccepted, Established) as the apiextensions controllers do.
func (s *server) crdChanged(crd object) {
	spec, _ := crd["spec"].(map[string]interface{})
	status, _ := crd["status"].(map[string]interface{})
	if crdEstablished(crd) && equalJSON(status["acceptedNames"], spec["names"]) {
		return
	}
	name := metaString(crd, "name")
	uid := metaString(crd, "uid")
	time.AfterFunc(s.establishDelay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		res := s.builtin[len(s.builtin)-1] // CustomResourceDefinition
		current := s.get(res, "", name)
		if current == nil || metaString(current, "uid") != uid || meta(current)["deletionTimestamp"] != nil {
			return
		}
		next := copyObject(current)
		spec, _ := next["spec"].(map[string]interface{})
		now := s.timestamp()
		var storage []interface{}
		versions, _ := spec["versions"].([]interface{})
		for _, v := range versions {
			if vm, _ := v.(map[string]interface{}); vm["storage"] == true {
				storage = append(storage, vm["name"])
			}
		}
		next["status"] = object{
			"acceptedNames": deepCopy(spec["names"]),
			"conditions": []interface{}{
				object{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
				object{"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now},
			},
			"storedVersions": storage,
		}
		if _, err := s.update(res, "status", current, next, managerID("kube-apiserver", "Update", "apiextensions.k8s.io/v1", "status"), false, false); err != nil {
			fmt.Printf("establishing CRD %s failed: %v\n", name, err)
		}
	})
}
