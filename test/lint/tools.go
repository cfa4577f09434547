//go:build tools

// Package tools pins kube-score, the Kubernetes manifest linter that npm run lint:k8s runs on dist/.
package tools

import _ "github.com/zegl/kube-score/cmd/kube-score"
