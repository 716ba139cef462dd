package main

// Simulated controllers (-simulate-controllers): what a real cluster's controllers report, without running anything.
// Deployments and StatefulSets become ready at once, Jobs complete, Argo CD Applications report an automated sync (or
// a simulated failure) after creating their charts' CRDs (chartcrds.go), the addons' custom resources become Ready
// (addons.go), and Argo CD's resources finalizer is worked off when an object is deleted. Status goes through the status
// subresource (or, for Applications, whose CRD has none, through the main resource as Argo CD writes it) as field
// manager `simulated-controller`, and only when it would change: a no-op re-apply stays a no-op.

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"time"
)

// controllerManager is the field manager the simulated controllers write as.
const controllerManager = "simulated-controller"

// controllerDelay is how long after a write its reconcile runs, as a controller's watch would see it.
const controllerDelay = 50 * time.Millisecond

// argoFinalizers are Argo CD's cascading-delete finalizers, removed once the object is being deleted.
var argoFinalizers = []string{
	"resources-finalizer.argocd.argoproj.io",
	"resources-finalizer.argocd.argoproj.io/foreground",
	"resources-finalizer.argocd.argoproj.io/background",
}

const (
	deploymentsKey  = "apps/deployments"
	statefulSetsKey = "apps/statefulsets"
	applicationsKey = "argoproj.io/applications"
	jobsKey         = "batch/jobs"
)

// timeKeys are the status fields that hold times; status comparisons ignore them.
var timeKeys = map[string]bool{
	"lastTransitionTime": true, "lastUpdateTime": true, "reconciledAt": true, "startedAt": true, "finishedAt": true,
	"observedAt": true, "deployedAt": true, "deployStartedAt": true, "lastProbeTime": true,
	"startTime": true, "completionTime": true, "notBefore": true, "notAfter": true, "renewalTime": true,
	"lastFailureTime": true, "refreshTime": true,
}

// stickyTimes are top-level status times that stay once set (when a Job started, a certificate's validity): a later
// status write for another reason (a new generation observed) keeps them.
var stickyTimes = []string{"startTime", "completionTime", "notBefore", "notAfter", "renewalTime", "lastFailureTime", "refreshTime"}

// scheduleReconcile runs the object's controller shortly after a write (called with s.mu held, from emit).
func (s *server) scheduleReconcile(key string, obj object) {
	deleting := meta(obj)["deletionTimestamp"] != nil
	if deleting {
		if !hasAny(finalizers(obj), argoFinalizers) {
			return
		}
	} else if key != deploymentsKey && key != statefulSetsKey && key != applicationsKey && key != jobsKey && addonStatuses[key] == nil {
		return
	}
	ns, name := metaString(obj, "namespace"), metaString(obj, "name")
	id := key + " " + objectKey(ns, name)
	if s.pending[id] {
		return // a reconcile is already due: it reads the object as it is then
	}
	s.pending[id] = true
	time.AfterFunc(controllerDelay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.pending, id)
		s.reconcile(key, ns, name)
	})
}

func hasAny(list, names []string) bool {
	for _, n := range names {
		if contains(list, n) {
			return true
		}
	}
	return false
}

// reconcile brings one object's status (or finalizers) to what its controller would make of it.
func (s *server) reconcile(key, ns, name string) {
	obj := s.objects[key][objectKey(ns, name)]
	if obj == nil {
		return
	}
	if meta(obj)["deletionTimestamp"] != nil {
		s.removeArgoFinalizers(key, obj)
		return
	}
	var res *resourceInfo
	var desired object
	switch key {
	case deploymentsKey:
		res = s.resolve("apps", "v1", "deployments")
		desired = s.deploymentStatus(obj)
	case statefulSetsKey:
		res = s.resolve("apps", "v1", "statefulsets")
		desired = statefulSetStatus(obj)
	case applicationsKey:
		// Only while Argo CD's Application CRD is served.
		res = s.resolve("argoproj.io", "v1alpha1", "applications")
		if res == nil {
			return
		}
		desired = s.applicationStatus(obj)
		if sync, _ := desired["sync"].(map[string]interface{}); sync["status"] == "Synced" {
			// Argo CD applies the charts' CRDs as part of the sync it then reports.
			s.installChartCRDs(obj)
		}
	case jobsKey:
		res = s.resolve("batch", "v1", "jobs")
		desired = s.jobStatus(obj)
	default:
		// An addon's custom resource, while its CRD is served.
		res = s.servedResource(key, obj)
		if res == nil {
			return
		}
		desired = addonStatuses[key](s, obj, simulatedFailure(obj))
	}
	if res == nil {
		return
	}
	current, _ := obj["status"].(map[string]interface{})
	if equalJSON(withoutTimes(current), withoutTimes(desired)) {
		return // nothing would change: no write, no resourceVersion bump, no watch event
	}
	keepTimes(current, desired)
	next := copyObject(obj)
	next["status"] = desired
	sub := ""
	if res.HasStatus {
		sub = "status"
	}
	if _, err := s.update(res, sub, obj, next, managerID(controllerManager, "Update", res.groupVersion(), sub), false, true); err != nil {
		log.Printf("simulated controller: status of %s %s: %v", res.Kind, objectKey(ns, name), err)
	}
}

// removeArgoFinalizers does what Argo CD's cascading delete ends with: its finalizer goes, as an Update by the
// controller, and the object with it once no other finalizer is left.
func (s *server) removeArgoFinalizers(key string, obj object) {
	var kept []string
	for _, f := range finalizers(obj) {
		if !contains(argoFinalizers, f) {
			kept = append(kept, f)
		}
	}
	if len(kept) == len(finalizers(obj)) {
		return
	}
	res := s.resourceByKey(key)
	if res.Kind == "" {
		// A custom resource whose CRD is no longer served: its finalizers go without the updater.
		group, plural := "", key
		if i := strings.Index(key, "/"); i >= 0 {
			group, plural = key[:i], key[i+1:]
		}
		next := copyObject(obj)
		setFinalizers(next, kept)
		s.store(&resourceInfo{Group: group, Plural: plural}, next, false)
		s.collect()
		return
	}
	next := copyObject(obj)
	setFinalizers(next, kept)
	if _, err := s.update(res, "", obj, next, managerID(controllerManager, "Update", res.groupVersion(), ""), false, false); err != nil {
		log.Printf("simulated controller: finalizers of %s %s: %v", res.Kind, objectKey(metaString(obj, "namespace"), metaString(obj, "name")), err)
	}
}

// withoutTimes copies a status without its time fields, at any depth.
func withoutTimes(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, x := range t {
			if !timeKeys[k] {
				out[k] = withoutTimes(x)
			}
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, x := range t {
			out[i] = withoutTimes(x)
		}
		return out
	case nil:
		return map[string]interface{}{}
	}
	return v
}

// keepTimes carries transition times over from the current status where nothing transitioned: a condition with the
// same type and status (and message), and Argo CD's health with the same status.
func keepTimes(current, desired object) {
	if current == nil {
		return
	}
	old, _ := current["conditions"].([]interface{})
	next, _ := desired["conditions"].([]interface{})
	for _, n := range next {
		nm, _ := n.(map[string]interface{})
		for _, o := range old {
			om, _ := o.(map[string]interface{})
			if om["type"] == nm["type"] && om["status"] == nm["status"] && om["message"] == nm["message"] {
				for _, k := range []string{"lastTransitionTime", "lastUpdateTime", "lastProbeTime"} {
					if t, ok := om[k]; ok {
						if _, want := nm[k]; want {
							nm[k] = t
						}
					}
				}
			}
		}
	}
	for _, k := range stickyTimes {
		if t, ok := current[k]; ok {
			if _, want := desired[k]; want {
				desired[k] = t
			}
		}
	}
	oh, _ := current["health"].(map[string]interface{})
	nh, _ := desired["health"].(map[string]interface{})
	if oh != nil && nh != nil && oh["status"] == nh["status"] {
		if t, ok := oh["lastTransitionTime"]; ok {
			nh["lastTransitionTime"] = t
		}
	}
}

func int64Of(v interface{}, fallback int64) int64 {
	switch t := v.(type) {
	case int64:
		return t
	case int:
		return int64(t)
	case float64:
		return int64(t)
	}
	return fallback
}

// templateHash names a pod template as the controllers' revision hashes do (not the same hash function).
func templateHash(obj object) string {
	spec, _ := obj["spec"].(map[string]interface{})
	data, _ := json.Marshal(spec["template"])
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}

// --- apps/v1 ---

// deploymentStatus is what the deployment controller reports once every replica of the current template is available.
func (s *server) deploymentStatus(obj object) object {
	spec, _ := obj["spec"].(map[string]interface{})
	replicas := int64Of(spec["replicas"], 1)
	now := s.timestamp()
	st := object{"observedGeneration": int64Of(meta(obj)["generation"], 1)}
	if replicas > 0 { // the API omits zero counts
		st["replicas"] = replicas
		st["updatedReplicas"] = replicas
		st["readyReplicas"] = replicas
		st["availableReplicas"] = replicas
	}
	replicaSet := metaString(obj, "name") + "-" + templateHash(obj)
	st["conditions"] = []interface{}{
		object{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
			"message": "Deployment has minimum availability.", "lastUpdateTime": now, "lastTransitionTime": now},
		object{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
			"message": fmt.Sprintf("ReplicaSet %q has successfully progressed.", replicaSet), "lastUpdateTime": now, "lastTransitionTime": now},
	}
	return st
}

// statefulSetStatus is what the StatefulSet controller reports once every replica runs the current revision.
func statefulSetStatus(obj object) object {
	spec, _ := obj["spec"].(map[string]interface{})
	replicas := int64Of(spec["replicas"], 1)
	revision := metaString(obj, "name") + "-" + templateHash(obj)
	st := object{
		"observedGeneration": int64Of(meta(obj)["generation"], 1), "replicas": replicas, "availableReplicas": replicas,
		"currentRevision": revision, "updateRevision": revision, "collisionCount": int64(0),
	}
	if replicas > 0 {
		st["readyReplicas"] = replicas
		st["currentReplicas"] = replicas
		st["updatedReplicas"] = replicas
	}
	return st
}

// --- batch/v1 ---

// jobStatus is what the Job controller reports once a Job's pods have run: every completion succeeded
// (spec.completions, default 1), with SuccessCriteriaMet and Complete (CompletionsReached), as Kubernetes 1.31 and
// later write them. The annotation `terrace.test/simulate: Failed` makes it fail instead: backoffLimit + 1 failed
// pods (spec.backoffLimit, default 6), FailureTarget and Failed (BackoffLimitExceeded), no completion time.
func (s *server) jobStatus(job object) object {
	spec, _ := job["spec"].(map[string]interface{})
	now := s.timestamp()
	jobCondition := func(typ, reason, message string) object {
		return object{"type": typ, "status": "True", "reason": reason, "message": message, "lastProbeTime": now, "lastTransitionTime": now}
	}
	st := object{"startTime": now, "ready": int64(0), "terminating": int64(0), "uncountedTerminatedPods": object{}}
	if simulatedFailure(job) {
		const message = "Job has reached the specified backoff limit (simulated)"
		st["failed"] = int64Of(spec["backoffLimit"], 6) + 1
		st["conditions"] = []interface{}{
			jobCondition("FailureTarget", "BackoffLimitExceeded", message),
			jobCondition("Failed", "BackoffLimitExceeded", message),
		}
		return st
	}
	const message = "Reached expected number of succeeded pods"
	completions := int64Of(spec["completions"], 1)
	st["succeeded"] = completions
	st["completionTime"] = now
	if spec["completionMode"] == "Indexed" && completions > 0 {
		st["completedIndexes"] = "0"
		if completions > 1 {
			st["completedIndexes"] = fmt.Sprintf("0-%d", completions-1)
		}
	}
	st["conditions"] = []interface{}{
		jobCondition("SuccessCriteriaMet", "CompletionsReached", message),
		jobCondition("Complete", "CompletionsReached", message),
	}
	return st
}

// --- Argo CD Applications ---

// argoRevision is the revision Argo CD reports for a source: a chart's version, or for git the commit the target
// revision resolves to, here a fixed fake: sha1(repoURL + "\n" + path + "\n" + targetRevision).
func argoRevision(src map[string]interface{}) string {
	str := func(k string) string { v, _ := src[k].(string); return v }
	if str("chart") != "" {
		return str("targetRevision")
	}
	sum := sha1.Sum([]byte(str("repoURL") + "\n" + str("path") + "\n" + str("targetRevision")))
	return hex.EncodeToString(sum[:])
}

// argoSourceType is Argo CD's explicit source type: Helm for charts and sources with helm settings, and so on.
func argoSourceType(src map[string]interface{}) string {
	switch {
	case src["chart"] != nil && src["chart"] != "", src["helm"] != nil:
		return "Helm"
	case src["kustomize"] != nil:
		return "Kustomize"
	case src["plugin"] != nil:
		return "Plugin"
	}
	return "Directory"
}

// argoSimulation is the failure a source asks for: `simulate` in helm.valuesObject, or a top-level line
// `simulate: X` in helm.values.
func argoSimulation(src map[string]interface{}) string {
	helm, _ := src["helm"].(map[string]interface{})
	if vo, ok := helm["valuesObject"].(map[string]interface{}); ok {
		if v, ok := vo["simulate"].(string); ok {
			return v
		}
	}
	values, _ := helm["values"].(string)
	for _, line := range strings.Split(values, "\n") {
		if strings.HasPrefix(line, "simulate:") {
			return strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "simulate:")), `"'`)
		}
	}
	return ""
}

// applicationStatus is what Argo CD's application controller reports for an Application after an automated sync:
// Synced and Healthy at the source's revision, or the failure the source's values simulate.
func (s *server) applicationStatus(app object) object {
	spec, _ := app["spec"].(map[string]interface{})
	name := metaString(app, "name")
	now := s.timestamp()
	source, _ := spec["source"].(map[string]interface{})
	multi := source == nil
	var sources []map[string]interface{}
	if multi {
		for _, x := range asList(spec["sources"]) {
			if m, ok := x.(map[string]interface{}); ok {
				sources = append(sources, m)
			}
		}
	} else {
		sources = []map[string]interface{}{source}
	}
	var revisions, types []interface{}
	simulate := ""
	for _, src := range sources {
		revisions = append(revisions, argoRevision(src))
		types = append(types, argoSourceType(src))
		if sim := argoSimulation(src); sim != "" && simulate == "" {
			simulate = sim
		}
	}
	// withRevision sets `revision` and `source` (one source) or `revisions` and `sources` (several).
	withRevision := func(o object, withSource bool) object {
		if multi {
			o["revisions"] = revisions
			if withSource {
				o["sources"] = deepCopy(spec["sources"])
			}
		} else {
			if len(revisions) > 0 {
				o["revision"] = revisions[0]
			}
			if withSource {
				o["source"] = deepCopy(source)
			}
		}
		return o
	}
	comparedTo := withRevision(object{"destination": deepCopy(spec["destination"])}, true)
	delete(comparedTo, "revision")
	delete(comparedTo, "revisions")

	syncPolicy, _ := spec["syncPolicy"].(map[string]interface{})
	syncOp := withRevision(object{}, false)
	if automated, ok := syncPolicy["automated"].(map[string]interface{}); ok && automated["prune"] == true {
		syncOp["prune"] = true
	}
	if opts := asList(syncPolicy["syncOptions"]); len(opts) > 0 {
		syncOp["syncOptions"] = deepCopy(opts)
	}
	operation := object{"sync": syncOp, "initiatedBy": object{"automated": true}}
	if retry, ok := syncPolicy["retry"].(map[string]interface{}); ok {
		operation["retry"] = deepCopy(retry)
	}
	syncResult := withRevision(object{}, true)
	if multi {
		syncResult["revision"] = "" // required by the schema; Argo CD writes it empty for several sources
	}
	opState := object{
		"phase": "Succeeded", "message": "successfully synced (all tasks run)", "operation": operation,
		"syncResult": syncResult, "startedAt": now, "finishedAt": now,
	}
	st := object{
		"sync":                withRevision(object{"status": "Synced", "comparedTo": comparedTo}, false),
		"health":              object{"status": "Healthy", "lastTransitionTime": now},
		"operationState":      opState,
		"reconciledAt":        now,
		"controllerNamespace": metaString(app, "namespace"),
	}
	if multi {
		st["sourceTypes"] = types
	} else if len(types) > 0 {
		st["sourceType"] = types[0]
	}
	current, _ := app["status"].(map[string]interface{})
	history := asList(current["history"])
	synced := true
	switch simulate {
	case "Degraded":
		st["health"] = object{"status": "Degraded", "lastTransitionTime": now,
			"message": fmt.Sprintf("Deployment %s has 0 available replicas (simulated)", name)}
	case "Progressing":
		st["health"] = object{"status": "Progressing", "lastTransitionTime": now}
	case "SyncError", "ComparisonError", "InvalidSpecError":
		message := fmt.Sprintf("%s simulated for %s", simulate, name)
		st["conditions"] = []interface{}{object{"type": simulate, "message": message, "lastTransitionTime": now}}
		st["sync"].(map[string]interface{})["status"] = "OutOfSync"
		st["health"] = object{"status": "Missing", "lastTransitionTime": now}
		synced = false
		if simulate == "SyncError" {
			opState["phase"] = "Failed"
			opState["message"] = "one or more objects failed to apply, reason: " + message
		} else {
			delete(st, "operationState") // nothing to sync from: no operation runs
		}
	}
	if synced {
		history = appendHistory(history, withRevision(object{}, true), spec, now)
	}
	if len(history) > 0 {
		st["history"] = history
	}
	return st
}

// appendHistory adds a deployment to an Application's history unless the last one is the same revision and source,
// keeping spec.revisionHistoryLimit entries (10 by default).
func appendHistory(history []interface{}, deployed object, spec map[string]interface{}, now string) []interface{} {
	out := deepCopy(history).([]interface{})
	var lastID int64 = -1
	if n := len(out); n > 0 {
		last, _ := out[n-1].(map[string]interface{})
		lastID = int64Of(last["id"], int64(n-1))
		same := true
		for _, k := range []string{"revision", "revisions", "source", "sources"} {
			if !equalJSON(last[k], deployed[k]) {
				same = false
			}
		}
		if same {
			return out
		}
	}
	entry := object{"id": lastID + 1, "deployedAt": now, "deployStartedAt": now, "initiatedBy": object{"automated": true}}
	for k, v := range deployed {
		entry[k] = v
	}
	out = append(out, entry)
	limit := int64Of(spec["revisionHistoryLimit"], 10)
	if limit < 1 {
		limit = 1
	}
	if int64(len(out)) > limit {
		out = out[int64(len(out))-limit:]
	}
	return out
}

func asList(v interface{}) []interface{} {
	l, _ := v.([]interface{})
	if l == nil {
		return []interface{}{}
	}
	return l
}
