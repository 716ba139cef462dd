package main

// Chart CRDs (-chart-crds CHART=FILE[,FILE...]): the CustomResourceDefinitions a Helm chart installs, which the
// simulated Application controller creates when it marks an Application with that chart Synced, as Argo CD's sync of
// the chart would (it renders charts with their CRDs and applies them like any other object). Terrace waits for an
// addon's Application and then applies the addon's custom resources (a ClusterIssuer once cert-manager is synced):
// without the CRDs in the cluster those would be refused, as they would be in a real cluster before the sync.
// Only CRDs are taken from the files: nothing else a chart holds is deployed (see README).

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// argoCDManager is the field manager Argo CD's application controller applies as.
const argoCDManager = "argocd-controller"

// chartCRDFlag collects repeated -chart-crds CHART=FILE[,FILE...] flags: chart name -> files, in the given order.
type chartCRDFlag map[string][]string

func (f chartCRDFlag) String() string {
	var parts []string
	for _, chart := range sortedChartNames(f) {
		parts = append(parts, chart+"="+strings.Join(f[chart], ","))
	}
	return strings.Join(parts, " ")
}

func (f chartCRDFlag) Set(value string) error {
	chart, files, ok := strings.Cut(value, "=")
	chart = strings.TrimSpace(chart)
	if !ok || chart == "" || strings.TrimSpace(files) == "" {
		return fmt.Errorf("want CHART=FILE[,FILE...], got %q", value)
	}
	for _, file := range strings.Split(files, ",") {
		if file = strings.TrimSpace(file); file != "" {
			f[chart] = append(f[chart], file)
		}
	}
	return nil
}

func sortedChartNames(m chartCRDFlag) []string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// loadChartCRDs reads every file of every chart and keeps its CustomResourceDefinition documents. A missing or
// unreadable file, a document that is not YAML, or a file without any CRD is an error: a mapping that silently
// installs nothing would only show up later as a kind the cluster does not serve.
func loadChartCRDs(files chartCRDFlag) (map[string][]object, error) {
	out := map[string][]object{}
	for _, chart := range sortedChartNames(files) {
		for _, file := range files[chart] {
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("-chart-crds %s: %v", chart, err)
			}
			crds, err := crdDocuments(data)
			if err != nil {
				return nil, fmt.Errorf("-chart-crds %s: %s: %v", chart, file, err)
			}
			if len(crds) == 0 {
				return nil, fmt.Errorf("-chart-crds %s: %s holds no apiextensions.k8s.io/v1 CustomResourceDefinition", chart, file)
			}
			out[chart] = append(out[chart], crds...)
		}
	}
	return out, nil
}

// crdDocuments splits multi-document YAML and returns the CustomResourceDefinitions, skipping anything else (a
// chart's CRD file may carry other objects, which Argo CD would deploy but this server does not).
func crdDocuments(data []byte) ([]object, error) {
	docs, err := splitYAMLDocuments(data)
	if err != nil {
		return nil, err
	}
	var out []object
	for i, doc := range docs {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", i+1, err)
		}
		if len(bytes.TrimSpace(j)) == 0 || string(bytes.TrimSpace(j)) == "null" {
			continue // an empty document (a leading `---`, comments only)
		}
		obj, err := decodeJSONObject(j)
		if err != nil {
			return nil, fmt.Errorf("document %d: %v", i+1, err)
		}
		if obj["apiVersion"] != "apiextensions.k8s.io/v1" || obj["kind"] != "CustomResourceDefinition" {
			continue
		}
		if metaString(obj, "name") == "" {
			return nil, fmt.Errorf("document %d: a CustomResourceDefinition without metadata.name", i+1)
		}
		out = append(out, obj)
	}
	return out, nil
}

// splitYAMLDocuments splits at `---` lines as Kubernetes' YAML reader does (k8s.io/apimachinery's NewYAMLReader: a
// line starting with `---`, followed by nothing or a comment, separates documents).
func splitYAMLDocuments(data []byte) ([][]byte, error) {
	var docs [][]byte
	var current bytes.Buffer
	reader := bufio.NewReader(bytes.NewReader(data))
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			if bytes.HasPrefix(line, []byte("---")) {
				if trimmed := bytes.TrimSpace(line[3:]); len(trimmed) == 0 || trimmed[0] == '#' {
					docs = append(docs, append([]byte(nil), current.Bytes()...))
					current.Reset()
					line = nil
				}
			}
			current.Write(line)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	docs = append(docs, current.Bytes())
	return docs, nil
}

// argoTrackingID is the annotation value Argo CD's default tracking method (annotation, since v3) puts on what an
// Application deploys: `<app>:<group>/<kind>:<namespace>/<name>`, the app qualified as `<namespace>_<name>` when it
// lives outside the control plane's namespace (apps in any namespace). This server has no control plane namespace:
// every Application counts as in it.
func argoTrackingID(app object, group, kind, namespace, name string) string {
	return fmt.Sprintf("%s:%s/%s:%s/%s", metaString(app, "name"), group, kind, namespace, name)
}

// chartNames are the charts an Application's sources install: spec.source.chart, or spec.sources[*].chart.
func chartNames(app object) []string {
	spec, _ := app["spec"].(map[string]interface{})
	var sources []interface{}
	if source, ok := spec["source"].(map[string]interface{}); ok {
		sources = []interface{}{source}
	} else {
		sources = asList(spec["sources"])
	}
	var out []string
	for _, x := range sources {
		src, _ := x.(map[string]interface{})
		if chart, _ := src["chart"].(string); chart != "" && !contains(out, chart) {
			out = append(out, chart)
		}
	}
	return out
}

// installChartCRDs creates the CRDs of the Application's charts, as Argo CD's sync would, before the Application is
// reported Synced. Each goes through server-side apply as `argocd-controller` (the path a client's apply takes), so
// it is Established after the usual delay and served by discovery then. A CRD already there with the same content is
// left alone: no write, so a re-sync of an unchanged Application stays a no-op. Called with s.mu held.
func (s *server) installChartCRDs(app object) {
	if len(s.chartCRDs) == 0 {
		return
	}
	res := s.builtin[len(s.builtin)-1] // CustomResourceDefinition
	for _, chart := range chartNames(app) {
		for _, crd := range s.chartCRDs[chart] {
			config := copyObject(crd)
			name := metaString(config, "name")
			annotations, _ := meta(config)["annotations"].(map[string]interface{})
			if annotations == nil {
				annotations = object{}
				meta(config)["annotations"] = annotations
			}
			annotations["argocd.argoproj.io/tracking-id"] = argoTrackingID(app, res.Group, res.Kind, "", name)
			delete(config, "status")
			old := s.get(res, "", name)
			if old != nil && crdUpToDate(old, config) {
				continue
			}
			wr := &writeRequest{res: res, manager: managerID(argoCDManager, "Apply", res.groupVersion(), ""), validation: "Strict"}
			// force: Argo CD's server-side apply takes over fields others own (--force-conflicts).
			if _, _, err := s.apply(wr, old, config, true); err != nil {
				log.Printf("simulated controller: chart %s: CRD %s: %v", chart, name, err)
			}
		}
	}
}

// crdUpToDate tells whether the stored CRD already has the config's spec, labels and annotations.
func crdUpToDate(stored, config object) bool {
	if !equalJSON(stored["spec"], config["spec"]) {
		return false
	}
	for _, field := range []string{"labels", "annotations"} {
		want := stringMap(meta(config)[field])
		have := stringMap(meta(copyObject(stored))[field])
		for k, v := range want {
			if have[k] != v {
				return false
			}
		}
	}
	return true
}
