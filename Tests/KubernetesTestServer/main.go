// Command kube-test-server is a Kubernetes API server for tests: one process, in memory, HTTPS with a test CA it
// generates, bearer-token auth, and server-side apply through the real merge library (structured-merge-diff).
// See README.md for what it implements.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

func main() {
	dir := flag.String("dir", "", "folder to write ca.crt, token and address into (required)")
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	token := flag.String("token", "", "bearer token to accept (default: a random one, written to DIR/token)")
	schemaDir := flag.String("schemas", "", "kubernetes-validate's *-local-strict schema folder (default: found through python3)")
	establish := flag.Duration("establish-delay", 200*time.Millisecond, "how long after a CRD is written it becomes Established")
	watchList := flag.Bool("watch-list", true, "serve watch-list (sendInitialEvents=true); false answers 422 so clients fall back to list+watch")
	logFile := flag.String("log", "", "append the request log here (default: standard error)")
	simulate := flag.Bool("simulate-controllers", false, "act as a cluster's controllers: Deployments and StatefulSets become ready, Argo CD Applications report a sync, Argo CD's finalizer is worked off")
	chartCRDFiles := chartCRDFlag{}
	flag.Var(chartCRDFiles, "chart-crds", "CHART=FILE[,FILE...] (repeatable): with -simulate-controllers, an Application synced with Helm chart CHART first creates the CustomResourceDefinitions in these YAML files, as Argo CD's sync of the chart would")
	acceptEKS := flag.Bool("accept-eks-tokens", false, "also accept bearer tokens of EKS form (k8s-aws-v1. + a presigned STS GetCallerIdentity URL); the form is checked, not the signature")
	flag.Parse()
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			log.Fatal(err)
		}
		log.SetOutput(f)
	}
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("-listen must be a loopback address, got %q", *listen)
	}
	if *schemaDir == "" {
		if *schemaDir, err = locateSchemaDir(); err != nil {
			log.Fatal(err)
		}
	}
	schemas, err := loadBuiltinSchemas(*schemaDir)
	if err != nil {
		log.Fatalf("loading schemas: %v", err)
	}
	if *token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			log.Fatal(err)
		}
		*token = hex.EncodeToString(b)
	}
	caPEM, cert, err := makeCertificates()
	if err != nil {
		log.Fatalf("certificates: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	chartCRDs, err := loadChartCRDs(chartCRDFiles)
	if err != nil {
		log.Fatal(err)
	}
	s := newServer(schemas)
	s.chartCRDs = chartCRDs
	s.token = *token
	s.establishDelay = *establish
	s.watchList = *watchList
	s.simulate = *simulate
	s.acceptEKSTokens = *acceptEKS
	s.address = ln.Addr().String()
	url := "https://" + ln.Addr().String()
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}
	write := func(name string, data []byte) {
		tmp := filepath.Join(*dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(*dir, name)); err != nil {
			log.Fatal(err)
		}
	}
	write("ca.crt", caPEM)
	write("token", []byte(*token))
	write("address", []byte(url)) // last: its presence means the server is ready
	fmt.Println(url)
	log.Printf("serving %s (schemas: %s)", url, *schemaDir)
	srv := &http.Server{Handler: s, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 30 * time.Second, ErrorLog: log.New(log.Writer(), "http: ", 0)}
	log.Fatal(srv.ServeTLS(ln, "", ""))
}

// makeCertificates creates a CA and a serving certificate for 127.0.0.1, ::1 and localhost signed by it.
func makeCertificates() ([]byte, tls.Certificate, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kube-test-server CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(7 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(7 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), cert, nil
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
