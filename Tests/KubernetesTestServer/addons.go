package main

// Simulated controllers of the addons Terrace installs, for the custom resources it applies once an addon's
// Application is Synced and Healthy: cert-manager (ClusterIssuer, Issuer, Certificate), external-secrets
// (ClusterSecretStore, SecretStore, ExternalSecret), CloudNativePG (Cluster) and the Keycloak operator (Keycloak,
// KeycloakRealmImport). Each reports what the real controller writes when all is well: the same condition types,
// reasons and messages (taken from the upstream sources), and only the status fields the CRD's schema declares (the
// status is written strictly, so a field the schema lacks would be refused). Where upstream differs from a uniform
// `Ready` with a reason and an observedGeneration, upstream wins, since a driver waiting on something the real
// controller never writes would hang in a real cluster:
//
//   - external-secrets' conditions have no observedGeneration (its CRDs do not declare one);
//   - CloudNativePG's Ready condition carries no observedGeneration (the operator does not set it);
//   - Keycloak's conditions have no reason (the CRD declares none), and a KeycloakRealmImport reports `Done`, not
//     `Ready` (with `Started` and `HasErrors`).
//
// The annotation `terrace.test/simulate: Failed` makes the controller report a failure instead (its real reason, a
// message ending in "(simulated)"); removing it makes the next reconcile report success.

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// simulateAnnotation asks a simulated controller for a failure (value `Failed`), on any object it reports on.
const simulateAnnotation = "terrace.test/simulate"

// addonStatuses are the simulated controllers of custom resources, by storage key (group/plural). Each returns the
// status its controller would write, given whether a failure is asked for.
var addonStatuses = map[string]func(s *server, obj object, failed bool) object{
	"cert-manager.io/clusterissuers":          issuerStatus,
	"cert-manager.io/issuers":                 issuerStatus,
	"cert-manager.io/certificates":            certificateStatus,
	"external-secrets.io/clustersecretstores": secretStoreStatus,
	"external-secrets.io/secretstores":        secretStoreStatus,
	"external-secrets.io/externalsecrets":     externalSecretStatus,
	"postgresql.cnpg.io/clusters":             cnpgClusterStatus,
	"k8s.keycloak.org/keycloaks":              keycloakStatus,
	"k8s.keycloak.org/keycloakrealmimports":   realmImportStatus,
}

// simulatedFailure tells whether the object asks for a simulated failure.
func simulatedFailure(obj object) bool {
	return stringMap(meta(obj)["annotations"])[simulateAnnotation] == "Failed"
}

// servedResource is the resource of an object as it was written (its apiVersion), while its CRD is served.
func (s *server) servedResource(key string, obj object) *resourceInfo {
	apiVersion, _ := obj["apiVersion"].(string)
	group, version := "", apiVersion
	if i := strings.Index(apiVersion, "/"); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	plural := key
	if i := strings.Index(key, "/"); i >= 0 {
		plural = key[i+1:]
	}
	return s.resolve(group, version, plural)
}

// condition builds a status condition; empty reason or message are left out, as `omitempty` leaves them out.
func condition(typ, status, reason, message, now string) object {
	c := object{"type": typ, "status": status, "lastTransitionTime": now}
	if reason != "" {
		c["reason"] = reason
	}
	if message != "" {
		c["message"] = message
	}
	return c
}

func generationOf(obj object) int64 { return int64Of(meta(obj)["generation"], 1) }

// fakeNumber is a stable number derived from an object's identity (account ids and the like).
func fakeNumber(obj object, salt string) uint64 {
	sum := sha256.Sum256([]byte(salt + "\n" + metaString(obj, "uid")))
	return binary.BigEndian.Uint64(sum[:8]) % 1_000_000_000
}

// --- cert-manager.io ---

// issuerTypes are cert-manager's issuer kinds (the one field of spec that is set), with the Ready reason and message
// their setup reports (pkg/issuer/*/setup.go), and the reason and message of a typical failure.
var issuerTypes = []struct{ field, reason, message, failReason, failMessage string }{
	{"acme", "ACMEAccountRegistered", "The ACME account was registered with the ACME server",
		"ErrRegisterACMEAccount", "Failed to register ACME account: 403 urn:ietf:params:acme:error:unauthorized: account creation refused"},
	{"ca", "KeyPairVerified", "Signing CA verified",
		"ErrGetKeyPair", "Error getting keypair for CA issuer: secret not found"},
	{"selfSigned", "IsReady", "", "", ""}, // self-signed issuers cannot fail their setup
	{"vault", "VaultVerified", "Vault verified",
		"VaultError", "Failed to initialize Vault client: permission denied"},
	{"venafi", "Certificate Manager issuer started", "Certificate Manager issuer started",
		"ErrInitIssuer", "Failed to initialise Venafi client: unauthorized"},
}

// issuerStatus is what cert-manager's issuer controllers report after setting up a ClusterIssuer or Issuer: for an
// ACME issuer, the account registered with the ACME server (status.acme).
func issuerStatus(s *server, obj object, failed bool) object {
	spec, _ := obj["spec"].(map[string]interface{})
	now := s.timestamp()
	gen := generationOf(obj)
	for _, t := range issuerTypes {
		cfg, ok := spec[t.field].(map[string]interface{})
		if !ok {
			continue
		}
		if failed && t.failReason != "" {
			c := condition("Ready", "False", t.failReason, t.failMessage+" (simulated)", now)
			c["observedGeneration"] = gen
			return object{"conditions": []interface{}{c}}
		}
		c := condition("Ready", "True", t.reason, t.message, now)
		c["observedGeneration"] = gen
		st := object{"conditions": []interface{}{c}}
		if t.field == "acme" {
			acme := object{"lastPrivateKeyHash": base64.StdEncoding.EncodeToString(sha256Of("account key\n" + metaString(obj, "uid")))}
			// The account URL is the ACME server's: https://acme-v02.api.letsencrypt.org/acme/acct/<id>.
			if server, _ := cfg["server"].(string); server != "" {
				if u, err := url.Parse(server); err == nil && u.Host != "" {
					acme["uri"] = fmt.Sprintf("%s://%s/acme/acct/%d", u.Scheme, u.Host, fakeNumber(obj, "acme account"))
				}
			}
			if email, _ := cfg["email"].(string); email != "" {
				acme["lastRegisteredEmail"] = email
			}
			st["acme"] = acme
		}
		return st
	}
	// No issuer type: the webhook would have refused it; the controller reports it not ready.
	c := condition("Ready", "False", "ErrInitIssuer", "Error initializing issuer: no issuer type is set in spec", now)
	c["observedGeneration"] = gen
	return object{"conditions": []interface{}{c}}
}

func sha256Of(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// certificateStatus is what cert-manager reports once a Certificate is issued: Ready (reason Ready), the validity
// (spec.duration, default 90 days) and the renewal time (spec.renewBefore before the end, default a third of it).
// A simulated failure is a failed issuance: Ready=False (DoesNotExist: no Secret yet), Issuing=False (Failed).
func certificateStatus(s *server, obj object, failed bool) object {
	spec, _ := obj["spec"].(map[string]interface{})
	now := s.now().UTC()
	stamp := now.Format(time.RFC3339)
	gen := generationOf(obj)
	if failed {
		ready := condition("Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist (simulated)", stamp)
		ready["observedGeneration"] = gen
		issuing := condition("Issuing", "False", "Failed",
			"The certificate request has failed to complete and will be retried: the ACME order failed (simulated)", stamp)
		issuing["observedGeneration"] = gen
		return object{"conditions": []interface{}{ready, issuing}, "failedIssuanceAttempts": int64(1), "lastFailureTime": stamp}
	}
	duration := durationOf(spec["duration"], 90*24*time.Hour)
	renewBefore := durationOf(spec["renewBefore"], duration/3)
	ready := condition("Ready", "True", "Ready", "Certificate is up to date and has not expired", stamp)
	ready["observedGeneration"] = gen
	return object{
		"conditions": []interface{}{ready},
		"notBefore":  stamp,
		"notAfter":   now.Add(duration).Format(time.RFC3339),
		// cert-manager renews renewBefore ahead of the end.
		"renewalTime": now.Add(duration - renewBefore).Format(time.RFC3339),
		"revision":    int64(1),
	}
}

// durationOf reads a Go duration (`2160h`, cert-manager's metav1.Duration form), else the fallback.
func durationOf(v interface{}, fallback time.Duration) time.Duration {
	if str, ok := v.(string); ok {
		if d, err := time.ParseDuration(str); err == nil && d > 0 {
			return d
		}
	}
	return fallback
}

// --- external-secrets.io ---

// secretStoreStatus is what external-secrets reports once it validated a store's provider (store validated; the
// capabilities of the provider, ReadWrite for AWS's).
func secretStoreStatus(s *server, obj object, failed bool) object {
	now := s.timestamp()
	if failed {
		return object{"conditions": []interface{}{
			condition("Ready", "False", "InvalidProviderConfig", "unable to validate store (simulated)", now)}}
	}
	return object{
		"conditions":   []interface{}{condition("Ready", "True", "Valid", "store validated", now)},
		"capabilities": "ReadWrite",
	}
}

// externalSecretStatus is what external-secrets reports once the target Secret is synced: the Secret it made
// (binding), when, and the object version it synced (`<generation>-<hash of labels and annotations>`, as
// external-secrets' GetResourceVersion forms it).
func externalSecretStatus(s *server, obj object, failed bool) object {
	now := s.timestamp()
	if failed {
		return object{"conditions": []interface{}{
			condition("Ready", "False", "SecretSyncedError", "could not get secret data from provider (simulated)", now)}}
	}
	spec, _ := obj["spec"].(map[string]interface{})
	target, _ := spec["target"].(map[string]interface{})
	secret, _ := target["name"].(string)
	if secret == "" {
		secret = metaString(obj, "name")
	}
	labels := stringMap(meta(obj)["labels"])
	annotations := stringMap(meta(obj)["annotations"])
	hash := sha256Of(fmt.Sprint(sortedPairs(labels), sortedPairs(annotations)))
	return object{
		"conditions":            []interface{}{condition("Ready", "True", "SecretSynced", "secret synced", now)},
		"refreshTime":           now,
		"syncedResourceVersion": fmt.Sprintf("%d-%x", generationOf(obj), hash[:16]),
		"binding":               object{"name": secret},
	}
}

func sortedPairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sortStrings(out)
	return out
}

// --- postgresql.cnpg.io ---

// cnpgClusterStatus is what CloudNativePG reports for a healthy Cluster: phase "Cluster in healthy state", every
// instance ready (spec.instances, default 1), the first instance primary, the services it made, and Ready
// (ClusterIsReady). A simulated failure leaves the cluster unrecoverable, with no instance ready.
func cnpgClusterStatus(s *server, obj object, failed bool) object {
	spec, _ := obj["spec"].(map[string]interface{})
	name := metaString(obj, "name")
	now := s.timestamp()
	instances := int64Of(spec["instances"], 1)
	var names []interface{}
	for i := int64(1); i <= instances; i++ {
		names = append(names, fmt.Sprintf("%s-%d", name, i))
	}
	st := object{
		"instances": instances, "instanceNames": names, "latestGeneratedNode": instances,
		"writeService": name + "-rw", "readService": name + "-r",
		"currentPrimary": name + "-1", "targetPrimary": name + "-1",
	}
	if failed {
		st["phase"] = "Cluster is unrecoverable and needs manual intervention"
		st["phaseReason"] = "the primary instance failed to start (simulated)"
		delete(st, "currentPrimary")
		st["conditions"] = []interface{}{condition("Ready", "False", "ClusterIsNotReady", "Cluster Is Not Ready (simulated)", now)}
		return st
	}
	st["phase"] = "Cluster in healthy state"
	if instances > 0 { // omitempty
		st["readyInstances"] = instances
	}
	st["conditions"] = []interface{}{condition("Ready", "True", "ClusterIsReady", "Cluster is Ready", now)}
	return st
}

// --- k8s.keycloak.org ---

// keycloakStatus is what the Keycloak operator reports for a running Keycloak (KeycloakStatusAggregator): Ready,
// HasErrors and RollingUpdate, each with its observedGeneration and no reason, the instance count (spec.instances,
// default 1) and the pods' selector.
func keycloakStatus(s *server, obj object, failed bool) object {
	spec, _ := obj["spec"].(map[string]interface{})
	name := metaString(obj, "name")
	now := s.timestamp()
	gen := generationOf(obj)
	keycloakCondition := func(typ, status, message string) object {
		c := object{"type": typ, "status": status, "message": message, "lastTransitionTime": now, "observedGeneration": gen}
		return c
	}
	st := object{
		"observedGeneration": gen,
		"selector":           "app=keycloak,app.kubernetes.io/managed-by=keycloak-operator,app.kubernetes.io/instance=" + name,
	}
	if failed {
		st["instances"] = int64(0)
		st["conditions"] = []interface{}{
			keycloakCondition("Ready", "False", "Waiting for more replicas"),
			keycloakCondition("HasErrors", "True",
				fmt.Sprintf("Waiting for %s/%s-0 due to CrashLoopBackOff: back-off restarting failed container (simulated)", metaString(obj, "namespace"), name)),
			keycloakCondition("RollingUpdate", "False", ""),
		}
		return st
	}
	st["instances"] = int64Of(spec["instances"], 1)
	st["conditions"] = []interface{}{
		keycloakCondition("Ready", "True", ""),
		keycloakCondition("HasErrors", "False", ""),
		keycloakCondition("RollingUpdate", "False", ""),
	}
	return st
}

// realmImportStatus is what the Keycloak operator reports once a realm import's Job succeeded
// (KeycloakRealmImportStatusBuilder): Done, Started and HasErrors; a failed import Job gives HasErrors.
func realmImportStatus(s *server, obj object, failed bool) object {
	now := s.timestamp()
	done, errors, message := "True", "False", ""
	if failed {
		done, errors, message = "False", "True", "Import Job failed (simulated)"
	}
	return object{"conditions": []interface{}{
		object{"type": "Done", "status": done, "message": "", "lastTransitionTime": now},
		object{"type": "Started", "status": "False", "message": "", "lastTransitionTime": now},
		object{"type": "HasErrors", "status": errors, "message": message, "lastTransitionTime": now},
	}}
}
