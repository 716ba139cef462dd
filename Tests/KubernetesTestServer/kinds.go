package main

import "strings"

// resourceInfo describes one served resource (a built-in kind or a CRD version).
type resourceInfo struct {
	Group, Version, Kind, Plural, Singular string
	Namespaced                             bool
	HasStatus                              bool // a status subresource
	HasGeneration                          bool // metadata.generation is managed
	ShortNames, Categories                 []string
	SchemaType                             string // root type name in the schema
	CRD                                    string // the CRD's name for custom kinds
	ListKind                               string
}

func (r *resourceInfo) groupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// storageKey identifies a resource's objects independently of the version used to reach them.
func (r *resourceInfo) storageKey() string { return r.Group + "/" + r.Plural }

// describe names a kind as Kubernetes does in messages: `deployments.apps`, or `configmaps`.
func (r *resourceInfo) qualifiedResource() string {
	if r.Group == "" {
		return r.Plural
	}
	return r.Plural + "." + r.Group
}

var allVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// builtinResources are the built-in kinds Terrace touches, and those the Argo CD install manifest holds.
func builtinResources() []*resourceInfo {
	def := func(group, version, kind, plural string, namespaced, status, generation bool, short ...string) *resourceInfo {
		prefix := "io.k8s.api." + map[string]string{
			"": "core", "apps": "apps", "rbac.authorization.k8s.io": "rbac", "networking.k8s.io": "networking",
			"batch": "batch", "policy": "policy", "coordination.k8s.io": "coordination",
		}[group]
		schemaType := prefix + "." + version + "." + kind
		if group == "apiextensions.k8s.io" {
			schemaType = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + kind
		}
		return &resourceInfo{Group: group, Version: version, Kind: kind, Plural: plural, Singular: strings.ToLower(kind),
			Namespaced: namespaced, HasStatus: status, HasGeneration: generation, ShortNames: short, SchemaType: schemaType,
			ListKind: kind + "List"}
	}
	all := func(r *resourceInfo) *resourceInfo { r.Categories = []string{"all"}; return r }
	return []*resourceInfo{
		def("", "v1", "Namespace", "namespaces", false, true, false, "ns"),
		def("", "v1", "ServiceAccount", "serviceaccounts", true, false, false, "sa"),
		def("", "v1", "Secret", "secrets", true, false, false),
		def("", "v1", "ConfigMap", "configmaps", true, false, false, "cm"),
		all(def("", "v1", "Service", "services", true, true, false, "svc")),
		all(def("", "v1", "Pod", "pods", true, true, false, "po")),
		def("", "v1", "Event", "events", true, false, false, "ev"),
		def("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true, false, "pvc"),
		all(def("apps", "v1", "Deployment", "deployments", true, true, true, "deploy")),
		all(def("apps", "v1", "StatefulSet", "statefulsets", true, true, true, "sts")),
		all(def("apps", "v1", "DaemonSet", "daemonsets", true, true, true, "ds")),
		all(def("apps", "v1", "ReplicaSet", "replicasets", true, true, true, "rs")),
		all(def("batch", "v1", "Job", "jobs", true, true, true)),
		def("rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, false),
		def("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, false),
		def("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, false),
		def("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, false),
		def("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false, true, "netpol"),
		def("networking.k8s.io", "v1", "Ingress", "ingresses", true, true, true, "ing"),
		def("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, true, "pdb"),
		def("coordination.k8s.io", "v1", "Lease", "leases", true, false, false),
		def("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, true, "crd", "crds"),
	}
}
