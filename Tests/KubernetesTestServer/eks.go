package main

// EKS bearer tokens (-accept-eks-tokens): `k8s-aws-v1.` + base64url (no padding) of a SigV4-presigned STS
// GetCallerIdentity URL whose signed headers include `x-k8s-aws-id`, as `aws eks get-token` makes them. A real
// cluster hands the URL to STS; the signature cannot be checked without AWS, so the form is what is checked here,
// with the rules of aws-iam-authenticator's verifier (allowed parameters, one value each, a 15-minute window) and
// the SigV4 presigning format. Nothing of a token is ever logged: refusal reasons are fixed texts.

import (
	"encoding/base64"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	eksTokenPrefix = "k8s-aws-v1."
	// eksTokenMaxLength is aws-iam-authenticator's limit.
	eksTokenMaxLength = 4096
	// eksTokenWindow is how long after X-Amz-Date STS accepts the presigned URL (X-Amz-Expires is ignored by STS).
	eksTokenWindow = 15 * time.Minute
)

var (
	// sts.amazonaws.com (global, signed for us-east-1) or sts.<region>.amazonaws.com.
	stsHost        = regexp.MustCompile(`^sts(\.([a-z]{2}(-[a-z]+)+-[0-9]+))?\.amazonaws\.com$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accessKeyID    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`) // test keys (moto's "test") are short
	signatureHex   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	signedHeaderRE = regexp.MustCompile(`^[a-z0-9-]+$`)
	eksParameters  = map[string]bool{
		"Action": true, "Version": true, "X-Amz-Algorithm": true, "X-Amz-Credential": true, "X-Amz-Date": true,
		"X-Amz-Expires": true, "X-Amz-SignedHeaders": true, "X-Amz-Signature": true, "X-Amz-Security-Token": true,
	}
)

// checkEKSToken says why a bearer token is not a well-formed, current EKS token (nil when it is one).
// The errors are fixed texts that quote nothing of the token.
func checkEKSToken(token string, now time.Time) error {
	if len(token) > eksTokenMaxLength {
		return errors.New("token too long")
	}
	if !strings.HasPrefix(token, eksTokenPrefix) {
		return errors.New("missing k8s-aws-v1. prefix")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(token, eksTokenPrefix))
	if err != nil {
		return errors.New("not base64url without padding")
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "https" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return errors.New("not an https URL")
	}
	host := stsHost.FindStringSubmatch(u.Host)
	if host == nil {
		return errors.New("not an STS host")
	}
	hostRegion := host[2]
	if hostRegion == "" {
		hostRegion = "us-east-1" // the global endpoint signs for us-east-1
	}
	if u.Path != "/" {
		return errors.New("path is not /")
	}
	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return errors.New("malformed query")
	}
	q := map[string]string{}
	for k, vs := range values {
		if !eksParameters[k] {
			return errors.New("query parameter not allowed")
		}
		if len(vs) != 1 {
			return errors.New("query parameter repeated")
		}
		q[k] = vs[0]
	}
	if q["Action"] != "GetCallerIdentity" {
		return errors.New("Action is not GetCallerIdentity")
	}
	if q["Version"] != "2011-06-15" {
		return errors.New("Version is not 2011-06-15")
	}
	if q["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256" {
		return errors.New("X-Amz-Algorithm is not AWS4-HMAC-SHA256")
	}
	date, err := time.Parse("20060102T150405Z", q["X-Amz-Date"])
	if err != nil {
		return errors.New("X-Amz-Date missing or malformed")
	}
	if d := now.Sub(date); d > eksTokenWindow || d < -eksTokenWindow {
		return errors.New("X-Amz-Date not within 15 minutes of now")
	}
	// X-Amz-Credential: AKID/yyyymmdd/region/sts/aws4_request, dated the day of X-Amz-Date.
	cred := strings.Split(q["X-Amz-Credential"], "/")
	if len(cred) != 5 || !accessKeyID.MatchString(cred[0]) || cred[1] != q["X-Amz-Date"][:8] ||
		!regionPattern.MatchString(cred[2]) || cred[3] != "sts" || cred[4] != "aws4_request" {
		return errors.New("X-Amz-Credential malformed")
	}
	if cred[2] != hostRegion {
		return errors.New("X-Amz-Credential region does not match the STS host")
	}
	expires, err := strconv.Atoi(q["X-Amz-Expires"])
	if err != nil || expires < 1 || expires > 900 {
		return errors.New("X-Amz-Expires not within 1..900")
	}
	// Signed headers: lowercase, sorted, unique, with host and x-k8s-aws-id.
	headers := strings.Split(q["X-Amz-SignedHeaders"], ";")
	for i, h := range headers {
		if !signedHeaderRE.MatchString(h) || (i > 0 && headers[i-1] >= h) {
			return errors.New("X-Amz-SignedHeaders malformed")
		}
	}
	if !contains(headers, "host") || !contains(headers, "x-k8s-aws-id") {
		return errors.New("X-Amz-SignedHeaders lacks host or x-k8s-aws-id")
	}
	if !signatureHex.MatchString(q["X-Amz-Signature"]) {
		return errors.New("X-Amz-Signature is not 64 hex digits")
	}
	return nil
}
