//go:build tools

// Package tools records the command build.sh compiles from this module (the
// single Argo CD binary whose component ARGOCD_BINARY_NAME selects), so that
// `go mod tidy` keeps its dependencies in go.mod/go.sum.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
