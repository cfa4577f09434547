//go:build tools

// Package tools records the server binary this module pins, so `go mod tidy` keeps it.
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
