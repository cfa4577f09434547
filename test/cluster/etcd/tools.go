//go:build tools

// Package tools records the command build.sh compiles from this module (the
// etcd server is the main package at the root of go.etcd.io/etcd/server/v3),
// so that `go mod tidy` keeps its dependencies in go.mod/go.sum.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
